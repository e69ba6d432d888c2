//! Behaviour of the aggregates, with cases taken from ksqlDB's functional tests (count, sum,
//! latest-offset-udaf, group-by, tumbling/hopping/session windows, having).

use super::*;
use crate::sql::value::Decimal;

/// One step applied to the accumulator under test.
enum Op {
    Add(Value),
    /// `COUNT(*)`: a row without a column argument.
    AddRow,
    Undo(Value),
    UndoRow,
    /// Merge with an accumulator built from these values (added in order), created *now*:
    /// the merge partner of a session window.
    MergeWith(Vec<Value>),
    /// Merge *into* a fresh accumulator: `fresh.merge(self)`, as Kafka Streams does when a
    /// record joins an existing session.
    MergeIntoFresh,
}
use Op::*;

fn int(number: i32) -> Value {
    Value::Int(number)
}
fn big(number: i64) -> Value {
    Value::BigInt(number)
}
fn dbl(number: f64) -> Value {
    Value::Double(number)
}
fn text(value: &str) -> Value {
    Value::String(value.into())
}
fn dec(text: &str) -> Value {
    Value::decimal(Decimal::parse(text).unwrap())
}
fn arr(items: Vec<Value>) -> Value {
    Value::Array(items)
}
const NULL: Value = Value::Null;

/// Runs `ops` on `name(arg_types, params)` and checks the result after each op.
fn check(name: &str, arg_types: &[SqlType], params: &[Value], ops: &[Op], expected: &[Value]) {
    assert_eq!(ops.len(), expected.len(), "{name}: one expectation per op");
    let mut acc = new_accumulator(name, arg_types, params).unwrap();
    for (op_idx, (op, want)) in ops.iter().zip(expected).enumerate() {
        match op {
            Add(value) => acc.add(std::slice::from_ref(value)).unwrap(),
            AddRow => acc.add(&[]).unwrap(),
            Undo(value) => acc.undo(std::slice::from_ref(value)).unwrap(),
            UndoRow => acc.undo(&[]).unwrap(),
            MergeWith(values) => {
                let mut other = acc.initialize();
                for value in values {
                    other.add(std::slice::from_ref(value)).unwrap();
                }
                acc.merge(&other).unwrap();
            }
            MergeIntoFresh => {
                let mut fresh = acc.initialize();
                fresh.merge(&acc).unwrap();
                acc = fresh;
            }
        }
        assert_eq!(&acc.result(), want, "{name} after op {op_idx}");
    }
}

fn initial(name: &str, arg_types: &[SqlType], params: &[Value]) -> Value {
    new_accumulator(name, arg_types, params).unwrap().result()
}

#[test]
fn count_counts_rows_or_non_null_values() {
    // count.json "count star": COUNT(*) counts rows.
    check(
        "COUNT",
        &[],
        &[],
        &[AddRow, AddRow, UndoRow],
        &[big(1), big(2), big(1)],
    );
    // COUNT(col) skips NULLs, also when undoing.
    check(
        "COUNT",
        &[SqlType::Double],
        &[],
        &[
            Add(dbl(0.0)),
            Add(NULL),
            Add(dbl(1.0)),
            Undo(NULL),
            Undo(dbl(1.0)),
        ],
        &[big(1), big(1), big(2), big(2), big(1)],
    );
    // count.json "should count back to zero": a table group emptied reads 0, not NULL.
    check(
        "COUNT",
        &[SqlType::BigInt],
        &[],
        &[Add(big(3)), Undo(big(3))],
        &[big(1), big(0)],
    );
    assert_eq!(initial("COUNT", &[], &[]), big(0));
    check(
        "COUNT",
        &[],
        &[],
        &[AddRow, MergeWith(vec![NULL, NULL])],
        &[big(1), big(3)],
    );
}

#[test]
fn sum_keeps_the_argument_type_and_skips_nulls() {
    // sum.json "sum int" / "sum long" / "sum double".
    check(
        "SUM",
        &[SqlType::Int],
        &[],
        &[Add(int(0)), Add(int(100))],
        &[int(0), int(100)],
    );
    check(
        "SUM",
        &[SqlType::BigInt],
        &[],
        &[Add(big(2_147_483_648)), Add(big(100))],
        &[big(2_147_483_648), big(2_147_483_748)],
    );
    check(
        "SUM",
        &[SqlType::Double],
        &[],
        &[Add(dbl(500.9)), Add(dbl(300.8))],
        &[dbl(500.9), dbl(801.7)],
    );
    // SUM of NULLs is 0 (sum.json "sum int left join of table": the joined NULL sums to 0).
    assert_eq!(initial("SUM", &[SqlType::Int], &[]), int(0));
    check(
        "SUM",
        &[SqlType::Int],
        &[],
        &[Add(NULL), Add(int(5)), Undo(int(5)), Undo(NULL)],
        &[int(0), int(5), int(0), int(0)],
    );
    // INT wraps as Java's int.
    check(
        "SUM",
        &[SqlType::Int],
        &[],
        &[Add(int(i32::MAX)), Add(int(1))],
        &[int(i32::MAX), int(i32::MIN)],
    );
    check(
        "SUM",
        &[SqlType::BigInt],
        &[],
        &[Add(big(2)), MergeWith(vec![big(3), big(4)])],
        &[big(2), big(9)],
    );
}

#[test]
fn sum_list_sums_every_element_and_skips_nulls() {
    // sum.json "sum list of ints into a single int" (and of longs, of doubles).
    let ints = SqlType::Array(Box::new(SqlType::Int));
    check(
        "SUM_LIST",
        std::slice::from_ref(&ints),
        &[],
        &[Add(arr(vec![int(1), int(1)])), Add(arr(vec![int(2), int(2)])), Add(arr(vec![int(100), int(100), NULL])), Add(NULL)],
        &[int(2), int(6), int(206), int(206)],
    );
    check(
        "SUM_LIST",
        &[SqlType::Array(Box::new(SqlType::Double))],
        &[],
        &[Add(arr(vec![dbl(0.5), dbl(1.0)])), MergeWith(vec![arr(vec![dbl(2.0)])])],
        &[dbl(1.5), dbl(3.5)],
    );
    // Only arrays of INT, BIGINT or DOUBLE; SUM_LIST cannot aggregate a table.
    for bad in [SqlType::Int, SqlType::Array(Box::new(SqlType::String))] {
        let error = new_accumulator("SUM_LIST", &[bad], &[]).unwrap_err();
        assert!(error.contains("SUM_LIST(ARRAY<INTEGER>)"), "{error}");
    }
    assert_eq!(aggregate_return_type("SUM_LIST", &[ints], &[]), Ok(SqlType::Int));
    assert!(!supports_undo("SUM_LIST"));
}

#[test]
fn decimal_sum_keeps_precision_and_scale() {
    let ty = SqlType::Decimal {
        precision: 4,
        scale: 1,
    };
    assert_eq!(
        aggregate_return_type("SUM", std::slice::from_ref(&ty), &[]),
        Ok(ty.clone())
    );
    assert_eq!(initial("SUM", std::slice::from_ref(&ty), &[]), dec("0.0"));
    // sum.json "sum decimal".
    check(
        "SUM",
        std::slice::from_ref(&ty),
        &[],
        &[Add(dec("500.9")), Add(dec("300.8"))],
        &[dec("500.9"), dec("801.7")],
    );
    // Values arriving with another scale are rescaled to the column's.
    check(
        "SUM",
        &[SqlType::Decimal {
            precision: 6,
            scale: 2,
        }],
        &[],
        &[Add(dec("5.4")), Add(dec("100.1"))],
        &[dec("5.40"), dec("105.50")],
    );
}

#[test]
fn decimal_sum_overflow_fails_like_ksqldb() {
    // sum.json "sum decimal with overflow": 801.7 + 400.8 does not fit DECIMAL(4, 1).
    let mut acc = new_accumulator(
        "SUM",
        &[SqlType::Decimal {
            precision: 4,
            scale: 1,
        }],
        &[],
    )
    .unwrap();
    acc.add(&[dec("500.9")]).unwrap();
    acc.add(&[dec("300.8")]).unwrap();
    let error = acc.add(&[dec("400.8")]).unwrap_err();
    assert_eq!(
        error.message,
        "Numeric field overflow: A field with precision 4 and scale 1 must round to an absolute value less than 10^3. Got 1203"
    );
    // The aggregate is unchanged by the failed add.
    assert_eq!(acc.result(), dec("801.7"));
}

#[test]
fn avg_is_a_double_and_zero_when_empty() {
    check(
        "AVG",
        &[SqlType::BigInt],
        &[],
        &[Add(big(50)), Add(big(10)), Add(NULL), Add(big(15))],
        &[dbl(50.0), dbl(30.0), dbl(30.0), dbl(25.0)],
    );
    check(
        "AVG",
        &[SqlType::Int],
        &[],
        &[Add(int(3)), Undo(int(3))],
        &[dbl(3.0), dbl(0.0)],
    );
    check(
        "AVG",
        &[SqlType::Double],
        &[],
        &[Add(dbl(1.0)), MergeWith(vec![dbl(2.0), dbl(6.0)])],
        &[dbl(1.0), dbl(3.0)],
    );
    check(
        "AVG",
        &[SqlType::Decimal {
            precision: 4,
            scale: 2,
        }],
        &[],
        &[Add(dec("1.50")), Add(dec("2.50"))],
        &[dbl(1.5), dbl(2.0)],
    );
    assert_eq!(
        aggregate_return_type("AVG", &[SqlType::Int], &[]),
        Ok(SqlType::Double)
    );
}

#[test]
fn min_and_max_are_null_until_a_value_arrives() {
    // tumbling-windows.json "min tumbling".
    check(
        "MIN",
        &[SqlType::BigInt],
        &[],
        &[Add(NULL), Add(big(100)), Add(big(6)), Add(big(300))],
        &[NULL, big(100), big(6), big(6)],
    );
    // session-windows.json: merging [0] with a session holding 5 gives max 5.
    check(
        "MAX",
        &[SqlType::BigInt],
        &[],
        &[Add(big(0)), MergeWith(vec![big(5)]), Add(big(1))],
        &[big(0), big(5), big(5)],
    );
    check(
        "MAX",
        &[SqlType::String],
        &[],
        &[Add(text("b")), Add(text("a")), Add(text("c"))],
        &[text("b"), text("b"), text("c")],
    );
    check(
        "MIN",
        &[SqlType::Decimal {
            precision: 3,
            scale: 1,
        }],
        &[],
        &[Add(dec("1.5")), Add(dec("1.25"))],
        &[dec("1.5"), dec("1.25")],
    );
}

/// Java's `Double.compareTo`: NaN is the greatest double (NaN never equals itself, hence no `check`).
#[test]
fn max_with_nan_keeps_nan() {
    let mut acc = new_accumulator("MAX", &[SqlType::Double], &[]).unwrap();
    acc.add(&[dbl(1.0)]).unwrap();
    acc.add(&[dbl(f64::NAN)]).unwrap();
    acc.add(&[dbl(5.0)]).unwrap();
    assert!(matches!(acc.result(), Value::Double(number) if number.is_nan()));
}

#[test]
fn count_distinct_counts_distinct_non_null_values() {
    check(
        "COUNT_DISTINCT",
        &[SqlType::String],
        &[],
        &[
            Add(text("a")),
            Add(text("a")),
            Add(NULL),
            Add(text("b")),
            MergeWith(vec![text("b"), text("c")]),
        ],
        &[big(1), big(1), big(1), big(2), big(3)],
    );
}

#[test]
fn latest_by_offset_ignores_nulls_by_default() {
    // latest-offset-udaf.json "nulls ignored - single" and "latest by offset with all nulls".
    check(
        "LATEST_BY_OFFSET",
        &[SqlType::Int],
        &[Value::Boolean(true)],
        &[Add(int(12)), Add(NULL), Add(int(13))],
        &[int(12), int(12), int(13)],
    );
    check(
        "LATEST_BY_OFFSET",
        &[SqlType::Int],
        &[],
        &[Add(NULL), Add(NULL)],
        &[NULL, NULL],
    );
    // "nulls not ignored - single".
    check(
        "LATEST_BY_OFFSET",
        &[SqlType::Int],
        &[Value::Boolean(false)],
        &[Add(int(12)), Add(NULL), Add(int(13))],
        &[int(12), NULL, int(13)],
    );
    // Any type, including structs and arrays.
    let struct_type = SqlType::Struct(vec![("A".into(), SqlType::String)]);
    let struct_value = Value::Struct(vec![("A".into(), text("Early0"))]);
    check(
        "LATEST_BY_OFFSET",
        &[struct_type],
        &[],
        &[Add(struct_value.clone())],
        &[struct_value],
    );
}

#[test]
fn latest_n_by_offset_keeps_the_last_n_oldest_first() {
    // "nulls ignored - multiple", "nulls not ignored - multiple", "latest n by offset with all nulls".
    check(
        "LATEST_BY_OFFSET",
        &[SqlType::Int],
        &[int(2), Value::Boolean(true)],
        &[Add(int(12)), Add(NULL), Add(int(13))],
        &[
            arr(vec![int(12)]),
            arr(vec![int(12)]),
            arr(vec![int(12), int(13)]),
        ],
    );
    check(
        "LATEST_BY_OFFSET",
        &[SqlType::Int],
        &[int(2), Value::Boolean(false)],
        &[Add(int(12)), Add(NULL), Add(int(13))],
        &[
            arr(vec![int(12)]),
            arr(vec![int(12), NULL]),
            arr(vec![NULL, int(13)]),
        ],
    );
    check(
        "LATEST_BY_OFFSET",
        &[SqlType::Int],
        &[int(2)],
        &[Add(NULL), Add(NULL)],
        &[arr(vec![]), arr(vec![])],
    );
    assert_eq!(
        aggregate_return_type("LATEST_BY_OFFSET", &[SqlType::Int], &[int(2)]),
        Ok(SqlType::Array(Box::new(SqlType::Int)))
    );
}

/// Replays a session-window merge as Kafka Streams does: a fresh aggregate, merged with each
/// overlapping session in time order, then the new record added.
fn session_merge(name: &str, params: &[Value], sessions: &[Accumulator], record: &Value) -> Value {
    let mut merged = new_accumulator(name, &[SqlType::Int], params).unwrap();
    for session in sessions {
        merged.merge(session).unwrap();
    }
    merged.add(std::slice::from_ref(record)).unwrap();
    merged.result()
}

fn session_of(name: &str, params: &[Value], value: &Value) -> Accumulator {
    let mut acc = new_accumulator(name, &[SqlType::Int], params).unwrap();
    acc.add(std::slice::from_ref(value)).unwrap();
    acc
}

#[test]
fn latest_by_offset_merges_session_windows_as_ksqldb() {
    let name = "LATEST_BY_OFFSET";
    // "merging session windows": 1@0, 3@1500, then 2@700 bridges both.
    let sessions = [
        session_of(name, &[], &int(1)),
        session_of(name, &[], &int(3)),
    ];
    assert_eq!(session_merge(name, &[], &sessions, &int(2)), int(2));
    // "with nulls ignored when merging": 1@0, then NULL@700 joins it: the 1 survives.
    let sessions = [session_of(name, &[], &int(1))];
    assert_eq!(session_merge(name, &[], &sessions, &NULL), int(1));
    // "with nulls not ignored when merging": the fresh (newer) NULL wins, then NULL is added.
    let keep = [Value::Boolean(false)];
    let sessions = [session_of(name, &keep, &int(1))];
    assert_eq!(session_merge(name, &keep, &sessions, &NULL), NULL);
    // "with nulls not ignored - N": [1], [null], then 2 → [null, 2].
    let params = [int(2), Value::Boolean(false)];
    let sessions = [
        session_of(name, &params, &int(1)),
        session_of(name, &params, &NULL),
    ];
    assert_eq!(
        session_merge(name, &params, &sessions, &int(2)),
        arr(vec![NULL, int(2)])
    );
    // "with nulls ignored - N": [1], [], then 2 → [1, 2].
    let params = [int(2), Value::Boolean(true)];
    let sessions = [
        session_of(name, &params, &int(1)),
        session_of(name, &params, &NULL),
    ];
    assert_eq!(
        session_merge(name, &params, &sessions, &int(2)),
        arr(vec![int(1), int(2)])
    );
    // "all nulls - N": [null], [null], then null → [null, null].
    let params = [int(2), Value::Boolean(false)];
    let sessions = [
        session_of(name, &params, &NULL),
        session_of(name, &params, &NULL),
    ];
    assert_eq!(
        session_merge(name, &params, &sessions, &NULL),
        arr(vec![NULL, NULL])
    );
}

#[test]
fn earliest_by_offset_keeps_the_first() {
    check(
        "EARLIEST_BY_OFFSET",
        &[SqlType::Int],
        &[],
        &[Add(NULL), Add(int(1)), Add(int(2))],
        &[NULL, int(1), int(1)],
    );
    check(
        "EARLIEST_BY_OFFSET",
        &[SqlType::Int],
        &[Value::Boolean(false)],
        &[Add(NULL), Add(int(1))],
        &[NULL, NULL],
    );
    check(
        "EARLIEST_BY_OFFSET",
        &[SqlType::Int],
        &[int(2)],
        &[Add(int(1)), Add(NULL), Add(int(2)), Add(int(3))],
        &[
            arr(vec![int(1)]),
            arr(vec![int(1)]),
            arr(vec![int(1), int(2)]),
            arr(vec![int(1), int(2)]),
        ],
    );
    // Merging keeps the older value, whichever side it is on.
    check(
        "EARLIEST_BY_OFFSET",
        &[SqlType::Int],
        &[],
        &[Add(int(1)), MergeWith(vec![int(9)]), MergeIntoFresh],
        &[int(1), int(1), int(1)],
    );
    let older = session_of("EARLIEST_BY_OFFSET", &[], &int(1));
    let mut newer = session_of("EARLIEST_BY_OFFSET", &[], &int(9));
    newer.merge(&older).unwrap();
    assert_eq!(newer.result(), int(1));
}

#[test]
fn by_offset_checks_its_parameters() {
    assert_eq!(
        aggregate_return_type("LATEST_BY_OFFSET", &[SqlType::Int], &[int(0)]),
        Err("earliestN must be 1 or greater".to_string())
    );
    assert!(
        aggregate_return_type("LATEST_BY_OFFSET", &[SqlType::Int], &[text("x")])
            .unwrap_err()
            .starts_with(
                "Function 'LATEST_BY_OFFSET' does not accept parameters (INTEGER, STRING)."
            )
    );
    assert!(aggregate_return_type("EARLIEST_BY_OFFSET", &[], &[]).is_err());
}

#[test]
fn collect_list_keeps_arrival_order_and_nulls() {
    check(
        "COLLECT_LIST",
        &[SqlType::Int],
        &[],
        &[
            Add(int(1)),
            Add(NULL),
            Add(int(2)),
            Add(int(1)),
            Undo(int(1)),
            MergeWith(vec![int(7)]),
        ],
        &[
            arr(vec![int(1)]),
            arr(vec![int(1), NULL]),
            arr(vec![int(1), NULL, int(2)]),
            arr(vec![int(1), NULL, int(2), int(1)]),
            arr(vec![int(1), NULL, int(2)]),
            arr(vec![int(1), NULL, int(2), int(7)]),
        ],
    );
    let config = AggregateConfig {
        collect_list_limit: 2,
        collect_set_limit: 1,
    };
    let mut list =
        new_accumulator_with_config("COLLECT_LIST", &[SqlType::Int], &[], &config).unwrap();
    for number in 1..=3 {
        list.add(&[int(number)]).unwrap();
    }
    assert_eq!(list.result(), arr(vec![int(1), int(2)]));
    let mut set =
        new_accumulator_with_config("COLLECT_SET", &[SqlType::Int], &[], &config).unwrap();
    set.add(&[int(4)]).unwrap();
    set.add(&[int(5)]).unwrap();
    assert_eq!(set.result(), arr(vec![int(4)]));
}

#[test]
fn collect_set_keeps_each_value_once() {
    check(
        "COLLECT_SET",
        &[SqlType::String],
        &[],
        &[
            Add(text("a")),
            Add(text("b")),
            Add(text("a")),
            Add(NULL),
            Add(NULL),
            MergeWith(vec![text("c"), text("a")]),
        ],
        &[
            arr(vec![text("a")]),
            arr(vec![text("a"), text("b")]),
            arr(vec![text("a"), text("b")]),
            arr(vec![text("a"), text("b"), NULL]),
            arr(vec![text("a"), text("b"), NULL]),
            arr(vec![text("a"), text("b"), NULL, text("c")]),
        ],
    );
}

#[test]
fn topk_keeps_the_greatest_k_descending() {
    // tumbling-windows.json "topk tumbling".
    check(
        "TOPK",
        &[SqlType::Double],
        &[int(2)],
        &[Add(dbl(0.0)), Add(dbl(100.0)), Add(dbl(10.0)), Add(NULL)],
        &[
            arr(vec![dbl(0.0)]),
            arr(vec![dbl(100.0), dbl(0.0)]),
            arr(vec![dbl(100.0), dbl(10.0)]),
            arr(vec![dbl(100.0), dbl(10.0)]),
        ],
    );
    // Duplicates are kept by TOPK.
    check(
        "TOPK",
        &[SqlType::Int],
        &[int(3)],
        &[Add(int(5)), Add(int(5)), MergeWith(vec![int(7), int(5)])],
        &[
            arr(vec![int(5)]),
            arr(vec![int(5), int(5)]),
            arr(vec![int(7), int(5), int(5)]),
        ],
    );
    // tumbling-windows.json "topkdistinct tumbling".
    check(
        "TOPKDISTINCT",
        &[SqlType::Double],
        &[int(2)],
        &[
            Add(dbl(0.0)),
            Add(dbl(100.0)),
            Add(dbl(10.0)),
            Add(dbl(100.0)),
        ],
        &[
            arr(vec![dbl(0.0)]),
            arr(vec![dbl(100.0), dbl(0.0)]),
            arr(vec![dbl(100.0), dbl(10.0)]),
            arr(vec![dbl(100.0), dbl(10.0)]),
        ],
    );
    check(
        "TOPKDISTINCT",
        &[SqlType::String],
        &[int(3)],
        &[
            Add(text("b")),
            MergeWith(vec![text("c"), text("b"), text("a")]),
        ],
        &[
            arr(vec![text("b")]),
            arr(vec![text("c"), text("b"), text("a")]),
        ],
    );
    assert_eq!(
        aggregate_return_type("TOPK", &[SqlType::Double], &[int(2)]),
        Ok(SqlType::Array(Box::new(SqlType::Double)))
    );
    assert!(aggregate_return_type("TOPK", &[SqlType::Double], &[]).is_err());
    assert!(aggregate_return_type("TOPK", &[SqlType::Boolean], &[int(2)]).is_err());
    assert!(aggregate_return_type("TOPK", &[SqlType::Int], &[int(0)]).is_err());
}

#[test]
fn histogram_counts_strings_in_java_hashmap_order() {
    let map = |entries: Vec<(&str, i64)>| {
        Value::Map(
            entries
                .into_iter()
                .map(|(key, count)| (text(key), big(count)))
                .collect(),
        )
    };
    // "b" (hash 98) sorts into bucket 2, before "c" (3), whatever the arrival order.
    check(
        "HISTOGRAM",
        &[SqlType::String],
        &[],
        &[
            Add(text("c")),
            Add(text("b")),
            Add(text("c")),
            Add(NULL),
            Undo(text("b")),
            MergeWith(vec![text("b")]),
        ],
        &[
            map(vec![("c", 1)]),
            map(vec![("b", 1), ("c", 1)]),
            map(vec![("b", 1), ("c", 2)]),
            map(vec![("b", 1), ("c", 2)]),
            map(vec![("c", 2)]),
            map(vec![("b", 1), ("c", 2)]),
        ],
    );
    assert_eq!(
        aggregate_return_type("HISTOGRAM", &[SqlType::String], &[]),
        Ok(SqlType::Map(
            Box::new(SqlType::String),
            Box::new(SqlType::BigInt)
        ))
    );
    assert!(aggregate_return_type("HISTOGRAM", &[SqlType::Int], &[]).is_err());
}

#[test]
fn table_sources_accept_only_undoable_functions() {
    // group-by.json "non-table udaf on table".
    assert_eq!(
        table_aggregation_error(&["LATEST_BY_OFFSET", "MIN", "MAX"]).as_deref(),
        Some("The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source, only to a stream source.")
    );
    assert_eq!(
        table_aggregation_error(&["COUNT", "MIN", "MIN"]).as_deref(),
        Some("The aggregation function MIN cannot be applied to a table source, only to a stream source.")
    );
    assert_eq!(
        table_aggregation_error(&["COUNT", "SUM", "AVG", "COLLECT_LIST", "HISTOGRAM"]),
        None
    );
}

#[test]
fn names_and_signatures() {
    let names = aggregate_names();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    assert!(is_aggregate("COUNT") && is_aggregate("TOPKDISTINCT") && !is_aggregate("ABS"));
    // No aggregate name is also a scalar function name.
    for name in &names {
        assert!(
            !crate::sql::functions::scalar_names().contains(name),
            "{name}"
        );
    }
    assert_eq!(
        aggregate_return_type("SUM", &[SqlType::String], &[]),
        Err("Function 'SUM' does not accept parameters (STRING). Valid alternatives are: SUM(INTEGER), SUM(BIGINT), SUM(DOUBLE), SUM(DECIMAL)".to_string())
    );
    assert_eq!(
        aggregate_return_type("WONT_FIND_ME", &[SqlType::Int], &[]),
        Err("Can't find any functions with the name 'WONT_FIND_ME'".to_string())
    );
    assert_eq!(
        aggregate_return_type("COUNT", &[], &[]),
        Ok(SqlType::BigInt)
    );
    assert_eq!(
        aggregate_return_type("MIN", &[SqlType::Date], &[]),
        Ok(SqlType::Date)
    );
    assert!(aggregate_return_type("MIN", &[SqlType::Boolean], &[]).is_err());
}

/// Generated input values of one SQL type, NULLs included.
fn value_of(ty: &SqlType) -> proptest::strategy::BoxedStrategy<Value> {
    use proptest::prelude::*;
    let present: BoxedStrategy<Value> = match ty {
        SqlType::Int => any::<i32>().prop_map(Value::Int).boxed(),
        SqlType::BigInt => any::<i64>().prop_map(Value::BigInt).boxed(),
        SqlType::Double => (-1.0e6f64..1.0e6).prop_map(Value::Double).boxed(),
        SqlType::Decimal { .. } => (-99_999i128..99_999)
            .prop_map(|unscaled| Value::decimal(Decimal::new(unscaled, 2)))
            .boxed(),
        _ => "[a-c]{0,2}".prop_map(|text| Value::String(text.into())).boxed(),
    };
    prop_oneof![1 => Just(Value::Null), 4 => present].boxed()
}

fn undoable_cases() -> Vec<(&'static str, SqlType)> {
    vec![
        ("COUNT", SqlType::Int),
        ("SUM", SqlType::Int),
        ("SUM", SqlType::BigInt),
        (
            "SUM",
            SqlType::Decimal {
                precision: 30,
                scale: 2,
            },
        ),
        ("AVG", SqlType::BigInt),
        ("COLLECT_LIST", SqlType::String),
        ("HISTOGRAM", SqlType::String),
    ]
}

fn every_case() -> Vec<(&'static str, SqlType, Vec<Value>)> {
    let mut cases: Vec<(&'static str, SqlType, Vec<Value>)> = undoable_cases()
        .into_iter()
        .map(|(name, ty)| (name, ty, vec![]))
        .collect();
    cases.extend([
        ("SUM", SqlType::Double, vec![]),
        (
            "SUM",
            SqlType::Decimal {
                precision: 5,
                scale: 2,
            },
            vec![],
        ),
        ("AVG", SqlType::Double, vec![]),
        ("MIN", SqlType::Double, vec![]),
        ("MAX", SqlType::String, vec![]),
        ("COUNT_DISTINCT", SqlType::Int, vec![]),
        ("LATEST_BY_OFFSET", SqlType::Int, vec![]),
        (
            "LATEST_BY_OFFSET",
            SqlType::Int,
            vec![int(2), Value::Boolean(false)],
        ),
        ("EARLIEST_BY_OFFSET", SqlType::String, vec![int(3)]),
        ("COLLECT_SET", SqlType::String, vec![]),
        ("TOPK", SqlType::Double, vec![int(3)]),
        ("TOPKDISTINCT", SqlType::String, vec![int(2)]),
    ]);
    cases
}

proptest::proptest! {
    /// Adding rows then undoing the same rows (in any order) returns to the initial result.
    #[test]
    fn undo_reverts_add(case_idx in 0usize..7, seed_values in proptest::collection::vec(0u8..255, 0..12), reverse in proptest::bool::ANY) {
        let (name, ty) = undoable_cases().into_iter().nth(case_idx).unwrap();
        let values: Vec<Value> = seed_values.iter().map(|seed| match (&ty, seed % 5) {
            (_, 0) => Value::Null,
            (SqlType::Int, _) => int(i32::from(*seed).wrapping_mul(16_000_000)),
            (SqlType::BigInt, _) => big(i64::from(*seed) << 56),
            (SqlType::Decimal { .. }, _) => Value::decimal(Decimal::new(i128::from(*seed) * 7, 2)),
            _ => text(&format!("v{}", seed % 7)),
        }).collect();
        assert!(supports_undo(name));
        let mut acc = new_accumulator(name, std::slice::from_ref(&ty), &[]).unwrap();
        let start = acc.result();
        for value in &values {
            acc.add(std::slice::from_ref(value)).unwrap();
        }
        let mut undo_order = values.clone();
        if reverse {
            undo_order.reverse();
        }
        for value in &undo_order {
            acc.undo(std::slice::from_ref(value)).unwrap();
        }
        proptest::prop_assert_eq!(acc.result(), start);
    }

    /// No sequence of adds, undos and merges of arbitrary values (even of the wrong type) panics.
    #[test]
    fn nothing_panics(case_idx in 0usize..19, ops in proptest::collection::vec((0u8..3, proptest::prelude::any::<u8>()), 0..20)) {
        let cases = every_case();
        let (name, ty, params) = cases.get(case_idx % cases.len()).cloned().unwrap();
        let mut acc = new_accumulator(name, std::slice::from_ref(&ty), &params).unwrap();
        let wrong = [Value::Boolean(true), text("x"), big(-1), dbl(f64::NAN), Value::Array(vec![])];
        for (kind, seed) in ops {
            let value = match seed % 4 {
                0 => wrong.get(usize::from(seed) % wrong.len()).cloned().unwrap_or_default(),
                1 => Value::Null,
                _ => match &ty {
                    SqlType::Int => int(i32::from(seed) << 23),
                    SqlType::Double => dbl(f64::from(seed) - 100.0),
                    SqlType::Decimal { .. } => Value::decimal(Decimal::new(i128::from(seed) * 1_000, 2)),
                    _ => text(&seed.to_string()),
                },
            };
            let _ = match kind {
                0 => acc.add(&[value]),
                1 => acc.undo(&[value]),
                _ => {
                    let mut other = acc.initialize();
                    let _ = other.add(&[value]);
                    acc.merge(&other)
                }
            };
            let _ = acc.result();
        }
    }

    /// Generated values of the declared type never make an aggregate fail, except a DECIMAL SUM
    /// outgrowing its precision.
    #[test]
    fn typed_values_aggregate(case_idx in 0usize..19, values in proptest::collection::vec(value_of(&SqlType::Int), 0..10)) {
        let cases = every_case();
        let (name, ty, params) = cases.get(case_idx % cases.len()).cloned().unwrap();
        if ty == SqlType::Int {
            let mut acc = new_accumulator(name, &[ty], &params).unwrap();
            for value in &values {
                proptest::prop_assert!(acc.add(std::slice::from_ref(value)).is_ok());
            }
        }
    }
}

/// A windowed aggregation keeps an accumulator per window (every window of a day with ksqlDB's
/// default grace), so its size is a memory budget: COUNT and SUM inline in 16 bytes, the larger
/// states boxed (it was 64 bytes with the function name and every state inline).
#[test]
fn an_accumulator_is_sixteen_bytes() {
    let size = std::mem::size_of::<Accumulator>();
    println!("size_of::<Accumulator>() = {size}");
    assert!(size <= 16, "{size} bytes");
    // The boxed states still work as before.
    let mut sum = new_accumulator("SUM", &[SqlType::Decimal { precision: 4, scale: 1 }], &[]).unwrap();
    sum.add(&[dec("1.5")]).unwrap();
    sum.add(&[dec("2.0")]).unwrap();
    assert_eq!(sum.result(), dec("3.5"));
    let mut avg = new_accumulator("AVG", &[SqlType::Int], &[]).unwrap();
    avg.add(&[int(1)]).unwrap();
    avg.add(&[int(2)]).unwrap();
    assert_eq!(avg.initialize().result(), dbl(0.0));
    assert_eq!(avg.result(), dbl(1.5));
}
