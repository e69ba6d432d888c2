//! Properties of the streaming engine checked against brute-force references on small random
//! inputs: a table is the fold of its changelog, windowed aggregates equal counting by hand, joins
//! equal a nested loop, and a world is deterministic whatever the seed and the chunking of time.
//! Kept small (a few dozen cases each) so the file runs in seconds in the test profile.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use streamlab::log::{Log, ProducerRecord, Record, TopicConfig};
use streamlab::producers::{Lateness, ScenarioKind};
use streamlab::sql::value::Value;
use streamlab::sql::Engine;
use streamlab::world::World;

const CASES: u32 = 48;

/// A log and an engine reading from the earliest offset, with `topics` of `partitions` each.
struct Sandbox {
    log: Log,
    engine: Engine,
}

impl Sandbox {
    fn new(topics: &[&str], partitions: u32) -> Sandbox {
        let mut log = Log::new();
        for topic in topics {
            log.create_topic(topic, TopicConfig::with_partitions(partitions)).unwrap();
        }
        let mut engine = Engine::new();
        engine.set_property("auto.offset.reset", "earliest").unwrap();
        Sandbox { log, engine }
    }

    fn run(&mut self, sql: &str) {
        self.engine.execute_script(&mut self.log, 0, sql).unwrap_or_else(|e| panic!("{sql}\n=> {e}"));
        self.idle();
    }

    fn idle(&mut self) {
        self.engine.run_until_idle(&mut self.log, 0).unwrap();
    }

    fn send(&mut self, topic: &str, key: &str, value: Option<String>, timestamp: i64) {
        let record = ProducerRecord {
            partition: None,
            key: Some(Arc::from(key.as_bytes())),
            value: value.map(|v| Arc::from(v.as_bytes())),
            timestamp: Some(timestamp),
            headers: Vec::new(),
        };
        self.log.append(topic, record, 0).unwrap();
    }

    /// Every record of a topic, partition by partition, in offset order.
    fn records(&self, topic: &str) -> Vec<Record> {
        let topic = self.log.topic(topic).unwrap();
        topic
            .partitions()
            .iter()
            .flat_map(|p| p.fetch(topic.name(), p.log_start_offset(), usize::MAX).unwrap())
            .collect()
    }

    /// A table's current rows as `key => [values as JSON-ish text]`.
    fn table(&mut self, table: &str) -> BTreeMap<String, Vec<String>> {
        let rows = self.engine.table_rows(&self.log, table).unwrap();
        rows.into_iter().map(|r| (text(&r.key[0]), r.values.iter().map(text).collect())).collect()
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Int(i) => i.to_string(),
        Value::BigInt(i) => i.to_string(),
        Value::String(s) => s.to_string(),
        other => format!("{other:?}"),
    }
}

fn utf8(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The JSON object's `fields`, in that order, as text (null when absent).
fn json_fields(value: &[u8], fields: &[&str]) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(value).unwrap();
    fields.iter().map(|f| json.get(*f).map_or("null".into(), |v| v.to_string().trim_matches('"').to_string())).collect()
}

/// Folds a changelog: the last value per key wins, a tombstone deletes the key. Records must be
/// in offset order per partition, and a key lives in one partition.
fn fold(records: &[Record], fields: &[&str]) -> BTreeMap<String, Vec<String>> {
    let mut table = BTreeMap::new();
    for record in records {
        let key = utf8(record.key.as_deref().unwrap());
        match record.value.as_deref() {
            Some(value) => table.insert(key, json_fields(value, fields)),
            None => table.remove(&key),
        };
    }
    table
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// A source table, a filtered table derived from it and an aggregate all equal the fold of
    /// their changelog topics, and those equal the fold computed here from the input.
    #[test]
    fn a_table_equals_the_fold_of_its_changelog(
        partitions in 1u32..4,
        changes in prop::collection::vec((0u8..6, prop::option::of(-20i32..40)), 0..40),
    ) {
        let mut sandbox = Sandbox::new(&["t"], partitions);
        sandbox.run("CREATE TABLE T (K STRING PRIMARY KEY, V INT) WITH (kafka_topic='t', value_format='JSON');\n\
                     CREATE TABLE BIG AS SELECT K, V FROM T WHERE V > 10;");
        let mut expected: BTreeMap<String, i32> = BTreeMap::new();
        for (n, (key, value)) in changes.iter().enumerate() {
            let key = format!("k{key}");
            sandbox.send("t", &key, value.map(|v| format!(r#"{{"V":{v}}}"#)), n as i64);
            match value {
                Some(v) => expected.insert(key, *v),
                None => expected.remove(&key),
            };
            if n % 7 == 0 {
                sandbox.idle();
            }
        }
        sandbox.idle();
        let as_rows = |m: &BTreeMap<String, i32>| -> BTreeMap<String, Vec<String>> {
            m.iter().map(|(k, v)| (k.clone(), vec![v.to_string()])).collect()
        };
        let big: BTreeMap<String, i32> = expected.iter().filter(|(_, v)| **v > 10).map(|(k, v)| (k.clone(), *v)).collect();
        prop_assert_eq!(fold(&sandbox.records("t"), &["V"]), as_rows(&expected));
        prop_assert_eq!(sandbox.table("T"), as_rows(&expected));
        prop_assert_eq!(fold(&sandbox.records("BIG"), &["V"]), as_rows(&big));
        prop_assert_eq!(sandbox.table("BIG"), as_rows(&big));
    }

    /// GROUP BY over a stream: the aggregate table and the fold of its changelog both equal the
    /// sums and counts computed by hand.
    #[test]
    fn an_aggregate_table_equals_the_fold_of_its_changelog(
        partitions in 1u32..4,
        events in prop::collection::vec((0u8..5, -50i32..50), 0..60),
    ) {
        let mut sandbox = Sandbox::new(&["s"], partitions);
        sandbox.run("CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON');\n\
                     CREATE TABLE AGG AS SELECT K, SUM(V) AS TOTAL, COUNT(*) AS N FROM S GROUP BY K EMIT CHANGES;");
        let mut expected: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for (n, (key, v)) in events.iter().enumerate() {
            let key = format!("k{key}");
            sandbox.send("s", &key, Some(format!(r#"{{"V":{v}}}"#)), n as i64);
            let entry = expected.entry(key).or_default();
            entry.0 += i64::from(*v);
            entry.1 += 1;
            if n % 5 == 0 {
                sandbox.idle();
            }
        }
        sandbox.idle();
        let expected: BTreeMap<String, Vec<String>> =
            expected.into_iter().map(|(k, (total, n))| (k, vec![total.to_string(), n.to_string()])).collect();
        prop_assert_eq!(fold(&sandbox.records("AGG"), &["TOTAL", "N"]), expected.clone());
        prop_assert_eq!(sandbox.table("AGG"), expected);
    }
}

// ---- Windows ------------------------------------------------------------------------------------

/// `(key, window start, window end) => [count, sum]`, from the engine's windowed table.
type Windowed = BTreeMap<(String, i64, i64), (i64, i64)>;

fn windowed_table(sandbox: &mut Sandbox, table: &str) -> Windowed {
    let rows = sandbox.engine.table_rows(&sandbox.log, table).unwrap();
    let number = |v: &Value| match v {
        Value::Int(i) => i64::from(*i),
        Value::BigInt(i) => *i,
        other => panic!("not a number: {other:?}"),
    };
    rows.into_iter()
        .map(|r| {
            let (start, end) = r.window.expect("a windowed row has a window");
            ((text(&r.key[0]), start, end), (number(&r.values[0]), number(&r.values[1])))
        })
        .collect()
}

/// Runs `window` over the events (in the given arrival order, timestamps out of order) with a
/// grace period longer than the input, so every record counts.
fn run_windowed(window: &str, partitions: u32, events: &[(u8, i64, i32)]) -> Windowed {
    let mut sandbox = Sandbox::new(&["s"], partitions);
    sandbox.run(&format!(
        "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON');\n\
         CREATE TABLE W AS SELECT K, COUNT(*) AS N, SUM(V) AS TOTAL FROM S WINDOW {window} GROUP BY K;"
    ));
    for (n, (key, timestamp, v)) in events.iter().enumerate() {
        sandbox.send("s", &format!("k{key}"), Some(format!(r#"{{"V":{v}}}"#)), *timestamp);
        if n % 4 == 0 {
            sandbox.idle();
        }
    }
    sandbox.idle();
    windowed_table(&mut sandbox, "W")
}

/// Fixed windows by brute force: every window start `w` (a multiple of `advance`, `w >= 0`) with
/// `w <= t < w + size` holds the event. ksqlDB reports a time window's end as `w + size`.
fn fixed_windows_reference(size: i64, advance: i64, events: &[(u8, i64, i32)]) -> Windowed {
    let mut expected = Windowed::new();
    for (key, timestamp, v) in events {
        let mut start = 0;
        while start <= *timestamp {
            if *timestamp < start + size {
                let entry = expected.entry((format!("k{key}"), start, start + size)).or_default();
                entry.0 += 1;
                entry.1 += i64::from(*v);
            }
            start += advance;
        }
    }
    expected
}

/// Sessions by brute force: per key, sort the timestamps and cut wherever two neighbours are
/// more than `gap` apart. A session's window is its first and last timestamp.
fn sessions_reference(gap: i64, events: &[(u8, i64, i32)]) -> Windowed {
    let mut per_key: BTreeMap<String, Vec<(i64, i32)>> = BTreeMap::new();
    for (key, timestamp, v) in events {
        per_key.entry(format!("k{key}")).or_default().push((*timestamp, *v));
    }
    let mut expected = Windowed::new();
    for (key, mut events) in per_key {
        events.sort();
        let mut session: Vec<(i64, i32)> = Vec::new();
        let mut close = |session: &mut Vec<(i64, i32)>| {
            if let (Some(first), Some(last)) = (session.first(), session.last()) {
                let sum = session.iter().map(|(_, v)| i64::from(*v)).sum();
                expected.insert((key.clone(), first.0, last.0), (session.len() as i64, sum));
            }
            session.clear();
        };
        for event in events {
            if session.last().is_some_and(|last| event.0 - last.0 > gap) {
                close(&mut session);
            }
            session.push(event);
        }
        close(&mut session);
    }
    expected
}

fn windowed_events() -> impl Strategy<Value = Vec<(u8, i64, i32)>> {
    prop::collection::vec((0u8..3, 0i64..60_000, -9i32..10), 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn tumbling_windows_equal_counting_by_hand(partitions in 1u32..3, events in windowed_events()) {
        let actual = run_windowed("TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 HOUR)", partitions, &events);
        prop_assert_eq!(actual, fixed_windows_reference(10_000, 10_000, &events));
    }

    #[test]
    fn hopping_windows_equal_counting_by_hand(partitions in 1u32..3, events in windowed_events()) {
        let actual = run_windowed("HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS, GRACE PERIOD 1 HOUR)", partitions, &events);
        prop_assert_eq!(actual, fixed_windows_reference(10_000, 5_000, &events));
    }

    #[test]
    fn session_windows_equal_gap_clustering_by_hand(partitions in 1u32..3, events in windowed_events()) {
        let actual = run_windowed("SESSION (5 SECONDS, GRACE PERIOD 1 HOUR)", partitions, &events);
        prop_assert_eq!(actual, sessions_reference(5_000, &events));
    }
}

// ---- Joins ----------------------------------------------------------------------------------------

/// A batch of changes to the customers table, or a batch of orders; batches alternate, and the
/// engine runs until idle after each, so "the table as it was when the order arrived" is exact.
#[derive(Clone, Debug)]
enum Batch {
    Customers(Vec<(u8, Option<u8>)>),
    Orders(Vec<(u8, i32)>),
}

fn batches() -> impl Strategy<Value = Vec<Batch>> {
    let customers = prop::collection::vec((0u8..4, prop::option::weighted(0.8, 0u8..3)), 1..5).prop_map(Batch::Customers);
    let orders = prop::collection::vec((0u8..5, 1i32..100), 1..6).prop_map(Batch::Orders);
    prop::collection::vec(prop_oneof![customers, orders], 0..8)
}

/// A row of the join's output: order id, customer id, amount, tier (null when unmatched).
type JoinRow = (String, String, String, String);

fn run_stream_table_join(kind: &str, partitions: u32, batches: &[Batch]) -> (Vec<JoinRow>, Vec<JoinRow>) {
    let mut sandbox = Sandbox::new(&["orders", "customers"], partitions);
    sandbox.run(&format!(
        "CREATE STREAM ORDERS (ID STRING KEY, CUSTOMER STRING, AMOUNT INT) WITH (kafka_topic='orders', value_format='JSON');\n\
         CREATE TABLE CUSTOMERS (ID STRING PRIMARY KEY, TIER STRING) WITH (kafka_topic='customers', value_format='JSON');\n\
         CREATE STREAM ENRICHED AS SELECT O.ID AS ORDER_ID, O.CUSTOMER AS CUSTOMER, O.AMOUNT AS AMOUNT, C.TIER AS TIER FROM ORDERS O {kind} JOIN CUSTOMERS C ON O.CUSTOMER = C.ID;"
    ));
    // The nested-loop reference: for each order, scan every customer row in the table as it is.
    let mut customers: BTreeMap<String, String> = BTreeMap::new();
    let mut expected = Vec::new();
    let mut time = 0;
    let mut order_id = 0;
    for batch in batches {
        match batch {
            Batch::Customers(changes) => {
                for (id, tier) in changes {
                    let id = format!("c{id}");
                    let tier = tier.map(|t| ["gold", "silver", "bronze"][usize::from(t)]);
                    sandbox.send("customers", &id, tier.map(|t| format!(r#"{{"TIER":"{t}"}}"#)), time);
                    match tier {
                        Some(t) => customers.insert(id, t.to_string()),
                        None => customers.remove(&id),
                    };
                    time += 1;
                }
            }
            Batch::Orders(orders) => {
                for (customer, amount) in orders {
                    let customer = format!("c{customer}");
                    let id = format!("o{order_id}");
                    order_id += 1;
                    sandbox.send("orders", &id, Some(format!(r#"{{"CUSTOMER":"{customer}","AMOUNT":{amount}}}"#)), time);
                    time += 1;
                    let mut matched = false;
                    for (customer_id, tier) in &customers {
                        if *customer_id == customer {
                            matched = true;
                            expected.push((id.clone(), customer.clone(), amount.to_string(), tier.clone()));
                        }
                    }
                    if !matched && kind == "LEFT" {
                        expected.push((id, customer, amount.to_string(), "null".to_string()));
                    }
                }
            }
        }
        sandbox.idle();
    }
    let mut actual: Vec<JoinRow> = sandbox
        .records("ENRICHED")
        .iter()
        .map(|r| {
            let fields = json_fields(r.value.as_deref().unwrap(), &["ORDER_ID", "AMOUNT", "TIER"]);
            let customer = utf8(r.key.as_deref().unwrap());
            (fields[0].clone(), customer, fields[1].clone(), fields[2].clone())
        })
        .collect();
    actual.sort();
    expected.sort();
    (actual, expected)
}

/// `(key, tier, credit)` rows of a table-table join's final state.
fn run_table_table_join(kind: &str, left: &[(u8, Option<u8>)], right: &[(u8, Option<u8>)]) -> (BTreeMap<String, Vec<String>>, BTreeMap<String, Vec<String>>) {
    let mut sandbox = Sandbox::new(&["tiers", "credits"], 1);
    sandbox.run(&format!(
        "CREATE TABLE TIERS (ID STRING PRIMARY KEY, TIER INT) WITH (kafka_topic='tiers', value_format='JSON');\n\
         CREATE TABLE CREDITS (ID STRING PRIMARY KEY, CREDIT INT) WITH (kafka_topic='credits', value_format='JSON');\n\
         CREATE TABLE PROFILE AS SELECT T.ID AS ID, T.TIER AS TIER, C.CREDIT AS CREDIT FROM TIERS T {kind} JOIN CREDITS C ON T.ID = C.ID;"
    ));
    let mut time = 0;
    let mut tiers = BTreeMap::new();
    let mut credits = BTreeMap::new();
    // Interleave the two changelogs one record at a time.
    for i in 0..left.len().max(right.len()) {
        for (topic, field, changes, state) in
            [("tiers", "TIER", left, &mut tiers), ("credits", "CREDIT", right, &mut credits)]
        {
            if let Some((id, value)) = changes.get(i) {
                let id = format!("k{id}");
                sandbox.send(topic, &id, value.map(|v| format!(r#"{{"{field}":{v}}}"#)), time);
                match value {
                    Some(v) => state.insert(id, v.to_string()),
                    None => state.remove(&id),
                };
                time += 1;
                sandbox.idle();
            }
        }
    }
    // Nested loop over the two final tables.
    let mut expected = BTreeMap::new();
    for (id, tier) in &tiers {
        let mut matched = false;
        for (credit_id, credit) in &credits {
            if credit_id == id {
                matched = true;
                expected.insert(id.clone(), vec![tier.clone(), credit.clone()]);
            }
        }
        if !matched && kind == "LEFT" {
            expected.insert(id.clone(), vec![tier.clone(), "null".to_string()]);
        }
    }
    let folded = fold(&sandbox.records("PROFILE"), &["TIER", "CREDIT"]);
    (folded, expected)
}

fn table_changes() -> impl Strategy<Value = Vec<(u8, Option<u8>)>> {
    prop::collection::vec((0u8..4, prop::option::weighted(0.75, 0u8..9)), 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn stream_table_inner_join_equals_a_nested_loop(partitions in 1u32..3, batches in batches()) {
        let (actual, expected) = run_stream_table_join("INNER", partitions, &batches);
        prop_assert_eq!(actual, expected);
    }

    #[test]
    fn stream_table_left_join_equals_a_nested_loop(partitions in 1u32..3, batches in batches()) {
        let (actual, expected) = run_stream_table_join("LEFT", partitions, &batches);
        prop_assert_eq!(actual, expected);
    }

    #[test]
    fn table_table_joins_equal_a_nested_loop_over_the_final_tables(left in table_changes(), right in table_changes(), left_join in any::<bool>()) {
        let kind = if left_join { "LEFT" } else { "INNER" };
        let (actual, expected) = run_table_table_join(kind, &left, &right);
        prop_assert_eq!(actual, expected);
    }
}

// ---- Determinism ----------------------------------------------------------------------------------

/// Every record of the world's log as bytes: topic, partition, offset, timestamp, key, value.
fn log_bytes(world: &World) -> Vec<u8> {
    let mut out = Vec::new();
    for topic in world.log().topics() {
        for partition in topic.partitions() {
            for r in partition.fetch(topic.name(), partition.log_start_offset(), usize::MAX).unwrap() {
                out.extend(format!("{}/{}/{}/{}/", topic.name(), r.partition, r.offset, r.timestamp).bytes());
                out.extend(r.key.as_deref().unwrap_or(b"<null>"));
                out.push(b'/');
                out.extend(r.value.as_deref().unwrap_or(b"<null>"));
                out.push(b'\n');
            }
        }
    }
    out
}

/// Every scenario running, late events, and two persistent queries (a filter and a windowed
/// count) writing their own topics.
fn busy_world(seed: u64) -> World {
    let mut world = World::new(seed);
    for kind in ScenarioKind::ALL {
        world.add_producer(kind, 9.0).unwrap();
        world.start_producer(kind.name()).unwrap();
    }
    world.set_producer_lateness("sensors", Lateness { probability: 0.3, max_delay_ms: 4_000 }).unwrap();
    let outcome = world.execute_sql(
        "SET 'auto.offset.reset' = 'earliest';\n\
         CREATE STREAM readings (sensor_id STRING KEY, temperature DOUBLE, humidity DOUBLE, ts BIGINT)\n\
           WITH (kafka_topic='sensor_readings', value_format='JSON');\n\
         CREATE STREAM hot AS SELECT sensor_id, temperature FROM readings WHERE temperature > 20 EMIT CHANGES;\n\
         CREATE TABLE per_sensor AS SELECT sensor_id, COUNT(*) AS n FROM readings\n\
           WINDOW TUMBLING (SIZE 2 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY sensor_id EMIT CHANGES;",
    );
    assert_eq!(outcome.error, None);
    world
}

/// Chunk sizes that add up to `total`, drawn from `seed` (a tiny LCG: the test needs variety, not
/// quality).
fn chunks(seed: u64, total: i64) -> Vec<i64> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut left = total;
    let mut out = Vec::new();
    while left > 0 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let dt = ((state >> 33) % 1_700) as i64 + 1;
        let dt = dt.min(left);
        out.push(dt);
        left -= dt;
    }
    out
}

/// 100 seeds: the same seed gives the same log bytes however `step` is chunked (one step, or a
/// few hundred uneven ones, as frames would), and different seeds give different logs.
#[test]
fn determinism_across_a_hundred_seeds_and_any_chunking() {
    const RUN_MS: i64 = 6_000;
    let mut distinct = BTreeSet::new();
    for seed in 0..100u64 {
        let mut whole = busy_world(seed);
        whole.step(RUN_MS);
        let mut chunked = busy_world(seed);
        for dt in chunks(seed, RUN_MS) {
            chunked.step(dt);
        }
        let bytes = log_bytes(&whole);
        assert!(bytes.len() > 1_000, "seed {seed}: the world produced little: {} bytes", bytes.len());
        assert!(whole.log().has_topic("HOT") && whole.log().has_topic("PER_SENSOR"), "seed {seed}: the queries wrote");
        assert_eq!(whole.now_ms(), chunked.now_ms());
        assert!(bytes == log_bytes(&chunked), "seed {seed}: chunking changed the log");
        assert_eq!(whole.take_query_error(), None, "seed {seed}");
        distinct.insert(bytes);
    }
    assert_eq!(distinct.len(), 100, "every seed gives its own log");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Any chunking, not only the one the LCG draws.
    #[test]
    fn any_chunking_of_step_gives_the_same_log(seed in 0u64..1_000, steps in prop::collection::vec(0i64..2_500, 1..12)) {
        let total: i64 = steps.iter().sum();
        let mut whole = busy_world(seed);
        whole.step(total);
        let mut chunked = busy_world(seed);
        for dt in &steps {
            chunked.step(*dt);
        }
        prop_assert_eq!(log_bytes(&whole), log_bytes(&chunked));
    }
}
