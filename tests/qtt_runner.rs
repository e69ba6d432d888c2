//! The conformance runner's own tests: reading, expansion, the comparator's rules, and running
//! cases end to end (against a small fake engine, and against the real engine's adapter).

use std::path::Path;
use streamlab::clock::Millis;
use streamlab::log::{Log, ProducerRecord, TopicConfig};
use streamlab::qtt::compare::{compare_value, Actual};
use streamlab::qtt::expand::{expand_file, CaseKind};
use streamlab::qtt::json::Json;
use streamlab::qtt::reader::{parse_test_file, WindowNode};
use streamlab::qtt::run::{CaseEngine, EncodedRecord, Outcome};
use streamlab::qtt::{self, schemaless, CaseReport, Summary};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/qtt")
        .join(name)
}

// ---------------------------------------------------------------- reader and expansion

#[test]
fn reader_accepts_comments_unknown_keys_and_keeps_exact_numbers() {
    let text = std::fs::read_to_string(fixture("reader-shapes.json")).unwrap();
    let file = parse_test_file(&text).unwrap();
    assert_eq!(file.tests.len(), 4);
    let first = &file.tests[0];
    assert_eq!(first.inputs[0].value.to_text(), r#"{"ID":1.50}"#);
    assert_eq!(first.inputs[0].key, Json::Number("1".into()));
    assert_eq!(first.inputs[0].timestamp, Some(7));
    assert_eq!(
        first.outputs[0].key,
        Json::Null,
        "a missing key reads as null"
    );
    assert_eq!(
        first.outputs[0].window,
        Some(WindowNode {
            start: 0,
            end: 10,
            window_type: "time".into()
        })
    );
    let headers = first.outputs[0].headers.as_ref().unwrap();
    assert_eq!(
        (headers[0].key.as_str(), headers[0].value.as_deref()),
        ("h", Some("aGk="))
    );
    assert_eq!(
        file.tests[1]
            .expected_exception
            .as_ref()
            .unwrap()
            .message
            .as_deref(),
        Some("kafka_topic")
    );
}

#[test]
fn reader_rejects_broken_files_with_an_error() {
    assert!(parse_test_file("{\"tests\": [").is_err());
    assert!(
        parse_test_file("{\"tests\": [{\"statements\": []}]}").is_err(),
        "a test needs a name"
    );
}

#[test]
fn expansion_multiplies_formats_by_configs_and_marks_schema_registry_cases() {
    let text = std::fs::read_to_string(fixture("reader-shapes.json")).unwrap();
    let file = parse_test_file(&text).unwrap();
    let cases = expand_file("reader-shapes", CaseKind::Qtt, &file.tests);
    let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "reader-shapes - formats and configs - AVRO - ksql.new.query.planner.enabled=true",
            "reader-shapes - formats and configs - AVRO - ksql.new.query.planner.enabled=false",
            "reader-shapes - formats and configs - JSON - ksql.new.query.planner.enabled=true",
            "reader-shapes - formats and configs - JSON - ksql.new.query.planner.enabled=false",
            "reader-shapes - negative",
            "reader-shapes - schema id property",
        ],
        "the disabled test gives no case"
    );
    let json_false = &cases[3];
    assert!(json_false.statements[0].contains("value_format='JSON'"));
    assert_eq!(
        json_false.property("ksql.new.query.planner.enabled"),
        Some("false")
    );
    assert_eq!(
        json_false.property("ksql.persistence.wrap.single.values"),
        Some("false")
    );
    assert!(json_false.skip_reason.is_none());
    assert!(json_false.is_windowed());
    assert!(cases[0].skip_reason.as_deref().unwrap().contains("AVRO"));
    assert!(cases[4].is_negative());
    assert!(cases[5]
        .skip_reason
        .as_deref()
        .unwrap()
        .contains("VALUE_SCHEMA_ID"));
}

// ---------------------------------------------------------------- comparator

/// One comparator expectation: `expected` is QTT JSON, `actual` is what the engine wrote as JSON
/// (read with exact numbers, as ksqlDB's runner does by default).
fn check(expected: &str, actual: &str, should_match: bool) {
    let expected_json = Json::parse(expected).unwrap();
    let actual_value = Actual::from_json(&Json::parse(actual).unwrap(), true);
    let result = compare_value("value", &expected_json, &actual_value);
    assert_eq!(
        result.is_ok(),
        should_match,
        "expected {expected} vs actual {actual}: {result:?}"
    );
}

#[test]
fn comparator_follows_expected_record_comparator() {
    // Objects: same field count, names as-is then upper-cased, order free, missing = null.
    check(r#"{"ID":1,"NAME":"a"}"#, r#"{"NAME":"a","ID":1}"#, true);
    check(r#"{"id":1}"#, r#"{"ID":1}"#, true);
    check(r#"{"ID":1}"#, r#"{"ID":1,"X":2}"#, false);
    check(r#"{"ID":null,"X":1}"#, r#"{"Y":null,"X":1}"#, true);
    check(r#"{"ID":1}"#, r#"{"id":1}"#, false);
    // Arrays: same length, in order.
    check("[1,2]", "[1,2]", true);
    check("[1,2]", "[2,1]", false);
    check("[1]", "[1,1]", false);
    // Integers exact; an actual integer matches an expected decimal truncated (3.0 and 3).
    check("3", "3", true);
    check("3.0", "3", true);
    check("3", "4", false);
    check("9223372036854775807", "9223372036854775807", true);
    // Decimals (JSON floats are read exactly): value and scale must both match.
    check("1.0", "1.0", true);
    check("1.0", "1.00", false);
    check("1.0", "1", true);
    check("1", "1.0", false);
    check("10", "1E+1", true);
    check("0.1", "0.1", true);
    check("0.30000000000000004", "0.3", false);
    // Strings, booleans, null.
    check(r#""a""#, r#""a""#, true);
    check(r#""1.50""#, "1.50", true);
    check(r#""1""#, "1", false);
    check("true", "true", true);
    check("true", r#""true""#, false);
    check("null", "null", true);
    check("null", "0", false);
    check("0", "null", false);
}

#[test]
fn doubles_compare_within_a_millionth() {
    let double = |d: f64| Actual::Double(d);
    let expected = Json::parse("0.3").unwrap();
    assert!(compare_value("v", &expected, &double(0.1 + 0.2)).is_ok());
    assert!(compare_value("v", &expected, &double(0.300_01)).is_err());
    let expected_int = Json::parse("2").unwrap();
    assert!(compare_value("v", &expected_int, &double(2.000_000_1)).is_ok());
    // With use.exact.numeric.comparison=false, actual JSON floats are doubles.
    let inexact = Actual::from_json(&Json::parse("1.00").unwrap(), false);
    assert!(compare_value("v", &Json::parse("1.0").unwrap(), &inexact).is_ok());
}

#[test]
fn a_difference_names_its_path() {
    let expected = Json::parse(r#"{"A":{"B":[1,2]}}"#).unwrap();
    let actual = Actual::from_json(&Json::parse(r#"{"A":{"B":[1,3]}}"#).unwrap(), true);
    let difference = compare_value("value", &expected, &actual).unwrap_err();
    assert_eq!(difference, "value.A.B[1]: expected 2, got 3");
}

// ---------------------------------------------------------------- runner, with a fake engine

/// A stand-in engine with three statements: `COPY 'a' TO 'b'` (a persistent query copying topic
/// a to b), `REJECT reason` (an error) and `PANIC`; `INSERT 't' 'k' 'v' AT ts` writes a record.
#[derive(Default)]
struct FakeEngine {
    /// (from, to, how many records of `from` were copied so far): a query's position.
    copies: Vec<(String, String, u64)>,
}

fn quoted(text: &str) -> Vec<String> {
    text.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

impl CaseEngine for FakeEngine {
    fn set_property(&mut self, _name: &str, _value: &str) -> Result<(), String> {
        Ok(())
    }

    fn execute_script(&mut self, log: &mut Log, _now_ms: Millis, sql: &str) -> Result<(), String> {
        for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            if let Some(reason) = statement.strip_prefix("REJECT") {
                return Err(format!("rejected: {}", reason.trim()));
            } else if statement == "PANIC" {
                panic!("the fake engine was asked to panic");
            } else if statement.starts_with("COPY") {
                let names = quoted(statement);
                for name in &names {
                    if !log.has_topic(name) {
                        log.create_topic(name, TopicConfig::default())
                            .map_err(|e| e.to_string())?;
                    }
                }
                self.copies.push((names[0].clone(), names[1].clone(), 0));
            } else if statement.starts_with("INSERT") {
                let parts = quoted(statement);
                let ts: i64 = statement.rsplit(' ').next().unwrap().parse().unwrap();
                let record = ProducerRecord {
                    timestamp: Some(ts),
                    ..ProducerRecord::keyed(&parts[1], &parts[2])
                };
                if !log.has_topic(&parts[0]) {
                    log.create_topic(&parts[0], TopicConfig::default())
                        .map_err(|e| e.to_string())?;
                }
                log.append(&parts[0], record, 0)
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    fn run_until_idle(&mut self, log: &mut Log, now_ms: Millis) -> Result<(), String> {
        for (from, to, position) in &mut self.copies {
            let end = log.log_end_offset(from, 0).map_err(|e| e.to_string())?;
            let records = if end <= *position {
                Vec::new()
            } else {
                log.fetch(from, 0, *position, (end - *position) as usize)
                    .map_err(|e| e.to_string())?
            };
            *position = end;
            for record in records {
                let copy = ProducerRecord {
                    partition: None,
                    key: record.key,
                    value: record.value,
                    timestamp: Some(record.timestamp),
                    headers: record.headers,
                };
                log.append(to, copy, now_ms).map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    fn encode_input(
        &self,
        _topic: &str,
        key: &Json,
        value: &Json,
    ) -> Result<EncodedRecord, String> {
        Ok(schemaless::encode_record(key, value))
    }

    fn decode_output(
        &self,
        _topic: &str,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        exact_numeric: bool,
    ) -> Result<(Actual, Actual), String> {
        Ok((
            schemaless::decode_field(key, exact_numeric),
            schemaless::decode_field(value, exact_numeric),
        ))
    }
}

fn run_fake_file() -> Vec<CaseReport> {
    qtt::install_quiet_panic_hook(false);
    let source = qtt::load(&fixture("fake-engine.json")).unwrap();
    source
        .cases
        .iter()
        .map(|case| qtt::run_case_caught(case, FakeEngine::default))
        .collect()
}

fn outcome_of<'a>(reports: &'a [CaseReport], name: &str) -> &'a Outcome {
    let id = format!("fake-engine - {name}");
    &reports
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no case {id}"))
        .outcome
}

fn assert_pass(reports: &[CaseReport], name: &str) {
    let outcome = outcome_of(reports, name);
    assert!(
        matches!(outcome, Outcome::Pass { .. }),
        "{name}: {outcome:?}"
    );
}

fn assert_fail(reports: &[CaseReport], name: &str, reason_contains: &str) {
    match outcome_of(reports, name) {
        Outcome::Fail { reason, .. } => {
            assert!(reason.contains(reason_contains), "{name}: {reason}")
        }
        other => panic!("{name} should fail, got {other:?}"),
    }
}

#[test]
fn runner_executes_cases_and_compares_whole_topics() {
    let reports = run_fake_file();
    assert_pass(&reports, "copy passes");
    assert_fail(
        &reports,
        "wrong scale fails",
        "value.AMOUNT: expected 2.5, got 2.50",
    );
    assert_fail(
        &reports,
        "missing record fails",
        "expected 2 records, got 1",
    );
    assert_pass(&reports, "windowed keys compare their window");
    assert_pass(
        &reports,
        "insert-values timestamps accept any actual for zero",
    );
}

#[test]
fn negative_cases_pass_only_when_the_last_statement_is_rejected() {
    let reports = run_fake_file();
    assert_eq!(
        outcome_of(&reports, "last statement rejected passes"),
        &Outcome::Pass {
            note: Some(streamlab::qtt::run::NOTE_MESSAGE_MATCHED.into())
        }
    );
    assert_fail(
        &reports,
        "earlier statement rejected fails",
        "before the last one",
    );
    assert_fail(
        &reports,
        "negative that succeeds fails",
        "expected an error",
    );
}

#[test]
fn a_panicking_case_fails_and_the_run_goes_on() {
    let reports = run_fake_file();
    assert_fail(
        &reports,
        "panic is a failure",
        "panic: the fake engine was asked to panic",
    );
    let mut summary = Summary::default();
    reports.iter().for_each(|r| summary.add(r));
    assert_eq!(
        (
            summary.cases,
            summary.passed,
            summary.failed,
            summary.skipped
        ),
        (10, 5, 5, 0)
    );
    assert_eq!((summary.negative_passed, summary.negative_runnable), (2, 4));
    assert_eq!(
        (
            summary.negative_message_matched,
            summary.negative_unsupported
        ),
        (1, 1)
    );
    let line = reports
        .iter()
        .find(|r| r.id.ends_with("panic is a failure"))
        .unwrap()
        .line(false);
    assert!(
        line.starts_with("FAIL fake-engine - panic is a failure: panic: "),
        "{line}"
    );
    assert!(!line.contains('\n'));
}

#[test]
fn summary_table_is_markdown_with_a_total_row() {
    let reports = run_fake_file();
    let mut summary = Summary::default();
    reports.iter().for_each(|r| summary.add(r));
    let table = qtt::summary_table(&[("fake-engine.json".to_string(), summary)]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "| file | cases | skipped | runnable | passed | failed | pass % |"
    );
    assert_eq!(
        lines[2],
        "| fake-engine.json | 10 | 0 | 10 | 5 | 5 | 50.0 |"
    );
    assert_eq!(lines[3], "| **total** | 10 | 0 | 10 | 5 | 5 | 50.0 |");
}

// ---------------------------------------------------------------- record codec per format

mod codec {
    use super::*;
    use streamlab::qtt::codec::TopicSchema;
    use streamlab::sql::format::{Field, FormatKind, FormatSpec};
    use streamlab::sql::types::SqlType;

    fn schema(
        key: FormatKind,
        key_columns: Vec<Field>,
        value: FormatKind,
        value_columns: Vec<Field>,
    ) -> TopicSchema {
        TopicSchema {
            key_format: FormatSpec::key(key),
            key_columns,
            value_format: FormatSpec::new(value),
            value_columns,
        }
    }

    fn json(text: &str) -> Json {
        Json::parse(text).unwrap()
    }

    #[test]
    fn kafka_scalars_are_written_in_their_column_type_and_read_back_as_java_objects() {
        let schema = schema(
            FormatKind::Kafka,
            vec![Field::new("K", SqlType::Int)],
            FormatKind::Kafka,
            vec![Field::new("V", SqlType::Double)],
        );
        let encoded = schema.encode(&json("\"7\""), &json("2.5")).unwrap();
        assert_eq!(encoded.key.as_deref(), Some(&7i32.to_be_bytes()[..]));
        assert_eq!(encoded.value.as_deref(), Some(&2.5f64.to_be_bytes()[..]));
        let (key, value) = schema
            .decode(encoded.key.as_deref(), encoded.value.as_deref(), true)
            .unwrap();
        assert_eq!((key, value), (Actual::Integer(7), Actual::Double(2.5)));
        assert!(
            schema.encode(&json("\"x\""), &json("1")).is_err(),
            "a key that is no INT is an error"
        );
    }

    #[test]
    fn json_is_written_as_is_and_read_with_exact_numbers() {
        let schema = schema(
            FormatKind::Kafka,
            vec![Field::new("K", SqlType::String)],
            FormatKind::Json,
            vec![Field::new("A", SqlType::Double)],
        );
        let encoded = schema
            .encode(&json("\"k\""), &json(r#"{"a": 1.50}"#))
            .unwrap();
        assert_eq!(encoded.value.as_deref(), Some(&br#"{"a":1.50}"#[..]));
        let (_, value) = schema.decode(None, Some(br#"{"A":1.50}"#), true).unwrap();
        assert_eq!(
            value,
            Actual::Object(vec![("A".into(), Actual::Decimal("1.50".into()))])
        );
        assert_eq!(
            schema.decode(None, None, true).unwrap(),
            (Actual::Null, Actual::Null)
        );
    }

    #[test]
    fn delimited_values_are_lines_and_single_keys_are_deserialised() {
        let schema = schema(
            FormatKind::Delimited,
            vec![Field::new("K", SqlType::Int)],
            FormatKind::Delimited,
            vec![
                Field::new("A", SqlType::Int),
                Field::new("B", SqlType::String),
            ],
        );
        let encoded = schema.encode(&json("\"33\""), &json("\"1,x\"")).unwrap();
        assert_eq!(
            (encoded.key.as_deref(), encoded.value.as_deref()),
            (Some(&b"33"[..]), Some(&b"1,x"[..]))
        );
        let (key, value) = schema.decode(Some(b"33"), Some(b"1,x"), true).unwrap();
        assert_eq!(
            (key, value),
            (Actual::Integer(33), Actual::String("1,x".into()))
        );
        let (empty_key, _) = schema.decode(Some(b""), Some(b"1,x"), true).unwrap();
        assert_eq!(empty_key, Actual::Null);
    }

    #[test]
    fn decimals_print_with_their_scale() {
        use streamlab::qtt::codec::decimal_text;
        use streamlab::sql::value::Decimal;
        let d = |unscaled, scale| decimal_text(&Decimal { unscaled, scale });
        assert_eq!(d(150, 2), "1.50");
        assert_eq!(d(-5, 3), "-0.005");
        assert_eq!(d(7, 0), "7");
    }
}

// ---------------------------------------------------------------- the command line

mod cli {
    use super::fixture;
    use std::process::Command;

    fn qtt(args: &[&str]) -> (bool, String) {
        let output = Command::new(env!("CARGO_BIN_EXE_qtt"))
            .args(args)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8(output.stdout).unwrap(),
        )
    }

    #[test]
    fn filter_skip_lines_table_and_the_last_line() {
        let file = fixture("reader-shapes.json");
        let (ok, stdout) = qtt(&[
            "--filter",
            "AVRO",
            "--summary-table",
            file.to_str().unwrap(),
        ]);
        assert!(ok);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            lines[0],
            "SKIP reader-shapes - formats and configs - AVRO - ksql.new.query.planner.enabled=true: needs Schema Registry format AVRO"
        );
        assert!(stdout.contains("| file | cases | skipped | runnable | passed | failed | pass % |"));
        assert_eq!(lines.last(), Some(&"0 passed, 0 failed, 2 skipped"));
    }

    #[test]
    fn ratchet_fails_the_run_when_passes_fall_below_the_recorded_number() {
        let dir = std::env::temp_dir().join(format!("qtt-ratchet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ratchet = dir.join("ratchet.txt");
        let file = fixture("reader-shapes.json");
        std::fs::write(&ratchet, "1\n").unwrap();
        let (ok, stdout) = qtt(&[
            "--ratchet",
            ratchet.to_str().unwrap(),
            "--filter",
            "AVRO",
            file.to_str().unwrap(),
        ]);
        assert!(!ok, "0 passes is below the ratchet of 1");
        assert!(stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("0 passed, 0 failed"));
        std::fs::write(&ratchet, "0").unwrap();
        let (ok, _) = qtt(&[
            "--ratchet",
            ratchet.to_str().unwrap(),
            "--filter",
            "AVRO",
            file.to_str().unwrap(),
        ]);
        assert!(ok);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn usage_errors_exit_non_zero() {
        assert!(!qtt(&[]).0);
        assert!(!qtt(&["--bogus", "x"]).0);
        assert!(!qtt(&["/no/such/path.json"]).0);
    }
}

// ---------------------------------------------------------------- runner, with the real engine

#[test]
fn real_engine_cases_pass_or_fail_as_their_names_say() {
    use streamlab::qtt::engine_adapter::EngineAdapter;
    qtt::install_quiet_panic_hook(false);
    let source = qtt::load(&fixture("engine-smoke.json")).unwrap();
    assert_eq!(source.cases.len(), 6);
    for case in &source.cases {
        let report = qtt::run_case_caught(case, EngineAdapter::new);
        let passed = matches!(report.outcome, Outcome::Pass { .. });
        let should_pass = case.id.starts_with("engine-smoke - pass");
        assert_eq!(passed, should_pass, "{}", report.line(true));
    }
}
