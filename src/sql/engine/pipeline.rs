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
}

impl Pipeline {
    pub fn new(
        source: &SourceInfo,
        plan: &SelectPlan,
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
        };
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
        })
    }

    /// Does the source topic hold records this query has not read yet?
    pub fn has_input(&self, log: &Log) -> bool {
        self.positions.iter().any(|(partition, position)| {
            log.log_end_offset(&self.source_topic, *partition)
                .is_ok_and(|end| end > *position)
        })
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
        records.sort_by_key(|r| (r.timestamp, r.partition, r.offset));
        self.n_records_read = self.n_records_read.saturating_add(records.len() as u64);
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
