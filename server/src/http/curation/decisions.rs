//! Curators' decisions over HTTP: approve (with a certificate) or reject an application.

use axum::extract::State;
use frontend::api::{ApplicationDto, CertificateDto};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::app;
use crate::app::curation::DecisionInput;
use crate::auth::Requester;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, AppPath};
use crate::http::schemas::{ErrorBody, JsonBody, SignedIn};
use crate::state::AppState;

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DecisionBody {
    /// `approved` or `rejected`.
    #[schema(pattern = "^(approved|rejected)$")]
    outcome: Option<String>,
    /// 3, 4 or 5 (approval).
    stars: Option<i64>,
    /// The decision's number, e.g. `QĐ 2361/QĐ-UBND` (approval).
    decision_no: Option<String>,
    /// The issuing body, e.g. `UBND tỉnh Thái Nguyên`; `district`, `province` or `central` also
    /// name the level (and its usual body).
    issuer: Option<String>,
    /// `district`, `province` or `central`; by default the level that decides this rating on
    /// that date. A level the rules forbid (e.g. 5★ not central) is refused.
    issuer_level: Option<String>,
    /// `YYYY-MM-DD`, not in the future; by default today. The certificate runs 36 months from it.
    decided_on: Option<String>,
    /// Why (required to reject; recorded in the audit log either way).
    reason: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct DecisionResult {
    application: ApplicationDto,
    certificate: Option<CertificateDto>,
}

/// Curators decide: approve (a certificate valid 36 months from the decision date, superseding
/// the product's earlier one) or reject with a reason. A submitted application is taken into
/// review on the way.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-applications/{id}/decision",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    request_body = DecisionBody,
    responses(
        (status = 200, description = "Decided; `certificate` on approval", body = DecisionResult),
        JsonBody,
        SignedIn,
        (status = 403, description = "Not a curator, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No application has this id", body = ErrorBody),
        (status = 409, description = "Not awaiting a decision (`illegal_transition`), or the product already has this decision number (`decision_exists`)", body = ErrorBody),
        (status = 422, description = "Missing or invalid fields, or a rating the issuing level may not give", body = ErrorBody),
    ),
)]
pub(super) async fn decide(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<DecisionBody>,
) -> Result<AppJson<DecisionResult>, ApiError> {
    let input = DecisionInput {
        outcome: body.outcome,
        stars: body.stars,
        decision_no: body.decision_no,
        issuer: body.issuer,
        issuer_level: body.issuer_level,
        decided_on: body.decided_on,
        reason: body.reason,
    };
    let decided = app::curation::decide(&state, requester.user.as_ref(), id, input).await?;
    Ok(AppJson(DecisionResult {
        application: decided.application,
        certificate: decided.certificate,
    }))
}
