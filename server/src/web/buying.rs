//! Buying as plain HTML form posts: add to cart, change a cart line, check out, cancel as the
//! buyer, and the seller's sales settings and order actions. Each handler parses the posted
//! fields, calls one `app::` command (never a JSON handler) and answers with a 303 redirect; a
//! refusal goes back to the form with the typed values and Vietnamese errors in the session.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use frontend::api::{
    BankAccountDto, Cart, CheckoutDelivery, CheckoutItem, CheckoutRequest, DeliverySettings,
    PaymentSettings, PlacedLink, ProducerChoice, SalesSettings, StatusChange,
};
use rust_decimal::Decimal;
use tower_sessions::Session;
use uuid::Uuid;

use super::forms;
use crate::app::cart::CartOwner;
use crate::app::{self, AppError, AppResult};
use crate::auth::Requester;
use crate::http::error::ApiError;
use crate::state::AppState;

/// `name=value` pairs as posted, in order (item lists repeat a name).
type Fields = axum::Form<Vec<(String, String)>>;

/// The session key of the last checkout's orders (codes and secret links), for its confirmation.
pub const PLACED_KEY: &str = "placed_orders";

/// The commune select's choice for addresses outside Thái Nguyên: the address is then free text.
pub const OTHER_PROVINCE: &str = "khac";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gio-hang/them", post(add_to_cart))
        .route("/gio-hang/{product_id}", post(set_cart_line))
        .route("/thanh-toan", post(checkout))
        .route("/don-hang/{code}/huy", post(buyer_cancel))
        .route("/quan-ly/{slug}/ban-hang", post(save_sales))
        .route("/quan-ly/{slug}/don-hang/{code}", post(seller_status))
        .route(
            "/quan-ly/{slug}/don-hang/{code}/da-thanh-toan",
            post(seller_paid),
        )
}

/// A posted field as typed, empty when absent.
fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    forms::field(fields, name).unwrap_or_default()
}

fn optional(fields: &[(String, String)], name: &str) -> Option<String> {
    Some(field(fields, name).trim().to_owned()).filter(|v| !v.is_empty())
}

/// Where to go after a post: `to` when the command worked (with an optional notice), else back
/// to `back` with the typed values and the reasons — the same answers as every other form.
async fn finish(
    session: &Session,
    result: AppResult<(String, Option<&'static str>)>,
    back: &str,
    fields: &[(String, String)],
) -> Response {
    let result = result
        .map(|(to, notice)| forms::go(to, notice))
        .map_err(ApiError::from);
    forms::finish(session, result, back, fields).await
}

async fn owner(requester: &Requester) -> CartOwner {
    CartOwner::from_session(&requester.session, requester.user.as_ref().map(|u| u.id)).await
}

/// A typed quantity as a number ("0,5" is how many write half a kilo).
fn decimal(raw: &str) -> Option<Decimal> {
    raw.trim().replace(',', ".").parse().ok()
}

/// "Thêm vào giỏ": adds to what the cart holds (1 unless a quantity was typed) and goes back to
/// the page it came from. Refusals (out of stock, a bad quantity) are shown on the cart page.
async fn add_to_cart(
    State(state): State<AppState>,
    requester: Requester,
    fields: Fields,
) -> Response {
    let next = optional(&fields, "next")
        .filter(|n| frontend::api::is_local_path(n))
        .unwrap_or_else(|| "/gio-hang".to_owned());
    let result = add(
        &state,
        &requester,
        field(&fields, "product_id"),
        field(&fields, "quantity"),
    )
    .await
    .map(|_| (next.clone(), None))
    .map_err(about_the_quantity);
    finish(&requester.session, result, "/gio-hang", &fields).await
}

/// The cart page has no single quantity box to put a message beside: a refused quantity is
/// said at the top of the page, with its reason ("Số lượng: đơn vị này không bán lẻ…").
fn about_the_quantity(error: AppError) -> AppError {
    match error {
        AppError::Validation(fields) => AppError::Conflict {
            code: "invalid_quantity",
            message: fields
                .values()
                .map(|why| format!("Số lượng: {why}"))
                .collect::<Vec<_>>()
                .join("; "),
        },
        other => other,
    }
}

/// Adds `typed` (1 when blank) to what the requester's cart holds of a product: the form post
/// and the hydrated button (a server function) share this, so both add rather than set.
pub(super) async fn add(
    state: &AppState,
    requester: &Requester,
    product_id: &str,
    typed: &str,
) -> AppResult<Cart> {
    let id = Uuid::parse_str(product_id.trim()).map_err(|_| AppError::NotFound)?;
    let typed = Some(typed.trim()).filter(|t| !t.is_empty()).unwrap_or("1");
    let owner = owner(requester).await;
    let cart = app::cart::view(state, owner).await?;
    let held = cart
        .groups
        .iter()
        .flat_map(|g| &g.items)
        .find(|i| i.product.id == id.to_string())
        .and_then(|i| decimal(&i.quantity));
    // An unreadable quantity goes to the command as typed, for its own message.
    let quantity = match (held, decimal(typed)) {
        (Some(held), Some(more)) if more > Decimal::ZERO => (held + more).normalize().to_string(),
        _ => typed.to_owned(),
    };
    let (cart, created) = app::cart::set_quantity(state, owner, id, &quantity).await?;
    if let Some(created) = created {
        CartOwner::remember(&requester.session, created).await?;
    }
    Ok(cart)
}

/// A cart line's quantity form (`0`, or the "Xoá" button, removes it).
async fn set_cart_line(
    State(state): State<AppState>,
    requester: Requester,
    Path(product_id): Path<Uuid>,
    fields: Fields,
) -> Response {
    let result = async {
        let quantity = optional(&fields, "quantity").unwrap_or_else(|| "0".to_owned());
        let owner = owner(&requester).await;
        let (_, created) = app::cart::set_quantity(&state, owner, product_id, &quantity).await?;
        if let Some(cart) = created {
            CartOwner::remember(&requester.session, cart).await?;
        }
        Ok(("/gio-hang".to_owned(), Some("Đã cập nhật giỏ hàng.")))
    }
    .await
    .map_err(about_the_quantity);
    finish(&requester.session, result, "/gio-hang", &fields).await
}

/// The checkout form as the command's request. Items are the lines the buyer saw (`item` =
/// `product_id=quantity`), so a repeated post is the same request even after the cart emptied.
fn checkout_request(fields: &[(String, String)]) -> CheckoutRequest {
    let items = fields
        .iter()
        .filter(|(name, _)| name == "item")
        .filter_map(|(_, v)| v.split_once('='))
        .map(|(id, quantity)| CheckoutItem {
            product_id: id.to_owned(),
            quantity: quantity.to_owned(),
        })
        .collect::<Vec<_>>();
    let mut per_producer = BTreeMap::<String, ProducerChoice>::new();
    for (name, value) in fields {
        if let Some(slug) = name.strip_prefix("delivery.") {
            per_producer.entry(slug.to_owned()).or_default().delivery = Some(value.clone());
        } else if let Some(slug) = name.strip_prefix("payment.") {
            per_producer.entry(slug.to_owned()).or_default().payment = Some(value.clone());
        }
    }
    let commune = optional(fields, "commune_code");
    let other = commune.as_deref() == Some(OTHER_PROVINCE);
    CheckoutRequest {
        items: Some(items).filter(|i| !i.is_empty()),
        delivery: CheckoutDelivery {
            method: String::new(),
            name: field(fields, "name").to_owned(),
            phone: field(fields, "phone").to_owned(),
            email: optional(fields, "email"),
            address: optional(fields, "address"),
            province_code: if other {
                Some(OTHER_PROVINCE.to_owned())
            } else {
                Some(app::checkout::THAI_NGUYEN.to_owned())
            },
            commune_code: commune.filter(|_| !other),
            note: optional(fields, "note"),
        },
        payment: String::new(),
        per_producer,
    }
}

/// Places the cart: the form's one-time token is the idempotency key, so a double submit or a
/// reload gives the same orders. Their secret links are kept in the session for the
/// confirmation page (never in a URL that could be logged or shared by mistake).
async fn checkout(State(state): State<AppState>, requester: Requester, fields: Fields) -> Response {
    let request = checkout_request(&fields);
    let token = optional(&fields, "token");
    let placed = app::checkout::place(
        &state,
        requester.user.as_ref(),
        owner(&requester).await,
        &request,
        token.as_deref(),
    )
    .await;
    let result = match placed {
        Ok(orders) => {
            let links: Vec<PlacedLink> = orders
                .iter()
                .map(|o| PlacedLink {
                    code: o.code.clone(),
                    producer: o.producer.name.clone(),
                    total_vnd: o.total_vnd.clone(),
                    payment: o.payment.method.clone(),
                    href: match &o.access_token {
                        Some(token) => format!("/don-hang/{}?token={token}", o.code),
                        None => format!("/don-hang/{}", o.code),
                    },
                })
                .collect();
            match requester.session.insert(PLACED_KEY, links).await {
                Ok(()) => Ok(("/dat-hang/xong".to_owned(), None)),
                Err(error) => Err(AppError::Internal(error.into())),
            }
        }
        Err(error) => Err(error),
    };
    // Out of stock: the cart page shows every line's stock beside the message.
    let back = match &result {
        Err(AppError::OutOfStock(_)) => "/gio-hang",
        _ => "/thanh-toan",
    };
    finish(&requester.session, result, back, &fields).await
}

/// The buyer cancels while the seller has not confirmed yet (signed in, or with the token).
async fn buyer_cancel(
    State(state): State<AppState>,
    requester: Requester,
    Path(code): Path<String>,
    fields: Fields,
) -> Response {
    let token = optional(&fields, "token");
    let back = match &token {
        Some(t) => format!(
            "/don-hang/{code}?token={}",
            form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()
        ),
        None => format!("/don-hang/{code}"),
    };
    let change = StatusChange {
        status: "cancelled".to_owned(),
        reason: optional(&fields, "reason"),
        tracking: None,
    };
    let result = app::orders::change_status(
        &state,
        requester.user.as_ref(),
        &code,
        token.as_deref(),
        &change,
    )
    .await
    .map(|_| (back.clone(), Some("Đã huỷ đơn.")));
    finish(&requester.session, result, &back, &fields).await
}

/// An amount typed the Vietnamese way ("30.000", "30 000 ₫") as the command reads it. The đồng
/// has no minor unit, so a dot in a form's amount can only group thousands (the service's price
/// parser would read "30.000" as thirty). Anything else goes through as typed, for its message.
fn money(fields: &[(String, String)], name: &str) -> Option<String> {
    let raw = optional(fields, name)?;
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}' | '₫' | 'đ'))
        .collect();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        Some(digits)
    } else {
        Some(raw)
    }
}

/// The sales settings form as the command's input (checkboxes are present only when ticked).
fn sales_settings(fields: &[(String, String)]) -> SalesSettings {
    let ticked = |name: &str| fields.iter().any(|(n, _)| n == name);
    SalesSettings {
        delivery: DeliverySettings {
            pickup: ticked("pickup"),
            pickup_address: optional(fields, "pickup_address"),
            ship: ticked("ship"),
            ship_fee_vnd: money(fields, "ship_fee_vnd"),
            free_from_vnd: money(fields, "free_from_vnd"),
        },
        payments: PaymentSettings {
            cod: ticked("cod"),
            bank_transfer: ticked("bank_transfer"),
        },
        min_order_vnd: money(fields, "min_order_vnd"),
        bank_account: ticked("bank_transfer").then(|| BankAccountDto {
            bank_bin: field(fields, "bank_bin").to_owned(),
            account_no: field(fields, "account_no").to_owned(),
            account_name: field(fields, "account_name").to_owned(),
            bank_name: String::new(),
        }),
        configured: true,
    }
}

async fn save_sales(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    fields: Fields,
) -> Response {
    let back = format!("/quan-ly/{slug}/ban-hang");
    // A failed post must show the boxes as they were ticked, not as saved.
    let mut posted = fields.0.clone();
    posted.push(("_posted".to_owned(), "1".to_owned()));
    let result = app::sales::update(
        &state,
        requester.user.as_ref(),
        &slug,
        &sales_settings(&fields),
    )
    .await
    .map(|_| (back.clone(), Some("Đã lưu cách bán hàng.")));
    finish(&requester.session, result, &back, &posted).await
}

/// A seller moves an order on: confirm, ship (tracking note), deliver or cancel (reason).
async fn seller_status(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, code)): Path<(String, String)>,
    fields: Fields,
) -> Response {
    let back = format!("/quan-ly/{slug}/don-hang/{code}");
    let change = StatusChange {
        status: field(&fields, "status").to_owned(),
        reason: optional(&fields, "reason"),
        tracking: optional(&fields, "tracking"),
    };
    let result = app::orders::change_status(&state, requester.user.as_ref(), &code, None, &change)
        .await
        .map(|_| (back.clone(), Some("Đã cập nhật đơn.")));
    finish(&requester.session, result, &back, &fields).await
}

/// "Đã nhận tiền": a member records the payment.
async fn seller_paid(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, code)): Path<(String, String)>,
) -> Response {
    let back = format!("/quan-ly/{slug}/don-hang/{code}");
    let result = app::orders::mark_paid(&state, requester.user.as_ref(), &code)
        .await
        .map(|_| (back.clone(), Some("Đã ghi nhận thanh toán.")));
    finish(&requester.session, result, &back, &[]).await
}
