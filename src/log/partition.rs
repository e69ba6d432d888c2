//! A partition: an ordered, append-only sequence of records, stored as segments. Retention drops
//! whole old segments from the front; compaction rewrites closed segments. The active (last)
//! segment takes appends and is never cleaned or deleted while it is active.

use super::error::LogError;
use super::record::{Bytes, ProducerRecord, Record, RecordMetadata};
use super::recent_bytes::RecentBytes;
use crate::clock::Millis;
use std::collections::VecDeque;

/// How many distinct recent keys a partition remembers to share their bytes (see
/// [`Partition::shared_key`]); past it the memory starts again.
const RECENT_KEYS: usize = 512;

/// A run of consecutive records. Kafka rolls a new segment when the active one is full
/// (`segment.bytes`) or old (`segment.ms`).
#[derive(Clone, Debug)]
pub struct Segment {
    pub base_offset: u64,
    /// Records in offset order; offsets may have gaps after compaction.
    pub records: Vec<Record>,
    pub size_bytes: u64,
    /// Virtual time when the segment was rolled (its first append).
    pub created_at_ms: Millis,
    /// Largest record timestamp, which `retention.ms` is measured against.
    pub max_timestamp_ms: Millis,
    /// Tombstones the cleaner has already seen, with the time after which it may remove them
    /// (Kafka's per-batch delete horizon, KIP-534): `(offset, delete_horizon_ms)`, offset order.
    pub tombstone_horizons: Vec<(u64, Millis)>,
}

impl Segment {
    /// The offset after the segment's last record (its base offset when empty: an empty
    /// segment ends where it starts, which keeps searches over segments monotone).
    pub fn end_offset(&self) -> u64 {
        self.records.last().map_or(self.base_offset, |last| last.offset.saturating_add(1))
    }

    /// The records at or after `offset`.
    pub fn records_from(&self, offset: u64) -> &[Record] {
        let records = &self.records;
        // Offsets are contiguous unless compaction left gaps: try the direct position first (a
        // binary search over a large segment misses the cache at every step).
        let first = records.first().map_or(offset, |r| r.offset);
        let guess = usize::try_from(offset.saturating_sub(first)).unwrap_or(usize::MAX);
        let start = match records.get(guess) {
            Some(record) if record.offset == offset => guess,
            _ => records.partition_point(|r| r.offset < offset),
        };
        records.get(start..).unwrap_or(&[])
    }

    pub(crate) fn empty(base_offset: u64, created_at_ms: Millis) -> Self {
        Segment {
            base_offset,
            records: Vec::new(),
            size_bytes: 0,
            created_at_ms,
            max_timestamp_ms: Millis::MIN,
            tombstone_horizons: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Partition {
    id: u32,
    segments: VecDeque<Segment>,
    /// First offset still readable (Kafka's log start offset).
    log_start_offset: u64,
    /// Offset the next append gets (Kafka's log end offset).
    log_end_offset: u64,
    /// Sum of the segments' sizes, kept up to date so retention checks are O(1).
    size_bytes: u64,
    /// Number of records held, kept up to date so views never walk the log.
    n_records: usize,
    /// The cleaner's checkpoint: offsets below it have been compacted.
    pub(crate) first_dirty_offset: u64,
    /// Keys of recent appends: records with an equal key share one allocation of its bytes.
    recent_keys: RecentBytes,
}

impl Partition {
    pub fn new(id: u32) -> Self {
        Partition {
            id,
            segments: VecDeque::new(),
            log_start_offset: 0,
            log_end_offset: 0,
            size_bytes: 0,
            n_records: 0,
            first_dirty_offset: 0,
            recent_keys: RecentBytes::new(RECENT_KEYS),
        }
    }

    pub fn id(&self) -> u32 {
        self.id
    }

    pub fn log_start_offset(&self) -> u64 {
        self.log_start_offset
    }

    pub fn log_end_offset(&self) -> u64 {
        self.log_end_offset
    }

    pub fn segments(&self) -> &VecDeque<Segment> {
        &self.segments
    }

    /// Number of records held (fewer than end - start after compaction).
    pub fn len(&self) -> usize {
        self.n_records
    }

    pub fn is_empty(&self) -> bool {
        self.n_records == 0
    }

    /// Bytes held, as `retention.bytes` counts them.
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    pub(crate) fn append(
        &mut self,
        record: ProducerRecord,
        now_ms: Millis,
        segment_bytes: u64,
        segment_ms: Millis,
    ) -> Result<RecordMetadata, LogError> {
        let stored = Record {
            partition: self.id,
            offset: self.log_end_offset,
            timestamp: record.timestamp.unwrap_or(now_ms),
            key: record.key.map(|key| self.shared_key(key)),
            value: record.value,
            headers: record.headers,
        };
        let size = stored.size_in_bytes();
        // Kafka rolls when the record would overflow segment.bytes, or when the active segment is
        // older than segment.ms; an empty active segment is reused.
        let must_roll = match self.segments.back() {
            None => true,
            Some(active) => {
                !active.records.is_empty()
                    && (active.size_bytes.saturating_add(size) > segment_bytes
                        || now_ms.saturating_sub(active.created_at_ms) > segment_ms)
            }
        };
        if must_roll {
            // The new segment will likely hold as many records as the one it follows: one
            // allocation of that size, instead of a vector doubling its way there (each step
            // copies and leaves a hole; in wasm, whose memory never shrinks, those holes pile up).
            let expected = self.segments.back().map_or(0, |active| active.records.len());
            self.close_active_segment();
            let mut segment = Segment::empty(stored.offset, now_ms);
            segment.records.reserve_exact(expected.saturating_add(expected / 16));
            self.segments.push_back(segment);
        }
        let metadata = RecordMetadata { partition: self.id, offset: stored.offset, timestamp: stored.timestamp };
        if let Some(active) = self.segments.back_mut() {
            if active.records.is_empty() {
                active.base_offset = stored.offset;
                active.created_at_ms = now_ms;
            }
            active.size_bytes = active.size_bytes.saturating_add(size);
            active.max_timestamp_ms = active.max_timestamp_ms.max(stored.timestamp);
            active.records.push(stored);
        }
        self.size_bytes = self.size_bytes.saturating_add(size);
        self.n_records += 1;
        self.log_end_offset += 1;
        Ok(metadata)
    }

    /// The stored copy of `key`: an equal recent key's bytes when there is one (a partition's
    /// keys repeat — accounts, cards, sensors — and a stored key costs its bytes plus the
    /// shared pointer's counts), else `key` itself, remembered. Equal bytes, so nothing a
    /// reader sees changes; a bounded set, emptied when full, so a topic of unique keys holds
    /// at most [`RECENT_KEYS`] of them beyond its records.
    fn shared_key(&mut self, key: Bytes) -> Bytes {
        self.recent_keys.share(key)
    }

    /// Up to `max` records from `offset` on. Reading at the log end returns nothing; reading
    /// below the log start or past the end is `OffsetOutOfRange`, as a Kafka fetch would be.
    /// An offset inside a compaction gap reads from the next record that survived.
    /// Cost: a binary search plus the records returned, never the size of the log.
    pub fn fetch(&self, topic: &str, offset: u64, max: usize) -> Result<Vec<Record>, LogError> {
        if offset < self.log_start_offset || offset > self.log_end_offset {
            return Err(LogError::OffsetOutOfRange {
                topic: topic.to_string(),
                partition: self.id,
                offset,
                log_start: self.log_start_offset,
                log_end: self.log_end_offset,
            });
        }
        Ok(self.records_from(offset).take(max).cloned().collect())
    }

    /// The records from `offset` on, borrowed, in offset order (an offset below the log start
    /// reads from the start; one past the end reads nothing). Readers that only look at
    /// records (the SQL engine) use this rather than [`Partition::fetch`], which clones them.
    pub fn records_from(&self, offset: u64) -> impl Iterator<Item = &Record> + '_ {
        // Find the first segment holding offsets >= `offset`, then binary-search in it.
        // An empty segment ends where it starts, which keeps the predicate monotone.
        let ends_by = |s: &Segment| s.end_offset() <= offset;
        // Readers mostly read at the tail: when every closed segment ends by `offset`, the
        // active one is where to start (it may hold nothing at or past `offset`).
        let n_segments = self.segments.len();
        let first_segment = match n_segments.checked_sub(2).and_then(|last_closed| self.segments.get(last_closed)) {
            Some(last_closed) if !ends_by(last_closed) => self.segments.partition_point(ends_by),
            _ => n_segments.saturating_sub(1),
        };
        self.segments.range(first_segment..).flat_map(move |segment| {
            segment.records_from(offset).iter()
        })
    }

    /// Kafka's offsets-for-times: the earliest offset whose timestamp is at or after
    /// `timestamp_ms`, or `None` when no record is that recent. Timestamps need not be ordered
    /// (late events), so this scans, skipping every segment whose largest timestamp is too old.
    pub fn offset_for_time(&self, timestamp_ms: Millis) -> Option<u64> {
        self.segments
            .iter()
            .filter(|segment| segment.max_timestamp_ms >= timestamp_ms)
            .find_map(|segment| segment.records.iter().find(|r| r.timestamp >= timestamp_ms))
            .map(|record| record.offset)
    }

    pub(crate) fn segments_mut(&mut self) -> &mut VecDeque<Segment> {
        &mut self.segments
    }

    /// Recomputes the size and count after segments were rewritten or removed.
    pub(crate) fn recount(&mut self) {
        self.size_bytes = self.segments.iter().map(|s| s.size_bytes).sum();
        self.n_records = self.segments.iter().map(|s| s.records.len()).sum();
    }

    /// Removes the oldest segment, keeping the counters right, and returns it.
    pub(crate) fn pop_oldest_segment(&mut self) -> Option<Segment> {
        let segment = self.segments.pop_front()?;
        self.size_bytes = self.size_bytes.saturating_sub(segment.size_bytes);
        self.n_records = self.n_records.saturating_sub(segment.records.len());
        Some(segment)
    }

    /// Starts a new, empty active segment at the log end (Kafka rolls before deleting the last
    /// segment, so the active segment itself is never deleted).
    pub(crate) fn roll(&mut self, now_ms: Millis) {
        let needs_roll = self.segments.back().is_none_or(|active| !active.records.is_empty());
        if needs_roll {
            self.close_active_segment();
            self.segments.push_back(Segment::empty(self.log_end_offset, now_ms));
        }
    }

    /// A segment that stops taking appends gives back its vector's spare room (appends double
    /// it: up to half of a closed segment's record slots would stay empty until retention).
    fn close_active_segment(&mut self) {
        if let Some(active) = self.segments.back_mut() {
            active.records.shrink_to_fit();
        }
    }

    /// Moves the log start forward (never back).
    pub(crate) fn advance_log_start(&mut self, offset: u64) {
        self.log_start_offset = self.log_start_offset.max(offset.min(self.log_end_offset));
    }

    /// Removes every record at or above `offset` and moves the log end back to it (never forward),
    /// returning the removed records in offset order. This is what a Kafka replica does when a new
    /// leader's log is shorter than its own (log truncation after an unclean leader election):
    /// the only place an offset can be handed out twice. Used by `crate::cluster`.
    pub(crate) fn truncate_to(&mut self, offset: u64) -> Vec<Record> {
        if offset >= self.log_end_offset {
            return Vec::new();
        }
        let mut removed = Vec::new();
        while let Some(segment) = self.segments.back_mut() {
            let keep = segment.records.partition_point(|r| r.offset < offset);
            removed.splice(0..0, segment.records.drain(keep..));
            segment.tombstone_horizons.retain(|(o, _)| *o < offset);
            segment.size_bytes = segment.records.iter().map(Record::size_in_bytes).sum();
            segment.max_timestamp_ms = segment.records.iter().map(|r| r.timestamp).max().unwrap_or(Millis::MIN);
            if segment.records.is_empty() {
                segment.base_offset = segment.base_offset.min(offset);
            }
            if segment.records.is_empty() && self.segments.len() > 1 {
                self.segments.pop_back();
            } else {
                break;
            }
        }
        self.log_end_offset = offset;
        self.log_start_offset = self.log_start_offset.min(offset);
        self.first_dirty_offset = self.first_dirty_offset.min(self.log_end_offset);
        self.recount();
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn append(partition: &mut Partition, key: &str, now_ms: Millis, segment_ms: Millis) {
        partition.append(ProducerRecord::keyed(key, "v"), now_ms, 1 << 30, segment_ms).unwrap();
    }

    #[test]
    fn records_with_equal_keys_share_the_key_bytes() {
        let mut partition = Partition::new(0);
        for (i, key) in ["card-1", "card-2", "card-1", "card-1"].iter().enumerate() {
            append(&mut partition, key, i as Millis, 1_000_000);
        }
        let records = partition.fetch("t", 0, 10).unwrap();
        let key = |i: usize| records[i].key.clone().unwrap();
        assert_eq!(&*key(2), b"card-1");
        assert!(Arc::ptr_eq(&key(0), &key(2)) && Arc::ptr_eq(&key(0), &key(3)), "one allocation for card-1");
        assert!(!Arc::ptr_eq(&key(0), &key(1)));
        // Unique keys: the memory of recent keys stays bounded.
        for i in 0..3 * RECENT_KEYS {
            append(&mut partition, &format!("order-{i}"), 10, 1_000_000);
        }
        assert!(partition.recent_keys.len() <= RECENT_KEYS, "{} keys remembered", partition.recent_keys.len());
        assert_eq!(partition.len(), 4 + 3 * RECENT_KEYS);
    }

    /// A new segment takes one allocation sized from the one before it: filling it as full
    /// never reallocates.
    #[test]
    fn a_new_segment_is_sized_from_the_last() {
        let mut partition = Partition::new(0);
        for ms in 0..100 {
            append(&mut partition, "k", ms, 100);
        }
        append(&mut partition, "k", 200, 100);
        let active = partition.segments().back().unwrap();
        assert_eq!(active.records.len(), 1);
        let slots = active.records.capacity();
        assert!((100..=110).contains(&slots), "{slots} slots for the 100 records expected");
        let first = active.records.as_ptr();
        for ms in 201..300 {
            append(&mut partition, "k", ms, 100);
        }
        let active = partition.segments().back().unwrap();
        assert_eq!(active.records.len(), 100);
        assert_eq!(active.records.as_ptr(), first, "filled in place");
    }

    /// Reading from any offset gives every record from there on, whichever segment it is in,
    /// with one segment, several, an empty active one, and gaps.
    #[test]
    fn records_from_any_offset_reads_every_later_record() {
        let check = |partition: &Partition| {
            let all: Vec<u64> = partition.segments().iter().flat_map(|s| s.records.iter().map(|r| r.offset)).collect();
            for offset in 0..=partition.log_end_offset() + 1 {
                let read: Vec<u64> = partition.records_from(offset).map(|r| r.offset).collect();
                let expected: Vec<u64> = all.iter().copied().filter(|&o| o >= offset).collect();
                assert_eq!(read, expected, "from {offset} over {} segments", partition.segments().len());
            }
        };
        let mut partition = Partition::new(0);
        check(&partition);
        for ms in 0..50 {
            append(&mut partition, "k", ms, 100);
        }
        check(&partition);
        for ms in 200..450 {
            append(&mut partition, "k", ms, 100);
        }
        assert!(partition.segments().len() >= 3);
        check(&partition);
        partition.roll(500);
        check(&partition);
        // Gaps, as compaction leaves them: every third record of the closed segments gone.
        let n_segments = partition.segments().len();
        for segment in partition.segments_mut().iter_mut().take(n_segments - 1) {
            segment.records.retain(|r| r.offset % 3 != 0);
        }
        check(&partition);
    }

    #[test]
    fn a_rolled_segment_gives_back_its_spare_room() {
        let mut partition = Partition::new(0);
        for ms in 0..300 {
            append(&mut partition, "k", ms, 100);
        }
        let segments = partition.segments();
        assert!(segments.len() >= 3, "{} segments", segments.len());
        for closed in segments.iter().take(segments.len() - 1) {
            assert_eq!(closed.records.capacity(), closed.records.len());
        }
    }
}
