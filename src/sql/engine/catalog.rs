//! The catalog: every stream and table the engine knows, with its topic, formats and columns.

use crate::clock::Millis;
use crate::sql::ast::SourceKind;
use crate::sql::format::{Field, FormatSpec};
use crate::sql::operators::sink::WindowKeyKind;
use crate::sql::plan::window::WindowSpec;
use crate::sql::plan::{schema_text, RowSchema};

/// A stream or table as `DESCRIBE` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceInfo {
    pub name: String,
    pub kind: SourceKind,
    pub topic: String,
    pub key_format: FormatSpec,
    pub value_format: FormatSpec,
    pub key_columns: Vec<Field>,
    pub value_columns: Vec<Field>,
    /// `WITH (TIMESTAMP='column')`: the column that gives each row its time.
    pub timestamp_column: Option<String>,
    pub timestamp_format: Option<String>,
    /// The statement that created it.
    pub sql: String,
    /// True for `CREATE STREAM|TABLE` over an existing topic, false for `... AS SELECT`.
    pub is_source: bool,
    /// A windowed table (`... WINDOW TUMBLING ... GROUP BY`): its keys carry the window.
    pub window: Option<WindowSpec>,
}

impl SourceInfo {
    pub fn row_schema(&self) -> RowSchema {
        let schema = RowSchema::new(&self.key_columns, &self.value_columns);
        if self.window.is_some() {
            schema.with_window_bounds()
        } else {
            schema
        }
    }

    /// How the topic's keys carry the window, and the window size (for time windows).
    pub fn window_key(&self) -> Option<(WindowKeyKind, Millis)> {
        self.window.map(|w| {
            let kind = if w.is_session() {
                WindowKeyKind::Session
            } else {
                WindowKeyKind::Time
            };
            (kind, w.size())
        })
    }

    /// The columns as ksqlDB prints a schema: `` `K` STRING KEY, `V` INTEGER ``.
    pub fn schema_text(&self) -> String {
        schema_text(&self.key_columns, &self.value_columns)
    }
}

/// Sources by name, in creation order.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    sources: Vec<SourceInfo>,
}

impl Catalog {
    pub fn get(&self, name: &str) -> Option<&SourceInfo> {
        self.sources.iter().find(|s| s.name == name)
    }

    pub fn insert(&mut self, source: SourceInfo) {
        match self.sources.iter_mut().find(|s| s.name == source.name) {
            Some(existing) => *existing = source,
            None => self.sources.push(source),
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<SourceInfo> {
        let idx = self.sources.iter().position(|s| s.name == name)?;
        Some(self.sources.remove(idx))
    }

    pub fn iter(&self) -> impl Iterator<Item = &SourceInfo> {
        self.sources.iter()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| s.name.as_str())
    }

    /// The source whose name differs only in case, for "did you mean" hints about quoting.
    pub fn case_insensitive(&self, name: &str) -> Option<&SourceInfo> {
        self.sources
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }
}
