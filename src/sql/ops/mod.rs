//! Operators on SQL values with ksqlDB's semantics: arithmetic, comparison, three-valued logic,
//! LIKE and CAST.
//!
//! **Null semantics.** As in ksqlDB, an operator with a NULL operand yields NULL (a comparison too:
//! `NULL = NULL` is NULL, which a WHERE clause treats as false). Only `IS [NOT] DISTINCT FROM`,
//! `AND`/`OR` (three-valued logic) and `IS [NOT] NULL` look inside NULLs.
//!
//! **Errors.** An [`EvalError`] is what ksqlDB reports in its processing log when evaluating an
//! expression throws for one row (integer division by zero, an unparsable string in a CAST):
//! ksqlDB then uses NULL for that expression (and a filter drops the row). The engine should do
//! the same: turn an `EvalError` into NULL plus a processing-log entry, not stop the query.

mod arith;
mod cast;
mod compare;
mod like;
mod logic;
pub mod temporal;

use std::fmt;

pub use arith::{binary, binary_type, binary_with_type, compare_truth, negate, numeric_common_type, BinaryOp};
pub use cast::{can_cast, cast, value_to_java_string};
pub use compare::{compare, is_distinct_from, values_equal};
pub use like::like;
pub use logic::{and, not, or};

/// An expression failed for one row; the engine turns it into NULL and a processing-log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

impl EvalError {
    pub fn new(message: impl Into<String>) -> Self {
        EvalError {
            message: message.into(),
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

#[cfg(test)]
mod tests;
