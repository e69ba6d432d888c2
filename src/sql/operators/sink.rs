//! Writes rows to a topic: the key columns with the key format, the value columns with the
//! value format, the row's time as the record timestamp. A tombstone row writes a null value.

use super::Row;
use crate::log::ProducerRecord;
use crate::sql::format::{self, Field, FormatError, FormatSpec};
use crate::sql::value::Value;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Sink {
    pub topic: String,
    pub key_format: FormatSpec,
    pub value_format: FormatSpec,
    pub key_columns: Vec<Field>,
    pub value_columns: Vec<Field>,
    /// `WITH (TIMESTAMP='column')` on the sink: the position of that column among all columns.
    pub timestamp_idx: Option<usize>,
}

impl Sink {
    pub fn encode(&self, row: &Row) -> Result<ProducerRecord, FormatError> {
        let key = if self.key_columns.is_empty() {
            None
        } else {
            format::serialize(&self.key_format, &self.key_columns, row.key())?
        };
        let value = if row.tombstone {
            None
        } else {
            format::serialize_shared(
                &self.value_format,
                &self.value_columns,
                row.value(self.value_columns.len()),
            )?
        };
        let timestamp = match self.timestamp_idx.and_then(|idx| row.values.get(idx)) {
            Some(Value::BigInt(ms) | Value::Timestamp(ms)) => *ms,
            _ => row.timestamp,
        };
        Ok(ProducerRecord {
            partition: None,
            key: key.map(Arc::from),
            value,
            timestamp: Some(timestamp),
            headers: Vec::new(),
        })
    }
}
