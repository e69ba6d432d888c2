//! Java `DateTimeFormatter` patterns (the subset ksqlDB users write: `yyyy-MM-dd HH:mm:ss.SSS`,
//! `dd/MMM/yyyy`, `hh:mm a`, `'T'`, `X`) for the time functions, in UTC or a fixed offset.

use crate::sql::ops::temporal::{civil_from_days, days_from_civil, days_in_month, MILLIS_PER_DAY};
use crate::sql::ops::EvalError;

#[derive(Debug, PartialEq)]
enum Token {
    Literal(String),
    /// A pattern letter and how many times it is repeated.
    Field(char, usize),
}

fn tokenize(pattern: &str) -> Result<Vec<Token>, EvalError> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut char_idx = 0;
    while let Some(&ch) = chars.get(char_idx) {
        if ch == '\'' {
            let mut literal = String::new();
            char_idx += 1;
            loop {
                match chars.get(char_idx) {
                    None => {
                        return Err(EvalError::new(format!(
                            "Unterminated quote in date pattern '{pattern}'"
                        )))
                    }
                    Some('\'') if chars.get(char_idx + 1) == Some(&'\'') => {
                        literal.push('\'');
                        char_idx += 2;
                    }
                    Some('\'') => {
                        char_idx += 1;
                        break;
                    }
                    Some(other) => {
                        literal.push(*other);
                        char_idx += 1;
                    }
                }
            }
            // `''` outside quotes is a single quote.
            tokens.push(Token::Literal(if literal.is_empty() {
                "'".to_string()
            } else {
                literal
            }));
        } else if ch.is_ascii_alphabetic() {
            let mut count = 0;
            while chars.get(char_idx) == Some(&ch) {
                count += 1;
                char_idx += 1;
            }
            if !"yuMLdDHhkKmsSaEXxZz".contains(ch) {
                return Err(EvalError::new(format!(
                    "Unsupported pattern letter '{ch}' in '{pattern}'"
                )));
            }
            tokens.push(Token::Field(ch, count));
        } else {
            tokens.push(Token::Literal(ch.to_string()));
            char_idx += 1;
        }
    }
    Ok(tokens)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn pad(number: i64, width: usize) -> String {
    if number < 0 {
        format!("-{:0width$}", -number)
    } else {
        format!("{number:0width$}")
    }
}

fn format_offset(offset_millis: i64, letter: char, count: usize) -> String {
    let total_minutes = offset_millis / 60_000;
    if total_minutes == 0 && letter == 'X' {
        return "Z".to_string();
    }
    let sign = if total_minutes < 0 { '-' } else { '+' };
    let (hours, minutes) = (total_minutes.abs() / 60, total_minutes.abs() % 60);
    match (letter, count) {
        ('z', _) => {
            if total_minutes == 0 {
                "UTC".to_string()
            } else {
                format!("UTC{sign}{hours:02}:{minutes:02}")
            }
        }
        ('X' | 'x', 1) if minutes == 0 => format!("{sign}{hours:02}"),
        ('X' | 'x', 1 | 2) | ('Z', 1..=3) => format!("{sign}{hours:02}{minutes:02}"),
        _ => format!("{sign}{hours:02}:{minutes:02}"),
    }
}

/// Formats epoch millis with a Java pattern, at a fixed offset from UTC.
pub fn format_millis(millis: i64, pattern: &str, offset_millis: i64) -> Result<String, EvalError> {
    let local = millis
        .checked_add(offset_millis)
        .ok_or_else(|| EvalError::new("timestamp out of range"))?;
    let days = local.div_euclid(MILLIS_PER_DAY);
    let millis_of_day = local.rem_euclid(MILLIS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second, milli) = (
        millis_of_day / 3_600_000,
        millis_of_day / 60_000 % 60,
        millis_of_day / 1000 % 60,
        millis_of_day % 1000,
    );
    let mut out = String::new();
    for token in tokenize(pattern)? {
        match token {
            Token::Literal(text) => out.push_str(&text),
            Token::Field(letter, count) => out.push_str(&match letter {
                'y' | 'u' if count == 2 => pad(year.rem_euclid(100), 2),
                'y' | 'u' => pad(year, count),
                'M' | 'L' if count == 3 => MONTHS
                    .get(month as usize - 1)
                    .map(|name| name[..3].to_string())
                    .unwrap_or_default(),
                'M' | 'L' if count >= 4 => MONTHS
                    .get(month as usize - 1)
                    .map(|name| name.to_string())
                    .unwrap_or_default(),
                'M' | 'L' => pad(i64::from(month), count),
                'd' => pad(i64::from(day), count),
                'D' => pad(days - days_from_civil(year, 1, 1) + 1, count),
                'H' => pad(hour, count),
                'k' => pad(if hour == 0 { 24 } else { hour }, count),
                'K' => pad(hour % 12, count),
                'h' => pad(if hour % 12 == 0 { 12 } else { hour % 12 }, count),
                'm' => pad(minute, count),
                's' => pad(second, count),
                'S' => {
                    let digits = format!("{milli:03}000000");
                    digits.get(..count.min(9)).unwrap_or("").to_string()
                }
                'a' => if hour < 12 { "AM" } else { "PM" }.to_string(),
                'E' => {
                    // 1970-01-01 was a Thursday (index 3).
                    let weekday = WEEKDAYS
                        .get((days + 3).rem_euclid(7) as usize)
                        .copied()
                        .unwrap_or("");
                    if count >= 4 {
                        weekday.to_string()
                    } else {
                        weekday[..3].to_string()
                    }
                }
                other => format_offset(offset_millis, other, count),
            }),
        }
    }
    Ok(out)
}

struct Cursor<'a> {
    text: &'a [char],
    position: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.position;
        let negative = self.text.get(self.position) == Some(&'-') && min > 3;
        if negative {
            self.position += 1;
        }
        let digits_start = self.position;
        while self.position - digits_start < max
            && self
                .text
                .get(self.position)
                .is_some_and(|ch| ch.is_ascii_digit())
        {
            self.position += 1;
        }
        if self.position - digits_start < min {
            self.position = start;
            return None;
        }
        let text: String = self.text.get(digits_start..self.position)?.iter().collect();
        let value: i64 = text.parse().ok()?;
        Some(if negative { -value } else { value })
    }

    fn word(&mut self, options: &[&str], length: Option<usize>) -> Option<usize> {
        for (option_idx, option) in options.iter().enumerate() {
            let candidate = match length {
                Some(length) => option.get(..length)?,
                None => option,
            };
            let n_chars = candidate.chars().count();
            let slice: String = self
                .text
                .get(self.position..self.position + n_chars)
                .map(|chars| chars.iter().collect())
                .unwrap_or_default();
            if slice.eq_ignore_ascii_case(candidate) {
                self.position += n_chars;
                return Some(option_idx);
            }
        }
        None
    }
}

fn next_is_numeric(tokens: &[Token], token_idx: usize) -> bool {
    matches!(tokens.get(token_idx + 1), Some(Token::Field(letter, count)) if "yuMLdDHhkKmsS".contains(*letter) && !(matches!(letter, 'M' | 'L') && *count >= 3))
}

/// Parses text with a Java pattern into epoch millis; fields absent from the pattern default to
/// 1970-01-01 00:00:00.000. The text is read at `offset_millis` unless it carries its own offset.
pub fn parse_millis(text: &str, pattern: &str, offset_millis: i64) -> Result<i64, EvalError> {
    let tokens = tokenize(pattern)?;
    let chars: Vec<char> = text.chars().collect();
    let mut cursor = Cursor {
        text: &chars,
        position: 0,
    };
    let failure = |at: usize| {
        EvalError::new(format!(
            "Text '{text}' could not be parsed at index {at} with pattern '{pattern}'"
        ))
    };
    let (mut year, mut month, mut day, mut day_of_year) = (1970i64, 1i64, 1i64, None::<i64>);
    let (mut hour, mut minute, mut second, mut milli, mut pm) =
        (0i64, 0i64, 0i64, 0i64, None::<bool>);
    let mut offset = offset_millis;
    for (token_idx, token) in tokens.iter().enumerate() {
        let at = cursor.position;
        match token {
            Token::Literal(literal) => {
                for expected in literal.chars() {
                    if chars.get(cursor.position) != Some(&expected) {
                        return Err(failure(cursor.position));
                    }
                    cursor.position += 1;
                }
            }
            Token::Field(letter, count) => {
                let count = *count;
                let adjacent = next_is_numeric(&tokens, token_idx);
                let (min, max) = if adjacent {
                    (count, count)
                } else {
                    (count, 19usize.max(count))
                };
                let number =
                    |cursor: &mut Cursor| cursor.digits(min, max).ok_or_else(|| failure(at));
                match letter {
                    'y' | 'u' if count == 2 => {
                        year = 2000 + cursor.digits(2, 2).ok_or_else(|| failure(at))?
                    }
                    'y' | 'u' => year = number(&mut cursor)?,
                    'M' | 'L' if count >= 3 => {
                        let length = if count == 3 { Some(3) } else { None };
                        month = cursor.word(&MONTHS, length).ok_or_else(|| failure(at))? as i64 + 1;
                    }
                    'M' | 'L' => month = number(&mut cursor)?,
                    'd' => day = number(&mut cursor)?,
                    'D' => day_of_year = Some(number(&mut cursor)?),
                    'H' | 'k' => hour = number(&mut cursor)? % 24,
                    'h' | 'K' => hour = number(&mut cursor)? % 12,
                    'm' => minute = number(&mut cursor)?,
                    's' => second = number(&mut cursor)?,
                    'S' => {
                        let fraction = cursor.digits(count, count).ok_or_else(|| failure(at))?;
                        milli = match count {
                            1 => fraction * 100,
                            2 => fraction * 10,
                            3 => fraction,
                            _ => {
                                fraction / 10i64.pow(u32::try_from(count - 3).unwrap_or(0).min(15))
                            }
                        };
                    }
                    'a' => {
                        pm = Some(
                            cursor
                                .word(&["AM", "PM"], None)
                                .ok_or_else(|| failure(at))?
                                == 1,
                        )
                    }
                    'E' => {
                        let length = if count >= 4 { None } else { Some(3) };
                        cursor.word(&WEEKDAYS, length).ok_or_else(|| failure(at))?;
                    }
                    _ => {
                        if chars.get(cursor.position) == Some(&'Z') {
                            cursor.position += 1;
                            offset = 0;
                        } else {
                            let start = cursor.position;
                            while chars.get(cursor.position).is_some_and(|ch| {
                                ch.is_ascii_alphanumeric() || matches!(ch, '+' | '-' | ':' | '/')
                            }) {
                                cursor.position += 1;
                            }
                            let zone: String = chars
                                .get(start..cursor.position)
                                .unwrap_or(&[])
                                .iter()
                                .collect();
                            offset = crate::sql::ops::temporal::parse_offset(&zone)?;
                        }
                    }
                }
            }
        }
    }
    if cursor.position != chars.len() {
        return Err(EvalError::new(format!(
            "Text '{text}' could not be parsed, unparsed text found at index {}",
            cursor.position
        )));
    }
    if let Some(is_pm) = pm {
        hour = hour % 12 + if is_pm { 12 } else { 0 };
    }
    let invalid = || {
        EvalError::new(format!(
            "Text '{text}' could not be parsed: invalid date or time"
        ))
    };
    let month = u32::try_from(month).map_err(|_| invalid())?;
    let day = u32::try_from(day).map_err(|_| invalid())?;
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(invalid());
    }
    let days = match day_of_year {
        Some(day_of_year) => days_from_civil(year, 1, 1) + day_of_year - 1,
        None => days_from_civil(year, month, day),
    };
    let local = days * MILLIS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + milli;
    Ok(local - offset)
}
