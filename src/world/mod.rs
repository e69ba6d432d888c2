//! The world: one virtual clock, the log, the producers, the simulated sinks and the SQL
//! engine, advanced together by [`World::step`]. The UI sends actions to the world and renders
//! the plain snapshots of [`view`]; it never touches the log directly.
//!
//! **Invariant:** determinism. Same seed + same actions (at the same virtual times) = byte-
//! identical log. All randomness comes from the world's ChaCha8 generator: each producer gets its
//! own generator seeded from it when added.
//! **Invariant:** chunking does not matter. Time is processed in ticks aligned to multiples of
//! [`TICK_MS`]; producers' arrival times are exact integers; so `step(1000)` equals ten
//! `step(100)` calls, and a fast-forward gives the log a slow run would have.

mod sink;
pub mod view;
pub mod race;
pub mod duality;
pub mod windows;
pub mod topology;

pub use sink::Sink;

use crate::clock::{Millis, VirtualClock};
use crate::cluster::{Acks, BrokerId, Cluster, ClusterError, TopicReplication};
use crate::connect::Connect;
use crate::log::{GroupConfig, Log, LogError, MaintenanceReport, OffsetReset, ProducerRecord, RecordMetadata};
use crate::producers::{Injection, Lateness, Producer, ProducerError, ScenarioKind, Scheduled};
use crate::sql::{Engine, ScriptOutcome, SqlError};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt;

/// Sinks and stream processors run, and fetch what arrived, every tick of virtual time.
pub const TICK_MS: Millis = 100;
/// Retention and compaction run every virtual second (Kafka checks every few minutes; a
/// classroom wants to see it sooner).
pub const MAINTENANCE_INTERVAL_MS: Millis = 1_000;
/// The longest a single `step` advances (31 virtual days): a larger request is cut to this, so a
/// bad speed setting cannot make one call run for ever.
pub const MAX_STEP_MS: Millis = 31 * 24 * 60 * 60 * 1000;
/// Where the virtual clock starts: 2018-03-01T00:00:00Z, the era of the talk.
pub const EPOCH_MS: Millis = 1_519_862_400_000;

/// Something that reads and writes the log as time passes: the SQL engine plugs in here (its
/// persistent queries poll their source topics through consumer groups and append to sink topics).
/// The world calls every processor once per tick, after producers and sinks, in the order added.
pub trait StreamProcessor {
    fn name(&self) -> &str;
    fn process(&mut self, log: &mut Log, now_ms: Millis);
}

#[derive(Clone, Debug, PartialEq)]
pub enum WorldError {
    Log(LogError),
    Producer(ProducerError),
    UnknownProducer { name: String },
    ProducerExists { name: String },
    UnknownSink { name: String },
    SinkExists { name: String },
    Cluster(ClusterError),
}

impl fmt::Display for WorldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorldError::Log(error) => write!(f, "{error}"),
            WorldError::Producer(error) => write!(f, "{error}"),
            WorldError::UnknownProducer { name } => write!(f, "Producer '{name}' does not exist"),
            WorldError::ProducerExists { name } => write!(f, "Producer '{name}' already exists"),
            WorldError::UnknownSink { name } => write!(f, "Sink '{name}' does not exist"),
            WorldError::SinkExists { name } => write!(f, "Sink '{name}' already exists"),
            WorldError::Cluster(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for WorldError {}

impl From<LogError> for WorldError {
    fn from(error: LogError) -> Self {
        WorldError::Log(error)
    }
}

/// A log error stays a log error, whichever way the record went.
impl From<ClusterError> for WorldError {
    fn from(error: ClusterError) -> Self {
        match error {
            ClusterError::Log(error) => WorldError::Log(error),
            other => WorldError::Cluster(other),
        }
    }
}

impl From<ProducerError> for WorldError {
    fn from(error: ProducerError) -> Self {
        WorldError::Producer(error)
    }
}

/// What one `step` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepReport {
    pub appended: u64,
    pub consumed: u64,
    pub maintenance: MaintenanceReport,
}

pub struct World {
    clock: VirtualClock,
    log: Log,
    rng: ChaCha8Rng,
    /// In the order added, which is also the order same-millisecond events are appended in.
    producers: Vec<Producer>,
    sinks: Vec<Sink>,
    processors: Vec<Box<dyn StreamProcessor>>,
    /// The ksqlDB-dialect engine: its persistent and push queries run at every tick.
    engine: Engine,
    /// Brokers and replication around the log (`crate::cluster`); with its default
    /// replication factor 1 every send is committed at once, as the bare log would.
    cluster: Cluster,
    /// Kafka Connect and the database and files around Kafka (`crate::connect`).
    connect: Connect,
    /// The last error a running query hit while processing (shown to the learner, never a panic).
    last_query_error: Option<SqlError>,
    /// Bumped by every change, so a UI can skip redrawing when nothing moved.
    generation: u64,
    /// The batch-vs-stream race, when one runs (see [`race`]).
    race: Option<race::Race>,
    /// The events of one tick: one producer's, then everyone's with the producer's index
    /// (kept to reuse their allocations: see `produce_until`).
    scheduled: Vec<Scheduled>,
    due: Vec<(usize, Scheduled)>,
}

impl fmt::Debug for World {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("World")
            .field("now_ms", &self.clock.now())
            .field("generation", &self.generation)
            .field("n_topics", &self.log.topics().count())
            .field("producers", &self.producers.iter().map(Producer::name).collect::<Vec<_>>())
            .field("sinks", &self.sinks.iter().map(Sink::name).collect::<Vec<_>>())
            .field("processors", &self.processors.iter().map(|p| p.name()).collect::<Vec<_>>())
            .finish()
    }
}

impl World {
    /// An empty world whose clock reads [`EPOCH_MS`].
    pub fn new(seed: u64) -> Self {
        World {
            clock: VirtualClock::starting_at(EPOCH_MS),
            log: Log::new(),
            rng: ChaCha8Rng::seed_from_u64(seed),
            producers: Vec::new(),
            sinks: Vec::new(),
            processors: Vec::new(),
            engine: live_engine(),
            cluster: Cluster::default(),
            connect: Connect::default(),
            last_query_error: None,
            generation: 0,
            race: None,
            scheduled: Vec::new(),
            due: Vec::new(),
        }
    }

    pub fn now_ms(&self) -> Millis {
        self.clock.now()
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn log(&self) -> &Log {
        &self.log
    }

    /// Direct access for lessons and the engine (creating topics, joining groups). Counts as a
    /// change for the UI.
    pub fn log_mut(&mut self) -> &mut Log {
        self.generation += 1;
        &mut self.log
    }

    // ---- Producers --------------------------------------------------------------------------

    /// Adds a stopped producer of `kind` named after it, creating its topics if missing and
    /// writing its initial records (e.g. the users table). Returns the producer's name.
    pub fn add_producer(&mut self, kind: ScenarioKind, events_per_second: f64) -> Result<String, WorldError> {
        let name = kind.name();
        if self.producers.iter().any(|p| p.name() == name) {
            return Err(WorldError::ProducerExists { name: name.to_string() });
        }
        let mut producer = Producer::new(name, kind, self.rng.next_u64(), events_per_second)?;
        for (topic, config) in producer.topics() {
            if !self.log.has_topic(topic) {
                self.log.create_topic(topic, config)?;
            }
        }
        let now_ms = self.now_ms();
        let acks = self.cluster.producer_acks(name);
        for emitted in producer.initial_records(now_ms) {
            self.cluster.produce(&mut self.log, emitted.topic, emitted.record, acks, now_ms)?;
        }
        self.producers.push(producer);
        self.generation += 1;
        Ok(name.to_string())
    }

    pub fn remove_producer(&mut self, name: &str) -> Result<(), WorldError> {
        let index = self.producer_index(name)?;
        self.producers.remove(index);
        self.generation += 1;
        Ok(())
    }

    pub fn producer(&self, name: &str) -> Result<&Producer, WorldError> {
        self.producers.iter().find(|p| p.name() == name).ok_or_else(|| unknown_producer(name))
    }

    pub fn producers(&self) -> &[Producer] {
        &self.producers
    }

    fn producer_mut(&mut self, name: &str) -> Result<&mut Producer, WorldError> {
        self.generation += 1;
        self.producers.iter_mut().find(|p| p.name() == name).ok_or_else(|| unknown_producer(name))
    }

    fn producer_index(&self, name: &str) -> Result<usize, WorldError> {
        self.producers.iter().position(|p| p.name() == name).ok_or_else(|| unknown_producer(name))
    }

    pub fn start_producer(&mut self, name: &str) -> Result<(), WorldError> {
        self.producer_mut(name)?.start();
        Ok(())
    }

    pub fn stop_producer(&mut self, name: &str) -> Result<(), WorldError> {
        self.producer_mut(name)?.stop();
        Ok(())
    }

    pub fn set_producer_rate(&mut self, name: &str, events_per_second: f64) -> Result<(), WorldError> {
        Ok(self.producer_mut(name)?.set_events_per_second(events_per_second)?)
    }

    pub fn set_producer_key_space(&mut self, name: &str, key_space: u32) -> Result<(), WorldError> {
        self.producer_mut(name)?.set_key_space(key_space);
        Ok(())
    }

    pub fn set_producer_lateness(&mut self, name: &str, lateness: Lateness) -> Result<(), WorldError> {
        self.producer_mut(name)?.set_lateness(lateness);
        Ok(())
    }

    /// Produce-one-by-hand: the producer's next event, appended now.
    pub fn produce_one(&mut self, name: &str) -> Result<Vec<RecordMetadata>, WorldError> {
        let now_ms = self.now_ms();
        let events = self.producer_mut(name)?.produce_one(now_ms);
        let acks = self.cluster.producer_acks(name);
        events.into_iter().map(|e| self.send(e.topic, e.record, acks, now_ms)).collect()
    }

    /// A scenario action (fraud burst, user level change); its events arrive as time passes.
    pub fn inject(&mut self, name: &str, injection: &Injection) -> Result<(), WorldError> {
        let now_ms = self.now_ms();
        Ok(self.producer_mut(name)?.inject(injection, now_ms)?)
    }

    /// Appends a record by hand (a learner typing key and value).
    pub fn produce(&mut self, topic: &str, record: ProducerRecord) -> Result<RecordMetadata, WorldError> {
        self.generation += 1;
        let now_ms = self.now_ms();
        let acks = self.cluster.producer_acks(CONSOLE_PRODUCER);
        self.send(topic, record, acks, now_ms)
    }

    /// A send through the cluster, answered as the producer's callback would be: the offset the
    /// leader gave, or the error; an acks=0 send that reached no leader is an error here too.
    fn send(&mut self, topic: &str, record: ProducerRecord, acks: Acks, now_ms: Millis) -> Result<RecordMetadata, WorldError> {
        let timestamp = record.timestamp.unwrap_or(now_ms);
        let outcome = self.cluster.produce(&mut self.log, topic, record, acks, now_ms)?;
        let offset = outcome.offset.ok_or_else(|| {
            WorldError::Cluster(ClusterError::LeaderNotAvailable { topic: topic.to_string(), partition: outcome.partition })
        })?;
        Ok(RecordMetadata { partition: outcome.partition, offset, timestamp })
    }

    // ---- Sinks and groups -------------------------------------------------------------------

    /// Adds a sink: a consumer application in its own group (named like the sink) that reads
    /// `topics` at up to `records_per_second` (`None`: as fast as records arrive) and commits
    /// after every poll.
    pub fn add_sink(
        &mut self,
        name: &str,
        topics: &[&str],
        records_per_second: Option<f64>,
        auto_offset_reset: OffsetReset,
    ) -> Result<(), WorldError> {
        if self.sinks.iter().any(|s| s.name() == name) {
            return Err(WorldError::SinkExists { name: name.to_string() });
        }
        let sink = Sink::new(name, topics, records_per_second)?;
        let config = GroupConfig { auto_offset_reset, enable_auto_commit: false, ..GroupConfig::default() };
        self.log.join_group(sink.group(), sink.member(), topics, config)?;
        self.sinks.push(sink);
        self.generation += 1;
        Ok(())
    }

    /// Removes a sink; its group stays (with its committed offsets), as in Kafka.
    pub fn remove_sink(&mut self, name: &str) -> Result<(), WorldError> {
        let index = self.sinks.iter().position(|s| s.name() == name).ok_or_else(|| unknown_sink(name))?;
        let sink = self.sinks.remove(index);
        self.log.leave_group(sink.group(), sink.member())?;
        self.generation += 1;
        Ok(())
    }

    pub fn sinks(&self) -> &[Sink] {
        &self.sinks
    }

    pub fn sink(&self, name: &str) -> Result<&Sink, WorldError> {
        self.sinks.iter().find(|s| s.name() == name).ok_or_else(|| unknown_sink(name))
    }

    /// Outage injection: the group's members stop receiving records (a sink gone offline)
    /// while producers carry on, so its lag grows.
    pub fn pause_group(&mut self, group: &str) -> Result<(), WorldError> {
        self.generation += 1;
        Ok(self.log.pause_group(group)?)
    }

    /// Ends the outage: the group reads from where it committed, and its lag drains.
    pub fn resume_group(&mut self, group: &str) -> Result<(), WorldError> {
        self.generation += 1;
        Ok(self.log.resume_group(group)?)
    }

    // ---- Stream processors (the SQL engine) --------------------------------------------------

    pub fn add_processor(&mut self, processor: Box<dyn StreamProcessor>) {
        self.processors.push(processor);
        self.generation += 1;
    }

    pub fn processors(&self) -> impl Iterator<Item = &dyn StreamProcessor> {
        self.processors.iter().map(|p| p.as_ref())
    }

    // ---- Streaming SQL ----------------------------------------------------------------------

    /// Runs a script as a live ksqlDB server would, at the current virtual time: each statement
    /// sees the output of the queries before it. Results of statements before an error are kept.
    pub fn execute_sql(&mut self, sql: &str) -> ScriptOutcome {
        let now_ms = self.now_ms();
        let outcome = crate::connect::execute_script(&mut self.engine, &mut self.connect, &mut self.log, now_ms, sql)
            .unwrap_or_else(|| self.engine.execute_script_live(&mut self.log, now_ms, sql));
        self.generation += 1;
        outcome
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn engine_mut(&mut self) -> &mut Engine {
        self.generation += 1;
        &mut self.engine
    }

    /// The last error a running query hit, cleared by [`World::take_query_error`].
    pub fn take_query_error(&mut self) -> Option<SqlError> {
        self.last_query_error.take()
    }

    fn has_readers(&self) -> bool {
        !self.sinks.is_empty()
            || !self.processors.is_empty()
            || !self.engine.query_ids().is_empty()
            || !self.engine.push_query_ids().is_empty()
            || self.race.is_some()
            || self.cluster.needs_ticks()
            || !self.connect.is_empty()
    }

    // ---- Time ---------------------------------------------------------------------------------

    /// Advances virtual time by `dt_ms` (negative is ignored, at most [`MAX_STEP_MS`]): producers emit what falls due,
    /// and at every tick sinks and processors run; every second retention and compaction run.
    pub fn step(&mut self, dt_ms: Millis) -> StepReport {
        let mut report = StepReport::default();
        let target_ms = self.now_ms().saturating_add(dt_ms.clamp(0, MAX_STEP_MS));
        // With nobody reading, ticks change nothing: stride from one maintenance to the next
        // (the log is the same either way, since producers do not depend on chunking).
        let stride_ms = if self.has_readers() { TICK_MS } else { MAINTENANCE_INTERVAL_MS };
        while self.now_ms() < target_ms {
            let now_ms = self.now_ms();
            let next_tick_ms = now_ms.div_euclid(stride_ms).saturating_add(1).saturating_mul(stride_ms);
            let until_ms = next_tick_ms.min(target_ms);
            report.appended += self.produce_until(now_ms, until_ms);
            self.clock.advance(until_ms - now_ms);
            if until_ms == next_tick_ms {
                report.consumed += self.run_tick(until_ms);
                if until_ms.rem_euclid(MAINTENANCE_INTERVAL_MS) == 0 {
                    let maintenance = self.log.run_maintenance(until_ms);
                    report.maintenance.deleted_segments += maintenance.deleted_segments;
                    report.maintenance.deleted_records += maintenance.deleted_records;
                    report.maintenance.compacted_partitions += maintenance.compacted_partitions;
                    report.maintenance.compacted_records += maintenance.compacted_records;
                }
            }
        }
        self.generation += 1;
        report
    }

    /// Appends every producer's events arriving in `(from_ms, to_ms]`, in arrival order; events
    /// of the same millisecond go in producer order.
    fn produce_until(&mut self, from_ms: Millis, to_ms: Millis) -> u64 {
        // Runs every tick: one buffer, reused; a producer's own events come in arrival order,
        // so a sort is needed only when several producers have events.
        let mut due = std::mem::take(&mut self.due);
        for (index, producer) in self.producers.iter_mut().enumerate() {
            producer.events_into(from_ms, to_ms, &mut self.scheduled);
            // Most ticks have nothing: an empty drain still costs its bookkeeping.
            if !self.scheduled.is_empty() {
                due.extend(self.scheduled.drain(..).map(|event| (index, event)));
            }
        }
        if due.is_empty() {
            self.due = due;
            return 0;
        }
        // Stable: a producer's own events keep their order.
        if !due.is_sorted_by_key(|(index, event)| (event.arrival_ms, *index)) {
            due.sort_by_key(|(index, event)| (event.arrival_ms, *index));
        }
        let mut n_appended = 0;
        for (index, Scheduled { arrival_ms, emitted }) in due.drain(..) {
            // A producer's topic may have been deleted by the learner, or its partition be
            // offline: the record is dropped, as a real producer's send would fail.
            let acks = self.producers.get(index).map_or(Acks::All, |p| self.cluster.producer_acks(p.name()));
            if self.cluster.produce(&mut self.log, emitted.topic, emitted.record, acks, arrival_ms).is_ok() {
                n_appended += 1;
            }
        }
        self.due = due;
        n_appended
    }

    fn run_tick(&mut self, now_ms: Millis) -> u64 {
        let mut consumed = 0;
        // Followers fetch first, so what they commit is readable in the same tick.
        self.cluster.tick(&mut self.log, now_ms);
        consumed += self.connect.tick(&mut self.log, &mut self.cluster, now_ms);
        for sink in &mut self.sinks {
            consumed += sink.consume(&mut self.log, now_ms);
        }
        for processor in &mut self.processors {
            processor.process(&mut self.log, now_ms);
        }
        if let Err(error) = self.engine.run_until_idle(&mut self.log, now_ms) {
            self.last_query_error = Some(error);
        }
        if let Some(race) = &mut self.race {
            race.on_tick(&mut self.log, now_ms);
        }
        consumed
    }
}

/// The client name of records typed by hand (its `acks` can be set like a producer's).
pub const CONSOLE_PRODUCER: &str = "console-producer";

impl World {
    // ---- Brokers and replication (`crate::cluster`) ---------------------------------------------

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Direct access (settings, acks); counts as a change for the UI.
    pub fn cluster_mut(&mut self) -> &mut Cluster {
        self.generation += 1;
        &mut self.cluster
    }

    /// Takes a broker down now: partitions it led elect new leaders (or go offline).
    pub fn fail_broker(&mut self, broker: BrokerId) -> Result<(), WorldError> {
        self.generation += 1;
        let now_ms = self.now_ms();
        Ok(self.cluster.fail_broker(&mut self.log, broker, now_ms)?)
    }

    /// Brings a broker back: it truncates to the high watermark it knew and catches up.
    pub fn restore_broker(&mut self, broker: BrokerId) -> Result<(), WorldError> {
        self.generation += 1;
        let now_ms = self.now_ms();
        Ok(self.cluster.restore_broker(&mut self.log, broker, now_ms)?)
    }

    pub fn connect(&self) -> &Connect {
        &self.connect
    }

    /// Connectors, the database and the files; counts as a change for the UI. Methods that need
    /// the log (creating a sink, restarting, resetting) are on the world below.
    pub fn connect_mut(&mut self) -> &mut Connect {
        self.generation += 1;
        &mut self.connect
    }

    /// Restarts a paused or failed connector (a sink resumes from its committed offsets).
    pub fn resume_connector(&mut self, name: &str) -> Result<(), crate::connect::ConnectError> {
        self.generation += 1;
        self.connect.resume(&mut self.log, name)
    }

    /// Replays a sink from `offset` (or rewinds a source).
    pub fn reset_connector(&mut self, name: &str, offset: u64) -> Result<(), crate::connect::ConnectError> {
        self.generation += 1;
        self.connect.reset_offsets(&mut self.log, name, offset)
    }

    /// Sets a topic's replication factor, `min.insync.replicas` and unclean election.
    pub fn set_topic_replication(&mut self, topic: &str, replication: TopicReplication) -> Result<(), WorldError> {
        self.generation += 1;
        let now_ms = self.now_ms();
        Ok(self.cluster.set_topic_replication(&self.log, topic, replication, now_ms)?)
    }
}

/// An engine whose push queries stay open, as a live ksqlDB server's do.
fn live_engine() -> Engine {
    let mut engine = Engine::new();
    engine.keep_push_queries_open = true;
    engine
}

fn unknown_producer(name: &str) -> WorldError {
    WorldError::UnknownProducer { name: name.to_string() }
}

fn unknown_sink(name: &str) -> WorldError {
    WorldError::UnknownSink { name: name.to_string() }
}

#[cfg(test)]
mod tests;
