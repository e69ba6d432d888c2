//! LATEST_BY_OFFSET and EARLIEST_BY_OFFSET: the last (first) value to arrive, by processing order,
//! or with `n` the last (first) `n` values as an ARRAY, oldest first. `ignoreNulls` (default
//! true) skips NULL values. Stream sources only.
//!
//! ksqlDB tags each kept value with a sequence number from one process-wide counter, so that
//! merging two session windows can tell which value arrived later. We do the same: the counter
//! only ever grows, and each query runs on one thread, so the order it records is the processing
//! order and results stay deterministic even though the numbers themselves are shared.

use std::cmp::Ordering;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use crate::sql::value::Value;

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

fn next_sequence() -> u64 {
    SEQUENCE.fetch_add(1, AtomicOrdering::Relaxed)
}

/// A kept value and when it arrived.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Entry {
    sequence: u64,
    value: Value,
}

impl Entry {
    fn now(value: Value) -> Self {
        Entry {
            sequence: next_sequence(),
            value,
        }
    }
}

/// ksqlDB's comparator of kept values: by arrival; when ignoring NULLs, a NULL value counts as
/// older than any non-NULL one, whatever its sequence.
fn compare_entries(left: &Entry, right: &Entry, ignore_nulls: bool) -> Ordering {
    if ignore_nulls {
        match (left.value.is_null(), right.value.is_null()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
    }
    left.sequence.cmp(&right.sequence)
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct ByOffset {
    pub(super) latest: bool,
    pub(super) ignore_nulls: bool,
    /// LATEST starts with a NULL value stamped at creation; EARLIEST starts with nothing.
    kept: Option<Entry>,
}

impl ByOffset {
    pub(super) fn new(latest: bool, ignore_nulls: bool) -> Self {
        ByOffset {
            latest,
            ignore_nulls,
            kept: latest.then(|| Entry::now(Value::Null)),
        }
    }

    pub(super) fn add(&mut self, value: &Value) {
        if value.is_null() && self.ignore_nulls {
            return;
        }
        if self.latest || self.kept.is_none() {
            self.kept = Some(Entry::now(value.clone()));
        }
    }

    pub(super) fn merge(&mut self, other: &ByOffset) {
        let Some(theirs) = &other.kept else {
            return;
        };
        let Some(mine) = &self.kept else {
            self.kept = Some(theirs.clone());
            return;
        };
        let take_theirs = if self.latest {
            compare_entries(mine, theirs, self.ignore_nulls) == Ordering::Less
        } else {
            // EARLIEST merges by sequence alone, whatever ignoreNulls says.
            compare_entries(mine, theirs, false) != Ordering::Less
        };
        if take_theirs {
            self.kept = Some(theirs.clone());
        }
    }

    pub(super) fn result(&self) -> Value {
        self.kept
            .as_ref()
            .map(|entry| entry.value.clone()).unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct ByOffsetN {
    pub(super) latest: bool,
    pub(super) n: usize,
    pub(super) ignore_nulls: bool,
    /// Oldest first.
    kept: Vec<Entry>,
}

impl ByOffsetN {
    pub(super) fn new(latest: bool, n: usize, ignore_nulls: bool) -> Self {
        ByOffsetN {
            latest,
            n,
            ignore_nulls,
            kept: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, value: &Value) {
        if value.is_null() && self.ignore_nulls {
            return;
        }
        if self.latest {
            self.kept.push(Entry::now(value.clone()));
            let excess = self.kept.len().saturating_sub(self.n);
            self.kept.drain(..excess);
        } else if self.kept.len() < self.n {
            self.kept.push(Entry::now(value.clone()));
        }
    }

    pub(super) fn merge(&mut self, other: &ByOffsetN) {
        self.kept.extend(other.kept.iter().cloned());
        if self.latest {
            let ignore_nulls = self.ignore_nulls;
            self.kept
                .sort_by(|left, right| compare_entries(left, right, ignore_nulls));
            let excess = self.kept.len().saturating_sub(self.n);
            self.kept.drain(..excess);
        } else {
            self.kept
                .sort_by(|left, right| compare_entries(left, right, false));
            self.kept.truncate(self.n);
        }
    }

    pub(super) fn result(&self) -> Value {
        Value::Array(self.kept.iter().map(|entry| entry.value.clone()).collect())
    }
}
