//! COUNT: `COUNT(col)` counts rows whose `col` is not NULL; `COUNT(*)` / `COUNT()` count rows.
//! Starts at 0, never NULL. Which of the two a count is lives in the accumulator's variant
//! (`State::CountRows` or `State::CountValues`), so a count is 8 bytes.

use crate::sql::value::Value;

#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Count {
    count: i64,
}

impl Count {
    /// Whether `COUNT(col)` counts a row with these arguments: when `col` is not NULL.
    pub(super) fn counts(args: &[Value]) -> bool {
        args.first().is_some_and(|value| !value.is_null())
    }

    pub(super) fn add(&mut self) {
        self.count = self.count.wrapping_add(1);
    }

    pub(super) fn undo(&mut self) {
        self.count = self.count.wrapping_sub(1);
    }

    pub(super) fn merge(&mut self, other: &Count) {
        self.count = self.count.wrapping_add(other.count);
    }

    pub(super) fn result(&self) -> Value {
        Value::BigInt(self.count)
    }
}
