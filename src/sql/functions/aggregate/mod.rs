//! ksqlDB's built-in aggregate functions (UDAFs), used by `GROUP BY` over streams and tables.
//!
//! **How ksqlDB aggregates.** Each group (and each window of a group) keeps one *aggregate*: it
//! starts from `initialize()`, each input row folds in with `aggregate()` (our [`Accumulator::add`]),
//! and the output column is `map(aggregate)` (our [`Accumulator::result`]), emitted after every
//! input row. Two more operations exist:
//! - **undo** — when the source is a TABLE, a row that changes (or is deleted) is first subtracted
//!   from its old group, then added to its new one. Only functions that can undo (ksqlDB's
//!   `TableUdaf`: COUNT, SUM, AVG, COLLECT_LIST, HISTOGRAM) may aggregate a table;
//!   see [`supports_undo`] and [`table_aggregation_error`].
//! - **merge** — SESSION windows grow and join: when a record bridges two sessions, Kafka Streams
//!   starts from a fresh aggregate, merges every overlapping session's aggregate into it, then adds
//!   the record. The engine must do the same: `let mut acc = template.initialize();
//!   for s in overlapping { acc.merge(&s)?; } acc.add(args)?;`.
//!
//! **Arguments.** The first argument of an aggregate is the column expression, evaluated per row;
//! every further argument is a literal parameter fixed when the query starts (`TOPK(col, 3)`,
//! `LATEST_BY_OFFSET(col, 2, false)`). `COUNT(*)` and `COUNT()` take no column argument and count
//! rows (ksqlDB rewrites `COUNT(*)` as `COUNT(ROWTIME)`, which is never NULL).
//!
//! **Errors.** `add`/`undo`/`merge` return an [`EvalError`] only where ksqlDB's function throws
//! (a DECIMAL SUM overflowing its precision). ksqlDB then fails the whole query
//! (`StreamsException: Exception caught in process`), unlike a scalar error which becomes NULL.

mod avg;
mod by_offset;
mod collect;
mod count;
mod count_distinct;
mod histogram;
mod min_max;
mod sum;
mod topk;

use std::cmp::Ordering;

use crate::sql::ops::{self, EvalError};
use crate::sql::types::SqlType;
use crate::sql::value::Value;

/// Every aggregate function name, sorted.
pub fn aggregate_names() -> Vec<&'static str> {
    vec![
        "AVG",
        "COLLECT_LIST",
        "COLLECT_SET",
        "COUNT",
        "COUNT_DISTINCT",
        "EARLIEST_BY_OFFSET",
        "HISTOGRAM",
        "LATEST_BY_OFFSET",
        "MAX",
        "MIN",
        "SUM",
        "SUM_LIST",
        "TOPK",
        "TOPKDISTINCT",
    ]
}

pub fn is_aggregate(name_upper: &str) -> bool {
    aggregate_names().contains(&name_upper)
}

/// Whether the function can aggregate a TABLE source, i.e. can retract a row (ksqlDB's
/// `TableUdaf`).
pub fn supports_undo(name_upper: &str) -> bool {
    matches!(
        name_upper,
        "COUNT" | "SUM" | "AVG" | "COLLECT_LIST" | "HISTOGRAM"
    )
}

/// ksqlDB's planning error when aggregates that cannot undo are applied to a table, e.g.
/// "The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source,
/// only to a stream source." `names_upper` are the query's aggregate calls in SELECT order;
/// `None` when all of them can aggregate a table.
pub fn table_aggregation_error(names_upper: &[&str]) -> Option<String> {
    let mut unsupported: Vec<&str> = Vec::new();
    for name in names_upper {
        if !supports_undo(name) && !unsupported.contains(name) {
            unsupported.push(name);
        }
    }
    let (last, rest) = unsupported.split_last()?;
    let joined = if rest.is_empty() {
        (*last).to_string()
    } else {
        format!("{} and {last}", rest.join(", "))
    };
    let plural = if unsupported.len() == 1 { "" } else { "s" };
    Some(format!(
        "The aggregation function{plural} {joined} cannot be applied to a table source, only to a stream source."
    ))
}

/// How many leading arguments of an aggregate call are column expressions evaluated per row:
/// the first one (none for `COUNT(*)` / `COUNT()`). The rest are literal parameters, passed to
/// [`aggregate_return_type`] and [`new_accumulator`] as `literal_params`.
pub fn column_arg_count(n_args: usize) -> usize {
    n_args.min(1)
}

/// ksqlDB's planning error when a parameter after the first is not a literal, e.g.
/// `EARLIEST_BY_OFFSET(F0, F0)`: "Parameter 2 passed to function EARLIEST_BY_OFFSET must be a
/// literal constant, but was expression: 'F0'". `position` counts from 1.
pub fn literal_param_error(name_upper: &str, position: usize, expression_text: &str) -> String {
    format!(
        "Parameter {position} passed to function {name_upper} must be a literal constant, but was expression: '{expression_text}'"
    )
}

/// Settings ksqlDB reads from its configuration for some aggregates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregateConfig {
    /// `ksql.functions.collect_list.limit`: further values are silently ignored.
    pub collect_list_limit: usize,
    /// `ksql.functions.collect_set.limit`.
    pub collect_set_limit: usize,
}

impl Default for AggregateConfig {
    /// ksqlDB's defaults: no limit (`Integer.MAX_VALUE`).
    fn default() -> Self {
        AggregateConfig {
            collect_list_limit: i32::MAX as usize,
            collect_set_limit: i32::MAX as usize,
        }
    }
}

fn type_list(arg_types: &[SqlType], literal_params: &[Value]) -> String {
    let mut parts: Vec<String> = arg_types.iter().map(ToString::to_string).collect();
    parts.extend(literal_params.iter().map(|param| {
        param
            .scalar_type()
            .map_or_else(|| "NULL".to_string(), |ty| ty.to_string())
    }));
    parts.join(", ")
}

fn signature_error(
    name: &str,
    arg_types: &[SqlType],
    literal_params: &[Value],
    valid: &str,
) -> String {
    format!(
        "Function '{name}' does not accept parameters ({}). Valid alternatives are: {valid}",
        type_list(arg_types, literal_params)
    )
}

fn is_numeric(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Int | SqlType::BigInt | SqlType::Double | SqlType::Decimal { .. }
    )
}

/// Types with a natural order that MIN, MAX and TOPKDISTINCT accept.
fn is_comparable_primitive(ty: &SqlType) -> bool {
    is_numeric(ty)
        || matches!(
            ty,
            SqlType::String | SqlType::Bytes | SqlType::Date | SqlType::Time | SqlType::Timestamp
        )
}

/// A literal integer parameter (`TOPK(col, 3)`).
fn int_param(param: &Value) -> Option<i64> {
    match param {
        Value::Int(number) => Some(i64::from(*number)),
        Value::BigInt(number) => Some(*number),
        _ => None,
    }
}

/// Orders two non-NULL values as Java's `compareTo` does: doubles by `Double.compare` (NaN above
/// everything, -0.0 below 0.0), strings by UTF-16 unit, other types as SQL compares them.
fn java_compare(left: &Value, right: &Value) -> Ordering {
    match (left, right) {
        (Value::Double(l), Value::Double(r)) => java_double_compare(*l, *r),
        _ => ops::compare(left, right).unwrap_or(Ordering::Equal),
    }
}

fn java_double_compare(left: f64, right: f64) -> Ordering {
    match (left.is_nan(), right.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => left.total_cmp(&right),
    }
}

/// Java's `equals` for the values aggregates keep in lists and sets.
fn java_equals(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Double(l), Value::Double(r)) => {
            l.to_bits() == r.to_bits() || (l.is_nan() && r.is_nan())
        }
        _ => ops::values_equal(left, right),
    }
}

/// The output type of `name(args, params)`, or a ksqlDB-like message for the planner.
pub fn aggregate_return_type(
    name_upper: &str,
    arg_types: &[SqlType],
    literal_params: &[Value],
) -> Result<SqlType, String> {
    Ok(spec(name_upper, arg_types, literal_params)?.return_type)
}

/// What planning learnt about a call, enough to build its accumulator.
struct Spec {
    return_type: SqlType,
    state: State,
}

fn spec(name_upper: &str, arg_types: &[SqlType], params: &[Value]) -> Result<Spec, String> {
    let fail = |valid: &str| Err(signature_error(name_upper, arg_types, params, valid));
    let first = arg_types.first();
    let one_column = arg_types.len() == 1;
    match name_upper {
        "COUNT" => {
            if arg_types.len() > 1 || !params.is_empty() {
                return fail("COUNT(), COUNT(*), COUNT(T)");
            }
            Ok(Spec {
                return_type: SqlType::BigInt,
                state: if arg_types.is_empty() {
                    State::CountRows(count::Count::default())
                } else {
                    State::CountValues(count::Count::default())
                },
            })
        }
        "SUM" => match first {
            Some(ty) if one_column && params.is_empty() => match sum::Sum::new(ty) {
                Some(state) => Ok(Spec {
                    return_type: ty.clone(),
                    state: State::Sum(state),
                }),
                None => fail("SUM(INTEGER), SUM(BIGINT), SUM(DOUBLE), SUM(DECIMAL)"),
            },
            _ => fail("SUM(INTEGER), SUM(BIGINT), SUM(DOUBLE), SUM(DECIMAL)"),
        },
        "SUM_LIST" => match first {
            Some(SqlType::Array(element)) if one_column && params.is_empty() => {
                match (element.as_ref(), sum::Sum::new(element)) {
                    (SqlType::Int | SqlType::BigInt | SqlType::Double, Some(state)) => Ok(Spec {
                        return_type: element.as_ref().clone(),
                        state: State::SumList(Box::new(state)),
                    }),
                    _ => fail("SUM_LIST(ARRAY<INTEGER>), SUM_LIST(ARRAY<BIGINT>), SUM_LIST(ARRAY<DOUBLE>)"),
                }
            }
            _ => fail("SUM_LIST(ARRAY<INTEGER>), SUM_LIST(ARRAY<BIGINT>), SUM_LIST(ARRAY<DOUBLE>)"),
        },
        "AVG" => match first {
            Some(ty) if one_column && params.is_empty() && is_numeric(ty) => Ok(Spec {
                return_type: SqlType::Double,
                state: State::Avg(Box::new(avg::Avg::new(ty))),
            }),
            _ => fail("AVG(INTEGER), AVG(BIGINT), AVG(DOUBLE), AVG(DECIMAL)"),
        },
        "MIN" | "MAX" => match first {
            Some(ty) if one_column && params.is_empty() && is_comparable_primitive(ty) => {
                Ok(Spec {
                    return_type: ty.clone(),
                    state: State::MinMax(Box::new(min_max::MinMax::new(name_upper == "MAX"))),
                })
            }
            _ => fail(&format!(
                "{name_upper}(T) for T a number, STRING, BYTES, DATE, TIME or TIMESTAMP"
            )),
        },
        "COUNT_DISTINCT" => match first {
            Some(ty)
                if one_column
                    && params.is_empty()
                    && (is_comparable_primitive(ty) || *ty == SqlType::Boolean) =>
            {
                Ok(Spec {
                    return_type: SqlType::BigInt,
                    state: State::CountDistinct(Box::default()),
                })
            }
            _ => fail("COUNT_DISTINCT(T) for T a primitive type"),
        },
        "LATEST_BY_OFFSET" | "EARLIEST_BY_OFFSET" => {
            let latest = name_upper == "LATEST_BY_OFFSET";
            let valid = format!(
                "{name_upper}(T), {name_upper}(T, BOOLEAN ignoreNulls), {name_upper}(T, INTEGER n), {name_upper}(T, INTEGER n, BOOLEAN ignoreNulls)"
            );
            let Some(ty) = first.filter(|_| one_column) else {
                return fail(&valid);
            };
            let (n, ignore_nulls) = match params {
                [] => (None, true),
                [Value::Boolean(ignore)] => (None, *ignore),
                [count] if int_param(count).is_some() => (int_param(count), true),
                [count, Value::Boolean(ignore)] if int_param(count).is_some() => {
                    (int_param(count), *ignore)
                }
                _ => return fail(&valid),
            };
            match n {
                None => Ok(Spec {
                    return_type: ty.clone(),
                    state: State::ByOffset(Box::new(by_offset::ByOffset::new(latest, ignore_nulls))),
                }),
                Some(n) => {
                    let n = usize::try_from(n)
                        .ok()
                        .filter(|n| *n >= 1)
                        // ksqlDB's message says "earliestN" for both functions.
                        .ok_or_else(|| "earliestN must be 1 or greater".to_string())?;
                    Ok(Spec {
                        return_type: SqlType::Array(Box::new(ty.clone())),
                        state: State::ByOffsetN(Box::new(by_offset::ByOffsetN::new(latest, n, ignore_nulls))),
                    })
                }
            }
        }
        "COLLECT_LIST" | "COLLECT_SET" => match first {
            Some(ty) if one_column && params.is_empty() => {
                let config = AggregateConfig::default();
                let state = if name_upper == "COLLECT_LIST" {
                    State::CollectList(Box::new(collect::CollectList::new(config.collect_list_limit)))
                } else {
                    State::CollectSet(Box::new(collect::CollectSet::new(config.collect_set_limit)))
                };
                Ok(Spec {
                    return_type: SqlType::Array(Box::new(ty.clone())),
                    state,
                })
            }
            _ => fail(&format!("{name_upper}(T)")),
        },
        "TOPK" | "TOPKDISTINCT" => {
            let distinct = name_upper == "TOPKDISTINCT";
            let valid = if distinct {
                "TOPKDISTINCT(T, INTEGER k) for T a number, STRING, BYTES, DATE, TIME or TIMESTAMP"
            } else {
                "TOPK(INTEGER, INTEGER k), TOPK(BIGINT, INTEGER k), TOPK(DOUBLE, INTEGER k), TOPK(STRING, INTEGER k)"
            };
            let type_ok = |ty: &SqlType| {
                if distinct {
                    is_comparable_primitive(ty)
                } else {
                    matches!(
                        ty,
                        SqlType::Int | SqlType::BigInt | SqlType::Double | SqlType::String
                    )
                }
            };
            match (first, params) {
                (Some(ty), [k]) if one_column && type_ok(ty) && int_param(k).is_some() => {
                    let k = int_param(k)
                        .and_then(|k| usize::try_from(k).ok())
                        .filter(|k| *k >= 1)
                        .ok_or_else(|| format!("{name_upper}: k must be 1 or greater"))?;
                    Ok(Spec {
                        return_type: SqlType::Array(Box::new(ty.clone())),
                        state: State::TopK(Box::new(topk::TopK::new(k, distinct))),
                    })
                }
                _ => fail(valid),
            }
        }
        "HISTOGRAM" => match first {
            Some(SqlType::String) if one_column && params.is_empty() => Ok(Spec {
                return_type: SqlType::Map(Box::new(SqlType::String), Box::new(SqlType::BigInt)),
                state: State::Histogram(Box::default()),
            }),
            _ => fail("HISTOGRAM(STRING)"),
        },
        other => Err(format!("Can't find any functions with the name '{other}'")),
    }
}

/// The running aggregate of one function for one group (and window).
///
/// Equality compares the internal state, including the arrival sequence numbers that
/// LATEST_BY_OFFSET / EARLIEST_BY_OFFSET keep; compare [`Accumulator::result`]s to compare outputs.
///
/// **Size.** A windowed aggregation keeps one accumulator per window (with ksqlDB's default
/// grace of 24 h, every window of a day), so an accumulator is 16 bytes: COUNT and SUM, the
/// common ones, live inline; the other functions' larger states are boxed. The function's name
/// is the plan's ([`crate::sql::plan::aggregate::AggregateCall::function`]), not repeated here.
#[derive(Clone, Debug, PartialEq)]
pub struct Accumulator {
    state: State,
}

#[derive(Clone, Debug, PartialEq)]
enum State {
    /// `COUNT(*)` / `COUNT()`: every row.
    CountRows(count::Count),
    /// `COUNT(col)`: rows whose `col` is not NULL.
    CountValues(count::Count),
    Sum(sum::Sum),
    /// SUM_LIST: every element of every array, summed as SUM sums its values.
    SumList(Box<sum::Sum>),
    Avg(Box<avg::Avg>),
    MinMax(Box<min_max::MinMax>),
    CountDistinct(Box<count_distinct::CountDistinct>),
    ByOffset(Box<by_offset::ByOffset>),
    ByOffsetN(Box<by_offset::ByOffsetN>),
    CollectList(Box<collect::CollectList>),
    CollectSet(Box<collect::CollectSet>),
    TopK(Box<topk::TopK>),
    Histogram(Box<histogram::Histogram>),
}

/// Creates the initial aggregate of `name(args, params)` with ksqlDB's default configuration.
pub fn new_accumulator(
    name_upper: &str,
    arg_types: &[SqlType],
    literal_params: &[Value],
) -> Result<Accumulator, String> {
    new_accumulator_with_config(
        name_upper,
        arg_types,
        literal_params,
        &AggregateConfig::default(),
    )
}

/// As [`new_accumulator`], with the `ksql.functions.*` settings given.
pub fn new_accumulator_with_config(
    name_upper: &str,
    arg_types: &[SqlType],
    literal_params: &[Value],
    config: &AggregateConfig,
) -> Result<Accumulator, String> {
    let mut state = spec(name_upper, arg_types, literal_params)?.state;
    match &mut state {
        State::CollectList(list) => list.limit = config.collect_list_limit,
        State::CollectSet(set) => set.limit = config.collect_set_limit,
        _ => {}
    }
    Ok(Accumulator { state })
}

fn first_arg(args: &[Value]) -> &Value {
    args.first().unwrap_or(&Value::Null)
}

impl Accumulator {
    /// A fresh aggregate of the same function and parameters (ksqlDB's `initialize()`).
    /// LATEST_BY_OFFSET's initial value takes a new arrival sequence number, which matters when
    /// session windows merge, so call this for each new group, window or merge.
    pub fn initialize(&self) -> Accumulator {
        let state = match &self.state {
            State::CountRows(_) => State::CountRows(count::Count::default()),
            State::CountValues(_) => State::CountValues(count::Count::default()),
            State::Sum(sum) => State::Sum(sum.initial()),
            State::SumList(sum) => State::SumList(Box::new(sum.initial())),
            State::Avg(avg) => State::Avg(Box::new(avg.initial())),
            State::MinMax(min_max) => {
                State::MinMax(Box::new(min_max::MinMax::new(min_max.is_max)))
            }
            State::CountDistinct(_) => State::CountDistinct(Box::default()),
            State::ByOffset(by_offset) => State::ByOffset(Box::new(by_offset::ByOffset::new(
                by_offset.latest,
                by_offset.ignore_nulls,
            ))),
            State::ByOffsetN(by_offset) => State::ByOffsetN(Box::new(by_offset::ByOffsetN::new(
                by_offset.latest,
                by_offset.n,
                by_offset.ignore_nulls,
            ))),
            State::CollectList(list) => {
                State::CollectList(Box::new(collect::CollectList::new(list.limit)))
            }
            State::CollectSet(set) => {
                State::CollectSet(Box::new(collect::CollectSet::new(set.limit)))
            }
            State::TopK(topk) => State::TopK(Box::new(topk::TopK::new(topk.k, topk.distinct))),
            State::Histogram(_) => State::Histogram(Box::default()),
        };
        Accumulator { state }
    }

    /// Folds in one input row: `args` holds the column argument (none for `COUNT(*)`).
    pub fn add(&mut self, args: &[Value]) -> Result<(), EvalError> {
        let value = first_arg(args);
        match &mut self.state {
            State::CountRows(count) => count.add(),
            State::CountValues(count) => {
                if count::Count::counts(args) {
                    count.add();
                }
            }
            State::Sum(sum) => return sum.add(value),
            State::SumList(sum) => return sum.add_elements(value),
            State::Avg(avg) => avg.add(value),
            State::MinMax(min_max) => min_max.add(value),
            State::CountDistinct(distinct) => distinct.add(value),
            State::ByOffset(by_offset) => by_offset.add(value),
            State::ByOffsetN(by_offset) => by_offset.add(value),
            State::CollectList(list) => list.add(value),
            State::CollectSet(set) => set.add(value),
            State::TopK(topk) => topk.add(value),
            State::Histogram(histogram) => histogram.add(value),
        }
        Ok(())
    }

    /// Retracts a row previously added (table aggregation's subtract step). Functions that
    /// cannot undo (see [`supports_undo`]) leave the aggregate unchanged.
    pub fn undo(&mut self, args: &[Value]) -> Result<(), EvalError> {
        let value = first_arg(args);
        match &mut self.state {
            State::CountRows(count) => count.undo(),
            State::CountValues(count) => {
                if count::Count::counts(args) {
                    count.undo();
                }
            }
            State::Sum(sum) => return sum.undo(value),
            State::Avg(avg) => avg.undo(value),
            State::CollectList(list) => list.undo(value),
            State::Histogram(histogram) => histogram.undo(value),
            State::MinMax(_)
            | State::SumList(_)
            | State::CountDistinct(_)
            | State::ByOffset(_)
            | State::ByOffsetN(_)
            | State::CollectSet(_)
            | State::TopK(_) => {}
        }
        Ok(())
    }

    /// Merges `other` (an overlapping session's aggregate) into this one, as ksqlDB's
    /// `merge(aggOne = self, aggTwo = other)`. Aggregates of different functions are left alone.
    pub fn merge(&mut self, other: &Accumulator) -> Result<(), EvalError> {
        match (&mut self.state, &other.state) {
            (State::CountRows(mine), State::CountRows(theirs))
            | (State::CountValues(mine), State::CountValues(theirs)) => mine.merge(theirs),
            (State::Sum(mine), State::Sum(theirs)) => return mine.merge(theirs),
            (State::SumList(mine), State::SumList(theirs)) => return mine.merge(theirs),
            (State::Avg(mine), State::Avg(theirs)) => mine.merge(theirs),
            (State::MinMax(mine), State::MinMax(theirs)) => mine.merge(theirs),
            (State::CountDistinct(mine), State::CountDistinct(theirs)) => mine.merge(theirs),
            (State::ByOffset(mine), State::ByOffset(theirs)) => mine.merge(theirs),
            (State::ByOffsetN(mine), State::ByOffsetN(theirs)) => mine.merge(theirs),
            (State::CollectList(mine), State::CollectList(theirs)) => mine.merge(theirs),
            (State::CollectSet(mine), State::CollectSet(theirs)) => mine.merge(theirs),
            (State::TopK(mine), State::TopK(theirs)) => mine.merge(theirs),
            (State::Histogram(mine), State::Histogram(theirs)) => mine.merge(theirs),
            _ => {}
        }
        Ok(())
    }

    /// The current output value (ksqlDB's `map(aggregate)`).
    pub fn result(&self) -> Value {
        match &self.state {
            State::CountRows(count) | State::CountValues(count) => count.result(),
            State::Sum(sum) => sum.result(),
            State::SumList(sum) => sum.result(),
            State::Avg(avg) => avg.result(),
            State::MinMax(min_max) => min_max.result(),
            State::CountDistinct(distinct) => distinct.result(),
            State::ByOffset(by_offset) => by_offset.result(),
            State::ByOffsetN(by_offset) => by_offset.result(),
            State::CollectList(list) => list.result(),
            State::CollectSet(set) => set.result(),
            State::TopK(topk) => topk.result(),
            State::Histogram(histogram) => histogram.result(),
        }
    }
}

#[cfg(test)]
mod tests;
