//! Small helpers shared by the scenarios to build keys and JSON values. Values are written
//! straight into a string (no intermediate `serde_json::Value`), because producers run for hours
//! of virtual time when the world fast-forwards.

use crate::log::{Bytes, Header, ProducerRecord};
use std::fmt::Write;
use std::sync::Arc;

pub fn bytes(text: &str) -> Bytes {
    Arc::from(text.as_bytes())
}

/// A JSON object written field by field, in order.
#[derive(Clone, Debug)]
pub struct JsonObject {
    text: String,
}

impl Default for JsonObject {
    fn default() -> Self {
        JsonObject::new()
    }
}

impl JsonObject {
    pub fn new() -> Self {
        let mut text = String::with_capacity(128);
        text.push('{');
        JsonObject { text }
    }

    /// An object written into `buffer`'s allocation (taken, and cleared): a producer keeps one
    /// buffer and gets it back from [`JsonObject::finish_bytes`], so writing an event's value
    /// allocates nothing but the value's bytes.
    pub fn reusing(buffer: &mut String) -> Self {
        let mut text = std::mem::take(buffer);
        text.clear();
        text.push('{');
        JsonObject { text }
    }

    /// Starts the field `name`: a scenario's own identifier (the names are literals in the
    /// scenarios, plain ASCII), written without the escape scan a day of events would run
    /// 1.6 million times.
    fn field(&mut self, name: &'static str) -> &mut String {
        debug_assert!(!name.bytes().any(|byte| byte < 0x20 || byte == b'"' || byte == b'\\'), "{name}");
        self.text.push_str(if self.text.len() > 1 { ",\"" } else { "\"" });
        self.text.push_str(name);
        self.text.push_str("\":");
        &mut self.text
    }

    pub fn str(mut self, name: &'static str, value: &str) -> Self {
        let text = self.field(name);
        push_json_string(text, value);
        self
    }

    pub fn int(mut self, name: &'static str, value: i64) -> Self {
        // itoa: a day of events writes ~400,000 timestamps, and its digits come in pairs.
        self.field(name).push_str(itoa::Buffer::new().format(value));
        self
    }

    /// A fixed-point number: `units` / 10^`decimals` (cents with 2, tenths with 1).
    pub fn fixed(mut self, name: &'static str, units: i64, decimals: u32) -> Self {
        let text = self.field(name);
        let scale = 10i64.pow(decimals);
        let sign = if units < 0 { "-" } else { "" };
        let magnitude = units.unsigned_abs();
        let scale = scale.unsigned_abs();
        text.push_str(sign);
        push_digits(text, magnitude / scale, 1);
        text.push('.');
        push_digits(text, magnitude % scale, decimals as usize);
        self
    }

    pub fn finish(mut self) -> String {
        self.text.push('}');
        self.text
    }

    /// The finished object as a record's value, handing the text's allocation back to
    /// `buffer` for the next [`JsonObject::reusing`].
    pub fn finish_bytes(mut self, buffer: &mut String) -> Bytes {
        self.text.push('}');
        let value = bytes(&self.text);
        *buffer = self.text;
        value
    }
}

/// Writes the decimal digits of `value`, zero-padded to `min_digits` (at most 20), into a
/// buffer and then in one go (faster than `fmt`, or than a push per digit, which matters when
/// the world fast-forwards hours of events).
fn push_digits(out: &mut String, mut value: u64, min_digits: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    while value > 0 || digits.len() - start < min_digits {
        let Some(next) = start.checked_sub(1) else { break };
        start = next;
        if let Some(digit) = digits.get_mut(start) {
            *digit = b'0' + (value % 10) as u8;
        }
        value /= 10;
    }
    out.push_str(std::str::from_utf8(digits.get(start..).unwrap_or_default()).unwrap_or_default());
}

/// Writes `value` as a JSON string literal, escaping as RFC 8259 requires.
pub fn push_json_string(out: &mut String, value: &str) {
    out.push('"');
    // Most strings (every name and most values) need no escape: one scan of the bytes says so
    // (each byte to escape is ASCII, and no byte of a multi-byte character is).
    if !value.bytes().any(|byte| byte < 0x20 || byte == b'"' || byte == b'\\') {
        out.push_str(value);
        out.push('"');
        return;
    }
    // Copy runs of characters that need no escape in one go.
    let mut run_start = 0;
    for (index, c) in value.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if u32::from(c) < 0x20 => "",
            _ => continue,
        };
        out.push_str(value.get(run_start..index).unwrap_or(""));
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        run_start = index + c.len_utf8();
    }
    out.push_str(value.get(run_start..).unwrap_or(""));
    out.push('"');
}

/// A keyed record whose value is a JSON object (ksqlDB's `VALUE_FORMAT='JSON'`) and whose key is
/// a plain string (`KEY_FORMAT='KAFKA'`).
pub fn json_record(key: &str, value: JsonObject) -> ProducerRecord {
    json_record_with_key(bytes(key), value)
}

/// As [`json_record`], sharing an existing key (no allocation for the key).
pub fn json_record_with_key(key: Bytes, value: JsonObject) -> ProducerRecord {
    ProducerRecord { key: Some(key), value: Some(bytes(&value.finish())), ..ProducerRecord::default() }
}

/// A tombstone: the key with a null value.
pub fn tombstone(key: &str) -> ProducerRecord {
    ProducerRecord { key: Some(bytes(key)), value: None, ..ProducerRecord::default() }
}

pub fn with_header(mut record: ProducerRecord, key: &str, value: &str) -> ProducerRecord {
    record.headers.push(Header { key: key.to_string(), value: Some(bytes(value)) });
    record
}

/// Picks one item; `items` must not be empty (all callers pass constant, non-empty slices).
pub fn pick<'a, R: rand::Rng>(rng: &mut R, items: &[&'a str]) -> &'a str {
    items.get(rng.gen_range(0..items.len().max(1))).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_valid_json_that_serde_reads_back() {
        let text = JsonObject::new()
            .str("message", "sshd[1]: \"quoted\" \\ tab\t\u{1}")
            .int("ts", -5)
            .fixed("amount", -1_234, 2)
            .fixed("temperature", 5, 1)
            .int("zero", 0)
            .fixed("small", 7, 2)
            .finish();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["message"], "sshd[1]: \"quoted\" \\ tab\t\u{1}");
        assert_eq!(value["ts"], -5);
        assert_eq!(value["amount"].as_f64(), Some(-12.34));
        assert_eq!(value["temperature"].as_f64(), Some(0.5));
        assert!(text.ends_with(r#""zero":0,"small":0.07}"#), "{text}");
        let text = JsonObject::new().str("é\u{7f}", "naïve \u{1f}∑\"\n").int("max", i64::MAX).int("min", i64::MIN).finish();
        assert_eq!(text, "{\"é\u{7f}\":\"naïve \\u001f∑\\\"\\n\",\"max\":9223372036854775807,\"min\":-9223372036854775808}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["é\u{7f}"], "naïve \u{1f}∑\"\n");
    }
}
