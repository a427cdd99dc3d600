//! Sync without loss: product, producer, certificate, photo and GI writes add an outbox row in
//! their own transaction (database triggers, or [`enqueue_product`] for code that wants to be
//! explicit); a worker on every instance claims rows with `FOR UPDATE SKIP LOCKED`, pushes the
//! documents to Meilisearch, and retries failures with backoff. A daily-granular sweep re-sends
//! products whose certificate lapsed, so their stars leave Meilisearch's facets.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{SearchDoc, SearchError, SearchIndex};
use crate::clock::SharedClock;
use crate::db::{search_docs, search_sync};

/// Rows claimed per round.
const BATCH: i64 = 500;
/// How often an idle worker looks for new rows.
const IDLE_POLL: Duration = Duration::from_millis(200);
/// How often the expiry sweep runs (it does work only when the day has changed).
const SWEEP_EVERY: Duration = Duration::from_secs(600);

/// Rebuilds a product's search document and queues it for Meilisearch, in the caller's
/// transaction. Writes through `products`, `ocop_certificates`, `product_images`, `producers` or
/// `geographical_indications` already do this by trigger; call it after changes elsewhere that
/// a document shows.
pub async fn enqueue_product(tx: &mut PgConnection, product_id: Uuid) -> sqlx::Result<()> {
    search_sync::refresh_products(tx, &[product_id]).await
}

/// Backoff after `attempts` failures: 0.5 s, 1 s, 2 s … capped at 10 s, so a returning engine
/// is caught up within seconds.
pub fn backoff_ms(attempts: i32) -> i64 {
    let exp = attempts.clamp(0, 10) as u32;
    (500_i64 << exp).min(10_000)
}

/// One round: claims ready rows, pushes them, deletes them (or schedules a retry). Returns how
/// many rows it handled; 0 when idle or while a reindex holds the sync lock.
pub async fn drain_once(
    db: &PgPool,
    index: Option<&dyn SearchIndex>,
    clock: &SharedClock,
) -> Result<usize, SearchError> {
    let mut tx = db.begin().await?;
    let Some(rows) = search_sync::claim_outbox(&mut tx, BATCH).await? else {
        return Ok(0);
    };
    if rows.is_empty() {
        return Ok(0);
    }
    let row_ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let Some(index) = index else {
        // Postgres is the engine: its documents are already current; nothing to push.
        search_sync::delete_outbox(&mut tx, &row_ids).await?;
        tx.commit().await?;
        return Ok(rows.len());
    };
    let products: BTreeSet<Uuid> = rows.iter().map(|row| row.product_id).collect();
    // A product whose every row says only its stock crossed zero gets a partial update.
    let whole: BTreeSet<Uuid> = rows
        .iter()
        .filter(|row| !row.in_stock_only)
        .map(|row| row.product_id)
        .collect();
    let ids: Vec<Uuid> = products.iter().copied().collect();
    let docs = search_docs::by_ids(&mut *tx, &ids).await?;
    let present: BTreeSet<Uuid> = docs.iter().map(|d| d.id).collect();
    let gone: Vec<Uuid> = ids
        .iter()
        .filter(|id| !present.contains(id))
        .copied()
        .collect();
    let (docs, stock_only): (Vec<SearchDoc>, Vec<SearchDoc>) =
        docs.into_iter().partition(|doc| whole.contains(&doc.id));
    let stock: Vec<(Uuid, bool)> = stock_only.iter().map(|d| (d.id, d.in_stock)).collect();
    let applied = match index.apply(docs, gone, clock.today()).await {
        Ok(()) => index.set_in_stock(stock).await,
        Err(error) => Err(error),
    };
    match applied {
        Ok(()) => {
            search_sync::delete_outbox(&mut tx, &row_ids).await?;
            tx.commit().await?;
            Ok(rows.len())
        }
        Err(error) => {
            let attempts = rows.iter().map(|row| row.attempts).max().unwrap_or(0);
            search_sync::retry_outbox(&mut tx, &row_ids, backoff_ms(attempts), &error.to_string())
                .await?;
            tx.commit().await?;
            Err(error)
        }
    }
}

/// Re-sends products whose certificate lapsed since the last sweep (each day once, whichever
/// instance gets there first). Returns how many products were queued.
pub async fn sweep_expired(db: &PgPool, clock: &SharedClock) -> sqlx::Result<usize> {
    let mut tx = db.begin().await?;
    let ids = search_sync::sweep_expired(&mut tx, clock.today()).await?;
    search_sync::refresh_products(&mut *tx, &ids).await?;
    tx.commit().await?;
    Ok(ids.len())
}

/// Runs the worker and the expiry sweep until the task is dropped.
pub async fn run(db: PgPool, index: Option<Arc<dyn SearchIndex>>, clock: SharedClock) {
    let mut next_sweep = tokio::time::Instant::now();
    loop {
        if tokio::time::Instant::now() >= next_sweep {
            match sweep_expired(&db, &clock).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(products = n, "certificates lapsed; documents re-sent"),
                Err(error) => tracing::warn!(%error, "expiry sweep failed"),
            }
            next_sweep = tokio::time::Instant::now() + SWEEP_EVERY;
        }
        match drain_once(&db, index.as_deref(), &clock).await {
            Ok(0) => tokio::time::sleep(IDLE_POLL).await,
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "search sync failed; will retry");
                tokio::time::sleep(IDLE_POLL).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_doubles_up_to_ten_seconds() {
        assert_eq!(backoff_ms(0), 500);
        assert_eq!(backoff_ms(1), 1000);
        assert_eq!(backoff_ms(3), 4000);
        assert_eq!(backoff_ms(5), 10_000);
        assert_eq!(backoff_ms(100), 10_000);
    }
}
