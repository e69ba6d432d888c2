//! SQL errors: a kind, a message a learner understands, where it happened, and a hint.

use std::fmt;

/// A position in the script text: 1-based line and column, as the sqlparser tokenizer counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: u32,
    pub column: u32,
}

impl Span {
    pub fn new(line: u32, column: u32) -> Span {
        Span { line, column }
    }

    pub(crate) fn from_location(location: sqlparser::tokenizer::Location) -> Option<Span> {
        let line = u32::try_from(location.line).ok()?;
        let column = u32::try_from(location.column).ok()?;
        (line > 0).then_some(Span { line, column })
    }
}

/// What went wrong, so that tools (the conformance runner, the UI) can react without parsing
/// messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SqlErrorKind {
    /// The text is not valid ksqlDB syntax.
    Parse,
    /// A stream or table name that the catalog does not know.
    UnknownSource,
    /// A column name that the query's sources do not have.
    UnknownColumn,
    /// Types that do not fit together (`'a' + TRUE`, `INSERT` of a STRING into an INT column ...).
    Type,
    /// Valid ksqlDB that this engine does not run (yet): joins, windows, aggregations ...
    Unsupported,
    /// A statement that is well formed but not allowed (missing key column, duplicate source ...).
    Invalid,
    /// A failure while running: the commit log refused a request, a value could not be serialised.
    Execution,
}

/// A SQL error with its position in the script, as the ksqlDB CLI reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlError {
    pub kind: SqlErrorKind,
    pub message: String,
    pub span: Option<Span>,
    pub hint: Option<String>,
}

impl SqlError {
    pub fn new(kind: SqlErrorKind, message: impl Into<String>) -> SqlError {
        SqlError {
            kind,
            message: message.into(),
            span: None,
            hint: None,
        }
    }

    pub fn parse(message: impl Into<String>, span: Option<Span>) -> SqlError {
        SqlError::new(SqlErrorKind::Parse, message).at(span)
    }

    pub fn invalid(message: impl Into<String>) -> SqlError {
        SqlError::new(SqlErrorKind::Invalid, message)
    }

    pub fn unsupported(message: impl Into<String>) -> SqlError {
        SqlError::new(SqlErrorKind::Unsupported, message)
    }

    pub fn type_error(message: impl Into<String>) -> SqlError {
        SqlError::new(SqlErrorKind::Type, message)
    }

    pub fn execution(message: impl Into<String>) -> SqlError {
        SqlError::new(SqlErrorKind::Execution, message)
    }

    /// Sets the position unless one is already known (the innermost position is the most precise).
    pub fn at(mut self, span: Option<Span>) -> SqlError {
        if self.span.is_none() {
            self.span = span;
        }
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> SqlError {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(span) = self.span {
            write!(f, "{}:{}: ", span.line, span.column)?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\nHint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SqlError {}

/// The candidates closest to `name` (by edit distance, ignoring case), best first, for
/// "did you mean" hints.
pub fn closest_names<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let target = name.to_ascii_uppercase();
    let mut scored: Vec<(usize, String)> = candidates
        .into_iter()
        .map(|candidate| {
            (
                edit_distance(&target, &candidate.to_ascii_uppercase()),
                candidate.to_string(),
            )
        })
        .filter(|(distance, candidate)| {
            *distance <= (candidate.chars().count().max(target.chars().count()) / 2).max(2)
        })
        .collect();
    scored.sort();
    scored.dedup();
    scored
        .into_iter()
        .take(3)
        .map(|(_, candidate)| candidate)
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b_chars: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b_chars.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b_chars.len() + 1);
        current.push(i + 1);
        for (j, b_char) in b_chars.iter().enumerate() {
            let substitution =
                previous.get(j).copied().unwrap_or(0) + usize::from(a_char != *b_char);
            let deletion = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insertion = current.get(j).copied().unwrap_or(0) + 1;
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_position_and_hint() {
        let error =
            SqlError::parse("unexpected token", Some(Span::new(2, 13))).with_hint("try this");
        assert_eq!(error.to_string(), "2:13: unexpected token\nHint: try this");
    }

    #[test]
    fn closest_names_prefers_small_edits() {
        assert_eq!(
            closest_names("nmae", ["NAME", "ID", "ROWTIME"]),
            vec!["NAME".to_string()]
        );
        assert!(closest_names("zzzzzz", ["NAME", "ID"]).is_empty());
    }
}
