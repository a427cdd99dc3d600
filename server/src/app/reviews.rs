//! Reviews: the buyer of a delivered order rates each line once (1–5, optional text) and may
//! change it for 30 days; the producer's members reply once; curators hide an abusive review
//! with a reason. Every write is audited; hidden reviews leave the product's average.

use chrono::Duration;
use frontend::api::{Review, ReviewRequest, ReviewSlot};
use serde_json::json;
use uuid::Uuid;

use super::{AppError, AppResult, clean_text};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::reviews::{NewReview, ReviewRow};
use crate::domain::account::{Rule, User};
use crate::domain::audit::AuditAction;
use crate::domain::order::{OrderActor, OrderStatus};
use crate::state::AppState;

/// How long a buyer may change a review after writing it.
pub const EDITABLE_DAYS: i64 = 30;

/// Whether a review is new, or an edit of the line's earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The API's POST: a second review of the line is refused.
    Create,
    /// The API's PUT: only an existing review, within its 30 days.
    Edit,
    /// The order page's form: writes the review or changes it.
    Either,
}

/// "Nguyễn Thị Lan" → "Lan N.": enough to be a person, not enough to find them.
pub fn author_name(full: &str) -> String {
    let words: Vec<&str> = full.split_whitespace().collect();
    match words.as_slice() {
        [] => "Người mua".to_owned(),
        [only] => (*only).to_owned(),
        [first, .., last] => format!("{last} {}.", first.chars().next().unwrap_or('?')),
    }
}

fn editable(row: &ReviewRow, now: chrono::DateTime<chrono::Utc>) -> bool {
    now < row.created_at + Duration::days(EDITABLE_DAYS)
}

/// Writes (or, within 30 days, changes) the buyer's review of one line of a delivered order.
/// `true` when it was created.
pub async fn submit(
    state: &AppState,
    viewer: Option<&User>,
    code: &str,
    token: Option<&str>,
    req: &ReviewRequest,
    mode: Mode,
) -> AppResult<(Review, bool)> {
    super::orders::require_someone(viewer, token)?;
    let product_id = Uuid::parse_str(req.product_id.trim())
        .map_err(|_| AppError::field("product_id", "hãy chọn sản phẩm của đơn"))?;
    if !(1..=5).contains(&req.rating) {
        return Err(AppError::field("rating", "hãy chọn từ 1 đến 5 sao"));
    }
    let body = clean_text(&req.text, 2000);
    let mut tx = state.db.begin().await?;
    let head = db::orders::head_by_code(&mut tx, code, true)
        .await?
        .ok_or(AppError::NotFound)?;
    // A member of the producer who is not also its buyer sees the order, but may not rate it.
    let own = viewer.is_some_and(|u| Some(u.id) == head.buyer_id)
        || super::orders::relation(&head, None, token) == Some(OrderActor::Buyer);
    match super::orders::relation(&head, viewer, token) {
        None => return Err(AppError::NotFound),
        Some(OrderActor::Seller) if !own => {
            return Err(AppError::Forbidden(
                "chỉ người mua mới đánh giá được đơn này".into(),
            ));
        }
        Some(_) => {}
    }
    if head.status != OrderStatus::Delivered {
        return Err(AppError::Conflict {
            code: "not_delivered",
            message: "chỉ đánh giá được đơn đã giao".into(),
        });
    }
    let order = db::orders::load(&mut tx, &[head.id], false)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    if !order
        .items
        .iter()
        .any(|i| i.product_id == product_id.to_string())
    {
        return Err(AppError::field(
            "product_id",
            "sản phẩm này không có trong đơn",
        ));
    }
    let now = state.clock.now();
    let actor = viewer.map(|u| u.id);
    let rating = i16::from(req.rating);
    let (id, created, before) = match db::reviews::of_line(&mut tx, head.id, product_id).await? {
        Some(_) if mode == Mode::Create => {
            return Err(AppError::Conflict {
                code: "already_reviewed",
                message: "bạn đã đánh giá sản phẩm này trong đơn; hãy sửa đánh giá cũ".into(),
            });
        }
        Some(row) if !editable(&row, now) => {
            return Err(AppError::Conflict {
                code: "review_locked",
                message: format!("đánh giá chỉ sửa được trong {EDITABLE_DAYS} ngày"),
            });
        }
        Some(row) => {
            db::reviews::update(&mut tx, row.id, rating, body.as_deref(), now).await?;
            let before = json!({ "rating": row.rating, "text": row.body });
            (row.id, false, Some(before))
        }
        None if mode == Mode::Edit => return Err(AppError::NotFound),
        None => {
            let name = match viewer.filter(|u| Some(u.id) == head.buyer_id) {
                Some(user) => author_name(&user.display_name),
                None => author_name(&order.delivery.name),
            };
            let review = NewReview {
                order_id: head.id,
                product_id,
                buyer_id: head.buyer_id,
                author_name: &name,
                rating,
                body: body.as_deref(),
                at: now,
            };
            let id = db::reviews::insert(&mut tx, &review)
                .await?
                .ok_or_else(|| anyhow::anyhow!("review raced with another"))?;
            (id, true, None)
        }
    };
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor,
            action: if created {
                AuditAction::ReviewCreate
            } else {
                AuditAction::ReviewUpdate
            },
            entity_id: id.to_string(),
            reason: None,
            before,
            after: Some(json!({
                "order": head.code, "product_id": product_id, "rating": rating, "text": body,
            })),
        },
    )
    .await?;
    let row = db::reviews::get(&mut tx, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok((row.to_dto(), created))
}

/// A member of the product's producer answers a review, once.
pub async fn reply(
    state: &AppState,
    viewer: Option<&User>,
    review_id: Uuid,
    text: &str,
) -> AppResult<Review> {
    let user = viewer.ok_or(AppError::Unauthorized)?;
    let text = clean_text(&Some(text.to_owned()), 2000)
        .ok_or_else(|| AppError::field("text", "hãy viết câu trả lời"))?;
    let mut tx = state.db.begin().await?;
    let row = db::reviews::get(&mut tx, review_id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    super::require(Some(user), Rule::MemberOf(row.producer_id))?;
    if row.reply.is_some() {
        return Err(AppError::Conflict {
            code: "already_replied",
            message: "cơ sở đã trả lời đánh giá này".into(),
        });
    }
    let now = state.clock.now();
    db::reviews::reply(&mut tx, review_id, &text, user.id, now).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::ReviewReply,
            entity_id: review_id.to_string(),
            reason: None,
            before: None,
            after: Some(json!({ "reply": text })),
        },
    )
    .await?;
    let row = db::reviews::get(&mut tx, review_id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(row.to_dto())
}

/// A curator hides an abusive review, saying why (kept in the audit log).
pub async fn hide(
    state: &AppState,
    viewer: Option<&User>,
    review_id: Uuid,
    reason: &str,
) -> AppResult<()> {
    let user = super::require(viewer, Rule::Curator)?;
    let reason = clean_text(&Some(reason.to_owned()), 500)
        .ok_or_else(|| AppError::field("text", "hãy ghi lý do ẩn đánh giá"))?;
    let mut tx = state.db.begin().await?;
    let row = db::reviews::get(&mut tx, review_id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.hidden_at.is_some() {
        return Err(AppError::Conflict {
            code: "already_hidden",
            message: "đánh giá này đã bị ẩn".into(),
        });
    }
    db::reviews::hide(&mut tx, review_id, &reason, user.id, state.clock.now()).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::ReviewHide,
            entity_id: review_id.to_string(),
            reason: Some(&reason),
            before: Some(json!({ "rating": row.rating, "text": row.body })),
            after: Some(json!({ "hidden": true })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a viewer may do to a product's reviews where they read them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moderation {
    /// Curators hide abusive reviews.
    pub can_hide: bool,
    /// Members of the product's producer answer each review once.
    pub can_reply: bool,
}

/// The review forms a product page offers `viewer`: none to visitors and buyers.
pub async fn moderation(
    state: &AppState,
    viewer: Option<&User>,
    product_slug: &str,
) -> AppResult<Moderation> {
    let Some(user) = viewer else {
        return Ok(Moderation::default());
    };
    let producer = db::reviews::producer_of_visible(&state.db, product_slug)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Moderation {
        can_hide: user.allows(Rule::Curator),
        can_reply: user.allows(Rule::MemberOf(producer)),
    })
}

/// A visible product's reviews, newest first.
pub async fn of_product(
    state: &AppState,
    slug: &str,
    page: u32,
    per_page: u32,
) -> AppResult<(Vec<Review>, i64)> {
    let id = db::reviews::visible_product(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let per_page = per_page.clamp(1, 100);
    let offset = i64::from(page.max(1) - 1) * i64::from(per_page);
    Ok(db::reviews::of_product(&state.db, id, i64::from(per_page), offset).await?)
}

/// The order page's review forms: each line of a delivered order with its review.
pub async fn slots(state: &AppState, order: &frontend::api::Order) -> AppResult<Vec<ReviewSlot>> {
    if order.status != OrderStatus::Delivered.as_str() {
        return Ok(vec![]);
    }
    let order_id = Uuid::parse_str(&order.id).map_err(anyhow::Error::from)?;
    let reviews = db::reviews::of_order(&state.db, order_id).await?;
    let now = state.clock.now();
    Ok(order
        .items
        .iter()
        .map(|item| {
            let row = reviews
                .iter()
                .find(|r| r.product_id.to_string() == item.product_id);
            ReviewSlot {
                product_id: item.product_id.clone(),
                name: item.name.clone(),
                review: row.map(ReviewRow::to_dto),
                editable: row.is_none_or(|r| editable(r, now)),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::author_name;

    #[test]
    fn authors_are_shown_by_given_name_and_initial() {
        assert_eq!(author_name("Nguyễn Thị Lan"), "Lan N.");
        assert_eq!(author_name("Hoa"), "Hoa");
        assert_eq!(author_name("  "), "Người mua");
    }
}
