#![no_main]
//! Fuzz target `stored_state`: see fuzz/README.md. The harness is shared with tests/fuzz_regressions.rs.

#[path = "../src/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::stored_state(data));
