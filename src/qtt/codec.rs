//! Writes test records and reads actual ones with a topic's key and value formats, as ksqlDB's
//! runner does with the topic's serdes:
//! - JSON: the test's JSON is written as-is (the engine matches field names case-insensitively)
//!   and actual bytes are read as JSON with exact numbers;
//! - DELIMITED: a test string is the line itself; an actual value compares as one string, an
//!   actual key is deserialised (a single column is its value, an empty line is null);
//! - KAFKA: the scalar is converted to the column's type and serialised by the engine's format
//!   code; actual bytes are deserialised with the column's type (a DOUBLE is a Java Double, so it
//!   compares within 1e-6);
//! - NONE: no bytes.

use super::compare::{encode_base64, Actual};
use super::json::Json;
use super::run::EncodedRecord;
use super::schemaless;
use crate::sql::format::{self, Field, FormatKind, FormatSpec};
use crate::sql::types::SqlType;
use crate::sql::value::{Decimal, Value};

/// The formats and columns of the stream or table on a topic.
#[derive(Clone, Debug, PartialEq)]
pub struct TopicSchema {
    pub key_format: FormatSpec,
    pub key_columns: Vec<Field>,
    pub value_format: FormatSpec,
    pub value_columns: Vec<Field>,
}

impl TopicSchema {
    /// Bytes for an input record.
    pub fn encode(&self, key: &Json, value: &Json) -> Result<EncodedRecord, String> {
        Ok(EncodedRecord {
            key: encode_part(&self.key_format, &self.key_columns, key)
                .map_err(|e| format!("key: {e}"))?,
            value: encode_part(&self.value_format, &self.value_columns, value)
                .map_err(|e| format!("value: {e}"))?,
        })
    }

    /// An actual record's key and value, as the Java runner's deserialisers give them.
    pub fn decode(
        &self,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        exact_numeric: bool,
    ) -> Result<(Actual, Actual), String> {
        Ok((
            decode_part(
                &self.key_format,
                &self.key_columns,
                key,
                true,
                exact_numeric,
            )
            .map_err(|e| format!("key: {e}"))?,
            decode_part(
                &self.value_format,
                &self.value_columns,
                value,
                false,
                exact_numeric,
            )
            .map_err(|e| format!("value: {e}"))?,
        ))
    }
}

/// Bytes for one record part (key or value) from the test's JSON.
pub fn encode_part(
    spec: &FormatSpec,
    fields: &[Field],
    json: &Json,
) -> Result<Option<Vec<u8>>, String> {
    if *json == Json::Null {
        return Ok(None);
    }
    match spec.kind {
        FormatKind::Json => Ok(Some(json.to_text().into_bytes())),
        FormatKind::Delimited => Ok(schemaless::encode_field(json)),
        FormatKind::None => Ok(None),
        FormatKind::Kafka => match fields {
            [field] => {
                let value = json_to_kafka_value(json, &field.ty)?;
                format::serialize(spec, fields, &[value]).map_err(|e| e.message)
            }
            // No declared column (a keyless stream's key): write the test's text.
            _ => Ok(schemaless::encode_field(json)),
        },
    }
}

/// A KAFKA-format scalar from test JSON (numbers may be written as strings and vice versa).
fn json_to_kafka_value(json: &Json, ty: &SqlType) -> Result<Value, String> {
    let text = match json {
        Json::Number(text) | Json::String(text) => text.clone(),
        Json::Bool(b) => b.to_string(),
        other => return Err(format!("{other} is not a {ty} for the KAFKA format")),
    };
    let bad = || format!("{text:?} is not a {ty}");
    match ty {
        SqlType::Int => text.parse().map(Value::Int).map_err(|_| bad()),
        SqlType::BigInt => text.parse().map(Value::BigInt).map_err(|_| bad()),
        SqlType::Double => text.parse().map(Value::Double).map_err(|_| bad()),
        SqlType::String => Ok(Value::String(text.into())),
        SqlType::Bytes => format::base64_decode(&text)
            .map(Value::Bytes)
            .ok_or_else(bad),
        SqlType::Boolean => text.parse().map(Value::Boolean).map_err(|_| bad()),
        other => Err(format!("the KAFKA format does not carry {other}")),
    }
}

/// One actual record part, as the Java runner's deserialiser for the format would produce it.
pub fn decode_part(
    spec: &FormatSpec,
    fields: &[Field],
    bytes: Option<&[u8]>,
    is_key: bool,
    exact_numeric: bool,
) -> Result<Actual, String> {
    let Some(bytes) = bytes else {
        return Ok(Actual::Null);
    };
    match spec.kind {
        FormatKind::Json => {
            let text =
                std::str::from_utf8(bytes).map_err(|_| "JSON bytes are not UTF-8".to_string())?;
            let json = Json::parse(text).map_err(|e| format!("{e} in {text:?}"))?;
            Ok(Actual::from_json(&json, exact_numeric))
        }
        FormatKind::Delimited if is_key => decode_delimited_key(spec, fields, bytes),
        FormatKind::Delimited => Ok(Actual::String(String::from_utf8_lossy(bytes).into_owned())),
        FormatKind::None => Ok(Actual::Null),
        FormatKind::Kafka => match fields {
            [_] => {
                let values =
                    format::deserialize(spec, fields, Some(bytes)).map_err(|e| e.message)?;
                Ok(values
                    .and_then(|v| v.into_iter().next())
                    .map_or(Actual::Null, |v| value_to_actual(&v)))
            }
            _ => Ok(schemaless::decode_field(Some(bytes), exact_numeric)),
        },
    }
}

/// A DELIMITED key as the Java runner's key deserialiser gives it: a single column is its value
/// (an empty line reads as null), several columns stay the line's text unless all are null.
fn decode_delimited_key(
    spec: &FormatSpec,
    fields: &[Field],
    bytes: &[u8],
) -> Result<Actual, String> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    if fields.is_empty() {
        return Ok(Actual::String(text));
    }
    let values = format::deserialize(spec, fields, Some(bytes))
        .map_err(|e| e.message)?
        .unwrap_or_default();
    match values.as_slice() {
        [single] => Ok(value_to_actual(single)),
        all if all.iter().all(Value::is_null) => Ok(Actual::Null),
        _ => Ok(Actual::String(text)),
    }
}

/// A SQL value as the Java object ksqlDB's deserialisers give the comparator.
pub fn value_to_actual(value: &Value) -> Actual {
    match value {
        Value::Null => Actual::Null,
        Value::Boolean(b) => Actual::Bool(*b),
        Value::Int(n) => Actual::Integer(i64::from(*n)),
        Value::BigInt(n) | Value::Timestamp(n) | Value::Time(n) => Actual::Integer(*n),
        Value::Date(days) => Actual::Integer(i64::from(*days)),
        Value::Double(d) => Actual::Double(*d),
        Value::Decimal(decimal) => Actual::Decimal(decimal_text(decimal)),
        Value::String(s) => Actual::String(s.to_string()),
        Value::Bytes(bytes) => Actual::String(encode_base64(bytes)),
        Value::Array(items) => Actual::Array(items.iter().map(value_to_actual).collect()),
        Value::Map(entries) => Actual::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match value_to_actual(k) {
                        Actual::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, value_to_actual(v))
                })
                .collect(),
        ),
        Value::Struct(fields) => Actual::Object(
            fields
                .iter()
                .map(|(n, v)| (n.clone(), value_to_actual(v)))
                .collect(),
        ),
    }
}

/// Plain decimal text with exactly `scale` fraction digits (`unscaled 150, scale 2` → `1.50`).
pub fn decimal_text(decimal: &Decimal) -> String {
    let digits = decimal.unscaled.unsigned_abs().to_string();
    let scale = decimal.scale as usize;
    let sign = if decimal.unscaled < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int_part, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{int_part}.{fraction}")
}
