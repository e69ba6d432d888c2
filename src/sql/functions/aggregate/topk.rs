//! TOPK and TOPKDISTINCT: the `k` greatest non-NULL values, greatest first, as an ARRAY.
//! TOPKDISTINCT keeps each value once. Stream sources only.
//!
//! **Differs from ksqlDB:** recent ksqlDB also accepts extra columns (`TOPK(col, k, other...)`)
//! returning an array of structs; only the two-argument form is offered here.

use std::cmp::Ordering;

use super::{java_compare, java_equals};
use crate::sql::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub(super) struct TopK {
    pub(super) k: usize,
    pub(super) distinct: bool,
    /// Greatest first.
    items: Vec<Value>,
}

impl TopK {
    pub(super) fn new(k: usize, distinct: bool) -> Self {
        TopK {
            k,
            distinct,
            items: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, value: &Value) {
        if value.is_null() {
            return;
        }
        let full = self.items.len() >= self.k;
        if let Some(last) = self.items.last() {
            if full && java_compare(value, last) != Ordering::Greater {
                return;
            }
        }
        if self.distinct && self.items.iter().any(|item| java_equals(item, value)) {
            return;
        }
        if full {
            if let Some(last) = self.items.last_mut() {
                *last = value.clone();
            }
        } else {
            self.items.push(value.clone());
        }
        // Java's stable sort with `Comparator.reverseOrder()`.
        self.items.sort_by(|left, right| java_compare(right, left));
    }

    /// Merges two descending lists, keeping the greatest `k` (ksqlDB's merge walk).
    pub(super) fn merge(&mut self, other: &TopK) {
        let mine = std::mem::take(&mut self.items);
        let theirs = &other.items;
        let mut merged = Vec::with_capacity(self.k.min(mine.len() + theirs.len()));
        let (mut mine_idx, mut theirs_idx) = (0, 0);
        while merged.len() < self.k {
            let (left, right) = (mine.get(mine_idx), theirs.get(theirs_idx));
            let ordering = match (left, right) {
                (None, None) => break,
                (Some(_), None) => Ordering::Greater,
                (None, Some(_)) => Ordering::Less,
                (Some(l), Some(r)) => java_compare(l, r),
            };
            match (ordering, left, right) {
                (Ordering::Equal, Some(l), Some(_)) if self.distinct => {
                    merged.push(l.clone());
                    mine_idx += 1;
                    theirs_idx += 1;
                }
                (Ordering::Greater | Ordering::Equal, Some(l), _) => {
                    merged.push(l.clone());
                    mine_idx += 1;
                }
                (_, _, Some(r)) => {
                    merged.push(r.clone());
                    theirs_idx += 1;
                }
                _ => break,
            }
        }
        self.items = merged;
    }

    pub(super) fn result(&self) -> Value {
        Value::Array(self.items.clone())
    }
}
