//! Plain HTML form posts about OCOP curation: the curators' decision form (answered with 303
//! redirects, so deciding works without JavaScript), and the producer's application and dossier
//! documents from the workspace. They call the same `app::curation` commands as the JSON API; the
//! cross-site check in `http/csrf.rs` covers them like every other POST.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use frontend::api::SelfScoreDto;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::forms::{Fields, finish, go};
use super::see_other;
use crate::app::curation::{ApplicationInput, DecisionInput};
use crate::app::{self, AppError};
use crate::auth::{Requester, Rule};
use crate::http::error::ApiError;
use crate::media::documents::MAX_DOCUMENT_BYTES;
use crate::state::AppState;

/// The session key of a refused decision's typed values and field errors, read once by the queue.
pub const DECISION_FLASH_KEY: &str = "decision_flash";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/can-bo/ho-so/{id}/quyet-dinh", post(decide_form))
        .route(
            "/quan-ly/{slug}/san-pham/{id}/ocop",
            post(apply_for_ocop_form),
        )
        .route(
            "/quan-ly/{slug}/san-pham/{id}/ocop/{application}/tai-lieu",
            post(upload_document_form).layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 64 * 1024)),
        )
}

/// The review page's decision form (`application/x-www-form-urlencoded`): every field as typed.
#[derive(Deserialize, Default)]
struct DecisionForm {
    outcome: Option<String>,
    stars: Option<String>,
    decision_no: Option<String>,
    issuer_level: Option<String>,
    decided_on: Option<String>,
    reason: Option<String>,
}

/// Query-string encoding for the messages carried back to the page.
fn query_encode(raw: &str) -> String {
    form_urlencoded::byte_serialize(raw.as_bytes()).collect()
}

/// Back to the queue with the application's form open: each reason beside its field (the form
/// has no separate issuer box, so the issuer's reason goes to the level's), what was typed kept.
async fn refused_decision(
    session: &Session,
    id: Uuid,
    typed: BTreeMap<String, String>,
    fields: BTreeMap<String, String>,
) -> Response {
    let errors = fields
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "issuer" => ("issuer_level".to_owned(), v),
            _ => (k, v),
        })
        .collect();
    let flash = frontend::api::DecisionFlash {
        application_id: id.to_string(),
        form: frontend::api::FormState {
            values: typed,
            errors,
            notice: None,
        },
    };
    if let Err(error) = session.insert(DECISION_FLASH_KEY, flash).await {
        tracing::warn!(%error, "could not keep the decision form for the next page");
    }
    see_other(&format!(
        "/can-bo/ho-so?loi={}#ho-so-{id}",
        query_encode("Chưa ghi được quyết định: hãy sửa các ô được đánh dấu bên dưới.")
    ))
}

/// Records a decision from the review page and returns there, with `xong` (done) or `loi`
/// (what was wrong, in Vietnamese) in the query.
async fn decide_form(
    State(state): State<AppState>,
    requester: Requester,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Response {
    const BACK: &str = "/can-bo/ho-so";
    // An id that is not one names no application, as on the API.
    let Ok(id) = Uuid::parse_str(&id) else {
        return ApiError::NotFound.into_response();
    };
    let user = requester.user.as_ref();
    // Only curators get as far as having their typed values checked.
    match app::require(user, Rule::Curator) {
        Ok(_) => {}
        Err(AppError::Unauthorized) => return see_other(&format!("/dang-nhap?next={BACK}")),
        Err(other) => return ApiError::from(other).into_response(),
    }
    // What was typed, to put back in the form if the decision is refused.
    let typed: BTreeMap<String, String> = [
        ("outcome", &form.outcome),
        ("stars", &form.stars),
        ("decision_no", &form.decision_no),
        ("issuer_level", &form.issuer_level),
        ("decided_on", &form.decided_on),
        ("reason", &form.reason),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k.to_owned(), v)))
    .collect();
    let present = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let stars = match present(form.stars) {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let errors = [("stars".to_owned(), "số sao phải là 3, 4 hoặc 5".to_owned())];
                return refused_decision(&requester.session, id, typed, errors.into()).await;
            }
        },
    };
    let outcome = present(form.outcome);
    let approving = outcome.as_deref() == Some("approved");
    let input = DecisionInput {
        outcome,
        // A rejection carries no rating, whatever the form's selects still hold.
        stars: stars.filter(|_| approving),
        decision_no: present(form.decision_no),
        issuer: None,
        issuer_level: present(form.issuer_level),
        decided_on: present(form.decided_on),
        reason: present(form.reason),
    };
    match app::curation::decide(&state, user, id, input).await {
        Ok(_) => see_other(&format!("{BACK}?xong={id}")),
        Err(AppError::Validation(fields)) => {
            refused_decision(&requester.session, id, typed, fields).await
        }
        Err(error @ AppError::Conflict { .. }) => {
            see_other(&format!("{BACK}?loi={}", query_encode(&error.to_string())))
        }
        Err(other) => ApiError::from(other).into_response(),
    }
}

/// The `file` field of a dossier document posted from the workspace: its bytes and the name it
/// was sent under. A body that is not multipart, or too large, is refused as the API refuses it.
pub(super) async fn read_document_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Option<(Bytes, Option<String>)>, ApiError> {
    let refused = |error: MultipartError| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest(error.body_text())
        }
    };
    let mut multipart =
        multipart.map_err(|rejection| ApiError::UnsupportedMediaType(rejection.body_text()))?;
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        if field.name() == Some("file") {
            let name = field.file_name().map(str::to_owned);
            file = Some((field.bytes().await.map_err(refused)?, name));
        }
    }
    Ok(file)
}

/// The self-assessment inputs are named `self_score.a|b|c`, as the API keys their errors; left
/// all empty they mean "not scored yet".
fn self_score(fields: &[(String, String)]) -> Result<Option<SelfScoreDto>, ApiError> {
    let mut parts = Vec::new();
    let mut errors = std::collections::BTreeMap::new();
    for part in ["a", "b", "c"] {
        let key = format!("self_score.{part}");
        let raw = fields
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, v)| v.trim())
            .unwrap_or_default();
        match raw.parse::<i64>() {
            Ok(points) => parts.push(points),
            Err(_) if raw.is_empty() => {}
            Err(_) => {
                errors.insert(key, "phải là số điểm nguyên".to_owned());
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    match parts[..] {
        [] => Ok(None),
        [a, b, c] => Ok(Some(SelfScoreDto { a, b, c })),
        _ => Err(ApiError::Validation(
            [(
                "self_score.a".to_owned(),
                "hãy chấm đủ ba phần A, B, C (hoặc để trống cả ba)".to_owned(),
            )]
            .into(),
        )),
    }
}

/// A member applies for the product's OCOP rating from its workspace page.
async fn apply_for_ocop_form(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, id)): Path<(String, Uuid)>,
    fields: Fields,
) -> Response {
    let back = format!("/quan-ly/{slug}/san-pham/{id}");
    let result = async {
        let value = |key: &str| {
            fields
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let input = ApplicationInput {
            rule_set: value("rule_set"),
            self_score: self_score(&fields)?,
            notes: Some(value("notes")),
            draft: false,
        };
        app::curation::create_application(&state, requester.user.as_ref(), id, input).await?;
        Ok(go(back.clone(), Some("Đã gửi hồ sơ đánh giá OCOP.")))
    }
    .await;
    finish(&requester.session, result, &back, &fields).await
}

/// A member attaches a dossier document (PDF, JPEG or PNG, at most 10 MB) to the product's open
/// application: the API's command, its checks and audit entry. Its refusals are worded for a
/// document (not a photo) and shown beside the document box.
async fn upload_document_form(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, id, application)): Path<(String, Uuid, Uuid)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let back = format!("/quan-ly/{slug}/san-pham/{id}");
    let user = requester.user.as_ref();
    let beside = |message: String| ApiError::Validation([("document".to_owned(), message)].into());
    let result = async {
        // Who may attach is known before a byte of the body is read.
        app::curation::may_change_application(&state, user, application).await?;
        let file = read_document_form(multipart).await?;
        app::curation::add_document(&state, user, application, file).await?;
        Ok(go(back.clone(), Some("Đã đính kèm tài liệu.")))
    }
    .await
    .map_err(|error| match error {
        ApiError::PayloadTooLarge => beside("tệp lớn hơn 10 MB".into()),
        ApiError::UnsupportedMediaType(_) => beside("chỉ nhận tệp PDF, JPEG hoặc PNG".into()),
        ApiError::Validation(_) => beside("hãy chọn một tệp".into()),
        ApiError::Conflict { message, .. } => beside(message),
        other => other,
    });
    finish(&requester.session, result, &back, &[]).await
}
