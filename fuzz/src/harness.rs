//! What each fuzz target does with its input. Shared (by `#[path]`) between the cargo-fuzz
//! targets in fuzz/fuzz_targets/ and the regression tests in tests/fuzz_regressions.rs, so a
//! crash input replays through exactly the code that found it, in plain `cargo test`.
//!
//! Every function takes raw bytes; non-UTF-8 input is decoded lossily (the UI and the lesson
//! loader only ever see `&str`). Besides "does not panic", each checks a few invariants that
//! must hold for any input (highlight spans cover the text, errors have positions inside it).
#![allow(dead_code)]

use streamlab::lessons::checks::check_goal;
use streamlab::lessons::{describe_action, export_script, parse_lesson, render_markdown, LessonCatalogue, Progress};
use streamlab::log::{Log, TopicConfig};
use streamlab::producers::ScenarioKind;
use streamlab::share::deck::DemoDeck;
use streamlab::share::fragment::{decode, encode, MAX_FRAGMENT_LEN};
use streamlab::share::typing::typing_plan;
use streamlab::sql::cli::{render, render_error};
use streamlab::sql::parse::complete::{completions, CompletionContext};
use streamlab::sql::parse::highlight::highlight;
use streamlab::sql::parse::parse_script;
use streamlab::sql::{Engine, ScriptOutcome};
use streamlab::world::World;

/// Inputs longer than this are cut: the engine's cost per byte is not what the fuzzer is after,
/// and the UI's editor holds one script at a time.
const MAX_INPUT: usize = 4096;

/// The catalog every planning and execution run starts from: streams and tables over the
/// scenarios' topics, as the lessons declare them, and two of their own topics.
pub const CATALOG: &str = "
CREATE STREAM transactions (account_id STRING KEY, amount INT)
  WITH (kafka_topic='account_transactions', value_format='JSON');
CREATE STREAM readings (sensor_id STRING KEY, temperature DOUBLE, humidity DOUBLE, ts BIGINT)
  WITH (kafka_topic='sensor_readings', value_format='JSON');
CREATE STREAM orders_raw (order_id STRING KEY, customer_id STRING, amount DOUBLE, status STRING, ts BIGINT)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id STRING PRIMARY KEY, name STRING, city STRING, tier STRING)
  WITH (kafka_topic='customers', value_format='JSON');
CREATE STREAM pageviews (user_id STRING KEY, page STRING, ts BIGINT)
  WITH (kafka_topic='pageviews_fuzz', value_format='DELIMITED', partitions=1);
CREATE TABLE users_t (user_id STRING PRIMARY KEY, level STRING, score INT)
  WITH (kafka_topic='users_fuzz', value_format='JSON', partitions=1);
";

fn text(data: &[u8]) -> String {
    let data = data.get(..data.len().min(MAX_INPUT)).unwrap_or(data);
    String::from_utf8_lossy(data).into_owned()
}

/// Renders everything an outcome holds, as the console and the CLI would.
fn render_outcome(outcome: &ScriptOutcome) {
    for result in &outcome.results {
        let _ = render(result);
    }
    if let Some(error) = &outcome.error {
        let _ = render_error(error);
        let _ = error.to_string();
    }
}

/// sql_parse: the parser, the highlighter and completion on any text.
pub fn sql_parse(data: &[u8]) {
    let sql = text(data);
    if let Err(error) = parse_script(&sql) {
        let _ = render_error(&error);
    }
    let spans = highlight(&sql);
    // The console draws these spans over the text: they must tile it exactly.
    let mut at = 0;
    for span in &spans {
        assert_eq!(span.start, at, "highlight spans must be contiguous: {spans:?}");
        assert!(span.end > span.start, "empty highlight span: {spans:?}");
        assert!(sql.is_char_boundary(span.end), "span end off a char boundary: {spans:?}");
        at = span.end;
    }
    assert_eq!(at, sql.len(), "highlight spans must cover the text: {spans:?}");
    let context = CompletionContext {
        sources: vec![("transactions".into(), "stream".into())],
        columns: vec![("amount".into(), "transactions".into())],
        functions: vec!["COUNT".into()],
    };
    // The caret anywhere, including off char boundaries and past the end.
    for caret in [0, sql.len() / 2, sql.len(), sql.len() + 1] {
        let (start, _) = completions(&sql, caret, &context);
        assert!(start <= caret, "a completion starts before the caret");
    }
}

/// A log and an engine holding [`CATALOG`], with no records.
pub fn catalog_engine() -> (Log, Engine) {
    let mut log = Log::new();
    let mut engine = Engine::new();
    for topic in ["account_transactions", "sensor_readings", "orders", "customers"] {
        let config = TopicConfig { partitions: 2, ..TopicConfig::default() };
        let _ = log.create_topic(topic, config);
    }
    let outcome = engine.execute_script_partial(&mut log, 0, CATALOG);
    assert!(outcome.error.is_none(), "the fuzz catalog must be valid: {:?}", outcome.error);
    (log, engine)
}

/// sql_plan: parse and plan (name resolution, types, windows, joins) against a small catalog of
/// empty topics. Statements run, but with no records the work is the planning.
pub fn sql_plan(data: &[u8]) {
    let sql = text(data);
    let (mut log, mut engine) = catalog_engine();
    let outcome = engine.execute_script_partial(&mut log, 1_000, &sql);
    render_outcome(&outcome);
    let _ = engine.run_until_idle(&mut log, 2_000);
    let _ = CompletionContext::from_engine(&engine);
}

/// A small world: three scenarios running at 20 events a virtual second, 3 s of history, the
/// catalog declared, reading from the earliest offset.
pub fn small_world() -> World {
    let mut world = World::new(7);
    for kind in [ScenarioKind::AccountTransactions, ScenarioKind::Sensors, ScenarioKind::OrdersCustomers] {
        if world.add_producer(kind, 20.0).is_ok() {
            let _ = world.start_producer(kind.name());
        }
    }
    world.step(3_000);
    let outcome = world.execute_sql(&format!("SET 'auto.offset.reset' = 'earliest';\n{CATALOG}"));
    assert!(outcome.error.is_none(), "the fuzz catalog must be valid: {:?}", outcome.error);
    world
}

/// sql_execute: scripts run on a live small world, with time passing between them. The input is
/// split at NUL bytes; each part is a script, followed by 0.1 to 25.5 virtual seconds (its
/// first byte) of running. Then every view the UI draws is built.
pub fn sql_execute(data: &[u8]) {
    let sql = text(data);
    let mut world = small_world();
    for part in sql.split('\0').take(8) {
        let outcome = world.execute_sql(part);
        render_outcome(&outcome);
        let tenths = part.bytes().next().map_or(10, i64::from);
        world.step(tenths.max(1) * 100);
        if let Some(error) = world.take_query_error() {
            let _ = render_error(&error);
        }
        for id in world.engine().push_query_ids() {
            let _ = world.engine_mut().take_push_rows(&id);
        }
    }
    let view = world.view();
    for topic in &view.topics {
        for partition in &topic.partitions {
            let _ = world.tail_page(&topic.name, partition.partition, 16);
        }
    }
    // `table_rows` borrows the engine mutably and the log immutably: read a copy of the log
    // (records are shared, so the copy is cheap).
    let log = world.log().clone();
    let names: Vec<String> = world.engine().sources().map(|s| s.name.clone()).collect();
    for name in names {
        let _ = world.engine_mut().table_rows(&log, &name);
    }
    let _ = world.engine().queries();
}

/// lesson_parse: the lesson loader, then what the UI does with a lesson it loaded (narratives
/// rendered as Markdown, actions described, the script exported, goals checked on a small
/// world). Actions are not run: an `advance` of 31 days is valid and slow, not a crash.
pub fn lesson_parse(data: &[u8]) {
    let toml = text(data);
    let Ok(lesson) = parse_lesson("fuzz.toml", &toml) else {
        return;
    };
    let _ = render_markdown(&lesson.summary);
    for step in &lesson.steps {
        let _ = render_markdown(&step.narrative);
        let _ = render_markdown(&step.task);
        for hint in &step.hints {
            let _ = render_markdown(hint);
        }
        for action in step.actions.iter().chain(&step.solution) {
            let _ = describe_action(action);
        }
    }
    let _ = export_script(&lesson);
    let world = small_world();
    for step in &lesson.steps {
        let _ = check_goal(&world, &step.goal);
    }
}

/// markdown: the narrative renderer alone (used by lesson_parse; also fed raw text here so the
/// fuzzer need not get through TOML first).
pub fn markdown(data: &[u8]) {
    let html = render_markdown(&text(data));
    assert!(!html.to_ascii_lowercase().contains("<script"), "raw HTML got through: {html}");
}

/// url_fragment: the deep-link decoder on any fragment (the raw bytes, lossily as text, as
/// `location.hash` gives), then what the app does with a link it opened, short of the UI: a
/// lesson link sets the remembered step of a known lesson (the lesson screen opens there, within
/// the lesson); a sandbox link's SQL becomes the demo deck and its typing plan. A decoded link
/// re-encodes to a link that decodes to itself.
pub fn url_fragment(data: &[u8]) {
    let fragment = String::from_utf8_lossy(data.get(..data.len().min(MAX_FRAGMENT_LEN + 64)).unwrap_or(data)).into_owned();
    let link = match decode(&fragment) {
        Ok(link) => link,
        Err(error) => {
            assert!(!error.to_string().is_empty(), "a fragment error says what is wrong");
            return;
        }
    };
    // Re-encoding may only fail for length (another compressor may have written a shorter one).
    if let Ok(again) = encode(&link) {
        assert_eq!(decode(&again).as_ref(), Ok(&link), "a link that encodes decodes to itself");
    }
    let catalogue = lesson_catalogue();
    match link.lesson.as_deref().and_then(|id| catalogue.and_then(|c| c.get(id))) {
        Some(lesson) => {
            let mut progress = Progress::default();
            let _ = progress.set_step(&lesson.id, link.step.unwrap_or(0) as usize);
            let step = progress.resume_step(&lesson.id, lesson.steps.len());
            assert!(step < lesson.steps.len().max(1), "a link opens a step inside the lesson");
            let (again, notice) = Progress::parse(Some(&progress.to_json()));
            assert_eq!((again, notice), (progress, None), "progress written by a link reads back");
        }
        None => {
            let mut deck = DemoDeck::from_sql(&link.sql);
            let _ = deck.state();
            deck.last();
            while deck.take_next().is_some() {}
            let frames = typing_plan(&link.sql);
            assert!(frames.last().is_none_or(|f| f.end == link.sql.len()), "typing ends on the whole text");
            let _ = highlight(&link.sql);
        }
    }
}

/// The embedded lessons, loaded once per process.
fn lesson_catalogue() -> Option<&'static LessonCatalogue> {
    static CATALOGUE: std::sync::OnceLock<Option<LessonCatalogue>> = std::sync::OnceLock::new();
    CATALOGUE.get_or_init(|| LessonCatalogue::load().ok()).as_ref()
}

/// stored_state: lesson progress as read back from localStorage (`Progress::parse`): anything
/// gives progress (fresh, with a notice, when unusable); what it accepts writes back unchanged,
/// and the lesson list's queries on it stay within each lesson.
pub fn stored_state(data: &[u8]) {
    let stored = String::from_utf8_lossy(data);
    let (progress, notice) = Progress::parse(Some(&stored));
    if let Some(notice) = notice {
        assert_eq!(progress, Progress::default(), "unusable progress resets");
        assert!(!notice.is_empty());
        return;
    }
    let (again, notice) = Progress::parse(Some(&progress.to_json()));
    assert_eq!((&again, notice), (&progress, None), "accepted progress writes back unchanged");
    for lesson in lesson_catalogue().map_or(&[][..], |c| &c.lessons[..]) {
        let n = lesson.steps.len();
        assert!(progress.n_done(&lesson.id, n) <= n);
        assert!(progress.resume_step(&lesson.id, n) < n.max(1));
        let _ = progress.is_finished(&lesson.id, n);
    }
}
