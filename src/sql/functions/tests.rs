use super::*;
use crate::sql::types::SqlType;
use crate::sql::value::{Decimal, Value};

fn s(text: &str) -> Value {
    Value::String(text.into())
}

fn dec(text: &str) -> Value {
    Value::decimal(Decimal::parse(text).unwrap())
}

/// (function, args, expected) — expected `Err(())` for an evaluation error.
fn check(cases: &[(&str, Vec<Value>, Result<Value, ()>)]) {
    for (name, args, expected) in cases {
        let actual = call_scalar(name, args).map_err(|_| ());
        match (&actual, expected) {
            (Ok(Value::Double(a)), Ok(Value::Double(e))) if a.is_nan() && e.is_nan() => {}
            (Ok(Value::Double(a)), Ok(Value::Double(e))) => assert!(
                (a - e).abs() < 1e-12 || a == e,
                "{name}{args:?}: {a} != {e}"
            ),
            _ => assert_eq!(&actual, expected, "{name}{args:?}"),
        }
    }
}

#[test]
fn string_functions() {
    use Value::{Int as I, Null as N};
    check(&[
        ("UCASE", vec![s("MiXeD")], Ok(s("MIXED"))),
        ("LCASE", vec![s("MiXeD")], Ok(s("mixed"))),
        ("LCASE", vec![N], Ok(N)),
        (
            "TRIM",
            vec![s(" \t with white space \t")],
            Ok(s("with white space")),
        ),
        ("LTRIM", vec![s("  x ")], Ok(s("x "))),
        ("RTRIM", vec![s("  x ")], Ok(s("  x"))),
        ("SUBSTRING", vec![s("lower"), I(2), I(5)], Ok(s("ower"))),
        (
            "SUBSTRING",
            vec![s(" \t with white space \t"), I(2), I(5)],
            Ok(s("\t wit")),
        ),
        ("SUBSTRING", vec![s("some_string"), I(6)], Ok(s("string"))),
        ("SUBSTRING", vec![s("another"), I(6), I(3)], Ok(s("er"))),
        ("SUBSTRING", vec![s("short"), I(6)], Ok(s(""))),
        ("SUBSTRING", vec![s("some string"), I(0), I(2)], Ok(s("so"))),
        ("SUBSTRING", vec![s("hello"), I(-3)], Ok(s("llo"))),
        ("SUBSTRING", vec![s("hello"), I(-3), I(2)], Ok(s("ll"))),
        ("SUBSTRING", vec![s("hello"), I(-30), I(2)], Ok(s("he"))),
        ("SUBSTRING", vec![s("hello"), I(2), I(-1)], Ok(s(""))),
        ("SUBSTRING", vec![s("hello"), N], Ok(N)),
        (
            "SUBSTRING",
            vec![Value::Bytes(b"some_string".to_vec()), I(6), I(3)],
            Ok(Value::Bytes(b"str".to_vec())),
        ),
        (
            "CONCAT",
            vec![s("prefix-"), s("s1"), s("-postfix")],
            Ok(s("prefix-s1-postfix")),
        ),
        ("CONCAT", vec![s("a"), N, s("b")], Ok(s("ab"))),
        (
            "CONCAT",
            vec![
                Value::Bytes(b"yes".to_vec()),
                N,
                Value::Bytes(b"no".to_vec()),
            ],
            Ok(Value::Bytes(b"yesno".to_vec())),
        ),
        (
            "CONCAT_WS",
            vec![s("SEP"), s("foo"), N, s("baz"), N, s("literal")],
            Ok(s("fooSEPbazSEPliteral")),
        ),
        (
            "CONCAT_WS",
            vec![s("SEP"), N, N, s("literal")],
            Ok(s("literal")),
        ),
        ("CONCAT_WS", vec![N, s("foo")], Ok(N)),
        (
            "CONCAT_WS",
            vec![
                Value::Bytes(b"a".to_vec()),
                Value::Bytes(b"b".to_vec()),
                Value::Bytes(vec![]),
                N,
                Value::Bytes(b"no".to_vec()),
            ],
            Ok(Value::Bytes(b"baano".to_vec())),
        ),
        ("LEN", vec![s("héllo")], Ok(I(5))),
        ("REPLACE", vec![s("a-b-c"), s("-"), s("+")], Ok(s("a+b+c"))),
        ("INSTR", vec![s("CORPORATE FLOOR"), s("OR")], Ok(I(2))),
        ("INSTR", vec![s("CORPORATE FLOOR"), s("OR"), I(3)], Ok(I(5))),
        (
            "INSTR",
            vec![s("CORPORATE FLOOR"), s("OR"), I(3), I(2)],
            Ok(I(14)),
        ),
        (
            "INSTR",
            vec![s("CORPORATE FLOOR"), s("OR"), I(-3)],
            Ok(I(5)),
        ),
        (
            "INSTR",
            vec![s("CORPORATE FLOOR"), s("OR"), I(-3), I(2)],
            Ok(I(2)),
        ),
        ("INSTR", vec![s("CORPORATE FLOOR"), s("MISSING")], Ok(I(0))),
        ("LPAD", vec![s("Foo"), I(7), s("Bar")], Ok(s("BarBFoo"))),
        ("LPAD", vec![s("Foo"), I(2), s("Bar")], Ok(s("Fo"))),
        ("RPAD", vec![s("Foo"), I(7), s("Bar")], Ok(s("FooBarB"))),
        ("RPAD", vec![s("Foo"), I(7), s("")], Ok(N)),
        (
            "SPLIT",
            vec![s("a,b,,c"), s(",")],
            Ok(Value::Array(vec![s("a"), s("b"), s(""), s("c")])),
        ),
        (
            "SPLIT",
            vec![s("ab"), s("")],
            Ok(Value::Array(vec![s("a"), s("b")])),
        ),
        (
            "INITCAP",
            vec![s("the FOX jumped")],
            Ok(s("The Fox Jumped")),
        ),
        ("MASK", vec![s("AbC-12 x")], Ok(s("XxX-nn-x"))),
        (
            "MASK",
            vec![s("AbC-12"), s("*"), N, s("#")],
            Ok(s("*b*-##")),
        ),
        ("MASK_LEFT", vec![s("AbC-12"), I(2)], Ok(s("XxC-12"))),
        ("MASK_RIGHT", vec![s("AbC-12"), I(2)], Ok(s("AbC-nn"))),
        ("MASK_KEEP_LEFT", vec![s("AbC-12"), I(2)], Ok(s("AbX-nn"))),
        ("MASK_KEEP_RIGHT", vec![s("AbC-12"), I(2)], Ok(s("XxX-12"))),
        ("MASK_LEFT", vec![s("AbC"), I(-1)], Err(())),
    ]);
}

#[test]
fn math_functions() {
    use Value::{BigInt as L, Double as D, Int as I, Null as N};
    check(&[
        ("ABS", vec![I(-1)], Ok(I(1))),
        ("ABS", vec![L(-2)], Ok(L(2))),
        ("ABS", vec![D(-3.1)], Ok(D(3.1))),
        ("ABS", vec![dec("-3.2")], Ok(dec("3.2"))),
        ("ABS", vec![N], Ok(N)),
        ("EXP", vec![I(-1)], Ok(D(0.36787944117144233))),
        ("LN", vec![I(-1)], Ok(D(f64::NAN))),
        ("LN", vec![I(0)], Ok(D(f64::NEG_INFINITY))),
        ("SQRT", vec![L(2)], Ok(D(std::f64::consts::SQRT_2))),
        ("SIGN", vec![D(-3.0)], Ok(I(-1))),
        ("SIGN", vec![L(0)], Ok(I(0))),
        ("FLOOR", vec![D(1.1)], Ok(D(1.0))),
        ("CEIL", vec![D(1.1)], Ok(D(2.0))),
        ("CEIL", vec![dec("1.1")], Ok(dec("2.0"))),
        ("FLOOR", vec![dec("-1.1")], Ok(dec("-2.0"))),
        ("FLOOR", vec![I(3)], Ok(I(3))),
        ("ROUND", vec![D(1.5)], Ok(L(2))),
        ("ROUND", vec![D(-1.5)], Ok(L(-1))),
        ("ROUND", vec![D(1.2)], Ok(L(1))),
        ("ROUND", vec![I(3)], Ok(L(3))),
        ("ROUND", vec![D(1.7), I(0)], Ok(D(2.0))),
        ("ROUND", vec![D(1.25), I(1)], Ok(D(1.3))),
        ("ROUND", vec![D(-1.25), I(1)], Ok(D(-1.2))),
        ("ROUND", vec![D(1.2), I(-1)], Ok(D(0.0))),
        ("ROUND", vec![D(15.0), I(-1)], Ok(D(20.0))),
        (
            "ROUND",
            vec![dec("12345678987654321.2345678987654321")],
            Ok(dec("12345678987654321")),
        ),
        (
            "ROUND",
            vec![dec("12345678987654321.2345678987654321"), I(1)],
            Ok(dec("12345678987654321.2000000000000000")),
        ),
        (
            "ROUND",
            vec![dec("12345678987654321.2345678987654321"), I(10)],
            Ok(dec("12345678987654321.2345678988000000")),
        ),
        (
            "ROUND",
            vec![dec("12345678987654321.2345678987654321"), I(-2)],
            Ok(dec("12345678987654300.0000000000000000")),
        ),
        ("TRUNC", vec![D(1.7)], Ok(L(1))),
        ("TRUNC", vec![D(1.77), I(1)], Ok(D(1.7))),
        ("TRUNC", vec![dec("1.7000000"), I(0)], Ok(dec("1.0000000"))),
        ("TRUNC", vec![dec("1.7000000")], Ok(dec("1"))),
        ("POWER", vec![I(15), I(-1)], Ok(D(0.06666666666666667))),
        ("LOG", vec![I(15), I(13)], Ok(D(0.9471572411831843))),
        ("LOG", vec![I(13)], Ok(D(2.5649493574615367))),
        ("LOG", vec![I(0)], Ok(D(f64::NEG_INFINITY))),
        ("LOG", vec![I(15), I(0)], Ok(D(f64::NEG_INFINITY))),
        ("LOG", vec![I(1), I(13)], Ok(D(f64::NAN))),
        ("LOG", vec![I(0), I(13)], Ok(D(f64::NAN))),
        ("CBRT", vec![I(-8)], Ok(D(-2.0))),
        ("COT", vec![I(0)], Ok(D(f64::INFINITY))),
        ("ATAN2", vec![N, I(1)], Ok(N)),
        ("PI", vec![], Ok(D(std::f64::consts::PI))),
        ("GREATEST", vec![I(1), N, I(3), I(2)], Ok(I(3))),
        ("GREATEST", vec![I(1), D(2.5)], Ok(D(2.5))),
        ("LEAST", vec![s("b"), s("a")], Ok(s("a"))),
        ("LEAST", vec![N, N], Ok(N)),
    ]);
}

#[test]
fn null_collection_and_time_functions() {
    use Value::{BigInt as L, Int as I, Null as N};
    check(&[
        ("COALESCE", vec![N, I(2), I(3)], Ok(I(2))),
        ("COALESCE", vec![N, N], Ok(N)),
        ("IFNULL", vec![N, s("x")], Ok(s("x"))),
        ("IFNULL", vec![s("y"), s("x")], Ok(s("y"))),
        ("NULLIF", vec![I(1), I(1)], Ok(N)),
        ("NULLIF", vec![I(1), I(2)], Ok(I(1))),
        ("ARRAY_LENGTH", vec![Value::Array(vec![I(1), N])], Ok(I(2))),
        (
            "ARRAY_CONTAINS",
            vec![Value::Array(vec![I(1), I(2)]), I(2)],
            Ok(Value::Boolean(true)),
        ),
        (
            "ARRAY_CONTAINS",
            vec![Value::Array(vec![I(1)]), N],
            Ok(Value::Boolean(false)),
        ),
        (
            "TIMESTAMPTOSTRING",
            vec![L(1_600_000_000_123), s("yyyy-MM-dd HH:mm:ss.SSS")],
            Ok(s("2020-09-13 12:26:40.123")),
        ),
        (
            "TIMESTAMPTOSTRING",
            vec![
                L(1_600_000_000_123),
                s("yyyy-MM-dd'T'HH:mm:ssX"),
                s("+02:00"),
            ],
            Ok(s("2020-09-13T14:26:40+02")),
        ),
        (
            "TIMESTAMPTOSTRING",
            vec![L(0), s("dd/MMM/yyyy hh:mm a EEE")],
            Ok(s("01/Jan/1970 12:00 AM Thu")),
        ),
        (
            "TIMESTAMPTOSTRING",
            vec![L(0), s("yyyy"), s("Europe/Paris")],
            Err(()),
        ),
        (
            "STRINGTOTIMESTAMP",
            vec![s("2020-09-13 12:26:40.123"), s("yyyy-MM-dd HH:mm:ss.SSS")],
            Ok(L(1_600_000_000_123)),
        ),
        (
            "STRINGTOTIMESTAMP",
            vec![s("20200913"), s("yyyyMMdd")],
            Ok(L(1_599_955_200_000)),
        ),
        (
            "STRINGTOTIMESTAMP",
            vec![s("2020-09-13T14:26:40+0200"), s("yyyy-MM-dd'T'HH:mm:ssZ")],
            Ok(L(1_600_000_000_000)),
        ),
        (
            "STRINGTOTIMESTAMP",
            vec![s("13/Sep/2020"), s("dd/MMM/yyyy")],
            Ok(L(1_599_955_200_000)),
        ),
        (
            "STRINGTOTIMESTAMP",
            vec![s("garbage"), s("yyyy-MM-dd")],
            Err(()),
        ),
        (
            "STRINGTOTIMESTAMP",
            vec![s("2020-02-30"), s("yyyy-MM-dd")],
            Err(()),
        ),
        (
            "PARSE_TIMESTAMP",
            vec![s("2020-09-13 12:26"), s("yyyy-MM-dd HH:mm")],
            Ok(Value::Timestamp(1_599_999_960_000)),
        ),
        (
            "FORMAT_TIMESTAMP",
            vec![Value::Timestamp(1_600_000_000_123), s("HH:mm:ss.SSS")],
            Ok(s("12:26:40.123")),
        ),
        (
            "FORMAT_DATE",
            vec![Value::Date(18_518), s("yyyy/MM/dd")],
            Ok(s("2020/09/13")),
        ),
        (
            "PARSE_DATE",
            vec![s("2020/09/13"), s("yyyy/MM/dd")],
            Ok(Value::Date(18_518)),
        ),
        ("UNIX_TIMESTAMP", vec![Value::Timestamp(42)], Ok(L(42))),
        ("UNIX_TIMESTAMP", vec![], Err(())),
        ("NO_SUCH_FUNCTION", vec![], Err(())),
    ]);
}

#[test]
fn return_types_and_messages() {
    use SqlType::*;
    let cases: Vec<(&str, Vec<SqlType>, Result<SqlType, &str>)> = vec![
        ("ABS", vec![Int], Ok(Int)),
        (
            "ABS",
            vec![Decimal {
                precision: 2,
                scale: 1,
            }],
            Ok(Decimal {
                precision: 2,
                scale: 1,
            }),
        ),
        ("ROUND", vec![Double], Ok(BigInt)),
        ("ROUND", vec![Int], Ok(BigInt)),
        ("ROUND", vec![Double, Int], Ok(Double)),
        (
            "ROUND",
            vec![Decimal {
                precision: 33,
                scale: 16,
            }],
            Ok(Decimal {
                precision: 17,
                scale: 0,
            }),
        ),
        (
            "ROUND",
            vec![
                Decimal {
                    precision: 33,
                    scale: 16,
                },
                Int,
            ],
            Ok(Decimal {
                precision: 33,
                scale: 16,
            }),
        ),
        ("TRUNC", vec![Int], Ok(BigInt)),
        ("EXP", vec![Int], Ok(Double)),
        ("SIGN", vec![Double], Ok(Int)),
        ("SUBSTRING", vec![String, Int], Ok(String)),
        ("SUBSTRING", vec![Bytes, Int, Int], Ok(Bytes)),
        ("CONCAT", vec![String, String, String], Ok(String)),
        ("CONCAT", vec![Bytes, Bytes], Ok(Bytes)),
        ("LEN", vec![String], Ok(Int)),
        ("SPLIT", vec![String, String], Ok(Array(Box::new(String)))),
        ("GREATEST", vec![Int, BigInt], Ok(BigInt)),
        ("COALESCE", vec![Int, Double], Ok(Double)),
        ("TIMESTAMPTOSTRING", vec![BigInt, String], Ok(String)),
        ("PARSE_TIMESTAMP", vec![String, String], Ok(Timestamp)),
        (
            "SUBSTRING",
            vec![String],
            Err("Function 'SUBSTRING' does not accept parameters (STRING)"),
        ),
        (
            "UCASE",
            vec![Int],
            Err("Function 'UCASE' does not accept parameters (INTEGER)"),
        ),
        ("SUBSTRIN", vec![String, Int], Err("Did you mean SUBSTRING")),
        ("RANDOM", vec![], Err("deterministic")),
        ("UNIX_TIMESTAMP", vec![], Err("deterministic")),
    ];
    for (name, args, expected) in cases {
        match (scalar_return_type(name, &args), expected) {
            (Ok(actual), Ok(expected)) => assert_eq!(actual, expected, "{name}"),
            (Err(message), Err(fragment)) => {
                assert!(message.contains(fragment), "{name}: {message}")
            }
            (actual, expected) => panic!("{name}{args:?}: got {actual:?}, expected {expected:?}"),
        }
    }
    assert_eq!(
        scalar_return_type_opt("SUBSTRING", &[Some(SqlType::String), None]),
        Ok(SqlType::String)
    );
    assert!(scalar_names().contains(&"CONCAT_WS"));
}

proptest::proptest! {
    #[test]
    fn string_functions_never_panic(text in ".{0,20}", other in ".{0,5}", number in -30i32..30, second in -30i32..30) {
        for name in scalar_names() {
            let arg_sets = [
                vec![],
                vec![Value::String(text.clone().into())],
                vec![Value::String(text.clone().into()), Value::Int(number)],
                vec![Value::String(text.clone().into()), Value::Int(number), Value::Int(second)],
                vec![Value::String(text.clone().into()), Value::String(other.clone().into())],
                vec![Value::String(text.clone().into()), Value::Int(number), Value::String(other.clone().into())],
                vec![Value::String(text.clone().into()), Value::String(other.clone().into()), Value::Int(number), Value::Int(second)],
                vec![Value::BigInt(i64::from(number) * 1_000_000_007), Value::String(text.clone().into())],
                vec![Value::Double(f64::from(number) / 7.0), Value::Int(second)],
            ];
            for args in &arg_sets {
                let _ = call_scalar(name, args);
            }
        }
    }
}
