//! Running queries. A persistent query (`CREATE ... AS SELECT`, `INSERT INTO ... SELECT`) reads
//! its source topic and writes its sink topic until terminated. A transient push query
//! (`SELECT ... EMIT CHANGES`) hands its rows to a subscriber instead.

use super::pipeline::Pipeline;
use super::shared_decode::DecodeGroup;
use crate::clock::Millis;
use crate::log::Log;
use crate::sql::error::SqlError;
use crate::sql::format::display_value;
use crate::sql::operators::sink::Sink;
use crate::sql::operators::ProcessingLog;
use crate::sql::value::Value;

#[derive(Debug)]
pub struct PersistentQuery {
    /// `CSAS_<SINK>_<n>`, `CTAS_<SINK>_<n>` or `INSERTQUERY_<n>`, as ksqlDB names them.
    pub id: String,
    pub sql: String,
    pub source: String,
    pub sink: String,
    pub pipeline: Pipeline,
    pub sink_writer: Sink,
    pub n_records_written: u64,
}

impl PersistentQuery {
    /// Whether the query reads `topic` (its source, or a join's other input).
    pub fn reads(&self, topic: &str) -> bool {
        self.pipeline.source_topic == topic
            || self.pipeline.side.as_ref().is_some_and(|side| side.topic == topic)
    }

    /// Processes one batch (decoding through `share`, the query's group in
    /// [`super::shared_decode::SharedDecodes`], when given); returns whether there was anything
    /// to read. Its key passing (`Pipeline::pass_keys_to`) is set when the groups are computed.
    pub fn step(
        &mut self,
        log: &mut Log,
        now_ms: Millis,
        processing_log: &mut ProcessingLog,
        share: Option<&mut DecodeGroup>,
    ) -> Result<bool, SqlError> {
        let Some(mut rows) = self.pipeline.poll_shared(log, processing_log, share) else {
            return Ok(false);
        };
        if rows.is_empty() {
            self.pipeline.recycle_rows(rows);
            return Ok(true);
        }
        let mut passed_keys = self.pipeline.passed_keys.drain(..);
        // The sink topic is looked up once per batch, not per row.
        let write_error = |e: &dyn std::fmt::Display| {
            SqlError::execution(format!(
                "Query {} could not write to {}: {e}",
                self.id, self.sink_writer.topic
            ))
        };
        let topic = log
            .topic_mut(&self.sink_writer.topic)
            .map_err(|e| write_error(&e))?;
        for row in rows.drain(..) {
            match self.sink_writer.encode_with_key(&row, passed_keys.next().flatten()) {
                Ok(record) => {
                    topic.append(record, now_ms).map_err(|e| write_error(&e))?;
                    self.n_records_written = self.n_records_written.saturating_add(1);
                }
                Err(error) => processing_log.record(format!(
                    "Query {} could not serialize a row: {error}",
                    self.id
                )),
            }
            self.pipeline.pool.put(row.values);
        }
        drop(passed_keys);
        self.pipeline.recycle_rows(rows);
        Ok(true)
    }
}

#[derive(Debug)]
pub struct PushQuery {
    pub id: String,
    pub sql: String,
    pub source: String,
    pub columns: Vec<String>,
    pub pipeline: Pipeline,
    pub limit: Option<u64>,
    pub n_rows_emitted: u64,
    /// Rows not yet taken by the subscriber.
    pub pending: Vec<Vec<Value>>,
}

impl PushQuery {
    pub fn is_done(&self) -> bool {
        self.limit.is_some_and(|limit| self.n_rows_emitted >= limit)
    }

    pub fn step(&mut self, log: &Log, processing_log: &mut ProcessingLog) -> bool {
        if self.is_done() {
            return false;
        }
        let Some(rows) = self.pipeline.poll(log, processing_log) else {
            return false;
        };
        let n_columns = self.columns.len();
        for row in rows {
            if self.is_done() {
                break;
            }
            // A table's deletions are changelog bookkeeping: the subscriber sees rows only.
            if row.tombstone {
                continue;
            }
            self.pending.push(row.value(n_columns).to_vec());
            self.n_rows_emitted = self.n_rows_emitted.saturating_add(1);
            self.pipeline.pool.put(row.values);
        }
        true
    }

    /// Takes the rows emitted since the last call, as text.
    pub fn take_rows(&mut self) -> Vec<Vec<String>> {
        std::mem::take(&mut self.pending)
            .iter()
            .map(|row| row.iter().map(display_value).collect())
            .collect()
    }
}
