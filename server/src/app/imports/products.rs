//! Members import their product list from a spreadsheet. Rows are read as a stream and handled a
//! batch at a time: typed, merged onto the stored product with the same code (SKU) and marked
//! new / update / unchanged / error; a batch is written with one insert and one update, so the
//! search triggers rebuild its documents together. The whole import is one transaction: a
//! preview (`dry_run`) or an import with errors (unless "skip invalid rows") rolls back.

use std::collections::{HashMap, HashSet};

use bytes::Bytes;
use frontend::api::{ImportReport, ImportRowDto, ImportRowError};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::photos;
use super::rows::{
    CellError, Merged, ParsedRow, Reference, as_stored, changes, heading, merge, parse_row,
};
use crate::app::workspace::producer_id;
use crate::app::{AppError, AppResult, require};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::imports::{ProductColumns, SkuProduct};
use crate::domain::account::{Rule, User};
use crate::domain::audit::AuditAction;
use crate::domain::import::{ProductColumn, ProductHeader, fold};
use crate::domain::slug::Slug;
use crate::sheet::{self, Cell, SheetError};
use crate::state::AppState;

/// Rows typed, looked up and written together.
const BATCH_ROWS: usize = 1000;
/// What a report lists at most (the counts always cover every row).
const MAX_ERRORS_LISTED: usize = 1000;
const MAX_ITEMS_LISTED: usize = 2000;

/// A product-list import as asked for.
pub struct ProductImport {
    pub file_name: String,
    pub file: Bytes,
    /// A ZIP of photos named by SKU (`TC-001.jpg`, `TC-001-2.jpg`).
    pub photos: Option<Bytes>,
    /// Only look: nothing is written.
    pub dry_run: bool,
    /// Write the valid rows even when others have errors.
    pub skip_invalid: bool,
}

/// Told how many rows have been handled so far (the command line's progress bar).
pub trait Progress: Sync {
    fn rows_done(&self, rows: u64);
}

/// No one is watching.
pub struct Quiet;

impl Progress for Quiet {
    fn rows_done(&self, _: u64) {}
}

/// Checks the caller may import into this producer, before the file is read.
pub async fn may_import(
    state: &AppState,
    user: Option<&User>,
    producer_slug: &str,
) -> AppResult<()> {
    require(user, Rule::SignedIn)?;
    let producer = producer_id(state, producer_slug).await?;
    require(user, Rule::MemberOf(producer))?;
    Ok(())
}

/// Members import a product list into their producer.
pub async fn import_products(
    state: &AppState,
    user: Option<&User>,
    producer_slug: &str,
    input: ProductImport,
) -> AppResult<ImportReport> {
    require(user, Rule::SignedIn)?;
    let producer = producer_id(state, producer_slug).await?;
    let user = require(user, Rule::MemberOf(producer))?;
    run(state, Some(user.id), producer, input, &Quiet).await
}

/// The operator imports from the server's command line (no account; audited without actor).
pub async fn import_products_as_operator(
    state: &AppState,
    producer_slug: &str,
    input: ProductImport,
    progress: &dyn Progress,
) -> AppResult<ImportReport> {
    let producer = producer_id(state, producer_slug).await?;
    run(state, None, producer, input, progress).await
}

/// A whole-file refusal, reported on the upload's `file` field.
pub(super) fn file_error(error: SheetError) -> AppError {
    AppError::field("file", error.to_string())
}

/// Everything an import keeps between batches.
struct Run<'a> {
    producer: Uuid,
    reference: Reference,
    header: ProductHeader,
    headers: HashMap<ProductColumn, String>,
    /// Each code's first row, to refuse a code used twice in one file.
    seen: HashMap<String, u32>,
    report: ImportReport,
    dry_run: bool,
    skip_invalid: bool,
    progress: &'a dyn Progress,
}

impl Run<'_> {
    /// Whether this batch's rows are written: never for a preview, and no longer once a row
    /// failed in an all-or-nothing import (it rolls back anyway).
    fn writing(&self) -> bool {
        !self.dry_run && (self.skip_invalid || self.report.invalid == 0)
    }
}

async fn run(
    state: &AppState,
    actor: Option<Uuid>,
    producer: Uuid,
    input: ProductImport,
    progress: &dyn Progress,
) -> AppResult<ImportReport> {
    let reference = Reference::new(
        db::imports::categories(&state.db).await?,
        db::imports::units(&state.db).await?,
        db::imports::gis(&state.db, Some(producer)).await?,
    );
    let mut rows = sheet::stream(input.file.clone())
        .await
        .map_err(file_error)?;
    let header_row = match rows.next().await {
        None => return Err(file_error(SheetError::Empty)),
        Some(row) => row.map_err(file_error)?,
    };
    let header = ProductHeader::parse(header_row.cells.iter().map(Cell::as_text))
        .map_err(|m| AppError::field("file", m))?;
    let headers = ProductColumn::ALL
        .into_iter()
        .filter_map(|c| {
            let at = header.position(c)?;
            Some((c, header_row.cell(at).to_string()))
        })
        .collect();
    let info = rows.info;
    let mut run = Run {
        producer,
        reference,
        header,
        headers,
        seen: HashMap::new(),
        report: ImportReport {
            format: info.format.as_str().to_owned(),
            encoding: info.encoding.map(|e| e.as_str().to_owned()),
            encoding_label: info.encoding.map(|e| e.label_vi().to_owned()),
            separator: info.separator.map(|s| s.to_string()),
            dry_run: input.dry_run,
            skip_invalid: input.skip_invalid,
            ..ImportReport::default()
        },
        dry_run: input.dry_run,
        skip_invalid: input.skip_invalid,
        progress,
    };
    let mut tx = state.db.begin().await?;
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    while let Some(row) = rows.next().await {
        let row = row.map_err(file_error)?;
        // Notes in the CSV template start with `#`; they are not products.
        if row.cell(0).as_text().is_some_and(|t| t.starts_with('#')) {
            continue;
        }
        batch.push(parse_row(&row, &run.header, &run.headers, &run.reference));
        if batch.len() == BATCH_ROWS {
            handle_batch(&mut tx, &mut run, std::mem::take(&mut batch)).await?;
        }
    }
    handle_batch(&mut tx, &mut run, batch).await?;
    if run.report.rows == 0 {
        return Err(AppError::field(
            "file",
            "tệp không có dòng sản phẩm nào dưới dòng tiêu đề",
        ));
    }
    // Photos are checked whatever happens (a preview shows their problems too) and stored only
    // by an import that writes; a refused photo stops an all-or-nothing import like a bad row.
    let checked = match input.photos.clone() {
        Some(zip) => {
            let seen = &run.seen;
            let stored = db::imports::producer_skus(&state.db, producer).await?;
            let known = |sku: &crate::domain::import::Sku| {
                seen.contains_key(sku.as_str()) || stored.contains(sku.as_str())
            };
            Some(photos::check(zip, &known).await?)
        }
        None => None,
    };
    let photo_errors = checked.as_ref().is_some_and(|c| !c.errors.is_empty());
    let writing = run.writing() && (run.skip_invalid || !photo_errors);
    let mut stored_photos = Vec::new();
    if let Some(checked) = checked {
        if writing {
            let (report, keys) = photos::store(state, &mut tx, producer, checked).await?;
            run.report.photos = Some(report);
            stored_photos = keys;
        } else {
            run.report.photos = Some(frontend::api::PhotoReport {
                found: checked.photos.len() as u64,
                errors: checked.errors,
                ..Default::default()
            });
        }
    }
    if !writing {
        // A preview, or an all-or-nothing import that met an error: nothing stays.
        drop(tx);
        return Ok(run.report);
    }
    let report = &run.report;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor,
            action: AuditAction::ProductImport,
            entity_id: producer.to_string(),
            reason: None,
            before: None,
            after: Some(json!({
                "file": input.file_name,
                "format": report.format,
                "encoding": report.encoding,
                "rows": report.rows,
                "new": report.new,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "invalid": report.invalid,
                "skip_invalid": report.skip_invalid,
                "photos_added": report.photos.as_ref().map(|p| p.added),
            })),
        },
    )
    .await?;
    if let Err(error) = tx.commit().await {
        photos::forget(state, &stored_photos).await;
        return Err(error.into());
    }
    run.report.applied = true;
    Ok(run.report)
}

/// Types a batch against the stored products with the same codes, reports every row, and
/// writes the batch's new and changed products when the import is writing.
async fn handle_batch(
    tx: &mut PgConnection,
    run: &mut Run<'_>,
    mut batch: Vec<ParsedRow>,
) -> AppResult<()> {
    if batch.is_empty() {
        return Ok(());
    }
    for row in &mut batch {
        if let Some(sku) = &row.sku {
            if let Some(first) = run.seen.get(sku.as_str()) {
                row.errors.push(CellError {
                    column: heading(&run.headers, ProductColumn::Sku),
                    message: format!("mã {sku} trùng với dòng {first} trong cùng tệp"),
                });
            } else {
                run.seen.insert(sku.as_str().to_owned(), row.line);
            }
        }
    }
    let skus: Vec<String> = batch
        .iter()
        .filter_map(|r| r.sku.as_ref().map(|s| s.as_str().to_owned()))
        .collect();
    let writing = run.writing();
    let stored: HashMap<String, SkuProduct> =
        db::imports::by_skus(tx, run.producer, &skus, writing)
            .await?
            .into_iter()
            .map(|p| (p.sku.clone(), p))
            .collect();
    let mut inserts = ProductColumns::default();
    let mut updates = ProductColumns::default();
    for row in batch {
        run.report.rows += 1;
        let sku = row.sku.as_ref().map(|s| s.as_str().to_owned());
        let current = sku.as_deref().and_then(|s| stored.get(s));
        let mut errors = row.errors;
        let merged = if errors.is_empty() {
            merge(
                &row.values,
                current,
                &run.headers,
                &run.reference,
                &mut errors,
            )
        } else {
            None
        };
        let (status, changed, name) = match (merged, current) {
            (Some(after), None) if errors.is_empty() => {
                run.report.new += 1;
                let name = after.name.clone();
                push(&mut inserts, None, sku.clone().unwrap_or_default(), after);
                ("new", vec![], name)
            }
            (Some(after), Some(current)) if errors.is_empty() => {
                let before = as_stored(current);
                let name = after.name.clone();
                if before == after {
                    run.report.unchanged += 1;
                    ("unchanged", vec![], name)
                } else {
                    run.report.updated += 1;
                    let changed = changes(&before, &after);
                    push(&mut updates, Some(current.id), current.sku.clone(), after);
                    ("update", changed, name)
                }
            }
            _ => {
                run.report.invalid += 1;
                let name = current.map_or(row.raw_name.clone(), |c| c.name.clone());
                for error in errors {
                    if run.report.errors.len() < MAX_ERRORS_LISTED {
                        run.report.errors.push(ImportRowError {
                            row: row.line,
                            column: error.column,
                            message: error.message,
                        });
                    }
                }
                ("error", vec![], name)
            }
        };
        if run.report.items.len() < MAX_ITEMS_LISTED {
            run.report.items.push(ImportRowDto {
                row: row.line,
                sku: sku.unwrap_or_default(),
                name,
                status: status.to_owned(),
                changes: changed,
            });
        } else {
            run.report.items_truncated = true;
        }
    }
    if writing {
        if !inserts.is_empty() {
            inserts.slugs = free_slugs(tx, &inserts).await?;
            db::imports::insert_products(tx, run.producer, &inserts).await?;
        }
        if !updates.is_empty() {
            db::imports::update_products(tx, &updates).await?;
        }
    }
    run.progress.rows_done(run.report.rows);
    Ok(())
}

fn push(columns: &mut ProductColumns, id: Option<Uuid>, sku: String, product: Merged) {
    if let Some(id) = id {
        columns.ids.push(id);
    }
    columns.skus.push(sku);
    columns.names.push(product.name);
    columns.descriptions.push(product.description);
    columns.categories.push(product.category);
    columns.prices.push(product.price);
    columns.units.push(product.unit);
    columns.stocks.push(product.stock);
    columns.gis.push(product.gi);
}

/// A free slug for each new product: its name's, else the name's with its code, else numbered.
/// A few statements per batch, however many rows share a name.
async fn free_slugs(tx: &mut PgConnection, rows: &ProductColumns) -> AppResult<Vec<String>> {
    let bases: Vec<(String, String)> = rows
        .names
        .iter()
        .zip(&rows.skus)
        .map(|(name, sku)| {
            let mut base = Slug::from_name(name)
                .map(|s| s.as_str().to_owned())
                .unwrap_or_else(|_| "san-pham".to_owned());
            // Room for the code and a number within the 120 characters of a slug.
            if base.len() > 80 {
                base.truncate(80);
                base = base.trim_end_matches('-').to_owned();
            }
            (base, fold(sku))
        })
        .collect();
    let mut chosen: Vec<Option<String>> = vec![None; rows.len()];
    let mut used: HashSet<String> = HashSet::new();
    for attempt in 0..4u32 {
        let candidates: Vec<(usize, String)> = chosen
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_none())
            .map(|(i, _)| {
                let (base, sku) = &bases[i];
                let candidate = match attempt {
                    0 => base.clone(),
                    1 => format!("{base}-{sku}"),
                    n => format!("{base}-{sku}-{n}"),
                };
                (i, candidate)
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        let names: Vec<String> = candidates.iter().map(|(_, c)| c.clone()).collect();
        let taken: HashSet<String> = db::imports::taken_slugs(tx, &names)
            .await?
            .into_iter()
            .collect();
        for (i, candidate) in candidates {
            if !taken.contains(&candidate) && used.insert(candidate.clone()) {
                chosen[i] = Some(candidate);
            }
        }
    }
    Ok(chosen
        .into_iter()
        .zip(&bases)
        .map(|(slug, (base, _))| {
            slug.unwrap_or_else(|| format!("{base}-{}", &Uuid::new_v4().simple().to_string()[..8]))
        })
        .collect())
}
