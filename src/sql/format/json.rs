//! The JSON format, written as ksqlDB's Jackson-based serialiser writes it.

use serde_json::Value as Json;

use std::fmt;

use super::java_double::write_java_double;
use super::{base64_decode, base64_encode, java_double_to_string, Field, FormatError, FormatSpec};
use crate::sql::ops::temporal;
use crate::sql::types::SqlType;
use crate::sql::value::{Decimal, Value};

pub fn serialize(spec: &FormatSpec, fields: &[Field], values: &[Value]) -> Option<Vec<u8>> {
    let mut out = String::new();
    serialize_into(spec, fields, values, &mut out).then(|| out.into_bytes())
}

/// Appends the JSON text of a row to `out` (which the caller may reuse between records);
/// false for a null record (an unwrapped single NULL), with nothing appended.
pub fn serialize_into(spec: &FormatSpec, fields: &[Field], values: &[Value], out: &mut String) -> bool {
    match (fields, values) {
        ([_], [value]) if !spec.wrap_single => {
            if value.is_null() {
                return false;
            }
            write_json(value, out);
        }
        _ => {
            out.push('{');
            for (field_idx, (field, value)) in fields.iter().zip(values).enumerate() {
                if field_idx > 0 {
                    out.push(',');
                }
                write_json_string(&field.name, out);
                out.push(':');
                write_json(value, out);
            }
            out.push('}');
        }
    }
    true
}

/// Escapes as Jackson does: the short forms `\" \\ \n \r \t \b \f`, `\u00XX` for other control
/// characters, everything else (including non-ASCII and `/`) as is. Runs of plain text are
/// copied at once.
fn write_json_string(text: &str, out: &mut String) {
    out.push('"');
    let mut plain_from = 0;
    for (idx, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `idx` is an ASCII byte, hence a char boundary.
        out.push_str(text.get(plain_from..idx).unwrap_or(""));
        if escape.is_empty() {
            let _ = fmt::write(out, format_args!("\\u{byte:04X}"));
        } else {
            out.push_str(escape);
        }
        plain_from = idx + 1;
    }
    out.push_str(text.get(plain_from..).unwrap_or(""));
    out.push('"');
}

/// Appends a value's JSON text: doubles as Java prints them (`1.0`, `1.0E10`, and the strings
/// `"NaN"`/`"Infinity"`), decimals exactly with their scale, BYTES in base64, TIMESTAMP as epoch
/// millis, DATE as epoch days, TIME as millis of the day.
pub fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Boolean(flag) => out.push_str(if *flag { "true" } else { "false" }),
        // Integers through `itoa`: an aggregate writes a COUNT per update, and `core::fmt`
        // cost several times as much (in wasm above all).
        Value::Int(number) | Value::Date(number) => out.push_str(itoa::Buffer::new().format(*number)),
        Value::BigInt(number) | Value::Timestamp(number) | Value::Time(number) => {
            out.push_str(itoa::Buffer::new().format(*number))
        }
        Value::Double(number) if number.is_finite() => write_java_double(*number, out),
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
        Value::String(text) => Json::String(text.to_string()),
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
    match fields {
        [] => {}
        [field] if !spec.wrap_single => {
            let document: Json = serde_json::from_slice(bytes)
                .map_err(|error| FormatError::new(format!("invalid JSON: {error}")))?;
            return Ok(vec![coerce_owned(document, &field.ty)
                .map_err(|message| FormatError::in_column(&field.name, message))?]);
        }
        _ => {
            // The hot paths: a flat object of plain scalars read byte by byte (`json_flat`),
            // else stream the object straight into the columns. Anything unusual
            // (invalid JSON, not an object, a value that does not convert) takes the slow path
            // below, which alone writes the error messages.
            let mut values = Vec::with_capacity(fields.len());
            if super::json_flat::deserialize_flat(fields, bytes, &mut values).is_some() {
                return Ok(values);
            }
            if let Some(values) = streaming::deserialize_object(fields, bytes) {
                return Ok(values);
            }
        }
    }
    deserialize_via_tree(spec, fields, bytes)
}

/// The reference decoder: the whole document as a `serde_json::Value` tree, then each column
/// looked up in it. The streaming decoder must give the same rows.
pub(super) fn deserialize_via_tree(
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

/// Reads a JSON object into columns without building a tree of the whole document: each key is
/// matched against the column names (ignoring ASCII case) as it is read, the values of unknown
/// keys are skipped, and only a column's own value becomes a `serde_json::Value` (a scalar,
/// usually, so no allocation but a string's).
///
/// It reproduces the tree decoder exactly, duplicate keys included: the tree keeps the last
/// value of a repeated key at the place of its first appearance, and a column takes the first
/// key (in document order) that matches its name.
pub(super) mod streaming {
    use super::{coerce_owned, Field, Json};
    use crate::sql::value::Value;
    use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::borrow::Cow;
    use std::fmt;

    /// `None` when the slow path must decide (any error, or a shape it does not expect).
    pub(in crate::sql::format) fn deserialize_object(fields: &[Field], bytes: &[u8]) -> Option<Vec<Value>> {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let slots = ObjectSeed { fields }.deserialize(&mut deserializer).ok()?;
        deserializer.end().ok()?;
        let mut values = Vec::with_capacity(fields.len() + 3);
        for (field, slot) in fields.iter().zip(slots) {
            values.push(match slot {
                None => Value::Null,
                Some((_, node)) => coerce_owned(node, &field.ty).ok()?,
            });
        }
        Some(values)
    }

    /// Per column: the key that supplied it and its value.
    type Slot<'de> = Option<(Cow<'de, str>, Json)>;

    struct ObjectSeed<'f> {
        fields: &'f [Field],
    }

    impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
        type Value = Vec<Slot<'de>>;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_map(self)
        }
    }

    /// Does this key fill (or refill) the column? The first matching key wins; the same key
    /// again replaces the value, as a map insert would.
    fn takes(slot: &Slot<'_>, field: &Field, key: &str) -> bool {
        field.name.eq_ignore_ascii_case(key)
            && match slot {
                None => true,
                Some((first_key, _)) => first_key.as_ref() == key,
            }
    }

    impl<'de> Visitor<'de> for ObjectSeed<'_> {
        type Value = Vec<Slot<'de>>;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut slots: Vec<Slot<'de>> = self.fields.iter().map(|_| None).collect();
            while let Some(KeyText(key)) = map.next_key::<KeyText<'de>>()? {
                let n_takers = self
                    .fields
                    .iter()
                    .zip(&slots)
                    .filter(|(field, slot)| takes(slot, field, &key))
                    .count();
                if n_takers == 0 {
                    map.next_value::<Skip>()?;
                    continue;
                }
                let node: Json = map.next_value()?;
                // Columns whose names differ only in case share the value: clone for all but
                // the last.
                let mut remaining = n_takers;
                let mut node = Some(node);
                for (field, slot) in self.fields.iter().zip(slots.iter_mut()) {
                    if takes(slot, field, &key) {
                        remaining -= 1;
                        let value = if remaining == 0 { node.take() } else { node.clone() };
                        if let Some(value) = value {
                            *slot = Some((key.clone(), value));
                        }
                    }
                }
            }
            Ok(slots)
        }
    }

    /// An object key, borrowed from the input unless it holds escapes.
    struct KeyText<'de>(Cow<'de, str>);

    impl<'de> de::Deserialize<'de> for KeyText<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_str(KeyVisitor)
        }
    }

    struct KeyVisitor;

    impl<'de> Visitor<'de> for KeyVisitor {
        type Value = KeyText<'de>;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a key")
        }

        fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
            Ok(KeyText(Cow::Borrowed(text)))
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
            Ok(KeyText(Cow::Owned(text.to_string())))
        }

        fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
            Ok(KeyText(Cow::Owned(text)))
        }
    }

    /// Skips a value. Unlike `serde::de::IgnoredAny` (which serde_json skips without a depth
    /// limit) it goes through `deserialize_any`, so nesting deeper than serde_json's recursion
    /// limit fails here exactly as it fails when building the tree.
    struct Skip;

    impl<'de> de::Deserialize<'de> for Skip {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(SkipVisitor)
        }
    }

    struct SkipVisitor;

    impl<'de> Visitor<'de> for SkipVisitor {
        type Value = Skip;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("any JSON value")
        }

        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
            Ok(Skip)
        }

        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
            Ok(Skip)
        }

        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
            Ok(Skip)
        }

        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
            Ok(Skip)
        }

        fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
            Ok(Skip)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
            Ok(Skip)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
            while seq.next_element::<Skip>()?.is_some() {}
            Ok(Skip)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
            // Keys as strings, as the tree reads them.
            while map.next_key::<KeyText<'de>>()?.is_some() {
                map.next_value::<Skip>()?;
            }
            Ok(Skip)
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

/// [`coerce`] taking the node, so that a string moves into a STRING column without a copy.
fn coerce_owned(node: Json, ty: &SqlType) -> Result<Value, String> {
    match (node, ty) {
        (Json::String(text), SqlType::String) => Ok(Value::String(text.into())),
        (node, ty) => coerce(&node, ty),
    }
}

/// Converts a JSON node to a column type, coercing as ksqlDB's JSON deserialiser does: numbers
/// convert between numeric types (a 1.5 read as INT is truncated to 1), numeric strings parse,
/// and any scalar reads as a STRING in its text form.
pub(super) fn coerce(node: &Json, ty: &SqlType) -> Result<Value, String> {
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
                crate::sql::ops::cast(&Value::String(text.as_str().into()), &SqlType::Double)
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
                .map(Value::decimal)
                .ok_or_else(|| format!("{exact} does not fit DECIMAL({precision}, {scale})"))
        }
        SqlType::String => Ok(Value::String(match node {
            Json::String(text) => text.as_str().into(),
            Json::Number(number) => match number.as_f64() {
                Some(float) if !number.is_i64() && !number.is_u64() => java_double_to_string(float).into(),
                _ => number.to_string().into(),
            },
            other => other.to_string().into(),
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
