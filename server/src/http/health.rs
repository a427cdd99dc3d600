//! Operations endpoints: `/healthz` (process up) and `/readyz` (dependencies reachable).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::schemas::{Health, Readiness};
use crate::state::AppState;

/// The process is up and serving; says nothing about dependencies on purpose.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is up", body = Health)),
)]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready when the database answers; the body names the search and media backends in use and
/// whether mail goes out (the SMTP server, or why not).
/// Meilisearch being down does not make the instance unready: Postgres answers searches in its
/// place, and `search.backend` says so (`postgres (meilisearch down)`).
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "The database answers", body = Readiness),
        (status = 503, description = "The database is unreachable; `error` says so in the API's shape", body = Readiness),
    ),
)]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let database = tokio::time::timeout(
        Duration::from_secs(2),
        sqlx::query_scalar::<_, i32>("select 1").fetch_one(&state.db),
    )
    .await;
    let database_ok = matches!(database, Ok(Ok(1)));
    let status = state.search.status().await;
    let outbox = if database_ok {
        crate::db::search_sync::outbox_len(&state.db)
            .await
            .unwrap_or(0)
    } else {
        0
    };
    let search = json!({
        "backend": status.label(),
        "configured": state.search_backend_name(),
        "outbox": outbox,
    });
    let media = json!({ "backend": state.media_backend_name() });
    let (mail_on, mail_via) = state.mailer.describe();
    let mail_pending = if database_ok {
        crate::db::mail::pending_count(&state.db).await.unwrap_or(0)
    } else {
        0
    };
    // Mail being off never makes the instance unready: messages are logged and kept.
    let mail = json!({
        "configured": mail_on,
        "smtp": mail_on.then(|| mail_via.clone()),
        "reason": (!mail_on).then_some(mail_via),
        "pending": mail_pending,
    });
    if database_ok {
        let body = json!({ "status": "ready", "database": "ok", "search": search, "media": media, "mail": mail });
        (StatusCode::OK, Json(body)).into_response()
    } else {
        let body = json!({
            "error": { "code": "service_unavailable", "message": "database unreachable" },
            "status": "unavailable",
            "database": "unreachable",
            "search": search,
            "media": media,
            "mail": mail,
        });
        (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
    }
}
