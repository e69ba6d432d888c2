//! The lessons of lessons/, compiled by build.rs into code that builds the model directly.
//!
//! Why: parsing TOML in the browser linked a TOML parser and serde's deserializers for the
//! model into the wasm (about 320 KB before wasm-opt). build.rs parses every file with
//! [`super::parse_lessons`] (the same parser and checks the tests use: a bad file fails the
//! build with file:line:column) and writes each [`Lesson`]'s `Debug` form as Rust constructors
//! into `$OUT_DIR/lessons.rs` (see `build.rs`). tests/lessons.rs checks that what this module
//! returns equals what the parser reads from the files.

#[allow(unused_imports)]
use super::model::{
    Action::*, Check::*, CompareOp::*, Duration, Lesson, Scalar::*, SourceKindName::*, StartFrom::*, Step,
    SyntaxVariants, TimeOfDay,
};

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));
