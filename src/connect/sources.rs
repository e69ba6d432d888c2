//! Source connectors: each turns something outside Kafka into records, and keeps its own
//! source offset (Connect stores it in `connect-offsets`) so a restart carries on from there.
//! - Debezium CDC reads the database's write-ahead log: inserts, updates and deletes become
//!   change events (`before`, `after`, `op`, `source`), a delete is followed by a tombstone.
//! - The JDBC source polls tables with a query every `poll.interval.ms`: it sees only rows that
//!   are new (incrementing) or touched (timestamp), never deletes.
//! - The file source tails a file, one record per line.

use super::config::{Config, ConnectError};
use super::database::{ChangeOp, Database, Files, Row, Table};
use crate::clock::Millis;
use crate::log::ProducerRecord;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Debezium's tables live in schema `public` of database `inventory` (its tutorial's).
pub const SCHEMA: &str = "public";
const DATABASE_NAME: &str = "inventory";

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum JdbcMode {
    Bulk,
    Incrementing { column: String },
    Timestamp { column: String },
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SourceTask {
    Debezium { prefix: String, tables: Vec<String>, snapshot_pending: bool, lsn: u64, tombstones: bool },
    Jdbc { prefix: String, tables: Vec<String>, mode: JdbcMode, poll_interval_ms: Millis, next_poll_ms: Option<Millis>, last_seen: BTreeMap<String, Value> },
    File { path: String, topic: String, line: usize },
}

/// A record to send, with the source offset to keep once it is acknowledged.
pub(crate) struct SourceRecord {
    pub(crate) topic: String,
    pub(crate) record: ProducerRecord,
    pub(crate) after: SourceOffset,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SourceOffset {
    Lsn(u64),
    Line(usize),
    Jdbc { table: String, value: Value },
    /// The snapshot's last row: the snapshot is done, streaming starts after `lsn`.
    SnapshotDone(u64),
    None,
}

impl SourceTask {
    pub(crate) fn from_config(class: super::config::ConnectorClass, config: &Config) -> Result<SourceTask, ConnectError> {
        use super::config::ConnectorClass as C;
        match class {
            C::Debezium => {
                let prefix = match config.get("topic.prefix").or_else(|| config.get("database.server.name")) {
                    Some(p) if !p.trim().is_empty() => p.trim().to_string(),
                    _ => config.required("topic.prefix")?.to_string(),
                };
                let snapshot = config.choice_or("snapshot.mode", &["initial", "never", "no_data"], "initial")?;
                Ok(SourceTask::Debezium {
                    prefix,
                    tables: config.list("table.include.list").into_iter().map(|t| strip_schema(&t)).collect(),
                    snapshot_pending: snapshot == "initial",
                    lsn: 0,
                    tombstones: config.bool_or("tombstones.on.delete", true)?,
                })
            }
            C::JdbcSource => {
                let mode = match config.required("mode")? {
                    "bulk" => JdbcMode::Bulk,
                    "incrementing" => JdbcMode::Incrementing { column: config.required("incrementing.column.name")?.to_string() },
                    "timestamp" => JdbcMode::Timestamp { column: config.required("timestamp.column.name")?.to_string() },
                    other => return Err(config.error(format!("Invalid value {other} for configuration mode: must be one of bulk, incrementing, timestamp"))),
                };
                let mut tables = config.list("table.whitelist");
                tables.extend(config.list("table.include.list"));
                Ok(SourceTask::Jdbc {
                    prefix: config.text_or("topic.prefix", "").to_string(),
                    tables: tables.iter().map(|t| strip_schema(t)).collect(),
                    mode,
                    poll_interval_ms: config.u64_or("poll.interval.ms", 5_000)?.max(1).min(i64::MAX as u64) as Millis,
                    next_poll_ms: None,
                    last_seen: BTreeMap::new(),
                })
            }
            C::FileSource => Ok(SourceTask::File { path: config.required("file")?.to_string(), topic: config.required("topic")?.to_string(), line: 0 }),
            _ => Err(config.error("not a source connector class")),
        }
    }

    /// The topics this source writes, as far as known now.
    pub(crate) fn topics(&self, db: &Database) -> Vec<String> {
        match self {
            SourceTask::Debezium { prefix, tables, .. } => {
                included(db, tables).map(|t| format!("{prefix}.{SCHEMA}.{}", t.name)).collect()
            }
            SourceTask::Jdbc { prefix, tables, .. } => included(db, tables).map(|t| format!("{prefix}{}", t.name)).collect(),
            SourceTask::File { topic, .. } => vec![topic.clone()],
        }
    }

    /// Where the source is, for `DESCRIBE CONNECTOR`.
    pub(crate) fn position(&self) -> String {
        match self {
            SourceTask::Debezium { lsn, snapshot_pending, .. } => {
                if *snapshot_pending { "snapshot pending".to_string() } else { format!("lsn {lsn}") }
            }
            SourceTask::Jdbc { last_seen, .. } => {
                let parts: Vec<String> = last_seen.iter().map(|(t, v)| format!("{t}: {v}")).collect();
                if parts.is_empty() { "nothing read yet".to_string() } else { parts.join(", ") }
            }
            SourceTask::File { line, .. } => format!("line {line}"),
        }
    }

    /// Rewinds the source offset (Connect 3.6's `PATCH /connectors/{name}/offsets`): a log
    /// position for CDC (0 replays a fresh snapshot), a line for files, a value for JDBC.
    pub(crate) fn reset(&mut self, offset: u64) {
        match self {
            SourceTask::Debezium { lsn, snapshot_pending, .. } => {
                *lsn = offset;
                *snapshot_pending = offset == 0;
            }
            SourceTask::Jdbc { last_seen, next_poll_ms, .. } => {
                last_seen.clear();
                *next_poll_ms = None;
            }
            SourceTask::File { line, .. } => *line = usize::try_from(offset).unwrap_or(usize::MAX),
        }
    }

    /// What to send now (at most `max`); nothing is remembered until [`SourceTask::advance`].
    pub(crate) fn poll(&mut self, db: &Database, files: &Files, now_ms: Millis, max: usize) -> Vec<SourceRecord> {
        match self {
            SourceTask::Debezium { prefix, tables, snapshot_pending, lsn, tombstones } => {
                if *snapshot_pending {
                    let at_lsn = db.last_lsn();
                    let mut out: Vec<SourceRecord> = included(db, tables)
                        .flat_map(|table| table.rows.values().map(move |row| (table, row)))
                        .map(|(table, row)| SourceRecord {
                            topic: format!("{prefix}.{SCHEMA}.{}", table.name),
                            record: debezium_record(prefix, table, "r", None, Some(row), now_ms, at_lsn),
                            after: SourceOffset::None,
                        })
                        .collect();
                    match out.last_mut() {
                        Some(last) => last.after = SourceOffset::SnapshotDone(at_lsn),
                        None => {
                            *snapshot_pending = false;
                            *lsn = at_lsn;
                        }
                    }
                    return out;
                }
                let mut out = Vec::new();
                for change in db.changes_after(*lsn).iter().take(max) {
                    let excluded = !tables.is_empty() && !tables.contains(&change.table);
                    let table = match db.table(&change.table) {
                        Ok(table) if !excluded => table,
                        // Not captured: skip it (at once, when nothing waits to be sent before it).
                        _ => {
                            if out.is_empty() {
                                *lsn = change.lsn;
                            }
                            continue;
                        }
                    };
                    let topic = format!("{prefix}.{SCHEMA}.{}", change.table);
                    let op = match change.op {
                        ChangeOp::Insert => "c",
                        ChangeOp::Update => "u",
                        ChangeOp::Delete => "d",
                    };
                    let record = debezium_record(prefix, table, op, change.before.as_ref(), change.after.as_ref(), change.ts_ms, change.lsn);
                    if change.op == ChangeOp::Delete && *tombstones {
                        let key = record.key.clone();
                        out.push(SourceRecord { topic: topic.clone(), record, after: SourceOffset::None });
                        out.push(SourceRecord { topic, record: ProducerRecord { key, ..ProducerRecord::default() }, after: SourceOffset::Lsn(change.lsn) });
                    } else {
                        out.push(SourceRecord { topic, record, after: SourceOffset::Lsn(change.lsn) });
                    }
                }
                out
            }
            SourceTask::Jdbc { prefix, tables, mode, poll_interval_ms, next_poll_ms, last_seen } => {
                if next_poll_ms.is_some_and(|next| now_ms < next) {
                    return Vec::new();
                }
                *next_poll_ms = Some(now_ms.saturating_add(*poll_interval_ms));
                let mut out = Vec::new();
                for table in included(db, tables) {
                    let topic = format!("{prefix}{}", table.name);
                    let mut rows: Vec<&Row> = table.rows.values().collect();
                    let column = match mode {
                        JdbcMode::Bulk => None,
                        JdbcMode::Incrementing { column } | JdbcMode::Timestamp { column } => Some(column.clone()),
                    };
                    if let Some(column) = &column {
                        let last = last_seen.get(&table.name).and_then(Value::as_f64);
                        rows.retain(|row| row.get(column).and_then(Value::as_f64).is_some_and(|v| last.is_none_or(|l| v > l)));
                        rows.sort_by(|a, b| {
                            let (x, y) = (a.get(column).and_then(Value::as_f64), b.get(column).and_then(Value::as_f64));
                            x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
                        });
                    }
                    for row in rows.into_iter().take(max) {
                        let after = match &column {
                            Some(c) => SourceOffset::Jdbc { table: table.name.clone(), value: row.get(c).cloned().unwrap_or(Value::Null) },
                            None => SourceOffset::None,
                        };
                        let value = Value::Object(row.clone()).to_string();
                        out.push(SourceRecord { topic: topic.clone(), record: ProducerRecord { value: Some(value.as_bytes().into()), ..ProducerRecord::default() }, after });
                    }
                }
                out
            }
            SourceTask::File { path, topic, line } => files
                .lines(path)
                .iter()
                .enumerate()
                .skip(*line)
                .take(max)
                .map(|(index, text)| SourceRecord {
                    topic: topic.clone(),
                    record: ProducerRecord { value: Some(text.as_bytes().into()), ..ProducerRecord::default() },
                    after: SourceOffset::Line(index + 1),
                })
                .collect(),
        }
    }

    /// Remembers a sent record's source offset.
    pub(crate) fn advance(&mut self, offset: &SourceOffset) {
        match (self, offset) {
            (SourceTask::Debezium { lsn, .. }, SourceOffset::Lsn(n)) => *lsn = *n,
            (SourceTask::Debezium { lsn, snapshot_pending, .. }, SourceOffset::SnapshotDone(n)) => {
                *lsn = *n;
                *snapshot_pending = false;
            }
            (SourceTask::Jdbc { last_seen, .. }, SourceOffset::Jdbc { table, value }) => {
                last_seen.insert(table.clone(), value.clone());
            }
            (SourceTask::File { line, .. }, SourceOffset::Line(n)) => *line = *n,
            _ => {}
        }
    }
}

fn strip_schema(table: &str) -> String {
    table.rsplit('.').next().unwrap_or(table).to_string()
}

fn included<'a>(db: &'a Database, tables: &'a [String]) -> impl Iterator<Item = &'a Table> + 'a {
    db.tables().filter(move |t| tables.is_empty() || tables.contains(&t.name))
}

/// A Debezium change event (JSON converter, schemas disabled): key `{"<pk>": value}`, value the
/// envelope `{before, after, source, op, ts_ms}`.
fn debezium_record(prefix: &str, table: &Table, op: &str, before: Option<&Row>, after: Option<&Row>, ts_ms: Millis, lsn: u64) -> ProducerRecord {
    let key_value = after.or(before).and_then(|row| row.get(&table.primary_key)).cloned().unwrap_or(Value::Null);
    let mut key = Map::new();
    key.insert(table.primary_key.clone(), key_value);
    let value = json!({
        "before": before.map(|r| Value::Object(r.clone())),
        "after": after.map(|r| Value::Object(r.clone())),
        "source": {"connector": "postgresql", "name": prefix, "ts_ms": ts_ms, "db": DATABASE_NAME, "schema": SCHEMA, "table": table.name, "lsn": lsn},
        "op": op,
        "ts_ms": ts_ms,
    });
    ProducerRecord {
        key: Some(Value::Object(key).to_string().as_bytes().into()),
        value: Some(value.to_string().as_bytes().into()),
        timestamp: Some(ts_ms),
        ..ProducerRecord::default()
    }
}
