//! The curators' annex import without JavaScript: the upload form posts the file with the
//! decision's fields (kept as an upload) and lands on its review; the review's radio buttons
//! (`chon-<row>`) are posted with the apply button. Same `app::imports::annex` commands as the
//! JSON API, answered with a 303.

use std::collections::HashMap;

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::Response;
use axum::routing::post;
use frontend::api::{AnnexPage, BackendError, Request};
use uuid::Uuid;

use super::forms::{Fields, finish, go};
use super::refused;
use super::workspace::{requester, take_flash};
use crate::app;
use crate::app::AppError;
use crate::app::imports::MAX_SHEET_BYTES;
use crate::app::imports::annex::uploads::{self, DecisionFields};
use crate::auth::Requester;
use crate::domain::account::Rule;
use crate::http::error::ApiError;
use crate::http::imports::read_import_form;
use crate::state::AppState;

const ANNEX_PATH: &str = "/can-bo/quyet-dinh";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            ANNEX_PATH,
            post(upload_form).layer(DefaultBodyLimit::max(MAX_SHEET_BYTES + 64 * 1024)),
        )
        .route("/can-bo/quyet-dinh/{upload}/ap-dung", post(apply_form))
}

/// The review's choices: `chon-4=product:…` → row 4.
fn choices<'a>(fields: impl IntoIterator<Item = (&'a String, &'a String)>) -> HashMap<u32, String> {
    fields
        .into_iter()
        .filter_map(|(name, value)| {
            let row = name.strip_prefix("chon-")?.parse().ok()?;
            Some((row, value.clone())).filter(|(_, v)| !v.is_empty())
        })
        .collect()
}

/// The annex page: the upload form, or an upload's review with the choices last posted.
pub async fn annex_page(
    state: &AppState,
    req: &Request,
    upload: Option<String>,
) -> Result<AnnexPage, BackendError> {
    let requester = requester(state, req).await?;
    let user = requester.user.as_ref();
    app::require(user, Rule::Curator).map_err(refused)?;
    let form = take_flash(&requester.session).await;
    let mut page = AnnexPage::default();
    if let Some(raw) = upload {
        let id: Uuid = raw.parse().map_err(|_| BackendError::NotFound)?;
        let preview = uploads::review_upload(state, user, id, choices(&form.values))
            .await
            .map_err(refused)?;
        page.upload_id = Some(preview.id.to_string());
        page.file_name = Some(preview.file_name);
        page.already_applied = preview.already_applied;
        match preview.review {
            Ok(review) => page.review = Some(review),
            Err(message) => page.file_error = Some(message),
        }
    }
    page.form = form;
    Ok(page)
}

/// Keeps the annex and its decision's fields, and shows the review.
async fn upload_form(
    State(state): State<AppState>,
    requester: Requester,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let user = requester.user.as_ref();
    let mut typed = Vec::new();
    let result = async {
        app::require(user, Rule::Curator)?;
        let mut files = read_import_form(multipart).await?;
        typed = files
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut text = |name: &str| files.fields.remove(name).unwrap_or_default();
        let decision = DecisionFields {
            decision_no: text("decision_no"),
            decided_on: text("decided_on"),
            issuer_level: text("issuer_level"),
            issuer: Some(text("issuer")).filter(|t| !t.trim().is_empty()),
            rule_set: Some(text("rule_set")).filter(|t| !t.trim().is_empty()),
        };
        let id = uploads::save_upload(&state, user, &files.file_name, files.file, decision).await?;
        Ok::<_, ApiError>(go(format!("{ANNEX_PATH}/{id}"), None))
    }
    .await
    .map_err(|error| match error {
        ApiError::PayloadTooLarge => {
            ApiError::Validation([("file".to_owned(), "phụ lục lớn hơn 10 MB".to_owned())].into())
        }
        other => other,
    });
    finish(&requester.session, result, ANNEX_PATH, &typed).await
}

/// Issues the certificates of a reviewed annex with the choices made on the review.
async fn apply_form(
    State(state): State<AppState>,
    requester: Requester,
    Path(upload): Path<Uuid>,
    fields: Fields,
) -> Response {
    let back = format!("{ANNEX_PATH}/{upload}");
    let chosen = choices(fields.iter().map(|(k, v)| (k, v)));
    let result = match uploads::apply_upload(&state, requester.user.as_ref(), upload, chosen).await
    {
        Ok(review) if review.applied => Ok(go(
            back.clone(),
            Some("Đã cấp chứng nhận theo phụ lục: sao OCOP đã hiện trên các sản phẩm."),
        )),
        Ok(_) => Err(AppError::Conflict {
            code: "annex_needs_review",
            message: "Còn dòng cần chọn hoặc dòng lỗi nên chưa cấp chứng nhận nào.".into(),
        }
        .into()),
        Err(AppError::Validation(fields)) => Err(AppError::Conflict {
            code: "annex_refused",
            message: fields.into_values().collect::<Vec<_>>().join("; "),
        }
        .into()),
        Err(error) => Err(error.into()),
    };
    finish(&requester.session, result, &back, &fields).await
}
