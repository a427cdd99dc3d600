//! After the sale, in the UI: the after-sale pages' half of the port (notification settings,
//! unsubscribing, the sales report, a product page's review forms) and their plain form posts:
//! the buyer's review of an order line, the producer's reply to a review and a curator's hiding
//! of one. Each post calls one `app::` command and answers with a 303 redirect, like every
//! other form.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use frontend::api::{
    AfterSaleBackend, BackendError, FormState, NotificationPrefs, NotificationsPage, Request,
    ReviewFlash, ReviewRequest, ReviewTools, SalesReportPage, UnsubscribePage,
};
use tower_sessions::Session;
use uuid::Uuid;

use super::forms;
use super::workspace::{requester, take_flash};
use super::{PgBackend, refused};
use crate::app;
use crate::app::AppError;
use crate::app::reviews::Mode;
use crate::auth::Requester;
use crate::http::error::ApiError;
use crate::state::AppState;

type Fields = axum::Form<Vec<(String, String)>>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/thong-bao", post(save_notifications))
        .route("/thong-bao/huy/{token}", post(unsubscribe))
        .route("/don-hang/{code}/danh-gia", post(review_line))
        .route("/danh-gia/{id}/tra-loi", post(reply_review))
        .route("/danh-gia/{id}/an", post(hide_review))
}

/// The session key of a reply's or hiding's outcome, read once by the page the form was on
/// (its own key: a product page also shows other forms' notices).
pub const REVIEW_FLASH_KEY: &str = "review_flash";

/// Where a review form returns: the page it was on (one of ours), at the review.
fn review_back(fields: &[(String, String)], id: &str) -> String {
    let page = forms::field(fields, "back")
        .map(|b| b.split('#').next().unwrap_or_default().to_owned())
        .filter(|b| frontend::api::is_local_path(b))
        .unwrap_or_else(|| "/".to_owned());
    format!("{page}#danh-gia-{id}")
}

/// Keeps a reply's or hiding's outcome for the review's page; a visitor whose session ended is
/// sent to sign in, as by every other form.
async fn review_outcome(
    session: &Session,
    id: &str,
    back: &str,
    fields: &[(String, String)],
    result: Result<&'static str, AppError>,
) -> Response {
    let mut form = FormState::default();
    match result {
        Ok(notice) => form.notice = Some(notice.to_owned()),
        Err(AppError::Unauthorized) => {
            let next: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
            return super::see_other(&format!("/dang-nhap?next={next}"));
        }
        Err(AppError::Validation(errors)) => form.errors = errors,
        Err(error) => {
            let message = match ApiError::from(error) {
                ApiError::Forbidden(message) | ApiError::Conflict { message, .. } => message,
                ApiError::NotFound => "không tìm thấy đánh giá này".to_owned(),
                other => {
                    tracing::error!(error = %other, "review form failed");
                    "có lỗi ở máy chủ, chưa có gì được lưu; hãy thử lại".to_owned()
                }
            };
            form.errors.insert("_form".to_owned(), message);
        }
    }
    if form.notice.is_none() {
        form.values = fields
            .iter()
            .filter(|(name, _)| name == "text")
            .cloned()
            .collect();
    }
    let flash = ReviewFlash {
        review_id: id.to_owned(),
        form,
    };
    if let Err(error) = session.insert(REVIEW_FLASH_KEY, flash).await {
        tracing::warn!(%error, "could not keep the review form's outcome for the next page");
    }
    super::see_other(back)
}

/// A review's id from the path; anything else names no review.
fn review_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

/// A member of the product's producer answers a review, once (the product page's form).
async fn reply_review(
    State(state): State<AppState>,
    requester: Requester,
    Path(id): Path<String>,
    fields: Fields,
) -> Response {
    let back = review_back(&fields, &id);
    let text = forms::field(&fields, "text").unwrap_or_default();
    let result = match review_id(&id) {
        Ok(review) => app::reviews::reply(&state, requester.user.as_ref(), review, text)
            .await
            .map(|_| "Đã gửi câu trả lời."),
        Err(error) => Err(error),
    };
    review_outcome(&requester.session, &id, &back, &fields, result).await
}

/// A curator hides an abusive review with a reason (the product page's form): it leaves the
/// page and the average; the reason is kept in the audit log.
async fn hide_review(
    State(state): State<AppState>,
    requester: Requester,
    Path(id): Path<String>,
    fields: Fields,
) -> Response {
    let back = review_back(&fields, &id);
    // Back to the list, not to the review: it is no longer on the page.
    let list = back.replace(&format!("#danh-gia-{id}"), "#danh-gia");
    let reason = forms::field(&fields, "text").unwrap_or_default();
    let result = match review_id(&id) {
        Ok(review) => app::reviews::hide(&state, requester.user.as_ref(), review, reason)
            .await
            .map(|()| "Đã ẩn đánh giá."),
        Err(error) => Err(error),
    };
    let back = if result.is_ok() { list } else { back };
    review_outcome(&requester.session, &id, &back, &fields, result).await
}

/// The order page's review form: writes or (within 30 days) changes the buyer's review of one
/// line, then goes back to the order (guests keep their secret link).
async fn review_line(
    State(state): State<AppState>,
    requester: Requester,
    Path(code): Path<String>,
    fields: Fields,
) -> Response {
    let token = forms::field(&fields, "token")
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let back = match token {
        Some(t) => format!(
            "/don-hang/{code}?token={}#danh-gia",
            form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()
        ),
        None => format!("/don-hang/{code}#danh-gia"),
    };
    let request = ReviewRequest {
        product_id: forms::field(&fields, "product_id")
            .unwrap_or_default()
            .to_owned(),
        rating: forms::field(&fields, "rating")
            .and_then(|r| r.trim().parse().ok())
            .unwrap_or(0),
        text: forms::field(&fields, "text").map(str::to_owned),
    };
    let result = app::reviews::submit(
        &state,
        requester.user.as_ref(),
        &code,
        token,
        &request,
        Mode::Either,
    )
    .await
    .map(|(_, created)| {
        let notice = if created {
            "Cảm ơn bạn đã đánh giá!"
        } else {
            "Đã sửa đánh giá."
        };
        forms::go(back.clone(), Some(notice))
    })
    .map_err(ApiError::from);
    forms::finish(&requester.session, result, &back, &fields).await
}

fn checked(fields: &[(String, String)], name: &str) -> bool {
    forms::field(fields, name).is_some_and(|v| !v.is_empty())
}

/// Saves the account's switches (an unticked box is not posted at all: it means off).
async fn save_notifications(
    State(state): State<AppState>,
    requester: Requester,
    fields: Fields,
) -> Response {
    if requester.user.is_none() {
        return axum::response::Redirect::to("/dang-nhap?next=/thong-bao").into_response();
    }
    let prefs = NotificationPrefs {
        order_updates: checked(&fields, "order_updates"),
        new_orders: checked(&fields, "new_orders"),
        certificate_reminders: checked(&fields, "certificate_reminders"),
    };
    let result = app::notifications::set(&state, requester.user.as_ref(), &prefs)
        .await
        .map(|_| forms::go("/thong-bao", Some("Đã lưu cách nhận thư")))
        .map_err(ApiError::from);
    forms::finish(&requester.session, result, "/thong-bao", &fields).await
}

/// The unsubscribe link's button, and the one-click unsubscribe mail programs send (RFC 8058):
/// switches every kind of mail off for the account, no sign-in needed.
async fn unsubscribe(
    State(state): State<AppState>,
    requester: Requester,
    Path(token): Path<String>,
    fields: Fields,
) -> Response {
    let back = format!("/thong-bao/huy/{token}");
    let result = app::notifications::unsubscribe(&state, &token)
        .await
        .map(|_| {
            forms::go(
                format!("{back}?xong=1"),
                Some("Bạn sẽ không nhận thư từ Chợ OCOP nữa"),
            )
        })
        .map_err(ApiError::from);
    forms::finish(&requester.session, result, &back, &fields).await
}

#[async_trait::async_trait]
impl AfterSaleBackend for PgBackend {
    async fn notifications_page(&self, req: &Request) -> Result<NotificationsPage, BackendError> {
        let requester = requester(&self.state, req).await?;
        let user = requester.user.as_ref().ok_or(BackendError::Unauthorized)?;
        let prefs = app::notifications::get(&self.state, Some(user))
            .await
            .map_err(refused)?;
        Ok(NotificationsPage {
            email: user.email.clone(),
            prefs,
            form: take_flash(&requester.session).await,
        })
    }

    async fn unsubscribe_page(&self, token: String) -> Result<UnsubscribePage, BackendError> {
        let email = app::notifications::address_of(&self.state, &token)
            .await
            .map_err(refused)?;
        Ok(UnsubscribePage { email })
    }

    async fn review_tools(
        &self,
        req: &Request,
        product_slug: String,
    ) -> Result<ReviewTools, BackendError> {
        let requester = requester(&self.state, req).await?;
        let allowed = app::reviews::moderation(&self.state, requester.user.as_ref(), &product_slug)
            .await
            .map_err(refused)?;
        if !allowed.can_hide && !allowed.can_reply {
            return Ok(ReviewTools::default());
        }
        let flash = requester
            .session
            .remove::<ReviewFlash>(REVIEW_FLASH_KEY)
            .await
            .ok()
            .flatten();
        Ok(ReviewTools {
            can_hide: allowed.can_hide,
            can_reply: allowed.can_reply,
            flash,
        })
    }

    async fn sales_report(
        &self,
        req: &Request,
        slug: String,
        from: String,
        to: String,
    ) -> Result<SalesReportPage, BackendError> {
        let requester = requester(&self.state, req).await?;
        let user = requester.user.as_ref();
        let period = app::report::Period {
            from: Some(&from),
            to: Some(&to),
        };
        match app::report::sales(&self.state, user, &slug, period).await {
            Ok(report) => Ok(SalesReportPage {
                report,
                errors: Default::default(),
            }),
            // A mistyped month: every month, with the reason beside the box.
            Err(AppError::Validation(errors)) => {
                let report = app::report::sales(&self.state, user, &slug, Default::default())
                    .await
                    .map_err(refused)?;
                Ok(SalesReportPage { report, errors })
            }
            Err(other) => Err(refused(other)),
        }
    }
}
