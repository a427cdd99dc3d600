//! Applications over HTTP: members apply, submit and withdraw; curators list the queue and take
//! applications into review; members list their producer's applications and reminders.

use axum::extract::State;
use axum::http::StatusCode;
use bytes::Bytes;
use frontend::api::{ApplicationDto, CertificateReminder, Page, ReviewQueueQuery};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::app;
use crate::app::curation::ApplicationInput;
use crate::auth::Requester;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, AppPath, AppQuery};
use crate::http::schemas::{ErrorBody, JsonBody, KnownProducer, MemberWrite, SignedIn};
use crate::state::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ApplicationBody {
    /// `148/2023` or `26/2026` (the codes `148-2023`, `26-2026` work too).
    #[serde(default)]
    #[schema(
        required = true,
        pattern = "^ *(148/2023|26/2026|148-2023|26-2026) *$",
        example = "148/2023"
    )]
    rule_set: String,
    /// Self-assessment per part, each within the rule set's maximum (A 40, B 25, C 35).
    self_score: Option<frontend::api::SelfScoreDto>,
    notes: Option<String>,
    /// `true` keeps it as a draft (to attach documents first); by default it is submitted.
    #[serde(default)]
    draft: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ApplicationCreated {
    id: Uuid,
    /// `submitted`, or `draft` when asked for.
    status: String,
    application: ApplicationDto,
}

/// Members of the product's producer apply for its OCOP rating.
#[utoipa::path(
    post,
    path = "/api/v1/products/{product}/ocop-applications",
    tag = "ocop",
    security(("session" = [])),
    params(("product" = Uuid, Path, description = "The product's id")),
    request_body = ApplicationBody,
    responses(
        (status = 201, description = "Submitted (or kept as a draft)", body = ApplicationCreated),
        JsonBody,
        SignedIn,
        MemberWrite,
        (status = 404, description = "No product has this id", body = ErrorBody),
        (status = 409, description = "The product already has an open application (`application_open`)", body = ErrorBody),
        (status = 422, description = "Unknown rule set, scores out of bounds, notes too long, archived product", body = ErrorBody),
    ),
)]
pub(super) async fn create_application(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(product_id): AppPath<Uuid>,
    AppJson(body): AppJson<ApplicationBody>,
) -> Result<(StatusCode, AppJson<ApplicationCreated>), ApiError> {
    let input = ApplicationInput {
        rule_set: body.rule_set,
        self_score: body.self_score,
        notes: body.notes,
        draft: body.draft,
    };
    let created =
        app::curation::create_application(&state, requester.user.as_ref(), product_id, input)
            .await?;
    Ok((
        StatusCode::CREATED,
        AppJson(ApplicationCreated {
            id: created.id,
            status: created.status.as_str().to_owned(),
            application: created.application,
        }),
    ))
}

/// Curators' review queue: submitted and under-review applications, longest waiting first.
#[utoipa::path(
    get,
    path = "/api/v1/ocop-applications",
    tag = "ocop",
    security(("session" = [])),
    params(ReviewQueueQuery),
    responses(
        (status = 200, description = "One page of applications", body = Page<ApplicationDto>),
        SignedIn,
        (status = 403, description = "Not a curator", body = ErrorBody),
        (status = 422, description = "Invalid filters", body = ErrorBody),
    ),
)]
pub(super) async fn review_queue(
    State(state): State<AppState>,
    requester: Requester,
    AppQuery(query): AppQuery<ReviewQueueQuery>,
) -> Result<AppJson<Page<ApplicationDto>>, ApiError> {
    let page = app::curation::review_queue(&state, requester.user.as_ref(), query).await?;
    Ok(AppJson(page))
}

/// A producer's own applications (every status), for its workspace.
#[utoipa::path(
    get,
    path = "/api/v1/producers/{slug}/ocop-applications",
    tag = "ocop",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer's slug"), ReviewQueueQuery),
    responses(
        (status = 200, description = "One page of applications", body = Page<ApplicationDto>),
        SignedIn,
        (status = 403, description = "Not a member of this producer", body = ErrorBody),
        KnownProducer,
        (status = 422, description = "Invalid filters", body = ErrorBody),
    ),
)]
pub(super) async fn producer_applications(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(slug): AppPath<String>,
    AppQuery(query): AppQuery<ReviewQueueQuery>,
) -> Result<AppJson<Page<ApplicationDto>>, ApiError> {
    let page =
        app::curation::producer_applications(&state, requester.user.as_ref(), &slug, query).await?;
    Ok(AppJson(page))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct RemindersBody {
    items: Vec<CertificateReminder>,
}

/// A producer's certificates nearing expiry (reminders at 180, 90 and 30 days).
#[utoipa::path(
    get,
    path = "/api/v1/producers/{slug}/certificate-reminders",
    tag = "ocop",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer's slug")),
    responses(
        (status = 200, description = "Reminders, soonest expiry first", body = RemindersBody),
        SignedIn,
        (status = 403, description = "Not a member of this producer", body = ErrorBody),
        KnownProducer,
    ),
)]
pub(super) async fn producer_reminders(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(slug): AppPath<String>,
) -> Result<AppJson<RemindersBody>, ApiError> {
    let items = app::curation::producer_reminders(&state, requester.user.as_ref(), &slug).await?;
    Ok(AppJson(RemindersBody { items }))
}

/// One application with its documents.
#[utoipa::path(
    get,
    path = "/api/v1/ocop-applications/{id}",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The application", body = ApplicationDto),
        SignedIn,
        (status = 403, description = "Neither a member of its producer nor a curator", body = ErrorBody),
        (status = 404, description = "No application has this id", body = ErrorBody),
    ),
)]
pub(super) async fn get_application(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
) -> Result<AppJson<ApplicationDto>, ApiError> {
    let application = app::curation::get_application(&state, requester.user.as_ref(), id).await?;
    Ok(AppJson(application))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ReasonBody {
    reason: Option<String>,
}

/// Members submit a draft application.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-applications/{id}/submit",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "Submitted", body = ApplicationDto),
        SignedIn,
        MemberWrite,
        (status = 404, description = "No application has this id", body = ErrorBody),
        (status = 409, description = "Not a draft (`illegal_transition`)", body = ErrorBody),
    ),
)]
pub(super) async fn submit_application(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
) -> Result<AppJson<ApplicationDto>, ApiError> {
    let application =
        app::curation::submit_application(&state, requester.user.as_ref(), id).await?;
    Ok(AppJson(application))
}

/// Members withdraw an application that is still open.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-applications/{id}/withdraw",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    request_body(content = ReasonBody, description = "Optional reason"),
    responses(
        (status = 200, description = "Withdrawn", body = ApplicationDto),
        SignedIn,
        MemberWrite,
        (status = 404, description = "No application has this id", body = ErrorBody),
        (status = 409, description = "Already decided or withdrawn (`illegal_transition`)", body = ErrorBody),
        (status = 422, description = "The reason is not valid text", body = ErrorBody),
    ),
)]
pub(super) async fn withdraw_application(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    body: Bytes,
) -> Result<AppJson<ApplicationDto>, ApiError> {
    let user = requester.user.as_ref();
    // The body is optional: nothing, or `{"reason": "…"}`.
    let body: ReasonBody = if body.iter().all(u8::is_ascii_whitespace) {
        ReasonBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(body) => body,
            Err(e) => {
                // Who may withdraw is answered before what is wrong with the body.
                app::curation::may_change_application(&state, user, id).await?;
                return Err(ApiError::Validation(
                    [("body".to_owned(), e.to_string())].into(),
                ));
            }
        }
    };
    let application =
        app::curation::withdraw_application(&state, user, id, body.reason.as_deref()).await?;
    Ok(AppJson(application))
}

/// Curators take a submitted application into review.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-applications/{id}/review",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "Under review", body = ApplicationDto),
        SignedIn,
        (status = 403, description = "Not a curator, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No application has this id", body = ErrorBody),
        (status = 409, description = "Not submitted (`illegal_transition`)", body = ErrorBody),
    ),
)]
pub(super) async fn start_review(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
) -> Result<AppJson<ApplicationDto>, ApiError> {
    let application = app::curation::start_review(&state, requester.user.as_ref(), id).await?;
    Ok(AppJson(application))
}
