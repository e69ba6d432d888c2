//! The memory workload, shared by `benches/memory.rs` (native, a counting allocator) and
//! `tests/web_memory.rs` (wasm in headless Chromium, `memory.size`): a two-hour talk at 100
//! events a virtual second, every scenario producing, every lesson's SQL run in one world and
//! every push query drained as the console does. No clock here; the harness measures memory at
//! each sample.
#![allow(dead_code)] // each harness uses part of it

use streamlab::lessons::{Action, LessonCatalogue, Syntax};
use streamlab::producers::ScenarioKind;
use streamlab::world::World;

/// Two hours of virtual time.
pub const TALK_MS: i64 = 2 * 60 * 60 * 1000;
/// Events a virtual second, over all producers.
pub const EVENTS_PER_SECOND: f64 = 100.0;
/// A frame's worth of virtual time at 1× (a browser frame is ~16 ms; 1 s keeps the run short
/// and changes nothing: chunking does not matter).
pub const STEP_MS: i64 = 1_000;

/// Figures at the end of the talk.
#[derive(Debug, Default)]
pub struct TalkSummary {
    pub statements_ok: usize,
    pub statements_failed: usize,
    pub persistent_queries: usize,
    pub push_queries: usize,
    pub records_in_log: u64,
    pub log_bytes: u64,
    pub push_rows_drained: u64,
    /// Every topic at the end, with its retention.
    pub topics: Vec<TopicSize>,
}

/// What one topic holds and may hold.
#[derive(Debug)]
pub struct TopicSize {
    pub name: String,
    pub records: u64,
    pub bytes: u64,
    pub retention_ms: Option<i64>,
    pub retention_bytes: Option<u64>,
}

/// A world with every scenario producing (100 ev/s in all) and every SQL statement of every
/// lesson (setup, step actions, solutions, in the talk's order) run once. Statements that clash
/// with an earlier lesson's (the same stream declared twice) fail and are counted.
pub fn talk_world(seed: u64) -> (World, TalkSummary) {
    let mut world = World::new(seed);
    let rate = EVENTS_PER_SECOND / ScenarioKind::ALL.len() as f64;
    for kind in ScenarioKind::ALL {
        world.add_producer(kind, rate).expect("a producer");
        world.start_producer(kind.name()).expect("a started producer");
    }
    let mut summary = TalkSummary::default();
    let _ = world.execute_sql("SET 'auto.offset.reset' = 'earliest';");
    let catalogue = LessonCatalogue::load().expect("the lessons load");
    // TALK_LESSONS=duality,replay runs only those lessons' SQL (to find what holds memory).
    let only = std::env::var("TALK_LESSONS").ok();
    // TALK_SKIP=possible_fraud leaves out the statements that contain it.
    let skip = std::env::var("TALK_SKIP").ok();
    let chosen = |id: &str| only.as_deref().is_none_or(|only| only.split(',').any(|o| o == id));
    // TALK_SYNTAX=ksqldb runs lesson 11 in today's ksqlDB form (the toggle); by default the
    // 2018 form, as on stage. Read when the harness runs, or (wasm has no environment) when
    // it was built.
    let syntax_env = std::env::var("TALK_SYNTAX").ok().or(option_env!("TALK_SYNTAX").map(String::from));
    let syntax = match syntax_env.as_deref() {
        Some("ksqldb") => Syntax::KsqlDb,
        _ => Syntax::Ksql2018,
    };
    for lesson in catalogue.lessons.iter().filter(|lesson| chosen(&lesson.id)) {
        let steps: Vec<Action> =
            lesson.steps.iter().flat_map(|s| s.actions.iter().cloned().chain(s.solution_in(syntax))).collect();
        for action in lesson.setup.iter().chain(&steps) {
            if let Action::Sql { sql } = action {
                if skip.as_deref().is_some_and(|skip| sql.contains(skip)) {
                    continue;
                }
                let outcome = world.execute_sql(sql);
                summary.statements_ok += outcome.results.len();
                summary.statements_failed += usize::from(outcome.error.is_some());
            }
        }
    }
    (world, summary)
}

/// Runs the talk, calling `sample` every virtual minute (and at the end) with the minutes
/// elapsed. Push queries are drained at every step, as the console does each frame.
pub fn run_talk(seed: u64, talk_ms: i64, mut sample: impl FnMut(i64, &World)) -> TalkSummary {
    let (mut world, mut summary) = talk_world(seed);
    let mut elapsed = 0;
    while elapsed < talk_ms {
        advance(&mut world, &mut summary, 60_000.min(talk_ms - elapsed));
        elapsed = (elapsed + 60_000).min(talk_ms);
        sample(elapsed / 60_000, &world);
    }
    finish(&world, summary)
}

/// Lets `ms` of virtual time pass in steps of [`STEP_MS`], draining push queries at every
/// step (a harness that must yield to a browser between minutes calls this itself).
pub fn advance(world: &mut World, summary: &mut TalkSummary, ms: i64) {
    let mut elapsed = 0;
    while elapsed < ms {
        world.step(STEP_MS);
        elapsed += STEP_MS;
        for id in world.engine().push_query_ids() {
            summary.push_rows_drained += world.engine_mut().take_push_rows(&id).len() as u64;
        }
        let _ = world.take_query_error();
    }
}

/// The summary at the end of the talk: queries, and what every topic holds.
pub fn finish(world: &World, mut summary: TalkSummary) -> TalkSummary {
    summary.persistent_queries = world.engine().query_ids().len();
    summary.push_queries = world.engine().push_query_ids().len();
    (summary.records_in_log, summary.log_bytes) = log_size(world);
    summary.topics = world
        .log()
        .topics()
        .map(|topic| TopicSize {
            name: topic.name().to_string(),
            records: topic.partitions().iter().map(|p| p.len() as u64).sum(),
            bytes: topic.partitions().iter().map(|p| p.size_bytes()).sum(),
            retention_ms: topic.config().retention_ms,
            retention_bytes: topic.config().retention_bytes,
        })
        .collect();
    summary
}

/// Records held by the log and their bytes (keys, values, headers), over every topic.
pub fn log_size(world: &World) -> (u64, u64) {
    let (mut records, mut bytes) = (0, 0);
    for topic in world.topic_views() {
        for partition in &topic.partitions {
            records += partition.n_records as u64;
            bytes += partition.size_bytes;
        }
    }
    (records, bytes)
}
