//! Test harness: [`TestApp`] runs the real application on its own fresh, migrated database, and
//! [`Browser`] drives headless Chromium against it.

mod app;
mod browser;

pub use app::TestApp;
pub use browser::Browser;
