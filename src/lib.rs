//! streamlab: an in-browser teaching sandbox for event streaming. See ARCHITECTURE.md for the map.
//!
//! The engine modules (`clock`, `log`, `sql`) are plain Rust with no web dependency, so they build
//! and test natively. Only `ui` (compiled for wasm32) touches the browser.

pub mod clock;
pub mod cluster;
pub mod connect;
pub mod lessons;
pub mod log;
pub mod producers;
pub mod qtt;
pub mod share;
pub mod sql;
pub mod world;

#[cfg(target_arch = "wasm32")]
pub mod ui;
