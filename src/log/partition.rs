//! A partition: an append-only sequence of records split into segments, as Kafka stores it.
//! Retention removes whole segments from the front; the active (last) segment is never removed.

use super::error::LogError;
use super::record::{ProducerRecord, Record, RecordMetadata};
use crate::clock::Millis;
use std::collections::VecDeque;

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
}

#[derive(Clone, Debug)]
pub struct Partition {
    id: u32,
    segments: VecDeque<Segment>,
    /// First offset still readable (Kafka's log start offset).
    log_start_offset: u64,
    /// Offset the next append gets (Kafka's log end offset).
    log_end_offset: u64,
}

impl Partition {
    pub fn new(id: u32) -> Self {
        Partition { id, segments: VecDeque::new(), log_start_offset: 0, log_end_offset: 0 }
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
        self.segments.iter().map(|s| s.records.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.segments.iter().all(|s| s.records.is_empty())
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
            key: record.key,
            value: record.value,
            headers: record.headers,
        };
        let size = stored.size_in_bytes();
        let must_roll = match self.segments.back() {
            None => true,
            Some(active) => {
                !active.records.is_empty()
                    && (active.size_bytes.saturating_add(size) > segment_bytes
                        || now_ms.saturating_sub(active.created_at_ms) >= segment_ms)
            }
        };
        if must_roll {
            self.segments.push_back(Segment {
                base_offset: stored.offset,
                records: Vec::new(),
                size_bytes: 0,
                created_at_ms: now_ms,
                max_timestamp_ms: Millis::MIN,
            });
        }
        let metadata = RecordMetadata { partition: self.id, offset: stored.offset, timestamp: stored.timestamp };
        if let Some(active) = self.segments.back_mut() {
            active.size_bytes = active.size_bytes.saturating_add(size);
            active.max_timestamp_ms = active.max_timestamp_ms.max(stored.timestamp);
            active.records.push(stored);
        }
        self.log_end_offset += 1;
        Ok(metadata)
    }

    /// Up to `max` records from `offset` on. Reading at the log end returns nothing; reading
    /// below the log start or past the end is `OffsetOutOfRange`, as a Kafka fetch would be.
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
        let mut out = Vec::with_capacity(max.min(1024));
        // Segments are few; find the first holding offsets >= `offset`, then binary-search in it.
        let first_segment = self.segments.partition_point(|s| match s.records.last() {
            Some(last) => last.offset < offset,
            None => true,
        });
        for segment in self.segments.iter().skip(first_segment) {
            let start = segment.records.partition_point(|r| r.offset < offset);
            for record in segment.records.iter().skip(start) {
                if out.len() >= max {
                    return Ok(out);
                }
                out.push(record.clone());
            }
        }
        Ok(out)
    }

    pub(crate) fn segments_mut(&mut self) -> &mut VecDeque<Segment> {
        &mut self.segments
    }

    /// Moves the log start forward (never back).
    pub(crate) fn advance_log_start(&mut self, offset: u64) {
        self.log_start_offset = self.log_start_offset.max(offset.min(self.log_end_offset));
    }
}
