//! The row every join operator emits, laid out as the planner's joined schema
//! ([`crate::sql::plan::join::JoinPlan`]): the join key, the left columns, the right columns
//! (each side without the column that became the key), `<LEFT>_ROWTIME`, `<RIGHT>_ROWTIME`, then
//! ROWTIME, ROWPARTITION, ROWOFFSET of the result. A missing side (outer joins) is all NULLs.

use crate::clock::Millis;
use crate::sql::value::{clear_values, Value};

/// One side's row (all its columns, as decoded) and its record time.
pub type SideRow<'a> = Option<(&'a [Value], Millis)>;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JoinLayout {
    /// Positions in the left row of the columns copied after the key.
    pub left_columns: Vec<usize>,
    /// Positions in the right row of the columns copied after the left ones.
    pub right_columns: Vec<usize>,
}

impl JoinLayout {
    /// A column position no row has: the joined row holds NULL there (a column that nothing
    /// reads, see `StreamTableJoin::reading_only`).
    pub const UNREAD: usize = usize::MAX;

    pub fn new(left_columns: Vec<usize>, right_columns: Vec<usize>) -> JoinLayout {
        JoinLayout {
            left_columns,
            right_columns,
        }
    }

    /// The joined row's values.
    pub fn joined(
        &self,
        key: Value,
        left: SideRow<'_>,
        right: SideRow<'_>,
        timestamp: Millis,
        partition: u32,
        offset: u64,
    ) -> Vec<Value> {
        let mut values = self.start(Vec::new(), key);
        values.extend(self.left_columns.iter().map(|idx| {
            left.and_then(|(row, _)| row.get(*idx).cloned())
                .unwrap_or_default()
        }));
        self.finish(values, left.map(|(_, time)| time), right, timestamp, partition, offset)
    }

    /// [`JoinLayout::joined`] with a left row the caller no longer needs: its columns are
    /// moved into the joined row instead of copied (left NULL behind). The joined row is built
    /// in `buffer` (emptied first), so that a caller that keeps buffers allocates none.
    #[allow(clippy::too_many_arguments)] // `joined`'s, and the buffer
    pub fn joined_taking_left(
        &self,
        buffer: Vec<Value>,
        key: Value,
        left: (&mut [Value], Millis),
        right: SideRow<'_>,
        timestamp: Millis,
        partition: u32,
        offset: u64,
    ) -> Vec<Value> {
        let (row, left_time) = left;
        // A column listed twice must be copied, not moved (the planner lists each once).
        if !self.left_columns.windows(2).all(|pair| matches!(pair, [a, b] if a < b)) {
            return self.joined(key, Some((row, left_time)), right, timestamp, partition, offset);
        }
        let mut values = self.start(buffer, key);
        values.extend(self.left_columns.iter().map(|idx| {
            row.get_mut(*idx).map(|value| std::mem::replace(value, Value::Null)).unwrap_or_default()
        }));
        self.finish(values, Some(left_time), right, timestamp, partition, offset)
    }

    /// `buffer`, emptied, with room for the whole joined row and the key pushed.
    fn start(&self, mut values: Vec<Value>, key: Value) -> Vec<Value> {
        clear_values(&mut values);
        values.reserve(1 + self.left_columns.len() + self.right_columns.len() + 5);
        values.push(key);
        values
    }

    /// The right columns, each side's time and the result's ROWTIME, ROWPARTITION, ROWOFFSET.
    fn finish(
        &self,
        mut values: Vec<Value>,
        left_time: Option<Millis>,
        right: SideRow<'_>,
        timestamp: Millis,
        partition: u32,
        offset: u64,
    ) -> Vec<Value> {
        values.extend(self.right_columns.iter().map(|idx| {
            right.and_then(|(row, _)| row.get(*idx).cloned())
                .unwrap_or_default()
        }));
        values.push(left_time.map(Value::BigInt).unwrap_or_default());
        values.push(right.map(|(_, time)| Value::BigInt(time)).unwrap_or_default());
        values.push(Value::BigInt(timestamp));
        values.push(Value::Int(i32::try_from(partition).unwrap_or(i32::MAX)));
        values.push(Value::BigInt(i64::try_from(offset).unwrap_or(i64::MAX)));
        values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_side_is_nulls_and_each_side_keeps_its_time() {
        let layout = JoinLayout::new(vec![1], vec![0, 2]);
        let left = [Value::Int(7), Value::String("l".into())];
        let values = layout.joined(Value::Int(7), Some((&left, 5)), None, 9, 0, 3);
        assert_eq!(
            values,
            vec![
                Value::Int(7),
                Value::String("l".into()),
                Value::Null,
                Value::Null,
                Value::BigInt(5),
                Value::Null,
                Value::BigInt(9),
                Value::Int(0),
                Value::BigInt(3),
            ]
        );
    }

    #[test]
    fn taking_the_left_row_gives_the_same_row_and_leaves_nulls_behind() {
        let layout = JoinLayout::new(vec![0, 2], vec![1]);
        let left = vec![Value::String("a".into()), Value::Int(1), Value::String("c".into())];
        let right = [Value::Int(7), Value::String("r".into())];
        let copied = layout.joined(Value::Int(1), Some((&left, 5)), Some((&right, 6)), 9, 1, 3);
        let mut taken = left.clone();
        let moved = layout.joined_taking_left(Vec::new(), Value::Int(1), (&mut taken, 5), Some((&right, 6)), 9, 1, 3);
        assert_eq!(moved, copied);
        assert_eq!(taken, vec![Value::Null, Value::Int(1), Value::Null]);
        // A column listed twice is copied both times, not moved once.
        let twice = JoinLayout::new(vec![2, 2], vec![]);
        let mut taken = left.clone();
        let values = twice.joined_taking_left(Vec::new(), Value::Int(1), (&mut taken, 5), None, 9, 1, 3);
        assert_eq!(values.get(1..3), Some(&[Value::String("c".into()), Value::String("c".into())][..]));
        assert_eq!(taken, left);
    }
}
