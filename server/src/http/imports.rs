//! Spreadsheets in over the JSON API: a member posts a product list (multipart `file`, optional
//! `photos` ZIP) and gets the import's report; anyone downloads the templates.

use std::collections::HashMap;

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::{Bytes, BytesMut};
use frontend::api::{AnnexReview, ImportReport};
use serde::Serialize;

use super::error::ApiError;
use super::schemas::ErrorBody;
use super::workspace::multipart_error;
use crate::app;
use crate::app::imports::annex::AnnexImport;
use crate::app::imports::{MAX_PHOTOS_ZIP_BYTES, MAX_SHEET_BYTES, ProductImport};
use crate::auth::Requester;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/producers/{slug}/imports",
            // Room for both files and the multipart framing; each is held to its own limit.
            post(import_products).layer(DefaultBodyLimit::max(
                MAX_SHEET_BYTES + MAX_PHOTOS_ZIP_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/v1/imports/products-template.xlsx",
            get(products_template_xlsx),
        )
        .route(
            "/v1/imports/products-template.csv",
            get(products_template_csv),
        )
        .route(
            "/v1/ocop-decisions/imports",
            post(import_annex).layer(DefaultBodyLimit::max(MAX_SHEET_BYTES + 64 * 1024)),
        )
}

/// The files of an import form, each held to its limit (413 past it).
pub struct ImportFiles {
    pub file: Option<Bytes>,
    pub file_name: String,
    pub photos: Option<Bytes>,
    /// The form's other text fields (the no-JS form's checkbox).
    pub fields: HashMap<String, String>,
}

/// Reads `file` (≤ 10 MB) and `photos` (≤ 50 MB) chunk by chunk, refusing past the limit
/// without reading on.
pub async fn read_import_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<ImportFiles, ApiError> {
    let mut multipart =
        multipart.map_err(|rejection| ApiError::UnsupportedMediaType(rejection.body_text()))?;
    let mut files = ImportFiles {
        file: None,
        file_name: String::new(),
        photos: None,
        fields: HashMap::new(),
    };
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        let limit = match name.as_str() {
            "file" => MAX_SHEET_BYTES,
            "photos" => MAX_PHOTOS_ZIP_BYTES,
            _ => {
                let text = field.text().await.map_err(multipart_error)?;
                // Choices for a long annex run to a few kilobytes; nothing else is long.
                files
                    .fields
                    .insert(name, text.chars().take(65_536).collect());
                continue;
            }
        };
        if name == "file" {
            files.file_name = field.file_name().unwrap_or_default().to_owned();
        }
        let mut bytes = BytesMut::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if bytes.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        // A file input left empty still sends its part, without a file name; an empty file
        // that was chosen is read (and refused as empty).
        let bytes = bytes.freeze();
        if name == "file" {
            files.file = Some(bytes).filter(|b| !b.is_empty() || !files.file_name.is_empty());
        } else {
            files.photos = Some(bytes).filter(|b| !b.is_empty());
        }
    }
    Ok(files)
}

/// `true`, `1`, `on` or `yes` (any case) is yes; anything else, or nothing, is no.
pub fn flag(value: Option<&String>) -> bool {
    value.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "true" | "1" | "on" | "yes"
        )
    })
}

/// An import that met errors and wrote nothing: the error shape and the report side by side.
#[derive(Serialize)]
struct Refused {
    error: RefusedDetail,
    #[serde(flatten)]
    report: ImportReport,
}

#[derive(Serialize)]
struct RefusedDetail {
    code: &'static str,
    message: String,
}

/// The multipart form of a product-list import.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // A schema only: the handler reads the fields from `Multipart`.
pub(crate) struct ProductsUpload {
    /// The list, `.xlsx` or `.csv` (UTF-8 or Windows-1258), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Photos named after the rows' product codes, as one `.zip` of at most 50 MB.
    #[schema(value_type = Option<String>, format = Binary)]
    photos: Option<Vec<u8>>,
}

/// The multipart form of an OCOP annex import.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // A schema only: the handler reads the fields from `Multipart`.
pub(crate) struct AnnexUpload {
    /// The decision's annex, `.xlsx` or `.csv`, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Members import a product list: preview it (`dry_run=true`) or apply it, all or nothing unless
/// `skip_invalid=true`. Rows are matched to the producer's products by their code (SKU).
#[utoipa::path(
    post,
    path = "/api/v1/producers/{slug}/imports",
    tag = "products",
    summary = "Members import a product list from an .xlsx or .csv (multipart `file`, optional `photos` ZIP)",
    description = "Columns (Vietnamese headers, English aliases accepted): mã sản phẩm (SKU, required), tên, \
        nhóm, đơn vị, giá, tồn kho, mô tả, chỉ dẫn địa lý. A row whose code the producer already uses \
        updates that product (empty cells keep what is stored); a new code creates a product. CSV may be \
        UTF-8 (with or without BOM) or Windows-1258, with `;` or `,`. Photos are named by code: \
        `TC-001.jpg`, `TC-001-2.jpg`. With errors and without `skip_invalid`, nothing is written and the \
        answer is 422 with the report beside the error.",
    security(("session" = [])),
    params(
        ("slug" = String, Path, description = "The producer's slug"),
        ("dry_run" = Option<bool>, Query, description = "Only preview: nothing is written"),
        ("skip_invalid" = Option<bool>, Query, description = "Write the valid rows even when others have errors"),
    ),
    request_body(content = ProductsUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Previewed, or applied", body = ImportReport),
        (status = 400, description = "Malformed multipart body", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No producer has this slug", body = ErrorBody),
        (status = 413, description = "The spreadsheet is larger than 10 MB (the photos ZIP than 50 MB)", body = ErrorBody),
        (status = 415, description = "Not multipart/form-data", body = ErrorBody),
        (status = 422, description = "No file, not a spreadsheet, unknown or missing columns (`validation_failed`); or rows with errors and nothing written (`import_has_errors`, with the report)", body = ErrorBody),
    ),
)]
pub(crate) async fn import_products(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let user = requester.user.as_ref();
    // Who may import is known before a byte of the body is read.
    app::imports::may_import(&state, user, &slug).await?;
    let files = read_import_form(multipart).await?;
    let file = files.file.ok_or_else(|| {
        app::AppError::field("file", "hãy gửi tệp .xlsx hoặc .csv trong trường file")
    })?;
    let input = ProductImport {
        file_name: Some(files.file_name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "bang-tinh".to_owned()),
        file,
        photos: files.photos,
        dry_run: flag(query.get("dry_run")),
        skip_invalid: flag(query.get("skip_invalid")),
    };
    let report = app::imports::import_products(&state, user, &slug, input).await?;
    if report.dry_run || report.applied {
        return Ok(axum::Json(report).into_response());
    }
    let message = format!(
        "{} dòng có lỗi nên chưa nhập gì; hãy sửa tệp, hoặc nhập với skip_invalid=true để bỏ qua các dòng lỗi",
        report.invalid
    );
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(Refused {
            error: RefusedDetail {
                code: "import_has_errors",
                message,
            },
            report,
        }),
    )
        .into_response())
}

/// The product-list template for Excel: the columns, an example row, and the lists of product
/// groups, units and GIs on their own sheets.
#[utoipa::path(
    get,
    path = "/api/v1/imports/products-template.xlsx",
    tag = "products",
    responses(
        (status = 200, description = "The template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = String),
    ),
)]
pub(crate) async fn products_template_xlsx(
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let body = app::imports::templates::products_xlsx(&state).await?;
    Ok(super::download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "mau-san-pham.xlsx",
        body,
    ))
}

/// The product-list template as CSV (UTF-8 with BOM, `;`): the columns, an example row, and
/// the lists as notes (`#` rows, skipped by an import).
#[utoipa::path(
    get,
    path = "/api/v1/imports/products-template.csv",
    tag = "products",
    responses(
        (status = 200, description = "The template", content_type = "text/csv", body = String),
    ),
)]
pub(crate) async fn products_template_csv(
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let body = app::imports::templates::products_csv(&state).await?;
    Ok(super::download(
        "text/csv; charset=utf-8",
        "mau-san-pham.csv",
        body,
    ))
}

/// Row number → choice, from the `choices` field (`{"4": "product:…"}`).
pub fn parse_choices(raw: Option<&String>) -> Result<HashMap<u32, String>, ApiError> {
    match raw.map(|r| r.trim()).filter(|r| !r.is_empty()) {
        None => Ok(HashMap::new()),
        Some(raw) => serde_json::from_str::<HashMap<u32, String>>(raw).map_err(|_| {
            app::AppError::field(
                "choices",
                "phải là JSON dạng {\"số dòng\": \"product:<id>\" | \"producer:<id>\" | \"new\"}",
            )
            .into()
        }),
    }
}

/// An annex that still needs the curator (ambiguous rows or errors): the error and the review.
#[derive(Serialize)]
struct NeedsReview {
    error: RefusedDetail,
    #[serde(flatten)]
    review: AnnexReview,
}

/// Curators import an OCOP decision from its annex: review it (`dry_run=true`), then apply it
/// with a choice for each ambiguous row; every certificate is issued in one transaction.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-decisions/imports",
    tag = "ocop",
    summary = "Curators import an OCOP decision's annex (multipart `file` and the decision's fields)",
    description = "Fields: `file` (.xlsx or .csv: tên sản phẩm, chủ thể, xã/phường, nhóm, số sao), \
        `decision_no`, `decided_on` (YYYY-MM-DD), `issuer_level` (district, province, central), \
        optional `issuer`, `rule_set` (148/2023 or 26/2026), and `choices` (JSON: row number → \
        `product:<id>`, `producer:<id>` or `new`) for ambiguous rows. Rows are matched by names \
        without diacritics, case or legal form (HTX, Công ty TNHH, Hộ kinh doanh) and by commune; \
        new ones become draft producers and products. The same rules as single decisions apply.",
    security(("session" = [])),
    params(("dry_run" = Option<bool>, Query, description = "Only review: nothing is written")),
    request_body(content = AnnexUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Reviewed, or applied", body = AnnexReview),
        (status = 400, description = "Malformed multipart body", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a curator, or a cross-site request", body = ErrorBody),
        (status = 413, description = "Larger than 10 MB", body = ErrorBody),
        (status = 415, description = "Not multipart/form-data", body = ErrorBody),
        (status = 422, description = "Bad file or decision fields (`validation_failed`); or rows ambiguous or in error and nothing written (`annex_needs_review`, with the review)", body = ErrorBody),
    ),
)]
pub(crate) async fn import_annex(
    State(state): State<AppState>,
    requester: Requester,
    Query(query): Query<HashMap<String, String>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let user = requester.user.as_ref();
    app::require(user, crate::domain::account::Rule::Curator)?;
    let mut files = read_import_form(multipart).await?;
    let file = files.file.take().ok_or_else(|| {
        app::AppError::field(
            "file",
            "hãy gửi phụ lục (.xlsx hoặc .csv) trong trường file",
        )
    })?;
    let mut field = |name: &str| files.fields.remove(name);
    let input = AnnexImport {
        file,
        decision_no: field("decision_no"),
        decided_on: field("decided_on"),
        issuer_level: field("issuer_level"),
        issuer: field("issuer"),
        rule_set: field("rule_set"),
        choices: parse_choices(field("choices").as_ref())?,
        dry_run: flag(query.get("dry_run")),
    };
    let review = app::imports::annex::import_annex(&state, user, input).await?;
    if review.dry_run || review.applied {
        return Ok(axum::Json(review).into_response());
    }
    let message = format!(
        "{} dòng cần chọn, {} dòng có lỗi: chưa cấp chứng nhận nào",
        review.ambiguous, review.invalid
    );
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(NeedsReview {
            error: RefusedDetail {
                code: "annex_needs_review",
                message,
            },
            review,
        }),
    )
        .into_response())
}
