//! The ksqlDB conformance runner: reads ksqlDB's own functional tests (QTT and REST files,
//! unchanged), runs each case on a fresh log and engine, and compares the outputs the way
//! ksqlDB's test runner does. The `qtt` binary is its command line.
//!
//! Pipeline: [`reader`] (comments, typed structs, exact numbers) → [`expand`] (`format` ×
//! `config` cases, Schema Registry skips) → [`run`] (one case on a fresh log and engine, through
//! the [`run::CaseEngine`] trait; [`engine_adapter`] implements it for `sql::Engine`) →
//! [`compare`] (`ExpectedRecordComparator`'s rules). [`codec`] writes and reads records in a
//! topic's formats, [`schemaless`] when no source declares the topic, and [`json`] is the
//! number-preserving JSON tree they share.
//!
//! **Differences from ksqlDB's runner**, all deliberate:
//! - `post` conditions and REST `responses` are not checked;
//! - a negative case passes when the engine rejects its last statement (or fails while writing
//!   inputs or processing); whether the expected message matched, or the rejection was only
//!   "not supported", is reported and counted, not required;
//! - the records of a multi-partition output topic are merged by timestamp (Java sees them in
//!   production order, which the log does not keep across partitions);
//! - windowed keys are read in Kafka Streams' layout (inner key, then the window start; session
//!   windows put the end before the start); a time window's end is not in its key bytes, so only
//!   its start is compared.

pub mod codec;
pub mod compare;
pub mod engine_adapter;
pub mod expand;
pub mod json;
pub mod reader;
pub mod run;
pub mod schemaless;

use expand::{Case, CaseKind};
use run::{CaseEngine, Outcome};
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// The cases of one test file.
#[derive(Clone, Debug)]
pub struct TestSource {
    pub path: PathBuf,
    /// File name without `.json`, the first part of every case id.
    pub stem: String,
    pub cases: Vec<Case>,
    /// Tests marked `"enabled": false` (they give no cases).
    pub n_disabled: usize,
}

/// Reads and expands one test file.
pub fn load(path: &Path) -> Result<TestSource, reader::ReadError> {
    let file = reader::read_file(path)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let in_rest_folder = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|dir| dir.to_string_lossy().starts_with("rest-"));
    let looks_rest = file
        .tests
        .iter()
        .any(|t| t.responses.is_some() || t.expected_error.is_some());
    let kind = if in_rest_folder || looks_rest {
        CaseKind::Rest
    } else {
        CaseKind::Qtt
    };
    let n_disabled = file
        .tests
        .iter()
        .filter(|t| t.enabled == Some(false))
        .count();
    let cases = expand::expand_file(&stem, kind, &file.tests);
    Ok(TestSource {
        path: path.to_path_buf(),
        stem,
        cases,
        n_disabled,
    })
}

/// The `.json` files named by `paths`, folders searched recursively, each list sorted.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect_dir(path, &mut files)?;
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(format!("no such file or folder: {}", path.display()));
        }
    }
    Ok(files)
}

fn collect_dir(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_dir(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    Ok(())
}

/// One case's result.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CaseReport {
    pub id: String,
    pub negative: bool,
    /// Some expected output has a windowed key (windows are compared too: part 2 of the engine).
    pub windowed: bool,
    pub outcome: Outcome,
}

impl CaseReport {
    pub fn new(case: &Case, outcome: Outcome) -> CaseReport {
        CaseReport {
            id: case.id.clone(),
            negative: case.is_negative(),
            windowed: case.is_windowed(),
            outcome,
        }
    }

    /// A failure found outside the case itself (its process died).
    pub fn failed(case: &Case, reason: String) -> CaseReport {
        CaseReport::new(
            case,
            Outcome::Fail {
                reason,
                detail: None,
            },
        )
    }

    /// The case's line: `PASS id`, `FAIL id: difference` or `SKIP id: reason`.
    pub fn line(&self, verbose: bool) -> String {
        match &self.outcome {
            Outcome::Pass { note: Some(note) } if verbose => format!("PASS {} ({note})", self.id),
            Outcome::Pass { .. } => format!("PASS {}", self.id),
            Outcome::Skip { reason } => format!("SKIP {}: {reason}", self.id),
            Outcome::Fail { reason, detail } => {
                let mut line = format!("FAIL {}: {}", self.id, one_line(reason));
                if self.windowed {
                    line.push_str(" [windowed]");
                }
                if let (true, Some(detail)) = (verbose, detail) {
                    line.push('\n');
                    line.push_str(detail.trim_end());
                }
                line
            }
        }
    }
}

fn one_line(text: &str) -> String {
    text.replace('\n', " ")
}

thread_local! {
    /// The last panic's message on this thread, set by the quiet hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// True while [`run_case_caught`] runs a case on this thread; other panics (a failing test
    /// assertion, a bug in the runner) still go to the previous hook.
    static IN_CASE: Cell<bool> = const { Cell::new(false) };
}

/// Replaces the default panic hook (a multi-line report on stderr), while a case runs, with one
/// that prints a single line on stderr and remembers the message for the case's FAIL line. With
/// `announce`, it prints `PANIC\t<message>` on stdout instead, which is how a child process tells
/// the parent before a `panic = "abort"` build dies. Installing it twice is harmless.
pub fn install_quiet_panic_hook(announce: bool) {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| install_hook(announce));
}

fn install_hook(announce: bool) {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !IN_CASE.with(Cell::get) {
            previous(info);
            return;
        }
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".to_string());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let text = format!("{}{location}", one_line(&message));
        if announce {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "PANIC\t{text}");
            let _ = stdout.flush();
        } else {
            // One line instead of the default report; the case's FAIL line repeats it.
            eprintln!("qtt: panic: {text}");
        }
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(text));
    }));
}

/// Runs one case on a fresh engine from `new_engine`, turning a panic into a failure.
pub fn run_case_caught<E: CaseEngine>(case: &Case, new_engine: impl Fn() -> E) -> CaseReport {
    let outcome = match &case.skip_reason {
        Some(reason) => Outcome::Skip {
            reason: reason.clone(),
        },
        None => {
            IN_CASE.with(|in_case| in_case.set(true));
            let result = panic::catch_unwind(AssertUnwindSafe(|| {
                let mut engine = new_engine();
                run::run_case(case, &mut engine)
            }));
            IN_CASE.with(|in_case| in_case.set(false));
            match result {
                Ok(outcome) => outcome,
                Err(_) => {
                    let message = LAST_PANIC
                        .with(|last| last.borrow_mut().take())
                        .unwrap_or_else(|| "unknown".to_string());
                    Outcome::Fail {
                        reason: format!("panic: {message}"),
                        detail: None,
                    }
                }
            }
        }
    };
    CaseReport::new(case, outcome)
}

/// Counts for one file (or a whole run).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub cases: usize,
    pub skipped: usize,
    pub passed: usize,
    pub failed: usize,
    pub positive_passed: usize,
    pub positive_runnable: usize,
    pub negative_passed: usize,
    pub negative_runnable: usize,
    /// Negative passes whose error message also matched the expected substring.
    pub negative_message_matched: usize,
    /// Negative passes where the engine rejected the statement as not supported yet.
    pub negative_unsupported: usize,
}

impl Summary {
    pub fn add(&mut self, report: &CaseReport) {
        self.cases += 1;
        let passed = match &report.outcome {
            Outcome::Skip { .. } => {
                self.skipped += 1;
                return;
            }
            Outcome::Pass { note } => {
                if report.negative && note.as_deref() == Some(run::NOTE_MESSAGE_MATCHED) {
                    self.negative_message_matched += 1;
                }
                if report.negative
                    && note
                        .as_deref()
                        .is_some_and(|n| n.starts_with(run::NOTE_UNSUPPORTED))
                {
                    self.negative_unsupported += 1;
                }
                true
            }
            Outcome::Fail { .. } => false,
        };
        if passed {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        if report.negative {
            self.negative_runnable += 1;
            self.negative_passed += usize::from(passed);
        } else {
            self.positive_runnable += 1;
            self.positive_passed += usize::from(passed);
        }
    }

    pub fn merge(&mut self, other: &Summary) {
        self.cases += other.cases;
        self.skipped += other.skipped;
        self.passed += other.passed;
        self.failed += other.failed;
        self.positive_passed += other.positive_passed;
        self.positive_runnable += other.positive_runnable;
        self.negative_passed += other.negative_passed;
        self.negative_runnable += other.negative_runnable;
        self.negative_message_matched += other.negative_message_matched;
        self.negative_unsupported += other.negative_unsupported;
    }

    pub fn runnable(&self) -> usize {
        self.cases - self.skipped
    }

    /// Pass percentage of the runnable cases, one decimal.
    pub fn pass_percent(&self) -> String {
        match self.runnable() {
            0 => "-".to_string(),
            runnable => format!("{:.1}", 100.0 * self.passed as f64 / runnable as f64),
        }
    }

    /// `file: N cases, N skipped, N passed, N failed (positive a/b, negative c/d, messages m)`.
    pub fn line(&self, label: &str) -> String {
        format!(
            "{label}: {} cases, {} skipped, {} passed, {} failed (positive {}/{}, negative {}/{}: {} with the expected message, {} rejected as unsupported)",
            self.cases,
            self.skipped,
            self.passed,
            self.failed,
            self.positive_passed,
            self.positive_runnable,
            self.negative_passed,
            self.negative_runnable,
            self.negative_message_matched,
            self.negative_unsupported
        )
    }
}

/// A Markdown table with one row per file and a total row.
pub fn summary_table(rows: &[(String, Summary)]) -> String {
    let mut table = String::from("| file | cases | skipped | runnable | passed | failed | pass % |\n|---|---|---|---|---|---|---|\n");
    let mut total = Summary::default();
    for (file, summary) in rows {
        total.merge(summary);
        table.push_str(&table_row(file, summary));
    }
    table.push_str(&table_row("**total**", &total));
    table
}

fn table_row(label: &str, s: &Summary) -> String {
    format!(
        "| {label} | {} | {} | {} | {} | {} | {} |\n",
        s.cases,
        s.skipped,
        s.runnable(),
        s.passed,
        s.failed,
        s.pass_percent()
    )
}
