//! The browser UI (Yew), compiled for wasm32 only.
//!
//! **API boundary:** components render plain data and dispatch [`app::Action`]s to the reducer
//! in `app.rs`; they never reach into engine internals.

pub mod app;
mod cluster_view;
mod connectors_view;
mod console;
mod header;
mod home;
mod log_view;
pub mod panic_panel;
mod producers_panel;
pub mod sandbox;
pub mod store;
pub mod theme;

pub use app::App;

/// Mounts the app on `<body>`, after installing the panic hook so a bug shows a readable panel
/// instead of a dead page.
pub fn start() {
    panic_panel::install();
    yew::Renderer::<App>::new().render();
}
