//! Every input that ever crashed a fuzz target (fuzz/, see fuzz/README.md), replayed through the
//! same harness in plain `cargo test`. Inputs live in tests/fuzz_regressions/<target>/, one file
//! each, named after what they broke; add a crash's artifact there when you fix it.

#[path = "../fuzz/src/harness.rs"]
mod harness;

use std::path::Path;

/// Runs `run` on every file of tests/fuzz_regressions/`target`/; returns how many ran.
fn replay(target: &str, run: fn(&[u8])) -> usize {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions").join(target);
    let mut entries: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.is_file() && path.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    entries.sort();
    for path in &entries {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{target} still crashes on {}", path.display());
    }
    entries.len()
}

/// One test per target, each replaying that target's folder through its harness function.
macro_rules! regressions {
    ($($target:ident),*) => {$(
        #[test]
        fn $target() {
            replay(stringify!($target), harness::$target);
        }
    )*};
}

regressions!(sql_parse, sql_plan, sql_execute, lesson_parse, markdown, url_fragment, stored_state);

/// The harness itself works on ordinary input (so an empty regression folder still tests
/// something): the fuzz catalog is valid and a query over it runs.
#[test]
fn harness_runs_ordinary_input() {
    harness::sql_parse(b"SELECT * FROM transactions EMIT CHANGES;");
    harness::sql_plan(b"CREATE TABLE t AS SELECT account_id, SUM(amount) FROM transactions GROUP BY account_id;");
    harness::sql_execute(b"\x14SELECT account_id, amount FROM transactions EMIT CHANGES;");
    let lesson = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/06_duality.toml")).expect("lesson 6");
    harness::lesson_parse(&lesson);
    harness::markdown(b"<script>alert(1)</script> *hi*");
    let sandbox = streamlab::share::fragment::DemoLink::sandbox(7, 10, "SHOW TOPICS;\nSELECT * FROM transactions EMIT CHANGES;");
    harness::url_fragment(streamlab::share::fragment::encode(&sandbox).expect("a valid link").as_bytes());
    harness::stored_state(br#"{"version":1,"lessons":{"duality":{"done":[0,1],"step":2}}}"#);
}
