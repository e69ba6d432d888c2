//! The sandbox's layouts, and which pane of the two-pane demo layout a statement belongs in.
//!
//! ksqlDB is usually demonstrated with two terminals side by side: the left CLI runs `CREATE`
//! and `INSERT` statements, the right one keeps a `SELECT ... EMIT CHANGES` running so the room
//! watches rows arrive. [`Layout::TwoPane`] is that; [`pane_for_sql`] decides where scripted
//! typing puts a statement. Plain data, tested natively; the panes are `src/ui/demo_layout.rs`.

use crate::sql::ast::Statement;
use crate::sql::parse::parse_script;
use serde::{Deserialize, Serialize};

/// How the sandbox arranges its panels. A deep link carries it (`"layout":"two_pane"`); a link
/// without the field, as every link made before it existed, opens the standard layout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Log lanes, producers and groups, one SQL console.
    #[default]
    Standard,
    /// A statement console on the left, a running push query on the right, the log below.
    TwoPane,
}

impl Layout {
    pub fn is_standard(&self) -> bool {
        *self == Layout::Standard
    }

    pub fn toggled(self) -> Layout {
        match self {
            Layout::Standard => Layout::TwoPane,
            Layout::TwoPane => Layout::Standard,
        }
    }
}

/// The two panes of [`Layout::TwoPane`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    /// Statements and inserts, with their own history and results.
    Statements,
    /// One push query, its rows streaming.
    PushQuery,
}

/// Where a script goes in the two-pane layout: push queries (`SELECT ... EMIT CHANGES|FINAL`)
/// to the right, everything else — and anything that does not parse, so its error shows where
/// statements are run — to the left. A script mixing both goes left.
pub fn pane_for_sql(sql: &str) -> Pane {
    match parse_script(sql) {
        Ok(statements) if !statements.is_empty() && statements.iter().all(|s| is_push_query(&s.statement)) => Pane::PushQuery,
        _ => Pane::Statements,
    }
}

fn is_push_query(statement: &Statement) -> bool {
    matches!(statement, Statement::Select(query) if query.emit.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_queries_go_right_and_everything_else_left() {
        for push in [
            "SELECT * FROM clicks EMIT CHANGES;",
            "select user_id, count(*) from clicks group by user_id emit changes limit 5",
            "SELECT * FROM t EMIT FINAL;",
        ] {
            assert_eq!(pane_for_sql(push), Pane::PushQuery, "{push}");
        }
        for statement in [
            "CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='t', value_format='JSON', partitions=1);",
            "INSERT INTO s (k, v) VALUES ('a', 1);",
            "SELECT * FROM t WHERE k = 'a';",
            "SHOW TOPICS;",
            "PRINT 't' FROM BEGINNING LIMIT 3;",
            "CREATE STREAM big AS SELECT * FROM s EMIT CHANGES;",
            "SHOW TOPICS; SELECT * FROM s EMIT CHANGES;",
            "SELEC oops EMIT CHANGES;",
            "",
            "-- only a comment",
        ] {
            assert_eq!(pane_for_sql(statement), Pane::Statements, "{statement}");
        }
    }

    #[test]
    fn layouts_toggle_and_serialize_by_name() {
        assert_eq!(Layout::default(), Layout::Standard);
        assert_eq!(Layout::Standard.toggled(), Layout::TwoPane);
        assert_eq!(Layout::TwoPane.toggled(), Layout::Standard);
        assert_eq!(serde_json::to_string(&Layout::TwoPane).unwrap(), r#""two_pane""#);
        assert_eq!(serde_json::from_str::<Layout>(r#""standard""#).unwrap(), Layout::Standard);
    }
}
