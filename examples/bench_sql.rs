//! Benchmark of the SQL engine (not a test): events per second through a filter + projection
//! over JSON values, and the time to parse and plan a typical statement.
//!
//! ```text
//! cargo run --release --example bench_sql
//! ```
//! It lives in `examples/` because it needs the wall clock, which `tests/tidy.rs` bans in `src/`.

use std::time::Instant;
use streamlab::log::{Log, ProducerRecord, TopicConfig};
use streamlab::sql::ast::Statement;
use streamlab::sql::parse::parse_script;
use streamlab::sql::plan::{plan_select, SelectPurpose};
use streamlab::sql::types::SqlType;
use streamlab::sql::{Engine, Field};

const N_EVENTS: usize = 200_000;
const N_PLANS: usize = 2_000;
const STATEMENT: &str = "CREATE STREAM big_spenders AS SELECT id, UCASE(name) AS who, amount * 1.2 AS gross, amount > 100 AS vip \
                         FROM payments WHERE amount > 50 AND name LIKE 'a%' EMIT CHANGES;";

/// The machine may be shared: each figure is the best of a few runs.
const N_RUNS: usize = 5;

fn main() {
    let best = |statement: &str| {
        (0..N_RUNS)
            .map(|_| events_per_second(statement))
            .fold(0.0f64, f64::max)
    };
    println!(
        "filter+projection over JSON: {:.0} events/s (best of {N_RUNS}, {N_EVENTS} events)",
        best(STATEMENT)
    );
    let copy = "CREATE STREAM big_spenders AS SELECT * FROM payments;";
    println!(
        "  for comparison, JSON read+write only (SELECT *): {:.0} events/s",
        best(copy)
    );
    parse_and_plan_time();
}

fn events_per_second(statement: &str) -> f64 {
    let mut log = Log::new();
    log.create_topic("payments", TopicConfig::with_partitions(1))
        .expect("topic");
    let mut engine = Engine::new();
    engine
        .set_property("auto.offset.reset", "earliest")
        .expect("property");
    engine
        .execute_script(
            &mut log,
            0,
            "CREATE STREAM payments (id STRING KEY, name STRING, amount DOUBLE, currency STRING) \
             WITH (kafka_topic='payments', value_format='JSON');",
        )
        .expect("create");
    engine.execute_script(&mut log, 0, statement).expect("csas");
    let names = ["alice", "bob", "anna", "carol", "arthur"];
    for event_idx in 0..N_EVENTS {
        let name = names[event_idx % names.len()];
        let value = format!(
            r#"{{"name":"{name}","amount":{}.5,"currency":"EUR"}}"#,
            event_idx % 200
        );
        let record = ProducerRecord::keyed(format!("k{}", event_idx % 1000), value);
        log.append("payments", record, event_idx as i64)
            .expect("append");
    }
    let started = Instant::now();
    engine.run_until_idle(&mut log, 0).expect("run");
    let elapsed = started.elapsed().as_secs_f64();
    assert!(log.log_end_offset("BIG_SPENDERS", 0).expect("sink") > 0);
    N_EVENTS as f64 / elapsed
}

fn parse_and_plan_time() {
    let key = [Field::new("ID", SqlType::String)];
    let values = [
        Field::new("NAME", SqlType::String),
        Field::new("AMOUNT", SqlType::Double),
        Field::new("CURRENCY", SqlType::String),
    ];
    let started = Instant::now();
    for _ in 0..N_PLANS {
        let statements = parse_script(STATEMENT).expect("parse");
        let Some(Statement::CreateAsSelect(create)) = statements.first().map(|s| &s.statement)
        else {
            panic!("not a CSAS")
        };
        let plan = plan_select(
            &create.query,
            "PAYMENTS",
            &key,
            &values,
            SelectPurpose::Persistent {
                sink_name: "BIG_SPENDERS",
                allow_missing_key: false,
            },
        )
        .expect("plan");
        std::hint::black_box(plan);
    }
    let per_statement_ms = started.elapsed().as_secs_f64() * 1000.0 / N_PLANS as f64;
    println!(
        "parse+plan of a typical CSAS: {per_statement_ms:.4} ms per statement (mean of {N_PLANS})"
    );
}
