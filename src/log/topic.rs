//! A topic: its configuration and its partitions.

use super::error::LogError;
use super::partition::Partition;
use super::partitioner::partition_for_key;
use super::record::{ProducerRecord, RecordMetadata};
use crate::clock::Millis;

/// `cleanup.policy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CleanupPolicy {
    Delete,
    Compact,
}

/// Per-topic configuration. A topic created without overrides gets the sandbox broker's
/// defaults ([`BROKER_RETENTION_MS`], [`BROKER_SEGMENT_MS`]), Kafka's for everything else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicConfig {
    pub partitions: u32,
    pub cleanup_policy: CleanupPolicy,
    /// `retention.ms`; `None` is -1 (keep forever). Kafka's default is 7 days; the sandbox
    /// broker's is [`BROKER_RETENTION_MS`].
    pub retention_ms: Option<Millis>,
    /// `retention.bytes` per partition; `None` is -1 (no limit), Kafka's default.
    pub retention_bytes: Option<u64>,
    /// `segment.bytes`: a segment rolls when it would grow past this. Kafka's default is 1 GiB.
    pub segment_bytes: u64,
    /// `segment.ms`: a segment rolls when its first record is this old. Kafka's default is 7
    /// days; the sandbox broker's is [`BROKER_SEGMENT_MS`].
    pub segment_ms: Millis,
    /// `delete.retention.ms`: how long a tombstone survives compaction. Kafka's default is 1 day.
    pub delete_retention_ms: Millis,
}

pub const DAY_MS: Millis = 24 * 60 * 60 * 1000;
const MINUTE_MS: Millis = 60 * 1000;

/// The sandbox broker's `log.retention.ms`, the `retention.ms` of every topic created without
/// one. Kafka ships 7 days; a browser tab holds a two-hour talk at 100 events a second (about
/// 190 a second with the lessons' derived topics, ~150 bytes each in wasm) in 64 MB only if
/// the log keeps minutes, not days: 15 minutes. A topic that must keep more says so in its own
/// config (the race's batch topic, lessons with a nightly batch or a late reader).
pub const BROKER_RETENTION_MS: Millis = 15 * MINUTE_MS;
/// The sandbox broker's `log.roll.ms`, the `segment.ms` of every topic created without one
/// (Kafka ships 7 days). Retention deletes whole segments, so a partition holds at most
/// `retention.ms + segment.ms` of records: 20 minutes.
pub const BROKER_SEGMENT_MS: Millis = 5 * MINUTE_MS;

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig {
            partitions: 1,
            cleanup_policy: CleanupPolicy::Delete,
            retention_ms: Some(BROKER_RETENTION_MS),
            retention_bytes: None,
            segment_bytes: 1 << 30,
            segment_ms: BROKER_SEGMENT_MS,
            delete_retention_ms: DAY_MS,
        }
    }
}

impl TopicConfig {
    pub fn with_partitions(partitions: u32) -> Self {
        TopicConfig { partitions, ..TopicConfig::default() }
    }

    /// Rejects configurations Kafka would reject.
    pub fn validate(&self, topic: &str) -> Result<(), LogError> {
        let invalid = |message: &str| LogError::InvalidConfig { topic: topic.to_string(), message: message.to_string() };
        if self.partitions == 0 {
            return Err(invalid("partitions must be at least 1"));
        }
        if self.segment_bytes < 14 {
            return Err(invalid("segment.bytes must be at least 14"));
        }
        if self.segment_ms < 1 {
            return Err(invalid("segment.ms must be at least 1"));
        }
        if self.delete_retention_ms < 0 {
            return Err(invalid("delete.retention.ms must not be negative"));
        }
        if matches!(self.retention_ms, Some(ms) if ms < 0) {
            return Err(invalid("retention.ms must be -1 or at least 0"));
        }
        Ok(())
    }
}

/// A named topic with its partitions.
#[derive(Clone, Debug)]
pub struct Topic {
    name: String,
    config: TopicConfig,
    partitions: Vec<Partition>,
    /// Next partition for keyless records (round-robin, deterministic).
    next_keyless_partition: u32,
    /// See [`Topic::changes`].
    changes: u64,
}

impl Topic {
    pub fn new(name: &str, config: TopicConfig) -> Result<Self, LogError> {
        config.validate(name)?;
        let partitions = (0..config.partitions).map(Partition::new).collect();
        Ok(Topic { name: name.to_string(), config, partitions, next_keyless_partition: 0, changes: 0 })
    }

    /// How many times the log handed this topic out to be changed (`Log::topic_mut`: appends,
    /// new partitions, configs, truncation): while it stays the same, so do the topic's end
    /// offsets and partitions. The cluster skips the unchanged topics that way at every tick.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    pub(crate) fn touch(&mut self) {
        self.changes = self.changes.wrapping_add(1);
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn config(&self) -> &TopicConfig {
        &self.config
    }

    pub fn n_partitions(&self) -> u32 {
        self.config.partitions
    }

    pub fn partitions(&self) -> &[Partition] {
        &self.partitions
    }

    pub fn partition(&self, partition: u32) -> Result<&Partition, LogError> {
        self.partitions.get(partition as usize).ok_or_else(|| self.unknown_partition(partition))
    }

    pub(crate) fn partition_mut(&mut self, partition: u32) -> Result<&mut Partition, LogError> {
        // The error is built only when needed: every append comes through here.
        let (name, n_partitions) = (&self.name, self.config.partitions);
        self.partitions.get_mut(partition as usize).ok_or_else(|| LogError::UnknownPartition {
            topic: name.clone(),
            partition,
            n_partitions,
        })
    }

    pub(crate) fn partitions_mut(&mut self) -> &mut [Partition] {
        &mut self.partitions
    }

    /// Grows the topic to `n_partitions` (Kafka can add partitions, never remove them). Existing
    /// keys may now hash to a different partition: per-key order holds only within a partition.
    pub fn add_partitions(&mut self, n_partitions: u32) -> Result<(), LogError> {
        if n_partitions <= self.config.partitions {
            return Err(LogError::InvalidConfig {
                topic: self.name.clone(),
                message: format!(
                    "the number of partitions can only grow: it is {} and {} was asked",
                    self.config.partitions, n_partitions
                ),
            });
        }
        self.partitions.extend((self.config.partitions..n_partitions).map(Partition::new));
        self.config.partitions = n_partitions;
        Ok(())
    }

    /// Changes the topic's configuration, as `kafka-configs --alter --entity-type topics` does:
    /// retention, segments, cleanup policy. The next maintenance pass applies it. The partition
    /// count is not a config: it changes only through [`Topic::add_partitions`].
    pub fn alter_config(&mut self, config: TopicConfig) -> Result<(), LogError> {
        if config.partitions != self.config.partitions {
            return Err(LogError::InvalidConfig {
                topic: self.name.clone(),
                message: format!(
                    "the number of partitions ({}) is not a config: add partitions instead of asking for {}",
                    self.config.partitions, config.partitions
                ),
            });
        }
        config.validate(&self.name)?;
        self.config = config;
        Ok(())
    }

    /// Raises `retention.ms` to `ms` when the topic keeps less, as an operator does before a job
    /// that reads that far back: never lowers it, and leaves a compacted topic (which retention
    /// does not delete from) alone.
    pub fn keep_at_least(&mut self, ms: Millis) -> Result<(), LogError> {
        let keeps_less = self.config.cleanup_policy == CleanupPolicy::Delete
            && self.config.retention_ms.is_some_and(|kept| kept < ms);
        if keeps_less {
            self.alter_config(TopicConfig { retention_ms: Some(ms), ..self.config.clone() })?;
        }
        Ok(())
    }

    fn unknown_partition(&self, partition: u32) -> LogError {
        LogError::UnknownPartition { topic: self.name.clone(), partition, n_partitions: self.config.partitions }
    }

    /// Chooses the partition as Kafka's producer does: explicit partition, else key hash, else
    /// round-robin.
    pub fn choose_partition(&mut self, record: &ProducerRecord) -> Result<u32, LogError> {
        if let Some(partition) = record.partition {
            self.partition(partition)?;
            return Ok(partition);
        }
        if let Some(key) = &record.key {
            return Ok(partition_for_key(key, self.config.partitions));
        }
        let partition = self.next_keyless_partition % self.config.partitions.max(1);
        self.next_keyless_partition = (partition + 1) % self.config.partitions.max(1);
        Ok(partition)
    }

    /// Appends a record, stamping it with `now_ms` when the producer gave no timestamp.
    /// A compacted topic rejects keyless records, as Kafka's broker does: compaction needs a key.
    pub fn append(&mut self, record: ProducerRecord, now_ms: Millis) -> Result<RecordMetadata, LogError> {
        if self.config.cleanup_policy == CleanupPolicy::Compact && record.key.is_none() {
            return Err(LogError::InvalidRecord {
                topic: self.name.clone(),
                message: "a compacted topic cannot accept a record without a key".to_string(),
            });
        }
        let partition = self.choose_partition(&record)?;
        let segment_bytes = self.config.segment_bytes;
        let segment_ms = self.config.segment_ms;
        self.partition_mut(partition)?.append(record, now_ms, segment_bytes, segment_ms)
    }
}
