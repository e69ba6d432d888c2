//! The `WINDOW` clause of an aggregation: which windows a record falls into, and for how long a
//! window accepts late records.
//!
//! - `TUMBLING (SIZE 30 SECONDS)`: fixed, non-overlapping windows `[n*size, (n+1)*size)`.
//! - `HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS)`: fixed windows that overlap; a record
//!   falls into `size / advance` of them.
//! - `SESSION (5 MINUTES)`: a window per burst of activity per key, closed after a gap of
//!   inactivity; sessions merge when a record bridges them.
//!
//! `GRACE PERIOD` says how long after its end a window still accepts out-of-order records.
//! Without it ksqlDB uses `max(24 hours - size (or gap), 0)`, so "no grace period" still accepts
//! quite late records. `RETENTION` is how long the window stays in the state store (for pull
//! queries); it must be at least size + grace.

use crate::clock::Millis;
use crate::sql::ast::WindowClause;
use crate::sql::error::SqlError;

const DAY_MS: Millis = 24 * 60 * 60 * 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowKind {
    Tumbling { size: Millis },
    Hopping { size: Millis, advance: Millis },
    Session { gap: Millis },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowSpec {
    pub kind: WindowKind,
    pub grace: Option<Millis>,
    pub retention: Option<Millis>,
}

impl WindowSpec {
    /// `TUMBLING`, `HOPPING` or `SESSION`, as `DESCRIBE` and the key format name it.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            WindowKind::Tumbling { .. } => "TUMBLING",
            WindowKind::Hopping { .. } => "HOPPING",
            WindowKind::Session { .. } => "SESSION",
        }
    }

    pub fn is_session(&self) -> bool {
        matches!(self.kind, WindowKind::Session { .. })
    }

    /// The size (or the session gap).
    pub fn size(&self) -> Millis {
        match self.kind {
            WindowKind::Tumbling { size } | WindowKind::Hopping { size, .. } => size,
            WindowKind::Session { gap } => gap,
        }
    }

    /// The grace period in force: the explicit one, else ksqlDB's `max(24 h - size, 0)`.
    pub fn grace_ms(&self) -> Millis {
        self.grace
            .unwrap_or_else(|| DAY_MS.saturating_sub(self.size()).max(0))
    }

    /// The start of every time window (tumbling or hopping) containing `timestamp`, earliest
    /// first. Empty for session windows.
    pub fn windows_for(&self, timestamp: Millis) -> Vec<(Millis, Millis)> {
        self.windows_containing(timestamp).collect()
    }

    /// [`WindowSpec::windows_for`] without the allocation (the aggregation calls it per record).
    pub fn windows_containing(&self, timestamp: Millis) -> impl Iterator<Item = (Millis, Millis)> {
        let (size, advance) = match self.kind {
            WindowKind::Tumbling { size } => (size, size),
            WindowKind::Hopping { size, advance } => (size, advance),
            WindowKind::Session { .. } => (0, 0),
        };
        // As Kafka Streams' TimeWindows.windowsFor: the last window starts at or before the
        // timestamp on an advance boundary; earlier ones step back while they still contain it
        // (and start at 0 or later).
        let valid = size > 0 && advance > 0 && timestamp >= 0;
        let last_start = if valid { timestamp - timestamp.rem_euclid(advance) } else { -1 };
        let lowest = timestamp.saturating_sub(size).saturating_add(1).max(0);
        let n_windows = if valid && last_start >= lowest {
            (last_start - lowest) / advance + 1
        } else {
            0
        };
        let first_start = last_start.saturating_sub((n_windows - 1).max(0).saturating_mul(advance));
        (0..n_windows).map(move |idx| {
            let start = first_start.saturating_add(idx.saturating_mul(advance));
            (start, start.saturating_add(size))
        })
    }
}

/// Reads the clause's tokens, e.g. `TUMBLING ( SIZE 30 SECONDS , GRACE PERIOD 0 SECONDS )`.
pub fn parse_window(clause: &WindowClause) -> Result<WindowSpec, SqlError> {
    let error = |message: String| SqlError::invalid(message).at(clause.span);
    let words: Vec<String> = clause
        .tokens
        .iter()
        .map(|t| t.to_ascii_uppercase())
        .collect();
    let mut tokens = words.iter().map(String::as_str).peekable();
    let kind_word = tokens.next().unwrap_or("");
    if tokens.next() != Some("(") {
        return Err(error(format!("Expected '(' after WINDOW {kind_word}")));
    }
    let mut size = None;
    let mut advance = None;
    let mut gap = None;
    let mut grace = None;
    let mut retention = None;
    loop {
        match tokens.next() {
            None => {
                return Err(error(
                    "Missing ')' at the end of the WINDOW clause".to_string(),
                ))
            }
            Some(")") => break,
            Some(",") => continue,
            Some("SIZE") => size = Some(duration(&mut tokens).map_err(error)?),
            Some("ADVANCE") => {
                if tokens.next() != Some("BY") {
                    return Err(error("Expected BY after ADVANCE".to_string()));
                }
                advance = Some(duration(&mut tokens).map_err(error)?);
            }
            Some("GRACE") => {
                if tokens.next() != Some("PERIOD") {
                    return Err(error("Expected PERIOD after GRACE".to_string()));
                }
                grace = Some(duration(&mut tokens).map_err(error)?);
            }
            Some("RETENTION") => retention = Some(duration(&mut tokens).map_err(error)?),
            Some(number) if number.chars().all(|c| c.is_ascii_digit()) => {
                let unit = tokens.next().unwrap_or("");
                gap = Some(to_ms(number, unit).map_err(error)?);
            }
            Some(other) => return Err(error(format!("Unexpected '{other}' in the WINDOW clause"))),
        }
    }
    let kind = match kind_word {
        "TUMBLING" => WindowKind::Tumbling {
            size: size.ok_or_else(|| error("TUMBLING windows need a SIZE".to_string()))?,
        },
        "HOPPING" => {
            let size = size.ok_or_else(|| error("HOPPING windows need a SIZE".to_string()))?;
            let advance =
                advance.ok_or_else(|| error("HOPPING windows need ADVANCE BY".to_string()))?;
            if advance > size {
                return Err(error(format!(
                    "Window advance must be less than or equal to window size: advance {advance} ms, size {size} ms"
                )));
            }
            WindowKind::Hopping { size, advance }
        }
        "SESSION" => WindowKind::Session {
            gap: gap.or(size).ok_or_else(|| {
                error("SESSION windows need a gap, e.g. SESSION (5 MINUTES)".to_string())
            })?,
        },
        other => {
            return Err(error(format!(
                "Unknown window type '{other}': use TUMBLING, HOPPING or SESSION"
            )))
        }
    };
    let spec = WindowSpec {
        kind,
        grace,
        retention,
    };
    if spec.size() <= 0 {
        return Err(error(
            "The window size must be greater than zero".to_string(),
        ));
    }
    Ok(spec)
}

/// The window of a source declared over a windowed topic: `WITH (WINDOW_TYPE='TUMBLING',
/// WINDOW_SIZE='30 SECONDS')` (hopping windows are read as tumbling ones of that size: the key
/// holds only the start), or `WINDOW_TYPE='SESSION'` without a size.
pub fn source_window(window_type: &str, size: Option<&str>) -> Result<WindowSpec, String> {
    let size = match size {
        Some(text) => {
            let words: Vec<String> = text
                .split_whitespace()
                .map(str::to_ascii_uppercase)
                .collect();
            let [number, unit] = words.as_slice() else {
                return Err(format!(
                    "Configuration WINDOW_SIZE is invalid: Invalid duration: '{text}'"
                ));
            };
            Some(to_ms(number, unit).map_err(|_| {
                format!(
                    "Configuration WINDOW_SIZE is invalid: Invalid duration: '{text}'. Unknown time unit: '{unit}'"
                )
            })?)
        }
        None => None,
    };
    let kind = match (window_type.to_ascii_uppercase().as_str(), size) {
        ("SESSION", None) => WindowKind::Session { gap: 0 },
        ("SESSION", Some(_)) => {
            return Err("'WINDOW_SIZE' should not be set for SESSION windows.".to_string())
        }
        ("TUMBLING", Some(size)) => WindowKind::Tumbling { size },
        ("HOPPING", Some(size)) => WindowKind::Hopping {
            size,
            advance: size,
        },
        ("TUMBLING" | "HOPPING", None) => {
            return Err(format!(
                "'WINDOW_SIZE' must be set for {} windows.",
                window_type.to_ascii_uppercase()
            ))
        }
        (other, _) => {
            return Err(format!(
                "Invalid WINDOW_TYPE '{other}': use TUMBLING, HOPPING or SESSION"
            ))
        }
    };
    Ok(WindowSpec {
        kind,
        grace: None,
        retention: None,
    })
}

fn duration<'a>(tokens: &mut impl Iterator<Item = &'a str>) -> Result<Millis, String> {
    let number = tokens.next().unwrap_or("");
    let unit = tokens.next().unwrap_or("");
    to_ms(number, unit)
}

fn to_ms(number: &str, unit: &str) -> Result<Millis, String> {
    let amount: Millis = number
        .parse()
        .map_err(|_| format!("Expected a number in the WINDOW clause, found '{number}'"))?;
    let factor: Millis = match unit.trim_end_matches('S') {
        "MILLISECOND" => 1,
        "SECOND" => 1000,
        "MINUTE" => 60_000,
        "HOUR" => 3_600_000,
        "DAY" => DAY_MS,
        _ => {
            return Err(format!(
                "Unknown time unit '{unit}': use MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS"
            ))
        }
    };
    amount
        .checked_mul(factor)
        .ok_or_else(|| format!("The duration {number} {unit} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(tokens: &str) -> WindowSpec {
        let clause = WindowClause {
            text: String::new(),
            span: None,
            tokens: tokens.split(' ').map(str::to_string).collect(),
        };
        parse_window(&clause).unwrap()
    }

    #[test]
    fn reads_sizes_grace_and_default_grace() {
        let tumbling = spec("TUMBLING ( SIZE 30 SECONDS , GRACE PERIOD 1 MINUTE )");
        assert_eq!(tumbling.kind, WindowKind::Tumbling { size: 30_000 });
        assert_eq!(tumbling.grace_ms(), 60_000);
        let hopping = spec("HOPPING ( SIZE 30 SECONDS , ADVANCE BY 10 SECONDS )");
        assert_eq!(hopping.grace_ms(), DAY_MS - 30_000);
        assert_eq!(
            spec("SESSION ( 5 MINUTES )").kind,
            WindowKind::Session { gap: 300_000 }
        );
    }

    #[test]
    fn hopping_windows_contain_the_timestamp() {
        let hopping = spec("HOPPING ( SIZE 30 SECONDS , ADVANCE BY 10 SECONDS )");
        assert_eq!(
            hopping.windows_for(25_000),
            vec![(0, 30_000), (10_000, 40_000), (20_000, 50_000)]
        );
        assert_eq!(hopping.windows_for(5_000), vec![(0, 30_000)]);
        assert_eq!(
            spec("TUMBLING ( SIZE 30 SECONDS )").windows_for(30_000),
            vec![(30_000, 60_000)]
        );
        assert_eq!(hopping.windows_for(0), vec![(0, 30_000)]);
        assert_eq!(hopping.windows_for(-1), vec![]);
        assert_eq!(spec("SESSION ( 5 MINUTES )").windows_for(5), vec![]);
    }

    /// The counting form agrees with stepping back window by window (Kafka Streams' loop).
    #[test]
    fn windows_containing_matches_the_stepping_loop() {
        for (size, advance) in [(30i64, 10i64), (30, 30), (10, 3), (7, 7), (10, 4), (1, 1)] {
            let spec = WindowSpec {
                kind: if size == advance {
                    WindowKind::Tumbling { size }
                } else {
                    WindowKind::Hopping { size, advance }
                },
                grace: None,
                retention: None,
            };
            for timestamp in -3i64..100 {
                let mut expected = Vec::new();
                if timestamp >= 0 {
                    let mut start = timestamp - timestamp.rem_euclid(advance);
                    while start >= 0 && start > timestamp - size {
                        expected.push((start, start + size));
                        start -= advance;
                    }
                }
                expected.reverse();
                assert_eq!(spec.windows_for(timestamp), expected, "{size}/{advance} at {timestamp}");
            }
        }
    }
}
