//! Ordering and equality of values, as ksqlDB compares them.

use std::cmp::Ordering;

use super::temporal;
use crate::sql::value::{Decimal, Value};

/// Java's `String.compareTo`: by UTF-16 code unit, which differs from Rust's `str` order only for
/// characters outside the Basic Multilingual Plane.
pub fn compare_java_strings(left: &str, right: &str) -> Ordering {
    if left.is_ascii() && right.is_ascii() {
        return left.cmp(right);
    }
    left.encode_utf16().cmp(right.encode_utf16())
}

/// A number widened for comparison: exact integers, exact decimals, or doubles.
enum Numeric {
    Integer(i64),
    Exact(Decimal),
    Float(f64),
}

fn numeric(value: &Value) -> Option<Numeric> {
    Some(match value {
        Value::Int(number) => Numeric::Integer(i64::from(*number)),
        Value::BigInt(number) => Numeric::Integer(*number),
        Value::Decimal(decimal) => Numeric::Exact(Decimal::clone(decimal)),
        Value::Double(number) => Numeric::Float(*number),
        _ => return None,
    })
}

fn compare_numeric(left: Numeric, right: Numeric) -> Option<Ordering> {
    match (left, right) {
        (Numeric::Integer(l), Numeric::Integer(r)) => Some(l.cmp(&r)),
        (Numeric::Float(l), r) => l.partial_cmp(&numeric_to_f64(&r)),
        (l, Numeric::Float(r)) => numeric_to_f64(&l).partial_cmp(&r),
        (l, r) => Some(to_decimal(l).cmp_value(&to_decimal(r))),
    }
}

fn numeric_to_f64(number: &Numeric) -> f64 {
    match number {
        Numeric::Integer(integer) => *integer as f64,
        Numeric::Exact(decimal) => decimal.to_f64(),
        Numeric::Float(float) => *float,
    }
}

fn to_decimal(number: Numeric) -> Decimal {
    match number {
        Numeric::Integer(integer) => Decimal::from_i64(integer),
        Numeric::Exact(decimal) => decimal,
        Numeric::Float(float) => Decimal::parse(&crate::sql::format::java_double_to_string(float))
            .unwrap_or(Decimal::new(0, 0)),
    }
}

/// Orders two values; `None` when either is NULL, the types cannot be compared, or a double is
/// NaN. Numbers of different types compare by value (`1 = 1.0`); a STRING compares with a
/// TIMESTAMP, DATE or TIME by parsing it, as ksqlDB allows `ts > '2020-01-01'`.
/// Arrays and structs compare element by element; maps only for equality.
pub fn compare(left: &Value, right: &Value) -> Option<Ordering> {
    // The common cases first, as the widening below orders them (an INT is exact as a double).
    match (left, right) {
        (Value::Double(l), Value::Double(r)) => return l.partial_cmp(r),
        (Value::Double(l), Value::Int(r)) => return l.partial_cmp(&f64::from(*r)),
        (Value::Int(l), Value::Double(r)) => return f64::from(*l).partial_cmp(r),
        (Value::Int(l), Value::Int(r)) => return Some(l.cmp(r)),
        (Value::BigInt(l), Value::BigInt(r)) => return Some(l.cmp(r)),
        _ => {}
    }
    if let (Some(l), Some(r)) = (numeric(left), numeric(right)) {
        return compare_numeric(l, r);
    }
    match (left, right) {
        (Value::String(l), Value::String(r)) => Some(compare_java_strings(l, r)),
        (Value::Boolean(l), Value::Boolean(r)) => Some(l.cmp(r)),
        (Value::Bytes(l), Value::Bytes(r)) => Some(l.cmp(r)),
        (Value::Timestamp(l), Value::Timestamp(r)) => Some(l.cmp(r)),
        (Value::Date(l), Value::Date(r)) => Some(l.cmp(r)),
        (Value::Time(l), Value::Time(r)) => Some(l.cmp(r)),
        (Value::Timestamp(l), Value::Date(r)) => Some(l.cmp(&temporal::date_to_timestamp(*r))),
        (Value::Date(l), Value::Timestamp(r)) => Some(temporal::date_to_timestamp(*l).cmp(r)),
        (Value::Timestamp(l), Value::String(r)) => {
            Some(l.cmp(&temporal::parse_timestamp_iso(r).ok()?))
        }
        (Value::String(l), Value::Timestamp(r)) => {
            Some(temporal::parse_timestamp_iso(l).ok()?.cmp(r))
        }
        (Value::Date(l), Value::String(r)) => Some(l.cmp(&temporal::parse_date_iso(r).ok()?)),
        (Value::String(l), Value::Date(r)) => Some(temporal::parse_date_iso(l).ok()?.cmp(r)),
        (Value::Time(l), Value::String(r)) => Some(l.cmp(&temporal::parse_time_iso(r).ok()?)),
        (Value::String(l), Value::Time(r)) => Some(temporal::parse_time_iso(l).ok()?.cmp(r)),
        (Value::Array(l), Value::Array(r)) => {
            for (l_item, r_item) in l.iter().zip(r.iter()) {
                match compare(l_item, r_item)? {
                    Ordering::Equal => {}
                    unequal => return Some(unequal),
                }
            }
            Some(l.len().cmp(&r.len()))
        }
        (Value::Struct(l), Value::Struct(r)) => {
            if l.len() != r.len() {
                return None;
            }
            for ((l_name, l_item), (r_name, r_item)) in l.iter().zip(r.iter()) {
                if l_name != r_name {
                    return None;
                }
                match compare(l_item, r_item)? {
                    Ordering::Equal => {}
                    unequal => return Some(unequal),
                }
            }
            Some(Ordering::Equal)
        }
        (Value::Map(l), Value::Map(r)) => {
            let all_found = l.len() == r.len()
                && l.iter().all(|(key, item)| {
                    r.iter().any(|(r_key, r_item)| {
                        values_equal(key, r_key) && values_equal(item, r_item)
                    })
                });
            all_found.then_some(Ordering::Equal)
        }
        _ => None,
    }
}

/// Equality that treats two NULLs (also nested) as equal: for DISTINCT, GROUP BY keys, tests.
pub fn values_equal(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Array(l), Value::Array(r)) => {
            l.len() == r.len() && l.iter().zip(r).all(|(a, b)| values_equal(a, b))
        }
        (Value::Struct(l), Value::Struct(r)) => {
            l.len() == r.len()
                && l.iter()
                    .zip(r)
                    .all(|((l_name, a), (r_name, b))| l_name == r_name && values_equal(a, b))
        }
        (Value::Double(l), Value::Double(r)) if l.is_nan() && r.is_nan() => true,
        _ => compare(left, right) == Some(Ordering::Equal),
    }
}

/// `l IS DISTINCT FROM r`: like `<>`, but NULL is a value: two NULLs are not distinct,
/// NULL and a non-NULL are.
pub fn is_distinct_from(left: &Value, right: &Value) -> bool {
    !values_equal(left, right)
}
