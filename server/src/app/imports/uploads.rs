//! The workspace's import in two steps without JavaScript: an upload is kept (in the database,
//! so any instance can show its preview), previewed as often as the page is opened, and applied
//! once. Only members of the producer see or apply it.

use bytes::Bytes;
use frontend::api::ImportReport;
use uuid::Uuid;

use super::products::{ProductImport, import_products};
use crate::app::workspace::producer_id;
use crate::app::{AppError, AppResult, require};
use crate::db;
use crate::domain::account::{Rule, User};
use crate::state::AppState;

/// An upload as its preview page shows it.
pub struct UploadPreview {
    pub id: Uuid,
    pub file_name: String,
    pub has_photos: bool,
    pub already_applied: bool,
    /// The dry run's report, or why the file cannot be read at all.
    pub report: Result<ImportReport, String>,
}

/// Keeps an uploaded product list (and photos ZIP) of a member's producer for its preview.
pub async fn save_upload(
    state: &AppState,
    user: Option<&User>,
    producer_slug: &str,
    file_name: &str,
    file: Option<Bytes>,
    photos: Option<Bytes>,
) -> AppResult<Uuid> {
    require(user, Rule::SignedIn)?;
    let producer = producer_id(state, producer_slug).await?;
    let user = require(user, Rule::MemberOf(producer))?;
    let file = file.ok_or_else(|| AppError::field("file", "hãy chọn tệp .xlsx hoặc .csv"))?;
    let photos = photos.filter(|p| !p.is_empty());
    let name: String = Some(file_name)
        .filter(|n| !n.is_empty())
        .unwrap_or("bang-tinh")
        .chars()
        .take(200)
        .collect();
    let mut conn = state.db.acquire().await?;
    Ok(db::imports::save_upload(
        &mut conn,
        producer,
        user.id,
        &name,
        &file,
        photos.as_deref(),
    )
    .await?)
}

/// The upload of this producer, for one of its members.
async fn member_upload(
    state: &AppState,
    user: Option<&User>,
    producer_slug: &str,
    id: Uuid,
) -> AppResult<db::imports::Upload> {
    require(user, Rule::SignedIn)?;
    let producer = producer_id(state, producer_slug).await?;
    require(user, Rule::MemberOf(producer))?;
    db::imports::upload(&state.db, id)
        .await?
        .filter(|u| u.producer_id == producer)
        .ok_or(AppError::NotFound)
}

/// What applying the upload would do (nothing is written).
pub async fn preview_upload(
    state: &AppState,
    user: Option<&User>,
    producer_slug: &str,
    id: Uuid,
) -> AppResult<UploadPreview> {
    let upload = member_upload(state, user, producer_slug, id).await?;
    let input = ProductImport {
        file_name: upload.file_name.clone(),
        file: Bytes::from(upload.file),
        photos: upload.photos.map(Bytes::from),
        dry_run: true,
        skip_invalid: false,
    };
    let report = match import_products(state, user, producer_slug, input).await {
        Ok(report) => Ok(report),
        Err(AppError::Validation(fields)) => {
            Err(fields.into_values().collect::<Vec<_>>().join("; "))
        }
        Err(other) => return Err(other),
    };
    Ok(UploadPreview {
        id: upload.id,
        file_name: upload.file_name,
        has_photos: input_has_photos(&report),
        already_applied: upload.applied,
        report,
    })
}

fn input_has_photos(report: &Result<ImportReport, String>) -> bool {
    report.as_ref().is_ok_and(|r| r.photos.is_some())
}

/// Applies the upload (once: a second click answers 409), all or nothing unless `skip_invalid`.
pub async fn apply_upload(
    state: &AppState,
    user: Option<&User>,
    producer_slug: &str,
    id: Uuid,
    skip_invalid: bool,
) -> AppResult<ImportReport> {
    let upload = member_upload(state, user, producer_slug, id).await?;
    if upload.applied {
        return Err(already_applied());
    }
    let input = ProductImport {
        file_name: upload.file_name,
        file: Bytes::from(upload.file),
        photos: upload.photos.map(Bytes::from),
        dry_run: false,
        skip_invalid,
    };
    let report = import_products(state, user, producer_slug, input).await?;
    if report.applied {
        let mut conn = state.db.acquire().await?;
        if !db::imports::mark_applied(&mut conn, id).await? {
            return Err(already_applied());
        }
    }
    Ok(report)
}

fn already_applied() -> AppError {
    AppError::Conflict {
        code: "already_applied",
        message: "tệp này đã được nhập rồi; hãy tải lên lại nếu muốn nhập lần nữa".into(),
    }
}
