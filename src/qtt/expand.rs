//! Expands a test node into runnable cases: one per `format` entry × `config` entry.
//!
//! The case id follows ksqlDB: `<file stem> - <name>[ - <format>][ - <prop>=<config>]`.
//! Disabled tests (`"enabled": false`) give no cases. Cases that need a Schema Registry format
//! carry a skip reason instead of being dropped, so the report can count them.

use super::reader::{ExpectedException, RecordNode, TestNode, TopicNode};

/// Which runner shape the case came from: QTT (`query-validation-tests`) or REST.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseKind {
    Qtt,
    Rest,
}

/// One runnable variant of a test.
#[derive(Clone, Debug)]
pub struct Case {
    pub id: String,
    pub kind: CaseKind,
    /// The statements with `{FORMAT}` replaced, in order.
    pub statements: Vec<String>,
    /// Property overrides as strings, in file order, with `{CONFIG}` replaced.
    pub properties: Vec<(String, String)>,
    pub inputs: Vec<RecordNode>,
    pub outputs: Vec<RecordNode>,
    pub topics: Vec<TopicNode>,
    /// `expectedException` or `expectedError`: the case is negative.
    pub expected_error: Option<ExpectedException>,
    /// Set when the case cannot run here (Schema Registry formats, a malformed test).
    pub skip_reason: Option<String>,
}

impl Case {
    pub fn is_negative(&self) -> bool {
        self.expected_error.is_some()
    }

    /// True when some expected output has a windowed key (compares window start/end/type too).
    pub fn is_windowed(&self) -> bool {
        self.outputs.iter().any(|record| record.window.is_some())
    }

    /// The value of a property override, if set (names compared exactly).
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Formats that need a Schema Registry, which this sandbox does not simulate.
const SCHEMA_REGISTRY_FORMATS: [&str; 4] = ["AVRO", "PROTOBUF", "PROTOBUF_NOSR", "JSON_SR"];

/// Expands every enabled test of a file. `file_stem` is the file name without `.json`.
pub fn expand_file(file_stem: &str, kind: CaseKind, tests: &[TestNode]) -> Vec<Case> {
    tests
        .iter()
        .filter(|test| test.enabled != Some(false))
        .flat_map(|test| expand_test(file_stem, kind, test))
        .collect()
}

/// Expands one test node into its `format` × `config` cases.
pub fn expand_test(file_stem: &str, kind: CaseKind, test: &TestNode) -> Vec<Case> {
    let formats: Vec<Option<String>> = match &test.format {
        Some(list) if !list.is_empty() => list.iter().cloned().map(Some).collect(),
        _ => vec![None],
    };
    let config_property = test
        .properties
        .iter()
        .find(|(_, value)| value.as_str() == Some("{CONFIG}"))
        .map(|(name, _)| name.clone());
    let configs: Vec<Option<String>> = match &test.config {
        Some(list) if !list.is_empty() => list.iter().map(|v| Some(property_text(v))).collect(),
        _ => vec![None],
    };
    let mut cases = Vec::new();
    for format in &formats {
        for config in &configs {
            cases.push(build_case(
                file_stem,
                kind,
                test,
                format.as_deref(),
                config.as_deref(),
                config_property.as_deref(),
            ));
        }
    }
    cases
}

fn build_case(
    file_stem: &str,
    kind: CaseKind,
    test: &TestNode,
    format: Option<&str>,
    config: Option<&str>,
    config_property: Option<&str>,
) -> Case {
    let mut id = format!("{file_stem} - {}", test.name);
    if let Some(format) = format {
        id.push_str(&format!(" - {format}"));
    }
    let mut skip_reason = None;
    if let Some(config) = config {
        match config_property {
            Some(property) => id.push_str(&format!(" - {property}={config}")),
            None => {
                skip_reason = Some(
                    "test error: `config` given but no property has the value \"{CONFIG}\""
                        .to_string(),
                )
            }
        }
    }
    let statements: Vec<String> = test
        .statements
        .iter()
        .map(|statement| match format {
            Some(format) => statement.replace("{FORMAT}", format),
            None => statement.clone(),
        })
        .collect();
    let properties = test
        .properties
        .iter()
        .map(|(name, value)| {
            let text = match (config, value.as_str()) {
                (Some(config), Some("{CONFIG}")) => config.to_string(),
                _ => property_text(value),
            };
            (name.clone(), text)
        })
        .collect();
    if skip_reason.is_none() {
        skip_reason = schema_registry_reason(format, &statements, &test.topics);
    }
    if skip_reason.is_none()
        && format.is_none()
        && statements.iter().any(|s| s.contains("{FORMAT}"))
    {
        skip_reason =
            Some("test error: `{FORMAT}` in a statement but no `format` list".to_string());
    }
    if skip_reason.is_none() && test.statements.is_empty() {
        skip_reason = Some("test error: no statements".to_string());
    }
    Case {
        id,
        kind,
        statements,
        properties,
        inputs: test.inputs.clone(),
        outputs: test.outputs.clone(),
        topics: test.topics.clone(),
        expected_error: test
            .expected_exception
            .clone()
            .or_else(|| test.expected_error.clone()),
        skip_reason,
    }
}

/// A property value as ksqlDB receives it: strings as-is, other JSON as its text.
fn property_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Why a case needs a Schema Registry, if it does: its format, a statement or a declared topic
/// names AVRO, PROTOBUF, PROTOBUF_NOSR, JSON_SR, or a `*_SCHEMA_ID`/`*_SCHEMA_FULL_NAME` property.
pub fn schema_registry_reason(
    format: Option<&str>,
    statements: &[String],
    topics: &[TopicNode],
) -> Option<String> {
    if let Some(format) = format {
        if is_schema_registry_format(format) {
            return Some(format!(
                "needs Schema Registry format {}",
                format.to_uppercase()
            ));
        }
    }
    for statement in statements {
        let upper = statement.to_uppercase();
        for word in words(&upper) {
            if is_schema_registry_format(word)
                || word.ends_with("_SCHEMA_ID")
                || word.ends_with("_SCHEMA_FULL_NAME")
            {
                return Some(format!("needs Schema Registry ({word} in a statement)"));
            }
        }
    }
    for topic in topics {
        for format in [&topic.key_format, &topic.value_format]
            .into_iter()
            .flatten()
        {
            if is_schema_registry_format(format) {
                return Some(format!(
                    "needs Schema Registry format {} on topic {}",
                    format.to_uppercase(),
                    topic.name
                ));
            }
        }
        if topic.key_schema_id.is_some() || topic.value_schema_id.is_some() {
            return Some(format!(
                "needs Schema Registry schema id on topic {}",
                topic.name
            ));
        }
    }
    None
}

fn is_schema_registry_format(word: &str) -> bool {
    SCHEMA_REGISTRY_FORMATS
        .iter()
        .any(|f| f.eq_ignore_ascii_case(word))
}

/// Identifier-like words of a statement (letters, digits, underscores).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}
