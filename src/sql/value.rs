//! Runtime values of ksqlDB's types. SQL NULL is `Value::Null` for every type.

/// An exact decimal: `unscaled × 10^-scale`, as Java's `BigDecimal`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    pub unscaled: i128,
    pub scale: u32,
}

/// The string inside [`Value::String`].
pub type Str = compact_str::CompactString;

#[derive(Debug, PartialEq)]
pub enum Value {
    Null,
    Boolean(bool),
    Int(i32),
    BigInt(i64),
    Double(f64),
    /// Boxed: a DECIMAL is rare and its `i128` would otherwise make every value (and every
    /// row) three times as large. Build one with [`Value::decimal`].
    Decimal(Box<Decimal>),
    /// Inline up to 24 bytes (no allocation for most keys, ids and names); derefs to `&str`.
    String(Str),
    Bytes(Vec<u8>),
    /// Milliseconds since the epoch.
    Timestamp(i64),
    /// Days since the epoch.
    Date(i32),
    /// Milliseconds since midnight.
    Time(i64),
    Array(Vec<Value>),
    /// Entries in insertion order.
    Map(Vec<(Value, Value)>),
    /// Fields in schema order, names upper-cased as ksqlDB stores them.
    Struct(Vec<(String, Value)>),
}

/// Written out so that copying a row's NULLs, numbers and strings is inlined where it happens:
/// the derived `clone` is one out-of-line call per value (a decode shared by three queries
/// copies ~16 values a record). The variants that own a vector or a box share one call.
impl Clone for Value {
    #[inline]
    fn clone(&self) -> Value {
        match self {
            Value::Null => Value::Null,
            Value::Boolean(flag) => Value::Boolean(*flag),
            Value::Int(n) => Value::Int(*n),
            Value::BigInt(n) => Value::BigInt(*n),
            Value::Double(x) => Value::Double(*x),
            Value::String(text) => Value::String(text.clone()),
            Value::Timestamp(ms) => Value::Timestamp(*ms),
            Value::Date(days) => Value::Date(*days),
            Value::Time(ms) => Value::Time(*ms),
            Value::Decimal(_) | Value::Bytes(_) | Value::Array(_) | Value::Map(_) | Value::Struct(_) => self.clone_owned(),
        }
    }
}

impl Value {
    #[inline(never)]
    fn clone_owned(&self) -> Value {
        match self {
            Value::Decimal(decimal) => Value::Decimal(decimal.clone()),
            Value::Bytes(bytes) => Value::Bytes(bytes.clone()),
            Value::Array(items) => Value::Array(items.clone()),
            Value::Map(entries) => Value::Map(entries.clone()),
            Value::Struct(fields) => Value::Struct(fields.clone()),
            scalar => scalar.clone(),
        }
    }
}

/// NULL. `unwrap_or_default()` rather than `unwrap_or(Value::Null)` on a hot path: the latter
/// builds the NULL first and runs the drop glue on it when unused (an out-of-line call).
impl Default for Value {
    fn default() -> Value {
        Value::Null
    }
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether dropping this value frees memory: NULL, booleans, numbers, times and strings
    /// held inline do not. See [`clear_values`].
    #[inline(always)]
    pub fn owns_memory(&self) -> bool {
        match self {
            Value::Null
            | Value::Boolean(_)
            | Value::Int(_)
            | Value::BigInt(_)
            | Value::Double(_)
            | Value::Timestamp(_)
            | Value::Date(_)
            | Value::Time(_) => false,
            Value::String(text) => text.is_heap_allocated(),
            Value::Decimal(_) | Value::Bytes(_) | Value::Array(_) | Value::Map(_) | Value::Struct(_) => true,
        }
    }

    /// A DECIMAL value.
    pub fn decimal(decimal: Decimal) -> Value {
        Value::Decimal(Box::new(decimal))
    }
}

/// The largest precision ksqlDB allows for a DECIMAL (as Java's `BigDecimal` in a Connect schema).
pub const MAX_DECIMAL_PRECISION: u32 = 38;

impl Decimal {
    pub fn new(unscaled: i128, scale: u32) -> Self {
        Decimal { unscaled, scale }
    }

    /// Number of significant digits of the unscaled value, as `BigDecimal.precision()` (0 has 1).
    pub fn precision(&self) -> u32 {
        let mut digits = 1;
        let mut rest = self.unscaled.unsigned_abs() / 10;
        while rest > 0 {
            digits += 1;
            rest /= 10;
        }
        digits
    }

    /// Parses Java's `new BigDecimal(String)` syntax: `-12.50`, `.12`, `1E+3`, `1.5e-2`.
    /// Surrounding whitespace is not accepted, as in Java. A negative exponent that would leave a
    /// negative scale is normalised to scale 0 (we keep scales non-negative).
    pub fn parse(text: &str) -> Option<Decimal> {
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(e_idx) => {
                let exp_text = text.get(e_idx + 1..)?;
                let exp_text = exp_text.strip_prefix('+').unwrap_or(exp_text);
                (text.get(..e_idx)?, exp_text.parse::<i32>().ok()?)
            }
            None => (text, 0),
        };
        let (negative, digits) = match mantissa.as_bytes().first() {
            Some(b'-') => (true, mantissa.get(1..)?),
            Some(b'+') => (false, mantissa.get(1..)?),
            _ => (false, mantissa),
        };
        let (int_part, frac_part) = match digits.find('.') {
            Some(dot) => (digits.get(..dot)?, digits.get(dot + 1..)?),
            None => (digits, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let mut unscaled: i128 = 0;
        for ch in int_part.chars().chain(frac_part.chars()) {
            let digit = ch.to_digit(10)?;
            unscaled = unscaled.checked_mul(10)?.checked_add(i128::from(digit))?;
        }
        if negative {
            unscaled = -unscaled;
        }
        let scale = i64::try_from(frac_part.len()).ok()? - i64::from(exponent);
        if scale >= 0 {
            Some(Decimal {
                unscaled,
                scale: u32::try_from(scale).ok()?,
            })
        } else {
            let factor = 10i128.checked_pow(u32::try_from(-scale).ok()?)?;
            Some(Decimal {
                unscaled: unscaled.checked_mul(factor)?,
                scale: 0,
            })
        }
    }

    /// `BigDecimal.toPlainString()`: no exponent, exactly `scale` digits after the point.
    pub fn to_plain_string(&self) -> String {
        let digits = self.unscaled.unsigned_abs().to_string();
        let sign = if self.unscaled < 0 { "-" } else { "" };
        let scale = self.scale as usize;
        if scale == 0 {
            return format!("{sign}{digits}");
        }
        let padded = if digits.len() <= scale {
            format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
        } else {
            digits
        };
        let split = padded.len() - scale;
        format!("{sign}{}.{}", &padded[..split], &padded[split..])
    }

    /// Changes the scale, rounding HALF_UP (away from zero on a tie) as ksqlDB does.
    /// `None` when the result does not fit in 128 bits.
    pub fn rescale(&self, new_scale: u32) -> Option<Decimal> {
        self.rescale_with(new_scale, RoundingMode::HalfUp)
    }

    pub fn rescale_with(&self, new_scale: u32, mode: RoundingMode) -> Option<Decimal> {
        if new_scale >= self.scale {
            let factor = 10i128.checked_pow(new_scale - self.scale)?;
            return Some(Decimal {
                unscaled: self.unscaled.checked_mul(factor)?,
                scale: new_scale,
            });
        }
        let divisor = 10i128.checked_pow(self.scale - new_scale)?;
        Some(Decimal {
            unscaled: divide_rounding(self.unscaled, divisor, mode)?,
            scale: new_scale,
        })
    }

    /// Rescales to `scale` (HALF_UP) and checks the result has at most `precision` digits,
    /// as ksqlDB's `DecimalUtil.ensureFit`.
    pub fn fit(&self, precision: u32, scale: u32) -> Option<Decimal> {
        let rescaled = self.rescale(scale)?;
        if rescaled.precision() > precision && rescaled.unscaled != 0 {
            return None;
        }
        Some(rescaled)
    }

    /// Rounds to `places` digits after the point, which may be negative (round to tens,
    /// hundreds...), as `BigDecimal.setScale(places, mode)`. The result keeps scale
    /// `max(places, 0)`.
    pub fn round_to_places(&self, places: i32, mode: RoundingMode) -> Option<Decimal> {
        if places >= 0 {
            return self.rescale_with(u32::try_from(places).ok()?, mode);
        }
        let shift = u32::try_from(-places).ok()?;
        let divisor = 10i128.checked_pow(self.scale.checked_add(shift)?)?;
        let rounded = divide_rounding(self.unscaled, divisor, mode)?;
        Some(Decimal {
            unscaled: rounded.checked_mul(10i128.checked_pow(shift)?)?,
            scale: 0,
        })
    }

    pub fn from_i64(number: i64) -> Decimal {
        Decimal {
            unscaled: i128::from(number),
            scale: 0,
        }
    }

    /// The nearest double, as `BigDecimal.doubleValue()`. With an unscaled value below 2^53 and
    /// a scale of at most 22 (literals such as `1.2`), both operands of `unscaled / 10^scale` are
    /// exact doubles and the one division rounds correctly; beyond, via the decimal text, which
    /// Rust parses exactly rounded.
    pub fn to_f64(&self) -> f64 {
        const EXACT: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        let power = usize::try_from(self.scale).ok().and_then(|scale| EXACT.get(scale));
        match power {
            Some(power) if self.unscaled.unsigned_abs() < 1 << 53 => self.unscaled as f64 / power,
            _ => self.to_plain_string().parse().unwrap_or(f64::NAN),
        }
    }

    /// The integer part, truncated toward zero, as `BigDecimal.longValue()` for values in range.
    pub fn trunc_to_i128(&self) -> i128 {
        match 10i128.checked_pow(self.scale) {
            Some(divisor) => self.unscaled / divisor,
            None => 0,
        }
    }

    /// Numeric comparison regardless of scale (`compareTo`, not `equals`).
    pub fn cmp_value(&self, other: &Decimal) -> std::cmp::Ordering {
        let scale = self.scale.max(other.scale);
        match (self.rescale(scale), other.rescale(scale)) {
            (Some(left), Some(right)) => left.unscaled.cmp(&right.unscaled),
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }
}

/// How digits dropped by a rescale are rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundingMode {
    /// Ties away from zero: Java's `RoundingMode.HALF_UP`, ksqlDB's default.
    HalfUp,
    /// Toward zero: `RoundingMode.DOWN`.
    Down,
    /// Toward negative infinity: `RoundingMode.FLOOR`.
    Floor,
    /// Toward positive infinity: `RoundingMode.CEILING`.
    Ceiling,
    /// Ties toward zero: `RoundingMode.HALF_DOWN`.
    HalfDown,
}

/// `numerator / divisor` rounded per `mode`; `None` on division by zero or overflow.
pub fn divide_rounding(numerator: i128, divisor: i128, mode: RoundingMode) -> Option<i128> {
    let quotient = numerator.checked_div(divisor)?;
    let remainder = numerator.checked_rem(divisor)?;
    if remainder == 0 {
        return Some(quotient);
    }
    let negative = (numerator < 0) != (divisor < 0);
    let away = if negative {
        quotient.checked_sub(1)?
    } else {
        quotient.checked_add(1)?
    };
    Some(match mode {
        RoundingMode::Down => quotient,
        RoundingMode::Floor => {
            if negative {
                away
            } else {
                quotient
            }
        }
        RoundingMode::Ceiling => {
            if negative {
                quotient
            } else {
                away
            }
        }
        RoundingMode::HalfUp | RoundingMode::HalfDown => {
            let twice_remainder = remainder.unsigned_abs().checked_mul(2)?;
            let tie_goes_away = mode == RoundingMode::HalfUp;
            match twice_remainder.cmp(&divisor.unsigned_abs()) {
                std::cmp::Ordering::Greater => away,
                std::cmp::Ordering::Equal if tie_goes_away => away,
                _ => quotient,
            }
        }
    })
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_plain_string())
    }
}

impl Value {
    /// The SQL type of a non-null scalar value; `None` for NULL and for collections whose
    /// element type cannot be told from the value alone.
    pub fn scalar_type(&self) -> Option<crate::sql::types::SqlType> {
        use crate::sql::types::SqlType;
        Some(match self {
            Value::Null | Value::Array(_) | Value::Map(_) | Value::Struct(_) => return None,
            Value::Boolean(_) => SqlType::Boolean,
            Value::Int(_) => SqlType::Int,
            Value::BigInt(_) => SqlType::BigInt,
            Value::Double(_) => SqlType::Double,
            Value::Decimal(decimal) => SqlType::Decimal {
                precision: decimal.precision().max(decimal.scale),
                scale: decimal.scale,
            },
            Value::String(_) => SqlType::String,
            Value::Bytes(_) => SqlType::Bytes,
            Value::Timestamp(_) => SqlType::Timestamp,
            Value::Date(_) => SqlType::Date,
            Value::Time(_) => SqlType::Time,
        })
    }
}

/// Values as a hash-map key (a group, a join key, a table row's key): two keys are equal
/// exactly when their values are the same variant by variant, as their `Debug` text would be
/// (a DOUBLE by its bits, so `0.0` and `-0.0` differ and every NaN is alike). Comparing and
/// hashing allocate nothing, unlike keying by text.
#[derive(Clone, Debug, Default)]
pub struct KeyValues(pub Vec<Value>);

impl KeyValues {
    pub fn new(values: Vec<Value>) -> KeyValues {
        KeyValues(values)
    }

    pub fn from_slice(values: &[Value]) -> KeyValues {
        KeyValues(values.to_vec())
    }

    pub fn values(&self) -> &[Value] {
        &self.0
    }
}

impl PartialEq for KeyValues {
    fn eq(&self, other: &KeyValues) -> bool {
        same_values(&self.0, &other.0)
    }
}

impl Eq for KeyValues {}

impl std::hash::Hash for KeyValues {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.0.len());
        for value in &self.0 {
            hash_value(value, state);
        }
    }
}

/// A double's bits with every NaN made one, so that equal keys hash alike.
fn key_bits(number: f64) -> u64 {
    if number.is_nan() {
        f64::NAN.to_bits()
    } else {
        number.to_bits()
    }
}

fn same_values(left: &[Value], right: &[Value]) -> bool {
    left.len() == right.len() && left.iter().zip(right).all(|(l, r)| same_value(l, r))
}

/// Structural equality, DOUBLEs by [`key_bits`]: the equality of [`KeyValues`].
pub fn same_value(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Double(l), Value::Double(r)) => key_bits(*l) == key_bits(*r),
        (Value::Array(l), Value::Array(r)) => same_values(l, r),
        (Value::Map(l), Value::Map(r)) => {
            l.len() == r.len()
                && l.iter()
                    .zip(r)
                    .all(|((lk, lv), (rk, rv))| same_value(lk, rk) && same_value(lv, rv))
        }
        (Value::Struct(l), Value::Struct(r)) => {
            l.len() == r.len()
                && l.iter()
                    .zip(r)
                    .all(|((ln, lv), (rn, rv))| ln == rn && same_value(lv, rv))
        }
        _ => left == right,
    }
}

fn hash_value<H: std::hash::Hasher>(value: &Value, state: &mut H) {
    use std::hash::Hash;
    std::mem::discriminant(value).hash(state);
    match value {
        Value::Null => {}
        Value::Boolean(flag) => flag.hash(state),
        Value::Int(number) | Value::Date(number) => number.hash(state),
        Value::BigInt(number) | Value::Timestamp(number) | Value::Time(number) => {
            number.hash(state)
        }
        Value::Double(number) => key_bits(*number).hash(state),
        Value::Decimal(decimal) => decimal.hash(state),
        Value::String(text) => text.hash(state),
        Value::Bytes(bytes) => bytes.hash(state),
        Value::Array(items) => {
            state.write_usize(items.len());
            items.iter().for_each(|item| hash_value(item, state));
        }
        Value::Map(entries) => {
            state.write_usize(entries.len());
            for (key, item) in entries {
                hash_value(key, state);
                hash_value(item, state);
            }
        }
        Value::Struct(fields) => {
            state.write_usize(fields.len());
            for (name, item) in fields {
                name.hash(state);
                hash_value(item, state);
            }
        }
    }
}

#[cfg(test)]
mod key_tests {
    use super::{Decimal, KeyValues, Value};
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};

    fn hash(key: &KeyValues) -> u64 {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        hasher.finish()
    }

    /// Keys are equal exactly when their `Debug` texts are (what the engine keyed by before),
    /// and equal keys hash alike.
    #[test]
    fn key_equality_is_debug_text_equality() {
        let values = vec![
            Value::Null,
            Value::Boolean(true),
            Value::Int(1),
            Value::BigInt(1),
            Value::Timestamp(1),
            Value::Double(1.0),
            Value::Double(0.0),
            Value::Double(-0.0),
            Value::Double(f64::NAN),
            Value::Double(-f64::NAN),
            Value::decimal(Decimal::new(10, 1)),
            Value::decimal(Decimal::new(1, 0)),
            Value::String("1".into()),
            Value::String("a".into()),
            Value::Array(vec![Value::Int(1)]),
            Value::Array(vec![Value::Double(f64::NAN)]),
            Value::Map(vec![(Value::String("a".into()), Value::Int(1))]),
            Value::Struct(vec![("A".into(), Value::Int(1))]),
            Value::Struct(vec![("B".into(), Value::Int(1))]),
        ];
        for left in &values {
            for right in &values {
                let (l, r) = (
                    KeyValues(vec![left.clone(), Value::Int(7)]),
                    KeyValues(vec![right.clone(), Value::Int(7)]),
                );
                let same_text = format!("{:?}", l.0) == format!("{:?}", r.0);
                assert_eq!(l == r, same_text, "{left:?} vs {right:?}");
                if same_text {
                    assert_eq!(hash(&l), hash(&r), "{left:?} hashes alike");
                }
            }
        }
        assert_ne!(KeyValues(vec![Value::Int(1)]), KeyValues(vec![Value::Int(1), Value::Null]));
    }
}

#[cfg(test)]
mod decimal_tests {
    use super::{Decimal, Value};

    /// A value is a tag beside its largest common payload (a STRING's pointer, capacity and
    /// length): 32 bytes natively, 16 in wasm32 (it was 48 with the `i128` inline), so rows
    /// are small to build, move and drop.
    #[test]
    fn a_value_is_a_string_and_a_word() {
        let size = std::mem::size_of::<Value>();
        println!("size_of::<Value>() = {size} bytes");
        assert!(size <= std::mem::size_of::<String>() + std::mem::size_of::<usize>(), "{size} bytes");
        assert_eq!(Value::decimal(Decimal::new(12, 1)), Value::Decimal(Box::new(Decimal::new(12, 1))));
    }

    /// The quick division gives the double the decimal text reads as, at the edges of its range
    /// (2^53, scale 22) and past them (the text path).
    #[test]
    fn to_f64_is_the_nearest_double() {
        let unscaled = [
            0i128,
            1,
            -1,
            12,
            -12,
            123_456_789,
            (1 << 53) - 1,
            -((1 << 53) - 1),
            1 << 53,
            (1 << 53) + 1,
            i128::from(i64::MAX),
            12_345_678_901_234_567_890_123_456_789,
        ];
        for unscaled in unscaled {
            for scale in [0u32, 1, 2, 7, 15, 16, 17, 22, 23, 30] {
                let decimal = Decimal::new(unscaled, scale);
                let by_text: f64 = decimal.to_plain_string().parse().unwrap();
                assert_eq!(decimal.to_f64().to_bits(), by_text.to_bits(), "{decimal:?}");
            }
        }
    }
}

/// Empties `values` as `Vec::clear` does, but runs `Value`'s drop glue only for the values that
/// own memory. Clearing calls the glue (an out-of-line function) once per value, and most values
/// of a row (NULL, numbers, short strings) own nothing: that call was most of what emptying a
/// row cost (callgrind: ~25 instructions a value, 27 M values in the fast-forward benchmark).
pub fn clear_values(values: &mut Vec<Value>) {
    truncate_values(values, 0);
}

/// `*slot = value`, running the drop glue on the old value only where [`clear_values`] does
/// (a decoder fills a row of NULLs this way).
#[inline]
pub fn overwrite(slot: &mut Value, value: Value) {
    let old = std::mem::replace(slot, value);
    if old.owns_memory() {
        drop(old);
    } else {
        std::mem::forget(old);
    }
}

/// `values.truncate(len)`, running the drop glue only where [`clear_values`] does.
pub fn truncate_values(values: &mut Vec<Value>, len: usize) {
    while values.len() > len {
        match values.pop() {
            Some(value) if value.owns_memory() => drop(value),
            Some(value) => std::mem::forget(value),
            None => break,
        }
    }
}
