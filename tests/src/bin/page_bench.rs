//! The page benchmark (issue 19): with the real catalog and 100,000 synthetic products, the
//! requests per second our server sustains at 16 connections for each public page — home,
//! catalog (no filter, a filter, a text search), product, producer, GI, the sitemap — beside the
//! JSON API call that returns the same data and beside `/healthz` (the HTTP ceiling). A page
//! should render at half its data call's rate or better: the rest is rendering HTML.
//!
//! Run in release: `cargo run --release -p tests --bin page_bench` (see the README).
//! Environment: `BENCH_DB` (default `cho_ocop_bench_pages`, kept between runs: seeding is done
//! once), `BENCH_PRODUCTS` (100000), `BENCH_CLIENTS` (16), `BENCH_SECS` (per target, 5).

use server::Application;
use tests::bench::{env_or, throughput};

/// How many different products and producers the per-item rows cycle through, so that one
/// row is not one hot row of the database.
const ITEMS: i64 = 200;

/// One line of the table: a page and the API call giving the same data (if there is one).
struct Target {
    name: &'static str,
    pages: Vec<String>,
    api: Option<(&'static str, Vec<String>)>,
}

/// Waits until the server's start-up work (the daily OCOP job walks every producer with
/// reminders, a few seconds at this size) leaves the database idle, so that it does not load
/// the first targets measured.
async fn settle(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let mut quiet = 0;
    while quiet < 5 && started.elapsed() < std::time::Duration::from_secs(60) {
        let busy: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity
              where datname = current_database() and state = 'active' and pid <> pg_backend_pid()",
        )
        .fetch_one(pool)
        .await?;
        quiet = if busy == 0 { quiet + 1 } else { 0 };
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let db_name: String = env_or("BENCH_DB", "cho_ocop_bench_pages".to_owned());
    let synthetic: u32 = env_or("BENCH_PRODUCTS", 100_000);
    let clients: usize = env_or("BENCH_CLIENTS", 16);
    let secs: f64 = env_or("BENCH_SECS", 5.0);

    let (mut settings, pool) = tests::bench::seeded_catalog(&db_name, synthetic).await?;
    // The benchmark measures the server, not the per-client limit refusing it.
    settings.limits.requests_per_second = 0;
    let products: i64 = sqlx::query_scalar("select count(*) from products where status = 'active'")
        .fetch_one(&pool)
        .await?;
    // Spread over the catalog (md5 orders them pseudo-randomly, the same way every run).
    let product_slugs: Vec<String> = sqlx::query_scalar(
        "select slug from products where status = 'active' order by md5(slug) limit $1",
    )
    .bind(ITEMS)
    .fetch_all(&pool)
    .await?;
    let producer_slugs: Vec<String> =
        sqlx::query_scalar("select slug from producers order by md5(slug) limit $1")
            .bind(ITEMS)
            .fetch_all(&pool)
            .await?;
    let gi_slugs: Vec<String> =
        sqlx::query_scalar("select slug from geographical_indications order by slug")
            .fetch_all(&pool)
            .await?;

    let app = Application::build(settings).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    settle(&pool).await?;
    let urls = |template: &str, slugs: &[String]| -> Vec<String> {
        slugs
            .iter()
            .map(|slug| format!("{base}{}", template.replace("{}", slug)))
            .collect()
    };
    let one = |path: &str| vec![format!("{base}{path}")];

    let mut targets = vec![
        Target {
            name: "home /",
            pages: one("/"),
            // The cards, the total and the category and star counts the home page shows.
            api: Some((
                "/api/v1/products?per_page=8",
                one("/api/v1/products?per_page=8"),
            )),
        },
        Target {
            name: "catalog /san-pham",
            pages: one("/san-pham"),
            api: Some(("/api/v1/products", one("/api/v1/products"))),
        },
        Target {
            name: "catalog ?category=che",
            pages: one("/san-pham?category=che&sort=price_asc"),
            api: Some((
                "/api/v1/products?category=che&sort=price_asc",
                one("/api/v1/products?category=che&sort=price_asc"),
            )),
        },
        Target {
            name: "catalog ?q=che",
            pages: one("/san-pham?q=che"),
            api: Some(("/api/v1/products?q=che", one("/api/v1/products?q=che"))),
        },
        Target {
            name: "product /san-pham/{slug}",
            pages: urls("/san-pham/{}", &product_slugs),
            api: Some((
                "/api/v1/products/{slug}",
                urls("/api/v1/products/{}", &product_slugs),
            )),
        },
        Target {
            name: "producer /co-so/{slug}",
            pages: urls("/co-so/{}", &producer_slugs),
            api: Some((
                "/api/v1/producers/{slug}",
                urls("/api/v1/producers/{}", &producer_slugs),
            )),
        },
        Target {
            name: "GI /chi-dan-dia-ly/{slug}",
            pages: urls("/chi-dan-dia-ly/{}", &gi_slugs),
            api: Some(("/api/v1/gis/{slug}", urls("/api/v1/gis/{}", &gi_slugs))),
        },
        Target {
            name: "/sitemap.xml (gzip)",
            pages: one("/sitemap.xml"),
            api: None,
        },
    ];
    // A sitemap index names its files: the first one is measured too.
    let index = reqwest::get(format!("{base}/sitemap.xml"))
        .await?
        .text()
        .await?;
    if index.contains("<sitemapindex")
        && let Some(first) = index
            .split("<loc>")
            .nth(1)
            .and_then(|rest| rest.split("</loc>").next())
    {
        let path = first.find("/sitemaps/").map_or(first, |at| &first[at..]);
        targets.push(Target {
            name: "first sitemap file (gzip)",
            pages: one(path),
            api: None,
        });
    }

    eprintln!("measuring /healthz…");
    let (healthz, healthz_errors) = throughput(&one("/healthz"), &[], clients, secs).await?;
    println!(
        "\npage benchmark: {products} active products, {clients} connections, {secs} s per target (release build expected)"
    );
    println!(
        "| {:<28} | {:>10} | {:<44} | {:>10} | {:>10} | {:>10} |",
        "page", "page req/s", "data call", "API req/s", "page / API", "/ healthz"
    );
    println!(
        "|{:-<30}|{:->12}|{:-<46}|{:->12}|{:->12}|{:->12}|",
        "", "", "", "", "", ""
    );
    println!(
        "| {:<28} | {:>10.0} | {:<44} | {:>10} | {:>10} | {:>10} |",
        "/healthz", healthz, "", "", "", "100 %"
    );
    let mut errors = healthz_errors;
    for target in &targets {
        eprintln!("measuring {}…", target.name);
        // Sitemaps are fetched as crawlers fetch them: compressed.
        let headers: &[(&str, &str)] = if target.api.is_none() {
            &[("accept-encoding", "gzip")]
        } else {
            &[]
        };
        let (page, page_errors) = throughput(&target.pages, headers, clients, secs).await?;
        errors += page_errors;
        let (call, api, ratio) = match &target.api {
            Some((call, urls)) => {
                let (api, api_errors) = throughput(urls, &[], clients, secs).await?;
                errors += api_errors;
                (
                    *call,
                    format!("{api:.0}"),
                    format!("{:.0} %", 100.0 * page / api),
                )
            }
            None => ("", String::new(), String::new()),
        };
        println!(
            "| {:<28} | {:>10.0} | {:<44} | {:>10} | {:>10} | {:>10} |",
            target.name,
            page,
            call,
            api,
            ratio,
            format!("{:.1} %", 100.0 * page / healthz)
        );
    }
    println!("\n{errors} failed requests");
    anyhow::ensure!(errors == 0, "{errors} requests failed");
    Ok(())
}
