//! A table's materialised state: the fold of its changelog topic.
//!
//! A table is the latest value per key. Reading its topic from the beginning, each record
//! *upserts* its key (inserts it, or replaces the previous value); a record with a null value is
//! a *tombstone* that deletes the key; a record with a null key is dropped (a table row needs a
//! key). Windowed tables (from `WINDOW ... GROUP BY`) key each row by key *and* window, and
//! forget windows older than their retention.
//!
//! This is what pull queries read and what the UI shows as "the table now".

use super::sink::WindowKeyKind;
use super::source::SourceDecoder;
use super::ProcessingLog;
use crate::clock::Millis;
use crate::log::{Log, Record};
use crate::sql::ops;
use crate::sql::value::Value;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// How many records one catch-up reads from a partition per fetch.
const FETCH_BATCH: usize = 1024;

/// One row of a table as plain data.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRowView {
    pub key: Vec<Value>,
    pub values: Vec<Value>,
    /// `(WINDOWSTART, WINDOWEND)` of a windowed table's row.
    pub window: Option<(Millis, Millis)>,
    /// The timestamp, partition and offset of the changelog record that last set this row.
    pub timestamp: Millis,
    pub partition: u32,
    pub offset: u64,
}

/// The window layout of a windowed table's keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowedKeys {
    pub kind: WindowKeyKind,
    /// The window size (time windows), to compute WINDOWEND.
    pub size: Millis,
    /// Windows ending this long before the newest row's time are forgotten.
    pub retention: Millis,
}

#[derive(Debug)]
pub struct MaterializedTable {
    topic: String,
    decoder: SourceDecoder,
    windowed: Option<WindowedKeys>,
    rows: HashMap<String, TableRowView>,
    /// Next offset to read, per partition.
    positions: BTreeMap<u32, u64>,
    /// The newest timestamp seen (windowed tables' retention).
    stream_time: Millis,
}

impl MaterializedTable {
    pub fn new(
        topic: &str,
        decoder: SourceDecoder,
        windowed: Option<WindowedKeys>,
    ) -> MaterializedTable {
        MaterializedTable {
            topic: topic.to_string(),
            decoder,
            windowed,
            rows: HashMap::new(),
            positions: BTreeMap::new(),
            stream_time: Millis::MIN,
        }
    }

    /// Applies one changelog record: upsert, tombstone, or drop (null key, unreadable).
    pub fn apply(&mut self, record: &Record, log: &mut ProcessingLog) {
        let (record, window) = match (self.windowed, record.key.as_deref()) {
            (Some(windowed), Some(bytes)) => match windowed.kind.split(bytes, windowed.size) {
                Some((inner, window)) => {
                    let mut inner_record = record.clone();
                    inner_record.key = Some(inner.into());
                    (inner_record, Some(window))
                }
                None => {
                    log.record(format!(
                        "Dropped a windowed table record with a malformed key at {}-{}",
                        record.partition, record.offset
                    ));
                    return;
                }
            },
            _ => (record.clone(), None),
        };
        let Some(row) = self.decoder.decode(&record, log) else {
            return;
        };
        let n_keys = self.decoder.key_columns.len();
        let n_values = self.decoder.value_columns().len();
        let key = row.key().to_vec();
        if key.is_empty() || key.iter().any(Value::is_null) {
            return;
        }
        let id = format!("{key:?}{window:?}");
        if row.tombstone {
            self.rows.remove(&id);
        } else {
            let values = row
                .values
                .get(n_keys..n_keys + n_values)
                .map(<[Value]>::to_vec)
                .unwrap_or_default();
            self.rows.insert(
                id,
                TableRowView {
                    key,
                    values,
                    window,
                    timestamp: row.timestamp,
                    partition: row.partition,
                    offset: row.offset,
                },
            );
        }
        if let Some(windowed) = self.windowed {
            self.stream_time = self.stream_time.max(row.timestamp);
            let oldest_end = self.stream_time.saturating_sub(windowed.retention);
            self.rows
                .retain(|_, r| r.window.is_none_or(|(_, end)| end >= oldest_end));
        }
    }

    /// Reads what the changelog topic holds beyond what was applied.
    pub fn catch_up(&mut self, source_log: &Log, log: &mut ProcessingLog) {
        let Ok(topic) = source_log.topic(&self.topic) else {
            return;
        };
        let partitions: Vec<(u32, u64, u64)> = topic
            .partitions()
            .iter()
            .map(|p| (p.id(), p.log_start_offset(), p.log_end_offset()))
            .collect();
        for (partition, start, end) in partitions {
            let mut position = self
                .positions
                .get(&partition)
                .copied()
                .unwrap_or(start)
                .max(start);
            while position < end {
                let Ok(batch) = source_log.fetch(&self.topic, partition, position, FETCH_BATCH)
                else {
                    break;
                };
                let Some(last) = batch.last() else { break };
                position = last.offset.saturating_add(1);
                for record in &batch {
                    self.apply(record, log);
                }
            }
            self.positions.insert(partition, position);
        }
    }

    /// The rows, ordered by key then window start.
    pub fn rows(&self) -> Vec<TableRowView> {
        let mut rows: Vec<TableRowView> = self.rows.values().cloned().collect();
        rows.sort_by(|a, b| compare_keys(&a.key, &b.key).then_with(|| a.window.cmp(&b.window)));
        rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

fn compare_keys(left: &[Value], right: &[Value]) -> Ordering {
    for (l, r) in left.iter().zip(right) {
        match ops::compare(l, r).unwrap_or(Ordering::Equal) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    left.len().cmp(&right.len())
}
