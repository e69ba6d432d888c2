//! `INSERT INTO name [(columns)] VALUES (...)`: writes one record straight to the source's topic.
//!
//! Values are coerced to the column types as ksqlDB does (an INT literal into a BIGINT or DOUBLE
//! column, a DECIMAL literal into a DOUBLE column); `ROWTIME` sets the record timestamp, which
//! otherwise is the current (virtual) time.

use super::{Engine, StatementResult};
use crate::clock::Millis;
use crate::log::{Log, ProducerRecord};
use crate::sql::ast::{Expr, Ident};
use crate::sql::error::{closest_names, SqlError, SqlErrorKind};
use crate::sql::format::{self, display_value};
use crate::sql::ops;
use crate::sql::plan::{ExprCompiler, RowSchema};
use crate::sql::types::SqlType;
use crate::sql::value::Value;
use std::sync::Arc;

impl Engine {
    pub(super) fn insert_values(
        &mut self,
        log: &mut Log,
        now_ms: Millis,
        target: &Ident,
        columns: Option<&[Ident]>,
        values: &[Expr],
    ) -> Result<StatementResult, SqlError> {
        let Some(source) = self.catalog.get(&target.name).cloned() else {
            let error = SqlError::new(
                SqlErrorKind::UnknownSource,
                format!(
                    "Cannot insert values into an unknown stream/table: `{}`",
                    target.name
                ),
            )
            .at(target.span);
            return Err(self.source_hint(error, target));
        };
        let names: Vec<(String, Option<crate::sql::error::Span>)> = match columns {
            Some(columns) => columns.iter().map(|c| (c.name.clone(), c.span)).collect(),
            None => source
                .key_columns
                .iter()
                .chain(source.value_columns.iter())
                .map(|f| (f.name.clone(), None))
                .collect(),
        };
        if names.len() != values.len() {
            return Err(SqlError::invalid(format!(
                "Failed to prepare statement: Expected number columns and values to match: {}, {}",
                names.len(),
                values.len()
            ))
            .at(target.span));
        }
        let empty = RowSchema::empty();
        let compiler = ExprCompiler {
            schema: &empty,
            qualifiers: Vec::new(),
            clause: "VALUES",
        };
        let mut key = vec![Value::Null; source.key_columns.len()];
        let mut value = vec![Value::Null; source.value_columns.len()];
        let mut timestamp = None;
        for ((name, span), expr) in names.iter().zip(values) {
            let at = |e: SqlError| e.at(*span).at(expr.span());
            if name == "ROWPARTITION" || name == "ROWOFFSET" {
                return Err(at(SqlError::invalid(format!(
                    "Inserting into column `{name}` is not allowed."
                ))));
            }
            let (compiled, _) = compiler.compile(expr)?;
            let computed = compiled.eval(&[]).map_err(|e| {
                at(SqlError::execution(format!(
                    "Failed to insert values into '{}'. {}",
                    source.name, e.message
                )))
            })?;
            if name == "ROWTIME" {
                timestamp = match computed {
                    Value::Int(ms) => Some(i64::from(ms)),
                    Value::BigInt(ms) | Value::Timestamp(ms) => Some(ms),
                    Value::Null => None,
                    other => {
                        return Err(at(SqlError::type_error(format!(
                            "ROWTIME must be a BIGINT, not {}",
                            display_value(&other)
                        ))))
                    }
                };
                continue;
            }
            let (slot, ty) = if let Some(idx) =
                source.key_columns.iter().position(|f| f.name == *name)
            {
                (key.get_mut(idx), source.key_columns.get(idx).map(|f| &f.ty))
            } else if let Some(idx) = source.value_columns.iter().position(|f| f.name == *name) {
                (
                    value.get_mut(idx),
                    source.value_columns.get(idx).map(|f| &f.ty),
                )
            } else {
                let all = source
                    .key_columns
                    .iter()
                    .chain(source.value_columns.iter())
                    .map(|f| f.name.as_str());
                let error = SqlError::new(
                    SqlErrorKind::UnknownColumn,
                    format!("Column name `{name}` does not exist."),
                );
                let hint = closest_names(name, all);
                return Err(at(if hint.is_empty() {
                    error
                } else {
                    error.with_hint(format!("did you mean {}?", hint.join(" or ")))
                }));
            };
            if let (Some(slot), Some(ty)) = (slot, ty) {
                *slot = coerce_value(computed, ty).map_err(|message| {
                    at(SqlError::type_error(format!("Failed to insert values into '{}'. Expected type {ty} for field `{name}` but {message}", source.name)))
                })?;
            }
        }
        let key_bytes = if source.key_columns.is_empty() {
            None
        } else {
            format::serialize(&source.key_format, &source.key_columns, &key).map_err(|e| {
                SqlError::execution(format!(
                    "Failed to insert values into '{}'. {e}",
                    source.name
                ))
            })?
        };
        let value_bytes = format::serialize(&source.value_format, &source.value_columns, &value)
            .map_err(|e| {
                SqlError::execution(format!(
                    "Failed to insert values into '{}'. {e}",
                    source.name
                ))
            })?;
        let record = ProducerRecord {
            partition: None,
            key: key_bytes.map(Arc::from),
            value: value_bytes.map(Arc::from),
            timestamp: Some(timestamp.unwrap_or(now_ms)),
            headers: Vec::new(),
        };
        let metadata = log
            .append(&source.topic, record, now_ms)
            .map_err(|e| SqlError::execution(e.to_string()))?;
        Ok(StatementResult::Inserted {
            topic: source.topic.clone(),
            partition: metadata.partition,
            offset: metadata.offset,
        })
    }
}

/// ksqlDB's implicit coercions for INSERT VALUES: numbers widen (INT → BIGINT → DECIMAL →
/// DOUBLE), strings become temporal values, collections and structs coerce element-wise.
fn coerce_value(value: Value, target: &SqlType) -> Result<Value, String> {
    use SqlType as T;
    let widen = |value: &Value| ops::cast(value, target).map_err(|e| e.message);
    match (&value, target) {
        (Value::Null, _) => Ok(Value::Null),
        (Value::Int(_), T::Int | T::BigInt | T::Double | T::Decimal { .. })
        | (Value::BigInt(_), T::BigInt | T::Double | T::Decimal { .. })
        | (Value::Decimal(_), T::Decimal { .. } | T::Double)
        | (Value::String(_), T::Timestamp | T::Date | T::Time) => widen(&value),
        (Value::Double(_), T::Double)
        | (Value::Boolean(_), T::Boolean)
        | (Value::String(_), T::String)
        | (Value::Bytes(_), T::Bytes)
        | (Value::Timestamp(_), T::Timestamp)
        | (Value::Date(_), T::Date)
        | (Value::Time(_), T::Time) => Ok(value),
        (Value::Array(_), T::Array(element)) => match value {
            Value::Array(items) => Ok(Value::Array(
                items
                    .into_iter()
                    .map(|i| coerce_value(i, element))
                    .collect::<Result<_, _>>()?,
            )),
            _ => Err("got a different type".into()),
        },
        (Value::Map(_), T::Map(key_ty, value_ty)) => match value {
            Value::Map(entries) => Ok(Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| Ok((coerce_value(k, key_ty)?, coerce_value(v, value_ty)?)))
                    .collect::<Result<_, String>>()?,
            )),
            _ => Err("got a different type".into()),
        },
        (Value::Struct(_), T::Struct(fields)) => match value {
            Value::Struct(given) => {
                if let Some((unknown, _)) = given
                    .iter()
                    .find(|(name, _)| !fields.iter().any(|(f, _)| f == name))
                {
                    return Err(format!("got a STRUCT with an unknown field `{unknown}`"));
                }
                let mut result = Vec::with_capacity(fields.len());
                for (field, field_ty) in fields {
                    let field_value = given
                        .iter()
                        .find(|(name, _)| name == field)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default();
                    result.push((field.clone(), coerce_value(field_value, field_ty)?));
                }
                Ok(Value::Struct(result))
            }
            _ => Err("got a different type".into()),
        },
        (other, _) => Err(format!("got {}", describe_value(other))),
    }
}

fn describe_value(value: &Value) -> String {
    let ty = match value.scalar_type() {
        Some(ty) => ty.to_string(),
        None => match value {
            Value::Array(_) => "ARRAY".into(),
            Value::Map(_) => "MAP".into(),
            Value::Struct(_) => "STRUCT".into(),
            _ => "NULL".into(),
        },
    };
    format!("{ty} ({})", display_value(value))
}
