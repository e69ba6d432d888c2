//! The S3 sink's object store: records buffered per topic-partition and written as files of
//! `flush.size` records (or when `rotate.interval.ms` of record time has passed), named
//! `<topics.dir>/<topic>/<encoded partition>/<topic>+<kafka partition>+<start offset>.json` as
//! Confluent's S3 connector names them. Names are deterministic, so a task that restarts from
//! its committed offsets rewrites the same files: exactly once in the lake.

use crate::clock::Millis;
use crate::log::Record;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Partitioner {
    /// `DefaultPartitioner`: `partition=<n>`.
    Default,
    /// `TimeBasedPartitioner` (and the Daily/Hourly ones): record time floored to
    /// `partition.duration.ms`, written with `path.format`.
    Time { duration_ms: Millis, path_format: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Lake {
    pub(crate) bucket: String,
    pub(crate) topics_dir: String,
    pub(crate) flush_size: usize,
    pub(crate) rotate_interval_ms: Option<Millis>,
    pub(crate) partitioner: Partitioner,
    /// Records read but not yet in a file, per (topic, partition).
    pub(crate) buffers: BTreeMap<(String, u32), Vec<Record>>,
    /// Path → lines (one JSON value per line).
    pub(crate) files: BTreeMap<String, Vec<String>>,
}

impl Lake {
    /// Buffers a record; returns the offset to commit when it completed a file.
    pub(crate) fn write(&mut self, topic: &str, record: Record) -> Option<(String, u32, u64)> {
        let key = (topic.to_string(), record.partition);
        let buffer = self.buffers.entry(key.clone()).or_default();
        let rotate = match (self.rotate_interval_ms, buffer.first()) {
            (Some(interval), Some(first)) => record.timestamp.saturating_sub(first.timestamp) >= interval,
            _ => false,
        };
        if rotate {
            let committed = self.flush(&key);
            self.buffers.entry(key.clone()).or_default().push(record);
            return committed;
        }
        buffer.push(record);
        if buffer.len() >= self.flush_size {
            return self.flush(&key);
        }
        None
    }

    /// Writes the buffered records of one topic-partition as files; returns the offset to commit.
    fn flush(&mut self, key: &(String, u32)) -> Option<(String, u32, u64)> {
        let records = self.buffers.remove(key)?;
        let last_offset = records.last()?.offset;
        let (topic, partition) = key;
        let mut by_path: BTreeMap<String, Vec<Record>> = BTreeMap::new();
        for record in records {
            by_path.entry(self.encoded_partition(record.partition, record.timestamp)).or_default().push(record);
        }
        for (encoded, records) in by_path {
            let Some(first) = records.first() else { continue };
            let path = format!("{}/{topic}/{encoded}/{topic}+{partition}+{:010}.json", self.topics_dir, first.offset);
            let lines = records
                .iter()
                .map(|r| r.value.as_deref().map_or_else(|| "null".to_string(), |v| String::from_utf8_lossy(v).into_owned()))
                .collect();
            self.files.insert(path, lines);
        }
        Some((topic.clone(), *partition, last_offset.saturating_add(1)))
    }

    fn encoded_partition(&self, partition: u32, timestamp: Millis) -> String {
        match &self.partitioner {
            Partitioner::Default => format!("partition={partition}"),
            Partitioner::Time { duration_ms, path_format } => {
                let period = timestamp.div_euclid((*duration_ms).max(1)).saturating_mul((*duration_ms).max(1));
                format_time(path_format, period)
            }
        }
    }
}

/// Joda-style formatting of a UTC time: `'quoted'` text, `YYYY`/`yyyy`, `MM`, `dd`, `HH`, `mm`.
pub(crate) fn format_time(format: &str, at_ms: Millis) -> String {
    let days = at_ms.div_euclid(86_400_000);
    let ms_of_day = at_ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute) = (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60);
    let mut out = String::new();
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '\'' {
            i += 1;
            while let Some(&q) = chars.get(i) {
                i += 1;
                if q == '\'' {
                    break;
                }
                out.push(q);
            }
            continue;
        }
        let run = chars.iter().skip(i).take_while(|&&x| x == c).count();
        match c {
            'Y' | 'y' => out.push_str(&format!("{year:04}")),
            'M' => out.push_str(&format!("{month:02}")),
            'd' => out.push_str(&format!("{day:02}")),
            'H' => out.push_str(&format!("{hour:02}")),
            'm' => out.push_str(&format!("{minute:02}")),
            _ => out.extend(std::iter::repeat_n(c, run)),
        }
        i += run;
    }
    out
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_paths_as_the_s3_connector_does() {
        // 2018-03-01T13:45:00Z
        let at = 1_519_862_400_000 + 13 * 3_600_000 + 45 * 60_000;
        assert_eq!(format_time("'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", at), "year=2018/month=03/day=01/hour=13");
        assert_eq!(format_time("YYYY-MM-dd HH:mm", 0), "1970-01-01 00:00");
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
