//! The lesson files, embedded at build time. tests/lessons.rs checks that this list and the
//! lessons/ folder hold the same files.

/// `(file name, text)` for every file in lessons/ ending in `.toml`.
pub const LESSON_FILES: &[(&str, &str)] = &[
    ("07_streaming_integration.toml", include_str!("../../lessons/07_streaming_integration.toml")),
];
