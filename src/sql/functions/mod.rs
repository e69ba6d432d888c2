//! ksqlDB's built-in scalar functions: their result types (for planning) and their evaluation.
//!
//! Unless a function says otherwise, a NULL argument gives a NULL result. Functions that read
//! the wall clock (`UNIX_TIMESTAMP()`, `NOW()`) or are random (`RANDOM()`) are refused: the
//! sandbox is deterministic, driven only by the virtual clock.

pub mod aggregate;
mod datetime;
mod math;
mod string;

use crate::sql::ops::{self, numeric_common_type, EvalError};
use crate::sql::types::SqlType;
use crate::sql::value::{Decimal, RoundingMode, Value};

pub use datetime::{format_millis, parse_millis};

/// Every scalar function name, sorted (for autocomplete and "did you mean").
pub fn scalar_names() -> Vec<&'static str> {
    let mut names = vec![
        "ABS",
        "ACOS",
        "ARRAY_CONTAINS",
        "ARRAY_LENGTH",
        "ASIN",
        "ATAN",
        "ATAN2",
        "CBRT",
        "CEIL",
        "COALESCE",
        "CONCAT",
        "CONCAT_WS",
        "COS",
        "COSH",
        "COT",
        "DEGREES",
        "EXP",
        "FLOOR",
        "FORMAT_DATE",
        "FORMAT_TIME",
        "FORMAT_TIMESTAMP",
        "GREATEST",
        "IFNULL",
        "INITCAP",
        "INSTR",
        "LCASE",
        "LEAST",
        "LEN",
        "LN",
        "LOG",
        "LPAD",
        "LTRIM",
        "MASK",
        "MASK_KEEP_LEFT",
        "MASK_KEEP_RIGHT",
        "MASK_LEFT",
        "MASK_RIGHT",
        "NULLIF",
        "PARSE_DATE",
        "PARSE_TIME",
        "PARSE_TIMESTAMP",
        "PI",
        "POWER",
        "RADIANS",
        "REPLACE",
        "ROUND",
        "RPAD",
        "RTRIM",
        "SIGN",
        "SIN",
        "SINH",
        "SPLIT",
        "SQRT",
        "STRINGTOTIMESTAMP",
        "SUBSTRING",
        "TAN",
        "TANH",
        "TIMESTAMPTOSTRING",
        "TRIM",
        "TRUNC",
        "UCASE",
        "UNIX_DATE",
        "UNIX_TIMESTAMP",
    ];
    names.sort_unstable();
    names
}

/// Functions that ksqlDB has but a deterministic sandbox cannot offer.
const NONDETERMINISTIC: &[&str] = &[
    "RANDOM",
    "NOW",
    "CURRENT_TIMESTAMP",
    "UNIX_TIMESTAMP()",
    "UNIX_DATE()",
    "UUID",
];

/// Edit distance, for suggesting the closest function names.
fn edit_distance(left: &str, right: &str) -> usize {
    let right_chars: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right_chars.len()).collect();
    for (left_idx, left_char) in left.chars().enumerate() {
        let mut current = vec![left_idx + 1];
        // `previous` has one more entry than `right_chars`: its pairs are (diagonal, above).
        for (right_char, pair) in right_chars.iter().zip(previous.windows(2)) {
            let (diagonal, above) = match pair {
                [diagonal, above] => (*diagonal, *above),
                _ => continue,
            };
            let left = current.last().copied().unwrap_or(usize::MAX - 1);
            let substitution = diagonal + usize::from(left_char != *right_char);
            current.push(substitution.min(above + 1).min(left + 1));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

fn unknown_function(name: &str) -> String {
    if NONDETERMINISTIC.contains(&name) {
        return format!("Function '{name}' reads the wall clock or a random source, which streamlab does not offer: queries here are deterministic.");
    }
    let mut candidates: Vec<(usize, &str)> = scalar_names()
        .into_iter()
        .map(|known| (edit_distance(name, known), known))
        .collect();
    candidates.sort();
    let close: Vec<&str> = candidates
        .iter()
        .filter(|(distance, _)| *distance <= 3)
        .take(3)
        .map(|(_, known)| *known)
        .collect();
    if close.is_empty() {
        format!("Can't find any functions with the name '{name}'")
    } else {
        format!(
            "Can't find any functions with the name '{name}'. Did you mean {}?",
            close.join(", ")
        )
    }
}

fn type_list(arg_types: &[Option<SqlType>]) -> String {
    arg_types
        .iter()
        .map(|ty| ty.as_ref().map_or("NULL".to_string(), |ty| ty.to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn signature_error(name: &str, arg_types: &[Option<SqlType>], valid: &str) -> String {
    format!(
        "Function '{name}' does not accept parameters ({}). Valid alternatives are: {valid}",
        type_list(arg_types)
    )
}

fn is_numeric(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Int | SqlType::BigInt | SqlType::Double | SqlType::Decimal { .. }
    )
}

/// True when every argument is of one of the accepted kinds (an untyped NULL fits anything).
fn all_fit(arg_types: &[Option<SqlType>], accepts: impl Fn(&SqlType) -> bool) -> bool {
    arg_types.iter().all(|ty| ty.as_ref().is_none_or(&accepts))
}

/// [`all_fit`] for the arguments in `range` (`..1`, `2..`); false when there are fewer (callers
/// check the count first).
fn range_fits<R>(arg_types: &[Option<SqlType>], range: R, accepts: impl Fn(&SqlType) -> bool) -> bool
where
    R: std::slice::SliceIndex<[Option<SqlType>], Output = [Option<SqlType>]>,
{
    arg_types.get(range).is_some_and(|types| all_fit(types, accepts))
}

fn is_integer(ty: &SqlType) -> bool {
    matches!(ty, SqlType::Int | SqlType::BigInt)
}

/// The common type of arguments that must agree (COALESCE, GREATEST...): numbers widen.
fn common_type(arg_types: &[Option<SqlType>]) -> Option<SqlType> {
    let mut common: Option<SqlType> = None;
    for ty in arg_types.iter().flatten() {
        common = Some(match common {
            None => ty.clone(),
            Some(current) if current == *ty => current,
            Some(current) => numeric_common_type(&current, ty)?,
        });
    }
    common
}

/// The result type of `name(args)`, `None` standing for an untyped NULL literal argument.
pub fn scalar_return_type_opt(
    name_upper: &str,
    arg_types: &[Option<SqlType>],
) -> Result<SqlType, String> {
    use SqlType as T;
    let n_args = arg_types.len();
    let first = arg_types.first().cloned().flatten();
    let string_or_null = |ty: &SqlType| *ty == T::String;
    let integer_or_null = |ty: &SqlType| is_integer(ty);
    let fail = |valid: &str| Err(signature_error(name_upper, arg_types, valid));
    match name_upper {
        "UCASE" | "LCASE" | "TRIM" | "LTRIM" | "RTRIM" | "INITCAP" => {
            if n_args == 1 && all_fit(arg_types, string_or_null) { Ok(T::String) } else { fail(&format!("{name_upper}(STRING)")) }
        }
        "MASK" => {
            if (1..=5).contains(&n_args) && all_fit(arg_types, string_or_null) { Ok(T::String) } else { fail("MASK(STRING[, STRING, STRING, STRING, STRING])") }
        }
        "MASK_LEFT" | "MASK_RIGHT" | "MASK_KEEP_LEFT" | "MASK_KEEP_RIGHT" => {
            let ok = (2..=6).contains(&n_args)
                && range_fits(arg_types, ..1, string_or_null)
                && range_fits(arg_types, 1..2, integer_or_null)
                && range_fits(arg_types, 2.., string_or_null);
            if ok { Ok(T::String) } else { fail(&format!("{name_upper}(STRING, INTEGER[, STRING, STRING, STRING, STRING])")) }
        }
        "CONCAT" => match common_type(arg_types) {
            _ if n_args == 0 => fail("CONCAT(STRING...), CONCAT(BYTES...)"),
            None | Some(T::String) if all_fit(arg_types, string_or_null) => Ok(T::String),
            Some(T::Bytes) if all_fit(arg_types, |ty| *ty == T::Bytes) => Ok(T::Bytes),
            _ => fail("CONCAT(STRING...), CONCAT(BYTES...)"),
        },
        "CONCAT_WS" => match common_type(arg_types) {
            _ if n_args < 2 => fail("CONCAT_WS(STRING, STRING...), CONCAT_WS(BYTES, BYTES...)"),
            None | Some(T::String) if all_fit(arg_types, string_or_null) => Ok(T::String),
            Some(T::Bytes) if all_fit(arg_types, |ty| *ty == T::Bytes) => Ok(T::Bytes),
            _ => fail("CONCAT_WS(STRING, STRING...), CONCAT_WS(BYTES, BYTES...)"),
        },
        "SUBSTRING" => {
            let ok = (2..=3).contains(&n_args) && range_fits(arg_types, 1.., integer_or_null);
            match first {
                Some(T::Bytes) if ok => Ok(T::Bytes),
                Some(T::String) | None if ok => Ok(T::String),
                _ => fail("SUBSTRING(STRING, INTEGER[, INTEGER]), SUBSTRING(BYTES, INTEGER[, INTEGER])"),
            }
        }
        "LEN" => match first {
            Some(T::String | T::Bytes) | None if n_args == 1 => Ok(T::Int),
            _ => fail("LEN(STRING), LEN(BYTES)"),
        },
        "REPLACE" => if n_args == 3 && all_fit(arg_types, string_or_null) { Ok(T::String) } else { fail("REPLACE(STRING, STRING, STRING)") },
        "INSTR" => {
            let ok = (2..=4).contains(&n_args) && range_fits(arg_types, ..2, string_or_null) && range_fits(arg_types, 2.., integer_or_null);
            if ok { Ok(T::Int) } else { fail("INSTR(STRING, STRING[, INTEGER[, INTEGER]])") }
        }
        "LPAD" | "RPAD" => {
            let ok = n_args == 3 && range_fits(arg_types, ..1, string_or_null) && range_fits(arg_types, 1..2, integer_or_null) && range_fits(arg_types, 2.., string_or_null);
            if ok { Ok(T::String) } else { fail(&format!("{name_upper}(STRING, INTEGER, STRING)")) }
        }
        "SPLIT" => if n_args == 2 && all_fit(arg_types, string_or_null) { Ok(T::Array(Box::new(T::String))) } else { fail("SPLIT(STRING, STRING)") },
        "ABS" | "CEIL" | "FLOOR" => match first {
            Some(ty) if n_args == 1 && is_numeric(&ty) => Ok(ty),
            None if n_args == 1 => Ok(T::Double),
            _ => fail(&format!("{name_upper}(INTEGER), {name_upper}(BIGINT), {name_upper}(DOUBLE), {name_upper}(DECIMAL)")),
        },
        "ROUND" | "TRUNC" => {
            let places_ok = n_args == 1 || (n_args == 2 && range_fits(arg_types, 1.., integer_or_null));
            match first {
                Some(T::Int | T::BigInt) if n_args == 1 => Ok(T::BigInt),
                Some(T::Double) | None if places_ok && n_args == 1 => Ok(T::BigInt),
                Some(T::Double) | None if places_ok => Ok(T::Double),
                Some(T::Decimal { precision, scale }) if places_ok && n_args == 1 => {
                    Ok(T::Decimal { precision: (precision - scale).max(1), scale: 0 })
                }
                Some(decimal @ T::Decimal { .. }) if places_ok => Ok(decimal),
                _ => fail(&format!("{name_upper}(INTEGER), {name_upper}(BIGINT), {name_upper}(DOUBLE[, INTEGER]), {name_upper}(DECIMAL[, INTEGER])")),
            }
        }
        "SIGN" => if n_args == 1 && all_fit(arg_types, is_numeric) { Ok(T::Int) } else { fail("SIGN(INTEGER|BIGINT|DOUBLE|DECIMAL)") },
        "SQRT" | "EXP" | "LN" | "CBRT" | "DEGREES" | "RADIANS" | "SIN" | "COS" | "TAN" | "ASIN" | "ACOS" | "ATAN" | "SINH" | "COSH" | "TANH" | "COT" => {
            if n_args == 1 && all_fit(arg_types, is_numeric) { Ok(T::Double) } else { fail(&format!("{name_upper}(DOUBLE)")) }
        }
        "LOG" => if (1..=2).contains(&n_args) && all_fit(arg_types, is_numeric) { Ok(T::Double) } else { fail("LOG(DOUBLE), LOG(DOUBLE base, DOUBLE value)") },
        "POWER" | "ATAN2" => if n_args == 2 && all_fit(arg_types, is_numeric) { Ok(T::Double) } else { fail(&format!("{name_upper}(DOUBLE, DOUBLE)")) },
        "PI" => if n_args == 0 { Ok(T::Double) } else { fail("PI()") },
        "GREATEST" | "LEAST" => match common_type(arg_types) {
            Some(ty) if n_args >= 1 && !matches!(ty, T::Boolean | T::Array(_) | T::Map(..) | T::Struct(_)) => Ok(ty),
            _ => fail(&format!("{name_upper}(T, T...) for a number, STRING, BYTES, DATE, TIME or TIMESTAMP type T")),
        },
        "COALESCE" | "IFNULL" => {
            let arity_ok = if name_upper == "IFNULL" { n_args == 2 } else { n_args >= 1 };
            match common_type(arg_types) {
                Some(ty) if arity_ok => Ok(ty),
                None if arity_ok => Ok(T::String),
                _ => fail(&format!("{name_upper}(T, T...) with arguments of one type")),
            }
        }
        "NULLIF" => match common_type(arg_types) {
            Some(_) if n_args == 2 => Ok(first.or_else(|| arg_types.get(1).cloned().flatten()).unwrap_or(T::String)),
            None if n_args == 2 => Ok(T::String),
            _ => fail("NULLIF(T, T)"),
        },
        "ARRAY_LENGTH" => match first {
            Some(T::Array(_)) | None if n_args == 1 => Ok(T::Int),
            _ => fail("ARRAY_LENGTH(ARRAY<T>)"),
        },
        "ARRAY_CONTAINS" => match first {
            Some(T::Array(_)) | None if n_args == 2 => Ok(T::Boolean),
            _ => fail("ARRAY_CONTAINS(ARRAY<T>, T)"),
        },
        "TIMESTAMPTOSTRING" => {
            let ok = (2..=3).contains(&n_args) && range_fits(arg_types, ..1, integer_or_null) && range_fits(arg_types, 1.., string_or_null);
            if ok { Ok(T::String) } else { fail("TIMESTAMPTOSTRING(BIGINT, STRING[, STRING])") }
        }
        "STRINGTOTIMESTAMP" => if (2..=3).contains(&n_args) && all_fit(arg_types, string_or_null) { Ok(T::BigInt) } else { fail("STRINGTOTIMESTAMP(STRING, STRING[, STRING])") },
        "FORMAT_TIMESTAMP" => {
            let ok = (2..=3).contains(&n_args) && range_fits(arg_types, ..1, |ty| *ty == T::Timestamp) && range_fits(arg_types, 1.., string_or_null);
            if ok { Ok(T::String) } else { fail("FORMAT_TIMESTAMP(TIMESTAMP, STRING[, STRING])") }
        }
        "PARSE_TIMESTAMP" => if (2..=3).contains(&n_args) && all_fit(arg_types, string_or_null) { Ok(T::Timestamp) } else { fail("PARSE_TIMESTAMP(STRING, STRING[, STRING])") },
        "FORMAT_DATE" => {
            let ok = n_args == 2 && range_fits(arg_types, ..1, |ty| *ty == T::Date) && range_fits(arg_types, 1.., string_or_null);
            if ok { Ok(T::String) } else { fail("FORMAT_DATE(DATE, STRING)") }
        }
        "PARSE_DATE" => if n_args == 2 && all_fit(arg_types, string_or_null) { Ok(T::Date) } else { fail("PARSE_DATE(STRING, STRING)") },
        "FORMAT_TIME" => {
            let ok = n_args == 2 && range_fits(arg_types, ..1, |ty| *ty == T::Time) && range_fits(arg_types, 1.., string_or_null);
            if ok { Ok(T::String) } else { fail("FORMAT_TIME(TIME, STRING)") }
        }
        "PARSE_TIME" => if n_args == 2 && all_fit(arg_types, string_or_null) { Ok(T::Time) } else { fail("PARSE_TIME(STRING, STRING)") },
        "UNIX_TIMESTAMP" => match first {
            _ if n_args == 0 => Err(unknown_function("UNIX_TIMESTAMP()")),
            Some(T::Timestamp) | None if n_args == 1 => Ok(T::BigInt),
            _ => fail("UNIX_TIMESTAMP(TIMESTAMP)"),
        },
        "UNIX_DATE" => match first {
            _ if n_args == 0 => Err(unknown_function("UNIX_DATE()")),
            Some(T::Date) | None if n_args == 1 => Ok(T::Int),
            _ => fail("UNIX_DATE(DATE)"),
        },
        other => Err(unknown_function(other)),
    }
}

/// The result type of `name(args)` for planning. Unknown names get the closest known names.
pub fn scalar_return_type(name_upper: &str, arg_types: &[SqlType]) -> Result<SqlType, String> {
    let optional: Vec<Option<SqlType>> = arg_types.iter().cloned().map(Some).collect();
    scalar_return_type_opt(name_upper, &optional)
}

fn arg(args: &[Value], idx: usize) -> &Value {
    args.get(idx).unwrap_or(&Value::Null)
}

fn text_arg<'a>(args: &'a [Value], idx: usize, name: &str) -> Result<&'a str, EvalError> {
    match arg(args, idx) {
        Value::String(text) => Ok(text),
        other => Err(EvalError::new(format!(
            "{name}: argument {} must be a STRING, got {other:?}",
            idx + 1
        ))),
    }
}

fn int_arg(args: &[Value], idx: usize, name: &str) -> Result<i64, EvalError> {
    match arg(args, idx) {
        Value::Int(number) => Ok(i64::from(*number)),
        Value::BigInt(number) => Ok(*number),
        other => Err(EvalError::new(format!(
            "{name}: argument {} must be an INTEGER, got {other:?}",
            idx + 1
        ))),
    }
}

fn double_arg(args: &[Value], idx: usize) -> Result<f64, EvalError> {
    match ops::cast(arg(args, idx), &SqlType::Double)? {
        Value::Double(number) => Ok(number),
        other => Err(EvalError::new(format!("expected a number, got {other:?}"))),
    }
}

fn char_arg(args: &[Value], idx: usize, default: Option<char>) -> Option<char> {
    match args.get(idx) {
        None => default,
        Some(Value::String(text)) => text.chars().next(),
        Some(_) => None,
    }
}

fn offset_arg(args: &[Value], idx: usize, name: &str) -> Result<i64, EvalError> {
    match args.get(idx) {
        None => Ok(0),
        Some(_) => ops::temporal::parse_offset(text_arg(args, idx, name)?),
    }
}

/// Evaluates a scalar function on already-evaluated arguments.
pub fn call_scalar(name_upper: &str, args: &[Value]) -> Result<Value, EvalError> {
    // Functions that look at NULL arguments themselves.
    match name_upper {
        "CONCAT" => return concat(args),
        "CONCAT_WS" => return concat_ws(args),
        "COALESCE" => {
            return Ok(args
                .iter()
                .find(|item| !item.is_null())
                .cloned()
                .unwrap_or_default())
        }
        "IFNULL" => {
            return Ok(if arg(args, 0).is_null() {
                arg(args, 1).clone()
            } else {
                arg(args, 0).clone()
            })
        }
        "NULLIF" => {
            let (value, other) = (arg(args, 0), arg(args, 1));
            return Ok(if !value.is_null() && ops::values_equal(value, other) {
                Value::Null
            } else {
                value.clone()
            });
        }
        "GREATEST" | "LEAST" => return extreme(name_upper == "GREATEST", args),
        "PI" => return Ok(Value::Double(std::f64::consts::PI)),
        "MASK" | "MASK_LEFT" | "MASK_RIGHT" | "MASK_KEEP_LEFT" | "MASK_KEEP_RIGHT" => {
            return mask(name_upper, args)
        }
        "ARRAY_CONTAINS" => {
            return match arg(args, 0) {
                Value::Null => Ok(Value::Boolean(false)),
                Value::Array(items) => Ok(Value::Boolean(
                    items
                        .iter()
                        .any(|item| ops::values_equal(item, arg(args, 1))),
                )),
                other => Err(EvalError::new(format!(
                    "ARRAY_CONTAINS expects an ARRAY, got {other:?}"
                ))),
            };
        }
        "UNIX_TIMESTAMP" | "UNIX_DATE" if args.is_empty() => {
            return Err(EvalError::new(unknown_function(&format!("{name_upper}()"))))
        }
        _ => {}
    }
    if args.iter().any(Value::is_null) {
        return Ok(Value::Null);
    }
    let first = arg(args, 0);
    Ok(match name_upper {
        "UCASE" => Value::String(text_arg(args, 0, name_upper)?.to_uppercase().into()),
        "LCASE" => Value::String(text_arg(args, 0, name_upper)?.to_lowercase().into()),
        "TRIM" => Value::String(string::java_trim(text_arg(args, 0, name_upper)?).into()),
        "LTRIM" => Value::String(
            text_arg(args, 0, name_upper)?
                .trim_start_matches(|ch: char| ch <= ' ')
                .into(),
        ),
        "RTRIM" => Value::String(
            text_arg(args, 0, name_upper)?
                .trim_end_matches(|ch: char| ch <= ' ')
                .into(),
        ),
        "INITCAP" => Value::String(string::initcap(text_arg(args, 0, name_upper)?).into()),
        "SUBSTRING" => {
            let length = if args.len() > 2 {
                Some(int_arg(args, 2, name_upper)?)
            } else {
                None
            };
            string::substring(first, int_arg(args, 1, name_upper)?, length)?
        }
        "LEN" => match first {
            Value::String(text) => {
                Value::Int(i32::try_from(text.chars().count()).unwrap_or(i32::MAX))
            }
            Value::Bytes(bytes) => Value::Int(i32::try_from(bytes.len()).unwrap_or(i32::MAX)),
            other => {
                return Err(EvalError::new(format!(
                    "LEN expects STRING or BYTES, got {other:?}"
                )))
            }
        },
        "REPLACE" => Value::String(text_arg(args, 0, name_upper)?.replace(
            text_arg(args, 1, name_upper)?,
            text_arg(args, 2, name_upper)?,
        ).into()),
        "INSTR" => {
            let position = if args.len() > 2 {
                int_arg(args, 2, name_upper)?
            } else {
                1
            };
            let occurrence = if args.len() > 3 {
                int_arg(args, 3, name_upper)?
            } else {
                1
            };
            let found = string::instr(
                text_arg(args, 0, name_upper)?,
                text_arg(args, 1, name_upper)?,
                position,
                occurrence,
            );
            Value::Int(i32::try_from(found).unwrap_or(0))
        }
        "LPAD" | "RPAD" => string::pad(
            text_arg(args, 0, name_upper)?,
            int_arg(args, 1, name_upper)?,
            text_arg(args, 2, name_upper)?,
            name_upper == "LPAD",
        ),
        "SPLIT" => string::split(
            text_arg(args, 0, name_upper)?,
            text_arg(args, 1, name_upper)?,
        ),
        "ABS" => match first {
            Value::Int(number) => Value::Int(number.wrapping_abs()),
            Value::BigInt(number) => Value::BigInt(number.wrapping_abs()),
            Value::Double(number) => Value::Double(number.abs()),
            Value::Decimal(decimal) => {
                Value::decimal(Decimal::new(decimal.unscaled.abs(), decimal.scale))
            }
            other => {
                return Err(EvalError::new(format!(
                    "ABS expects a number, got {other:?}"
                )))
            }
        },
        "CEIL" | "FLOOR" => {
            let ceil = name_upper == "CEIL";
            match first {
                Value::Int(_) | Value::BigInt(_) => first.clone(),
                Value::Double(number) => {
                    Value::Double(if ceil { number.ceil() } else { number.floor() })
                }
                Value::Decimal(decimal) => math::round_decimal(
                    decimal,
                    0,
                    if ceil {
                        RoundingMode::Ceiling
                    } else {
                        RoundingMode::Floor
                    },
                    true,
                )?,
                other => {
                    return Err(EvalError::new(format!(
                        "{name_upper} expects a number, got {other:?}"
                    )))
                }
            }
        }
        "ROUND" | "TRUNC" => round_or_trunc(name_upper == "ROUND", args)?,
        "SIGN" => {
            let sign = match first {
                Value::Int(number) => number.signum(),
                Value::BigInt(number) => number.signum() as i32,
                Value::Decimal(decimal) => decimal.unscaled.signum() as i32,
                _ => {
                    let number = double_arg(args, 0)?;
                    if number > 0.0 {
                        1
                    } else if number < 0.0 {
                        -1
                    } else {
                        0
                    }
                }
            };
            Value::Int(sign)
        }
        "SQRT" => Value::Double(double_arg(args, 0)?.sqrt()),
        "EXP" => Value::Double(double_arg(args, 0)?.exp()),
        "LN" => Value::Double(double_arg(args, 0)?.ln()),
        "CBRT" => Value::Double(double_arg(args, 0)?.cbrt()),
        "DEGREES" => Value::Double(double_arg(args, 0)?.to_degrees()),
        "RADIANS" => Value::Double(double_arg(args, 0)?.to_radians()),
        "SIN" => Value::Double(double_arg(args, 0)?.sin()),
        "COS" => Value::Double(double_arg(args, 0)?.cos()),
        "TAN" => Value::Double(double_arg(args, 0)?.tan()),
        "ASIN" => Value::Double(double_arg(args, 0)?.asin()),
        "ACOS" => Value::Double(double_arg(args, 0)?.acos()),
        "ATAN" => Value::Double(double_arg(args, 0)?.atan()),
        "SINH" => Value::Double(double_arg(args, 0)?.sinh()),
        "COSH" => Value::Double(double_arg(args, 0)?.cosh()),
        "TANH" => Value::Double(double_arg(args, 0)?.tanh()),
        "COT" => Value::Double(1.0 / double_arg(args, 0)?.tan()),
        "ATAN2" => Value::Double(double_arg(args, 0)?.atan2(double_arg(args, 1)?)),
        "POWER" => Value::Double(double_arg(args, 0)?.powf(double_arg(args, 1)?)),
        // ksqlDB's LOG(x) is the natural logarithm; LOG(base, x) is NaN for a base that is not
        // positive or is 1 (where Java's ln(x)/ln(base) would give an infinity or -0.0).
        "LOG" => {
            if args.len() == 2 {
                let base = double_arg(args, 0)?;
                let value = double_arg(args, 1)?;
                if base <= 0.0 || base == 1.0 {
                    Value::Double(f64::NAN)
                } else {
                    Value::Double(value.ln() / base.ln())
                }
            } else {
                Value::Double(double_arg(args, 0)?.ln())
            }
        }
        "ARRAY_LENGTH" => match first {
            Value::Array(items) => Value::Int(i32::try_from(items.len()).unwrap_or(i32::MAX)),
            other => {
                return Err(EvalError::new(format!(
                    "ARRAY_LENGTH expects an ARRAY, got {other:?}"
                )))
            }
        },
        "TIMESTAMPTOSTRING" => {
            let millis = int_arg(args, 0, name_upper)?;
            Value::String(format_millis(
                millis,
                text_arg(args, 1, name_upper)?,
                offset_arg(args, 2, name_upper)?,
            )?.into())
        }
        "STRINGTOTIMESTAMP" => Value::BigInt(parse_millis(
            text_arg(args, 0, name_upper)?,
            text_arg(args, 1, name_upper)?,
            offset_arg(args, 2, name_upper)?,
        )?),
        "FORMAT_TIMESTAMP" => match first {
            Value::Timestamp(millis) => Value::String(format_millis(
                *millis,
                text_arg(args, 1, name_upper)?,
                offset_arg(args, 2, name_upper)?,
            )?.into()),
            other => {
                return Err(EvalError::new(format!(
                    "FORMAT_TIMESTAMP expects a TIMESTAMP, got {other:?}"
                )))
            }
        },
        "PARSE_TIMESTAMP" => Value::Timestamp(parse_millis(
            text_arg(args, 0, name_upper)?,
            text_arg(args, 1, name_upper)?,
            offset_arg(args, 2, name_upper)?,
        )?),
        "FORMAT_DATE" => match first {
            Value::Date(days) => Value::String(format_millis(
                ops::temporal::date_to_timestamp(*days),
                text_arg(args, 1, name_upper)?,
                0,
            )?.into()),
            other => {
                return Err(EvalError::new(format!(
                    "FORMAT_DATE expects a DATE, got {other:?}"
                )))
            }
        },
        "PARSE_DATE" => Value::Date(ops::temporal::timestamp_to_date(parse_millis(
            text_arg(args, 0, name_upper)?,
            text_arg(args, 1, name_upper)?,
            0,
        )?)),
        "FORMAT_TIME" => match first {
            Value::Time(millis) => {
                Value::String(format_millis(*millis, text_arg(args, 1, name_upper)?, 0)?.into())
            }
            other => {
                return Err(EvalError::new(format!(
                    "FORMAT_TIME expects a TIME, got {other:?}"
                )))
            }
        },
        "PARSE_TIME" => Value::Time(ops::temporal::timestamp_to_time(parse_millis(
            text_arg(args, 0, name_upper)?,
            text_arg(args, 1, name_upper)?,
            0,
        )?)),
        "UNIX_TIMESTAMP" => match first {
            Value::Timestamp(millis) => Value::BigInt(*millis),
            other => {
                return Err(EvalError::new(format!(
                    "UNIX_TIMESTAMP expects a TIMESTAMP, got {other:?}"
                )))
            }
        },
        "UNIX_DATE" => match first {
            Value::Date(days) => Value::Int(*days),
            other => {
                return Err(EvalError::new(format!(
                    "UNIX_DATE expects a DATE, got {other:?}"
                )))
            }
        },
        other => return Err(EvalError::new(unknown_function(other))),
    })
}

/// CONCAT skips NULL arguments (ksqlDB); all-NULL gives the empty string or bytes.
fn concat(args: &[Value]) -> Result<Value, EvalError> {
    if args.iter().any(|item| matches!(item, Value::Bytes(_))) {
        let mut out = Vec::new();
        for item in args {
            match item {
                Value::Null => {}
                Value::Bytes(bytes) => out.extend_from_slice(bytes),
                other => {
                    return Err(EvalError::new(format!(
                        "CONCAT cannot mix BYTES with {other:?}"
                    )))
                }
            }
        }
        return Ok(Value::Bytes(out));
    }
    let mut out = String::new();
    for item in args {
        match item {
            Value::Null => {}
            Value::String(text) => out.push_str(text),
            other => out.push_str(&ops::value_to_java_string(other)),
        }
    }
    Ok(Value::String(out.into()))
}

/// CONCAT_WS: NULL separator gives NULL; NULL parts are skipped.
fn concat_ws(args: &[Value]) -> Result<Value, EvalError> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::String(separator) => {
            let parts: Vec<String> = args
                .iter()
                .skip(1)
                .filter(|item| !item.is_null())
                .map(ops::value_to_java_string)
                .collect();
            Ok(Value::String(parts.join(separator).into()))
        }
        Value::Bytes(separator) => {
            let mut out = Vec::new();
            for (part_idx, part) in args
                .iter()
                .skip(1)
                .filter(|item| !item.is_null())
                .enumerate()
            {
                if part_idx > 0 {
                    out.extend_from_slice(separator);
                }
                match part {
                    Value::Bytes(bytes) => out.extend_from_slice(bytes),
                    other => {
                        return Err(EvalError::new(format!(
                            "CONCAT_WS cannot mix BYTES with {other:?}"
                        )))
                    }
                }
            }
            Ok(Value::Bytes(out))
        }
        other => Err(EvalError::new(format!(
            "CONCAT_WS separator must be STRING or BYTES, got {other:?}"
        ))),
    }
}

/// GREATEST/LEAST ignore NULLs; all NULL gives NULL. Mixed numbers widen to the common type.
fn extreme(greatest: bool, args: &[Value]) -> Result<Value, EvalError> {
    let present: Vec<&Value> = args.iter().filter(|item| !item.is_null()).collect();
    let types: Vec<Option<SqlType>> = present.iter().map(|item| item.scalar_type()).collect();
    let widened = common_type(&types);
    let mut best: Option<Value> = None;
    for item in present {
        let item = match &widened {
            Some(ty) => ops::cast(item, ty)?,
            None => item.clone(),
        };
        best = Some(match best {
            None => item,
            Some(current) => {
                let ordering = ops::compare(&item, &current).ok_or_else(|| {
                    EvalError::new("GREATEST/LEAST: arguments cannot be compared")
                })?;
                let replace = if greatest {
                    ordering.is_gt()
                } else {
                    ordering.is_lt()
                };
                if replace {
                    item
                } else {
                    current
                }
            }
        });
    }
    Ok(best.unwrap_or_default())
}

fn round_or_trunc(round: bool, args: &[Value]) -> Result<Value, EvalError> {
    let name = if round { "ROUND" } else { "TRUNC" };
    let places = if args.len() > 1 {
        Some(int_arg(args, 1, name)?)
    } else {
        None
    };
    let places_i32 = |places: i64| i32::try_from(places.clamp(-40, 40)).unwrap_or(0);
    Ok(match (arg(args, 0), places) {
        (Value::Int(number), None) => Value::BigInt(i64::from(*number)),
        (Value::BigInt(number), None) => Value::BigInt(*number),
        (Value::Double(number), None) => Value::BigInt(if round {
            math::java_math_round(*number)
        } else {
            *number as i64
        }),
        (Value::Int(_) | Value::BigInt(_) | Value::Double(_), Some(places)) => {
            let number = double_arg(args, 0)?;
            Value::Double(if round {
                math::round_double(number, places_i32(places))
            } else {
                math::trunc_double(number, places_i32(places))
            })
        }
        (Value::Decimal(decimal), places) => {
            let mode = if round {
                math::decimal_rounding_for(decimal)
            } else {
                RoundingMode::Down
            };
            math::round_decimal(
                decimal,
                places.map_or(0, places_i32),
                mode,
                places.is_some(),
            )?
        }
        (other, _) => {
            return Err(EvalError::new(format!(
                "{name} expects a number, got {other:?}"
            )))
        }
    })
}

fn mask(name: &str, args: &[Value]) -> Result<Value, EvalError> {
    let text = match arg(args, 0) {
        Value::Null => return Ok(Value::Null),
        Value::String(text) => text.clone(),
        other => {
            return Err(EvalError::new(format!(
                "{name} expects a STRING, got {other:?}"
            )))
        }
    };
    let defaults = string::Mask::default();
    let first_char_arg = if name == "MASK" { 1 } else { 2 };
    let mask = string::Mask {
        upper: char_arg(args, first_char_arg, defaults.upper),
        lower: char_arg(args, first_char_arg + 1, defaults.lower),
        digit: char_arg(args, first_char_arg + 2, defaults.digit),
        other: char_arg(args, first_char_arg + 3, defaults.other),
    };
    if name == "MASK" {
        return Ok(Value::String(mask.mask_where(&text, |_, _| true).into()));
    }
    let count = match arg(args, 1) {
        Value::Null => return Ok(Value::Null),
        _ => int_arg(args, 1, name)?,
    };
    if count < 0 {
        return Err(EvalError::new(format!("function {name} requires a non-negative number of characters to mask or keep, got {count}")));
    }
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    Ok(Value::String(match name {
        "MASK_LEFT" => mask.mask_where(&text, |char_idx, _| char_idx < count).into(),
        "MASK_RIGHT" => mask.mask_where(&text, |char_idx, length| char_idx + count >= length).into(),
        "MASK_KEEP_LEFT" => mask.mask_where(&text, |char_idx, _| char_idx >= count).into(),
        _ => mask.mask_where(&text, |char_idx, length| char_idx + count < length).into(),
    }))
}

#[cfg(test)]
mod tests;
