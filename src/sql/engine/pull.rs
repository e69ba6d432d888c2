//! Pull queries: `SELECT ... FROM table [WHERE ...] [LIMIT n]` without `EMIT CHANGES` looks up
//! the table's current rows once and ends, like a query on a database.
//!
//! A table is the fold of its changelog topic: the latest value per key, a tombstone deleting
//! the key. ksqlDB answers pull queries from a state store it keeps up to date; streamlab folds
//! the topic when asked, which gives the same answer for a topic that is not compacted away.

use super::pipeline::{OffsetReset, Pipeline};
use super::{Engine, SourceInfo, StatementResult};
use crate::log::{Log, Record};
use crate::sql::ast::Query;
use crate::sql::error::SqlError;
use crate::sql::format::display_value;
use crate::sql::operators::Row;
use crate::sql::plan::SelectPlan;
use std::collections::BTreeMap;

impl Engine {
    pub(super) fn pull_query(
        &mut self,
        log: &Log,
        query: &Query,
        source: &SourceInfo,
        plan: &SelectPlan,
    ) -> Result<StatementResult, SqlError> {
        let mut pipeline = Pipeline::new(source, plan, log, OffsetReset::Earliest)?;
        let topic = log
            .topic(&source.topic)
            .map_err(|e| SqlError::execution(e.to_string()))?;
        // The latest row per key, remembering when each key was first seen to keep a stable order.
        let mut latest: BTreeMap<Vec<u8>, (usize, Row)> = BTreeMap::new();
        for partition in topic.partitions() {
            let start = partition.log_start_offset();
            let n = usize::try_from(partition.log_end_offset().saturating_sub(start))
                .unwrap_or(usize::MAX);
            let records: Vec<Record> = partition.fetch(&source.topic, start, n).unwrap_or_default();
            for record in &records {
                let Some(key) = record.key.as_deref() else {
                    continue;
                };
                let Some(row) = pipeline.decoder.decode(record, &mut self.processing_log) else {
                    continue;
                };
                if row.tombstone {
                    latest.remove(key);
                } else {
                    let order = latest.get(key).map_or(latest.len(), |(order, _)| *order);
                    latest.insert(key.to_vec(), (order, row));
                }
            }
        }
        let mut current: Vec<(usize, Row)> = latest.into_values().collect();
        current.sort_by_key(|(order, _)| *order);
        let mut rows: Vec<Row> = current.into_iter().map(|(_, row)| row).collect();
        let mut next = Vec::with_capacity(rows.len());
        for operator in pipeline.operators.iter_mut() {
            for row in rows.drain(..) {
                operator.process(row, &mut next, &mut self.processing_log);
            }
            std::mem::swap(&mut rows, &mut next);
        }
        let n_columns = plan.columns.len();
        let limit = query
            .limit
            .and_then(|l| usize::try_from(l).ok())
            .unwrap_or(usize::MAX);
        let rows = rows
            .iter()
            .filter(|row| !row.tombstone)
            .take(limit)
            .map(|row| row.value(n_columns).iter().map(display_value).collect())
            .collect();
        Ok(StatementResult::Rows {
            columns: plan.column_names(),
            rows,
        })
    }
}
