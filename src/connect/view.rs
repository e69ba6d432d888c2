//! Plain snapshots of the Connect cluster for the UI: each connector with its state, lag and a
//! page of its target; the database's tables and the files. Every list is cut to `MAX_ROWS`.

use super::sinks::Target;
use super::{Connect, Task};
use crate::clock::Millis;
use crate::log::Log;

pub const MAX_ROWS: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectView {
    pub connectors: Vec<ConnectorView>,
    pub tables: Vec<TableView>,
    pub files: Vec<(String, usize)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectorView {
    pub name: String,
    pub class_name: String,
    pub source: bool,
    pub state: String,
    pub trace: Option<String>,
    pub n_records: u64,
    pub topics: Vec<String>,
    /// Sinks: records waiting in the topics (log end - committed), summed over partitions.
    pub lag: Option<u64>,
    /// Sources: where they are in their input.
    pub position: Option<String>,
    pub target: Option<TableView>,
}

/// A titled table of text: a database table, a warehouse table, an index, a cache, a lake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableView {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub n_rows: usize,
}

impl Connect {
    pub fn view(&self, log: &Log, now_ms: Millis) -> ConnectView {
        let connectors = self
            .connectors
            .values()
            .map(|c| {
                let (topics, lag, position, target) = match &c.task {
                    Task::Source(source) => (source.topics(&self.database), None, Some(source.position()), None),
                    Task::Sink(sink) => {
                        let lag = log.group_lag(&sink.group).ok().map(|lags| {
                            lags.iter().map(|l| l.lag.unwrap_or(l.log_end.saturating_sub(l.log_start))).sum()
                        });
                        (sink.topics.clone(), lag, None, Some(target_view(&sink.target, now_ms, MAX_ROWS)))
                    }
                };
                ConnectorView {
                    name: c.name.clone(),
                    class_name: c.class_name.to_string(),
                    source: c.is_source(),
                    state: c.state.label().to_string(),
                    trace: match &c.state {
                        super::ConnectorState::Failed(trace) => Some(trace.clone()),
                        _ => None,
                    },
                    n_records: c.n_records,
                    topics,
                    lag,
                    position,
                    target,
                }
            })
            .collect();
        let tables = self
            .database
            .tables()
            .map(|t| TableView {
                title: format!("{}.{}", super::SCHEMA, t.name),
                columns: t.columns.clone(),
                rows: t
                    .rows
                    .values()
                    .take(MAX_ROWS)
                    .map(|row| t.columns.iter().map(|c| row.get(c).map_or_else(String::new, cell)).collect())
                    .collect(),
                n_rows: t.rows.len(),
            })
            .collect();
        let files = self.files.paths().map(|p| (p.to_string(), self.files.lines(p).len())).collect();
        ConnectView { connectors, tables, files }
    }
}

impl Connect {
    /// Everything a sink's target holds (no page limit), e.g. for a lesson check or a test.
    pub fn target_rows(&self, name: &str, now_ms: Millis) -> Option<TableView> {
        match &self.connectors.get(name)?.task {
            Task::Sink(sink) => Some(target_view(&sink.target, now_ms, usize::MAX)),
            Task::Source(_) => None,
        }
    }
}

fn cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn table(title: String, columns: &[&str], rows: impl Iterator<Item = Vec<String>>, n_rows: usize, max_rows: usize) -> TableView {
    TableView { title, columns: columns.iter().map(|c| c.to_string()).collect(), rows: rows.take(max_rows).collect(), n_rows }
}

fn target_view(target: &Target, now_ms: Millis, max_rows: usize) -> TableView {
    match target {
        Target::Warehouse { rows, upsert, .. } => table(
            format!("warehouse ({})", if *upsert { "upsert" } else { "insert" }),
            &["table", "key", "row"],
            rows.iter().rev().map(|(t, k, v)| vec![t.clone(), k.clone(), v.clone()]),
            rows.len(),
            max_rows,
        ),
        Target::SearchIndex { docs, .. } => {
            table("search index".to_string(), &["index", "_id", "_source"], docs.iter().map(|((i, id), d)| vec![i.clone(), id.clone(), d.clone()]), docs.len(), max_rows)
        }
        Target::Cache { entries } => table("cache".to_string(), &["key", "value"], entries.iter().map(|(k, v)| vec![k.clone(), v.clone()]), entries.len(), max_rows),
        Target::Lake(lake) => {
            let buffered: usize = lake.buffers.values().map(Vec::len).sum();
            table(
                format!("s3://{} ({buffered} record(s) buffered, not yet in a file)", lake.bucket),
                &["object", "records"],
                lake.files.iter().rev().map(|(path, lines)| vec![path.clone(), lines.len().to_string()]),
                lake.files.len(),
                max_rows,
            )
        }
        Target::NightlyBatch { rows, next_load_ms, last_load_ms, n_loads, .. } => {
            let last = last_load_ms.map_or_else(|| "never".to_string(), |t| super::lake::format_time("YYYY-MM-dd HH:mm", t));
            let next_in_s = next_load_ms.saturating_sub(now_ms) / 1000;
            table(
                format!("warehouse (nightly batch: {n_loads} load(s), last {last}, next in {next_in_s} s)"),
                &["key", "row"],
                rows.iter().map(|(k, v)| vec![k.clone(), v.clone()]),
                rows.len(),
                max_rows,
            )
        }
    }
}
