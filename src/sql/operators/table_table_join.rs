//! Table-table join on both primary keys: the result is itself a table, recomputed for a key
//! whenever either side changes.
//!
//! For a key with left row L and right row R (either may be missing): INNER needs both, LEFT
//! needs L, RIGHT needs R, FULL OUTER needs either; a missing side's columns are NULL. When a
//! key's result disappears (a side deleted, or never matched again), a tombstone deletes it
//! downstream — but only if a row was emitted for it before. The output time is the later of
//! the two rows' times.
//!
//! The joined row is laid out by [`JoinLayout`].

use super::join_row::JoinLayout;
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
    pub layout: JoinLayout,
    /// Current rows (all columns) and times, by key text.
    pub left: HashMap<String, (Vec<Value>, Millis)>,
    pub right: HashMap<String, (Vec<Value>, Millis)>,
    /// Keys whose last output was a row (so that a tombstone is owed when it goes).
    pub emitted: HashSet<String>,
}

impl TableTableJoin {
    pub fn new(kind: TableJoinKind, layout: JoinLayout) -> TableTableJoin {
        TableTableJoin {
            kind,
            layout,
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
        let side = if from_right {
            &mut self.right
        } else {
            &mut self.left
        };
        if row.tombstone {
            side.remove(&id);
        } else {
            side.insert(id.clone(), (row.values.clone(), row.timestamp));
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
        let values = if present {
            self.layout.joined(
                key,
                left.map(|(columns, time)| (columns.as_slice(), *time)),
                right.map(|(columns, time)| (columns.as_slice(), *time)),
                timestamp,
                row.partition,
                row.offset,
            )
        } else {
            self.layout
                .joined(key, None, None, timestamp, row.partition, row.offset)
        };
        if present {
            self.emitted.insert(id);
        } else if !self.emitted.remove(&id) {
            return;
        }
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
