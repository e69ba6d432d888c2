//! Typed errors of the commit log. A bad request is a value, never a panic.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogError {
    UnknownTopic { topic: String },
    TopicExists { topic: String },
    UnknownPartition { topic: String, partition: u32, n_partitions: u32 },
    OffsetOutOfRange { topic: String, partition: u32, offset: u64, log_start: u64, log_end: u64 },
    InvalidConfig { topic: String, message: String },
    UnknownGroup { group: String },
    UnknownMember { group: String, member: String },
    /// A record the topic cannot take, e.g. a keyless record on a compacted topic.
    InvalidRecord { topic: String, message: String },
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogError::UnknownTopic { topic } => write!(f, "Topic '{topic}' does not exist"),
            LogError::TopicExists { topic } => write!(f, "Topic '{topic}' already exists"),
            LogError::UnknownPartition { topic, partition, n_partitions } => write!(
                f,
                "Topic '{topic}' has {n_partitions} partition(s); partition {partition} does not exist"
            ),
            LogError::OffsetOutOfRange { topic, partition, offset, log_start, log_end } => write!(
                f,
                "Offset {offset} is out of range for {topic}-{partition} (log start {log_start}, log end {log_end})"
            ),
            LogError::InvalidConfig { topic, message } => {
                write!(f, "Invalid configuration for topic '{topic}': {message}")
            }
            LogError::UnknownGroup { group } => write!(f, "Consumer group '{group}' does not exist"),
            LogError::UnknownMember { group, member } => {
                write!(f, "Consumer group '{group}' has no member '{member}'")
            }
            LogError::InvalidRecord { topic, message } => write!(f, "Record rejected by topic '{topic}': {message}"),
        }
    }
}

impl std::error::Error for LogError {}
