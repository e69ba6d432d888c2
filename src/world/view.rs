//! Snapshots for the UI: plain structs with public fields, built on demand. Each costs what it
//! shows: a page of records costs its page size (a binary search finds the first offset), and
//! the offsets, groups and lag views cost the number of partitions, never the number of records.

use super::World;
use crate::clock::Millis;
use crate::log::{Bytes, CleanupPolicy, LogError, PartitionLag, Record, TopicPartition};
use crate::producers::{Lateness, ScenarioKind};

/// A record as the UI shows it: key and value as text (invalid UTF-8 replaced).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordView {
    pub partition: u32,
    pub offset: u64,
    pub timestamp: Millis,
    pub key: Option<String>,
    /// `None` is a tombstone.
    pub value: Option<String>,
    pub headers: Vec<(String, Option<String>)>,
}

impl RecordView {
    pub fn from_record(record: &Record) -> Self {
        let text = |bytes: &Bytes| String::from_utf8_lossy(bytes).into_owned();
        RecordView {
            partition: record.partition,
            offset: record.offset,
            timestamp: record.timestamp,
            key: record.key.as_ref().map(text),
            value: record.value.as_ref().map(text),
            headers: record.headers.iter().map(|h| (h.key.clone(), h.value.as_ref().map(text))).collect(),
        }
    }
}

/// Up to a page of records of one partition from an offset on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordPage {
    pub topic: String,
    pub partition: u32,
    /// The offset asked for, moved into `[log_start, log_end]`.
    pub from_offset: u64,
    pub records: Vec<RecordView>,
    pub log_start: u64,
    pub log_end: u64,
    /// Where the next page starts.
    pub next_offset: u64,
}

/// One segment of a partition, for drawing the log as a tape cut into segments: retention
/// removes whole segments from the left; the last one is the active segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentView {
    pub base_offset: u64,
    pub n_records: usize,
    pub size_bytes: u64,
    /// `None` for an empty segment.
    pub max_timestamp: Option<Millis>,
    pub is_active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionView {
    pub partition: u32,
    pub log_start: u64,
    pub log_end: u64,
    /// Records held (fewer than end - start after compaction).
    pub n_records: usize,
    pub size_bytes: u64,
    pub n_segments: usize,
    pub segments: Vec<SegmentView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicView {
    pub name: String,
    pub cleanup_policy: CleanupPolicy,
    pub retention_ms: Option<Millis>,
    pub partitions: Vec<PartitionView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberView {
    pub member_id: String,
    pub subscription: Vec<String>,
    pub assignment: Vec<TopicPartition>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupView {
    pub group: String,
    pub paused: bool,
    pub generation: u32,
    pub members: Vec<MemberView>,
    /// Committed offset, position and lag per partition of the subscribed topics.
    pub partitions: Vec<PartitionLag>,
    /// Sum of the partitions' lag (partitions with nothing committed count from the log start).
    pub total_lag: u64,
    /// How often retention (or a bad offset) forced the group back to `auto.offset.reset`.
    pub n_offset_resets: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProducerView {
    pub name: String,
    pub kind: ScenarioKind,
    pub running: bool,
    pub events_per_second: f64,
    pub key_space: u32,
    pub lateness: Lateness,
    pub n_produced: u64,
    pub topics: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SinkView {
    pub name: String,
    pub group: String,
    pub topics: Vec<String>,
    pub records_per_second: Option<f64>,
    pub records_consumed: u64,
}

/// Everything but records: cheap enough to take every frame.
#[derive(Clone, Debug, PartialEq)]
pub struct WorldView {
    pub now_ms: Millis,
    pub generation: u64,
    pub topics: Vec<TopicView>,
    pub groups: Vec<GroupView>,
    pub producers: Vec<ProducerView>,
    pub sinks: Vec<SinkView>,
}

/// A table and where its rows come from: what provenance needs, in any view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableLineage {
    pub table: String,
    /// The topic of the table's changelog.
    pub table_topic: String,
    /// The persistent query writing the table (`None` for a table over its own topic).
    pub query_id: Option<String>,
    /// The stream or table that query reads.
    pub source: Option<String>,
    /// The topic whose records build the rows (the table's own topic when no query writes it).
    pub source_topic: String,
}

impl World {
    /// Where `table`'s rows come from; `None` when it is not a table.
    pub fn table_lineage(&self, table: &str) -> Option<TableLineage> {
        let info = self.engine().source(table).filter(|s| s.kind == crate::sql::SourceKind::Table)?;
        let query_id = if info.is_source { None } else { self.engine().query_writing(table).map(str::to_string) };
        let source = query_id.as_ref().and_then(|id| self.engine().queries().into_iter().find(|q| q.id == *id)).map(|q| q.source);
        let source_topic = match &source {
            Some(name) => self.engine().source(name).map_or_else(|| info.topic.clone(), |s| s.topic.clone()),
            None => info.topic.clone(),
        };
        Some(TableLineage { table: table.to_string(), table_topic: info.topic.clone(), query_id, source, source_topic })
    }

    /// Up to `max` records of `topic`-`partition` from `from_offset` on.
    pub fn record_page(&self, topic: &str, partition: u32, from_offset: u64, max: usize) -> Result<RecordPage, LogError> {
        let p = self.log().topic(topic)?.partition(partition)?;
        let (log_start, log_end) = (p.log_start_offset(), p.log_end_offset());
        let from_offset = from_offset.clamp(log_start, log_end);
        let records = p.fetch(topic, from_offset, max)?;
        let next_offset = records.last().map_or(from_offset, |r| r.offset.saturating_add(1));
        Ok(RecordPage {
            topic: topic.to_string(),
            partition,
            from_offset,
            records: records.iter().map(RecordView::from_record).collect(),
            log_start,
            log_end,
            next_offset,
        })
    }

    /// The newest (up to) `max` offsets of a partition: what a tailing view shows.
    pub fn tail_page(&self, topic: &str, partition: u32, max: usize) -> Result<RecordPage, LogError> {
        let log_end = self.log().log_end_offset(topic, partition)?;
        self.record_page(topic, partition, log_end.saturating_sub(max as u64), max)
    }

    pub fn topic_views(&self) -> Vec<TopicView> {
        self.log()
            .topics()
            .map(|topic| TopicView {
                name: topic.name().to_string(),
                cleanup_policy: topic.config().cleanup_policy,
                retention_ms: topic.config().retention_ms,
                partitions: topic
                    .partitions()
                    .iter()
                    .map(|p| PartitionView {
                        partition: p.id(),
                        log_start: p.log_start_offset(),
                        log_end: p.log_end_offset(),
                        n_records: p.len(),
                        size_bytes: p.size_bytes(),
                        n_segments: p.segments().len(),
                        segments: p
                            .segments()
                            .iter()
                            .enumerate()
                            .map(|(index, segment)| SegmentView {
                                base_offset: segment.base_offset,
                                n_records: segment.records.len(),
                                size_bytes: segment.size_bytes,
                                max_timestamp: segment.records.first().map(|_| segment.max_timestamp_ms),
                                is_active: index + 1 == p.segments().len(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect()
    }

    pub fn group_view(&self, group: &str) -> Result<GroupView, LogError> {
        let consumer_group = self.log().group(group)?;
        let partitions = self.log().group_lag(group)?;
        let total_lag = partitions.iter().map(|p| p.lag.unwrap_or(p.log_end.saturating_sub(p.log_start))).sum();
        Ok(GroupView {
            group: group.to_string(),
            paused: consumer_group.is_paused(),
            generation: consumer_group.generation(),
            members: consumer_group
                .members()
                .map(|m| MemberView {
                    member_id: m.member_id.clone(),
                    subscription: m.subscription.clone(),
                    assignment: m.assignment.clone(),
                })
                .collect(),
            partitions,
            total_lag,
            n_offset_resets: consumer_group.n_offset_resets(),
        })
    }

    pub fn group_views(&self) -> Vec<GroupView> {
        self.log().groups().filter_map(|g| self.group_view(g.id()).ok()).collect()
    }

    pub fn producer_views(&self) -> Vec<ProducerView> {
        self.producers()
            .iter()
            .map(|p| ProducerView {
                name: p.name().to_string(),
                kind: p.kind(),
                running: p.is_running(),
                events_per_second: p.events_per_second(),
                key_space: p.key_space(),
                lateness: p.lateness(),
                n_produced: p.n_produced(),
                topics: p.topics().into_iter().map(|(t, _)| t.to_string()).collect(),
            })
            .collect()
    }

    pub fn sink_views(&self) -> Vec<SinkView> {
        self.sinks()
            .iter()
            .map(|s| SinkView {
                name: s.name().to_string(),
                group: s.group().to_string(),
                topics: s.topics().to_vec(),
                records_per_second: s.records_per_second(),
                records_consumed: s.records_consumed(),
            })
            .collect()
    }

    pub fn view(&self) -> WorldView {
        WorldView {
            now_ms: self.now_ms(),
            generation: self.generation(),
            topics: self.topic_views(),
            groups: self.group_views(),
            producers: self.producer_views(),
            sinks: self.sink_views(),
        }
    }
}
