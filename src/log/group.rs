//! Consumer groups: members share a group's subscription by splitting its partitions, and the group
//! remembers how far it has read (committed offsets), as Kafka's group coordinator does.
//!
//! - A member joining or leaving triggers a rebalance: the assignor deals the partitions out again.
//!   Range and round-robin are *eager* protocols: every member gives up every partition, so fetch
//!   positions fall back to the committed offsets and uncommitted records are read again
//!   (at-least-once). With auto-commit on, positions are committed just before the rebalance.
//! - A partition with no committed offset, or whose position fell out of the log (retention deleted
//!   records the group had not read), starts from `auto.offset.reset`: earliest or latest.
//! - Lag per partition = log end offset - committed offset.
//! - Pausing a group simulates an outage: its members poll nothing until it is resumed, while
//!   producers carry on, so lag grows and then drains.

use super::assignor::{assign, Assignor, TopicPartition};
use super::error::LogError;
use super::record::Record;
use super::topic::Topic;
use super::topics::Topics;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `auto.offset.reset`: where to start when there is no valid committed offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OffsetReset {
    /// From the log start offset: read everything still retained.
    Earliest,
    /// From the log end offset: only records produced from now on. Kafka's default.
    #[default]
    Latest,
    /// No reset: polling fails with `OffsetOutOfRange`.
    None,
}

/// The settings a group is created with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupConfig {
    pub auto_offset_reset: OffsetReset,
    pub assignor: Assignor,
    /// `enable.auto.commit`: each poll first commits what the previous poll returned.
    pub enable_auto_commit: bool,
}

impl Default for GroupConfig {
    fn default() -> Self {
        GroupConfig { auto_offset_reset: OffsetReset::Latest, assignor: Assignor::Range, enable_auto_commit: true }
    }
}

impl GroupConfig {
    pub fn earliest() -> Self {
        GroupConfig { auto_offset_reset: OffsetReset::Earliest, ..GroupConfig::default() }
    }
}

/// A record handed to a consumer, with the topic it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerRecord {
    pub topic: Arc<str>,
    pub record: Record,
}

/// One member of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupMember {
    pub member_id: String,
    pub subscription: Vec<String>,
    pub assignment: Vec<TopicPartition>,
    /// Which assigned partition the next poll starts with, so polls are fair across partitions.
    poll_cursor: usize,
}

/// A consumer group's state.
#[derive(Clone, Debug)]
pub struct ConsumerGroup {
    id: String,
    config: GroupConfig,
    members: BTreeMap<String, GroupMember>,
    /// Bumped by every rebalance (Kafka's generation id).
    generation: u32,
    committed: BTreeMap<TopicPartition, u64>,
    /// In-memory fetch positions of the current assignment (the consumers' state, not the group's).
    positions: BTreeMap<TopicPartition, u64>,
    paused: bool,
    /// Records resets caused by out-of-range positions, for the UI to explain.
    n_offset_resets: u64,
}

impl ConsumerGroup {
    pub(crate) fn new(id: &str, config: GroupConfig) -> Self {
        ConsumerGroup {
            id: id.to_string(),
            config,
            members: BTreeMap::new(),
            generation: 0,
            committed: BTreeMap::new(),
            positions: BTreeMap::new(),
            paused: false,
            n_offset_resets: 0,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn config(&self) -> &GroupConfig {
        &self.config
    }

    pub fn members(&self) -> impl Iterator<Item = &GroupMember> {
        self.members.values()
    }

    pub fn member(&self, member_id: &str) -> Option<&GroupMember> {
        self.members.get(member_id)
    }

    pub fn generation(&self) -> u32 {
        self.generation
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    pub fn n_offset_resets(&self) -> u64 {
        self.n_offset_resets
    }

    pub fn committed(&self, tp: &TopicPartition) -> Option<u64> {
        self.committed.get(tp).copied()
    }

    pub fn committed_offsets(&self) -> &BTreeMap<TopicPartition, u64> {
        &self.committed
    }

    /// The position the owning member will fetch from next, once it has polled.
    pub fn position(&self, tp: &TopicPartition) -> Option<u64> {
        self.positions.get(tp).copied()
    }

    /// The member that owns a partition.
    pub fn owner(&self, tp: &TopicPartition) -> Option<&str> {
        self.members.values().find(|m| m.assignment.contains(tp)).map(|m| m.member_id.as_str())
    }

    /// Every topic some member subscribes to.
    pub fn subscribed_topics(&self) -> Vec<String> {
        let mut topics: Vec<String> = self.members.values().flat_map(|m| m.subscription.iter().cloned()).collect();
        topics.sort();
        topics.dedup();
        topics
    }

    pub(crate) fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    pub(crate) fn join(&mut self, member_id: &str, topics: &[&str], all_topics: &Topics) {
        let mut subscription: Vec<String> = topics.iter().map(|t| t.to_string()).collect();
        subscription.sort();
        subscription.dedup();
        if self.members.get(member_id).is_some_and(|m| m.subscription == subscription) {
            return;
        }
        self.members.insert(
            member_id.to_string(),
            GroupMember { member_id: member_id.to_string(), subscription, assignment: Vec::new(), poll_cursor: 0 },
        );
        self.rebalance(all_topics);
    }

    pub(crate) fn leave(&mut self, member_id: &str, all_topics: &Topics) -> bool {
        if self.members.remove(member_id).is_none() {
            return false;
        }
        self.rebalance(all_topics);
        true
    }

    /// Deals the partitions out again (eager protocol: positions fall back to committed offsets).
    pub(crate) fn rebalance(&mut self, all_topics: &Topics) {
        if self.config.enable_auto_commit {
            self.commit_positions(None);
        }
        let subscriptions: BTreeMap<String, Vec<String>> =
            self.members.iter().map(|(id, m)| (id.clone(), m.subscription.clone())).collect();
        let partitions_per_topic: BTreeMap<String, u32> = self
            .subscribed_topics()
            .into_iter()
            .filter_map(|t| all_topics.get(&t).map(|topic| (t, topic.n_partitions())))
            .collect();
        let assignment = assign(self.config.assignor, &subscriptions, &partitions_per_topic);
        for (member_id, partitions) in assignment {
            if let Some(member) = self.members.get_mut(&member_id) {
                member.assignment = partitions;
                member.poll_cursor = 0;
            }
        }
        self.positions.clear();
        self.generation = self.generation.wrapping_add(1);
    }

    /// Whether the group's view of partition counts is out of date (topic created, deleted or
    /// grown), which makes Kafka rebalance.
    pub(crate) fn metadata_changed(&self, all_topics: &Topics) -> bool {
        self.subscribed_topics().iter().any(|topic| {
            let n_now = all_topics.get(topic).map_or(0, |t| t.n_partitions());
            let n_assigned =
                self.members.values().flat_map(|m| &m.assignment).filter(|tp| &tp.topic == topic).count() as u32;
            n_now != n_assigned
        })
    }

    /// Commits the current positions of one member's partitions (or all members' with `None`).
    pub(crate) fn commit_positions(&mut self, member_id: Option<&str>) {
        for (tp, &position) in &self.positions {
            let owned = match member_id {
                None => true,
                Some(id) => self.members.get(id).is_some_and(|m| m.assignment.contains(tp)),
            };
            if owned {
                self.committed.insert(tp.clone(), position);
            }
        }
    }

    pub(crate) fn commit_offset(&mut self, tp: TopicPartition, offset: u64) {
        self.committed.insert(tp, offset);
    }

    pub(crate) fn seek(&mut self, tp: TopicPartition, offset: u64) {
        self.positions.insert(tp, offset);
    }

    /// Where fetching a partition starts: the position, else the committed offset, corrected by
    /// `auto.offset.reset` when missing or outside the log.
    fn resolve_position(&mut self, tp: &TopicPartition, topic: &Topic) -> Result<u64, LogError> {
        let partition = topic.partition(tp.partition)?;
        let (start, end) = (partition.log_start_offset(), partition.log_end_offset());
        let known = self.positions.get(tp).or_else(|| self.committed.get(tp)).copied();
        let out_of_range = known.is_some_and(|offset| offset < start || offset > end);
        let position = match (known, out_of_range) {
            (Some(offset), false) => offset,
            (known, _) => {
                if known.is_some() {
                    self.n_offset_resets += 1;
                }
                match self.config.auto_offset_reset {
                    OffsetReset::Earliest => start,
                    OffsetReset::Latest => end,
                    OffsetReset::None => {
                        return Err(LogError::OffsetOutOfRange {
                            topic: tp.topic.clone(),
                            partition: tp.partition,
                            offset: known.unwrap_or(0),
                            log_start: start,
                            log_end: end,
                        })
                    }
                }
            }
        };
        self.positions.insert(tp.clone(), position);
        Ok(position)
    }

    /// Kafka's `poll`: up to `max` records from the member's partitions, advancing its positions.
    pub(crate) fn poll(
        &mut self,
        member_id: &str,
        max: usize,
        all_topics: &Topics,
    ) -> Result<Vec<ConsumerRecord>, LogError> {
        if !self.members.contains_key(member_id) {
            return Err(LogError::UnknownMember { group: self.id.clone(), member: member_id.to_string() });
        }
        if self.metadata_changed(all_topics) {
            self.rebalance(all_topics);
        }
        if self.config.enable_auto_commit {
            self.commit_positions(Some(member_id));
        }
        let mut out = Vec::new();
        if self.paused {
            return Ok(out);
        }
        let Some(member) = self.members.get(member_id) else { return Ok(out) };
        let assignment = member.assignment.clone();
        let cursor = member.poll_cursor;
        let n_assigned = assignment.len();
        for step in 0..n_assigned {
            if out.len() >= max {
                break;
            }
            let Some(tp) = assignment.get((cursor + step) % n_assigned) else { continue };
            let Some(topic) = all_topics.get(&tp.topic) else { continue };
            let position = self.resolve_position(tp, topic)?;
            let records = topic.partition(tp.partition)?.fetch(&tp.topic, position, max - out.len())?;
            if let Some(last) = records.last() {
                self.positions.insert(tp.clone(), last.offset.saturating_add(1));
            }
            let topic_name: Arc<str> = Arc::from(tp.topic.as_str());
            out.extend(records.into_iter().map(|record| ConsumerRecord { topic: topic_name.clone(), record }));
        }
        if let Some(member) = self.members.get_mut(member_id) {
            member.poll_cursor = if n_assigned == 0 { 0 } else { (cursor + 1) % n_assigned };
        }
        Ok(out)
    }
}
