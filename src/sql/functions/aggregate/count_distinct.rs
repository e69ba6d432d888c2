//! COUNT_DISTINCT: the number of distinct non-NULL values.
//!
//! **Differs from ksqlDB:** ksqlDB estimates the count with a HyperLogLog sketch, which is exact
//! only for small cardinalities; we count exactly. It cannot aggregate a table.

use super::java_equals;
use crate::sql::value::Value;

#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct CountDistinct {
    seen: Vec<Value>,
}

impl CountDistinct {
    pub(super) fn add(&mut self, value: &Value) {
        if !value.is_null() && !self.seen.iter().any(|seen| java_equals(seen, value)) {
            self.seen.push(value.clone());
        }
    }

    pub(super) fn merge(&mut self, other: &CountDistinct) {
        for value in &other.seen {
            self.add(value);
        }
    }

    pub(super) fn result(&self) -> Value {
        Value::BigInt(i64::try_from(self.seen.len()).unwrap_or(i64::MAX))
    }
}
