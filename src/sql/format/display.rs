//! How the ksqlDB CLI shows a value in a result table.

use super::{base64_encode, java_double_to_string};
use crate::sql::ops::temporal;
use crate::sql::value::Value;

/// The CLI receives rows as JSON from the REST API and prints each column with Java's
/// `toString`: strings bare, NULL as `null`, doubles as Java prints them, TIMESTAMP/DATE/TIME
/// in ISO form, arrays `[1, 2]`, maps and structs `{A=1, B=x}`.
pub fn display_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Boolean(flag) => flag.to_string(),
        Value::Int(number) => number.to_string(),
        Value::BigInt(number) => number.to_string(),
        Value::Double(number) => java_double_to_string(*number),
        Value::Decimal(decimal) => decimal.to_plain_string(),
        Value::String(text) => text.to_string(),
        Value::Bytes(bytes) => base64_encode(bytes),
        Value::Timestamp(millis) => temporal::format_timestamp_iso(*millis),
        Value::Date(days) => temporal::format_date_iso(*days),
        Value::Time(millis) => temporal::format_time_iso(*millis),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(display_value)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(key, item)| format!("{}={}", display_value(key), display_value(item)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Struct(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(name, item)| format!("{name}={}", display_value(item)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
