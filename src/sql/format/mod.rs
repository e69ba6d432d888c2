//! Serialisation formats of keys and values on Kafka topics, byte for byte as ksqlDB writes them.
//!
//! A Kafka record carries two byte arrays, the key and the value; ksqlDB reads each with the
//! format of the stream's `KEY_FORMAT` / `VALUE_FORMAT`. The same functions serve both: a
//! *key* is usually serialised with `wrap_single: false` (a single key column is a bare scalar in
//! JSON), a *value* with `wrap_single: true` unless `WRAP_SINGLE_VALUE=false`.
//!
//! - **JSON**: an object with the upper-case column names; input names match case-insensitively.
//! - **KAFKA**: Kafka's own primitive serialisers; one column only (INT 4 bytes big-endian,
//!   BIGINT 8, DOUBLE 8 IEEE-754, STRING UTF-8, BYTES raw).
//! - **DELIMITED**: one CSV line, quoting as Apache Commons CSV (which ksqlDB uses) does.
//! - **NONE**: no columns, no bytes.
//!
//! AVRO, PROTOBUF and JSON_SR need a Schema Registry, which streamlab does not have.

mod base64;
mod delimited;
mod display;
mod java_double;
mod json;
mod json_flat;
mod kafka;

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

pub use base64::{base64_decode, base64_encode};
pub use display::display_value;
pub use java_double::java_double_to_string;
pub use json::{value_to_json, write_json};

use crate::sql::types::SqlType;
use crate::sql::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FormatKind {
    Json,
    Kafka,
    Delimited,
    None,
}

impl FormatKind {
    /// Parses a format name as written in `WITH (VALUE_FORMAT='json')`, ignoring case.
    pub fn parse(name: &str) -> Result<Self, String> {
        match name.trim().to_ascii_uppercase().as_str() {
            "JSON" => Ok(FormatKind::Json),
            "KAFKA" => Ok(FormatKind::Kafka),
            "DELIMITED" => Ok(FormatKind::Delimited),
            "NONE" => Ok(FormatKind::None),
            upper @ ("AVRO" | "PROTOBUF" | "PROTOBUF_NOSR" | "JSON_SR") => Err(format!(
                "The {upper} format needs a Schema Registry, which is not available in streamlab. Use JSON, KAFKA or DELIMITED."
            )),
            _ => Err(format!("Unknown format: {name}. Use JSON, KAFKA, DELIMITED or NONE.")),
        }
    }

    /// The name as ksqlDB prints it (`DESCRIBE`, `SHOW STREAMS`).
    pub fn name(self) -> &'static str {
        match self {
            FormatKind::Json => "JSON",
            FormatKind::Kafka => "KAFKA",
            FormatKind::Delimited => "DELIMITED",
            FormatKind::None => "NONE",
        }
    }
}

impl fmt::Display for FormatKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    pub kind: FormatKind,
    /// DELIMITED only: the field separator (`VALUE_DELIMITER`), default ','.
    pub delimiter: char,
    /// JSON: whether a single column is wrapped in an object (`WRAP_SINGLE_VALUE`, default true
    /// for values; pass false for keys).
    pub wrap_single: bool,
}

impl FormatSpec {
    pub fn new(kind: FormatKind) -> Self {
        FormatSpec {
            kind,
            delimiter: ',',
            wrap_single: true,
        }
    }

    /// The spec for a key: single columns are never wrapped.
    pub fn key(kind: FormatKind) -> Self {
        FormatSpec {
            kind,
            delimiter: ',',
            wrap_single: false,
        }
    }
}

/// Parses ksqlDB's `VALUE_DELIMITER` / `KEY_DELIMITER` property: one character, or the words
/// `TAB` and `SPACE`. The messages are ksqlDB's.
pub fn parse_delimiter(text: &str) -> Result<char, String> {
    match text {
        "TAB" => return Ok('\t'),
        "SPACE" => return Ok(' '),
        _ => {}
    }
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (None, _) | (Some(' ' | '\t'), None) => Err(
            "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'"
                .to_string(),
        ),
        (Some(delimiter), None) => Ok(delimiter),
        _ => Err(format!("Invalid delimiter value: '{text}'. Delimiter must be a single character or TAB,SPACE")),
    }
}

/// A column as a format sees it: its name (as stored, usually upper case) and type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub ty: SqlType,
}

impl Field {
    pub fn new(name: impl Into<String>, ty: SqlType) -> Self {
        Field {
            name: name.into(),
            ty,
        }
    }
}

/// A record that could not be read or written: what went wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    pub message: String,
}

impl FormatError {
    pub fn new(message: impl Into<String>) -> Self {
        FormatError {
            message: message.into(),
        }
    }

    pub(crate) fn in_column(column: &str, message: impl fmt::Display) -> Self {
        FormatError {
            message: format!("column {column}: {message}"),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FormatError {}

fn base_type_name(ty: &SqlType) -> &'static str {
    match ty {
        SqlType::Boolean => "BOOLEAN",
        SqlType::Int => "INTEGER",
        SqlType::BigInt => "BIGINT",
        SqlType::Double => "DOUBLE",
        SqlType::Decimal { .. } => "DECIMAL",
        SqlType::String => "STRING",
        SqlType::Bytes => "BYTES",
        SqlType::Timestamp => "TIMESTAMP",
        SqlType::Date => "DATE",
        SqlType::Time => "TIME",
        SqlType::Array(_) => "ARRAY",
        SqlType::Map(..) => "MAP",
        SqlType::Struct(_) => "STRUCT",
    }
}

/// Checks at CREATE time that a format can carry these columns, with ksqlDB's messages
/// (e.g. "The 'DELIMITED' format does not support type 'ARRAY'").
pub fn validate_schema(spec: &FormatSpec, fields: &[Field]) -> Result<(), FormatError> {
    match spec.kind {
        FormatKind::Json => Ok(()),
        FormatKind::None => {
            if fields.is_empty() {
                Ok(())
            } else {
                Err(FormatError::new(
                    "The 'NONE' format can only be used when no columns are defined.",
                ))
            }
        }
        FormatKind::Delimited => {
            for field in fields {
                if matches!(
                    field.ty,
                    SqlType::Array(_) | SqlType::Map(..) | SqlType::Struct(_) | SqlType::Bytes
                ) {
                    return Err(FormatError::new(format!(
                        "The 'DELIMITED' format does not support type '{}', column: `{}`",
                        base_type_name(&field.ty),
                        field.name
                    )));
                }
            }
            Ok(())
        }
        FormatKind::Kafka => {
            if fields.len() > 1 {
                let listed: Vec<String> = fields
                    .iter()
                    .map(|field| format!("`{}` {}", field.name, field.ty))
                    .collect();
                return Err(FormatError::new(format!(
                    "The 'KAFKA' format only supports a single field. Got: [{}]",
                    listed.join(", ")
                )));
            }
            for field in fields {
                if !matches!(
                    field.ty,
                    SqlType::Int
                        | SqlType::BigInt
                        | SqlType::Double
                        | SqlType::String
                        | SqlType::Bytes
                ) {
                    return Err(FormatError::new(format!(
                        "The 'KAFKA' format does not support type '{}', column: `{}`",
                        base_type_name(&field.ty),
                        field.name
                    )));
                }
            }
            Ok(())
        }
    }
}

/// Writes one row (key or value) in `spec`'s format. `Ok(None)` means a null record part: a
/// tombstone value or a null key (KAFKA or unwrapped JSON with a NULL value, or no columns).
pub fn serialize(
    spec: &FormatSpec,
    fields: &[Field],
    values: &[Value],
) -> Result<Option<Vec<u8>>, FormatError> {
    if fields.len() != values.len() {
        return Err(FormatError::new(format!(
            "expected {} values, got {}",
            fields.len(),
            values.len()
        )));
    }
    match spec.kind {
        FormatKind::Json => Ok(json::serialize(spec, fields, values)),
        FormatKind::Kafka => kafka::serialize(fields, values),
        FormatKind::Delimited => delimited::serialize(spec.delimiter, fields, values).map(Some),
        FormatKind::None => {
            if fields.is_empty() {
                Ok(None)
            } else {
                Err(FormatError::new("The 'NONE' format cannot carry columns"))
            }
        }
    }
}

/// [`serialize`] into shared bytes, as a [`crate::log::ProducerRecord`] holds them: the bytes
/// are copied once into the record's allocation (see [`with_serialized`]).
pub fn serialize_shared(
    spec: &FormatSpec,
    fields: &[Field],
    values: &[Value],
) -> Result<Option<Arc<[u8]>>, FormatError> {
    with_serialized(spec, fields, values, |bytes| Arc::from(bytes))
}

/// [`serialize`], handing the bytes to `then` without allocating them: JSON is written into a
/// buffer kept between calls, a KAFKA STRING or BYTES is the value's own bytes.
pub fn with_serialized<R>(
    spec: &FormatSpec,
    fields: &[Field],
    values: &[Value],
    then: impl FnOnce(&[u8]) -> R,
) -> Result<Option<R>, FormatError> {
    if fields.len() == values.len() && spec.kind == FormatKind::Kafka {
        return Ok(kafka::encode(fields, values)?.map(|bytes| then(&bytes)));
    }
    if spec.kind != FormatKind::Json || fields.len() != values.len() {
        return Ok(serialize(spec, fields, values)?.map(|bytes| then(&bytes)));
    }
    thread_local! {
        static JSON_BUFFER: RefCell<String> = const { RefCell::new(String::new()) };
    }
    with_kept_buffer(&JSON_BUFFER, |out| {
        out.clear();
        let written = json::serialize_into(spec, fields, values, out);
        Ok(written.then(|| then(out.as_bytes())))
    })
}

/// Runs `f` on the buffer `kept` holds between calls (as the last call left it), so writing
/// a record's bytes allocates nothing but the record. A re-entrant call (none today) finds it
/// borrowed and gets a fresh one.
pub(crate) fn with_kept_buffer<T: Default, R>(
    kept: &'static std::thread::LocalKey<RefCell<T>>,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    kept.with(|buffer| {
        let mut own = T::default();
        let mut borrowed = buffer.try_borrow_mut().ok();
        f(borrowed.as_deref_mut().unwrap_or(&mut own))
    })
}

/// Reads one row (key or value). `bytes: None` (a tombstone or null key) gives `Ok(None)`.
/// Never panics, whatever the bytes.
pub fn deserialize(
    spec: &FormatSpec,
    fields: &[Field],
    bytes: Option<&[u8]>,
) -> Result<Option<Vec<Value>>, FormatError> {
    let Some(bytes) = bytes else {
        return Ok(None);
    };
    match spec.kind {
        FormatKind::Json => json::deserialize(spec, fields, bytes).map(Some),
        FormatKind::Kafka => kafka::deserialize(fields, bytes).map(Some),
        FormatKind::Delimited => delimited::deserialize(spec.delimiter, fields, bytes).map(Some),
        FormatKind::None => Ok(Some(Vec::new())),
    }
}

/// [`deserialize`] appending the values to `out` (a row being built): `Ok(false)` for a null
/// record part, with nothing appended. A flat JSON object of plain scalars, the common case, is
/// read straight into `out` (see `json_flat`); anything else as [`deserialize`] reads it.
pub fn deserialize_into(
    spec: &FormatSpec,
    fields: &[Field],
    bytes: Option<&[u8]>,
    out: &mut Vec<Value>,
) -> Result<bool, FormatError> {
    deserialize_needed_into(spec, fields, u64::MAX, bytes, out, u64::MAX)
}

/// Which of `fields` share their name with another, up to ASCII case (bit `i` for `fields[i]`;
/// all bits past 64 fields): one JSON key fills all of them (quoted identifiers may differ only
/// in case). A reader of many records computes it once for [`deserialize_needed_into`].
pub fn shared_names(fields: &[Field]) -> u64 {
    if fields.len() > 64 {
        return u64::MAX;
    }
    let mut shared = 0u64;
    for (i, a) in fields.iter().enumerate() {
        for (j, b) in fields.iter().enumerate().skip(i + 1) {
            if a.name.eq_ignore_ascii_case(&b.name) {
                shared |= (1u64 << i) | (1u64 << j);
            }
        }
    }
    shared
}

/// [`deserialize_into`] for a reader that uses only the columns whose bit is set in `needed`
/// (bit `i` for `fields[i]`): the others may be left NULL. A record is read or refused exactly
/// as by [`deserialize_into`]; only the copying of unused text is saved. `shared` is
/// [`shared_names`] of `fields`, or `u64::MAX` when not known (which is slower).
pub fn deserialize_needed_into(
    spec: &FormatSpec,
    fields: &[Field],
    shared: u64,
    bytes: Option<&[u8]>,
    out: &mut Vec<Value>,
    needed: u64,
) -> Result<bool, FormatError> {
    let Some(bytes) = bytes else {
        return Ok(false);
    };
    let json_object = spec.kind == FormatKind::Json
        && match fields {
            [] => false,
            [_] => spec.wrap_single,
            _ => true,
        };
    if json_object && json_flat::deserialize_flat_needed(fields, shared, bytes, out, needed).is_some() {
        return Ok(true);
    }
    if let (FormatKind::Kafka, [field]) = (spec.kind, fields) {
        out.push(kafka::deserialize_one(field, bytes)?);
        return Ok(true);
    }
    match deserialize(spec, fields, Some(bytes))? {
        Some(values) => {
            out.extend(values);
            Ok(true)
        }
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests;
