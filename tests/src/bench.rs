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
