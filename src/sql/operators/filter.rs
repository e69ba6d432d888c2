//! `WHERE`: keeps the rows whose predicate is TRUE (NULL and errors count as false).
//!
//! On a stream a failing row is simply dropped. On a table, Kafka Streams' `KTable.filter`
//! forwards a tombstone instead, so that a downstream table forgets a key whose new value no
//! longer passes; ksqlDB does the same.

use super::{Operator, ProcessingLog, Row};
use crate::sql::plan::CompiledExpr;

#[derive(Debug)]
pub struct Filter {
    pub predicate: CompiledExpr,
    /// True when filtering a table's changelog: failing rows become tombstones.
    pub on_table: bool,
}

impl Operator for Filter {
    fn process(&mut self, mut row: Row, out: &mut Vec<Row>, _log: &mut ProcessingLog) {
        if row.tombstone {
            if self.on_table {
                out.push(row);
            }
            return;
        }
        if self.predicate.is_true(&row.values) {
            out.push(row);
        } else if self.on_table {
            row.tombstone = true;
            out.push(row);
        }
    }

    fn describe(&self) -> String {
        "Filter (WHERE)".to_string()
    }
}
