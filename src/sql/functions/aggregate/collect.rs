//! COLLECT_LIST and COLLECT_SET gather values into an ARRAY, in arrival order. NULLs are kept
//! (once, for a set). Beyond the configured limit further values are silently ignored.
//! COLLECT_LIST can aggregate a table: undo removes the last occurrence of the value.
//! COLLECT_SET cannot (a set forgets how many times a value arrived).

use super::java_equals;
use crate::sql::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub(super) struct CollectList {
    pub(super) limit: usize,
    items: Vec<Value>,
}

impl CollectList {
    pub(super) fn new(limit: usize) -> Self {
        CollectList {
            limit,
            items: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, value: &Value) {
        if self.items.len() < self.limit {
            self.items.push(value.clone());
        }
    }

    pub(super) fn undo(&mut self, value: &Value) {
        if let Some(last_idx) = self.items.iter().rposition(|item| java_equals(item, value)) {
            self.items.remove(last_idx);
        }
    }

    pub(super) fn merge(&mut self, other: &CollectList) {
        let room = self.limit.saturating_sub(self.items.len());
        self.items.extend(other.items.iter().take(room).cloned());
    }

    pub(super) fn result(&self) -> Value {
        Value::Array(self.items.clone())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct CollectSet {
    pub(super) limit: usize,
    items: Vec<Value>,
}

impl CollectSet {
    pub(super) fn new(limit: usize) -> Self {
        CollectSet {
            limit,
            items: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, value: &Value) {
        if self.items.len() < self.limit && !self.items.iter().any(|item| java_equals(item, value))
        {
            self.items.push(value.clone());
        }
    }

    pub(super) fn merge(&mut self, other: &CollectSet) {
        for value in &other.items {
            if self.items.len() >= self.limit {
                break;
            }
            self.add(value);
        }
    }

    pub(super) fn result(&self) -> Value {
        Value::Array(self.items.clone())
    }
}
