//! The checkout benchmark: places orders through `POST /api/v1/orders` on our real server —
//! p50/p99 at 1 client, throughput at 32 concurrent buyers on distinct products, and 200 buyers
//! racing for the last 5 units of one product — and runs `pgbench` (TPC-B-like) against the same
//! PostgreSQL in the same run, printing our throughput as a share of pgbench's.
//!
//! Run in release: `cargo run --release -p tests --bin checkout_bench` (see the README).
//! Environment: `BENCH_DB` (default `cho_ocop_bench_checkout`, recreated each run),
//! `BENCH_ORDERS` (1-client checkouts, 300), `BENCH_SECS` (32-client run and pgbench, 10),
//! `PGBENCH` (the pgbench binary; found under /usr/lib/postgresql otherwise).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use server::{Application, Settings};
use sqlx::PgPool;
use tests::bench::{env_or, percentile};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let db_name: String = env_or("BENCH_DB", "cho_ocop_bench_checkout".to_owned());
    let orders_1: usize = env_or("BENCH_ORDERS", 300);
    let secs: u64 = env_or("BENCH_SECS", 10);

    let mut settings = Settings::load()?;
    settings.log.level = "warn".into();
    server::telemetry::init(&settings.log);
    recreate_database(&settings, &db_name).await?;
    let admin_url = settings.database.url.expose_secret().to_owned();
    settings.database = settings.database.with_database(&db_name);
    settings.server.port = 0;

    let pool = server::db::connect_lazy(&settings.database)?;
    server::db::migrate(&pool).await?;
    seed::real::load(&pool).await?;
    eprintln!("seeding 2000 synthetic products with sales settings…");
    seed::synthetic::load(&pool, 2000).await?;
    prepare_shop(&pool).await?;
    let products: Vec<String> = sqlx::query_scalar(
        "select id::text from products where status = 'active' and unit <> 'kg' order by id",
    )
    .fetch_all(&pool)
    .await?;

    let app = Application::build(settings.clone()).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/orders");

    // Warm-up: connections, caches, plans.
    for id in products.iter().take(20) {
        checkout(&client, &url, id).await?;
    }

    // 1 client: one order after another, each for another product.
    let mut latencies = Vec::with_capacity(orders_1);
    for i in 0..orders_1 {
        let started = Instant::now();
        checkout(&client, &url, &products[(i * 7) % products.len()]).await?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let p50 = percentile(&mut latencies, 0.50);
    let p99 = percentile(&mut latencies, 0.99);

    // 32 buyers at once, each on its own products.
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let products = Arc::new(products);
    let mut buyers = tokio::task::JoinSet::new();
    let started = Instant::now();
    for buyer in 0..32usize {
        let (stop, done, failed, products, url) = (
            stop.clone(),
            done.clone(),
            failed.clone(),
            products.clone(),
            url.clone(),
        );
        buyers.spawn(async move {
            let client = reqwest::Client::new();
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let id = &products[(buyer + 32 * n) % products.len()];
                match checkout(&client, &url, id).await {
                    Ok(()) => done.fetch_add(1, Ordering::Relaxed),
                    Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                };
                n += 1;
            }
        });
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    buyers.join_all().await;
    let tps = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();

    // 200 buyers for the last 5 units.
    let last: String = sqlx::query_scalar(
        "update products set stock = 5 where id = (select id from products where status = 'active'
             and unit <> 'kg' order by id desc limit 1) returning id::text",
    )
    .fetch_one(&pool)
    .await?;
    let started = Instant::now();
    let mut racers = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let (url, last) = (url.clone(), last.clone());
        racers.spawn(async move {
            let response = reqwest::Client::new()
                .post(&url)
                .json(&order_body(&last))
                .send()
                .await;
            response.map(|r| r.status().as_u16()).unwrap_or(0)
        });
    }
    let statuses = racers.join_all().await;
    let race_secs = started.elapsed().as_secs_f64();
    let won = statuses.iter().filter(|s| **s == 201).count();
    let lost = statuses.iter().filter(|s| **s == 409).count();

    let pgbench = run_pgbench(&admin_url, secs).await;

    println!();
    println!(
        "Checkout benchmark — {} products, 1 client: {orders_1} orders; 32 clients: {secs} s",
        products.len()
    );
    println!(
        "| target                               |   p50 ms |   p99 ms |   tps @32 | share of pgbench |"
    );
    println!(
        "|--------------------------------------|----------|----------|-----------|------------------|"
    );
    let share = match &pgbench {
        Ok(pg) => format!("{:>15.0} %", 100.0 * tps / pg),
        Err(_) => format!("{:>17}", "n/a"),
    };
    println!(
        "| POST /api/v1/orders (1 line, pickup) | {p50:>8.2} | {p99:>8.2} | {tps:>9.1} | {share} |"
    );
    match &pgbench {
        Ok(pg) => println!(
            "| pgbench TPC-B-like (-c 32, scale 1)  | {:>8} | {:>8} | {pg:>9.1} | {:>15} % |",
            "", "", 100
        ),
        Err(e) => println!("| pgbench: not run ({e})"),
    }
    println!(
        "32-client errors: {} · 200 buyers for 5 units: {won} orders, {lost} × 409 out_of_stock, \
         others {} — finished in {race_secs:.2} s",
        failed.load(Ordering::Relaxed),
        200 - won - lost
    );
    Ok(())
}

fn order_body(product: &str) -> Value {
    json!({
        "items": [{ "product_id": product, "quantity": "1" }],
        "delivery": { "method": "pickup", "name": "Người mua thử", "phone": "0912345678" },
        "payment": "cod"
    })
}

async fn checkout(client: &reqwest::Client, url: &str, product: &str) -> anyhow::Result<()> {
    let response = client.post(url).json(&order_body(product)).send().await?;
    anyhow::ensure!(
        response.status() == reqwest::StatusCode::CREATED,
        "checkout answered {}: {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
    Ok(())
}

/// Every producer sells (pickup, COD) and every product has stock for the whole run.
async fn prepare_shop(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query(
        "insert into sales_settings (producer_id, pickup, pickup_address, ship, cod, bank_transfer)
         select id, true, 'Tại cơ sở', false, true, false from producers
         on conflict do nothing",
    )
    .execute(pool)
    .await?;
    sqlx::query("update products set stock = 1000000 where status = 'active'")
        .execute(pool)
        .await?;
    sqlx::query("vacuum analyze products, producers, sales_settings, search_documents")
        .execute(pool)
        .await?;
    Ok(())
}

/// Our database and pgbench's, both fresh.
async fn recreate_database(settings: &Settings, name: &str) -> anyhow::Result<()> {
    tests::bench::recreate_database(settings, name).await?;
    tests::bench::recreate_database(settings, &format!("{name}_pgbench")).await
}

/// pgbench's own TPC-B-like run at 32 clients on a database beside ours: its tps.
async fn run_pgbench(admin_url: &str, secs: u64) -> anyhow::Result<f64> {
    let binary = match std::env::var("PGBENCH") {
        Ok(path) => path,
        Err(_) => {
            let mut found: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")?
                .filter_map(|e| e.ok())
                .map(|e| e.path().join("bin/pgbench"))
                .filter(|p| p.exists())
                .collect();
            found.sort();
            found
                .pop()
                .context("no pgbench under /usr/lib/postgresql")?
                .display()
                .to_string()
        }
    };
    let url = reqwest::Url::parse(admin_url)?;
    let db = format!(
        "{}_pgbench",
        env_or("BENCH_DB", "cho_ocop_bench_checkout".to_owned())
    );
    let common = |cmd: &mut tokio::process::Command| {
        cmd.env("PGPASSWORD", url.password().unwrap_or_default())
            .arg("-h")
            .arg(url.host_str().unwrap_or("127.0.0.1"))
            .arg("-p")
            .arg(url.port().unwrap_or(5432).to_string())
            .arg("-U")
            .arg(url.username());
    };
    let mut init = tokio::process::Command::new(&binary);
    common(&mut init);
    let status = init
        .arg("-i")
        .arg("-q")
        .arg("-s")
        .arg("1")
        .arg(&db)
        .output()
        .await?;
    anyhow::ensure!(
        status.status.success(),
        "pgbench -i failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut run = tokio::process::Command::new(&binary);
    common(&mut run);
    let output = run
        .args(["-c", "32", "-j", "2", "-T", &secs.to_string()])
        .arg(&db)
        .output()
        .await?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l["tps = ".len()..].split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("no tps in pgbench's output: {text}"))
}
