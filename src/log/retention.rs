//! Retention (`cleanup.policy=delete`): Kafka deletes whole segments from the front of a
//! partition, never single records, so the log start offset jumps by a segment at a time.
//!
//! A segment is deletable when (checked in this order, as Kafka's `UnifiedLog` does):
//! - `retention.ms`: `now - segment.max_timestamp > retention.ms` (the segment's *largest*
//!   timestamp, so one late record keeps its whole segment alive), or
//! - `retention.bytes`: the partition would still hold at least `retention.bytes` without it.
//!
//! Deletion stops at the first segment that must stay. If every segment is deletable, Kafka first
//! rolls a new empty active segment, so the active segment is never the one deleted; the log start
//! then equals the log end.

use super::partition::{Partition, Segment};
use super::topic::TopicConfig;
use crate::clock::Millis;

/// What one retention pass removed from a partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetentionOutcome {
    pub deleted_segments: usize,
    pub deleted_records: usize,
}

/// Applies `retention.ms` then `retention.bytes` to one partition at virtual time `now_ms`.
pub(crate) fn apply_retention(partition: &mut Partition, config: &TopicConfig, now_ms: Millis) -> RetentionOutcome {
    let mut outcome = RetentionOutcome::default();
    if let Some(retention_ms) = config.retention_ms {
        delete_while(partition, now_ms, &mut outcome, |segment| {
            now_ms.saturating_sub(segment.max_timestamp_ms) > retention_ms
        });
    }
    if let Some(retention_bytes) = config.retention_bytes {
        let mut excess = partition.size_bytes().saturating_sub(retention_bytes);
        delete_while(partition, now_ms, &mut outcome, |segment| {
            if excess > 0 && segment.size_bytes <= excess {
                excess -= segment.size_bytes;
                true
            } else {
                false
            }
        });
    }
    outcome
}

/// Deletes segments from the front while `should_delete` holds; an empty last segment is never
/// deleted. When the last (active) segment is deletable, a new active segment is rolled first.
fn delete_while(
    partition: &mut Partition,
    now_ms: Millis,
    outcome: &mut RetentionOutcome,
    mut should_delete: impl FnMut(&Segment) -> bool,
) {
    loop {
        let n_segments = partition.segments().len();
        let Some(front) = partition.segments().front() else { return };
        let is_last = n_segments == 1;
        if is_last && front.records.is_empty() {
            return;
        }
        if !should_delete(front) {
            return;
        }
        if is_last {
            partition.roll(now_ms);
        }
        if let Some(deleted) = partition.pop_oldest_segment() {
            outcome.deleted_segments += 1;
            outcome.deleted_records += deleted.records.len();
        }
        let new_start = partition.segments().front().map_or(partition.log_end_offset(), |s| s.base_offset);
        partition.advance_log_start(new_start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::ProducerRecord;

    fn config(retention_ms: Option<Millis>, retention_bytes: Option<u64>, segment_ms: Millis) -> TopicConfig {
        TopicConfig { retention_ms, retention_bytes, segment_ms, ..TopicConfig::default() }
    }

    fn append_at(partition: &mut Partition, config: &TopicConfig, now_ms: Millis) {
        partition
            .append(ProducerRecord::keyed("k", "v"), now_ms, config.segment_bytes, config.segment_ms)
            .unwrap();
    }

    #[test]
    fn retention_ms_deletes_whole_expired_segments_only() {
        // One segment per 10 s; records every second for 60 s; keep 25 s.
        let config = config(Some(25_000), None, 9_999);
        let mut partition = Partition::new(0);
        for second in 0..60 {
            append_at(&mut partition, &config, second * 1000);
        }
        assert_eq!(partition.segments().len(), 6);
        let outcome = apply_retention(&mut partition, &config, 60_000);
        // Segments [0..10) .. [20..30) have max timestamps 9 s, 19 s, 29 s; 60-29 = 31 > 25.
        assert_eq!(outcome.deleted_segments, 3);
        assert_eq!(partition.log_start_offset(), 30);
        assert_eq!(partition.len(), 30);
        assert_eq!(partition.fetch("t", 30, 1).unwrap()[0].offset, 30);
    }

    #[test]
    fn expired_active_segment_is_rolled_before_it_is_deleted() {
        let config = config(Some(1_000), None, 1_000_000);
        let mut partition = Partition::new(0);
        for ms in 0..5 {
            append_at(&mut partition, &config, ms);
        }
        apply_retention(&mut partition, &config, 10_000);
        assert_eq!(partition.log_start_offset(), 5);
        assert_eq!(partition.log_end_offset(), 5);
        assert!(partition.is_empty());
        // Appends continue at the next offset: offsets are never reused.
        append_at(&mut partition, &config, 10_001);
        assert_eq!(partition.fetch("t", 5, 10).unwrap()[0].offset, 5);
    }

    #[test]
    fn retention_bytes_keeps_at_least_the_limit() {
        let config = config(None, Some(1_000), 1_000_000);
        let config = TopicConfig { segment_bytes: 500, ..config };
        let mut partition = Partition::new(0);
        for ms in 0..100 {
            append_at(&mut partition, &config, ms);
        }
        apply_retention(&mut partition, &config, 100);
        assert!(partition.size_bytes() >= 1_000 - 500, "kept {}", partition.size_bytes());
        assert!(partition.size_bytes() <= 1_000 + 500, "kept {}", partition.size_bytes());
        assert!(partition.log_start_offset() > 0);
    }
}
