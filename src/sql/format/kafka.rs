//! The KAFKA format: Kafka's built-in serialisers for one primitive column.

use super::{Field, FormatError};
use std::borrow::Cow;
use crate::sql::types::SqlType;
use crate::sql::value::Value;

pub fn serialize(fields: &[Field], values: &[Value]) -> Result<Option<Vec<u8>>, FormatError> {
    Ok(encode(fields, values)?.map(Cow::into_owned))
}

/// The bytes of the one column, borrowed from the value when it holds them (STRING, BYTES), so
/// that a shared record part is allocated once.
pub fn encode<'v>(fields: &[Field], values: &'v [Value]) -> Result<Option<Cow<'v, [u8]>>, FormatError> {
    let (field, value) = match (fields, values) {
        ([], _) => return Ok(None),
        ([field], [value]) => (field, value),
        _ => {
            return Err(FormatError::new(format!(
                "The 'KAFKA' format only supports a single field, got {}",
                fields.len()
            )))
        }
    };
    let bytes = match (&field.ty, value) {
        (_, Value::Null) => return Ok(None),
        (SqlType::Int, Value::Int(number)) => Cow::Owned(number.to_be_bytes().to_vec()),
        (SqlType::BigInt, Value::BigInt(number)) => Cow::Owned(number.to_be_bytes().to_vec()),
        (SqlType::BigInt, Value::Int(number)) => Cow::Owned(i64::from(*number).to_be_bytes().to_vec()),
        (SqlType::Double, Value::Double(number)) => Cow::Owned(number.to_be_bytes().to_vec()),
        (SqlType::String, Value::String(text)) => Cow::Borrowed(text.as_bytes()),
        (SqlType::Bytes, Value::Bytes(bytes)) => Cow::Borrowed(bytes.as_slice()),
        (ty, other) => {
            return Err(FormatError::in_column(
                &field.name,
                format!("the KAFKA format cannot write {other:?} as {ty}"),
            ));
        }
    };
    Ok(Some(bytes))
}

pub fn deserialize(fields: &[Field], bytes: &[u8]) -> Result<Vec<Value>, FormatError> {
    match fields {
        [] => Ok(Vec::new()),
        [field] => Ok(vec![deserialize_one(field, bytes)?]),
        _ => Err(FormatError::new(format!(
            "The 'KAFKA' format only supports a single field, got {}",
            fields.len()
        ))),
    }
}

/// The value of the one column `field` (what [`deserialize`] returns, without its `Vec`).
pub fn deserialize_one(field: &Field, bytes: &[u8]) -> Result<Value, FormatError> {
    let size_error = |expected: usize, name: &str| {
        FormatError::in_column(
            &field.name,
            format!(
                "Size of data received by {name}Deserializer is not {expected} (got {} bytes)",
                bytes.len()
            ),
        )
    };
    Ok(match &field.ty {
        SqlType::Int => Value::Int(i32::from_be_bytes(
            bytes.try_into().map_err(|_| size_error(4, "Integer"))?,
        )),
        SqlType::BigInt => Value::BigInt(i64::from_be_bytes(
            bytes.try_into().map_err(|_| size_error(8, "Long"))?,
        )),
        SqlType::Double => Value::Double(f64::from_be_bytes(
            bytes.try_into().map_err(|_| size_error(8, "Double"))?,
        )),
        // Kafka's StringDeserializer replaces invalid UTF-8, as Java's `new String(bytes, UTF_8)`.
        // Borrowed when valid, and copied once into the value (inline when short).
        SqlType::String => Value::String(String::from_utf8_lossy(bytes).as_ref().into()),
        SqlType::Bytes => Value::Bytes(bytes.to_vec()),
        other => {
            return Err(FormatError::in_column(
                &field.name,
                format!("The 'KAFKA' format does not support type {other}"),
            ))
        }
    })
}
