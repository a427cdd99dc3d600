//! Checkout: the cart (or the items given) placed as one order per producer, in one transaction
//! that takes the stock — every line is reserved or nothing is written — with an idempotency key
//! that makes a retry, a double click or a reload return the first orders.

use std::collections::HashMap;

use frontend::api::{CheckoutRequest, Order, Shortage};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use super::cart::{CartOwner, line_total};
use super::{AppError, AppResult, clean_text as text};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::orders::{LockedProduct, NewOrder, OrderLine};
use crate::domain::FieldErrors;
use crate::domain::account::{Email, User};
use crate::domain::audit::AuditAction;
use crate::domain::catalog::{ProductStatus, Quantity};
use crate::domain::order::{DeliveryMethod, PaymentMethod, Phone, order_code};
use crate::state::AppState;

/// Thái Nguyên's province code: addresses there name a commune from the 2025 list.
pub const THAI_NGUYEN: &str = "19";

/// The buyer's details, checked.
struct Contact {
    name: String,
    phone: Phone,
    email: Option<String>,
    address: Option<String>,
    province_code: Option<String>,
    commune_code: Option<String>,
    note: Option<String>,
}

fn parse_contact(req: &CheckoutRequest, errors: &mut FieldErrors) -> Option<Contact> {
    let d = &req.delivery;
    let name = d.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if !(2..=100).contains(&name.chars().count()) {
        errors.add("name", "hãy nhập họ tên người nhận");
    }
    let phone = errors.check("phone", Phone::parse(&d.phone));
    let email = match text(&d.email, 254) {
        Some(raw) => errors
            .check("email", Email::parse(&raw))
            .map(|e| e.as_str().to_owned()),
        None => None,
    };
    let province_code = text(&d.province_code, 10).filter(|p| p != THAI_NGUYEN);
    Some(Contact {
        name,
        phone: phone?,
        email,
        address: text(&d.address, 300),
        province_code,
        commune_code: text(&d.commune_code, 10),
        note: text(&d.note, 1000),
    })
}

/// What is being ordered: product ids with the quantities as typed.
async fn requested_items(
    state: &AppState,
    req: &CheckoutRequest,
    cart: Option<Uuid>,
) -> AppResult<Vec<(Uuid, String)>> {
    let items = match &req.items {
        Some(items) => items
            .iter()
            .map(|i| {
                Uuid::parse_str(i.product_id.trim())
                    .map(|id| (id, i.quantity.clone()))
                    .map_err(|_| AppError::field("items", "mã sản phẩm không hợp lệ"))
            })
            .collect::<AppResult<Vec<_>>>()?,
        None => match cart {
            Some(cart) => db::carts::lines(&state.db, cart)
                .await?
                .into_iter()
                .map(|l| (l.product_id, l.quantity.to_string()))
                .collect(),
            None => vec![],
        },
    };
    if items.is_empty() {
        return Err(AppError::field("items", "giỏ hàng đang trống"));
    }
    let mut seen = std::collections::HashSet::new();
    if !items.iter().all(|(id, _)| seen.insert(*id)) {
        return Err(AppError::field(
            "items",
            "mỗi sản phẩm chỉ xuất hiện một lần",
        ));
    }
    Ok(items)
}

/// One producer's share of the checkout.
struct Group<'a> {
    producer_id: Uuid,
    slug: &'a str,
    name: &'a str,
    lines: Vec<OrderLine<'a>>,
}

/// Places a checkout: one order per producer, in one transaction that takes the stock — every
/// line is reserved or nothing is written. A repeated idempotency key returns the first answer.
pub async fn place(
    state: &AppState,
    buyer: Option<&User>,
    owner: CartOwner,
    req: &CheckoutRequest,
    idempotency_key: Option<&str>,
) -> AppResult<Vec<Order>> {
    let mut errors = FieldErrors::default();
    let contact = parse_contact(req, &mut errors);
    let default_delivery = match req.delivery.method.trim() {
        "" => None,
        raw => errors.check("delivery_method", raw.parse::<DeliveryMethod>()),
    };
    let default_payment = match req.payment.trim() {
        "" => None,
        raw => errors.check("payment", raw.parse::<PaymentMethod>()),
    };
    let (Some(contact), true) = (contact, errors.is_empty()) else {
        return Err(errors.into());
    };

    let scope = buyer.map_or_else(|| "guest".to_owned(), |u| format!("user:{}", u.id));
    let generated;
    let key = match idempotency_key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(key) if key.len() <= 200 => key,
        Some(_) => return Err(AppError::field("idempotency_key", "dài tối đa 200 ký tự")),
        None => {
            generated = Uuid::new_v4().to_string();
            &generated
        }
    };
    // The body as sent, not the cart: a retry after success finds the cart already emptied.
    let request_hash = serde_json::to_string(req).map_err(anyhow::Error::from)?;

    let mut tx = state.db.begin().await?;
    let Some(checkout) = db::orders::insert_checkout(&mut tx, &scope, key, &request_hash).await?
    else {
        let (earlier, hash) = db::orders::find_checkout(&mut *tx, &scope, key)
            .await?
            .ok_or(AppError::NotFound)?;
        if hash != request_hash {
            return Err(AppError::Conflict {
                code: "idempotency_key_reused",
                message: "khóa Idempotency-Key này đã dùng cho một đơn khác".into(),
            });
        }
        let ids = db::orders::ids_of_checkout(&mut *tx, earlier).await?;
        return Ok(db::orders::load(&mut tx, &ids, true).await?);
    };
    // Only now the cart: a retry of a checkout that emptied it must find the first answer above.
    let cart = super::cart::find(state, owner).await?;
    let items = requested_items(state, req, cart).await?;

    let mut ids: Vec<Uuid> = items.iter().map(|(id, _)| *id).collect();
    ids.sort();
    let locked = db::orders::lock_products(&mut tx, &ids).await?;
    let by_id: HashMap<Uuid, &LockedProduct> = locked.iter().map(|p| (p.id, p)).collect();

    let mut shortages = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    for (id, raw) in &items {
        let Some(product) = by_id
            .get(id)
            .copied()
            .filter(|p| p.status == ProductStatus::Active)
        else {
            errors.add("items", "có sản phẩm không còn bán; hãy xem lại giỏ hàng");
            continue;
        };
        let quantity = match Quantity::parse(raw, product.allows_fraction) {
            Ok(q) if !q.amount().is_zero() => q.amount(),
            Ok(_) => {
                errors.add("items", "số lượng phải lớn hơn 0");
                continue;
            }
            Err(message) => {
                errors.add("items", format!("{}: {message}", product.name));
                continue;
            }
        };
        if quantity > product.stock {
            shortages.push(Shortage {
                product_id: id.to_string(),
                name: product.name.clone(),
                requested: quantity.normalize().to_string(),
                available: product.stock.normalize().to_string(),
            });
        }
        let line = OrderLine {
            product,
            quantity,
            line_total: line_total(quantity, product.price_vnd),
        };
        match groups
            .iter_mut()
            .find(|g| g.producer_id == product.producer_id)
        {
            Some(group) => group.lines.push(line),
            None => groups.push(Group {
                producer_id: product.producer_id,
                slug: &product.producer_slug,
                name: &product.producer_name,
                lines: vec![line],
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if !shortages.is_empty() {
        return Err(AppError::OutOfStock(shortages));
    }

    let producers: Vec<Uuid> = groups.iter().map(|g| g.producer_id).collect();
    let terms = db::sales::terms_of(&mut *tx, &producers).await?;
    let mut plans = Vec::new();
    for group in &groups {
        let Some(t) = terms.get(&group.producer_id) else {
            errors.add(
                "items",
                format!("{} chưa nhận đặt hàng trực tuyến", group.name),
            );
            continue;
        };
        let choice = req.per_producer.get(group.slug);
        let delivery = match choice.and_then(|c| c.delivery.as_deref()) {
            Some(raw) => errors.check("delivery_method", raw.parse::<DeliveryMethod>()),
            None => default_delivery,
        };
        let payment = match choice.and_then(|c| c.payment.as_deref()) {
            Some(raw) => errors.check("payment", raw.parse::<PaymentMethod>()),
            None => default_payment,
        };
        let subtotal: Decimal = group.lines.iter().map(|l| l.line_total).sum();
        match delivery {
            None => errors.add(
                "delivery_method",
                format!("hãy chọn cách nhận hàng của {}", group.name),
            ),
            Some(d) if !t.offers(d) => errors.add(
                "delivery_method",
                format!("{} không có cách nhận hàng này", group.name),
            ),
            _ => {}
        }
        match payment {
            None => errors.add(
                "payment",
                format!("hãy chọn cách thanh toán cho {}", group.name),
            ),
            Some(p) if !t.accepts(p) => errors.add(
                "payment",
                format!("{} không nhận cách thanh toán này", group.name),
            ),
            _ => {}
        }
        if let Some(min) = t.min_order.filter(|m| subtotal < *m) {
            errors.add(
                "items",
                format!(
                    "{}: đơn tối thiểu {}",
                    group.name,
                    frontend::format::vnd(&min.to_string())
                ),
            );
        }
        if let (Some(d), Some(p)) = (delivery, payment)
            && let Some(fee) = t.delivery_fee(d, subtotal)
        {
            plans.push((group, t, d, p, subtotal, fee));
        }
    }
    if plans.iter().any(|(_, _, d, ..)| *d == DeliveryMethod::Ship) {
        if contact.address.is_none() {
            errors.add("address", "hãy nhập địa chỉ giao hàng (thôn/xóm, số nhà)");
        }
        match (&contact.province_code, &contact.commune_code) {
            (None, None) => errors.add("commune_code", "hãy chọn xã/phường"),
            (None, Some(code)) if !db::producers::commune_exists(&state.db, code).await? => {
                errors.add("commune_code", "không có xã/phường với mã này")
            }
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }

    let all_ids: Vec<Uuid> = groups
        .iter()
        .flat_map(|g| g.lines.iter().map(|l| l.product.id))
        .collect();
    let all_quantities: Vec<Decimal> = groups
        .iter()
        .flat_map(|g| g.lines.iter().map(|l| l.quantity))
        .collect();
    db::orders::take_stock(&mut tx, &all_ids, &all_quantities).await?;

    let now = state.clock.now();
    let mut order_ids = Vec::new();
    for (group, t, delivery, payment, subtotal, fee) in plans {
        let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
        let bank = (payment == PaymentMethod::BankTransfer)
            .then_some(t.bank.as_ref())
            .flatten();
        let mut placed = None;
        for _ in 0..8 {
            let code = order_code(Uuid::new_v4().as_u128() as u64);
            let order = NewOrder {
                code: &code,
                checkout_id: checkout,
                producer_id: group.producer_id,
                buyer_id: buyer.map(|u| u.id),
                access_token: &token,
                buyer_name: &contact.name,
                phone: &contact.phone,
                email: contact.email.as_deref(),
                delivery_method: delivery.as_str(),
                address: contact
                    .address
                    .as_deref()
                    .filter(|_| delivery == DeliveryMethod::Ship),
                province_code: contact.province_code.as_deref(),
                commune_code: contact.commune_code.as_deref().filter(|_| {
                    delivery == DeliveryMethod::Ship && contact.province_code.is_none()
                }),
                pickup_address: t
                    .pickup_address
                    .as_deref()
                    .filter(|_| delivery == DeliveryMethod::Pickup),
                note: contact.note.as_deref(),
                payment_method: payment.as_str(),
                bank,
                subtotal,
                delivery_fee: fee,
                at: now,
            };
            if let Some(id) = db::orders::insert_order(&mut tx, &order).await? {
                placed = Some((id, code));
                break;
            }
        }
        let (order_id, code) =
            placed.ok_or_else(|| anyhow::anyhow!("no free order code after 8 draws"))?;
        db::orders::insert_items(&mut tx, order_id, &group.lines).await?;
        db::orders::insert_event(
            &mut *tx,
            order_id,
            "pending",
            now,
            None,
            None,
            buyer.map(|u| u.id),
        )
        .await?;
        db::audit::record(
            &mut *tx,
            AuditEntry {
                actor: buyer.map(|u| u.id),
                action: AuditAction::OrderPlace,
                entity_id: order_id.to_string(),
                reason: None,
                before: None,
                after: Some(json!({
                    "code": code,
                    "producer_id": group.producer_id,
                    "total_vnd": (subtotal + fee).to_string(),
                    "items": group.lines.iter().map(|l| json!({
                        "product_id": l.product.id,
                        "quantity": l.quantity.to_string(),
                        "unit_price_vnd": l.product.price_vnd.to_string(),
                    })).collect::<Vec<_>>(),
                })),
            },
        )
        .await?;
        order_ids.push(order_id);
    }
    if let Some(cart) = cart {
        db::carts::remove(&mut *tx, cart, &all_ids).await?;
    }
    let orders = db::orders::load(&mut tx, &order_ids, true).await?;
    super::notify::orders_placed(&mut tx, state.base_url(), &orders, buyer.map(|u| u.id)).await?;
    tx.commit().await?;
    Ok(orders)
}
