//! The Chợ OCOP web UI: Leptos pages rendered on the server; only the few parts that react in
//! the browser are islands (`#[island]`), and only they ship code.
//!
//! `api` is the UI↔backend contract (DTOs + server functions). Server functions reach the backend
//! through the [`api::Backend`] port, which the `server` crate implements and provides as context,
//! so dependencies point one way: server → frontend.

// Deeply nested typed views (Leptos's static view trees) exceed the default limit of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod assets;
pub mod components;
pub mod format;
pub mod i18n;
pub mod pages;

pub use app::{App, shell};

/// The browser entry point, called by the island loader before it wakes each island.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
