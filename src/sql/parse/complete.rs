//! Autocompletion for the SQL console: keywords of the dialect, the streams and tables the engine
//! knows and their columns, and function names. Plain data in, plain data out; the console
//! decides how to show them.

use super::highlight::KEYWORDS;
use crate::sql::engine::Engine;
use crate::sql::functions::{aggregate::aggregate_names, scalar_names};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CompletionKind {
    Source,
    Column,
    Function,
    Keyword,
}

impl CompletionKind {
    pub fn name(self) -> &'static str {
        match self {
            CompletionKind::Source => "source",
            CompletionKind::Column => "column",
            CompletionKind::Function => "function",
            CompletionKind::Keyword => "keyword",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The text that replaces the word being typed.
    pub label: String,
    pub kind: CompletionKind,
    /// Where it comes from: the source of a column, "stream"/"table" for a source.
    pub detail: String,
}

/// What can be completed besides keywords: the catalog's names, taken once per keystroke.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompletionContext {
    /// Stream and table names with their kind word.
    pub sources: Vec<(String, String)>,
    /// Column names with the source they belong to.
    pub columns: Vec<(String, String)>,
    pub functions: Vec<String>,
}

impl CompletionContext {
    pub fn from_engine(engine: &Engine) -> CompletionContext {
        let mut context = CompletionContext::default();
        for source in engine.sources() {
            context.sources.push((source.name.clone(), source.kind.word().to_ascii_lowercase()));
            for field in source.key_columns.iter().chain(&source.value_columns) {
                context.columns.push((field.name.clone(), source.name.clone()));
            }
        }
        context.functions = scalar_names().into_iter().chain(aggregate_names()).map(str::to_string).collect();
        context.functions.sort();
        context.functions.dedup();
        context
    }
}

/// The most a popup shows.
pub const MAX_COMPLETIONS: usize = 12;

/// The word being typed at byte `caret` of `sql`: its start byte and its text. A caret inside a
/// multi-byte char or past the end yields an empty word at the caret.
pub fn word_before(sql: &str, caret: usize) -> (usize, &str) {
    let Some(before) = sql.get(..caret) else { return (caret, "") };
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, ch)| ch.is_alphanumeric() || *ch == '_')
        .last()
        .map_or(caret, |(byte_idx, _)| byte_idx);
    (start, before.get(start..).unwrap_or(""))
}

/// Completions for the word before `caret`: names starting with it (case-insensitive), the
/// word itself excluded. After FROM, JOIN, INTO, DESCRIBE, STREAM or TABLE, sources come first;
/// elsewhere columns, then sources, functions and keywords. Nothing for an empty word.
pub fn completions(sql: &str, caret: usize, context: &CompletionContext) -> (usize, Vec<Completion>) {
    let (start, prefix) = word_before(sql, caret);
    if prefix.is_empty() {
        return (start, Vec::new());
    }
    let wants_source = previous_word(sql.get(..start).unwrap_or("")).is_some_and(|word| {
        ["FROM", "JOIN", "INTO", "DESCRIBE", "STREAM", "TABLE", "PRINT"].iter().any(|k| k.eq_ignore_ascii_case(word))
    });
    let matches = |name: &str| name.len() > prefix.len() && name.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix));
    let mut items: Vec<Completion> = Vec::new();
    let mut push = |label: &str, kind: CompletionKind, detail: &str| {
        if matches(label) && !items.iter().any(|c| c.label.eq_ignore_ascii_case(label)) {
            items.push(Completion { label: label.to_string(), kind, detail: detail.to_string() });
        }
    };
    let sources = || context.sources.iter().map(|(name, kind)| (name.as_str(), CompletionKind::Source, kind.as_str()));
    let columns = || context.columns.iter().map(|(name, source)| (name.as_str(), CompletionKind::Column, source.as_str()));
    let ordered: Vec<(&str, CompletionKind, &str)> =
        if wants_source { sources().chain(columns()).collect() } else { columns().chain(sources()).collect() };
    for (label, kind, detail) in ordered {
        push(label, kind, detail);
    }
    for function in &context.functions {
        push(function, CompletionKind::Function, "function");
    }
    // Keywords are offered in the case the learner is typing in.
    let lower = prefix.chars().all(|ch| !ch.is_uppercase());
    for keyword in KEYWORDS {
        let label = if lower { keyword.to_ascii_lowercase() } else { keyword.to_string() };
        push(&label, CompletionKind::Keyword, "keyword");
    }
    items.truncate(MAX_COMPLETIONS);
    (start, items)
}

fn previous_word(text: &str) -> Option<&str> {
    let trimmed = text.trim_end();
    let (_, word) = word_before(trimmed, trimmed.len());
    (!word.is_empty()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Log;

    fn context() -> CompletionContext {
        CompletionContext {
            sources: vec![("TXNS".into(), "stream".into()), ("TOTALS".into(), "table".into())],
            columns: vec![("TXN_ID".into(), "TXNS".into()), ("AMOUNT".into(), "TXNS".into())],
            functions: vec!["ABS".into(), "TIMESTAMPTOSTRING".into(), "COUNT".into()],
        }
    }

    fn labels(sql: &str) -> Vec<String> {
        completions(sql, sql.len(), &context()).1.into_iter().map(|c| c.label).collect()
    }

    #[test]
    fn columns_first_in_an_expression_sources_first_after_from() {
        assert_eq!(labels("SELECT T"), ["TXN_ID", "TXNS", "TOTALS", "TIMESTAMPTOSTRING", "TABLE", "TABLES", "TERMINATE", "THEN", "TIME", "TIMESTAMP", "TOPIC", "TOPICS"]);
        assert_eq!(labels("SELECT * FROM t").get(..3), Some(&["TXNS".to_string(), "TOTALS".to_string(), "TXN_ID".to_string()][..]));
    }

    #[test]
    fn keywords_follow_the_case_typed_and_the_word_itself_is_not_offered() {
        assert_eq!(labels("sel"), ["select"]);
        assert_eq!(labels("SEL"), ["SELECT"]);
        assert!(labels("SELECT").is_empty());
    }

    #[test]
    fn the_word_starts_after_punctuation_and_nothing_is_offered_for_no_word() {
        let sql = "SELECT ab";
        let (start, items) = completions(sql, sql.len(), &context());
        assert_eq!(start, 7);
        assert_eq!(items.first().map(|c| (c.label.as_str(), c.kind)), Some(("ABS", CompletionKind::Function)));
        assert!(completions("SELECT ", 7, &context()).1.is_empty());
        assert_eq!(word_before("f(x.am", 6), (4, "am"));
        assert_eq!(word_before("é", 1), (1, ""), "a caret inside a char is an empty word");
    }

    #[test]
    fn the_context_comes_from_the_engine_catalog() {
        let mut engine = Engine::new();
        let mut log = Log::new();
        engine
            .execute_script(&mut log, 0, "CREATE STREAM txns (id STRING KEY, amount DOUBLE) WITH (kafka_topic='t', value_format='JSON', partitions=1);")
            .unwrap();
        let context = CompletionContext::from_engine(&engine);
        assert_eq!(context.sources, [("TXNS".to_string(), "stream".to_string())]);
        assert_eq!(context.columns, [("ID".to_string(), "TXNS".to_string()), ("AMOUNT".to_string(), "TXNS".to_string())]);
        assert!(context.functions.iter().any(|f| f == "COUNT") && context.functions.iter().any(|f| f == "ABS"));
        let (_, items) = completions("SELECT am", 9, &context);
        assert_eq!(items.first().map(|c| c.label.as_str()), Some("AMOUNT"));
    }
}
