//! After the sale, in the UI: the after-sale pages' half of the port (notification settings,
//! unsubscribing, the sales report) and their plain form posts, with the buyer's review of an
//! order line. Each post calls one `app::` command and answers with a 303 redirect, like every
//! other form.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use frontend::api::{
    AfterSaleBackend, BackendError, FormState, NotificationPrefs, NotificationsPage, Request,
    ReviewRequest, SalesReportPage, UnsubscribePage,
};
use tower_sessions::Session;

use super::forms;
use super::workspace::{FLASH_KEY, requester};
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

async fn take_flash(session: &Session) -> FormState {
    session
        .remove::<FormState>(FLASH_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
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
