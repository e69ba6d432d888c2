//! The projection: computes the output columns of each row, keys first, then values.
//!
//! An expression that fails for one row (division by zero, a bad CAST) yields NULL, as in
//! ksqlDB, and is logged.
//!
//! A column selected as is and used by no other expression of the projection is *moved* out of
//! the input row rather than copied: the row is consumed anyway.

use super::{Operator, ProcessingLog, Row};
use crate::sql::plan::CompiledExpr;
use crate::sql::value::{clear_values, Value};

#[derive(Debug)]
pub struct Project {
    key_exprs: Vec<CompiledExpr>,
    value_exprs: Vec<(String, CompiledExpr)>,
    /// Per output column (keys, then values): the input position to move, when the column is
    /// a plain column read by nothing else.
    moves: Vec<Option<usize>>,
    /// The buffer the next output row is built in: the previous input row's, so that a row
    /// costs no allocation here.
    spare: Vec<Value>,
}

impl Project {
    pub fn new(key_exprs: Vec<CompiledExpr>, value_exprs: Vec<(String, CompiledExpr)>) -> Project {
        let all = || key_exprs.iter().chain(value_exprs.iter().map(|(_, e)| e));
        let mut uses: Vec<usize> = Vec::new();
        let known = all().all(|expr| count_column_uses(expr, &mut uses));
        let moves = all()
            .map(|expr| match expr {
                CompiledExpr::Column(idx) if known && uses.get(*idx) == Some(&1) => Some(*idx),
                _ => None,
            })
            .collect();
        Project {
            key_exprs,
            value_exprs,
            moves,
            spare: Vec::new(),
        }
    }
}

/// Adds the columns `expr` reads to `uses` (a count per position); false when the expression
/// holds a kind this walk does not know (then nothing is moved).
pub(crate) fn count_column_uses(expr: &CompiledExpr, uses: &mut Vec<usize>) -> bool {
    let mut all = |exprs: &mut dyn Iterator<Item = &CompiledExpr>| {
        let mut known = true;
        for e in exprs {
            known &= count_column_uses(e, uses);
        }
        known
    };
    match expr {
        CompiledExpr::Column(idx) => {
            if uses.len() <= *idx {
                uses.resize(idx + 1, 0);
            }
            if let Some(count) = uses.get_mut(*idx) {
                *count += 1;
            }
            true
        }
        CompiledExpr::Literal(_) => true,
        CompiledExpr::Binary { left, right, .. }
        | CompiledExpr::And(left, right)
        | CompiledExpr::Or(left, right)
        | CompiledExpr::IsDistinctFrom { left, right, .. } => {
            all(&mut [left.as_ref(), right.as_ref()].into_iter())
        }
        CompiledExpr::Not(inner)
        | CompiledExpr::Negate(inner)
        | CompiledExpr::IsNull { expr: inner, .. }
        | CompiledExpr::Cast { expr: inner, .. } => all(&mut std::iter::once(inner.as_ref())),
        CompiledExpr::Like { expr, pattern, .. } => {
            all(&mut [expr.as_ref(), pattern.as_ref()].into_iter())
        }
        CompiledExpr::Between {
            expr, low, high, ..
        } => all(&mut [expr.as_ref(), low.as_ref(), high.as_ref()].into_iter()),
        CompiledExpr::InList { expr, list, .. } => {
            all(&mut std::iter::once(expr.as_ref()).chain(list.iter()))
        }
        CompiledExpr::Case {
            branches,
            else_result,
        } => all(
            &mut branches
                .iter()
                .flat_map(|(condition, result)| [condition, result])
                .chain(else_result.as_deref()),
        ),
        CompiledExpr::Function { args, .. } | CompiledExpr::Array(args) => {
            all(&mut args.iter())
        }
        // Struct and map building, subscripts and dereferences (rare in a projection), and any
        // kind added later: be safe, move nothing.
        _ => false,
    }
}

/// One output column: moved out of the row when allowed, else evaluated.
fn take_or_eval(
    moved: Option<usize>,
    expr: &CompiledExpr,
    values: &mut [Value],
) -> Result<Value, crate::sql::ops::EvalError> {
    match moved.and_then(|idx| values.get_mut(idx)) {
        Some(value) => Ok(std::mem::replace(value, Value::Null)),
        None => expr.eval(values),
    }
}

impl Operator for Project {
    fn process(&mut self, mut row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) {
        let n_keys = self.key_exprs.len();
        let mut values = std::mem::take(&mut self.spare);
        clear_values(&mut values);
        values.reserve(n_keys + self.value_exprs.len() + 3);
        let mut moves = self.moves.iter().copied();
        for expr in &self.key_exprs {
            let moved = moves.next().flatten();
            values.push(take_or_eval(moved, expr, &mut row.values).unwrap_or_default());
        }
        for (name, expr) in &self.value_exprs {
            let moved = moves.next().flatten();
            if row.tombstone {
                values.push(Value::Null);
                continue;
            }
            match take_or_eval(moved, expr, &mut row.values) {
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
        let input = std::mem::replace(&mut row.values, values);
        self.spare = input;
        clear_values(&mut self.spare);
        out.push(Row { n_keys, ..row });
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
