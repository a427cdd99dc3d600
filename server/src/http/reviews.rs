//! Reviews over the JSON API: the buyer's review of an order line (write, then edit for 30
//! days), a product's visible reviews, the producer's reply and a curator's hiding.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use frontend::api::{Page, Review, ReviewRequest, ReviewText};
use serde::Deserialize;
use uuid::Uuid;

use super::error::ApiError;
use super::extract::{AppJson, AppPath, AppQuery};
use super::schemas::ErrorBody;
use crate::app;
use crate::app::reviews::Mode;
use crate::auth::Requester;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/orders/{code}/reviews", post(create_review))
        .route("/v1/orders/{code}/reviews/{product_id}", put(edit_review))
        .route("/v1/products/{product}/reviews", get(product_reviews))
        .route("/v1/reviews/{id}/reply", post(reply_review))
        .route("/v1/reviews/{id}/hide", post(hide_review))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReviewQuery {
    /// The order's secret access token (guests).
    token: Option<String>,
}

/// The buyer rates one line of a delivered order (1–5, optional text); once per line.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{code}/reviews",
    tag = "reviews",
    security(("session" = [])),
    params(("code" = String, Path, description = "The order code, `DH…`"), ReviewQuery),
    request_body = ReviewRequest,
    responses(
        (status = 201, description = "The review", body = Review),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Neither signed in nor a token", body = ErrorBody),
        (status = 403, description = "Not the buyer (a member of the producer), or a cross-site request", body = ErrorBody),
        (status = 404, description = "No such order for this requester", body = ErrorBody),
        (status = 409, description = "Not delivered (`not_delivered`) or already reviewed (`already_reviewed`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Rating outside 1–5, or a product not in the order", body = ErrorBody),
    ),
)]
pub(crate) async fn create_review(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(code): AppPath<String>,
    AppQuery(query): AppQuery<ReviewQuery>,
    AppJson(body): AppJson<ReviewRequest>,
) -> Result<(StatusCode, AppJson<Review>), ApiError> {
    let (review, _) = app::reviews::submit(
        &state,
        requester.user.as_ref(),
        &code,
        query.token.as_deref(),
        &body,
        Mode::Create,
    )
    .await?;
    Ok((StatusCode::CREATED, AppJson(review)))
}

/// The buyer changes a review within 30 days of writing it.
#[utoipa::path(
    put,
    path = "/api/v1/orders/{code}/reviews/{product_id}",
    tag = "reviews",
    security(("session" = [])),
    params(
        ("code" = String, Path, description = "The order code, `DH…`"),
        ("product_id" = Uuid, Path, description = "The reviewed product"),
        ReviewQuery,
    ),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "The review", body = Review),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Neither signed in nor a token", body = ErrorBody),
        (status = 403, description = "Not the buyer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No such order or review", body = ErrorBody),
        (status = 409, description = "More than 30 days old (`review_locked`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Rating outside 1–5", body = ErrorBody),
    ),
)]
pub(crate) async fn edit_review(
    State(state): State<AppState>,
    requester: Requester,
    AppPath((code, product_id)): AppPath<(String, Uuid)>,
    AppQuery(query): AppQuery<ReviewQuery>,
    AppJson(mut body): AppJson<ReviewRequest>,
) -> Result<AppJson<Review>, ApiError> {
    body.product_id = product_id.to_string();
    let (review, _) = app::reviews::submit(
        &state,
        requester.user.as_ref(),
        &code,
        query.token.as_deref(),
        &body,
        Mode::Edit,
    )
    .await?;
    Ok(AppJson(review))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReviewPage {
    page: Option<u32>,
    per_page: Option<u32>,
}

/// A product's visible reviews, newest first (the average is in the product's `rating`).
#[utoipa::path(
    get,
    path = "/api/v1/products/{product}/reviews",
    tag = "reviews",
    params(("product" = String, Path, description = "The product's slug"), ReviewPage),
    responses(
        (status = 200, description = "A page of reviews", body = Page<Review>),
        (status = 404, description = "No such product", body = ErrorBody),
    ),
)]
pub(crate) async fn product_reviews(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    AppQuery(query): AppQuery<ReviewPage>,
) -> Result<AppJson<Page<Review>>, ApiError> {
    let (page, per_page) = (query.page.unwrap_or(1), query.per_page.unwrap_or(24));
    let (items, total) = app::reviews::of_product(&state, &slug, page, per_page).await?;
    Ok(AppJson(Page {
        items,
        total,
        page: page.max(1),
        per_page: per_page.clamp(1, 100),
    }))
}

/// A member of the product's producer answers a review, once.
#[utoipa::path(
    post,
    path = "/api/v1/reviews/{id}/reply",
    tag = "reviews",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The review")),
    request_body = ReviewText,
    responses(
        (status = 200, description = "The review with its reply", body = Review),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of the producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No such review", body = ErrorBody),
        (status = 409, description = "Already answered (`already_replied`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Empty reply", body = ErrorBody),
    ),
)]
pub(crate) async fn reply_review(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<ReviewText>,
) -> Result<AppJson<Review>, ApiError> {
    Ok(AppJson(
        app::reviews::reply(&state, requester.user.as_ref(), id, &body.text).await?,
    ))
}

/// A curator hides an abusive review with a reason (audited); it leaves the average.
#[utoipa::path(
    post,
    path = "/api/v1/reviews/{id}/hide",
    tag = "reviews",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The review")),
    request_body = ReviewText,
    responses(
        (status = 204, description = "Hidden"),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a curator, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No such review", body = ErrorBody),
        (status = 409, description = "Already hidden (`already_hidden`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "No reason given", body = ErrorBody),
    ),
)]
pub(crate) async fn hide_review(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<ReviewText>,
) -> Result<StatusCode, ApiError> {
    app::reviews::hide(&state, requester.user.as_ref(), id, &body.text).await?;
    Ok(StatusCode::NO_CONTENT)
}
