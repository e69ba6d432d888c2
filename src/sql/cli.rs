//! Renders statement results as the ksqlDB CLI prints them: acknowledgements and listings in
//! its dashed tables, query rows in `+---+` bordered tables, PRINT and DESCRIBE as lines.

use super::engine::{Engine, StatementResult};
use super::error::SqlError;
use crate::clock::Millis;
use crate::log::Log;

/// What `streamlab run FILE.sql` prints: the results on stdout, the error (if any) on stderr.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptOutput {
    pub stdout: String,
    /// `line:column: message` and the hint, when a statement failed.
    pub error: Option<String>,
}

/// Runs a script against a fresh log and engine, as a live ksqlDB server would (queries process
/// what arrived after every statement), and renders what the ksqlDB CLI would print.
pub fn run_script(sql: &str, now_ms: Millis) -> ScriptOutput {
    let mut log = Log::new();
    let mut engine = Engine::new();
    let outcome = engine.execute_script_live(&mut log, now_ms, sql);
    let stdout = outcome.results.iter().map(render).collect();
    ScriptOutput {
        stdout,
        error: outcome.error.as_ref().map(render_error),
    }
}

/// The text the ksqlDB CLI would print for one result (empty for `INSERT ... VALUES`).
pub fn render(result: &StatementResult) -> String {
    match result {
        StatementResult::Ack { message } => {
            dashed_table(&["Message".to_string()], &[vec![message.clone()]])
        }
        StatementResult::Table { columns, rows } => dashed_table(columns, rows),
        StatementResult::Rows { columns, rows } => bordered_table(columns, rows),
        StatementResult::Printed { lines } | StatementResult::Text { lines } => {
            lines.iter().map(|line| format!("{line}\n")).collect()
        }
        StatementResult::Inserted { .. } => String::new(),
    }
}

/// An error as the CLI reports it: `line:column: message`, then the hint.
pub fn render_error(error: &SqlError) -> String {
    error.to_string()
}

fn widths(columns: &[String], rows: &[Vec<String>]) -> Vec<usize> {
    columns
        .iter()
        .enumerate()
        .map(|(idx, title)| {
            rows.iter()
                .filter_map(|row| row.get(idx))
                .map(|cell| cell.chars().count())
                .chain([title.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect()
}

fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(n)))
}

/// ` Name | Topic ` rows between dashed rules, as `SHOW STREAMS` prints them.
fn dashed_table(columns: &[String], rows: &[Vec<String>]) -> String {
    let widths = widths(columns, rows);
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| pad(cells.get(i).map_or("", String::as_str), *w))
            .collect();
        format!(" {} \n", padded.join(" | "))
    };
    let total: usize = widths.iter().sum::<usize>() + 3 * widths.len().saturating_sub(1) + 2;
    let rule = format!("{}\n", "-".repeat(total));
    let mut out = line(columns);
    out.push_str(&rule);
    for row in rows {
        out.push_str(&line(row));
    }
    out.push_str(&rule);
    out
}

/// `|ID |NAME |` rows between `+---+` borders, as the CLI prints query results.
fn bordered_table(columns: &[String], rows: &[Vec<String>]) -> String {
    let widths = widths(columns, rows);
    let border = format!(
        "+{}+\n",
        widths
            .iter()
            .map(|w| "-".repeat(w + 1))
            .collect::<Vec<_>>()
            .join("+")
    );
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| pad(cells.get(i).map_or("", String::as_str), w + 1))
            .collect();
        format!("|{}|\n", padded.join("|"))
    };
    let mut out = border.clone();
    out.push_str(&line(columns));
    out.push_str(&border);
    for row in rows {
        out.push_str(&line(row));
    }
    out.push_str(&border);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_is_a_message_table() {
        let text = render(&StatementResult::Ack {
            message: "Stream created".into(),
        });
        assert_eq!(
            text,
            " Message        \n----------------\n Stream created \n----------------\n"
        );
    }

    #[test]
    fn rows_have_borders() {
        let text = render(&StatementResult::Rows {
            columns: vec!["ID".into(), "NAME".into()],
            rows: vec![vec!["1".into(), "alice".into()]],
        });
        assert_eq!(
            text,
            "+---+------+\n|ID |NAME  |\n+---+------+\n|1  |alice |\n+---+------+\n"
        );
    }
}
