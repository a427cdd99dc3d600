//! Certificates over HTTP: curators revoke them and read the dashboard and GI mismatches;
//! anyone verifies one by its code.

use axum::extract::State;
use frontend::api::{CertificateDto, CuratorDashboard, GiMismatch, VerifyResult};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::app;
use crate::auth::Requester;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, AppPath};
use crate::http::schemas::{ErrorBody, JsonBody, SignedIn};
use crate::state::AppState;

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RevokeBody {
    /// Why the certificate is revoked (e.g. missed re-assessment).
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 2000)]
    reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct CertificateEnvelope {
    certificate: CertificateDto,
}

/// Curators revoke a certificate with a reason; its stars disappear at once.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-certificates/{id}/revoke",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The certificate's id")),
    request_body = RevokeBody,
    responses(
        (status = 200, description = "Revoked", body = CertificateEnvelope),
        JsonBody,
        SignedIn,
        (status = 403, description = "Not a curator, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No certificate has this id", body = ErrorBody),
        (status = 409, description = "Already revoked (`already_revoked`)", body = ErrorBody),
        (status = 422, description = "No reason given", body = ErrorBody),
    ),
)]
pub(super) async fn revoke_certificate(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<RevokeBody>,
) -> Result<AppJson<CertificateEnvelope>, ApiError> {
    let certificate =
        app::curation::revoke_certificate(&state, requester.user.as_ref(), id, &body.reason)
            .await?;
    Ok(AppJson(CertificateEnvelope { certificate }))
}

/// Anyone checks a certificate by the code on its packaging: product, producer, decision, dates
/// and the live status.
#[utoipa::path(
    get,
    path = "/api/v1/verify/{code}",
    tag = "ocop",
    params(("code" = String, Path, description = "The certificate's verification code (32 hex digits)")),
    responses(
        (status = 200, description = "The certificate and its status today", body = VerifyResult),
        (status = 404, description = "No certificate has this code", body = ErrorBody),
    ),
)]
pub(super) async fn verify(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
) -> Result<AppJson<VerifyResult>, ApiError> {
    Ok(AppJson(app::curation::verify(&state, &code).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct MismatchesBody {
    items: Vec<GiMismatch>,
}

/// Products claiming a GI outside their producer's (old) commune (curators).
#[utoipa::path(
    get,
    path = "/api/v1/gi-mismatches",
    tag = "ocop",
    security(("session" = [])),
    responses(
        (status = 200, description = "Every mismatched claim", body = MismatchesBody),
        SignedIn,
        (status = 403, description = "Not a curator", body = ErrorBody),
    ),
)]
pub(super) async fn gi_mismatches(
    State(state): State<AppState>,
    requester: Requester,
) -> Result<AppJson<MismatchesBody>, ApiError> {
    let items = app::curation::gi_mismatches(&state, requester.user.as_ref()).await?;
    Ok(AppJson(MismatchesBody { items }))
}

/// The curators' dashboard as JSON (the `/can-bo` page shows the same).
#[utoipa::path(
    get,
    path = "/api/v1/curation/dashboard",
    tag = "ocop",
    security(("session" = [])),
    responses(
        (status = 200, description = "Counts of certificates in force, expiring ones, waiting applications, GI mismatches", body = CuratorDashboard),
        SignedIn,
        (status = 403, description = "Not a curator", body = ErrorBody),
    ),
)]
pub(super) async fn dashboard(
    State(state): State<AppState>,
    requester: Requester,
) -> Result<AppJson<CuratorDashboard>, ApiError> {
    Ok(AppJson(
        app::curation::dashboard(&state, requester.user.as_ref()).await?,
    ))
}
