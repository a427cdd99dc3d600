//! Periodic work, safe to run on every instance and any number of times: the daily OCOP job
//! records certificates that have just expired (so search can re-index their products) and the
//! producers' reminder digests, queued for the mailer. Started by `startup.rs`; tests call
//! [`run_daily`] directly with the date they want.

use std::time::Duration;

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::db;
use crate::state::AppState;

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DailyReport {
    /// Products whose certificate expired since the last run: their search entries must drop
    /// the stars.
    pub expired_products: Vec<Uuid>,
    /// Digest rows added (one per producer with reminders, once a day).
    pub digests_added: u64,
}

/// Runs the daily OCOP work for `today`. Idempotent: a second run the same day adds nothing.
pub async fn run_daily(
    db: &PgPool,
    today: NaiveDate,
    base_url: &str,
) -> anyhow::Result<DailyReport> {
    let mut tx = db.begin().await?;
    let expired_products = db::certificates::record_expiries(&mut tx, today).await?;
    // In the same transaction: an expiry is recorded if and only if its products' search
    // documents are rebuilt and queued for Meilisearch (the search sweep does the same on its own
    // schedule; doing it twice is harmless).
    if !expired_products.is_empty() {
        db::search_sync::refresh_products(&mut *tx, &expired_products).await?;
    }
    tx.commit().await?;
    // Each digest and its mail in one transaction: a digest is recorded if and only if its
    // members' messages are queued.
    let mut digests_added = 0;
    for (producer, reminders) in db::certificates::daily_digests(db, today, base_url).await? {
        let mut tx = db.begin().await?;
        if db::certificates::record_digest(&mut tx, producer, today, &reminders).await? {
            crate::app::notify::certificate_digest(&mut tx, base_url, producer, today, &reminders)
                .await?;
            digests_added += 1;
        }
        tx.commit().await?;
    }
    Ok(DailyReport {
        expired_products,
        digests_added,
    })
}

/// Runs [`run_daily`] now and then every hour, so a new day is picked up within the hour of its
/// start (Vietnam time) and a missed day is caught up after downtime.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match run_daily(&state.db, state.today(), state.base_url()).await {
                Ok(report) => tracing::debug!(
                    expired = report.expired_products.len(),
                    digests = report.digests_added,
                    "daily OCOP job ran"
                ),
                Err(error) => tracing::warn!(%error, "daily OCOP job failed"),
            }
        }
    })
}
