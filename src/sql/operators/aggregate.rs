//! `GROUP BY`: keeps one aggregate per group (and per window), and emits the group's new row
//! after every input record, as ksqlDB does with its record cache off.
//!
//! **Streams** fold each record into its group. **Tables** are a changelog: when a row changes,
//! its old version is first *subtracted* from its old group (`undo`), then the new version is
//! *added* to its new group, and both groups emit. A deleted row (tombstone) is only
//! subtracted. That is why aggregating a table needs functions that can undo.
//!
//! **Windows** (see [`crate::sql::plan::window`]): stream time is the largest timestamp seen so
//! far; a record whose window ended more than the grace period before stream time is late and
//! dropped. `EMIT FINAL` holds each window's result back until stream time passes its end plus
//! grace, then emits it once.
//!
//! `HAVING` filters the aggregated rows; a group that stops matching emits a tombstone (if it
//! was emitted before), so a downstream table forgets it.

use super::state::{state_map, StateMap};
use super::{Operator, ProcessingLog, Row, RowPool};
use crate::clock::Millis;
use crate::sql::functions::aggregate::Accumulator;
use crate::sql::plan::aggregate::AggregatePlan;
use crate::sql::plan::window::WindowKind;
use crate::sql::value::{clear_values, KeyValues, Value};
use std::collections::{BTreeMap, VecDeque};

/// One group's (or window's) aggregate. Its key is the key it is stored under, never a copy:
/// with ksqlDB's default grace of a day a windowed aggregation keeps every window of the last
/// 24 hours, so a window costs only its accumulators, time and start: 40 bytes with one
/// accumulator, held inline (a COUNT or SUM window allocates nothing of its own).
#[derive(Clone, Debug)]
struct GroupState {
    accumulators: Accumulators,
    /// The largest timestamp folded in; for a session, its end (Kafka Streams stamps a
    /// session's rows with its end).
    timestamp: Millis,
    /// The window's start (0 without a window). Its end follows: `start + size` for tumbling
    /// and hopping windows, `timestamp` for a session.
    start: Millis,
    /// Whether the last row emitted for this group passed HAVING (a tombstone is owed if it
    /// stops passing).
    emitted: bool,
}

/// A group's accumulators, one per aggregate call in SELECT order. Most aggregations have
/// one call: it is stored inline; more live behind one thin pointer, so this is 16 bytes.
#[derive(Clone, Debug)]
enum Accumulators {
    One(Accumulator),
    /// None, or two and more (boxed twice: a thin pointer keeps `One` inline at 16 bytes).
    Many(Box<Box<[Accumulator]>>),
}

impl Accumulators {
    fn as_slice(&self) -> &[Accumulator] {
        match self {
            Accumulators::One(one) => std::slice::from_ref(one),
            Accumulators::Many(many) => many,
        }
    }

    fn as_mut_slice(&mut self) -> &mut [Accumulator] {
        match self {
            Accumulators::One(one) => std::slice::from_mut(one),
            Accumulators::Many(many) => many,
        }
    }
}

#[derive(Debug)]
pub struct Aggregate {
    plan: AggregatePlan,
    /// Table sources: the current row of each source key (the materialised input table), so
    /// that a change can subtract the old version.
    table_rows: StateMap<KeyValues, Row>,
    /// Groups of an aggregation without a window (the second part of the key is always 0).
    /// Hashed, never iterated for output.
    groups: StateMap<(KeyValues, Millis), GroupState>,
    /// Tumbling and hopping windows: each key's windows in start order (and so in end order).
    /// The key is stored once, not once per window; expiry pops windows from the front. A new
    /// key's deque holds one window until a second comes (most keys of a short grace have one).
    windows: StateMap<KeyValues, VecDeque<GroupState>>,
    /// The smallest window end among `windows` (`Millis::MAX` when none): nothing expires
    /// before stream time passes it, so most records skip the scan.
    groups_min_end: Millis,
    /// Session windows: the sessions of each key.
    sessions: StateMap<KeyValues, Vec<GroupState>>,
    /// The smallest session end among `sessions`, as `groups_min_end`.
    sessions_min_end: Millis,
    /// The largest timestamp seen so far (windowed aggregations).
    stream_time: Option<Millis>,
    /// EMIT FINAL: the latest row of each window not yet closed.
    held_back: BTreeMap<(Millis, String, Millis), Row>,
    /// Records dropped because their window had closed, for the UI's windows view.
    late: LateRecords,
    /// Reused for every stream record (no allocation per record once warm): each call's
    /// arguments, and the aggregated row HAVING and the projection read.
    args: Vec<Vec<Value>>,
    agg_row: Vec<Value>,
    /// The buffer the next output row is built in: the last stream row's (its values are
    /// dropped once folded), so that a stream record costs no row allocation here.
    spare: Vec<Value>,
    /// The (group key, window start) being looked up, refilled in place for each record: a
    /// record of an existing group allocates nothing to find it.
    lookup: (KeyValues, Millis),
}

/// A record a windowed aggregation dropped: its window had closed (end + grace <= stream time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LateRecord {
    pub partition: u32,
    pub offset: u64,
    pub timestamp: Millis,
    /// The (first) window it missed.
    pub window: (Millis, Millis),
    /// Stream time when it arrived.
    pub stream_time: Millis,
}

/// What a windowed aggregation knows about time: stream time, and the late records it dropped
/// (how many, and the most recent [`LateRecords::KEPT`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LateRecords {
    pub stream_time: Option<Millis>,
    pub n_late: u64,
    /// Oldest first.
    pub recent: VecDeque<LateRecord>,
}

impl LateRecords {
    pub const KEPT: usize = 100;

    fn push(&mut self, record: LateRecord) {
        self.n_late = self.n_late.saturating_add(1);
        if self.recent.len() >= Self::KEPT {
            self.recent.pop_front();
        }
        self.recent.push_back(record);
    }
}

fn key_text(values: &[Value]) -> String {
    format!("{values:?}")
}

/// The smallest window end among these groups (`end` gives a group's); `Millis::MAX` when
/// there are none.
fn min_end<'a>(groups: impl Iterator<Item = &'a GroupState>, end: impl Fn(&GroupState) -> Millis) -> Millis {
    groups.map(end).min().unwrap_or(Millis::MAX)
}

impl Aggregate {
    pub fn new(plan: AggregatePlan) -> Aggregate {
        Aggregate {
            plan,
            table_rows: state_map(),
            groups: state_map(),
            windows: state_map(),
            groups_min_end: Millis::MAX,
            sessions: state_map(),
            sessions_min_end: Millis::MAX,
            stream_time: None,
            held_back: BTreeMap::new(),
            late: LateRecords::default(),
            args: Vec::new(),
            agg_row: Vec::new(),
            spare: Vec::new(),
            lookup: (KeyValues(Vec::new()), 0),
        }
    }

    fn passes_filter(&self, row: &Row) -> bool {
        self.plan
            .filter
            .as_ref()
            .is_none_or(|f| f.is_true(&row.values))
    }

    /// Evaluates the group key of a row into [`Aggregate::lookup`] (reusing its values'
    /// memory); false (logged) when part of it is NULL: ksqlDB drops those.
    fn load_lookup_key(&mut self, row: &Row, log: &mut ProcessingLog) -> bool {
        let key = &mut self.lookup.0 .0;
        key.resize_with(self.plan.group_by.len(), Value::default);
        for (expr, slot) in self.plan.group_by.iter().zip(key.iter_mut()) {
            match expr.eval_ref(&row.values).as_deref() {
                Ok(Value::Null) | Err(_) => {
                    log.record(format!(
                        "Dropped a record with a NULL GROUP BY key at offset {}",
                        row.offset
                    ));
                    return false;
                }
                Ok(value) => assign(slot, value),
            }
        }
        true
    }

    /// The group key of a row, or None (logged) when part of it is NULL: ksqlDB drops those.
    fn group_key(&self, row: &Row, log: &mut ProcessingLog) -> Option<Vec<Value>> {
        let mut key = Vec::with_capacity(self.plan.group_by.len());
        for expr in &self.plan.group_by {
            match expr.eval(&row.values) {
                Ok(Value::Null) | Err(_) => {
                    log.record(format!(
                        "Dropped a record with a NULL GROUP BY key at offset {}",
                        row.offset
                    ));
                    return None;
                }
                Ok(value) => key.push(value),
            }
        }
        Some(key)
    }

    /// Each call's arguments (the table path; streams reuse [`Aggregate::args`]).
    fn args(&self, row: &Row) -> Vec<Vec<Value>> {
        let mut args = Vec::new();
        evaluate_args(&self.plan, row, &mut args);
        args
    }

    fn emit(&mut self, row: Row, out: &mut Vec<Row>) {
        if !self.plan.emit_final {
            out.push(row);
            return;
        }
        let (start, end) = row.window.unwrap_or((0, 0));
        self.held_back
            .insert((end, key_text(row.key()), start), row);
    }

    /// EMIT FINAL: releases the windows that stream time has closed.
    fn release_closed(&mut self, out: &mut Vec<Row>) {
        let (Some(stream_time), Some(window)) = (self.stream_time, self.plan.window) else {
            return;
        };
        let grace = if window.is_session() {
            window.grace_ms().saturating_add(window.size())
        } else {
            window.grace_ms()
        };
        while let Some(entry) = self.held_back.first_entry() {
            let (end, _, _) = *entry.key();
            if end.saturating_add(grace) > stream_time {
                break;
            }
            out.push(entry.remove());
        }
    }

    /// Forgets windows that can no longer change, so that state stays bounded.
    fn expire(&mut self) {
        let (Some(stream_time), Some(window)) = (self.stream_time, self.plan.window) else {
            return;
        };
        let close = stream_time.saturating_sub(window.grace_ms());
        let size = window.size();
        let window_end = |g: &GroupState| g.start.saturating_add(size);
        if self.groups_min_end <= close {
            let closed = |g: &GroupState| window_end(g) <= close;
            for windows in self.windows.values_mut() {
                while windows.front().is_some_and(closed) {
                    windows.pop_front();
                }
            }
            self.windows.retain(|_, w| !w.is_empty());
            self.groups_min_end = min_end(self.windows.values().filter_map(|w| w.front()), window_end);
        }
        let session_close = close.saturating_sub(window.size());
        if self.sessions_min_end < session_close {
            // A session's end is its time.
            for sessions in self.sessions.values_mut() {
                sessions.retain(|s| s.timestamp >= session_close);
            }
            self.sessions.retain(|_, s| !s.is_empty());
            self.sessions_min_end = min_end(self.sessions.values().flatten(), |s| s.timestamp);
        }
    }

    /// Folds a row into the group of [`Aggregate::lookup`] (added, or undone), then emits.
    fn add_to_group(
        &mut self,
        window: Option<(Millis, Millis)>,
        row: &Row,
        args: &[Vec<Value>],
        undo: bool,
        log: &mut ProcessingLog,
        out: &mut Vec<Row>,
    ) {
        if let Some((_, end)) = window {
            self.groups_min_end = self.groups_min_end.min(end);
        }
        let fold = |group: &mut GroupState, log: &mut ProcessingLog| {
            for (accumulator, arg) in group.accumulators.as_mut_slice().iter_mut().zip(args) {
                let result = if undo {
                    accumulator.undo(arg)
                } else {
                    accumulator.add(arg)
                };
                if let Err(error) = result {
                    log.record(format!(
                        "Aggregation failed at offset {}: {}",
                        row.offset, error.message
                    ));
                }
            }
        };
        self.update_group(window, row, fold, log, out);
    }

    /// A table row that changed within its group: the old version undone, the new one added,
    /// one output.
    fn update_in_place(
        &mut self,
        row: &Row,
        old_args: &[Vec<Value>],
        new_args: &[Vec<Value>],
        log: &mut ProcessingLog,
        out: &mut Vec<Row>,
    ) {
        let fold = |group: &mut GroupState, log: &mut ProcessingLog| {
            for ((accumulator, old), new) in
                group.accumulators.as_mut_slice().iter_mut().zip(old_args).zip(new_args)
            {
                if let Err(error) = accumulator.undo(old).and_then(|()| accumulator.add(new)) {
                    log.record(format!(
                        "Aggregation failed at offset {}: {}",
                        row.offset, error.message
                    ));
                }
            }
        };
        self.update_group(None, row, fold, log, out);
    }

    /// Applies `fold` to the group of [`Aggregate::lookup`] in `window` (a fresh one if new,
    /// stored then), moves its time up to the row's and emits its output row. An existing group
    /// is found without allocating.
    fn update_group(
        &mut self,
        window: Option<(Millis, Millis)>,
        row: &Row,
        fold: impl Fn(&mut GroupState, &mut ProcessingLog),
        log: &mut ProcessingLog,
        out: &mut Vec<Row>,
    ) {
        let fresh_group = |plan: &AggregatePlan| GroupState {
            accumulators: fresh(plan),
            timestamp: row.timestamp,
            start: window.map_or(0, |(start, _)| start),
            emitted: false,
        };
        // An existing group (the common case) is found with one lookup.
        let group = match window {
            None => match self.groups.get_mut(&self.lookup) {
                Some(group) => Some(group),
                None => {
                    self.groups.insert(self.lookup.clone(), fresh_group(&self.plan));
                    self.groups.get_mut(&self.lookup)
                }
            },
            Some((start, _)) => {
                let windows = match self.windows.get_mut(&self.lookup.0) {
                    Some(windows) => Some(windows),
                    None => {
                        self.windows.insert(self.lookup.0.clone(), VecDeque::with_capacity(1));
                        self.windows.get_mut(&self.lookup.0)
                    }
                };
                windows.and_then(|windows| {
                    let starts_before = |g: &GroupState| g.start < start;
                    // Records mostly arrive in time order: their window is the last one, or
                    // a new one after it.
                    let at = match windows.back() {
                        Some(last) if last.start == start => windows.len() - 1,
                        Some(last) if starts_before(last) => windows.len(),
                        _ => windows.partition_point(starts_before),
                    };
                    let found = windows.get(at).is_some_and(|g| g.start == start);
                    if !found {
                        grow_gently(windows);
                        windows.insert(at, fresh_group(&self.plan));
                    }
                    windows.get_mut(at)
                })
            }
        };
        let Some(group) = group else { return };
        group.timestamp = group.timestamp.max(row.timestamp);
        fold(group, log);
        let buffer = std::mem::take(&mut self.spare);
        let output = output_row(&self.plan, &mut self.agg_row, &mut self.lookup.0 .0, group, window, row, buffer, log);
        if let Some(output) = output {
            self.emit(output, out);
        }
    }

    /// Points [`Aggregate::lookup`] at `key` (no window): the table path.
    fn look_up(&mut self, key: Vec<Value>) {
        self.lookup = (KeyValues(key), 0);
    }

    fn process_session(
        &mut self,
        key: Vec<Value>,
        gap: Millis,
        row: &Row,
        args: &[Vec<Value>],
        log: &mut ProcessingLog,
        out: &mut Vec<Row>,
    ) {
        let grace = self.plan.window.map_or(0, |w| w.grace_ms());
        // A session can still grow until stream time passes its end + gap + grace.
        let close = self
            .stream_time
            .unwrap_or(row.timestamp)
            .saturating_sub(grace)
            .saturating_sub(gap);
        let mut text = KeyValues(key);
        let t = row.timestamp;
        let mut sessions = self.sessions.remove(&text).unwrap_or_default();
        // A session's window is (start, its time).
        let (mut overlapping, rest): (Vec<GroupState>, Vec<GroupState>) =
            sessions.drain(..).partition(|s| {
                s.timestamp >= t.saturating_sub(gap) && s.start <= t.saturating_add(gap)
            });
        overlapping.sort_by_key(|s| s.start);
        let mut merged_window = (t, t);
        for session in &overlapping {
            merged_window = (merged_window.0.min(session.start), merged_window.1.max(session.timestamp));
        }
        if merged_window.1 < close {
            log.record(format!(
                "Dropped a late record at offset {} (its session closed)",
                row.offset
            ));
            self.late.push(LateRecord {
                partition: row.partition,
                offset: row.offset,
                timestamp: row.timestamp,
                window: merged_window,
                stream_time: self.stream_time.unwrap_or(row.timestamp),
            });
            overlapping.extend(rest);
            self.sessions.insert(text, overlapping);
            return;
        }
        let mut accumulators = fresh(&self.plan);
        for session in &overlapping {
            for (mine, theirs) in accumulators.as_mut_slice().iter_mut().zip(session.accumulators.as_slice()) {
                if let Err(error) = mine.merge(theirs) {
                    log.record(format!("Session merge failed: {}", error.message));
                }
            }
        }
        if merged_window != (t, t) {
            // Every merged-away session is deleted downstream, then the merged one is written.
            let n_values = self.plan.columns.iter().filter(|c| !c.key).count();
            for mut session in overlapping {
                if !session.emitted {
                    continue;
                }
                let window = Some((session.start, session.timestamp));
                if let Some(mut tombstone) =
                    output_row(&self.plan, &mut self.agg_row, &mut text.0, &mut session, window, row, Vec::new(), log)
                {
                    tombstone.tombstone = true;
                    for value in tombstone
                        .values
                        .iter_mut()
                        .skip(tombstone.n_keys)
                        .take(n_values)
                    {
                        *value = Value::Null;
                    }
                    self.emit(tombstone, out);
                }
            }
        }
        for (accumulator, arg) in accumulators.as_mut_slice().iter_mut().zip(args) {
            if let Err(error) = accumulator.add(arg) {
                log.record(format!(
                    "Aggregation failed at offset {}: {}",
                    row.offset, error.message
                ));
            }
        }
        let mut group = GroupState {
            accumulators,
            timestamp: merged_window.1,
            start: merged_window.0,
            emitted: false,
        };
        let output = output_row(&self.plan, &mut self.agg_row, &mut text.0, &mut group, Some(merged_window), row, Vec::new(), log);
        self.sessions_min_end = self.sessions_min_end.min(merged_window.1);
        let mut kept = rest;
        kept.push(group);
        self.sessions.insert(text, kept);
        if let Some(output) = output {
            self.emit(output, out);
        }
    }

    /// Folds a stream row into its group, and gives its buffer back (none when it became the
    /// spare): the caller pools it.
    fn process_stream(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) -> Vec<Value> {
        if row.tombstone || !self.passes_filter(&row) || !self.load_lookup_key(&row, log) {
            return row.values;
        }
        let mut args = std::mem::take(&mut self.args);
        evaluate_args(&self.plan, &row, &mut args);
        self.fold_stream_row(&row, &args, out, log);
        self.args = args;
        if self.spare.capacity() == 0 {
            self.spare = row.values;
            clear_values(&mut self.spare);
            return Vec::new();
        }
        row.values
    }

    /// Folds a stream row whose group key is in [`Aggregate::lookup`] into its window(s).
    fn fold_stream_row(
        &mut self,
        row: &Row,
        args: &[Vec<Value>],
        out: &mut Vec<Row>,
        log: &mut ProcessingLog,
    ) {
        let Some(window) = self.plan.window else {
            self.lookup.1 = 0;
            self.add_to_group(None, row, args, false, log, out);
            return;
        };
        let stream_time = self
            .stream_time
            .map_or(row.timestamp, |t| t.max(row.timestamp));
        self.stream_time = Some(stream_time);
        match window.kind {
            WindowKind::Session { gap } => {
                let key = self.lookup.0 .0.clone();
                self.process_session(key, gap, row, args, log, out);
            }
            WindowKind::Tumbling { .. } | WindowKind::Hopping { .. } => {
                let close = stream_time.saturating_sub(window.grace_ms());
                for (start, end) in window.windows_containing(row.timestamp) {
                    if end <= close {
                        log.record(format!(
                            "Dropped a late record at offset {} (window {start}..{end} closed)",
                            row.offset
                        ));
                        self.late.push(LateRecord {
                            partition: row.partition,
                            offset: row.offset,
                            timestamp: row.timestamp,
                            window: (start, end),
                            stream_time,
                        });
                        continue;
                    }
                    self.lookup.1 = start;
                    self.add_to_group(Some((start, end)), row, args, false, log, out);
                }
            }
        }
        self.release_closed(out);
        self.expire();
    }

    fn process_table(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) {
        let source_key = KeyValues::from_slice(row.key());
        let old = self.table_rows.remove(&source_key);
        let new = if !row.tombstone && self.passes_filter(&row) {
            Some(row.clone())
        } else {
            None
        };
        if let (Some(old_row), Some(new_row)) = (&old, &new) {
            let old_key = self.group_key(old_row, log);
            let new_key = self.group_key(new_row, log);
            if let (Some(old_key), Some(new_key)) = (old_key, new_key) {
                if old_key == new_key {
                    // Same group: one update, with the old version undone and the new added.
                    let old_args = self.args(old_row);
                    let new_args = self.args(new_row);
                    self.look_up(new_key);
                    self.update_in_place(new_row, &old_args, &new_args, log, out);
                    self.table_rows.insert(source_key, new_row.clone());
                    return;
                }
            }
        }
        if let Some(old_row) = &old {
            if let Some(key) = self.group_key(old_row, log) {
                let args = self.args(old_row);
                // The subtraction carries the new record's time and position.
                let mut context = row.clone();
                context.values = old_row.values.clone();
                self.look_up(key);
                self.add_to_group(None, &context, &args, true, log, out);
            }
        }
        if let Some(new_row) = new {
            if let Some(key) = self.group_key(&new_row, log) {
                let args = self.args(&new_row);
                self.look_up(key);
                self.add_to_group(None, &new_row, &args, false, log, out);
            }
            self.table_rows.insert(source_key, new_row);
        }
    }
}

/// Evaluates each call's arguments on `row` into `args` (reusing its vectors).
fn evaluate_args(plan: &AggregatePlan, row: &Row, args: &mut Vec<Vec<Value>>) {
    args.resize_with(plan.calls.len(), Vec::new);
    for (call, values) in plan.calls.iter().zip(args.iter_mut()) {
        values.clear();
        values.extend(
            call.args
                .iter()
                .map(|arg| arg.eval(&row.values).unwrap_or_default()),
        );
    }
}

fn fresh(plan: &AggregatePlan) -> Accumulators {
    match plan.calls.as_slice() {
        [call] => Accumulators::One(call.template.initialize()),
        calls => Accumulators::Many(Box::new(calls.iter().map(|c| c.template.initialize()).collect())),
    }
}

/// Makes room for one more window in a full deque by a quarter of its length, not by doubling:
/// with the default grace of a day every card's windows pile up together, so doubling would
/// double them all within minutes (and hold old and new while copying), and keep up to half of
/// their slots empty. Geometric still, so appends stay amortised O(1).
fn grow_gently(windows: &mut VecDeque<GroupState>) {
    if windows.len() == windows.capacity() {
        windows.reserve_exact((windows.len() / 4).max(1));
    }
}

/// `slot = value`, reusing a string's memory.
fn assign(slot: &mut Value, value: &Value) {
    if let (Value::String(into), Value::String(from)) = (&mut *slot, value) {
        into.clear();
        into.push_str(from);
        return;
    }
    *slot = value.clone();
}

/// Builds the output row of a group: HAVING, then the projection. `None` when nothing is to be
/// emitted (HAVING fails and nothing was emitted before). `agg_row` is scratch space: the
/// aggregated row (key, results, window bounds, pseudo-columns) the expressions read; the
/// group's `key` moves there and back, so only what the output keeps is copied. The output row
/// is built in `buffer` (emptied first).
#[allow(clippy::too_many_arguments)]
fn output_row(
    plan: &AggregatePlan,
    agg_row: &mut Vec<Value>,
    key: &mut Vec<Value>,
    group: &mut GroupState,
    window: Option<(Millis, Millis)>,
    source: &Row,
    mut values: Vec<Value>,
    log: &mut ProcessingLog,
) -> Option<Row> {
    let (start, end) = window.unwrap_or((0, 0));
    let n_group_keys = key.len();
    let partition = Value::Int(i32::try_from(source.partition).unwrap_or(i32::MAX));
    let offset = Value::BigInt(i64::try_from(source.offset).unwrap_or(i64::MAX));
    clear_values(agg_row);
    agg_row.append(key);
    agg_row.extend(group.accumulators.as_slice().iter().map(Accumulator::result));
    // Pushed one by one: `extend` from an array built the five values and copied them again.
    agg_row.reserve(5);
    agg_row.push(Value::BigInt(start));
    agg_row.push(Value::BigInt(end));
    agg_row.push(Value::BigInt(group.timestamp));
    agg_row.push(partition.clone());
    agg_row.push(offset.clone());
    let passes = plan.having.as_ref().is_none_or(|h| h.is_true(agg_row));
    let output = if !passes && !group.emitted {
        None
    } else {
        group.emitted = passes;
        // Key columns first, then values, each in projection order (evaluated in projection
        // order, so errors are logged in that order).
        clear_values(&mut values);
        values.reserve(plan.columns.len() + 3);
        let mut n_keys = 0;
        for column in &plan.columns {
            let value = if !column.key && !passes {
                Value::Null
            } else {
                column.expr.eval(agg_row).unwrap_or_else(|error| {
                    log.record(format!(
                        "Error computing column {}: {}",
                        column.name, error.message
                    ));
                    Value::Null
                })
            };
            if column.key {
                values.insert(n_keys, value);
                n_keys += 1;
            } else {
                values.push(value);
            }
        }
        values.push(Value::BigInt(group.timestamp));
        values.push(partition);
        values.push(offset);
        Some(Row {
            values,
            n_keys,
            tombstone: !passes,
            timestamp: group.timestamp,
            partition: source.partition,
            offset: source.offset,
            window,
        })
    };
    key.extend(agg_row.drain(..n_group_keys.min(agg_row.len())));
    output
}

impl Operator for Aggregate {
    fn process(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) {
        match self.plan.source_kind {
            crate::sql::ast::SourceKind::Stream => drop(self.process_stream(row, out, log)),
            crate::sql::ast::SourceKind::Table => self.process_table(row, out, log),
        }
    }

    /// A stream row's buffer goes back to the pipeline's pool, for the next decoded record.
    fn process_pooled(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog, pool: &mut RowPool) {
        match self.plan.source_kind {
            crate::sql::ast::SourceKind::Stream => pool.put(self.process_stream(row, out, log)),
            crate::sql::ast::SourceKind::Table => self.process_table(row, out, log),
        }
    }

    fn late_records(&self) -> Option<LateRecords> {
        self.plan.window.map(|_| LateRecords {
            stream_time: self.stream_time,
            ..self.late.clone()
        })
    }

    fn describe(&self) -> String {
        let functions: Vec<&str> = self
            .plan
            .calls
            .iter()
            .map(|c| c.function.as_str())
            .collect();
        let window = self
            .plan
            .window
            .map(|w| format!(" over {} windows", w.type_name()))
            .unwrap_or_default();
        format!(
            "Aggregate (GROUP BY {} key(s); {}){window}",
            self.plan.group_by.len(),
            functions.join(", ")
        )
    }
}

/// For a push query over an aggregation: lays an aggregate's output row out as its subscriber
/// reads it, the key columns, WINDOWSTART and WINDOWEND (windowed), then the values.
#[derive(Debug)]
pub struct PushRow {
    pub windowed: bool,
}

impl Operator for PushRow {
    fn process(&mut self, mut row: Row, out: &mut Vec<Row>, _log: &mut ProcessingLog) {
        if self.windowed {
            let (start, end) = row.window.unwrap_or((0, 0));
            let at = row.n_keys.min(row.values.len());
            row.values
                .splice(at..at, [Value::BigInt(start), Value::BigInt(end)]);
        }
        row.n_keys = 0;
        out.push(row);
    }

    fn describe(&self) -> String {
        "Rows for the subscriber".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::ast::{SourceKind, Statement};
    use crate::sql::parse::parse_script;
    use crate::sql::plan::aggregate::plan_aggregate;
    use crate::sql::types::SqlType;
    use crate::sql::Field;

    fn windowed_count() -> Aggregate {
        windowed_count_with_grace("0 SECONDS")
    }

    fn windowed_count_with_grace(grace: &str) -> Aggregate {
        let sql = format!(
            "CREATE TABLE c AS SELECT id, COUNT(*) AS n FROM s \
             WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD {grace}) GROUP BY id EMIT CHANGES;"
        );
        let statements = parse_script(&sql).expect("parses");
        let Some(Statement::CreateAsSelect(create)) = statements.first().map(|s| &s.statement) else {
            panic!("a CTAS")
        };
        let plan = plan_aggregate(
            &create.query,
            "S",
            SourceKind::Stream,
            &[Field::new("ID", SqlType::String)],
            &[Field::new("V", SqlType::Int)],
            Some("C"),
        )
        .expect("plans");
        Aggregate::new(plan)
    }

    fn row(key: &str, timestamp: Millis, offset: u64) -> Row {
        Row::keyed_for_test(vec![Value::String(key.into()), Value::Int(1)], timestamp, offset)
    }

    /// A window of a one-call aggregation (lesson 11's COUNT per card, kept a day with the
    /// default grace) is 40 bytes in its key's deque, and allocates nothing of its own.
    #[test]
    fn a_window_of_one_accumulator_is_forty_bytes() {
        println!(
            "size_of::<GroupState>() = {}, size_of::<Accumulators>() = {}",
            std::mem::size_of::<GroupState>(),
            std::mem::size_of::<Accumulators>()
        );
        assert!(std::mem::size_of::<Accumulators>() <= 16);
        assert!(std::mem::size_of::<GroupState>() <= 40);
        let aggregate = windowed_count();
        assert!(matches!(fresh(&aggregate.plan), Accumulators::One(_)));
    }

    /// With a day's grace a key's windows pile up; its deque grows by a quarter at a time, so
    /// at most a fifth of its slots are empty (doubling leaves up to half).
    #[test]
    fn a_keys_windows_grow_by_a_quarter() {
        let mut aggregate = windowed_count_with_grace("1 DAY");
        let (mut out, mut log) = (Vec::new(), ProcessingLog::default());
        for (offset, timestamp) in (0..3_000_000).step_by(10_000).enumerate() {
            aggregate.process(row("card", timestamp, offset as u64), &mut out, &mut log);
            let windows = aggregate.windows.values().next().expect("the key's windows");
            assert_eq!(windows.len(), offset + 1, "every window kept");
            assert!(
                windows.capacity() <= windows.len() + windows.len() / 4 + 1,
                "{} slots for {} windows",
                windows.capacity(),
                windows.len()
            );
        }
    }

    /// State stays bounded by window retention: with 50 keys over 100 windows, only the windows
    /// still open are kept, and once the other keys fall silent their windows are forgotten.
    #[test]
    fn windowed_state_stays_bounded_by_grace() {
        let mut aggregate = windowed_count();
        let (mut out, mut log) = (Vec::new(), ProcessingLog::default());
        let mut offset = 0;
        for timestamp in (0..1_000_000).step_by(100) {
            let key = format!("k{}", offset % 50);
            aggregate.process(row(&key, timestamp, offset), &mut out, &mut log);
            offset += 1;
        }
        assert_eq!(out.len(), 10_000, "one update per record");
        // 50 keys, each in the open window and at most the one just closed.
        let n_windows = |aggregate: &Aggregate| aggregate.windows.values().map(VecDeque::len).sum::<usize>();
        assert!(n_windows(&aggregate) <= 100, "{} windows", n_windows(&aggregate));
        assert!(n_windows(&aggregate) >= 50, "the open window of every key is kept");
        assert_eq!(aggregate.windows.len(), 50, "each key stored once");
        // Only "z" speaks from now on: every other key's windows close and are dropped.
        for timestamp in (1_030_000..1_050_000).step_by(100) {
            aggregate.process(row("z", timestamp, offset), &mut out, &mut log);
            offset += 1;
        }
        assert!(n_windows(&aggregate) <= 2, "{} windows", n_windows(&aggregate));
        assert!(aggregate.windows.keys().all(|key| key.values() == [Value::String("z".into())]));
    }
}
