//! Livestream selling: members schedule streams pinning their own products, change them and
//! cancel them. Each command checks access, writes in one transaction and audits the change.

use chrono::{DateTime, Utc};
use frontend::api::LivestreamDto;
use uuid::Uuid;

use super::workspace::producer_id;
use super::{AppError, AppResult, require};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::livestreams::{LivestreamFilter, NewLivestream};
use crate::domain::FieldErrors;
use crate::domain::account::{Rule, User};
use crate::domain::audit::AuditAction;
use crate::domain::livestream::{Platform, check_url};
use crate::state::AppState;

/// A livestream as typed (times in RFC 3339 with their offset; product ids as text).
#[derive(Debug, Clone, Default)]
pub struct LivestreamInput {
    pub platform: String,
    pub url: String,
    pub title: String,
    pub starts_at: String,
    pub ends_at: Option<String>,
    pub product_ids: Vec<String>,
}

/// Members schedule a livestream for their producer, pinning their own products.
pub async fn create(
    state: &AppState,
    user: Option<&User>,
    producer_slug: &str,
    input: LivestreamInput,
) -> AppResult<LivestreamDto> {
    let producer_id = producer_id(state, producer_slug).await?;
    let user = require(user, Rule::MemberOf(producer_id))?;
    let new = checked(state, producer_id, user.id, input, None).await?;
    let mut tx = state.db.begin().await?;
    let id = db::livestreams::insert(&mut tx, &new).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::LivestreamCreate,
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after: Some(audit_after(&new)),
        },
    )
    .await?;
    tx.commit().await?;
    one(state, id).await
}

/// Members change a livestream of their producer: every field as on creation (the pins are
/// replaced). A cancelled livestream cannot be changed.
pub async fn update(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    input: LivestreamInput,
) -> AppResult<LivestreamDto> {
    let (head, user_id) = own_livestream(state, user, id).await?;
    if head.cancelled {
        return Err(already_cancelled());
    }
    let new = checked(
        state,
        head.producer_id,
        user_id,
        input,
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
            action: AuditAction::LivestreamUpdate,
            entity_id: id.to_string(),
            reason: None,
            before: Some(before),
            after: Some(audit_after(&new)),
        },
    )
    .await?;
    tx.commit().await?;
    one(state, id).await
}

/// Members cancel a livestream of their producer: it leaves every public list and product page;
/// the producer's workspace shows it as cancelled ("Đã huỷ").
pub async fn cancel(state: &AppState, user: Option<&User>, id: Uuid) -> AppResult<LivestreamDto> {
    let (head, user_id) = own_livestream(state, user, id).await?;
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
            action: AuditAction::LivestreamCancel,
            entity_id: id.to_string(),
            reason: None,
            before: Some(before),
            after: Some(serde_json::json!({ "cancelled": true })),
        },
    )
    .await?;
    tx.commit().await?;
    one(state, id).await
}

/// The livestream behind `id` if the requester is a member of its producer.
async fn own_livestream(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
) -> AppResult<(db::livestreams::LivestreamHead, Uuid)> {
    require(user, Rule::SignedIn)?;
    let head = db::livestreams::head(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let user = require(user, Rule::MemberOf(head.producer_id))?;
    Ok((head, user.id))
}

fn already_cancelled() -> AppError {
    AppError::Conflict {
        code: "livestream_cancelled",
        message: "buổi livestream này đã huỷ".into(),
    }
}

fn audit_after(new: &NewLivestream) -> serde_json::Value {
    serde_json::json!({
        "platform": new.platform.as_str(), "url": new.url, "title": new.title,
        "starts_at": new.starts_at, "ends_at": new.ends_at, "product_ids": new.product_ids,
    })
}

/// One livestream as the API shows it (cancelled ones included: their producer asked).
pub async fn one(state: &AppState, id: Uuid) -> AppResult<LivestreamDto> {
    let view = state.view();
    let now = view.now;
    let filter = LivestreamFilter {
        id: Some(id),
        include_cancelled: true,
        ..LivestreamFilter::default()
    };
    let rows = db::livestreams::list(&state.db, &filter, now, 1).await?;
    db::livestreams::cards(&state.db, rows, &view)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The body's fields checked as a livestream of `producer_id`. `previous_start` is the stored
/// start when editing: keeping it is fine even once it has passed (the stream is on or over),
/// but a start moved into the past is refused just as on creation.
async fn checked(
    state: &AppState,
    producer_id: Uuid,
    user_id: Uuid,
    body: LivestreamInput,
    previous_start: Option<DateTime<Utc>>,
) -> AppResult<NewLivestream> {
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
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
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

/// "đã qua" with the time as the seller typed it (Vietnam time), and what to do instead.
fn past_start_message(start: DateTime<Utc>) -> String {
    let vietnam = crate::clock::vietnam();
    format!(
        "thời điểm bắt đầu {} đã qua; hãy chọn giờ sắp tới (nếu buổi live đã diễn ra, nhập cả giờ kết thúc)",
        start.with_timezone(&vietnam).format("%H:%M %d/%m/%Y")
    )
}
