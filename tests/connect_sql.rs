//! Connector statements through `World::execute_sql`, mixed with ordinary ksqlDB statements, as a
//! learner types them in the console; and a CDC pipeline from a database edit to a search index.

use serde_json::json;
use streamlab::sql::StatementResult;
use streamlab::world::World;

#[test]
fn connector_statements_run_in_script_order_with_other_statements() {
    let mut world = World::new(1);
    world.connect_mut().database.create_table("orders", &["id", "item"], "id").unwrap();
    let now = world.now_ms();
    world.connect_mut().database.insert("orders", json!({"item": "book"}), now).unwrap();
    let outcome = world.execute_sql(
        "CREATE SOURCE CONNECTOR pg WITH ('connector.class'='io.debezium.connector.postgresql.PostgresConnector', 'topic.prefix'='db', 'table.include.list'='public.orders');\n\
         CREATE STREAM s (id INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');\n\
         CREATE SINK CONNECTOR idx WITH ('connector.class'='io.confluent.connect.elasticsearch.ElasticsearchSinkConnector', 'topics'='db.public.orders', 'behavior.on.null.values'='delete');\n\
         SHOW CONNECTORS;",
    );
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.results.len(), 4);
    assert_eq!(outcome.results[0], StatementResult::Ack { message: "Created connector pg".to_string() });
    let StatementResult::Table { rows, .. } = &outcome.results[3] else { panic!("{:?}", outcome.results[3]) };
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, vec!["idx", "pg"]);
    assert!(world.engine().source("S").is_some() || world.log().has_topic("s"));

    world.step(300);
    let now = world.now_ms();
    world.connect_mut().database.update("orders", "1", json!({"item": "pen"}), now).unwrap();
    world.step(300);
    let index = world.connect().target_rows("idx", world.now_ms()).unwrap();
    assert_eq!(index.n_rows, 1, "one document per key");
    assert!(index.rows[0][2].contains("\"pen\""), "{:?}", index.rows);
    let now = world.now_ms();
    world.connect_mut().database.delete("orders", "1", now).unwrap();
    world.step(300);
    assert_eq!(world.connect().target_rows("idx", world.now_ms()).unwrap().n_rows, 0, "the tombstone deleted the document");

    let describe = world.execute_sql("DESCRIBE CONNECTOR idx;");
    let StatementResult::Text { lines } = &describe.results[0] else { panic!() };
    assert!(lines.iter().any(|l| l.contains("connect-idx")));
    assert!(lines.iter().any(|l| l.contains("lag 0")), "{lines:#?}");
    let dropped = world.execute_sql("DROP CONNECTOR idx; DROP CONNECTOR IF EXISTS idx;");
    assert_eq!(dropped.error, None);
    assert_eq!(world.connect().connectors().count(), 1);
}

#[test]
fn errors_point_at_the_statement_in_the_script() {
    let mut world = World::new(1);
    let outcome = world.execute_sql("SHOW CONNECTORS;\nCREATE SINK CONNECTOR x WITH ('connector.class'='Nope', 'topics'='t');");
    assert_eq!(outcome.results.len(), 1);
    let error = outcome.error.unwrap();
    assert!(error.message.contains("Unknown connector.class Nope"), "{}", error.message);
    assert_eq!(error.span.map(|s| s.line), Some(2));
    // An engine error after a connector statement keeps its line and column in the whole script.
    let outcome = world.execute_sql("SHOW CONNECTORS;\nSELECT nope FROM missing EMIT CHANGES;");
    let error = outcome.error.unwrap();
    assert_eq!(error.span.map(|s| s.line), Some(2), "{error:?}");
}
