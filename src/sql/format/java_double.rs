//! Java's `Double.toString`, because ksqlDB prints doubles that way in DELIMITED values, in
//! CAST(... AS STRING) and in the CLI: `1.0` (never `1`), `1.0E10` from ten million up,
//! `1.0E-4` below one thousandth, and the shortest digits that read back as the same double.

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
    // Ryū gives the shortest digits that read back as the same double (those of Rust's `{:e}`,
    // closest to the exact value on a choice) without `core::fmt`; its layout ("0.00012",
    // "123.45", "1e16", "1.5e-7") is read back into digits and a decimal exponent.
    let mut buffer = ryu::Buffer::new();
    let (digits, exponent) = shortest_digits(buffer.format_finite(number.abs()));
    let plain = (1e-3..1e7).contains(&number.abs());
    write_layout(number < 0.0, plain, digits.as_slice(), exponent, out);
}

/// Up to 17 significant digits (ASCII, no leading or trailing zero) of a finite non-zero double.
struct Digits {
    bytes: [u8; 24],
    len: usize,
}

impl Digits {
    fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

/// The significant digits of a positive number's text (`ddd.ddd` optionally followed by
/// `e±n`) and the exponent of its first digit: "0.00012" is `12`, -4; "100.0" is `1`, 2.
fn shortest_digits(text: &str) -> (Digits, i32) {
    let (mantissa, exponent) = match text.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let mut digits = Digits { bytes: [0; 24], len: 0 };
    let (mut int_len, mut leading_zeros, mut in_fraction) = (0i32, 0i32, false);
    for byte in mantissa.bytes() {
        if byte == b'.' {
            in_fraction = true;
            continue;
        }
        if !in_fraction {
            int_len += 1;
        }
        if digits.len == 0 && byte == b'0' {
            leading_zeros += 1;
        } else if let Some(slot) = digits.bytes.get_mut(digits.len) {
            *slot = byte;
            digits.len += 1;
        }
    }
    while digits.len > 1 && digits.as_slice().last() == Some(&b'0') {
        digits.len -= 1;
    }
    (digits, int_len - leading_zeros - 1 + exponent)
}

/// Lays out a double's significant digits as Java does: `plain` (from 10^-3 up to 10^7,
/// exclusive) as `ddd.ddd`, else `d.dddE±n`; `exponent` is the power of ten of the first digit.
fn write_layout(negative: bool, plain: bool, digits: &[u8], exponent: i32, out: &mut String) {
    if negative {
        out.push('-');
    }
    let (first, rest) = digits.split_at(digits.len().min(1));
    if plain {
        let point = exponent + 1; // digits before the decimal point
        if point <= 0 {
            out.push_str("0.");
            push_zeros(out, usize::try_from(-point).unwrap_or(0));
            out.push_str(text(digits));
        } else {
            let point = usize::try_from(point).unwrap_or(0);
            if digits.len() <= point {
                out.push_str(text(digits));
                push_zeros(out, point - digits.len());
                out.push_str(".0");
            } else {
                let (integral, fraction) = digits.split_at(point);
                out.push_str(text(integral));
                out.push('.');
                out.push_str(text(fraction));
            }
        }
    } else {
        out.push_str(text(first));
        out.push('.');
        out.push_str(if rest.is_empty() { "0" } else { text(rest) });
        out.push('E');
        if exponent < 0 {
            out.push('-');
        }
        // At most three digits (|exponent| <= 324), pushed without `core::fmt`.
        let magnitude = exponent.unsigned_abs();
        for (divisor, always) in [(100, false), (10, magnitude >= 100), (1, true)] {
            if always || magnitude >= divisor {
                out.push(char::from(b'0' + (magnitude / divisor % 10) as u8));
            }
        }
    }
}

/// ASCII digits as text.
fn text(digits: &[u8]) -> &str {
    std::str::from_utf8(digits).unwrap_or("")
}

fn push_zeros(out: &mut String, count: usize) {
    out.extend(std::iter::repeat_n('0', count));
}

#[cfg(test)]
mod tests {
    use super::shortest_digits;

    /// Rust's own shortest digits (`{:e}`: "1.2345e-5"): the digits and the exponent.
    fn rust_digits(number: f64) -> (String, i32) {
        let text = format!("{:e}", number.abs());
        let (mantissa, exponent) = text.split_once('e').unwrap();
        (mantissa.replace('.', ""), exponent.parse().unwrap())
    }

    /// Ryū's digits are Rust's `{:e}` digits (which the layout was first written against), for
    /// the edges (subnormals, powers of two and ten, the largest values) and a million
    /// pseudo-random bit patterns, except on an exact tie between two shortest candidates
    /// (2^-25 = 2.98023223876953125E-8): Rust rounds half up, Ryū (as Java's `Double.toString`
    /// since JDK 19) takes the even digit, "2.9802322387695312E-8".
    #[test]
    fn ryu_digits_are_rusts_shortest_digits_but_even_on_ties() {
        let mut numbers = vec![f64::MIN_POSITIVE, f64::MAX, f64::EPSILON, 5e-324, 1e23, 0.1, 0.3, 2.0 / 3.0];
        numbers.extend((0..64).map(|shift| f64::from_bits(1u64 << shift)));
        numbers.extend((-300..300).map(|power| 10f64.powi(power)));
        numbers.extend((0..1100).map(|exp| 2f64.powi(exp - 1074)));
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..1_000_000 {
            // xorshift64*: deterministic, spread over every exponent and mantissa.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            numbers.push(f64::from_bits(state.wrapping_mul(0x2545_F491_4F6C_DD1D)));
        }
        let mut ties = 0;
        for number in numbers.into_iter().filter(|n| n.is_finite() && *n != 0.0) {
            let mut buffer = ryu::Buffer::new();
            let (digits, exponent) = shortest_digits(buffer.format_finite(number.abs()));
            let ours = (String::from_utf8(digits.as_slice().to_vec()).unwrap(), exponent);
            let rust = rust_digits(number);
            if ours == rust {
                continue;
            }
            // A tie: same exponent and length, last digits one apart, ours even, both exact.
            let context = format!("{number:e} ({:#x}): ours {ours:?}, Rust's {rust:?}", number.to_bits());
            assert_eq!((ours.0.len(), ours.1), (rust.0.len(), rust.1), "{context}");
            let last = |digits: &str| i32::from(digits.as_bytes()[digits.len() - 1] - b'0');
            assert_eq!(last(&rust.0) - last(&ours.0), 1, "{context}");
            assert_eq!(last(&ours.0) % 2, 0, "{context}");
            for (digits, exponent) in [&ours, &rust] {
                let text = format!("{}.{}e{exponent}", &digits[..1], &digits[1..]);
                assert_eq!(text.parse::<f64>().unwrap(), number.abs(), "{context}");
            }
            ties += 1;
        }
        // Ties are exact binary fractions: powers of two, mostly.
        println!("{ties} ties, the even digit taken");
        assert_eq!(super::java_double_to_string(2f64.powi(-25)), "2.9802322387695312E-8");
    }
}
