//! Benchmarks of the SQL engine, printed as a table. Run natively:
//! `cargo bench --bench sql` (or `make bench`). The same workloads (`benches/workloads/`) run
//! in wasm in headless Chromium from `tests/web_bench.rs`.
//! (Wall-clock time is allowed here, in a bench binary, and nowhere in the engine.)

#[path = "workloads/mod.rs"]
mod workloads;

use std::time::Instant;
use streamlab::sql::ast::Statement;
use streamlab::sql::parse::parse_script;
use streamlab::sql::plan::{plan_select, SelectPurpose};
use streamlab::sql::types::SqlType;
use streamlab::sql::Field;
use workloads::{PaymentsRun, N_PAYMENTS};

const N_PLANS: usize = 2_000;
/// The machine may be shared: each figure is the best of a few runs (`BENCH_RUNS=1` for one,
/// e.g. under callgrind).
const N_RUNS: usize = 5;
/// Runs of the 24 h fast-forward (each ~1.5 s) at most: the best of a few, as for the rates.
const FAST_FORWARD_RUNS: usize = 3;

fn n_runs() -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(N_RUNS)
}

/// On-CPU time of this thread in seconds (Linux `schedstat`), which, unlike wall time, does not
/// grow when other processes share the machine. `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanos as f64 / 1e9)
}

fn row(name: &str, value: String) {
    println!("| {name:<70} | {value:>30} |");
}

/// Best events/s of one query over the payments, or why the engine does not run it (yet).
fn best_events_per_second(statement: &str, expected_rows: Option<u64>) -> String {
    best_rate(|| PaymentsRun::prepare(statement), expected_rows)
}

/// Best events/s of the run `prepare` sets up.
fn best_rate(prepare: impl Fn() -> Result<PaymentsRun, String>, expected_rows: Option<u64>) -> String {
    let (mut best, mut best_cpu) = (0.0f64, 0.0f64);
    for _ in 0..n_runs() {
        let mut run = match prepare() {
            Ok(run) => run,
            Err(error) => return format!("not supported: {error}"),
        };
        let cpu_before = cpu_seconds();
        let started = Instant::now();
        if let Err(error) = run.run() {
            return format!("failed: {error}");
        }
        let seconds = started.elapsed().as_secs_f64();
        if let Some(cpu) = cpu_seconds().zip(cpu_before).map(|(after, before)| after - before) {
            best_cpu = best_cpu.max(N_PAYMENTS as f64 / cpu.max(1e-9));
        }
        let written = run.n_output_records();
        assert!(written > 0, "the query wrote nothing");
        if let Some(expected) = expected_rows {
            assert_eq!(written, expected, "rows written");
        }
        best = best.max(N_PAYMENTS as f64 / seconds);
    }
    if best_cpu > 0.0 {
        format!("{best:.0}/s (cpu {best_cpu:.0}/s)")
    } else {
        format!("{best:.0} events/s")
    }
}

fn parse_and_plan_ms() -> f64 {
    let key = [Field::new("ID", SqlType::String)];
    let values = [
        Field::new("NAME", SqlType::String),
        Field::new("AMOUNT", SqlType::Double),
        Field::new("CURRENCY", SqlType::String),
    ];
    let started = Instant::now();
    for _ in 0..N_PLANS {
        let statements = parse_script(workloads::FILTER_PROJECT).expect("parse");
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
    started.elapsed().as_secs_f64() * 1000.0 / N_PLANS as f64
}

fn fast_forward_row() {
    let clock = Instant::now();
    let runs = match workloads::timed_fast_forwards(n_runs().min(FAST_FORWARD_RUNS), || clock.elapsed().as_secs_f64() * 1000.0) {
        Ok(runs) => runs,
        Err(error) => return row("24 h of a 5 ev/s clickstream", format!("failed: {error}")),
    };
    row(
        &format!("24 h of a 5 ev/s clickstream, steps of 1 min: {}", runs.queries.join(" + ")),
        runs.summary(),
    );
    for skipped in &runs.skipped {
        let short: String = skipped.chars().take(66).collect();
        row(&format!("   {short}"), String::new());
    }
}

/// `cargo bench --bench sql -- WORD` runs only the rows whose name contains WORD (to profile
/// one workload, e.g. `fast` or `tumbling`).
fn selected(name: &str) -> bool {
    std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .all(|word| name.to_lowercase().contains(&word.to_lowercase()))
}

fn main() {
    println!("| {:<70} | {:>30} |", "benchmark (native)", "result");
    println!("|{}|{}|", "-".repeat(72), "-".repeat(32));
    let filter_project = format!("filter+projection over JSON ({N_PAYMENTS} events, best of {})", n_runs());
    if selected(&filter_project) {
        row(
            &filter_project,
            best_events_per_second(
                workloads::FILTER_PROJECT,
                Some(workloads::expected_filter_project_rows()),
            ),
        );
    }
    if selected("JSON read+write only (SELECT *)") {
        row(
            "JSON read+write only (SELECT *)",
            best_events_per_second(workloads::COPY, Some(N_PAYMENTS as u64)),
        );
    }
    if selected("tumbling COUNT over 1,000 keys, JSON decode included") {
        row(
            "tumbling COUNT over 1,000 keys, JSON decode included",
            best_events_per_second(workloads::TUMBLING_COUNT, None),
        );
    }
    if selected("stream-table join over 1,000 keys, JSON decode included") {
        row(
            "stream-table join over 1,000 keys, JSON decode included",
            best_rate(PaymentsRun::prepare_join, Some(N_PAYMENTS as u64)),
        );
    }
    let plan = format!("parse+plan of a typical CSAS (mean of {N_PLANS})");
    if selected(&plan) {
        row(&plan, format!("{:.4} ms", parse_and_plan_ms()));
    }
    if selected("24 h of a 5 ev/s clickstream (fast-forward)") {
        fast_forward_row();
    }
}
