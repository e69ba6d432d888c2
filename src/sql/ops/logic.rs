//! SQL's three-valued logic: TRUE, FALSE and NULL (unknown).

use super::EvalError;
use crate::sql::value::Value;

fn as_bool(value: &Value, operator: &str) -> Result<Option<bool>, EvalError> {
    match value {
        Value::Null => Ok(None),
        Value::Boolean(flag) => Ok(Some(*flag)),
        other => Err(EvalError::new(format!(
            "{operator} expects BOOLEAN operands, got {other:?}"
        ))),
    }
}

/// FALSE wins over NULL: `NULL AND FALSE` is FALSE, `NULL AND TRUE` is NULL.
pub fn and(left: &Value, right: &Value) -> Result<Value, EvalError> {
    Ok(match (as_bool(left, "AND")?, as_bool(right, "AND")?) {
        (Some(false), _) | (_, Some(false)) => Value::Boolean(false),
        (Some(true), Some(true)) => Value::Boolean(true),
        _ => Value::Null,
    })
}

/// TRUE wins over NULL: `NULL OR TRUE` is TRUE, `NULL OR FALSE` is NULL.
pub fn or(left: &Value, right: &Value) -> Result<Value, EvalError> {
    Ok(match (as_bool(left, "OR")?, as_bool(right, "OR")?) {
        (Some(true), _) | (_, Some(true)) => Value::Boolean(true),
        (Some(false), Some(false)) => Value::Boolean(false),
        _ => Value::Null,
    })
}

/// `NOT NULL` is NULL.
pub fn not(value: &Value) -> Result<Value, EvalError> {
    Ok(match as_bool(value, "NOT")? {
        Some(flag) => Value::Boolean(!flag),
        None => Value::Null,
    })
}
