//! Writes rows to a topic: the key columns with the key format, the value columns with the
//! value format, the row's time as the record timestamp. A tombstone row writes a null value.

use super::Row;
use std::cell::RefCell;
use crate::log::{Bytes, ProducerRecord, RecentBytes};
use crate::sql::format::{self, Field, FormatError, FormatSpec};
use crate::sql::value::Value;

#[derive(Clone, Debug)]
pub struct Sink {
    pub topic: String,
    pub key_format: FormatSpec,
    pub value_format: FormatSpec,
    pub key_columns: Vec<Field>,
    pub value_columns: Vec<Field>,
    /// `WITH (TIMESTAMP='column')` on the sink: the position of that column among all columns.
    pub timestamp_idx: Option<usize>,
    /// A windowed table's key: the window is appended to the key bytes, as Kafka Streams does.
    pub window_key: Option<WindowKeyKind>,
    /// Short values written lately (see [`RecentValues`]).
    pub recent_values: RefCell<RecentValues>,
}

/// Values are shared up to this length: a count or a flag, not a row of text.
const MAX_SHARED_VALUE_BYTES: usize = 32;
/// Distinct short values remembered; past that the set starts again.
const MAX_RECENT_VALUES: usize = 256;

/// The short values a sink wrote lately, so that an equal one shares their bytes instead of
/// allocating its own: an aggregate's updates repeat a few values (`{"N":3}`) hundreds of
/// thousands of times in a fast-forwarded day, and each allocation costs time (in wasm above
/// all) and memory the log keeps.
#[derive(Clone, Debug)]
pub struct RecentValues(RecentBytes);

impl Default for RecentValues {
    fn default() -> Self {
        RecentValues(RecentBytes::new(MAX_RECENT_VALUES))
    }
}

impl RecentValues {
    /// `bytes` as a record's value, shared when short.
    pub fn shared(&mut self, bytes: &[u8]) -> Bytes {
        if bytes.len() > MAX_SHARED_VALUE_BYTES {
            return Bytes::from(bytes);
        }
        self.0.share_bytes(bytes)
    }
}

/// How Kafka Streams serialises a windowed key: a time window appends its start (8 bytes, big
/// endian); a session window appends its end, then its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowKeyKind {
    Time,
    Session,
}

impl WindowKeyKind {
    pub fn append(self, key: &mut Vec<u8>, start: i64, end: i64) {
        match self {
            WindowKeyKind::Time => key.extend_from_slice(&start.to_be_bytes()),
            WindowKeyKind::Session => {
                key.extend_from_slice(&end.to_be_bytes());
                key.extend_from_slice(&start.to_be_bytes());
            }
        }
    }

    /// The key bytes `key` followed by the window, as [`WindowKeyKind::append`] writes them,
    /// in one shared allocation: laid out in a buffer kept between calls, then copied at once
    /// (collecting the bytes into the `Arc` went byte by byte).
    pub fn shared(self, key: &[u8], start: i64, end: i64) -> Bytes {
        thread_local! {
            static KEY_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        format::with_kept_buffer(&KEY_BUFFER, |out| {
            out.clear();
            out.extend_from_slice(key);
            self.append(out, start, end);
            Bytes::from(&out[..])
        })
    }

    /// Splits windowed key bytes into the inner key and the window (start, end); a time
    /// window's end is `start + size`.
    pub fn split(self, bytes: &[u8], size: i64) -> Option<(&[u8], (i64, i64))> {
        let read = |b: &[u8]| -> Option<i64> { Some(i64::from_be_bytes(b.try_into().ok()?)) };
        match self {
            WindowKeyKind::Time => {
                let cut = bytes.len().checked_sub(8)?;
                let start = read(bytes.get(cut..)?)?;
                Some((bytes.get(..cut)?, (start, start.saturating_add(size))))
            }
            WindowKeyKind::Session => {
                let cut = bytes.len().checked_sub(16)?;
                let end = read(bytes.get(cut..cut + 8)?)?;
                let start = read(bytes.get(cut + 8..)?)?;
                Some((bytes.get(..cut)?, (start, end)))
            }
        }
    }
}

impl Sink {
    pub fn encode(&self, row: &Row) -> Result<ProducerRecord, FormatError> {
        self.encode_with_key(row, None)
    }

    /// [`Sink::encode`] writing `key` as the record's key when given: the input record's key
    /// bytes, when they are what encoding the row's key would write (see
    /// `Pipeline::pass_keys_to`).
    pub fn encode_with_key(&self, row: &Row, key: Option<Bytes>) -> Result<ProducerRecord, FormatError> {
        let key = match (self.window_key, row.window) {
            _ if key.is_some() => key,
            _ if self.key_columns.is_empty() => None,
            (Some(kind), Some((start, end))) => {
                format::with_serialized(&self.key_format, &self.key_columns, row.key(), |bytes| kind.shared(bytes, start, end))?
            }
            _ => format::serialize_shared(&self.key_format, &self.key_columns, row.key())?,
        };
        let value = if row.tombstone {
            None
        } else {
            let mut recent = self.recent_values.try_borrow_mut().ok();
            format::with_serialized(&self.value_format, &self.value_columns, row.value(self.value_columns.len()), |bytes| {
                match recent.as_deref_mut() {
                    Some(recent) => recent.shared(bytes),
                    None => Bytes::from(bytes),
                }
            })?
        };
        let timestamp = match self.timestamp_idx.and_then(|idx| row.values.get(idx)) {
            Some(Value::BigInt(ms) | Value::Timestamp(ms)) => *ms,
            _ => row.timestamp,
        };
        Ok(ProducerRecord {
            partition: None,
            key,
            value,
            timestamp: Some(timestamp),
            headers: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{RecentValues, WindowKeyKind, MAX_SHARED_VALUE_BYTES};
    use std::sync::Arc;

    /// Equal short values share one allocation; long ones are not remembered.
    #[test]
    fn equal_short_values_share_their_bytes() {
        let mut recent = RecentValues::default();
        let first = recent.shared(br#"{"N":3}"#);
        assert!(Arc::ptr_eq(&first, &recent.shared(br#"{"N":3}"#)));
        assert!(!Arc::ptr_eq(&first, &recent.shared(br#"{"N":4}"#)));
        let long = vec![b'x'; MAX_SHARED_VALUE_BYTES + 1];
        let (a, b) = (recent.shared(&long), recent.shared(&long));
        assert_eq!(a, b);
        assert!(!Arc::ptr_eq(&a, &b), "long values are not remembered");
    }

    /// The shared windowed key is the key bytes with the window appended, and reads back.
    #[test]
    fn a_shared_windowed_key_is_the_appended_one() {
        for kind in [WindowKeyKind::Time, WindowKeyKind::Session] {
            let mut appended = b"user-7".to_vec();
            kind.append(&mut appended, 60_000, 120_000);
            let shared = kind.shared(b"user-7", 60_000, 120_000);
            assert_eq!(&shared[..], &appended[..]);
            assert_eq!(kind.split(&shared, 60_000), Some((&b"user-7"[..], (60_000, 120_000))));
        }
    }
}
