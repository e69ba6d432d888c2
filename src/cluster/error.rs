//! Typed errors of the simulated cluster, named after the Kafka errors a client would see.

use super::BrokerId;
use crate::log::LogError;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterError {
    Log(LogError),
    UnknownBroker { broker: BrokerId, n_brokers: u32 },
    /// Kafka's `LEADER_NOT_AVAILABLE`: the partition is offline (no live leader).
    LeaderNotAvailable { topic: String, partition: u32 },
    /// Kafka's `NOT_ENOUGH_REPLICAS`: acks=all and the ISR is smaller than `min.insync.replicas`.
    NotEnoughReplicas { topic: String, partition: u32, isr: usize, min_insync_replicas: u32 },
    /// A replication setting Kafka would refuse (e.g. a replication factor above the broker count).
    InvalidReplication { topic: String, message: String },
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClusterError::Log(error) => write!(f, "{error}"),
            ClusterError::UnknownBroker { broker, n_brokers } => {
                write!(f, "Broker {broker} does not exist (the cluster has brokers 1 to {n_brokers})")
            }
            ClusterError::LeaderNotAvailable { topic, partition } => {
                write!(f, "LEADER_NOT_AVAILABLE: {topic}-{partition} has no live leader (every in-sync replica is down)")
            }
            ClusterError::NotEnoughReplicas { topic, partition, isr, min_insync_replicas } => write!(
                f,
                "NOT_ENOUGH_REPLICAS: {topic}-{partition} has {isr} in-sync replica(s), fewer than min.insync.replicas={min_insync_replicas}; a write with acks=all is refused"
            ),
            ClusterError::InvalidReplication { topic, message } => {
                write!(f, "Invalid replication for topic '{topic}': {message}")
            }
        }
    }
}

impl std::error::Error for ClusterError {}

impl From<LogError> for ClusterError {
    fn from(error: LogError) -> Self {
        ClusterError::Log(error)
    }
}
