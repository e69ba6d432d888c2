//! SUM: the total of the non-NULL values, of the argument's own type (INT stays INT and wraps on
//! overflow as Java's `int`; DECIMAL(p, s) stays DECIMAL(p, s)). Starts at 0 of that type, so a
//! group of only NULLs sums to 0, never NULL.
//!
//! SUM_LIST sums every element of ARRAY<INT|BIGINT|DOUBLE> values the same way.
//!
//! A DECIMAL sum that no longer fits its precision throws ksqlDB's "Numeric field overflow",
//! which fails the query; cast the argument to a wider DECIMAL to make room.

use crate::sql::ops::EvalError;
use crate::sql::types::SqlType;
use crate::sql::value::{divide_rounding, Decimal, RoundingMode, Value};

/// 16 bytes: the rare DECIMAL sum is boxed (its `i128` would double the size of every
/// accumulator, and so of every window's state).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Sum {
    Int(i32),
    BigInt(i64),
    Double(f64),
    Decimal(Box<DecimalSum>),
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct DecimalSum {
    unscaled: i128,
    precision: u32,
    scale: u32,
}

fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Int(number) => Some(i64::from(*number)),
        Value::BigInt(number) => Some(*number),
        Value::Double(number) => Some(*number as i64),
        Value::Decimal(decimal) => i64::try_from(decimal.trunc_to_i128()).ok(),
        _ => None,
    }
}

fn as_f64(value: &Value) -> Option<f64> {
    match value {
        Value::Int(number) => Some(f64::from(*number)),
        Value::BigInt(number) => Some(*number as f64),
        Value::Double(number) => Some(*number),
        Value::Decimal(decimal) => Some(decimal.to_f64()),
        _ => None,
    }
}

fn as_decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Decimal(decimal) => Some(Decimal::clone(decimal)),
        Value::Int(number) => Some(Decimal::from_i64(i64::from(*number))),
        Value::BigInt(number) => Some(Decimal::from_i64(*number)),
        _ => None,
    }
}

fn overflow() -> EvalError {
    EvalError::new("Numeric field overflow: the DECIMAL sum does not fit in 128 bits")
}

/// `BigDecimal.toPlainString()` of `unscaled × 10^-scale` rounded to `precision` significant
/// digits (Java's `MathContext(precision)`, HALF_UP), for the overflow message.
fn rounded_plain_string(unscaled: i128, scale: u32, precision: u32) -> String {
    let digits = Decimal::new(unscaled, 0).precision();
    if digits <= precision {
        return Decimal::new(unscaled, scale).to_plain_string();
    }
    let dropped = digits - precision;
    let rounded = 10i128
        .checked_pow(dropped)
        .and_then(|divisor| divide_rounding(unscaled, divisor, RoundingMode::HalfUp))
        .unwrap_or(unscaled);
    if dropped <= scale {
        Decimal::new(rounded, scale - dropped).to_plain_string()
    } else {
        let zeros = "0".repeat((dropped - scale) as usize);
        format!("{rounded}{zeros}")
    }
}

impl Sum {
    /// The initial sum for an argument type; `None` when SUM does not accept it.
    pub(super) fn new(arg_type: &SqlType) -> Option<Sum> {
        Some(match arg_type {
            SqlType::Int => Sum::Int(0),
            SqlType::BigInt => Sum::BigInt(0),
            SqlType::Double => Sum::Double(0.0),
            SqlType::Decimal { precision, scale } => Sum::Decimal(Box::new(DecimalSum {
                unscaled: 0,
                precision: *precision,
                scale: *scale,
            })),
            _ => return None,
        })
    }

    pub(super) fn initial(&self) -> Sum {
        match self {
            Sum::Int(_) => Sum::Int(0),
            Sum::BigInt(_) => Sum::BigInt(0),
            Sum::Double(_) => Sum::Double(0.0),
            Sum::Decimal(sum) => Sum::Decimal(Box::new(DecimalSum {
                unscaled: 0,
                precision: sum.precision,
                scale: sum.scale,
            })),
        }
    }

    /// Adds (`sign` 1) or subtracts (`sign` -1) a value; NULL changes nothing.
    fn apply(&mut self, value: &Value, sign: i8, check_fit: bool) -> Result<(), EvalError> {
        if value.is_null() {
            return Ok(());
        }
        match self {
            Sum::Int(total) => {
                if let Some(number) = as_i64(value) {
                    let number = number as i32;
                    *total = if sign > 0 {
                        total.wrapping_add(number)
                    } else {
                        total.wrapping_sub(number)
                    };
                }
            }
            Sum::BigInt(total) => {
                if let Some(number) = as_i64(value) {
                    *total = if sign > 0 {
                        total.wrapping_add(number)
                    } else {
                        total.wrapping_sub(number)
                    };
                }
            }
            Sum::Double(total) => {
                if let Some(number) = as_f64(value) {
                    *total = if sign > 0 {
                        *total + number
                    } else {
                        *total - number
                    };
                }
            }
            Sum::Decimal(sum) => {
                let DecimalSum {
                    unscaled,
                    precision,
                    scale,
                } = sum.as_mut();
                let Some(decimal) = as_decimal(value) else {
                    return Ok(());
                };
                let operand = decimal.rescale(*scale).ok_or_else(overflow)?.unscaled;
                let next = if sign > 0 {
                    unscaled.checked_add(operand)
                } else {
                    unscaled.checked_sub(operand)
                }
                .ok_or_else(overflow)?;
                if check_fit {
                    let limit = 10i128.checked_pow(*precision).ok_or_else(overflow)?;
                    if next.unsigned_abs() >= limit.unsigned_abs() {
                        return Err(EvalError::new(format!(
                            "Numeric field overflow: A field with precision {precision} and scale {scale} must round to an absolute value less than 10^{}. Got {}",
                            precision.saturating_sub(*scale),
                            rounded_plain_string(next, *scale, *precision)
                        )));
                    }
                }
                *unscaled = next;
            }
        }
        Ok(())
    }

    pub(super) fn add(&mut self, value: &Value) -> Result<(), EvalError> {
        self.apply(value, 1, true)
    }

    /// SUM_LIST's step: adds each element of an ARRAY (NULL elements and a NULL array change
    /// nothing).
    pub(super) fn add_elements(&mut self, list: &Value) -> Result<(), EvalError> {
        if let Value::Array(elements) = list {
            for element in elements {
                self.add(element)?;
            }
        }
        Ok(())
    }

    /// ksqlDB checks the precision only when adding, not when undoing or merging.
    pub(super) fn undo(&mut self, value: &Value) -> Result<(), EvalError> {
        self.apply(value, -1, false)
    }

    pub(super) fn merge(&mut self, other: &Sum) -> Result<(), EvalError> {
        let other_value = other.result();
        self.apply(&other_value, 1, false)
    }

    pub(super) fn result(&self) -> Value {
        match self {
            Sum::Int(total) => Value::Int(*total),
            Sum::BigInt(total) => Value::BigInt(*total),
            Sum::Double(total) => Value::Double(*total),
            Sum::Decimal(sum) => Value::decimal(Decimal::new(sum.unscaled, sum.scale)),
        }
    }
}
