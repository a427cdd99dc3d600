//! The workspace's product-list import without JavaScript: the upload form posts the file (kept
//! as an upload) and lands on its preview; the preview's button applies it. Both call the same
//! `app::imports` commands as the JSON API, and answer with a 303.

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::Response;
use axum::routing::post;
use frontend::api::{BackendError, ImportPage, Request};
use uuid::Uuid;

use super::forms::{Fields, finish, go};
use super::workspace::{requester, take_flash};
use super::{internal, refused};
use crate::app;
use crate::app::AppError;
use crate::app::imports::{MAX_PHOTOS_ZIP_BYTES, MAX_SHEET_BYTES};
use crate::auth::Requester;
use crate::db;
use crate::http::error::ApiError;
use crate::http::imports::read_import_form;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/quan-ly/{slug}/nhap-san-pham",
            post(upload_form).layer(DefaultBodyLimit::max(
                MAX_SHEET_BYTES + MAX_PHOTOS_ZIP_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/quan-ly/{slug}/nhap-san-pham/{upload}/ap-dung",
            post(apply_form),
        )
}

/// The import page: the upload form, or the preview of one of the producer's uploads.
pub async fn import_page(
    state: &AppState,
    req: &Request,
    slug: String,
    upload: Option<String>,
) -> Result<ImportPage, BackendError> {
    let requester = requester(state, req).await?;
    let user = requester.user.as_ref();
    app::imports::may_import(state, user, &slug)
        .await
        .map_err(refused)?;
    let producer = db::catalog::producer_by_slug(&state.db, &slug)
        .await
        .map_err(internal)?
        .ok_or(BackendError::NotFound)?;
    let mut page = ImportPage {
        producer_slug: producer.slug,
        producer_name: producer.name,
        ..ImportPage::default()
    };
    if let Some(raw) = upload {
        let id: Uuid = raw.parse().map_err(|_| BackendError::NotFound)?;
        let preview = app::imports::uploads::preview_upload(state, user, &slug, id)
            .await
            .map_err(refused)?;
        page.upload_id = Some(preview.id.to_string());
        page.file_name = Some(preview.file_name);
        page.has_photos = preview.has_photos;
        page.already_applied = preview.already_applied;
        match preview.report {
            Ok(report) => page.report = Some(report),
            Err(message) => page.file_error = Some(message),
        }
    }
    page.form = take_flash(&requester.session).await;
    Ok(page)
}

/// A refusal about the files, in the words of this form (the photo form's "ảnh lớn hơn 10 MB"
/// would be wrong here).
fn file_refusal(error: ApiError) -> ApiError {
    let field =
        |message: &str| ApiError::Validation([("file".to_owned(), message.to_owned())].into());
    match error {
        ApiError::PayloadTooLarge => {
            field("tệp lớn hơn giới hạn: bảng tính tối đa 10 MB, tệp ảnh .zip tối đa 50 MB")
        }
        ApiError::UnsupportedMediaType(_) => field("hãy chọn tệp .xlsx hoặc .csv"),
        other => other,
    }
}

/// Keeps the upload and shows its preview.
async fn upload_form(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let back = format!("/quan-ly/{slug}/nhap-san-pham");
    let user = requester.user.as_ref();
    let result = async {
        app::imports::may_import(&state, user, &slug).await?;
        let files = read_import_form(multipart).await?;
        let id = app::imports::uploads::save_upload(
            &state,
            user,
            &slug,
            &files.file_name,
            files.file,
            files.photos,
        )
        .await?;
        Ok(go(format!("{back}/{id}"), None))
    }
    .await
    .map_err(file_refusal);
    finish(&requester.session, result, &back, &[]).await
}

/// Applies a previewed upload; "bỏ qua dòng lỗi" writes only the valid rows.
async fn apply_form(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, upload)): Path<(String, Uuid)>,
    fields: Fields,
) -> Response {
    let back = format!("/quan-ly/{slug}/nhap-san-pham/{upload}");
    let skip_invalid = fields
        .iter()
        .any(|(name, value)| name == "bo_qua_dong_loi" && !value.is_empty());
    let result = match app::imports::uploads::apply_upload(
        &state,
        requester.user.as_ref(),
        &slug,
        upload,
        skip_invalid,
    )
    .await
    {
        Ok(report) if report.applied => Ok(go(
            back.clone(),
            Some("Đã nhập xong: sản phẩm đã có trong danh mục và tìm kiếm."),
        )),
        Ok(_) => Err(AppError::Conflict {
            code: "import_has_errors",
            message: "Có dòng lỗi nên chưa nhập dòng nào: hãy sửa tệp và tải lên lại, hoặc \
                      đánh dấu \"Bỏ qua dòng lỗi\"."
                .into(),
        }
        .into()),
        Err(AppError::Validation(fields)) => Err(AppError::Conflict {
            code: "import_refused",
            message: fields.into_values().collect::<Vec<_>>().join("; "),
        }
        .into()),
        Err(error) => Err(error.into()),
    };
    finish(&requester.session, result, &back, &fields).await
}
