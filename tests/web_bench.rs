//! Benchmarks of the SQL engine in wasm, in headless Chromium. They PRINT figures and assert
//! only correctness (rows written), never timing. Not part of `make test`; run by
//! `make bench` (scripts/bench.sh):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --profile release --target wasm32-unknown-unknown --test web_bench -- --nocapture`
//! The workloads are the native benches' (`benches/workloads/`).
#![cfg(target_arch = "wasm32")]

#[path = "../benches/workloads/mod.rs"]
mod workloads;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use workloads::{PaymentsRun, N_PAYMENTS};

wasm_bindgen_test_configure!(run_in_browser);

/// The shared machine makes single runs noisy: each rate is the best of a few.
const N_RUNS: usize = 3;

/// `performance.now()` in milliseconds (through `js_sys`, as web-sys's `Performance` feature
/// is not enabled).
fn now_ms() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).expect("performance");
    let now: js_sys::Function = js_sys::Reflect::get(&performance, &"now".into())
        .expect("performance.now")
        .dyn_into()
        .expect("a function");
    now.call0(&performance).expect("performance.now()").as_f64().expect("a number")
}

fn report(name: &str, value: String) {
    console_log!("| wasm | {name:<66} | {value:>30} |");
}

/// Best events/s of a query over the payments; `None` with the engine's message when it does
/// not support the statement (yet).
fn best_events_per_second(statement: &str, expected_rows: Option<u64>) -> Result<f64, String> {
    best_rate(|| PaymentsRun::prepare(statement), expected_rows)
}

/// Best events/s of the run `prepare` sets up.
fn best_rate(prepare: impl Fn() -> Result<PaymentsRun, String>, expected_rows: Option<u64>) -> Result<f64, String> {
    let mut best = 0.0f64;
    for _ in 0..N_RUNS {
        let mut run = prepare()?;
        let started = now_ms();
        run.run().expect("the query runs");
        let seconds = (now_ms() - started) / 1000.0;
        let written = run.n_output_records();
        assert!(written > 0, "the query wrote nothing");
        if let Some(expected) = expected_rows {
            assert_eq!(written, expected, "rows written");
        }
        best = best.max(N_PAYMENTS as f64 / seconds.max(1e-9));
    }
    Ok(best)
}

#[wasm_bindgen_test]
fn filter_projection_over_json() {
    let rate = best_events_per_second(
        workloads::FILTER_PROJECT,
        Some(workloads::expected_filter_project_rows()),
    )
    .expect("supported");
    report(
        &format!("filter+projection over JSON ({N_PAYMENTS} events, best of {N_RUNS})"),
        format!("{rate:.0} events/s"),
    );
    let rate = best_events_per_second(workloads::COPY, Some(N_PAYMENTS as u64)).expect("supported");
    report("JSON read+write only (SELECT *)", format!("{rate:.0} events/s"));
}

#[wasm_bindgen_test]
fn tumbling_count_over_1000_keys() {
    let name = "tumbling COUNT over 1,000 keys, JSON decode included";
    match best_events_per_second(workloads::TUMBLING_COUNT, None) {
        Ok(rate) => report(name, format!("{rate:.0} events/s")),
        Err(error) => report(name, format!("not supported: {}", error.chars().take(40).collect::<String>())),
    }
}

#[wasm_bindgen_test]
fn stream_table_join_over_1000_keys() {
    let name = "stream-table join over 1,000 keys, JSON decode included";
    match best_rate(PaymentsRun::prepare_join, Some(N_PAYMENTS as u64)) {
        Ok(rate) => report(name, format!("{rate:.0} events/s")),
        Err(error) => report(name, format!("not supported: {}", error.chars().take(40).collect::<String>())),
    }
}

#[wasm_bindgen_test]
fn fast_forward_24_hours_of_clickstream() {
    let runs = workloads::timed_fast_forwards(N_RUNS, now_ms).expect("the fast-forward runs");
    report(
        &format!("24 h of a 5 ev/s clickstream, steps of 1 min: {}", runs.queries.join(" + ")),
        runs.summary(),
    );
    for skipped in &runs.skipped {
        report(&format!("   {}", skipped.chars().take(63).collect::<String>()), String::new());
    }
}
