//! Test harness: [`TestApp`] runs the real application on its own fresh, migrated database, and
//! [`Browser`] drives headless Chromium against it.

mod app;
mod browser;
mod s3;

pub use app::TestApp;
pub use browser::Browser;
pub use s3::S3Server;
