//! `WHERE`: keeps the rows whose predicate is TRUE (NULL and errors count as false).
//!
//! On a stream a failing row is simply dropped. On a table, Kafka Streams' `KTable.filter`
//! forwards a tombstone instead, so that a downstream table forgets a key whose new value no
//! longer passes; ksqlDB does the same.

use super::{Operator, ProcessingLog, Row, RowPool};
use crate::sql::plan::CompiledExpr;

#[derive(Debug)]
pub struct Filter {
    pub predicate: CompiledExpr,
    /// True when filtering a table's changelog: failing rows become tombstones.
    pub on_table: bool,
}

impl Filter {
    /// Pushes the row to `out` if it passes (or, on a table, as a tombstone); else returns it.
    fn filter(&self, mut row: Row, out: &mut Vec<Row>) -> Option<Row> {
        if row.tombstone {
            if self.on_table {
                out.push(row);
                return None;
            }
            return Some(row);
        }
        if self.predicate.is_true(&row.values) {
            out.push(row);
        } else if self.on_table {
            row.tombstone = true;
            out.push(row);
        } else {
            return Some(row);
        }
        None
    }
}

impl Operator for Filter {
    fn process(&mut self, row: Row, out: &mut Vec<Row>, _log: &mut ProcessingLog) {
        self.filter(row, out);
    }

    fn process_pooled(&mut self, row: Row, out: &mut Vec<Row>, _log: &mut ProcessingLog, pool: &mut RowPool) {
        if let Some(dropped) = self.filter(row, out) {
            pool.put(dropped.values);
        }
    }

    fn describe(&self) -> String {
        "Filter (WHERE)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Filter;
    use crate::sql::operators::{Operator, ProcessingLog, Row, RowPool};
    use crate::sql::ops::BinaryOp;
    use crate::sql::plan::CompiledExpr;
    use crate::sql::value::Value;

    /// `amount > 50` over rows (key, amount, pseudo-columns).
    fn amount_above_50(on_table: bool) -> Filter {
        Filter {
            predicate: CompiledExpr::Binary {
                op: BinaryOp::Gt,
                left: Box::new(CompiledExpr::Column(1)),
                right: Box::new(CompiledExpr::Literal(Value::Int(50))),
                result_type: None,
            },
            on_table,
        }
    }

    fn row(amount: i32) -> Row {
        Row::keyed_for_test(vec![Value::String("k".into()), Value::Int(amount)], 0, 0)
    }

    /// A stream's dropped row gives its buffer to the pool, which hands that very buffer out
    /// again (emptied); a passing row is not pooled.
    #[test]
    fn dropped_rows_refill_the_pool() {
        let (mut filter, mut log, mut pool) = (amount_above_50(false), ProcessingLog::default(), RowPool::default());
        let mut out = Vec::new();
        let dropped = row(10);
        let buffer = dropped.values.as_ptr();
        filter.process_pooled(dropped, &mut out, &mut log, &mut pool);
        filter.process_pooled(row(60), &mut out, &mut log, &mut pool);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].values[1], Value::Int(60));
        assert_eq!(pool.len(), 1);
        let reused = pool.take(3);
        assert!(reused.is_empty());
        assert_eq!(reused.as_ptr(), buffer, "the dropped row's buffer");
        assert!(pool.is_empty());
    }

    /// On a table, a failing row travels on as a tombstone: nothing is pooled.
    #[test]
    fn a_table_keeps_failing_rows_as_tombstones() {
        let (mut filter, mut log, mut pool) = (amount_above_50(true), ProcessingLog::default(), RowPool::default());
        let mut out = Vec::new();
        filter.process_pooled(row(10), &mut out, &mut log, &mut pool);
        assert_eq!(out.len(), 1);
        assert!(out[0].tombstone);
        assert!(pool.is_empty());
    }

    /// A predicate keeps exactly the rows its evaluation finds TRUE (NULL and errors drop them),
    /// over AND, comparisons with NULLs and mismatched types, and non-BOOLEAN operands.
    #[test]
    fn a_predicate_keeps_the_rows_it_evaluates_true() {
        let literal = |value: Value| CompiledExpr::Literal(value);
        let above_5 = CompiledExpr::Binary {
            op: BinaryOp::Gt,
            left: Box::new(CompiledExpr::Column(0)),
            right: Box::new(literal(Value::Int(5))),
            result_type: None,
        };
        let leaves = vec![
            literal(Value::Boolean(true)),
            literal(Value::Boolean(false)),
            literal(Value::Null),
            literal(Value::Int(1)),
            above_5,
        ];
        let mut predicates = leaves.clone();
        for left in &leaves {
            for right in &leaves {
                let and = CompiledExpr::And(Box::new(left.clone()), Box::new(right.clone()));
                predicates.push(CompiledExpr::Not(Box::new(and.clone())));
                predicates.push(CompiledExpr::And(Box::new(and.clone()), Box::new(right.clone())));
                predicates.push(and);
            }
        }
        let rows = [Value::Null, Value::Int(3), Value::Int(7), Value::Double(f64::NAN), Value::String("a".into())];
        for predicate in &predicates {
            for value in &rows {
                let row = [value.clone()];
                let evaluated = matches!(predicate.eval(&row), Ok(Value::Boolean(true)));
                assert_eq!(predicate.is_true(&row), evaluated, "{predicate:?} on {value:?}");
            }
        }
    }
}
