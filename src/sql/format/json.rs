//! The JSON format, written as ksqlDB's Jackson-based serialiser writes it.

use serde_json::Value as Json;

use super::{base64_decode, base64_encode, java_double_to_string, Field, FormatError, FormatSpec};
use crate::sql::ops::temporal;
use crate::sql::types::SqlType;
use crate::sql::value::{Decimal, Value};

pub fn serialize(spec: &FormatSpec, fields: &[Field], values: &[Value]) -> Option<Vec<u8>> {
    let mut out = String::new();
    match (fields, values) {
        ([_], [value]) if !spec.wrap_single => {
            if value.is_null() {
                return None;
            }
            write_json(value, &mut out);
        }
        _ => {
            out.push('{');
            for (field_idx, (field, value)) in fields.iter().zip(values).enumerate() {
                if field_idx > 0 {
                    out.push(',');
                }
                write_json_string(&field.name, &mut out);
                out.push(':');
                write_json(value, &mut out);
            }
            out.push('}');
        }
    }
    Some(out.into_bytes())
}

/// Escapes as Jackson does: the short forms `\" \\ \n \r \t \b \f`, `\u00XX` for other control
/// characters, everything else (including non-ASCII and `/`) as is.
fn write_json_string(text: &str, out: &mut String) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            control if (control as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04X}", control as u32))
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

/// Appends a value's JSON text: doubles as Java prints them (`1.0`, `1.0E10`, and the strings
/// `"NaN"`/`"Infinity"`), decimals exactly with their scale, BYTES in base64, TIMESTAMP as epoch
/// millis, DATE as epoch days, TIME as millis of the day.
pub fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Boolean(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Int(number) => out.push_str(&number.to_string()),
        Value::BigInt(number) | Value::Timestamp(number) | Value::Time(number) => {
            out.push_str(&number.to_string())
        }
        Value::Date(days) => out.push_str(&days.to_string()),
        Value::Double(number) if number.is_finite() => {
            out.push_str(&java_double_to_string(*number))
        }
        Value::Double(number) => write_json_string(&java_double_to_string(*number), out),
        Value::Decimal(decimal) => out.push_str(&decimal.to_plain_string()),
        Value::String(text) => write_json_string(text, out),
        Value::Bytes(bytes) => write_json_string(&base64_encode(bytes), out),
        Value::Array(items) => {
            out.push('[');
            for (item_idx, item) in items.iter().enumerate() {
                if item_idx > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (entry_idx, (key, item)) in entries.iter().enumerate() {
                if entry_idx > 0 {
                    out.push(',');
                }
                write_json_string(&crate::sql::ops::value_to_java_string(key), out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
        Value::Struct(fields) => {
            out.push('{');
            for (field_idx, (name, item)) in fields.iter().enumerate() {
                if field_idx > 0 {
                    out.push(',');
                }
                write_json_string(name, out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
    }
}

/// A value as a `serde_json::Value` (for the UI and test comparisons). Lossy where serde_json
/// is: decimals become JSON numbers through `f64` unless integral, NaN/Infinity become strings.
pub fn value_to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Boolean(flag) => Json::Bool(*flag),
        Value::Int(number) => Json::from(*number),
        Value::BigInt(number) | Value::Timestamp(number) | Value::Time(number) => {
            Json::from(*number)
        }
        Value::Date(days) => Json::from(*days),
        Value::Double(number) => match serde_json::Number::from_f64(*number) {
            Some(json_number) => Json::Number(json_number),
            None => Json::String(java_double_to_string(*number)),
        },
        Value::Decimal(decimal) => match serde_json::from_str::<Json>(&decimal.to_plain_string()) {
            Ok(json_number) => json_number,
            Err(_) => Json::String(decimal.to_plain_string()),
        },
        Value::String(text) => Json::String(text.clone()),
        Value::Bytes(bytes) => Json::String(base64_encode(bytes)),
        Value::Array(items) => Json::Array(items.iter().map(value_to_json).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(key, item)| {
                    (
                        crate::sql::ops::value_to_java_string(key),
                        value_to_json(item),
                    )
                })
                .collect(),
        ),
        Value::Struct(fields) => Json::Object(
            fields
                .iter()
                .map(|(name, item)| (name.clone(), value_to_json(item)))
                .collect(),
        ),
    }
}

pub fn deserialize(
    spec: &FormatSpec,
    fields: &[Field],
    bytes: &[u8],
) -> Result<Vec<Value>, FormatError> {
    let document: Json = serde_json::from_slice(bytes)
        .map_err(|error| FormatError::new(format!("invalid JSON: {error}")))?;
    match fields {
        [] => Ok(Vec::new()),
        [field] if !spec.wrap_single => Ok(vec![coerce(&document, &field.ty)
            .map_err(|message| FormatError::in_column(&field.name, message))?]),
        _ => {
            let Json::Object(object) = &document else {
                return Err(FormatError::new(format!(
                    "expected a JSON object with fields {}, got {}",
                    field_names(fields),
                    kind_of(&document)
                )));
            };
            fields
                .iter()
                .map(|field| {
                    let found = object
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(&field.name))
                        .map(|(_, item)| item);
                    match found {
                        None => Ok(Value::Null),
                        Some(item) => coerce(item, &field.ty)
                            .map_err(|message| FormatError::in_column(&field.name, message)),
                    }
                })
                .collect()
        }
    }
}

fn field_names(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|field| field.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_of(document: &Json) -> String {
    let text = document.to_string();
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short}...")
    } else {
        short
    }
}

fn expected(what: &str, got: &Json) -> String {
    format!("expected {what}, got {}", kind_of(got))
}

/// Converts a JSON node to a column type, coercing as ksqlDB's JSON deserialiser does: numbers
/// convert between numeric types (a 1.5 read as INT is truncated to 1), numeric strings parse,
/// and any scalar reads as a STRING in its text form.
fn coerce(node: &Json, ty: &SqlType) -> Result<Value, String> {
    if node.is_null() {
        return Ok(Value::Null);
    }
    match ty {
        SqlType::Boolean => match node {
            Json::Bool(flag) => Ok(Value::Boolean(*flag)),
            Json::String(text) if text.eq_ignore_ascii_case("true") => Ok(Value::Boolean(true)),
            Json::String(text) if text.eq_ignore_ascii_case("false") => Ok(Value::Boolean(false)),
            other => Err(expected("a boolean", other)),
        },
        SqlType::Int => match node {
            Json::Number(number) => Ok(Value::Int(match number.as_i64() {
                Some(integer) => integer as i32,
                None => number.as_f64().unwrap_or(0.0) as i32,
            })),
            Json::String(text) => text
                .trim()
                .parse::<i32>()
                .map(Value::Int)
                .map_err(|_| expected("an INTEGER", node)),
            other => Err(expected("a number", other)),
        },
        SqlType::BigInt | SqlType::Timestamp | SqlType::Time => {
            let integer = match node {
                Json::Number(number) => match number.as_i64() {
                    Some(integer) => integer,
                    None => number.as_f64().unwrap_or(0.0) as i64,
                },
                Json::String(text) => match ty {
                    SqlType::Timestamp => temporal::parse_timestamp_iso(text)
                        .or_else(|_| text.trim().parse::<i64>().map_err(|_| ()))
                        .map_err(|_| expected("a TIMESTAMP", node))?,
                    SqlType::Time => temporal::parse_time_iso(text)
                        .or_else(|_| text.trim().parse::<i64>().map_err(|_| ()))
                        .map_err(|_| expected("a TIME", node))?,
                    _ => text
                        .trim()
                        .parse::<i64>()
                        .map_err(|_| expected("a BIGINT", node))?,
                },
                other => return Err(expected("a number", other)),
            };
            Ok(match ty {
                SqlType::Timestamp => Value::Timestamp(integer),
                SqlType::Time => Value::Time(integer),
                _ => Value::BigInt(integer),
            })
        }
        SqlType::Date => match node {
            Json::Number(number) => Ok(Value::Date(
                number
                    .as_i64()
                    .map(|days| days as i32)
                    .unwrap_or(number.as_f64().unwrap_or(0.0) as i32),
            )),
            Json::String(text) => temporal::parse_date_iso(text)
                .map(Value::Date)
                .map_err(|_| expected("a DATE", node)),
            other => Err(expected("a number of days", other)),
        },
        SqlType::Double => match node {
            Json::Number(number) => Ok(Value::Double(number.as_f64().unwrap_or(f64::NAN))),
            Json::String(text) => {
                crate::sql::ops::cast(&Value::String(text.clone()), &SqlType::Double)
                    .map_err(|_| expected("a DOUBLE", node))
            }
            other => Err(expected("a number", other)),
        },
        SqlType::Decimal { precision, scale } => {
            let exact = match node {
                // serde_json holds non-integers as f64: read them through Java's shortest text.
                Json::Number(number) => match number.as_i64() {
                    Some(integer) => Some(Decimal::from_i64(integer)),
                    None => number
                        .as_f64()
                        .and_then(|float| Decimal::parse(&java_double_to_string(float))),
                },
                Json::String(text) => Decimal::parse(text.trim()),
                other => return Err(expected("a decimal number", other)),
            };
            let exact = exact.ok_or_else(|| expected("a decimal number", node))?;
            exact
                .fit(*precision, *scale)
                .map(Value::Decimal)
                .ok_or_else(|| format!("{exact} does not fit DECIMAL({precision}, {scale})"))
        }
        SqlType::String => Ok(Value::String(match node {
            Json::String(text) => text.clone(),
            Json::Number(number) => match number.as_f64() {
                Some(float) if !number.is_i64() && !number.is_u64() => java_double_to_string(float),
                _ => number.to_string(),
            },
            other => other.to_string(),
        })),
        SqlType::Bytes => match node {
            Json::String(text) => base64_decode(text)
                .map(Value::Bytes)
                .ok_or_else(|| expected("base64 text", node)),
            other => Err(expected("base64 text", other)),
        },
        SqlType::Array(element_type) => match node {
            Json::Array(items) => items
                .iter()
                .map(|item| coerce(item, element_type))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            other => Err(expected("an array", other)),
        },
        SqlType::Map(key_type, value_type) => match node {
            Json::Object(object) => object
                .iter()
                .map(|(key, item)| {
                    Ok((
                        coerce(&Json::String(key.clone()), key_type)?,
                        coerce(item, value_type)?,
                    ))
                })
                .collect::<Result<_, String>>()
                .map(Value::Map),
            other => Err(expected("an object", other)),
        },
        SqlType::Struct(struct_fields) => match node {
            Json::Object(object) => struct_fields
                .iter()
                .map(|(name, field_type)| {
                    let found = object
                        .iter()
                        .find(|(key, _)| key.eq_ignore_ascii_case(name))
                        .map(|(_, item)| item);
                    Ok((
                        name.clone(),
                        match found {
                            Some(item) => coerce(item, field_type)
                                .map_err(|message| format!("field {name}: {message}"))?,
                            None => Value::Null,
                        },
                    ))
                })
                .collect::<Result<_, String>>()
                .map(Value::Struct),
            other => Err(expected("an object", other)),
        },
    }
}
