//! Buying over the JSON API: the session's cart, producers' sales settings, checkout, orders and
//! their status and payment. Each handler parses, calls one `app` command and presents the result.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use frontend::api::{
    Cart, CheckoutRequest, Order, Page, PlacedOrders, SalesSettings, StatusChange,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::ApiError;
use super::extract::{AppJson, AppPath, AppQuery};
use super::schemas::{ErrorBody, JsonBody, KnownProducer, SameSite, SignedIn};
use crate::app;
use crate::app::cart::CartOwner;
use crate::auth::Requester;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/cart", get(get_cart).delete(clear_cart))
        .route("/v1/cart/items/{product_id}", put(put_cart_item))
        .route("/v1/producers/{slug}/sales", get(get_sales).put(put_sales))
        .route("/v1/producers/{slug}/orders", get(producer_orders))
        .route("/v1/orders", post(place_order).get(my_orders))
        .route("/v1/orders/{code}", get(get_order))
        .route("/v1/orders/{code}/status", post(change_status))
        .route("/v1/orders/{code}/payment", post(record_payment))
}

async fn owner(requester: &Requester) -> CartOwner {
    CartOwner::from_session(&requester.session, requester.user.as_ref().map(|u| u.id)).await
}

/// The session's cart, grouped by producer.
#[utoipa::path(
    get,
    path = "/api/v1/cart",
    tag = "buying",
    responses((status = 200, description = "The cart (empty when there is none yet)", body = Cart)),
)]
pub(crate) async fn get_cart(
    State(state): State<AppState>,
    requester: Requester,
) -> Result<AppJson<Cart>, ApiError> {
    Ok(AppJson(
        app::cart::view(&state, owner(&requester).await).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuantityBody {
    /// A decimal string; `0` removes the line. Fractions only where the unit allows them.
    #[schema(value_type = String, example = "2")]
    quantity: serde_json::Value,
}

/// Sets a product's quantity in the session's cart.
#[utoipa::path(
    put,
    path = "/api/v1/cart/items/{product_id}",
    tag = "buying",
    params(("product_id" = Uuid, Path, description = "The product")),
    request_body = QuantityBody,
    responses(
        (status = 200, description = "The cart after the change", body = Cart),
        JsonBody,
        SameSite,
        (status = 404, description = "No product on sale has this id", body = ErrorBody),
        (status = 409, description = "More than the stock left (`out_of_stock`, with `items`), or its producer takes no orders yet (`not_selling`)", body = ErrorBody),
        (status = 422, description = "Not a quantity for this unit", body = ErrorBody),
    ),
)]
pub(crate) async fn put_cart_item(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(product_id): AppPath<Uuid>,
    AppJson(body): AppJson<QuantityBody>,
) -> Result<AppJson<Cart>, ApiError> {
    let raw = match body.quantity {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err(app::AppError::field("quantity", "phải là một số").into()),
    };
    let (cart, created) =
        app::cart::set_quantity(&state, owner(&requester).await, product_id, &raw).await?;
    if let Some(id) = created {
        CartOwner::remember(&requester.session, id).await?;
    }
    Ok(AppJson(cart))
}

/// Empties the session's cart.
#[utoipa::path(
    delete,
    path = "/api/v1/cart",
    tag = "buying",
    responses(
        (status = 204, description = "Emptied"),
        SameSite,
    ),
)]
pub(crate) async fn clear_cart(
    State(state): State<AppState>,
    requester: Requester,
) -> Result<StatusCode, ApiError> {
    app::cart::clear(&state, owner(&requester).await).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How a producer sells (members also see the bank account).
#[utoipa::path(
    get,
    path = "/api/v1/producers/{slug}/sales",
    tag = "buying",
    params(("slug" = String, Path, description = "The producer")),
    responses(
        (status = 200, description = "Its sales settings (`configured: false` until set)", body = SalesSettings),
        KnownProducer,
    ),
)]
pub(crate) async fn get_sales(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(slug): AppPath<String>,
) -> Result<AppJson<SalesSettings>, ApiError> {
    Ok(AppJson(
        app::sales::get(&state, requester.user.as_ref(), &slug).await?,
    ))
}

/// Owners set delivery options, accepted payments (and the bank account) and a minimum order.
#[utoipa::path(
    put,
    path = "/api/v1/producers/{slug}/sales",
    tag = "buying",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer")),
    request_body = SalesSettings,
    responses(
        (status = 200, description = "Saved", body = SalesSettings),
        JsonBody,
        SignedIn,
        (status = 403, description = "Not an owner, or a cross-site request", body = ErrorBody),
        KnownProducer,
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
pub(crate) async fn put_sales(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(slug): AppPath<String>,
    AppJson(body): AppJson<SalesSettings>,
) -> Result<AppJson<SalesSettings>, ApiError> {
    Ok(AppJson(
        app::sales::update(&state, requester.user.as_ref(), &slug, &body).await?,
    ))
}

/// Places the cart (or the items given) as one order per producer, reserving the stock.
#[utoipa::path(
    post,
    path = "/api/v1/orders",
    tag = "buying",
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeating a key returns the first answer")),
    request_body = CheckoutRequest,
    responses(
        (status = 201, description = "The orders, one per producer, each with its `access_token`", body = PlacedOrders),
        JsonBody,
        SameSite,
        (status = 409, description = "Not enough stock (`out_of_stock`, `items` says what is left; nothing was written), or the key was used for another request (`idempotency_key_reused`)", body = ErrorBody),
        (status = 422, description = "Invalid fields, an empty cart, or a choice the producer does not offer", body = ErrorBody),
    ),
)]
pub(crate) async fn place_order(
    State(state): State<AppState>,
    requester: Requester,
    headers: HeaderMap,
    AppJson(body): AppJson<CheckoutRequest>,
) -> Result<(StatusCode, AppJson<PlacedOrders>), ApiError> {
    let key = headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .map_err(|_| ApiError::BadRequest("Idempotency-Key must be ASCII".into()))
        })
        .transpose()?;
    let orders = app::checkout::place(
        &state,
        requester.user.as_ref(),
        owner(&requester).await,
        &body,
        key,
    )
    .await?;
    Ok((StatusCode::CREATED, AppJson(PlacedOrders { orders })))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    /// From 1.
    #[param(minimum = 1, maximum = 10000)]
    page: Option<u32>,
    /// 1 to 100 (default 24).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

/// A producer's orders: a page of them, optionally in one status.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ProducerOrdersQuery {
    /// From 1.
    #[param(minimum = 1, maximum = 10000)]
    page: Option<u32>,
    /// 1 to 100 (default 24).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    /// Only orders in this status.
    #[param(pattern = "^ *(pending|confirmed|shipping|delivered|cancelled)? *$")]
    status: Option<String>,
}

/// The signed-in buyer's orders, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/orders",
    tag = "buying",
    security(("session" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of orders", body = Page<Order>),
        (status = 400, description = "Malformed query string", body = ErrorBody),
        SignedIn,
        (status = 422, description = "`page` or `per_page` out of bounds", body = ErrorBody),
    ),
)]
pub(crate) async fn my_orders(
    State(state): State<AppState>,
    requester: Requester,
    AppQuery(query): AppQuery<PageQuery>,
) -> Result<AppJson<Page<Order>>, ApiError> {
    let (page, per_page) = (query.page.unwrap_or(1), query.per_page.unwrap_or(24));
    let (items, total) = app::orders::mine(&state, requester.user.as_ref(), page, per_page).await?;
    Ok(AppJson(Page {
        items,
        total,
        page,
        per_page,
    }))
}

/// A producer's orders with how many are in each status.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ProducerOrderPage {
    items: Vec<Order>,
    total: i64,
    page: u32,
    per_page: u32,
    /// Orders per status, every status of this producer.
    counts: std::collections::BTreeMap<String, i64>,
}

/// A producer's orders for its members, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/producers/{slug}/orders",
    tag = "buying",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer"), ProducerOrdersQuery),
    responses(
        (status = 200, description = "A page of orders and counts by status", body = ProducerOrderPage),
        SignedIn,
        (status = 403, description = "Not a member of this producer", body = ErrorBody),
        KnownProducer,
        (status = 400, description = "Malformed query string", body = ErrorBody),
        (status = 422, description = "Unknown status, or `page` or `per_page` out of bounds", body = ErrorBody),
    ),
)]
pub(crate) async fn producer_orders(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(slug): AppPath<String>,
    AppQuery(query): AppQuery<ProducerOrdersQuery>,
) -> Result<AppJson<ProducerOrderPage>, ApiError> {
    let (page, per_page) = (query.page.unwrap_or(1), query.per_page.unwrap_or(24));
    let result = app::orders::of_producer(
        &state,
        requester.user.as_ref(),
        &slug,
        query.status.as_deref(),
        page,
        per_page,
    )
    .await?;
    Ok(AppJson(ProducerOrderPage {
        items: result.orders,
        total: result.total,
        page,
        per_page,
        counts: result.counts.into_iter().collect(),
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct TokenQuery {
    /// The order's secret access token (guests).
    token: Option<String>,
}

/// One order, for its buyer, a member of its producer, or whoever holds its token.
#[utoipa::path(
    get,
    path = "/api/v1/orders/{code}",
    tag = "buying",
    // Or, without a session, the order's `?token=`.
    security(("session" = [])),
    params(("code" = String, Path, description = "The order code, `DH…`"), TokenQuery),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 401, description = "Neither signed in nor a token", body = ErrorBody),
        (status = 404, description = "No such order for this requester", body = ErrorBody),
    ),
)]
pub(crate) async fn get_order(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(code): AppPath<String>,
    AppQuery(query): AppQuery<TokenQuery>,
) -> Result<AppJson<Order>, ApiError> {
    Ok(AppJson(
        app::orders::get(
            &state,
            requester.user.as_ref(),
            &code,
            query.token.as_deref(),
        )
        .await?,
    ))
}

/// Moves an order: members confirm, ship, deliver or cancel; the buyer may cancel while pending.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{code}/status",
    tag = "buying",
    // Or, without a session, the order's `?token=` (its buyer cancelling).
    security(("session" = [])),
    params(("code" = String, Path, description = "The order code"), TokenQuery),
    request_body = StatusChange,
    responses(
        (status = 200, description = "The order after the change", body = Order),
        JsonBody,
        (status = 401, description = "Neither signed in nor a token", body = ErrorBody),
        SameSite,
        (status = 404, description = "No such order for this requester", body = ErrorBody),
        (status = 409, description = "Not allowed from the current status (`illegal_transition`)", body = ErrorBody),
        (status = 422, description = "Unknown status, or a seller's cancellation without a reason", body = ErrorBody),
    ),
)]
pub(crate) async fn change_status(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(code): AppPath<String>,
    AppQuery(query): AppQuery<TokenQuery>,
    AppJson(body): AppJson<StatusChange>,
) -> Result<AppJson<Order>, ApiError> {
    Ok(AppJson(
        app::orders::change_status(
            &state,
            requester.user.as_ref(),
            &code,
            query.token.as_deref(),
            &body,
        )
        .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PaymentBody {
    /// `paid`.
    #[serde(default)]
    #[schema(required = true, pattern = "^paid$")]
    status: String,
}

/// A member records that the money arrived.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{code}/payment",
    tag = "buying",
    security(("session" = [])),
    params(("code" = String, Path, description = "The order code")),
    request_body = PaymentBody,
    responses(
        (status = 200, description = "The order, paid", body = Order),
        JsonBody,
        SignedIn,
        (status = 403, description = "The buyer cannot mark it paid, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No such order for this requester", body = ErrorBody),
        (status = 409, description = "Already paid (`already_paid`) or cancelled (`illegal_transition`)", body = ErrorBody),
        (status = 422, description = "`status` is not `paid`", body = ErrorBody),
    ),
)]
pub(crate) async fn record_payment(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(code): AppPath<String>,
    AppJson(body): AppJson<PaymentBody>,
) -> Result<AppJson<Order>, ApiError> {
    if body.status != "paid" {
        return Err(app::AppError::field("status", "chỉ có thể ghi nhận \"paid\"").into());
    }
    Ok(AppJson(
        app::orders::mark_paid(&state, requester.user.as_ref(), &code).await?,
    ))
}
