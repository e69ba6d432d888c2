//! AVG: the mean of the non-NULL values, always a DOUBLE. ksqlDB keeps a running sum of the
//! argument's type (an INT sum wraps like Java's `int`) and a count; with no values (or after
//! every row was undone) the result is 0.0, not NULL.

use crate::sql::types::SqlType;
use crate::sql::value::Value;

#[derive(Clone, Debug, PartialEq)]
enum Total {
    Int(i32),
    BigInt(i64),
    /// DOUBLE and DECIMAL arguments (a DECIMAL average is a DOUBLE anyway).
    Double(f64),
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Avg {
    total: Total,
    count: i64,
}

fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Int(number) => Some(i64::from(*number)),
        Value::BigInt(number) => Some(*number),
        Value::Double(number) => Some(*number as i64),
        Value::Decimal(decimal) => i64::try_from(decimal.trunc_to_i128()).ok(),
        _ => None,
    }
}

fn as_f64(value: &Value) -> Option<f64> {
    match value {
        Value::Int(number) => Some(f64::from(*number)),
        Value::BigInt(number) => Some(*number as f64),
        Value::Double(number) => Some(*number),
        Value::Decimal(decimal) => Some(decimal.to_f64()),
        _ => None,
    }
}

impl Avg {
    pub(super) fn new(arg_type: &SqlType) -> Self {
        let total = match arg_type {
            SqlType::Int => Total::Int(0),
            SqlType::BigInt => Total::BigInt(0),
            _ => Total::Double(0.0),
        };
        Avg { total, count: 0 }
    }

    pub(super) fn initial(&self) -> Self {
        let total = match self.total {
            Total::Int(_) => Total::Int(0),
            Total::BigInt(_) => Total::BigInt(0),
            Total::Double(_) => Total::Double(0.0),
        };
        Avg { total, count: 0 }
    }

    fn apply(&mut self, value: &Value, adding: bool) {
        if value.is_null() {
            return;
        }
        let applied = match &mut self.total {
            Total::Int(total) => as_i64(value).map(|number| {
                let number = number as i32;
                *total = if adding {
                    total.wrapping_add(number)
                } else {
                    total.wrapping_sub(number)
                };
            }),
            Total::BigInt(total) => as_i64(value).map(|number| {
                *total = if adding {
                    total.wrapping_add(number)
                } else {
                    total.wrapping_sub(number)
                };
            }),
            Total::Double(total) => as_f64(value).map(|number| {
                *total = if adding {
                    *total + number
                } else {
                    *total - number
                };
            }),
        };
        if applied.is_some() {
            self.count = if adding {
                self.count.wrapping_add(1)
            } else {
                self.count.wrapping_sub(1)
            };
        }
    }

    pub(super) fn add(&mut self, value: &Value) {
        self.apply(value, true);
    }

    pub(super) fn undo(&mut self, value: &Value) {
        self.apply(value, false);
    }

    pub(super) fn merge(&mut self, other: &Avg) {
        match (&mut self.total, &other.total) {
            (Total::Int(mine), Total::Int(theirs)) => *mine = mine.wrapping_add(*theirs),
            (Total::BigInt(mine), Total::BigInt(theirs)) => *mine = mine.wrapping_add(*theirs),
            (Total::Double(mine), Total::Double(theirs)) => *mine += *theirs,
            _ => return,
        }
        self.count = self.count.wrapping_add(other.count);
    }

    pub(super) fn result(&self) -> Value {
        if self.count == 0 {
            return Value::Double(0.0);
        }
        let total = match self.total {
            Total::Int(total) => f64::from(total),
            Total::BigInt(total) => total as f64,
            Total::Double(total) => total,
        };
        Value::Double(total / self.count as f64)
    }
}
