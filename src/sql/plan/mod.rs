//! From syntax to something runnable: name resolution, types, ksqlDB's output column names and
//! key rules. The result ([`SelectPlan`]) is what the operators execute.

pub mod expr;
pub mod schema;
pub mod select;

pub use expr::{CompiledExpr, ExprCompiler};
pub use schema::{schema_text, Column, Namespace, RowSchema};
pub use select::{plan_select, OutputColumn, SelectPlan, SelectPurpose};
