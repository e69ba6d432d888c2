//! The streaming SQL engine, in the ksqlDB dialect.

pub mod ast;
pub mod cli;
pub mod engine;
pub mod error;
pub mod format;
pub mod functions;
pub mod operators;
pub mod ops;
pub mod parse;
pub mod plan;
pub mod types;
pub mod value;

pub use ast::SourceKind;
pub use engine::{Engine, QueryInfo, ScriptOutcome, SourceInfo, StatementResult};
pub use error::{Span, SqlError, SqlErrorKind};
pub use format::{Field, FormatSpec};
