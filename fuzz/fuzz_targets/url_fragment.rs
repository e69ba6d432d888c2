#![no_main]
//! Fuzz target `url_fragment`: see fuzz/README.md. The harness is shared with tests/fuzz_regressions.rs.

#[path = "../src/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::url_fragment(data));
