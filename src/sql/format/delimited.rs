//! The DELIMITED format: one CSV line per record, as Apache Commons CSV's `CSVFormat.DEFAULT`
//! (with ksqlDB's delimiter) prints and parses it. Only value columns; no nested types.

use super::{java_double_to_string, Field, FormatError};
use crate::sql::ops::cast;
use crate::sql::types::SqlType;
use crate::sql::value::{Decimal, Value};

/// Commons CSV's MINIMAL quoting: a field is quoted when it is empty and first on the line, when
/// the line's first field starts with anything but an ASCII letter or digit, when any field
/// starts with a character up to `#` (space, `!`, `"`, `#`, controls), contains the delimiter, a
/// quote, CR or LF, or ends with a character up to space.
fn needs_quotes(text: &str, delimiter: char, first_on_line: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return first_on_line;
    };
    if first_on_line && !first.is_ascii_alphanumeric() {
        return true;
    }
    if first <= '#' {
        return true;
    }
    if text
        .chars()
        .any(|ch| ch == '\n' || ch == '\r' || ch == '"' || ch == delimiter)
    {
        return true;
    }
    text.chars().last().is_some_and(|last| last <= ' ')
}

fn field_text(field: &Field, value: &Value) -> Result<Option<String>, FormatError> {
    Ok(Some(match value {
        Value::Null => return Ok(None),
        Value::Boolean(flag) => flag.to_string(),
        Value::Int(number) => number.to_string(),
        Value::BigInt(number) | Value::Timestamp(number) | Value::Time(number) => {
            number.to_string()
        }
        Value::Date(days) => days.to_string(),
        Value::Double(number) => java_double_to_string(*number),
        Value::Decimal(decimal) => decimal.to_plain_string(),
        Value::String(text) => text.to_string(),
        other => {
            return Err(FormatError::in_column(
                &field.name,
                format!("The 'DELIMITED' format cannot write {other:?}"),
            ));
        }
    }))
}

pub fn serialize(
    delimiter: char,
    fields: &[Field],
    values: &[Value],
) -> Result<Vec<u8>, FormatError> {
    let mut line = String::new();
    for (field_idx, (field, value)) in fields.iter().zip(values).enumerate() {
        if field_idx > 0 {
            line.push(delimiter);
        }
        // A NULL is an empty, unquoted field.
        let Some(text) = field_text(field, value)? else {
            continue;
        };
        if needs_quotes(&text, delimiter, field_idx == 0) {
            line.push('"');
            line.push_str(&text.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&text);
        }
    }
    Ok(line.into_bytes())
}

/// Splits the first CSV record of `text` into fields (quoted fields unquoted, `""` → `"`).
fn parse_record(text: &str, delimiter: char) -> Result<Vec<String>, FormatError> {
    // Commons CSV skips empty lines before the first record.
    let text = text.trim_start_matches(['\r', '\n']);
    let mut fields = Vec::new();
    let mut chars = text.chars().peekable();
    let mut current = String::new();
    loop {
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        current.push('"');
                    }
                    Some('"') => break,
                    Some(other) => current.push(other),
                    None => {
                        return Err(FormatError::new(
                            "EOF reached before encapsulated token finished",
                        ))
                    }
                }
            }
            match chars.peek() {
                None | Some('\r') | Some('\n') => {}
                Some(ch) if *ch == delimiter => {}
                Some(other) => {
                    return Err(FormatError::new(format!(
                        "invalid char '{other}' between encapsulated token and delimiter"
                    )));
                }
            }
        } else {
            while let Some(&ch) = chars.peek() {
                if ch == delimiter || ch == '\r' || ch == '\n' {
                    break;
                }
                current.push(ch);
                chars.next();
            }
        }
        fields.push(std::mem::take(&mut current));
        match chars.next() {
            Some(ch) if ch == delimiter => continue,
            _ => break,
        }
    }
    Ok(fields)
}

pub fn deserialize(
    delimiter: char,
    fields: &[Field],
    bytes: &[u8],
) -> Result<Vec<Value>, FormatError> {
    let text = String::from_utf8_lossy(bytes);
    if fields.is_empty() {
        return Ok(Vec::new());
    }
    let parts = if text.is_empty() {
        vec![String::new()]
    } else {
        parse_record(&text, delimiter)?
    };
    if parts.len() != fields.len() {
        return Err(FormatError::new(format!(
            "Unexpected field count, csvFields:{} schemaFields:{} in {:?}",
            parts.len(),
            fields.len(),
            text
        )));
    }
    fields
        .iter()
        .zip(parts)
        .map(|(field, part)| parse_field(field, &part))
        .collect()
}

/// An empty field is NULL; others parse as Java's `parseInt`/`parseLong`/`parseDouble`/
/// `parseBoolean` and `new BigDecimal` do (TIMESTAMP, DATE and TIME as their numbers).
fn parse_field(field: &Field, text: &str) -> Result<Value, FormatError> {
    if text.is_empty() {
        return Ok(Value::Null);
    }
    let bad =
        |what: &str| FormatError::in_column(&field.name, format!("expected {what}, got {text:?}"));
    Ok(match &field.ty {
        SqlType::Boolean => Value::Boolean(text.eq_ignore_ascii_case("true")),
        SqlType::Int => Value::Int(text.parse().map_err(|_| bad("an INTEGER"))?),
        SqlType::BigInt => Value::BigInt(text.parse().map_err(|_| bad("a BIGINT"))?),
        SqlType::Timestamp => Value::Timestamp(
            text.parse()
                .map_err(|_| bad("a TIMESTAMP in epoch millis"))?,
        ),
        SqlType::Time => Value::Time(
            text.parse()
                .map_err(|_| bad("a TIME in millis of the day"))?,
        ),
        SqlType::Date => Value::Date(text.parse().map_err(|_| bad("a DATE in epoch days"))?),
        SqlType::Double => {
            cast(&Value::String(text.into()), &SqlType::Double).map_err(|_| bad("a DOUBLE"))?
        }
        SqlType::String => Value::String(text.into()),
        SqlType::Decimal { precision, scale } => {
            let exact = Decimal::parse(text).ok_or_else(|| bad("a DECIMAL"))?;
            Value::decimal(
                exact
                    .fit(*precision, *scale)
                    .ok_or_else(|| bad(&format!("a DECIMAL({precision}, {scale})")))?,
            )
        }
        other => {
            return Err(FormatError::in_column(
                &field.name,
                format!("The 'DELIMITED' format does not support type {other}"),
            ))
        }
    })
}
