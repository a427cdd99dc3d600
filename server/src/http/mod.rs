//! The HTTP surface: the JSON API under `/api`, operations endpoints, and shared middleware.

pub mod auth;
pub mod catalog;
pub mod conditional;
pub mod csrf;
pub mod curation;
pub mod edge;
pub mod error;
pub mod extract;
pub mod health;
pub mod imports;
pub mod livestreams;
pub mod media;
pub mod metrics;
pub mod notifications;
pub mod openapi;
pub mod orders;
pub mod rate_limit;
pub mod report;
pub mod reviews;
pub mod schemas;
pub mod security;
pub mod seo;
pub mod share;
pub mod workspace;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

/// `/api/…`: the public JSON API. Unknown paths answer in the API's error shape.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .merge(catalog::router())
        .merge(auth::router())
        .merge(workspace::router())
        .merge(livestreams::router())
        .merge(curation::router())
        .merge(orders::router())
        .merge(notifications::router())
        .merge(reviews::router())
        .merge(imports::router())
        .merge(report::router())
        .route("/openapi.json", get(openapi::openapi_json))
        .fallback(error::api_not_found)
}

/// `/healthz`, `/readyz`, `/metrics`.
pub fn ops_router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/sitemaps/{file}", get(seo::sitemap_file))
        .route("/robots.txt", get(seo::robots))
        .route(
            "/san-pham/{product}/anh-chia-se.png",
            get(share::product_card),
        )
        .merge(curation::qr_router())
}

/// A file to save (CSV, XLSX): its type, the name the browser saves it under, and no caching
/// (reports and registers are private, and a template must never be served stale).
pub(crate) fn download(
    content_type: &'static str,
    file_name: &str,
    body: impl Into<axum::body::Body>,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body.into(),
    )
        .into_response()
}
