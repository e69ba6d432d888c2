//! The streaming SQL engine, in the ksqlDB dialect.

pub mod types;
pub mod value;
