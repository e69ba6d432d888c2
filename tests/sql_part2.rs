//! Streaming SQL, part 2: tables, aggregations, windows and pull queries, tested through the
//! engine's public API. The cases restate ksqlDB's functional tests (QTT) in our own words.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use std::sync::Arc;
use streamlab::log::{Log, ProducerRecord, TopicConfig};
use streamlab::sql::engine::TableRowView;
use streamlab::sql::value::Value;
use streamlab::sql::{Engine, StatementResult};

struct World {
    log: Log,
    engine: Engine,
}

impl World {
    fn new(topics: &[&str]) -> World {
        let mut log = Log::new();
        for topic in topics {
            log.create_topic(topic, TopicConfig::with_partitions(1))
                .unwrap();
        }
        let mut engine = Engine::new();
        engine
            .set_property("auto.offset.reset", "earliest")
            .unwrap();
        World { log, engine }
    }

    fn run(&mut self, sql: &str) -> Vec<StatementResult> {
        let results = self
            .engine
            .execute_script(&mut self.log, 0, sql)
            .unwrap_or_else(|e| panic!("{sql}\n=> {e}"));
        self.engine.run_until_idle(&mut self.log, 0).unwrap();
        results
    }

    fn send(&mut self, topic: &str, key: Option<&str>, value: Option<&str>, timestamp: i64) {
        let record = ProducerRecord {
            partition: None,
            key: key.map(|k| Arc::from(k.as_bytes())),
            value: value.map(|v| Arc::from(v.as_bytes())),
            timestamp: Some(timestamp),
            headers: Vec::new(),
        };
        self.log.append(topic, record, 0).unwrap();
        self.engine.run_until_idle(&mut self.log, 0).unwrap();
    }

    /// Every record of a topic as `key => value @timestamp`, windowed keys shown as their bytes'
    /// inner key plus the window start.
    fn topic(&self, topic: &str) -> Vec<String> {
        self.log
            .fetch(topic, 0, 0, 10_000)
            .unwrap()
            .iter()
            .map(|r| {
                let key = r
                    .key
                    .as_deref()
                    .map(|k| String::from_utf8_lossy(k).to_string())
                    .unwrap_or_else(|| "null".into());
                let value = r
                    .value
                    .as_deref()
                    .map(|v| String::from_utf8_lossy(v).to_string())
                    .unwrap_or_else(|| "null".into());
                format!("{key} => {value} @{}", r.timestamp)
            })
            .collect()
    }

    fn rows(&mut self, table: &str) -> Vec<TableRowView> {
        self.engine.table_rows(&self.log, table).unwrap()
    }

    fn pull(&mut self, sql: &str) -> Vec<Vec<String>> {
        match self.run(sql).pop() {
            Some(StatementResult::Rows { rows, .. }) => rows,
            other => panic!("expected rows from {sql}, got {other:?}"),
        }
    }
}

fn text(value: &str) -> Value {
    Value::String(value.into())
}

#[test]
fn a_table_upserts_by_key_and_forgets_tombstoned_keys() {
    let mut world = World::new(&["users"]);
    world.run("CREATE TABLE USERS (ID STRING PRIMARY KEY, LEVEL STRING) WITH (kafka_topic='users', value_format='JSON');");
    world.send("users", Some("alice"), Some(r#"{"level":"Gold"}"#), 1);
    world.send("users", Some("bob"), Some(r#"{"level":"Silver"}"#), 2);
    world.send("users", Some("alice"), Some(r#"{"level":"Platinum"}"#), 3);
    world.send("users", None, Some(r#"{"level":"Nobody"}"#), 4);
    let rows = world.rows("USERS");
    assert_eq!(
        rows.iter()
            .map(|r| (r.key.clone(), r.values.clone()))
            .collect::<Vec<_>>(),
        vec![
            (vec![text("alice")], vec![text("Platinum")]),
            (vec![text("bob")], vec![text("Silver")]),
        ]
    );
    assert_eq!((rows[0].timestamp, rows[0].offset), (3, 2));
    world.send("users", Some("bob"), None, 5);
    assert_eq!(world.rows("USERS").len(), 1);
    assert_eq!(
        world.pull("SELECT * FROM USERS;"),
        vec![vec!["alice".to_string(), "Platinum".to_string()]]
    );
    assert_eq!(
        world.pull("SELECT LEVEL FROM USERS WHERE ID = 'bob';"),
        Vec::<Vec<String>>::new()
    );
    assert!(world
        .engine
        .table_rows(&world.log, "NO_SUCH_TABLE")
        .is_none());
}

#[test]
fn count_per_key_emits_every_update() {
    let mut world = World::new(&["input"]);
    world.run("CREATE STREAM INPUT (ID STRING KEY, NAME STRING) WITH (kafka_topic='input', value_format='DELIMITED');");
    world.run("CREATE TABLE OUTPUT AS SELECT ID, COUNT(*) FROM INPUT GROUP BY ID;");
    world.send("input", Some("0"), Some("a"), 10);
    world.send("input", Some("0"), Some("b"), 5);
    world.send("input", Some("100"), Some("c"), 20);
    world.send("input", Some("100"), None, 30);
    assert_eq!(
        world.topic("OUTPUT"),
        vec!["0 => 1 @10", "0 => 2 @10", "100 => 1 @20"]
    );
    assert_eq!(
        world.pull("SELECT * FROM OUTPUT WHERE ID = '0';"),
        vec![vec!["0".to_string(), "2".to_string()]]
    );
    let description = world.engine.source("OUTPUT").unwrap().schema_text();
    assert_eq!(description, "`ID` STRING KEY, `KSQL_COL_0` BIGINT");
}

#[test]
fn a_table_aggregation_subtracts_the_old_group_before_adding_the_new_one() {
    let mut world = World::new(&["input"]);
    world.run("CREATE TABLE INPUT (ID STRING PRIMARY KEY, NAME STRING) WITH (kafka_topic='input', value_format='DELIMITED');");
    world.run("CREATE TABLE OUTPUT AS SELECT NAME, COUNT(1) AS N FROM INPUT GROUP BY NAME HAVING COUNT(1) > 0;");
    world.send("input", Some("0"), Some("bob"), 1);
    world.send("input", Some("0"), Some("john"), 2);
    world.send("input", Some("100"), Some("john"), 3);
    world.send("input", Some("100"), Some("john"), 4);
    world.send("input", Some("100"), None, 5);
    assert_eq!(
        world.topic("OUTPUT"),
        vec![
            "bob => 1 @1",
            "bob => null @2",
            "john => 1 @2",
            "john => 2 @3",
            "john => 2 @4",
            "john => 1 @5",
        ]
    );
    let rows = world.rows("OUTPUT");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].values, vec![Value::BigInt(1)]);
}

#[test]
fn group_by_several_expressions_keys_in_group_by_order() {
    let mut world = World::new(&["input"]);
    world.run("CREATE STREAM INPUT (ID INT KEY, F1 INT, F2 STRING) WITH (kafka_topic='input', format='DELIMITED');");
    world.run("CREATE TABLE OUTPUT AS SELECT F1, F2, SUM(ID) AS TOTAL, MAX(F1) + 1 AS NEXT FROM INPUT GROUP BY F2, F1;");
    world.send("input", Some("1"), Some("1,a"), 0);
    world.send("input", Some("2"), Some("1,a"), 0);
    assert_eq!(
        world.topic("OUTPUT"),
        vec!["a,1 => 1,2 @0", "a,1 => 3,2 @0"]
    );
}

#[test]
fn non_aggregate_columns_must_be_grouped() {
    let mut world = World::new(&["input"]);
    world.run(
        "CREATE STREAM INPUT (ID INT KEY, F1 INT) WITH (kafka_topic='input', value_format='JSON');",
    );
    let error = world
        .engine
        .execute_script(
            &mut world.log,
            0,
            "CREATE TABLE O AS SELECT ID, F1, COUNT(*) FROM INPUT GROUP BY ID;",
        )
        .unwrap_err();
    assert_eq!(
        error.message,
        "Non-aggregate SELECT expression(s) not part of GROUP BY: F1"
    );
    let missing = world
        .engine
        .execute_script(
            &mut world.log,
            0,
            "CREATE TABLE O AS SELECT COUNT(*) AS C FROM INPUT GROUP BY F1;",
        )
        .unwrap_err();
    assert!(
        missing.message.starts_with("Key missing from projection"),
        "{}",
        missing.message
    );
    let table_min = "CREATE TABLE T (K INT PRIMARY KEY, V INT) WITH (kafka_topic='input', value_format='JSON');\nCREATE TABLE O AS SELECT V, MIN(K) FROM T GROUP BY V;";
    let error = world
        .engine
        .execute_script(&mut world.log, 0, table_min)
        .unwrap_err();
    assert_eq!(error.message, "The aggregation function MIN cannot be applied to a table source, only to a stream source.");
}

/// The talk's anomaly detection: more than three authorisations of one card within 5 seconds.
#[test]
fn possible_fraud_flags_one_tumbling_window() {
    let mut world = World::new(&["authorization_attempts"]);
    world.run("CREATE STREAM AUTHORIZATION_ATTEMPTS (CARD_NUMBER STRING KEY, AMOUNT DOUBLE) WITH (kafka_topic='authorization_attempts', value_format='JSON');");
    world.run("CREATE TABLE possible_fraud AS SELECT card_number, count(*) FROM authorization_attempts WINDOW TUMBLING (SIZE 5 SECONDS) GROUP BY card_number HAVING count(*) > 3;");
    for (n, timestamp) in [1_000, 1_500, 2_000, 4_900, 10_000, 15_000, 20_000, 25_000]
        .iter()
        .enumerate()
    {
        let card = if n < 4 { "4111" } else { "4222" };
        world.send(
            "authorization_attempts",
            Some(card),
            Some(r#"{"amount": 10.0}"#),
            *timestamp,
        );
    }
    let rows = world.rows("POSSIBLE_FRAUD");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].key, vec![text("4111")]);
    assert_eq!(rows[0].window, Some((0, 5_000)));
    assert_eq!(rows[0].values, vec![Value::BigInt(4)]);
    let pulled = world.pull("SELECT CARD_NUMBER, WINDOWSTART, WINDOWEND, KSQL_COL_0 FROM POSSIBLE_FRAUD WHERE WINDOWSTART >= 0;");
    assert_eq!(
        pulled,
        vec![vec![
            "4111".to_string(),
            "0".to_string(),
            "5000".to_string(),
            "4".to_string()
        ]]
    );
    // The sink key is the card number followed by the window start, 8 bytes big-endian.
    let record = world
        .log
        .fetch("POSSIBLE_FRAUD", 0, 0, 1)
        .unwrap()
        .remove(0);
    let mut expected_key = b"4111".to_vec();
    expected_key.extend_from_slice(&0i64.to_be_bytes());
    assert_eq!(record.key.as_deref(), Some(expected_key.as_slice()));
}

#[test]
fn late_records_after_the_grace_period_are_dropped() {
    let mut world = World::new(&["input"]);
    world.run("CREATE STREAM INPUT (ID STRING KEY, V BIGINT) WITH (kafka_topic='input', value_format='DELIMITED');");
    world.run("CREATE TABLE OUTPUT AS SELECT ID, MAX(V) FROM INPUT WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 1 MINUTE) GROUP BY ID;");
    world.send("input", Some("a"), Some("0"), 0);
    world.send("input", Some("a"), Some("5"), 10_009);
    world.send("input", Some("a"), Some("1"), 90_000);
    world.send("input", Some("a"), Some("6"), 10_010);
    let values: Vec<String> = world
        .topic("OUTPUT")
        .iter()
        .map(|r| r.rsplit(" => ").next().unwrap().to_string())
        .collect();
    assert_eq!(values, vec!["0 @0", "5 @10009", "1 @90000"]);
}

#[test]
fn emit_final_emits_each_window_once_when_it_closes() {
    let mut world = World::new(&["input"]);
    world.run("CREATE STREAM INPUT (ID STRING KEY, V BIGINT) WITH (kafka_topic='input', value_format='DELIMITED');");
    world.run("CREATE TABLE OUTPUT AS SELECT ID, COUNT(*) FROM INPUT WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY ID EMIT FINAL;");
    world.send("input", Some("a"), Some("1"), 1_000);
    world.send("input", Some("a"), Some("1"), 2_000);
    assert!(world.topic("OUTPUT").is_empty());
    world.send("input", Some("a"), Some("1"), 10_000);
    assert_eq!(world.topic("OUTPUT").len(), 1);
    assert!(world.topic("OUTPUT")[0].ends_with("=> 2 @2000"));
}

#[test]
fn session_windows_merge_and_delete_the_merged_sessions() {
    let mut world = World::new(&["input"]);
    world.run("CREATE STREAM INPUT (ID STRING KEY, V BIGINT) WITH (kafka_topic='input', value_format='DELIMITED');");
    world.run("CREATE TABLE OUTPUT AS SELECT ID, COUNT(*) AS N FROM INPUT WINDOW SESSION (20 SECONDS) GROUP BY ID;");
    world.send("input", Some("a"), Some("1"), 0);
    world.send("input", Some("a"), Some("1"), 30_000);
    world.send("input", Some("a"), Some("1"), 15_000);
    let rows = world.rows("OUTPUT");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].window, Some((0, 30_000)));
    assert_eq!(rows[0].values, vec![Value::BigInt(3)]);
    assert_eq!(
        world
            .topic("OUTPUT")
            .iter()
            .filter(|r| r.contains("null"))
            .count(),
        2
    );
}

proptest! {
    /// A table is the fold of its changelog: upsert per key, delete on tombstone.
    #[test]
    fn a_table_equals_the_fold_of_its_changelog(changes in prop::collection::vec((0u8..5, prop::option::of(0i32..100)), 0..40)) {
        let mut world = World::new(&["t"]);
        world.run("CREATE TABLE T (K STRING PRIMARY KEY, V INT) WITH (kafka_topic='t', value_format='JSON');");
        let mut expected = std::collections::BTreeMap::new();
        for (n, (key, value)) in changes.iter().enumerate() {
            let key_text = format!("k{key}");
            let json = value.map(|v| format!(r#"{{"V":{v}}}"#));
            world.log.append("t", ProducerRecord {
                partition: None,
                key: Some(Arc::from(key_text.as_bytes())),
                value: json.as_deref().map(|j| Arc::from(j.as_bytes())),
                timestamp: Some(n as i64),
                headers: Vec::new(),
            }, 0).unwrap();
            match value {
                Some(v) => { expected.insert(key_text, *v); }
                None => { expected.remove(&key_text); }
            }
        }
        let actual: Vec<(Value, Value)> = world.rows("T").into_iter().map(|r| (r.key[0].clone(), r.values[0].clone())).collect();
        let expected: Vec<(Value, Value)> = expected.into_iter().map(|(k, v)| (Value::String(k.into()), Value::Int(v))).collect();
        prop_assert_eq!(actual, expected);
    }
}

/// The talk's streaming ETL: clicks of Platinum users, with the level as it was at click time.
#[test]
fn vip_actions_joins_clicks_with_the_users_table() {
    let mut world = World::new(&["clickstream", "users"]);
    world.run("CREATE STREAM CLICKSTREAM (USERID STRING, PAGE STRING, ACTION STRING) WITH (kafka_topic='clickstream', value_format='JSON');");
    world.run("CREATE TABLE USERS (USER_ID STRING PRIMARY KEY, LEVEL STRING) WITH (kafka_topic='users', value_format='JSON');");
    world.run("CREATE STREAM vip_actions AS SELECT userid, page, action FROM clickstream c LEFT JOIN users u ON c.userid = u.user_id WHERE u.level = 'Platinum';");
    world.send("users", Some("alice"), Some(r#"{"level":"Gold"}"#), 1);
    world.send(
        "clickstream",
        None,
        Some(r#"{"userid":"alice","page":"/home","action":"view"}"#),
        2,
    );
    world.send("users", Some("alice"), Some(r#"{"level":"Platinum"}"#), 3);
    world.send(
        "clickstream",
        None,
        Some(r#"{"userid":"alice","page":"/cart","action":"buy"}"#),
        4,
    );
    world.send(
        "clickstream",
        None,
        Some(r#"{"userid":"nobody","page":"/","action":"view"}"#),
        5,
    );
    assert_eq!(
        world.topic("VIP_ACTIONS"),
        vec![r#"alice => {"PAGE":"/cart","ACTION":"buy"} @4"#]
    );
    let schema = world.engine.source("VIP_ACTIONS").unwrap().schema_text();
    assert_eq!(
        schema,
        "`USERID` STRING KEY, `PAGE` STRING, `ACTION` STRING"
    );
}

#[test]
fn an_inner_stream_table_join_drops_unmatched_records_and_select_star_prefixes_columns() {
    let mut world = World::new(&["s", "t"]);
    world
        .run("CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON');");
    world.run("CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='t', value_format='JSON');");
    world.run("CREATE STREAM J AS SELECT * FROM S JOIN T ON S.ID = T.ID;");
    world.send(
        "t",
        Some("\u{0}\u{0}\u{0}\u{1}"),
        Some(r#"{"name":"one"}"#),
        1,
    );
    world.send("s", Some("\u{0}\u{0}\u{0}\u{1}"), Some(r#"{"v":"a"}"#), 2);
    world.send("s", Some("\u{0}\u{0}\u{0}\u{2}"), Some(r#"{"v":"b"}"#), 3);
    let schema = world.engine.source("J").unwrap().schema_text();
    assert_eq!(
        schema,
        "`S_ID` INTEGER KEY, `S_V` STRING, `T_ID` INTEGER, `T_NAME` STRING"
    );
    assert_eq!(world.topic("J").len(), 1);
}

fn rejected(world: &mut World, sql: &str) -> String {
    match world.engine.execute_script(&mut world.log, 0, sql) {
        Ok(results) => panic!("{sql} was accepted: {results:?}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn a_join_on_an_expression_is_keyed_by_the_side_that_is_a_bare_column() {
    let mut world = World::new(&["l", "r"]);
    world.run(
        "CREATE STREAM L (ID STRING KEY, V STRING) WITH (kafka_topic='l', value_format='JSON');",
    );
    world.run(
        "CREATE STREAM R (K STRING KEY, NAME STRING) WITH (kafka_topic='r', value_format='JSON');",
    );
    world.run("CREATE STREAM J AS SELECT L.*, R.*, L.ROWTIME, R.ROWTIME FROM L JOIN R WITHIN 10 SECONDS ON L.ID = UCASE(R.NAME);");
    assert_eq!(
        world.engine.source("J").unwrap().schema_text(),
        "`L_ID` STRING KEY, `L_V` STRING, `R_K` STRING, `R_NAME` STRING, `L_ROWTIME` BIGINT, `R_ROWTIME` BIGINT"
    );
    world.send("l", Some("ADA"), Some(r#"{"v":"x"}"#), 10);
    world.send("r", Some("r1"), Some(r#"{"name":"ada"}"#), 12);
    world.send("r", Some("r2"), Some(r#"{"name":"bob"}"#), 13);
    assert_eq!(
        world.topic("J"),
        vec![r#"ADA => {"L_V":"x","R_K":"r1","R_NAME":"ada","L_ROWTIME":10,"R_ROWTIME":12} @12"#]
    );
}

#[test]
fn a_join_on_two_expressions_needs_its_synthetic_rowkey_selected() {
    let mut world = World::new(&["l", "r"]);
    world.run(
        "CREATE STREAM L (ID STRING KEY, V STRING) WITH (kafka_topic='l', value_format='JSON');",
    );
    world.run(
        "CREATE STREAM R (K STRING KEY, NAME STRING) WITH (kafka_topic='r', value_format='JSON');",
    );
    let error = rejected(
        &mut world,
        "CREATE STREAM J AS SELECT L.V, R.NAME FROM L JOIN R WITHIN 10 SECONDS ON LCASE(L.ID) = LCASE(R.NAME);",
    );
    assert!(
        error.contains("ROWKEY was added as a synthetic key column"),
        "{error}"
    );
    world.run("CREATE STREAM J AS SELECT ROWKEY AS NAME_KEY, L.V, R.NAME FROM L JOIN R WITHIN 10 SECONDS ON LCASE(L.ID) = LCASE(R.NAME);");
    world.send("l", Some("Ada"), Some(r#"{"v":"x"}"#), 1);
    world.send("r", Some("r1"), Some(r#"{"name":"ADA"}"#), 2);
    assert_eq!(
        world.topic("J"),
        vec![r#"ada => {"V":"x","NAME":"ADA"} @2"#]
    );
}

/// Kafka Streams' time-windowed key: the inner key, then the window start (8 bytes, big endian).
fn time_windowed(key: &str, start: i64) -> String {
    let mut bytes = key.as_bytes().to_vec();
    bytes.extend_from_slice(&start.to_be_bytes());
    String::from_utf8(bytes).unwrap()
}

#[test]
fn a_windowed_source_reads_window_bounds_and_writes_windowed_keys() {
    let mut world = World::new(&["counts"]);
    world.run("CREATE STREAM COUNTS (K STRING KEY, N BIGINT) WITH (kafka_topic='counts', value_format='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='30 SECONDS');");
    world.run("CREATE STREAM LATER AS SELECT K, N, WINDOWEND AS UNTIL FROM COUNTS WHERE WINDOWSTART >= 30000;");
    world.send(
        "counts",
        Some(&time_windowed("a", 0)),
        Some(r#"{"n":1}"#),
        5,
    );
    world.send(
        "counts",
        Some(&time_windowed("a", 30000)),
        Some(r#"{"n":2}"#),
        31000,
    );
    let records = world.log.fetch("LATER", 0, 0, 10).unwrap();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    let key = record.key.as_deref().unwrap();
    assert_eq!(key, time_windowed("a", 30000).as_bytes());
    assert_eq!(
        record.value.as_deref().unwrap(),
        br#"{"N":2,"UNTIL":60000}"#
    );
    let error = rejected(&mut world, "CREATE STREAM BAD (K STRING KEY, N BIGINT) WITH (kafka_topic='counts', value_format='JSON', WINDOW_TYPE='SESSION', WINDOW_SIZE='1 SECOND');");
    assert!(
        error.contains("'WINDOW_SIZE' should not be set for SESSION windows."),
        "{error}"
    );
}

#[test]
fn a_windowed_source_joins_only_a_windowed_source_of_the_same_kind() {
    let mut world = World::new(&["a", "b"]);
    world.run("CREATE STREAM A (K STRING KEY, N BIGINT) WITH (kafka_topic='a', value_format='JSON', WINDOW_TYPE='SESSION');");
    world.run(
        "CREATE STREAM B (K STRING KEY, N BIGINT) WITH (kafka_topic='b', value_format='JSON');",
    );
    let error = rejected(
        &mut world,
        "CREATE STREAM J AS SELECT * FROM A JOIN B WITHIN 1 MINUTE ON A.K = B.K;",
    );
    assert!(
        error.contains("Can not join windowed source to non-windowed source."),
        "{error}"
    );
}

#[test]
fn partition_by_rekeys_a_stream_and_the_old_key_becomes_a_value() {
    let mut world = World::new(&["people"]);
    world.run("CREATE STREAM PEOPLE (ID STRING KEY, NAME STRING, CITY STRING) WITH (kafka_topic='people', value_format='JSON');");
    world.run("CREATE STREAM BY_CITY WITH (PARTITIONS=4) AS SELECT * FROM PEOPLE WHERE NAME <> 'nobody' PARTITION BY CITY;");
    assert_eq!(
        world.engine.source("BY_CITY").unwrap().schema_text(),
        "`CITY` STRING KEY, `ID` STRING, `NAME` STRING"
    );
    for (n, (id, name, city)) in [
        ("1", "ada", "London"),
        ("2", "bob", "Paris"),
        ("3", "cy", "London"),
        ("4", "nobody", "Paris"),
        ("5", "di", "Paris"),
    ]
    .iter()
    .enumerate()
    {
        let value = format!(r#"{{"name":"{name}","city":"{city}"}}"#);
        world.send("people", Some(id), Some(&value), n as i64);
    }
    // Every record of a city lands in one partition of the re-keyed topic.
    let mut by_partition: Vec<(u32, String, String)> = Vec::new();
    for partition in 0..4 {
        for record in world.log.fetch("BY_CITY", partition, 0, 100).unwrap() {
            let key = String::from_utf8(record.key.as_deref().unwrap().to_vec()).unwrap();
            let value = String::from_utf8(record.value.as_deref().unwrap().to_vec()).unwrap();
            by_partition.push((partition, key, value));
        }
    }
    assert_eq!(by_partition.len(), 4, "{by_partition:?}");
    for city in ["London", "Paris"] {
        let partitions: std::collections::BTreeSet<u32> = by_partition
            .iter()
            .filter(|(_, key, _)| key == city)
            .map(|(p, _, _)| *p)
            .collect();
        assert_eq!(partitions.len(), 1, "{city}: {by_partition:?}");
    }
    assert!(by_partition
        .iter()
        .any(|(_, key, value)| key == "Paris" && value == r#"{"ID":"5","NAME":"di"}"#));
}

#[test]
fn partition_by_an_expression_needs_it_in_the_projection() {
    let mut world = World::new(&["people"]);
    world.run("CREATE STREAM PEOPLE (ID STRING KEY, NAME STRING) WITH (kafka_topic='people', value_format='JSON');");
    let error = rejected(
        &mut world,
        "CREATE STREAM P AS SELECT ID, NAME FROM PEOPLE PARTITION BY UCASE(NAME);",
    );
    assert!(
        error.contains("must include the partitioning expression KSQL_COL_0"),
        "{error}"
    );
    world.run(
        "CREATE STREAM P AS SELECT UCASE(NAME) AS SHOUT, ID FROM PEOPLE PARTITION BY UCASE(NAME);",
    );
    assert_eq!(
        world.engine.source("P").unwrap().schema_text(),
        "`SHOUT` STRING KEY, `ID` STRING"
    );
    world.send("people", Some("1"), Some(r#"{"name":"ada"}"#), 1);
    assert_eq!(world.topic("P"), vec![r#"ADA => {"ID":"1"} @1"#]);
    let error = rejected(
        &mut world,
        "CREATE TABLE T AS SELECT * FROM PEOPLE PARTITION BY NAME;",
    );
    assert!(error.contains("STREAM"), "{error}");
}

#[test]
fn a_left_join_with_grace_holds_unmatched_rows_until_the_window_closes() {
    let mut world = World::new(&["l", "r"]);
    world.run(
        "CREATE STREAM L (K STRING KEY, L1 STRING) WITH (kafka_topic='l', value_format='JSON');",
    );
    world.run(
        "CREATE STREAM R (K STRING KEY, L2 STRING) WITH (kafka_topic='r', value_format='JSON');",
    );
    world.run("CREATE STREAM J AS SELECT L.K, L1, L2 FROM L LEFT JOIN R WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON L.K = R.K;");
    world.send("l", Some("k0"), Some(r#"{"l1":"A"}"#), 0);
    assert!(world.topic("J").is_empty(), "held back, not emitted");
    world.send("r", Some("k0"), Some(r#"{"l2":"a"}"#), 60_000);
    world.send("l", Some("k1"), Some(r#"{"l1":"B"}"#), 330_000);
    // Out of order: its window closed long ago, so it goes out unmatched at once...
    world.send("l", Some("k2"), Some(r#"{"l1":"C"}"#), 90_000);
    // ...and is too old to be kept for a match.
    world.send("r", Some("k2"), Some(r#"{"l2":"c"}"#), 90_000);
    assert_eq!(world.topic("J").len(), 2);
    // Stream time passes k1's window plus grace: its unmatched row is released.
    world.send("r", Some("k9"), Some(r#"{"l2":"z"}"#), 451_000);
    assert_eq!(
        world.topic("J"),
        vec![
            r#"k0 => {"L1":"A","L2":"a"} @60000"#,
            r#"k2 => {"L1":"C","L2":null} @90000"#,
            r#"k1 => {"L1":"B","L2":null} @330000"#,
        ]
    );
}

#[test]
fn a_keyless_stream_joined_on_a_value_gets_a_kafka_key() {
    let mut world = World::new(&["s", "t"]);
    world.run("CREATE STREAM S (NAME STRING, N INT) WITH (kafka_topic='s', key_format='NONE', value_format='JSON');");
    world.run("CREATE TABLE T (NAME STRING PRIMARY KEY, CITY STRING) WITH (kafka_topic='t', value_format='JSON');");
    world.run("CREATE STREAM J AS SELECT S.NAME, N, CITY FROM S JOIN T ON S.NAME = T.NAME;");
    world.send("t", Some("ada"), Some(r#"{"city":"London"}"#), 1);
    world.send("s", None, Some(r#"{"name":"ada","n":7}"#), 2);
    assert_eq!(
        world.topic("J"),
        vec![r#"ada => {"N":7,"CITY":"London"} @2"#]
    );
}

proptest! {
    /// GROUP BY over a stream-table join counts each click under the level its user had when
    /// the click arrived, as folding the events by hand does; clicks of unknown users join
    /// nothing.
    #[test]
    fn an_aggregated_join_counts_each_click_under_its_users_level_at_the_time(
        events in prop::collection::vec((any::<bool>(), 0u8..4, 0u8..3), 0..40),
    ) {
        let mut world = World::new(&["clicks", "users"]);
        world.run("CREATE STREAM clicks (userid STRING KEY, url STRING) WITH (kafka_topic='clicks', value_format='JSON');");
        world.run("CREATE TABLE users (user_id STRING PRIMARY KEY, level STRING) WITH (kafka_topic='users', value_format='JSON');");
        world.run("CREATE TABLE by_level AS SELECT u.level, COUNT(*) AS n FROM clicks c JOIN users u ON c.userid = u.user_id GROUP BY u.level;");
        let levels = ["Bronze", "Gold", "Platinum"];
        let mut level_of = std::collections::BTreeMap::new();
        let mut expected = std::collections::BTreeMap::new();
        for (n, (is_click, user, level)) in events.iter().enumerate() {
            let user = format!("u{user}");
            let level = levels[usize::from(*level)];
            if *is_click {
                world.send("clicks", Some(&user), Some(r#"{"url":"/"}"#), n as i64);
                if let Some(level) = level_of.get(&user) {
                    *expected.entry(*level).or_insert(0i64) += 1;
                }
            } else {
                world.send("users", Some(&user), Some(&format!(r#"{{"level":"{level}"}}"#)), n as i64);
                level_of.insert(user, level);
            }
        }
        let actual: Vec<(Value, Value)> = world.rows("BY_LEVEL").into_iter().map(|r| (r.key[0].clone(), r.values[0].clone())).collect();
        let expected: Vec<(Value, Value)> = expected.into_iter().map(|(level, n)| (text(level), Value::BigInt(n))).collect();
        prop_assert_eq!(actual, expected);
    }
}
