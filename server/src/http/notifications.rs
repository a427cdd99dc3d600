//! The signed-in account's mail switches over the JSON API.

use axum::Router;
use axum::routing::get;
use frontend::api::NotificationPrefs;

use super::error::ApiError;
use super::extract::AppJson;
use super::schemas::ErrorBody;
use crate::app;
use crate::auth::Requester;
use crate::state::AppState;
use axum::extract::State;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/v1/me/notifications",
        get(get_notifications).put(put_notifications),
    )
}

/// Which mail the account receives (all on until it chooses).
#[utoipa::path(
    get,
    path = "/api/v1/me/notifications",
    tag = "accounts",
    security(("session" = [])),
    responses(
        (status = 200, description = "The account's switches", body = NotificationPrefs),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
)]
pub(crate) async fn get_notifications(
    State(state): State<AppState>,
    requester: Requester,
) -> Result<AppJson<NotificationPrefs>, ApiError> {
    Ok(AppJson(
        app::notifications::get(&state, requester.user.as_ref()).await?,
    ))
}

/// Switches kinds of mail on or off.
#[utoipa::path(
    put,
    path = "/api/v1/me/notifications",
    tag = "accounts",
    security(("session" = [])),
    request_body = NotificationPrefs,
    responses(
        (status = 200, description = "Saved", body = NotificationPrefs),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Cross-site request", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "A switch is missing or not a boolean", body = ErrorBody),
    ),
)]
pub(crate) async fn put_notifications(
    State(state): State<AppState>,
    requester: Requester,
    AppJson(body): AppJson<NotificationPrefs>,
) -> Result<AppJson<NotificationPrefs>, ApiError> {
    Ok(AppJson(
        app::notifications::set(&state, requester.user.as_ref(), &body).await?,
    ))
}
