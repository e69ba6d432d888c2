//! Engine behaviour, case by case, as ksqlDB's functional tests describe it.

use super::*;
use crate::log::{ProducerRecord, TopicConfig};
use crate::sql::error::Span;
use crate::sql::format::{deserialize, display_value};

struct World {
    log: Log,
    engine: Engine,
}

impl World {
    fn new() -> World {
        let mut engine = Engine::new();
        engine.set_property(AUTO_OFFSET_RESET, "earliest").unwrap();
        World {
            log: Log::new(),
            engine,
        }
    }

    fn run(&mut self, sql: &str) -> Vec<StatementResult> {
        self.engine
            .execute_script(&mut self.log, 0, sql)
            .unwrap_or_else(|e| panic!("{sql}\n=> {e}"))
    }

    fn error(&mut self, sql: &str) -> SqlError {
        match self.engine.execute_script(&mut self.log, 0, sql) {
            Ok(results) => panic!("expected an error from {sql}, got {results:?}"),
            Err(error) => error,
        }
    }

    fn topic(&mut self, name: &str) {
        self.log.create_topic(name, TopicConfig::default()).unwrap();
    }

    fn produce(&mut self, topic: &str, key: Option<&str>, value: Option<&str>, timestamp: i64) {
        let record = ProducerRecord {
            key: key.map(|k| std::sync::Arc::from(k.as_bytes())),
            value: value.map(|v| std::sync::Arc::from(v.as_bytes())),
            timestamp: Some(timestamp),
            ..ProducerRecord::default()
        };
        self.log.append(topic, record, 0).unwrap();
    }

    /// Every record of a topic as `key|value|timestamp` text (value and key as UTF-8).
    fn records(&mut self, topic: &str) -> Vec<String> {
        self.engine.run_until_idle(&mut self.log, 0).unwrap();
        let text = |bytes: &Option<crate::log::Bytes>| match bytes {
            Some(b) => String::from_utf8_lossy(b).to_string(),
            None => "null".to_string(),
        };
        self.log
            .fetch(topic, 0, 0, 1000)
            .unwrap()
            .iter()
            .map(|r| format!("{}|{}|{}", text(&r.key), text(&r.value), r.timestamp))
            .collect()
    }
}

#[test]
fn project_and_filter_on_delimited_values() {
    let mut world = World::new();
    world.topic("test_topic");
    world.run("CREATE STREAM TEST (K STRING KEY, ID bigint, NAME varchar, VALUE double) WITH (kafka_topic='test_topic', value_format='DELIMITED');
               CREATE STREAM S1 as SELECT K, name FROM test where id > 100;");
    world.produce("test_topic", Some("0"), Some("0,zero,0.0"), 0);
    world.produce("test_topic", Some("100"), Some("100,100,0.0"), 0);
    world.produce("test_topic", Some("101"), Some("101,101,0.0"), 7);
    assert_eq!(world.records("S1"), vec!["101|101|7"]);
    assert_eq!(world.engine.query_ids(), vec!["CSAS_S1_0"]);
}

#[test]
fn null_values_pass_a_projection_but_not_a_filter() {
    let mut world = World::new();
    world.topic("test_topic");
    world.run("CREATE STREAM INPUT (ID INT KEY, NAME STRING) WITH (kafka_topic='test_topic', value_format='JSON');
               CREATE STREAM OUTPUT as SELECT ID, name FROM INPUT;
               CREATE STREAM FILTERED as SELECT * FROM INPUT WHERE NAME IS NOT NULL;");
    world.produce("test_topic", None, Some(r#"{"NAME":"null key"}"#), 0);
    world.produce("test_topic", None, None, 0);
    assert_eq!(
        world.records("OUTPUT"),
        vec![r#"null|{"NAME":"null key"}|0"#, "null|null|0"]
    );
    assert_eq!(
        world.records("FILTERED"),
        vec![r#"null|{"NAME":"null key"}|0"#]
    );
}

#[test]
fn key_column_rules_for_persistent_queries() {
    let mut world = World::new();
    world.topic("t");
    world.run("CREATE STREAM INPUT (ID INT KEY, ID2 INT KEY, NAME STRING) WITH (kafka_topic='t', format='JSON');");
    let missing = world.error("CREATE STREAM OUTPUT as SELECT ID, NAME FROM INPUT;");
    assert!(
        missing.message.contains(
            "must include the key columns ID and ID2 in its projection (eg, SELECT ID, ID2...)."
        ),
        "{missing}"
    );
    let twice = world.error("CREATE STREAM OUTPUT as SELECT ID, ID2, ID AS X, NAME FROM INPUT;");
    assert!(
        twice.message.contains(
            "The projection contains a key column (`ID`) more than once, aliased as: ID and X."
        ),
        "{twice}"
    );
    let no_values = world.error("CREATE STREAM OUTPUT as SELECT ID, ID2 FROM INPUT;");
    assert_eq!(
        no_values.message,
        "The projection contains no value columns."
    );
    world.run("CREATE STREAM OUTPUT AS SELECT ID2, ID, NAME FROM INPUT;");
    let output = world.engine.source("OUTPUT").unwrap();
    assert_eq!(
        output.schema_text(),
        "`ID2` INTEGER KEY, `ID` INTEGER KEY, `NAME` STRING"
    );
}

#[test]
fn the_new_planner_lets_a_stream_drop_its_key() {
    let mut world = World::new();
    world
        .engine
        .set_property(NEW_QUERY_PLANNER, "true")
        .unwrap();
    world.topic("t");
    world.run("CREATE STREAM input (id STRING KEY, name STRING) WITH (kafka_topic='t', value_format='JSON');
               CREATE STREAM output AS SELECT name FROM input;");
    world.produce("t", Some("8"), Some(r#"{"name":"a"}"#), 1234);
    assert_eq!(world.records("OUTPUT"), vec![r#"null|{"NAME":"a"}|1234"#]);
}

#[test]
fn generated_names_and_pseudo_columns() {
    let mut world = World::new();
    world.topic("t");
    world.run("CREATE STREAM INPUT (K STRING KEY, text STRING) WITH (kafka_topic='t', value_format='JSON');
               CREATE STREAM OUTPUT AS select K, text, text < 'b2', ROWTIME AS RT, ROWPARTITION, ROWOFFSET from INPUT;");
    world.produce("t", Some("k"), Some(r#"{"TEXT":"a1"}"#), 99);
    assert_eq!(
        world.records("OUTPUT"),
        vec![r#"k|{"TEXT":"a1","KSQL_COL_0":true,"RT":99,"ROWPARTITION":0,"ROWOFFSET":0}|99"#]
    );
}

#[test]
fn sink_topic_names_follow_ksqldb() {
    let mut world = World::new();
    world.topic("t");
    world
        .engine
        .set_property(OUTPUT_TOPIC_PREFIX, "some-prefix-")
        .unwrap();
    world.run("CREATE STREAM TEST (K STRING KEY, source VARCHAR) WITH (kafka_topic='t', value_format='JSON');
               CREATE STREAM OutPut AS SELECT * FROM TEST;
               CREATE STREAM OTHER WITH (KAFKA_TOPIC = 'Fred') AS SELECT * FROM TEST;");
    assert_eq!(
        world.engine.source("OUTPUT").unwrap().topic,
        "some-prefix-OUTPUT"
    );
    assert_eq!(world.engine.source("OTHER").unwrap().topic, "Fred");
    assert!(world.log.has_topic("Fred"));
}

#[test]
fn insert_into_checks_the_sink_schema() {
    let mut world = World::new();
    world.topic("a");
    world.topic("b");
    world.run("CREATE STREAM SOURCE1 (K STRING KEY, data VARCHAR) WITH (kafka_topic='a', value_format='JSON');
               CREATE STREAM SOURCE2 (K STRING KEY, data BIGINT) WITH (kafka_topic='b', value_format='JSON');
               CREATE STREAM OUTPUT AS SELECT * FROM SOURCE1;");
    let error = world.error("INSERT INTO OUTPUT SELECT * FROM SOURCE2;");
    assert!(
        error
            .message
            .starts_with("Incompatible schema between results and sink."),
        "{error}"
    );
    let unknown = world.error("\nINSERT INTO UNKNOWN SELECT * FROM SOURCE1;");
    assert_eq!(
        (unknown.message.as_str(), unknown.span),
        ("Source `UNKNOWN` does not exist.", Some(Span::new(2, 13)))
    );
}

#[test]
fn insert_values_coerces_and_sets_rowtime() {
    let mut world = World::new();
    world.topic("t");
    world.run("CREATE STREAM TEST (K STRING KEY, I INT, BI BIGINT, D DOUBLE) WITH (kafka_topic='t', value_format='JSON');
               INSERT INTO TEST (ROWTIME, K, I, BI, D) VALUES (1234, 'key', 1, 2, 3);
               INSERT INTO TEST VALUES ('k2', 1, 2, 1.5);");
    assert_eq!(
        world.records("t"),
        vec![
            r#"key|{"I":1,"BI":2,"D":3.0}|1234"#.to_string(),
            r#"k2|{"I":1,"BI":2,"D":1.5}|0"#.to_string()
        ]
    );
    let mismatch = world.error("INSERT INTO TEST (K, I) VALUES ('10');");
    assert_eq!(
        mismatch.message,
        "Failed to prepare statement: Expected number columns and values to match: 2, 1"
    );
    let pseudo = world.error("INSERT INTO TEST (K, ROWOFFSET) VALUES ('10', 5);");
    assert_eq!(
        pseudo.message,
        "Inserting into column `ROWOFFSET` is not allowed."
    );
    let quoted = world.error("INSERT INTO \"test\" (K) VALUES ('10');");
    assert_eq!(
        quoted.hint.as_deref(),
        Some("Did you mean TEST? Hint: try removing double quotes from the source name.")
    );
}

#[test]
fn a_table_filter_emits_tombstones_and_drops_null_keys() {
    let mut world = World::new();
    world.topic("t");
    world.run("CREATE TABLE INPUT (K STRING PRIMARY KEY, ID bigint) WITH (kafka_topic='t', value_format='DELIMITED');
               CREATE TABLE OUTPUT AS SELECT * FROM INPUT WHERE ID > 1;");
    world.produce("t", Some("1"), Some("2"), 0);
    world.produce("t", None, Some("5"), 0);
    world.produce("t", Some("1"), Some("1"), 0);
    world.produce("t", Some("1"), None, 0);
    assert_eq!(
        world.records("OUTPUT"),
        vec!["1|2|0", "1|null|0", "1|null|0"]
    );
}

#[test]
fn push_queries_and_the_pull_query_hint() {
    let mut world = World::new();
    world.topic("t");
    world.topic("u");
    world.run("CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='t', value_format='JSON');
               CREATE TABLE T (K STRING PRIMARY KEY, V INT) WITH (kafka_topic='u', value_format='JSON');");
    world.produce("t", Some("a"), Some(r#"{"V":1}"#), 0);
    world.produce("t", Some("b"), Some(r#"{"V":2}"#), 0);
    let results =
        world.run("SELECT K, V * 10 AS TEN FROM S EMIT CHANGES LIMIT 1; SELECT * FROM S;");
    assert_eq!(
        results[0],
        StatementResult::Rows {
            columns: vec!["K".into(), "TEN".into()],
            rows: vec![vec!["a".into(), "10".into()]]
        }
    );
    assert!(matches!(&results[1], StatementResult::Rows { rows, .. } if rows.len() == 2));
    world.produce("u", Some("x"), Some(r#"{"V":1}"#), 0);
    world.produce("u", Some("y"), Some(r#"{"V":2}"#), 0);
    world.produce("u", Some("x"), Some(r#"{"V":3}"#), 0);
    world.produce("u", Some("y"), None, 0);
    world.produce("u", Some("z"), Some(r#"{"V":0}"#), 0);
    let pull = world.run("SELECT K, V FROM T WHERE V > 0;");
    assert_eq!(
        pull[0],
        StatementResult::Rows {
            columns: vec!["K".into(), "V".into()],
            rows: vec![vec!["x".into(), "3".into()]]
        }
    );
}

#[test]
fn creating_a_source_needs_a_topic() {
    let mut world = World::new();
    let missing = world.error("CREATE STREAM S (V INT) WITH (value_format='JSON');");
    assert!(missing.message.contains("KAFKA_TOPIC") && missing.hint.is_some());
    let absent =
        world.error("CREATE STREAM S (V INT) WITH (kafka_topic='nope', value_format='JSON');");
    assert!(
        absent.message.starts_with("Topic 'nope' does not exist."),
        "{absent}"
    );
    world.run(
        "CREATE STREAM S (V INT) WITH (kafka_topic='nope', value_format='JSON', partitions=3);",
    );
    assert_eq!(world.log.topic("nope").unwrap().n_partitions(), 3);
    let duplicate =
        world.error("CREATE STREAM S (V INT) WITH (kafka_topic='nope', value_format='JSON');");
    assert!(duplicate.message.contains("already exists"));
    let delimited = world.error(
        "CREATE STREAM D (V ARRAY<INT>) WITH (kafka_topic='nope', value_format='DELIMITED');",
    );
    assert!(
        delimited
            .message
            .contains("The 'DELIMITED' format does not support type 'ARRAY'"),
        "{delimited}"
    );
}

#[test]
fn unknown_columns_get_the_closest_names() {
    let mut world = World::new();
    world.topic("t");
    world.run("CREATE STREAM INPUT (id int KEY, name STRING) WITH (kafka_topic='t', value_format='JSON');");
    let error = world.error("CREATE STREAM OUTPUT AS SELECT ID, NMAE FROM INPUT;");
    assert_eq!(error.message, "SELECT column 'NMAE' cannot be resolved.");
    assert_eq!(error.hint.as_deref(), Some("did you mean NAME?"));
    let aliased = world.error("CREATE STREAM OUTPUT AS SELECT ID, I.BOB, NAME FROM INPUT I;");
    assert_eq!(aliased.message, "SELECT column 'I.BOB' cannot be resolved.");
    let aggregate =
        world.error("CREATE TABLE C AS SELECT ID, NAME, COUNT(*) FROM INPUT GROUP BY ID;");
    assert_eq!(
        aggregate.message,
        "Non-aggregate SELECT expression(s) not part of GROUP BY: NAME"
    );
}

#[test]
fn drop_terminate_and_print() {
    let mut world = World::new();
    world.topic("t");
    world.run(
        "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='t', value_format='JSON');
               CREATE STREAM S2 AS SELECT * FROM S;",
    );
    world.produce("t", Some("a"), Some(r#"{"V":1}"#), 1_600_000_000_123);
    let blocked = world.error("DROP STREAM S;");
    assert!(blocked.message.contains("CSAS_S2_0"));
    let printed = world.run("PRINT 't' FROM BEGINNING LIMIT 1;");
    assert_eq!(
        printed[0],
        StatementResult::Printed {
            lines: vec![
                "Key format: KAFKA_STRING".into(),
                "Value format: JSON".into(),
                r#"rowtime: 2020/09/13 12:26:40.123 Z, key: a, value: {"V":1}, partition: 0"#
                    .into()
            ]
        }
    );
    world.engine.run_until_idle(&mut world.log, 0).unwrap();
    let info = &world.engine.queries()[0];
    assert_eq!(
        (info.id.as_str(), info.records_read, info.records_written),
        ("CSAS_S2_0", 1, 1)
    );
    world.run("TERMINATE CSAS_S2_0; DROP STREAM S2 DELETE TOPIC; DROP STREAM IF EXISTS NOPE;");
    assert!(!world.log.has_topic("S2"));
    assert!(world.engine.query_ids().is_empty());
}

#[test]
fn values_decode_with_the_value_layer() {
    // A sanity check that the sink writes what the value layer reads back.
    let mut world = World::new();
    world.topic("t");
    world.run(
        "CREATE STREAM S (K INT KEY, V DOUBLE) WITH (kafka_topic='t', format='DELIMITED');
               CREATE STREAM O AS SELECT K, V / 2 AS HALF FROM S WHERE K BETWEEN 1 AND 3;",
    );
    world.produce("t", Some("2"), Some("5.0"), 0);
    world.produce("t", Some("4"), Some("5.0"), 0);
    world.engine.run_until_idle(&mut world.log, 0).unwrap();
    let out = world.log.fetch("O", 0, 0, 10).unwrap();
    assert_eq!(out.len(), 1);
    let source = world.engine.source("O").unwrap();
    let value = deserialize(
        &source.value_format,
        &source.value_columns,
        out[0].value.as_deref(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(display_value(&value[0]), "2.5");
}

#[test]
fn a_timestamp_column_sets_the_row_time() {
    let mut world = World::new();
    world.topic("t");
    world.run("CREATE STREAM S (K STRING KEY, EVENT_TS BIGINT, AT STRING) WITH (kafka_topic='t', value_format='JSON', timestamp='event_ts');
               CREATE STREAM P (K STRING KEY, AT STRING) WITH (kafka_topic='t', value_format='JSON', timestamp='AT', timestamp_format='yyyy-MM-dd HH:mm:ss');
               CREATE STREAM O AS SELECT K, ROWTIME AS RT FROM S;
               CREATE STREAM Q AS SELECT K, ROWTIME AS RT FROM P;");
    world.produce(
        "t",
        Some("a"),
        Some(r#"{"EVENT_TS":42,"AT":"2020-09-13 12:26:40"}"#),
        7,
    );
    assert_eq!(world.records("O"), vec![r#"a|{"RT":42}|42"#]);
    assert_eq!(
        world.records("Q"),
        vec![r#"a|{"RT":1600000000000}|1600000000000"#]
    );
    let wrong = world.error("CREATE STREAM W (K STRING KEY, X INT) WITH (kafka_topic='t', value_format='JSON', timestamp='x');");
    assert!(wrong.message.contains("Timestamp column, `X`"), "{wrong}");
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "CREATE",
        "STREAM",
        "TABLE",
        "AS",
        "SELECT",
        "*",
        "FROM",
        "WHERE",
        "WITH",
        "(",
        ")",
        ",",
        ";",
        "S",
        "T",
        "K",
        "V",
        "N",
        "ROWTIME",
        "ROWOFFSET",
        "KEY",
        "PRIMARY",
        "INT",
        "STRING",
        "DOUBLE",
        "ARRAY<INT>",
        "EMIT",
        "CHANGES",
        "LIMIT",
        "1",
        "0",
        "-1",
        "2.5",
        "'x'",
        "NULL",
        "+",
        "-",
        "/",
        "%",
        "=",
        "<",
        "->",
        "[1]",
        "CASE",
        "WHEN",
        "THEN",
        "ELSE",
        "END",
        "INSERT",
        "INTO",
        "VALUES",
        "PRINT",
        "'t'",
        "FROM BEGINNING",
        "SHOW",
        "STREAMS",
        "QUERIES",
        "DROP",
        "DESCRIBE",
        "EXPLAIN",
        "TERMINATE",
        "ALL",
        "CAST",
        "LIKE",
        "BETWEEN",
        "AND",
        "OR",
        "NOT",
        "IS",
        "IN",
        "ABS",
        "UCASE",
        "CONCAT",
        "kafka_topic='t'",
        "value_format='JSON'",
        "value_format='DELIMITED'",
        "format='KAFKA'",
        "partitions=2",
        "STRUCT(A := 1)",
        "MAP('a' := 1)",
        "ARRAY[1, 2]",
        "CSAS_S2_0",
        "INSERTQUERY_1",
    ];

    fn fresh() -> World {
        let mut world = World::new();
        world.topic("t");
        world.run(
            "CREATE STREAM S (K STRING KEY, V INT, N STRING) WITH (kafka_topic='t', value_format='JSON');
             CREATE TABLE T (K STRING PRIMARY KEY, V INT) WITH (kafka_topic='t', value_format='JSON');
             CREATE STREAM S2 AS SELECT * FROM S;",
        );
        world.produce("t", Some("a"), Some(r#"{"V":1,"N":"x"}"#), 0);
        world.produce("t", Some("b"), Some("not json"), 0);
        world.produce("t", None, None, 0);
        world
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn token_soup_never_panics_the_engine(picks in proptest::collection::vec(0..WORDS.len(), 0..30)) {
            let mut world = fresh();
            let words: Vec<&str> = picks.iter().map(|&i| WORDS[i]).collect();
            let _ = world.engine.execute_script(&mut world.log, 0, &words.join(" "));
            let _ = world.engine.run_until_idle(&mut world.log, 0);
        }

        #[test]
        fn select_expressions_never_panic(picks in proptest::collection::vec(0..WORDS.len(), 1..12)) {
            let mut world = fresh();
            let words: Vec<&str> = picks.iter().map(|&i| WORDS[i]).collect();
            let sql = format!("CREATE STREAM O AS SELECT K, {} AS X FROM S WHERE {};", words.join(" "), words.join(" "));
            let _ = world.engine.execute_script(&mut world.log, 0, &sql);
            let _ = world.engine.run_until_idle(&mut world.log, 0);
            let _ = world.engine.execute_script(&mut world.log, 0, &format!("SELECT {} FROM S EMIT CHANGES LIMIT 3;", words.join(" ")));
        }

        #[test]
        fn arbitrary_text_never_panics_the_engine(text in "\\PC{0,60}") {
            let mut world = fresh();
            let _ = world.engine.execute_script(&mut world.log, 0, &text);
        }
    }
}

/// A query that moves a KAFKA STRING key as is writes the input record's key bytes unchanged
/// (no decode, no re-encode); a key that is not valid UTF-8 is still written as the decoder
/// reads it (with U+FFFD), a null key stays null, and a sink with another key format, or a key
/// the query also reads, encodes the key as before.
#[test]
fn a_key_moved_as_is_is_written_as_its_bytes() {
    let mut world = World::new();
    world.topic("pay");
    world.run("CREATE STREAM PAY (ID STRING KEY, AMOUNT INT) WITH (kafka_topic='pay', value_format='JSON');
               CREATE STREAM BIG AS SELECT ID, AMOUNT FROM PAY WHERE AMOUNT > 0;
               CREATE STREAM BIG_JSON WITH (KEY_FORMAT='JSON') AS SELECT ID, AMOUNT FROM PAY WHERE AMOUNT > 0;
               CREATE STREAM K2 AS SELECT ID, AMOUNT FROM PAY WHERE ID = 'k2';");
    let keys: [Option<&[u8]>; 4] = [Some(b"k1"), Some(b"k2"), Some(b"k\xff3"), None];
    for (idx, key) in keys.into_iter().enumerate() {
        let record = ProducerRecord {
            key: key.map(std::sync::Arc::from),
            value: Some(std::sync::Arc::from(format!(r#"{{"amount":{idx}}}"#).as_bytes())),
            timestamp: Some(idx as i64),
            ..ProducerRecord::default()
        };
        world.log.append("pay", record, 0).unwrap();
    }
    world.engine.run_until_idle(&mut world.log, 0).unwrap();
    let keys_of = |world: &World, topic: &str| -> Vec<Option<Vec<u8>>> {
        let records = world.log.fetch(topic, 0, 0, 100).unwrap();
        records.iter().map(|r| r.key.as_deref().map(<[u8]>::to_vec)).collect()
    };
    assert_eq!(
        keys_of(&world, "BIG"),
        vec![Some(b"k2".to_vec()), Some("k\u{FFFD}3".as_bytes().to_vec()), None]
    );
    assert_eq!(
        keys_of(&world, "BIG_JSON"),
        vec![Some(br#""k2""#.to_vec()), Some("\"k\u{FFFD}3\"".as_bytes().to_vec()), None]
    );
    assert_eq!(keys_of(&world, "K2"), vec![Some(b"k2".to_vec())]);
    let passing: Vec<bool> = world.engine.queries.iter().map(|q| q.pipeline.passes_keys()).collect();
    assert_eq!(passing, vec![true, false, false]);
}

/// Persistent queries reading one source share one decode per record (`shared_decode.rs`):
/// each still writes exactly what it writes running alone, reads at its own offsets (a query
/// created later starts from the beginning), and logs a record it cannot read as before.
#[test]
fn queries_sharing_a_source_decode_write_what_they_write_alone() {
    const SOURCE: &str = "CREATE STREAM C (ID STRING KEY, USERID STRING, PAGE STRING, N INT) WITH (kafka_topic='c', value_format='JSON');";
    const FIRST: [(&str, &str); 4] = [
        ("P", "CREATE STREAM P AS SELECT ID, PAGE FROM C WHERE N > 1;"),
        ("T", "CREATE TABLE T AS SELECT USERID, COUNT(*) AS CNT FROM C GROUP BY USERID;"),
        ("A", "CREATE STREAM A AS SELECT * FROM C;"),
        ("J", "CREATE STREAM J WITH (KEY_FORMAT='JSON') AS SELECT ID, USERID, N FROM C WHERE PAGE = '/b';"),
    ];
    const LATER: (&str, &str) = ("L", "CREATE STREAM L AS SELECT ID, UCASE(PAGE) AS UP FROM C;");
    let batches: [&[(Option<&str>, Option<&str>)]; 2] = [
        &[
            (Some("k1"), Some(r#"{"userid":"u1","page":"/a","n":1}"#)),
            (Some("k2"), Some(r#"{"userid":"u2","page":"/b","n":2}"#)),
            (None, Some(r#"{"userid":"u1","page":"/b","n":3}"#)),
            (Some("k3"), Some("not json")),
            (Some("k4"), None),
        ],
        &[
            (Some("k1"), Some(r#"{"USERID":"u2","PAGE":"/b","N":5}"#)),
            (Some("k5"), Some(r#"{"userid":"u3","page":"/a\u00e9","n":"6"}"#)),
        ],
    ];
    let produce_batch = |world: &mut World, batch: &[(Option<&str>, Option<&str>)], offset: i64| {
        for (idx, (key, value)) in batch.iter().enumerate() {
            world.produce("c", *key, *value, offset + idx as i64);
        }
    };
    // Every query together, one of them created after the first batch was read.
    let mut shared = World::new();
    shared.topic("c");
    shared.run(SOURCE);
    for (_, sql) in FIRST {
        shared.run(sql);
    }
    produce_batch(&mut shared, batches[0], 0);
    shared.engine.run_until_idle(&mut shared.log, 0).unwrap();
    shared.run(LATER.1);
    produce_batch(&mut shared, batches[1], 10);
    shared.engine.run_until_idle(&mut shared.log, 0).unwrap();
    assert_eq!(shared.engine.shared_decodes.members(), vec![Some(5); 5], "all five share one decode");
    let failures = |world: &World| {
        world.engine.processing_log.entries.iter().filter(|e| e.contains("Failed to deserialize value")).count()
    };
    assert_eq!(failures(&shared), 5, "each query logs the bad record: {:?}", shared.engine.processing_log);
    // Each query alone.
    for (name, sql) in FIRST.into_iter().chain([LATER]) {
        let mut alone = World::new();
        alone.topic("c");
        alone.run(SOURCE);
        alone.run(sql);
        produce_batch(&mut alone, batches[0], 0);
        produce_batch(&mut alone, batches[1], 10);
        let expected = alone.records(name);
        assert_eq!(alone.engine.shared_decodes.members(), vec![None], "a query alone shares nothing");
        assert!(!expected.is_empty(), "{name} writes something");
        assert_eq!(shared.records(name), expected, "{name}");
        assert_eq!(failures(&alone), 1);
    }
}

/// A windowed aggregate over a stream and a stream-table join decode only the value columns
/// they read (the others stay NULL in their rows and in the join's table state), and write the
/// same records: the talk's `vip_actions` and a count per user and minute.
#[test]
fn stateful_queries_decode_only_the_columns_they_read() {
    let mut world = World::new();
    world.topic("clicks");
    world.topic("users");
    world.run("CREATE STREAM CLICKS (ID STRING KEY, USERID STRING, PAGE STRING, ACTION STRING) WITH (kafka_topic='clicks', value_format='JSON');
               CREATE TABLE USERS (ID STRING PRIMARY KEY, NAME STRING, LEVEL STRING, EMAIL STRING) WITH (kafka_topic='users', value_format='JSON');
               CREATE TABLE PER_MINUTE AS SELECT USERID, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY USERID EMIT CHANGES;
               CREATE STREAM VIP AS SELECT C.ID, C.PAGE, U.NAME FROM CLICKS C LEFT JOIN USERS U ON C.ID = U.ID WHERE U.LEVEL = 'Platinum' EMIT CHANGES;");
    world.produce("users", Some("1"), Some(r#"{"name":"Ann","level":"Platinum","email":"a@x"}"#), 0);
    world.produce("users", Some("2"), Some(r#"{"name":"Bo","level":"Gold"}"#), 0);
    world.produce("clicks", Some("1"), Some(r#"{"userid":"u1","page":"/a","action":"view"}"#), 1);
    world.produce("clicks", Some("2"), Some(r#"{"userid":"u1","page":"/b","action":"view"}"#), 2);
    world.produce("clicks", Some("1"), Some(r#"{"userid":"u2","page":"/c","action":"buy"}"#), 61_000);
    assert_eq!(
        world.records("VIP"),
        vec![r#"1|{"PAGE":"/a","NAME":"Ann"}|1"#, r#"1|{"PAGE":"/c","NAME":"Ann"}|61000"#]
    );
    assert_eq!(world.records("PER_MINUTE").len(), 3);
    let values = world.records("PER_MINUTE").iter().map(|r| r.split('|').nth(1).unwrap_or("").to_string()).collect::<Vec<_>>();
    assert_eq!(values, vec![r#"{"N":1}"#, r#"{"N":2}"#, r#"{"N":1}"#]);
    // Value columns: CLICKS (USERID, PAGE, ACTION), USERS (NAME, LEVEL, EMAIL).
    let needed: Vec<u64> = world.engine.queries.iter().map(|q| q.pipeline.needed_values).collect();
    assert_eq!(needed, vec![0b001, 0b010]);
    let side = world.engine.queries.get(1).and_then(|q| q.pipeline.side.as_ref()).map(|s| s.needed_values);
    assert_eq!(side, Some(0b11));
}
