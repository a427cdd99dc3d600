//! The `seed` binary: loads Chợ OCOP's real Thái Nguyên data (idempotent) and, with
//! `--synthetic N`, N generated products for benchmarks.

use anyhow::Context;
use seed::{real, synthetic};
use server::{Settings, db, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    telemetry::init(&settings.log);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let synthetic = match args.as_slice() {
        [] => None,
        [flag, n] if flag == "--synthetic" => {
            Some(n.parse::<u32>().context("--synthetic takes a count")?)
        }
        _ => anyhow::bail!("usage: seed [--synthetic N]"),
    };

    let pool = db::connect_lazy(&settings.database)?;
    db::migrate(&pool).await.context("applying migrations")?;
    let summary = real::load(&pool).await?;
    println!(
        "seed: {} producers, {} products, {} certificates, {} GIs, {} collective marks (real data)",
        summary.producers, summary.products, summary.certificates, summary.gis, summary.marks
    );
    if let Some(count) = synthetic {
        let started = std::time::Instant::now();
        synthetic::load(&pool, count).await?;
        println!(
            "seed: {count} synthetic products in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
