//! From syntax to something runnable: name resolution, types, ksqlDB's output column names and
//! key rules. The result ([`SelectPlan`]) is what the operators execute.

pub mod aggregate;
pub mod expr;
pub mod join;
pub mod partition;
pub mod schema;
pub mod select;
pub mod window;

pub use expr::{CompiledExpr, ExprCompiler};
pub use schema::{schema_text, Column, Namespace, RowSchema};
pub use select::{plan_select, OutputColumn, SelectPlan, SelectPurpose};
