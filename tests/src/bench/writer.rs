//! Stock changes beside the search benchmark's readers, as orders make them: the orders' own
//! statement (`db::orders::take_stock`) under the row lock, a restock when a product runs out.
//! Each change that moves a product in or out of stock is timed until search shows it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use sqlx::PgPool;
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::percentile;

/// Where a change must become visible.
#[derive(Clone)]
pub enum Seen {
    /// The Postgres engine's documents (written in the change's own transaction).
    Postgres(PgPool),
    /// Meilisearch at this URL, index `bench_products` (fed through the outbox).
    Meilisearch(String),
}

/// A running writer; [`Writer::stop`] ends it and reports.
pub struct Writer {
    stop: Arc<AtomicBool>,
    task: JoinHandle<anyhow::Result<()>>,
    changes: Arc<AtomicU64>,
    flips: Arc<AtomicU64>,
    freshness: Arc<Mutex<Vec<f64>>>,
    pending: Arc<Mutex<Vec<JoinHandle<()>>>>,
    started: Instant,
    db: PgPool,
}

/// What the writer did, and how quickly search caught up.
pub struct Report {
    pub changes: u64,
    pub flips: u64,
    pub secs: f64,
    /// Milliseconds from each in/out-of-stock change's commit to search showing it.
    pub freshness_ms: Vec<f64>,
    /// Outbox rows when the writer stopped, and how long until none were left.
    pub backlog_at_stop: i64,
    pub drained_after: Option<Duration>,
}

/// Starts `per_second` stock changes a second over the synthetic products.
pub async fn start(db: PgPool, per_second: u32, seen: Seen) -> anyhow::Result<Writer> {
    let products: Vec<Uuid> = sqlx::query_scalar(
        "select id from products where status = 'active' and slug like 'sx-%' order by random() limit 2000",
    )
    .fetch_all(&db)
    .await?;
    anyhow::ensure!(!products.is_empty(), "no synthetic products to sell");
    let stop = Arc::new(AtomicBool::new(false));
    let changes = Arc::new(AtomicU64::new(0));
    let flips = Arc::new(AtomicU64::new(0));
    let freshness = Arc::new(Mutex::new(Vec::new()));
    let pending = Arc::new(Mutex::new(Vec::new()));
    let task = tokio::spawn({
        let (db, stop, changes, flips, freshness, pending) = (
            db.clone(),
            stop.clone(),
            changes.clone(),
            flips.clone(),
            freshness.clone(),
            pending.clone(),
        );
        async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1) / per_second.max(1));
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                let product = products[(n * 7919) % products.len()];
                n += 1;
                let in_stock = sell_one(&db, product).await?;
                changes.fetch_add(1, Ordering::Relaxed);
                if let Some(in_stock) = in_stock {
                    flips.fetch_add(1, Ordering::Relaxed);
                    let committed = Instant::now();
                    let (seen, freshness) = (seen.clone(), freshness.clone());
                    let watch = tokio::spawn(async move {
                        if shown(&seen, product, in_stock, committed).await {
                            let ms = committed.elapsed().as_secs_f64() * 1000.0;
                            freshness.lock().expect("freshness").push(ms);
                        }
                    });
                    pending.lock().expect("pending").push(watch);
                }
            }
            anyhow::Ok(())
        }
    });
    Ok(Writer {
        stop,
        task,
        changes,
        flips,
        freshness,
        pending,
        started: Instant::now(),
        db,
    })
}

/// One order's worth: takes one unit, or restocks a product that ran out. `Some(in_stock)` when
/// the product moved in or out of stock.
async fn sell_one(db: &PgPool, product: Uuid) -> anyhow::Result<Option<bool>> {
    let mut tx = db.begin().await?;
    let stock: Decimal = sqlx::query_scalar("select stock from products where id = $1 for update")
        .bind(product)
        .fetch_one(&mut *tx)
        .await?;
    let flipped = if stock >= Decimal::ONE {
        server::db::orders::take_stock(&mut tx, &[product], &[Decimal::ONE]).await?;
        (stock == Decimal::ONE).then_some(false)
    } else {
        sqlx::query("update products set stock = stock + 5 where id = $1")
            .bind(product)
            .execute(&mut *tx)
            .await?;
        Some(true)
    };
    tx.commit().await?;
    Ok(flipped)
}

/// Waits (up to 30 s) until search shows `product` as `in_stock`; false if it never did.
async fn shown(seen: &Seen, product: Uuid, in_stock: bool, since: Instant) -> bool {
    let client = reqwest::Client::new();
    while since.elapsed() < Duration::from_secs(30) {
        let now = match seen {
            Seen::Postgres(db) => sqlx::query_scalar::<_, bool>(
                "select in_stock from search_documents where product_id = $1",
            )
            .bind(product)
            .fetch_optional(db)
            .await
            .ok()
            .flatten(),
            Seen::Meilisearch(url) => {
                let url =
                    format!("{url}/indexes/bench_products/documents/{product}?fields=in_stock");
                match client.get(url).send().await {
                    Ok(response) => response
                        .json::<serde_json::Value>()
                        .await
                        .ok()
                        .and_then(|doc| doc["in_stock"].as_bool()),
                    Err(_) => None,
                }
            }
        };
        if now == Some(in_stock) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    false
}

impl Writer {
    /// Stops writing, waits for the changes to show, and measures the outbox draining.
    pub async fn stop(self) -> anyhow::Result<Report> {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await??;
        let secs = self.started.elapsed().as_secs_f64();
        let backlog_at_stop: i64 = sqlx::query_scalar("select count(*) from search_outbox")
            .fetch_one(&self.db)
            .await?;
        let stopped = Instant::now();
        let mut drained_after = None;
        while stopped.elapsed() < Duration::from_secs(30) {
            let left: i64 = sqlx::query_scalar("select count(*) from search_outbox")
                .fetch_one(&self.db)
                .await?;
            if left == 0 {
                drained_after = Some(stopped.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let watches: Vec<_> = std::mem::take(&mut *self.pending.lock().expect("pending"));
        for watch in watches {
            watch.await?;
        }
        let freshness_ms = std::mem::take(&mut *self.freshness.lock().expect("freshness"));
        Ok(Report {
            changes: self.changes.load(Ordering::Relaxed),
            flips: self.flips.load(Ordering::Relaxed),
            secs,
            freshness_ms,
            backlog_at_stop,
            drained_after,
        })
    }
}

impl Report {
    pub fn print(mut self) {
        println!();
        println!(
            "writer: {} stock changes in {:.0} s ({:.1}/s), {} in or out of stock",
            self.changes,
            self.secs,
            self.changes as f64 / self.secs,
            self.flips
        );
        if self.freshness_ms.is_empty() {
            println!("freshness: no change to time");
        } else {
            let shown = self.freshness_ms.len();
            println!(
                "freshness (commit → visible in search), {shown}/{} shown: p50 {:.1} ms, p99 {:.1} ms",
                self.flips,
                percentile(&mut self.freshness_ms, 0.50),
                percentile(&mut self.freshness_ms, 0.99)
            );
        }
        println!(
            "outbox backlog when the writer stopped: {} rows; empty after {}",
            self.backlog_at_stop,
            self.drained_after
                .map(|d| format!("{:.2} s", d.as_secs_f64()))
                .unwrap_or_else(|| "more than 30 s".into())
        );
    }
}
