//! Memory of a two-hour talk in wasm (benches/memory/talk.rs) in headless Chromium: the linear
//! memory's size (`memory.size`, which only grows) every virtual 10 minutes, and at the end.
//! A benchmark, not part of `make test-web`: run it with
//! `cargo test --profile release --target wasm32-unknown-unknown --test web_memory -- --nocapture`
//! (or `make bench`). It fails only if the talk does not run.
#![cfg(target_arch = "wasm32")]

#[path = "../benches/memory/talk.rs"]
mod talk;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn wasm_memory_mib() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64 / (1024.0 * 1024.0)
}

/// Async, yielding to the browser between virtual minutes: a talk run in one go blocks the
/// page longer than ChromeDriver waits for it on a loaded machine.
#[wasm_bindgen_test]
async fn two_hour_talk_wasm_memory() {
    let at_start = wasm_memory_mib();
    let mut rows = Vec::new();
    let (mut world, mut summary) = talk::talk_world(1);
    for minute in 1..=talk::TALK_MS / 60_000 {
        talk::advance(&mut world, &mut summary, 60_000);
        if minute % 10 == 0 {
            rows.push(format!("| wasm memory | minute {minute} | {:.1} MiB |", wasm_memory_mib()));
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(0)).await;
    }
    let summary = talk::finish(&world, summary);
    for row in rows {
        console_log!("{row}");
    }
    console_log!("| wasm memory | start | {at_start:.1} MiB |");
    console_log!(
        "| wasm memory | peak (two-hour talk, {} ev/s, {} persistent + {} push queries, {} records in the log) | {:.1} MiB |",
        talk::EVENTS_PER_SECOND,
        summary.persistent_queries,
        summary.push_queries,
        summary.records_in_log,
        wasm_memory_mib()
    );
    // The line scripts/bench.sh lifts into its summary table (linear memory only grows: its
    // size at the end is the peak).
    console_log!("SUMMARY | two-hour talk peak memory, wasm | {:.1} MiB (memory.buffer.byteLength) |", wasm_memory_mib());
    assert!(summary.persistent_queries > 0, "the lessons' queries run");
}
