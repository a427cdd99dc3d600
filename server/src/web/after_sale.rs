//! After the sale, in the UI: the after-sale pages' half of the port (notification settings,
//! unsubscribing) and their plain form posts. Each post calls one `app::` command and answers
//! with a 303 redirect, like every other form.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use frontend::api::{
    AfterSaleBackend, BackendError, FormState, NotificationPrefs, NotificationsPage, Request,
    UnsubscribePage,
};
use tower_sessions::Session;

use super::forms;
use super::workspace::{FLASH_KEY, requester};
use super::{PgBackend, refused};
use crate::app;
use crate::auth::Requester;
use crate::http::error::ApiError;
use crate::state::AppState;

type Fields = axum::Form<Vec<(String, String)>>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/thong-bao", post(save_notifications))
        .route("/thong-bao/huy/{token}", post(unsubscribe))
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
}
