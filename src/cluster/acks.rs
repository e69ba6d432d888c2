//! What a producer is told: Kafka's `acks` setting, the outcome of a send, and the records the
//! cluster lost (with whether their producer had been told they were safe).

use crate::clock::Millis;
use crate::log::Bytes;
use std::fmt;

/// The producer's `acks`: how many replicas must have a record before the send succeeds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Acks {
    /// `acks=0`: fire and forget. Acknowledged at once, even if no broker ever stores it.
    None,
    /// `acks=1`: acknowledged once the leader has appended it; lost if the leader dies before a
    /// follower copied it.
    Leader,
    /// `acks=all` (`-1`, Kafka's default since 3.0): acknowledged once every in-sync replica has
    /// it, i.e. when the high watermark passes it; refused when the ISR is smaller than
    /// `min.insync.replicas`.
    #[default]
    All,
}

impl Acks {
    /// Reads `0`, `1`, `all` or `-1`, as the producer config does.
    pub fn parse(text: &str) -> Option<Acks> {
        match text.trim().to_ascii_lowercase().as_str() {
            "0" => Some(Acks::None),
            "1" => Some(Acks::Leader),
            "all" | "-1" => Some(Acks::All),
            _ => None,
        }
    }
}

impl fmt::Display for Acks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Acks::None => "0",
            Acks::Leader => "1",
            Acks::All => "all",
        })
    }
}

/// Identifies one send, so a test (or the UI) can follow it to its acknowledgement or loss.
pub type WriteId = u64;

/// The immediate answer to a send that was not refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProduceOutcome {
    pub write_id: WriteId,
    pub partition: u32,
    /// The offset the leader gave it; `None` for an acks=0 send that reached no leader.
    pub offset: Option<u64>,
    /// True when the producer is already told "success" (acks=0, acks=1, or acks=all with the
    /// record committed at once because the ISR is the leader alone).
    pub acknowledged: bool,
}

/// A success the producer was told about (acks=all ones arrive when the high watermark passes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ack {
    pub write_id: WriteId,
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    pub acks: Acks,
}

/// Why a record disappeared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossReason {
    /// It was above the high watermark on a leader that died, and the new leader (from the ISR)
    /// did not have it: the log was truncated to the new leader's end.
    UncommittedTruncated,
    /// An out-of-sync replica became leader (`unclean.leader.election.enable=true`): committed
    /// records it did not have are gone.
    UncleanElection,
    /// An acks=0 send to a partition without a leader: the producer never knew.
    NoLeader,
}

impl fmt::Display for LossReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LossReason::UncommittedTruncated => "uncommitted, truncated at leader change",
            LossReason::UncleanElection => "unclean leader election",
            LossReason::NoLeader => "acks=0 sent to an offline partition",
        })
    }
}

/// A record the cluster lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LostRecord {
    pub at_ms: Millis,
    pub topic: String,
    pub partition: u32,
    /// The offset it had on the old leader (`None` if it never reached one).
    pub offset: Option<u64>,
    pub key: Option<Bytes>,
    pub value: Option<Bytes>,
    /// The producer had been told the write succeeded: this is data loss the producer cannot see.
    pub acknowledged: bool,
    pub acks: Option<Acks>,
    pub reason: LossReason,
}
