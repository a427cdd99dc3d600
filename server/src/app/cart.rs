//! The cart: one per browser session (anonymous buyers included), the signed-in buyer's own once
//! they sign in (merged, never lost). Quantities are checked against the unit and the stock.

use std::collections::HashMap;

use frontend::api::{Cart, CartGroup, CartItem, DeliveryOption};
use rust_decimal::Decimal;
use tower_sessions::Session;
use uuid::Uuid;

use super::{AppError, AppResult};
use crate::db;
use crate::domain::catalog::Quantity;
use crate::domain::listing::ProductFilter;
use crate::domain::order::{DeliveryMethod, SalesTerms};
use crate::state::AppState;

/// The session key holding an anonymous visitor's cart id.
pub const CART_KEY: &str = "cart_id";

/// Whose cart: the signed-in buyer's, or the one the browser session points at.
#[derive(Debug, Clone, Copy, Default)]
pub struct CartOwner {
    pub user: Option<Uuid>,
    pub session_cart: Option<Uuid>,
}

impl CartOwner {
    /// Reads the session's cart id (a broken value counts as none).
    pub async fn from_session(session: &Session, user: Option<Uuid>) -> CartOwner {
        let session_cart = session.get::<Uuid>(CART_KEY).await.ok().flatten();
        CartOwner { user, session_cart }
    }

    /// Points the session at a newly created anonymous cart.
    pub async fn remember(session: &Session, cart: Uuid) -> AppResult<()> {
        session
            .insert(CART_KEY, cart)
            .await
            .map_err(|e| AppError::Internal(e.into()))
    }
}

/// The cart to read, if there is one.
pub async fn find(state: &AppState, owner: CartOwner) -> AppResult<Option<Uuid>> {
    if let Some(user) = owner.user {
        let mut conn = state.db.acquire().await?;
        return Ok(Some(db::carts::of_user(&mut conn, user).await?));
    }
    match owner.session_cart {
        Some(id) if db::carts::anonymous_exists(&state.db, id).await? => Ok(Some(id)),
        _ => Ok(None),
    }
}

/// The cart to write to, created when missing; `true` when the session must remember it.
async fn ensure(state: &AppState, owner: CartOwner) -> AppResult<(Uuid, bool)> {
    match find(state, owner).await? {
        Some(id) => Ok((id, false)),
        None => Ok((db::carts::create_anonymous(&state.db).await?, true)),
    }
}

/// The cart as buyers see it: grouped by producer, with fees, stock left and what blocks checkout.
pub async fn view(state: &AppState, owner: CartOwner) -> AppResult<Cart> {
    match find(state, owner).await? {
        Some(cart) => present(state, cart).await,
        None => Ok(Cart {
            total_vnd: "0".into(),
            ..Cart::default()
        }),
    }
}

/// Sets how much of a product is in the cart (`0` removes it). Returns the cart and, for a new
/// anonymous cart, its id for the session.
pub async fn set_quantity(
    state: &AppState,
    owner: CartOwner,
    product_id: Uuid,
    raw_quantity: &str,
) -> AppResult<(Cart, Option<Uuid>)> {
    let product = db::carts::product(&state.db, product_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let quantity = Quantity::parse(raw_quantity, product.allows_fraction)
        .map_err(|m| AppError::field("quantity", m))?
        .amount();
    if !quantity.is_zero() {
        if !product.active {
            return Err(AppError::NotFound);
        }
        if !product.sells {
            return Err(AppError::Conflict {
                code: "not_selling",
                message: "Cơ sở này chưa nhận đặt hàng trực tuyến".into(),
            });
        }
        if quantity > product.stock {
            return Err(AppError::OutOfStock(vec![frontend::api::Shortage {
                product_id: product_id.to_string(),
                name: product.name,
                requested: quantity.normalize().to_string(),
                available: product.stock.normalize().to_string(),
            }]));
        }
    }
    let (cart, created) = ensure(state, owner).await?;
    db::carts::set_quantity(&state.db, cart, product_id, quantity).await?;
    Ok((present(state, cart).await?, created.then_some(cart)))
}

/// Empties the cart.
pub async fn clear(state: &AppState, owner: CartOwner) -> AppResult<()> {
    if let Some(cart) = find(state, owner).await? {
        db::carts::clear(&state.db, cart).await?;
    }
    Ok(())
}

/// At sign-in: the session's anonymous cart joins the buyer's own.
pub async fn adopt(state: &AppState, session_cart: Option<Uuid>, user: Uuid) -> AppResult<()> {
    let Some(from) = session_cart else {
        return Ok(());
    };
    let mut tx = state.db.begin().await?;
    let into = db::carts::of_user(&mut tx, user).await?;
    if into != from {
        db::carts::merge_into(&mut tx, from, into).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What checking out this group would cost, per delivery option the producer offers.
pub fn delivery_options(terms: &SalesTerms, subtotal: Decimal) -> Vec<DeliveryOption> {
    [DeliveryMethod::Pickup, DeliveryMethod::Ship]
        .into_iter()
        .filter_map(|method| {
            let fee = terms.delivery_fee(method, subtotal)?;
            Some(DeliveryOption {
                method: method.as_str().to_owned(),
                fee_vnd: fee.to_string(),
                address: match method {
                    DeliveryMethod::Pickup => terms.pickup_address.clone(),
                    DeliveryMethod::Ship => None,
                },
                free_from_vnd: match method {
                    DeliveryMethod::Ship => terms.free_from.map(|f| f.to_string()),
                    DeliveryMethod::Pickup => None,
                },
            })
        })
        .collect()
}

/// A line's total in whole đồng (fractional kilograms round half away from zero).
pub fn line_total(quantity: Decimal, price: Decimal) -> Decimal {
    (quantity * price)
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

async fn present(state: &AppState, cart: Uuid) -> AppResult<Cart> {
    let lines = db::carts::lines(&state.db, cart).await?;
    let ids: Vec<Uuid> = lines
        .iter()
        .filter(|l| l.active)
        .map(|l| l.product_id)
        .collect();
    let filter = ProductFilter {
        ids: Some(ids.clone()),
        per_page: ids.len().max(1) as u32,
        ..ProductFilter::default()
    };
    let (cards, _) = db::catalog::product_cards(&state.db, &filter, &state.view()).await?;
    let mut cards: HashMap<String, _> = cards.into_iter().map(|c| (c.id.clone(), c)).collect();
    let producers: Vec<Uuid> = lines.iter().map(|l| l.producer_id).collect();
    let terms = db::sales::terms_of(&state.db, &producers).await?;

    let mut groups: Vec<(Uuid, CartGroup, Decimal, bool)> = Vec::new();
    let mut total = Decimal::ZERO;
    let mut count = 0;
    for line in lines.iter().filter(|l| l.active) {
        let Some(product) = cards.remove(&line.product_id.to_string()) else {
            continue;
        };
        let total_line = line_total(line.quantity, line.price_vnd);
        let short = line.quantity > line.stock;
        let index = match groups.iter().position(|g| g.0 == line.producer_id) {
            Some(i) => i,
            None => {
                groups.push((
                    line.producer_id,
                    CartGroup {
                        producer: product.producer.clone(),
                        items: vec![],
                        subtotal_vnd: String::new(),
                        delivery_options: vec![],
                        payments: vec![],
                        min_order_vnd: None,
                        problem: None,
                    },
                    Decimal::ZERO,
                    false,
                ));
                groups.len() - 1
            }
        };
        let group = &mut groups[index];
        group.2 += total_line;
        group.3 |= short;
        group.1.items.push(CartItem {
            product,
            quantity: line.quantity.normalize().to_string(),
            unit_price_vnd: line.price_vnd.to_string(),
            line_total_vnd: total_line.to_string(),
            available: line.stock.normalize().to_string(),
            fractional: line.allows_fraction,
        });
        total += total_line;
        count += 1;
    }
    let groups = groups
        .into_iter()
        .map(|(producer, mut group, subtotal, short)| {
            group.subtotal_vnd = subtotal.to_string();
            group.problem = match terms.get(&producer) {
                None => Some("Nơi bán này chưa nhận đặt hàng trực tuyến".to_owned()),
                Some(t) => {
                    group.delivery_options = delivery_options(t, subtotal);
                    group.payments = [
                        t.cod.then_some("cod"),
                        t.bank.as_ref().map(|_| "bank_transfer"),
                    ]
                    .into_iter()
                    .flatten()
                    .map(str::to_owned)
                    .collect();
                    group.min_order_vnd = t.min_order.map(|m| m.to_string());
                    if short {
                        Some("Một số sản phẩm không còn đủ hàng: hãy giảm số lượng".to_owned())
                    } else {
                        t.min_order.filter(|m| subtotal < *m).map(|m| {
                            format!("Đơn tối thiểu {}", frontend::format::vnd(&m.to_string()))
                        })
                    }
                }
            };
            group
        })
        .collect();
    Ok(Cart {
        groups,
        total_vnd: total.to_string(),
        count,
    })
}
