//! Tidy checks that run inside `cargo test`: rules of the codebase that a compiler cannot see.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};

/// Words that must not appear in engine code: web crates (the engine builds natively) and wall
/// clocks (`Instant::now()` and `SystemTime::now()` panic on wasm32; time comes from the virtual
/// clock).
const FORBIDDEN_IN_ENGINE: &[&str] = &["yew", "web_sys", "js_sys", "wasm_bindgen", "gloo", "Instant", "SystemTime"];

/// The UI module and the wasm entry are the only places allowed to use them.
fn is_allowed_web_file(relative: &Path) -> bool {
    relative.starts_with("src/ui") || relative == Path::new("src/main.rs")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// Finds `word` as a whole identifier (so `Instantiate` or `gloomy` do not count).
fn mentions_word(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

fn forbidden_mentions(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut problems = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
        if is_allowed_web_file(&relative) {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (line_idx, line) in text.lines().enumerate() {
            for word in FORBIDDEN_IN_ENGINE {
                if mentions_word(line, word) {
                    problems.push(format!("{}:{}: mentions `{word}`", relative.display(), line_idx + 1));
                }
            }
        }
    }
    problems
}

#[test]
fn engine_code_has_no_web_dependency_and_no_wall_clock() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let problems = forbidden_mentions(root);
    assert!(
        problems.is_empty(),
        "engine code must build natively and read time only from the virtual clock; move these into src/ui or use crate::clock:\n{}",
        problems.join("\n")
    );
}

#[test]
fn tidy_catches_what_it_should() {
    // The checker itself must be able to fail: these lines are caught, those are not.
    assert!(mentions_word("use yew::prelude::*;", "yew"));
    assert!(mentions_word("let t = std::time::Instant::now();", "Instant"));
    assert!(!mentions_word("fn instantiate() {}", "Instant"));
    assert!(!mentions_word("let gloomy = 1;", "gloo"));
    assert!(is_allowed_web_file(Path::new("src/ui/app.rs")));
    assert!(!is_allowed_web_file(Path::new("src/log/mod.rs")));
}

#[test]
fn ui_module_is_compiled_for_wasm32_only() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap_or_default();
    assert!(
        lib.contains("#[cfg(target_arch = \"wasm32\")]\npub mod ui;"),
        "src/lib.rs must declare `pub mod ui;` behind #[cfg(target_arch = \"wasm32\")]"
    );
}
