//! Kafka Connect, simulated: source connectors bring data in (CDC from a database whose rows are
//! visible and editable, a JDBC poller, a file tail) and sink connectors take it out (warehouse,
//! search index, cache, data lake, nightly batch), without application code. Declared in SQL as
//! ksqlDB does (`CREATE SOURCE|SINK CONNECTOR ... WITH (...)`, `SHOW CONNECTORS`, `DESCRIBE
//! CONNECTOR`, `DROP CONNECTOR`) with the real connector classes and config keys.
//!
//! Sources send through the cluster (`crate::cluster`) with acks=all and retry what it refuses;
//! sinks are consumer groups named `connect-<name>` and read only committed records. Each runs
//! once per tick of virtual time, after replication and before the SQL engine.
//!
//! Where we differ from Connect: one task per connector; a source's offsets live with the
//! connector, not in a `connect-offsets` topic; converters are JSON without schemas (strings
//! for the file source); targets live in memory.

mod config;
mod database;
mod lake;
mod script;
mod sinks;
mod sources;
pub mod view;

pub use config::{Config, ConnectError, ConnectorClass, CLASSES};
pub use database::{Change, ChangeOp, Database, DatabaseError, Files, Row, Table, UPDATED_AT_COLUMN};
pub use script::execute_script;
pub use sources::SCHEMA;

use crate::clock::Millis;
use crate::cluster::{Acks, Cluster};
use crate::log::{GroupConfig, Log, OffsetReset, TopicConfig};
use crate::sql::ast::ConnectorStatement;
use crate::sql::{SqlError, StatementResult};
use sinks::{SinkTask, Target};
use sources::SourceTask;
use std::collections::BTreeMap;

/// The connector's (single) task state, as Connect's REST API reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectorState {
    Running,
    /// Stopped by the learner (Connect's `PAUSED`): a sink's lag grows.
    Paused,
    /// The task failed; the trace says why. A restart tries again.
    Failed(String),
}

impl ConnectorState {
    pub fn label(&self) -> &'static str {
        match self {
            ConnectorState::Running => "RUNNING",
            ConnectorState::Paused => "PAUSED",
            ConnectorState::Failed(_) => "FAILED",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Task {
    Source(SourceTask),
    Sink(SinkTask),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Connector {
    name: String,
    class_name: &'static str,
    class: ConnectorClass,
    config: Config,
    state: ConnectorState,
    task: Task,
    /// Records sent (source) or written (sink).
    n_records: u64,
}

impl Connector {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn class_name(&self) -> &'static str {
        self.class_name
    }

    pub fn class(&self) -> ConnectorClass {
        self.class
    }

    pub fn is_source(&self) -> bool {
        matches!(self.task, Task::Source(_))
    }

    pub fn state(&self) -> &ConnectorState {
        &self.state
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn n_records(&self) -> u64 {
        self.n_records
    }

    /// A sink's consumer group (`connect-<name>`).
    pub fn group(&self) -> Option<&str> {
        match &self.task {
            Task::Sink(sink) => Some(&sink.group),
            Task::Source(_) => None,
        }
    }
}

/// The Connect cluster and the systems around Kafka that its connectors read and write.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Connect {
    connectors: BTreeMap<String, Connector>,
    pub database: Database,
    pub files: Files,
}

/// How many records a source sends per tick at most.
const SOURCE_BATCH: usize = 500;

impl Connect {
    pub fn connectors(&self) -> impl Iterator<Item = &Connector> {
        self.connectors.values()
    }

    pub fn connector(&self, name: &str) -> Result<&Connector, ConnectError> {
        self.connectors.get(name).ok_or_else(|| unknown(name))
    }

    pub fn is_empty(&self) -> bool {
        self.connectors.is_empty()
    }

    /// Creates and starts a connector (`POST /connectors`). A sink joins its group reading from
    /// the earliest offset (Connect's `consumer.auto.offset.reset=earliest`).
    pub fn create(&mut self, log: &mut Log, name: &str, source: bool, entries: Vec<(String, String)>, now_ms: Millis) -> Result<(), ConnectError> {
        let config = Config::new(name, entries);
        if name.is_empty() {
            return Err(config.error("a connector needs a name"));
        }
        if self.connectors.contains_key(name) {
            return Err(config.error("Connector already exists"));
        }
        let (class_name, class, is_source) = config.class()?;
        if is_source != source {
            let (said, is) = if source { ("SOURCE", "sink") } else { ("SINK", "source") };
            return Err(config.error(format!("{class_name} is a {is} connector, not a {said} connector")));
        }
        let task = if source {
            Task::Source(SourceTask::from_config(class, &config)?)
        } else {
            let topics = config.list("topics");
            if topics.is_empty() {
                return Err(config.error("Must configure one of topics or topics.regex"));
            }
            let target = Target::from_config(class, &config, now_ms)?;
            let group = format!("connect-{name}");
            let member = format!("connector-consumer-{name}-0");
            let topic_refs: Vec<&str> = topics.iter().map(String::as_str).collect();
            let group_config = GroupConfig { auto_offset_reset: OffsetReset::Earliest, enable_auto_commit: false, ..GroupConfig::default() };
            log.join_group(&group, &member, &topic_refs, group_config).map_err(|e| config.error(e.to_string()))?;
            Task::Sink(SinkTask { group, member, topics, target, records_written: 0 })
        };
        let connector = Connector { name: name.to_string(), class_name, class, config, state: ConnectorState::Running, task, n_records: 0 };
        self.connectors.insert(name.to_string(), connector);
        Ok(())
    }

    /// Deletes a connector; a sink's group (and its offsets) stays, as in Connect.
    pub fn drop_connector(&mut self, log: &mut Log, name: &str) -> Result<(), ConnectError> {
        let connector = self.connectors.remove(name).ok_or_else(|| unknown(name))?;
        if let Task::Sink(sink) = &connector.task {
            let _ = log.leave_group(&sink.group, &sink.member);
        }
        Ok(())
    }

    /// Stops a connector (`PUT /connectors/{name}/pause`): a sink's task loses what it buffered.
    pub fn pause(&mut self, name: &str) -> Result<(), ConnectError> {
        let connector = self.connectors.get_mut(name).ok_or_else(|| unknown(name))?;
        if let Task::Sink(sink) = &mut connector.task {
            sink.stop();
        }
        connector.state = ConnectorState::Paused;
        Ok(())
    }

    /// Restarts a paused or failed connector: a sink resumes from its committed offsets.
    pub fn resume(&mut self, log: &mut Log, name: &str) -> Result<(), ConnectError> {
        let connector = self.connectors.get_mut(name).ok_or_else(|| unknown(name))?;
        if let Task::Sink(sink) = &mut connector.task {
            sink.restart(log);
        }
        connector.state = ConnectorState::Running;
        Ok(())
    }

    /// Resets offsets (`PATCH /connectors/{name}/offsets`): a sink replays from `offset` on each
    /// partition; a source rewinds its source position (a log sequence number, a line).
    pub fn reset_offsets(&mut self, log: &mut Log, name: &str, offset: u64) -> Result<(), ConnectError> {
        let connector = self.connectors.get_mut(name).ok_or_else(|| unknown(name))?;
        match &mut connector.task {
            Task::Sink(sink) => sink.reset(log, offset),
            Task::Source(source) => source.reset(offset),
        }
        Ok(())
    }

    /// One tick: every running source sends what is new, every running sink drains what it can.
    pub fn tick(&mut self, log: &mut Log, cluster: &mut Cluster, now_ms: Millis) -> u64 {
        let Connect { connectors, database, files } = self;
        let mut n_moved = 0;
        for connector in connectors.values_mut() {
            if connector.state != ConnectorState::Running {
                continue;
            }
            match &mut connector.task {
                Task::Source(source) => {
                    for record in source.poll(database, files, now_ms, SOURCE_BATCH) {
                        if !log.has_topic(&record.topic) && log.create_topic(&record.topic, TopicConfig::default()).is_err() {
                            break;
                        }
                        // A refused send (offline partition, too few in-sync replicas) is retried
                        // next tick: the source offset stays where it was.
                        if cluster.produce(log, &record.topic, record.record, Acks::All, now_ms).is_err() {
                            break;
                        }
                        source.advance(&record.after);
                        connector.n_records += 1;
                        n_moved += 1;
                    }
                }
                Task::Sink(sink) => match sink.run(log, now_ms) {
                    Ok(n) => {
                        connector.n_records += n;
                        n_moved += n;
                    }
                    Err(trace) => connector.state = ConnectorState::Failed(trace),
                },
            }
        }
        n_moved
    }

    // ---- SQL ------------------------------------------------------------------------------------

    /// Runs a connector statement as ksqlDB's CLI shows it.
    pub fn execute(&mut self, log: &mut Log, statement: &ConnectorStatement, now_ms: Millis) -> Result<StatementResult, SqlError> {
        match statement {
            ConnectorStatement::Create { source, name, if_not_exists, config, span } => {
                if *if_not_exists && self.connectors.contains_key(name) {
                    return Ok(StatementResult::Ack { message: format!("Connector {name} already exists") });
                }
                self.create(log, name, *source, config.clone(), now_ms).map_err(|e| SqlError::invalid(e.to_string()).at(*span))?;
                Ok(StatementResult::Ack { message: format!("Created connector {name}") })
            }
            ConnectorStatement::Show => Ok(StatementResult::Table {
                columns: ["Connector Name", "Type", "Class", "Status"].map(str::to_string).to_vec(),
                rows: self
                    .connectors
                    .values()
                    .map(|c| {
                        vec![
                            c.name.clone(),
                            if c.is_source() { "SOURCE" } else { "SINK" }.to_string(),
                            c.class_name.to_string(),
                            format!("{} (1/1 tasks {})", c.state.label(), c.state.label()),
                        ]
                    })
                    .collect(),
            }),
            ConnectorStatement::Describe { name, span } => {
                let connector = self.connector(name).map_err(|e| SqlError::invalid(e.to_string()).at(*span))?;
                Ok(StatementResult::Text { lines: self.describe(log, connector) })
            }
            ConnectorStatement::Drop { name, if_exists, span } => {
                if *if_exists && !self.connectors.contains_key(name) {
                    return Ok(StatementResult::Ack { message: format!("Connector {name} does not exist") });
                }
                self.drop_connector(log, name).map_err(|e| SqlError::invalid(e.to_string()).at(*span))?;
                Ok(StatementResult::Ack { message: format!("Dropped connector \"{name}\"") })
            }
        }
    }

    fn describe(&self, log: &Log, connector: &Connector) -> Vec<String> {
        let mut lines = vec![
            format!("Name                 : {}", connector.name),
            format!("Class                : {}", connector.class_name),
            format!("Type                 : {}", if connector.is_source() { "source" } else { "sink" }),
            format!("State                : {}", connector.state.label()),
            "WorkerId             : streamlab-connect:8083".to_string(),
            String::new(),
            format!(" {:<8}| {:<8}| Error Trace", "Task ID", "State"),
            "-".repeat(40),
            format!(" {:<8}| {:<8}| {}", 0, connector.state.label(), match &connector.state {
                ConnectorState::Failed(trace) => trace.as_str(),
                _ => "",
            }),
            "-".repeat(40),
            String::new(),
        ];
        match &connector.task {
            Task::Source(source) => {
                lines.push(format!("Related Topics       : {}", source.topics(&self.database).join(", ")));
                lines.push(format!("Source offset        : {}", source.position()));
            }
            Task::Sink(sink) => {
                lines.push(format!("Related Topics       : {}", sink.topics.join(", ")));
                lines.push(format!("Consumer group       : {}", sink.group));
                if let Ok(lags) = log.group_lag(&sink.group) {
                    for lag in lags {
                        lines.push(format!(
                            "  {}-{}: committed {}, log end {}, lag {}",
                            lag.topic,
                            lag.partition,
                            lag.committed.map_or_else(|| "-".to_string(), |c| c.to_string()),
                            lag.log_end,
                            lag.lag.map_or_else(|| "-".to_string(), |l| l.to_string())
                        ));
                    }
                }
            }
        }
        lines.push(format!("Records              : {}", connector.n_records));
        lines.push(String::new());
        lines.push("Config:".to_string());
        lines.extend(connector.config.entries.iter().map(|(k, v)| format!("  {k} = {v}")));
        lines
    }
}

fn unknown(name: &str) -> ConnectError {
    ConnectError { connector: name.to_string(), message: "Connector not found".to_string() }
}

#[cfg(test)]
mod tests;
