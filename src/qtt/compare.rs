//! Compares actual output records with expected ones, following ksqlDB's
//! `ExpectedRecordComparator` and `TestExecutor`.
//!
//! The Java runner deserialises each actual record into Java objects (Integer/Long, Double,
//! BigDecimal, String, Boolean, List, Map/Struct) and compares them with the expected Jackson
//! tree. [`Actual`] is that object model; [`Json`] (with exact number text) is the expected tree.
//! The rules:
//! - objects: same number of fields; each expected field is looked up by name, then upper-cased;
//!   a missing field reads as null;
//! - arrays: same length, element by element;
//! - numbers: an actual integer matches when the expected number truncated to an integer equals
//!   it (so `3.0` matches `3`); an actual double matches within 1e-6; an actual decimal must equal
//!   an expected decimal including its scale, or an expected integer when its scale is ≤ 0;
//! - strings, booleans and null: exact (an expected string also matches an equal decimal).

use super::json::Json;
use super::reader::{HeaderNode, RecordNode, WindowNode};
use std::fmt;

/// An actual value, as the Java runner sees it after deserialisation.
#[derive(Clone, Debug, PartialEq)]
pub enum Actual {
    Null,
    Bool(bool),
    /// Java Integer or Long.
    Integer(i64),
    Double(f64),
    /// Java BigDecimal, as decimal text (`"1.50"`).
    Decimal(String),
    String(String),
    Array(Vec<Actual>),
    /// A Map or Struct, fields in order.
    Object(Vec<(String, Actual)>),
    /// A value no expectation can match (e.g. Java BigInteger), shown as text.
    Unsupported(String),
}

impl Actual {
    /// Reads actual JSON the way the Java runner's JSON deserialiser does: integers as
    /// Integer/Long, other numbers as BigDecimal when `exact_numeric` (the default), else Double.
    pub fn from_json(json: &Json, exact_numeric: bool) -> Actual {
        match json {
            Json::Null => Actual::Null,
            Json::Bool(b) => Actual::Bool(*b),
            Json::Number(text) if Json::is_integer_text(text) => match text.parse::<i64>() {
                Ok(n) => Actual::Integer(n),
                Err(_) => Actual::Unsupported(text.clone()),
            },
            Json::Number(text) if exact_numeric => Actual::Decimal(text.clone()),
            Json::Number(text) => match text.parse::<f64>() {
                Ok(d) => Actual::Double(d),
                Err(_) => Actual::Unsupported(text.clone()),
            },
            Json::String(s) => Actual::String(s.clone()),
            Json::Array(items) => Actual::Array(
                items
                    .iter()
                    .map(|i| Actual::from_json(i, exact_numeric))
                    .collect(),
            ),
            Json::Object(fields) => Actual::Object(
                fields
                    .iter()
                    .map(|(name, value)| (name.clone(), Actual::from_json(value, exact_numeric)))
                    .collect(),
            ),
        }
    }

    /// Scalar text of a key, for the lenient key comparison.
    fn scalar_text(&self) -> Option<String> {
        match self {
            Actual::Bool(b) => Some(b.to_string()),
            Actual::Integer(n) => Some(n.to_string()),
            Actual::Double(d) => Some(d.to_string()),
            Actual::Decimal(text) | Actual::String(text) => Some(text.clone()),
            _ => None,
        }
    }
}

impl fmt::Display for Actual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actual::Null => f.write_str("null"),
            Actual::Bool(b) => write!(f, "{b}"),
            Actual::Integer(n) => write!(f, "{n}"),
            Actual::Double(d) => write!(f, "{d:?}"),
            Actual::Decimal(text) => f.write_str(text),
            Actual::Unsupported(text) => write!(f, "{text} (unsupported)"),
            Actual::String(s) => write!(f, "{}", Json::String(s.clone())),
            Actual::Array(items) => {
                f.write_str("[")?;
                for (item_idx, item) in items.iter().enumerate() {
                    if item_idx > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Actual::Object(fields) => {
                f.write_str("{")?;
                for (field_idx, (name, value)) in fields.iter().enumerate() {
                    if field_idx > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}:{value}", Json::String(name.clone()))?;
                }
                f.write_str("}")
            }
        }
    }
}

/// Compares one expected value with an actual one. `Err` names the first difference and where
/// (`path` is the location so far, e.g. `value.ADDRESS.CITY`).
pub fn compare_value(path: &str, expected: &Json, actual: &Actual) -> Result<(), String> {
    let matched = match expected {
        Json::Object(expected_fields) => {
            let Actual::Object(actual_fields) = actual else {
                return Err(mismatch(path, expected, actual));
            };
            if actual_fields.len() != expected_fields.len() {
                return Err(format!(
                    "{path}: expected {} fields, got {} (expected {expected}, got {actual})",
                    expected_fields.len(),
                    actual_fields.len()
                ));
            }
            for (name, expected_field) in expected_fields {
                let actual_field = lookup_field(actual_fields, name);
                compare_value(&format!("{path}.{name}"), expected_field, actual_field)?;
            }
            true
        }
        Json::Array(expected_items) => {
            let Actual::Array(actual_items) = actual else {
                return Err(mismatch(path, expected, actual));
            };
            if actual_items.len() != expected_items.len() {
                return Err(format!(
                    "{path}: expected {} elements, got {} (expected {expected}, got {actual})",
                    expected_items.len(),
                    actual_items.len()
                ));
            }
            for (item_idx, (expected_item, actual_item)) in
                expected_items.iter().zip(actual_items).enumerate()
            {
                compare_value(&format!("{path}[{item_idx}]"), expected_item, actual_item)?;
            }
            true
        }
        Json::Number(text) => number_matches(text, actual),
        Json::String(s) => match actual {
            Actual::String(a) => a == s,
            Actual::Decimal(a) => {
                matches!((ExactDecimal::parse(s), ExactDecimal::parse(a)), (Some(e), Some(a)) if e == a)
            }
            _ => false,
        },
        Json::Bool(b) => actual == &Actual::Bool(*b),
        Json::Null => actual == &Actual::Null,
    };
    if matched {
        Ok(())
    } else {
        Err(mismatch(path, expected, actual))
    }
}

/// Java's `map.get(name)`, then `map.get(name.toUpperCase())`; absent reads as null.
fn lookup_field<'a>(fields: &'a [(String, Actual)], name: &str) -> &'a Actual {
    let find = |wanted: &str| fields.iter().find(|(n, _)| n == wanted).map(|(_, v)| v);
    match find(name) {
        Some(value) if *value != Actual::Null => value,
        _ => find(&name.to_uppercase()).unwrap_or(&Actual::Null),
    }
}

fn mismatch(path: &str, expected: &Json, actual: &Actual) -> String {
    format!("{path}: expected {expected}, got {actual}")
}

fn number_matches(expected_text: &str, actual: &Actual) -> bool {
    let expected_is_integer = Json::is_integer_text(expected_text);
    match actual {
        Actual::Integer(a) => {
            // Jackson's intValue()/longValue(): a decimal is truncated towards zero.
            if expected_is_integer {
                expected_text.parse::<i64>().is_ok_and(|e| e == *a)
            } else {
                expected_text
                    .parse::<f64>()
                    .is_ok_and(|e| e.is_finite() && e.trunc() == *a as f64)
            }
        }
        Actual::Double(a) => expected_text
            .parse::<f64>()
            .is_ok_and(|e| (e - a).abs() < 0.000_001),
        Actual::Decimal(a) => {
            let (Some(expected), Some(actual)) =
                (ExactDecimal::parse(expected_text), ExactDecimal::parse(a))
            else {
                return false;
            };
            if expected_is_integer {
                // Only an actual without decimal places matches an expected integer.
                actual.scale <= 0 && expected.numerically_equal(&actual)
            } else {
                expected == actual
            }
        }
        _ => false,
    }
}

/// A decimal as Java's BigDecimal sees it: sign, unscaled digits and scale. `equals` compares
/// all three, so `1.0 != 1.00`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ExactDecimal {
    negative: bool,
    /// Unscaled digits without leading zeros; empty for zero.
    digits: String,
    scale: i64,
}

impl ExactDecimal {
    fn parse(text: &str) -> Option<ExactDecimal> {
        let text = text.trim();
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (
                unsigned.get(..at)?,
                unsigned.get(at + 1..)?.parse::<i64>().ok()?,
            ),
            None => (unsigned, 0),
        };
        let (int_part, fraction) = match mantissa.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        if int_part.is_empty() && fraction.is_empty() {
            return None;
        }
        if !int_part
            .chars()
            .chain(fraction.chars())
            .all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let digits = format!("{int_part}{fraction}")
            .trim_start_matches('0')
            .to_string();
        let scale = (fraction.len() as i64).checked_sub(exponent)?;
        Some(ExactDecimal {
            negative: negative && !digits.is_empty(),
            digits,
            scale,
        })
    }

    /// Equal in value regardless of scale (Java's `compareTo == 0`).
    fn numerically_equal(&self, other: &ExactDecimal) -> bool {
        if self.negative != other.negative {
            return false;
        }
        let (a, b) = (self.trimmed(), other.trimmed());
        a == b
    }

    /// Strips trailing zeros of the unscaled value, lowering the scale (`stripTrailingZeros`).
    fn trimmed(&self) -> (String, i64) {
        let stripped = self.digits.trim_end_matches('0');
        if stripped.is_empty() {
            return (String::new(), 0);
        }
        let removed = (self.digits.len() - stripped.len()) as i64;
        (stripped.to_string(), self.scale - removed)
    }
}

/// The window of an actual windowed key, as decoded from the key bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActualWindow {
    pub start: i64,
    /// Unknown for time windows, whose serialised key carries only the start.
    pub end: Option<i64>,
    pub session: bool,
}

/// One record read back from an output topic, decoded for comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct ActualRecord {
    pub key: Actual,
    pub value: Actual,
    pub timestamp: i64,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
    pub window: Option<ActualWindow>,
    pub partition: u32,
}

impl fmt::Display for ActualRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<{}, {}> with timestamp={}",
            self.key, self.value, self.timestamp
        )?;
        if let Some(window) = &self.window {
            let end = window.end.map_or("?".to_string(), |e| e.to_string());
            write!(
                f,
                " window={}..{end} {}",
                window.start,
                if window.session { "session" } else { "time" }
            )?;
        }
        if !self.headers.is_empty() {
            write!(f, " headers={:?}", self.headers)?;
        }
        Ok(())
    }
}

/// Text of an expected record in the Java runner's style, for failure messages.
pub fn describe_expected(record: &RecordNode) -> String {
    let mut text = format!("<{}, {}>", record.key, record.value);
    if let Some(ts) = record.timestamp {
        text.push_str(&format!(" with timestamp={ts}"));
    }
    if let Some(window) = &record.window {
        text.push_str(&format!(
            " window={}..{} {}",
            window.start, window.end, window.window_type
        ));
    }
    text
}

/// Options that change how records compare.
#[derive(Clone, Copy, Debug)]
pub struct CompareOptions {
    /// The test had no `inputs`: an expected timestamp of 0 accepts any actual timestamp
    /// (INSERT VALUES rows carry the wall clock in ksqlDB).
    pub any_timestamp_for_zero: bool,
}

/// Compares one expected record with an actual one: key (and window), value, timestamp, headers.
pub fn compare_record(
    expected: &RecordNode,
    actual: &ActualRecord,
    options: CompareOptions,
) -> Result<(), String> {
    compare_window(expected.window.as_ref(), actual.window.as_ref())?;
    compare_key(&expected.key, &actual.key)?;
    compare_value("value", &expected.value, &actual.value)?;
    if let Some(expected_ts) = expected.timestamp {
        let accepted =
            expected_ts == actual.timestamp || (options.any_timestamp_for_zero && expected_ts == 0);
        if !accepted {
            return Err(format!(
                "timestamp: expected {expected_ts}, got {}",
                actual.timestamp
            ));
        }
    }
    compare_headers(expected.headers.as_deref().unwrap_or(&[]), &actual.headers)
}

/// Keys compare like values, except that the Java runner first coerces the expected key through
/// the topic's key serde, so a scalar written as `0` matches an actual `"0"` and vice versa.
pub fn compare_key(expected: &Json, actual: &Actual) -> Result<(), String> {
    let strict = compare_value("key", expected, actual);
    if strict.is_ok() {
        return strict;
    }
    let expected_text = match expected {
        Json::Number(text) | Json::String(text) => Some(text.clone()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match (expected_text, actual.scalar_text()) {
        (Some(e), Some(a)) if e == a => Ok(()),
        _ => strict,
    }
}

fn compare_window(
    expected: Option<&WindowNode>,
    actual: Option<&ActualWindow>,
) -> Result<(), String> {
    match (expected, actual) {
        (None, None) => Ok(()),
        (Some(e), None) => Err(format!(
            "key: expected window {}..{} {}, got an unwindowed key",
            e.start, e.end, e.window_type
        )),
        (None, Some(a)) => Err(format!(
            "key: expected an unwindowed key, got window starting {}",
            a.start
        )),
        (Some(e), Some(a)) => {
            let expected_session = e.window_type.eq_ignore_ascii_case("session");
            if expected_session != a.session {
                return Err(format!(
                    "key: expected a {} window, got a {} window",
                    e.window_type,
                    if a.session { "session" } else { "time" }
                ));
            }
            if e.start != a.start {
                return Err(format!(
                    "key: expected window start {}, got {}",
                    e.start, a.start
                ));
            }
            match a.end {
                Some(end) if end != e.end => {
                    Err(format!("key: expected window end {}, got {end}", e.end))
                }
                _ => Ok(()),
            }
        }
    }
}

fn compare_headers(
    expected: &[HeaderNode],
    actual: &[(String, Option<Vec<u8>>)],
) -> Result<(), String> {
    if expected.len() != actual.len() {
        return Err(format!(
            "headers: expected {} headers, got {}",
            expected.len(),
            actual.len()
        ));
    }
    for (header_idx, (e, (actual_key, actual_value))) in expected.iter().zip(actual).enumerate() {
        let expected_value = match &e.value {
            None => None,
            Some(text) => Some(
                decode_base64(text)
                    .ok_or_else(|| format!("headers[{header_idx}]: bad base64 {text:?}"))?,
            ),
        };
        if &e.key != actual_key || &expected_value != actual_value {
            return Err(format!(
                "headers[{header_idx}]: expected {}={:?}, got {actual_key}={actual_value:?}",
                e.key, e.value
            ));
        }
    }
    Ok(())
}

/// Compares the full record sequence of one topic: same count, same order.
pub fn compare_topic(
    topic: &str,
    expected: &[&RecordNode],
    actual: &[ActualRecord],
    options: CompareOptions,
) -> Result<(), String> {
    for (record_idx, (e, a)) in expected.iter().zip(actual).enumerate() {
        if let Err(difference) = compare_record(e, a, options) {
            let count_note = if expected.len() == actual.len() {
                String::new()
            } else {
                format!(
                    " (and expected {} records, got {})",
                    expected.len(),
                    actual.len()
                )
            };
            return Err(format!(
                "topic '{topic}', record {record_idx}: {difference}; expected {} but was {a}{count_note}",
                describe_expected(e)
            ));
        }
    }
    if expected.len() != actual.len() {
        let extra = match actual.get(expected.len()) {
            Some(first_extra) => format!("; first unexpected: {first_extra}"),
            None => match expected.get(actual.len()) {
                Some(first_missing) => {
                    format!("; first missing: {}", describe_expected(first_missing))
                }
                None => String::new(),
            },
        };
        return Err(format!(
            "topic '{topic}': expected {} records, got {}{extra}",
            expected.len(),
            actual.len()
        ));
    }
    Ok(())
}

/// Standard base64 (with or without padding), as Java's `Base64.getDecoder()` reads headers.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut n_bits = 0;
    for c in text.trim_end_matches('=').bytes() {
        let sextet = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(sextet);
        n_bits += 6;
        if n_bits >= 8 {
            n_bits -= 8;
            out.push((buffer >> n_bits) as u8);
            buffer &= (1 << n_bits) - 1;
        }
    }
    Some(out)
}

/// Standard base64 with padding (how ksqlDB writes BYTES in JSON).
pub fn encode_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for sextet_idx in 0..4 {
            if sextet_idx <= chunk.len() {
                let sextet = (n >> (18 - 6 * sextet_idx)) & 63;
                out.push(char::from(ALPHABET[sextet as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_compare_with_scale() {
        let d = |t: &str| ExactDecimal::parse(t).unwrap();
        assert_eq!(d("1.0"), d("1.0"));
        assert_ne!(d("1.0"), d("1.00"));
        assert_eq!(
            d("1e1"),
            ExactDecimal {
                negative: false,
                digits: "1".into(),
                scale: -1
            }
        );
        assert!(d("10").numerically_equal(&d("1e1")));
        assert_eq!(d("-0.0"), d("0.0"));
    }

    #[test]
    fn base64_round_trips() {
        for bytes in [&b""[..], b"a", b"ab", b"abc", b"\x00\xff\x10"] {
            assert_eq!(decode_base64(&encode_base64(bytes)).as_deref(), Some(bytes));
        }
        assert_eq!(encode_base64(b"hi"), "aGk=");
    }
}
