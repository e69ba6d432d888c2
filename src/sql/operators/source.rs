//! Reads Kafka records as rows: the key with the key format, the value with the value format,
//! and the pseudo-columns from the record itself.
//!
//! A record that cannot be read is skipped and logged, as ksqlDB does. A table drops records
//! with a null key (a table row needs a key); a null value is a tombstone.

use super::sink::WindowKeyKind;
use super::{ProcessingLog, Row};
use crate::clock::Millis;
use crate::log::Record;
use crate::sql::ast::SourceKind;
use crate::sql::format::{self, Field, FormatSpec};
use crate::sql::functions;
use crate::sql::types::SqlType;
use crate::sql::value::{clear_values, truncate_values, Value};

/// Where a stream's event time comes from when `WITH (TIMESTAMP='column')` is given.
#[derive(Clone, Debug, PartialEq)]
pub struct TimestampColumn {
    /// Position in the row layout.
    pub idx: usize,
    /// `TIMESTAMP_FORMAT` for STRING columns (a Java `DateTimeFormatter` pattern).
    pub format: Option<String>,
}

#[derive(Clone, Debug)]
pub struct SourceDecoder {
    pub kind: SourceKind,
    pub key_format: FormatSpec,
    pub value_format: FormatSpec,
    pub key_columns: Vec<Field>,
    /// Private: `value_shared_names` is derived from it at construction.
    value_columns: Vec<Field>,
    pub timestamp: Option<TimestampColumn>,
    /// A windowed topic: how keys carry the window, and the time-window size.
    pub window: Option<(WindowKeyKind, Millis)>,
    /// [`format::shared_names`] of `value_columns`, computed once.
    value_shared_names: u64,
}

impl SourceDecoder {
    /// A decoder of a topic's records into rows of `key_columns`, `value_columns` and the
    /// pseudo-columns: event time from the record, keys not windowed (set `timestamp` and
    /// `window` for others).
    pub fn new(
        kind: SourceKind,
        key_format: FormatSpec,
        value_format: FormatSpec,
        key_columns: Vec<Field>,
        value_columns: Vec<Field>,
    ) -> SourceDecoder {
        let value_shared_names = format::shared_names(&value_columns);
        SourceDecoder {
            kind,
            key_format,
            value_format,
            key_columns,
            value_columns,
            timestamp: None,
            window: None,
            value_shared_names,
        }
    }

    pub fn value_columns(&self) -> &[Field] {
        &self.value_columns
    }

    pub fn decode(&self, record: &Record, log: &mut ProcessingLog) -> Option<Row> {
        self.decode_needed(record, log, u64::MAX)
    }

    /// [`SourceDecoder::decode`] for a reader that uses only the value columns whose bit is set
    /// in `needed` (bit `i` for `value_columns[i]`): the others may be NULL in the row (see
    /// [`format::deserialize_needed_into`]). The TIMESTAMP column is always read.
    pub fn decode_needed(&self, record: &Record, log: &mut ProcessingLog, needed: u64) -> Option<Row> {
        self.decode_in(record, log, needed, Vec::with_capacity(self.row_capacity()), false)
    }

    /// How many values a decoded row holds at most (keys, values, pseudo-columns, window).
    pub fn row_capacity(&self) -> usize {
        self.key_columns.len() + self.value_columns.len() + 5
    }

    /// [`SourceDecoder::decode_needed`] into `values`, an empty buffer (from a
    /// [`super::RowPool`]) that becomes the row's. With `pass_key` (a reader that writes the
    /// key's bytes as they are and reads nothing of it, when [`SourceDecoder::may_pass_key`]) a
    /// key in valid UTF-8 ([`passes_key`]) is left NULL instead of copied.
    pub fn decode_in(
        &self,
        record: &Record,
        log: &mut ProcessingLog,
        needed: u64,
        mut values: Vec<Value>,
        pass_key: bool,
    ) -> Option<Row> {
        let n_keys = self.key_columns.len();
        let n_values = self.value_columns.len();
        clear_values(&mut values);
        let (key_bytes, window) = match (self.window, record.key.as_deref()) {
            (Some((kind, size)), Some(bytes)) => match kind.split(bytes, size) {
                Some((inner, window)) => (Some(inner), Some(window)),
                None => {
                    log.record(format!(
                        "Failed to deserialize windowed key at {}-{}: too short",
                        record.partition, record.offset
                    ));
                    return None;
                }
            },
            (_, key) => (key, None),
        };
        if pass_key && key_bytes.is_some_and(passes_key) {
            values.push(Value::Null);
        } else if n_keys > 0 {
            match format::deserialize_into(
                &self.key_format,
                &self.key_columns,
                key_bytes,
                &mut values,
            ) {
                Ok(true) => {}
                Ok(false) => values.extend(std::iter::repeat_n(Value::Null, n_keys)),
                Err(error) => {
                    log.record(format!(
                        "Failed to deserialize key at {}-{}: {error}",
                        record.partition, record.offset
                    ));
                    return None;
                }
            }
            if self.kind == SourceKind::Table && values.iter().any(Value::is_null) {
                log.record(format!(
                    "Dropped a table record with a null key at {}-{}",
                    record.partition, record.offset
                ));
                return None;
            }
        }
        truncate_values(&mut values, n_keys);
        values.resize_with(n_keys, Value::default);
        let tombstone = match format::deserialize_needed_into(
            &self.value_format,
            &self.value_columns,
            self.value_shared_names,
            record.value.as_deref(),
            &mut values,
            self.kept_values(needed),
        ) {
            Ok(true) => false,
            Ok(false) => true,
            Err(error) => {
                log.record(format!(
                    "Failed to deserialize value at {}-{}: {error}",
                    record.partition, record.offset
                ));
                return None;
            }
        };
        values.resize_with(n_keys + n_values, Value::default);
        let mut timestamp = record.timestamp;
        if let (Some(column), false) = (&self.timestamp, tombstone) {
            match self.extract_timestamp(&values, column) {
                Some(extracted) => timestamp = extracted,
                None => {
                    log.record(format!(
                        "Dropped a record without a valid timestamp column at {}-{}",
                        record.partition, record.offset
                    ));
                    return None;
                }
            }
        }
        values.push(Value::BigInt(timestamp));
        values.push(Value::Int(
            i32::try_from(record.partition).unwrap_or(i32::MAX),
        ));
        values.push(Value::BigInt(
            i64::try_from(record.offset).unwrap_or(i64::MAX),
        ));
        if let Some((start, end)) = window {
            values.push(Value::BigInt(start));
            values.push(Value::BigInt(end));
        }
        Some(Row {
            values,
            n_keys,
            tombstone,
            timestamp,
            partition: record.partition,
            offset: record.offset,
            window,
        })
    }

    /// The value columns a reader needing `needed` gets (bit `i` for `value_columns[i]`): those,
    /// and the TIMESTAMP column, which is always read.
    pub fn kept_values(&self, needed: u64) -> u64 {
        let timestamp_bit = self
            .timestamp
            .as_ref()
            .and_then(|column| column.idx.checked_sub(self.key_columns.len()))
            .and_then(|idx| 1u64.checked_shl(u32::try_from(idx).ok()?))
            .unwrap_or(0);
        needed | timestamp_bit
    }

    /// Whether a reader that only moves the key to its output may leave it unread and write
    /// the record's key bytes instead (see [`passes_key`]): one KAFKA STRING key column, a
    /// stream (a table checks its keys), the event time not taken from the key.
    pub fn may_pass_key(&self) -> bool {
        self.kind == SourceKind::Stream
            && self.window.is_none()
            && self.key_format.kind == format::FormatKind::Kafka
            && matches!(self.key_columns.as_slice(), [key] if key.ty == SqlType::String)
            && self.timestamp.as_ref().is_none_or(|column| column.idx != 0)
    }

    fn extract_timestamp(&self, values: &[Value], column: &TimestampColumn) -> Option<i64> {
        match values.get(column.idx)? {
            Value::BigInt(ms) | Value::Timestamp(ms) => Some(*ms),
            Value::Int(ms) => Some(i64::from(*ms)),
            Value::String(text) => {
                let pattern = column
                    .format
                    .clone()
                    .unwrap_or_else(|| "yyyy-MM-dd'T'HH:mm:ss.SSS".to_string());
                match functions::call_scalar(
                    "STRINGTOTIMESTAMP",
                    &[Value::String(text.clone()), Value::String(pattern.into())],
                ) {
                    Ok(Value::BigInt(ms)) | Ok(Value::Timestamp(ms)) => Some(ms),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Whether a KAFKA STRING key's bytes read back as themselves: valid UTF-8 (the decoder
/// replaces anything else, as Java's `new String(bytes, UTF_8)`).
pub fn passes_key(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok()
}
