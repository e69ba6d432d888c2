//! Stream-stream join `WITHIN`: both sides are buffered for the join window, and a record joins
//! every record of the other side with the same key whose time is close enough: a left record
//! at `t` matches right records in `[t - before, t + after]` (`WITHIN n` means before = after).
//!
//! Outer joins (LEFT, RIGHT, FULL) also emit unmatched records padded with NULLs. Without a
//! `GRACE PERIOD` ksqlDB keeps Kafka Streams' legacy behaviour: the padded row goes out as soon
//! as the record arrives. With one, it is held back and emitted only if no match came before
//! stream time passes the window plus grace — unless its window has already closed when it
//! arrives (out of order), in which case it goes out at once.
//!
//! As in Kafka Streams, each side's buffer is a window store with its own observed time: it
//! keeps (and returns) records newer than that time minus the retention (window size + grace),
//! so a record much older than its own side's newest is neither stored nor found.

use super::join_row::JoinLayout;
use super::table_table_join::TableJoinKind;
use super::{Operator, ProcessingLog, Row};
use crate::clock::Millis;
use crate::sql::plan::CompiledExpr;
use crate::sql::value::Value;
use std::collections::HashMap;

#[derive(Clone, Debug)]
struct Buffered {
    values: Vec<Value>,
    timestamp: Millis,
    partition: u32,
    offset: u64,
    /// The window of a windowed source's record: records join only within the same window.
    window: Option<(Millis, Millis)>,
}

#[derive(Debug)]
pub struct StreamStreamJoin {
    pub kind: TableJoinKind,
    pub left_key: CompiledExpr,
    pub right_key: CompiledExpr,
    pub layout: JoinLayout,
    pub before: Millis,
    pub after: Millis,
    pub grace: Option<Millis>,
    left: HashMap<String, Vec<Buffered>>,
    right: HashMap<String, Vec<Buffered>>,
    /// The newest time each side's store has seen.
    left_time: Millis,
    right_time: Millis,
    /// The newest time of either side.
    stream_time: Millis,
    /// Unmatched outer-join records held back until their window closes (with GRACE only), in
    /// arrival order; `true` marks right records.
    held: Vec<(bool, String, Buffered)>,
}

impl StreamStreamJoin {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kind: TableJoinKind,
        left_key: CompiledExpr,
        right_key: CompiledExpr,
        layout: JoinLayout,
        before: Millis,
        after: Millis,
        grace: Option<Millis>,
    ) -> StreamStreamJoin {
        StreamStreamJoin {
            kind,
            left_key,
            right_key,
            layout,
            before,
            after,
            grace,
            left: HashMap::new(),
            right: HashMap::new(),
            left_time: Millis::MIN,
            right_time: Millis::MIN,
            stream_time: Millis::MIN,
            held: Vec::new(),
        }
    }

    /// How long a store keeps a record behind its newest: the window size plus the grace (the
    /// legacy grace, without GRACE PERIOD, is 24 hours minus the window size).
    fn retention(&self) -> Millis {
        let size = self.before.saturating_add(self.after);
        let grace = self.grace.unwrap_or_else(|| (24 * 3_600_000 - size).max(0));
        size.saturating_add(grace)
    }

    fn joined(
        &self,
        key: &Value,
        left: Option<&Buffered>,
        right: Option<&Buffered>,
        at: &Buffered,
    ) -> Row {
        let timestamp = left
            .map_or(Millis::MIN, |l| l.timestamp)
            .max(right.map_or(Millis::MIN, |r| r.timestamp));
        let values = self.layout.joined(
            key.clone(),
            left.map(|b| (b.values.as_slice(), b.timestamp)),
            right.map(|b| (b.values.as_slice(), b.timestamp)),
            timestamp,
            at.partition,
            at.offset,
        );
        Row {
            values,
            n_keys: 1,
            tombstone: false,
            timestamp,
            partition: at.partition,
            offset: at.offset,
            window: at.window,
        }
    }

    fn emits_unmatched(&self, from_right: bool) -> bool {
        match self.kind {
            TableJoinKind::Inner => false,
            TableJoinKind::Left => !from_right,
            TableJoinKind::Right => from_right,
            TableJoinKind::Full => true,
        }
    }

    fn on_record(
        &mut self,
        from_right: bool,
        row: Row,
        out: &mut Vec<Row>,
        log: &mut ProcessingLog,
    ) {
        if row.tombstone {
            return;
        }
        let key_expr = if from_right {
            &self.right_key
        } else {
            &self.left_key
        };
        let key = key_expr.eval(&row.values).unwrap_or_default();
        if key.is_null() {
            log.record(format!(
                "Dropped a record with a NULL join key at offset {}",
                row.offset
            ));
            return;
        }
        let t = row.timestamp;
        let retention = self.retention();
        self.stream_time = self.stream_time.max(t);
        if self.grace.is_some() && t == self.stream_time {
            self.emit_held(out);
        }
        let id = match row.window {
            Some(window) => format!("{key:?}@{window:?}"),
            None => format!("{key:?}"),
        };
        let record = Buffered {
            values: row.values,
            timestamp: t,
            partition: row.partition,
            offset: row.offset,
            window: row.window,
        };
        // This record goes into its side's store, unless that store has moved past it.
        let own_time = if from_right {
            &mut self.right_time
        } else {
            &mut self.left_time
        };
        *own_time = (*own_time).max(t);
        let stored = t > own_time.saturating_sub(retention);
        if !stored {
            log.record(format!(
                "A record at offset {} is older than its join window's retention: not kept",
                row.offset
            ));
        }
        // The other side's live records in this record's window.
        let (low, high) = if from_right {
            (t.saturating_sub(self.after), t.saturating_add(self.before))
        } else {
            (t.saturating_sub(self.before), t.saturating_add(self.after))
        };
        let other_time = if from_right {
            self.left_time
        } else {
            self.right_time
        };
        let live_from = low.max(other_time.saturating_sub(retention).saturating_add(1));
        let others = if from_right {
            self.left.get(&id)
        } else {
            self.right.get(&id)
        };
        let matched_others: Vec<Buffered> = others
            .map(|others| {
                others
                    .iter()
                    .filter(|o| o.timestamp >= live_from && o.timestamp <= high)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for other in &matched_others {
            let row = if from_right {
                self.joined(&key, Some(other), Some(&record), &record)
            } else {
                self.joined(&key, Some(&record), Some(other), &record)
            };
            out.push(row);
            // A held-back unmatched record of the other side has found its match.
            self.held.retain(|(right, held_id, held)| {
                !(*right != from_right && *held_id == id && held.timestamp == other.timestamp)
            });
        }
        if matched_others.is_empty() && self.emits_unmatched(from_right) {
            let window_closed = high < self.stream_time;
            if self.grace.is_none() || window_closed {
                let row = if from_right {
                    self.joined(&key, None, Some(&record), &record)
                } else {
                    self.joined(&key, Some(&record), None, &record)
                };
                out.push(row);
            } else {
                self.held.push((from_right, id.clone(), record.clone()));
            }
        }
        if stored {
            let own = if from_right {
                &mut self.right
            } else {
                &mut self.left
            };
            own.entry(id).or_default().push(record);
        }
        self.expire();
    }

    /// Emits the held-back unmatched records whose window and grace have passed, oldest first.
    fn emit_held(&mut self, out: &mut Vec<Row>) {
        let grace = self.grace.unwrap_or(0);
        let stream_time = self.stream_time;
        let (before, after) = (self.before, self.after);
        let closed = |right: bool, record: &Buffered| {
            let look_back = if right { before } else { after };
            record
                .timestamp
                .saturating_add(look_back)
                .saturating_add(grace)
                < stream_time
        };
        let mut due: Vec<(bool, Buffered)> = Vec::new();
        self.held.retain(|(right, _, record)| {
            if closed(*right, record) {
                due.push((*right, record.clone()));
                false
            } else {
                true
            }
        });
        due.sort_by_key(|(_, r)| (r.timestamp, r.offset));
        for (right, record) in due {
            let key_expr = if right {
                &self.right_key
            } else {
                &self.left_key
            };
            let key = key_expr.eval(&record.values).unwrap_or_default();
            let row = if right {
                self.joined(&key, None, Some(&record), &record)
            } else {
                self.joined(&key, Some(&record), None, &record)
            };
            out.push(row);
        }
    }

    /// Forgets stored records older than their store's retention (state stays bounded).
    fn expire(&mut self) {
        let retention = self.retention();
        for (buffers, time) in [
            (&mut self.left, self.left_time),
            (&mut self.right, self.right_time),
        ] {
            let oldest = time.saturating_sub(retention);
            for records in buffers.values_mut() {
                records.retain(|r| r.timestamp > oldest);
            }
            buffers.retain(|_, records| !records.is_empty());
        }
    }
}

impl Operator for StreamStreamJoin {
    fn process(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) {
        self.on_record(false, row, out, log);
    }

    fn process_side(&mut self, row: Row, out: &mut Vec<Row>, log: &mut ProcessingLog) {
        self.on_record(true, row, out, log);
    }

    fn describe(&self) -> String {
        format!(
            "Stream-stream {:?} join WITHIN ({} ms before, {} ms after)",
            self.kind, self.before, self.after
        )
    }
}

/// Reads `WITHIN` tokens: `10 SECONDS`, `(1 SECOND, 2 SECONDS)`, then optional
/// `GRACE PERIOD n unit`. Returns (before, after, grace).
pub fn parse_within(tokens: &[String]) -> Result<(Millis, Millis, Option<Millis>), String> {
    let words: Vec<String> = tokens
        .iter()
        .map(|t| t.to_ascii_uppercase())
        .filter(|t| t != "(" && t != ")" && t != ",")
        .collect();
    let mut durations = Vec::new();
    let mut grace = None;
    let mut idx = 0;
    while idx < words.len() {
        if words.get(idx).map(String::as_str) == Some("GRACE") {
            let number = words.get(idx + 2).ok_or("GRACE PERIOD needs a duration")?;
            let unit = words.get(idx + 3).ok_or("GRACE PERIOD needs a unit")?;
            grace = Some(to_ms(number, unit)?);
            idx += 4;
            continue;
        }
        let number = words.get(idx).ok_or("WITHIN needs a duration")?;
        let unit = words.get(idx + 1).ok_or("WITHIN needs a unit")?;
        durations.push(to_ms(number, unit)?);
        idx += 2;
    }
    match durations.as_slice() {
        [both] => Ok((*both, *both, grace)),
        [before, after] => Ok((*before, *after, grace)),
        _ => Err("WITHIN needs one duration, or (before, after)".to_string()),
    }
}

fn to_ms(number: &str, unit: &str) -> Result<Millis, String> {
    let amount: Millis = number
        .parse()
        .map_err(|_| format!("Expected a number in WITHIN, found '{number}'"))?;
    let factor: Millis = match unit.trim_end_matches('S') {
        "MILLISECOND" => 1,
        "SECOND" => 1000,
        "MINUTE" => 60_000,
        "HOUR" => 3_600_000,
        "DAY" => 86_400_000,
        _ => return Err(format!("Unknown time unit '{unit}'")),
    };
    amount
        .checked_mul(factor)
        .ok_or_else(|| "The WITHIN duration is too long".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::operators::table_table_join::TableJoinKind;

    fn row(key: &str, timestamp: Millis, offset: u64) -> Row {
        Row::keyed_for_test(vec![Value::String(key.into())], timestamp, offset)
    }

    fn buffered(join: &StreamStreamJoin) -> usize {
        join.left.values().chain(join.right.values()).map(Vec::len).sum()
    }

    /// The join buffers stay bounded by WITHIN + GRACE: a steady stream keeps only the recent
    /// records, and once the other keys fall silent their buffers shrink back.
    #[test]
    fn join_buffers_stay_bounded_by_within_and_grace() {
        // WITHIN 1 SECOND GRACE PERIOD 1 SECOND.
        let mut join = StreamStreamJoin::new(
            TableJoinKind::Inner,
            CompiledExpr::Column(0),
            CompiledExpr::Column(0),
            JoinLayout::new(vec![], vec![]),
            1_000,
            1_000,
            Some(1_000),
        );
        let (mut out, mut log) = (Vec::new(), ProcessingLog::default());
        let mut offset = 0;
        for timestamp in (0..600_000).step_by(10) {
            let key = format!("k{}", (offset / 2) % 20);
            if offset % 2 == 0 {
                join.process(row(&key, timestamp, offset), &mut out, &mut log);
            } else {
                join.process_side(row(&key, timestamp, offset), &mut out, &mut log);
            }
            offset += 1;
        }
        assert!(!out.is_empty(), "records within a second of each other join");
        // 3 s of retention at one record per 10 ms on either side: about 300, never 60,000.
        assert!(buffered(&join) <= 400, "{} records buffered", buffered(&join));
        // Each store keeps its own time: both sides move on, with one key only.
        for timestamp in (700_000..710_000).step_by(10) {
            if offset % 2 == 0 {
                join.process(row("z", timestamp, offset), &mut out, &mut log);
            } else {
                join.process_side(row("z", timestamp, offset), &mut out, &mut log);
            }
            offset += 1;
        }
        assert!(buffered(&join) <= 400, "{} records buffered", buffered(&join));
        let keys: Vec<&String> = join.left.keys().chain(join.right.keys()).collect();
        assert!(keys.iter().all(|key| key.contains('z')), "only z is left: {keys:?}");
    }
}
