//! Test harness: [`TestApp`] runs the real application on its own fresh, migrated database, and
//! [`Browser`] drives headless Chromium against it.

mod app;
pub mod bench;
mod browser;
mod meili;
mod s3;
pub mod sheets;
pub mod shop;

pub use app::TestApp;
pub use browser::Browser;
pub use meili::{Meili, MeiliSource};
pub use s3::S3Server;
