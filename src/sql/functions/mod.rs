//! ksqlDB's built-in scalar functions (placeholder, filled below).
use crate::sql::ops::EvalError;
use crate::sql::types::SqlType;
use crate::sql::value::Value;

pub fn call_scalar(name_upper: &str, _args: &[Value]) -> Result<Value, EvalError> {
    Err(EvalError::new(format!("Can't find any functions with the name '{name_upper}'")))
}

pub fn scalar_return_type(name_upper: &str, _arg_types: &[SqlType]) -> Result<SqlType, String> {
    Err(format!("Can't find any functions with the name '{name_upper}'"))
}

pub fn scalar_names() -> Vec<&'static str> {
    Vec::new()
}
