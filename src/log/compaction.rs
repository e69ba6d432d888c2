//! Log compaction (`cleanup.policy=compact`): the cleaner keeps at least the latest record for
//! every key, so a compacted topic is a table's changelog that never loses a key's current value.
//!
//! As in Kafka:
//! - only closed segments are cleaned; the active segment is left alone, so the newest records are
//!   always all there;
//! - surviving records keep their offsets, so gaps appear, and their order never changes;
//! - the cleaner runs when the dirty part (closed segments written since the last clean) is at
//!   least half the log (`min.cleanable.dirty.ratio` = 0.5), or when a tombstone's time is up;
//! - a tombstone (null value) deletes its key; the cleaner keeps it for `delete.retention.ms`
//!   after it first sees it (the delete horizon of KIP-534), so slow readers still learn of the
//!   delete, then removes it;
//! - small cleaned segments are merged while they fit in `segment.bytes`.

use super::partition::{Partition, Segment};
use super::record::Bytes;
use super::topic::TopicConfig;
use crate::clock::Millis;
use std::collections::HashMap;

/// Kafka's default `min.cleanable.dirty.ratio`.
pub const MIN_CLEANABLE_DIRTY_RATIO: f64 = 0.5;

/// What one cleaning pass did to a partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CompactionOutcome {
    pub cleaned: bool,
    pub removed_records: usize,
    pub removed_tombstones: usize,
}

/// Whether the cleaner would pick this partition now.
pub(crate) fn needs_cleaning(partition: &Partition, now_ms: Millis) -> bool {
    let segments = partition.segments();
    let n_closed = segments.len().saturating_sub(1);
    let (mut clean_bytes, mut dirty_bytes) = (0u64, 0u64);
    for segment in segments.iter().take(n_closed) {
        if segment.base_offset >= partition.first_dirty_offset {
            dirty_bytes = dirty_bytes.saturating_add(segment.size_bytes);
        } else {
            clean_bytes = clean_bytes.saturating_add(segment.size_bytes);
        }
    }
    let total = clean_bytes.saturating_add(dirty_bytes);
    let dirty_enough = dirty_bytes > 0 && (dirty_bytes as f64) / (total as f64) >= MIN_CLEANABLE_DIRTY_RATIO;
    let tombstone_due = segments
        .iter()
        .take(n_closed)
        .any(|s| s.tombstone_horizons.iter().any(|&(_, horizon)| horizon <= now_ms));
    dirty_enough || tombstone_due
}

/// Cleans the closed segments of one partition at virtual time `now_ms`.
pub(crate) fn compact(partition: &mut Partition, config: &TopicConfig, now_ms: Millis) -> CompactionOutcome {
    let mut outcome = CompactionOutcome::default();
    let n_closed = partition.segments().len().saturating_sub(1);
    if n_closed == 0 {
        return outcome;
    }
    // The offset map: latest offset per key over the cleanable part of the log.
    let mut latest: HashMap<Bytes, u64> = HashMap::new();
    for segment in partition.segments().iter().take(n_closed) {
        for record in &segment.records {
            if let Some(key) = &record.key {
                latest.insert(key.clone(), record.offset);
            }
        }
    }
    let first_uncleanable = partition.segments().get(n_closed).map_or(partition.log_end_offset(), |s| s.base_offset);
    for segment in partition.segments_mut().iter_mut().take(n_closed) {
        let horizons = std::mem::take(&mut segment.tombstone_horizons);
        let mut kept_horizons = Vec::new();
        let before = segment.records.len();
        let mut tombstones_removed = 0;
        segment.records.retain(|record| {
            let Some(key) = &record.key else { return true };
            if latest.get(key).is_some_and(|&newest| newest > record.offset) {
                return false;
            }
            if record.value.is_none() {
                let horizon = horizons
                    .iter()
                    .find(|(offset, _)| *offset == record.offset)
                    .map_or(now_ms.saturating_add(config.delete_retention_ms), |&(_, h)| h);
                if horizon <= now_ms {
                    tombstones_removed += 1;
                    return false;
                }
                kept_horizons.push((record.offset, horizon));
            }
            true
        });
        segment.tombstone_horizons = kept_horizons;
        outcome.removed_records += before - segment.records.len();
        outcome.removed_tombstones += tombstones_removed;
        segment.size_bytes = segment.records.iter().map(|r| r.size_in_bytes()).sum();
    }
    merge_small_segments(partition, n_closed, config.segment_bytes);
    partition.first_dirty_offset = first_uncleanable;
    partition.recount();
    outcome.cleaned = true;
    outcome
}

/// Merges neighbouring closed segments while the result fits in `segment.bytes`, as Kafka's
/// cleaner groups segments; the merged segment keeps the first one's base offset.
fn merge_small_segments(partition: &mut Partition, n_closed: usize, segment_bytes: u64) {
    let segments = partition.segments_mut();
    let mut merged: Vec<Segment> = Vec::with_capacity(n_closed);
    for segment in segments.drain(..n_closed) {
        match merged.last_mut() {
            Some(previous) if previous.size_bytes.saturating_add(segment.size_bytes) <= segment_bytes => {
                previous.size_bytes = previous.size_bytes.saturating_add(segment.size_bytes);
                previous.max_timestamp_ms = previous.max_timestamp_ms.max(segment.max_timestamp_ms);
                previous.records.extend(segment.records);
                previous.tombstone_horizons.extend(segment.tombstone_horizons);
            }
            _ => merged.push(segment),
        }
    }
    // An emptied first segment still marks where the log starts; later empty ones go.
    for (index, segment) in merged.into_iter().enumerate().rev() {
        if index == 0 || !segment.records.is_empty() {
            segments.push_front(segment);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{CleanupPolicy, ProducerRecord};
    use std::sync::Arc;

    fn compacted() -> TopicConfig {
        TopicConfig {
            cleanup_policy: CleanupPolicy::Compact,
            segment_ms: 10,
            delete_retention_ms: 1_000,
            ..TopicConfig::default()
        }
    }

    fn put(partition: &mut Partition, config: &TopicConfig, key: &str, value: Option<&str>, now_ms: Millis) {
        let record = ProducerRecord {
            key: Some(Arc::from(key.as_bytes())),
            value: value.map(|v| Arc::from(v.as_bytes())),
            ..ProducerRecord::default()
        };
        partition.append(record, now_ms, config.segment_bytes, config.segment_ms).unwrap();
    }

    fn live(partition: &Partition) -> Vec<(u64, String, Option<String>)> {
        partition
            .fetch("t", partition.log_start_offset(), usize::MAX)
            .unwrap()
            .into_iter()
            .map(|r| {
                let text = |b: &Bytes| String::from_utf8_lossy(b).into_owned();
                (r.offset, r.key.as_ref().map(text).unwrap_or_default(), r.value.as_ref().map(text))
            })
            .collect()
    }

    #[test]
    fn keeps_latest_per_key_with_offset_gaps_and_leaves_active_segment() {
        let config = compacted();
        let mut partition = Partition::new(0);
        put(&mut partition, &config, "alice", Some("Bronze"), 0);
        put(&mut partition, &config, "bob", Some("Gold"), 1);
        put(&mut partition, &config, "alice", Some("Silver"), 20);
        put(&mut partition, &config, "alice", Some("Platinum"), 40); // active segment
        assert!(needs_cleaning(&partition, 40));
        let outcome = compact(&mut partition, &config, 40);
        assert_eq!(outcome.removed_records, 1);
        assert_eq!(
            live(&partition),
            vec![
                (1, "bob".into(), Some("Gold".into())),
                (2, "alice".into(), Some("Silver".into())),
                (3, "alice".into(), Some("Platinum".into())),
            ]
        );
        assert_eq!(partition.log_start_offset(), 0);
        assert_eq!(partition.log_end_offset(), 4);
    }

    #[test]
    fn tombstones_survive_delete_retention_then_go() {
        let config = compacted();
        let mut partition = Partition::new(0);
        put(&mut partition, &config, "alice", Some("Gold"), 0);
        put(&mut partition, &config, "alice", None, 20);
        put(&mut partition, &config, "bob", Some("Gold"), 40);
        compact(&mut partition, &config, 40);
        assert_eq!(live(&partition), vec![(1, "alice".into(), None), (2, "bob".into(), Some("Gold".into()))]);
        assert!(!needs_cleaning(&partition, 500));
        assert!(needs_cleaning(&partition, 1_040));
        let outcome = compact(&mut partition, &config, 1_040);
        assert_eq!(outcome.removed_tombstones, 1);
        assert_eq!(live(&partition), vec![(2, "bob".into(), Some("Gold".into()))]);
    }
}
