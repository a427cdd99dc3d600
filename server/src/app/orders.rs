//! Orders after checkout: reading one (its buyer, its producer's members, or the secret link),
//! listing a buyer's and a producer's orders, working an order through its states, and marking
//! it paid. Every change is audited.

use frontend::api::{Order, StatusChange};
use serde_json::json;

use super::{AppError, AppResult, clean_text as text};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::orders::OrderHead;
use crate::domain::FieldErrors;
use crate::domain::account::User;
use crate::domain::audit::AuditAction;
use crate::domain::order::{OrderActor, OrderStatus};
use crate::state::AppState;

/// How the requester relates to an order.
pub(super) fn relation(
    head: &OrderHead,
    viewer: Option<&User>,
    token: Option<&str>,
) -> Option<OrderActor> {
    if viewer.is_some_and(|u| u.membership(head.producer_id).is_some()) {
        return Some(OrderActor::Seller);
    }
    let own = viewer.is_some_and(|u| Some(u.id) == head.buyer_id);
    let token_ok =
        token.is_some_and(|t| constant_time_eq(t.as_bytes(), head.access_token.as_bytes()));
    (own || token_ok).then_some(OrderActor::Buyer)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Nobody signed in and no token: the same answer whatever the code, so it tells nothing.
pub(super) fn require_someone(viewer: Option<&User>, token: Option<&str>) -> AppResult<()> {
    if viewer.is_none() && token.is_none_or(str::is_empty) {
        return Err(AppError::Unauthorized);
    }
    Ok(())
}

/// Reads an order: its buyer (signed in, or with the secret token) or a member of its producer.
/// Anyone else is told it does not exist, so codes cannot be probed.
pub async fn get(
    state: &AppState,
    viewer: Option<&User>,
    code: &str,
    token: Option<&str>,
) -> AppResult<Order> {
    require_someone(viewer, token)?;
    let mut conn = state.db.acquire().await?;
    let head = db::orders::head_by_code(&mut conn, code, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = relation(&head, viewer, token).ok_or(AppError::NotFound)?;
    let orders = db::orders::load(&mut conn, &[head.id], actor == OrderActor::Buyer).await?;
    orders.into_iter().next().ok_or(AppError::NotFound)
}

/// A signed-in buyer's orders, newest first.
pub async fn mine(
    state: &AppState,
    viewer: Option<&User>,
    page: u32,
    per_page: u32,
) -> AppResult<(Vec<Order>, i64)> {
    let user = viewer.ok_or(AppError::Unauthorized)?;
    let (limit, offset) = window(page, per_page)?;
    let (ids, total) = db::orders::ids_of_buyer(&state.db, user.id, limit, offset).await?;
    let mut conn = state.db.acquire().await?;
    Ok((db::orders::load(&mut conn, &ids, true).await?, total))
}

/// A producer's orders for its members, newest first, optionally in one status, with the count
/// in each status.
pub async fn of_producer(
    state: &AppState,
    viewer: Option<&User>,
    slug: &str,
    status: Option<&str>,
    page: u32,
    per_page: u32,
) -> AppResult<ProducerOrders> {
    let user = viewer.ok_or(AppError::Unauthorized)?;
    let producer = super::sales::producer_id(state, slug).await?;
    if user.membership(producer).is_none() {
        return Err(AppError::forbidden());
    }
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Some(
            raw.parse::<OrderStatus>()
                .map_err(|m| AppError::field("status", m))?,
        ),
        None => None,
    };
    let (limit, offset) = window(page, per_page)?;
    let (ids, total) =
        db::orders::ids_of_producer(&state.db, producer, status, limit, offset).await?;
    let counts = db::orders::status_counts(&state.db, producer).await?;
    let mut conn = state.db.acquire().await?;
    let orders = db::orders::load(&mut conn, &ids, false).await?;
    Ok(ProducerOrders {
        orders,
        total,
        counts,
    })
}

pub struct ProducerOrders {
    pub orders: Vec<Order>,
    pub total: i64,
    pub counts: Vec<(String, i64)>,
}

/// LIMIT and OFFSET of a page; out of the documented bounds is refused (checked after access,
/// as every other field), not quietly clamped.
fn window(page: u32, per_page: u32) -> AppResult<(i64, i64)> {
    let mut errors = FieldErrors::default();
    if !(1..=10_000).contains(&page) {
        errors.add("page", "phải từ 1 đến 10.000");
    }
    if !(1..=100).contains(&per_page) {
        errors.add("per_page", "phải từ 1 đến 100");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    Ok((
        i64::from(per_page),
        i64::from(page - 1) * i64::from(per_page),
    ))
}

/// Moves an order along its states: members confirm, ship, deliver or cancel (until shipped,
/// with a reason); the buyer may cancel while it is pending. Cancelling returns the stock.
pub async fn change_status(
    state: &AppState,
    viewer: Option<&User>,
    code: &str,
    token: Option<&str>,
    change: &StatusChange,
) -> AppResult<Order> {
    let to = change
        .status
        .parse::<OrderStatus>()
        .map_err(|m| AppError::field("status", m))?;
    require_someone(viewer, token)?;
    let reason = text(&change.reason, 500);
    let tracking = text(&change.tracking, 200);
    let mut tx = state.db.begin().await?;
    let head = db::orders::head_by_code(&mut tx, code, true)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = relation(&head, viewer, token).ok_or(AppError::NotFound)?;
    let from = head.status;
    if !from.can_move(to, actor) {
        let message = match actor {
            OrderActor::Buyer if to == OrderStatus::Cancelled => {
                "người bán đã xác nhận đơn; hãy gọi cho người bán để huỷ".to_owned()
            }
            _ => format!("không thể chuyển đơn từ “{from}” sang “{to}”"),
        };
        return Err(AppError::Conflict {
            code: "illegal_transition",
            message,
        });
    }
    if to == OrderStatus::Cancelled && actor == OrderActor::Seller && reason.is_none() {
        return Err(AppError::field(
            "reason",
            "hãy ghi lý do huỷ đơn cho người mua",
        ));
    }
    if to == OrderStatus::Cancelled {
        db::orders::return_stock(&mut tx, head.id).await?;
    }
    db::orders::set_status(&mut tx, head.id, to, tracking.as_deref()).await?;
    let now = state.clock.now();
    let actor_id = viewer.map(|u| u.id);
    db::orders::insert_event(
        &mut *tx,
        head.id,
        to.as_str(),
        now,
        reason.as_deref(),
        tracking.as_deref(),
        actor_id,
    )
    .await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: actor_id,
            action: AuditAction::OrderStatus,
            entity_id: head.id.to_string(),
            reason: reason.as_deref(),
            before: Some(json!({ "status": from.as_str() })),
            after: Some(json!({ "status": to.as_str(), "tracking": tracking })),
        },
    )
    .await?;
    super::notify::status_changed(&mut tx, state.base_url(), head.id, head.buyer_id).await?;
    let order = db::orders::load(&mut tx, &[head.id], actor == OrderActor::Buyer).await?;
    tx.commit().await?;
    order.into_iter().next().ok_or(AppError::NotFound)
}

/// A member records that the money arrived (bank transfer, or cash on delivery).
pub async fn mark_paid(state: &AppState, viewer: Option<&User>, code: &str) -> AppResult<Order> {
    let user = viewer.ok_or(AppError::Unauthorized)?;
    let mut tx = state.db.begin().await?;
    let head = db::orders::head_by_code(&mut tx, code, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.membership(head.producer_id).is_none() {
        return Err(if head.buyer_id == Some(user.id) {
            AppError::forbidden()
        } else {
            AppError::NotFound
        });
    }
    if head.status == OrderStatus::Cancelled {
        return Err(AppError::Conflict {
            code: "illegal_transition",
            message: "đơn đã huỷ".into(),
        });
    }
    if head.payment_status == "paid" {
        return Err(AppError::Conflict {
            code: "already_paid",
            message: "đơn đã được ghi nhận thanh toán".into(),
        });
    }
    let now = state.clock.now();
    db::orders::set_paid(&mut tx, head.id, now).await?;
    db::orders::insert_event(&mut *tx, head.id, "paid", now, None, None, Some(user.id)).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::OrderPaid,
            entity_id: head.id.to_string(),
            reason: None,
            before: Some(json!({ "payment_status": "unpaid" })),
            after: Some(json!({ "payment_status": "paid" })),
        },
    )
    .await?;
    super::notify::paid(&mut tx, state.base_url(), head.id, head.buyer_id).await?;
    let order = db::orders::load(&mut tx, &[head.id], false).await?;
    tx.commit().await?;
    order.into_iter().next().ok_or(AppError::NotFound)
}
