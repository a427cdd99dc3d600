//! `/san-pham/{product}/anh-chia-se.png`: the picture a shared product link shows when the product
//! has no photo (see `app::share`).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app;
use crate::http::conditional;
use crate::http::error::ApiError;
use crate::http::extract::AppPath;
use crate::http::schemas::ErrorBody;
use crate::state::AppState;

/// Crawlers fetch it now and then; a day is fresh enough, and the ETag makes checking cheap.
const CARD_CACHE: &str = "public, max-age=86400";

/// A product's share card (1200×630 PNG): name, price, OCOP stars, producer and place.
#[utoipa::path(
    get,
    path = "/san-pham/{product}/anh-chia-se.png",
    tag = "catalog",
    params(("product" = String, Path, description = "The product's slug")),
    responses(
        (status = 200, description = "The card", content_type = "image/png", body = Vec<u8>),
        (status = 304, description = "Unchanged since the ETag given in If-None-Match"),
        (status = 404, description = "No visible product has this slug (a slug no product could have gets the site's HTML not-found page)", content(
            (ErrorBody = "application/json"),
            (String = "text/html"),
        )),
    ),
)]
pub async fn product_card(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let picture = app::share::product_card(&state, &slug).await?;
    let etag = conditional::etag(picture.tag);
    let cache = [
        (header::CACHE_CONTROL, HeaderValue::from_static(CARD_CACHE)),
        (header::ETAG, etag.clone()),
    ];
    if conditional::unchanged(headers.get(header::IF_NONE_MATCH), &etag) {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    Ok((
        cache,
        [(header::CONTENT_TYPE, HeaderValue::from_static("image/png"))],
        picture.png,
    )
        .into_response())
}
