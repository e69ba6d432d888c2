//! Export to the real thing: a sandbox session or a lesson becomes three files a learner runs
//! against a real Kafka and ksqlDB.
//!
//! - [`SCRIPT_FILE`]: a ksqlDB script. First the records the producers (and the learner, by hand)
//!   wrote, as `INSERT INTO ... VALUES` into a stream declared over each topic (timestamps kept
//!   through `ROWTIME`); then the statements that ran, in order. Transient statements (`SELECT`,
//!   `PRINT`, `SHOW`, `DESCRIBE`, `EXPLAIN`) and `TERMINATE` become comments: a script cannot show
//!   rows, and query ids are the server's.
//! - [`COMPOSE_FILE`]: Kafka (KRaft, one broker), ksqlDB server and CLI, pinned versions, plus a
//!   one-shot service creating the topics with streamlab's partition counts and cleanup policies.
//! - [`KCAT_FILE`]: the same records with `kcat`, byte for byte (keys, values, partitions,
//!   tombstones), for topics the INSERTs cannot express (values that are not flat JSON objects).
//!
//! **Invariant:** every statement of the script is accepted by streamlab's own parser (tested for
//! sessions and for every lesson). Records are bounded ([`MAX_RECORDS_PER_TOPIC`],
//! [`MAX_RECORDS`]): a long session exports its first records and says so.

use crate::lessons::{describe_action, Action as LessonAction, Lesson, LessonRun, LessonRunError};
use crate::log::{CleanupPolicy, Record};
use crate::sql::ast::{PropertyValue, Statement};
use crate::sql::parse::parse_script;
use crate::world::World;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

pub const SCRIPT_FILE: &str = "streamlab.ksql";
pub const COMPOSE_FILE: &str = "docker-compose.yml";
pub const KCAT_FILE: &str = "kcat.sh";

/// Pinned images: ksqlDB 0.29 is the last open release; cp-kafka 7.7 runs KRaft without ZooKeeper.
pub const KAFKA_IMAGE: &str = "confluentinc/cp-kafka:7.7.1";
pub const KSQLDB_SERVER_IMAGE: &str = "confluentinc/ksqldb-server:0.29.0";
pub const KSQLDB_CLI_IMAGE: &str = "confluentinc/ksqldb-cli:0.29.0";
pub const KCAT_IMAGE: &str = "edenhill/kcat:1.7.1";

/// Records exported per topic, and in all.
pub const MAX_RECORDS_PER_TOPIC: usize = 500;
pub const MAX_RECORDS: usize = 2_000;

/// kcat's key delimiter: a record whose key or value contains it (or a line break) is left out.
const KCAT_DELIMITER: &str = "|~|";

/// The three files, as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportBundle {
    pub script: String,
    pub compose: String,
    pub kcat: String,
}

impl ExportBundle {
    /// (file name, MIME type, contents), for the download button.
    pub fn files(&self) -> [(&'static str, &'static str, &str); 3] {
        [
            (SCRIPT_FILE, "text/plain", self.script.as_str()),
            (COMPOSE_FILE, "application/yaml", self.compose.as_str()),
            (KCAT_FILE, "text/x-shellscript", self.kcat.as_str()),
        ]
    }
}

/// A piece of the statements section: a heading comment or one statement's text.
enum Piece {
    Heading(String),
    Sql(String),
}

/// A sandbox session: `scripts` are what the learner ran, in order (the console's history).
pub fn export_session(world: &World, scripts: &[String]) -> ExportBundle {
    let pieces = scripts.iter().map(|s| Piece::Sql(s.clone())).collect::<Vec<_>>();
    build(world, "streamlab sandbox session", &pieces)
}

/// A lesson, played through (setup, then each step's actions and solution) on a fresh world of
/// `seed`, so its records are the ones the learner saw. The statements are the lesson's SQL in
/// the order of [`crate::lessons::export_script`]; its other actions appear as comments.
pub fn export_lesson(lesson: &Lesson, seed: u64) -> Result<ExportBundle, LessonRunError> {
    let (mut world, mut run) = LessonRun::start(lesson, seed)?;
    for index in 0..run.n_steps() {
        if index > 0 {
            run.enter_step(&mut world, index)?;
        }
        run.apply_solution(&mut world)?;
    }
    let mut pieces = Vec::new();
    let mut add = |heading: String, actions: &[LessonAction], always: bool| {
        if actions.is_empty() && !always {
            return;
        }
        pieces.push(Piece::Heading(heading));
        for action in actions {
            match action {
                LessonAction::Sql { sql } => pieces.push(Piece::Sql(sql.clone())),
                other => pieces.push(Piece::Heading(format!("(in streamlab) {}", describe_action(other)))),
            }
        }
    };
    add("Setup".to_string(), &lesson.setup, false);
    for (i, step) in lesson.steps.iter().enumerate() {
        add(format!("Step {}: {}", i + 1, step.title), &step.actions, true);
        add(format!("Step {} solution", i + 1), &step.solution, false);
    }
    Ok(build(&world, &format!("{} (streamlab lesson '{}', seed {seed})", lesson.title, lesson.id), &pieces))
}

/// What a statement of the session becomes in the script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Run,
    /// Transient: shows rows, which a script cannot.
    Interactive,
    /// `TERMINATE`: the server names its own queries.
    Terminate,
    /// Connector statements need a Kafka Connect cluster, which the exported compose file lacks.
    Connector,
}

fn kind_of(statement: &Statement) -> Kind {
    match statement {
        Statement::CreateSource(_)
        | Statement::CreateAsSelect(_)
        | Statement::InsertSelect { .. }
        | Statement::InsertValues { .. }
        | Statement::Drop { .. }
        | Statement::Set { .. }
        | Statement::Unset { .. } => Kind::Run,
        Statement::Terminate { .. } => Kind::Terminate,
        Statement::Connector(_) => Kind::Connector,
        Statement::Select(_) | Statement::Print { .. } | Statement::Show { .. } | Statement::Describe { .. } | Statement::Explain(_) => {
            Kind::Interactive
        }
    }
}

/// Topics that the statements themselves create (`CREATE ... WITH (partitions=...)` and the
/// sinks of `... AS SELECT`): their records come from the statements, not from the export.
fn topics_made_by_sql(world: &World, pieces: &[Piece]) -> BTreeSet<String> {
    let mut topics: BTreeSet<String> = world.engine().sources().filter(|s| !s.is_source).map(|s| s.topic.clone()).collect();
    for piece in pieces {
        let Piece::Sql(sql) = piece else { continue };
        for parsed in parse_script(sql).unwrap_or_default() {
            if let Statement::CreateSource(create) = &parsed.statement {
                let property = |name: &str| create.properties.iter().find(|p| p.name.eq_ignore_ascii_case(name)).map(|p| &p.value);
                if property("PARTITIONS").is_some() {
                    let topic = match property("KAFKA_TOPIC") {
                        Some(PropertyValue::String(topic) | PropertyValue::Identifier(topic)) => topic.clone(),
                        _ => create.name.name.clone(),
                    };
                    topics.insert(topic);
                }
            }
        }
    }
    topics
}

/// A topic whose records the export carries.
struct TopicRecords {
    topic: String,
    partitions: u32,
    compacted: bool,
    records: Vec<Record>,
    /// Records the topic holds in all (more than `records` when bounded).
    n_total: u64,
}

fn topic_records(world: &World, skip: &BTreeSet<String>) -> Vec<TopicRecords> {
    let mut budget = MAX_RECORDS;
    let mut out = Vec::new();
    for topic in world.log().topics() {
        let name = topic.name().to_string();
        if skip.contains(&name) || name.starts_with('_') {
            continue;
        }
        let mut records = Vec::new();
        let mut n_total = 0u64;
        for partition in topic.partitions() {
            n_total += partition.len() as u64;
            let room = MAX_RECORDS_PER_TOPIC.min(budget).saturating_sub(records.len());
            if room > 0 {
                records.extend(partition.fetch(&name, partition.log_start_offset(), room).unwrap_or_default());
            }
        }
        // As they arrived: by timestamp, then partition and offset (stable for equal times).
        records.sort_by_key(|r| (r.timestamp, r.partition, r.offset));
        budget = budget.saturating_sub(records.len());
        let config = topic.config();
        out.push(TopicRecords {
            topic: name,
            partitions: topic.n_partitions(),
            compacted: config.cleanup_policy == CleanupPolicy::Compact,
            records,
            n_total,
        });
    }
    out
}

fn build(world: &World, title: &str, pieces: &[Piece]) -> ExportBundle {
    let made_by_sql = topics_made_by_sql(world, pieces);
    let topics = topic_records(world, &made_by_sql);
    let catalog_names: BTreeSet<String> = world.engine().sources().map(|s| s.name.to_ascii_uppercase()).collect();
    let mut script = String::new();
    let _ = writeln!(script, "-- {title}");
    let _ = writeln!(script, "-- Exported by streamlab for ksqlDB 0.29. Start Kafka and ksqlDB with {COMPOSE_FILE}, then run:");
    let _ = writeln!(script, "--   docker compose exec ksqldb-cli ksql http://ksqldb-server:8088 --file /export/{SCRIPT_FILE}");
    let _ = writeln!(script, "-- Records keep streamlab's timestamps (its virtual clock starts in 2018): the topics that");
    let _ = writeln!(script, "-- {COMPOSE_FILE} creates keep them (retention.ms=-1), where a 7-day retention would delete them.");
    script.push_str("SET 'auto.offset.reset' = 'earliest';\n");

    let mut record_targets: BTreeMap<String, String> = BTreeMap::new();
    let mut used_names = catalog_names;
    for topic in &topics {
        if topic.records.is_empty() {
            continue;
        }
        if let Some(stream) = write_inserts(&mut script, topic, &mut used_names) {
            record_targets.insert(topic.topic.clone(), stream);
        }
    }

    script.push_str("\n-- The statements, in the order they ran.\n");
    let record_topics: BTreeSet<&str> = topics.iter().filter(|t| !t.records.is_empty()).map(|t| t.topic.as_str()).collect();
    for piece in pieces {
        match piece {
            Piece::Heading(text) => {
                let _ = writeln!(script, "\n-- {}", one_line(text));
            }
            Piece::Sql(sql) => write_statements(&mut script, world, sql, &record_topics),
        }
    }
    ExportBundle { script, compose: compose_file(&topics), kcat: kcat_file(title, &topics) }
}

fn write_statements(script: &mut String, world: &World, sql: &str, record_topics: &BTreeSet<&str>) {
    let statements = match parse_script(sql) {
        Ok(statements) => statements,
        Err(error) => {
            let _ = writeln!(script, "-- Left out (streamlab could not parse it: {}):", one_line(&error.message));
            script.push_str(&comment_out(sql));
            return;
        }
    };
    for parsed in statements {
        let text = format!("{};", parsed.text.trim().trim_end_matches(';').trim_end());
        let inserts_into_exported = match &parsed.statement {
            Statement::InsertValues { target, .. } => world
                .engine()
                .source(&target.name)
                .or_else(|| world.engine().source(&target.name.to_ascii_uppercase()))
                .is_some_and(|s| record_topics.contains(s.topic.as_str())),
            _ => false,
        };
        match kind_of(&parsed.statement) {
            _ if inserts_into_exported => {
                script.push_str("-- Already among the records above:\n");
                script.push_str(&comment_out(&text));
            }
            Kind::Run => {
                script.push_str(&text);
                script.push('\n');
            }
            Kind::Interactive => {
                script.push_str("-- Run in the CLI to see its rows:\n");
                script.push_str(&comment_out(&text));
            }
            Kind::Connector => {
                script.push_str("-- Needs a Kafka Connect worker (ksql.connect.url), which docker-compose.yml does not start:\n");
                script.push_str(&comment_out(&text));
            }
            Kind::Terminate => {
                script.push_str("-- Query ids are the server's: find this one with SHOW QUERIES;\n");
                script.push_str(&comment_out(&text));
            }
        }
    }
}

fn comment_out(text: &str) -> String {
    text.trim().lines().map(|line| format!("-- {line}\n")).collect()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The SQL type of a JSON field across all records, or `None` when INSERT VALUES cannot carry
/// it faithfully (nested objects, arrays, mixed types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FieldType {
    Bigint,
    Double,
    String,
    Boolean,
    Unknown,
    Unsupported,
}

impl FieldType {
    fn of(value: &Json) -> FieldType {
        match value {
            Json::Null => FieldType::Unknown,
            Json::Bool(_) => FieldType::Boolean,
            Json::Number(n) if n.is_i64() => FieldType::Bigint,
            Json::Number(_) => FieldType::Double,
            Json::String(_) => FieldType::String,
            Json::Array(_) | Json::Object(_) => FieldType::Unsupported,
        }
    }

    fn merge(self, other: FieldType) -> FieldType {
        use FieldType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Unknown, b) => b,
            (a, Unknown) => a,
            (Bigint, Double) | (Double, Bigint) => Double,
            _ => Unsupported,
        }
    }

    fn sql(self) -> Option<&'static str> {
        match self {
            FieldType::Bigint => Some("BIGINT"),
            FieldType::Double => Some("DOUBLE"),
            FieldType::String | FieldType::Unknown => Some("STRING"),
            FieldType::Boolean => Some("BOOLEAN"),
            FieldType::Unsupported => None,
        }
    }
}

/// A stream name for a topic's records: upper-case letters, digits and `_`, unused so far.
fn stream_name(topic: &str, used: &mut BTreeSet<String>) -> String {
    let mut base: String = topic.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base.insert_str(0, "T_");
    }
    base.push_str("_RECORDS");
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    used.insert(name.clone());
    name
}

fn quote_identifier(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

fn quote_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn literal(value: &Json) -> String {
    match value {
        Json::Null => "NULL".into(),
        Json::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => quote_string(s),
        other => quote_string(&other.to_string()),
    }
}

/// Declares a stream over the topic and writes one INSERT per record; returns the stream's name,
/// or `None` (with a comment) when the values are not flat JSON objects.
fn write_inserts(script: &mut String, topic: &TopicRecords, used_names: &mut BTreeSet<String>) -> Option<String> {
    let _ = write!(script, "\n-- Topic {}: {} record(s)", topic.topic, topic.records.len());
    if (topic.records.len() as u64) < topic.n_total {
        let _ = write!(script, " of {} (the export keeps the first {})", topic.n_total, topic.records.len());
    }
    script.push('\n');
    // Parse every value once; fields in first-seen order.
    let mut fields: Vec<(String, FieldType)> = Vec::new();
    let mut rows: Vec<(&Record, serde_json::Map<String, Json>)> = Vec::new();
    let mut n_tombstones = 0;
    for record in &topic.records {
        let Some(value) = &record.value else {
            n_tombstones += 1;
            continue;
        };
        match serde_json::from_slice::<Json>(value) {
            Ok(Json::Object(object)) => {
                for (name, field_value) in &object {
                    let field_type = FieldType::of(field_value);
                    match fields.iter_mut().find(|(n, _)| n == name) {
                        Some((_, existing)) => *existing = existing.merge(field_type),
                        None => fields.push((name.clone(), field_type)),
                    }
                }
                rows.push((record, object));
            }
            _ => {
                let _ = writeln!(script, "-- Its values are not JSON objects, so INSERT VALUES cannot write them: {KCAT_FILE} does.");
                return None;
            }
        }
    }
    let skipped: Vec<&str> = fields.iter().filter(|(_, t)| t.sql().is_none()).map(|(n, _)| n.as_str()).collect();
    if !skipped.is_empty() {
        let _ = writeln!(script, "-- Nested or mixed fields left out here ({KCAT_FILE} sends them exactly): {}", skipped.join(", "));
    }
    if n_tombstones > 0 {
        let _ = writeln!(script, "-- {n_tombstones} tombstone(s) left out: INSERT VALUES cannot write a null value ({KCAT_FILE} does).");
    }
    let columns: Vec<(&str, &str)> = fields.iter().filter_map(|(n, t)| t.sql().map(|sql| (n.as_str(), sql))).collect();
    let key_column = ["K", "K_", "RECORD_KEY"].into_iter().find(|k| !columns.iter().any(|(n, _)| n.eq_ignore_ascii_case(k))).unwrap_or("RECORD_KEY_");
    let stream = stream_name(&topic.topic, used_names);
    let mut declaration = format!("{key_column} STRING KEY");
    for (name, sql_type) in &columns {
        let _ = write!(declaration, ", {} {sql_type}", quote_identifier(name));
    }
    let _ = writeln!(
        script,
        "CREATE STREAM IF NOT EXISTS {stream} ({declaration}) WITH (kafka_topic={}, value_format='JSON', partitions={});",
        quote_string(&topic.topic),
        topic.partitions
    );
    let column_list: String = columns.iter().map(|(n, _)| format!(", {}", quote_identifier(n))).collect();
    for (record, object) in rows {
        let key = match &record.key {
            None => "NULL".to_string(),
            Some(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => quote_string(text),
                Err(_) => {
                    let _ = writeln!(script, "-- Offset {} of partition {}: its key is not text; {KCAT_FILE} sends it.", record.offset, record.partition);
                    continue;
                }
            },
        };
        let values: String = columns.iter().map(|(n, _)| format!(", {}", object.get(*n).map_or_else(|| "NULL".to_string(), literal))).collect();
        let _ = writeln!(script, "INSERT INTO {stream} (ROWTIME, {key_column}{column_list}) VALUES ({}, {key}{values});", record.timestamp);
    }
    Some(stream)
}

fn compose_file(topics: &[TopicRecords]) -> String {
    let mut create_topics = Vec::new();
    for topic in topics {
        if !is_plain_topic_name(&topic.topic) {
            continue;
        }
        let mut command = format!(
            "kafka-topics --bootstrap-server kafka:29092 --create --if-not-exists --topic {} --partitions {} --replication-factor 1",
            topic.topic, topic.partitions
        );
        if topic.compacted {
            command.push_str(" --config cleanup.policy=compact");
        }
        // The records carry the virtual clock's timestamps (2018): with a time-based retention
        // Kafka would delete them at its first retention check.
        command.push_str(" --config retention.ms=-1");
        create_topics.push(command);
    }
    if create_topics.is_empty() {
        create_topics.push("echo no topics to create".to_string());
    }
    let topics_command = create_topics.join(" && ");
    format!(
        r#"# Kafka (KRaft, one broker) and ksqlDB for a streamlab export.
#   docker compose up -d
#   docker compose exec ksqldb-cli ksql http://ksqldb-server:8088 --file /export/{SCRIPT_FILE}
#   docker compose run --rm kcat sh /export/{KCAT_FILE}     (optional: the records, byte for byte)
# Kafka listens on localhost:9092, ksqlDB on http://localhost:8088.
services:
  kafka:
    image: {KAFKA_IMAGE}
    hostname: kafka
    ports:
      - "9092:9092"
    environment:
      CLUSTER_ID: "c3RyZWFtbGFiLWV4cG9ydA"
      KAFKA_NODE_ID: 1
      KAFKA_PROCESS_ROLES: broker,controller
      KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka:29093
      KAFKA_LISTENERS: PLAINTEXT://0.0.0.0:29092,CONTROLLER://0.0.0.0:29093,PLAINTEXT_HOST://0.0.0.0:9092
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT
      KAFKA_CONTROLLER_LISTENER_NAMES: CONTROLLER
      KAFKA_INTER_BROKER_LISTENER_NAME: PLAINTEXT
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 1
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: 0
    healthcheck:
      test: ["CMD", "kafka-topics", "--bootstrap-server", "kafka:29092", "--list"]
      interval: 5s
      timeout: 10s
      retries: 30

  # Creates the topics with streamlab's partition counts and cleanup policies, then exits.
  topics:
    image: {KAFKA_IMAGE}
    depends_on:
      kafka:
        condition: service_healthy
    entrypoint: ["bash", "-c"]
    command: ["{topics_command}"]

  ksqldb-server:
    image: {KSQLDB_SERVER_IMAGE}
    hostname: ksqldb-server
    depends_on:
      topics:
        condition: service_completed_successfully
    ports:
      - "8088:8088"
    environment:
      KSQL_LISTENERS: http://0.0.0.0:8088
      KSQL_BOOTSTRAP_SERVERS: kafka:29092
      KSQL_KSQL_LOGGING_PROCESSING_STREAM_AUTO_CREATE: "true"
      KSQL_KSQL_LOGGING_PROCESSING_TOPIC_AUTO_CREATE: "true"

  ksqldb-cli:
    image: {KSQLDB_CLI_IMAGE}
    depends_on:
      - ksqldb-server
    entrypoint: /bin/sh
    tty: true
    volumes:
      - ./:/export

  kcat:
    image: {KCAT_IMAGE}
    profiles: ["tools"]
    depends_on:
      - kafka
    entrypoint: ["sh", "-c"]
    command: ["sh /export/{KCAT_FILE}"]
    environment:
      BROKER: kafka:29092
    volumes:
      - ./:/export
"#
    )
}

/// Kafka's legal topic characters; anything else is kept out of shell and YAML text.
fn is_plain_topic_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn kcat_file(title: &str, topics: &[TopicRecords]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "#!/bin/sh");
    let _ = writeln!(out, "# {}: the records, produced with kcat (https://github.com/edenhill/kcat).", one_line(title));
    out.push_str(
        "# Keys, values, partitions and tombstones as in streamlab; the timestamps are the time you run this\n\
         # (kcat cannot set them per record; the INSERTs of streamlab.ksql keep them). Offsets start where a\n\
         # fresh topic starts, at 0. With docker-compose.yml:  docker compose run --rm kcat\n\
         # or with kcat installed:  BROKER=localhost:9092 sh kcat.sh\n",
    );
    out.push_str("set -e\nBROKER=\"${BROKER:-localhost:9092}\"\n");
    for topic in topics {
        if topic.records.is_empty() || !is_plain_topic_name(&topic.topic) {
            continue;
        }
        let _ = writeln!(out, "\n# Topic {}: {} record(s) of {}", topic.topic, topic.records.len(), topic.n_total);
        for partition in 0..topic.partitions {
            let mut lines = String::new();
            for record in topic.records.iter().filter(|r| r.partition == partition) {
                let text = |bytes: &Option<crate::log::Bytes>| match bytes {
                    None => Some(String::new()),
                    Some(bytes) => std::str::from_utf8(bytes).ok().map(str::to_string),
                };
                match (text(&record.key), text(&record.value)) {
                    (Some(key), Some(value)) if ![&key, &value].iter().any(|t| t.contains(KCAT_DELIMITER) || t.contains('\n') || t.contains('\r')) => {
                        let _ = writeln!(lines, "{key}{KCAT_DELIMITER}{value}");
                    }
                    _ => {
                        let _ = writeln!(out, "# Offset {} of partition {partition} left out: its key or value is not one line of text.", record.offset);
                    }
                }
            }
            if lines.is_empty() {
                continue;
            }
            // -Z: an empty key or value is sent as null (no key; a tombstone).
            let _ = writeln!(out, "kcat -P -b \"$BROKER\" -t {} -p {partition} -K '{KCAT_DELIMITER}' -Z <<'STREAMLAB_RECORDS'", topic.topic);
            out.push_str(&lines);
            out.push_str("STREAMLAB_RECORDS\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::LessonCatalogue;
    use crate::log::{OffsetReset, ProducerRecord};
    use crate::producers::ScenarioKind;

    /// The sandbox's default world (src/ui/store.rs `default_world`, which is wasm-only).
    fn sandbox_world(seed: u64) -> World {
        let mut world = World::new(seed);
        for (kind, rate) in [(ScenarioKind::AccountTransactions, 2.0), (ScenarioKind::Clickstream, 3.0)] {
            world.add_producer(kind, rate).unwrap();
            world.start_producer(kind.name()).unwrap();
        }
        let topic = world.producer_views().into_iter().find(|p| p.kind == ScenarioKind::AccountTransactions).unwrap().topics[0].clone();
        world.add_sink("ledger", &[topic.as_str()], Some(1.0), OffsetReset::Earliest).unwrap();
        world.step(10_000);
        world
    }

    fn assert_every_statement_parses(script: &str) {
        let statements = parse_script(script).unwrap_or_else(|e| panic!("{e:?}\n{script}"));
        assert!(!statements.is_empty());
    }

    /// Replays `script` on an empty world and returns each topic's (key, value, timestamp) in
    /// partition and offset order.
    /// Each topic's records as (partition, key, value, timestamp).
    type TopicRecords = BTreeMap<String, Vec<(u32, Option<Vec<u8>>, Option<Vec<u8>>, i64)>>;

    fn replay(script: &str) -> TopicRecords {
        let mut world = World::new(0);
        let outcome = world.execute_sql(script);
        assert!(outcome.error.is_none(), "{:?}", outcome.error);
        topics_of(&world)
    }

    fn topics_of(world: &World) -> TopicRecords {
        world
            .log()
            .topics()
            .map(|t| {
                let records = t
                    .partitions()
                    .iter()
                    .flat_map(|p| p.fetch(t.name(), 0, usize::MAX).unwrap())
                    .map(|r| (r.partition, r.key.map(|k| k.to_vec()), r.value.map(|v| v.to_vec()), r.timestamp))
                    .collect();
                (t.name().to_string(), records)
            })
            .collect()
    }

    #[test]
    fn a_session_exports_statements_and_records_that_replay_to_the_same_log() {
        let mut world = sandbox_world(7);
        let scripts = vec![
            "CREATE STREAM tx (account_id STRING KEY, amount INT) WITH (kafka_topic='account_transactions', value_format='JSON');".to_string(),
            "SELECT * FROM tx EMIT CHANGES LIMIT 2;\nSHOW TOPICS;".to_string(),
            "CREATE STREAM big AS SELECT * FROM tx WHERE amount > 30;".to_string(),
            "this is not sql".to_string(),
        ];
        for script in &scripts {
            world.execute_sql(script);
        }
        let bundle = export_session(&world, &scripts);
        if std::env::var_os("STREAMLAB_SHOW_EXPORT").is_some() {
            println!("{}\n{}\n{}", bundle.script, bundle.compose, bundle.kcat);
        }
        assert_every_statement_parses(&bundle.script);
        assert!(bundle.script.contains("CREATE STREAM big AS SELECT"), "{}", bundle.script);
        assert!(bundle.script.contains("-- SELECT * FROM tx EMIT CHANGES LIMIT 2;"));
        assert!(bundle.script.contains("-- this is not sql"));
        assert!(bundle.script.contains("INSERT INTO ACCOUNT_TRANSACTIONS_RECORDS (ROWTIME, K, `"));
        // The sink topic BIG is made by the query, not exported as records.
        assert!(!bundle.script.contains("BIG_RECORDS"));

        // Running just the records part on an empty streamlab gives the producer topics again:
        // same keys, values, timestamps and partitions.
        let records_part: String = bundle.script.split("\n-- The statements").next().unwrap().to_string();
        let replayed = replay(&records_part);
        let original = topics_of(&world);
        for topic in ["account_transactions", "clickstream"] {
            let original_topic = original.get(topic).map(|t| t.len());
            assert!(original_topic.unwrap_or(0) > 5, "{topic}: {original_topic:?}");
            let mut expected: Vec<_> = original[topic].iter().map(|(p, k, v, t)| (*p, k.clone(), v.clone().map(normalise_json), *t)).collect();
            let mut got: Vec<_> = replayed[topic].iter().map(|(p, k, v, t)| (*p, k.clone(), v.clone().map(normalise_json), *t)).collect();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "topic {topic}");
        }
    }

    /// JSON values compared as values (the INSERT writes fields in column order).
    fn normalise_json(bytes: Vec<u8>) -> Vec<u8> {
        let value: Json = serde_json::from_slice(&bytes).unwrap();
        let sorted: BTreeMap<String, Json> = value.as_object().unwrap().clone().into_iter().collect();
        serde_json::to_vec(&sorted).unwrap()
    }

    #[test]
    fn records_are_bounded_and_say_so() {
        let mut world = World::new(1);
        world.log_mut().create_topic("events", crate::log::TopicConfig::with_partitions(2)).unwrap();
        for i in 0..(MAX_RECORDS_PER_TOPIC + 50) {
            world.produce("events", ProducerRecord::keyed(format!("k{i}"), format!(r#"{{"n":{i},"ok":true,"x":1.5}}"#))).unwrap();
        }
        let bundle = export_session(&world, &[]);
        assert_every_statement_parses(&bundle.script);
        assert_eq!(bundle.script.matches("INSERT INTO EVENTS_RECORDS").count(), MAX_RECORDS_PER_TOPIC);
        assert!(bundle.script.contains(&format!("of {} (the export keeps the first {MAX_RECORDS_PER_TOPIC})", MAX_RECORDS_PER_TOPIC + 50)));
        assert!(bundle.script.contains("`n` BIGINT, `ok` BOOLEAN, `x` DOUBLE"), "{}", &bundle.script[..600]);
        assert!(bundle.compose.contains("--topic events --partitions 2 --replication-factor 1 --config retention.ms=-1"));
        assert_eq!(bundle.kcat.matches("\nSTREAMLAB_RECORDS\n").count(), 2, "one here-document per partition");
        assert!(bundle.kcat.contains("-t events -p 0 ") && bundle.kcat.contains("-t events -p 1 "));
    }

    #[test]
    fn odd_values_go_to_kcat_with_a_note() {
        let mut world = World::new(1);
        world.log_mut().create_topic("odd", crate::log::TopicConfig::default()).unwrap();
        world.produce("odd", ProducerRecord::keyed("a", r#"{"nested":{"x":1},"it's":"quote'd"}"#)).unwrap();
        world.produce("odd", ProducerRecord { key: Some(std::sync::Arc::from(&b"a"[..])), ..ProducerRecord::default() }).unwrap();
        world.log_mut().create_topic("text", crate::log::TopicConfig::default()).unwrap();
        world.produce("text", ProducerRecord::keyed("k", "plain text")).unwrap();
        let bundle = export_session(&world, &["INSERT INTO nowhere VALUES (1);".to_string()]);
        assert_every_statement_parses(&bundle.script);
        assert!(bundle.script.contains("left out here (kcat.sh sends them exactly): nested"), "{}", bundle.script);
        assert!(bundle.script.contains("1 tombstone(s) left out"));
        assert!(bundle.script.contains("`it''s`") || bundle.script.contains("`it's`"));
        assert!(bundle.script.contains("'quote''d'"));
        assert!(bundle.script.contains("Its values are not JSON objects"));
        assert!(bundle.kcat.contains("a|~|\n"), "the tombstone: empty value with -Z\n{}", bundle.kcat);
        assert!(bundle.kcat.contains("k|~|plain text\n"));
    }

    #[test]
    fn every_lesson_exports_a_script_streamlab_parses() {
        let catalogue = LessonCatalogue::load().unwrap();
        assert!(catalogue.lessons.len() >= 10);
        for lesson in &catalogue.lessons {
            let bundle = export_lesson(lesson, lesson.seed).unwrap_or_else(|e| panic!("{e}"));
            assert_every_statement_parses(&bundle.script);
            assert!(bundle.script.contains(&lesson.title));
            for step in &lesson.steps {
                assert!(bundle.script.contains(&one_line(&step.title)), "lesson {}: step {}", lesson.id, step.title);
            }
            assert!(bundle.compose.contains(KSQLDB_SERVER_IMAGE));
            assert!(bundle.kcat.starts_with("#!/bin/sh"));
        }
    }

    #[test]
    fn compose_pins_versions_and_creates_topics() {
        let world = sandbox_world(3);
        let bundle = export_session(&world, &[]);
        for image in [KAFKA_IMAGE, KSQLDB_SERVER_IMAGE, KSQLDB_CLI_IMAGE, KCAT_IMAGE] {
            assert!(bundle.compose.contains(&format!("image: {image}")), "{image}");
        }
        assert!(bundle.compose.contains("KAFKA_PROCESS_ROLES: broker,controller"));
        assert!(bundle.compose.contains("--topic account_transactions --partitions"));
        assert!(!bundle.compose.contains(":latest"));
    }
}
