//! Plain snapshots of the cluster for the UI: brokers, and per partition its leader, replicas
//! with their end offsets, ISR and high watermark; recent events and lost records. Cost follows
//! the number of partitions and the bounded lists, never the size of the log.

use super::{BrokerId, Cluster, LossReason};
use crate::clock::Millis;

#[derive(Clone, Debug, PartialEq)]
pub struct ClusterView {
    pub brokers: Vec<BrokerView>,
    pub partitions: Vec<PartitionReplicationView>,
    /// Newest first.
    pub events: Vec<(Millis, String)>,
    /// Newest first, at most `MAX_LOST_SHOWN`.
    pub lost: Vec<LostRecordView>,
    pub n_lost_acknowledged: u64,
    pub n_lost_unacknowledged: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerView {
    pub id: BrokerId,
    pub up: bool,
    pub n_leaders: usize,
    pub n_replicas: usize,
    pub fetch_records_per_second: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaView {
    pub broker: BrokerId,
    pub end_offset: u64,
    pub up: bool,
    pub in_sync: bool,
    pub leader: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionReplicationView {
    pub topic: String,
    pub partition: u32,
    pub leader: Option<BrokerId>,
    pub leader_epoch: u32,
    pub replicas: Vec<ReplicaView>,
    pub isr: Vec<BrokerId>,
    pub high_watermark: u64,
    pub leader_end_offset: u64,
    pub replication_factor: u32,
    pub min_insync_replicas: u32,
    pub unclean_leader_election: bool,
    pub refused: u64,
}

impl PartitionReplicationView {
    pub fn offline(&self) -> bool {
        self.leader.is_none()
    }

    /// Kafka's "under-replicated": the ISR is smaller than the replica set.
    pub fn under_replicated(&self) -> bool {
        self.isr.len() < self.replicas.len()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LostRecordView {
    pub at_ms: Millis,
    pub topic: String,
    pub partition: u32,
    pub offset: Option<u64>,
    /// Key and value as (lossy) UTF-8 text, for display only.
    pub key: String,
    pub value: String,
    pub acknowledged: bool,
    pub reason: LossReason,
}

const MAX_LOST_SHOWN: usize = 20;
const MAX_EVENTS_SHOWN: usize = 30;

impl Cluster {
    pub fn view(&self) -> ClusterView {
        let mut partitions = Vec::new();
        let mut brokers: Vec<BrokerView> = self
            .brokers
            .iter()
            .map(|b| BrokerView { id: b.id, up: b.up, n_leaders: 0, n_replicas: 0, fetch_records_per_second: b.fetch_records_per_second })
            .collect();
        for (topic, state) in &self.topics {
            for ps in &state.partitions {
                for replica in &ps.replicas {
                    if let Some(b) = brokers.iter_mut().find(|b| b.id == replica.broker) {
                        b.n_replicas += 1;
                        if ps.leader == Some(replica.broker) {
                            b.n_leaders += 1;
                        }
                    }
                }
                partitions.push(PartitionReplicationView {
                    topic: topic.clone(),
                    partition: ps.id,
                    leader: ps.leader,
                    leader_epoch: ps.leader_epoch,
                    replicas: ps
                        .replicas
                        .iter()
                        .map(|r| ReplicaView {
                            broker: r.broker,
                            end_offset: r.leo,
                            up: self.is_broker_up(r.broker),
                            in_sync: ps.isr.contains(&r.broker),
                            leader: ps.leader == Some(r.broker),
                        })
                        .collect(),
                    isr: ps.isr.clone(),
                    high_watermark: ps.high_watermark,
                    leader_end_offset: ps.leader_leo(),
                    replication_factor: state.replication.replication_factor,
                    min_insync_replicas: state.replication.min_insync_replicas,
                    unclean_leader_election: state.replication.unclean_leader_election,
                    refused: ps.stats.refused,
                });
            }
        }
        ClusterView {
            brokers,
            partitions,
            events: self.journal.events.iter().rev().take(MAX_EVENTS_SHOWN).map(|e| (e.at_ms, e.message.clone())).collect(),
            lost: self
                .journal
                .lost
                .iter()
                .rev()
                .take(MAX_LOST_SHOWN)
                .map(|l| LostRecordView {
                    at_ms: l.at_ms,
                    topic: l.topic.clone(),
                    partition: l.partition,
                    offset: l.offset,
                    key: l.key.as_deref().map_or_else(|| "null".to_string(), |k| String::from_utf8_lossy(k).into_owned()),
                    value: l.value.as_deref().map_or_else(|| "null".to_string(), |v| String::from_utf8_lossy(v).into_owned()),
                    acknowledged: l.acknowledged,
                    reason: l.reason,
                })
                .collect(),
            n_lost_acknowledged: self.journal.n_lost_acknowledged,
            n_lost_unacknowledged: self.journal.n_lost_unacknowledged,
        }
    }
}
