//! Java's `Double.toString`, because ksqlDB prints doubles that way in DELIMITED values, in
//! CAST(... AS STRING) and in the CLI: `1.0` (never `1`), `1.0E10` from ten million up,
//! `1.0E-4` below one thousandth, and the shortest digits that read back as the same double.

use std::fmt;

/// Formats a double as Java's `Double.toString` (JDK 19+, which prints the shortest digits).
pub fn java_double_to_string(number: f64) -> String {
    let mut out = String::new();
    write_java_double(number, &mut out);
    out
}

/// Appends [`java_double_to_string`]'s text to `out` without allocating (the JSON writer calls
/// it once per DOUBLE column of every record).
pub fn write_java_double(number: f64, out: &mut String) {
    if number.is_nan() {
        out.push_str("NaN");
        return;
    }
    if number.is_infinite() {
        out.push_str(if number > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    if number == 0.0 {
        out.push_str(if number.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "1.2345e-5", "1e10". It is at most
    // 24 characters for an f64; the heap is only a fallback.
    let abs = number.abs();
    let mut stack = StackText::default();
    if fmt::write(&mut stack, format_args!("{abs:e}")).is_ok() {
        write_scientific(number, stack.as_str(), out);
    } else {
        write_scientific(number, &format!("{abs:e}"), out);
    }
}

/// Lays out Rust's scientific text of `|number|` as Java does.
fn write_scientific(number: f64, scientific: &str, out: &mut String) {
    if number < 0.0 {
        out.push('-');
    }
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    // The significant digits are the mantissa without its point: "1.2345" -> "1" + "2345".
    let (first, rest) = match mantissa.split_once('.') {
        Some((first, rest)) => (first, rest),
        None => (mantissa, ""),
    };
    let n_digits = first.len() + rest.len();
    let abs = number.abs();
    if (1e-3..1e7).contains(&abs) {
        let point = exponent + 1; // digits before the decimal point
        if point <= 0 {
            out.push_str("0.");
            push_zeros(out, usize::try_from(-point).unwrap_or(0));
            out.push_str(first);
            out.push_str(rest);
        } else {
            let point = usize::try_from(point).unwrap_or(0);
            if n_digits <= point {
                out.push_str(first);
                out.push_str(rest);
                push_zeros(out, point - n_digits);
                out.push_str(".0");
            } else {
                // `first` is one digit, so the point falls inside `rest`.
                let split = point.saturating_sub(first.len());
                out.push_str(first);
                out.push_str(rest.get(..split).unwrap_or(rest));
                out.push('.');
                out.push_str(rest.get(split..).unwrap_or(""));
            }
        }
    } else {
        out.push_str(first);
        out.push('.');
        out.push_str(if rest.is_empty() { "0" } else { rest });
        out.push('E');
        // An i32 in decimal, pushed without a temporary String.
        let _ = fmt::write(out, format_args!("{exponent}"));
    }
}

fn push_zeros(out: &mut String, count: usize) {
    out.extend(std::iter::repeat_n('0', count));
}

/// A small text buffer on the stack, for `{:e}`.
struct StackText {
    bytes: [u8; 40],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        StackText { bytes: [0; 40], len: 0 }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        self.bytes
            .get(..self.len)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or("")
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len.checked_add(text.len()).ok_or(fmt::Error)?;
        let target = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        target.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}
