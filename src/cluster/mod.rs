//! A simulated Kafka cluster around the log: brokers, replicated partitions with a leader,
//! followers and an in-sync replica set (ISR), producer `acks`, `min.insync.replicas`, broker
//! failure and return, leader election (clean or unclean) and the high watermark.
//!
//! How it sits on the log: the `Log` partition is the **committed** prefix of the leader's log,
//! `[log start, high watermark)`, so every existing reader (consumer groups, sinks, the SQL
//! engine, the UI) reads only committed records without knowing about replication. The leader's
//! records above the high watermark, and each replica's log end offset, live here. A record
//! sent through [`Cluster::produce`] goes to the leader's tail; followers fetch once per tick
//! ([`Cluster::tick`]); when every ISR member has it, it is appended to the `Log` and acks=all
//! producers are answered.
//!
//! With replication factor 1 (Kafka's `default.replication.factor`, and this cluster's default)
//! the ISR is the leader alone, so every send is committed at once with the same offset and
//! timestamp the bare log would give: worlds that never touch replication behave exactly as
//! before.
//!
//! Where we differ from Kafka: brokers fail by a click and the controller notices at once;
//! replication counts records, not bytes; records the SQL engine appends straight to the log
//! (persistent queries' sink topics, INSERT VALUES) count as replicated at once; a consumer
//! whose position was truncated away by an unclean election resets by `auto.offset.reset`
//! (a real consumer detects the truncation through leader epochs).
//!
//! **Invariant:** for every tracked partition, high watermark = the `Log`'s end offset ≤ the
//! leader's end offset, and every live in-sync replica holds at least the high watermark.
//! **Invariant:** with acks=all and `min.insync.replicas` ≥ 2, no acknowledged record is lost
//! through one broker failure (`tests/cluster_properties.rs`).

mod acks;
mod broker;
mod election;
mod error;
mod journal;
mod partition_state;
mod placement;
mod replication;
pub mod view;

pub use acks::{Ack, Acks, LossReason, LostRecord, ProduceOutcome, WriteId};
pub use broker::Broker;
pub use error::ClusterError;
pub use journal::ClusterEvent;
pub use partition_state::PartitionStats;

use crate::clock::Millis;
use crate::log::{CleanupPolicy, Log, LogError, LogVersion, ProducerRecord, Topic};
use journal::Journal;
use partition_state::{PartitionState, PendingRecord};
use replication::FetchLimits;
use std::collections::BTreeMap;

/// Brokers are numbered from 1.
pub type BrokerId = u32;

/// Cluster-wide settings, with Kafka's names and defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterConfig {
    pub n_brokers: u32,
    /// `default.replication.factor` for topics nobody configured (Kafka's default is 1).
    pub default_replication_factor: u32,
    /// `min.insync.replicas` for topics nobody configured (Kafka's default is 1).
    pub default_min_insync_replicas: u32,
    /// `replica.lag.time.max.ms`: a follower not caught up for longer leaves the ISR (30 s).
    pub replica_lag_time_max_ms: Millis,
    /// Records one follower fetch may copy (Kafka limits bytes: `replica.fetch.max.bytes`).
    pub replica_fetch_max_records: usize,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            n_brokers: 3,
            default_replication_factor: 1,
            default_min_insync_replicas: 1,
            replica_lag_time_max_ms: 30_000,
            replica_fetch_max_records: 500,
        }
    }
}

/// A topic's replication settings: its replication factor, and the topic configs
/// `min.insync.replicas` and `unclean.leader.election.enable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopicReplication {
    pub replication_factor: u32,
    pub min_insync_replicas: u32,
    pub unclean_leader_election: bool,
}

#[derive(Clone, Debug)]
struct TopicState {
    replication: TopicReplication,
    /// Placement order of the topic, which spreads its leaders.
    index: u32,
    partitions: Vec<PartitionState>,
    /// The topic's `changes()` when the cluster last tracked it: while they stay the same,
    /// there is nothing new to track.
    seen_changes: Option<u64>,
}

/// What election and replication work with for one topic.
pub(crate) struct Ctx<'a> {
    pub(crate) topic: &'a str,
    pub(crate) replication: TopicReplication,
    pub(crate) log: &'a mut Log,
    pub(crate) journal: &'a mut Journal,
    pub(crate) brokers: &'a [Broker],
    pub(crate) now_ms: Millis,
}

impl Ctx<'_> {
    pub(crate) fn is_up(&self, broker: BrokerId) -> bool {
        self.brokers.iter().any(|b| b.id == broker && b.up)
    }

    pub(crate) fn event(&mut self, message: String) {
        self.journal.event(self.now_ms, message);
    }
}

#[derive(Clone, Debug)]
pub struct Cluster {
    config: ClusterConfig,
    brokers: Vec<Broker>,
    topics: BTreeMap<String, TopicState>,
    n_topics_placed: u32,
    /// `acks` per producer (client) name; unlisted clients use acks=all, Kafka's default.
    producer_acks: BTreeMap<String, Acks>,
    next_write_id: WriteId,
    journal: Journal,
    /// The log's topics this cluster last paired its own with by name: while the log's
    /// `topics_version` stays this, they pair by position (see [`Cluster::reconcile`]).
    paired_at: Option<LogVersion>,
    /// Set while there is nothing to replicate (see [`Quiet`]).
    quiet: Option<Quiet>,
    /// What each live broker may still copy in the current tick (kept to reuse its allocation).
    budgets: Vec<(BrokerId, usize)>,
}

/// A cluster with nothing to replicate: every partition has a leader, a single replica and
/// nothing pending (replication factor 1, the default). A tick of it only tracks what was
/// appended to the log directly; all else it would do is stamp each leader's catch-up time and
/// each live broker's throttle clock with the tick's time. Those stamps are owed instead, and
/// [`Cluster::wake`] pays them before anything that reads them or ends the quiet, so a quiet
/// tick costs a look at the log's version and the world behaves exactly as if every tick ran.
#[derive(Clone, Copy, Debug)]
struct Quiet {
    /// The log version the cluster last tracked.
    seen: LogVersion,
    /// The time of the last tick whose stamps are owed.
    owed_ms: Option<Millis>,
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster::new(ClusterConfig::default())
    }
}

impl Cluster {
    pub fn new(config: ClusterConfig) -> Self {
        let n_brokers = config.n_brokers.max(1);
        Cluster {
            brokers: (1..=n_brokers).map(Broker::new).collect(),
            config: ClusterConfig { n_brokers, ..config },
            topics: BTreeMap::new(),
            n_topics_placed: 0,
            producer_acks: BTreeMap::new(),
            next_write_id: 0,
            journal: Journal::default(),
            paired_at: None,
            quiet: None,
            budgets: Vec::new(),
        }
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    pub fn brokers(&self) -> &[Broker] {
        &self.brokers
    }

    pub fn is_broker_up(&self, broker: BrokerId) -> bool {
        self.brokers.iter().any(|b| b.id == broker && b.up)
    }

    /// Events, oldest first (bounded).
    pub fn events(&self) -> impl DoubleEndedIterator<Item = &ClusterEvent> {
        self.journal.events.iter()
    }

    /// Records lost, oldest first (bounded; the totals below are not).
    pub fn lost_records(&self) -> impl DoubleEndedIterator<Item = &LostRecord> {
        self.journal.lost.iter()
    }

    /// Lost records the producer had been told were written (acks=0/1, or unclean elections).
    pub fn n_lost_acknowledged(&self) -> u64 {
        self.journal.n_lost_acknowledged
    }

    pub fn n_lost_unacknowledged(&self) -> u64 {
        self.journal.n_lost_unacknowledged
    }

    /// Acknowledgements since the last call, oldest first (at most the last 10 000).
    pub fn take_acks(&mut self) -> Vec<Ack> {
        self.journal.acks.drain(..).collect()
    }

    pub fn producer_acks(&self, client: &str) -> Acks {
        self.producer_acks.get(client).copied().unwrap_or_default()
    }

    pub fn set_producer_acks(&mut self, client: &str, acks: Acks) {
        self.producer_acks.insert(client.to_string(), acks);
    }

    /// The replication settings a topic has (or would get on first sight).
    pub fn topic_replication(&self, topic: &str) -> TopicReplication {
        self.topics.get(topic).map_or_else(|| self.default_replication(), |t| t.replication)
    }

    fn default_replication(&self) -> TopicReplication {
        TopicReplication {
            replication_factor: self.config.default_replication_factor.clamp(1, self.config.n_brokers),
            min_insync_replicas: self.config.default_min_insync_replicas.max(1),
            unclean_leader_election: false,
        }
    }

    /// Sets `default.replication.factor` and `min.insync.replicas` for topics seen from now on.
    pub fn set_defaults(&mut self, replication_factor: u32, min_insync_replicas: u32) -> Result<(), ClusterError> {
        check_replication(&self.config, "(default)", replication_factor, min_insync_replicas)?;
        self.wake();
        self.config.default_replication_factor = replication_factor;
        self.config.default_min_insync_replicas = min_insync_replicas;
        Ok(())
    }

    /// Changes a topic's replication (a partition reassignment plus `kafka-configs --alter`).
    /// New replicas start empty, out of the ISR (unless there is nothing to copy), and copy the
    /// log before they join it; removed
    /// replicas are dropped (the leader stays if it is kept).
    pub fn set_topic_replication(&mut self, log: &Log, topic: &str, replication: TopicReplication, now_ms: Millis) -> Result<(), ClusterError> {
        check_replication(&self.config, topic, replication.replication_factor, replication.min_insync_replicas)?;
        self.reconcile(log, now_ms);
        let n_brokers = self.config.n_brokers;
        let Cluster { topics, brokers, journal, .. } = self;
        let state = topics.get_mut(topic).ok_or_else(|| ClusterError::Log(LogError::UnknownTopic { topic: topic.to_string() }))?;
        state.replication = replication;
        for ps in &mut state.partitions {
            let wanted = placement::assign_replicas(state.index, ps.id, replication.replication_factor, n_brokers);
            let log_start = log.log_start_offset(topic, ps.id).unwrap_or(0);
            // Keep the current leader among the replicas when it is still wanted or there is room.
            let mut brokers_wanted: Vec<BrokerId> = Vec::new();
            if let Some(leader) = ps.leader {
                brokers_wanted.push(leader);
            }
            for b in wanted {
                if brokers_wanted.len() < replication.replication_factor as usize && !brokers_wanted.contains(&b) {
                    brokers_wanted.push(b);
                }
            }
            ps.replicas.retain(|r| brokers_wanted.contains(&r.broker));
            ps.isr.retain(|b| brokers_wanted.contains(b));
            let leader_leo = ps.leader_leo();
            for &b in &brokers_wanted {
                if ps.replica(b).is_none() {
                    let up = brokers.iter().any(|x| x.id == b && x.up);
                    // Nothing to copy (an empty log): the new replica is in sync at once.
                    if up && ps.leader.is_some() && log_start >= leader_leo {
                        ps.isr.push(b);
                    }
                    ps.replicas.push(partition_state::ReplicaState {
                        broker: b,
                        leo: log_start,
                        known_leo: log_start,
                        last_caught_up_ms: now_ms,
                        truncate_on_return: (!up).then_some(log_start),
                    });
                }
            }
        }
        journal.event(
            now_ms,
            format!(
                "{topic}: replication.factor={}, min.insync.replicas={}, unclean.leader.election.enable={}",
                replication.replication_factor, replication.min_insync_replicas, replication.unclean_leader_election
            ),
        );
        Ok(())
    }

    /// Limits how fast a broker copies from leaders (`None`: no limit), so its replicas fall
    /// behind and, after `replica.lag.time.max.ms`, out of the ISR.
    pub fn set_broker_throttle(&mut self, broker: BrokerId, records_per_second: Option<u32>) -> Result<(), ClusterError> {
        // The ticks owed so far ran at the old rate.
        self.wake();
        let n_brokers = self.config.n_brokers;
        let b = self.brokers.iter_mut().find(|b| b.id == broker).ok_or(ClusterError::UnknownBroker { broker, n_brokers })?;
        b.fetch_records_per_second = records_per_second;
        Ok(())
    }

    /// Whether time must pass in ticks for the cluster (something replicates or waits).
    pub fn needs_ticks(&self) -> bool {
        self.topics.values().any(|t| {
            t.replication.replication_factor > 1 || t.partitions.iter().any(|p| p.leader.is_none() || !p.pending.is_empty())
        })
    }

    // ---- Produce ------------------------------------------------------------------------------

    /// A producer's send: chooses the partition as the client would, then asks its leader.
    /// Refused with `LeaderNotAvailable` (offline partition) or `NotEnoughReplicas` (acks=all and
    /// an ISR below `min.insync.replicas`). With the ISR the leader alone, the record is
    /// committed at once; otherwise it waits above the high watermark for the followers.
    pub fn produce(&mut self, log: &mut Log, topic: &str, mut record: ProducerRecord, acks: Acks, now_ms: Millis) -> Result<ProduceOutcome, ClusterError> {
        // Runs per record: the topic is looked up by name once in the log (`t` appends too) and,
        // unless it is new to the cluster, once in the cluster.
        let version_before = log.version();
        let t = match log.topic_mut(topic) {
            Ok(t) => t,
            Err(error) => {
                self.topics.remove(topic);
                return Err(error.into());
            }
        };
        let n_brokers = self.config.n_brokers;
        let state = match self.topics.get_mut(topic) {
            Some(state) if state.partitions.len() == t.partitions().len() => state,
            _ => {
                // A topic or partitions first seen here may need replicating, or have no
                // leader: the quiet ends. (Otherwise this send stamps its partition's leader
                // now, which no owed stamp is later than.)
                self.wake();
                let default_replication = self.default_replication();
                track_topic(&mut self.topics, &mut self.n_topics_placed, default_replication, &*t)
                    .ok_or_else(|| ClusterError::Log(LogError::UnknownTopic { topic: topic.to_string() }))?
            }
        };
        // Unless the topic changed since the cluster last tracked it (other than by the
        // `topic_mut` above), there is nothing to track.
        if state.seen_changes != Some(t.changes().wrapping_sub(1)) {
            reconcile_partitions(state, t, &self.brokers, n_brokers, now_ms);
        }
        state.seen_changes = Some(t.changes());
        let Cluster { journal, next_write_id, quiet, .. } = self;
        if t.config().cleanup_policy == CleanupPolicy::Compact && record.key.is_none() {
            return Err(ClusterError::Log(LogError::InvalidRecord {
                topic: topic.to_string(),
                message: "a compacted topic cannot accept a record without a key".to_string(),
            }));
        }
        let partition = t.choose_partition(&record)?;
        record.partition = Some(partition);
        let write_id = *next_write_id;
        *next_write_id += 1;
        let min_insync = state.replication.min_insync_replicas;
        let ps = state
            .partitions
            .get_mut(partition as usize)
            .ok_or_else(|| ClusterError::Log(LogError::UnknownPartition { topic: topic.to_string(), partition, n_partitions: 0 }))?;
        if ps.leader.is_none() {
            if acks == Acks::None {
                ps.stats.acknowledged += 1;
                ps.stats.lost_acknowledged += 1;
                journal.lose(LostRecord {
                    at_ms: now_ms,
                    topic: topic.to_string(),
                    partition,
                    offset: None,
                    key: record.key,
                    value: record.value,
                    acknowledged: true,
                    acks: Some(acks),
                    reason: LossReason::NoLeader,
                });
                return Ok(ProduceOutcome { write_id, partition, offset: None, acknowledged: true });
            }
            ps.stats.refused += 1;
            return Err(ClusterError::LeaderNotAvailable { topic: topic.to_string(), partition });
        }
        if acks == Acks::All && (ps.isr.len() as u32) < min_insync {
            ps.stats.refused += 1;
            return Err(ClusterError::NotEnoughReplicas { topic: topic.to_string(), partition, isr: ps.isr.len(), min_insync_replicas: min_insync });
        }
        if ps.isr.len() <= 1 && ps.pending.is_empty() {
            // The ISR is the leader alone: the high watermark moves with the append.
            let metadata = t.append(record, now_ms)?;
            ps.high_watermark = metadata.offset.saturating_add(1);
            ps.sync_leader(now_ms);
            ps.stats.acknowledged += 1;
            journal.ack(Ack { write_id, topic: String::new(), partition, offset: metadata.offset, acks }, topic);
            // The cluster holds what the log does again if it did before this send: the next
            // tick need not look.
            if let Some(quiet) = quiet.as_mut().filter(|quiet| quiet.seen == version_before) {
                quiet.seen = log.version();
            }
            return Ok(ProduceOutcome { write_id, partition, offset: Some(metadata.offset), acknowledged: true });
        }
        record.timestamp = Some(record.timestamp.unwrap_or(now_ms));
        let offset = ps.leader_leo();
        let acknowledged = acks != Acks::All;
        if acknowledged {
            ps.stats.acknowledged += 1;
            journal.ack(Ack { write_id, topic: String::new(), partition, offset, acks }, topic);
        }
        ps.pending.push_back(PendingRecord { write_id, record, acks, acknowledged });
        ps.sync_leader(now_ms);
        Ok(ProduceOutcome { write_id, partition, offset: Some(offset), acknowledged })
    }

    // ---- Time ---------------------------------------------------------------------------------

    /// One tick: offline partitions try an election, followers fetch, ISRs change, high
    /// watermarks advance and commit records into the `Log`.
    pub fn tick(&mut self, log: &mut Log, now_ms: Millis) {
        if let Some(quiet) = self.quiet {
            // Runs every 100 ms tick: with nothing to replicate, only direct appends are
            // tracked, and only when the log changed.
            let version = log.version();
            if quiet.seen == version || !self.track(log, now_ms) {
                self.quiet = Some(Quiet { seen: version, owed_ms: Some(now_ms) });
                return;
            }
            // A topic or partition came or went: pay what is owed, then a full tick.
        }
        self.reconcile(log, now_ms);
        let limits = FetchLimits {
            max_records_per_fetch: self.config.replica_fetch_max_records.max(1),
            replica_lag_time_max_ms: self.config.replica_lag_time_max_ms,
        };
        let Cluster { topics, brokers, journal, budgets, .. } = self;
        budgets.clear();
        for broker in brokers.iter_mut().filter(|b| b.up) {
            budgets.push((broker.id, broker.fetch_budget(now_ms, usize::MAX)));
        }
        for (name, state) in topics.iter_mut() {
            let mut ctx = Ctx { topic: name, replication: state.replication, log: &mut *log, journal: &mut *journal, brokers, now_ms };
            for ps in &mut state.partitions {
                if ps.leader.is_none() {
                    election::elect(ps, &mut ctx, "an eligible replica is alive");
                }
                replication::replicate(ps, &mut ctx, budgets, &limits);
            }
        }
        let quiet = self.topics.values().flat_map(|t| &t.partitions).all(PartitionState::is_quiet);
        self.quiet = quiet.then_some(Quiet { seen: log.version(), owed_ms: None });
    }

    /// Pays the stamps quiet ticks owe (see [`Quiet`]) and ends the quiet: called first by
    /// everything that changes brokers or replication, or reads what the stamps feed.
    fn wake(&mut self) {
        let Some(Quiet { owed_ms: Some(at_ms), .. }) = self.quiet.take() else { return };
        // A throttle clock advanced tick by tick ends where one call at the last tick puts it.
        for broker in self.brokers.iter_mut().filter(|b| b.up) {
            broker.fetch_budget(at_ms, usize::MAX);
        }
        for ps in self.topics.values_mut().flat_map(|t| &mut t.partitions) {
            ps.catch_up_leader(at_ms);
        }
    }

    // ---- Brokers ------------------------------------------------------------------------------

    /// Takes a broker down (a crash): its replicas stop, partitions it led elect a new leader.
    pub fn fail_broker(&mut self, log: &mut Log, broker: BrokerId, now_ms: Millis) -> Result<(), ClusterError> {
        self.set_broker_up(log, broker, false, now_ms)
    }

    /// Brings a broker back: its replicas truncate to the high watermark they knew and catch up.
    pub fn restore_broker(&mut self, log: &mut Log, broker: BrokerId, now_ms: Millis) -> Result<(), ClusterError> {
        self.set_broker_up(log, broker, true, now_ms)
    }

    fn set_broker_up(&mut self, log: &mut Log, broker: BrokerId, up: bool, now_ms: Millis) -> Result<(), ClusterError> {
        self.reconcile(log, now_ms);
        let n_brokers = self.config.n_brokers;
        let b = self.brokers.iter_mut().find(|b| b.id == broker).ok_or(ClusterError::UnknownBroker { broker, n_brokers })?;
        if b.up == up {
            return Ok(());
        }
        b.up = up;
        let Cluster { topics, brokers, journal, .. } = self;
        journal.event(now_ms, format!("broker {broker} is {}", if up { "back up" } else { "DOWN" }));
        for (name, state) in topics.iter_mut() {
            let mut ctx = Ctx { topic: name, replication: state.replication, log, journal, brokers, now_ms };
            for ps in &mut state.partitions {
                if up {
                    election::on_broker_up(ps, &mut ctx, broker);
                } else {
                    election::on_broker_down(ps, &mut ctx, broker);
                }
            }
        }
        Ok(())
    }

    // ---- Keeping up with the log ----------------------------------------------------------------

    /// Tracks topics created, grown or deleted in the `Log`, and records appended to it directly.
    pub fn reconcile(&mut self, log: &Log, now_ms: Millis) {
        self.wake();
        self.track(log, now_ms);
    }

    /// The work of [`Cluster::reconcile`]; true when a topic or partition came or went.
    fn track(&mut self, log: &Log, now_ms: Millis) -> bool {
        let topics_version = log.topics_version();
        let n_brokers = self.config.n_brokers;
        if self.paired_at == Some(topics_version) {
            // The same topics as at the last pairing, in the same (name) order: pair by position.
            let mut grew = false;
            for (state, t) in self.topics.values_mut().zip(log.topics()) {
                if state.seen_changes != Some(t.changes()) {
                    grew |= reconcile_partitions(state, t, &self.brokers, n_brokers, now_ms);
                }
            }
            return grew;
        }
        self.paired_at = Some(topics_version);
        // Both maps are ordered by name, so one walk in step pairs each log topic with its
        // state (no tree lookups): a state whose topic is gone is dropped, a topic without a
        // state gets one.
        let mut log_topics = log.topics().peekable();
        // Neither list allocates unless a topic came or went.
        let mut gone: Vec<String> = Vec::new();
        let mut new_topics: Vec<String> = Vec::new();
        let mut grew = false;
        for (name, state) in self.topics.iter_mut() {
            // Usually the same topics in both: one comparison.
            let same = log_topics.next_if(|t| t.name() == name.as_str()).or_else(|| {
                while let Some(t) = log_topics.next_if(|t| t.name() < name.as_str()) {
                    new_topics.push(t.name().to_string());
                }
                log_topics.next_if(|t| t.name() == name.as_str())
            });
            match same {
                Some(t) => grew |= reconcile_partitions(state, t, &self.brokers, n_brokers, now_ms),
                None => gone.push(name.clone()),
            }
        }
        for name in &gone {
            self.topics.remove(name);
        }
        new_topics.extend(log_topics.map(|t| t.name().to_string()));
        // Topics the cluster has not seen yet (rare: a topic's first tick).
        for name in &new_topics {
            if let Ok(t) = log.topic(name) {
                self.reconcile_log_topic(t, now_ms);
            }
        }
        grew || !gone.is_empty() || !new_topics.is_empty()
    }

    fn reconcile_log_topic(&mut self, t: &Topic, now_ms: Millis) {
        let default_replication = self.default_replication();
        let Cluster { topics, brokers, config, n_topics_placed, .. } = self;
        if let Some(state) = track_topic(topics, n_topics_placed, default_replication, t) {
            reconcile_partitions(state, t, brokers, config.n_brokers, now_ms);
        }
    }

    // ---- Reading ------------------------------------------------------------------------------

    /// The high watermark of a partition (what consumers may read up to), if tracked.
    pub fn high_watermark(&self, topic: &str, partition: u32) -> Option<u64> {
        self.partition(topic, partition).map(|p| p.high_watermark)
    }

    /// The leader's log end offset (committed plus uncommitted), if tracked.
    pub fn leader_end_offset(&self, topic: &str, partition: u32) -> Option<u64> {
        self.partition(topic, partition).map(PartitionState::leader_leo)
    }

    pub fn leader(&self, topic: &str, partition: u32) -> Option<BrokerId> {
        self.partition(topic, partition).and_then(|p| p.leader)
    }

    pub fn isr(&self, topic: &str, partition: u32) -> Vec<BrokerId> {
        self.partition(topic, partition).map(|p| p.isr.clone()).unwrap_or_default()
    }

    /// `(broker, log end offset)` of each replica, in assignment order.
    pub fn replica_end_offsets(&self, topic: &str, partition: u32) -> Vec<(BrokerId, u64)> {
        self.partition(topic, partition).map(|p| p.replicas.iter().map(|r| (r.broker, r.leo)).collect()).unwrap_or_default()
    }

    pub fn partition_stats(&self, topic: &str, partition: u32) -> Option<PartitionStats> {
        self.partition(topic, partition).map(|p| p.stats)
    }

    fn partition(&self, topic: &str, partition: u32) -> Option<&PartitionState> {
        self.topics.get(topic).and_then(|t| t.partitions.get(partition as usize))
    }
}

/// The state of a topic, placed (next in placement order) on first sight.
fn track_topic<'a>(
    topics: &'a mut BTreeMap<String, TopicState>,
    n_topics_placed: &mut u32,
    replication: TopicReplication,
    t: &Topic,
) -> Option<&'a mut TopicState> {
    // (`entry` would copy the name at every call.)
    if !topics.contains_key(t.name()) {
        let index = *n_topics_placed;
        *n_topics_placed = n_topics_placed.wrapping_add(1);
        topics.insert(t.name().to_string(), TopicState { replication, index, partitions: Vec::new(), seen_changes: None });
    }
    topics.get_mut(t.name())
}

/// Tracks the partitions of one topic: new ones get replicas, records appended to the `Log`
/// directly count as replicated. True when partitions were added.
fn reconcile_partitions(state: &mut TopicState, t: &Topic, brokers: &[Broker], n_brokers: u32, now_ms: Millis) -> bool {
    let is_up = |b: BrokerId| brokers.iter().any(|x| x.id == b && x.up);
    let n_tracked = state.partitions.len();
    state.seen_changes = Some(t.changes());
    for partition in t.partitions() {
        let end = partition.log_end_offset();
        match state.partitions.get_mut(partition.id() as usize) {
            Some(ps) => {
                if end != ps.high_watermark {
                    ps.absorb_direct_writes(end, is_up);
                    ps.sync_leader(now_ms);
                }
            }
            None => {
                let replicas = placement::assign_replicas(state.index, partition.id(), state.replication.replication_factor, n_brokers);
                state.partitions.push(PartitionState::new(partition.id(), replicas, end, now_ms, is_up));
            }
        }
    }
    state.partitions.len() != n_tracked
}

fn check_replication(config: &ClusterConfig, topic: &str, replication_factor: u32, min_insync_replicas: u32) -> Result<(), ClusterError> {
    let invalid = |message: String| Err(ClusterError::InvalidReplication { topic: topic.to_string(), message });
    if replication_factor == 0 {
        return invalid("replication.factor must be at least 1".to_string());
    }
    if replication_factor > config.n_brokers {
        return invalid(format!(
            "replication.factor {replication_factor} is larger than the number of brokers ({})",
            config.n_brokers
        ));
    }
    if min_insync_replicas == 0 {
        return invalid("min.insync.replicas must be at least 1".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
