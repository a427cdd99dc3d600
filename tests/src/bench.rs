//! What the benchmarks share: settings read from the environment and latency percentiles.

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

/// Drops and creates the benchmark's own database `name` on the development server (settings
/// as loaded), so every run starts empty.
pub async fn recreate_database(settings: &server::Settings, name: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    use secrecy::ExposeSecret;
    use sqlx::{AssertSqlSafe, Connection};

    anyhow::ensure!(
        name.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "BENCH_DB must be a plain name"
    );
    let mut conn = sqlx::PgConnection::connect(settings.database.url.expose_secret())
        .await
        .context("connect to PostgreSQL")?;
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
