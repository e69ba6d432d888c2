//! The browser UI (Yew). Compiled for wasm32 only.

pub fn start() {}
