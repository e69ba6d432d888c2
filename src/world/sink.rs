//! A sink: a consumer application (a search index, a data lake loader) that reads topics through
//! its own consumer group at a limited speed and commits after every poll. Pausing its group
//! simulates an outage; its speed decides how fast it catches up afterwards.

use crate::clock::Millis;
use crate::log::Log;
use crate::producers::rate::RateSchedule;
use crate::producers::ProducerError;

#[derive(Clone, Debug)]
pub struct Sink {
    name: String,
    member: String,
    topics: Vec<String>,
    /// `None`: reads everything that is there at each tick.
    capacity: Option<RateSchedule>,
    last_tick_ms: Option<Millis>,
    records_consumed: u64,
}

/// Kafka's default `max.poll.records`, used when the sink has no speed limit.
const MAX_POLL_RECORDS: usize = 500;

impl Sink {
    pub(crate) fn new(name: &str, topics: &[&str], records_per_second: Option<f64>) -> Result<Self, ProducerError> {
        Ok(Sink {
            name: name.to_string(),
            member: format!("{name}-1"),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            capacity: records_per_second.map(RateSchedule::new).transpose()?,
            last_tick_ms: None,
            records_consumed: 0,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The sink's consumer group is named like the sink.
    pub fn group(&self) -> &str {
        &self.name
    }

    pub fn member(&self) -> &str {
        &self.member
    }

    pub fn topics(&self) -> &[String] {
        &self.topics
    }

    pub fn records_per_second(&self) -> Option<f64> {
        self.capacity.as_ref().map(RateSchedule::events_per_second)
    }

    /// Records written to the sink's destination so far.
    pub fn records_consumed(&self) -> u64 {
        self.records_consumed
    }

    /// Polls what the sink may take this tick, "writes" it, and commits.
    pub(crate) fn consume(&mut self, log: &mut Log, now_ms: Millis) -> u64 {
        let from_ms = self.last_tick_ms.unwrap_or(now_ms);
        self.last_tick_ms = Some(now_ms);
        let mut budget = match &mut self.capacity {
            Some(capacity) => capacity.count(from_ms, now_ms),
            None => usize::MAX,
        };
        let mut consumed = 0;
        while budget > 0 {
            let Ok(records) = log.poll(&self.name, &self.member, budget.min(MAX_POLL_RECORDS)) else { break };
            if records.is_empty() {
                break;
            }
            budget = budget.saturating_sub(records.len());
            consumed += records.len() as u64;
            if log.commit(&self.name, &self.member).is_err() {
                break;
            }
        }
        self.records_consumed += consumed;
        consumed
    }
}
