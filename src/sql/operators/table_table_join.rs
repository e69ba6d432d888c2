//! Table-table join on both primary keys: the result is itself a table, recomputed for a key
//! whenever either side changes.
//!
//! For a key with left row L and right row R (either may be missing): INNER needs both, LEFT
//! needs L, RIGHT needs R, FULL OUTER needs either; a missing side's columns are NULL. When a
//! key's result disappears (a side deleted, or never matched again), a tombstone deletes it
//! downstream — but only if a row was emitted for it before. The output time is the later of
//! the two rows' times.
//!
//! The joined row is laid out as the planner's combined schema: the join key, the left table's
//! other columns, the right table's columns, then ROWTIME, ROWPARTITION, ROWOFFSET.

use super::{Operator, ProcessingLog, Row};
use crate::clock::Millis;
use crate::sql::value::Value;
use std::collections::{HashMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableJoinKind {
    Inner,
    Left,
    Right,
    Full,
}

#[derive(Debug)]
pub struct TableTableJoin {
    pub kind: TableJoinKind,
    /// Positions of the left columns copied after the key.
    pub left_columns: Vec<usize>,
    pub n_right_columns: usize,
    /// Current rows (all columns) and times, by key text.
    pub left: HashMap<String, (Vec<Value>, Millis)>,
    pub right: HashMap<String, (Vec<Value>, Millis)>,
    /// Keys whose last output was a row (so that a tombstone is owed when it goes).
    pub emitted: HashSet<String>,
}

impl TableTableJoin {
    pub fn new(
        kind: TableJoinKind,
        left_columns: Vec<usize>,
        n_right_columns: usize,
    ) -> TableTableJoin {
        TableTableJoin {
            kind,
            left_columns,
            n_right_columns,
            left: HashMap::new(),
            right: HashMap::new(),
            emitted: HashSet::new(),
        }
    }

    fn update(&mut self, from_right: bool, row: Row, out: &mut Vec<Row>) {
        let Some(key) = row.key().first().cloned() else {
            return;
        };
        if key.is_null() {
            return;
        }
        let id = format!("{key:?}");
        let n_columns = if from_right {
            self.n_right_columns
        } else {
            row.values.len()
        };
        let side = if from_right {
            &mut self.right
        } else {
            &mut self.left
        };
        if row.tombstone {
            side.remove(&id);
        } else {
            let columns = row
                .values
                .get(..n_columns.min(row.values.len()))
                .map(<[Value]>::to_vec)
                .unwrap_or_default();
            side.insert(id.clone(), (columns, row.timestamp));
        }
        let left = self.left.get(&id);
        let right = self.right.get(&id);
        let present = match self.kind {
            TableJoinKind::Inner => left.is_some() && right.is_some(),
            TableJoinKind::Left => left.is_some(),
            TableJoinKind::Right => right.is_some(),
            TableJoinKind::Full => left.is_some() || right.is_some(),
        };
        let timestamp = if present {
            left.map_or(Millis::MIN, |(_, t)| *t)
                .max(right.map_or(Millis::MIN, |(_, t)| *t))
        } else {
            row.timestamp
        };
        let mut values = vec![key];
        let n_values = self.left_columns.len() + self.n_right_columns;
        if present {
            values.extend(self.left_columns.iter().map(|idx| {
                left.and_then(|(l, _)| l.get(*idx).cloned())
                    .unwrap_or(Value::Null)
            }));
            match right {
                Some((columns, _)) => values.extend(columns.iter().cloned()),
                None => values.extend(std::iter::repeat_n(Value::Null, self.n_right_columns)),
            }
            self.emitted.insert(id);
        } else {
            if !self.emitted.remove(&id) {
                return;
            }
            values.extend(std::iter::repeat_n(Value::Null, n_values));
        }
        values.push(Value::BigInt(timestamp));
        values.push(Value::Int(i32::try_from(row.partition).unwrap_or(i32::MAX)));
        values.push(Value::BigInt(i64::try_from(row.offset).unwrap_or(i64::MAX)));
        out.push(Row {
            values,
            n_keys: 1,
            tombstone: !present,
            timestamp,
            ..row
        });
    }
}

impl Operator for TableTableJoin {
    fn process(&mut self, row: Row, out: &mut Vec<Row>, _log: &mut ProcessingLog) {
        self.update(false, row, out);
    }

    fn process_side(&mut self, row: Row, out: &mut Vec<Row>, _log: &mut ProcessingLog) {
        self.update(true, row, out);
    }

    fn describe(&self) -> String {
        format!(
            "Table-table {:?} join ({} left rows, {} right rows)",
            self.kind,
            self.left.len(),
            self.right.len()
        )
    }
}

/// After a table's `WHERE`: a tombstone for a key that was never emitted (or already deleted)
/// is dropped, so that a row that never matched leaves no trace downstream.
#[derive(Debug, Default)]
pub struct DropUnneededTombstones {
    live_keys: HashSet<String>,
}

impl Operator for DropUnneededTombstones {
    fn process(&mut self, row: Row, out: &mut Vec<Row>, _log: &mut ProcessingLog) {
        let id = format!("{:?}", row.key());
        if row.tombstone {
            if self.live_keys.remove(&id) {
                out.push(row);
            }
        } else {
            self.live_keys.insert(id);
            out.push(row);
        }
    }

    fn describe(&self) -> String {
        "Drop tombstones of keys never emitted".to_string()
    }
}
