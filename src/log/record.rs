//! Records as Kafka stores them: key, value, timestamp, headers, partition, offset.

use crate::clock::Millis;
use std::sync::Arc;

/// Immutable bytes shared between the log and its readers, so a fetch copies no payloads.
pub type Bytes = Arc<[u8]>;

/// A record header: a string key and a nullable byte value, as in Kafka.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub key: String,
    pub value: Option<Bytes>,
}

/// What a producer sends. `partition` wins over the key when set; `timestamp` defaults to the
/// virtual clock's now (Kafka's CreateTime set by the producer).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerRecord {
    pub partition: Option<u32>,
    pub key: Option<Bytes>,
    /// `None` is a tombstone.
    pub value: Option<Bytes>,
    pub timestamp: Option<Millis>,
    pub headers: Vec<Header>,
}

impl ProducerRecord {
    /// A keyed record with a value, the common case in tests and producers.
    pub fn keyed(key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        ProducerRecord {
            key: Some(Arc::from(key.as_ref())),
            value: Some(Arc::from(value.as_ref())),
            ..ProducerRecord::default()
        }
    }
}

/// A record stored in a partition. Offsets start at 0 per partition, grow by one per append, and
/// are never reused (compaction leaves gaps).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub partition: u32,
    pub offset: u64,
    pub timestamp: Millis,
    pub key: Option<Bytes>,
    /// `None` is a tombstone: on a compacted topic it deletes the key.
    pub value: Option<Bytes>,
    pub headers: Vec<Header>,
}

impl Record {
    /// Bytes this record occupies for `retention.bytes` and `segment.bytes` accounting,
    /// approximating Kafka's record batch overhead with a fixed 70 bytes.
    pub fn size_in_bytes(&self) -> u64 {
        let key = self.key.as_ref().map_or(0, |k| k.len());
        let value = self.value.as_ref().map_or(0, |v| v.len());
        let headers: usize = self
            .headers
            .iter()
            .map(|h| h.key.len() + h.value.as_ref().map_or(0, |v| v.len()))
            .sum();
        (70 + key + value + headers) as u64
    }
}

/// Where an append landed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordMetadata {
    pub partition: u32,
    pub offset: u64,
    pub timestamp: Millis,
}
