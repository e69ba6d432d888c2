//! The simulated Kafka commit log: topics of partitions of records, with Kafka's semantics for
//! offsets, partitioning, retention, compaction and consumer groups.
//!
//! **Invariant:** offsets per partition start at 0, grow by one per append and are never reused.
//! **Invariant:** no method panics on bad input; it returns a [`LogError`].

mod error;
mod partition;
pub mod partitioner;
mod record;
mod topic;

pub use error::LogError;
pub use partition::{Partition, Segment};
pub use record::{Bytes, Header, ProducerRecord, Record, RecordMetadata};
pub use topic::{CleanupPolicy, Topic, TopicConfig, DAY_MS};

use crate::clock::Millis;
use std::collections::BTreeMap;

/// All topics of the simulated cluster, by name.
#[derive(Clone, Debug, Default)]
pub struct Log {
    topics: BTreeMap<String, Topic>,
}

impl Log {
    pub fn new() -> Self {
        Log::default()
    }

    pub fn create_topic(&mut self, name: &str, config: TopicConfig) -> Result<(), LogError> {
        if name.is_empty() {
            return Err(LogError::InvalidConfig { topic: String::new(), message: "topic name must not be empty".into() });
        }
        if self.topics.contains_key(name) {
            return Err(LogError::TopicExists { topic: name.to_string() });
        }
        let topic = Topic::new(name, config)?;
        self.topics.insert(name.to_string(), topic);
        Ok(())
    }

    pub fn delete_topic(&mut self, name: &str) -> Result<(), LogError> {
        self.topics.remove(name).map(|_| ()).ok_or_else(|| unknown_topic(name))
    }

    pub fn topic(&self, name: &str) -> Result<&Topic, LogError> {
        self.topics.get(name).ok_or_else(|| unknown_topic(name))
    }

    pub fn topic_mut(&mut self, name: &str) -> Result<&mut Topic, LogError> {
        self.topics.get_mut(name).ok_or_else(|| unknown_topic(name))
    }

    pub fn has_topic(&self, name: &str) -> bool {
        self.topics.contains_key(name)
    }

    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.values()
    }

    /// Appends to a topic; `now_ms` stamps records that carry no timestamp.
    pub fn append(&mut self, topic: &str, record: ProducerRecord, now_ms: Millis) -> Result<RecordMetadata, LogError> {
        self.topic_mut(topic)?.append(record, now_ms)
    }

    /// Up to `max` records of one partition from `offset` on.
    pub fn fetch(&self, topic: &str, partition: u32, offset: u64, max: usize) -> Result<Vec<Record>, LogError> {
        self.topic(topic)?.partition(partition)?.fetch(topic, offset, max)
    }

    pub fn log_start_offset(&self, topic: &str, partition: u32) -> Result<u64, LogError> {
        Ok(self.topic(topic)?.partition(partition)?.log_start_offset())
    }

    pub fn log_end_offset(&self, topic: &str, partition: u32) -> Result<u64, LogError> {
        Ok(self.topic(topic)?.partition(partition)?.log_end_offset())
    }
}

fn unknown_topic(name: &str) -> LogError {
    LogError::UnknownTopic { topic: name.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_dense_per_partition_and_keys_stick_to_partitions() {
        let mut log = Log::new();
        log.create_topic("accounts", TopicConfig::with_partitions(3)).unwrap();
        let first = log.append("accounts", ProducerRecord::keyed("12345", "50"), 0).unwrap();
        let second = log.append("accounts", ProducerRecord::keyed("12345", "25"), 1).unwrap();
        assert_eq!(first.partition, second.partition);
        assert_eq!((first.offset, second.offset), (0, 1));
        let records = log.fetch("accounts", first.partition, 0, 10).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].value.as_deref(), Some(&b"25"[..]));
        assert_eq!(log.log_end_offset("accounts", first.partition).unwrap(), 2);
    }

    #[test]
    fn bad_requests_are_typed_errors() {
        let mut log = Log::new();
        assert!(matches!(log.create_topic("t", TopicConfig::with_partitions(0)), Err(LogError::InvalidConfig { .. })));
        assert!(matches!(log.fetch("nope", 0, 0, 1), Err(LogError::UnknownTopic { .. })));
        log.create_topic("t", TopicConfig::default()).unwrap();
        assert!(matches!(log.fetch("t", 7, 0, 1), Err(LogError::UnknownPartition { .. })));
        assert!(matches!(log.fetch("t", 0, 5, 1), Err(LogError::OffsetOutOfRange { .. })));
    }
}
