//! ksqlDB's LIKE: `%` matches any run of characters, `_` exactly one; everything else matches
//! itself, case-sensitively. With `ESCAPE 'c'`, `c%`, `c_` and `cc` match a literal `%`, `_`, `c`.
//!
//! The matcher reads the pattern in place (no token list, no copy of the text as chars): a
//! filter evaluates LIKE once per row, so it allocates nothing.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Token {
    Literal(char),
    AnyOne,
    AnyRun,
}

/// The pattern token starting at byte `pos`, and the byte where the next one starts; `None` at
/// the end of the pattern.
fn token_at(pattern: &str, pos: usize, escape: Option<char>) -> Option<(Token, usize)> {
    let mut chars = pattern.get(pos..)?.chars();
    let ch = chars.next()?;
    let next = pos + ch.len_utf8();
    Some(if Some(ch) == escape {
        // A trailing escape character matches itself, as ksqlDB's regex translation does.
        match chars.next() {
            Some(literal) => (Token::Literal(literal), next + literal.len_utf8()),
            None => (Token::Literal(ch), next),
        }
    } else if ch == '%' {
        (Token::AnyRun, next)
    } else if ch == '_' {
        (Token::AnyOne, next)
    } else {
        (Token::Literal(ch), next)
    })
}

/// The character starting at byte `pos` of `text`, if any.
fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..).and_then(|rest| rest.chars().next())
}

/// Matches the whole of `value` against `pattern`, in O(len(value) × len(pattern)) time with
/// the classic greedy-with-backtrack-point algorithm (no exponential blow-up on `%a%a%a...`).
pub fn like(value: &str, pattern: &str, escape: Option<char>) -> bool {
    // Byte positions in the text and in the pattern.
    let (mut text_pos, mut pattern_pos) = (0usize, 0usize);
    // Where to resume after the most recent `%`: (pattern after it, text position it swallowed to).
    let mut backtrack: Option<(usize, usize)> = None;
    while let Some(ch) = char_at(value, text_pos) {
        match token_at(pattern, pattern_pos, escape) {
            Some((Token::AnyRun, next)) => {
                if next >= pattern.len() {
                    // A trailing `%` swallows the rest of the text.
                    return true;
                }
                backtrack = Some((next, text_pos));
                pattern_pos = next;
                continue;
            }
            Some((Token::AnyOne, next)) => {
                text_pos += ch.len_utf8();
                pattern_pos = next;
                continue;
            }
            Some((Token::Literal(expected), next)) if expected == ch => {
                text_pos += ch.len_utf8();
                pattern_pos = next;
                continue;
            }
            _ => {}
        }
        match backtrack {
            Some((resume, swallowed_to)) => {
                let step = char_at(value, swallowed_to).map_or(1, char::len_utf8);
                backtrack = Some((resume, swallowed_to + step));
                pattern_pos = resume;
                text_pos = swallowed_to + step;
            }
            None => return false,
        }
    }
    // The text is used up: what is left of the pattern must match nothing.
    loop {
        match token_at(pattern, pattern_pos, escape) {
            None => return true,
            Some((Token::AnyRun, next)) => pattern_pos = next,
            Some(_) => return false,
        }
    }
}
