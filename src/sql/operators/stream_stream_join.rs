//! Stream-stream join `WITHIN`: both sides are buffered for the join window, and a record joins
//! every record of the other side with the same key whose time is close enough: a left record
//! at `t` matches right records in `[t - before, t + after]` (`WITHIN n` means before = after).
//!
//! Outer joins (LEFT, RIGHT, FULL) also emit unmatched records padded with NULLs. Without a
//! `GRACE PERIOD` ksqlDB keeps Kafka Streams' legacy behaviour: the padded row goes out as soon
//! as the record arrives. With one, it is held back and emitted only if no match came before
//! stream time passes the window plus grace; records later than that are dropped.

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
    matched: bool,
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
    stream_time: Millis,
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
            stream_time: Millis::MIN,
        }
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
        let key = key_expr.eval(&row.values).unwrap_or(Value::Null);
        if key.is_null() {
            log.record(format!(
                "Dropped a record with a NULL join key at offset {}",
                row.offset
            ));
            return;
        }
        let t = row.timestamp;
        if let Some(grace) = self.grace {
            let limit = if from_right { self.before } else { self.after };
            if t.saturating_add(limit).saturating_add(grace) < self.stream_time {
                log.record(format!(
                    "Dropped a late record at offset {} (join window closed)",
                    row.offset
                ));
                return;
            }
        }
        self.stream_time = self.stream_time.max(t);
        let id = match row.window {
            Some(window) => format!("{key:?}@{window:?}"),
            None => format!("{key:?}"),
        };
        let mut record = Buffered {
            values: row.values,
            timestamp: t,
            partition: row.partition,
            offset: row.offset,
            window: row.window,
            matched: false,
        };
        // The other side's records in this record's window.
        let (low, high) = if from_right {
            (t.saturating_sub(self.after), t.saturating_add(self.before))
        } else {
            (t.saturating_sub(self.before), t.saturating_add(self.after))
        };
        let mut outputs = Vec::new();
        let others = if from_right {
            self.left.get_mut(&id)
        } else {
            self.right.get_mut(&id)
        };
        let mut matched_others = Vec::new();
        if let Some(others) = others {
            for other in others
                .iter_mut()
                .filter(|o| o.timestamp >= low && o.timestamp <= high)
            {
                other.matched = true;
                matched_others.push(other.clone());
            }
        }
        for other in &matched_others {
            record.matched = true;
            let row = if from_right {
                self.joined(&key, Some(other), Some(&record), &record)
            } else {
                self.joined(&key, Some(&record), Some(other), &record)
            };
            outputs.push(row);
        }
        if !record.matched && self.emits_unmatched(from_right) && self.grace.is_none() {
            let row = if from_right {
                self.joined(&key, None, Some(&record), &record)
            } else {
                self.joined(&key, Some(&record), None, &record)
            };
            outputs.push(row);
        }
        let own = if from_right {
            &mut self.right
        } else {
            &mut self.left
        };
        own.entry(id).or_default().push(record);
        out.extend(outputs);
        self.expire(out);
    }

    /// Forgets records whose window and grace have passed, emitting held-back unmatched ones.
    fn expire(&mut self, out: &mut Vec<Row>) {
        let grace = self.grace.unwrap_or(0);
        let stream_time = self.stream_time;
        for from_right in [false, true] {
            let limit = if from_right { self.before } else { self.after };
            let emit_unmatched = self.grace.is_some() && self.emits_unmatched(from_right);
            let buffers = if from_right {
                &mut self.right
            } else {
                &mut self.left
            };
            let mut expired: Vec<(String, Buffered)> = Vec::new();
            for (id, records) in buffers.iter_mut() {
                records.retain(|r| {
                    let keep = r.timestamp.saturating_add(limit).saturating_add(grace)
                        >= stream_time
                        || (self.grace.is_none()
                            && r.timestamp
                                .saturating_add(limit)
                                .saturating_add(24 * 3_600_000)
                                >= stream_time);
                    if !keep {
                        expired.push((id.clone(), r.clone()));
                    }
                    keep
                });
            }
            buffers.retain(|_, records| !records.is_empty());
            if emit_unmatched {
                expired.sort_by_key(|(_, r)| (r.timestamp, r.offset));
                for (_, record) in expired.into_iter().filter(|(_, r)| !r.matched) {
                    let key_expr = if from_right {
                        &self.right_key
                    } else {
                        &self.left_key
                    };
                    let key = key_expr.eval(&record.values).unwrap_or(Value::Null);
                    let row = if from_right {
                        self.joined(&key, None, Some(&record), &record)
                    } else {
                        self.joined(&key, Some(&record), None, &record)
                    };
                    out.push(row);
                }
            }
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
