//! Stream-table join: each stream record looks up the table's *current* row for its join key.
//!
//! The table side is state, not a trigger: a table update changes what later stream records
//! see and emits nothing. An INNER join drops a stream record without a table row; a LEFT join
//! emits it with the table's columns NULL. (The talk's `vip_actions`: clicks enriched with the
//! user's level as it was when the click happened.)
//!
//! The joined row is laid out as the planner's combined schema: the join key, the stream's
//! other columns, the table's columns, then ROWTIME, ROWPARTITION, ROWOFFSET of the stream
//! record.

use super::{Operator, ProcessingLog, Row};
use crate::sql::plan::CompiledExpr;
use crate::sql::value::{KeyValues, Value};
use std::collections::HashMap;

#[derive(Debug)]
pub struct StreamTableJoin {
    pub left_join: bool,
    /// The join key, evaluated on the stream row.
    pub stream_key: CompiledExpr,
    /// Positions of the stream columns copied after the key (all but the join column).
    pub stream_columns: Vec<usize>,
    /// How many columns the table has (keys and values).
    pub n_table_columns: usize,
    /// The table's current rows (keys then values) by key.
    pub table: HashMap<KeyValues, Vec<Value>>,
}

impl Operator for StreamTableJoin {
    fn process(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) {
        if row.tombstone {
            return;
        }
        let key = self.stream_key.eval(&row.values).unwrap_or(Value::Null);
        if key.is_null() {
            log.record(format!(
                "Dropped a stream record with a NULL join key at offset {}",
                row.offset
            ));
            return;
        }
        let key = KeyValues(vec![key]);
        let table_row = self.table.get(&key);
        if table_row.is_none() && !self.left_join {
            return;
        }
        let mut values =
            Vec::with_capacity(1 + self.stream_columns.len() + self.n_table_columns + 3);
        values.extend(key.0);
        values.extend(
            self.stream_columns
                .iter()
                .map(|idx| row.values.get(*idx).cloned().unwrap_or(Value::Null)),
        );
        match table_row {
            Some(columns) => values.extend(columns.iter().cloned()),
            None => values.extend(std::iter::repeat_n(Value::Null, self.n_table_columns)),
        }
        values.push(Value::BigInt(row.timestamp));
        values.push(Value::Int(i32::try_from(row.partition).unwrap_or(i32::MAX)));
        values.push(Value::BigInt(i64::try_from(row.offset).unwrap_or(i64::MAX)));
        out.push(Row {
            values,
            n_keys: 1,
            ..row
        });
    }

    /// A table changelog record: upsert or delete; emits nothing.
    fn process_side(&mut self, row: Row, _out: &mut Vec<Row>, _log: &mut ProcessingLog) {
        let id = KeyValues::from_slice(row.key());
        if row.tombstone {
            self.table.remove(&id);
        } else {
            let columns = row
                .values
                .get(..self.n_table_columns)
                .map(<[Value]>::to_vec)
                .unwrap_or_default();
            self.table.insert(id, columns);
        }
    }

    fn describe(&self) -> String {
        format!(
            "Stream-table {} join ({} table rows)",
            if self.left_join { "LEFT" } else { "INNER" },
            self.table.len()
        )
    }
}
