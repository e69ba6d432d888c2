//! The topology view: producers → topics → queries → topics → consumers, with live rates and
//! lag on the edges.
//!
//! Rates come from a [`RateMeter`] the caller keeps and feeds with the world as time passes:
//! it samples counters that only grow (records produced, each topic's end offsets, what each
//! query read and wrote, each group's committed offsets) and divides their growth over the last
//! [`RATE_WINDOW_MS`] of *virtual* time. Sampling costs the number of topics, queries and
//! groups, never the number of records.

use super::World;
use crate::clock::Millis;
use std::collections::{BTreeMap, VecDeque};

/// Rates are averaged over this much virtual time.
pub const RATE_WINDOW_MS: Millis = 5_000;
/// Samples closer together than this are merged (a frame at 1× is 16 ms of virtual time).
const MIN_SAMPLE_GAP_MS: Millis = 250;

/// Counters sampled on the virtual clock; rates are their growth per virtual second.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RateMeter {
    samples: VecDeque<(Millis, BTreeMap<String, u64>)>,
}

fn producer_id(name: &str) -> String {
    format!("producer:{name}")
}
fn topic_id(name: &str) -> String {
    format!("topic:{name}")
}
fn query_id(id: &str) -> String {
    format!("query:{id}")
}
fn query_out_id(id: &str) -> String {
    format!("query-out:{id}")
}
fn group_id(name: &str) -> String {
    format!("group:{name}")
}

impl RateMeter {
    pub fn new() -> RateMeter {
        RateMeter::default()
    }

    /// Samples the world's counters, if virtual time moved enough since the last sample.
    pub fn observe(&mut self, world: &World) {
        let now_ms = world.now_ms();
        if let Some((last_ms, _)) = self.samples.back() {
            if now_ms < *last_ms {
                // The world was replaced (reset): start again.
                self.samples.clear();
            } else if now_ms - last_ms < MIN_SAMPLE_GAP_MS {
                return;
            }
        }
        let mut counters = BTreeMap::new();
        for producer in world.producers() {
            counters.insert(producer_id(producer.name()), producer.n_produced());
        }
        for topic in world.log().topics() {
            let end: u64 = topic.partitions().iter().map(|p| p.log_end_offset()).sum();
            counters.insert(topic_id(topic.name()), end);
        }
        for query in world.engine().queries() {
            counters.insert(query_id(&query.id), query.records_read);
            counters.insert(query_out_id(&query.id), query.records_written);
        }
        for group in world.log().groups() {
            let committed: u64 = group.committed_offsets().values().sum();
            counters.insert(group_id(group.id()), committed);
        }
        self.samples.push_back((now_ms, counters));
        // Keep one sample at or before the window's start, as the baseline.
        while self.samples.len() > 2 && self.samples.get(1).is_some_and(|(t, _)| now_ms - t >= RATE_WINDOW_MS) {
            self.samples.pop_front();
        }
    }

    /// Growth per virtual second of one counter (`None` until two samples exist).
    pub fn rate(&self, counter: &str) -> Option<f64> {
        let (first_ms, first) = self.samples.front()?;
        let (last_ms, last) = self.samples.back()?;
        if last_ms <= first_ms {
            return None;
        }
        let growth = last.get(counter)?.saturating_sub(first.get(counter).copied().unwrap_or(0));
        Some(growth as f64 * 1_000.0 / (last_ms - first_ms) as f64)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Producer,
    Topic,
    Query,
    Consumer,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopologyNode {
    /// `producer:NAME`, `topic:NAME`, `query:ID` or `group:NAME`.
    pub id: String,
    pub kind: NodeKind,
    pub label: String,
    /// A second line: a query's sink, a topic's partitions, a consumer's state.
    pub detail: String,
    /// The column it is drawn in: producers 0, source topics 1, then downstream.
    pub layer: usize,
    /// Records per virtual second through it (appended to a topic, produced, read).
    pub rate_per_s: Option<f64>,
    /// False for a stopped producer or an offline consumer.
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopologyEdge {
    pub from: String,
    pub to: String,
    pub rate_per_s: Option<f64>,
    /// Records of the topic the reader has not read yet (edges out of a topic).
    pub lag: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopologyView {
    pub nodes: Vec<TopologyNode>,
    pub edges: Vec<TopologyEdge>,
    pub n_layers: usize,
}

impl World {
    /// The topology now, with rates from `meter`.
    pub fn topology_view(&self, meter: &RateMeter) -> TopologyView {
        let engine = self.engine();
        let topic_of = |source: &str| engine.source(source).map(|s| s.topic.clone());
        let queries = engine.queries();
        // Layers: a topic a query writes sits one column right of that query.
        let mut topic_layer: BTreeMap<String, usize> = self.log.topics().map(|t| (t.name().to_string(), 1)).collect();
        for _ in 0..=queries.len() {
            let mut changed = false;
            for query in &queries {
                let Some(source_topic) = topic_of(&query.source) else { continue };
                let query_layer = topic_layer.get(&source_topic).copied().unwrap_or(1) + 1;
                if let Some(sink_topic) = query.sink.as_deref().and_then(topic_of) {
                    let layer = topic_layer.entry(sink_topic).or_insert(1);
                    // Bounded, so a query reading its own output cannot push columns forever.
                    if *layer < query_layer + 1 && query_layer < 2 * queries.len() + 2 {
                        *layer = query_layer + 1;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        for producer in self.producers() {
            let id = producer_id(producer.name());
            for (topic, _) in producer.topics() {
                edges.push(TopologyEdge { from: id.clone(), to: topic_id(topic), rate_per_s: meter.rate(&id), lag: None });
            }
            nodes.push(TopologyNode {
                label: producer.name().to_string(),
                detail: format!("{} ev/s", producer.events_per_second()),
                kind: NodeKind::Producer,
                layer: 0,
                rate_per_s: meter.rate(&id),
                active: producer.is_running(),
                id,
            });
        }
        for topic in self.log.topics() {
            let id = topic_id(topic.name());
            nodes.push(TopologyNode {
                label: topic.name().to_string(),
                detail: format!("{} partition{}", topic.n_partitions(), if topic.n_partitions() == 1 { "" } else { "s" }),
                kind: NodeKind::Topic,
                layer: topic_layer.get(topic.name()).copied().unwrap_or(1),
                rate_per_s: meter.rate(&id),
                active: true,
                id,
            });
        }
        for query in &queries {
            let id = query_id(&query.id);
            let source_topic = topic_of(&query.source);
            let layer = source_topic.as_ref().and_then(|t| topic_layer.get(t)).copied().unwrap_or(1) + 1;
            if let Some(topic) = &source_topic {
                edges.push(TopologyEdge {
                    from: topic_id(topic),
                    to: id.clone(),
                    rate_per_s: meter.rate(&id),
                    lag: engine.query_lag(&self.log, &query.id),
                });
            }
            if let Some(sink_topic) = query.sink.as_deref().and_then(topic_of) {
                edges.push(TopologyEdge {
                    from: id.clone(),
                    to: topic_id(&sink_topic),
                    rate_per_s: meter.rate(&query_out_id(&query.id)),
                    lag: None,
                });
            }
            nodes.push(TopologyNode {
                label: query.id.clone(),
                detail: match &query.sink {
                    Some(sink) => format!("{} → {sink}", query.source),
                    None => format!("push query on {}", query.source),
                },
                kind: NodeKind::Query,
                layer,
                rate_per_s: meter.rate(&id),
                active: true,
                id,
            });
        }
        let consumer_layer = topic_layer.values().copied().max().unwrap_or(1) + 1;
        for group in self.log.groups() {
            let id = group_id(group.id());
            let lags = self.log.group_lag(group.id()).unwrap_or_default();
            let mut topics: Vec<&str> = lags.iter().map(|l| l.topic.as_str()).collect();
            topics.dedup();
            for topic in &topics {
                let lag = lags
                    .iter()
                    .filter(|l| l.topic == *topic)
                    .map(|l| l.lag.unwrap_or(l.log_end.saturating_sub(l.log_start)))
                    .sum();
                edges.push(TopologyEdge { from: topic_id(topic), to: id.clone(), rate_per_s: meter.rate(&id), lag: Some(lag) });
            }
            let is_sink = self.sinks().iter().any(|s| s.group() == group.id());
            nodes.push(TopologyNode {
                label: group.id().to_string(),
                detail: match (is_sink, group.is_paused()) {
                    (_, true) => "offline".to_string(),
                    (true, false) => "sink".to_string(),
                    (false, false) => "consumer group".to_string(),
                },
                kind: NodeKind::Consumer,
                layer: consumer_layer,
                rate_per_s: meter.rate(&id),
                active: !group.is_paused(),
                id,
            });
        }
        let n_layers = nodes.iter().map(|n| n.layer + 1).max().unwrap_or(0);
        TopologyView { nodes, edges, n_layers }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::OffsetReset;
    use crate::producers::ScenarioKind;

    #[test]
    fn producers_topics_queries_and_sinks_in_columns_with_rates_and_lag() {
        let mut world = World::new(3);
        world.add_producer(ScenarioKind::AccountTransactions, 10.0).unwrap();
        world.start_producer("account_transactions").unwrap();
        world.add_sink("ledger", &["account_transactions"], Some(2.0), OffsetReset::Earliest).unwrap();
        let outcome = world.execute_sql(
            "CREATE STREAM transactions (account_id STRING KEY, amount INT)
               WITH (kafka_topic='account_transactions', value_format='JSON');
             CREATE STREAM big AS SELECT * FROM transactions WHERE amount > 100 EMIT CHANGES;",
        );
        assert_eq!(outcome.error, None);
        let mut meter = RateMeter::new();
        for _ in 0..40 {
            world.step(250);
            meter.observe(&world);
        }
        let view = world.topology_view(&meter);
        let node = |id: &str| view.nodes.iter().find(|n| n.id == id).unwrap_or_else(|| panic!("no node {id}"));
        let edge = |from: &str, to: &str| {
            view.edges.iter().find(|e| e.from == from && e.to == to).unwrap_or_else(|| panic!("no edge {from}->{to}"))
        };
        assert_eq!(node("producer:account_transactions").layer, 0);
        assert_eq!(node("topic:account_transactions").layer, 1);
        assert_eq!(node("query:CSAS_BIG_0").layer, 2);
        assert_eq!(node("topic:BIG").layer, 3);
        assert_eq!(node("group:ledger").layer, 4);
        assert_eq!(view.n_layers, 5);
        let produced = edge("producer:account_transactions", "topic:account_transactions").rate_per_s.unwrap();
        assert!((produced - 10.0).abs() <= 1.0, "produced {produced}/s");
        let read = edge("topic:account_transactions", "query:CSAS_BIG_0");
        assert!((read.rate_per_s.unwrap() - 10.0).abs() <= 1.0);
        assert_eq!(read.lag, Some(0));
        let written = edge("query:CSAS_BIG_0", "topic:BIG").rate_per_s.unwrap();
        assert!(written > 0.0 && written < 10.0, "filtered: {written}/s");
        let sink = edge("topic:account_transactions", "group:ledger");
        assert!((sink.rate_per_s.unwrap() - 2.0).abs() <= 0.5, "{:?}", sink.rate_per_s);
        assert!(sink.lag.unwrap() >= 70, "the slow sink falls behind: {:?}", sink.lag);
        // Rates look at the last seconds only: stop producing and they fall to zero.
        world.stop_producer("account_transactions").unwrap();
        for _ in 0..30 {
            world.step(250);
            meter.observe(&world);
        }
        let view = world.topology_view(&meter);
        let topic = view.nodes.iter().find(|n| n.id == "topic:account_transactions").unwrap();
        assert_eq!(topic.rate_per_s, Some(0.0));
    }
}
