//! A running query's reading side: its positions in the source topic (one offset per
//! partition, like a consumer group's committed offsets), the decoder and the operator chain.

use crate::log::{Bytes, Log, Record};
use crate::sql::ast::SourceKind;
use crate::sql::error::SqlError;
use crate::sql::operators::filter::Filter;
use crate::sql::operators::project::{count_column_uses, Project};
use crate::sql::format::{Field, FormatKind, FormatSpec};
use crate::sql::operators::source::{passes_key, SourceDecoder, TimestampColumn};
use crate::sql::operators::{Operator, ProcessingLog, Row, RowPool};
use crate::sql::plan::{CompiledExpr, SelectPlan};
use crate::sql::types::SqlType;
use super::catalog::SourceInfo;
use super::read_position::Positions;
use super::shared_decode::{DecodeGroup, Reader};

/// Where a new query starts reading: `auto.offset.reset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetReset {
    Earliest,
    Latest,
}

#[derive(Debug)]
pub struct Pipeline {
    pub source_topic: String,
    pub decoder: SourceDecoder,
    pub operators: Vec<Box<dyn Operator>>,
    /// Next offset to read, per partition.
    pub positions: Positions,
    pub n_records_read: u64,
    /// A join's other input, read alongside the source (see [`super::join_query`]).
    pub side: Option<super::join_query::SideInput>,
    /// The value columns the operators read (bit `i` for value column `i`): the decoder may
    /// leave the others NULL (see [`SourceDecoder::decode_needed`]). All, unless the pipeline
    /// knows its operators' expressions ([`Pipeline::new`]).
    pub needed_values: u64,
    /// Whether the last [`Pipeline::poll`] read everything its topics held then (so polling
    /// again before the log changes would read nothing).
    pub drained: bool,
    /// Row buffers of dropped and written rows, which the decoder fills again.
    pub pool: RowPool,
    /// The output key is the source's key column moved as is, read by nothing else
    /// ([`Pipeline::new`] sets it; see [`key_moved_as_is`]).
    key_moved: bool,
    /// Set by [`Pipeline::pass_keys_to`]: the decoder leaves the key NULL and [`Pipeline::poll`]
    /// hands out the records' key bytes in `passed_keys`.
    pass_keys: bool,
    /// Per row of the last poll, when passing keys: the record's key bytes to write as they are
    /// (`None`: encode the row's key).
    pub passed_keys: Vec<Option<Bytes>>,
    /// Emptied buffers kept between polls (see [`reuse`], [`SpareRows`]): a poll allocates none.
    record_buffer: Vec<&'static Record>,
    side_record_buffer: Vec<&'static Record>,
    spare_rows: SpareRows,
}

impl Pipeline {
    pub fn new(
        source: &SourceInfo,
        plan: &SelectPlan,
        log: &Log,
        reset: OffsetReset,
    ) -> Result<Pipeline, SqlError> {
        let mut operators: Vec<Box<dyn Operator>> = Vec::new();
        if let Some(predicate) = &plan.filter {
            operators.push(Box::new(Filter {
                predicate: predicate.clone(),
                on_table: source.kind == SourceKind::Table,
            }));
        }
        operators.push(Box::new(Project::new(
            plan
                .columns
                .iter()
                .filter(|c| c.key)
                .map(|c| c.expr.clone())
                .collect(),
            plan
                .columns
                .iter()
                .filter(|c| !c.key)
                .map(|c| (c.name.clone(), c.expr.clone()))
                .collect(),
        )));
        let mut pipeline = Pipeline::with_operators(source, operators, log, reset)?;
        pipeline.needed_values = needed_values(plan, source.key_columns.len(), source.value_columns.len());
        pipeline.key_moved = key_moved_as_is(plan);
        Ok(pipeline)
    }

    /// Whether the last poll passed the records' key bytes (see [`Pipeline::pass_keys_to`]).
    #[cfg(test)]
    pub fn passes_keys(&self) -> bool {
        self.pass_keys
    }

    /// Lets the pipeline pass its records' key bytes through to a sink writing keys with
    /// `format` and `fields` (no window), when that writes the same bytes: the output key is the
    /// input key moved as is, and both are one KAFKA STRING column (see
    /// [`SourceDecoder::may_pass_key`]). Set for each persistent query when the engine groups
    /// its queries ([`super::shared_decode::SharedDecodes::refresh`]), not before each poll.
    pub fn pass_keys_to(&mut self, format: &FormatSpec, fields: &[Field], windowed: bool) {
        self.pass_keys = self.key_moved
            && !windowed
            && self.side.is_none()
            && self.decoder.may_pass_key()
            && format.kind == FormatKind::Kafka
            && matches!(fields, [field] if field.ty == SqlType::String);
    }

    /// A pipeline reading `source` through the given operators (stateful queries build their own).
    pub fn with_operators(
        source: &SourceInfo,
        operators: Vec<Box<dyn Operator>>,
        log: &Log,
        reset: OffsetReset,
    ) -> Result<Pipeline, SqlError> {
        let schema = source.row_schema();
        let timestamp = match &source.timestamp_column {
            Some(column) => Some(TimestampColumn {
                idx: schema.position(column).ok_or_else(|| {
                    SqlError::invalid(format!("The TIMESTAMP column {column} does not exist"))
                })?,
                format: source.timestamp_format.clone(),
            }),
            None => None,
        };
        let mut decoder = decoder_of(source);
        decoder.timestamp = timestamp;
        let topic = log
            .topic(&source.topic)
            .map_err(|e| SqlError::execution(e.to_string()))?;
        let positions = Positions::of_topic(topic, reset);
        Ok(Pipeline {
            source_topic: source.topic.clone(),
            decoder,
            operators,
            positions,
            n_records_read: 0,
            side: None,
            needed_values: u64::MAX,
            drained: false,
            pool: RowPool::default(),
            key_moved: false,
            pass_keys: false,
            passed_keys: Vec::new(),
            record_buffer: Vec::new(),
            side_record_buffer: Vec::new(),
            spare_rows: SpareRows::default(),
        })
    }

    /// Reads the next batch of records (in timestamp order across partitions), runs them
    /// through the operators and returns the output rows; `None` when there was nothing to
    /// read, which is how a query finds it is idle. Records are read in place (never cloned)
    /// and decoded straight into rows.
    pub fn poll(&mut self, log: &Log, processing_log: &mut ProcessingLog) -> Option<Vec<Row>> {
        self.poll_shared(log, processing_log, None)
    }

    /// What this pipeline asks of its source's decoder (see [`super::shared_decode`]).
    pub fn reader(&self) -> Reader {
        Reader {
            needed: self.needed_values,
            pass_key: self.pass_keys,
        }
    }

    /// [`Pipeline::poll`], decoding the source's records through `share` (the group of queries
    /// reading the same source) when given.
    pub fn poll_shared(
        &mut self,
        log: &Log,
        processing_log: &mut ProcessingLog,
        mut share: Option<&mut DecodeGroup>,
    ) -> Option<Vec<Row>> {
        let reader = self.reader();
        let mut records = reuse(std::mem::take(&mut self.record_buffer));
        self.drained = self.positions.read_batch(log, &self.source_topic, true, &mut records);
        self.n_records_read = self.n_records_read.saturating_add(records.len() as u64);
        let rows = if let Some(side) = self.side.as_mut() {
            // A join's side input is read partition after partition, not merged.
            let mut side_records = reuse(std::mem::take(&mut self.side_record_buffer));
            self.drained &= side.positions.read_batch(log, &side.topic, false, &mut side_records);
            let rows = if records.is_empty() && side_records.is_empty() {
                None
            } else {
                // The first operator (the join) takes both inputs in timestamp order, the side
                // input as such; what it emits goes through the rest as a batch.
                let (mut first, rest) = match self.operators.split_first_mut() {
                    Some((first, rest)) => (Some(first), rest),
                    None => (None, &mut [][..]),
                };
                let mut current = self.spare_rows.take();
                for (from_side, record) in interleave(&records, &side_records) {
                    let row = if from_side {
                        side.decoder.decode_needed(record, processing_log, side.needed_values)
                    } else if let Some(group) = share.as_deref_mut() {
                        group.decode(&self.decoder, record, reader, processing_log, &mut self.pool)
                    } else {
                        self.decoder.decode_needed(record, processing_log, reader.needed)
                    };
                    let Some(row) = row else { continue };
                    match first.as_deref_mut() {
                        Some(join) if from_side => join.process_side(row, &mut current, processing_log),
                        Some(join) => join.process_pooled(row, &mut current, processing_log, &mut self.pool),
                        None => current.push(row),
                    }
                }
                Some(run_operators(rest, current, processing_log, &mut self.pool, &mut self.spare_rows))
            };
            self.side_record_buffer = reuse(side_records);
            rows
        } else if records.is_empty() {
            None
        } else {
            // Rows are decoded into the pool's buffers.
            let (decoder, pool) = (&self.decoder, &mut self.pool);
            let capacity = decoder.row_capacity();
            let mut current = self.spare_rows.take();
            current.extend(records.iter().filter_map(|record| match share.as_deref_mut() {
                Some(group) => group.decode(decoder, record, reader, processing_log, pool),
                None => decoder.decode_in(record, processing_log, reader.needed, pool.take(capacity), reader.pass_key),
            }));
            let current = run_operators(&mut self.operators, current, processing_log, &mut self.pool, &mut self.spare_rows);
            self.passed_keys.clear();
            if self.pass_keys {
                // A filter and a projection keep the records' order: each row finds its record
                // further on.
                let mut records = records.iter();
                for row in &current {
                    let record = records.find(|r| r.partition == row.partition && r.offset == row.offset);
                    let key = record.and_then(|r| r.key.clone()).filter(|key| passes_key(key));
                    self.passed_keys.push(key);
                }
            }
            Some(current)
        };
        self.record_buffer = reuse(records);
        rows
    }

    /// Gives back the buffer of rows a poll returned, emptied, for the next polls.
    pub fn recycle_rows(&mut self, rows: Vec<Row>) {
        self.spare_rows.put(rows);
    }
}

/// Emptied buffers of rows kept between polls, so that a poll allocates none.
#[derive(Debug, Default)]
struct SpareRows(Vec<Vec<Row>>);

impl SpareRows {
    /// A poll needs three at most: the rows, the operators' second buffer, and the one the
    /// caller gives back.
    const MAX: usize = 3;

    fn take(&mut self) -> Vec<Row> {
        self.0.pop().unwrap_or_default()
    }

    fn put(&mut self, mut rows: Vec<Row>) {
        if self.0.len() < Self::MAX && rows.capacity() > 0 {
            rows.clear();
            self.0.push(rows);
        }
    }
}

/// The decoder of `source`'s records: its formats and columns, windowed keys as it has them
/// (event time from the record: set `timestamp` for a TIMESTAMP column).
pub(super) fn decoder_of(source: &SourceInfo) -> SourceDecoder {
    let mut decoder = SourceDecoder::new(
        source.kind,
        source.key_format.clone(),
        source.value_format.clone(),
        source.key_columns.clone(),
        source.value_columns.clone(),
    );
    decoder.window = source.window_key();
    decoder
}

/// An emptied vector of record references, ready for another borrow of the log: the same
/// allocation (collecting a vector's own `into_iter` into a vector of a same-sized type reuses
/// it), and no reference kept.
// `filter_map`, not `filter`: the items change lifetime, which only a new item type allows.
#[allow(clippy::unnecessary_filter_map)]
fn reuse<'b>(mut records: Vec<&Record>) -> Vec<&'b Record> {
    records.clear();
    records.into_iter().filter_map(|_| None).collect()
}

/// Runs a batch of rows through `operators`, one operator at a time over the whole batch (each
/// operator sees its rows in the same order as row by row would give it): two buffers, no
/// allocation per row; dropped rows go back to `pool`.
fn run_operators(
    operators: &mut [Box<dyn Operator>],
    mut current: Vec<Row>,
    processing_log: &mut ProcessingLog,
    pool: &mut RowPool,
    spare: &mut SpareRows,
) -> Vec<Row> {
    if operators.is_empty() {
        return current;
    }
    let mut next = spare.take();
    for operator in operators.iter_mut() {
        for row in current.drain(..) {
            operator.process_pooled(row, &mut next, processing_log, pool);
        }
        std::mem::swap(&mut current, &mut next);
    }
    spare.put(next);
    current
}

/// Whether the plan's one output key is the source's key column (position 0) moved as is, and
/// no other expression reads it.
fn key_moved_as_is(plan: &SelectPlan) -> bool {
    let mut keys = plan.columns.iter().filter(|c| c.key);
    let moved = matches!(
        (keys.next().map(|c| &c.expr), keys.next()),
        (Some(CompiledExpr::Column(0)), None)
    );
    let mut uses = Vec::new();
    let mut exprs = plan.filter.iter().chain(plan.columns.iter().map(|c| &c.expr));
    moved && exprs.all(|expr| count_column_uses(expr, &mut uses)) && uses.first() == Some(&1)
}

/// The value columns (bit `i` for value column `i`, after `n_keys` key columns in the row) that
/// a filter-and-project plan reads; all when an expression holds a kind the walk does not know.
fn needed_values(plan: &SelectPlan, n_keys: usize, n_values: usize) -> u64 {
    values_read_by(plan.filter.iter().chain(plan.columns.iter().map(|c| &c.expr)), n_keys, n_values)
}

/// The value columns (bit `i` for value column `i`, after `n_keys` key columns in the row) that
/// `exprs` read; all when one holds a kind the walk does not know.
pub(super) fn values_read_by<'a>(
    exprs: impl IntoIterator<Item = &'a CompiledExpr>,
    n_keys: usize,
    n_values: usize,
) -> u64 {
    let mut uses = Vec::new();
    if !exprs.into_iter().all(|expr| count_column_uses(expr, &mut uses)) {
        return u64::MAX;
    }
    let used: Vec<usize> = (0..uses.len()).filter(|&idx| uses.get(idx).is_some_and(|&n| n > 0)).collect();
    values_at(used, n_keys, n_values)
}

/// The value columns (bits as in [`values_read_by`]) among row positions `positions`.
pub(super) fn values_at(positions: impl IntoIterator<Item = usize>, n_keys: usize, n_values: usize) -> u64 {
    if n_values > 64 {
        return u64::MAX;
    }
    let mut needed = 0u64;
    for position in positions {
        if let Some(idx) = position.checked_sub(n_keys).filter(|&idx| idx < n_values) {
            needed |= 1u64.checked_shl(u32::try_from(idx).unwrap_or(u32::MAX)).unwrap_or(0);
        }
    }
    needed
}

/// Merges a join's two inputs by timestamp, keeping each input's own order; the side input
/// (the table) goes first on ties. `true` marks side records.
fn interleave<'a, 'log>(
    primary: &'a [&'log Record],
    side: &'a [&'log Record],
) -> impl Iterator<Item = (bool, &'log Record)> + 'a {
    let (mut primary, mut side) = (primary.iter().peekable(), side.iter().peekable());
    std::iter::from_fn(move || {
        let take_side = match (primary.peek(), side.peek()) {
            (None, None) => return None,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (Some(p), Some(s)) => s.timestamp <= p.timestamp,
        };
        let next = if take_side { side.next() } else { primary.next() };
        next.map(|record| (take_side, *record))
    })
}
