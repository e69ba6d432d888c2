//! The browser UI (Yew), compiled for wasm32 only.
//!
//! **API boundary:** components render plain data and dispatch [`app::Action`]s to the reducer
//! in `app.rs`; they never reach into engine internals.

pub mod app;
mod cluster_view;
mod connectors_view;
mod console;
pub mod deep_link;
pub mod demo_layout;
pub mod export_button;
mod header;
mod home;
pub mod lesson;
mod log_view;
pub mod panic_panel;
pub mod presenter;
mod producers_panel;
pub mod progress;
pub mod sandbox;
pub mod store;
pub mod theme;
mod duality;
mod race;
mod topology;
pub mod views_panel;
mod windows_view;

pub use app::App;

/// Mounts the app on `<body>`, after installing the panic hook so a bug shows a readable panel
/// instead of a dead page.
pub fn start() {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    if crate::share::speaker::is_speaker_route(&search) {
        presenter::speaker::start();
        return;
    }
    panic_panel::install();
    yew::Renderer::<App>::new().render();
}
