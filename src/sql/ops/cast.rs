//! CAST between SQL types, as ksqlDB's `CastEvaluator` does it.

use super::{temporal, EvalError};
use crate::sql::format::java_double_to_string;
use crate::sql::types::SqlType;
use crate::sql::value::{Decimal, Value};

fn is_numeric(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Int | SqlType::BigInt | SqlType::Double | SqlType::Decimal { .. }
    )
}

/// Whether `CAST(x AS to)` is allowed for an `x` of type `from` (a planning-time check).
pub fn can_cast(from: &SqlType, to: &SqlType) -> bool {
    use SqlType as T;
    if from == to || *to == T::String {
        return true;
    }
    match (from, to) {
        (f, t) if is_numeric(f) && is_numeric(t) => true,
        (T::String, t) => {
            is_numeric(t) || matches!(t, T::Boolean | T::Timestamp | T::Date | T::Time)
        }
        (T::Timestamp, T::Date | T::Time) | (T::Date, T::Timestamp) => true,
        (T::Array(f), T::Array(t)) => can_cast(f, t),
        (T::Map(fk, fv), T::Map(tk, tv)) => can_cast(fk, tk) && can_cast(fv, tv),
        (T::Struct(f), T::Struct(t)) => {
            t.iter().all(
                |(name, t_ty)| match f.iter().find(|(f_name, _)| f_name == name) {
                    Some((_, f_ty)) => can_cast(f_ty, t_ty),
                    None => true,
                },
            )
        }
        _ => false,
    }
}

fn cast_error(value: &Value, to: &SqlType, detail: &str) -> EvalError {
    EvalError::new(format!(
        "Cannot cast {} to {to}: {detail}",
        super::super::format::display_value(value)
    ))
}

/// Casts a value, as ksqlDB does: NULL stays NULL; numbers narrow by truncation (Java's `(int)`),
/// DECIMAL targets round HALF_UP and fail when the digits do not fit; strings are trimmed and
/// parsed; anything casts to STRING in ksqlDB's text form.
pub fn cast(value: &Value, to: &SqlType) -> Result<Value, EvalError> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    match to {
        SqlType::String => Ok(Value::String(value_to_java_string(value).into())),
        SqlType::Boolean => match value {
            Value::Boolean(flag) => Ok(Value::Boolean(*flag)),
            // ksqlDB's SqlBooleans: true/t/yes/y (any case) are TRUE, anything else FALSE.
            Value::String(text) => {
                let lower = text.trim().to_ascii_lowercase();
                Ok(Value::Boolean(matches!(
                    lower.as_str(),
                    "true" | "t" | "yes" | "y"
                )))
            }
            other => Err(cast_error(other, to, "not a BOOLEAN")),
        },
        SqlType::Int => match value {
            Value::Int(number) => Ok(Value::Int(*number)),
            Value::BigInt(number) => Ok(Value::Int(*number as i32)),
            Value::Double(number) => Ok(Value::Int(*number as i32)),
            Value::Decimal(decimal) => Ok(Value::Int(decimal.trunc_to_i128() as i32)),
            Value::String(text) => text
                .trim()
                .parse::<i32>()
                .map(Value::Int)
                .map_err(|_| cast_error(value, to, "not an INTEGER")),
            other => Err(cast_error(other, to, "not a number")),
        },
        SqlType::BigInt => match value {
            Value::Int(number) => Ok(Value::BigInt(i64::from(*number))),
            Value::BigInt(number) => Ok(Value::BigInt(*number)),
            Value::Double(number) => Ok(Value::BigInt(*number as i64)),
            Value::Decimal(decimal) => Ok(Value::BigInt(decimal.trunc_to_i128() as i64)),
            Value::String(text) => text
                .trim()
                .parse::<i64>()
                .map(Value::BigInt)
                .map_err(|_| cast_error(value, to, "not a BIGINT")),
            other => Err(cast_error(other, to, "not a number")),
        },
        SqlType::Double => match value {
            Value::Int(number) => Ok(Value::Double(f64::from(*number))),
            Value::BigInt(number) => Ok(Value::Double(*number as f64)),
            Value::Double(number) => Ok(Value::Double(*number)),
            Value::Decimal(decimal) => Ok(Value::Double(decimal.to_f64())),
            Value::String(text) => parse_java_double(text.trim())
                .map(Value::Double)
                .ok_or_else(|| cast_error(value, to, "not a DOUBLE")),
            other => Err(cast_error(other, to, "not a number")),
        },
        SqlType::Decimal { precision, scale } => {
            let exact = match value {
                Value::Int(number) => Decimal::from_i64(i64::from(*number)),
                Value::BigInt(number) => Decimal::from_i64(*number),
                // Via Java's shortest decimal text, as `BigDecimal.valueOf(double)`.
                Value::Double(number) if number.is_finite() => {
                    Decimal::parse(&java_double_to_string(*number))
                        .ok_or_else(|| cast_error(value, to, "out of range"))?
                }
                Value::Decimal(decimal) => Decimal::clone(decimal),
                Value::String(text) => Decimal::parse(text.trim())
                    .ok_or_else(|| cast_error(value, to, "not a DECIMAL"))?,
                other => return Err(cast_error(other, to, "not a number")),
            };
            exact
                .fit(*precision, *scale)
                .map(Value::decimal)
                .ok_or_else(|| {
                    cast_error(
                        value,
                        to,
                        &format!("it does not fit DECIMAL({precision}, {scale})"),
                    )
                })
        }
        SqlType::Timestamp => match value {
            Value::Timestamp(millis) => Ok(Value::Timestamp(*millis)),
            Value::Date(days) => Ok(Value::Timestamp(temporal::date_to_timestamp(*days))),
            Value::String(text) => temporal::parse_timestamp_iso(text).map(Value::Timestamp),
            other => Err(cast_error(other, to, "not a TIMESTAMP")),
        },
        SqlType::Date => match value {
            Value::Date(days) => Ok(Value::Date(*days)),
            Value::Timestamp(millis) => Ok(Value::Date(temporal::timestamp_to_date(*millis))),
            Value::String(text) => temporal::parse_date_iso(text).map(Value::Date),
            other => Err(cast_error(other, to, "not a DATE")),
        },
        SqlType::Time => match value {
            Value::Time(millis) => Ok(Value::Time(*millis)),
            Value::Timestamp(millis) => Ok(Value::Time(temporal::timestamp_to_time(*millis))),
            Value::String(text) => temporal::parse_time_iso(text).map(Value::Time),
            other => Err(cast_error(other, to, "not a TIME")),
        },
        SqlType::Bytes => match value {
            Value::Bytes(bytes) => Ok(Value::Bytes(bytes.clone())),
            other => Err(cast_error(other, to, "only BYTES cast to BYTES")),
        },
        SqlType::Array(element_type) => match value {
            Value::Array(items) => items
                .iter()
                .map(|item| cast(item, element_type))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            other => Err(cast_error(other, to, "not an ARRAY")),
        },
        SqlType::Map(key_type, value_type) => match value {
            Value::Map(entries) => entries
                .iter()
                .map(|(key, item)| Ok((cast(key, key_type)?, cast(item, value_type)?)))
                .collect::<Result<_, EvalError>>()
                .map(Value::Map),
            other => Err(cast_error(other, to, "not a MAP")),
        },
        SqlType::Struct(fields) => match value {
            Value::Struct(source_fields) => fields
                .iter()
                .map(|(name, field_type)| {
                    let source = source_fields
                        .iter()
                        .find(|(source_name, _)| source_name == name)
                        .map(|(_, item)| item);
                    Ok((
                        name.clone(),
                        cast(source.unwrap_or(&Value::Null), field_type)?,
                    ))
                })
                .collect::<Result<_, EvalError>>()
                .map(Value::Struct),
            other => Err(cast_error(other, to, "not a STRUCT")),
        },
    }
}

/// Java's `Double.parseDouble`: decimal or exponent forms, optional trailing `d`/`f`,
/// `NaN`, `Infinity`, and hexadecimal floats are not supported.
pub fn parse_java_double(text: &str) -> Option<f64> {
    let body = text.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(text);
    match body {
        "NaN" => return Some(f64::NAN),
        "Infinity" | "+Infinity" => return Some(f64::INFINITY),
        "-Infinity" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    let valid = !body.is_empty()
        && body
            .bytes()
            .all(|byte| byte.is_ascii_digit() || matches!(byte, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !valid {
        return None;
    }
    body.parse::<f64>().ok()
}

/// A value as ksqlDB turns it into a STRING (CAST, CONCAT of non-strings, DELIMITED fields):
/// Java's `toString` forms, `toPlainString` for decimals, ISO forms in UTC for temporal types,
/// `[a, b]` for arrays, `{k=v}` for maps, `Struct{A=1}` for structs.
pub fn value_to_java_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Boolean(flag) => flag.to_string(),
        Value::Int(number) => number.to_string(),
        Value::BigInt(number) => number.to_string(),
        Value::Double(number) => java_double_to_string(*number),
        Value::Decimal(decimal) => decimal.to_plain_string(),
        Value::String(text) => text.to_string(),
        Value::Bytes(bytes) => crate::sql::format::base64_encode(bytes),
        Value::Timestamp(millis) => temporal::format_timestamp_iso(*millis),
        Value::Date(days) => temporal::format_date_iso(*days),
        Value::Time(millis) => temporal::format_time_iso(*millis),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(value_to_java_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(key, item)| format!(
                    "{}={}",
                    value_to_java_string(key),
                    value_to_java_string(item)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Struct(fields) => format!(
            "Struct{{{}}}",
            fields
                .iter()
                .filter(|(_, item)| !item.is_null())
                .map(|(name, item)| format!("{name}={}", value_to_java_string(item)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}
