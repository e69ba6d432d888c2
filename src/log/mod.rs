//! The simulated Kafka commit log: topics of partitions of records, with Kafka's semantics for
//! offsets, partitioning, retention, compaction and consumer groups.
//!
//! **Invariant:** offsets per partition start at 0, grow by one per append and are never reused.
//! **Invariant:** no method panics on bad input; it returns a [`LogError`].

pub mod assignor;
pub mod compaction;
mod error;
pub mod group;
mod partition;
pub mod partitioner;
mod recent_bytes;
mod record;
pub mod retention;
mod topic;
mod topics;

pub use assignor::{Assignor, TopicPartition};
pub use error::LogError;
pub use group::{ConsumerGroup, ConsumerRecord, GroupConfig, GroupMember, OffsetReset};
pub use partition::{Partition, Segment};
pub use recent_bytes::RecentBytes;
pub use record::{Bytes, Header, ProducerRecord, Record, RecordMetadata};
pub use topic::{CleanupPolicy, Topic, TopicConfig, DAY_MS};
pub use topic::{BROKER_RETENTION_MS, BROKER_SEGMENT_MS};

use crate::clock::Millis;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use topics::Topics;

/// All topics of the simulated cluster, by name, and the consumer groups reading them (Kafka keeps
/// committed offsets in the cluster too, in `__consumer_offsets`).
#[derive(Debug)]
pub struct Log {
    topics: Topics,
    groups: BTreeMap<String, ConsumerGroup>,
    /// This log's identity and how many times its topics changed: see [`Log::version`].
    version: LogVersion,
    /// How many times a topic was created or deleted: see [`Log::topics_version`].
    topic_set_changes: u64,
}

/// Which log, and how many times its topics changed (an append, a topic created or deleted,
/// partitions added, records removed by retention or compaction). A reader that has read
/// everything of a log at one version has nothing new to read while the version stays the
/// same: the engine skips its idle queries that way. The identity is unique per `Log` value
/// (a clone gets its own), so a version never matches another log's. It is never shown and
/// never affects what the log holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogVersion {
    log_id: u64,
    changes: u64,
}

impl LogVersion {
    fn fresh() -> LogVersion {
        static NEXT_LOG_ID: AtomicU64 = AtomicU64::new(0);
        LogVersion { log_id: NEXT_LOG_ID.fetch_add(1, Ordering::Relaxed), changes: 0 }
    }
}

impl Default for Log {
    fn default() -> Self {
        Log { topics: Topics::default(), groups: BTreeMap::new(), version: LogVersion::fresh(), topic_set_changes: 0 }
    }
}

impl Clone for Log {
    fn clone(&self) -> Self {
        Log {
            topics: self.topics.clone(),
            groups: self.groups.clone(),
            version: LogVersion::fresh(),
            topic_set_changes: self.topic_set_changes,
        }
    }
}

/// What one maintenance pass (retention and compaction over every partition) did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MaintenanceReport {
    pub deleted_segments: usize,
    pub deleted_records: usize,
    pub compacted_partitions: usize,
    pub compacted_records: usize,
}

/// How far a group is behind on one partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionLag {
    pub topic: String,
    pub partition: u32,
    pub member: Option<String>,
    pub committed: Option<u64>,
    pub position: Option<u64>,
    pub log_start: u64,
    pub log_end: u64,
    /// Log end - committed; `None` before the group has committed anything (Kafka shows "-").
    pub lag: Option<u64>,
}

impl Log {
    pub fn new() -> Self {
        Log::default()
    }

    /// See [`LogVersion`].
    pub fn version(&self) -> LogVersion {
        self.version
    }

    fn changed(&mut self) {
        self.version.changes = self.version.changes.wrapping_add(1);
    }

    /// This log's identity (as in [`Log::version`]) and how many times a topic was created or
    /// deleted: appends, retention and new partitions do not count. While it stays the same, the
    /// log holds the same topics in the same order, so a reader keeping its own state per topic
    /// in name order (the cluster) pairs them by position, comparing no names; the number of
    /// partitions may still grow.
    pub fn topics_version(&self) -> LogVersion {
        LogVersion { log_id: self.version.log_id, changes: self.topic_set_changes }
    }

    fn topic_set_changed(&mut self) {
        self.changed();
        self.topic_set_changes = self.topic_set_changes.wrapping_add(1);
    }

    pub fn create_topic(&mut self, name: &str, config: TopicConfig) -> Result<(), LogError> {
        if name.is_empty() {
            return Err(LogError::InvalidConfig { topic: String::new(), message: "topic name must not be empty".into() });
        }
        if self.topics.contains_key(name) {
            return Err(LogError::TopicExists { topic: name.to_string() });
        }
        let topic = Topic::new(name, config)?;
        self.topics.insert(topic);
        self.topic_set_changed();
        Ok(())
    }

    pub fn delete_topic(&mut self, name: &str) -> Result<(), LogError> {
        self.topic_set_changed();
        self.topics.remove(name).map(|_| ()).ok_or_else(|| unknown_topic(name))
    }

    pub fn topic(&self, name: &str) -> Result<&Topic, LogError> {
        self.topics.get(name).ok_or_else(|| unknown_topic(name))
    }

    /// A topic to change: counts as a change of the log (see [`LogVersion`]).
    pub fn topic_mut(&mut self, name: &str) -> Result<&mut Topic, LogError> {
        self.changed();
        let topic = self.topics.get_mut(name).ok_or_else(|| unknown_topic(name))?;
        topic.touch();
        Ok(topic)
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

    /// Grows a topic to `n_partitions`; groups reading it rebalance on their next poll.
    pub fn add_partitions(&mut self, topic: &str, n_partitions: u32) -> Result<(), LogError> {
        self.topic_mut(topic)?.add_partitions(n_partitions)
    }

    /// Kafka's offsets-for-times: the earliest offset whose timestamp is at or after
    /// `timestamp_ms`; `None` when every record is older.
    pub fn offset_for_time(&self, topic: &str, partition: u32, timestamp_ms: Millis) -> Result<Option<u64>, LogError> {
        Ok(self.topic(topic)?.partition(partition)?.offset_for_time(timestamp_ms))
    }

    /// Runs retention (`cleanup.policy=delete`) and the log cleaner (`compact`) on every
    /// partition at virtual time `now_ms`. The world calls it as its clock advances.
    pub fn run_maintenance(&mut self, now_ms: Millis) -> MaintenanceReport {
        let mut report = MaintenanceReport::default();
        for topic in self.topics.values_mut() {
            let config = topic.config().clone();
            for partition in topic.partitions_mut() {
                match config.cleanup_policy {
                    CleanupPolicy::Delete => {
                        let outcome = retention::apply_retention(partition, &config, now_ms);
                        report.deleted_segments += outcome.deleted_segments;
                        report.deleted_records += outcome.deleted_records;
                    }
                    CleanupPolicy::Compact => {
                        if compaction::needs_cleaning(partition, now_ms) {
                            let outcome = compaction::compact(partition, &config, now_ms);
                            report.compacted_partitions += 1;
                            report.compacted_records += outcome.removed_records;
                        }
                    }
                }
            }
        }
        if report != MaintenanceReport::default() {
            self.changed();
        }
        report
    }

    /// Runs the log cleaner on a compacted topic now, whatever its dirty ratio (a teaching aid:
    /// Kafka's cleaner would get there on its own schedule).
    pub fn compact_now(&mut self, topic: &str, now_ms: Millis) -> Result<usize, LogError> {
        let topic = self.topic_mut(topic)?;
        if topic.config().cleanup_policy != CleanupPolicy::Compact {
            return Err(LogError::InvalidConfig {
                topic: topic.name().to_string(),
                message: "only a topic with cleanup.policy=compact can be compacted".to_string(),
            });
        }
        let config = topic.config().clone();
        let mut removed = 0;
        for partition in topic.partitions_mut() {
            removed += compaction::compact(partition, &config, now_ms).removed_records;
        }
        Ok(removed)
    }

    // ---- Consumer groups -------------------------------------------------------------------

    /// Adds `member_id` to `group` (created with `config` if new; an existing group keeps its
    /// config) subscribed to `topics`, and rebalances the group.
    pub fn join_group(&mut self, group: &str, member_id: &str, topics: &[&str], config: GroupConfig) -> Result<(), LogError> {
        if group.is_empty() || member_id.is_empty() {
            return Err(LogError::InvalidConfig { topic: String::new(), message: "group and member ids must not be empty".into() });
        }
        let Log { topics: all_topics, groups, .. } = self;
        groups.entry(group.to_string()).or_insert_with(|| ConsumerGroup::new(group, config)).join(member_id, topics, all_topics);
        Ok(())
    }

    /// Removes a member; the others rebalance. The group and its committed offsets remain.
    pub fn leave_group(&mut self, group: &str, member_id: &str) -> Result<(), LogError> {
        let Log { topics, groups, .. } = self;
        let consumer_group = groups.get_mut(group).ok_or_else(|| unknown_group(group))?;
        if consumer_group.leave(member_id, topics) {
            Ok(())
        } else {
            Err(LogError::UnknownMember { group: group.to_string(), member: member_id.to_string() })
        }
    }

    /// Forgets a group and its committed offsets.
    pub fn delete_group(&mut self, group: &str) -> Result<(), LogError> {
        self.groups.remove(group).map(|_| ()).ok_or_else(|| unknown_group(group))
    }

    pub fn group(&self, group: &str) -> Result<&ConsumerGroup, LogError> {
        self.groups.get(group).ok_or_else(|| unknown_group(group))
    }

    pub fn has_group(&self, group: &str) -> bool {
        self.groups.contains_key(group)
    }

    pub fn groups(&self) -> impl Iterator<Item = &ConsumerGroup> {
        self.groups.values()
    }

    /// Kafka's `poll`: up to `max` records from the member's assigned partitions.
    pub fn poll(&mut self, group: &str, member_id: &str, max: usize) -> Result<Vec<ConsumerRecord>, LogError> {
        let Log { topics, groups, .. } = self;
        groups.get_mut(group).ok_or_else(|| unknown_group(group))?.poll(member_id, max, topics)
    }

    /// Kafka's `commitSync()`: commits the member's positions (what it has polled so far).
    pub fn commit(&mut self, group: &str, member_id: &str) -> Result<(), LogError> {
        let consumer_group = self.groups.get_mut(group).ok_or_else(|| unknown_group(group))?;
        if consumer_group.member(member_id).is_none() {
            return Err(LogError::UnknownMember { group: group.to_string(), member: member_id.to_string() });
        }
        consumer_group.commit_positions(Some(member_id));
        Ok(())
    }

    /// Commits an explicit offset (the next offset to read) for one partition, as
    /// `commitSync(offsets)` or `kafka-consumer-groups --reset-offsets` do.
    pub fn commit_offset(&mut self, group: &str, topic: &str, partition: u32, offset: u64) -> Result<(), LogError> {
        self.check_offset(topic, partition, offset)?;
        let consumer_group = self.groups.get_mut(group).ok_or_else(|| unknown_group(group))?;
        consumer_group.commit_offset(TopicPartition::new(topic, partition), offset);
        Ok(())
    }

    /// Moves the group's fetch position on one partition (Kafka's `seek`); the next poll reads
    /// from there. Nothing is committed until the group commits.
    pub fn seek(&mut self, group: &str, topic: &str, partition: u32, offset: u64) -> Result<(), LogError> {
        self.check_offset(topic, partition, offset)?;
        let consumer_group = self.groups.get_mut(group).ok_or_else(|| unknown_group(group))?;
        consumer_group.seek(TopicPartition::new(topic, partition), offset);
        Ok(())
    }

    /// Seeks to the earliest offset with a timestamp at or after `timestamp_ms` (the log end when
    /// there is none, as a consumer using `offsetsForTimes` would). Returns the offset chosen.
    pub fn seek_to_timestamp(&mut self, group: &str, topic: &str, partition: u32, timestamp_ms: Millis) -> Result<u64, LogError> {
        let offset = match self.offset_for_time(topic, partition, timestamp_ms)? {
            Some(offset) => offset,
            None => self.log_end_offset(topic, partition)?,
        };
        self.seek(group, topic, partition, offset)?;
        Ok(offset)
    }

    /// Pauses every member of a group: polls return nothing (a sink gone offline).
    pub fn pause_group(&mut self, group: &str) -> Result<(), LogError> {
        self.groups.get_mut(group).ok_or_else(|| unknown_group(group))?.set_paused(true);
        Ok(())
    }

    pub fn resume_group(&mut self, group: &str) -> Result<(), LogError> {
        self.groups.get_mut(group).ok_or_else(|| unknown_group(group))?.set_paused(false);
        Ok(())
    }

    /// Lag of a group on every partition of the topics it subscribes to. Cost follows the number
    /// of partitions, not the number of records.
    pub fn group_lag(&self, group: &str) -> Result<Vec<PartitionLag>, LogError> {
        let consumer_group = self.group(group)?;
        let mut lags = Vec::new();
        for topic_name in consumer_group.subscribed_topics() {
            let Ok(topic) = self.topic(&topic_name) else { continue };
            for partition in topic.partitions() {
                let tp = TopicPartition::new(&topic_name, partition.id());
                let committed = consumer_group.committed(&tp);
                lags.push(PartitionLag {
                    member: consumer_group.owner(&tp).map(str::to_string),
                    committed,
                    position: consumer_group.position(&tp),
                    log_start: partition.log_start_offset(),
                    log_end: partition.log_end_offset(),
                    lag: committed.map(|c| partition.log_end_offset().saturating_sub(c)),
                    topic: topic_name.clone(),
                    partition: partition.id(),
                });
            }
        }
        Ok(lags)
    }

    fn check_offset(&self, topic: &str, partition: u32, offset: u64) -> Result<(), LogError> {
        let p = self.topic(topic)?.partition(partition)?;
        if offset < p.log_start_offset() || offset > p.log_end_offset() {
            return Err(LogError::OffsetOutOfRange {
                topic: topic.to_string(),
                partition,
                offset,
                log_start: p.log_start_offset(),
                log_end: p.log_end_offset(),
            });
        }
        Ok(())
    }
}

fn unknown_group(name: &str) -> LogError {
    LogError::UnknownGroup { group: name.to_string() }
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

    fn produce(log: &mut Log, topic: &str, n: u64, now_ms: Millis) {
        for i in 0..n {
            log.append(topic, ProducerRecord { partition: Some(0), ..ProducerRecord::keyed(format!("k{i}"), "v") }, now_ms).unwrap();
        }
    }

    #[test]
    fn group_polls_commits_and_reports_lag() {
        let mut log = Log::new();
        log.create_topic("t", TopicConfig::default()).unwrap();
        produce(&mut log, "t", 5, 0);
        let config = GroupConfig { enable_auto_commit: false, ..GroupConfig::earliest() };
        log.join_group("sink", "m1", &["t"], config).unwrap();
        let records = log.poll("sink", "m1", 3).unwrap();
        assert_eq!(records.iter().map(|r| r.record.offset).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(log.group_lag("sink").unwrap()[0].lag, None);
        log.commit("sink", "m1").unwrap();
        let lag = &log.group_lag("sink").unwrap()[0];
        assert_eq!((lag.committed, lag.lag), (Some(3), Some(2)));
        // Pausing stops the flow; lag grows; resuming drains it.
        log.pause_group("sink").unwrap();
        produce(&mut log, "t", 4, 1);
        assert!(log.poll("sink", "m1", 100).unwrap().is_empty());
        assert_eq!(log.group_lag("sink").unwrap()[0].lag, Some(6));
        log.resume_group("sink").unwrap();
        assert_eq!(log.poll("sink", "m1", 100).unwrap().len(), 6);
        log.commit("sink", "m1").unwrap();
        assert_eq!(log.group_lag("sink").unwrap()[0].lag, Some(0));
    }

    #[test]
    fn latest_reset_skips_history_and_a_join_splits_partitions() {
        let mut log = Log::new();
        log.create_topic("t", TopicConfig::with_partitions(2)).unwrap();
        produce(&mut log, "t", 3, 0);
        let config = GroupConfig { enable_auto_commit: false, ..GroupConfig::default() };
        log.join_group("g", "a", &["t"], config).unwrap();
        assert!(log.poll("g", "a", 10).unwrap().is_empty(), "latest starts at the log end");
        produce(&mut log, "t", 2, 1);
        assert_eq!(log.poll("g", "a", 10).unwrap().len(), 2);
        // A second member joins: range assignment splits the two partitions.
        log.join_group("g", "b", &["t"], config).unwrap();
        let group = log.group("g").unwrap();
        assert_eq!(group.member("a").unwrap().assignment, vec![TopicPartition::new("t", 0)]);
        assert_eq!(group.member("b").unwrap().assignment, vec![TopicPartition::new("t", 1)]);
        assert_eq!(group.generation(), 2);
    }

    #[test]
    fn retention_past_a_slow_group_resets_it_by_policy() {
        let mut log = Log::new();
        let config = TopicConfig { retention_ms: Some(1_000), segment_ms: 100, ..TopicConfig::default() };
        log.create_topic("t", config).unwrap();
        produce(&mut log, "t", 3, 0);
        log.join_group("slow", "m", &["t"], GroupConfig::earliest()).unwrap();
        assert_eq!(log.poll("slow", "m", 1).unwrap()[0].record.offset, 0);
        log.commit("slow", "m").unwrap();
        produce(&mut log, "t", 3, 500);
        produce(&mut log, "t", 1, 2_000);
        let report = log.run_maintenance(2_000);
        assert_eq!(report.deleted_records, 6);
        assert_eq!(log.log_start_offset("t", 0).unwrap(), 6);
        let records = log.poll("slow", "m", 10).unwrap();
        assert_eq!(records.iter().map(|r| r.record.offset).collect::<Vec<_>>(), [6]);
        assert_eq!(log.group("slow").unwrap().n_offset_resets(), 1);
    }

    #[test]
    fn offsets_for_times_finds_earliest_at_or_after() {
        let mut log = Log::new();
        log.create_topic("t", TopicConfig::default()).unwrap();
        for ts in [10, 30, 20, 40] {
            log.append("t", ProducerRecord { timestamp: Some(ts), ..ProducerRecord::keyed("k", "v") }, 50).unwrap();
        }
        assert_eq!(log.offset_for_time("t", 0, 15).unwrap(), Some(1));
        assert_eq!(log.offset_for_time("t", 0, 35).unwrap(), Some(3));
        assert_eq!(log.offset_for_time("t", 0, 41).unwrap(), None);
        log.join_group("g", "m", &["t"], GroupConfig::default()).unwrap();
        assert_eq!(log.seek_to_timestamp("g", "t", 0, 25).unwrap(), 1);
        assert_eq!(log.poll("g", "m", 1).unwrap()[0].record.offset, 1);
    }

    #[test]
    fn compacted_topics_reject_keyless_records() {
        let mut log = Log::new();
        let config = TopicConfig { cleanup_policy: CleanupPolicy::Compact, ..TopicConfig::default() };
        log.create_topic("users", config).unwrap();
        let keyless = ProducerRecord { value: Some(std::sync::Arc::from(&b"x"[..])), ..ProducerRecord::default() };
        assert!(matches!(log.append("users", keyless, 0), Err(LogError::InvalidRecord { .. })));
    }

    #[test]
    fn adding_partitions_rebalances_groups() {
        let mut log = Log::new();
        log.create_topic("t", TopicConfig::with_partitions(1)).unwrap();
        log.join_group("g", "a", &["t"], GroupConfig::default()).unwrap();
        log.join_group("g", "b", &["t"], GroupConfig::default()).unwrap();
        assert!(log.group("g").unwrap().member("b").unwrap().assignment.is_empty());
        log.add_partitions("t", 2).unwrap();
        assert!(matches!(log.add_partitions("t", 1), Err(LogError::InvalidConfig { .. })));
        log.poll("g", "a", 1).unwrap();
        assert_eq!(log.group("g").unwrap().member("b").unwrap().assignment, vec![TopicPartition::new("t", 1)]);
    }
}
