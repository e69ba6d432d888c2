//! A running query's reading side: its positions in the source topic (one offset per
//! partition, like a consumer group's committed offsets), the decoder and the operator chain.

use crate::log::{Log, Record};
use crate::sql::ast::SourceKind;
use crate::sql::error::SqlError;
use crate::sql::operators::filter::Filter;
use crate::sql::operators::project::Project;
use crate::sql::operators::source::{SourceDecoder, TimestampColumn};
use crate::sql::operators::{Operator, ProcessingLog, Row};
use crate::sql::plan::SelectPlan;
use std::collections::BTreeMap;

use super::catalog::SourceInfo;

/// How many records a query reads from one partition per poll.
const FETCH_BATCH: usize = 512;

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
    pub positions: BTreeMap<u32, u64>,
    pub n_records_read: u64,
    /// A join's other input, read alongside the source (see [`super::join_query`]).
    pub side: Option<super::join_query::SideInput>,
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
        operators.push(Box::new(Project {
            key_exprs: plan
                .columns
                .iter()
                .filter(|c| c.key)
                .map(|c| c.expr.clone())
                .collect(),
            value_exprs: plan
                .columns
                .iter()
                .filter(|c| !c.key)
                .map(|c| (c.name.clone(), c.expr.clone()))
                .collect(),
        }));
        Pipeline::with_operators(source, operators, log, reset)
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
        let decoder = SourceDecoder {
            kind: source.kind,
            key_format: source.key_format.clone(),
            value_format: source.value_format.clone(),
            key_columns: source.key_columns.clone(),
            value_columns: source.value_columns.clone(),
            timestamp,
            window: source.window_key(),
        };
        let topic = log
            .topic(&source.topic)
            .map_err(|e| SqlError::execution(e.to_string()))?;
        let mut positions = BTreeMap::new();
        for partition in topic.partitions() {
            let start = match reset {
                OffsetReset::Earliest => partition.log_start_offset(),
                OffsetReset::Latest => partition.log_end_offset(),
            };
            positions.insert(partition.id(), start);
        }
        Ok(Pipeline {
            source_topic: source.topic.clone(),
            decoder,
            operators,
            positions,
            n_records_read: 0,
            side: None,
        })
    }

    /// Does the source topic hold records this query has not read yet?
    pub fn has_input(&self, log: &Log) -> bool {
        self.positions.iter().any(|(partition, position)| {
            log.log_end_offset(&self.source_topic, *partition)
                .is_ok_and(|end| end > *position)
        }) || self.side.as_ref().is_some_and(|side| side.has_input(log))
    }

    /// Reads the next batch of records (in timestamp order across partitions), runs them
    /// through the operators and returns the output rows.
    pub fn poll(&mut self, log: &Log, processing_log: &mut ProcessingLog) -> Vec<Row> {
        let mut records: Vec<Record> = Vec::new();
        let partitions: Vec<(u32, u64)> = self.positions.iter().map(|(p, o)| (*p, *o)).collect();
        for (partition, position) in partitions {
            let (Ok(start), Ok(end)) = (
                log.log_start_offset(&self.source_topic, partition),
                log.log_end_offset(&self.source_topic, partition),
            ) else {
                continue;
            };
            // Retention may have deleted what we had not read yet: skip ahead, as Kafka does.
            let from = position.max(start);
            if from >= end {
                self.positions.insert(partition, from);
                continue;
            }
            if let Ok(batch) = log.fetch(&self.source_topic, partition, from, FETCH_BATCH) {
                let next = batch.last().map_or(from, |r| r.offset.saturating_add(1));
                self.positions.insert(partition, next);
                records.extend(batch);
            }
        }
        let records = merge_partitions(records);
        self.n_records_read = self.n_records_read.saturating_add(records.len() as u64);
        if let Some(side) = self.side.as_mut() {
            let mut output = Vec::new();
            let side_records = side.fetch(log);
            for (from_side, record) in super::join_query::interleave(records, side_records) {
                let row = if from_side {
                    side.decoder.decode(&record, processing_log)
                } else {
                    self.decoder.decode(&record, processing_log)
                };
                if let Some(row) = row {
                    run_chain_from(
                        &mut self.operators,
                        from_side,
                        row,
                        &mut output,
                        processing_log,
                    );
                }
            }
            return output;
        }
        // The whole batch goes through one operator at a time: two buffers, no allocation per row.
        let mut current: Vec<Row> = records
            .iter()
            .filter_map(|record| self.decoder.decode(record, processing_log))
            .collect();
        let mut next = Vec::with_capacity(current.len());
        for operator in self.operators.iter_mut() {
            for row in current.drain(..) {
                operator.process(row, &mut next, processing_log);
            }
            std::mem::swap(&mut current, &mut next);
        }
        current
    }
}

/// Orders a batch as Kafka Streams picks records: each partition in offset order (so that
/// out-of-order timestamps within a partition stay out of order, and windows see them late),
/// and across partitions the one whose next record has the smallest timestamp first.
fn merge_partitions(records: Vec<Record>) -> Vec<Record> {
    let mut by_partition: BTreeMap<u32, std::collections::VecDeque<Record>> = BTreeMap::new();
    for record in records {
        by_partition
            .entry(record.partition)
            .or_default()
            .push_back(record);
    }
    if by_partition.len() <= 1 {
        return by_partition.into_values().flatten().collect();
    }
    let mut merged = Vec::new();
    loop {
        let next = by_partition
            .iter()
            .filter_map(|(partition, queue)| queue.front().map(|r| (r.timestamp, *partition)))
            .min();
        let Some((_, partition)) = next else { break };
        match by_partition
            .get_mut(&partition)
            .and_then(|queue| queue.pop_front())
        {
            Some(record) => merged.push(record),
            None => break,
        }
    }
    merged
}

/// Runs one row through the chain; the first operator takes it as its side input when
/// `from_side` (a join's other input).
fn run_chain_from(
    operators: &mut [Box<dyn Operator>],
    from_side: bool,
    row: Row,
    output: &mut Vec<Row>,
    processing_log: &mut ProcessingLog,
) {
    let Some((first, rest)) = operators.split_first_mut() else {
        output.push(row);
        return;
    };
    let mut current = Vec::new();
    if from_side {
        first.process_side(row, &mut current, processing_log);
    } else {
        first.process(row, &mut current, processing_log);
    }
    for operator in rest.iter_mut() {
        let mut next = Vec::with_capacity(current.len());
        for row in current.drain(..) {
            operator.process(row, &mut next, processing_log);
        }
        current = next;
    }
    output.extend(current);
}
