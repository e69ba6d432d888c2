//! Goals are checked on the world's state: the log's records, the consumer groups' offsets,
//! the engine's catalog and queries. Never on the text the learner typed, so any statement
//! that reaches the state passes, as in Learn Git Branching.

use super::model::{Check, CompareOp, Scalar, SourceKindName};
use crate::clock::Millis;
use crate::log::Record;
use crate::sql::{SourceInfo, SourceKind};
use crate::world::{World, EPOCH_MS};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// Whether the goal is met, and a sentence (one line per part of an `all`/`any`) saying what
/// the world shows, for the learner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalStatus {
    pub done: bool,
    pub detail: String,
}

impl GoalStatus {
    fn new(done: bool, detail: impl Into<String>) -> Self {
        GoalStatus { done, detail: detail.into() }
    }
}

pub fn check_goal(world: &World, check: &Check) -> GoalStatus {
    match check {
        Check::All { of } => combine(world, of, true),
        Check::Any { of } => combine(world, of, false),
        Check::Not { of } => {
            let inner = check_goal(world, of);
            GoalStatus::new(!inner.done, format!("not: {}", inner.detail))
        }
        Check::SinkExists { sink } => match world.sink(sink) {
            Ok(_) => GoalStatus::new(true, format!("sink {sink} is running")),
            Err(_) => GoalStatus::new(false, format!("no sink named {sink}")),
        },
        Check::TopicExists { topic } => {
            let exists = world.log().has_topic(topic);
            GoalStatus::new(exists, if exists { format!("topic '{topic}' exists") } else { format!("no topic '{topic}' yet") })
        }
        Check::TopicHasRecords { topic, min, key, value_contains } => {
            let Some(records) = topic_records(world, topic) else { return no_topic(topic) };
            let n = records
                .iter()
                .filter(|r| key.as_ref().is_none_or(|k| r.key.as_deref() == Some(k.as_bytes())))
                .filter(|r| value_contains.as_ref().is_none_or(|text| value_text(r).contains(text.as_str())))
                .count() as u64;
            let what = match (key, value_contains) {
                (Some(k), _) => format!(" with key {k}"),
                (None, Some(text)) => format!(" containing '{text}'"),
                (None, None) => String::new(),
            };
            GoalStatus::new(n >= *min, format!("'{topic}' holds {n} record(s){what} (goal: at least {min})"))
        }
        Check::TopicOnlyMatches { topic, field, op, value, min } => {
            let Some(records) = topic_records(world, topic) else { return no_topic(topic) };
            let n = records.len() as u64;
            let failing = records.iter().find(|r| !field_matches(r, field, *op, value));
            let rule = format!("{field} {} {value}", op_text(*op));
            match failing {
                Some(record) => GoalStatus::new(
                    false,
                    format!("'{topic}' has a record where {rule} does not hold (partition {}, offset {}): {}", record.partition, record.offset, value_text(record)),
                ),
                None if n < *min => GoalStatus::new(false, format!("'{topic}' holds {n} record(s) (goal: at least {min}, all with {rule})")),
                None => GoalStatus::new(true, format!("all {n} record(s) of '{topic}' have {rule}")),
            }
        }
        Check::TopicPartitions { topic, min } => match world.log().topic(topic) {
            Ok(t) => GoalStatus::new(t.n_partitions() >= *min, format!("'{topic}' has {} partition(s) (goal: at least {min})", t.n_partitions())),
            Err(_) => no_topic(topic),
        },
        Check::SourceExists { name, kind } => match source(world, name) {
            Some(info) => {
                let right_kind = kind.is_none_or(|k| kind_matches(k, info.kind));
                GoalStatus::new(right_kind, format!("{} {} exists", info.kind.word().to_lowercase(), info.name))
            }
            None => GoalStatus::new(false, format!("no stream or table named {name} yet")),
        },
        Check::SourceAbsent { name } => match source(world, name) {
            Some(info) => GoalStatus::new(false, format!("{} {} still exists", info.kind.word().to_lowercase(), info.name)),
            None => GoalStatus::new(true, format!("{name} is gone")),
        },
        Check::QueryRunning { sink } => {
            let running = query_for_sink(world, sink);
            match running {
                Some(id) => GoalStatus::new(true, format!("query {id} writes {}", sink.to_ascii_uppercase())),
                None => GoalStatus::new(false, format!("no running query writes {}", sink.to_ascii_uppercase())),
            }
        }
        Check::QueriesRunning { min } => {
            let n = world.engine().query_ids().len() as u64;
            GoalStatus::new(n >= *min, format!("{n} persistent queries running (goal: at least {min})"))
        }
        Check::QueryEmitted { sink, min_rows } => {
            let Some(info) = source(world, sink) else {
                return GoalStatus::new(false, format!("no stream or table named {sink} yet"));
            };
            let n = topic_records(world, &info.topic).map_or(0, |r| r.len() as u64);
            GoalStatus::new(n >= *min_rows, format!("{} has emitted {n} row(s) (goal: at least {min_rows})", info.name))
        }
        Check::TableHasRow { table, key, column, value } => table_has_row(world, table, key, column, value),
        Check::GroupLag { group, min, max } => match group_lag(world, group) {
            Some(lag) => {
                let ok = min.is_none_or(|m| lag >= m) && max.is_none_or(|m| lag <= m);
                let goal = match (min, max) {
                    (Some(a), Some(b)) => format!("between {a} and {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => "any".to_string(),
                };
                GoalStatus::new(ok, format!("group {group} lags {lag} record(s) behind (goal: {goal})"))
            }
            None => no_group(group),
        },
        Check::GroupOffset { group, topic, partition, offset } => match world.log().group(group) {
            Ok(g) => {
                let committed = g
                    .committed_offsets()
                    .iter()
                    .find(|(tp, _)| tp.topic == *topic && tp.partition == *partition)
                    .map(|(_, o)| *o);
                let shown = committed.map_or("nothing".to_string(), |o| format!("offset {o}"));
                GoalStatus::new(committed == Some(*offset), format!("{group} has committed {shown} on {topic} partition {partition} (goal: {offset})"))
            }
            Err(_) => no_group(group),
        },
        Check::GroupPaused { group, paused } => match world.log().group(group) {
            Ok(g) => {
                let state = if g.is_paused() { "offline (paused)" } else { "online" };
                GoalStatus::new(g.is_paused() == *paused, format!("{group} is {state}"))
            }
            Err(_) => no_group(group),
        },
        Check::GroupRead { group, value_contains } => match read_records(world, group) {
            Some(records) => {
                let seen = records.iter().any(|r| value_text(r).contains(value_contains.as_str()));
                let verb = if seen { "has read" } else { "has not read" };
                GoalStatus::new(seen, format!("{group} {verb} a record containing '{value_contains}' ({} read so far)", records.len()))
            }
            None => no_group(group),
        },
        Check::GroupFreshness { group, max } => match freshness_ms(world, group) {
            Some(age) => GoalStatus::new(
                age <= max.0,
                format!("the newest record {group} has read is {} old (goal: at most {})", format_age(age), format_age(max.0)),
            ),
            None => GoalStatus::new(false, format!("{group} has read nothing yet")),
        },
        Check::SinkConsumed { sink, min } => match world.sink(sink) {
            Ok(s) => GoalStatus::new(s.records_consumed() >= *min, format!("{sink} has written {} record(s) (goal: at least {min})", s.records_consumed())),
            Err(_) => GoalStatus::new(false, format!("no sink named {sink} yet")),
        },
        Check::SinkCaughtUp { sink } => {
            let Ok(s) = world.sink(sink) else { return GoalStatus::new(false, format!("no sink named {sink} yet")) };
            let in_log: u64 = s
                .topics()
                .iter()
                .filter_map(|t| world.log().topic(t).ok())
                .flat_map(|t| t.partitions().iter().map(|p| p.log_end_offset()))
                .sum();
            let lag = group_lag(world, s.group()).unwrap_or(u64::MAX);
            let done = lag == 0 && s.records_consumed() == in_log;
            GoalStatus::new(done, format!("{sink} has written {} of the {in_log} record(s) in the log; lag {lag}", s.records_consumed()))
        }
        Check::ProducerRunning { producer, running } => match world.producer(producer) {
            Ok(p) => {
                let state = if p.is_running() { "running" } else { "stopped" };
                GoalStatus::new(p.is_running() == *running, format!("producer {producer} is {state}"))
            }
            Err(_) => GoalStatus::new(false, format!("no producer named {producer}")),
        },
        Check::ClockPast { elapsed } => {
            let gone = world.now_ms().saturating_sub(EPOCH_MS);
            GoalStatus::new(gone >= elapsed.0, format!("{} of virtual time has passed (goal: {})", format_age(gone), format_age(elapsed.0)))
        }
    }
}

fn combine(world: &World, checks: &[Check], all: bool) -> GoalStatus {
    let statuses: Vec<GoalStatus> = checks.iter().map(|c| check_goal(world, c)).collect();
    let done = if all { statuses.iter().all(|s| s.done) } else { statuses.iter().any(|s| s.done) };
    let detail = statuses
        .iter()
        .map(|s| format!("{} {}", if s.done { "✓" } else { "✗" }, s.detail))
        .collect::<Vec<_>>()
        .join("\n");
    GoalStatus::new(done, detail)
}

fn no_topic(topic: &str) -> GoalStatus {
    GoalStatus::new(false, format!("no topic '{topic}' yet"))
}

fn no_group(group: &str) -> GoalStatus {
    GoalStatus::new(false, format!("no consumer group '{group}' yet"))
}

/// A stream or table by name: exact first, then ignoring case (ksqlDB upper-cases unquoted names).
fn source<'w>(world: &'w World, name: &str) -> Option<&'w SourceInfo> {
    world.engine().source(name).or_else(|| world.engine().sources().find(|s| s.name.eq_ignore_ascii_case(name)))
}

fn kind_matches(kind: SourceKindName, actual: SourceKind) -> bool {
    matches!((kind, actual), (SourceKindName::Stream, SourceKind::Stream) | (SourceKindName::Table, SourceKind::Table))
}

/// The id of a running `CREATE STREAM|TABLE sink AS SELECT` query: ksqlDB names them
/// `CSAS_<SINK>_<n>` and `CTAS_<SINK>_<n>`.
pub fn query_for_sink(world: &World, sink: &str) -> Option<String> {
    let sink = sink.to_ascii_uppercase();
    world.engine().query_ids().into_iter().find(|id| {
        let Some(rest) = id.strip_prefix("CSAS_").or_else(|| id.strip_prefix("CTAS_")) else { return false };
        rest.rsplit_once('_')
            .is_some_and(|(name, number)| name.eq_ignore_ascii_case(&sink) && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// A group's total lag, as `kafka-consumer-groups --describe` shows it: on the partitions its
/// members subscribe to, and on every partition it has committed an offset for, even when no
/// member is running (a batch job between two runs).
pub fn group_lag(world: &World, group: &str) -> Option<u64> {
    let view = world.group_view(group).ok()?;
    let mut lags: BTreeMap<(String, u32), u64> = BTreeMap::new();
    for p in &view.partitions {
        let lag = p.lag.unwrap_or(p.log_end.saturating_sub(p.log_start));
        lags.insert((p.topic.clone(), p.partition), lag);
    }
    if let Ok(g) = world.log().group(group) {
        for (tp, committed) in g.committed_offsets() {
            let Ok(end) = world.log().log_end_offset(&tp.topic, tp.partition) else { continue };
            lags.entry((tp.topic.clone(), tp.partition)).or_insert(end.saturating_sub(*committed));
        }
    }
    Some(lags.values().sum())
}

/// Every record of a topic, partition by partition.
fn topic_records(world: &World, topic: &str) -> Option<Vec<Record>> {
    let t = world.log().topic(topic).ok()?;
    let mut records = Vec::new();
    for partition in t.partitions() {
        records.extend(partition.fetch(topic, partition.log_start_offset(), usize::MAX).unwrap_or_default());
    }
    Some(records)
}

/// The records a group has read and committed past.
fn read_records(world: &World, group: &str) -> Option<Vec<Record>> {
    let g = world.log().group(group).ok()?;
    let mut records = Vec::new();
    for (tp, committed) in g.committed_offsets() {
        let Ok(topic) = world.log().topic(&tp.topic) else { continue };
        let Ok(partition) = topic.partition(tp.partition) else { continue };
        let start = partition.log_start_offset();
        let n = usize::try_from(committed.saturating_sub(start)).unwrap_or(usize::MAX);
        records.extend(partition.fetch(&tp.topic, start, n).unwrap_or_default());
    }
    Some(records)
}

/// How old the newest record a group has read is (now minus its timestamp): the freshness of
/// whatever that consumer feeds. `None` before it has read anything.
pub fn freshness_ms(world: &World, group: &str) -> Option<Millis> {
    let newest = read_records(world, group)?.iter().map(|r| r.timestamp).max()?;
    Some(world.now_ms().saturating_sub(newest).max(0))
}

/// `2 d 3 h`, `17 h 12 m`, `4 m 10 s`, `1.5 s`: a freshness meter's words.
pub fn format_age(ms: Millis) -> String {
    let s = ms / 1_000;
    let (d, h, m) = (s / 86_400, (s / 3_600) % 24, (s / 60) % 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m} m")
    } else if m > 0 {
        format!("{m} m {} s", s % 60)
    } else {
        format!("{:.1} s", ms as f64 / 1_000.0)
    }
}

fn value_text(record: &Record) -> String {
    record.value.as_deref().map_or_else(|| "<tombstone>".to_string(), |v| String::from_utf8_lossy(v).into_owned())
}

/// A field of a JSON object value, its name compared ignoring case (ksqlDB writes upper case).
fn json_field(value: &Json, field: &str) -> Option<Json> {
    match value {
        Json::Object(map) => map.iter().find(|(k, _)| k.eq_ignore_ascii_case(field)).map(|(_, v)| v.clone()),
        _ => None,
    }
}

fn field_matches(record: &Record, field: &str, op: CompareOp, expected: &Scalar) -> bool {
    let Some(bytes) = record.value.as_deref() else { return false };
    let Ok(value) = serde_json::from_slice::<Json>(bytes) else { return false };
    json_field(&value, field).is_some_and(|actual| compare(&actual, op, expected))
}

fn compare(actual: &Json, op: CompareOp, expected: &Scalar) -> bool {
    let actual_number = actual.as_f64().or_else(|| actual.as_str().and_then(|s| s.trim().parse().ok()));
    let expected_number = match expected {
        Scalar::Int(i) => Some(*i as f64),
        Scalar::Float(x) => Some(*x),
        Scalar::Text(t) => t.trim().parse().ok(),
        Scalar::Bool(_) => None,
    };
    let actual_text = match actual {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    let expected_text = expected.to_string();
    let ordering = match (actual_number, expected_number, expected) {
        (_, _, Scalar::Text(_)) if actual.is_string() => actual_text.partial_cmp(&expected_text),
        (Some(a), Some(b), _) => a.partial_cmp(&b),
        _ => actual_text.partial_cmp(&expected_text),
    };
    use std::cmp::Ordering::*;
    match op {
        CompareOp::Eq => ordering == Some(Equal),
        CompareOp::Ne => ordering != Some(Equal),
        CompareOp::Lt => ordering == Some(Less),
        CompareOp::Le => matches!(ordering, Some(Less | Equal)),
        CompareOp::Gt => ordering == Some(Greater),
        CompareOp::Ge => matches!(ordering, Some(Greater | Equal)),
        CompareOp::Contains => actual_text.contains(expected_text.as_str()),
    }
}

fn op_text(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "=",
        CompareOp::Ne => "!=",
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
        CompareOp::Contains => "contains",
    }
}

/// The table's state is the latest record per key of its topic (a tombstone deletes the key):
/// exactly what a pull query reads from ksqlDB's state store, rebuilt here from the log.
fn table_has_row(world: &World, table: &str, key: &str, column: &str, expected: &Scalar) -> GoalStatus {
    let Some(info) = source(world, table) else {
        return GoalStatus::new(false, format!("no table named {table} yet"));
    };
    if info.kind != SourceKind::Table {
        return GoalStatus::new(false, format!("{} is a stream, not a table", info.name));
    }
    let mut latest: BTreeMap<Vec<u8>, Option<Record>> = BTreeMap::new();
    for record in topic_records(world, &info.topic).unwrap_or_default() {
        let Some(k) = record.key.as_deref() else { continue };
        let k = k.to_vec();
        let is_tombstone = record.value.is_none();
        latest.insert(k, if is_tombstone { None } else { Some(record) });
    }
    let wanted_key = key_matches(key);
    let row = latest.iter().find(|(k, _)| wanted_key(k)).and_then(|(_, r)| r.as_ref());
    let Some(record) = row else {
        return GoalStatus::new(false, format!("{} has no row for key {key}", info.name));
    };
    let actual = record.value.as_deref().and_then(|v| serde_json::from_slice::<Json>(v).ok());
    let cell = actual.as_ref().and_then(|v| json_field(v, column).or_else(|| (!v.is_object()).then(|| v.clone())));
    match cell {
        Some(cell) => {
            let ok = compare(&cell, CompareOp::Eq, expected);
            let shown = match &cell {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            GoalStatus::new(ok, format!("{}[{key}].{} is {shown} (goal: {expected})", info.name, column.to_ascii_uppercase()))
        }
        None => GoalStatus::new(false, format!("{}[{key}] has no column {}", info.name, column.to_ascii_uppercase())),
    }
}

/// A key as the learner writes it matches the key bytes as text, or as a JSON string or number.
fn key_matches(key: &str) -> impl Fn(&[u8]) -> bool + '_ {
    move |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        text == key || serde_json::from_str::<Json>(&text).is_ok_and(|j| j.as_str() == Some(key) || j.to_string() == key)
    }
}
