use super::*;
use crate::log::ProducerRecord;
use serde_json::json;

fn cfg(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn run(connect: &mut Connect, log: &mut Log, cluster: &mut Cluster, from: Millis, n: i64) -> Millis {
    let mut now = from;
    for _ in 0..n {
        now += 100;
        cluster.tick(log, now);
        connect.tick(log, cluster, now);
    }
    now
}

fn values(log: &Log, topic: &str) -> Vec<String> {
    let end = log.log_end_offset(topic, 0).unwrap();
    log.fetch(topic, 0, 0, end as usize).unwrap().into_iter().map(|r| r.value.map_or("null".into(), |v| String::from_utf8_lossy(&v).into_owned())).collect()
}

#[test]
fn debezium_snapshots_then_streams_inserts_updates_and_deletes_with_tombstones() {
    let (mut connect, mut log, mut cluster) = (Connect::default(), Log::new(), Cluster::default());
    connect.database.create_table("orders", &["id", "item"], "id").unwrap();
    connect.database.insert("orders", json!({"item": "book"}), 1).unwrap();
    connect
        .create(&mut log, "pg", true, cfg(&[("connector.class", "io.debezium.connector.postgresql.PostgresConnector"), ("topic.prefix", "dbserver1"), ("table.include.list", "public.orders")]), 2)
        .unwrap();
    let now = run(&mut connect, &mut log, &mut cluster, 0, 1);
    connect.database.update("orders", "1", json!({"item": "pen"}), now).unwrap();
    connect.database.delete("orders", "1", now).unwrap();
    run(&mut connect, &mut log, &mut cluster, now, 1);
    let topic = "dbserver1.public.orders";
    let events = values(&log, topic);
    assert_eq!(events.len(), 4, "{events:?}");
    let ops: Vec<String> = events.iter().take(3).map(|e| serde_json::from_str::<serde_json::Value>(e).unwrap()["op"].as_str().unwrap().to_string()).collect();
    assert_eq!(ops, vec!["r", "u", "d"]);
    let update: serde_json::Value = serde_json::from_str(&events[1]).unwrap();
    assert_eq!((update["before"]["item"].clone(), update["after"]["item"].clone()), (json!("book"), json!("pen")));
    assert_eq!(events[3], "null", "a delete is followed by a tombstone");
    let key = log.fetch(topic, 0, 3, 1).unwrap()[0].key.clone().unwrap();
    assert_eq!(&*key, br#"{"id":1}"#);
}

#[test]
fn jdbc_source_polls_new_rows_on_its_interval_and_never_sees_deletes() {
    let (mut connect, mut log, mut cluster) = (Connect::default(), Log::new(), Cluster::default());
    connect.database.create_table("customers", &["id", "name"], "id").unwrap();
    connect.database.insert("customers", json!({"name": "ada"}), 0).unwrap();
    let config = cfg(&[("connector.class", "io.confluent.connect.jdbc.JdbcSourceConnector"), ("mode", "incrementing"), ("incrementing.column.name", "id"), ("topic.prefix", "jdbc-"), ("poll.interval.ms", "1000")]);
    connect.create(&mut log, "jdbc", true, config, 0).unwrap();
    let now = run(&mut connect, &mut log, &mut cluster, 0, 1);
    connect.database.insert("customers", json!({"name": "bob"}), now).unwrap();
    connect.database.delete("customers", "1", now).unwrap();
    let now = run(&mut connect, &mut log, &mut cluster, now, 5);
    assert_eq!(values(&log, "jdbc-customers").len(), 1, "the next poll is 1 s after the first");
    run(&mut connect, &mut log, &mut cluster, now, 6);
    let rows = values(&log, "jdbc-customers");
    assert_eq!(rows.len(), 2);
    assert!(rows[1].contains("bob"));
}

#[test]
fn file_source_tails_lines() {
    let (mut connect, mut log, mut cluster) = (Connect::default(), Log::new(), Cluster::default());
    connect.files.append_line("/var/log/syslog", "boot");
    connect.create(&mut log, "syslog", true, cfg(&[("connector.class", "FileStreamSourceConnector"), ("file", "/var/log/syslog"), ("topic", "syslog-lines")]), 0).unwrap();
    let now = run(&mut connect, &mut log, &mut cluster, 0, 1);
    connect.files.append_line("/var/log/syslog", "sshd: accepted");
    run(&mut connect, &mut log, &mut cluster, now, 1);
    assert_eq!(values(&log, "syslog-lines"), vec!["boot", "sshd: accepted"]);
}

#[test]
fn sinks_fill_their_targets_and_a_stopped_sink_catches_up_without_loss() {
    let (mut connect, mut log, mut cluster) = (Connect::default(), Log::new(), Cluster::default());
    log.create_topic("users", crate::log::TopicConfig::default()).unwrap();
    let sinks = [
        ("cache", "com.github.jcustenborder.kafka.connect.redis.RedisSinkConnector"),
        ("search", "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector"),
        ("dw", "io.confluent.connect.jdbc.JdbcSinkConnector"),
    ];
    for (name, class) in sinks {
        connect.create(&mut log, name, false, cfg(&[("connector.class", class), ("topics", "users"), ("key.ignore", "true")]), 0).unwrap();
    }
    log.append("users", ProducerRecord::keyed("u1", "v1"), 0).unwrap();
    let now = run(&mut connect, &mut log, &mut cluster, 0, 1);
    connect.pause("dw").unwrap();
    log.append("users", ProducerRecord::keyed("u1", "v2"), now).unwrap();
    log.append("users", ProducerRecord::keyed("u2", "v3"), now).unwrap();
    let now = run(&mut connect, &mut log, &mut cluster, now, 3);
    let view = connect.view(&log, now);
    let dw = view.connectors.iter().find(|c| c.name == "dw").unwrap();
    assert_eq!((dw.state.as_str(), dw.lag), ("PAUSED", Some(2)));
    let cache = view.connectors.iter().find(|c| c.name == "cache").unwrap().target.clone().unwrap();
    assert_eq!(cache.rows, vec![vec!["u1".to_string(), "v2".to_string()], vec!["u2".to_string(), "v3".to_string()]]);
    let search = view.connectors.iter().find(|c| c.name == "search").unwrap().target.clone().unwrap();
    assert_eq!(search.n_rows, 3, "key.ignore=true: one document per record");
    let mut log2 = log.clone();
    connect.resume(&mut log2, "dw").unwrap();
    let now = run(&mut connect, &mut log2, &mut cluster, now, 1);
    let dw = connect.view(&log2, now).connectors.into_iter().find(|c| c.name == "dw").unwrap();
    assert_eq!(dw.lag, Some(0));
    assert_eq!(dw.target.unwrap().n_rows, 3, "insert mode: one row per record, none lost, none twice");
}

#[test]
fn s3_sink_writes_files_per_period_and_a_restart_rewrites_the_same_files() {
    let (mut connect, mut log, mut cluster) = (Connect::default(), Log::new(), Cluster::default());
    log.create_topic("clicks", crate::log::TopicConfig::default()).unwrap();
    let config = cfg(&[
        ("connector.class", "io.confluent.connect.s3.S3SinkConnector"),
        ("topics", "clicks"),
        ("s3.bucket.name", "lake"),
        ("flush.size", "2"),
        ("partitioner.class", "io.confluent.connect.storage.partitioner.HourlyPartitioner"),
    ]);
    connect.create(&mut log, "lake", false, config, 0).unwrap();
    for i in 0..5 {
        log.append("clicks", ProducerRecord { timestamp: Some(i * 1_200_000), ..ProducerRecord::keyed("k", format!("{i}")) }, 0).unwrap();
    }
    let now = run(&mut connect, &mut log, &mut cluster, 0, 1);
    let files = |c: &Connect, log: &Log| c.view(log, now).connectors[0].target.clone().unwrap();
    let before = files(&connect, &log);
    assert_eq!(before.n_rows, 2 + 1, "two files of 2 records; the 2nd spans two hours so it is split");
    assert!(before.title.contains("1 record(s) buffered"));
    assert!(before.rows.iter().any(|r| r[0] == "topics/clicks/year=1970/month=01/day=01/hour=00/clicks+0+0000000000.json"));
    connect.pause("lake").unwrap();
    connect.reset_offsets(&mut log, "lake", 0).unwrap();
    connect.resume(&mut log, "lake").unwrap();
    run(&mut connect, &mut log, &mut cluster, now, 1);
    assert_eq!(files(&connect, &log).rows, before.rows, "same names, same files: exactly once in the lake");
}

#[test]
fn elasticsearch_fails_on_a_tombstone_by_default_and_sql_statements_work() {
    let (mut connect, mut log, mut cluster) = (Connect::default(), Log::new(), Cluster::default());
    log.create_topic("t", crate::log::TopicConfig::default()).unwrap();
    let create = crate::sql::parse::parse_script(
        "CREATE SINK CONNECTOR es WITH ('connector.class'='io.confluent.connect.elasticsearch.ElasticsearchSinkConnector', 'topics'='t', 'connection.url'='http://elastic:9200');",
    )
    .unwrap();
    let crate::sql::ast::Statement::Connector(statement) = &create[0].statement else { panic!() };
    assert_eq!(connect.execute(&mut log, statement, 0).unwrap(), StatementResult::Ack { message: "Created connector es".to_string() });
    log.append("t", ProducerRecord { key: Some(b"k".as_slice().into()), ..ProducerRecord::default() }, 0).unwrap();
    run(&mut connect, &mut log, &mut cluster, 0, 1);
    assert_eq!(connect.connector("es").unwrap().state().label(), "FAILED");
    let show = connect.execute(&mut log, &ConnectorStatement::Show, 0).unwrap();
    let StatementResult::Table { rows, .. } = show else { panic!() };
    assert_eq!(rows[0][3], "FAILED (1/1 tasks FAILED)");
    let bad = connect.create(&mut log, "x", false, cfg(&[("connector.class", "io.confluent.connect.jdbc.JdbcSourceConnector"), ("topics", "t")]), 0);
    assert!(bad.unwrap_err().message.contains("is a source connector"));
    let missing = connect.create(&mut log, "y", false, cfg(&[("connector.class", "io.confluent.connect.s3.S3SinkConnector"), ("topics", "t")]), 0);
    assert!(missing.unwrap_err().message.contains("s3.bucket.name"));
}
