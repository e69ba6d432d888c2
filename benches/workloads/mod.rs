//! The SQL benchmark workloads, shared by the native benches (`benches/sql.rs`) and the wasm
//! ones in headless Chromium (`tests/web_bench.rs`). No clock here: each harness times
//! [`PaymentsRun::run`] and [`fast_forward`] with its own (`Instant` natively,
//! `Performance.now()` in the browser) and checks the outputs these functions count.
#![allow(dead_code)] // each harness uses part of it

use streamlab::clock::Millis;
use streamlab::log::{Log, ProducerRecord, TopicConfig};
use streamlab::producers::ScenarioKind;
use streamlab::sql::Engine;
use streamlab::world::World;

pub const N_PAYMENTS: usize = 200_000;
/// The payments are keyed `k0`..`k999`.
pub const N_KEYS: usize = 1_000;
const NAMES: [&str; 5] = ["alice", "bob", "anna", "carol", "arthur"];

pub const PAYMENTS: &str = "CREATE STREAM payments (id STRING KEY, name STRING, amount DOUBLE, currency STRING) \
                            WITH (kafka_topic='payments', value_format='JSON');";
/// The typical stateless query: a filter and a projection with a function, arithmetic and a
/// comparison.
pub const FILTER_PROJECT: &str = "CREATE STREAM big_spenders AS SELECT id, UCASE(name) AS who, amount * 1.2 AS gross, amount > 100 AS vip \
                                  FROM payments WHERE amount > 50 AND name LIKE 'a%' EMIT CHANGES;";
/// Decoding and encoding only.
pub const COPY: &str = "CREATE STREAM copied AS SELECT * FROM payments;";
/// A stateful query: one count per key and minute (the payments span 200 s of event time).
pub const TUMBLING_COUNT: &str = "CREATE TABLE counts AS SELECT id, COUNT(*) AS n FROM payments \
                                  WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY id EMIT CHANGES;";

/// The table a stream-table join reads: one account per payment key, written before the
/// payments (at time 0), so every payment finds its row.
pub const ACCOUNTS: &str = "CREATE TABLE accounts (id STRING PRIMARY KEY, owner STRING, tier STRING) \
                            WITH (kafka_topic='accounts', value_format='JSON');";
/// A stream-table join: each payment enriched with its account's tier.
pub const STREAM_TABLE_JOIN: &str = "CREATE STREAM enriched AS SELECT p.id, p.amount, a.tier FROM payments p \
                                     JOIN accounts a ON p.id = a.id EMIT CHANGES;";

/// How many payments pass [`FILTER_PROJECT`]'s WHERE, computed without the engine.
pub fn expected_filter_project_rows() -> u64 {
    (0..N_PAYMENTS)
        .filter(|&idx| {
            let name = NAMES[idx % NAMES.len()];
            let amount = (idx % 200) as f64 + 0.5;
            amount > 50.0 && name.starts_with('a')
        })
        .count() as u64
}

/// A log holding [`N_PAYMENTS`] JSON payments and an engine running one query over them,
/// ready for [`PaymentsRun::run`].
pub struct PaymentsRun {
    log: Log,
    engine: Engine,
}

impl PaymentsRun {
    /// `Err` carries the engine's message when it does not support `statement` (yet).
    pub fn prepare(statement: &str) -> Result<PaymentsRun, String> {
        PaymentsRun::prepare_with(false, statement)
    }

    /// [`PaymentsRun::prepare`] of [`STREAM_TABLE_JOIN`], with the [`ACCOUNTS`] table.
    pub fn prepare_join() -> Result<PaymentsRun, String> {
        PaymentsRun::prepare_with(true, STREAM_TABLE_JOIN)
    }

    fn prepare_with(accounts: bool, statement: &str) -> Result<PaymentsRun, String> {
        let mut log = Log::new();
        if accounts {
            log.create_topic("accounts", TopicConfig::with_partitions(1))
                .map_err(|e| e.to_string())?;
            for idx in 0..N_KEYS {
                let value = format!(r#"{{"owner":"o{idx}","tier":"{}"}}"#, NAMES[idx % NAMES.len()]);
                log.append("accounts", ProducerRecord::keyed(format!("k{idx}"), value), 0)
                    .map_err(|e| e.to_string())?;
            }
        }
        log.create_topic("payments", TopicConfig::with_partitions(1))
            .map_err(|e| e.to_string())?;
        for idx in 0..N_PAYMENTS {
            let name = NAMES[idx % NAMES.len()];
            let value = format!(r#"{{"name":"{name}","amount":{}.5,"currency":"EUR"}}"#, idx % 200);
            let record = ProducerRecord::keyed(format!("k{}", idx % N_KEYS), value);
            log.append("payments", record, idx as Millis)
                .map_err(|e| e.to_string())?;
        }
        let mut engine = Engine::new();
        engine
            .set_property("auto.offset.reset", "earliest")
            .map_err(|e| e.to_string())?;
        engine
            .execute_script(&mut log, 0, PAYMENTS)
            .map_err(|e| e.to_string())?;
        if accounts {
            engine
                .execute_script(&mut log, 0, ACCOUNTS)
                .map_err(|e| e.to_string())?;
        }
        engine
            .execute_script(&mut log, 0, statement)
            .map_err(|e| e.to_string())?;
        Ok(PaymentsRun { log, engine })
    }

    /// The timed part: the query reads every payment (JSON decode included) and writes its
    /// sink topic (JSON encode included).
    pub fn run(&mut self) -> Result<(), String> {
        self.engine
            .run_until_idle(&mut self.log, N_PAYMENTS as Millis)
            .map_err(|e| e.to_string())
    }

    /// Records written to every topic but the source.
    pub fn n_output_records(&self) -> u64 {
        self.log
            .topics()
            .filter(|topic| topic.name() != "payments" && topic.name() != "accounts")
            .flat_map(|topic| topic.partitions().iter().map(|p| p.log_end_offset()))
            .sum()
    }
}

/// The world of the fast-forward benchmark: a 5 ev/s clickstream (and its `users` changelog)
/// and the queries a lesson runs over it.
pub const CLICKSTREAM_RATE: f64 = 5.0;
pub const CLICKSTREAM: &str = "CREATE STREAM clickstream (id STRING KEY, userid STRING, page STRING, action STRING, ts BIGINT) \
                               WITH (kafka_topic='clickstream', value_format='JSON');";
pub const USERS: &str = "CREATE TABLE users (id STRING PRIMARY KEY, user_id STRING, name STRING, level STRING) \
                         WITH (kafka_topic='users', value_format='JSON');";
pub const PURCHASES: &str = "CREATE STREAM purchases AS SELECT id, page FROM clickstream WHERE action = 'purchase' EMIT CHANGES;";
pub const ACTIONS_PER_MINUTE: &str = "CREATE TABLE actions_per_minute AS SELECT userid, COUNT(*) AS n FROM clickstream \
                                      WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY userid EMIT CHANGES;";
pub const VIP_ACTIONS: &str = "CREATE STREAM vip_actions AS SELECT c.id, c.page, c.action FROM clickstream c \
                               LEFT JOIN users u ON c.id = u.id WHERE u.level = 'Platinum' EMIT CHANGES;";

/// Per optional query: `Ok(name)` when it runs, `Err(why it was skipped)`.
pub type OptionalQueries = Vec<Result<&'static str, String>>;

/// A clickstream world with the filter query and, when the engine supports them, the
/// windowed aggregate and the stream-table join.
pub fn clickstream_world() -> Result<(World, OptionalQueries), String> {
    let mut world = World::new(42);
    let producer = world
        .add_producer(ScenarioKind::Clickstream, CLICKSTREAM_RATE)
        .map_err(|e| e.to_string())?;
    let outcome = world.execute_sql(&format!("{CLICKSTREAM}\n{PURCHASES}"));
    if let Some(error) = outcome.error {
        return Err(error.to_string());
    }
    let mut optional = Vec::new();
    for (name, sql) in [
        ("windowed aggregate", ACTIONS_PER_MINUTE.to_string()),
        ("stream-table join", format!("{USERS}\n{VIP_ACTIONS}")),
    ] {
        match world.execute_sql(&sql).error {
            None => optional.push(Ok(name)),
            Some(error) => optional.push(Err(format!("{name} skipped: {error}"))),
        }
    }
    keep_a_week(&mut world)?;
    world.start_producer(&producer).map_err(|e| e.to_string())?;
    Ok((world, optional))
}

/// Gives every topic a 7-day `retention.ms` (the sandbox broker keeps 15 minutes), as a lesson
/// that needs a day of data does: the benchmark's checks count a whole day of purchases in the
/// source and sink topics, and the figures stay comparable with those before the broker default.
fn keep_a_week(world: &mut World) -> Result<(), String> {
    let names: Vec<String> = world.log().topics().map(|topic| topic.name().to_string()).collect();
    for name in names {
        let topic = world.log_mut().topic_mut(&name).map_err(|e| e.to_string())?;
        topic.keep_at_least(7 * 24 * 60 * 60 * 1_000).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The timed part: 24 virtual hours in steps of `step_ms`.
pub fn fast_forward(world: &mut World, step_ms: Millis) {
    let mut elapsed_ms = 0;
    while elapsed_ms < 24 * 60 * 60 * 1_000 {
        world.step(step_ms);
        elapsed_ms += step_ms;
    }
}

/// Runs of the 24 h fast-forward; times in seconds, in run order.
pub struct FastForwardRuns {
    pub seconds: Vec<f64>,
    /// `filter`, then the optional queries the engine ran.
    pub queries: Vec<&'static str>,
    /// Why an optional query was left out.
    pub skipped: Vec<String>,
}

impl FastForwardRuns {
    pub fn best(&self) -> f64 {
        self.seconds.iter().copied().fold(f64::INFINITY, f64::min)
    }

    pub fn median(&self) -> f64 {
        let mut sorted = self.seconds.clone();
        sorted.sort_by(f64::total_cmp);
        sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
    }

    /// The row's figure: the best run, the median and the count (a shared machine slows
    /// single runs by up to half; the best is the least disturbed).
    pub fn summary(&self) -> String {
        format!("{:.3} s (median {:.3} s of {})", self.best(), self.median(), self.seconds.len())
    }
}

/// `n_runs` fast-forwards of a fresh [`clickstream_world`] in steps of a minute, each timed
/// with `now_ms` (the harness's clock) and its outputs checked: the filter wrote every purchase.
pub fn timed_fast_forwards(n_runs: usize, now_ms: impl Fn() -> f64) -> Result<FastForwardRuns, String> {
    let mut seconds = Vec::new();
    // Every run builds the same world: the queries it ran are the last run's.
    let mut optional = OptionalQueries::new();
    for _ in 0..n_runs {
        let (mut world, queries) = clickstream_world()?;
        let started = now_ms();
        fast_forward(&mut world, 60_000);
        seconds.push((now_ms() - started) / 1000.0);
        let (_, purchases) = count_values(&world, "clickstream", r#""action":"purchase""#);
        let (written, _) = count_values(&world, "PURCHASES", "");
        if purchases <= 1_000 || written != purchases {
            return Err(format!("{purchases} purchases in 24 h of clicks, {written} written by the filter"));
        }
        optional = queries;
    }
    Ok(FastForwardRuns {
        seconds,
        queries: std::iter::once("filter").chain(optional.iter().filter_map(|q| q.as_ref().ok().copied())).collect(),
        skipped: optional.into_iter().filter_map(Result::err).collect(),
    })
}

/// Records on a topic (all partitions, from the start), and how many of their values contain
/// `needle`.
pub fn count_values(world: &World, topic: &str, needle: &str) -> (u64, u64) {
    let log = world.log();
    let Ok(topic) = log.topic(topic) else {
        return (0, 0);
    };
    let (mut total, mut matching) = (0, 0);
    for partition in topic.partitions() {
        let Ok(records) = partition.fetch(topic.name(), partition.log_start_offset(), usize::MAX) else {
            continue;
        };
        for record in records {
            total += 1;
            let value = String::from_utf8_lossy(record.value.as_deref().unwrap_or_default());
            if value.contains(needle) {
                matching += 1;
            }
        }
    }
    (total, matching)
}
