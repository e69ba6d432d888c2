//! `qtt`: runs ksqlDB's functional test files (QTT and REST) against streamlab's engine.
//!
//! ```text
//! cargo run --release --bin qtt -- [--filter SUBSTR] [--verbose] [--summary-table]
//!     [--ratchet FILE] [--case-timeout SECS] PATH...
//! ```
//! Prints one line per case (`PASS id`, `FAIL id: first difference`, `SKIP id: reason`), a
//! summary per file, positive/negative counts, and last `N passed, N failed, N skipped`.
//! `--ratchet FILE` exits non-zero when fewer cases pass than the integer in FILE.
//!
//! A panic in a case is a failure, never the end of the run. With `panic = "unwind"` it is caught
//! in-process; a `panic = "abort"` build (the release profile) runs each file in a child process
//! that reports case by case, and restarts it after the case that aborted. There, a case that
//! gives no result within `--case-timeout` seconds (default 60) is killed and fails too.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use streamlab::qtt::engine_adapter::EngineAdapter;
use streamlab::qtt::{self, CaseReport, Summary, TestSource};

const USAGE: &str = "usage: qtt [--filter SUBSTR] [--verbose] [--summary-table] [--ratchet FILE] [--case-timeout SECS] PATH...";

/// How long a case may run in a child process before it is killed (abort builds only).
const DEFAULT_CASE_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
struct Options {
    paths: Vec<PathBuf>,
    filter: Option<String>,
    verbose: bool,
    summary_table: bool,
    ratchet: Option<PathBuf>,
    case_timeout: Duration,
    /// Internal: run one file's cases from this index and report in the child protocol.
    child: Option<(PathBuf, usize)>,
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        case_timeout: DEFAULT_CASE_TIMEOUT,
        ..Options::default()
    };
    let mut args = args.peekable();
    let mut child_file = None;
    let mut start_at = 0;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--filter" => options.filter = Some(value("--filter")?),
            "--ratchet" => options.ratchet = Some(PathBuf::from(value("--ratchet")?)),
            "--verbose" | "-v" => options.verbose = true,
            "--summary-table" => options.summary_table = true,
            "--case-timeout" => {
                let seconds: u64 = value("--case-timeout")?
                    .parse()
                    .map_err(|_| "--case-timeout needs a whole number of seconds".to_string())?;
                options.case_timeout = Duration::from_secs(seconds.max(1));
            }
            "--child" => child_file = Some(PathBuf::from(value("--child")?)),
            "--start-at" => {
                start_at = value("--start-at")?
                    .parse()
                    .map_err(|_| "--start-at needs a number".to_string())?
            }
            "--help" | "-h" => return Err(USAGE.to_string()),
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag}\n{USAGE}"))
            }
            path => options.paths.push(PathBuf::from(path)),
        }
    }
    options.child = child_file.map(|file| (file, start_at));
    if options.child.is_none() && options.paths.is_empty() {
        return Err(USAGE.to_string());
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if let Some((file, start_at)) = &options.child {
        return run_child(file, *start_at, options.filter.as_deref());
    }
    qtt::install_quiet_panic_hook(false);
    run_parent(&options)
}

fn selected_cases<'a>(source: &'a TestSource, filter: Option<&str>) -> Vec<&'a qtt::expand::Case> {
    source
        .cases
        .iter()
        .filter(|case| filter.is_none_or(|f| case.id.contains(f)))
        .collect()
}

fn run_parent(options: &Options) -> ExitCode {
    let files = match qtt::collect_files(&options.paths) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut rows: Vec<(String, Summary)> = Vec::new();
    let mut total = Summary::default();
    let mut n_unreadable = 0;
    let stdout = std::io::stdout();
    for file in &files {
        let source = match qtt::load(file) {
            Ok(source) => source,
            Err(error) => {
                println!("ERROR {}: {error}", file.display());
                n_unreadable += 1;
                continue;
            }
        };
        let selected = selected_cases(&source, options.filter.as_deref());
        if selected.is_empty() && options.filter.is_some() {
            continue;
        }
        let mut summary = Summary::default();
        let mut report_case = |report: CaseReport| {
            summary.add(&report);
            let mut out = stdout.lock();
            let _ = writeln!(out, "{}", report.line(options.verbose));
        };
        if cfg!(panic = "unwind") {
            for case in &selected {
                report_case(qtt::run_case_caught(case, EngineAdapter::new));
            }
        } else {
            run_file_in_children(
                file,
                &selected,
                options.filter.as_deref(),
                options.case_timeout,
                &mut report_case,
            );
        }
        let label = relative_label(file, &options.paths);
        let disabled = if source.n_disabled > 0 {
            format!(" [{} disabled tests not counted]", source.n_disabled)
        } else {
            String::new()
        };
        println!("{}{disabled}", summary.line(&format!("== {label}")));
        total.merge(&summary);
        rows.push((label, summary));
    }
    if options.summary_table {
        println!();
        print!("{}", qtt::summary_table(&rows));
        println!();
    }
    if n_unreadable > 0 {
        println!("{n_unreadable} files could not be read");
    }
    println!(
        "positive: {}/{} passed; negative: {}/{} passed ({} with the expected message, {} rejected as unsupported)",
        total.positive_passed,
        total.positive_runnable,
        total.negative_passed,
        total.negative_runnable,
        total.negative_message_matched,
        total.negative_unsupported
    );
    let mut status = ExitCode::SUCCESS;
    if let Some(ratchet) = &options.ratchet {
        match read_ratchet(ratchet) {
            Ok(minimum) if total.passed < minimum => {
                eprintln!(
                    "ratchet: {} passed, below the recorded minimum {minimum} in {}",
                    total.passed,
                    ratchet.display()
                );
                status = ExitCode::FAILURE;
            }
            Ok(minimum) => {
                if total.passed > minimum {
                    eprintln!(
                        "ratchet: {} passed, above the recorded {minimum}: raise {}",
                        total.passed,
                        ratchet.display()
                    );
                }
            }
            Err(message) => {
                eprintln!("ratchet: {message}");
                status = ExitCode::FAILURE;
            }
        }
    }
    println!(
        "{} passed, {} failed, {} skipped",
        total.passed, total.failed, total.skipped
    );
    status
}

fn read_ratchet(path: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.trim().parse().map_err(|_| {
        format!(
            "{} must hold one integer, found {:?}",
            path.display(),
            text.trim()
        )
    })
}

/// The file's path relative to the folder it was found under, for compact labels.
fn relative_label(file: &Path, roots: &[PathBuf]) -> String {
    for root in roots {
        if root.is_dir() {
            if let Ok(relative) = file.strip_prefix(root) {
                return relative.display().to_string();
            }
        }
    }
    file.display().to_string()
}

/// Runs a file's selected cases in child processes (needed when panics abort): each child runs
/// from an index on and reports `START idx` / `RESULT idx json`; when a child dies mid-case, that
/// case fails with the panic message and a new child continues after it.
fn run_file_in_children(
    file: &Path,
    selected: &[&qtt::expand::Case],
    filter: Option<&str>,
    case_timeout: Duration,
    report_case: &mut dyn FnMut(CaseReport),
) {
    let mut next = 0;
    while next < selected.len() {
        let Ok(exe) = std::env::current_exe() else {
            eprintln!("qtt: cannot find its own executable to isolate cases");
            return;
        };
        let mut command = Command::new(exe);
        command
            .arg("--child")
            .arg(file)
            .arg("--start-at")
            .arg(next.to_string());
        if let Some(filter) = filter {
            command.arg("--filter").arg(filter);
        }
        let spawned = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => {
                eprintln!("qtt: cannot start a child process: {e}");
                return;
            }
        };
        let mut started: Option<usize> = None;
        let mut panic_message: Option<String> = None;
        let mut timed_out = false;
        if let Some(stdout) = child.stdout.take() {
            // A reader thread, so that a case that never finishes can be timed out.
            let (sender, receiver) = mpsc::channel::<String>();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if sender.send(line).is_err() {
                        break;
                    }
                }
            });
            loop {
                let line = match receiver.recv_timeout(case_timeout) {
                    Ok(line) => line,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        timed_out = true;
                        let _ = child.kill();
                        break;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                };
                let mut parts = line.splitn(3, '\t');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some("START"), Some(idx), _) => started = idx.parse().ok(),
                    (Some("PANIC"), Some(message), _) => panic_message = Some(message.to_string()),
                    (Some("RESULT"), Some(idx), Some(json)) => {
                        if let (Ok(idx), Ok(report)) = (
                            idx.parse::<usize>(),
                            serde_json::from_str::<CaseReport>(json),
                        ) {
                            report_case(report);
                            next = idx + 1;
                            started = None;
                        }
                    }
                    _ => {}
                }
            }
        }
        let _ = child.wait();
        match started {
            Some(idx) if idx < selected.len() => {
                let reason = match (timed_out, panic_message) {
                    (true, _) => format!("timeout: no result after {} s", case_timeout.as_secs()),
                    (false, Some(message)) => format!("panic: {message}"),
                    (false, None) => "panic: the case's process died".to_string(),
                };
                if let Some(case) = selected.get(idx) {
                    report_case(CaseReport::failed(case, reason));
                }
                next = idx + 1;
            }
            _ => {
                if next < selected.len() {
                    // The child stopped without starting a case: report the rest once, then stop.
                    for case in selected.iter().skip(next) {
                        let reason = "the case's process stopped before running it".to_string();
                        report_case(CaseReport::failed(case, reason));
                    }
                    return;
                }
            }
        }
    }
}

/// Child side of [`run_file_in_children`].
fn run_child(file: &Path, start_at: usize, filter: Option<&str>) -> ExitCode {
    qtt::install_quiet_panic_hook(true);
    let Ok(source) = qtt::load(file) else {
        return ExitCode::from(2);
    };
    let selected = selected_cases(&source, filter);
    let stdout = std::io::stdout();
    for (idx, case) in selected.iter().enumerate().skip(start_at) {
        {
            let mut out = stdout.lock();
            let _ = writeln!(out, "START\t{idx}");
            let _ = out.flush();
        }
        let report = qtt::run_case_caught(case, EngineAdapter::new);
        let json = serde_json::to_string(&report).unwrap_or_default();
        let mut out = stdout.lock();
        let _ = writeln!(out, "RESULT\t{idx}\t{json}");
        let _ = out.flush();
    }
    ExitCode::SUCCESS
}
