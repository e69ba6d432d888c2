//! String functions: UCASE, LCASE, CONCAT, CONCAT_WS, SUBSTRING, LEN, TRIM, LTRIM, RTRIM,
//! REPLACE, INSTR, LPAD, RPAD, SPLIT, INITCAP and the MASK family.
//!
//! Positions and lengths count Unicode characters; Java counts UTF-16 units, which differs
//! only for characters outside the Basic Multilingual Plane (emoji).

use crate::sql::ops::EvalError;
use crate::sql::value::Value;

/// ksqlDB's SUBSTRING: 1-based; a negative position counts from the end; positions and lengths
/// out of range are clamped, so it never fails.
pub fn substring_range(
    length: usize,
    position: i64,
    substring_length: Option<i64>,
) -> (usize, usize) {
    let length_i64 = i64::try_from(length).unwrap_or(i64::MAX);
    let start = if position < 0 {
        (length_i64 + position).max(0)
    } else {
        (position - 1).min(length_i64).max(0)
    };
    let end = match substring_length {
        Some(count) => start.saturating_add(count).min(length_i64).max(start),
        None => length_i64,
    };
    (
        usize::try_from(start).unwrap_or(0),
        usize::try_from(end).unwrap_or(0),
    )
}

pub fn substring(
    value: &Value,
    position: i64,
    substring_length: Option<i64>,
) -> Result<Value, EvalError> {
    match value {
        Value::String(text) => {
            let chars: Vec<char> = text.chars().collect();
            let (start, end) = substring_range(chars.len(), position, substring_length);
            Ok(Value::String(
                chars.get(start..end).unwrap_or(&[]).iter().collect(),
            ))
        }
        Value::Bytes(bytes) => {
            let (start, end) = substring_range(bytes.len(), position, substring_length);
            Ok(Value::Bytes(bytes.get(start..end).unwrap_or(&[]).to_vec()))
        }
        other => Err(EvalError::new(format!(
            "SUBSTRING expects STRING or BYTES, got {other:?}"
        ))),
    }
}

/// Java's `String.trim`: strips characters up to U+0020 from both ends.
pub fn java_trim(text: &str) -> &str {
    text.trim_matches(|ch: char| ch <= ' ')
}

/// INSTR(str, sub, position, occurrence): the 1-based index of the `occurrence`-th match
/// searching from `position` (backwards when negative); 0 when absent.
pub fn instr(text: &str, needle: &str, position: i64, occurrence: i64) -> i64 {
    let chars: Vec<char> = text.chars().collect();
    let needle: Vec<char> = needle.chars().collect();
    let length = chars.len() as i64;
    let matches_at = |start: i64| -> bool {
        usize::try_from(start)
            .ok()
            .and_then(|start| chars.get(start..start + needle.len()))
            .is_some_and(|window| window == needle.as_slice())
    };
    if occurrence <= 0 || position == 0 {
        return 0;
    }
    let mut found = 0;
    if position > 0 {
        let mut start = position - 1;
        while start + needle.len() as i64 <= length {
            if matches_at(start) {
                found += 1;
                if found == occurrence {
                    return start + 1;
                }
            }
            start += 1;
        }
    } else {
        let mut start = (length + position).min(length - needle.len() as i64);
        while start >= 0 {
            if matches_at(start) {
                found += 1;
                if found == occurrence {
                    return start + 1;
                }
            }
            start -= 1;
        }
    }
    0
}

/// LPAD/RPAD: pads (or truncates) to exactly `target` characters; NULL for a negative length
/// or an empty padding.
pub fn pad(text: &str, target: i64, padding: &str, left: bool) -> Value {
    let Ok(target) = usize::try_from(target) else {
        return Value::Null;
    };
    if padding.is_empty() {
        return Value::Null;
    }
    let chars: Vec<char> = text.chars().collect();
    if chars.len() >= target {
        return Value::String(chars.get(..target).unwrap_or(&[]).iter().collect());
    }
    let fill: String = padding.chars().cycle().take(target - chars.len()).collect();
    Value::String(if left {
        format!("{fill}{text}").into()
    } else {
        format!("{text}{fill}").into()
    })
}

/// SPLIT: on a literal delimiter, keeping empty pieces; an empty delimiter splits into characters.
pub fn split(text: &str, delimiter: &str) -> Value {
    let pieces: Vec<Value> = if delimiter.is_empty() {
        text.chars()
            .map(|ch| Value::String(ch.to_string().into()))
            .collect()
    } else {
        text.split(delimiter)
            .map(|piece| Value::String(piece.into()))
            .collect()
    };
    Value::Array(pieces)
}

/// INITCAP: the first letter of each space-separated word in upper case, the rest in lower.
pub fn initcap(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at_word_start = true;
    for ch in text.chars() {
        if ch.is_whitespace() {
            at_word_start = true;
            out.push(ch);
        } else if at_word_start {
            out.extend(ch.to_uppercase());
            at_word_start = false;
        } else {
            out.extend(ch.to_lowercase());
        }
    }
    out
}

/// The replacement characters of the MASK functions; `None` leaves that class of characters.
#[derive(Clone, Copy)]
pub struct Mask {
    pub upper: Option<char>,
    pub lower: Option<char>,
    pub digit: Option<char>,
    pub other: Option<char>,
}

impl Default for Mask {
    fn default() -> Self {
        Mask {
            upper: Some('X'),
            lower: Some('x'),
            digit: Some('n'),
            other: Some('-'),
        }
    }
}

impl Mask {
    fn apply(&self, ch: char) -> char {
        let replacement = if ch.is_uppercase() {
            self.upper
        } else if ch.is_lowercase() {
            self.lower
        } else if ch.is_numeric() {
            self.digit
        } else {
            self.other
        };
        replacement.unwrap_or(ch)
    }

    /// Masks the characters whose index satisfies `masked`.
    pub fn mask_where(&self, text: &str, masked: impl Fn(usize, usize) -> bool) -> String {
        let length = text.chars().count();
        text.chars()
            .enumerate()
            .map(|(char_idx, ch)| {
                if masked(char_idx, length) {
                    self.apply(ch)
                } else {
                    ch
                }
            })
            .collect()
    }
}
