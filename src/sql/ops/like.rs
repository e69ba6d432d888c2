//! ksqlDB's LIKE: `%` matches any run of characters, `_` exactly one; everything else matches
//! itself, case-sensitively. With `ESCAPE 'c'`, `c%`, `c_` and `cc` match a literal `%`, `_`, `c`.

#[derive(Debug, PartialEq)]
enum Token {
    Literal(char),
    AnyOne,
    AnyRun,
}

fn tokenize(pattern: &str, escape: Option<char>) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = pattern.chars();
    while let Some(ch) = chars.next() {
        if Some(ch) == escape {
            // A trailing escape character matches itself, as ksqlDB's regex translation does.
            tokens.push(Token::Literal(chars.next().unwrap_or(ch)));
        } else if ch == '%' {
            if tokens.last() != Some(&Token::AnyRun) {
                tokens.push(Token::AnyRun);
            }
        } else if ch == '_' {
            tokens.push(Token::AnyOne);
        } else {
            tokens.push(Token::Literal(ch));
        }
    }
    tokens
}

/// Matches the whole of `value` against `pattern`, in O(len(value) × len(pattern)) time with
/// the classic greedy-with-backtrack-point algorithm (no exponential blow-up on `%a%a%a...`).
pub fn like(value: &str, pattern: &str, escape: Option<char>) -> bool {
    let tokens = tokenize(pattern, escape);
    let text: Vec<char> = value.chars().collect();
    let (mut text_idx, mut token_idx) = (0usize, 0usize);
    // Where to resume after the most recent `%`: (token after it, text position it swallowed to).
    let mut backtrack: Option<(usize, usize)> = None;
    while text_idx < text.len() {
        match tokens.get(token_idx) {
            Some(Token::AnyRun) => {
                backtrack = Some((token_idx + 1, text_idx));
                token_idx += 1;
                continue;
            }
            Some(Token::AnyOne) => {
                text_idx += 1;
                token_idx += 1;
                continue;
            }
            Some(Token::Literal(expected)) if text.get(text_idx) == Some(expected) => {
                text_idx += 1;
                token_idx += 1;
                continue;
            }
            _ => {}
        }
        match backtrack {
            Some((resume_token, swallowed_to)) => {
                backtrack = Some((resume_token, swallowed_to + 1));
                token_idx = resume_token;
                text_idx = swallowed_to + 1;
            }
            None => return false,
        }
    }
    tokens
        .get(token_idx..)
        .is_some_and(|rest| rest.iter().all(|token| *token == Token::AnyRun))
}
