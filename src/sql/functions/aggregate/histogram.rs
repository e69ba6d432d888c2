//! HISTOGRAM: a MAP from each distinct STRING value to how many times it occurred, at most 1000
//! entries (values beyond are ignored). It can aggregate a table: undo decrements, and an entry
//! that reaches 0 disappears.
//!
//! ksqlDB keeps the counts in a Java `HashMap`, so the map's entries come out in hash-bucket
//! order, not arrival order. We reproduce that order (String.hashCode, the table doubling past
//! 75 % load) so that outputs print as ksqlDB's do.
//! **Differs from ksqlDB:** NULL values are skipped (ksqlDB would count a NULL key, which its
//! JSON serializer then rejects).

use crate::sql::value::Value;

const LIMIT: usize = 1000;
const INITIAL_CAPACITY: usize = 16;

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Histogram {
    /// In insertion order.
    counts: Vec<(String, i64)>,
    /// The Java table size, which only grows.
    capacity: usize,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: Vec::new(),
            capacity: INITIAL_CAPACITY,
        }
    }
}

/// Java's `String.hashCode()`, spread as `HashMap.hash()` does.
fn java_hash(text: &str) -> u32 {
    let mut hash: i32 = 0;
    for unit in text.encode_utf16() {
        hash = hash.wrapping_mul(31).wrapping_add(i32::from(unit));
    }
    let hash = hash as u32;
    hash ^ (hash >> 16)
}

impl Histogram {
    fn bump(&mut self, key: &str, by: i64) {
        if let Some(entry) = self.counts.iter_mut().find(|(known, _)| known == key) {
            entry.1 = entry.1.wrapping_add(by);
            return;
        }
        if self.counts.len() >= LIMIT {
            return;
        }
        self.counts.push((key.to_string(), by));
        if self.counts.len() * 4 > self.capacity * 3 {
            self.capacity = self.capacity.saturating_mul(2);
        }
    }

    pub(super) fn add(&mut self, value: &Value) {
        if let Value::String(key) = value {
            self.bump(key, 1);
        }
    }

    pub(super) fn undo(&mut self, value: &Value) {
        let Value::String(key) = value else {
            return;
        };
        if let Some(entry_idx) = self.counts.iter().position(|(known, _)| known == key) {
            if let Some(entry) = self.counts.get_mut(entry_idx) {
                entry.1 = entry.1.wrapping_sub(1);
                if entry.1 < 1 {
                    self.counts.remove(entry_idx);
                }
            }
        }
    }

    pub(super) fn merge(&mut self, other: &Histogram) {
        for (key, count) in other.ordered() {
            self.bump(&key, count);
        }
    }

    /// Entries in Java `HashMap` iteration order: by bucket, then by insertion.
    fn ordered(&self) -> Vec<(String, i64)> {
        let mask = u32::try_from(self.capacity.saturating_sub(1)).unwrap_or(u32::MAX);
        let mut entries = self.counts.clone();
        entries.sort_by_key(|(key, _)| java_hash(key) & mask);
        entries
    }

    pub(super) fn result(&self) -> Value {
        Value::Map(
            self.ordered()
                .into_iter()
                .map(|(key, count)| (Value::String(key.into()), Value::BigInt(count)))
                .collect(),
        )
    }
}
