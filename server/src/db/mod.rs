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
pub mod members;
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

/// Whether a failure means the database cannot be reached right now (down, restarting, refusing
/// connections, a pool that waited in vain), as opposed to a query of ours going wrong: those
/// answer 503 and the pool reconnects once it is back.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // 08: connection exception; 57P0x: admin shutdown, crash shutdown, cannot connect
            // now; 55000 is what a database that does not allow connections answers.
            code.starts_with("08") || code.starts_with("57P") || code == "55000"
        }),
        _ => false,
    }
}

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
