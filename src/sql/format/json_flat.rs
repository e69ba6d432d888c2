//! The fastest path of the JSON value decoder: a flat object of plain scalars (what producers
//! and queries write) read byte by byte straight into the row, with no `serde_json` node and no
//! allocation but the STRING columns' own text.
//!
//! It knows only what it can read exactly as the reference decoder does, and gives up (`None`)
//! on anything else, for the general decoders to handle (and to word the errors): escapes,
//! nested values, exponents, long numbers, a value whose type is not the column's usual one
//! (coercions), repeated keys, keys that fill several columns, invalid JSON. Numbers are read as
//! `serde_json` reads them: integers exactly, and a decimal `d.ddd` with at most 15 significant
//! digits as `significand / 10^k`, which is then exactly rounded (the same double in both of
//! `serde_json`'s float modes).

use super::Field;
use crate::sql::types::SqlType;
use crate::sql::value::{overwrite, Value};

/// Powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Appends one value per field to `out`. `None` (and `out` as it was) when the document is not
/// a flat object this path reads.
pub(super) fn deserialize_flat(fields: &[Field], bytes: &[u8], out: &mut Vec<Value>) -> Option<()> {
    deserialize_flat_needed(fields, u64::MAX, bytes, out, u64::MAX)
}

/// [`deserialize_flat`], leaving NULL the STRING columns whose bit is clear in `needed` (a query
/// that never reads them): they are still checked as for the others, so a record is read or
/// refused exactly as before, but their text is not copied. `shared` is
/// [`super::shared_names`] of `fields` (or all bits set when not known): a key is first tried
/// against the column at its own position, which settles it when no other column has that name.
pub(super) fn deserialize_flat_needed(
    fields: &[Field],
    shared: u64,
    bytes: &[u8],
    out: &mut Vec<Value>,
    needed: u64,
) -> Option<()> {
    let base = out.len();
    let read = read_object(Columns { fields, shared }, bytes, out, base, needed);
    if read.is_none() {
        out.truncate(base);
    }
    read
}

/// The columns a document is read into, and which of them share their name (see
/// [`deserialize_flat_needed`]).
#[derive(Clone, Copy)]
struct Columns<'a> {
    fields: &'a [Field],
    shared: u64,
}

fn read_object(columns: Columns, bytes: &[u8], out: &mut Vec<Value>, base: usize, needed: u64) -> Option<()> {
    let fields = columns.fields;
    // Which columns are filled, as bits.
    if fields.len() > 64 {
        return None;
    }
    let mut filled: u64 = 0;
    // Keys read so far: the next one is tried against the column at that position first.
    let mut n_keys = 0;
    out.extend(fields.iter().map(|_| Value::Null));
    let mut pos = skip_whitespace(bytes, 0);
    if bytes.get(pos) != Some(&b'{') {
        return None;
    }
    pos = skip_whitespace(bytes, pos + 1);
    if bytes.get(pos) == Some(&b'}') {
        pos += 1;
    } else {
        loop {
            if bytes.get(pos) != Some(&b'"') {
                return None;
            }
            let (key, after_key) = plain_string(bytes, pos + 1)?;
            pos = skip_whitespace(bytes, after_key);
            if bytes.get(pos) != Some(&b':') {
                return None;
            }
            pos = skip_whitespace(bytes, pos + 1);
            let column = columns.column_of(key, n_keys)?;
            n_keys += 1;
            match column {
                Some(idx) => {
                    let bit = 1u64 << idx;
                    if filled & bit != 0 {
                        return None;
                    }
                    filled |= bit;
                    let ty = &fields.get(idx)?.ty;
                    let (value, after) = scalar(bytes, pos, ty, needed & bit != 0)?;
                    overwrite(out.get_mut(base + idx)?, value);
                    pos = after;
                }
                None => pos = skip_scalar(bytes, pos)?,
            }
            pos = skip_whitespace(bytes, pos);
            match bytes.get(pos) {
                Some(b',') => pos = skip_whitespace(bytes, pos + 1),
                Some(b'}') => {
                    pos += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_whitespace(bytes, pos) == bytes.len()).then_some(())
}

impl Columns<'_> {
    /// [`column_of`], trying the column at position `guess` first (producers write the keys in
    /// column order): when its name matches and no other column shares it, that is the column.
    fn column_of(self, key: &[u8], guess: usize) -> Option<Option<usize>> {
        if let Some(field) = self.fields.get(guess) {
            let alone = 1u64.checked_shl(u32::try_from(guess).unwrap_or(u32::MAX)).is_some_and(|bit| self.shared & bit == 0);
            if alone && field.name.len() == key.len() && field.name.as_bytes().eq_ignore_ascii_case(key) {
                return Some(Some(guess));
            }
        }
        column_of(self.fields, key)
    }
}

/// The column a key fills: `Some(None)` for no column, `None` (give up) when several columns
/// match it or the key is not valid UTF-8.
fn column_of(fields: &[Field], key: &[u8]) -> Option<Option<usize>> {
    let mut found = None;
    for (idx, field) in fields.iter().enumerate() {
        if field.name.len() == key.len() && field.name.as_bytes().eq_ignore_ascii_case(key) {
            if found.is_some() {
                return None;
            }
            found = Some(idx);
        }
    }
    // A key equal to a column's name up to ASCII case is valid UTF-8 as the name is: only a
    // key that fills no column needs checking.
    if found.is_none() && !key.is_ascii() {
        std::str::from_utf8(key).ok()?;
    }
    Some(found)
}

fn skip_whitespace(bytes: &[u8], mut pos: usize) -> usize {
    while matches!(bytes.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    pos
}

/// The bytes of a string without escapes whose opening quote is just before `pos`, and the
/// position after its closing quote. `None` on an escape or a control character.
fn plain_string(bytes: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let rest = bytes.get(pos..)?;
    let len = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    if rest.get(len) != Some(&b'"') {
        return None;
    }
    Some((rest.get(..len)?, pos + len + 1))
}

/// The text of a string without escapes whose opening quote is just before `pos`, and the
/// position after its closing quote. `None` on an escape, a control character or invalid UTF-8.
fn plain_str(bytes: &[u8], pos: usize) -> Option<(&str, usize)> {
    let (text, after) = plain_string(bytes, pos)?;
    Some((std::str::from_utf8(text).ok()?, after))
}

/// Reads `literal` at `pos`; the position after it.
fn word(bytes: &[u8], pos: usize, literal: &[u8]) -> Option<usize> {
    (bytes.get(pos..pos + literal.len())? == literal).then_some(pos + literal.len())
}

/// A value of a column of type `ty` at `pos`, and the position after it; a STRING read but not
/// `wanted` is NULL.
fn scalar(bytes: &[u8], pos: usize, ty: &SqlType, wanted: bool) -> Option<(Value, usize)> {
    match bytes.get(pos)? {
        b'n' => Some((Value::Null, word(bytes, pos, b"null")?)),
        b't' | b'f' if matches!(ty, SqlType::Boolean) => {
            let flag = bytes.get(pos) == Some(&b't');
            let after = word(bytes, pos, if flag { b"true" } else { b"false" })?;
            Some((Value::Boolean(flag), after))
        }
        b'"' if matches!(ty, SqlType::String) => {
            let (text, after) = plain_str(bytes, pos + 1)?;
            let value = if wanted {
                Value::String(text.into())
            } else {
                Value::Null
            };
            Some((value, after))
        }
        b'-' | b'0'..=b'9' if matches!(ty, SqlType::Int | SqlType::BigInt | SqlType::Double) => {
            let (number, after) = number(bytes, pos)?;
            Some((number.to_column(ty)?, after))
        }
        _ => None,
    }
}

/// Skips the value of a key no column wants: a scalar only.
fn skip_scalar(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos)? {
        b'n' => word(bytes, pos, b"null"),
        b't' => word(bytes, pos, b"true"),
        b'f' => word(bytes, pos, b"false"),
        b'"' => plain_str(bytes, pos + 1).map(|(_, after)| after),
        b'-' | b'0'..=b'9' => number(bytes, pos).map(|(_, after)| after),
        _ => None,
    }
}

/// A JSON number as `serde_json` reads it: an integer exactly, `-0` and decimals as `f64`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Number {
    Integer(i64),
    Float(f64),
}

impl Number {
    /// The value of a column of type `ty` (INT, BIGINT or DOUBLE), converted as the reference
    /// decoder's `coerce` converts a `serde_json` number: integers exactly (INT wrapping, as
    /// Java's cast), a decimal truncated toward zero (saturating) for INT and BIGINT.
    fn to_column(self, ty: &SqlType) -> Option<Value> {
        Some(match (ty, self) {
            (SqlType::Int, Number::Integer(integer)) => Value::Int(integer as i32),
            (SqlType::Int, Number::Float(float)) => Value::Int(float as i32),
            (SqlType::BigInt, Number::Integer(integer)) => Value::BigInt(integer),
            (SqlType::BigInt, Number::Float(float)) => Value::BigInt(float as i64),
            (SqlType::Double, Number::Integer(integer)) => Value::Double(integer as f64),
            (SqlType::Double, Number::Float(float)) => Value::Double(float),
            _ => return None,
        })
    }
}

/// A JSON number as `serde_json` reads it (see [`Number`]), within the limits above; the
/// position after it.
fn number(bytes: &[u8], mut pos: usize) -> Option<(Number, usize)> {
    let negative = bytes.get(pos) == Some(&b'-');
    if negative {
        pos += 1;
    }
    let mut significand: u64 = 0;
    let mut n_digits = 0usize;
    let digit_at = |pos: usize| bytes.get(pos).filter(|b| b.is_ascii_digit()).map(|b| u64::from(b - b'0'));
    match bytes.get(pos) {
        Some(b'0') => {
            pos += 1;
            if digit_at(pos).is_some() {
                return None;
            }
        }
        Some(b'1'..=b'9') => {
            while let Some(digit) = digit_at(pos) {
                significand = significand * 10 + digit;
                n_digits += 1;
                pos += 1;
                if n_digits > 18 {
                    return None;
                }
            }
        }
        _ => return None,
    }
    let mut n_fraction_digits = 0usize;
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        while let Some(digit) = digit_at(pos) {
            significand = significand * 10 + digit;
            n_digits += 1;
            n_fraction_digits += 1;
            pos += 1;
            if n_digits > 18 {
                return None;
            }
        }
        if n_fraction_digits == 0 {
            return None;
        }
    }
    if matches!(bytes.get(pos), Some(b'e' | b'E')) {
        return None;
    }
    let number = if n_fraction_digits > 0 {
        // Exact operands and one rounding: the correctly rounded double.
        if significand >= 1 << 53 {
            return None;
        }
        let magnitude = significand as f64 / POW10.get(n_fraction_digits)?;
        Number::Float(if negative { -magnitude } else { magnitude })
    } else if !negative {
        Number::Integer(i64::try_from(significand).ok()?)
    } else if significand == 0 {
        // serde_json reads `-0` as the double -0.0.
        Number::Float(-0.0)
    } else {
        Number::Integer(-i64::try_from(significand).ok()?)
    };
    Some((number, pos))
}
