//! The `streamlab` binary: on wasm32 it mounts the app; natively it is the command-line tool.

#[cfg(target_arch = "wasm32")]
fn main() {
    streamlab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [command, path] if command == "run" => std::process::exit(native::run_file(path)),
        _ => {
            eprintln!("usage: streamlab run FILE.sql");
            std::process::exit(2);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use streamlab::log::Log;
    use streamlab::sql::cli::{render, render_error};
    use streamlab::sql::Engine;

    /// Runs a script against a fresh log and engine, printing what the ksqlDB CLI would print.
    /// Returns the process exit status: 0 on success, 1 on a SQL error, 2 if the file is unreadable.
    pub fn run_file(path: &str) -> i32 {
        let sql = match std::fs::read_to_string(path) {
            Ok(sql) => sql,
            Err(error) => {
                eprintln!("{path}: {error}");
                return 2;
            }
        };
        let mut log = Log::new();
        let mut engine = Engine::new();
        let outcome = engine.execute_script_live(&mut log, 0, &sql);
        let mut status = 0;
        let mut printed = String::new();
        for result in &outcome.results {
            printed.push_str(&render(result));
        }
        print!("{printed}");
        if let Some(error) = outcome.error {
            eprintln!("{path}:{}", render_error(&error));
            status = 1;
        } else if let Err(error) = engine.run_until_idle(&mut log, 0) {
            eprintln!("{path}:{}", render_error(&error));
            status = 1;
        }
        status
    }
}
