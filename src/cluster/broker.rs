//! A broker: up or down, and how fast it can copy from leaders (a throttle, to show a follower
//! falling behind and out of the ISR).

use super::BrokerId;
use crate::clock::Millis;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broker {
    pub(crate) id: BrokerId,
    pub(crate) up: bool,
    /// Kafka's `follower.replication.throttled.rate`, in records per virtual second over all the
    /// partitions it follows; `None`: as fast as one fetch per tick allows.
    pub(crate) fetch_records_per_second: Option<u32>,
    /// Throttle credit in record-milliseconds (integer, so chunking never matters).
    credit: u64,
    last_fetch_ms: Option<Millis>,
}

impl Broker {
    pub(crate) fn new(id: BrokerId) -> Self {
        Broker { id, up: true, fetch_records_per_second: None, credit: 0, last_fetch_ms: None }
    }

    pub fn id(&self) -> BrokerId {
        self.id
    }

    pub fn is_up(&self) -> bool {
        self.up
    }

    pub fn fetch_records_per_second(&self) -> Option<u32> {
        self.fetch_records_per_second
    }

    /// How many records this broker may copy at `now_ms` (one fetch round per tick).
    pub(crate) fn fetch_budget(&mut self, now_ms: Millis, max_per_fetch: usize) -> usize {
        let from_ms = self.last_fetch_ms.unwrap_or(now_ms);
        self.last_fetch_ms = Some(now_ms);
        let Some(rate) = self.fetch_records_per_second else { return max_per_fetch };
        let elapsed = u64::try_from(now_ms.saturating_sub(from_ms)).unwrap_or(0);
        self.credit = self.credit.saturating_add(elapsed.saturating_mul(u64::from(rate)));
        let budget = self.credit / 1000;
        self.credit %= 1000;
        usize::try_from(budget).unwrap_or(usize::MAX).min(max_per_fetch)
    }
}
