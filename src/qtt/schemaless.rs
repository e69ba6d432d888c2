//! Record encoding when no source declares a topic's schema: the shapes QTT files use for each
//! format are distinct enough to write and read records without one.
//!
//! - Inputs: JSON objects and arrays are written as JSON text; a string is written as its raw
//!   bytes (a DELIMITED line or a KAFKA string); other scalars as their JSON text.
//! - Outputs: bytes that parse as JSON are read as JSON (the Java runner's JSON rules); other
//!   bytes are read as a string (DELIMITED values compare as whole strings).

use super::compare::Actual;
use super::json::Json;
use super::run::EncodedRecord;

/// Bytes for one JSON record field (key or value); `Json::Null` is a null key or tombstone.
pub fn encode_field(json: &Json) -> Option<Vec<u8>> {
    match json {
        Json::Null => None,
        Json::String(s) => Some(s.as_bytes().to_vec()),
        other => Some(other.to_text().into_bytes()),
    }
}

pub fn encode_record(key: &Json, value: &Json) -> EncodedRecord {
    EncodedRecord {
        key: encode_field(key),
        value: encode_field(value),
    }
}

/// Reads bytes as JSON if they parse, else as a UTF-8 string.
pub fn decode_field(bytes: Option<&[u8]>, exact_numeric: bool) -> Actual {
    let Some(bytes) = bytes else {
        return Actual::Null;
    };
    let text = String::from_utf8_lossy(bytes);
    match Json::parse(&text) {
        Ok(json) => Actual::from_json(&json, exact_numeric),
        Err(_) => Actual::String(text.into_owned()),
    }
}
