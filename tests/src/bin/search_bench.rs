//! The search benchmark: seeds `--synthetic 100000` into a bench database, times a full reindex,
//! starts our server on each engine (Postgres with and without its facet cache, Meilisearch when
//! `MEILI_URL`/`MEILI_BIN`/PATH has one), and sends a fixed, realistic query mix with facets
//! through `GET /api/v1/products` — p50/p99 at 1 client, throughput at 32 clients — next to two
//! references: the same queries straight to Meilisearch's `/search` (the engine's ceiling) and
//! `/healthz` (the HTTP ceiling). Prints one table with ratios, then how many real products come
//! first on each engine when their full name is typed without diacritics (the relevance policy).
//!
//! Run in release: `cargo run --release -p tests --bin search_bench` (see the README).
//! Environment: `BENCH_DB` (default `cho_ocop_bench_search`), `BENCH_PRODUCTS` (100000),
//! `BENCH_ROUNDS` (1-client rounds over the mix, 20), `BENCH_SECS` (32-client run, 10),
//! `BENCH_REINDEX` (0 skips the timed reindex when the documents are already built),
//! `BENCH_WRITES` (stock changes per second in the second, busy run of the table; 0 skips it).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use server::clock::{SharedClock, SystemClock};
use server::domain::listing::ProductFilter;
use server::{Application, Settings};
use tests::bench::writer;
use tests::bench::{env_or, percentile};
use tests::{Meili, MeiliSource};

/// What buyers send: words with and without diacritics, synonyms, old places, a typo, filters,
/// sorts and a second page; every request returns facets.
const MIX: &[&str] = &[
    "q=tra+tan+cuong",
    "q=ch%C3%A8",
    "q=mien+dong",
    "q=m%E1%BA%ADt+ong+r%E1%BB%ABng",
    "q=bac+kan",
    "q=dai+tu",
    "q=tra&min_stars=4",
    "category=che",
    "category=thuc-pham&sort=price_asc",
    "q=gao+nep&in_stock=true",
    "q=ruou+men+la&sort=price_desc",
    "",
    "q=tra+moc+cau&commune=05503",
    "q=hong+khong+hat",
    "q=mat+ongg",
    "category=che&page=2",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let db_name: String = env_or("BENCH_DB", "cho_ocop_bench_search".to_owned());
    let products: u32 = env_or("BENCH_PRODUCTS", 100_000);
    let rounds: usize = env_or("BENCH_ROUNDS", 20);
    let secs: u64 = env_or("BENCH_SECS", 10);
    let reindex: u8 = env_or("BENCH_REINDEX", 1);
    let writes: u32 = env_or("BENCH_WRITES", 20);

    // The default pool (10): more connections than cores only adds contention on 2 cores.
    let (mut settings, pool) = tests::bench::seeded_catalog(&db_name, products).await?;
    // The benchmark measures the server, not the per-client limit refusing it.
    settings.limits.requests_per_second = 0;
    let docs = server::db::search_docs::count(&pool).await?;

    let meili = match MeiliSource::from_env() {
        Some(source) => Some(Meili::start(&source).await),
        None => {
            eprintln!(
                "{}",
                MeiliSource::SKIPPED.replace("search suite", "search bench")
            );
            None
        }
    };
    let clock: SharedClock = Arc::new(SystemClock);

    // A full reindex, timed (with Meilisearch too when there is one).
    let mut meili_settings = settings.search.clone();
    meili_settings.meili_url = meili.as_ref().map(|m| m.url.clone());
    meili_settings.meili_index = Some("bench_products".into());
    let meili_engine = match &meili_settings.meili_url {
        Some(url) => Some(server::search::meili::MeiliSearch::new(
            pool.clone(),
            url,
            &meili_settings,
        )?),
        None => None,
    };
    let started = Instant::now();
    let reindexed = if reindex == 0 && docs > 0 && meili_engine.is_none() {
        None
    } else {
        Some(server::search::reindex::run(&pool, meili_engine.as_ref(), &clock, true).await?)
    };
    let reindex_secs = started.elapsed().as_secs_f64();

    let today = clock.today();

    // The servers: Postgres with and without its facet cache, and Meilisearch's. The outbox
    // feeds Meilisearch when it runs: the Postgres servers then leave it alone.
    let pg_sync = Some(meili.is_none());
    let pg_cached = spawn(&settings, |s| {
        s.meili_url = None;
        s.facet_cache = Some(true);
        s.sync_worker = pg_sync;
    })
    .await?;
    let pg_cold = spawn(&settings, |s| {
        s.meili_url = None;
        s.facet_cache = Some(false);
        s.sync_worker = pg_sync;
    })
    .await?;
    let mut meili_api = None;
    // References first: the HTTP ceiling, then the engine's.
    let mut targets = vec![(
        "our /healthz (HTTP ceiling)",
        Target::Get(vec![format!("{pg_cached}/healthz")]),
    )];
    if let Some(meili) = &meili {
        let bodies = MIX
            .iter()
            .map(|raw| {
                let query = tests::catalog_query(raw);
                let filter = ProductFilter::parse(&query).expect("the mix parses");
                server::search::meili::search_body(&filter, today)
            })
            .collect();
        targets.push((
            "Meilisearch /search direct",
            Target::Post(
                format!("{}/indexes/bench_products/search", meili.url),
                bodies,
            ),
        ));
        let ours = spawn(&settings, |s| {
            s.meili_url = Some(meili.url.clone());
            s.meili_index = Some("bench_products".into());
        })
        .await?;
        targets.push(("API on Meilisearch", Target::Get(api_urls(&ours))));
        meili_api = Some(ours);
    }
    targets.push((
        "API on Postgres (facet cache)",
        Target::Get(api_urls(&pg_cached)),
    ));
    targets.push((
        "API on Postgres (no cache)",
        Target::Get(api_urls(&pg_cold)),
    ));

    // Quiet first, then with stock changes flowing as orders make them.
    let mut rows = Vec::new();
    for (name, target) in &targets {
        rows.push(measure(name, target, rounds, secs).await?);
    }
    print_table(&rows, docs, rounds, secs);
    let mut busy_rows = Vec::new();
    let mut writer_report = None;
    if writes > 0 {
        let seen = match &meili {
            Some(meili) => writer::Seen::Meilisearch(meili.url.clone()),
            None => writer::Seen::Postgres(pool.clone()),
        };
        let writer = writer::start(pool.clone(), writes, seen).await?;
        for (name, target) in &targets {
            busy_rows.push(measure(name, target, rounds, secs).await?);
        }
        writer_report = Some(writer.stop().await?);
        println!();
        println!(
            "with {writes} stock changes per second (the orders' statement) beside the readers:"
        );
        print_table(&busy_rows, docs, rounds, secs);
    }
    print_per_query(&rows);
    if let Some(report) = writer_report {
        print_per_query(&busy_rows);
        report.print();
    }
    let mut engines = vec![("Postgres", pg_cached.clone())];
    engines.extend(meili_api.map(|base| ("Meilisearch", base)));
    print_names_first(&pool, &engines).await?;
    match reindexed {
        Some(reindexed) => println!(
            "full reindex of {} documents: {reindex_secs:.1} s (postgres swapped in after {:.1} s{})",
            reindexed.documents,
            reindexed.postgres_secs,
            reindexed
                .meili_secs
                .map(|s| format!(", meilisearch after {s:.1} s, both at once"))
                .unwrap_or_else(|| ", meilisearch not run".into())
        ),
        None => println!("full reindex: skipped (BENCH_REINDEX=0)"),
    }
    Ok(())
}

/// For every real product, its full name typed without diacritics: is it the first result?
/// Prints the count per engine and the misses.
async fn print_names_first(pool: &sqlx::PgPool, engines: &[(&str, String)]) -> anyhow::Result<()> {
    let real: Vec<(String, String)> = sqlx::query_as(
        "select slug, name from products where status = 'active' and slug not like 'sx-%' order by name",
    )
    .fetch_all(pool)
    .await?;
    let client = reqwest::Client::new();
    for (engine, base) in engines {
        let mut misses = Vec::new();
        for (slug, name) in &real {
            let typed = server::search::text::words(name).join(" ");
            let mut url = reqwest::Url::parse(&format!("{base}/api/v1/products"))?;
            url.query_pairs_mut()
                .append_pair("q", &typed)
                .append_pair("per_page", "1");
            let body: serde_json::Value = client.get(url).send().await?.json().await?;
            let first = body["items"][0]["slug"].as_str().unwrap_or("(nothing)");
            if first != slug {
                misses.push(format!("    {typed:?} → {first}"));
            }
        }
        println!(
            "full names typed without diacritics, the product first — {engine}: {}/{}",
            real.len() - misses.len(),
            real.len()
        );
        for miss in misses {
            println!("{miss}");
        }
    }
    Ok(())
}

fn api_urls(base: &str) -> Vec<String> {
    MIX.iter()
        .map(|q| format!("{base}/api/v1/products?{q}"))
        .collect()
}

/// Starts our server in this process with adjusted search settings; returns its base URL.
async fn spawn(
    settings: &Settings,
    adjust: impl FnOnce(&mut server::config::SearchSettings),
) -> anyhow::Result<String> {
    let mut settings = settings.clone();
    adjust(&mut settings.search);
    let app = Application::build(settings).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    Ok(base)
}

enum Target {
    Get(Vec<String>),
    Post(String, Vec<serde_json::Value>),
}

impl Target {
    fn len(&self) -> usize {
        match self {
            Target::Get(urls) => urls.len(),
            Target::Post(_, bodies) => bodies.len(),
        }
    }

    async fn send(&self, client: &reqwest::Client, i: usize) -> anyhow::Result<()> {
        let response = match self {
            Target::Get(urls) => client.get(&urls[i % urls.len()]).send().await?,
            Target::Post(url, bodies) => {
                client
                    .post(url)
                    .json(&bodies[i % bodies.len()])
                    .send()
                    .await?
            }
        };
        let status = response.status();
        let body = response.bytes().await?;
        anyhow::ensure!(
            status.is_success(),
            "{status}: {}",
            String::from_utf8_lossy(&body)
        );
        Ok(())
    }
}

struct Row {
    name: &'static str,
    p50_ms: f64,
    p99_ms: f64,
    /// Median and slowest 1-client latency of each query of the mix, in its order.
    per_query: Vec<(f64, f64)>,
    rps: f64,
    errors: u64,
}

async fn measure(
    name: &'static str,
    target: &Target,
    rounds: usize,
    secs: u64,
) -> anyhow::Result<Row> {
    eprintln!("measuring {name}…");
    let client = reqwest::Client::new();
    // Warm-up: one pass over the mix (connections, caches, page cache).
    for i in 0..target.len() {
        target.send(&client, i).await?;
    }
    let mut latencies = Vec::with_capacity(rounds * target.len());
    let mut by_query = vec![Vec::with_capacity(rounds); target.len()];
    for i in 0..rounds * target.len() {
        let started = Instant::now();
        target.send(&client, i).await?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        latencies.push(ms);
        by_query[i % target.len()].push(ms);
    }
    let (p50_ms, p99_ms) = (
        percentile(&mut latencies, 0.50),
        percentile(&mut latencies, 0.99),
    );
    let per_query = by_query
        .iter_mut()
        .map(|l| (percentile(l, 0.50), percentile(l, 1.0)))
        .collect();

    // 32 clients, each with its own connection, for `secs` seconds.
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let target = Arc::new(match target {
        Target::Get(urls) => Target::Get(urls.clone()),
        Target::Post(url, bodies) => Target::Post(url.clone(), bodies.clone()),
    });
    let mut clients = Vec::new();
    for c in 0..32 {
        let (done, failed, stop, target) =
            (done.clone(), failed.clone(), stop.clone(), target.clone());
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut i = c * 7;
            while !stop.load(Ordering::Relaxed) {
                // Failures are counted and shown, never hidden in the throughput.
                match target.send(&client, i).await {
                    Ok(()) => done.fetch_add(1, Ordering::Relaxed),
                    Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                };
                i += 1;
            }
            anyhow::Ok(())
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let counted = done.load(Ordering::Relaxed);
    let errors = failed.load(Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await??;
    }
    Ok(Row {
        name,
        p50_ms,
        p99_ms,
        per_query,
        rps: counted as f64 / elapsed,
        errors,
    })
}

/// Where the time goes: each query of the mix, median / slowest at 1 client, per target.
fn print_per_query(rows: &[Row]) {
    let rows: Vec<&Row> = rows
        .iter()
        .filter(|r| r.per_query.len() == MIX.len())
        .collect();
    println!();
    print!("| {:<40} |", "query (1 client: p50 / max ms)");
    for row in &rows {
        print!(" {:>22} |", row.name.chars().take(22).collect::<String>());
    }
    println!();
    for (i, query) in MIX.iter().enumerate() {
        let shown = if query.is_empty() {
            "(no query)"
        } else {
            query
        };
        print!("| {:<40} |", shown.chars().take(40).collect::<String>());
        for row in &rows {
            let (p50, max) = row.per_query[i];
            print!(" {:>22} |", format!("{p50:.1} / {max:.1}"));
        }
        println!();
    }
}

fn print_table(rows: &[Row], docs: i64, rounds: usize, secs: u64) {
    let engine = rows.iter().find(|r| r.name.starts_with("Meilisearch"));
    println!();
    println!(
        "search benchmark: {docs} documents, {} queries in the mix, {rounds} rounds at 1 client, {secs} s at 32 clients",
        MIX.len()
    );
    println!(
        "| {:<30} | {:>8} | {:>8} | {:>12} | {:>8} | {:>16} | {:>18} |",
        "target", "p50 ms", "p99 ms", "req/s @32", "errors", "p99 / engine p99", "req/s / engine's"
    );
    println!(
        "|{:-<32}|{:->10}|{:->10}|{:->14}|{:->10}|{:->18}|{:->20}|",
        "", "", "", "", "", "", ""
    );
    for row in rows {
        let (p99_ratio, rps_ratio) = match engine {
            Some(e) => (
                format!("{:.2}×", row.p99_ms / e.p99_ms),
                format!("{:.0} %", 100.0 * row.rps / e.rps),
            ),
            None => ("n/a".into(), "n/a".into()),
        };
        println!(
            "| {:<30} | {:>8.2} | {:>8.2} | {:>12.0} | {:>8} | {:>16} | {:>18} |",
            row.name, row.p50_ms, row.p99_ms, row.rps, row.errors, p99_ratio, rps_ratio
        );
    }
}
