//! The engine: the catalog of streams and tables, the running queries, and the statements that
//! change them. It owns no log and reads no clock: every call gets the [`Log`] and the virtual
//! time from its caller (the world, the CLI, the conformance runner).
//!
//! **API boundary:** [`Engine`], [`SourceInfo`], [`StatementResult`] and [`SqlError`] are plain
//! data; nothing here exposes operators or sqlparser types.

mod aggregate_query;
mod catalog;
mod ddl;
mod insert_values;
mod inspect;
mod join_query;
mod observe;
mod pipeline;
mod print;
mod properties;
mod pull;
mod pull_query;
mod queries;
mod read_position;
mod result;
mod shared_decode;

pub use catalog::SourceInfo;
pub use observe::{LateRecord, LateRecords};

pub use crate::sql::operators::table_source::TableRowView;
pub use pipeline::OffsetReset;
pub use result::StatementResult;

use crate::clock::Millis;
use crate::log::{Log, LogVersion};
use crate::sql::ast::{ParsedStatement, Statement};
use crate::sql::error::{SqlError, SqlErrorKind};
use crate::sql::operators::ProcessingLog;
use crate::sql::parse::parse_script;
use catalog::Catalog;
use queries::{PersistentQuery, PushQuery};
use std::collections::BTreeMap;

/// A safety net for queries that feed themselves (`INSERT INTO s SELECT * FROM s`), which
/// would otherwise never become idle.
const MAX_ROUNDS_UNTIL_IDLE: usize = 100_000;

/// The outcome of a script run statement by statement: what ran, and the error that stopped it.
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptOutcome {
    pub results: Vec<StatementResult>,
    pub error: Option<SqlError>,
}

/// A running query as plain data, for `SHOW QUERIES`-like views in the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryInfo {
    pub id: String,
    /// True for a persistent query, false for an open push query.
    pub persistent: bool,
    pub sql: String,
    pub source: String,
    /// The stream or table a persistent query writes.
    pub sink: Option<String>,
    pub records_read: u64,
    pub records_written: u64,
}

#[derive(Debug, Default)]
pub struct Engine {
    catalog: Catalog,
    properties: BTreeMap<String, String>,
    queries: Vec<PersistentQuery>,
    push_queries: Vec<PushQuery>,
    next_query_number: u64,
    next_push_query_number: u64,
    /// Each table's state, folded from its changelog topic, with the SQL it was built for.
    materialized_tables: BTreeMap<
        String,
        (
            String,
            crate::sql::operators::table_source::MaterializedTable,
        ),
    >,
    /// Bad records and failing expressions, as ksqlDB's processing log.
    pub processing_log: ProcessingLog,
    /// When false (the CLI), a push query without LIMIT returns what is in the log now and
    /// ends; when true (the world), it stays open and [`Engine::take_push_rows`] drains it.
    pub keep_push_queries_open: bool,
    /// The log's version when every query was last found idle: until the log or the engine
    /// changes, [`Engine::run_until_idle`] has nothing to do (the world calls it every tick).
    idle_at: Option<LogVersion>,
    /// One decode per record for the persistent queries reading the same source.
    shared_decodes: shared_decode::SharedDecodes,
    /// [`Engine::run_until_idle`]'s flags, kept between calls (it runs at every tick).
    dirty: Vec<bool>,
}

pub const AUTO_OFFSET_RESET: &str = "auto.offset.reset";
pub const OUTPUT_TOPIC_PREFIX: &str = "ksql.output.topic.name.prefix";
pub const WRAP_SINGLE_VALUES: &str = "ksql.persistence.wrap.single.values";
pub const NEW_QUERY_PLANNER: &str = "ksql.new.query.planner.enabled";

impl Engine {
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Sets a property, as `SET 'name' = 'value'` does. Unknown properties are kept (ksqlDB
    /// passes them to Kafka Streams); known ones are checked.
    pub fn set_property(&mut self, name: &str, value: &str) -> Result<(), SqlError> {
        let lower = value.to_ascii_lowercase();
        match name {
            AUTO_OFFSET_RESET if !matches!(lower.as_str(), "earliest" | "latest") => {
                return Err(SqlError::invalid(format!(
                    "Invalid value '{value}' for property {name}: use 'earliest' or 'latest'"
                )));
            }
            WRAP_SINGLE_VALUES | NEW_QUERY_PLANNER
                if !matches!(lower.as_str(), "true" | "false") =>
            {
                return Err(SqlError::invalid(format!(
                    "Invalid value '{value}' for property {name}: use 'true' or 'false'"
                )));
            }
            _ => {}
        }
        self.properties.insert(name.to_string(), value.to_string());
        Ok(())
    }

    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.get(name).map(String::as_str)
    }

    fn flag(&self, name: &str, default: bool) -> bool {
        self.property(name)
            .map_or(default, |v| v.eq_ignore_ascii_case("true"))
    }

    fn offset_reset(&self) -> OffsetReset {
        match self.property(AUTO_OFFSET_RESET) {
            Some(value) if value.eq_ignore_ascii_case("earliest") => OffsetReset::Earliest,
            _ => OffsetReset::Latest,
        }
    }

    /// Parses the whole script, then runs its statements in order, stopping at the first error.
    /// Error positions refer to the whole script's text.
    pub fn execute_script(
        &mut self,
        log: &mut Log,
        now_ms: Millis,
        sql: &str,
    ) -> Result<Vec<StatementResult>, SqlError> {
        let outcome = self.execute_script_partial(log, now_ms, sql);
        match outcome.error {
            Some(error) => Err(error),
            None => Ok(outcome.results),
        }
    }

    /// Like [`Engine::execute_script`], but keeps the results of the statements that ran before
    /// the error (the CLI prints them, then the error).
    pub fn execute_script_partial(
        &mut self,
        log: &mut Log,
        now_ms: Millis,
        sql: &str,
    ) -> ScriptOutcome {
        self.run_script(log, now_ms, sql, false)
    }

    /// Runs a script as a live ksqlDB server would: after each statement the persistent queries
    /// process what arrived, so a later statement sees the output of an earlier query.
    pub fn execute_script_live(
        &mut self,
        log: &mut Log,
        now_ms: Millis,
        sql: &str,
    ) -> ScriptOutcome {
        self.run_script(log, now_ms, sql, true)
    }

    fn run_script(
        &mut self,
        log: &mut Log,
        now_ms: Millis,
        sql: &str,
        live: bool,
    ) -> ScriptOutcome {
        let statements = match parse_script(sql) {
            Ok(statements) => statements,
            Err(error) => {
                return ScriptOutcome {
                    results: Vec::new(),
                    error: Some(error),
                }
            }
        };
        let mut results = Vec::with_capacity(statements.len());
        for statement in &statements {
            match self.execute(log, now_ms, statement) {
                Ok(result) => results.push(result),
                Err(error) => {
                    return ScriptOutcome {
                        results,
                        error: Some(error.at(statement.span)),
                    }
                }
            }
            if live {
                if let Err(error) = self.run_until_idle(log, now_ms) {
                    return ScriptOutcome {
                        results,
                        error: Some(error),
                    };
                }
            }
        }
        ScriptOutcome {
            results,
            error: None,
        }
    }

    fn execute(
        &mut self,
        log: &mut Log,
        now_ms: Millis,
        parsed: &ParsedStatement,
    ) -> Result<StatementResult, SqlError> {
        // A statement may add, drop or reset queries: they must look at the log again.
        self.idle_at = None;
        match &parsed.statement {
            Statement::CreateSource(create) => self.create_source(log, create, &parsed.text),
            Statement::CreateAsSelect(create)
                if crate::sql::plan::aggregate::is_aggregate_query(&create.query) =>
            {
                self.create_aggregate_as_select(log, create, &parsed.text)
            }
            Statement::CreateAsSelect(create)
                if !create.query.joins.is_empty() && create.query.group_by.is_empty() =>
            {
                self.create_join_as_select(log, create, &parsed.text)
            }
            Statement::CreateAsSelect(create) => self.create_as_select(log, create, &parsed.text),
            Statement::InsertSelect { target, query } => {
                self.insert_select(log, target, query, &parsed.text)
            }
            Statement::InsertValues {
                target,
                columns,
                values,
            } => self.insert_values(log, now_ms, target, columns.as_deref(), values),
            Statement::Select(query) if self.is_windowed_pull_query(query) => {
                self.pull_query_on_table(log, query)
            }
            Statement::Select(query) => self.transient_query(log, query, &parsed.text),
            Statement::Print {
                topic,
                span,
                from_beginning,
                interval,
                limit,
            } => self
                .print(log, topic, *from_beginning, *interval, *limit)
                .map_err(|e| e.at(*span)),
            Statement::Show { what, extended } => Ok(self.show(log, *what, *extended)),
            Statement::Describe { target, extended } => self.describe(log, target, *extended),
            Statement::Explain(target) => self.explain(log, target),
            Statement::Drop {
                kind,
                name,
                if_exists,
                delete_topic,
            } => self.drop_source(log, *kind, name, *if_exists, *delete_topic),
            Statement::Terminate { query_id } => {
                self.terminate(query_id.as_ref().map(|id| id.name.as_str()))
            }
            Statement::Set { name, value } => {
                let previous = self.property(name).map(str::to_string);
                self.set_property(name, value)?;
                let message = match previous {
                    Some(previous) => format!("Successfully changed local property '{name}' from '{previous}' to '{value}'."),
                    None => format!("Successfully changed local property '{name}' to '{value}'."),
                };
                Ok(StatementResult::Ack { message })
            }
            Statement::Connector(_) => Err(SqlError::unsupported(
                "connector statements need a Connect cluster: run them in the sandbox's world",
            )),
            Statement::Unset { name } => {
                let message = match self.properties.remove(name) {
                    Some(previous) => format!(
                        "Successfully unset local property '{name}' (value was '{previous}')."
                    ),
                    None => format!("Property '{name}' was not set."),
                };
                Ok(StatementResult::Ack { message })
            }
        }
    }

    /// Runs every persistent query (in creation order) and open push query, repeatedly, until
    /// none has unread input. Upstream queries' output is read by downstream queries in the
    /// same call.
    pub fn run_until_idle(&mut self, log: &mut Log, now_ms: Millis) -> Result<(), SqlError> {
        if self.idle_at == Some(log.version()) {
            return Ok(());
        }
        // Which queries may have unread input: all at first; then only those reading a sink
        // written since they last polled (nothing else writes the log meanwhile), so an idle
        // query is not polled again for nothing.
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.clear();
        dirty.resize(self.queries.len(), true);
        self.shared_decodes.refresh(&mut self.queries);
        self.shared_decodes.clear();
        let result = self.run_rounds(log, now_ms, &mut dirty);
        self.shared_decodes.clear();
        self.dirty = dirty;
        result
    }

    /// [`Engine::run_until_idle`]'s rounds, polling the queries flagged in `dirty`.
    fn run_rounds(&mut self, log: &mut Log, now_ms: Millis, dirty: &mut [bool]) -> Result<(), SqlError> {
        for _ in 0..MAX_ROUNDS_UNTIL_IDLE {
            let mut progressed = false;
            for idx in 0..self.queries.len() {
                let (Some(query), Some(flag)) = (self.queries.get_mut(idx), dirty.get_mut(idx)) else {
                    continue;
                };
                if !std::mem::take(flag) {
                    continue;
                }
                let n_written = query.n_records_written;
                let mut share = self.shared_decodes.group_mut(idx);
                while query.step(log, now_ms, &mut self.processing_log, share.as_deref_mut())? {
                    progressed = true;
                    // Read to the end: another poll now would find nothing (what the query
                    // wrote itself marks it dirty below).
                    if query.pipeline.drained {
                        break;
                    }
                }
                if query.n_records_written == n_written {
                    continue;
                }
                let queries = &self.queries;
                let sink = queries.get(idx).map_or("", |writer| writer.sink_writer.topic.as_str());
                for (flag, reader) in dirty.iter_mut().zip(queries) {
                    *flag |= reader.reads(sink);
                }
            }
            for push in &mut self.push_queries {
                progressed |= push.step(log, &mut self.processing_log);
            }
            if !progressed {
                self.idle_at = Some(log.version());
                return Ok(());
            }
        }
        Err(SqlError::new(
            SqlErrorKind::Execution,
            "The queries did not become idle: a query probably reads its own output (INSERT INTO s SELECT ... FROM s)",
        ))
    }

    pub fn source(&self, name: &str) -> Option<&SourceInfo> {
        self.catalog.get(name)
    }

    pub fn sources(&self) -> impl Iterator<Item = &SourceInfo> {
        self.catalog.iter()
    }

    /// Ids of the running persistent queries, in creation order.
    pub fn query_ids(&self) -> Vec<String> {
        self.queries.iter().map(|q| q.id.clone()).collect()
    }

    /// Every running query (persistent first, in creation order, then open push queries).
    pub fn queries(&self) -> Vec<QueryInfo> {
        let persistent = self.queries.iter().map(|q| QueryInfo {
            id: q.id.clone(),
            persistent: true,
            sql: q.sql.clone(),
            source: q.source.clone(),
            sink: Some(q.sink.clone()),
            records_read: q.pipeline.n_records_read,
            records_written: q.n_records_written,
        });
        let push = self.push_queries.iter().map(|q| QueryInfo {
            id: q.id.clone(),
            persistent: false,
            sql: q.sql.clone(),
            source: q.source.clone(),
            sink: None,
            records_read: q.pipeline.n_records_read,
            records_written: q.n_rows_emitted,
        });
        persistent.chain(push).collect()
    }

    /// Ids of the open push queries.
    pub fn push_query_ids(&self) -> Vec<String> {
        self.push_queries.iter().map(|q| q.id.clone()).collect()
    }

    /// Rows a push query emitted since the last call (empty for an unknown id).
    pub fn take_push_rows(&mut self, id: &str) -> Vec<Vec<String>> {
        self.push_queries
            .iter_mut()
            .find(|q| q.id == id)
            .map(PushQuery::take_rows)
            .unwrap_or_default()
    }

    fn terminate(&mut self, query_id: Option<&str>) -> Result<StatementResult, SqlError> {
        match query_id {
            None => {
                self.queries.clear();
                self.push_queries.clear();
                Ok(StatementResult::Ack {
                    message: "All queries terminated.".into(),
                })
            }
            Some(id) => {
                let before = self.queries.len() + self.push_queries.len();
                self.queries.retain(|q| !q.id.eq_ignore_ascii_case(id));
                self.push_queries.retain(|q| !q.id.eq_ignore_ascii_case(id));
                if before == self.queries.len() + self.push_queries.len() {
                    let ids: Vec<&str> = self.queries.iter().map(|q| q.id.as_str()).collect();
                    let error = SqlError::invalid(format!("Unknown queryId: {id}"));
                    return Err(if ids.is_empty() {
                        error.with_hint("no query is running")
                    } else {
                        error.with_hint(format!("running queries: {}", ids.join(", ")))
                    });
                }
                Ok(StatementResult::Ack {
                    message: "Query terminated.".into(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests;
