//! Where a query reads a topic (one offset per partition, like a consumer group's committed
//! offsets) and the batch it reads from there.
//!
//! A persistent query is polled at every tick that changed the log, and usually finds one new
//! record at the tail of its topic: each partition's cursor remembers the segment its offset
//! was in, so finding it again is a comparison or two instead of a search over the segments.
//! The segment is only a hint, checked against the log before it is used.

use super::pipeline::OffsetReset;
use crate::log::{Log, LogVersion, Partition, Record, Segment, Topic};
use std::collections::{BTreeMap, VecDeque};

/// How many records a query reads from one partition per poll.
pub const FETCH_BATCH: usize = 512;

/// One partition's reading position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cursor {
    partition: u32,
    /// The next offset to read.
    next: u64,
    /// Index of the first segment holding offsets at or after `next` at the last read.
    segment: usize,
}

/// A reader's positions in one topic, per partition (in partition order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Positions {
    cursors: Vec<Cursor>,
    /// Where the topic was among the log's topics (in name order) at the last read, and the
    /// log's [`Log::topics_version`] then: while that stays, the topic is found by position.
    topic_at: Option<(LogVersion, usize)>,
}

impl Positions {
    /// Positions at the start or end of every partition `topic` has now.
    pub fn of_topic(topic: &Topic, reset: OffsetReset) -> Positions {
        let mut cursors: Vec<Cursor> = topic
            .partitions()
            .iter()
            .map(|partition| Cursor {
                partition: partition.id(),
                next: match reset {
                    OffsetReset::Earliest => partition.log_start_offset(),
                    OffsetReset::Latest => partition.log_end_offset(),
                },
                segment: 0,
            })
            .collect();
        cursors.sort_by_key(|cursor| cursor.partition);
        cursors.dedup_by_key(|cursor| cursor.partition);
        Positions { cursors, topic_at: None }
    }

    /// The topic named `name`: by its position at the last read while the log's topics are the
    /// same (the name still checked), else by name.
    fn topic<'log>(&mut self, log: &'log Log, name: &str) -> Option<&'log Topic> {
        let version = log.topics_version();
        if let Some((seen, index)) = self.topic_at {
            if seen == version {
                if let Some(topic) = log.topics().nth(index).filter(|topic| topic.name() == name) {
                    return Some(topic);
                }
            }
        }
        let topic = log.topic(name).ok()?;
        self.topic_at = log
            .topics()
            .position(|other| std::ptr::eq(other, topic))
            .map(|index| (version, index));
        Some(topic)
    }

    /// The next offset to read, per partition.
    pub fn to_map(&self) -> BTreeMap<u32, u64> {
        self.iter().collect()
    }

    /// `(partition, next offset)`, in partition order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.cursors.iter().map(|cursor| (cursor.partition, cursor.next))
    }

    /// The next batch of `topic` into `out` (emptied first): up to [`FETCH_BATCH`] records of
    /// each partition from its position, borrowed from the log, and the positions moved past
    /// them. Retention may have deleted what was not read yet: the position skips ahead, as
    /// Kafka does. With `merge`, the partitions are merged as Kafka Streams picks records: each
    /// partition in offset order (so out-of-order timestamps within a partition stay out of
    /// order, and windows see them late), and across partitions the one whose next record has
    /// the smallest timestamp first (the lowest partition on ties). Without, partition after
    /// partition. Returns whether the batch holds everything the partitions held (`false` may
    /// only mean "not sure", because compaction leaves gaps in offsets).
    pub fn read_batch<'log>(
        &mut self,
        log: &'log Log,
        topic: &str,
        merge: bool,
        out: &mut Vec<&'log Record>,
    ) -> bool {
        out.clear();
        let Some(topic) = self.topic(log, topic) else {
            return true;
        };
        let partitions = topic.partitions();
        if let [cursor] = self.cursors.as_mut_slice() {
            // One partition, the common case: no merge, no bookkeeping across partitions.
            return match partitions.get(cursor.partition as usize) {
                Some(partition) => read_partition(partition, cursor, out),
                None => true,
            };
        }
        let mut drained = true;
        let mut capacity = 0;
        let mut n_partitions = 0;
        for cursor in &mut self.cursors {
            let Some(partition) = partitions.get(cursor.partition as usize) else {
                continue;
            };
            let available = available(partition, cursor);
            if available == 0 {
                continue;
            }
            drained &= available <= FETCH_BATCH;
            capacity += available.min(FETCH_BATCH);
            n_partitions += 1;
        }
        if n_partitions == 0 {
            return drained;
        }
        out.reserve(capacity);
        if n_partitions == 1 || !merge {
            for cursor in &mut self.cursors {
                if let Some(partition) = partitions.get(cursor.partition as usize) {
                    if available(partition, cursor) > 0 {
                        read_partition(partition, cursor, out);
                    }
                }
            }
            return drained;
        }
        // Each partition's batch, from the position just set (none where nothing is available).
        let mut batches: Vec<_> = self
            .cursors
            .iter_mut()
            .filter_map(|cursor| {
                let partition = partitions.get(cursor.partition as usize)?;
                (partition.log_end_offset() > cursor.next).then(|| {
                    let batch = records_from(partition, cursor.next, &mut cursor.segment);
                    (cursor, batch.take(FETCH_BATCH).peekable())
                })
            })
            .collect();
        loop {
            // The batch whose next record has the smallest timestamp; the first on ties.
            let mut best: Option<(usize, i64)> = None;
            for (idx, (_, batch)) in batches.iter_mut().enumerate() {
                if let Some(record) = batch.peek() {
                    if best.is_none_or(|(_, timestamp)| record.timestamp < timestamp) {
                        best = Some((idx, record.timestamp));
                    }
                }
            }
            let Some((cursor, batch)) = best.and_then(|(idx, _)| batches.get_mut(idx)) else {
                break;
            };
            let Some(record) = batch.next() else {
                break;
            };
            // The position moves past the last record read.
            cursor.next = cursor.next.max(record.offset.saturating_add(1));
            out.push(record);
        }
        drained
    }
}

/// How many offsets `partition` holds from the cursor on, after moving the cursor to the log
/// start when retention deleted what it had not read.
fn available(partition: &Partition, cursor: &mut Cursor) -> usize {
    cursor.next = cursor.next.max(partition.log_start_offset());
    let available = partition.log_end_offset().saturating_sub(cursor.next);
    usize::try_from(available).unwrap_or(usize::MAX)
}

/// Appends up to [`FETCH_BATCH`] records of `partition` from the cursor on and moves it past
/// them; whether that read everything the partition held.
fn read_partition<'log>(partition: &'log Partition, cursor: &mut Cursor, out: &mut Vec<&'log Record>) -> bool {
    let available = available(partition, cursor);
    if available == 0 {
        return true;
    }
    // Segment by segment, each a slice of records (usually the one at the tail).
    let segments = partition.segments();
    let first = first_segment(segments, cursor.next, cursor.segment);
    cursor.segment = first;
    let mut wanted = FETCH_BATCH;
    for segment in segments.range(first.min(segments.len())..) {
        let records = segment.records_from(cursor.next);
        let records = records.get(..wanted).unwrap_or(records);
        out.extend(records);
        wanted = wanted.saturating_sub(records.len());
        if let Some(last) = records.last() {
            cursor.next = cursor.next.max(last.offset.saturating_add(1));
        }
        if wanted == 0 {
            break;
        }
    }
    available <= FETCH_BATCH
}

/// The records of `partition` from `offset` on, as [`Partition::records_from`] reads them,
/// finding the first segment from `hint` (and leaving the one found there).
fn records_from<'log>(
    partition: &'log Partition,
    offset: u64,
    hint: &mut usize,
) -> impl Iterator<Item = &'log Record> + 'log {
    let segments = partition.segments();
    let first = first_segment(segments, offset, *hint);
    *hint = first;
    segments.range(first.min(segments.len())..).flat_map(move |segment| segment.records_from(offset))
}

/// Index of the first segment holding offsets at or after `offset` (the number of segments when
/// none does): `hint` or the one after it when that is it, else found by binary search. An
/// empty segment ends where it starts, which keeps the search's predicate monotone.
fn first_segment(segments: &VecDeque<Segment>, offset: u64, hint: usize) -> usize {
    let ends_before = |idx: usize| segments.get(idx).is_some_and(|segment| segment.end_offset() <= offset);
    let is_first = |idx: usize| {
        idx <= segments.len()
            && !ends_before(idx)
            && idx.checked_sub(1).is_none_or(&ends_before)
    };
    if is_first(hint) {
        hint
    } else if is_first(hint.saturating_add(1)) {
        hint.saturating_add(1)
    } else {
        segments.partition_point(|segment| segment.end_offset() <= offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{ProducerRecord, TopicConfig};

    /// Every way of reading a partition with a hint reads what `Partition::records_from`
    /// reads, whatever the hint: at the tail, behind, after segments rolled and after
    /// retention dropped the oldest.
    #[test]
    fn a_hint_finds_what_the_search_finds() {
        let mut log = Log::new();
        let config = TopicConfig { segment_ms: 10, ..TopicConfig::with_partitions(1) };
        log.create_topic("t", config).unwrap();
        for ms in 0..100 {
            log.append("t", ProducerRecord::keyed("k", "v"), ms).unwrap();
        }
        let partition = log.topic("t").unwrap().partition(0).unwrap();
        assert!(partition.segments().len() >= 5, "{} segments", partition.segments().len());
        for offset in 0..=101 {
            let expected: Vec<u64> = partition.records_from(offset).map(|r| r.offset).collect();
            for hint in 0..partition.segments().len() + 3 {
                let mut found = hint;
                let read: Vec<u64> = records_from(partition, offset, &mut found).map(|r| r.offset).collect();
                assert_eq!(read, expected, "offset {offset}, hint {hint}");
                assert!(found <= partition.segments().len());
                let mut cursor = Cursor { partition: 0, next: offset, segment: hint };
                let mut out = Vec::new();
                assert!(read_partition(partition, &mut cursor, &mut out));
                assert_eq!(out.iter().map(|r| r.offset).collect::<Vec<u64>>(), expected, "offset {offset}, hint {hint}");
                assert_eq!(cursor.next, offset.max(100), "offset {offset}, hint {hint}");
            }
        }
    }

    #[test]
    fn a_reader_at_the_tail_follows_rolls_and_retention() {
        let mut log = Log::new();
        let config = TopicConfig { segment_ms: 10, retention_ms: Some(50), ..TopicConfig::with_partitions(1) };
        log.create_topic("t", config).unwrap();
        let topic = log.topic("t").unwrap();
        let (mut tail, mut late) = (Positions::of_topic(topic, OffsetReset::Earliest), Positions::of_topic(topic, OffsetReset::Earliest));
        let mut seen = Vec::new();
        for ms in 0..200 {
            log.append("t", ProducerRecord::keyed("k", format!("{ms}")), ms).unwrap();
            log.run_maintenance(ms);
            let mut out = Vec::new();
            assert!(tail.read_batch(&log, "t", true, &mut out));
            seen.extend(out.iter().map(|r| r.offset));
        }
        assert_eq!(seen, (0..200).collect::<Vec<u64>>());
        assert_eq!(tail.to_map(), BTreeMap::from([(0, 200)]));
        // A reader that fell behind retention skips to the log start.
        let start = log.log_start_offset("t", 0).unwrap();
        assert!(start > 100, "retention kept from {start}");
        let mut out = Vec::new();
        assert!(late.read_batch(&log, "t", true, &mut out));
        let read: Vec<u64> = out.iter().map(|r| r.offset).collect();
        assert_eq!(read, (start..200).collect::<Vec<u64>>());
        assert!(tail.read_batch(&log, "t", true, &mut out));
        assert!(out.is_empty());
    }

    /// The topic is found by its position among the log's topics while they stay the same,
    /// and by name again when one is created or deleted before it.
    #[test]
    fn the_topic_is_found_again_when_the_topics_change() {
        let mut log = Log::new();
        log.create_topic("m", TopicConfig::default()).unwrap();
        let mut positions = Positions::of_topic(log.topic("m").unwrap(), OffsetReset::Earliest);
        let mut read = Vec::new();
        for (idx, other) in ["z", "a", "b"].into_iter().enumerate() {
            log.append("m", ProducerRecord::keyed("k", "v"), 0).unwrap();
            log.create_topic(other, TopicConfig::default()).unwrap();
            log.append(other, ProducerRecord::keyed("k", "v"), 0).unwrap();
            if idx == 2 {
                log.delete_topic("a").unwrap();
            }
            let mut out = Vec::new();
            positions.read_batch(&log, "m", true, &mut out);
            read.extend(out.iter().map(|r| (r.partition, r.offset)));
            let (_, index) = positions.topic_at.unwrap();
            assert_eq!(log.topics().nth(index).map(Topic::name), Some("m"));
        }
        assert_eq!(read, [(0, 0), (0, 1), (0, 2)]);
        log.delete_topic("m").unwrap();
        let mut out = Vec::new();
        assert!(positions.read_batch(&log, "m", true, &mut out));
        assert!(out.is_empty());
    }

    /// Two partitions merged by timestamp, the lowest partition first on ties; batches of at
    /// most FETCH_BATCH per partition.
    #[test]
    fn partitions_merge_by_timestamp_in_batches() {
        let mut log = Log::new();
        log.create_topic("t", TopicConfig::with_partitions(2)).unwrap();
        let n = FETCH_BATCH as i64 + 10;
        for ms in 0..n {
            for partition in [1, 0] {
                let mut record = ProducerRecord::keyed("k", "v");
                record.partition = Some(partition);
                record.timestamp = Some(ms);
                log.append("t", record, 0).unwrap();
            }
        }
        let mut positions = Positions::of_topic(log.topic("t").unwrap(), OffsetReset::Earliest);
        let mut out = Vec::new();
        assert!(!positions.read_batch(&log, "t", true, &mut out));
        assert_eq!(out.len(), 2 * FETCH_BATCH);
        let order: Vec<(u32, i64)> = out.iter().take(4).map(|r| (r.partition, r.timestamp)).collect();
        assert_eq!(order, [(0, 0), (1, 0), (0, 1), (1, 1)]);
        assert_eq!(positions.to_map(), BTreeMap::from([(0, FETCH_BATCH as u64), (1, FETCH_BATCH as u64)]));
        assert!(positions.read_batch(&log, "t", false, &mut out));
        assert_eq!(out.len(), 20);
        assert!(out.iter().take(10).all(|r| r.partition == 0));
        assert!(positions.read_batch(&log, "t", true, &mut out));
        assert!(out.is_empty());
    }
}
