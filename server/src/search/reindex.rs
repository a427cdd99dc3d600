//! `server reindex`: rebuilds the Postgres documents from the catalog in one transaction, then
//! (when Meilisearch is configured) fills a new index and swaps it in atomically. Sync workers
//! pause meanwhile (the reindex holds the sync lock) and afterwards push what changed during it
//! into the new index, so nothing written during a reindex is lost.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use sqlx::PgPool;

use super::meili::MeiliSearch;
use crate::clock::SharedClock;
use crate::db::search_docs;

/// Documents per Meilisearch batch.
const BATCH: i64 = 5_000;

/// What a reindex did, for the command line and the benchmark.
#[derive(Debug, Clone)]
pub struct Reindexed {
    pub documents: i64,
    pub postgres_secs: f64,
    pub meili_secs: Option<f64>,
}

fn bar(len: u64, what: &str, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

/// Rebuilds everything; `progress` draws bars on the terminal.
pub async fn run(
    db: &PgPool,
    meili: Option<&MeiliSearch>,
    clock: &SharedClock,
    progress: bool,
) -> anyhow::Result<Reindexed> {
    // A session lock on a connection of its own, held to the end: workers skip their rounds.
    let mut lock = db.acquire().await?;
    sqlx::query("select pg_advisory_lock($1)")
        .bind(search_docs::SYNC_LOCK)
        .execute(&mut *lock)
        .await?;
    let result = rebuild(db, meili, clock, progress).await;
    sqlx::query("select pg_advisory_unlock($1)")
        .bind(search_docs::SYNC_LOCK)
        .execute(&mut *lock)
        .await?;
    result
}

async fn rebuild(
    db: &PgPool,
    meili: Option<&MeiliSearch>,
    clock: &SharedClock,
    progress: bool,
) -> anyhow::Result<Reindexed> {
    let started = Instant::now();
    let spinner = bar(1, "postgres", progress);
    // Rows queued before the rebuild are covered by it and by the Meilisearch fill below.
    let documents = search_docs::rebuild_all(db).await? as i64;
    spinner.inc(1);
    spinner.finish_with_message(format!("postgres: {documents} documents"));
    let postgres_secs = started.elapsed().as_secs_f64();

    let meili_secs = match meili {
        None => None,
        Some(meili) => {
            let started = Instant::now();
            let fresh = format!(
                "{}_reindex_{}",
                meili.index_name(),
                uuid::Uuid::new_v4().simple()
            );
            meili.configure(&fresh).await?;
            let bar = bar(documents as u64, "meilisearch", progress);
            let today = clock.today();
            let mut after = None;
            let mut tasks = Vec::new();
            loop {
                let docs = search_docs::page_after(db, after, BATCH).await?;
                let Some(last) = docs.last() else { break };
                after = Some(last.id);
                let n = docs.len() as u64;
                // Queue every batch, then wait: Meilisearch indexes while we read the next.
                tasks.push((n, meili.send(&fresh, docs, today).await?));
            }
            for (n, task) in tasks {
                meili
                    .wait_up_to(task, std::time::Duration::from_secs(600))
                    .await?;
                bar.inc(n);
            }
            meili.swap_in(&fresh).await?;
            bar.finish_with_message("meilisearch: swapped in");
            Some(started.elapsed().as_secs_f64())
        }
    };
    Ok(Reindexed {
        documents,
        postgres_secs,
        meili_secs,
    })
}

/// The command line's entry: connects and migrates as `serve` would, then rebuilds.
pub async fn from_settings(
    settings: &crate::config::Settings,
    progress: bool,
) -> anyhow::Result<Reindexed> {
    let db = crate::db::connect_lazy(&settings.database)?;
    crate::db::migrate(&db).await?;
    let meili = match &settings.search.meili_url {
        Some(url) => Some(MeiliSearch::new(db.clone(), url, &settings.search)?),
        None => None,
    };
    let clock: SharedClock = std::sync::Arc::new(crate::clock::SystemClock);
    run(&db, meili.as_ref(), &clock, progress).await
}
