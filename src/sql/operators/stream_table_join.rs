//! Stream-table join: each stream record looks up the table's *current* row for its join key.
//!
//! The table side is state, not a trigger: a table update changes what later stream records
//! see and emits nothing. An INNER join drops a stream record without a table row; a LEFT join
//! emits it with the table's columns NULL. (The talk's `vip_actions`: clicks enriched with the
//! user's level as it was when the click happened.)
//!
//! The joined row is laid out by [`JoinLayout`]; its time, partition and offset are the stream
//! record's.

use super::join_row::JoinLayout;
use super::{Operator, ProcessingLog, Row};
use crate::clock::Millis;
use crate::sql::plan::CompiledExpr;
use crate::sql::value::{KeyValues, Value};
use std::collections::HashMap;

#[derive(Debug)]
pub struct StreamTableJoin {
    pub left_join: bool,
    /// The join key, evaluated on the stream row.
    pub stream_key: CompiledExpr,
    pub layout: JoinLayout,
    /// The table's current rows (all columns) and their times, by key.
    pub table: HashMap<KeyValues, (Vec<Value>, Millis)>,
}

impl Operator for StreamTableJoin {
    fn process(&mut self, mut row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) {
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
        // The stream row is not needed after this: its columns move into the joined row.
        let values = self.layout.joined_taking_left(
            key.0.into_iter().next().unwrap_or(Value::Null),
            (&mut row.values, row.timestamp),
            table_row.map(|(columns, time)| (columns.as_slice(), *time)),
            row.timestamp,
            row.partition,
            row.offset,
        );
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
            self.table.insert(id, (row.values, row.timestamp));
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
