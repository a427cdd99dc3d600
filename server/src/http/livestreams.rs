//! Livestream selling: members schedule streams pinning their products; everyone lists them.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use chrono::{DateTime, Utc};
use frontend::api::{LivestreamDto, Page};
use serde::Deserialize;
use uuid::Uuid;

use super::error::ApiError;
use super::extract::{AppJson, AppPath};
use super::schemas::ErrorBody;
use crate::auth::{Requester, Rule};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::livestreams::{LivestreamFilter, NewLivestream};
use crate::domain::FieldErrors;
use crate::domain::listing::MAX_PER_PAGE;
use crate::domain::livestream::{Platform, StreamStatus, check_url};
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
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<StreamStatus>()
                .map_err(|m| ApiError::Validation([("status".to_owned(), m)].into()))?,
        ),
    };
    let now = state.clock.now();
    let filter = LivestreamFilter {
        status,
        ..LivestreamFilter::default()
    };
    let rows = db::livestreams::list(&state.db, &filter, now, i64::from(MAX_PER_PAGE)).await?;
    let items =
        db::livestreams::cards(&state.db, rows, now, state.today(), state.media_base()).await?;
    let total = items.len() as i64;
    Ok(AppJson(Page {
        items,
        total,
        page: 1,
        per_page: MAX_PER_PAGE,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct LivestreamBody {
    /// `facebook`, `youtube`, `tiktok`, `shopee` or `other`.
    #[serde(default)]
    platform: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    starts_at: String,
    ends_at: Option<String>,
    #[serde(default)]
    product_ids: Vec<String>,
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
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of this producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No producer has this slug", body = ErrorBody),
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
    let producer_id = super::workspace::producer_id(&state, &slug).await?;
    let user = requester.require(Rule::MemberOf(producer_id))?;
    let new = checked(&state, producer_id, user.id, body, None).await?;
    let mut tx = state.db.begin().await?;
    let id = db::livestreams::insert(&mut tx, &new).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "livestream.create",
            entity: "livestream",
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after: Some(audit_after(&new)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, AppJson(one(&state, id).await?)))
}

fn audit_after(new: &NewLivestream) -> serde_json::Value {
    serde_json::json!({
        "platform": new.platform.as_str(), "url": new.url, "title": new.title,
        "starts_at": new.starts_at, "ends_at": new.ends_at, "product_ids": new.product_ids,
    })
}

/// One livestream as the API shows it (cancelled ones included: their producer asked).
async fn one(state: &AppState, id: Uuid) -> Result<LivestreamDto, ApiError> {
    let now = state.clock.now();
    let filter = LivestreamFilter {
        id: Some(id),
        include_cancelled: true,
        ..LivestreamFilter::default()
    };
    let rows = db::livestreams::list(&state.db, &filter, now, 1).await?;
    db::livestreams::cards(&state.db, rows, now, state.today(), state.media_base())
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// The body's fields checked as a livestream of `producer_id`. `previous_start` is the stored
/// start when editing: keeping it is fine even once it has passed (the stream is on or over),
/// but a start moved into the past is refused just as on creation.
async fn checked(
    state: &AppState,
    producer_id: Uuid,
    user_id: Uuid,
    body: LivestreamBody,
    previous_start: Option<DateTime<Utc>>,
) -> Result<NewLivestream, ApiError> {
    let mut errors = FieldErrors::default();
    let platform = errors.check("platform", body.platform.parse::<Platform>());
    let url = platform.and_then(|p| errors.check("url", check_url(p, &body.url)));
    let title = body.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if !(2..=200).contains(&title.chars().count()) {
        errors.add("title", "tiêu đề dài từ 2 đến 200 ký tự");
    }
    let parse_time = |raw: &str| {
        DateTime::parse_from_rfc3339(raw.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| "thời gian theo dạng 2026-12-01T19:30:00+07:00".to_owned())
    };
    let starts_at = errors.check("starts_at", parse_time(&body.starts_at));
    let ends_at = match body.ends_at.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(raw) => errors.check("ends_at", parse_time(raw)),
    };
    if let (Some(start), Some(end)) = (starts_at, ends_at)
        && end <= start
    {
        errors.add("ends_at", "phải sau thời điểm bắt đầu");
    }
    // A schedule looks ahead: a start already past is nearly always a slip (wrong year, day and
    // month swapped) that would list the stream as over. A stream that is on now or was held
    // (with its replay link) may still be recorded, by giving its end as well.
    if let Some(start) = starts_at
        && ends_at.is_none()
        && start < state.clock.now()
        && previous_start != Some(start)
    {
        errors.add("starts_at", past_start_message(start));
    }
    let mut product_ids = Vec::new();
    for raw in &body.product_ids {
        match raw.parse::<Uuid>() {
            Ok(id) if !product_ids.contains(&id) => product_ids.push(id),
            Ok(_) => {}
            Err(_) => errors.add("product_ids", "mã sản phẩm không hợp lệ"),
        }
    }
    if product_ids.len() > 50 {
        errors.add("product_ids", "ghim tối đa 50 sản phẩm");
    }
    if !product_ids.is_empty()
        && db::livestreams::count_own_products(&state.db, producer_id, &product_ids).await?
            != product_ids.len() as i64
    {
        errors.add("product_ids", "chỉ ghim được sản phẩm của chính cơ sở");
    }
    let (Some(platform), Some(url), Some(starts_at)) = (platform, url, starts_at) else {
        return Err(ApiError::Validation(errors.0));
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors.0));
    }
    Ok(NewLivestream {
        producer_id,
        platform,
        url,
        title,
        starts_at,
        ends_at,
        product_ids,
        created_by: user_id,
    })
}

/// The livestream behind `id` if the requester is a member of its producer.
async fn own_livestream(
    state: &AppState,
    requester: &Requester,
    id: Uuid,
) -> Result<(db::livestreams::LivestreamHead, Uuid), ApiError> {
    requester.require(Rule::SignedIn)?;
    let head = db::livestreams::head(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let user = requester.require(Rule::MemberOf(head.producer_id))?;
    Ok((head, user.id))
}

fn already_cancelled() -> ApiError {
    ApiError::Conflict {
        code: "livestream_cancelled",
        message: "buổi livestream này đã huỷ".into(),
    }
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
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of its producer, or a cross-site request", body = ErrorBody),
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
    let (head, user_id) = own_livestream(&state, &requester, id).await?;
    if head.cancelled {
        return Err(already_cancelled());
    }
    let new = checked(
        &state,
        head.producer_id,
        user_id,
        body,
        Some(head.starts_at),
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let before = db::livestreams::snapshot(&mut tx, id).await?;
    db::livestreams::update(&mut tx, id, &new).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user_id),
            action: "livestream.update",
            entity: "livestream",
            entity_id: id.to_string(),
            reason: None,
            before: Some(before),
            after: Some(audit_after(&new)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(AppJson(one(&state, id).await?))
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
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of its producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No livestream has this id", body = ErrorBody),
        (status = 409, description = "Already cancelled (`livestream_cancelled`)", body = ErrorBody),
    ),
)]
pub(crate) async fn cancel_livestream(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
) -> Result<AppJson<LivestreamDto>, ApiError> {
    let (head, user_id) = own_livestream(&state, &requester, id).await?;
    if head.cancelled {
        return Err(already_cancelled());
    }
    let mut tx = state.db.begin().await?;
    let before = db::livestreams::snapshot(&mut tx, id).await?;
    db::livestreams::cancel(&mut tx, id, state.clock.now()).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user_id),
            action: "livestream.cancel",
            entity: "livestream",
            entity_id: id.to_string(),
            reason: None,
            before: Some(before),
            after: Some(serde_json::json!({ "cancelled": true })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(AppJson(one(&state, id).await?))
}

/// "đã qua" with the time as the seller typed it (Vietnam time), and what to do instead.
fn past_start_message(start: DateTime<Utc>) -> String {
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    format!(
        "thời điểm bắt đầu {} đã qua; hãy chọn giờ sắp tới (nếu buổi live đã diễn ra, nhập cả giờ kết thúc)",
        start.with_timezone(&vietnam).format("%H:%M %d/%m/%Y")
    )
}
