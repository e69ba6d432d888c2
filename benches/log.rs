//! Benchmarks of the simulated Kafka, printed as a table. Run natively:
//! `cargo bench --bench log` (or `make bench`)
//! (Wall-clock time is allowed here, in a bench binary, and nowhere in the engine.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use streamlab::clock::Millis;
use streamlab::log::{Log, ProducerRecord, TopicConfig};
use streamlab::producers::ScenarioKind;
use streamlab::world::World;

/// Counts live heap bytes so the table can show real memory, not an estimate.
struct CountingAllocator;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK_BYTES.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const SECOND: Millis = 1_000;
const MINUTE: Millis = 60 * SECOND;
const HOUR: Millis = 60 * MINUTE;

/// On-CPU time of this thread in seconds (Linux `schedstat`), which, unlike wall time, does not
/// grow when other processes share the machine. `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanos as f64 / 1e9)
}

/// Runs `work` and returns (wall seconds, cpu seconds).
fn timed(work: impl FnOnce()) -> (f64, Option<f64>) {
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    work();
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu_before).map(|(after, before)| after - before);
    (wall, cpu)
}

fn seconds_text((wall, cpu): (f64, Option<f64>)) -> String {
    match cpu {
        Some(cpu) => format!("{wall:.3} s (cpu {cpu:.3} s)"),
        None => format!("{wall:.3} s"),
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn row(name: &str, value: String) {
    println!("| {name:<70} | {value:>30} |");
}

fn bench_raw_appends() {
    let mut log = Log::new();
    let config = TopicConfig { segment_bytes: 1 << 20, ..TopicConfig::with_partitions(3) };
    if log.create_topic("bench", config).is_err() {
        return;
    }
    let n: u64 = 1_000_000;
    let keys: Vec<ProducerRecord> = (0..1_000).map(|k| ProducerRecord::keyed(format!("key-{k}"), "{\"amount\":50}")).collect();
    let (wall, cpu) = timed(|| {
        for i in 0..n {
            let record = keys[(i % 1_000) as usize].clone();
            if log.append("bench", record, i as Millis).is_err() {
                return;
            }
        }
    });
    let per_second = |seconds: f64| n as f64 / seconds / 1e6;
    let text = match cpu {
        Some(cpu) => format!("{:.2} M/s (cpu {:.2} M/s)", per_second(wall), per_second(cpu)),
        None => format!("{:.2} M appends/s", per_second(wall)),
    };
    row("Log::append, keyed 13-byte JSON, 3 partitions (1,000,000 records)", text);
}

fn world_with_sensors(rate: f64, config: TopicConfig) -> World {
    let mut world = World::new(1);
    let created = world.log_mut().create_topic("sensor_readings", config);
    let added = world.add_producer(ScenarioKind::Sensors, rate);
    let started = world.start_producer("sensors");
    if created.is_err() || added.is_err() || started.is_err() {
        eprintln!("setup failed");
    }
    world
}

fn n_records(world: &World) -> (u64, u64, u64) {
    let mut records = 0;
    let mut bytes = 0;
    let mut end = 0;
    for topic in world.topic_views() {
        for p in topic.partitions {
            records += p.n_records as u64;
            bytes += p.size_bytes;
            end += p.log_end;
        }
    }
    (records, bytes, end)
}

fn bench_fast_forward(label: &str, config: TopicConfig, chunk_ms: Millis) {
    let mut world = world_with_sensors(5.0, config);
    let times = timed(|| {
        let mut elapsed_ms = 0;
        while elapsed_ms < 24 * HOUR {
            world.step(chunk_ms);
            elapsed_ms += chunk_ms;
        }
    });
    let (records, _, produced) = n_records(&world);
    row(&format!("24 h of a 5 ev/s producer, {label}"), seconds_text(times));
    row("   records produced / retained at the end", format!("{produced} / {records}"));
}

fn bench_two_hours(label: &str, config: TopicConfig) {
    let live_before = LIVE_BYTES.load(Ordering::Relaxed);
    PEAK_BYTES.store(live_before, Ordering::Relaxed);
    let mut world = world_with_sensors(100.0, config);
    let (mut peak_records, mut peak_bytes) = (0, 0);
    let times = timed(|| {
        for _ in 0..(2 * HOUR / MINUTE) {
            world.step(MINUTE);
            let (records, bytes, _) = n_records(&world);
            peak_records = peak_records.max(records);
            peak_bytes = peak_bytes.max(bytes);
        }
    });
    let peak_heap = PEAK_BYTES.load(Ordering::Relaxed).saturating_sub(live_before);
    row(&format!("2 h at 100 ev/s ({label}): run time"), seconds_text(times));
    row("   peak retained records", format!("{peak_records}"));
    row("   peak retained bytes (Kafka accounting) / peak heap", format!("{:.1} MiB / {:.1} MiB", mib(peak_bytes), mib(peak_heap as u64)));
}

fn main() {
    println!("| {:<70} | {:>30} |", "benchmark", "result");
    println!("|{}|{}|", "-".repeat(72), "-".repeat(32));
    bench_raw_appends();
    let short = TopicConfig { partitions: 2, retention_ms: Some(HOUR), segment_ms: 10 * MINUTE, ..TopicConfig::default() };
    let default = TopicConfig::with_partitions(2);
    bench_fast_forward("retention.ms=1h, one step(24h)", short.clone(), 24 * HOUR);
    bench_fast_forward("retention.ms=1h, steps of 1 s (1000x at 1 fps)", short.clone(), SECOND);
    bench_fast_forward("default retention (7 d), one step(24h)", default.clone(), 24 * HOUR);
    bench_two_hours("default retention.ms = 7 d", default);
    let ten_minutes = TopicConfig { partitions: 2, retention_ms: Some(10 * MINUTE), segment_ms: MINUTE, ..TopicConfig::default() };
    bench_two_hours("retention.ms = 10 min, segment.ms = 1 min", ten_minutes);
}
