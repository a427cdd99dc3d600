//! The certificate register as a CSV download for curators.

use axum::extract::State;
use axum::response::Response;

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
    Ok(crate::http::download(
        "text/csv; charset=utf-8",
        &format!("so-chung-nhan-ocop-{}.csv", register.today),
        register.csv,
    ))
}
