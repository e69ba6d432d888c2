//! The replication state of one partition: its replicas (with their log end offsets), leader,
//! in-sync replica set, leader epoch, and the leader's records above the high watermark.
//!
//! The model: every replica's log is a prefix of the leader's log. The `Log` partition holds the
//! committed prefix, `[log start, high watermark)`, which is all any consumer can read; the leader's
//! uncommitted tail lives here in `pending`. A replica is described by its log end offset alone.

use super::acks::Acks;
use super::acks::WriteId;
use super::BrokerId;
use crate::clock::Millis;
use crate::log::ProducerRecord;
use std::collections::VecDeque;

/// A record the leader has appended but the ISR has not all copied yet.
#[derive(Clone, Debug)]
pub(crate) struct PendingRecord {
    pub(crate) write_id: WriteId,
    /// Partition and timestamp already chosen, so committing appends exactly this record.
    pub(crate) record: ProducerRecord,
    pub(crate) acks: Acks,
    /// The producer was already told "success" (acks=0 or 1).
    pub(crate) acknowledged: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct ReplicaState {
    pub(crate) broker: BrokerId,
    /// Log end offset: the replica holds offsets below it.
    pub(crate) leo: u64,
    /// What the leader knows of this replica's end offset: the offset of its last fetch request
    /// (Kafka's leader learns a follower's progress one fetch later).
    pub(crate) known_leo: u64,
    /// Last virtual time the replica had everything the leader had (`replica.lag.time.max.ms`).
    pub(crate) last_caught_up_ms: Millis,
    /// Where the replica truncates when its broker comes back: the high watermark it last knew,
    /// lowered by any unclean election while it was away (Kafka's leader-epoch truncation).
    pub(crate) truncate_on_return: Option<u64>,
}

#[derive(Clone, Debug)]
pub(crate) struct PartitionState {
    pub(crate) id: u32,
    /// In assignment order: the first is the preferred leader.
    pub(crate) replicas: Vec<ReplicaState>,
    pub(crate) leader: Option<BrokerId>,
    pub(crate) isr: Vec<BrokerId>,
    pub(crate) leader_epoch: u32,
    pub(crate) pending: VecDeque<PendingRecord>,
    /// Equals the `Log` partition's end offset: the cluster appends a record there only when
    /// it is committed.
    pub(crate) high_watermark: u64,
    pub(crate) stats: PartitionStats,
}

/// Counters of one partition since it was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PartitionStats {
    pub acknowledged: u64,
    pub refused: u64,
    /// acks=all sends committed after the ISR fell below `min.insync.replicas`: the producer got
    /// `NOT_ENOUGH_REPLICAS_AFTER_APPEND`, not an acknowledgement.
    pub failed_after_append: u64,
    pub lost_acknowledged: u64,
    pub lost_unacknowledged: u64,
}

impl PartitionState {
    /// A partition whose replicas all hold `[.., end_offset)`: created replicated, so every
    /// replica on a live broker is in sync and the first live one leads.
    pub(crate) fn new(id: u32, brokers: Vec<BrokerId>, end_offset: u64, now_ms: Millis, is_up: impl Fn(BrokerId) -> bool) -> Self {
        let replicas: Vec<ReplicaState> = brokers
            .iter()
            .map(|&broker| ReplicaState {
                broker,
                leo: end_offset,
                known_leo: end_offset,
                last_caught_up_ms: now_ms,
                truncate_on_return: (!is_up(broker)).then_some(end_offset),
            })
            .collect();
        let isr: Vec<BrokerId> = brokers.iter().copied().filter(|&b| is_up(b)).collect();
        PartitionState {
            id,
            leader: isr.first().copied(),
            isr,
            replicas,
            leader_epoch: 0,
            pending: VecDeque::new(),
            high_watermark: end_offset,
            stats: PartitionStats::default(),
        }
    }

    /// The leader's log end offset: the committed prefix plus its uncommitted tail.
    pub(crate) fn leader_leo(&self) -> u64 {
        self.high_watermark.saturating_add(self.pending.len() as u64)
    }

    pub(crate) fn replica(&self, broker: BrokerId) -> Option<&ReplicaState> {
        self.replicas.iter().find(|r| r.broker == broker)
    }

    pub(crate) fn replica_mut(&mut self, broker: BrokerId) -> Option<&mut ReplicaState> {
        self.replicas.iter_mut().find(|r| r.broker == broker)
    }

    pub(crate) fn in_isr(&self, broker: BrokerId) -> bool {
        self.isr.contains(&broker)
    }

    /// Keeps the leader's own replica entry equal to the leader's log end.
    pub(crate) fn sync_leader(&mut self, now_ms: Millis) {
        let leo = self.leader_leo();
        if let Some(leader) = self.leader {
            if let Some(replica) = self.replica_mut(leader) {
                replica.leo = leo;
                replica.known_leo = leo;
                replica.last_caught_up_ms = now_ms;
            }
        }
    }

    /// What [`PartitionState::sync_leader`] at `at_ms` leaves, for a leader perhaps stamped
    /// later since (virtual time never goes back, so the later stamp stays).
    pub(crate) fn catch_up_leader(&mut self, at_ms: Millis) {
        let stamped_ms = self.leader.and_then(|leader| self.replica(leader)).map_or(at_ms, |r| r.last_caught_up_ms.max(at_ms));
        self.sync_leader(stamped_ms);
    }

    /// Nothing to replicate: a leader, no follower, nothing pending (see `Quiet` in the
    /// cluster).
    pub(crate) fn is_quiet(&self) -> bool {
        self.leader.is_some() && self.replicas.len() <= 1 && self.pending.is_empty()
    }

    /// Records appended to the `Log` by someone other than the cluster (the SQL engine writes
    /// its sink topics directly): they count as replicated at once to every replica that was
    /// caught up to the high watermark, and the uncommitted tail moves up behind them.
    pub(crate) fn absorb_direct_writes(&mut self, log_end: u64, is_up: impl Fn(BrokerId) -> bool) {
        if log_end <= self.high_watermark {
            if log_end < self.high_watermark {
                // The log was truncated or recreated under us: start again from its end.
                self.high_watermark = log_end;
                self.pending.clear();
                for replica in &mut self.replicas {
                    replica.leo = replica.leo.min(log_end);
                    replica.known_leo = replica.known_leo.min(log_end);
                }
            }
            return;
        }
        let added = log_end - self.high_watermark;
        let old_hw = self.high_watermark;
        for replica in &mut self.replicas {
            if replica.leo >= old_hw && is_up(replica.broker) {
                replica.leo = replica.leo.saturating_add(added);
                if replica.known_leo >= old_hw {
                    replica.known_leo = replica.known_leo.saturating_add(added);
                }
            }
        }
        self.high_watermark = log_end;
    }
}
