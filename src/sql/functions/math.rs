//! Numeric functions: ABS, CEIL, FLOOR, ROUND, TRUNC, SIGN and the DOUBLE-valued ones.

use crate::sql::ops::EvalError;
use crate::sql::value::{Decimal, RoundingMode, Value};

/// Java's `Math.round(double)`: ties toward positive infinity; NaN is 0; saturating.
pub fn java_math_round(number: f64) -> i64 {
    if number.is_nan() {
        return 0;
    }
    let floor = number.floor();
    let rounded = if number - floor >= 0.5 {
        floor + 1.0
    } else {
        floor
    };
    rounded as i64
}

fn decimal_of_double(number: f64) -> Option<Decimal> {
    if !number.is_finite() {
        return None;
    }
    Decimal::parse(&crate::sql::format::java_double_to_string(number))
}

/// ROUND(double, places): `BigDecimal.valueOf(d).setScale(places, HALF_UP)` for positive
/// values, HALF_DOWN otherwise (ties toward positive infinity, like `Math.round`).
pub fn round_double(number: f64, places: i32) -> f64 {
    match decimal_of_double(number) {
        Some(decimal) => {
            let mode = if decimal.unscaled > 0 {
                RoundingMode::HalfUp
            } else {
                RoundingMode::HalfDown
            };
            decimal
                .round_to_places(places, mode)
                .map(|rounded| rounded.to_f64())
                .unwrap_or(number)
        }
        None => number,
    }
}

pub fn trunc_double(number: f64, places: i32) -> f64 {
    match decimal_of_double(number) {
        Some(decimal) => decimal
            .round_to_places(places, RoundingMode::Down)
            .map(|rounded| rounded.to_f64())
            .unwrap_or(number),
        None => number,
    }
}

/// Rounds a decimal to `places` and, when `keep_scale`, pads back to its own scale (as ksqlDB
/// returns it in the argument's type).
pub fn round_decimal(
    decimal: &Decimal,
    places: i32,
    mode: RoundingMode,
    keep_scale: bool,
) -> Result<Value, EvalError> {
    let overflow = || EvalError::new("decimal out of range");
    let rounded = decimal.round_to_places(places, mode).ok_or_else(overflow)?;
    let result = if keep_scale {
        rounded.rescale(decimal.scale).ok_or_else(overflow)?
    } else {
        rounded
    };
    Ok(Value::decimal(result))
}

pub fn decimal_rounding_for(decimal: &Decimal) -> RoundingMode {
    if decimal.unscaled > 0 {
        RoundingMode::HalfUp
    } else {
        RoundingMode::HalfDown
    }
}
