//! Livestream selling: members schedule streams pinning their products; everyone lists them.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use frontend::api::{LivestreamDto, Page};
use serde::Deserialize;
use uuid::Uuid;

use super::error::ApiError;
use super::extract::AppJson;
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
    let new = NewLivestream {
        producer_id,
        platform,
        url,
        title,
        starts_at,
        ends_at,
        product_ids,
        created_by: user.id,
    };
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
            after: Some(serde_json::json!({
                "platform": new.platform.as_str(), "url": new.url, "title": new.title,
                "starts_at": new.starts_at, "ends_at": new.ends_at, "product_ids": new.product_ids,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    let now = state.clock.now();
    let filter = LivestreamFilter {
        id: Some(id),
        ..LivestreamFilter::default()
    };
    let rows = db::livestreams::list(&state.db, &filter, now, 1).await?;
    let created = db::livestreams::cards(&state.db, rows, now, state.today(), state.media_base())
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, AppJson(created)))
}

/// "đã qua" with the time as the seller typed it (Vietnam time), and what to do instead.
fn past_start_message(start: DateTime<Utc>) -> String {
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    format!(
        "thời điểm bắt đầu {} đã qua; hãy chọn giờ sắp tới (nếu buổi live đã diễn ra, nhập cả giờ kết thúc)",
        start.with_timezone(&vietnam).format("%H:%M %d/%m/%Y")
    )
}
