//! Compiles the lesson files (lessons/*.toml) into Rust at build time, so the browser parses no
//! TOML (see src/lessons/compiled.rs for why). The lesson model and loader are the crate's own
//! files, compiled here by path: a bad lesson file fails the build with the loader's
//! file:line:column message. Output: `$OUT_DIR/lessons.rs`, one function per lesson building
//! the `Lesson` value from its `Debug` form.

use std::fmt::Write as _;
use std::path::Path;

// The crate's modules these files name (`crate::clock`, `crate::producers`, `super::model`).
#[allow(dead_code)]
#[path = "src/clock.rs"]
mod clock;
#[allow(dead_code)]
#[path = "src/producers/kind.rs"]
mod kind;
#[allow(dead_code)]
#[path = "src/lessons/load.rs"]
mod load;
#[allow(dead_code)]
#[path = "src/lessons/model.rs"]
mod model;
mod producers {
    pub use super::kind::ScenarioKind;
}

fn main() {
    for path in ["lessons", "src/lessons/model.rs", "src/lessons/load.rs", "src/producers/kind.rs", "src/clock.rs"] {
        println!("cargo:rerun-if-changed={path}");
    }
    if let Err(message) = compile() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn compile() -> Result<(), String> {
    let mut names: Vec<String> = std::fs::read_dir("lessons")
        .map_err(|e| format!("lessons/: {e}"))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".toml"))
        .collect();
    names.sort();
    let mut files = Vec::with_capacity(names.len());
    for name in &names {
        let text = std::fs::read_to_string(Path::new("lessons").join(name)).map_err(|e| format!("lessons/{name}: {e}"))?;
        files.push((name.as_str(), text));
    }
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(name, text)| (*name, text.as_str())).collect();
    let lessons = load::parse_lessons(&borrowed).map_err(|e| format!("lessons/{e}"))?;

    let mut out = String::from("/// Every lesson of lessons/, ordered by number.\npub fn lessons() -> Vec<Lesson> {\n    vec![");
    for i in 0..lessons.len() {
        let _ = write!(out, "lesson_{i}(), ");
    }
    out.push_str("]\n}\n");
    for (i, lesson) in lessons.iter().enumerate() {
        let _ = write!(out, "\nfn lesson_{i}() -> Lesson {{\n    {}\n}}\n", debug_to_rust(&format!("{lesson:?}"))?);
    }
    let dir = std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?;
    std::fs::write(Path::new(&dir).join("lessons.rs"), out).map_err(|e| format!("writing lessons.rs: {e}"))
}

/// Turns a derived `Debug` text of the lesson model into a Rust expression that builds it: a
/// string becomes `"…".into()` (every text in the model is a `String`), a list `vec![…]`,
/// `Not { of: x }` boxes `x`, and non-finite floats name their constants. `Debug` writes strings
/// with Rust's own escapes, so their text is copied as is. The names of structs and variants are
/// brought into scope by src/lessons/compiled.rs.
fn debug_to_rust(debug: &str) -> Result<String, String> {
    let mut out = String::with_capacity(debug.len() * 2);
    // For each open `{`: what to write before its `}` (`)` when its value was boxed).
    let mut braces: Vec<&str> = Vec::new();
    let mut last_ident = String::new();
    let mut chars = debug.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                let mut escaped = false;
                loop {
                    let Some((_, c)) = chars.next() else { return Err(format!("unterminated string at {at}")) };
                    out.push(c);
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        _ => escaped = false,
                    }
                }
                out.push_str(".into()");
            }
            '[' => out.push_str("vec!["),
            '{' => {
                out.push('{');
                if last_ident == "Not" {
                    let rest = debug.get(at + 1..).unwrap_or("");
                    let Some(field) = rest.strip_prefix(" of: ") else { return Err(format!("unexpected Not at {at}")) };
                    out.push_str(" of: Box::new(");
                    for _ in 0..rest.len() - field.len() {
                        chars.next();
                    }
                    braces.push(") ");
                } else {
                    braces.push("");
                }
                last_ident.clear();
            }
            '}' => {
                out.push_str(braces.pop().ok_or_else(|| format!("unbalanced }} at {at}"))?);
                out.push('}');
            }
            c if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' => {
                let mut word = String::from(c);
                while let Some(&(_, next)) = chars.peek() {
                    // Numbers such as 1e-7 and 2.5e+30 keep their sign after the exponent.
                    let exponent_sign = (next == '-' || next == '+') && word.ends_with('e') && word.starts_with(|c: char| c.is_ascii_digit() || c == '-');
                    if next.is_alphanumeric() || next == '_' || next == '.' || exponent_sign {
                        word.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                match word.as_str() {
                    "inf" => out.push_str("f64::INFINITY"),
                    "-inf" => out.push_str("f64::NEG_INFINITY"),
                    "NaN" => out.push_str("f64::NAN"),
                    _ => out.push_str(&word),
                }
                last_ident = word;
            }
            c => {
                if !c.is_whitespace() {
                    last_ident.clear();
                }
                out.push(c);
            }
        }
    }
    if braces.is_empty() {
        Ok(out)
    } else {
        Err("unbalanced {".to_string())
    }
}
