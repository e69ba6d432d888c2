//! COUNT: `COUNT(col)` counts rows whose `col` is not NULL; `COUNT(*)` / `COUNT()` count rows.
//! Starts at 0, never NULL.

use crate::sql::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Count {
    pub(super) counts_rows: bool,
    count: i64,
}

impl Count {
    pub(super) fn new(counts_rows: bool) -> Self {
        Count {
            counts_rows,
            count: 0,
        }
    }

    fn counts(&self, args: &[Value]) -> bool {
        self.counts_rows || args.first().is_some_and(|value| !value.is_null())
    }

    pub(super) fn add(&mut self, args: &[Value]) {
        if self.counts(args) {
            self.count = self.count.wrapping_add(1);
        }
    }

    pub(super) fn undo(&mut self, args: &[Value]) {
        if self.counts(args) {
            self.count = self.count.wrapping_sub(1);
        }
    }

    pub(super) fn merge(&mut self, other: &Count) {
        self.count = self.count.wrapping_add(other.count);
    }

    pub(super) fn result(&self) -> Value {
        Value::BigInt(self.count)
    }
}
