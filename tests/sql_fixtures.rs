//! SQL fixtures: each `tests/sql/NAME.sql` runs as `streamlab run` would run it, and what it
//! prints must equal `tests/sql/NAME.expected` (stdout, then `error: ...` if a statement failed).
//!
//! A fixture whose first line is `-- expect: error` must fail; any other must succeed.
//! Set `UPDATE_EXPECT=1` to rewrite the `.expected` files after a deliberate change.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};
use streamlab::sql::cli::run_script;

fn render(sql: &str) -> (String, bool) {
    let output = run_script(sql, 1_600_000_000_000);
    let failed = output.error.is_some();
    let mut text = output.stdout;
    if let Some(error) = output.error {
        text.push_str(&format!("error: {error}\n"));
    }
    (text, failed)
}

/// Runs one fixture; returns a description of what is wrong, if anything.
fn check(sql_path: &Path) -> Option<String> {
    let sql = fs::read_to_string(sql_path).ok()?;
    let expect_error = sql
        .lines()
        .next()
        .is_some_and(|line| line.trim() == "-- expect: error");
    let (actual, failed) = render(&sql);
    let expected_path = sql_path.with_extension("expected");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(&expected_path, &actual).ok()?;
    }
    let expected = fs::read_to_string(&expected_path).unwrap_or_default();
    let name = sql_path.display();
    if failed != expect_error {
        return Some(format!(
            "{name}: expected {}, but it {}:\n{actual}",
            if expect_error { "an error" } else { "success" },
            if failed { "failed" } else { "succeeded" }
        ));
    }
    if actual != expected {
        return Some(format!("{name}: output differs (UPDATE_EXPECT=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}"));
    }
    None
}

#[test]
fn sql_fixtures_print_what_they_expect() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sql");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 5,
        "the fixtures are missing from {}",
        dir.display()
    );
    let problems: Vec<String> = paths.iter().filter_map(|p| check(p)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_checker_notices_a_wrong_expectation() {
    let dir = std::env::temp_dir().join(format!("streamlab-fixture-check-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let sql = dir.join("wrong.sql");
    fs::write(&sql, "SET 'auto.offset.reset' = 'earliest';").unwrap();
    fs::write(dir.join("wrong.expected"), "something else\n").unwrap();
    if std::env::var_os("UPDATE_EXPECT").is_none() {
        assert!(check(&sql).is_some());
    }
    fs::remove_dir_all(&dir).ok();
}
