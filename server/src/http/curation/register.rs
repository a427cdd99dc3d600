//! The certificate register as a CSV download for curators.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::app;
use crate::auth::Requester;
use crate::http::error::ApiError;
use crate::http::schemas::{ErrorBody, SignedIn};
use crate::state::AppState;

/// The certificate register as CSV for Excel (curators).
#[utoipa::path(
    get,
    path = "/api/v1/ocop-certificates.csv",
    tag = "ocop",
    security(("session" = [])),
    responses(
        (status = 200, description = "Every certificate with its status today; UTF-8 with BOM, `;`-separated", content_type = "text/csv", body = String),
        SignedIn,
        (status = 403, description = "Not a curator", body = ErrorBody),
    ),
)]
pub(super) async fn register_csv(
    State(state): State<AppState>,
    requester: Requester,
) -> Result<Response, ApiError> {
    let register = app::curation::register(&state, requester.user.as_ref()).await?;
    let disposition = format!(
        "attachment; filename=\"so-chung-nhan-ocop-{}.csv\"",
        register.today
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|e| ApiError::Internal(e.into()))?,
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        register.csv,
    )
        .into_response())
}
