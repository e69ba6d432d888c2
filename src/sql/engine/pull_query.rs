//! Pull queries and table state: a `SELECT` on a table without `EMIT CHANGES` looks up the
//! table's current rows once and ends, as a database query does. The same materialised state
//! is what the UI shows (see [`Engine::table_rows`]).
//!
//! Each table's state is the fold of its changelog topic ([`MaterializedTable`]), caught up on
//! every read. ksqlDB answers pull queries from its state stores; streamlab reads the topic,
//! which holds the same changelog.

use super::{Engine, StatementResult};
use crate::log::Log;
use crate::sql::ast::{Query, SourceKind};
use crate::sql::error::SqlError;
use crate::sql::format::{display_value, Field};
use crate::sql::operators::sink::WindowKeyKind;
use crate::sql::operators::source::SourceDecoder;
use crate::sql::operators::table_source::{MaterializedTable, TableRowView, WindowedKeys};
use crate::sql::plan::aggregate::is_aggregate_query;
use crate::sql::plan::{plan_select, SelectPurpose};
use crate::sql::types::SqlType;
use crate::sql::value::Value;

impl Engine {
    /// The current rows of table `name` (None if there is no such table), ordered by key then
    /// window. Reads the table's changelog topic up to its end first.
    pub fn table_rows(&mut self, log: &Log, name: &str) -> Option<Vec<TableRowView>> {
        self.materialize(log, name).map(MaterializedTable::rows)
    }

    fn materialize(&mut self, log: &Log, name: &str) -> Option<&MaterializedTable> {
        let source = self.catalog.get(name)?.clone();
        if source.kind != SourceKind::Table {
            return None;
        }
        let stale = self
            .materialized_tables
            .get(name)
            .is_none_or(|(sql, _)| *sql != source.sql);
        if stale {
            // The materialised table splits windowed keys itself: no window here.
            let decoder = SourceDecoder::new(
                SourceKind::Table,
                source.key_format.clone(),
                source.value_format.clone(),
                source.key_columns.clone(),
                source.value_columns.clone(),
            );
            let windowed = source.window.map(|spec| WindowedKeys {
                kind: if spec.is_session() {
                    WindowKeyKind::Session
                } else {
                    WindowKeyKind::Time
                },
                size: spec.size(),
                retention: spec
                    .retention
                    .unwrap_or_else(|| spec.size().saturating_add(spec.grace_ms())),
            });
            let table = MaterializedTable::new(&source.topic, decoder, windowed);
            self.materialized_tables
                .insert(name.to_string(), (source.sql.clone(), table));
        }
        let (_, table) = self.materialized_tables.get_mut(name)?;
        table.catch_up(log, &mut self.processing_log);
        Some(table)
    }

    /// A `SELECT` without `EMIT` on a windowed table: a pull query whose rows carry
    /// WINDOWSTART and WINDOWEND (other tables are answered by `pull.rs`).
    pub(super) fn is_windowed_pull_query(&self, query: &Query) -> bool {
        query.emit.is_none()
            && query.joins.is_empty()
            && self
                .catalog
                .get(&query.from.name.name)
                .is_some_and(|s| s.kind == SourceKind::Table && s.window.is_some())
    }

    pub(super) fn pull_query_on_table(
        &mut self,
        log: &Log,
        query: &Query,
    ) -> Result<StatementResult, SqlError> {
        let source = self.lookup(&query.from.name)?.clone();
        if is_aggregate_query(query) || !query.joins.is_empty() {
            return Err(SqlError::unsupported("Pull queries don't support GROUP BY, WINDOW or JOIN: query the table they build instead")
                .at(query.span)
                .with_hint("add EMIT CHANGES for a push query"));
        }
        let mut value_columns: Vec<Field> = Vec::new();
        if source.window.is_some() {
            value_columns.push(Field::new("WINDOWSTART", SqlType::BigInt));
            value_columns.push(Field::new("WINDOWEND", SqlType::BigInt));
        }
        value_columns.extend(source.value_columns.iter().cloned());
        let plan = plan_select(
            query,
            &source.name,
            &source.key_columns,
            &value_columns,
            SelectPurpose::Transient,
        )?;
        let rows = self
            .materialize(log, &source.name)
            .map(MaterializedTable::rows)
            .unwrap_or_default();
        let mut output = Vec::new();
        for row in rows {
            if query
                .limit
                .is_some_and(|limit| output.len() as u64 >= limit)
            {
                break;
            }
            let mut values = row.key.clone();
            if let Some((start, end)) = row.window {
                values.push(Value::BigInt(start));
                values.push(Value::BigInt(end));
            }
            values.extend(row.values.iter().cloned());
            values.push(Value::BigInt(row.timestamp));
            values.push(Value::Int(i32::try_from(row.partition).unwrap_or(i32::MAX)));
            values.push(Value::BigInt(i64::try_from(row.offset).unwrap_or(i64::MAX)));
            if plan.filter.as_ref().is_some_and(|f| !f.is_true(&values)) {
                continue;
            }
            let projected: Vec<String> = plan
                .columns
                .iter()
                .map(|c| display_value(&c.expr.eval(&values).unwrap_or_default()))
                .collect();
            output.push(projected);
        }
        Ok(StatementResult::Rows {
            columns: plan.column_names(),
            rows: output,
        })
    }
}
