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
    use streamlab::sql::cli::run_script;

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
        let output = run_script(&sql, 0);
        print!("{}", output.stdout);
        match output.error {
            Some(error) => {
                eprintln!("{path}:{error}");
                1
            }
            None => 0,
        }
    }
}
