use super::*;
use crate::sql::types::SqlType;
use crate::sql::value::{Decimal, Value};

fn s(text: &str) -> Value {
    Value::String(text.into())
}

fn dec(text: &str) -> Value {
    Value::decimal(Decimal::parse(text).unwrap())
}

#[test]
fn java_double_formatting() {
    let cases: &[(f64, &str)] = &[
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (1.0, "1.0"),
        (-3.0, "-3.0"),
        (0.1, "0.1"),
        (0.001, "0.001"),
        (0.0001, "1.0E-4"),
        (1.5e-7, "1.5E-7"),
        (123.456, "123.456"),
        (1_000_000.0, "1000000.0"),
        (9_999_999.0, "9999999.0"),
        (10_000_000.0, "1.0E7"),
        (1.0e10, "1.0E10"),
        (1.2345678987654322e16, "1.2345678987654322E16"),
        (0.36787944117144233, "0.36787944117144233"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "Infinity"),
        (f64::NEG_INFINITY, "-Infinity"),
        (f64::MAX, "1.7976931348623157E308"),
        (f64::MIN_POSITIVE, "2.2250738585072014E-308"),
        (100.0, "100.0"),
    ];
    for (number, expected) in cases {
        assert_eq!(java_double_to_string(*number), *expected, "{number:e}");
    }
}

fn fields(spec: &[(&str, SqlType)]) -> Vec<Field> {
    spec.iter()
        .map(|(name, ty)| Field::new(*name, ty.clone()))
        .collect()
}

/// (spec, fields, values, expected bytes as text, or None for a null record)
type SerializeCase<'a> = (FormatSpec, Vec<Field>, Vec<Value>, Option<&'a str>);
/// (fields, input text, expected row or Err)
type ReadCase<'a> = (Vec<Field>, &'a str, Result<Vec<Value>, ()>);

fn check_serialize(cases: &[SerializeCase]) {
    for (spec, fields, values, expected) in cases {
        let actual = serialize(spec, fields, values).unwrap();
        let actual_text = actual
            .as_ref()
            .map(|bytes| String::from_utf8(bytes.clone()).unwrap());
        assert_eq!(
            actual_text.as_deref(),
            *expected,
            "{:?} {values:?}",
            spec.kind
        );
        // Everything written reads back as the same values.
        let read = deserialize(spec, fields, actual.as_deref()).unwrap();
        if let Some(read) = read {
            assert_eq!(&read, values, "round trip of {:?}", spec.kind);
        }
    }
}

#[test]
fn json_values_and_keys() {
    use SqlType::*;
    let json = FormatSpec::new(FormatKind::Json);
    let json_key = FormatSpec::key(FormatKind::Json);
    check_serialize(&[
        (
            json.clone(),
            fields(&[("ID", BigInt), ("NAME", String)]),
            vec![Value::BigInt(1), s("a\"b\n")],
            Some(r#"{"ID":1,"NAME":"a\"b\n"}"#),
        ),
        (
            json.clone(),
            fields(&[("D", Double)]),
            vec![Value::Double(1.0)],
            Some(r#"{"D":1.0}"#),
        ),
        (
            json.clone(),
            fields(&[("D", Double)]),
            vec![Value::Null],
            Some(r#"{"D":null}"#),
        ),
        (
            json_key.clone(),
            fields(&[("K", String)]),
            vec![s("k1")],
            Some(r#""k1""#),
        ),
        (
            json_key.clone(),
            fields(&[("K", Int)]),
            vec![Value::Null],
            None,
        ),
        (
            json_key.clone(),
            fields(&[("K1", String), ("K2", Int)]),
            vec![s("a"), Value::Int(2)],
            Some(r#"{"K1":"a","K2":2}"#),
        ),
        (
            json.clone(),
            fields(&[(
                "V",
                Decimal {
                    precision: 4,
                    scale: 2,
                },
            )]),
            vec![dec("12.50")],
            Some(r#"{"V":12.50}"#),
        ),
        (
            json.clone(),
            fields(&[("B", Bytes)]),
            vec![Value::Bytes(b"yes".to_vec())],
            Some(r#"{"B":"eWVz"}"#),
        ),
        (
            json.clone(),
            fields(&[("T", Timestamp), ("D", Date), ("TM", Time)]),
            vec![Value::Timestamp(5), Value::Date(2), Value::Time(7)],
            Some(r#"{"T":5,"D":2,"TM":7}"#),
        ),
        (
            json.clone(),
            fields(&[
                ("A", Array(Box::new(Int))),
                ("M", Map(Box::new(String), Box::new(Double))),
                ("S", Struct(vec![("F".into(), Boolean)])),
            ]),
            vec![
                Value::Array(vec![Value::Int(1), Value::Null]),
                Value::Map(vec![(s("x"), Value::Double(0.5))]),
                Value::Struct(vec![("F".into(), Value::Boolean(true))]),
            ],
            Some(r#"{"A":[1,null],"M":{"x":0.5},"S":{"F":true}}"#),
        ),
    ]);
    // NaN and infinities are quoted, as Jackson writes them.
    let nan = serialize(&json, &fields(&[("D", Double)]), &[Value::Double(f64::NAN)])
        .unwrap()
        .unwrap();
    assert_eq!(nan, br#"{"D":"NaN"}"#);
}

#[test]
fn json_input_coercion() {
    use SqlType::*;
    let json = FormatSpec::new(FormatKind::Json);
    let cases: Vec<ReadCase> = vec![
        (
            fields(&[("ID", Int), ("NAME", String)]),
            r#"{"id": 1, "Name": "x", "extra": true}"#,
            Ok(vec![Value::Int(1), s("x")]),
        ),
        (
            fields(&[("ID", Int), ("NAME", String)]),
            r#"{}"#,
            Ok(vec![Value::Null, Value::Null]),
        ),
        (
            fields(&[("I", Int)]),
            r#"{"i": 1.7}"#,
            Ok(vec![Value::Int(1)]),
        ),
        (
            fields(&[("I", Int)]),
            r#"{"i": "12"}"#,
            Ok(vec![Value::Int(12)]),
        ),
        (fields(&[("I", Int)]), r#"{"i": "abc"}"#, Err(())),
        (
            fields(&[("D", Double)]),
            r#"{"d": 3}"#,
            Ok(vec![Value::Double(3.0)]),
        ),
        (fields(&[("S", String)]), r#"{"s": 3}"#, Ok(vec![s("3")])),
        (
            fields(&[("S", String)]),
            r#"{"s": 1.5}"#,
            Ok(vec![s("1.5")]),
        ),
        (
            fields(&[(
                "V",
                Decimal {
                    precision: 6,
                    scale: 4,
                },
            )]),
            r#"{"v": 12}"#,
            Ok(vec![dec("12.0000")]),
        ),
        (
            fields(&[(
                "V",
                Decimal {
                    precision: 12,
                    scale: 7,
                },
            )]),
            r#"{"v": 1.2}"#,
            Ok(vec![dec("1.2000000")]),
        ),
        (
            fields(&[(
                "V",
                Decimal {
                    precision: 2,
                    scale: 1,
                },
            )]),
            r#"{"v": 123}"#,
            Err(()),
        ),
        (
            fields(&[("B", Bytes)]),
            r#"{"b": "c29tZV9zdHJpbmc="}"#,
            Ok(vec![Value::Bytes(b"some_string".to_vec())]),
        ),
        (fields(&[("I", Int)]), r#"[1]"#, Err(())),
        (fields(&[("I", Int)]), r#"not json"#, Err(())),
        (
            fields(&[("S", Struct(vec![("A".into(), Int)]))]),
            r#"{"s": {"a": 1}}"#,
            Ok(vec![Value::Struct(vec![("A".into(), Value::Int(1))])]),
        ),
    ];
    for (fields, text, expected) in cases {
        let actual = deserialize(&json, &fields, Some(text.as_bytes()))
            .map(|row| row.unwrap())
            .map_err(|_| ());
        assert_eq!(actual, expected, "{text}");
    }
    let unwrapped = FormatSpec {
        wrap_single: false,
        ..json.clone()
    };
    assert_eq!(
        deserialize(&unwrapped, &fields(&[("V", Int)]), Some(b"7")).unwrap(),
        Some(vec![Value::Int(7)])
    );
    assert_eq!(
        deserialize(&json, &fields(&[("V", Int)]), None).unwrap(),
        None
    );
    let error = deserialize(
        &json,
        &fields(&[("AMOUNT", Int)]),
        Some(br#"{"amount":"abc"}"#),
    )
    .unwrap_err();
    assert_eq!(
        error.message,
        r#"column AMOUNT: expected an INTEGER, got "abc""#
    );
}

#[test]
fn kafka_format() {
    use SqlType::*;
    let kafka = FormatSpec::key(FormatKind::Kafka);
    let cases: Vec<(SqlType, Value, Vec<u8>)> = vec![
        (Int, Value::Int(1), vec![0, 0, 0, 1]),
        (Int, Value::Int(-2), vec![0xff, 0xff, 0xff, 0xfe]),
        (BigInt, Value::BigInt(258), vec![0, 0, 0, 0, 0, 0, 1, 2]),
        (Double, Value::Double(1.0), 1.0f64.to_be_bytes().to_vec()),
        (String, s("héllo"), "héllo".as_bytes().to_vec()),
        (Bytes, Value::Bytes(vec![0, 255]), vec![0, 255]),
    ];
    for (ty, value, bytes) in cases {
        let fields = vec![Field::new("K", ty.clone())];
        assert_eq!(
            serialize(&kafka, &fields, std::slice::from_ref(&value)).unwrap(),
            Some(bytes.clone()),
            "{ty}"
        );
        assert_eq!(
            deserialize(&kafka, &fields, Some(&bytes)).unwrap(),
            Some(vec![value]),
            "{ty}"
        );
    }
    let int_field = vec![Field::new("K", Int)];
    assert!(deserialize(&kafka, &int_field, Some(&[1, 2, 3])).is_err());
    assert_eq!(serialize(&kafka, &int_field, &[Value::Null]).unwrap(), None);
    assert_eq!(serialize(&kafka, &[], &[]).unwrap(), None);
    assert_eq!(
        deserialize(&kafka, &[], Some(b"anything")).unwrap(),
        Some(vec![])
    );
    let two = fields(&[("A", Int), ("B", Int)]);
    assert_eq!(
        validate_schema(&kafka, &two).unwrap_err().message,
        "The 'KAFKA' format only supports a single field. Got: [`A` INTEGER, `B` INTEGER]"
    );
}

#[test]
fn delimited_lines_as_commons_csv_writes_them() {
    use SqlType::*;
    let csv = FormatSpec::new(FormatKind::Delimited);
    let strings = fields(&[("A", String), ("B", String), ("C", String), ("D", String)]);
    check_serialize(&[
        (csv.clone(), fields(&[("ID", BigInt), ("NAME", String), ("V", Int)]), vec![Value::BigInt(0), s("zero"), Value::Int(0)], Some("0,zero,0")),
        (
            csv.clone(),
            strings.clone(),
            vec![s(" \t with white space \t"), s(" \t WITH WHITE SPACE \t"), s("with white space"), s("\t wit")],
            Some("\" \t with white space \t\",\" \t WITH WHITE SPACE \t\",with white space,\"\t wit\""),
        ),
        (csv.clone(), fields(&[("T", String), ("B", Boolean)]), vec![s("a1"), Value::Boolean(true)], Some("a1,true")),
        (csv.clone(), fields(&[("V", Decimal { precision: 33, scale: 16 })]), vec![dec("-12345.1200000000000000")], Some("\"-12345.1200000000000000\"")),
        (csv.clone(), fields(&[("V", Decimal { precision: 33, scale: 16 })]), vec![dec("0.1200000000000000")], Some("0.1200000000000000")),
        (csv.clone(), fields(&[("A", Int), ("B", Int)]), vec![Value::Int(1), Value::Int(-1)], Some("1,-1")),
        (csv.clone(), fields(&[("A", String), ("B", String)]), vec![s("x,y"), s("say \"hi\"")], Some("\"x,y\",\"say \"\"hi\"\"\"")),
        (csv.clone(), fields(&[("A", Double), ("B", Double)]), vec![Value::Double(100.0), Value::Double(0.0)], Some("100.0,0.0")),
        (FormatSpec { delimiter: '|', ..csv.clone() }, fields(&[("A", Int), ("B", String)]), vec![Value::Int(0), s("zero")], Some("0|zero")),
        (FormatSpec { delimiter: '\t', ..csv.clone() }, fields(&[("A", Int), ("B", String)]), vec![Value::Int(0), s("a b")], Some("0\ta b")),
    ]);
    // NULL is an empty field; an empty field reads as NULL.
    let two = fields(&[("A", Int), ("B", String)]);
    assert_eq!(
        serialize(&csv, &two, &[Value::Null, Value::Null]).unwrap(),
        Some(b",".to_vec())
    );
    assert_eq!(
        deserialize(&csv, &two, Some(b",")).unwrap(),
        Some(vec![Value::Null, Value::Null])
    );
}

#[test]
fn delimited_input_parsing() {
    use SqlType::*;
    let csv = FormatSpec::new(FormatKind::Delimited);
    let cases: Vec<ReadCase> = vec![
        (
            fields(&[("K", Boolean)]),
            "\"true\"",
            Ok(vec![Value::Boolean(true)]),
        ),
        (
            fields(&[("K", Boolean)]),
            "yes",
            Ok(vec![Value::Boolean(false)]),
        ),
        (fields(&[("K", Int)]), "\"22\"", Ok(vec![Value::Int(22)])),
        (
            fields(&[(
                "K",
                Decimal {
                    precision: 6,
                    scale: 4,
                },
            )]),
            "\"12.0\"",
            Ok(vec![dec("12.0000")]),
        ),
        (
            fields(&[(
                "V",
                Decimal {
                    precision: 33,
                    scale: 16,
                },
            )]),
            ".12",
            Ok(vec![dec("0.1200000000000000")]),
        ),
        (
            fields(&[("K1", String), ("K2", String)]),
            "\"foo\",\"bar\"",
            Ok(vec![s("foo"), s("bar")]),
        ),
        (fields(&[("A", Int), ("B", Int)]), "1", Err(())),
        (fields(&[("A", Int)]), "x", Err(())),
        (fields(&[("A", String)]), "\"unterminated", Err(())),
        (
            fields(&[("A", Double)]),
            "1e3",
            Ok(vec![Value::Double(1000.0)]),
        ),
    ];
    for (fields, text, expected) in cases {
        let actual = deserialize(&csv, &fields, Some(text.as_bytes()))
            .map(|row| row.unwrap())
            .map_err(|_| ());
        assert_eq!(actual, expected, "{text:?}");
    }
    let key = FormatSpec {
        delimiter: ';',
        ..csv.clone()
    };
    assert_eq!(
        deserialize(
            &key,
            &fields(&[("K1", String), ("K2", String)]),
            Some(b"foo,bar;baz")
        )
        .unwrap(),
        Some(vec![s("foo,bar"), s("baz")])
    );
    let error = validate_schema(&csv, &fields(&[("K", Array(Box::new(Double)))])).unwrap_err();
    assert_eq!(
        error.message,
        "The 'DELIMITED' format does not support type 'ARRAY', column: `K`"
    );
}

#[test]
fn format_names_and_delimiters() {
    assert_eq!(FormatKind::parse("json"), Ok(FormatKind::Json));
    assert_eq!(FormatKind::parse("Delimited"), Ok(FormatKind::Delimited));
    assert!(FormatKind::parse("AVRO")
        .unwrap_err()
        .contains("Schema Registry"));
    assert!(FormatKind::parse("XML")
        .unwrap_err()
        .contains("Unknown format"));
    assert_eq!(parse_delimiter("TAB"), Ok('\t'));
    assert_eq!(parse_delimiter("|"), Ok('|'));
    assert!(parse_delimiter("<~>")
        .unwrap_err()
        .contains("single character"));
    assert!(parse_delimiter("").unwrap_err().contains("cannot be empty"));
}

#[test]
fn display_and_base64() {
    assert_eq!(display_value(&Value::Null), "null");
    assert_eq!(display_value(&s("x")), "x");
    assert_eq!(display_value(&Value::Double(2.0)), "2.0");
    assert_eq!(
        display_value(&Value::Struct(vec![
            ("A".into(), Value::Int(1)),
            ("B".into(), s("x"))
        ])),
        "{A=1, B=x}"
    );
    assert_eq!(
        display_value(&Value::Array(vec![Value::Int(1), Value::Int(2)])),
        "[1, 2]"
    );
    for bytes in [&b""[..], b"a", b"ab", b"abc", b"abcd", &[0, 255, 128]] {
        assert_eq!(base64_decode(&base64_encode(bytes)).unwrap(), bytes);
    }
    assert_eq!(base64_encode(b"baano"), "YmFhbm8=");
    assert_eq!(base64_decode("!!"), None);
}

proptest::proptest! {
    #[test]
    fn deserialize_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64), wrap in proptest::bool::ANY) {
        use SqlType::*;
        let schemas = [
            fields(&[("A", Int)]),
            fields(&[("A", BigInt), ("B", String), ("C", Double)]),
            fields(&[("A", Decimal { precision: 5, scale: 2 }), ("B", Boolean), ("C", Timestamp)]),
            fields(&[("A", Array(Box::new(Int))), ("M", Map(Box::new(String), Box::new(Bytes))), ("S", Struct(vec![("X".into(), Date)]))]),
            vec![],
        ];
        for kind in [FormatKind::Json, FormatKind::Kafka, FormatKind::Delimited, FormatKind::None] {
            for schema in &schemas {
                let spec = FormatSpec { kind, delimiter: ',', wrap_single: wrap };
                let _ = deserialize(&spec, schema, Some(&bytes));
            }
        }
    }

    #[test]
    fn delimited_strings_round_trip(a in ".{0,12}", b in ".{0,12}") {
        let csv = FormatSpec::new(FormatKind::Delimited);
        let two = fields(&[("A", SqlType::String), ("B", SqlType::String)]);
        let values = vec![Value::String(a.clone().into()), Value::String(b.clone().into())];
        let bytes = serialize(&csv, &two, &values).unwrap();
        let read = deserialize(&csv, &two, bytes.as_deref()).unwrap().unwrap();
        // Empty strings read back as NULL, as in ksqlDB.
        let expected: Vec<Value> = [a, b].into_iter().map(|text| if text.is_empty() { Value::Null } else { Value::String(text.into()) }).collect();
        proptest::prop_assert_eq!(read, expected);
    }

    #[test]
    fn java_doubles_read_back(number in proptest::num::f64::NORMAL) {
        let text = java_double_to_string(number);
        proptest::prop_assert_eq!(text.parse::<f64>().unwrap(), number);
        proptest::prop_assert!(text.contains('.'));
    }
}

/// The streaming JSON decoder (the hot path) against the reference tree decoder.
mod json_streaming {
    use super::super::{json, json_flat};
    use super::*;

    fn columns() -> Vec<Field> {
        fields(&[
            ("NAME", SqlType::String),
            ("AMOUNT", SqlType::Double),
            ("N", SqlType::Int),
            ("FLAG", SqlType::Boolean),
            ("TAGS", SqlType::Array(Box::new(SqlType::String))),
        ])
    }

    fn both(fields: &[Field], text: &str) -> (Result<Vec<Value>, FormatError>, Result<Vec<Value>, FormatError>) {
        let spec = FormatSpec::new(FormatKind::Json);
        (
            json::deserialize(&spec, fields, text.as_bytes()),
            json::deserialize_via_tree(&spec, fields, text.as_bytes()),
        )
    }

    fn same(fields: &[Field], text: &str) -> Result<Vec<Value>, FormatError> {
        let (streamed, tree) = both(fields, text);
        assert_eq!(streamed, tree, "decoding {text}");
        streamed
    }

    #[test]
    fn a_typical_record_takes_the_streaming_path() {
        let payment = fields(&[("NAME", SqlType::String), ("AMOUNT", SqlType::Double), ("CURRENCY", SqlType::String)]);
        let values = json::streaming::deserialize_object(&payment, br#"{"name":"anna","amount":12.5,"currency":"EUR","extra":[1]}"#);
        assert_eq!(values, Some(vec![s("anna"), Value::Double(12.5), s("EUR")]));
        let values = json::streaming::deserialize_object(&payment, br#"{"name":"alice","amount":0.5,"currency":"EUR"}"#);
        assert_eq!(values, Some(vec![s("alice"), Value::Double(0.5), s("EUR")]));
    }

    #[test]
    fn a_flat_record_takes_the_byte_path() {
        let payment = fields(&[("NAME", SqlType::String), ("AMOUNT", SqlType::Double), ("N", SqlType::BigInt)]);
        let mut out = vec![Value::Int(0)];
        let read = json_flat::deserialize_flat(&payment, br#" {"name" : "anna", "amount":12.5,"n":-3,"x":[1]}"#, &mut out);
        assert_eq!(read, None, "a nested value in another key: the general path");
        assert_eq!(out, vec![Value::Int(0)], "nothing appended when giving up");
        let read = json_flat::deserialize_flat(&payment, b" {\"name\" : \"anna\",\n \"amount\":12.5,\"n\":-3,\"x\":true} ", &mut out);
        assert_eq!(read, Some(()));
        assert_eq!(out, vec![Value::Int(0), s("anna"), Value::Double(12.5), Value::BigInt(-3)]);
        for (text, amount) in [("-0", -0.0f64), ("-0.0", -0.0), ("0.1", 0.1), ("123456789.012345", 123456789.012345), ("7", 7.0)] {
            let mut out = Vec::new();
            let doc = format!(r#"{{"amount":{text}}}"#);
            assert_eq!(json_flat::deserialize_flat(&payment, doc.as_bytes(), &mut out), Some(()), "{doc}");
            assert_eq!(out.get(1).map(|v| matches!(v, Value::Double(d) if d.to_bits() == amount.to_bits())), Some(true), "{doc}: {out:?}");
            assert_eq!(same(&payment, &doc).unwrap(), out, "{doc}");
        }
        for doc in [r#"{"amount":1e3}"#, r#"{"amount":01}"#, r#"{"amount":1.}"#, r#"{"name":"a\"b"}"#, r#"{"name":"a","name":"b"}"#, r#"{"n":12345678901234567890}"#, r#"{"name":1}"#] {
            assert_eq!(json_flat::deserialize_flat(&payment, doc.as_bytes(), &mut Vec::new()), None, "{doc}");
            let _ = same(&payment, doc);
        }
    }

    #[test]
    fn duplicate_and_case_variant_keys_decode_as_the_tree_does() {
        let name = fields(&[("NAME", SqlType::String)]);
        assert_eq!(same(&name, r#"{"name":"a","NAME":"b"}"#).unwrap(), vec![s("a")]);
        assert_eq!(same(&name, r#"{"name":"a","name":"b"}"#).unwrap(), vec![s("b")]);
        assert_eq!(same(&name, r#"{"Name":"a","NAME":"b","Name":"c"}"#).unwrap(), vec![s("c")]);
        assert_eq!(same(&name, r#"{"n\u0041me":"escaped"}"#).unwrap(), vec![s("escaped")]);
        // Quoted identifiers may differ only in case: one key fills both.
        let twins = fields(&[("a", SqlType::Int), ("A", SqlType::Int)]);
        assert_eq!(same(&twins, r#"{"a":5}"#).unwrap(), vec![Value::Int(5), Value::Int(5)]);
    }

    /// A key is tried first against the column at its position; columns sharing a name up to
    /// case, and keys out of column order, still decode as without the guess.
    #[test]
    fn a_key_tried_at_its_position_decodes_as_a_full_scan() {
        let twins = fields(&[("a", SqlType::Int), ("A", SqlType::Int), ("B", SqlType::Int)]);
        let shared = shared_names(&twins);
        assert_eq!(shared, 0b011);
        assert_eq!(json_flat::deserialize_flat_needed(&twins, shared, br#"{"a":5,"b":1}"#, &mut Vec::new(), u64::MAX), None);
        let spec = FormatSpec::new(FormatKind::Json);
        for doc in [r#"{"a":5,"b":1}"#, r#"{"b":1,"A":5}"#, r#"{"x":1,"a":2}"#] {
            let mut out = Vec::new();
            assert_eq!(deserialize_needed_into(&spec, &twins, shared, Some(doc.as_bytes()), &mut out, u64::MAX), Ok(true));
            assert_eq!(Ok(out), same(&twins, doc), "{doc}");
        }
        let payment = fields(&[("NAME", SqlType::String), ("AMOUNT", SqlType::Double)]);
        assert_eq!(shared_names(&payment), 0);
        for doc in [r#"{"amount":1.5,"name":"x"}"#, r#"{"name":"x","amount":1.5}"#, r#"{"other":"x","Amount":1.5}"#] {
            let mut out = Vec::new();
            assert_eq!(json_flat::deserialize_flat_needed(&payment, 0, doc.as_bytes(), &mut out, u64::MAX), Some(()), "{doc}");
            assert_eq!(Ok(out), same(&payment, doc), "{doc}");
        }
    }

    #[test]
    fn unusual_documents_give_the_tree_decoders_results_and_errors() {
        let columns = columns();
        for text in [
            r#"{"name":"x","amount":1.5,"n":"7","flag":"TRUE","tags":["a",null],"other":{"deep":[1,{"x":null}]}}"#,
            r#"{}"#,
            r#"{"amount":null,"n":2.9}"#,
            r#"{"n":"seven"}"#,
            r#"{"amount":"1e3","name":12.50}"#,
            r#"{"tags":"not an array"}"#,
            r#"[1,2]"#,
            r#"null"#,
            r#""text""#,
            r#"{"name":"x"} trailing"#,
            r#"{"name":"x""#,
            r#"{"name":"\ud800"}"#,
            "",
        ] {
            let _ = same(&columns, text);
        }
        // Deeper than serde_json's recursion limit, in a column and in a skipped field.
        let deep = format!(r#"{{"other":{}1{}}}"#, "[".repeat(200), "]".repeat(200));
        assert!(same(&columns, &deep).is_err());
        let deep = format!(r#"{{"tags":{}1{}}}"#, "[".repeat(200), "]".repeat(200));
        assert!(same(&columns, &deep).is_err());
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn scalar() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("null".to_string()),
                any::<bool>().prop_map(|b| b.to_string()),
                any::<i64>().prop_map(|n| n.to_string()),
                any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:e}")),
                any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f}")),
                (any::<i64>(), 0usize..20).prop_map(|(m, k)| {
                    let digits = m.unsigned_abs().to_string();
                    let sign = if m < 0 { "-" } else { "" };
                    match digits.len().checked_sub(k).filter(|_| k > 0) {
                        Some(split) if split > 0 => format!("{sign}{}.{}", &digits[..split], &digits[split..]),
                        _ => format!("{sign}{digits}"),
                    }
                }),
                Just("-0".to_string()),
                Just("-0.0".to_string()),
                "[a-z0-9 .]{0,6}".prop_map(|text| format!("{text:?}")),
                Just(r#"["x",1,null]"#.to_string()),
                Just(r#"{"k":[{}]}"#.to_string()),
            ]
        }

        fn key() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("name"), Just("NAME"), Just("Name"), Just("amount"), Just("n"), Just("N"),
                Just("flag"), Just("tags"), Just("other"),
            ]
            .prop_map(str::to_string)
        }

        proptest! {
            #[test]
            fn streaming_matches_the_tree(entries in proptest::collection::vec((key(), scalar()), 0..8)) {
                let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
                let text = format!("{{{}}}", body.join(","));
                let (streamed, tree) = both(&columns(), &text);
                prop_assert_eq!(streamed, tree, "decoding {}", text);
            }

            /// The decoder's path (keys tried at their position, `shared_names` computed once)
            /// reads what the general decoder reads, with twin columns too.
            #[test]
            fn the_decoders_path_matches_the_general_one(entries in proptest::collection::vec((key(), scalar()), 0..8), twins in any::<bool>()) {
                let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
                let text = format!("{{{}}}", body.join(","));
                let mut columns = columns();
                if twins {
                    columns.insert(1, Field::new("name", SqlType::String));
                }
                let spec = FormatSpec::new(FormatKind::Json);
                let mut out = Vec::new();
                let read = deserialize_needed_into(&spec, &columns, shared_names(&columns), Some(text.as_bytes()), &mut out, u64::MAX);
                let general = json::deserialize(&spec, &columns, text.as_bytes());
                prop_assert_eq!(read.map(|_| out), general, "decoding {}", text);
            }
        }
    }
}
