//! The lesson files' text, for the tests and the fuzz targets that parse them at run time (the
//! app uses the catalogue build.rs compiled, so this text is not linked into the wasm).
//! tests/lessons.rs checks that this list and the lessons/ folder hold the same files.

/// `(file name, text)` for every file in lessons/ ending in `.toml`.
pub const LESSON_FILES: &[(&str, &str)] = &[
    ("01_decoupling.toml", include_str!("../../lessons/01_decoupling.toml")),
    ("02_analytics.toml", include_str!("../../lessons/02_analytics.toml")),
    ("03_batch_is_latency.toml", include_str!("../../lessons/03_batch_is_latency.toml")),
    ("04_the_log.toml", include_str!("../../lessons/04_the_log.toml")),
    ("05_three_lenses.toml", include_str!("../../lessons/05_three_lenses.toml")),
    ("06_duality.toml", include_str!("../../lessons/06_duality.toml")),
    ("07_streaming_integration.toml", include_str!("../../lessons/07_streaming_integration.toml")),
    ("08_availability.toml", include_str!("../../lessons/08_availability.toml")),
    ("09_replay.toml", include_str!("../../lessons/09_replay.toml")),
    ("10_patterns.toml", include_str!("../../lessons/10_patterns.toml")),
    ("11_ksql_examples.toml", include_str!("../../lessons/11_ksql_examples.toml")),
    ("12_embrace_the_anarchy.toml", include_str!("../../lessons/12_embrace_the_anarchy.toml")),
];
