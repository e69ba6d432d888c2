//! Scripts that mix connector statements with ordinary ksqlDB ones: the connector statements run
//! here (the Connect cluster), every other statement runs in the SQL engine, in script order.

use super::Connect;
use crate::clock::Millis;
use crate::log::Log;
use crate::sql::ast::Statement;
use crate::sql::error::Span;
use crate::sql::parse::parse_script;
use crate::sql::{Engine, ScriptOutcome, SqlError};

/// Runs `sql` if it holds a connector statement; `None` leaves it to the engine alone (also
/// when it does not parse, so the engine reports the error as it always has).
pub fn execute_script(engine: &mut Engine, connect: &mut Connect, log: &mut Log, now_ms: Millis, sql: &str) -> Option<ScriptOutcome> {
    if !sql.to_ascii_uppercase().contains("CONNECTOR") {
        return None;
    }
    let statements = parse_script(sql).ok()?;
    if !statements.iter().any(|s| matches!(s.statement, Statement::Connector(_))) {
        return None;
    }
    let mut results = Vec::new();
    for parsed in &statements {
        match &parsed.statement {
            Statement::Connector(statement) => match connect.execute(log, statement, now_ms) {
                Ok(result) => results.push(result),
                Err(error) => return Some(ScriptOutcome { results, error: Some(error.at(parsed.span)) }),
            },
            _ => {
                let outcome = engine.execute_script_live(log, now_ms, &parsed.text);
                results.extend(outcome.results);
                if let Some(error) = outcome.error {
                    return Some(ScriptOutcome { results, error: Some(rebase(error, parsed.span)) });
                }
            }
        }
    }
    Some(ScriptOutcome { results, error: None })
}

/// An error position inside one statement's text, moved to where that statement starts.
fn rebase(mut error: SqlError, start: Option<Span>) -> SqlError {
    if let (Some(span), Some(start)) = (error.span, start) {
        error.span = Some(if span.line <= 1 {
            Span::new(start.line, start.column.saturating_add(span.column).saturating_sub(1))
        } else {
            Span::new(start.line.saturating_add(span.line).saturating_sub(1), span.column)
        });
    }
    error
}
