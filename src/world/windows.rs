//! The windows view: a windowed aggregation's windows as bands on a time axis.
//!
//! Each row of a windowed table (`... WINDOW TUMBLING|HOPPING|SESSION ... GROUP BY`) is one
//! window of one key: a band from WINDOWSTART to WINDOWEND with its aggregate values. A window
//! accepts records until stream time (the largest timestamp the query has seen) passes its end
//! plus the grace period; records arriving after that are late and dropped, and the query
//! counts them (see [`crate::sql::engine::LateRecords`]).

use super::World;
use crate::clock::Millis;
use crate::sql::format::display_value;
use crate::sql::SourceKind;

/// Windows shown: the most recent ones (by start).
pub const MAX_WINDOWS: usize = 60;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowBand {
    pub key: String,
    pub start: Millis,
    pub end: Millis,
    /// The aggregate columns as text, in the table's order.
    pub values: Vec<String>,
    /// Stream time has passed end + grace: the window no longer changes.
    pub closed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LateRecordView {
    pub partition: u32,
    pub offset: u64,
    pub timestamp: Millis,
    pub window_start: Millis,
    pub window_end: Millis,
    /// How far past the window's close (end + grace) stream time already was.
    pub missed_by_ms: Millis,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowsView {
    pub table: String,
    pub query_id: Option<String>,
    pub source: Option<String>,
    /// `TUMBLING`, `HOPPING` or `SESSION`.
    pub kind: &'static str,
    /// The size, or the session gap.
    pub size_ms: Millis,
    pub advance_ms: Option<Millis>,
    pub grace_ms: Millis,
    pub stream_time: Option<Millis>,
    pub value_columns: Vec<String>,
    /// Ordered by start, then key; the most recent [`MAX_WINDOWS`].
    pub windows: Vec<WindowBand>,
    pub n_windows: usize,
    /// Oldest first.
    pub late: Vec<LateRecordView>,
    pub n_late: u64,
    /// The time axis: from the earliest band or late record to the latest end.
    pub axis: (Millis, Millis),
}

impl World {
    /// The windowed tables, in creation order.
    pub fn windowed_table_names(&self) -> Vec<String> {
        self.engine
            .sources()
            .filter(|s| s.kind == SourceKind::Table && s.window.is_some())
            .map(|s| s.name.clone())
            .collect()
    }

    /// The windows view of a windowed table; `None` if `table` is not one.
    pub fn windows_view(&mut self, table: &str) -> Option<WindowsView> {
        let info = self.engine.source(table)?.clone();
        let spec = info.window?;
        let query_id = self.engine.query_writing(table).map(str::to_string);
        let source = query_id
            .as_ref()
            .and_then(|id| self.engine.queries().into_iter().find(|q| q.id == *id))
            .map(|q| q.source);
        let report = query_id.as_ref().and_then(|id| self.engine.late_records(id)).unwrap_or_default();
        let rows = self.engine.table_rows(&self.log, table).unwrap_or_default();
        let stream_time = report.stream_time.or_else(|| rows.iter().map(|r| r.timestamp).max());
        let grace_ms = spec.grace_ms();
        let close_grace = if spec.is_session() { grace_ms.saturating_add(spec.size()) } else { grace_ms };
        let n_windows = rows.len();
        let mut windows: Vec<WindowBand> = rows
            .into_iter()
            .filter_map(|row| {
                let (start, end) = row.window?;
                Some(WindowBand {
                    key: row.key.iter().map(display_value).collect::<Vec<_>>().join(", "),
                    start,
                    end,
                    values: row.values.iter().map(display_value).collect(),
                    closed: stream_time.is_some_and(|t| end.saturating_add(close_grace) <= t),
                })
            })
            .collect();
        windows.sort_by(|a, b| b.start.cmp(&a.start).then_with(|| a.key.cmp(&b.key)));
        windows.truncate(MAX_WINDOWS);
        windows.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.key.cmp(&b.key)));
        let late: Vec<LateRecordView> = report
            .recent
            .iter()
            .map(|l| LateRecordView {
                partition: l.partition,
                offset: l.offset,
                timestamp: l.timestamp,
                window_start: l.window.0,
                window_end: l.window.1,
                missed_by_ms: l.stream_time.saturating_sub(l.window.1.saturating_add(close_grace)),
            })
            .collect();
        let starts = windows.iter().map(|w| w.start).chain(late.iter().map(|l| l.window_start.min(l.timestamp)));
        let ends = windows.iter().map(|w| w.end).chain(late.iter().map(|l| l.window_end)).chain(stream_time);
        let axis = (starts.min().unwrap_or(0), ends.max().unwrap_or(0));
        Some(WindowsView {
            table: table.to_string(),
            query_id,
            source,
            kind: spec.type_name(),
            size_ms: spec.size(),
            advance_ms: match spec.kind {
                crate::sql::plan::window::WindowKind::Hopping { advance, .. } => Some(advance),
                _ => None,
            },
            grace_ms,
            stream_time,
            value_columns: info.value_columns.iter().map(|f| f.name.clone()).collect(),
            windows,
            n_windows,
            late,
            n_late: report.n_late,
            axis,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::ProducerRecord;

    fn produce_at(world: &mut World, key: &str, timestamp: Millis) {
        let record = ProducerRecord {
            timestamp: Some(timestamp),
            ..ProducerRecord::keyed(key, format!(r#"{{"sensor":"{key}","reading":1}}"#))
        };
        world.produce("readings", record).unwrap();
    }

    #[test]
    fn tumbling_windows_count_records_and_a_record_after_the_grace_period_is_dropped() {
        let mut world = World::new(1);
        let outcome = world.execute_sql(
            "CREATE STREAM readings (sensor STRING KEY, reading INT)
               WITH (kafka_topic='readings', value_format='JSON', partitions=1);
             SET 'auto.offset.reset' = 'earliest';
             CREATE TABLE counts AS SELECT sensor, COUNT(*) AS n FROM readings
               WINDOW TUMBLING (SIZE 10 SECONDS, RETENTION 1 MINUTE, GRACE PERIOD 2 SECONDS) GROUP BY sensor EMIT CHANGES;",
        );
        assert_eq!(outcome.error, None);
        let t0 = world.now_ms();
        for offset_ms in [1_000, 2_000, 3_000, 12_000, 25_000] {
            produce_at(&mut world, "a", t0 + offset_ms);
        }
        // Window [t0, t0+10s) closed at t0+12s; stream time is t0+25s: 13 s too late. (The table
        // keeps windows for a minute; without RETENTION it would forget them after size + grace.)
        produce_at(&mut world, "a", t0 + 4_000);
        world.step(1_000);
        let view = world.windows_view("COUNTS").unwrap();
        assert_eq!((view.kind, view.size_ms, view.grace_ms), ("TUMBLING", 10_000, 2_000));
        assert_eq!(view.stream_time, Some(t0 + 25_000));
        let bands: Vec<(Millis, Millis, &str, bool)> =
            view.windows.iter().map(|w| (w.start - t0, w.end - t0, w.values[0].as_str(), w.closed)).collect();
        let first = t0.rem_euclid(10_000);
        assert_eq!(first, 0, "the epoch is on a 10 s boundary");
        assert_eq!(bands, [(0, 10_000, "3", true), (10_000, 20_000, "1", true), (20_000, 30_000, "1", false)]);
        assert_eq!(view.n_late, 1);
        assert_eq!(view.late.len(), 1);
        let late = &view.late[0];
        assert_eq!((late.timestamp - t0, late.window_start - t0, late.window_end - t0), (4_000, 0, 10_000));
        assert_eq!(late.missed_by_ms, 13_000);
        assert_eq!(view.axis, (t0, t0 + 30_000));
        assert!(world.windows_view("READINGS").is_none());
        assert_eq!(world.windowed_table_names(), ["COUNTS"]);
    }
}
