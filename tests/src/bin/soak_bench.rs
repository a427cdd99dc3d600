//! The soak benchmark (issue 14): mixed page and API traffic at 32 connections for ten minutes
//! against our real server in this process, printing requests, errors, p50/p99 per kind and the
//! process's resident memory at the start, every minute and at the end (stable = no leak).
//!
//! Run in release: `cargo run --release -p tests --bin soak_bench` (see the README).
//! Environment: `BENCH_DB` (default `cho_ocop_bench_soak`, recreated each run), `BENCH_SECS`
//! (600), `BENCH_CLIENTS` (32), `BENCH_PRODUCTS` (synthetic products seeded, 10000).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use server::{Application, Settings};
use tests::bench::{env_or, percentile};

/// What the mix asks for, by kind: pages a visitor opens and the API calls the app makes.
const KINDS: [&str; 8] = [
    "home page",
    "catalog page",
    "catalog search page",
    "product page",
    "producer page",
    "API search",
    "API product",
    "API facets filter",
];

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let db_name: String = env_or("BENCH_DB", "cho_ocop_bench_soak".to_owned());
    let secs: u64 = env_or("BENCH_SECS", 600);
    let clients: usize = env_or("BENCH_CLIENTS", 32);
    let synthetic: u32 = env_or("BENCH_PRODUCTS", 10_000);

    let mut settings = Settings::load()?;
    settings.log.level = "warn".into();
    server::telemetry::init(&settings.log);
    tests::bench::recreate_database(&settings, &db_name).await?;
    settings.database = settings.database.with_database(&db_name);
    settings.server.port = 0;
    // The soak measures the server under load, not the per-client limit refusing it.
    settings.limits.requests_per_second = 0;
    let pool = server::db::connect_lazy(&settings.database)?;
    server::db::migrate(&pool).await?;
    seed::real::load(&pool).await?;
    eprintln!("seeding {synthetic} synthetic products…");
    seed::synthetic::load(&pool, synthetic).await?;
    let products: Vec<String> =
        sqlx::query_scalar("select slug from products where status = 'active' order by slug")
            .fetch_all(&pool)
            .await?;
    let producers: Vec<String> = sqlx::query_scalar("select slug from producers order by slug")
        .fetch_all(&pool)
        .await?;

    let app = Application::build(settings).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let words = [
        "che",
        "mat ong",
        "mien",
        "tan cuong",
        "gao",
        "bun",
        "chè xanh",
        "mật",
    ];
    let path = move |kind: usize, n: usize| -> String {
        let product = &products[n % products.len()];
        match kind {
            0 => "/".to_owned(),
            1 => format!("/san-pham?page={}", 1 + n % 20),
            2 => format!("/san-pham?q={}", words[n % words.len()]),
            3 => format!("/san-pham/{product}"),
            4 => format!("/co-so/{}", producers[n % producers.len()]),
            5 => format!("/api/v1/products?q={}", words[n % words.len()]),
            6 => format!("/api/v1/products/{product}"),
            _ => format!("/api/v1/products?min_stars={}&sort=price_asc", 3 + n % 3),
        }
    };
    let path = Arc::new(path);

    // Warm-up: connections, plans, caches.
    for kind in 0..KINDS.len() {
        client
            .get(format!("{base}{}", path(kind, 1)))
            .send()
            .await?;
    }
    let rss_start = rss_mb();
    println!("soak: {clients} connections for {secs} s; RSS at start {rss_start:.0} MB");

    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..clients {
        let (client, base, path, stop) = (client.clone(), base.clone(), path.clone(), stop.clone());
        workers.spawn(async move {
            let mut latencies: Vec<Vec<f64>> = vec![Vec::new(); KINDS.len()];
            let mut errors: Vec<String> = Vec::new();
            let mut n = worker * 7919;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let kind = n % KINDS.len();
                let url = format!("{base}{}", path(kind, n));
                let started = Instant::now();
                match client.get(&url).send().await {
                    Ok(response) if response.status().is_success() => {
                        // The whole body, as a browser reads it.
                        if let Err(error) = response.bytes().await {
                            errors.push(format!("{url}: {error}"));
                        }
                    }
                    Ok(response) => errors.push(format!("{url}: {}", response.status())),
                    Err(error) => errors.push(format!("{url}: {error}")),
                }
                latencies[kind].push(started.elapsed().as_secs_f64() * 1000.0);
            }
            (latencies, errors)
        });
    }
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep(Duration::from_secs(secs.min(60))).await;
        println!(
            "  {:>4} s: RSS {:.0} MB",
            started.elapsed().as_secs(),
            rss_mb()
        );
    }
    stop.store(true, Ordering::Relaxed);
    let mut latencies: Vec<Vec<f64>> = vec![Vec::new(); KINDS.len()];
    let mut errors = Vec::new();
    for (mine, mut theirs) in workers.join_all().await {
        for (all, some) in latencies.iter_mut().zip(mine) {
            all.extend(some);
        }
        errors.append(&mut theirs);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let total: usize = latencies.iter().map(Vec::len).sum();
    println!("\n| kind | requests | p50 ms | p99 ms |\n|---|---|---|---|");
    let mut everything = Vec::with_capacity(total);
    for (kind, times) in KINDS.iter().zip(latencies.iter_mut()) {
        if times.is_empty() {
            continue;
        }
        everything.extend_from_slice(times);
        let count = times.len();
        let p50 = percentile(times, 0.50);
        let p99 = percentile(times, 0.99);
        println!("| {kind} | {count} | {p50:.1} | {p99:.1} |");
    }
    let p99 = percentile(&mut everything, 0.99);
    println!(
        "\n{total} requests in {elapsed:.0} s ({:.0} req/s), {} errors, p99 {p99:.1} ms; RSS {rss_start:.0} MB at start, {:.0} MB at the end",
        total as f64 / elapsed,
        errors.len(),
        rss_mb()
    );
    for error in errors.iter().take(10) {
        println!("  error: {error}");
    }
    anyhow::ensure!(errors.is_empty(), "{} requests failed", errors.len());
    Ok(())
}
