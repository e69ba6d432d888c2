//! `PRINT topic [FROM BEGINNING] [INTERVAL n] [LIMIT n]`: the raw records of a topic, as the
//! ksqlDB CLI shows them, whatever stream or table (if any) reads them.

use super::{Engine, StatementResult};
use crate::log::{Log, Record};
use crate::sql::error::{SqlError, SqlErrorKind};
use crate::sql::ops::temporal::civil_from_days;

impl Engine {
    pub(super) fn print(
        &self,
        log: &Log,
        topic: &str,
        from_beginning: bool,
        interval: Option<u64>,
        limit: Option<u64>,
    ) -> Result<StatementResult, SqlError> {
        let Ok(found) = log.topic(topic) else {
            let error = SqlError::new(
                SqlErrorKind::UnknownSource,
                format!("Could not find topic '{topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive."),
            );
            let stream_topic = self
                .catalog
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(topic))
                .map(|s| s.topic.clone());
            let hint = match stream_topic {
                Some(t) => format!("PRINT takes a topic name; {topic} reads the topic '{t}'"),
                None => "SHOW TOPICS lists the topics".to_string(),
            };
            return Err(error.with_hint(hint));
        };
        // In a script nothing arrives after the statement runs, so without FROM BEGINNING there
        // is nothing to show.
        let mut records: Vec<Record> = Vec::new();
        if from_beginning {
            for partition in found.partitions() {
                let start = partition.log_start_offset();
                let n = usize::try_from(partition.log_end_offset().saturating_sub(start))
                    .unwrap_or(usize::MAX);
                if let Ok(batch) = partition.fetch(topic, start, n) {
                    records.extend(batch);
                }
            }
        }
        records.sort_by_key(|r| (r.timestamp, r.partition, r.offset));
        let every = interval.unwrap_or(1).max(1);
        let mut lines = Vec::new();
        if let Some(first) = records.first() {
            lines.push(format!(
                "Key format: {}",
                guess_format(first.key.as_deref(), true)
            ));
            lines.push(format!(
                "Value format: {}",
                guess_format(first.value.as_deref(), false)
            ));
        }
        let mut n_printed = 0u64;
        for (record_idx, record) in records.iter().enumerate() {
            if limit.is_some_and(|limit| n_printed >= limit) {
                break;
            }
            if !(record_idx as u64).is_multiple_of(every) {
                continue;
            }
            lines.push(format!(
                "rowtime: {}, key: {}, value: {}, partition: {}",
                format_rowtime(record.timestamp),
                show_bytes(record.key.as_deref()),
                show_bytes(record.value.as_deref()),
                record.partition
            ));
            n_printed += 1;
        }
        Ok(StatementResult::Printed { lines })
    }
}

/// `yyyy/MM/dd HH:mm:ss.SSS Z`, in UTC, as ksqlDB's PRINT writes ROWTIME.
pub fn format_rowtime(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let ms_of_day = millis.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (hours, minutes) = (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60);
    let (seconds, ms) = (ms_of_day / 1000 % 60, ms_of_day % 1000);
    format!("{year:04}/{month:02}/{day:02} {hours:02}:{minutes:02}:{seconds:02}.{ms:03} Z")
}

fn printable(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok().filter(|text| {
        !text
            .chars()
            .any(|c| c.is_control() && c != '\t' && c != '\n')
    })
}

fn show_bytes(bytes: Option<&[u8]>) -> String {
    match bytes {
        None => "<null>".into(),
        Some(bytes) => match printable(bytes) {
            Some(text) => text.to_string(),
            None => match <[u8; 4]>::try_from(bytes) {
                Ok(four) => i32::from_be_bytes(four).to_string(),
                Err(_) => match <[u8; 8]>::try_from(bytes) {
                    Ok(eight) => i64::from_be_bytes(eight).to_string(),
                    Err(_) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
                },
            },
        },
    }
}

fn guess_format(bytes: Option<&[u8]>, is_key: bool) -> &'static str {
    match bytes {
        None => "¯\\_(ツ)_/¯ - no data processed",
        Some(bytes) => match printable(bytes) {
            Some(text)
                if !is_key
                    && serde_json::from_str::<serde_json::Value>(text)
                        .is_ok_and(|v| v.is_object()) =>
            {
                "JSON"
            }
            Some(_) => "KAFKA_STRING",
            None if bytes.len() == 4 => "KAFKA_INT",
            None if bytes.len() == 8 => "KAFKA_BIGINT or KAFKA_DOUBLE",
            None => "unknown binary",
        },
    }
}
