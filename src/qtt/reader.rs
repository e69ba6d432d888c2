//! Reads ksqlDB QTT and REST test files as they are, comments included.
//!
//! Jackson reads the upstream files with comments allowed and unknown keys ignored; this reader
//! does the same: comments are blanked out (never inside strings), serde builds the typed test
//! structs, and each record's `key`/`value` is then taken from a [`Json`] tree of the same text,
//! so that expected numbers keep their exact text (`1.0` is not `1.00` for a decimal).

use super::json::{Json, JsonError};
use serde::Deserialize;
use std::fmt;
use std::path::Path;

/// A whole test file: `{"comments": [...], "tests": [...]}`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TestFile {
    #[serde(default)]
    pub tests: Vec<TestNode>,
}

/// One `tests` entry, before `format` × `config` expansion.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestNode {
    pub name: String,
    #[serde(default)]
    pub statements: Vec<String>,
    #[serde(default)]
    pub inputs: Vec<RecordNode>,
    #[serde(default)]
    pub outputs: Vec<RecordNode>,
    pub expected_exception: Option<ExpectedException>,
    /// The REST files' negative-test marker.
    pub expected_error: Option<ExpectedException>,
    pub format: Option<Vec<String>>,
    pub config: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub properties: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub topics: Vec<TopicNode>,
    pub enabled: Option<bool>,
    /// REST files only: expected responses per statement (informational here).
    pub responses: Option<Vec<serde_json::Value>>,
    /// Post-conditions (catalogue and topic checks); informational here.
    pub post: Option<serde_json::Value>,
}

/// `expectedException` (QTT) or `expectedError` (REST). All parts are optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedException {
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    pub message: Option<String>,
    pub cause: Option<String>,
    pub cause_message: Option<String>,
    pub status: Option<serde_json::Value>,
}

/// A record in `inputs` or `outputs`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct RecordNode {
    pub topic: String,
    /// Filled from the exact-number tree after parsing; a missing key is `Json::Null`.
    #[serde(skip)]
    pub key: Json,
    /// Filled from the exact-number tree after parsing; `Json::Null` is a tombstone.
    #[serde(skip)]
    pub value: Json,
    pub timestamp: Option<i64>,
    pub window: Option<WindowNode>,
    pub headers: Option<Vec<HeaderNode>>,
}

/// The window of a windowed key: `type` is `time` (tumbling/hopping) or `session`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct WindowNode {
    pub start: i64,
    pub end: i64,
    #[serde(rename = "type")]
    pub window_type: String,
}

/// A record header; the Java model spells the keys `KEY` and `VALUE` (base64 bytes or null).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct HeaderNode {
    #[serde(alias = "KEY")]
    pub key: String,
    #[serde(alias = "VALUE")]
    pub value: Option<String>,
}

/// A pre-declared topic (mostly for schema-registry formats).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicNode {
    pub name: String,
    pub key_format: Option<String>,
    pub value_format: Option<String>,
    pub partitions: Option<u32>,
    pub key_schema: Option<serde_json::Value>,
    pub value_schema: Option<serde_json::Value>,
    pub key_schema_id: Option<serde_json::Value>,
    pub value_schema_id: Option<serde_json::Value>,
}

#[derive(Debug)]
pub enum ReadError {
    Io { path: String, message: String },
    Syntax(JsonError),
    Shape(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io { path, message } => write!(f, "cannot read {path}: {message}"),
            ReadError::Syntax(e) => write!(f, "{e}"),
            ReadError::Shape(message) => write!(f, "not a QTT test file: {message}"),
        }
    }
}

impl std::error::Error for ReadError {}

pub fn read_file(path: &Path) -> Result<TestFile, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|e| ReadError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse_test_file(&text)
}

/// Parses a test file's text (comments allowed).
pub fn parse_test_file(text: &str) -> Result<TestFile, ReadError> {
    let clean = strip_comments(text);
    let tree = Json::parse(&clean).map_err(ReadError::Syntax)?;
    let mut file: TestFile =
        serde_json::from_str(&clean).map_err(|e| ReadError::Shape(e.to_string()))?;
    attach_exact_records(&mut file, &tree);
    Ok(file)
}

/// Copies every record's `key` and `value` from the exact-number tree into the typed structs.
/// Both were parsed from the same text, so tests and records line up by index.
fn attach_exact_records(file: &mut TestFile, tree: &Json) {
    let Some(Json::Array(test_trees)) = tree.get("tests") else {
        return;
    };
    for (test, test_tree) in file.tests.iter_mut().zip(test_trees) {
        for (list, field) in [(&mut test.inputs, "inputs"), (&mut test.outputs, "outputs")] {
            let Some(Json::Array(record_trees)) = test_tree.get(field) else {
                continue;
            };
            for (record, record_tree) in list.iter_mut().zip(record_trees) {
                record.key = record_tree.get("key").cloned().unwrap_or(Json::Null);
                record.value = record_tree.get("value").cloned().unwrap_or(Json::Null);
            }
        }
    }
}

/// Replaces `//` line comments and `/* */` block comments with spaces (newlines kept), leaving
/// string literals untouched, so byte offsets in later errors still point at the original text.
pub fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => {
                    if let Some(escaped) = chars.next() {
                        out.push(escaped);
                    }
                }
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                out.push(' ');
                for next in chars.by_ref() {
                    if next == '\n' {
                        out.push('\n');
                        break;
                    }
                    out.push(' ');
                }
            }
            ('/', Some('*')) => {
                chars.next();
                out.push_str("  ");
                let mut previous = ' ';
                for next in chars.by_ref() {
                    if previous == '*' && next == '/' {
                        out.push(' ');
                        break;
                    }
                    out.push(if next == '\n' { '\n' } else { ' ' });
                    previous = next;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_strings_are_removed() {
        let text = "{\"a\": \"http://x /* not */\", // line\n /* block\n */ \"b\": \"\\\"//\"}";
        let clean = strip_comments(text);
        let parsed = Json::parse(&clean).unwrap();
        assert_eq!(
            parsed.get("a"),
            Some(&Json::String("http://x /* not */".into()))
        );
        assert_eq!(parsed.get("b"), Some(&Json::String("\"//".into())));
        assert_eq!(clean.lines().count(), text.lines().count());
    }
}
