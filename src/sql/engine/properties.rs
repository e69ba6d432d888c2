//! The `WITH (...)` clause of CREATE statements: topic, formats, partitions, timestamp column.
//! Messages follow ksqlDB's, so a learner can search for them.

use crate::sql::ast::{Property, PropertyValue};
use crate::sql::error::SqlError;
use crate::sql::format::{parse_delimiter, FormatKind, FormatSpec};
use crate::sql::plan::window::{source_window, WindowSpec};

/// The properties of one CREATE statement, checked and typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WithClause {
    pub kafka_topic: Option<String>,
    pub key_format: Option<FormatKind>,
    pub value_format: Option<FormatKind>,
    pub partitions: Option<u32>,
    pub timestamp: Option<String>,
    pub timestamp_format: Option<String>,
    pub value_delimiter: Option<char>,
    pub key_delimiter: Option<char>,
    pub wrap_single_value: Option<bool>,
    /// `WINDOW_TYPE` and `WINDOW_SIZE`: the source's topic has windowed keys.
    pub window_type: Option<String>,
    pub window_size: Option<String>,
}

const KNOWN: &[&str] = &[
    "KAFKA_TOPIC",
    "VALUE_FORMAT",
    "KEY_FORMAT",
    "FORMAT",
    "PARTITIONS",
    "REPLICAS",
    "TIMESTAMP",
    "TIMESTAMP_FORMAT",
    "VALUE_DELIMITER",
    "KEY_DELIMITER",
    "WRAP_SINGLE_VALUE",
    "RETENTION_MS",
    "CLEANUP_POLICY",
    "WINDOW_TYPE",
    "WINDOW_SIZE",
];

const SCHEMA_REGISTRY: &[&str] = &[
    "KEY_SCHEMA_ID",
    "VALUE_SCHEMA_ID",
    "KEY_SCHEMA_FULL_NAME",
    "VALUE_SCHEMA_FULL_NAME",
    "VALUE_AVRO_SCHEMA_FULL_NAME",
];

impl WithClause {
    pub fn parse(properties: &[Property]) -> Result<WithClause, SqlError> {
        let mut clause = WithClause::default();
        let mut format_given = false;
        for property in properties {
            let at = |error: SqlError| error.at(property.span);
            let text = property.value.as_text();
            match property.name.as_str() {
                "KAFKA_TOPIC" => {
                    if text.is_empty() {
                        return Err(at(SqlError::invalid("KAFKA_TOPIC must not be empty")));
                    }
                    clause.kafka_topic = Some(text)
                }
                "VALUE_FORMAT" => clause.value_format = Some(format_kind(&text).map_err(at)?),
                "KEY_FORMAT" => clause.key_format = Some(format_kind(&text).map_err(at)?),
                "FORMAT" => {
                    let kind = format_kind(&text).map_err(at)?;
                    format_given = true;
                    clause.key_format = Some(kind);
                    clause.value_format = Some(kind);
                }
                "PARTITIONS" => {
                    let partitions = text.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                        at(SqlError::invalid(format!("Invalid value for PARTITIONS: '{text}'. It must be a whole number of at least 1.")))
                    })?;
                    clause.partitions = Some(partitions);
                }
                "TIMESTAMP" => clause.timestamp = Some(column_name(&property.value)),
                "TIMESTAMP_FORMAT" => clause.timestamp_format = Some(text),
                "VALUE_DELIMITER" => {
                    clause.value_delimiter = Some(delimiter("VALUE_DELIMITER", &text).map_err(at)?)
                }
                "KEY_DELIMITER" => {
                    clause.key_delimiter = Some(delimiter("KEY_DELIMITER", &text).map_err(at)?)
                }
                "WRAP_SINGLE_VALUE" => match property.value {
                    PropertyValue::Boolean(flag) => clause.wrap_single_value = Some(flag),
                    _ => match text.to_ascii_lowercase().as_str() {
                        "true" => clause.wrap_single_value = Some(true),
                        "false" => clause.wrap_single_value = Some(false),
                        _ => {
                            return Err(at(SqlError::invalid(format!(
                                "Invalid value for WRAP_SINGLE_VALUE: '{text}'. Use true or false."
                            ))))
                        }
                    },
                },
                "REPLICAS" | "RETENTION_MS" | "CLEANUP_POLICY" => {}
                name if SCHEMA_REGISTRY.contains(&name) => {
                    return Err(at(SqlError::unsupported(format!(
                        "{name} needs a Schema Registry, which streamlab does not have"
                    ))));
                }
                "WINDOW_TYPE" => clause.window_type = Some(text),
                "WINDOW_SIZE" => clause.window_size = Some(text),
                other => {
                    return Err(at(SqlError::invalid(format!(
                        "Invalid config variable(s) in the WITH clause: {other}"
                    )))
                    .with_hint(format!("the known properties are {}", KNOWN.join(", "))));
                }
            }
        }
        if format_given
            && properties
                .iter()
                .any(|p| p.name == "VALUE_FORMAT" || p.name == "KEY_FORMAT")
        {
            return Err(SqlError::invalid("Cannot supply both 'FORMAT' and 'KEY_FORMAT' or 'VALUE_FORMAT' properties: FORMAT sets both"));
        }
        Ok(clause)
    }

    /// The window of a source over a windowed topic (`WINDOW_TYPE`, `WINDOW_SIZE`).
    pub fn source_window(&self) -> Result<Option<WindowSpec>, SqlError> {
        match (&self.window_type, &self.window_size) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(SqlError::invalid(
                "'WINDOW_SIZE' is only valid with a WINDOW_TYPE",
            )),
            (Some(kind), size) => source_window(kind, size.as_deref())
                .map(Some)
                .map_err(SqlError::invalid),
        }
    }

    /// The key and value format specs, with delimiters and wrapping checked against the formats.
    /// `default_wrap` is `ksql.persistence.wrap.single.values`.
    pub fn format_specs(
        &self,
        key: FormatKind,
        value: FormatKind,
        default_wrap: bool,
    ) -> Result<(FormatSpec, FormatSpec), SqlError> {
        let mut key_spec = FormatSpec::key(key);
        let mut value_spec = FormatSpec::new(value);
        if let Some(delimiter) = self.value_delimiter {
            if value != FormatKind::Delimited {
                return Err(SqlError::invalid(format!(
                    "{} does not support the following configs: [delimiter]",
                    value.name()
                )));
            }
            value_spec.delimiter = delimiter;
        }
        if let Some(delimiter) = self.key_delimiter {
            if key != FormatKind::Delimited {
                return Err(SqlError::invalid(format!(
                    "{} does not support the following configs: [delimiter]",
                    key.name()
                )));
            }
            key_spec.delimiter = delimiter;
        }
        match self.wrap_single_value {
            Some(true) if matches!(value, FormatKind::Delimited | FormatKind::Kafka) => {
                return Err(SqlError::invalid(format!(
                    "Format '{}' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
                    value.name()
                )));
            }
            Some(wrap) => value_spec.wrap_single = wrap,
            None => value_spec.wrap_single = default_wrap,
        }
        Ok((key_spec, value_spec))
    }
}

fn format_kind(text: &str) -> Result<FormatKind, SqlError> {
    FormatKind::parse(text).map_err(SqlError::unsupported)
}

fn delimiter(name: &str, text: &str) -> Result<char, SqlError> {
    parse_delimiter(text).map_err(|message| {
        SqlError::invalid(format!("Failed to prepare statement: Configuration {name} is invalid: {message}\nExample valid value: ';'"))
    })
}

/// A column named in a property: quoted strings are taken as written, upper-cased otherwise.
fn column_name(value: &PropertyValue) -> String {
    match value {
        PropertyValue::String(text)
            if text.starts_with('`') && text.ends_with('`') && text.len() >= 2 =>
        {
            text.get(1..text.len() - 1).unwrap_or("").to_string()
        }
        other => other.as_text().to_ascii_uppercase(),
    }
}
