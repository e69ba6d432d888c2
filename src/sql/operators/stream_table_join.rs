//! Stream-table join: each stream record looks up the table's *current* row for its join key.
//!
//! The table side is state, not a trigger: a table update changes what later stream records
//! see and emits nothing. An INNER join drops a stream record without a table row; a LEFT join
//! emits it with the table's columns NULL. (The talk's `vip_actions`: clicks enriched with the
//! user's level as it was when the click happened.)
//!
//! The joined row is laid out by [`JoinLayout`]; its time, partition and offset are the stream
//! record's.
//!
//! Per stream record nothing is allocated here but the table's columns copied into the joined
//! row: the join key is moved (or evaluated) into a reused lookup key, and the joined row is
//! built in the buffer of the stream record before it, as the projection does.

use super::join_row::JoinLayout;
use super::project::count_column_uses;
use super::state::{state_map, StateMap};
use super::{Operator, ProcessingLog, Row, RowPool};
use crate::clock::Millis;
use crate::sql::plan::CompiledExpr;
use crate::sql::value::{clear_values, KeyValues, Value};

#[derive(Debug)]
pub struct StreamTableJoin {
    pub left_join: bool,
    /// The join key, evaluated on the stream row.
    pub stream_key: CompiledExpr,
    pub layout: JoinLayout,
    /// The table's current rows (all columns) and their times, by key.
    pub table: StateMap<KeyValues, (Vec<Value>, Millis)>,
    /// The stream row's position of its join key when the key is a column the joined row does
    /// not copy among the left columns: it is then moved out of the row, not copied.
    key_column: Option<usize>,
    /// The key being looked up (one value), refilled for each stream record.
    lookup: KeyValues,
    /// The buffer the next joined row is built in: the previous stream row's.
    spare: Vec<Value>,
    /// The WHERE's conditions on one table column against a literal (`u.level = 'Platinum'`),
    /// over the table row's positions: checked on the table row before the joined row is
    /// built, since a stream record that fails one (or has no table row: the column is NULL)
    /// would be dropped by the WHERE after the join. The WHERE still runs in full afterwards.
    table_conditions: Vec<CompiledExpr>,
}

impl StreamTableJoin {
    pub fn new(left_join: bool, stream_key: CompiledExpr, layout: JoinLayout) -> StreamTableJoin {
        let key_column = match stream_key {
            CompiledExpr::Column(idx) if !layout.left_columns.contains(&idx) => Some(idx),
            _ => None,
        };
        StreamTableJoin {
            left_join,
            stream_key,
            layout,
            table: state_map(),
            key_column,
            lookup: KeyValues(Vec::with_capacity(1)),
            spare: Vec::new(),
            table_conditions: Vec::new(),
        }
    }

    /// Checks the conditions of `filter` (the WHERE over the joined row) that compare one
    /// table column with a non-NULL literal on the table row, before joining. Call it before
    /// [`StreamTableJoin::reading_only`], which may leave those columns out of the joined row.
    pub fn checking_first(mut self, filter: Option<&CompiledExpr>) -> StreamTableJoin {
        let first_right = 1 + self.layout.left_columns.len();
        let on_table = |expr: &CompiledExpr| match expr {
            CompiledExpr::Column(idx) => idx
                .checked_sub(first_right)
                .and_then(|right| self.layout.right_columns.get(right).copied())
                .filter(|&column| column != JoinLayout::UNREAD),
            _ => None,
        };
        let literal = |expr: &CompiledExpr| matches!(expr, CompiledExpr::Literal(value) if !value.is_null());
        let mut conditions = Vec::new();
        for condition in filter.into_iter().flat_map(conjuncts) {
            let CompiledExpr::Binary { op, left, right, result_type } = condition else { continue };
            if !op.is_comparison() {
                continue;
            }
            let (column, literal_on_left) = match (on_table(left), on_table(right)) {
                (Some(column), None) if literal(right) => (column, false),
                (None, Some(column)) if literal(left) => (column, true),
                _ => continue,
            };
            let column = Box::new(CompiledExpr::Column(column));
            let (left, right) = if literal_on_left { (left.clone(), column) } else { (column, right.clone()) };
            conditions.push(CompiledExpr::Binary { op: *op, left, right, result_type: result_type.clone() });
        }
        self.table_conditions = conditions;
        self
    }

    /// Leaves NULL in the joined row's table columns that none of `readers` reads (the WHERE
    /// and the projection over the joined row, all that reads it): they are not copied out of
    /// the table for nothing. Unchanged when a reader holds an expression kind whose columns
    /// are not known.
    pub fn reading_only<'a>(mut self, readers: impl IntoIterator<Item = &'a CompiledExpr>) -> StreamTableJoin {
        let mut uses = Vec::new();
        if !readers.into_iter().all(|expr| count_column_uses(expr, &mut uses)) {
            return self;
        }
        let first_right = 1 + self.layout.left_columns.len();
        for (idx, position) in self.layout.right_columns.iter_mut().enumerate() {
            if uses.get(first_right + idx).is_none_or(|&n_uses| n_uses == 0) {
                *position = JoinLayout::UNREAD;
            }
        }
        self
    }

    /// The stream row's join key: moved out of the row when the joined row does not copy its
    /// column, else evaluated (NULL when that fails).
    fn take_key(&self, values: &mut [Value]) -> Value {
        match self.key_column {
            Some(idx) => values.get_mut(idx).map(|value| std::mem::replace(value, Value::Null)).unwrap_or_default(),
            None => self.stream_key.eval(values).unwrap_or_default(),
        }
    }
}

/// The operands of a chain of ANDs, left to right.
fn conjuncts(expr: &CompiledExpr) -> Vec<&CompiledExpr> {
    match expr {
        CompiledExpr::And(left, right) => {
            let mut all = conjuncts(left);
            all.extend(conjuncts(right));
            all
        }
        other => vec![other],
    }
}

impl StreamTableJoin {
    /// Joins a stream row; gives its buffer back when the row is dropped.
    fn join(&mut self, mut row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) -> Option<Vec<Value>> {
        if row.tombstone {
            return Some(row.values);
        }
        let key = self.take_key(&mut row.values);
        if key.is_null() {
            log.record(format!(
                "Dropped a stream record with a NULL join key at offset {}",
                row.offset
            ));
            return Some(row.values);
        }
        self.lookup.0.clear();
        self.lookup.0.push(key);
        let table_row = self.table.get(&self.lookup);
        if table_row.is_none() && !self.left_join {
            return Some(row.values);
        }
        let conditions = &self.table_conditions;
        if !conditions.is_empty()
            && !table_row.is_some_and(|(columns, _)| conditions.iter().all(|condition| condition.is_true(columns)))
        {
            return Some(row.values);
        }
        let key = self.lookup.0.pop().unwrap_or_default();
        // The stream row is not needed after this: its columns move into the joined row, and
        // its buffer holds the next one.
        let values = self.layout.joined_taking_left(
            std::mem::take(&mut self.spare),
            key,
            (&mut row.values, row.timestamp),
            table_row.map(|(columns, time)| (columns.as_slice(), *time)),
            row.timestamp,
            row.partition,
            row.offset,
        );
        self.spare = std::mem::replace(&mut row.values, values);
        clear_values(&mut self.spare);
        out.push(Row { n_keys: 1, ..row });
        None
    }
}

impl Operator for StreamTableJoin {
    fn process(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) {
        drop(self.join(row, out, log));
    }

    /// A dropped stream row's buffer goes back to the pipeline's pool.
    fn process_pooled(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog, pool: &mut RowPool) {
        if let Some(buffer) = self.join(row, out, log) {
            pool.put(buffer);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Stream rows (id KEY, page, action) and table rows (id KEY, level).
    fn click(id: &str, page: &str, offset: u64) -> Row {
        let columns = vec![Value::String(id.into()), Value::String(page.into()), Value::String("view".into())];
        Row::keyed_for_test(columns, 100 + offset as Millis, offset)
    }

    fn user(id: &str, level: &str, timestamp: Millis) -> Row {
        Row::keyed_for_test(vec![Value::String(id.into()), Value::String(level.into())], timestamp, 0)
    }

    fn join(left_join: bool) -> StreamTableJoin {
        StreamTableJoin::new(left_join, CompiledExpr::Column(0), JoinLayout::new(vec![1, 2], vec![1]))
    }

    /// The joined row is what copying both sides gives, the key moved out of the stream row;
    /// a LEFT join fills a missing table row with NULLs, and a table update changes what the
    /// next stream record sees.
    #[test]
    fn a_stream_record_joins_the_tables_current_row() {
        let (mut join, mut log) = (join(true), ProcessingLog::default());
        let mut out = Vec::new();
        join.process_side(user("u1", "Gold", 5), &mut out, &mut log);
        assert!(out.is_empty(), "a table update emits nothing");
        let first = click("u1", "home", 1);
        let expected = join.layout.joined(
            Value::String("u1".into()),
            Some((&first.values, first.timestamp)),
            Some((&user("u1", "Gold", 5).values, 5)),
            first.timestamp,
            0,
            1,
        );
        join.process(first, &mut out, &mut log);
        join.process_side(user("u1", "Platinum", 6), &mut out, &mut log);
        join.process(click("u1", "cart", 2), &mut out, &mut log);
        join.process(click("u2", "home", 3), &mut out, &mut log);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].values, expected);
        assert_eq!((out[0].n_keys, out[0].timestamp, out[0].offset), (1, 101, 1));
        assert_eq!(out[1].values[3], Value::String("Platinum".into()));
        assert_eq!(out[2].values[0], Value::String("u2".into()));
        assert_eq!(out[2].values[3..6], [Value::Null, Value::BigInt(103), Value::Null]);
        assert!(log.entries.is_empty());
    }

    /// Each joined row is built in the previous stream row's buffer: the join keeps one.
    #[test]
    fn the_joined_row_reuses_the_previous_stream_rows_buffer() {
        let (mut join, mut log) = (join(true), ProcessingLog::default());
        let mut out = Vec::new();
        let mut first = click("u1", "home", 1);
        first.values.reserve(20);
        let buffer = first.values.as_ptr();
        join.process(first, &mut out, &mut log);
        join.process(click("u1", "cart", 2), &mut out, &mut log);
        assert_eq!(out[1].values.as_ptr(), buffer);
        assert_eq!(out[1].values[1], Value::String("cart".into()));
    }

    /// An INNER join drops a record without a table row; a NULL key is dropped and logged, and
    /// a deleted table row no longer joins.
    #[test]
    fn an_inner_join_drops_records_without_a_table_row() {
        let (mut join, mut log) = (join(false), ProcessingLog::default());
        let mut out = Vec::new();
        join.process_side(user("u1", "Gold", 5), &mut out, &mut log);
        join.process(click("u2", "home", 1), &mut out, &mut log);
        let mut null_key = click("u1", "home", 2);
        null_key.values[0] = Value::Null;
        join.process(null_key, &mut out, &mut log);
        join.process(click("u1", "home", 3), &mut out, &mut log);
        let mut deleted = user("u1", "Gold", 7);
        deleted.tombstone = true;
        join.process_side(deleted, &mut out, &mut log);
        join.process(click("u1", "home", 4), &mut out, &mut log);
        assert_eq!(out.iter().map(|row| row.offset).collect::<Vec<_>>(), [3]);
        assert_eq!(log.entries.len(), 1, "{:?}", log.entries);
        assert!(log.entries[0].contains("NULL join key at offset 2"));
    }
}

#[cfg(test)]
mod reading_tests {
    use super::*;
    use crate::sql::ops::BinaryOp;

    fn compare(op: BinaryOp, left: CompiledExpr, right: CompiledExpr) -> CompiledExpr {
        CompiledExpr::Binary { op, left: Box::new(left), right: Box::new(right), result_type: None }
    }

    /// A WHERE's condition of a table column against a literal is checked on the table row:
    /// clicks of users at another level, or with no user, are dropped by the join itself
    /// (their buffers pooled); a condition on the stream's columns is left to the WHERE.
    #[test]
    fn conditions_on_table_columns_are_checked_before_joining() {
        // Joined row: key, left 1 and 2, right 1 (the level), times.
        let layout = JoinLayout::new(vec![1, 2], vec![1]);
        let platinum = CompiledExpr::Literal(Value::String("Platinum".into()));
        let on_level = compare(BinaryOp::Eq, platinum.clone(), CompiledExpr::Column(3));
        let on_page = compare(BinaryOp::Eq, CompiledExpr::Column(1), CompiledExpr::Literal(Value::String("home".into())));
        let filter = CompiledExpr::And(Box::new(on_page), Box::new(on_level));
        let mut join = StreamTableJoin::new(true, CompiledExpr::Column(0), layout).checking_first(Some(&filter));
        assert_eq!(join.table_conditions, [compare(BinaryOp::Eq, platinum, CompiledExpr::Column(1))]);
        let (mut out, mut log, mut pool) = (Vec::new(), ProcessingLog::default(), RowPool::default());
        let user = |id: &str, level: &str| Row::keyed_for_test(vec![Value::String(id.into()), Value::String(level.into())], 5, 0);
        join.process_side(user("u1", "Platinum"), &mut out, &mut log);
        join.process_side(user("u2", "Gold"), &mut out, &mut log);
        for (offset, id) in [(1, "u1"), (2, "u2"), (3, "u3"), (4, "u1")] {
            let click = Row::keyed_for_test(vec![Value::String(id.into()), Value::String("cart".into()), Value::Int(1)], 9, offset);
            join.process_pooled(click, &mut out, &mut log, &mut pool);
        }
        assert_eq!(out.iter().map(|row| row.offset).collect::<Vec<_>>(), [1, 4]);
        assert_eq!(out[0].values[3], Value::String("Platinum".into()));
        assert_eq!(pool.len(), 2, "the two dropped clicks' buffers are pooled");
        let no_pushdown = compare(BinaryOp::Eq, CompiledExpr::Column(1), CompiledExpr::Column(3));
        let join = StreamTableJoin::new(true, CompiledExpr::Column(0), JoinLayout::new(vec![1, 2], vec![1]))
            .checking_first(Some(&no_pushdown));
        assert!(join.table_conditions.is_empty(), "a condition across both sides waits for the joined row");
    }

    /// Only the table columns the readers read are copied into the joined row; the others are
    /// NULL. A reader of unknown columns leaves every column copied.
    #[test]
    fn table_columns_nothing_reads_stay_null() {
        // Joined row: key, left 1 and 2, right 0 (the table's id) and 1 (its level), times.
        let layout = JoinLayout::new(vec![1, 2], vec![0, 1]);
        let level = CompiledExpr::Column(4);
        let (mut out, mut log) = (Vec::new(), ProcessingLog::default());
        let mut join = StreamTableJoin::new(true, CompiledExpr::Column(0), layout.clone()).reading_only([&level]);
        let user = Row::keyed_for_test(vec![Value::String("u1".into()), Value::String("Gold".into())], 5, 0);
        let click = || Row::keyed_for_test(vec![Value::String("u1".into()), Value::Int(1), Value::Int(2)], 9, 1);
        join.process_side(user.clone(), &mut out, &mut log);
        join.process(click(), &mut out, &mut log);
        assert_eq!(out[0].values[3..5], [Value::Null, Value::String("Gold".into())]);
        let unknown = CompiledExpr::Dereference { expr: Box::new(CompiledExpr::Column(1)), field: "F".into() };
        let mut join = StreamTableJoin::new(true, CompiledExpr::Column(0), layout).reading_only([&level, &unknown]);
        join.process_side(user, &mut out, &mut log);
        join.process(click(), &mut out, &mut log);
        assert_eq!(out[1].values[3..5], [Value::String("u1".into()), Value::String("Gold".into())]);
    }
}
