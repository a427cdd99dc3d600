//! What the benchmarks share: settings read from the environment and latency percentiles.

pub mod writer;

/// `name` from the environment, or `default` when unset or unreadable.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `p` quantile (0–1) of `latencies`, nearest rank; sorts them.
pub fn percentile(latencies: &mut [f64], p: f64) -> f64 {
    latencies.sort_by(f64::total_cmp);
    latencies[((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1)]
}

/// A connection to the development server's own database, after checking that `name` (the
/// benchmark database about to be made) is a plain name safe to splice into DDL.
async fn admin_connection(
    settings: &server::Settings,
    name: &str,
) -> anyhow::Result<sqlx::PgConnection> {
    use anyhow::Context;
    use secrecy::ExposeSecret;
    use sqlx::Connection;

    anyhow::ensure!(
        name.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "BENCH_DB must be a plain name"
    );
    sqlx::PgConnection::connect(settings.database.url.expose_secret())
        .await
        .context("connect to PostgreSQL")
}

/// Drops and creates the benchmark's own database `name` on the development server (settings
/// as loaded), so every run starts empty.
pub async fn recreate_database(settings: &server::Settings, name: &str) -> anyhow::Result<()> {
    use sqlx::AssertSqlSafe;

    let mut conn = admin_connection(settings, name).await?;
    sqlx::query(AssertSqlSafe(format!(
        r#"drop database if exists "{name}" with (force)"#
    )))
    .execute(&mut conn)
    .await?;
    sqlx::query(AssertSqlSafe(format!(r#"create database "{name}""#)))
        .execute(&mut conn)
        .await?;
    Ok(())
}

/// Creates the benchmark's database `name` unless it exists: the 100,000-product benchmarks keep
/// theirs between runs (seeding is idempotent and takes minutes).
pub async fn ensure_database(settings: &server::Settings, name: &str) -> anyhow::Result<()> {
    use sqlx::AssertSqlSafe;

    let mut conn = admin_connection(settings, name).await?;
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        sqlx::query(AssertSqlSafe(format!(r#"create database "{name}""#)))
            .execute(&mut conn)
            .await?;
    }
    Ok(())
}

/// The settings of a server benchmark on its own kept database `name`, holding the real catalog
/// and `synthetic` generated products (added once), its statistics fresh; returns the pool too.
pub async fn seeded_catalog(
    name: &str,
    synthetic: u32,
) -> anyhow::Result<(server::Settings, sqlx::PgPool)> {
    let mut settings = server::Settings::load()?;
    // The log shares stdout with the results: under load, slow-statement warnings would bury them.
    settings.log.level = "error".into();
    server::telemetry::init(&settings.log);
    ensure_database(&settings, name).await?;
    settings.database = settings.database.with_database(name);
    settings.server.port = 0;
    let pool = server::db::connect_lazy(&settings.database)?;
    server::db::migrate(&pool).await?;
    seed::real::load(&pool).await?;
    eprintln!("seeding {synthetic} synthetic products (nothing to do when already there)…");
    seed::synthetic::load(&pool, synthetic).await?;
    sqlx::query("vacuum analyze").execute(&pool).await?;
    Ok((settings, pool))
}

/// Requests per second `clients` connections sustain for `secs` seconds, each sending GETs to
/// `urls` in turn (with `headers`) and reading every body; and how many requests failed (a
/// failure is counted, never hidden in the rate).
pub async fn throughput(
    urls: &[String],
    headers: &[(&'static str, &'static str)],
    clients: usize,
    secs: f64,
) -> anyhow::Result<(f64, u64)> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    let mut header_map = reqwest::header::HeaderMap::new();
    for (name, value) in headers {
        header_map.insert(*name, reqwest::header::HeaderValue::from_static(value));
    }
    let client = reqwest::Client::builder()
        .default_headers(header_map)
        .pool_max_idle_per_host(clients)
        .build()?;
    let urls: Arc<Vec<String>> = Arc::new(urls.to_vec());
    let send = |client: reqwest::Client, url: String| async move {
        let response = client.get(&url).send().await?;
        let ok = response.status().is_success();
        response.bytes().await?;
        anyhow::Ok(ok)
    };
    // Warm-up: every URL once (connections, plans, caches).
    for url in urls.iter() {
        anyhow::ensure!(send(client.clone(), url.clone()).await?, "{url} failed");
    }
    let (done, failed, stop) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..clients {
        let (client, urls, done, failed, stop) = (
            client.clone(),
            urls.clone(),
            done.clone(),
            failed.clone(),
            stop.clone(),
        );
        workers.spawn(async move {
            let mut i = worker * 7919;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let counter = match send(client.clone(), urls[i % urls.len()].clone()).await {
                    Ok(true) => &done,
                    _ => &failed,
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    let (count, errors) = (done.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    workers.join_all().await;
    Ok((count as f64 / elapsed, errors))
}
