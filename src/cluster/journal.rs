//! What the cluster tells the learner: events (leader moves, ISR changes, truncations), the
//! acknowledgements producers received, and the records it lost. Each list is bounded; the
//! totals are not.

use super::acks::{Ack, LostRecord};
use crate::clock::Millis;
use std::collections::VecDeque;

const MAX_EVENTS: usize = 200;
const MAX_LOST: usize = 1_000;
const MAX_ACKS: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterEvent {
    pub at_ms: Millis,
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Journal {
    pub(crate) events: VecDeque<ClusterEvent>,
    pub(crate) lost: VecDeque<LostRecord>,
    pub(crate) acks: VecDeque<Ack>,
    pub(crate) n_lost_acknowledged: u64,
    pub(crate) n_lost_unacknowledged: u64,
}

impl Journal {
    pub(crate) fn event(&mut self, at_ms: Millis, message: String) {
        if self.events.len() >= MAX_EVENTS {
            self.events.pop_front();
        }
        self.events.push_back(ClusterEvent { at_ms, message });
    }

    pub(crate) fn lose(&mut self, lost: LostRecord) {
        if lost.acknowledged {
            self.n_lost_acknowledged += 1;
        } else {
            self.n_lost_unacknowledged += 1;
        }
        if self.lost.len() >= MAX_LOST {
            self.lost.pop_front();
        }
        self.lost.push_back(lost);
    }

    /// Keeps `ack` about `topic` (its own `topic` is filled here). Once the list is full, the
    /// oldest ack's name buffer is reused: a producer's every send is acknowledged, so this
    /// runs per record.
    pub(crate) fn ack(&mut self, mut ack: Ack, topic: &str) {
        let mut name = String::new();
        if self.acks.len() >= MAX_ACKS {
            if let Some(oldest) = self.acks.pop_front() {
                name = oldest.topic;
                name.clear();
            }
        }
        name.push_str(topic);
        ack.topic = name;
        self.acks.push_back(ack);
    }
}
