//! Streaming operators, one per file. A persistent or push query is a chain: a [`source`]
//! decodes Kafka records into rows, [`filter`] and [`project`] transform them, a [`sink`]
//! encodes them back into records (or a push query hands them to its subscriber).
//!
//! Changes travel with the row: `tombstone` marks a deletion of the key (a null value), which
//! is what a table's changelog carries. Stateful operators (aggregations, windows, joins) will
//! implement the same [`Operator`] trait and keep their state inside.

pub mod aggregate;
pub mod filter;
pub mod join_row;
pub mod project;
pub mod sink;
pub mod source;
pub mod state;
pub mod stream_stream_join;
pub mod stream_table_join;
pub mod table_source;
pub mod table_table_join;

use crate::clock::Millis;
use crate::sql::value::Value;

/// One row flowing between operators, laid out as its schema: key columns, value columns, then
/// ROWTIME, ROWPARTITION, ROWOFFSET.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub values: Vec<Value>,
    pub n_keys: usize,
    /// A null value: for a table, the deletion of the key.
    pub tombstone: bool,
    pub timestamp: Millis,
    pub partition: u32,
    pub offset: u64,
    /// The window (start, end) of a windowed table's row: part of its key.
    pub window: Option<(Millis, Millis)>,
}

impl Row {
    pub fn key(&self) -> &[Value] {
        self.values.get(..self.n_keys).unwrap_or(&[])
    }

    /// The value columns (without the pseudo-columns), given how many there are.
    pub fn value(&self, n_values: usize) -> &[Value] {
        let end = self.n_keys.saturating_add(n_values).min(self.values.len());
        self.values.get(self.n_keys.min(end)..end).unwrap_or(&[])
    }

    /// A stream record from partition 0 with one key column: `columns` (key first) followed by
    /// the pseudo-columns ROWTIME, ROWPARTITION and ROWOFFSET, as the source lays rows out.
    #[cfg(test)]
    pub(crate) fn keyed_for_test(mut columns: Vec<Value>, timestamp: Millis, offset: u64) -> Row {
        columns.extend([Value::BigInt(timestamp), Value::Int(0), Value::BigInt(offset as i64)]);
        Row { values: columns, n_keys: 1, tombstone: false, timestamp, partition: 0, offset, window: None }
    }
}

/// Errors met while processing rows (bad records, failing expressions). As in ksqlDB's
/// processing log, they never stop a query: the record is skipped or the value becomes NULL.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProcessingLog {
    pub entries: Vec<String>,
    pub n_dropped: u64,
}

impl ProcessingLog {
    /// Keeps the most recent entries only, so that a bad stream cannot grow memory forever.
    const MAX_ENTRIES: usize = 100;

    pub fn record(&mut self, message: String) {
        if self.entries.len() >= Self::MAX_ENTRIES {
            self.entries.remove(0);
            self.n_dropped += 1;
        }
        self.entries.push(message);
    }
}

/// Row buffers handed back where rows end (a filter's dropped rows, the rows a sink has
/// written) for the decoder to fill again: a record then costs no allocation for its row.
#[derive(Debug, Default)]
pub struct RowPool {
    buffers: Vec<Vec<Value>>,
}

impl RowPool {
    /// More than a batch's rows in flight: the rest is freed.
    const MAX_BUFFERS: usize = 1024;

    /// Keeps `buffer` (emptied) for [`RowPool::take`].
    pub fn put(&mut self, mut buffer: Vec<Value>) {
        if self.buffers.len() < Self::MAX_BUFFERS && buffer.capacity() > 0 {
            crate::sql::value::clear_values(&mut buffer);
            self.buffers.push(buffer);
        }
    }

    /// An empty buffer for at least `capacity` values: a kept one when there is one.
    pub fn take(&mut self, capacity: usize) -> Vec<Value> {
        match self.buffers.pop() {
            Some(mut buffer) => {
                buffer.reserve(capacity);
                buffer
            }
            None => Vec::with_capacity(capacity),
        }
    }

    pub fn len(&self) -> usize {
        self.buffers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buffers.is_empty()
    }
}

/// A stateless or stateful step between source and sink.
pub trait Operator: std::fmt::Debug {
    /// Processes one row, pushing zero or more rows to `out`.
    fn process(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog);
    /// [`Operator::process`] handing the buffers of the rows it drops to `pool` (a filter does;
    /// by default nothing is handed back).
    fn process_pooled(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog, _pool: &mut RowPool) {
        self.process(row, out, log);
    }
    /// Processes a row from a join's other input (the table of a stream-table join). Operators
    /// with one input treat it as any row.
    fn process_side(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) {
        self.process(row, out, log);
    }
    /// One line for `EXPLAIN`.
    fn describe(&self) -> String;
    /// A windowed aggregation's stream time and dropped late records (the UI's windows view);
    /// `None` for every other operator.
    fn late_records(&self) -> Option<aggregate::LateRecords> {
        None
    }
}
