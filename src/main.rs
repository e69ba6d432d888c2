//! The `streamlab` binary: on wasm32 it mounts the app; natively it is the command-line tool.

#[cfg(target_arch = "wasm32")]
fn main() {
    streamlab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("usage: streamlab run FILE.sql");
    std::process::exit(2);
}
