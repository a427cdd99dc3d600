//! Spreadsheet imports: the report of a product-list import (the API's answer and the preview
//! page's table alike), and the server function the preview page reads it through.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Answer, FormState};

/// What an import found (a preview, `dry_run`) or did: counts, every row's outcome and every
/// error naming its row (as Excel numbers it), its column and why, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Data rows read (the header row and empty rows are not counted).
    pub rows: u64,
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows with at least one error.
    pub invalid: u64,
    /// At most 1,000; `invalid` counts them all.
    pub errors: Vec<ImportRowError>,
    /// Each row's outcome in file order, at most 2,000 (`items_truncated` says when more).
    pub items: Vec<ImportRowDto>,
    pub items_truncated: bool,
    /// `xlsx` or `csv`.
    pub format: String,
    /// For a CSV: `utf-8-bom`, `utf-8`, `utf-16` or `windows-1258`.
    pub encoding: Option<String>,
    /// The encoding in words, for people.
    pub encoding_label: Option<String>,
    /// For a CSV: the separator sniffed (`;`, `,` or a tab).
    pub separator: Option<String>,
    pub dry_run: bool,
    pub skip_invalid: bool,
    /// Whether anything was written (false for a preview, and for an import refused whole).
    pub applied: bool,
    /// The photos ZIP, when one was sent.
    pub photos: Option<PhotoReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportRowError {
    /// The row number as Excel shows it (the header is row 1).
    pub row: u32,
    /// The column's header as written in the file (or the expected header, when missing).
    pub column: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportRowDto {
    pub row: u32,
    pub sku: String,
    pub name: String,
    /// `new`, `update`, `unchanged` or `error`.
    pub status: String,
    /// For an update: what changes, e.g. `Giá: 250.000 ₫ → 260.000 ₫`.
    pub changes: Vec<String>,
}

/// Photos from the ZIP: `SKU.jpg` is the first photo, `SKU-2.jpg` the second, and so on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PhotoReport {
    /// Photos found for rows of the file.
    pub found: u64,
    pub added: u64,
    /// Already imported under the same file name.
    pub unchanged: u64,
    pub errors: Vec<PhotoError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PhotoError {
    pub file: String,
    pub message: String,
}

/// The import page of a producer's workspace: the upload form, or one upload's preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ImportPage {
    pub producer_slug: String,
    pub producer_name: String,
    /// The upload previewed (empty on the upload form).
    pub upload_id: Option<String>,
    pub file_name: Option<String>,
    pub has_photos: bool,
    pub report: Option<ImportReport>,
    /// A whole-file refusal (no such columns, not a spreadsheet…).
    pub file_error: Option<String>,
    pub already_applied: bool,
    pub form: FormState,
}

/// The import page (`upload` empty) or an upload's preview, for a member of the producer.
#[server(prefix = "/_fn", endpoint = "import_page")]
pub async fn get_import_page(slug: String, upload: Option<String>) -> Answer<ImportPage> {
    let parts = use_context::<http::request::Parts>()
        .ok_or_else(|| ServerFnError::new("request not provided"))?;
    super::port::answer(
        super::port::backend()?
            .import_page(&parts, slug, upload)
            .await,
    )
}

/// An OCOP decision's annex as curators review it (`dry_run`) or applied: each row matched to a
/// producer and product of the catalog, ambiguous (choose one), new (drafts are created), already
/// rated by this decision, or in error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnnexReview {
    pub decision_no: String,
    pub decided_on: String,
    pub issuer_level: String,
    pub rule_set: String,
    pub rows: Vec<AnnexRowDto>,
    pub matched: u64,
    pub ambiguous: u64,
    pub new: u64,
    /// Rows whose product already has a certificate of this decision (re-importing the annex).
    pub already: u64,
    pub invalid: u64,
    pub dry_run: bool,
    pub applied: bool,
    /// Certificates issued when applied.
    pub certificates: u64,
    /// The file in words, as read (`xlsx`, or CSV with its encoding).
    pub read_as: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnnexRowDto {
    /// The row number as Excel shows it.
    pub row: u32,
    pub product_name: String,
    pub producer_name: String,
    pub commune: String,
    pub group: String,
    pub stars: String,
    /// `matched`, `ambiguous`, `new`, `already` or `error`.
    pub status: String,
    /// What the row will be (or was) attached to, in words.
    pub target: String,
    /// For an ambiguous row: the choices, one of which goes in `choices[row]`.
    pub candidates: Vec<AnnexCandidate>,
    /// The choice applied to this row, when one was made.
    pub choice: Option<String>,
    pub messages: Vec<String>,
}

/// One way to resolve an ambiguous row: `product:<id>` (this product), `producer:<id>` (a new
/// product of this producer) or `new` (a new producer and product).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnnexCandidate {
    pub value: String,
    pub label: String,
}

/// The curators' annex page: the upload form (decision fields and file), or one upload's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AnnexPage {
    pub upload_id: Option<String>,
    pub file_name: Option<String>,
    pub review: Option<AnnexReview>,
    /// A refusal of the whole file or decision (no such columns, a date in the future…).
    pub file_error: Option<String>,
    pub already_applied: bool,
    pub form: FormState,
}

/// The annex upload form (`upload` empty) or an upload's review, for curators.
#[server(prefix = "/_fn", endpoint = "annex_page")]
pub async fn get_annex_page(upload: Option<String>) -> Answer<AnnexPage> {
    let parts = use_context::<http::request::Parts>()
        .ok_or_else(|| ServerFnError::new("request not provided"))?;
    let path = parts.uri.path().to_owned();
    let result = super::port::backend()?.annex_page(&parts, upload).await;
    super::curator_answer(result, &path)
}
