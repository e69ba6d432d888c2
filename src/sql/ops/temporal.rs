//! Calendar arithmetic for TIMESTAMP (epoch millis), DATE (epoch days) and TIME (millis of day),
//! all in UTC: the sandbox has no time-zone database. ISO text forms as ksqlDB prints them.

use super::EvalError;

pub const MILLIS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// (year, month 1-12, day 1-31) of a day count since the epoch.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap_year(year) => 29,
        _ => 28,
    }
}

pub fn date_to_timestamp(days: i32) -> i64 {
    i64::from(days) * MILLIS_PER_DAY
}

pub fn timestamp_to_date(millis: i64) -> i32 {
    millis.div_euclid(MILLIS_PER_DAY) as i32
}

pub fn timestamp_to_time(millis: i64) -> i64 {
    millis.rem_euclid(MILLIS_PER_DAY)
}

fn year_text(year: i64) -> String {
    if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else if year > 9999 {
        format!("+{year}")
    } else {
        format!("-{:04}", -year)
    }
}

/// `yyyy-MM-dd`, as `LocalDate.toString`.
pub fn format_date_iso(days: i32) -> String {
    let (year, month, day) = civil_from_days(i64::from(days));
    format!("{}-{month:02}-{day:02}", year_text(year))
}

/// `HH:mm:ss` with the fraction only when non-zero, as `LocalTime.toString` (ksqlDB's TIME form).
pub fn format_time_iso(millis_of_day: i64) -> String {
    let millis = millis_of_day.rem_euclid(MILLIS_PER_DAY);
    let (hours, minutes, seconds, fraction) = (
        millis / 3_600_000,
        millis / 60_000 % 60,
        millis / 1000 % 60,
        millis % 1000,
    );
    if fraction == 0 {
        format!("{hours:02}:{minutes:02}:{seconds:02}")
    } else {
        format!("{hours:02}:{minutes:02}:{seconds:02}.{fraction:03}")
    }
}

/// `yyyy-MM-ddTHH:mm:ss.SSS` in UTC: how ksqlDB prints a TIMESTAMP as a string.
pub fn format_timestamp_iso(millis: i64) -> String {
    let days = millis.div_euclid(MILLIS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let rest = millis.rem_euclid(MILLIS_PER_DAY);
    format!(
        "{}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}",
        year_text(year),
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    )
}

fn parse_fixed_digits(text: &str, what: &str) -> Result<i64, EvalError> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(EvalError::new(format!("invalid {what} '{text}'")));
    }
    text.parse()
        .map_err(|_| EvalError::new(format!("invalid {what} '{text}'")))
}

/// Parses `yyyy-MM-dd`.
pub fn parse_date_iso(text: &str) -> Result<i32, EvalError> {
    let invalid = || {
        EvalError::new(format!(
            "Failed to parse date '{text}': expected yyyy-MM-dd"
        ))
    };
    let mut parts = text.trim().splitn(3, '-');
    let year =
        parse_fixed_digits(parts.next().ok_or_else(invalid)?, "year").map_err(|_| invalid())?;
    let month =
        parse_fixed_digits(parts.next().ok_or_else(invalid)?, "month").map_err(|_| invalid())?;
    let day =
        parse_fixed_digits(parts.next().ok_or_else(invalid)?, "day").map_err(|_| invalid())?;
    let (month, day) = (
        u32::try_from(month).map_err(|_| invalid())?,
        u32::try_from(day).map_err(|_| invalid())?,
    );
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(invalid());
    }
    i32::try_from(days_from_civil(year, month, day)).map_err(|_| invalid())
}

/// Parses `HH:mm[:ss[.fraction]]` into millis of the day.
pub fn parse_time_iso(text: &str) -> Result<i64, EvalError> {
    let invalid = || EvalError::new(format!("Failed to parse time '{text}': expected HH:mm:ss"));
    let text = text.trim();
    let (clock, fraction) = match text.split_once('.') {
        Some((clock, fraction)) => (clock, fraction),
        None => (text, ""),
    };
    let mut parts = clock.split(':');
    let hours =
        parse_fixed_digits(parts.next().ok_or_else(invalid)?, "hour").map_err(|_| invalid())?;
    let minutes =
        parse_fixed_digits(parts.next().ok_or_else(invalid)?, "minute").map_err(|_| invalid())?;
    let seconds = match parts.next() {
        Some(seconds) => parse_fixed_digits(seconds, "second").map_err(|_| invalid())?,
        None => 0,
    };
    if parts.next().is_some() || hours > 23 || minutes > 59 || seconds > 59 {
        return Err(invalid());
    }
    let millis = if fraction.is_empty() {
        0
    } else {
        if fraction.len() > 9 || !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(invalid());
        }
        let padded = format!("{fraction:0<3}");
        parse_fixed_digits(padded.get(..3).ok_or_else(invalid)?, "fraction")?
    };
    Ok(hours * 3_600_000 + minutes * 60_000 + seconds * 1000 + millis)
}

/// Parses ksqlDB's timestamp literal form: `yyyy-MM-dd['T'HH:mm[:ss[.SSS]]][Z|±HH:mm]`.
pub fn parse_timestamp_iso(text: &str) -> Result<i64, EvalError> {
    let invalid = || {
        EvalError::new(format!(
            "Failed to parse timestamp '{text}': expected yyyy-MM-ddTHH:mm:ss.SSS"
        ))
    };
    let text = text.trim();
    let (date_text, rest) = match text.split_once('T') {
        Some((date_text, rest)) => (date_text, rest),
        None => (text, ""),
    };
    let days = i64::from(parse_date_iso(date_text).map_err(|_| invalid())?);
    let (time_text, offset_millis) = split_offset(rest).map_err(|_| invalid())?;
    let time = if time_text.is_empty() {
        0
    } else {
        parse_time_iso(time_text).map_err(|_| invalid())?
    };
    Ok(days * MILLIS_PER_DAY + time - offset_millis)
}

/// Splits a trailing `Z` or `±HH:mm` offset off a time text.
fn split_offset(text: &str) -> Result<(&str, i64), EvalError> {
    if let Some(stripped) = text.strip_suffix('Z') {
        return Ok((stripped, 0));
    }
    if let Some(sign_idx) = text.rfind(['+', '-']) {
        let (time_text, offset_text) = text.split_at(sign_idx);
        return Ok((time_text, parse_offset(offset_text)?));
    }
    Ok((text, 0))
}

/// Parses a zone: `UTC`, `GMT`, `Z`, or a fixed offset `±HH[:mm]`, `±HHmm`, `UTC±HH:mm`.
/// Returns the offset in millis. Named regions (`Europe/Paris`) need a time-zone database, which
/// the sandbox does not carry.
pub fn parse_offset(zone: &str) -> Result<i64, EvalError> {
    let trimmed = zone.trim();
    let upper = trimmed.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "UTC" | "GMT" | "Z" | "UT" | "ETC/UTC" | "ETC/GMT"
    ) {
        return Ok(0);
    }
    let offset_text = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper);
    let unsupported = || {
        EvalError::new(format!(
            "Unknown time zone '{zone}': streamlab knows only UTC and fixed offsets such as '+02:00' (no time-zone database)"
        ))
    };
    let (sign, digits) = match offset_text.as_bytes().first() {
        Some(b'+') => (1, offset_text.get(1..).ok_or_else(unsupported)?),
        Some(b'-') => (-1, offset_text.get(1..).ok_or_else(unsupported)?),
        _ => return Err(unsupported()),
    };
    let compact: String = digits.chars().filter(|ch| *ch != ':').collect();
    if !compact.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(unsupported());
    }
    let (hours, minutes) = match compact.len() {
        1 | 2 => (compact.parse::<i64>().map_err(|_| unsupported())?, 0),
        4 => (
            compact
                .get(..2)
                .and_then(|text| text.parse::<i64>().ok())
                .ok_or_else(unsupported)?,
            compact
                .get(2..)
                .and_then(|text| text.parse::<i64>().ok())
                .ok_or_else(unsupported)?,
        ),
        _ => return Err(unsupported()),
    };
    if hours > 18 || minutes > 59 {
        return Err(unsupported());
    }
    Ok(sign * (hours * 3_600_000 + minutes * 60_000))
}
