//! The import benchmark: writes a 100,000-row product list as CSV (UTF-8 with BOM, `;`, the way
//! Vietnamese Excel saves it) and as `.xlsx`, then imports each through the real command line
//! (`server import products`) into a fresh database, search documents included, and prints rows
//! per second and the process's peak resident memory (VmHWM, polled from /proc). A second run of
//! each file measures the idempotent re-import (every row unchanged).
//!
//! Run in release, after building the server: `cargo build --release -p server && cargo run
//! --release -p tests --bin import_bench` (see the README).
//! Environment: `BENCH_DB` (default `cho_ocop_bench_import`, recreated each run), `BENCH_ROWS`
//! (100000), `SERVER_BIN` (default: `server` beside this binary).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use secrecy::ExposeSecret;
use server::Settings;
use tests::bench::env_or;

const HEADER: [&str; 8] = [
    "Mã sản phẩm",
    "Tên",
    "Nhóm",
    "Đơn vị",
    "Giá",
    "Tồn kho",
    "Mô tả",
    "Chỉ dẫn địa lý",
];
const GROUPS: [&str; 6] = [
    "che",
    "mat-ong-nong-san",
    "che-bien-ngu-coc",
    "ruou-trang",
    "gao-ngu-coc",
    "tra-thao-moc",
];
const WORDS: [&str; 8] = [
    "Chè",
    "Mật ong",
    "Miến dong",
    "Rượu men lá",
    "Gạo nếp",
    "Trà hoa vàng",
    "Măng khô",
    "Nấm hương",
];
const PLACES: [&str; 6] = [
    "Tân Cương",
    "Na Rì",
    "Định Hóa",
    "Ba Bể",
    "Võ Nhai",
    "Phú Lương",
];

/// Row `i` of a file for `tag`: names distinct across files (slugs are global).
fn row(tag: &str, i: usize) -> [String; 8] {
    [
        format!("{tag}-{i:06}"),
        format!(
            "{} {} {tag} số {i}",
            WORDS[i % WORDS.len()],
            PLACES[i % PLACES.len()]
        ),
        GROUPS[i % GROUPS.len()].to_owned(),
        if i.is_multiple_of(2) { "kg" } else { "hộp" }.to_owned(),
        format!("{}.000", 50 + i % 900),
        format!("{}", i % 200),
        format!("Sản phẩm OCOP của {} — lô {i}", PLACES[i % PLACES.len()]),
        String::new(),
    ]
}

fn write_csv(path: &Path, rows: usize) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    out.write_all(b"\xEF\xBB\xBF")?;
    writeln!(out, "{}\r", HEADER.join(";"))?;
    for i in 1..=rows {
        writeln!(out, "{}\r", row("CSV", i).join(";"))?;
    }
    out.flush()?;
    Ok(())
}

fn write_xlsx(path: &Path, rows: usize) -> anyhow::Result<()> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for i in 1..=rows {
        for (c, cell) in row("XLSX", i).iter().enumerate() {
            // Prices and stock as numbers, the way a sheet typed by hand holds them.
            match c {
                4 => sheet.write_number(i as u32, 4, (50 + i % 900) as f64 * 1000.0)?,
                5 => sheet.write_number(i as u32, 5, (i % 200) as f64)?,
                _ if cell.is_empty() => sheet,
                _ => sheet.write_string(i as u32, c as u16, cell)?,
            };
        }
    }
    book.save(path)?;
    Ok(())
}

/// Peak resident memory of a running process in MB (`VmHWM`), if it can be read.
fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

struct Run {
    seconds: f64,
    peak_mb: f64,
    summary: String,
}

/// Runs `server import products` and watches its memory until it exits.
async fn import(server: &Path, db_url: &str, producer: &str, file: &Path) -> anyhow::Result<Run> {
    let started = Instant::now();
    let mut child = tokio::process::Command::new(server)
        .args(["import", "products", "--producer", producer])
        .arg(file)
        .env("APP__DATABASE__URL", db_url)
        .env("APP__LOG__LEVEL", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", server.display()))?;
    let pid = child.id().context("child pid")?;
    let mut peak: f64 = 0.0;
    let status = loop {
        if let Some(mb) = peak_rss_mb(pid) {
            peak = peak.max(mb);
        }
        tokio::select! {
            status = child.wait() => break status?,
            () = tokio::time::sleep(Duration::from_millis(20)) => {}
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let mut summary = String::new();
    if let Some(mut out) = child.stdout.take() {
        use tokio::io::AsyncReadExt;
        out.read_to_string(&mut summary).await?;
    }
    anyhow::ensure!(status.success(), "import failed: {summary}");
    Ok(Run {
        seconds,
        peak_mb: peak,
        summary: summary.lines().next().unwrap_or_default().to_owned(),
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let db_name: String = env_or("BENCH_DB", "cho_ocop_bench_import".to_owned());
    let rows: usize = env_or("BENCH_ROWS", 100_000);
    let server: PathBuf = std::env::var_os("SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join("server")))
                .unwrap_or_else(|| PathBuf::from("server"))
        });
    anyhow::ensure!(
        server.exists(),
        "{} is missing: build it first (cargo build --release -p server)",
        server.display()
    );
    let settings = Settings::load()?;
    tests::bench::recreate_database(&settings, &db_name).await?;
    let database = settings.database.with_database(&db_name);
    let db_url = database.url.expose_secret().to_owned();
    let pool = server::db::connect_lazy(&database)?;
    server::db::migrate(&pool).await?;
    for (slug, name) in [
        ("bench-csv", "HTX Bench CSV"),
        ("bench-xlsx", "HTX Bench XLSX"),
    ] {
        sqlx::query("insert into producers (slug, name, kind, commune_code) values ($1, $2, 'htx', '05503')")
            .bind(slug)
            .bind(name)
            .execute(&pool)
            .await?;
    }

    let dir = std::env::temp_dir().join(format!("cho-ocop-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("san-pham.csv");
    let xlsx = dir.join("san-pham.xlsx");
    eprintln!("writing {rows} rows as CSV and as XLSX…");
    write_csv(&csv, rows)?;
    write_xlsx(&xlsx, rows)?;
    let size_mb = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0)
    };

    println!("| file | size | run | rows | seconds | rows/s | peak RSS |");
    println!("|---|---|---|---|---|---|---|");
    for (label, producer, file) in [("CSV", "bench-csv", &csv), ("XLSX", "bench-xlsx", &xlsx)] {
        for run_name in ["first import (all new)", "re-import (all unchanged)"] {
            let run = import(&server, &db_url, producer, file).await?;
            eprintln!("{label} {run_name}: {}", run.summary);
            println!(
                "| {label} | {:.1} MB | {run_name} | {rows} | {:.1} | {:.0} | {:.0} MB |",
                size_mb(file),
                run.seconds,
                rows as f64 / run.seconds,
                run.peak_mb
            );
        }
    }
    let documents: i64 = sqlx::query_scalar("select count(*) from search_documents")
        .fetch_one(&pool)
        .await?;
    println!("\nsearch documents after both imports: {documents}");
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
