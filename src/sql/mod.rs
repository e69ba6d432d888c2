//! The streaming SQL engine, in the ksqlDB dialect.

pub mod format;
pub mod functions;
pub mod ops;
pub mod types;
pub mod value;
