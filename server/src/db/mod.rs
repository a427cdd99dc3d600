//! Database access: the pool, migrations, and one module per aggregate with its SQL in plain view.

pub mod annex;
pub mod audit;
pub mod carts;
pub mod catalog;
pub mod certificates;
pub mod gis;
pub mod imports;
pub mod livestreams;
pub mod mail;
pub mod ocop_applications;
pub mod orders;
pub mod producers;
pub mod product_page;
pub mod products;
pub mod report;
pub mod reviews;
pub mod sales;
pub mod search_docs;
pub mod search_sync;
pub mod users;
pub mod workspace;

use std::time::Duration;

use secrecy::ExposeSecret;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::config::DatabaseSettings;

/// The migrations in `migrations/`, embedded so running the server needs no CLI.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Opens a pool without connecting yet, so the server can start (and report not-ready)
/// while the database is still coming up.
pub fn connect_lazy(settings: &DatabaseSettings) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_secs(settings.acquire_timeout_secs))
        .connect_lazy(settings.url.expose_secret())?;
    Ok(pool)
}

/// Applies pending migrations; several instances starting at once are serialised by sqlx's lock.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
    Ok(())
}
