//! Plain HTML form posts about OCOP curation: the curators' decision form (answered with 303
//! redirects, so deciding works without JavaScript) and the reading of a dossier document posted
//! from the workspace. They call the same `app::curation` commands as the JSON API; the
//! cross-site check in `http/csrf.rs` covers them like every other POST.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Form, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::app::curation::DecisionInput;
use crate::app::{self, AppError};
use crate::auth::{Requester, Rule};
use crate::http::error::ApiError;
use crate::state::AppState;

/// The session key of a refused decision's typed values and field errors, read once by the queue.
pub const DECISION_FLASH_KEY: &str = "decision_flash";

pub fn router() -> Router<AppState> {
    Router::new().route("/can-bo/ho-so/{id}/quyet-dinh", post(decide_form))
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

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/can-bo/ho-so")),
        )],
    )
        .into_response()
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
