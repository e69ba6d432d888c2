//! Syntax highlighting from the engine's own tokenizer: the console colours exactly the words the
//! parser will see, so a learner never sees a keyword coloured that the engine reads as a name.
//!
//! [`highlight`] never fails: text the tokenizer cannot read (an unterminated string, a stray
//! character) becomes one [`HighlightClass::Error`] span up to the end, while the text before it
//! keeps its colours.

use super::dialect::KsqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

/// What a piece of text is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightClass {
    Keyword,
    Identifier,
    String,
    Number,
    Comment,
    Operator,
    Punctuation,
    Whitespace,
    /// Text the tokenizer could not read (from there to the end).
    Error,
}

impl HighlightClass {
    /// A short name, usable as a CSS class suffix.
    pub fn name(self) -> &'static str {
        match self {
            HighlightClass::Keyword => "keyword",
            HighlightClass::Identifier => "identifier",
            HighlightClass::String => "string",
            HighlightClass::Number => "number",
            HighlightClass::Comment => "comment",
            HighlightClass::Operator => "operator",
            HighlightClass::Punctuation => "punctuation",
            HighlightClass::Whitespace => "whitespace",
            HighlightClass::Error => "error",
        }
    }
}

/// A byte range of the text (`start..end`, on char boundaries) and its class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HighlightSpan {
    pub start: usize,
    pub end: usize,
    pub class: HighlightClass,
}

/// The words of the ksqlDB dialect that the console colours as keywords (and offers to complete).
/// sqlparser knows hundreds of keywords from other dialects; colouring those would mislead.
pub const KEYWORDS: &[&str] = &[
    "ADVANCE", "ALL", "AND", "ARRAY", "AS", "ASC", "BEGINNING", "BETWEEN", "BIGINT", "BOOLEAN", "BY",
    "BYTES", "CASE", "CAST", "CHANGES", "CREATE", "DATE", "DECIMAL", "DELETE", "DESC", "DESCRIBE",
    "DISTINCT", "DOUBLE", "DROP", "ELSE", "EMIT", "END", "EXISTS", "EXPLAIN", "EXTENDED", "FALSE",
    "FINAL", "FROM", "FULL", "FUNCTIONS", "GRACE", "GROUP", "HAVING", "HOPPING", "IF", "IN", "INNER",
    "INSERT", "INT", "INTEGER", "INTERVAL", "INTO", "IS", "JOIN", "KEY", "LEFT", "LIKE", "LIMIT",
    "LIST", "MAP", "NOT", "NULL", "ON", "OR", "OUTER", "PARTITION", "PARTITIONS", "PRIMARY", "PRINT",
    "PROPERTIES", "QUERIES", "QUERY", "REPLACE", "RETENTION", "RIGHT", "SELECT", "SESSION", "SET",
    "SHOW", "SIZE", "STREAM", "STREAMS", "STRING", "STRUCT", "TABLE", "TABLES", "TERMINATE", "THEN",
    "TIME", "TIMESTAMP", "TOPIC", "TOPICS", "TRUE", "TUMBLING", "UNSET", "VALUES", "VARCHAR", "WHEN",
    "WHERE", "WINDOW", "WITH", "WITHIN",
    // Time units of WINDOW and WITHIN clauses.
    "MILLISECOND", "MILLISECONDS", "SECOND", "SECONDS", "MINUTE", "MINUTES", "HOUR", "HOURS", "DAY", "DAYS",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|keyword| keyword.eq_ignore_ascii_case(word))
}

/// Classifies every byte of `sql`: the spans are in order, contiguous and cover the whole text.
pub fn highlight(sql: &str) -> Vec<HighlightSpan> {
    let mut spans = Vec::new();
    let mut readable_end = sql.len();
    let tokens = loop {
        let text = sql.get(..readable_end).unwrap_or("");
        match Tokenizer::new(&KsqlDialect, text).tokenize_with_location() {
            Ok(tokens) => break tokens,
            Err(error) => {
                // Colour what comes before the unreadable part; the rest is one error span.
                let error_byte = byte_at(sql, error.location.line, error.location.column).unwrap_or(0);
                // The tokenizer reports some errors at the end of the text (an unterminated
                // string): find where the offending token began, searching back for a quote.
                let error_byte = if error_byte >= readable_end { start_of_unterminated(text).unwrap_or(0) } else { error_byte };
                if error_byte >= readable_end {
                    break Vec::new();
                }
                readable_end = error_byte;
            }
        }
    };
    let mut starts: Vec<(usize, HighlightClass)> = tokens
        .iter()
        .filter(|token| token.token != Token::EOF)
        .filter_map(|token| {
            let start = byte_at(sql, token.span.start.line, token.span.start.column)?;
            Some((start, classify(&token.token)))
        })
        .collect();
    starts.sort_by_key(|(start, _)| *start);
    for (index, (start, class)) in starts.iter().enumerate() {
        let end = starts.get(index + 1).map_or(readable_end, |(next, _)| *next);
        if end > *start {
            spans.push(HighlightSpan { start: *start, end, class: *class });
        }
    }
    if readable_end < sql.len() {
        spans.push(HighlightSpan { start: readable_end, end: sql.len(), class: HighlightClass::Error });
    }
    spans
}

fn classify(token: &Token) -> HighlightClass {
    match token {
        Token::Word(word) if word.quote_style.is_some() => HighlightClass::Identifier,
        Token::Word(word) if is_keyword(&word.value) => HighlightClass::Keyword,
        Token::Word(_) => HighlightClass::Identifier,
        Token::Number(..) => HighlightClass::Number,
        Token::SingleQuotedString(_)
        | Token::DoubleQuotedString(_)
        | Token::TripleSingleQuotedString(_)
        | Token::TripleDoubleQuotedString(_)
        | Token::NationalStringLiteral(_)
        | Token::EscapedStringLiteral(_)
        | Token::UnicodeStringLiteral(_)
        | Token::HexStringLiteral(_) => HighlightClass::String,
        Token::Whitespace(Whitespace::SingleLineComment { .. } | Whitespace::MultiLineComment(_)) => HighlightClass::Comment,
        Token::Whitespace(_) => HighlightClass::Whitespace,
        Token::Comma | Token::SemiColon | Token::LParen | Token::RParen | Token::LBracket | Token::RBracket | Token::Period => {
            HighlightClass::Punctuation
        }
        _ => HighlightClass::Operator,
    }
}

/// The byte offset of a 1-based line and column (columns count chars, as the tokenizer does).
fn byte_at(sql: &str, line: u64, column: u64) -> Option<usize> {
    let mut current_line = 1u64;
    let mut current_column = 1u64;
    for (byte_idx, ch) in sql.char_indices() {
        if current_line == line && current_column == column {
            return Some(byte_idx);
        }
        if ch == '\n' {
            current_line += 1;
            current_column = 1;
        } else {
            current_column += 1;
        }
    }
    (current_line == line && current_column == column).then_some(sql.len())
}

/// Where an unterminated quoted string or identifier starts: the first quote whose pair is
/// missing, reading left to right.
fn start_of_unterminated(text: &str) -> Option<usize> {
    let mut open: Option<(usize, char)> = None;
    for (byte_idx, ch) in text.char_indices() {
        match open {
            Some((_, quote)) if ch == quote => open = None,
            Some(_) => {}
            None if matches!(ch, '\'' | '"' | '`') => open = Some((byte_idx, ch)),
            None => {}
        }
    }
    open.map(|(byte_idx, _)| byte_idx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use HighlightClass::*;

    /// The text and class of every span that is not whitespace.
    fn check(sql: &str, expected: &[(&str, HighlightClass)]) {
        let spans = highlight(sql);
        let mut position = 0;
        for span in &spans {
            assert_eq!(span.start, position, "spans are contiguous in {sql:?}: {spans:?}");
            position = span.end;
        }
        assert_eq!(position, sql.len(), "spans cover the text");
        let actual: Vec<(&str, HighlightClass)> =
            spans.iter().filter(|s| s.class != Whitespace).map(|s| (&sql[s.start..s.end], s.class)).collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn classifies_keywords_names_literals_and_operators() {
        check(
            "SELECT id, amount * 2 FROM txns WHERE note = 'hi' EMIT CHANGES;",
            &[
                ("SELECT", Keyword),
                ("id", Identifier),
                (",", Punctuation),
                ("amount", Identifier),
                ("*", Operator),
                ("2", Number),
                ("FROM", Keyword),
                ("txns", Identifier),
                ("WHERE", Keyword),
                ("note", Identifier),
                ("=", Operator),
                ("'hi'", String),
                ("EMIT", Keyword),
                ("CHANGES", Keyword),
                (";", Punctuation),
            ],
        );
    }

    #[test]
    fn keywords_are_case_insensitive_and_quoted_names_stay_names() {
        check("select `FROM` from s", &[("select", Keyword), ("`FROM`", Identifier), ("from", Keyword), ("s", Identifier)]);
    }

    #[test]
    fn words_that_only_other_dialects_reserve_are_names() {
        // sqlparser treats USER and NAME as keywords; ksqlDB does not.
        check("SELECT user, name FROM t", &[("SELECT", Keyword), ("user", Identifier), (",", Punctuation), ("name", Identifier), ("FROM", Keyword), ("t", Identifier)]);
    }

    #[test]
    fn comments_across_lines_and_multibyte_text() {
        check(
            "-- héllo\nSELECT 'é' /* two\nlines */ FROM s",
            &[("-- héllo", Comment), ("SELECT", Keyword), ("'é'", String), ("/* two\nlines */", Comment), ("FROM", Keyword), ("s", Identifier)],
        );
    }

    #[test]
    fn an_unterminated_string_colours_what_comes_before_it() {
        check("SELECT 'abc FROM s", &[("SELECT", Keyword), ("'abc FROM s", Error)]);
    }

    #[test]
    fn empty_text_has_no_spans() {
        assert!(highlight("").is_empty());
    }

    #[test]
    fn never_panics_and_always_covers_the_text() {
        for sql in ["'", "`", "\"", "SELECT 'a''b'", "x -> y := 1 <> 2 >= 3", "\u{0}\u{7f}é€😀", "1e10 .5 0x1F", "SELECT * FROM s;\n\n\t'"] {
            let spans = highlight(sql);
            assert_eq!(spans.first().map_or(0, |s| s.start), 0);
            assert_eq!(spans.last().map_or(0, |s| s.end), sql.len(), "{sql:?}: {spans:?}");
            assert!(spans.windows(2).all(|w| w[0].end == w[1].start));
        }
    }
}
