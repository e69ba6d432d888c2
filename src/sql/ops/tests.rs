use super::*;
use crate::sql::types::SqlType;
use crate::sql::value::{Decimal, Value};

fn dec(text: &str) -> Value {
    Value::decimal(Decimal::parse(text).unwrap())
}

fn s(text: &str) -> Value {
    Value::String(text.into())
}

/// One table for binary operators: (op, left, right, expected result or "ERR").
fn check_binary(cases: &[(BinaryOp, Value, Value, Result<Value, ()>)]) {
    for (op, left, right, expected) in cases {
        let actual = binary(*op, left, right).map_err(|_| ());
        assert_eq!(&actual, expected, "{left:?} {} {right:?}", op.symbol());
    }
}

#[test]
fn arithmetic_follows_ksqldb_widening_and_null_semantics() {
    use BinaryOp::*;
    use Value::*;
    check_binary(&[
        (Add, Int(1), Int(2), Ok(Int(3))),
        (Add, Int(i32::MAX), Int(1), Ok(Int(i32::MIN))),
        (Add, Int(1), BigInt(2), Ok(BigInt(3))),
        (Multiply, BigInt(3), Double(0.5), Ok(Double(1.5))),
        (Divide, Int(7), Int(2), Ok(Int(3))),
        (Divide, Int(-7), Int(2), Ok(Int(-3))),
        (Modulo, Int(-7), Int(2), Ok(Int(-1))),
        (Divide, Int(1), Int(0), Err(())),
        (Modulo, BigInt(1), BigInt(0), Err(())),
        (Divide, Double(1.0), Double(0.0), Ok(Double(f64::INFINITY))),
        (Add, Null, Int(1), Ok(Null)),
        (Add, Int(1), Null, Ok(Null)),
        (Add, s("a"), s("b"), Ok(s("ab"))),
        (Add, s("a"), Int(1), Err(())),
        (Add, dec("1.5"), dec("2.25"), Ok(dec("3.75"))),
        (Add, dec("1.5"), Int(2), Ok(dec("3.5"))),
        (Multiply, dec("1.5"), dec("1.5"), Ok(dec("2.25"))),
        (Subtract, dec("1.5"), Double(0.5), Ok(Double(1.0))),
        (Eq, Int(1), Double(1.0), Ok(Boolean(true))),
        (Eq, Int(1), dec("1.00"), Ok(Boolean(true))),
        (Lt, s("B2"), s("b2"), Ok(Boolean(true))),
        (Lt, s("b2"), s("b2"), Ok(Boolean(false))),
        (GtEq, Boolean(true), Boolean(false), Ok(Boolean(true))),
        (Eq, Null, Null, Ok(Null)),
        (NotEq, Int(1), Null, Ok(Null)),
        (Eq, Double(f64::NAN), Double(f64::NAN), Ok(Boolean(false))),
        (NotEq, Double(f64::NAN), Double(1.0), Ok(Boolean(true))),
        (
            Gt,
            Timestamp(1000),
            s("1970-01-01T00:00:00.500"),
            Ok(Boolean(true)),
        ),
        (Eq, Date(1), Timestamp(86_400_000), Ok(Boolean(true))),
        (Eq, s("a"), Int(1), Err(())),
    ]);
}

#[test]
fn decimal_division_uses_the_planned_scale() {
    let ty = binary_type(
        BinaryOp::Divide,
        &SqlType::Decimal {
            precision: 4,
            scale: 2,
        },
        &SqlType::Decimal {
            precision: 4,
            scale: 2,
        },
    )
    .unwrap();
    assert_eq!(
        ty,
        SqlType::Decimal {
            precision: 11,
            scale: 7
        }
    );
    let result = binary_with_type(BinaryOp::Divide, &dec("10.00"), &dec("3.00"), &ty).unwrap();
    assert_eq!(result, dec("3.3333333"));
    let half_up = binary_with_type(BinaryOp::Divide, &dec("2.00"), &dec("3.00"), &ty).unwrap();
    assert_eq!(half_up, dec("0.6666667"));
}

#[test]
fn binary_types_and_messages() {
    use SqlType::*;
    let cases: &[(BinaryOp, SqlType, SqlType, Result<SqlType, &str>)] = &[
        (BinaryOp::Add, Int, Int, Ok(Int)),
        (BinaryOp::Add, Int, BigInt, Ok(BigInt)),
        (BinaryOp::Multiply, BigInt, Double, Ok(Double)),
        (BinaryOp::Add, String, String, Ok(String)),
        (
            BinaryOp::Add,
            Decimal {
                precision: 4,
                scale: 2,
            },
            Int,
            Ok(Decimal {
                precision: 13,
                scale: 2,
            }),
        ),
        (
            BinaryOp::Multiply,
            Decimal {
                precision: 4,
                scale: 2,
            },
            Decimal {
                precision: 3,
                scale: 1,
            },
            Ok(Decimal {
                precision: 8,
                scale: 3,
            }),
        ),
        (BinaryOp::Eq, String, Timestamp, Ok(Boolean)),
        (BinaryOp::Lt, Int, Double, Ok(Boolean)),
        (
            BinaryOp::Add,
            String,
            Int,
            Err("Unsupported arithmetic types. STRING INTEGER"),
        ),
        (
            BinaryOp::Eq,
            String,
            Int,
            Err("Cannot compare STRING to INTEGER with =."),
        ),
        (
            BinaryOp::Subtract,
            String,
            String,
            Err("Unsupported arithmetic types. STRING STRING"),
        ),
    ];
    for (op, left, right, expected) in cases {
        let actual = binary_type(*op, left, right);
        assert_eq!(
            actual,
            expected.clone().map_err(|message| message.to_string()),
            "{left} {} {right}",
            op.symbol()
        );
    }
}

#[test]
fn three_valued_logic() {
    use Value::{Boolean as B, Null as N};
    let t = B(true);
    let f = B(false);
    let table = [
        (t.clone(), t.clone(), B(true), B(true)),
        (t.clone(), f.clone(), B(false), B(true)),
        (t.clone(), N, N, B(true)),
        (f.clone(), N, B(false), N),
        (N, N, N, N),
    ];
    for (left, right, expected_and, expected_or) in table {
        assert_eq!(
            and(&left, &right).unwrap(),
            expected_and,
            "{left:?} AND {right:?}"
        );
        assert_eq!(
            and(&right, &left).unwrap(),
            expected_and,
            "{right:?} AND {left:?}"
        );
        assert_eq!(
            or(&left, &right).unwrap(),
            expected_or,
            "{left:?} OR {right:?}"
        );
        assert_eq!(
            or(&right, &left).unwrap(),
            expected_or,
            "{right:?} OR {left:?}"
        );
    }
    assert_eq!(not(&N).unwrap(), N);
    assert_eq!(not(&f).unwrap(), t);
    assert!(and(&Value::Int(1), &t).is_err());
}

#[test]
fn distinct_and_compare() {
    assert!(!is_distinct_from(&Value::Null, &Value::Null));
    assert!(is_distinct_from(&Value::Null, &Value::Int(1)));
    assert!(!is_distinct_from(&Value::Int(1), &Value::BigInt(1)));
    assert!(is_distinct_from(&s("a"), &s("b")));
    assert_eq!(compare(&Value::Null, &Value::Int(1)), None);
    assert_eq!(
        compare(&Value::Int(2), &dec("1.5")),
        Some(std::cmp::Ordering::Greater)
    );
    assert_eq!(
        compare(&s("\u{FFFF}"), &s("\u{10000}")),
        Some(std::cmp::Ordering::Greater),
        "Java orders by UTF-16 unit"
    );
    assert_eq!(negate(&Value::Int(i32::MIN)).unwrap(), Value::Int(i32::MIN));
    assert_eq!(negate(&dec("1.50")).unwrap(), dec("-1.50"));
    assert_eq!(negate(&Value::Null).unwrap(), Value::Null);
}

#[test]
fn like_patterns() {
    let cases: &[(&str, &str, Option<char>, bool)] = &[
        ("hello", "hello", None, true),
        ("hello", "h%", None, true),
        ("hello", "%llo", None, true),
        ("hello", "%l%", None, true),
        ("hello", "h_llo", None, true),
        ("hello", "h_lo", None, false),
        ("hello", "H%", None, false),
        ("", "%", None, true),
        ("", "_", None, false),
        ("a", "", None, false),
        ("50%", "50!%", Some('!'), true),
        ("500", "50!%", Some('!'), false),
        ("a_b", "a!_b", Some('!'), true),
        ("axb", "a!_b", Some('!'), false),
        ("a!b", "a!!b", Some('!'), true),
        ("line\nbreak", "line%", None, true),
        (
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
            "%a%a%a%a%a%a%a%a%ac",
            None,
            false,
        ),
        ("a.b", "a.b", None, true),
        ("axb", "a.b", None, false),
        ("ünï", "_n_", None, true),
    ];
    for (value, pattern, escape, expected) in cases {
        assert_eq!(
            like(value, pattern, *escape),
            *expected,
            "{value:?} LIKE {pattern:?} ESCAPE {escape:?}"
        );
    }
}

#[test]
fn casts() {
    use SqlType as T;
    let cases: Vec<(Value, SqlType, Result<Value, ()>)> = vec![
        (Value::Null, T::Int, Ok(Value::Null)),
        (Value::Double(1.9), T::Int, Ok(Value::Int(1))),
        (Value::Double(-1.9), T::BigInt, Ok(Value::BigInt(-1))),
        (Value::BigInt(4_294_967_297), T::Int, Ok(Value::Int(1))),
        (s(" 42 "), T::Int, Ok(Value::Int(42))),
        (s("4x"), T::Int, Err(())),
        (s("1.5"), T::Double, Ok(Value::Double(1.5))),
        (Value::Double(1.0), T::String, Ok(s("1.0"))),
        (Value::Double(1e10), T::String, Ok(s("1.0E10"))),
        (Value::Int(5), T::String, Ok(s("5"))),
        (dec("1.50"), T::String, Ok(s("1.50"))),
        (
            Value::Double(1.25),
            T::Decimal {
                precision: 3,
                scale: 1,
            },
            Ok(dec("1.3")),
        ),
        (
            Value::Double(-1.25),
            T::Decimal {
                precision: 3,
                scale: 1,
            },
            Ok(dec("-1.3")),
        ),
        (
            s("123.456"),
            T::Decimal {
                precision: 5,
                scale: 2,
            },
            Ok(dec("123.46")),
        ),
        (
            s("1234.5"),
            T::Decimal {
                precision: 4,
                scale: 2,
            },
            Err(()),
        ),
        (dec("9.99"), T::Int, Ok(Value::Int(9))),
        (s("TRUE"), T::Boolean, Ok(Value::Boolean(true))),
        (s("yes"), T::Boolean, Ok(Value::Boolean(true))),
        (s("nope"), T::Boolean, Ok(Value::Boolean(false))),
        (
            Value::Timestamp(1_600_000_000_123),
            T::String,
            Ok(s("2020-09-13T12:26:40.123")),
        ),
        (
            s("2020-09-13T12:26:40.123"),
            T::Timestamp,
            Ok(Value::Timestamp(1_600_000_000_123)),
        ),
        (s("2020-09-13"), T::Date, Ok(Value::Date(18_518))),
        (Value::Date(18_518), T::String, Ok(s("2020-09-13"))),
        (Value::Time(3_723_000), T::String, Ok(s("01:02:03"))),
        (
            Value::Timestamp(1_600_000_000_123),
            T::Date,
            Ok(Value::Date(18_518)),
        ),
        (
            Value::Array(vec![Value::Int(1), Value::Null]),
            T::String,
            Ok(s("[1, null]")),
        ),
        (
            Value::Array(vec![s("1"), s("2")]),
            T::Array(Box::new(T::Int)),
            Ok(Value::Array(vec![Value::Int(1), Value::Int(2)])),
        ),
    ];
    for (value, to, expected) in cases {
        assert_eq!(
            cast(&value, &to).map_err(|_| ()),
            expected,
            "CAST({value:?} AS {to})"
        );
    }
    assert!(can_cast(&T::String, &T::Int));
    assert!(can_cast(&T::Array(Box::new(T::Int)), &T::String));
    assert!(!can_cast(&T::Boolean, &T::Int));
    assert!(!can_cast(&T::Int, &T::Timestamp));
}

#[test]
fn calendar_round_trips() {
    for days in [-719_468i64, -1, 0, 1, 59, 365, 10_956, 18_518, 2_932_896] {
        let (year, month, day) = temporal::civil_from_days(days);
        assert_eq!(
            temporal::days_from_civil(year, month, day),
            days,
            "{year}-{month}-{day}"
        );
    }
    assert_eq!(
        temporal::format_timestamp_iso(-1),
        "1969-12-31T23:59:59.999"
    );
    assert_eq!(
        temporal::parse_timestamp_iso("2020-01-01T01:00:00+01:00").unwrap(),
        1_577_836_800_000
    );
    assert!(temporal::parse_date_iso("2021-02-29").is_err());
}

proptest::proptest! {
    #[test]
    fn like_never_panics_and_percent_matches_everything(value in ".{0,40}", pattern in ".{0,20}", escape in proptest::option::of(proptest::char::any())) {
        let _ = like(&value, &pattern, escape);
        proptest::prop_assert!(like(&value, "%", None));
        // Without wildcards (and with no escape character), a string matches itself only.
        if !value.contains(['%', '_']) {
            proptest::prop_assert!(like(&value, &value, None));
            let longer = format!("{value}x");
            proptest::prop_assert!(!like(&longer, &value, None));
        }
    }

    #[test]
    fn casting_strings_never_panics(text in ".{0,30}") {
        for ty in [SqlType::Int, SqlType::BigInt, SqlType::Double, SqlType::Boolean, SqlType::Decimal { precision: 10, scale: 2 }, SqlType::Timestamp, SqlType::Date, SqlType::Time] {
            let _ = cast(&Value::String(text.clone().into()), &ty);
        }
    }
}

/// A LIKE written the obvious way (a token list and a dynamic-programming table), to check the
/// in-place matcher against.
fn like_reference(value: &str, pattern: &str, escape: Option<char>) -> bool {
    #[derive(PartialEq)]
    enum T {
        Lit(char),
        One,
        Run,
    }
    let mut tokens = Vec::new();
    let mut chars = pattern.chars();
    while let Some(ch) = chars.next() {
        tokens.push(if Some(ch) == escape {
            T::Lit(chars.next().unwrap_or(ch))
        } else if ch == '%' {
            T::Run
        } else if ch == '_' {
            T::One
        } else {
            T::Lit(ch)
        });
    }
    let text: Vec<char> = value.chars().collect();
    // matches[i][j]: text[i..] matches tokens[j..].
    let mut matches = vec![vec![false; tokens.len() + 1]; text.len() + 1];
    matches[text.len()][tokens.len()] = true;
    for i in (0..=text.len()).rev() {
        for j in (0..tokens.len()).rev() {
            matches[i][j] = match &tokens[j] {
                T::Run => matches[i][j + 1] || (i < text.len() && matches[i + 1][j]),
                T::One => i < text.len() && matches[i + 1][j + 1],
                T::Lit(c) => i < text.len() && text[i] == *c && matches[i + 1][j + 1],
            };
        }
    }
    matches[0][0]
}

proptest::proptest! {
    #[test]
    fn like_agrees_with_the_reference(value in "[ab%_!ü]{0,12}", pattern in "[ab%_!ü]{0,8}", escape in proptest::option::of(proptest::sample::select(vec!['!', '%', 'a', 'ü']))) {
        proptest::prop_assert_eq!(like(&value, &pattern, escape), like_reference(&value, &pattern, escape), "{:?} LIKE {:?} ESCAPE {:?}", value, pattern, escape);
    }
}
