//! `server reindex`: rebuilds the Postgres documents from the catalog into a fresh table swapped
//! in atomically and, at the same time (when Meilisearch is configured), fills a new index from
//! the catalog and swaps it in atomically. Sync workers
//! pause meanwhile (the reindex holds the sync lock) and afterwards push what changed during it
//! into the new index, so nothing written during a reindex is lost.

use std::time::Instant;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use sqlx::PgPool;

use super::meili::MeiliSearch;
use crate::clock::SharedClock;
use crate::db::{search_docs, search_sync};

/// Documents per Meilisearch batch.
const BATCH: i64 = 5_000;

/// What a reindex did, for the command line and the benchmark.
#[derive(Debug, Clone)]
pub struct Reindexed {
    pub documents: i64,
    /// Seconds from the start until the Postgres documents were swapped in…
    pub postgres_secs: f64,
    /// …and until the Meilisearch index was (the two run at the same time).
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
        .bind(search_sync::SYNC_LOCK)
        .execute(&mut *lock)
        .await?;
    let result = rebuild(db, meili, clock, progress).await;
    sqlx::query("select pg_advisory_unlock($1)")
        .bind(search_sync::SYNC_LOCK)
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
    let bars = if progress {
        MultiProgress::new()
    } else {
        MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
    };
    // Both at once: Meilisearch is fed from the catalog itself, not from the table being
    // rebuilt, so neither waits for the other.
    let postgres = async {
        let spinner = bars.add(bar(1, "postgres", progress));
        let documents = search_sync::rebuild_all(db).await? as i64;
        spinner.inc(1);
        spinner.finish_with_message(format!("postgres: {documents} documents"));
        Ok::<_, anyhow::Error>((documents, started.elapsed().as_secs_f64()))
    };
    let meilisearch = async {
        let Some(meili) = meili else {
            return Ok(None);
        };
        let expected = search_docs::count(db).await?;
        let fresh = format!(
            "{}_reindex_{}",
            meili.index_name(),
            uuid::Uuid::new_v4().simple()
        );
        meili.configure(&fresh).await?;
        let bar = bars.add(bar(expected.max(0) as u64, "meilisearch", progress));
        let today = clock.today();
        let mut after = None;
        let mut tasks = Vec::new();
        loop {
            let docs = search_docs::source_page_after(db, after, BATCH).await?;
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
        Ok::<_, anyhow::Error>(Some(started.elapsed().as_secs_f64()))
    };
    let ((documents, postgres_secs), meili_secs) = tokio::try_join!(postgres, meilisearch)?;
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
