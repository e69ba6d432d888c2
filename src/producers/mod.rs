//! Seeded producers for the talk's scenarios. Each producer owns a generator seeded from the
//! world's seed, a rate in events per *virtual* second, a key space, and can be started, stopped
//! or asked for one event by hand. Event time (the record's timestamp) and processing time (when
//! the record reaches the log) are distinct: a producer can emit late, out-of-order events.
//!
//! **Invariant:** a producer's output depends only on its seed and on the virtual times it is
//! asked about, never on how the world chunks time: `events_until(0, 2000)` equals
//! `events_until(0, 1000)` followed by `events_until(1000, 2000)`.

pub mod account_transactions;
pub mod card_authorisations;
pub mod clickstream;
pub mod json;
mod kind;
pub mod orders_customers;
pub(crate) mod rate;
pub mod sensors;
pub mod syslog;

use crate::clock::Millis;
use crate::log::{ProducerRecord, TopicConfig};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rate::RateSchedule;
use std::collections::VecDeque;
use std::fmt;

pub use kind::ScenarioKind;

impl ScenarioKind {
    /// A sensible number of distinct keys for the scenario.
    pub fn default_key_space(self) -> u32 {
        match self {
            ScenarioKind::Syslog => 8,
            ScenarioKind::CardAuthorisations => 500,
            ScenarioKind::Clickstream => 20,
            ScenarioKind::AccountTransactions => 10,
            ScenarioKind::OrdersCustomers => 10,
            ScenarioKind::Sensors => 6,
        }
    }

    /// The topics the scenario writes, with their configuration.
    pub fn topics(self) -> Vec<(&'static str, TopicConfig)> {
        match self {
            ScenarioKind::Syslog => syslog::topics(),
            ScenarioKind::CardAuthorisations => card_authorisations::topics(),
            ScenarioKind::Clickstream => clickstream::topics(),
            ScenarioKind::AccountTransactions => account_transactions::topics(),
            ScenarioKind::OrdersCustomers => orders_customers::topics(),
            ScenarioKind::Sensors => sensors::topics(),
        }
    }
}

/// A record a producer sends, and to which topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Emitted {
    pub topic: &'static str,
    pub record: ProducerRecord,
}

/// Late events: with `probability`, an event's timestamp is set back by up to `max_delay_ms`
/// (it happened earlier than it arrives, as from a phone that was offline).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Lateness {
    pub probability: f64,
    pub max_delay_ms: Millis,
}

/// Scenario-specific actions a lesson can trigger.
#[derive(Clone, Debug, PartialEq)]
pub enum Injection {
    /// `attempts` authorisation attempts on one card, spread evenly within `within_ms` (the talk's
    /// fraud pattern: 4 or more within 5 seconds). A random card when `card_number` is `None`.
    FraudBurst { card_number: Option<String>, attempts: u32, within_ms: Millis },
    /// A users-changelog event: `user_id` moves to `level` (Platinum, Gold, Silver, Bronze).
    SetUserLevel { user_id: u32, level: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProducerError {
    InvalidRate { rate: String },
    UnsupportedInjection { producer: String },
    InvalidInjection { message: String },
}

impl fmt::Display for ProducerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProducerError::InvalidRate { rate } => {
                write!(f, "Rate {rate} is not valid: use 0 to {} events per second", rate::MAX_EVENTS_PER_SECOND)
            }
            ProducerError::UnsupportedInjection { producer } => {
                write!(f, "Producer '{producer}' does not support this action")
            }
            ProducerError::InvalidInjection { message } => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for ProducerError {}

/// The per-scenario generator state.
#[derive(Clone, Debug)]
enum Scenario {
    Syslog(syslog::Syslog),
    CardAuthorisations(card_authorisations::CardAuthorisations),
    Clickstream(clickstream::Clickstream),
    AccountTransactions(account_transactions::AccountTransactions),
    OrdersCustomers(orders_customers::OrdersCustomers),
    Sensors(sensors::Sensors),
}

impl Scenario {
    fn new(kind: ScenarioKind, key_space: u32) -> Self {
        match kind {
            ScenarioKind::Syslog => Scenario::Syslog(syslog::Syslog::new(key_space)),
            ScenarioKind::CardAuthorisations => {
                Scenario::CardAuthorisations(card_authorisations::CardAuthorisations::new(key_space))
            }
            ScenarioKind::Clickstream => Scenario::Clickstream(clickstream::Clickstream::new(key_space)),
            ScenarioKind::AccountTransactions => {
                Scenario::AccountTransactions(account_transactions::AccountTransactions::new(key_space))
            }
            ScenarioKind::OrdersCustomers => Scenario::OrdersCustomers(orders_customers::OrdersCustomers::new(key_space)),
            ScenarioKind::Sensors => Scenario::Sensors(sensors::Sensors::new(key_space)),
        }
    }

    fn initial_records(&mut self, rng: &mut ChaCha8Rng, now_ms: Millis) -> Vec<Emitted> {
        match self {
            Scenario::Clickstream(s) => s.initial_records(rng, now_ms),
            Scenario::OrdersCustomers(s) => s.initial_records(rng, now_ms),
            _ => Vec::new(),
        }
    }

    /// Appends the records of the scenario's next event to `out`.
    fn next_event(&mut self, rng: &mut ChaCha8Rng, event_time_ms: Millis, out: &mut Vec<Emitted>) {
        match self {
            Scenario::Syslog(s) => s.next_event(rng, event_time_ms, out),
            Scenario::CardAuthorisations(s) => s.next_event(rng, event_time_ms, out),
            Scenario::Clickstream(s) => s.next_event(rng, event_time_ms, out),
            Scenario::AccountTransactions(s) => s.next_event(rng, event_time_ms, out),
            Scenario::OrdersCustomers(s) => s.next_event(rng, event_time_ms, out),
            Scenario::Sensors(s) => s.next_event(rng, event_time_ms, out),
        }
    }
}

/// A scheduled event: it reaches the log at `arrival_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scheduled {
    pub arrival_ms: Millis,
    pub emitted: Emitted,
}

/// A running scenario: rate, key space, start/stop, lateness, and scheduled injections.
#[derive(Clone, Debug)]
pub struct Producer {
    name: String,
    kind: ScenarioKind,
    key_space: u32,
    scenario: Scenario,
    rng: ChaCha8Rng,
    schedule: RateSchedule,
    running: bool,
    lateness: Lateness,
    /// Injected events waiting for their arrival time, in time order.
    pending: VecDeque<Scheduled>,
    n_produced: u64,
    /// The arrival times of one call of [`Producer::events_into`] and the records of one event
    /// (kept to reuse their allocations).
    arrivals: Vec<Millis>,
    emitted: Vec<Emitted>,
}

impl Producer {
    /// A stopped producer of `kind`; `seed` comes from the world's generator.
    pub fn new(name: &str, kind: ScenarioKind, seed: u64, events_per_second: f64) -> Result<Self, ProducerError> {
        let key_space = kind.default_key_space();
        Ok(Producer {
            name: name.to_string(),
            kind,
            key_space,
            scenario: Scenario::new(kind, key_space),
            rng: ChaCha8Rng::seed_from_u64(seed),
            schedule: RateSchedule::new(events_per_second)?,
            running: false,
            lateness: Lateness::default(),
            pending: VecDeque::new(),
            n_produced: 0,
            arrivals: Vec::new(),
            emitted: Vec::new(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> ScenarioKind {
        self.kind
    }

    pub fn key_space(&self) -> u32 {
        self.key_space
    }

    /// Changes the number of distinct keys (a new scenario state; the generator carries on).
    pub fn set_key_space(&mut self, key_space: u32) {
        self.key_space = key_space.max(1);
        self.scenario = Scenario::new(self.kind, self.key_space);
    }

    pub fn is_running(&self) -> bool {
        self.running
    }

    pub fn start(&mut self) {
        self.running = true;
    }

    pub fn stop(&mut self) {
        self.running = false;
    }

    pub fn events_per_second(&self) -> f64 {
        self.schedule.events_per_second()
    }

    pub fn set_events_per_second(&mut self, events_per_second: f64) -> Result<(), ProducerError> {
        self.schedule.set_events_per_second(events_per_second)
    }

    pub fn lateness(&self) -> Lateness {
        self.lateness
    }

    pub fn set_lateness(&mut self, lateness: Lateness) {
        let probability = if lateness.probability.is_finite() { lateness.probability.clamp(0.0, 1.0) } else { 0.0 };
        self.lateness = Lateness { probability, max_delay_ms: lateness.max_delay_ms.max(0) };
    }

    pub fn n_produced(&self) -> u64 {
        self.n_produced
    }

    pub fn topics(&self) -> Vec<(&'static str, TopicConfig)> {
        self.kind.topics()
    }

    /// Records the scenario writes once when it is added (e.g. the users table's first rows).
    pub fn initial_records(&mut self, now_ms: Millis) -> Vec<Emitted> {
        let records = self.scenario.initial_records(&mut self.rng, now_ms);
        self.n_produced += records.len() as u64;
        records
    }

    /// Produce-one-by-hand: the scenario's next event, now, whether running or not.
    pub fn produce_one(&mut self, now_ms: Millis) -> Vec<Emitted> {
        let mut events = Vec::new();
        self.generate(now_ms, &mut events);
        events
    }

    /// Every event that arrives in `(from_ms, to_ms]`, in arrival order: the rate's events (when
    /// running) merged with injected ones.
    pub fn events_until(&mut self, from_ms: Millis, to_ms: Millis) -> Vec<Scheduled> {
        let mut out = Vec::new();
        self.events_into(from_ms, to_ms, &mut out);
        out
    }

    /// [`Producer::events_until`] appended to `out`, a buffer the caller reuses: the world asks
    /// at every tick, and most ticks of a slow producer have nothing (no allocation then).
    pub fn events_into(&mut self, from_ms: Millis, to_ms: Millis, out: &mut Vec<Scheduled>) {
        let mut arrivals = std::mem::take(&mut self.arrivals);
        let mut emitted = std::mem::take(&mut self.emitted);
        arrivals.clear();
        if self.running {
            self.schedule.arrivals_into(from_ms, to_ms, &mut arrivals);
        }
        for &arrival_ms in &arrivals {
            self.drain_pending(arrival_ms, out);
            self.generate(arrival_ms, &mut emitted);
            out.extend(emitted.drain(..).map(|emitted| Scheduled { arrival_ms, emitted }));
        }
        self.arrivals = arrivals;
        self.emitted = emitted;
        self.drain_pending(to_ms, out);
    }

    /// Scenario-specific actions (a fraud burst, a user's level change).
    pub fn inject(&mut self, injection: &Injection, now_ms: Millis) -> Result<(), ProducerError> {
        let events = match (&mut self.scenario, injection) {
            (Scenario::CardAuthorisations(s), Injection::FraudBurst { card_number, attempts, within_ms }) => {
                s.fraud_burst(&mut self.rng, now_ms, card_number.as_deref(), *attempts, *within_ms)?
            }
            (Scenario::Clickstream(s), Injection::SetUserLevel { user_id, level }) => {
                s.set_user_level(now_ms, *user_id, level)?
            }
            _ => return Err(ProducerError::UnsupportedInjection { producer: self.name.clone() }),
        };
        for event in events {
            let position = self.pending.partition_point(|p| p.arrival_ms <= event.arrival_ms);
            self.pending.insert(position, event);
        }
        Ok(())
    }

    fn drain_pending(&mut self, up_to_ms: Millis, out: &mut Vec<Scheduled>) {
        while self.pending.front().is_some_and(|p| p.arrival_ms <= up_to_ms) {
            if let Some(event) = self.pending.pop_front() {
                self.n_produced += 1;
                out.push(event);
            }
        }
    }

    /// Appends the next event's records, arriving at `arrival_ms`, to `out`.
    fn generate(&mut self, arrival_ms: Millis, out: &mut Vec<Emitted>) {
        let late = self.lateness.probability > 0.0
            && self.lateness.max_delay_ms > 0
            && self.rng.gen_bool(self.lateness.probability);
        let event_time_ms = if late {
            arrival_ms.saturating_sub(self.rng.gen_range(1..=self.lateness.max_delay_ms))
        } else {
            arrival_ms
        };
        let first = out.len();
        self.scenario.next_event(&mut self.rng, event_time_ms, out);
        let events = out.get_mut(first..).unwrap_or_default();
        for event in events.iter_mut() {
            event.record.timestamp = Some(event_time_ms);
        }
        self.n_produced += events.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(producer: &mut Producer, cuts: &[Millis]) -> Vec<Scheduled> {
        let mut out = Vec::new();
        for pair in cuts.windows(2) {
            out.extend(producer.events_until(pair[0], pair[1]));
        }
        out
    }

    #[test]
    fn output_does_not_depend_on_how_time_is_chunked() {
        for kind in ScenarioKind::ALL {
            let mut a = Producer::new("a", kind, 7, 3.5).unwrap();
            let mut b = Producer::new("b", kind, 7, 3.5).unwrap();
            a.start();
            b.start();
            a.set_lateness(Lateness { probability: 0.2, max_delay_ms: 3_000 });
            b.set_lateness(Lateness { probability: 0.2, max_delay_ms: 3_000 });
            let whole = run(&mut a, &[0, 10_000]);
            let pieces = run(&mut b, &[0, 1, 17, 999, 1_000, 4_321, 10_000]);
            assert_eq!(whole, pieces, "{kind:?}");
            assert_eq!(whole.iter().filter(|e| e.emitted.record.timestamp.is_some()).count(), whole.len());
            assert!(whole.len() >= 35, "{kind:?} produced {}", whole.len());
        }
    }

    #[test]
    fn stopped_producers_are_silent_but_can_produce_by_hand() {
        let mut producer = Producer::new("s", ScenarioKind::Sensors, 1, 10.0).unwrap();
        assert!(producer.events_until(0, 5_000).is_empty());
        assert_eq!(producer.produce_one(5_000).len(), 1);
        assert!(Producer::new("x", ScenarioKind::Sensors, 1, -1.0).is_err());
        assert!(Producer::new("x", ScenarioKind::Sensors, 1, f64::NAN).is_err());
        producer.set_lateness(Lateness { probability: f64::NAN, max_delay_ms: 10 });
        assert_eq!(producer.lateness().probability, 0.0);
    }

    #[test]
    fn late_events_have_earlier_timestamps_than_arrival() {
        let mut producer = Producer::new("s", ScenarioKind::Sensors, 3, 10.0).unwrap();
        producer.start();
        producer.set_lateness(Lateness { probability: 0.5, max_delay_ms: 10_000 });
        let events = producer.events_until(0, 10_000);
        let n_late = events.iter().filter(|e| e.emitted.record.timestamp < Some(e.arrival_ms)).count();
        assert!(n_late > 20 && n_late < 80, "{n_late} late of {}", events.len());
    }
}
