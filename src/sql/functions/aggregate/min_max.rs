//! MIN and MAX: NULL until a non-NULL value arrives; NULLs are skipped. Stream sources only
//! (ksqlDB cannot undo a minimum).

use std::cmp::Ordering;

use super::java_compare;
use crate::sql::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub(super) struct MinMax {
    pub(super) is_max: bool,
    best: Option<Value>,
}

impl MinMax {
    pub(super) fn new(is_max: bool) -> Self {
        MinMax { is_max, best: None }
    }

    fn beats(&self, candidate: &Value, current: &Value) -> bool {
        let wanted = if self.is_max {
            Ordering::Greater
        } else {
            Ordering::Less
        };
        java_compare(candidate, current) == wanted
    }

    pub(super) fn add(&mut self, value: &Value) {
        if value.is_null() {
            return;
        }
        let replace = match &self.best {
            None => true,
            Some(current) => self.beats(value, current),
        };
        if replace {
            self.best = Some(value.clone());
        }
    }

    pub(super) fn merge(&mut self, other: &MinMax) {
        if let Some(value) = &other.best {
            self.add(value);
        }
    }

    pub(super) fn result(&self) -> Value {
        self.best.clone().unwrap_or_default()
    }
}
