//! Livestream selling over the JSON API: everyone lists streams; members schedule, change and
//! cancel them through `app::livestreams`.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use frontend::api::{LivestreamDto, Page};
use serde::Deserialize;
use uuid::Uuid;

use super::error::ApiError;
use super::extract::{AppJson, AppPath};
use super::schemas::{ErrorBody, KnownProducer, MemberWrite, SignedIn};
use crate::app;
use crate::app::livestreams::LivestreamInput;
use crate::auth::Requester;
use crate::db;
use crate::db::livestreams::LivestreamFilter;
use crate::domain::listing::MAX_PER_PAGE;
use crate::domain::livestream::StreamStatus;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/producers/{slug}/livestreams", post(create_livestream))
        .route("/v1/livestreams", get(list_livestreams))
        .route("/v1/livestreams/{id}", patch(update_livestream))
        .route("/v1/livestreams/{id}/cancel", post(cancel_livestream))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// `upcoming`, `live` or `past`; all when absent.
    #[param(pattern = "^ *(upcoming|live|past)? *$")]
    status: Option<String>,
}

/// Upcoming, live or past livestreams (all when no status is given).
#[utoipa::path(
    get,
    path = "/api/v1/livestreams",
    tag = "livestreams",
    params(ListQuery),
    responses(
        (status = 200, description = "Livestreams with status computed now and pinned products", body = Page<LivestreamDto>),
        (status = 400, description = "Malformed query string", body = ErrorBody),
        (status = 422, description = "Unknown status", body = ErrorBody),
    ),
)]
pub(crate) async fn list_livestreams(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<AppJson<Page<LivestreamDto>>, ApiError> {
    let Query(query) = query.map_err(|r| ApiError::BadRequest(r.body_text()))?;
    let status = match query
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => Some(
            raw.parse::<StreamStatus>()
                .map_err(|m| ApiError::Validation([("status".to_owned(), m)].into()))?,
        ),
    };
    let view = state.view();
    let now = view.now;
    let filter = LivestreamFilter {
        status,
        ..LivestreamFilter::default()
    };
    let rows = db::livestreams::list(&state.db, &filter, now, i64::from(MAX_PER_PAGE)).await?;
    let items = db::livestreams::cards(&state.db, rows, &view).await?;
    let total = items.len() as i64;
    Ok(AppJson(Page {
        items,
        total,
        page: 1,
        per_page: MAX_PER_PAGE,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LivestreamBody {
    /// `facebook`, `youtube`, `tiktok`, `shopee` or `other`.
    #[serde(default)]
    #[schema(required = true, pattern = "^(facebook|youtube|tiktok|shopee|other)$")]
    platform: String,
    /// The stream's page on that platform (`https://…`).
    #[serde(default)]
    #[schema(required = true, min_length = 1)]
    url: String,
    #[serde(default)]
    #[schema(required = true, min_length = 2, max_length = 200)]
    title: String,
    /// RFC 3339 with offset, e.g. `2026-12-01T19:30:00+07:00`; not in the past.
    #[serde(default)]
    #[schema(required = true, format = DateTime)]
    starts_at: String,
    ends_at: Option<String>,
    #[serde(default)]
    product_ids: Vec<String>,
}

impl From<LivestreamBody> for LivestreamInput {
    fn from(b: LivestreamBody) -> LivestreamInput {
        LivestreamInput {
            platform: b.platform,
            url: b.url,
            title: b.title,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            product_ids: b.product_ids,
        }
    }
}

/// Members schedule a livestream for their producer, pinning their own products.
#[utoipa::path(
    post,
    path = "/api/v1/producers/{slug}/livestreams",
    tag = "livestreams",
    params(("slug" = String, Path, description = "The producer's slug")),
    request_body = LivestreamBody,
    security(("session" = [])),
    responses(
        (status = 201, description = "The scheduled livestream", body = LivestreamDto),
        SignedIn,
        (status = 403, description = "Not a member of this producer, or a cross-site request", body = ErrorBody),
        KnownProducer,
        (status = 415, description = "The body is not JSON", body = ErrorBody),
        (status = 422, description = "A field is invalid (`fields` names it)", body = ErrorBody),
    ),
)]
pub(crate) async fn create_livestream(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    AppJson(body): AppJson<LivestreamBody>,
) -> Result<(StatusCode, AppJson<LivestreamDto>), ApiError> {
    let stream =
        app::livestreams::create(&state, requester.user.as_ref(), &slug, body.into()).await?;
    Ok((StatusCode::CREATED, AppJson(stream)))
}

/// Members change a livestream of their producer: every field as on creation (the pins are
/// replaced). A cancelled livestream cannot be changed.
#[utoipa::path(
    patch,
    path = "/api/v1/livestreams/{id}",
    tag = "livestreams",
    params(("id" = Uuid, Path, description = "The livestream's id")),
    request_body = LivestreamBody,
    security(("session" = [])),
    responses(
        (status = 200, description = "The livestream as changed", body = LivestreamDto),
        SignedIn,
        MemberWrite,
        (status = 404, description = "No livestream has this id", body = ErrorBody),
        (status = 409, description = "Cancelled (`livestream_cancelled`)", body = ErrorBody),
        (status = 415, description = "The body is not JSON", body = ErrorBody),
        (status = 422, description = "A field is invalid (`fields` names it)", body = ErrorBody),
    ),
)]
pub(crate) async fn update_livestream(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<LivestreamBody>,
) -> Result<AppJson<LivestreamDto>, ApiError> {
    Ok(AppJson(
        app::livestreams::update(&state, requester.user.as_ref(), id, body.into()).await?,
    ))
}

/// Members cancel a livestream of their producer: it leaves every public list and product page;
/// the producer's workspace shows it as cancelled ("Đã huỷ").
#[utoipa::path(
    post,
    path = "/api/v1/livestreams/{id}/cancel",
    tag = "livestreams",
    params(("id" = Uuid, Path, description = "The livestream's id")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The cancelled livestream (`status`: `cancelled`)", body = LivestreamDto),
        SignedIn,
        MemberWrite,
        (status = 404, description = "No livestream has this id", body = ErrorBody),
        (status = 409, description = "Already cancelled (`livestream_cancelled`)", body = ErrorBody),
    ),
)]
pub(crate) async fn cancel_livestream(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
) -> Result<AppJson<LivestreamDto>, ApiError> {
    Ok(AppJson(
        app::livestreams::cancel(&state, requester.user.as_ref(), id).await?,
    ))
}
