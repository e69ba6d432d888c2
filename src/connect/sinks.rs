//! Sink connectors: each is a consumer group (`connect-<name>`, as Kafka Connect names it) with
//! its own committed offsets, writing into a visible target: a warehouse table (JDBC sink), a
//! search index (Elasticsearch), a cache (Redis: key → latest value), a data lake (S3 files per
//! time period) or a nightly batch load. A stopped sink's lag grows; restarted, it resumes from
//! its committed offsets and drains; reset, it replays from an offset.

use super::config::{Config, ConnectError, ConnectorClass};
use super::lake::{Lake, Partitioner};
use crate::clock::Millis;
use crate::log::{Log, Record};
use std::collections::BTreeMap;

/// Kafka's `max.poll.records`.
const MAX_POLL_RECORDS: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// JDBC sink: `insert.mode=insert` appends rows; `upsert` keeps one row per record key.
    Warehouse { table_format: String, upsert: bool, delete_enabled: bool, rows: Vec<(String, String, String)> },
    /// Elasticsearch: document id = record key, or `topic+partition+offset` with `key.ignore`.
    SearchIndex { key_ignore: bool, on_null: NullBehaviour, docs: BTreeMap<(String, String), String> },
    /// Redis: key → latest value; a tombstone deletes the key.
    Cache { entries: BTreeMap<String, String> },
    Lake(Lake),
    /// Loads everything waiting once per `batch.interval.ms`, at `batch.hour.utc` o'clock.
    NightlyBatch { interval_ms: Millis, next_load_ms: Millis, last_load_ms: Option<Millis>, rows: BTreeMap<String, String>, n_loads: u64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NullBehaviour {
    Ignore,
    Delete,
    Fail,
}

impl Target {
    pub(crate) fn from_config(class: ConnectorClass, config: &Config, now_ms: Millis) -> Result<Target, ConnectError> {
        Ok(match class {
            ConnectorClass::JdbcSink => {
                let insert_mode = config.choice_or("insert.mode", &["insert", "upsert", "update"], "insert")?;
                let pk_mode = config.choice_or("pk.mode", &["none", "record_key", "record_value", "kafka"], "none")?;
                let upsert = insert_mode != "insert";
                if upsert && pk_mode != "record_key" {
                    return Err(config.error(format!("insert.mode={insert_mode} needs pk.mode=record_key here (streamlab keys rows by the record key)")));
                }
                Target::Warehouse {
                    table_format: config.text_or("table.name.format", "${topic}").to_string(),
                    upsert,
                    delete_enabled: config.bool_or("delete.enabled", false)?,
                    rows: Vec::new(),
                }
            }
            ConnectorClass::Elasticsearch => {
                let on_null = match config.choice_or("behavior.on.null.values", &["ignore", "delete", "fail"], "fail")?.as_str() {
                    "ignore" => NullBehaviour::Ignore,
                    "delete" => NullBehaviour::Delete,
                    _ => NullBehaviour::Fail,
                };
                Target::SearchIndex { key_ignore: config.bool_or("key.ignore", false)?, on_null, docs: BTreeMap::new() }
            }
            ConnectorClass::Redis => Target::Cache { entries: BTreeMap::new() },
            ConnectorClass::S3 => {
                config.required("s3.bucket.name")?;
                let flush_size = config.u64_or("flush.size", 0)?;
                if flush_size == 0 {
                    return Err(config.error("Missing required configuration \"flush.size\" which has no default value."));
                }
                let class = config.text_or("partitioner.class", "io.confluent.connect.storage.partitioner.DefaultPartitioner");
                let partitioner = match class.rsplit('.').next().unwrap_or(class) {
                    "DefaultPartitioner" => Partitioner::Default,
                    "DailyPartitioner" => Partitioner::Time { duration_ms: 86_400_000, path_format: "'year'=YYYY/'month'=MM/'day'=dd".to_string() },
                    "HourlyPartitioner" => Partitioner::Time { duration_ms: 3_600_000, path_format: "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH".to_string() },
                    "TimeBasedPartitioner" => Partitioner::Time {
                        duration_ms: millis(config.u64_or("partition.duration.ms", 0)?).max(1),
                        path_format: config.required("path.format")?.to_string(),
                    },
                    other => return Err(config.error(format!("Unknown partitioner.class {other}"))),
                };
                Target::Lake(Lake {
                    bucket: config.required("s3.bucket.name")?.to_string(),
                    topics_dir: config.text_or("topics.dir", "topics").to_string(),
                    flush_size: usize::try_from(flush_size).unwrap_or(usize::MAX),
                    rotate_interval_ms: config.get("rotate.interval.ms").map(|_| config.u64_or("rotate.interval.ms", 0)).transpose()?.map(millis),
                    partitioner,
                    buffers: BTreeMap::new(),
                    files: BTreeMap::new(),
                })
            }
            ConnectorClass::NightlyBatch => {
                let interval_ms = millis(config.u64_or("batch.interval.ms", 86_400_000)?).max(1);
                let hour = millis(config.u64_or("batch.hour.utc", 2)?.min(23));
                let day_start = now_ms.div_euclid(86_400_000).saturating_mul(86_400_000);
                let mut next_load_ms = day_start.saturating_add(hour.saturating_mul(3_600_000));
                while next_load_ms <= now_ms {
                    next_load_ms = next_load_ms.saturating_add(interval_ms);
                }
                Target::NightlyBatch { interval_ms, next_load_ms, last_load_ms: None, rows: BTreeMap::new(), n_loads: 0 }
            }
            _ => return Err(config.error("not a sink connector class")),
        })
    }

    /// Whether the sink reads at `now_ms` (a batch loader only at its hour).
    fn reads_now(&self, now_ms: Millis) -> bool {
        match self {
            Target::NightlyBatch { next_load_ms, .. } => now_ms >= *next_load_ms,
            _ => true,
        }
    }

    /// Writes one record. Returns `Err(trace)` when the task must fail.
    fn write(&mut self, topic: &str, record: Record) -> Result<Option<(String, u32, u64)>, String> {
        let key = record.key.as_deref().map(|k| String::from_utf8_lossy(k).into_owned());
        let value = record.value.as_deref().map(|v| String::from_utf8_lossy(v).into_owned());
        match self {
            Target::Warehouse { table_format, upsert, delete_enabled, rows } => {
                let table = table_format.replace("${topic}", topic);
                let key_text = key.unwrap_or_else(|| "null".to_string());
                match (value, *upsert) {
                    (None, true) if *delete_enabled => rows.retain(|(t, k, _)| !(t == &table && k == &key_text)),
                    (None, _) => {}
                    (Some(value), true) => match rows.iter_mut().find(|(t, k, _)| t == &table && k == &key_text) {
                        Some(row) => row.2 = value,
                        None => rows.push((table, key_text, value)),
                    },
                    (Some(value), false) => rows.push((table, key_text, value)),
                }
            }
            Target::SearchIndex { key_ignore, on_null, docs } => {
                let index = topic.to_ascii_lowercase();
                let id = match (&key, *key_ignore) {
                    (Some(key), false) => key.clone(),
                    _ => format!("{topic}+{}+{}", record.partition, record.offset),
                };
                match (value, *on_null) {
                    (Some(value), _) => {
                        docs.insert((index, id), value);
                    }
                    (None, NullBehaviour::Delete) => {
                        docs.remove(&(index, id));
                    }
                    (None, NullBehaviour::Ignore) => {}
                    (None, NullBehaviour::Fail) => {
                        return Err(format!(
                            "DataException: Sink record with key of {} and null value encountered for topic/partition/offset {topic}/{}/{} (to ignore future records like this change the configuration behavior.on.null.values to 'IGNORE')",
                            key.as_deref().unwrap_or("null"),
                            record.partition,
                            record.offset
                        ))
                    }
                }
            }
            Target::Cache { entries } => {
                let key = key.unwrap_or_else(|| "null".to_string());
                match value {
                    Some(value) => {
                        entries.insert(key, value);
                    }
                    None => {
                        entries.remove(&key);
                    }
                }
            }
            Target::Lake(lake) => return Ok(lake.write(topic, record)),
            Target::NightlyBatch { rows, .. } => {
                let key = key.unwrap_or_else(|| format!("{topic}+{}+{}", record.partition, record.offset));
                match value {
                    Some(value) => {
                        rows.insert(key, value);
                    }
                    None => {
                        rows.remove(&key);
                    }
                }
            }
        }
        Ok(None)
    }

    /// Whether the target commits offsets itself (after files are written) rather than after
    /// every poll.
    fn commits_itself(&self) -> bool {
        matches!(self, Target::Lake(_))
    }

    /// A stopped task loses what it held in memory.
    fn on_stop(&mut self) {
        if let Target::Lake(lake) = self {
            lake.buffers.clear();
        }
    }

    fn after_poll_round(&mut self, now_ms: Millis) {
        if let Target::NightlyBatch { interval_ms, next_load_ms, last_load_ms, n_loads, .. } = self {
            *last_load_ms = Some(now_ms);
            *n_loads += 1;
            while *next_load_ms <= now_ms {
                *next_load_ms = next_load_ms.saturating_add(*interval_ms);
            }
        }
    }
}

fn millis(value: u64) -> Millis {
    Millis::try_from(value).unwrap_or(Millis::MAX)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SinkTask {
    pub(crate) group: String,
    pub(crate) member: String,
    pub(crate) topics: Vec<String>,
    pub(crate) target: Target,
    pub(crate) records_written: u64,
}

impl SinkTask {
    /// Reads what its group may read now, writes it, commits. `Err(trace)`: the task failed.
    pub(crate) fn run(&mut self, log: &mut Log, now_ms: Millis) -> Result<u64, String> {
        if !self.target.reads_now(now_ms) {
            return Ok(0);
        }
        let mut n_written = 0;
        loop {
            let records = log.poll(&self.group, &self.member, MAX_POLL_RECORDS).map_err(|e| e.to_string())?;
            if records.is_empty() {
                break;
            }
            for consumer_record in records {
                let topic = consumer_record.topic.to_string();
                match self.target.write(&topic, consumer_record.record) {
                    Ok(Some((topic, partition, offset))) => {
                        log.commit_offset(&self.group, &topic, partition, offset).map_err(|e| e.to_string())?;
                    }
                    Ok(None) => {}
                    Err(trace) => return Err(trace),
                }
                n_written += 1;
                self.records_written += 1;
            }
            if !self.target.commits_itself() {
                log.commit(&self.group, &self.member).map_err(|e| e.to_string())?;
            }
        }
        self.target.after_poll_round(now_ms);
        Ok(n_written)
    }

    /// The task stops: what it buffered in memory is gone.
    pub(crate) fn stop(&mut self) {
        self.target.on_stop();
    }

    /// A restart: in-memory state is gone; reading resumes from the committed offsets (the
    /// log start where nothing was committed).
    pub(crate) fn restart(&mut self, log: &mut Log) {
        self.target.on_stop();
        let Ok(lags) = log.group_lag(&self.group) else { return };
        for lag in lags {
            let offset = lag.committed.unwrap_or(lag.log_start).clamp(lag.log_start, lag.log_end);
            let _ = log.seek(&self.group, &lag.topic, lag.partition, offset);
        }
    }

    /// Replays from `offset` on every partition (clamped to what the log holds).
    pub(crate) fn reset(&mut self, log: &mut Log, offset: u64) {
        self.target.on_stop();
        let Ok(lags) = log.group_lag(&self.group) else { return };
        for lag in lags {
            let offset = offset.clamp(lag.log_start, lag.log_end);
            let _ = log.commit_offset(&self.group, &lag.topic, lag.partition, offset);
            let _ = log.seek(&self.group, &lag.topic, lag.partition, offset);
        }
    }
}
