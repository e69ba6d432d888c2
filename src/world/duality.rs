//! The stream ⇄ table view: a table next to the stream it is folded from.
//!
//! For a table (a `CREATE TABLE` over a topic, or a `CREATE TABLE AS SELECT`) it shows the
//! recent records of its source topic and what each did to the table (insert, update old → new,
//! delete, or not yet read by the query), the table's current rows, and the table's changelog
//! read back as a stream. **Provenance:** selecting a row lights up the source records that
//! built it, and selecting a record lights up its row.
//!
//! The engine does not track lineage, so it is derived from the log: a source record belongs
//! to the table row with the same key (true for `GROUP BY` the source's key and for tables over
//! a topic; a `GROUP BY` on a value column shows no provenance), and the records of one key
//! that the query has read are paired, newest first, with that key's changelog records. Each
//! list costs its page (≈100 rows) plus a bounded look-back, never the size of the log.

use super::World;
use crate::clock::Millis;
use crate::log::{Log, LogError, Record};
use crate::sql::format::display_value;
use crate::sql::SourceKind;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Rows per list.
pub const DUALITY_ROWS: usize = 100;
/// Changelog records read back per partition to tell inserts from updates.
const CHANGELOG_LOOKBACK: u64 = 1_000;
/// Source records scanned per partition for a selected row's provenance.
const PROVENANCE_LOOKBACK: u64 = 2_000;

/// What the learner selected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A table row, by its key as the changelog's records carry it.
    Row { key: String },
    /// A record of the source topic.
    Record { partition: u32, offset: u64 },
}

/// What a source record did to the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Insert { new: String },
    Update { old: String, new: String },
    /// A tombstone (or a row leaving a HAVING): the key is deleted.
    Delete { old: Option<String> },
    /// The key's value changed, from a value older than the look-back.
    Upsert { new: String },
    /// The query has not read it yet.
    Pending,
    /// Read, but no change to the table was found for it (filtered out, a NULL key, or a
    /// `GROUP BY` on another column).
    NoChange,
}

/// A changelog record's operation, found by reading the key's previous record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeOp {
    Insert,
    Update { old: String },
    Delete { old: Option<String> },
    /// The previous value is older than the look-back.
    Upsert,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingRecord {
    pub partition: u32,
    pub offset: u64,
    pub timestamp: Millis,
    pub key: Option<String>,
    pub value: Option<String>,
    pub effect: Effect,
    pub highlighted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRowLine {
    /// The key as the changelog's records carry it (what a selection names).
    pub key: String,
    /// The key columns as text.
    pub key_values: Vec<String>,
    pub values: Vec<String>,
    pub window: Option<(Millis, Millis)>,
    /// The changelog record that last set the row.
    pub changelog_partition: u32,
    pub changelog_offset: u64,
    pub highlighted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangelogEntry {
    pub partition: u32,
    pub offset: u64,
    pub timestamp: Millis,
    pub key: Option<String>,
    pub value: Option<String>,
    pub op: ChangeOp,
    pub highlighted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DualityView {
    pub table: String,
    pub table_topic: String,
    /// The stream (or table) the query reads; `None` for a table declared over its topic.
    pub source: Option<String>,
    pub source_topic: String,
    pub query_id: Option<String>,
    pub windowed: bool,
    pub key_columns: Vec<String>,
    pub value_columns: Vec<String>,
    /// Oldest first, at most [`DUALITY_ROWS`].
    pub incoming: Vec<IncomingRecord>,
    /// Ordered by key, at most [`DUALITY_ROWS`].
    pub rows: Vec<TableRowLine>,
    pub n_rows: usize,
    /// Oldest first, at most [`DUALITY_ROWS`].
    pub changelog: Vec<ChangelogEntry>,
    /// The key the selection is about.
    pub selected_key: Option<String>,
    /// Source records (partition, offset) that built the selected row, oldest first (the most
    /// recent [`DUALITY_ROWS`]).
    pub provenance: Vec<(u32, u64)>,
    /// How many were found in the look-back, and whether it reached the log start.
    pub n_provenance: usize,
    pub provenance_complete: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DualityError {
    UnknownTable { name: String },
    NotATable { name: String },
    Log(LogError),
}

impl fmt::Display for DualityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DualityError::UnknownTable { name } => write!(f, "Table '{name}' does not exist"),
            DualityError::NotATable { name } => write!(f, "'{name}' is a stream, not a table"),
            DualityError::Log(error) => write!(f, "{error}"),
        }
    }
}

impl From<LogError> for DualityError {
    fn from(error: LogError) -> Self {
        DualityError::Log(error)
    }
}

fn text(bytes: &Option<crate::log::Bytes>) -> Option<String> {
    bytes.as_ref().map(|b| String::from_utf8_lossy(b).into_owned())
}

/// The last `n` records of each partition of `topic` (up to each partition's `limit`, if
/// given), merged by timestamp, then partition and offset: the order a query reads them in.
pub(crate) fn merged_tail(
    log: &Log,
    topic: &str,
    n: u64,
    limits: Option<&BTreeMap<u32, u64>>,
) -> Result<Vec<Record>, LogError> {
    let mut records = Vec::new();
    for partition in log.topic(topic)?.partitions() {
        let end = limits
            .and_then(|l| l.get(&partition.id()).copied())
            .unwrap_or(partition.log_end_offset())
            .clamp(partition.log_start_offset(), partition.log_end_offset());
        let from = end.saturating_sub(n).max(partition.log_start_offset());
        let count = usize::try_from(end - from).unwrap_or(usize::MAX);
        records.extend(partition.fetch(topic, from, count)?);
    }
    records.sort_by_key(|r| (r.timestamp, r.partition, r.offset));
    Ok(records)
}

/// Each changelog record of the look-back with its operation, in log order per partition.
fn changelog_ops(log: &Log, topic: &str) -> Result<Vec<(Record, ChangeOp)>, LogError> {
    let mut out = Vec::new();
    for partition in log.topic(topic)?.partitions() {
        let (start, end) = (partition.log_start_offset(), partition.log_end_offset());
        let from = end.saturating_sub(CHANGELOG_LOOKBACK).max(start);
        let complete = from == start;
        let count = usize::try_from(end - from).unwrap_or(usize::MAX);
        let mut latest: HashMap<Option<crate::log::Bytes>, Option<crate::log::Bytes>> = HashMap::new();
        for record in partition.fetch(topic, from, count)? {
            let previous = latest.insert(record.key.clone(), record.value.clone());
            let op = match (previous, &record.value) {
                (Some(old), None) => ChangeOp::Delete { old: text(&old) },
                (None, None) => ChangeOp::Delete { old: None },
                (Some(Some(old)), Some(_)) => ChangeOp::Update { old: String::from_utf8_lossy(&old).into_owned() },
                (Some(None), Some(_)) => ChangeOp::Insert,
                (None, Some(_)) if complete => ChangeOp::Insert,
                (None, Some(_)) => ChangeOp::Upsert,
            };
            out.push((record, op));
        }
    }
    Ok(out)
}

fn effect_of(op: &ChangeOp, value: Option<String>) -> Effect {
    let new = value.unwrap_or_default();
    match op {
        ChangeOp::Insert => Effect::Insert { new },
        ChangeOp::Update { old } => Effect::Update { old: old.clone(), new },
        ChangeOp::Delete { old } => Effect::Delete { old: old.clone() },
        ChangeOp::Upsert => Effect::Upsert { new },
    }
}

impl World {
    /// The tables the stream ⇄ table view can show, in creation order.
    pub fn table_names(&self) -> Vec<String> {
        self.engine.sources().filter(|s| s.kind == SourceKind::Table).map(|s| s.name.clone()).collect()
    }

    /// The stream ⇄ table view of `table`, with `selection` lit up. Needs `&mut` only to catch
    /// the engine's copy of the table up with its changelog (no change the learner can see).
    pub fn duality_view(&mut self, table: &str, selection: Option<&Selection>) -> Result<DualityView, DualityError> {
        let info = self.engine.source(table).cloned().ok_or_else(|| DualityError::UnknownTable { name: table.to_string() })?;
        let Some(super::view::TableLineage { query_id, source, source_topic, .. }) = self.table_lineage(table) else {
            return Err(DualityError::NotATable { name: table.to_string() });
        };
        let positions = query_id.as_ref().and_then(|id| self.engine.query_positions(id));

        // The table now.
        let table_rows = self.engine.table_rows(&self.log, table).unwrap_or_default();
        let n_rows = table_rows.len();
        let rows: Vec<TableRowLine> = table_rows
            .into_iter()
            .take(DUALITY_ROWS)
            .map(|row| {
                let key = self
                    .log
                    .fetch(&info.topic, row.partition, row.offset, 1)
                    .ok()
                    .and_then(|records| records.into_iter().next())
                    .and_then(|record| text(&record.key))
                    .unwrap_or_else(|| row.key.iter().map(display_value).collect::<Vec<_>>().join(", "));
                TableRowLine {
                    key,
                    key_values: row.key.iter().map(display_value).collect(),
                    values: row.values.iter().map(display_value).collect(),
                    window: row.window,
                    changelog_partition: row.partition,
                    changelog_offset: row.offset,
                    highlighted: false,
                }
            })
            .collect();

        // The changelog, as a stream.
        let mut ops = changelog_ops(&self.log, &info.topic)?;
        ops.sort_by_key(|(r, _)| (r.timestamp, r.partition, r.offset));
        let changelog: Vec<ChangelogEntry> = ops
            .iter()
            .skip(ops.len().saturating_sub(DUALITY_ROWS))
            .map(|(record, op)| ChangelogEntry {
                partition: record.partition,
                offset: record.offset,
                timestamp: record.timestamp,
                key: text(&record.key),
                value: text(&record.value),
                op: op.clone(),
                highlighted: false,
            })
            .collect();

        // The source records and what each did.
        let incoming: Vec<IncomingRecord> = if info.is_source {
            changelog
                .iter()
                .map(|entry| IncomingRecord {
                    partition: entry.partition,
                    offset: entry.offset,
                    timestamp: entry.timestamp,
                    key: entry.key.clone(),
                    value: entry.value.clone(),
                    effect: effect_of(&entry.op, entry.value.clone()),
                    highlighted: false,
                })
                .collect()
        } else {
            let records = merged_tail(&self.log, &source_topic, DUALITY_ROWS as u64, None)?;
            let records = records.get(records.len().saturating_sub(DUALITY_ROWS)..).unwrap_or(&[]);
            let read = |r: &Record| positions.as_ref().and_then(|p| p.get(&r.partition)).is_some_and(|pos| r.offset < *pos);
            // Each key's changelog records, newest last, to pair with its records read.
            let mut changes_by_key: HashMap<Option<String>, Vec<&(Record, ChangeOp)>> = HashMap::new();
            for entry in &ops {
                changes_by_key.entry(text(&entry.0.key)).or_default().push(entry);
            }
            let mut effects = vec![Effect::Pending; records.len()];
            let mut read_by_key: HashMap<Option<String>, Vec<usize>> = HashMap::new();
            for (index, record) in records.iter().enumerate() {
                if read(record) {
                    read_by_key.entry(text(&record.key)).or_default().push(index);
                }
            }
            for (key, indices) in read_by_key {
                let changes = changes_by_key.get(&key).map(Vec::as_slice).unwrap_or(&[]);
                for (position, index) in indices.iter().rev().enumerate() {
                    let effect = match changes.len().checked_sub(position + 1).and_then(|i| changes.get(i)) {
                        Some((record, op)) => effect_of(op, text(&record.value)),
                        None => Effect::NoChange,
                    };
                    if let Some(slot) = effects.get_mut(*index) {
                        *slot = effect;
                    }
                }
            }
            records
                .iter()
                .zip(effects)
                .map(|(record, effect)| IncomingRecord {
                    partition: record.partition,
                    offset: record.offset,
                    timestamp: record.timestamp,
                    key: text(&record.key),
                    value: text(&record.value),
                    effect,
                    highlighted: false,
                })
                .collect()
        };

        let mut view = DualityView {
            table: table.to_string(),
            table_topic: info.topic.clone(),
            source,
            source_topic,
            query_id,
            windowed: info.window.is_some(),
            key_columns: info.key_columns.iter().map(|f| f.name.clone()).collect(),
            value_columns: info.value_columns.iter().map(|f| f.name.clone()).collect(),
            incoming,
            rows,
            n_rows,
            changelog,
            selected_key: None,
            provenance: Vec::new(),
            n_provenance: 0,
            provenance_complete: false,
        };
        if let Some(selection) = selection {
            self.light_up(&mut view, selection, positions.as_ref())?;
        }
        Ok(view)
    }

    /// Marks the selected key's records and row, and finds the source records that built it.
    fn light_up(
        &self,
        view: &mut DualityView,
        selection: &Selection,
        positions: Option<&BTreeMap<u32, u64>>,
    ) -> Result<(), DualityError> {
        let key = match selection {
            Selection::Row { key } => Some(key.clone()),
            Selection::Record { partition, offset } => self
                .log
                .fetch(&view.source_topic, *partition, *offset, 1)
                .ok()
                .and_then(|records| records.into_iter().find(|r| r.offset == *offset))
                .and_then(|record| text(&record.key)),
        };
        let Some(key) = key else { return Ok(()) };
        for record in &mut view.incoming {
            record.highlighted = record.key.as_deref() == Some(key.as_str());
        }
        for row in &mut view.rows {
            row.highlighted = row.key == key;
        }
        for entry in &mut view.changelog {
            entry.highlighted = entry.key.as_deref() == Some(key.as_str());
        }
        // A table over its topic is built by every record of it; a query, by those it read.
        let limits = if view.query_id.is_some() { positions } else { None };
        let mut found = Vec::new();
        let mut complete = true;
        for partition in self.log.topic(&view.source_topic)?.partitions() {
            let end = limits
                .and_then(|l| l.get(&partition.id()).copied())
                .unwrap_or(partition.log_end_offset())
                .min(partition.log_end_offset());
            let start = partition.log_start_offset();
            let from = end.saturating_sub(PROVENANCE_LOOKBACK).max(start);
            complete &= from == start;
            let count = usize::try_from(end.saturating_sub(from)).unwrap_or(usize::MAX);
            for record in partition.fetch(&view.source_topic, from, count)? {
                if record.key.as_deref() == Some(key.as_bytes()) {
                    found.push((record.timestamp, record.partition, record.offset));
                }
            }
        }
        found.sort_unstable();
        view.n_provenance = found.len();
        view.provenance_complete = complete;
        view.provenance = found.iter().skip(found.len().saturating_sub(DUALITY_ROWS)).map(|(_, p, o)| (*p, *o)).collect();
        view.selected_key = Some(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::producers::ScenarioKind;

    /// The talk's bank account: balances folded from account_transactions.
    fn bank() -> World {
        let mut world = World::new(6);
        world.add_producer(ScenarioKind::AccountTransactions, 1.0).unwrap();
        let outcome = world.execute_sql(
            "CREATE STREAM transactions (account_id STRING KEY, amount INT)
               WITH (kafka_topic='account_transactions', value_format='JSON');
             SET 'auto.offset.reset' = 'earliest';
             CREATE TABLE balances AS
               SELECT account_id, SUM(amount) AS balance FROM transactions GROUP BY account_id EMIT CHANGES;",
        );
        assert_eq!(outcome.error, None);
        world
    }

    #[test]
    fn plus_50_plus_25_minus_60_gives_balances_50_75_15_and_their_changelog() {
        let mut world = bank();
        for _ in 0..3 {
            world.produce_one("account_transactions").unwrap();
            world.step(1_000);
        }
        let view = world.duality_view("BALANCES", None).unwrap();
        assert_eq!(view.source.as_deref(), Some("TRANSACTIONS"));
        assert_eq!(view.source_topic, "account_transactions");
        assert_eq!(view.table_topic, "BALANCES");
        assert_eq!(view.n_rows, 1);
        let row = &view.rows[0];
        assert_eq!((row.key.as_str(), row.values.as_slice()), ("12345", &["15".to_string()][..]));
        let balances: Vec<String> = view.changelog.iter().map(|c| c.value.clone().unwrap()).collect();
        assert_eq!(balances, [r#"{"BALANCE":50}"#, r#"{"BALANCE":75}"#, r#"{"BALANCE":15}"#]);
        assert_eq!(view.changelog[0].op, ChangeOp::Insert);
        assert_eq!(view.changelog[2].op, ChangeOp::Update { old: r#"{"BALANCE":75}"#.into() });
        let effects: Vec<&Effect> = view.incoming.iter().map(|r| &r.effect).collect();
        assert_eq!(
            effects,
            [
                &Effect::Insert { new: r#"{"BALANCE":50}"#.into() },
                &Effect::Update { old: r#"{"BALANCE":50}"#.into(), new: r#"{"BALANCE":75}"#.into() },
                &Effect::Update { old: r#"{"BALANCE":75}"#.into(), new: r#"{"BALANCE":15}"#.into() },
            ]
        );
        assert!(view.incoming[2].value.as_deref().unwrap().contains("-60"));
    }

    #[test]
    fn selecting_a_row_lights_its_source_offsets_and_a_record_lights_its_row() {
        let mut world = bank();
        world.set_producer_key_space("account_transactions", 3).unwrap();
        for _ in 0..12 {
            world.produce_one("account_transactions").unwrap();
        }
        world.step(1_000);
        let view = world.duality_view("BALANCES", Some(&Selection::Row { key: "12345".into() })).unwrap();
        let expected: Vec<(u32, u64)> =
            view.incoming.iter().filter(|r| r.key.as_deref() == Some("12345")).map(|r| (r.partition, r.offset)).collect();
        assert!(expected.len() >= 3);
        assert_eq!(view.provenance, expected);
        assert!(view.provenance_complete);
        assert!(view.incoming.iter().all(|r| r.highlighted == (r.key.as_deref() == Some("12345"))));
        assert_eq!(view.rows.iter().filter(|r| r.highlighted).count(), 1);
        // The reverse: a record of another account lights that account's row.
        let other = view.incoming.iter().find(|r| r.key.as_deref() != Some("12345")).unwrap().clone();
        let view = world
            .duality_view("BALANCES", Some(&Selection::Record { partition: other.partition, offset: other.offset }))
            .unwrap();
        let lit: Vec<&TableRowLine> = view.rows.iter().filter(|r| r.highlighted).collect();
        assert_eq!(lit.len(), 1);
        assert_eq!(Some(lit[0].key.clone()), other.key);
    }

    #[test]
    fn records_the_query_has_not_read_are_pending_and_a_topic_table_deletes_on_tombstones() {
        let mut world = bank();
        world.produce_one("account_transactions").unwrap();
        // No step: the query has not run since the append.
        let view = world.duality_view("BALANCES", None).unwrap();
        assert_eq!(view.incoming.last().unwrap().effect, Effect::Pending);

        let outcome = world.execute_sql(
            "CREATE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='users_t', value_format='JSON', partitions=1);
             INSERT INTO users (id, name) VALUES ('u1', 'Ada');
             INSERT INTO users (id, name) VALUES ('u1', 'Grace');",
        );
        assert_eq!(outcome.error, None);
        world
            .produce("users_t", crate::log::ProducerRecord { key: Some(std::sync::Arc::from(&b"u1"[..])), ..Default::default() })
            .unwrap();
        let view = world.duality_view("USERS", None).unwrap();
        assert_eq!(view.source, None);
        assert_eq!(view.n_rows, 0);
        let effects: Vec<&Effect> = view.incoming.iter().map(|r| &r.effect).collect();
        assert!(matches!(effects[0], Effect::Insert { .. }));
        assert!(matches!(effects[1], Effect::Update { .. }));
        assert!(matches!(effects[2], Effect::Delete { old: Some(_) }));
        assert!(matches!(world.duality_view("TRANSACTIONS", None), Err(DualityError::NotATable { .. })));
        assert!(matches!(world.duality_view("NOPE", None), Err(DualityError::UnknownTable { .. })));
    }
}
