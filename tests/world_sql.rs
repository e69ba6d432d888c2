//! The SQL engine inside the world: persistent queries run as virtual time passes.
#![cfg(not(target_arch = "wasm32"))]

use streamlab::producers::ScenarioKind;
use streamlab::sql::StatementResult;
use streamlab::world::World;

fn values_on(world: &World, topic: &str) -> Vec<String> {
    let log = world.log();
    let Ok(topic) = log.topic(topic) else { return Vec::new() };
    let mut values = Vec::new();
    for partition in topic.partitions() {
        for record in partition.fetch(topic.name(), partition.log_start_offset(), usize::MAX).unwrap() {
            values.push(String::from_utf8_lossy(record.value.as_deref().unwrap_or_default()).into_owned());
        }
    }
    values
}

#[test]
fn a_persistent_query_filters_records_as_time_passes() {
    let mut world = World::new(7);
    let producer = world.add_producer(ScenarioKind::AccountTransactions, 10.0).unwrap();
    let outcome = world.execute_sql(
        "CREATE STREAM transactions (account_id STRING KEY, amount BIGINT) \
           WITH (kafka_topic='account_transactions', value_format='JSON');\n\
         CREATE STREAM withdrawals AS SELECT account_id, amount FROM transactions WHERE amount < 0 EMIT CHANGES;",
    );
    assert_eq!(outcome.error, None);
    assert!(matches!(outcome.results.last(), Some(StatementResult::Ack { .. })));
    world.start_producer(&producer).unwrap();
    world.step(10_000);
    let withdrawals = values_on(&world, "WITHDRAWALS");
    assert!(!withdrawals.is_empty(), "the query wrote its sink topic");
    assert!(withdrawals.contains(&r#"{"AMOUNT":-60}"#.to_string()), "the talk's -60 is a withdrawal: {withdrawals:?}");
    assert!(withdrawals.iter().all(|v| v.contains("\"AMOUNT\":-")), "only withdrawals pass the filter");
    assert_eq!(world.take_query_error(), None);
}

#[test]
fn a_push_query_streams_rows_to_its_subscriber() {
    let mut world = World::new(3);
    let producer = world.add_producer(ScenarioKind::AccountTransactions, 5.0).unwrap();
    let outcome = world.execute_sql(
        "CREATE STREAM transactions (account_id STRING KEY, amount BIGINT) \
           WITH (kafka_topic='account_transactions', value_format='JSON');\n\
         SET 'auto.offset.reset'='earliest';\n\
         SELECT account_id, amount FROM transactions EMIT CHANGES;",
    );
    assert_eq!(outcome.error, None);
    let ids = world.engine().push_query_ids();
    assert_eq!(ids.len(), 1);
    world.start_producer(&producer).unwrap();
    world.step(2_000);
    let rows = world.engine_mut().take_push_rows(&ids[0]);
    assert!(rows.len() >= 3, "rows arrived: {rows:?}");
    assert_eq!(rows[0], vec!["12345".to_string(), "50".to_string()]);
}

#[test]
fn same_seed_and_sql_give_the_same_output() {
    let run = |seed| {
        let mut world = World::new(seed);
        let producer = world.add_producer(ScenarioKind::AccountTransactions, 20.0).unwrap();
        world.execute_sql(
            "CREATE STREAM t (account_id STRING KEY, amount BIGINT) WITH (kafka_topic='account_transactions', value_format='JSON');\
             CREATE STREAM big AS SELECT * FROM t WHERE amount > 100;",
        );
        world.start_producer(&producer).unwrap();
        world.step(30_000);
        values_on(&world, "BIG")
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11), run(12));
}
