//! Test harness: [`TestApp`] runs the real application on its own fresh, migrated database, and
//! [`Browser`] drives headless Chromium against it; [`SmtpServer`] and [`S3Server`] are real
//! servers the app talks to.

mod app;
pub mod bench;
mod browser;
mod catalog;
mod meili;
pub mod members;
mod s3;
pub mod sheets;
pub mod shop;
mod smtp;

pub use app::{TestApp, site_root};
pub use browser::Browser;
pub use catalog::catalog_query;
pub use meili::{Meili, MeiliSource};
pub use s3::S3Server;
pub use smtp::{Received, SmtpServer};

/// A loopback port nobody listens on right now, for the servers the tests start (s3s-fs,
/// aiosmtpd, chromedriver, Meilisearch). Another process could take it before they bind; each
/// starter reports that as the server exiting early.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}
