//! Runtime values of ksqlDB's types. SQL NULL is `Value::Null` for every type.

/// An exact decimal: `unscaled × 10^-scale`, as Java's `BigDecimal`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    pub unscaled: i128,
    pub scale: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Boolean(bool),
    Int(i32),
    BigInt(i64),
    Double(f64),
    Decimal(Decimal),
    String(String),
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

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
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

    /// The nearest double, as `BigDecimal.doubleValue()` (via the decimal text, which Rust parses
    /// exactly rounded).
    pub fn to_f64(&self) -> f64 {
        self.to_plain_string().parse().unwrap_or(f64::NAN)
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
