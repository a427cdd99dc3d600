//! The command line's bulk work (`server import …`): the same `app` commands the API and pages
//! call, run by the operator without an account (audited without an actor) and without the
//! upload limit, with a progress bar on standard error and the report on standard output.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use frontend::api::{AnnexReview, ImportReport};
use indicatif::{ProgressBar, ProgressStyle};

use crate::app::AppError;
use crate::app::imports::annex::AnnexImport;
use crate::app::imports::{ProductImport, Progress};
use crate::clock::SystemClock;
use crate::config::Settings;

/// `server import products --producer SLUG FILE [--photos ZIP]`.
pub struct ProductsArgs {
    pub producer: String,
    pub file: PathBuf,
    pub photos: Option<PathBuf>,
    pub dry_run: bool,
    pub skip_invalid: bool,
}

/// `server import ocop-decision FILE --decision-no … --decided-on … --level …`.
pub struct AnnexArgs {
    pub file: PathBuf,
    pub decision_no: String,
    pub decided_on: String,
    pub level: String,
    pub issuer: Option<String>,
    pub rule_set: Option<String>,
    /// `ROW=product:<id>`, `ROW=producer:<id>` or `ROW=new`.
    pub choose: Vec<String>,
    pub dry_run: bool,
}

/// Rows handled so far, as a spinner with the rate (a streamed file's length is not known).
struct Bar(ProgressBar);

impl Progress for Bar {
    fn rows_done(&self, rows: u64) {
        self.0.set_position(rows);
    }
}

fn bar(what: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}: {pos} dòng · {per_sec} · {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A refusal as the operator reads it.
fn explain(error: AppError) -> anyhow::Error {
    match error {
        AppError::Validation(fields) => anyhow::anyhow!(
            "{}",
            fields
                .into_iter()
                .map(|(field, message)| format!("{field}: {message}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        AppError::NotFound => anyhow::anyhow!("không có cơ sở này (kiểm tra --producer)"),
        other => anyhow::Error::new(other),
    }
}

/// Imports a product list; exits 1 when rows had errors and nothing was written.
pub async fn import_products(settings: Settings, args: ProductsArgs) -> anyhow::Result<ExitCode> {
    let file = tokio::fs::read(&args.file)
        .await
        .with_context(|| format!("reading {}", args.file.display()))?;
    let photos = match &args.photos {
        Some(path) => Some(Bytes::from(
            tokio::fs::read(path)
                .await
                .with_context(|| format!("reading {}", path.display()))?,
        )),
        None => None,
    };
    let state = crate::startup::connect(settings, Arc::new(SystemClock)).await?;
    let progress = Bar(bar("nhập sản phẩm"));
    let input = ProductImport {
        file_name: args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        file: Bytes::from(file),
        photos,
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
    };
    let result =
        crate::app::imports::import_products_as_operator(&state, &args.producer, input, &progress)
            .await;
    progress.0.finish_and_clear();
    let report = result.map_err(explain)?;
    print_report(&report);
    Ok(if report.applied || report.dry_run {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_report(report: &ImportReport) {
    let read_as = match (&report.encoding, &report.separator) {
        (Some(encoding), Some(sep)) => format!("csv, {encoding}, separator {sep:?}"),
        _ => report.format.clone(),
    };
    println!(
        "{} rows ({read_as}): {} new, {} updated, {} unchanged, {} with errors",
        report.rows, report.new, report.updated, report.unchanged, report.invalid
    );
    for error in report.errors.iter().take(50) {
        println!(
            "  dòng {}, cột \"{}\": {}",
            error.row, error.column, error.message
        );
    }
    if report.errors.len() > 50 {
        println!("  … và {} lỗi khác", report.invalid as usize - 50);
    }
    if let Some(photos) = &report.photos {
        println!(
            "photos: {} found, {} added, {} already there, {} refused",
            photos.found,
            photos.added,
            photos.unchanged,
            photos.errors.len()
        );
        for error in &photos.errors {
            println!("  {}: {}", error.file, error.message);
        }
    }
    println!(
        "{}",
        if report.dry_run {
            "preview only: nothing written"
        } else if report.applied {
            "applied"
        } else {
            "nothing written: fix the rows, or pass --skip-invalid"
        }
    );
}

/// Imports a decision's annex; exits 1 when rows are ambiguous or in error (nothing written).
pub async fn import_annex(settings: Settings, args: AnnexArgs) -> anyhow::Result<ExitCode> {
    let file = tokio::fs::read(&args.file)
        .await
        .with_context(|| format!("reading {}", args.file.display()))?;
    let mut choices = std::collections::HashMap::new();
    for choice in &args.choose {
        let (row, value) = choice
            .split_once('=')
            .and_then(|(r, v)| Some((r.trim().parse::<u32>().ok()?, v.trim().to_owned())))
            .with_context(|| {
                format!(
                    "--choose {choice}: expected ROW=product:<id>, ROW=producer:<id> or ROW=new"
                )
            })?;
        choices.insert(row, value);
    }
    let state = crate::startup::connect(settings, Arc::new(SystemClock)).await?;
    let progress = bar("phụ lục quyết định");
    let input = AnnexImport {
        file: Bytes::from(file),
        decision_no: Some(args.decision_no),
        decided_on: Some(args.decided_on),
        issuer_level: Some(args.level),
        issuer: args.issuer,
        rule_set: args.rule_set,
        choices,
        dry_run: args.dry_run,
    };
    let result = crate::app::imports::annex::import_annex_as_operator(&state, input).await;
    progress.finish_and_clear();
    let review = result.map_err(explain)?;
    print_review(&review);
    Ok(if review.applied || review.dry_run {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_review(review: &AnnexReview) {
    println!(
        "decision {} of {} ({}, rule set {}): {} rows — {} matched, {} new, {} ambiguous, {} already rated, {} with errors",
        review.decision_no,
        review.decided_on,
        review.issuer_level,
        review.rule_set,
        review.rows.len(),
        review.matched,
        review.new,
        review.ambiguous,
        review.already,
        review.invalid
    );
    for row in &review.rows {
        println!(
            "  dòng {} [{}] {} — {} ({}), {}★ → {}",
            row.row,
            row.status,
            row.product_name,
            row.producer_name,
            row.commune,
            row.stars,
            row.target
        );
        for message in &row.messages {
            println!("      {message}");
        }
        if row.status == "ambiguous" {
            for candidate in &row.candidates {
                println!(
                    "      --choose {}={}  ({})",
                    row.row, candidate.value, candidate.label
                );
            }
        }
    }
    println!(
        "{}",
        if review.dry_run {
            "review only: nothing written".to_owned()
        } else if review.applied {
            format!("applied: {} certificates issued", review.certificates)
        } else {
            "nothing written: choose for the ambiguous rows (--choose) and fix the errors"
                .to_owned()
        }
    );
}
