//! The projection: computes the output columns of each row, keys first, then values.
//!
//! An expression that fails for one row (division by zero, a bad CAST) yields NULL, as in
//! ksqlDB, and is logged.

use super::{Operator, ProcessingLog, Row};
use crate::sql::plan::CompiledExpr;
use crate::sql::value::Value;

#[derive(Debug)]
pub struct Project {
    pub key_exprs: Vec<CompiledExpr>,
    pub value_exprs: Vec<(String, CompiledExpr)>,
}

impl Operator for Project {
    fn process(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) {
        let mut values = Vec::with_capacity(self.key_exprs.len() + self.value_exprs.len() + 3);
        for expr in &self.key_exprs {
            values.push(expr.eval(&row.values).unwrap_or(Value::Null));
        }
        for (name, expr) in &self.value_exprs {
            if row.tombstone {
                values.push(Value::Null);
                continue;
            }
            match expr.eval(&row.values) {
                Ok(value) => values.push(value),
                Err(error) => {
                    log.record(format!(
                        "Error computing column {name} at offset {}: {}",
                        row.offset, error.message
                    ));
                    values.push(Value::Null);
                }
            }
        }
        values.push(Value::BigInt(row.timestamp));
        values.push(Value::Int(i32::try_from(row.partition).unwrap_or(i32::MAX)));
        values.push(Value::BigInt(i64::try_from(row.offset).unwrap_or(i64::MAX)));
        out.push(Row {
            values,
            n_keys: self.key_exprs.len(),
            ..row
        });
    }

    fn describe(&self) -> String {
        let names: Vec<&str> = self
            .value_exprs
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        format!(
            "Project ({} key column(s); values: {})",
            self.key_exprs.len(),
            names.join(", ")
        )
    }
}
