//! Arithmetic and comparison operators, their result types and ksqlDB's numeric widening:
//! INT → BIGINT → DECIMAL → DOUBLE. INT and BIGINT overflow wraps around, as in Java.

use std::cmp::Ordering;

use super::{compare, EvalError};
use crate::sql::types::SqlType;
use crate::sql::value::{divide_rounding, Decimal, RoundingMode, Value, MAX_DECIMAL_PRECISION};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

impl BinaryOp {
    pub fn is_comparison(self) -> bool {
        !matches!(
            self,
            BinaryOp::Add
                | BinaryOp::Subtract
                | BinaryOp::Multiply
                | BinaryOp::Divide
                | BinaryOp::Modulo
        )
    }

    /// The operator as written in SQL.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Modulo => "%",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
        }
    }
}

fn is_numeric(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Int | SqlType::BigInt | SqlType::Double | SqlType::Decimal { .. }
    )
}

/// The decimal an integer type widens to: INT is DECIMAL(10,0), BIGINT DECIMAL(19,0).
fn as_decimal_type(ty: &SqlType) -> Option<(u32, u32)> {
    match ty {
        SqlType::Int => Some((10, 0)),
        SqlType::BigInt => Some((19, 0)),
        SqlType::Decimal { precision, scale } => Some((*precision, *scale)),
        _ => None,
    }
}

fn decimal_type(precision: u32, scale: u32) -> SqlType {
    let precision = precision.clamp(1, MAX_DECIMAL_PRECISION);
    SqlType::Decimal {
        precision,
        scale: scale.min(precision),
    }
}

/// The type two numeric types widen to when mixed (e.g. in CASE branches, COALESCE, GREATEST).
pub fn numeric_common_type(left: &SqlType, right: &SqlType) -> Option<SqlType> {
    if !is_numeric(left) || !is_numeric(right) {
        return None;
    }
    Some(match (left, right) {
        (SqlType::Double, _) | (_, SqlType::Double) => SqlType::Double,
        (SqlType::Decimal { .. }, _) | (_, SqlType::Decimal { .. }) => {
            let (lp, ls) = as_decimal_type(left)?;
            let (rp, rs) = as_decimal_type(right)?;
            let scale = ls.max(rs);
            decimal_type((lp - ls).max(rp - rs) + scale, scale)
        }
        (SqlType::BigInt, _) | (_, SqlType::BigInt) => SqlType::BigInt,
        _ => SqlType::Int,
    })
}

/// Result precision and scale of decimal arithmetic, by the rules ksqlDB adopted from SQL Server.
fn decimal_result_type(op: BinaryOp, (p1, s1): (u32, u32), (p2, s2): (u32, u32)) -> SqlType {
    match op {
        BinaryOp::Add | BinaryOp::Subtract => {
            let scale = s1.max(s2);
            decimal_type((p1 - s1).max(p2 - s2) + scale + 1, scale)
        }
        BinaryOp::Multiply => decimal_type(p1 + p2 + 1, s1 + s2),
        BinaryOp::Divide => {
            let scale = 6u32.max(s1 + p2 + 1);
            decimal_type(p1 - s1 + s2 + scale, scale)
        }
        _ => {
            let scale = s1.max(s2);
            decimal_type((p1 - s1).min(p2 - s2) + scale, scale)
        }
    }
}

fn comparable_types(left: &SqlType, right: &SqlType, op: BinaryOp) -> bool {
    use SqlType as T;
    if is_numeric(left) && is_numeric(right) {
        return true;
    }
    match (left, right) {
        (T::String, T::String) | (T::Boolean, T::Boolean) | (T::Bytes, T::Bytes) => true,
        (T::Timestamp | T::Date | T::Time, T::String)
        | (T::String, T::Timestamp | T::Date | T::Time) => true,
        (T::Timestamp, T::Timestamp) | (T::Date, T::Date) | (T::Time, T::Time) => true,
        (T::Timestamp, T::Date) | (T::Date, T::Timestamp) => true,
        (T::Array(l), T::Array(r)) | (T::Map(_, l), T::Map(_, r)) => {
            matches!(op, BinaryOp::Eq | BinaryOp::NotEq) && comparable_types(l, r, op)
        }
        (T::Struct(_), T::Struct(_)) => {
            matches!(op, BinaryOp::Eq | BinaryOp::NotEq) && left == right
        }
        _ => false,
    }
}

/// The result type of `left op right`, for planning. The messages follow ksqlDB's.
pub fn binary_type(op: BinaryOp, left: &SqlType, right: &SqlType) -> Result<SqlType, String> {
    if op.is_comparison() {
        return if comparable_types(left, right, op) {
            Ok(SqlType::Boolean)
        } else {
            Err(format!(
                "Cannot compare {left} to {right} with {}.",
                op.symbol()
            ))
        };
    }
    if op == BinaryOp::Add && *left == SqlType::String && *right == SqlType::String {
        return Ok(SqlType::String);
    }
    match (as_decimal_type(left), as_decimal_type(right)) {
        (Some(l), Some(r))
            if matches!(left, SqlType::Decimal { .. })
                || matches!(right, SqlType::Decimal { .. }) =>
        {
            return Ok(decimal_result_type(op, l, r));
        }
        _ => {}
    }
    numeric_common_type(left, right)
        .ok_or_else(|| format!("Unsupported arithmetic types. {left} {right}"))
}

/// Evaluates `left op right` with ksqlDB's semantics, deriving decimal result scales from the
/// values. Prefer [`binary_with_type`] when the planned type is known (it matters for DECIMAL
/// division, whose scale depends on the declared precision of the divisor).
pub fn binary(op: BinaryOp, left: &Value, right: &Value) -> Result<Value, EvalError> {
    if left.is_null() || right.is_null() {
        return Ok(Value::Null);
    }
    if op.is_comparison() {
        return compare_op(op, left, right);
    }
    let result_type = match (left.scalar_type(), right.scalar_type()) {
        (Some(l), Some(r)) => binary_type(op, &l, &r).map_err(EvalError::new)?,
        _ => {
            return Err(EvalError::new(format!(
                "Unsupported arithmetic types for {}: {left:?}, {right:?}",
                op.symbol()
            )))
        }
    };
    arithmetic(op, left, right, &result_type)
}

/// Evaluates `left op right` and returns a value of `result_type` (from [`binary_type`]).
pub fn binary_with_type(
    op: BinaryOp,
    left: &Value,
    right: &Value,
    result_type: &SqlType,
) -> Result<Value, EvalError> {
    if left.is_null() || right.is_null() {
        return Ok(Value::Null);
    }
    if op.is_comparison() {
        return compare_op(op, left, right);
    }
    arithmetic(op, left, right, result_type)
}

fn compare_op(op: BinaryOp, left: &Value, right: &Value) -> Result<Value, EvalError> {
    let ordering = match compare(left, right) {
        Some(ordering) => ordering,
        // NaN compares unequal to everything, as Java's primitive comparisons.
        None if is_nan(left) || is_nan(right) => return Ok(Value::Boolean(op == BinaryOp::NotEq)),
        None => {
            return Err(EvalError::new(format!(
                "Cannot compare {left:?} to {right:?} with {}",
                op.symbol()
            )));
        }
    };
    Ok(Value::Boolean(match op {
        BinaryOp::Eq => ordering == Ordering::Equal,
        BinaryOp::NotEq => ordering != Ordering::Equal,
        BinaryOp::Lt => ordering == Ordering::Less,
        BinaryOp::LtEq => ordering != Ordering::Greater,
        BinaryOp::Gt => ordering == Ordering::Greater,
        _ => ordering != Ordering::Less,
    }))
}

fn is_nan(value: &Value) -> bool {
    matches!(value, Value::Double(number) if number.is_nan())
}

fn division_by_zero() -> EvalError {
    EvalError::new("/ by zero")
}

fn arithmetic(
    op: BinaryOp,
    left: &Value,
    right: &Value,
    result_type: &SqlType,
) -> Result<Value, EvalError> {
    match result_type {
        SqlType::String => match (left, right) {
            (Value::String(l), Value::String(r)) => Ok(Value::String(format!("{l}{r}").into())),
            _ => Err(EvalError::new("+ on strings needs two STRING operands")),
        },
        SqlType::Int => {
            let (l, r) = (as_i64(left)?, as_i64(right)?);
            let (l, r) = (l as i32, r as i32);
            Ok(Value::Int(match op {
                BinaryOp::Add => l.wrapping_add(r),
                BinaryOp::Subtract => l.wrapping_sub(r),
                BinaryOp::Multiply => l.wrapping_mul(r),
                BinaryOp::Divide => l
                    .checked_div(r)
                    .or_else(|| (r == -1).then(|| l.wrapping_neg()))
                    .ok_or_else(division_by_zero)?,
                _ => {
                    if r == 0 {
                        return Err(division_by_zero());
                    } else {
                        l.wrapping_rem(r)
                    }
                }
            }))
        }
        SqlType::BigInt => {
            let (l, r) = (as_i64(left)?, as_i64(right)?);
            Ok(Value::BigInt(match op {
                BinaryOp::Add => l.wrapping_add(r),
                BinaryOp::Subtract => l.wrapping_sub(r),
                BinaryOp::Multiply => l.wrapping_mul(r),
                BinaryOp::Divide => l
                    .checked_div(r)
                    .or_else(|| (r == -1).then(|| l.wrapping_neg()))
                    .ok_or_else(division_by_zero)?,
                _ => {
                    if r == 0 {
                        return Err(division_by_zero());
                    } else {
                        l.wrapping_rem(r)
                    }
                }
            }))
        }
        SqlType::Double => {
            let (l, r) = (as_f64(left)?, as_f64(right)?);
            Ok(Value::Double(match op {
                BinaryOp::Add => l + r,
                BinaryOp::Subtract => l - r,
                BinaryOp::Multiply => l * r,
                BinaryOp::Divide => l / r,
                _ => l % r,
            }))
        }
        SqlType::Decimal { precision, scale } => {
            let (l, r) = (as_decimal(left)?, as_decimal(right)?);
            let result = decimal_arithmetic(op, &l, &r, *scale)?;
            result
                .fit(*precision, *scale)
                .map(Value::decimal)
                .ok_or_else(|| EvalError::new(format!("Numeric field overflow: {result} does not fit DECIMAL({precision}, {scale})")))
        }
        other => Err(EvalError::new(format!(
            "Unsupported arithmetic result type {other}"
        ))),
    }
}

fn overflow() -> EvalError {
    EvalError::new("decimal arithmetic overflow")
}

fn decimal_arithmetic(
    op: BinaryOp,
    l: &Decimal,
    r: &Decimal,
    result_scale: u32,
) -> Result<Decimal, EvalError> {
    let common = l.scale.max(r.scale);
    let (la, ra) = (
        l.rescale(common).ok_or_else(overflow)?,
        r.rescale(common).ok_or_else(overflow)?,
    );
    match op {
        BinaryOp::Add => Ok(Decimal::new(
            la.unscaled.checked_add(ra.unscaled).ok_or_else(overflow)?,
            common,
        )),
        BinaryOp::Subtract => Ok(Decimal::new(
            la.unscaled.checked_sub(ra.unscaled).ok_or_else(overflow)?,
            common,
        )),
        BinaryOp::Multiply => Ok(Decimal::new(
            l.unscaled.checked_mul(r.unscaled).ok_or_else(overflow)?,
            l.scale + r.scale,
        )),
        BinaryOp::Divide => {
            if r.unscaled == 0 {
                return Err(EvalError::new("Division by zero"));
            }
            // l/r at result_scale: l.unscaled * 10^(result_scale + r.scale - l.scale) / r.unscaled.
            let shift = i64::from(result_scale) + i64::from(r.scale) - i64::from(l.scale);
            let (numerator, divisor) = if shift >= 0 {
                let factor = 10i128
                    .checked_pow(u32::try_from(shift).map_err(|_| overflow())?)
                    .ok_or_else(overflow)?;
                (
                    l.unscaled.checked_mul(factor).ok_or_else(overflow)?,
                    r.unscaled,
                )
            } else {
                let factor = 10i128
                    .checked_pow(u32::try_from(-shift).map_err(|_| overflow())?)
                    .ok_or_else(overflow)?;
                (
                    l.unscaled,
                    r.unscaled.checked_mul(factor).ok_or_else(overflow)?,
                )
            };
            let quotient =
                divide_rounding(numerator, divisor, RoundingMode::HalfUp).ok_or_else(overflow)?;
            Ok(Decimal::new(quotient, result_scale))
        }
        _ => {
            if ra.unscaled == 0 {
                return Err(EvalError::new("Division by zero"));
            }
            Ok(Decimal::new(
                la.unscaled.checked_rem(ra.unscaled).ok_or_else(overflow)?,
                common,
            ))
        }
    }
}

fn as_i64(value: &Value) -> Result<i64, EvalError> {
    match value {
        Value::Int(number) => Ok(i64::from(*number)),
        Value::BigInt(number) => Ok(*number),
        other => Err(EvalError::new(format!(
            "expected an integer, got {other:?}"
        ))),
    }
}

pub(crate) fn as_f64(value: &Value) -> Result<f64, EvalError> {
    match value {
        Value::Int(number) => Ok(f64::from(*number)),
        Value::BigInt(number) => Ok(*number as f64),
        Value::Double(number) => Ok(*number),
        Value::Decimal(decimal) => Ok(decimal.to_f64()),
        other => Err(EvalError::new(format!("expected a number, got {other:?}"))),
    }
}

pub(crate) fn as_decimal(value: &Value) -> Result<Decimal, EvalError> {
    match value {
        Value::Decimal(decimal) => Ok(Decimal::clone(decimal)),
        Value::Int(number) => Ok(Decimal::from_i64(i64::from(*number))),
        Value::BigInt(number) => Ok(Decimal::from_i64(*number)),
        other => Err(EvalError::new(format!("expected a decimal, got {other:?}"))),
    }
}

/// Unary minus. INT and BIGINT wrap on their minimum, as Java's `-x`.
pub fn negate(value: &Value) -> Result<Value, EvalError> {
    Ok(match value {
        Value::Null => Value::Null,
        Value::Int(number) => Value::Int(number.wrapping_neg()),
        Value::BigInt(number) => Value::BigInt(number.wrapping_neg()),
        Value::Double(number) => Value::Double(-number),
        Value::Decimal(decimal) => Value::decimal(Decimal::new(-decimal.unscaled, decimal.scale)),
        other => return Err(EvalError::new(format!("Cannot negate {other:?}"))),
    })
}
