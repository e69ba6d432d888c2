//! What the UI's views read from running queries, as plain data: where a persistent query is
//! in its source topic (its lag), and what a windowed aggregation knows about time (stream time
//! and the late records it dropped). Reading never changes a query.

use super::Engine;
use crate::log::Log;
pub use crate::sql::operators::aggregate::{LateRecord, LateRecords};
use std::collections::BTreeMap;

impl Engine {
    /// The next offset a persistent query will read, per partition of its source topic.
    pub fn query_positions(&self, query_id: &str) -> Option<BTreeMap<u32, u64>> {
        let query = self.queries.iter().find(|q| q.id == query_id)?;
        Some(query.pipeline.positions.to_map())
    }

    /// Records of its source topic a persistent query has not read yet.
    pub fn query_lag(&self, log: &Log, query_id: &str) -> Option<u64> {
        let query = self.queries.iter().find(|q| q.id == query_id)?;
        let topic = &query.pipeline.source_topic;
        Some(
            query
                .pipeline
                .positions
                .iter()
                .map(|(partition, position)| {
                    log.log_end_offset(topic, partition)
                        .map_or(0, |end| end.saturating_sub(position))
                })
                .sum(),
        )
    }

    /// The id of the persistent query writing `sink` (a `CREATE ... AS SELECT`), if one runs.
    pub fn query_writing(&self, sink: &str) -> Option<&str> {
        self.queries
            .iter()
            .find(|q| q.sink == sink && !q.id.starts_with("INSERTQUERY"))
            .or_else(|| self.queries.iter().find(|q| q.sink == sink))
            .map(|q| q.id.as_str())
    }

    /// A windowed aggregation's stream time and late records (`None` when the query has no
    /// windowed aggregation).
    pub fn late_records(&self, query_id: &str) -> Option<LateRecords> {
        let query = self.queries.iter().find(|q| q.id == query_id)?;
        query
            .pipeline
            .operators
            .iter()
            .find_map(|o| o.late_records())
    }
}
