//! Memory of a two-hour talk (benches/memory/talk.rs), natively: a counting global allocator
//! reports the heap in use every virtual 10 minutes and its peak. `cargo bench --bench memory`
//! (part of `make bench`). The wasm figure (linear memory) comes from tests/web_memory.rs.

#[path = "memory/talk.rs"]
mod talk;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                let now = IN_USE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let started = Instant::now();
    let before = IN_USE.load(Ordering::Relaxed);
    // TALK_MINUTES shortens the run (default: the two hours).
    let minutes: i64 = std::env::var("TALK_MINUTES").ok().and_then(|m| m.parse().ok()).unwrap_or(talk::TALK_MS / 60_000);
    println!("| virtual minute | heap in use (MiB) | peak so far (MiB) | records in the log | log bytes (MiB) |");
    println!("|---:|---:|---:|---:|---:|");
    let summary = talk::run_talk(1, minutes * 60_000, |minute, world| {
        if minute % 10 == 0 || minute == minutes {
            let now = IN_USE.load(Ordering::Relaxed).saturating_sub(before);
            let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
            let (records, bytes) = talk::log_size(world);
            println!("| {minute} | {:.1} | {:.1} | {records} | {:.1} |", mib(now), mib(peak), mib(bytes as usize));
        }
    });
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    println!();
    println!("| two-hour talk, native | figure |");
    println!("|---|---:|");
    println!("| virtual minutes at {} events per virtual second | {minutes} |", talk::EVENTS_PER_SECOND);
    println!("| lesson statements run / refused | {} / {} |", summary.statements_ok, summary.statements_failed);
    println!("| persistent queries / push queries | {} / {} |", summary.persistent_queries, summary.push_queries);
    println!("| push rows drained | {} |", summary.push_rows_drained);
    println!("| records in the log at the end | {} |", summary.records_in_log);
    println!("| log bytes at the end | {:.1} MiB |", mib(summary.log_bytes as usize));
    println!("| peak heap | {:.1} MiB |", mib(peak));
    println!("| wall time | {:.1} s |", started.elapsed().as_secs_f64());
    // The line scripts/bench.sh lifts into its summary table.
    println!("SUMMARY | two-hour talk peak heap, native | {:.1} MiB ({minutes} virtual min, {} ev/s, log {:.1} MiB at the end) |", mib(peak), talk::EVENTS_PER_SECOND, mib(summary.log_bytes as usize));
    println!();
    println!("| topic at the end | records | bytes (MiB) | retention.ms | retention.bytes per partition |");
    println!("|---|---:|---:|---:|---:|");
    for topic in &summary.topics {
        let limit = |v: Option<String>| v.unwrap_or_else(|| "-1".into());
        println!("| {} | {} | {:.2} | {} | {} |", topic.name, topic.records, mib(topic.bytes as usize), limit(topic.retention_ms.map(|m| m.to_string())), limit(topic.retention_bytes.map(|b| b.to_string())));
    }
    assert!(summary.persistent_queries > 0, "the lessons' queries run");
    assert!(summary.records_in_log > 0, "the producers produced");
}
