//! Sharing a demo: deep links (`fragment`), presenter keys (`keys`), the speaker view's messages
//! (`speaker`), scripted typing (`typing`), the sandbox's layouts (`layout`) and export to a real Kafka + ksqlDB (`export`).
//!
//! Plain Rust with no web dependency, so all of it is tested natively; the browser glue lives in
//! `src/ui/presenter/`, `src/ui/deep_link.rs` and `src/ui/export_button.rs`.

pub mod deck;
pub mod export;
pub mod fragment;
pub mod keys;
pub mod layout;
pub mod speaker;
pub mod typing;
