//! The sandbox's store: the world behind one cheap handle, the clock controls, the console's
//! results and the learner's selection. Components never hold the world: they get plain view
//! structs built from it each render, and send [`SandboxAction`]s that [`SandboxStore::apply`]
//! carries out.
//!
//! **Invariant:** the world is never cloned. `StoreHandle` is an `Rc`; two handles are equal when
//! they point at the same store, and `version` tells Yew that something changed.

use crate::log::{OffsetReset, ProducerRecord};
use crate::producers::ScenarioKind;
use crate::sql::parse::complete::CompletionContext;
use crate::sql::{SqlError, StatementResult};
use crate::world::duality::Selection;
use crate::world::World;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

/// Speeds the learner can pick: virtual milliseconds per wall millisecond.
pub const SPEEDS: [f64; 4] = [1.0, 10.0, 100.0, 1000.0];
/// One press of "step" advances this much virtual time (one world tick).
pub const STEP_MS: i64 = 100;
/// A frame longer than this (a background tab, a slow frame) is counted as this: the world never
/// jumps, and a slow frame cannot ask the next one for even more work (at 1000×, one frame is
/// at most 50 virtual seconds, 500 world ticks).
pub const MAX_FRAME_MS: f64 = 50.0;
/// Wall milliseconds of world stepping a frame aims at.
pub const STEP_BUDGET_MS: f64 = 6.0;
/// Rows a push query keeps on screen; older ones scroll away (the count stays right).
pub const MAX_PUSH_ROWS: usize = 100;
/// Console entries kept.
pub const MAX_ENTRIES: usize = 50;
/// Cells a lane shows at most, whatever its width: what a 1920-pixel lane shows.
pub const MAX_LANE_CELLS: usize = 16;

/// One statement's outcome as the console shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResultView {
    Ack(String),
    Table { columns: Vec<String>, rows: Vec<Vec<String>> },
    Lines(Vec<String>),
    /// A push query: its rows so far (the newest [`MAX_PUSH_ROWS`]) and whether it still runs.
    Push { query_id: Option<String>, columns: Vec<String>, rows: Vec<Vec<String>>, n_rows: u64, paused: bool, running: bool },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorView {
    pub message: String,
    pub line_column: Option<(u32, u32)>,
    pub hint: Option<String>,
}

impl From<&SqlError> for ErrorView {
    fn from(error: &SqlError) -> Self {
        ErrorView { message: error.message.clone(), line_column: error.span.map(|s| (s.line, s.column)), hint: error.hint.clone() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleEntry {
    pub id: u64,
    pub sql: String,
    pub results: Vec<ResultView>,
    pub error: Option<ErrorView>,
}

/// Which record of the log the learner opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRef {
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
}

/// Provenance the learner asked for: a table and a selected row or source record. The Stream ⇄
/// Table view lights its lists with it, and the log lanes light the cells (see [`LineageMarks`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineagePick {
    pub table: String,
    pub selection: Selection,
}

/// What the log lanes light for a [`LineagePick`]: the source records with the row's key that
/// the query has read (they built the row) and the table's changelog records with that key
/// (the row's versions). The same rule as the Stream ⇄ Table view (`world::duality`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineageMarks {
    pub table: String,
    pub key: String,
    pub source_topic: String,
    pub table_topic: String,
    /// Per source partition, the offset the query reads next (`None`: a table over its own
    /// topic, built by every record of it).
    pub read_until: Option<BTreeMap<u32, u64>>,
}

/// How a log cell relates to the selected row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lit {
    /// A source record that built the row.
    Source,
    /// A version of the row in the table's changelog topic.
    Derived,
}

impl LineageMarks {
    pub fn lit(&self, topic: &str, partition: u32, offset: u64, key: Option<&str>) -> Option<Lit> {
        if key != Some(self.key.as_str()) {
            return None;
        }
        let read = self.read_until.as_ref().is_none_or(|until| until.get(&partition).is_some_and(|next| offset < *next));
        if topic == self.source_topic && read {
            Some(Lit::Source)
        } else if topic == self.table_topic {
            Some(Lit::Derived)
        } else {
            None
        }
    }

    /// A sentence for the log and the record details.
    pub fn describe(&self) -> String {
        if self.source_topic == self.table_topic {
            format!("Row {} of {}: its records in {} are marked ●", self.key, self.table, self.source_topic)
        } else {
            format!(
                "Row {} of {}: the {} records that built it and its versions in {} are marked ●",
                self.key, self.table, self.source_topic, self.table_topic
            )
        }
    }
}

pub enum SandboxAction {
    TogglePlay,
    Step,
    SetSpeed(f64),
    StartProducer(String),
    StopProducer(String),
    ProduceOne(String),
    SetRate(String, f64),
    /// Topic, key (empty: none), value text (empty: a tombstone).
    Produce { topic: String, key: String, value: String },
    RunSql(String),
    PausePush(u64),
    StopPush(u64),
    ClearConsole,
    OpenRecord(RecordRef),
    CloseRecord,
    /// Page a lane: `None` follows the tail, `Some(offset)` shows from there.
    PageLane { topic: String, partition: u32, from: Option<u64> },
    ToggleGroup { group: String, paused: bool },
    /// Select a row or source record for provenance (`None` clears it).
    SelectLineage(Option<LineagePick>),
    /// The lanes measured how many cells they show (see [`SandboxStore::lane_cells`]).
    FitLanes(usize),
    /// What the views (race, …) change in the world.
    Views(super::views_panel::ViewsAction),
    /// The layout, the two-pane layout's push-query pane, "Reset demo" (src/ui/demo_layout.rs).
    Demo(super::demo_layout::DemoAction),
}

pub struct SandboxStore {
    pub world: World,
    pub playing: bool,
    pub speed: f64,
    pub entries: Vec<Rc<ConsoleEntry>>,
    pub history: Rc<Vec<String>>,
    /// Names the console completes; rebuilt when SQL runs (only SQL changes the catalog).
    pub completion_context: Rc<CompletionContext>,
    pub selected: Option<RecordRef>,
    pub lane_pages: BTreeMap<(String, u32), u64>,
    /// Per topic, per partition: the log end offset last seen and the animation frame's timestamp
    /// (`performance.now()`'s clock) of the frame whose world step appended up to it. The lanes
    /// show it as `data-appended-at`, so the page benchmark can time an append to its cell.
    pub appended_at: BTreeMap<String, Vec<(u64, f64)>>,
    /// Cells a lane puts in the DOM: what its width shows (measured by the log view when it
    /// mounts and when the window is resized), at most [`MAX_LANE_CELLS`]. A clipped cell costs
    /// text shaping and layout every frame for nothing the learner sees.
    pub lane_cells: usize,
    /// The row or record selected for provenance, shared by the Stream ⇄ Table view and the log.
    pub lineage: Option<LineagePick>,
    /// The last error of the manual produce form, shown inline.
    pub produce_error: Option<String>,
    /// A sentence for the live region ("offset 5 appended to …").
    pub announcement: String,
    next_entry_id: u64,
    /// Bumped by every UI-side change; the world has its own generation.
    ui_version: u64,
    /// Bumped when the world is replaced (a new world's generation may equal the old one's).
    world_id: u64,
    /// The most virtual time one frame may advance, adapted to what the last steps cost (see
    /// [`SandboxStore::record_step_cost`]): at high speed time runs slower than asked rather
    /// than the page stuttering.
    pub virtual_ms_budget: f64,
    /// The sandbox's layout and the two-pane layout's push-query pane.
    pub demo: super::demo_layout::DemoPanes,
}

/// The sandbox a learner meets: transactions and clickstream producers, stopped, with some
/// history already in the log so the screen is not empty.
pub fn default_world(seed: u64) -> World {
    let mut world = World::new(seed);
    for (kind, rate) in [(ScenarioKind::AccountTransactions, 2.0), (ScenarioKind::Clickstream, 3.0)] {
        if world.add_producer(kind, rate).is_ok() {
            let name = kind.name();
            let _ = world.start_producer(name);
        }
    }
    // A consumer application reading the transactions slowly, so a group cursor and its lag show.
    let transactions_topic = world.producer_views().into_iter().find(|p| p.kind == ScenarioKind::AccountTransactions).and_then(|p| p.topics.into_iter().next());
    if let Some(topic) = transactions_topic {
        let _ = world.add_sink("ledger", &[topic.as_str()], Some(1.0), OffsetReset::Earliest);
    }
    // Ten virtual seconds of history, then everything waits for the learner.
    world.step(10_000);
    for kind in [ScenarioKind::AccountTransactions, ScenarioKind::Clickstream] {
        let _ = world.stop_producer(kind.name());
    }
    world
}

impl SandboxStore {
    pub fn new(world: World) -> SandboxStore {
        let completion_context = Rc::new(CompletionContext::from_engine(world.engine()));
        SandboxStore {
            world,
            playing: true,
            speed: 1.0,
            entries: Vec::new(),
            history: Rc::new(Vec::new()),
            completion_context,
            selected: None,
            lane_pages: BTreeMap::new(),
            appended_at: BTreeMap::new(),
            lane_cells: MAX_LANE_CELLS,
            lineage: None,
            produce_error: None,
            announcement: String::new(),
            next_entry_id: 0,
            ui_version: 0,
            world_id: 0,
            virtual_ms_budget: f64::MAX,
            demo: super::demo_layout::DemoPanes::default(),
        }
    }

    /// Changes whenever anything shown may have changed.
    pub fn version(&self) -> (u64, u64) {
        (self.world.generation(), self.ui_version)
    }

    /// One animation frame: advance the world by the wall time that passed × speed, and move
    /// what running queries emitted into their console entries.
    pub fn on_frame(&mut self, wall_dt_ms: f64) {
        if self.playing {
            let dt = (wall_dt_ms.clamp(0.0, MAX_FRAME_MS) * self.speed).min(self.virtual_ms_budget).round() as i64;
            if dt > 0 {
                // Narrating every append would flood a screen reader; actions are narrated instead.
                self.world.step(dt);
            }
        }
        self.drain_push_rows();
        if let Some(error) = self.world.take_query_error() {
            self.push_entry(String::new(), Vec::new(), Some(ErrorView::from(&error)));
        }
    }

    /// A record opened in the log selects its table for provenance: a source record of a table
    /// lights the row it built, a changelog record its row. The table already selected is
    /// preferred; `None` when no table is built from or into the record's topic.
    fn pick_for_record(&self, record: &RecordRef) -> Option<LineagePick> {
        let mut tables = self.world.table_names();
        if let Some(current) = &self.lineage {
            if let Some(index) = tables.iter().position(|t| *t == current.table) {
                let table = tables.remove(index);
                tables.insert(0, table);
            }
        }
        tables.into_iter().find_map(|table| {
            let lineage = self.world.table_lineage(&table)?;
            let selection = if lineage.source_topic == record.topic {
                Selection::Record { partition: record.partition, offset: record.offset }
            } else if lineage.table_topic == record.topic {
                let page = self.world.record_page(&record.topic, record.partition, record.offset, 1).ok()?;
                Selection::Row { key: page.records.into_iter().find(|r| r.offset == record.offset)?.key? }
            } else {
                return None;
            };
            Some(LineagePick { table, selection })
        })
    }

    /// What the log lanes light for the selected row; `None` when nothing is selected, the
    /// table is gone or the selected record has no key.
    pub fn lineage_marks(&self) -> Option<LineageMarks> {
        let pick = self.lineage.as_ref()?;
        let lineage = self.world.table_lineage(&pick.table)?;
        let key = match &pick.selection {
            Selection::Row { key } => key.clone(),
            Selection::Record { partition, offset } => {
                let page = self.world.record_page(&lineage.source_topic, *partition, *offset, 1).ok()?;
                page.records.into_iter().find(|r| r.offset == *offset)?.key?
            }
        };
        let read_until = lineage.query_id.as_ref().and_then(|id| self.world.engine().query_positions(id));
        Some(LineageMarks { table: lineage.table, key, source_topic: lineage.source_topic, table_topic: lineage.table_topic, read_until })
    }

    /// Notes, after a frame's step, which partitions grew: their newest records were appended in
    /// the frame that began at `frame_ms`. Costs the number of partitions.
    pub fn note_appends(&mut self, frame_ms: f64) {
        for topic in self.world.log().topics() {
            let partitions = topic.partitions();
            if !self.appended_at.contains_key(topic.name()) {
                self.appended_at.insert(topic.name().to_string(), Vec::new());
            }
            let Some(seen) = self.appended_at.get_mut(topic.name()) else { continue };
            seen.resize(partitions.len(), (0, frame_ms));
            for (seen, partition) in seen.iter_mut().zip(partitions) {
                let log_end = partition.log_end_offset();
                if seen.0 != log_end {
                    *seen = (log_end, frame_ms);
                }
            }
        }
    }

    /// When the newest record of a partition was appended (see [`SandboxStore::note_appends`]).
    pub fn appended_at(&self, topic: &str, partition: u32) -> Option<f64> {
        self.appended_at.get(topic).and_then(|seen| seen.get(partition as usize)).map(|(_, at)| *at)
    }

    /// Feeds back what advancing `virtual_ms` cost in wall time: the budget aims at
    /// [`STEP_BUDGET_MS`] of stepping per frame, so rendering keeps the rest of a 60 Hz frame.
    pub fn record_step_cost(&mut self, virtual_ms: f64, wall_ms: f64) {
        if virtual_ms < 1.0 {
            return;
        }
        let ms_per_virtual_ms = (wall_ms / virtual_ms).max(1e-6);
        let target = (STEP_BUDGET_MS / ms_per_virtual_ms).max(STEP_MS as f64);
        // Smooth, so one slow frame (a garbage collection) does not halve the speed.
        self.virtual_ms_budget = if self.virtual_ms_budget == f64::MAX { target } else { 0.8 * self.virtual_ms_budget + 0.2 * target };
    }

    fn drain_push_rows(&mut self) {
        let open: Vec<String> = self.world.engine().push_query_ids();
        let mut changed = false;
        for entry in &mut self.entries {
            // Only an entry whose query emitted or ended is copied (the props hold the old one).
            let running_ids: Vec<String> = entry
                .results
                .iter()
                .filter_map(|r| match r {
                    ResultView::Push { query_id: Some(id), running: true, paused: false, .. } => Some(id.clone()),
                    _ => None,
                })
                .collect();
            for id in running_ids {
                let still_open = open.contains(&id);
                let new_rows = if still_open { self.world.engine_mut().take_push_rows(&id) } else { Vec::new() };
                if still_open && new_rows.is_empty() {
                    continue;
                }
                changed = true;
                for result in &mut Rc::make_mut(entry).results {
                    if let ResultView::Push { query_id: Some(query_id), rows, n_rows, running, .. } = result {
                        if *query_id != id {
                            continue;
                        }
                        *running = still_open;
                        *n_rows += new_rows.len() as u64;
                        rows.extend(new_rows.iter().cloned());
                        let excess = rows.len().saturating_sub(MAX_PUSH_ROWS);
                        rows.drain(..excess);
                    }
                }
            }
        }
        if changed {
            self.ui_version += 1;
        }
    }

    pub fn apply(&mut self, action: SandboxAction) {
        self.ui_version += 1;
        match action {
            SandboxAction::TogglePlay => self.playing = !self.playing,
            SandboxAction::Step => {
                self.playing = false;
                self.world.step(STEP_MS);
                self.drain_push_rows();
            }
            SandboxAction::SetSpeed(speed) => self.speed = speed.clamp(SPEEDS[0], SPEEDS[3]),
            SandboxAction::StartProducer(name) => {
                let _ = self.world.start_producer(&name);
            }
            SandboxAction::StopProducer(name) => {
                let _ = self.world.stop_producer(&name);
            }
            SandboxAction::ProduceOne(name) => {
                if let Ok(metadata) = self.world.produce_one(&name) {
                    if let Some(m) = metadata.first() {
                        self.announcement = format!("offset {} appended by {name}, partition {}", m.offset, m.partition);
                    }
                }
            }
            SandboxAction::SetRate(name, rate) => {
                let _ = self.world.set_producer_rate(&name, rate);
            }
            SandboxAction::Produce { topic, key, value } => self.produce_by_hand(&topic, &key, &value),
            SandboxAction::RunSql(sql) => self.run_sql(sql),
            SandboxAction::PausePush(entry_id) => self.with_push(entry_id, |paused, _| *paused = !*paused),
            SandboxAction::StopPush(entry_id) => {
                let mut id_to_stop = None;
                self.with_push(entry_id, |_, query_id| id_to_stop = query_id.clone());
                if let Some(id) = id_to_stop {
                    let _ = self.world.execute_sql(&format!("TERMINATE {id};"));
                }
                self.drain_push_rows();
            }
            SandboxAction::ClearConsole => self.entries.clear(),
            SandboxAction::OpenRecord(record) => {
                if let Some(pick) = self.pick_for_record(&record) {
                    self.lineage = Some(pick);
                }
                self.selected = Some(record);
            }
            SandboxAction::SelectLineage(pick) => self.lineage = pick,
            SandboxAction::CloseRecord => self.selected = None,
            SandboxAction::PageLane { topic, partition, from } => match from {
                Some(offset) => {
                    self.lane_pages.insert((topic, partition), offset);
                }
                None => {
                    self.lane_pages.remove(&(topic, partition));
                }
            },
            SandboxAction::Views(action) => self.announcement = action.apply(&mut self.world),
            SandboxAction::FitLanes(n) => self.lane_cells = n.clamp(1, MAX_LANE_CELLS),
            SandboxAction::ToggleGroup { group, paused } => {
                let _ = if paused { self.world.resume_group(&group) } else { self.world.pause_group(&group) };
            }
            SandboxAction::Demo(action) => action.apply(self),
        }
    }

    fn with_push(&mut self, entry_id: u64, mut change: impl FnMut(&mut bool, &Option<String>)) {
        for entry in self.entries.iter_mut().filter(|e| e.id == entry_id) {
            for result in &mut Rc::make_mut(entry).results {
                if let ResultView::Push { paused, query_id, .. } = result {
                    change(paused, query_id);
                }
            }
        }
    }

    /// Validates the form as a producer client would: the topic must exist, the value must be
    /// JSON (empty means a tombstone).
    fn produce_by_hand(&mut self, topic: &str, key: &str, value: &str) {
        self.produce_error = None;
        if topic.is_empty() {
            self.produce_error = Some("Choose a topic.".into());
            return;
        }
        let value_bytes: Option<Arc<[u8]>> = if value.trim().is_empty() {
            None
        } else {
            match serde_json::from_str::<serde_json::Value>(value) {
                Ok(json) => Some(Arc::from(json.to_string().as_bytes())),
                Err(error) => {
                    self.produce_error = Some(format!("The value is not valid JSON: {error}"));
                    return;
                }
            }
        };
        let record = ProducerRecord {
            key: (!key.is_empty()).then(|| Arc::from(key.as_bytes())),
            value: value_bytes,
            ..ProducerRecord::default()
        };
        match self.world.produce(topic, record) {
            Ok(m) => self.announcement = format!("offset {} appended to {topic}, partition {}", m.offset, m.partition),
            Err(error) => self.produce_error = Some(error.to_string()),
        }
    }

    fn run_sql(&mut self, sql: String) {
        if sql.trim().is_empty() {
            return;
        }
        remember(&mut self.history, &sql);
        self.execute_and_show(sql);
    }

    /// Runs a script and shows its outcome as a console entry (without touching the history).
    pub fn execute_and_show(&mut self, sql: String) {
        let open_before = self.world.engine().push_query_ids();
        let outcome = self.world.execute_sql(&sql);
        let error = outcome.error.as_ref().map(ErrorView::from);
        self.show_outcome(sql, &open_before, outcome.results, error);
    }

    /// Replaces the world (a lesson step's reset or start). The console's results, the opened
    /// record and the paged lanes belonged to the old world and go; the history stays.
    pub fn replace_world(&mut self, world: World) {
        self.world = world;
        self.world_id += 1;
        self.entries.clear();
        self.selected = None;
        self.lane_pages.clear();
        self.appended_at.clear();
        self.lineage = None;
        self.produce_error = None;
        self.completion_context = Rc::new(CompletionContext::from_engine(self.world.engine()));
        self.ui_version += 1;
    }

    /// Changes whenever the world changes or is replaced: what a lesson's goal check watches.
    pub fn world_changed(&self) -> (u64, u64) {
        (self.world_id, self.world.generation())
    }

    /// Runs a lesson's actions (a step's script, a solution) on the world and shows them in the
    /// console as if typed: `label` with the results, push queries streaming, or the error.
    /// Returns whether the actions all ran.
    pub fn run_on_world<E: std::fmt::Display>(&mut self, label: String, act: impl FnOnce(&mut World) -> Result<Vec<StatementResult>, E>) -> bool {
        let open_before = self.world.engine().push_query_ids();
        let (results, error) = match act(&mut self.world) {
            Ok(results) => (results, None),
            Err(error) => (Vec::new(), Some(ErrorView { message: error.to_string(), line_column: None, hint: None })),
        };
        let ok = error.is_none();
        if !label.is_empty() || !results.is_empty() || !ok {
            self.show_outcome(label, &open_before, results, error);
        }
        ok
    }

    /// Shows what a script did as a console entry; push queries it opened (those not in
    /// `open_before`) stream into the entry.
    fn show_outcome(&mut self, sql: String, open_before: &[String], statement_results: Vec<StatementResult>, error: Option<ErrorView>) {
        let new_push_ids: Vec<String> =
            self.world.engine().push_query_ids().into_iter().filter(|id| !open_before.contains(id)).collect();
        // Push queries still open are the script's last `Rows` results that opened one (a pull
        // query or a push query that reached its LIMIT opens none); EMIT CHANGES marks ended ones.
        let n_rows_results = statement_results.iter().filter(|r| matches!(r, StatementResult::Rows { .. })).count();
        let first_open = n_rows_results.saturating_sub(new_push_ids.len());
        let mut new_push_ids = new_push_ids.into_iter();
        let mut rows_index = 0;
        let results = statement_results
            .into_iter()
            .map(|result| match result {
                StatementResult::Ack { message } => ResultView::Ack(message),
                StatementResult::Table { columns, rows } => ResultView::Table { columns, rows },
                StatementResult::Rows { columns, rows } => {
                    let query_id = if rows_index >= first_open { new_push_ids.next() } else { None };
                    rows_index += 1;
                    if query_id.is_none() && !is_push_sql(&sql) {
                        return ResultView::Table { columns, rows };
                    }
                    let running = query_id.is_some();
                    let n_rows = rows.len() as u64;
                    let skip = rows.len().saturating_sub(MAX_PUSH_ROWS);
                    ResultView::Push { query_id, columns, rows: rows.into_iter().skip(skip).collect(), n_rows, paused: false, running }
                }
                StatementResult::Printed { lines } | StatementResult::Text { lines } => ResultView::Lines(lines),
                StatementResult::Inserted { topic, partition, offset } => {
                    ResultView::Ack(format!("Inserted at offset {offset} of {topic}, partition {partition}"))
                }
            })
            .collect();
        self.completion_context = Rc::new(CompletionContext::from_engine(self.world.engine()));
        self.announcement = match &error {
            Some(error) => format!("Error: {}", error.message),
            None => "Statement ran".to_string(),
        };
        self.push_entry(sql, results, error);
    }

    fn push_entry(&mut self, sql: String, results: Vec<ResultView>, error: Option<ErrorView>) {
        let id = self.next_entry_id;
        self.next_entry_id += 1;
        self.entries.push(Rc::new(ConsoleEntry { id, sql, results, error }));
        // The oldest entries go, except the two-pane layout's push query while it is shown.
        let mut excess = self.entries.len().saturating_sub(MAX_ENTRIES);
        let pinned = self.demo.pane_entry;
        self.entries.retain(|entry| {
            let drop = excess > 0 && Some(entry.id) != pinned;
            excess -= usize::from(drop);
            !drop
        });
        self.ui_version += 1;
    }
}

/// Adds `sql` to a console's history, unless it repeats the last entry.
pub fn remember(history: &mut Rc<Vec<String>>, sql: &str) {
    if history.last().map(String::as_str) != Some(sql) {
        Rc::make_mut(history).push(sql.to_string());
    }
}

/// A push query's rows: the script asks for changes (`EMIT CHANGES`, or the old KSQL form).
fn is_push_sql(sql: &str) -> bool {
    sql.to_ascii_uppercase().contains("EMIT CHANGES")
}


/// The handle components share: cheap to clone, equal when it is the same store.
#[derive(Clone)]
pub struct StoreHandle(pub Rc<RefCell<SandboxStore>>);

impl StoreHandle {
    pub fn new(store: SandboxStore) -> StoreHandle {
        StoreHandle(Rc::new(RefCell::new(store)))
    }
}

impl PartialEq for StoreHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A stable colour per key: a hue from the key's FNV-1a hash.
pub fn key_hue(key: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in key.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % 360
}
