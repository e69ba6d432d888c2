//! Executes one case against a fresh log and engine, as ksqlDB's `TestExecutor` does:
//! create the topics, run the statements, write the inputs, let the queries drain, then compare
//! every expected topic's full record sequence.

use super::compare::{
    compare_topic, decode_base64, Actual, ActualRecord, ActualWindow, CompareOptions,
};
use super::expand::{Case, CaseKind};
use super::json::Json;
use super::reader::RecordNode;
use crate::clock::Millis;
use crate::log::{Header, Log, ProducerRecord, TopicConfig};
use std::sync::Arc;

/// What the runner needs from a streaming SQL engine. Implemented for `crate::sql::Engine` in
/// `engine_adapter.rs`; tests implement it with small fakes.
pub trait CaseEngine {
    /// Sets a ksqlDB property override (`ksql.output.topic.name.prefix`, ...).
    fn set_property(&mut self, name: &str, value: &str) -> Result<(), String>;
    /// Parses and executes a script of one or more statements, in order.
    fn execute_script(&mut self, log: &mut Log, now_ms: Millis, sql: &str) -> Result<(), String>;
    /// Lets every persistent query consume what is on its source topics.
    fn run_until_idle(&mut self, log: &mut Log, now_ms: Millis) -> Result<(), String>;
    /// Serialises an input record with the formats of a source on `topic`.
    fn encode_input(&self, topic: &str, key: &Json, value: &Json) -> Result<EncodedRecord, String>;
    /// Deserialises an output record with the formats of the source on `topic`. Window bytes
    /// have already been cut off the key.
    fn decode_output(
        &self,
        topic: &str,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        exact_numeric: bool,
    ) -> Result<(Actual, Actual), String>;
}

/// Key and value bytes; `None` is a null key or a tombstone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EncodedRecord {
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
}

/// How a case ended.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    /// `note` says, for negative cases, whether the error message matched too.
    Pass {
        note: Option<String>,
    },
    /// `reason` is the first difference; `detail` the full expected/actual listing.
    Fail {
        reason: String,
        detail: Option<String>,
    },
    Skip {
        reason: String,
    },
}

/// The virtual time the whole case runs at: ksqlDB's test driver starts its wall clock at the
/// epoch and never advances it.
const NOW_MS: Millis = 0;

/// Runs one (not skipped) case on a fresh log and the given fresh engine.
pub fn run_case<E: CaseEngine>(case: &Case, engine: &mut E) -> Outcome {
    if let Some(reason) = &case.skip_reason {
        return Outcome::Skip {
            reason: reason.clone(),
        };
    }
    let mut log = Log::new();
    // The Java driver reads every topic from the start.
    let _ = engine.set_property("auto.offset.reset", "earliest");
    for (name, value) in &case.properties {
        // Test-framework switches and planner toggles may be unknown to the engine; ignore.
        let _ = engine.set_property(name, value);
    }
    if let Err(reason) = create_topics(case, &mut log) {
        return fail(reason);
    }

    let n_statements = case.statements.len();
    let (all_but_last, last) = case.statements.split_at(n_statements.saturating_sub(1));
    if !all_but_last.is_empty() {
        if let Err(error) = engine.execute_script(&mut log, NOW_MS, &all_but_last.join("\n")) {
            return fail(format!("statement rejected before the last one: {error}"));
        }
    }
    if let Err(error) = engine.execute_script(&mut log, NOW_MS, &last.join("\n")) {
        return match &case.expected_error {
            Some(_) => negative_pass(case, &error),
            None => fail(format!("statement rejected: {error}")),
        };
    }

    if let Err(error) = write_inputs(case, engine, &mut log) {
        return match &case.expected_error {
            Some(_) => negative_pass(case, &error),
            None => fail(error),
        };
    }
    if let Err(error) = engine.run_until_idle(&mut log, NOW_MS) {
        return match &case.expected_error {
            Some(_) => negative_pass(case, &error),
            None => fail(format!("query failed: {error}")),
        };
    }
    if let Some(expected) = &case.expected_error {
        let what = expected
            .message
            .as_deref()
            .or(expected.type_name.as_deref())
            .unwrap_or("an error");
        return fail(format!(
            "expected an error ({what}) but every statement succeeded"
        ));
    }
    check_outputs(case, engine, &log)
}

fn fail(reason: String) -> Outcome {
    Outcome::Fail {
        reason,
        detail: None,
    }
}

/// The note of a negative case whose expected message was found in the engine's error.
pub const NOTE_MESSAGE_MATCHED: &str = "message matched";
/// Prefix of the note of a negative case that passed only because the engine does not support
/// the statement yet (its error says "not supported"): a pass by the rules, but not conformance.
pub const NOTE_UNSUPPORTED: &str = "rejected as unsupported";

fn negative_pass(case: &Case, error: &str) -> Outcome {
    let expected_message = case
        .expected_error
        .as_ref()
        .and_then(|e| e.message.as_deref());
    let note = match expected_message {
        Some(message) if error.contains(message) => NOTE_MESSAGE_MATCHED.to_string(),
        _ if error.contains("not supported") => format!("{NOTE_UNSUPPORTED}: {error}"),
        Some(message) => format!("message differs: expected {message:?}, got {error:?}"),
        None => format!("rejected with: {error}"),
    };
    Outcome::Pass { note: Some(note) }
}

/// Creates the topics the Java runner creates up front: declared `topics`, the `kafka_topic` of
/// each plain CREATE STREAM/TABLE (with its PARTITIONS if given), and every input's topic.
fn create_topics(case: &Case, log: &mut Log) -> Result<(), String> {
    let mut wanted: Vec<(String, u32)> = Vec::new();
    let mut add = |name: &str, partitions: u32| {
        if !wanted.iter().any(|(n, _)| n == name) {
            wanted.push((name.to_string(), partitions));
        }
    };
    for topic in &case.topics {
        add(&topic.name, topic.partitions.unwrap_or(1));
    }
    for statement in &case.statements {
        if let Some((name, partitions)) = source_topic_of(statement) {
            add(&name, partitions.unwrap_or(1));
        }
    }
    // Output-only topics are left to the engine: a CSAS may create its sink with PARTITIONS=n,
    // which would clash with a pre-created one-partition topic. A missing topic reads as empty.
    for record in &case.inputs {
        add(&record.topic, 1);
    }
    for (name, partitions) in wanted {
        if !log.has_topic(&name) {
            log.create_topic(&name, TopicConfig::with_partitions(partitions.max(1)))
                .map_err(|e| format!("cannot create topic {name}: {e}"))?;
        }
    }
    Ok(())
}

/// The `KAFKA_TOPIC` (and `PARTITIONS`) of a `CREATE [OR REPLACE] STREAM|TABLE` that is not an
/// `AS SELECT`: the topic such a statement reads must exist unless PARTITIONS creates it.
pub fn source_topic_of(statement: &str) -> Option<(String, Option<u32>)> {
    let upper = statement.to_ascii_uppercase();
    let words: Vec<&str> = upper.split_whitespace().take(5).collect();
    let is_create_source = words.first() == Some(&"CREATE")
        && words.iter().any(|w| *w == "STREAM" || *w == "TABLE")
        && !contains_word_sequence(&upper, &["AS", "SELECT"]);
    if !is_create_source {
        return None;
    }
    let topic_at = find_property(&upper, "KAFKA_TOPIC")?;
    let name = quoted_string_at(statement, topic_at)?;
    let partitions = find_property(&upper, "PARTITIONS").and_then(|at| {
        let digits: String = upper
            .get(at..)?
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse().ok()
    });
    Some((name, partitions))
}

/// Byte offset just after `NAME =` (whitespace allowed), outside string literals.
fn find_property(upper: &str, name: &str) -> Option<usize> {
    let bytes = upper.as_bytes();
    let mut in_string = false;
    let mut idx = 0;
    while idx < bytes.len() {
        let c = bytes.get(idx).copied()?;
        if c == b'\'' {
            in_string = !in_string;
        } else if !in_string
            && upper.get(idx..idx + name.len()) == Some(name)
            && (idx == 0 || !is_word_byte(bytes.get(idx - 1).copied()?))
            && !bytes
                .get(idx + name.len())
                .is_some_and(|b| is_word_byte(*b))
        {
            let mut after = idx + name.len();
            while bytes.get(after).is_some_and(|b| b.is_ascii_whitespace()) {
                after += 1;
            }
            if bytes.get(after) == Some(&b'=') {
                after += 1;
                while bytes.get(after).is_some_and(|b| b.is_ascii_whitespace()) {
                    after += 1;
                }
                return Some(after);
            }
        }
        idx += 1;
    }
    None
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The SQL string literal starting at `at` (`'it''s'` reads as `it's`).
fn quoted_string_at(text: &str, at: usize) -> Option<String> {
    let rest = text.get(at..)?;
    let mut chars = rest.chars().peekable();
    if chars.next()? != '\'' {
        return None;
    }
    let mut out = String::new();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                out.push('\'');
            } else {
                return Some(out);
            }
        } else {
            out.push(c);
        }
    }
    None
}

fn contains_word_sequence(upper: &str, sequence: &[&str]) -> bool {
    let words: Vec<&str> = upper
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(sequence.len())
        .any(|window| window == sequence)
}

/// Writes the inputs in file order, letting the queries process each record before the next is
/// written, as the Java driver pipes them: a join sees its two inputs in file order, not merged
/// by timestamp.
fn write_inputs<E: CaseEngine>(case: &Case, engine: &mut E, log: &mut Log) -> Result<(), String> {
    for (record_idx, record) in case.inputs.iter().enumerate() {
        let encoded = engine
            .encode_input(&record.topic, &record.key, &record.value)
            .map_err(|e| format!("input {record_idx} on topic '{}': {e}", record.topic))?;
        let key = match (&record.window, encoded.key) {
            (Some(window), Some(inner)) => Some(windowed_key_bytes(
                &inner,
                window.start,
                window.end,
                &window.window_type,
            )),
            (_, key) => key,
        };
        let headers = input_headers(record)?;
        let producer_record = ProducerRecord {
            partition: None,
            key: key.map(Arc::from),
            value: encoded.value.map(Arc::from),
            timestamp: Some(record.timestamp.unwrap_or(0)),
            headers,
        };
        log.append(&record.topic, producer_record, NOW_MS)
            .map_err(|e| format!("input {record_idx} on topic '{}': {e}", record.topic))?;
        engine
            .run_until_idle(log, NOW_MS)
            .map_err(|e| format!("query failed: {e}"))?;
    }
    Ok(())
}

fn input_headers(record: &RecordNode) -> Result<Vec<Header>, String> {
    let mut headers = Vec::new();
    for header in record.headers.iter().flatten() {
        let value = match &header.value {
            None => None,
            Some(text) => {
                Some(Arc::from(decode_base64(text).ok_or_else(|| {
                    format!("bad base64 header value {text:?}")
                })?))
            }
        };
        headers.push(Header {
            key: header.key.clone(),
            value,
        });
    }
    Ok(headers)
}

/// A windowed key as Kafka Streams writes it, which is what ksqlDB puts on windowed topics:
/// time windows append the start (8 bytes, big-endian); session windows append end then start.
pub fn windowed_key_bytes(inner: &[u8], start: i64, end: i64, window_type: &str) -> Vec<u8> {
    let mut bytes = inner.to_vec();
    if window_type.eq_ignore_ascii_case("session") {
        bytes.extend_from_slice(&end.to_be_bytes());
    }
    bytes.extend_from_slice(&start.to_be_bytes());
    bytes
}

/// Splits a windowed key into its inner key bytes and window (the inverse of
/// [`windowed_key_bytes`]); `None` if the key is too short.
pub fn split_windowed_key(bytes: &[u8], session: bool) -> Option<(&[u8], ActualWindow)> {
    let read = |slice: &[u8]| -> Option<i64> { Some(i64::from_be_bytes(slice.try_into().ok()?)) };
    if session {
        let split = bytes.len().checked_sub(16)?;
        let end = read(bytes.get(split..split + 8)?)?;
        let start = read(bytes.get(split + 8..)?)?;
        Some((
            bytes.get(..split)?,
            ActualWindow {
                start,
                end: Some(end),
                session: true,
            },
        ))
    } else {
        let split = bytes.len().checked_sub(8)?;
        let start = read(bytes.get(split..)?)?;
        Some((
            bytes.get(..split)?,
            ActualWindow {
                start,
                end: None,
                session: false,
            },
        ))
    }
}

/// Reads every record of a topic. The Java runner sees a topic's records in the order they were
/// produced, across partitions; the log keeps order only within a partition, so partitions are
/// merged by timestamp (ties: lower partition first), which is production order whenever the
/// queries emit in time order. A single-partition topic is exactly its offset order.
fn read_topic(log: &Log, topic: &str) -> Result<Vec<crate::log::Record>, String> {
    let Ok(topic_info) = log.topic(topic) else {
        return Ok(Vec::new());
    };
    let mut partitions: Vec<std::collections::VecDeque<crate::log::Record>> = Vec::new();
    for partition in 0..topic_info.n_partitions() {
        let start = log
            .log_start_offset(topic, partition)
            .map_err(|e| e.to_string())?;
        let end = log
            .log_end_offset(topic, partition)
            .map_err(|e| e.to_string())?;
        if end > start {
            let max = usize::try_from(end - start).unwrap_or(usize::MAX);
            let records = log
                .fetch(topic, partition, start, max)
                .map_err(|e| e.to_string())?;
            partitions.push(records.into());
        }
    }
    let mut merged = Vec::new();
    loop {
        let earliest = partitions
            .iter_mut()
            .filter(|records| !records.is_empty())
            .min_by_key(|records| records.front().map(|r| (r.timestamp, r.partition)));
        match earliest.and_then(|records| records.pop_front()) {
            Some(record) => merged.push(record),
            None => return Ok(merged),
        }
    }
}

/// Decodes the actual records on `topic`. `window` says whether (and how) keys are windowed.
pub fn decode_topic<E: CaseEngine>(
    engine: &E,
    log: &Log,
    topic: &str,
    window: Option<bool>,
    exact_numeric: bool,
) -> Result<Vec<ActualRecord>, String> {
    let mut actual = Vec::new();
    for record in read_topic(log, topic)? {
        let (key_bytes, record_window) = match (window, record.key.as_deref()) {
            (Some(session), Some(bytes)) => match split_windowed_key(bytes, session) {
                Some((inner, w)) => (Some(inner), Some(w)),
                None => {
                    return Err(format!(
                        "topic '{topic}' offset {}: windowed key too short",
                        record.offset
                    ))
                }
            },
            (_, key) => (key, None),
        };
        let (key, value) = engine
            .decode_output(topic, key_bytes, record.value.as_deref(), exact_numeric)
            .map_err(|e| {
                format!(
                    "topic '{topic}' offset {}: cannot decode: {e}",
                    record.offset
                )
            })?;
        actual.push(ActualRecord {
            key,
            value,
            timestamp: record.timestamp,
            headers: record
                .headers
                .iter()
                .map(|h| (h.key.clone(), h.value.as_deref().map(<[u8]>::to_vec)))
                .collect(),
            window: record_window,
            partition: record.partition,
        });
    }
    Ok(actual)
}

fn check_outputs<E: CaseEngine>(case: &Case, engine: &E, log: &Log) -> Outcome {
    let exact_numeric = case
        .property("use.exact.numeric.comparison")
        .is_none_or(|v| !v.eq_ignore_ascii_case("false"));
    // The Java QTT runner accepts an expected 0 for INSERT VALUES rows (stamped with the wall
    // clock); the REST runner compares timestamps exactly.
    let options = CompareOptions {
        any_timestamp_for_zero: case.inputs.is_empty() && case.kind == CaseKind::Qtt,
    };
    let mut topics: Vec<&str> = Vec::new();
    for record in &case.outputs {
        if !topics.contains(&record.topic.as_str()) {
            topics.push(&record.topic);
        }
    }
    for topic in topics {
        let expected: Vec<&RecordNode> = case.outputs.iter().filter(|r| r.topic == topic).collect();
        let window = expected
            .iter()
            .find_map(|r| r.window.as_ref())
            .map(|w| w.window_type.eq_ignore_ascii_case("session"));
        let actual = match decode_topic(engine, log, topic, window, exact_numeric) {
            Ok(actual) => actual,
            Err(reason) => return fail(reason),
        };
        if let Err(reason) = compare_topic(topic, &expected, &actual, options) {
            let detail = listing(topic, &expected, &actual);
            return Outcome::Fail {
                reason,
                detail: Some(detail),
            };
        }
    }
    Outcome::Pass { note: None }
}

fn listing(topic: &str, expected: &[&RecordNode], actual: &[ActualRecord]) -> String {
    let mut text = format!("  topic '{topic}' expected {} records:\n", expected.len());
    for record in expected {
        text.push_str(&format!(
            "    {}\n",
            super::compare::describe_expected(record)
        ));
    }
    text.push_str(&format!("  actual {} records:\n", actual.len()));
    for record in actual {
        text.push_str(&format!("    {record}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_topics_are_found_in_create_statements_only() {
        assert_eq!(
            source_topic_of("CREATE STREAM TEST (ID INT) WITH (kafka_topic = 'test_topic', value_format='JSON');"),
            Some(("test_topic".into(), None))
        );
        assert_eq!(
            source_topic_of("create or replace table T (K INT PRIMARY KEY) with (PARTITIONS=4, KAFKA_TOPIC='It''s');"),
            Some(("It's".into(), Some(4)))
        );
        assert_eq!(
            source_topic_of("CREATE STREAM S AS SELECT * FROM T WITH (KAFKA_TOPIC='x');"),
            None
        );
        assert_eq!(
            source_topic_of("INSERT INTO S VALUES ('kafka_topic=''x''');"),
            None
        );
    }

    #[test]
    fn windowed_keys_round_trip() {
        let bytes = windowed_key_bytes(b"k", 10, 20, "session");
        let (inner, window) = split_windowed_key(&bytes, true).unwrap();
        assert_eq!(
            (inner, window),
            (
                &b"k"[..],
                ActualWindow {
                    start: 10,
                    end: Some(20),
                    session: true
                }
            )
        );
        let bytes = windowed_key_bytes(b"k", 10, 20, "time");
        let (inner, window) = split_windowed_key(&bytes, false).unwrap();
        assert_eq!(
            (inner, window),
            (
                &b"k"[..],
                ActualWindow {
                    start: 10,
                    end: None,
                    session: false
                }
            )
        );
        assert!(split_windowed_key(b"short", true).is_none());
    }

    #[test]
    fn partitions_are_merged_by_timestamp() {
        let mut log = Log::new();
        log.create_topic("t", TopicConfig::with_partitions(2))
            .unwrap();
        for (partition, timestamp) in [(1, 5), (0, 7), (1, 7), (0, 1)] {
            let record = ProducerRecord {
                partition: Some(partition),
                timestamp: Some(timestamp),
                ..ProducerRecord::keyed("k", "v")
            };
            log.append("t", record, 0).unwrap();
        }
        let order: Vec<(u32, i64)> = read_topic(&log, "t")
            .unwrap()
            .iter()
            .map(|r| (r.partition, r.timestamp))
            .collect();
        // Partition 0 holds ts 7 then 1: offset order within a partition always wins.
        assert_eq!(order, [(1, 5), (0, 7), (0, 1), (1, 7)]);
        assert!(read_topic(&log, "missing").unwrap().is_empty());
    }
}
