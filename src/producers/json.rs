//! Small helpers shared by the scenarios to build keys and JSON values.

use crate::log::{Bytes, Header, ProducerRecord};
use serde_json::Value;
use std::sync::Arc;

pub fn bytes(text: &str) -> Bytes {
    Arc::from(text.as_bytes())
}

/// A keyed record whose value is a JSON object (ksqlDB's `VALUE_FORMAT='JSON'`) and whose key is
/// a plain string (`KEY_FORMAT='KAFKA'`).
pub fn json_record(key: &str, value: &Value) -> ProducerRecord {
    ProducerRecord { key: Some(bytes(key)), value: Some(bytes(&value.to_string())), ..ProducerRecord::default() }
}

/// A tombstone: the key with a null value.
pub fn tombstone(key: &str) -> ProducerRecord {
    ProducerRecord { key: Some(bytes(key)), value: None, ..ProducerRecord::default() }
}

pub fn with_header(mut record: ProducerRecord, key: &str, value: &str) -> ProducerRecord {
    record.headers.push(Header { key: key.to_string(), value: Some(bytes(value)) });
    record
}

/// An amount in cents as a JSON number with two decimals.
pub fn money(cents: i64) -> Value {
    serde_json::Number::from_f64(cents as f64 / 100.0).map_or(Value::Null, Value::Number)
}

/// One decimal place, for sensor readings.
pub fn tenths(tenths: i64) -> Value {
    serde_json::Number::from_f64(tenths as f64 / 10.0).map_or(Value::Null, Value::Number)
}

/// Picks one item; `items` must not be empty (all callers pass constant, non-empty slices).
pub fn pick<'a, R: rand::Rng>(rng: &mut R, items: &[&'a str]) -> &'a str {
    items.get(rng.gen_range(0..items.len().max(1))).copied().unwrap_or("")
}
