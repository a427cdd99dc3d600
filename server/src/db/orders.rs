//! Orders: checkouts with their idempotency keys, the stock they take and give back, orders with
//! their lines and status timeline, and the reads that assemble an [`Order`] for every surface.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use frontend::api::{
    Order, OrderDelivery, OrderEvent, OrderItem, OrderPayment, ProducerRef, VietQr,
};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::domain::catalog::ProductStatus;
use crate::domain::order::{BankAccount, OrderStatus, Phone, vietqr_payload};

/// A product row locked for the checkout that reserves it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LockedProduct {
    pub id: Uuid,
    pub producer_id: Uuid,
    pub producer_slug: String,
    pub producer_name: String,
    pub name: String,
    pub unit: String,
    pub unit_name: String,
    pub allows_fraction: bool,
    pub price_vnd: Decimal,
    pub stock: Decimal,
    pub status: ProductStatus,
}

/// Locks the products in id order — every checkout and cancellation locks in this order, so two
/// of them never wait on each other in a cycle.
pub async fn lock_products(
    db: &mut PgConnection,
    ids: &[Uuid],
) -> sqlx::Result<Vec<LockedProduct>> {
    sqlx::query_as(
        "select p.id, p.producer_id, pr.slug as producer_slug, pr.name as producer_name,
                p.name, p.unit, u.name_vi as unit_name, u.allows_fraction, p.price_vnd, p.stock,
                p.status
           from products p
           join producers pr on pr.id = p.producer_id
           join units u on u.code = p.unit
          where p.id = any($1)
          order by p.id
            for update of p",
    )
    .bind(ids)
    .fetch_all(db)
    .await
}

/// Takes the quantities from stock (the caller checked there is enough under the lock).
pub async fn take_stock(
    db: &mut PgConnection,
    ids: &[Uuid],
    quantities: &[Decimal],
) -> sqlx::Result<()> {
    sqlx::query(
        "update products p set stock = p.stock - t.quantity
           from unnest($1::uuid[], $2::numeric[]) as t(id, quantity)
          where p.id = t.id",
    )
    .bind(ids)
    .bind(quantities)
    .execute(db)
    .await?;
    Ok(())
}

/// Puts a cancelled order's quantities back, locking its products in id order.
pub async fn return_stock(db: &mut PgConnection, order_id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "with locked as (
             select p.id from products p
              where p.id in (select product_id from order_items where order_id = $1)
              order by p.id for update
         )
         update products p set stock = p.stock + i.quantity
           from order_items i
          where i.order_id = $1 and p.id = i.product_id and p.id in (select id from locked)",
    )
    .bind(order_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Records a checkout under its idempotency key. `None`: the key was used before (a concurrent
/// first use is waited for: the insert blocks until that transaction ends).
pub async fn insert_checkout(
    db: &mut PgConnection,
    scope: &str,
    key: &str,
    request_hash: &str,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(
        "insert into checkouts (idempotency_scope, idempotency_key, request_hash)
         values ($1, $2, $3)
         on conflict (idempotency_scope, idempotency_key) do nothing
         returning id",
    )
    .bind(scope)
    .bind(key)
    .bind(request_hash)
    .fetch_optional(db)
    .await
}

/// The earlier checkout under this key: its id and the hash of the request that made it.
pub async fn find_checkout(
    db: impl PgExecutor<'_>,
    scope: &str,
    key: &str,
) -> sqlx::Result<Option<(Uuid, String)>> {
    sqlx::query_as(
        "select id, request_hash from checkouts
          where idempotency_scope = $1 and idempotency_key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_optional(db)
    .await
}

/// An order as placed, prices and delivery details already checked.
pub struct NewOrder<'a> {
    pub code: &'a str,
    pub checkout_id: Uuid,
    pub producer_id: Uuid,
    pub buyer_id: Option<Uuid>,
    pub access_token: &'a str,
    pub buyer_name: &'a str,
    pub phone: &'a Phone,
    pub email: Option<&'a str>,
    pub delivery_method: &'a str,
    pub address: Option<&'a str>,
    pub province_code: Option<&'a str>,
    pub commune_code: Option<&'a str>,
    pub pickup_address: Option<&'a str>,
    pub note: Option<&'a str>,
    pub payment_method: &'a str,
    pub bank: Option<&'a BankAccount>,
    pub subtotal: Decimal,
    pub delivery_fee: Decimal,
    pub at: DateTime<Utc>,
}

/// Inserts the order unless its code is taken (`None`: draw another code).
pub async fn insert_order(db: &mut PgConnection, o: &NewOrder<'_>) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(
        "insert into orders (code, checkout_id, producer_id, buyer_id, access_token, buyer_name,
                             phone, email, delivery_method, address, province_code, commune_code,
                             pickup_address, note, payment_method, bank_bin, account_no,
                             account_name, subtotal_vnd, delivery_fee_vnd, total_vnd, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20, $19 + $20, $21)
         on conflict (code) do nothing
         returning id",
    )
    .bind(o.code)
    .bind(o.checkout_id)
    .bind(o.producer_id)
    .bind(o.buyer_id)
    .bind(o.access_token)
    .bind(o.buyer_name)
    .bind(o.phone.as_str())
    .bind(o.email)
    .bind(o.delivery_method)
    .bind(o.address)
    .bind(o.province_code)
    .bind(o.commune_code)
    .bind(o.pickup_address)
    .bind(o.note)
    .bind(o.payment_method)
    .bind(o.bank.map(|b| b.bank_bin.as_str()))
    .bind(o.bank.map(|b| b.account_no.as_str()))
    .bind(o.bank.map(|b| b.account_name.as_str()))
    .bind(o.subtotal)
    .bind(o.delivery_fee)
    .bind(o.at)
    .fetch_optional(db)
    .await
}

/// One line of an order: the locked product, how much, and what it costs in all.
pub struct OrderLine<'a> {
    pub product: &'a LockedProduct,
    pub quantity: Decimal,
    pub line_total: Decimal,
}

/// Copies the lines with their current names, units and prices.
pub async fn insert_items(
    db: &mut PgConnection,
    order_id: Uuid,
    lines: &[OrderLine<'_>],
) -> sqlx::Result<()> {
    let ids: Vec<Uuid> = lines.iter().map(|l| l.product.id).collect();
    let names: Vec<&str> = lines.iter().map(|l| l.product.name.as_str()).collect();
    let units: Vec<&str> = lines.iter().map(|l| l.product.unit.as_str()).collect();
    let unit_names: Vec<&str> = lines.iter().map(|l| l.product.unit_name.as_str()).collect();
    let quantities: Vec<Decimal> = lines.iter().map(|l| l.quantity).collect();
    let prices: Vec<Decimal> = lines.iter().map(|l| l.product.price_vnd).collect();
    let totals: Vec<Decimal> = lines.iter().map(|l| l.line_total).collect();
    sqlx::query(
        "insert into order_items (order_id, product_id, position, name, unit, unit_name, quantity,
                                  unit_price_vnd, line_total_vnd)
         select $1, t.id, t.ord, t.name, t.unit, t.unit_name, t.quantity, t.price, t.total
           from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::numeric[],
                       $7::numeric[], $8::numeric[])
                with ordinality as t(id, name, unit, unit_name, quantity, price, total, ord)",
    )
    .bind(order_id)
    .bind(&ids)
    .bind(&names)
    .bind(&units)
    .bind(&unit_names)
    .bind(&quantities)
    .bind(&prices)
    .bind(&totals)
    .execute(db)
    .await?;
    Ok(())
}

/// Adds a step to the order's timeline.
pub async fn insert_event(
    db: impl PgExecutor<'_>,
    order_id: Uuid,
    status: &str,
    at: DateTime<Utc>,
    reason: Option<&str>,
    tracking: Option<&str>,
    actor: Option<Uuid>,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into order_events (order_id, status, at, reason, tracking, actor_id)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(order_id)
    .bind(status)
    .bind(at)
    .bind(reason)
    .bind(tracking)
    .bind(actor)
    .execute(db)
    .await?;
    Ok(())
}

/// The order row as access checks and status changes read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderHead {
    pub id: Uuid,
    pub code: String,
    pub producer_id: Uuid,
    pub buyer_id: Option<Uuid>,
    pub access_token: String,
    pub status: OrderStatus,
    pub payment_status: String,
}

/// The order with this code, locked for a change when `lock` is set.
pub async fn head_by_code(
    db: &mut PgConnection,
    code: &str,
    lock: bool,
) -> sqlx::Result<Option<OrderHead>> {
    let sql = if lock {
        "select id, code, producer_id, buyer_id, access_token, status, payment_status
           from orders where code = $1 for update"
    } else {
        "select id, code, producer_id, buyer_id, access_token, status, payment_status
           from orders where code = $1"
    };
    sqlx::query_as(sql).bind(code).fetch_optional(db).await
}

pub async fn set_status(
    db: &mut PgConnection,
    order_id: Uuid,
    status: OrderStatus,
    tracking: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("update orders set status = $2, tracking = coalesce($3, tracking) where id = $1")
        .bind(order_id)
        .bind(status.as_str())
        .bind(tracking)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_paid(
    db: &mut PgConnection,
    order_id: Uuid,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("update orders set payment_status = 'paid', paid_at = $2 where id = $1")
        .bind(order_id)
        .bind(at)
        .execute(db)
        .await?;
    Ok(())
}

/// The producer an order was placed with.
pub async fn producer_of(db: impl PgExecutor<'_>, order_id: Uuid) -> sqlx::Result<Uuid> {
    sqlx::query_scalar("select producer_id from orders where id = $1")
        .bind(order_id)
        .fetch_one(db)
        .await
}

/// The ids of a checkout's orders, in the order they were placed.
pub async fn ids_of_checkout(db: impl PgExecutor<'_>, checkout: Uuid) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar("select id from orders where checkout_id = $1 order by created_at, code")
        .bind(checkout)
        .fetch_all(db)
        .await
}

/// A signed-in buyer's orders, newest first.
pub async fn ids_of_buyer(
    db: impl PgExecutor<'_>,
    buyer: Uuid,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<Uuid>, i64)> {
    let rows: Vec<(Uuid, i64)> = sqlx::query_as(
        "select id, count(*) over () from orders where buyer_id = $1
          order by created_at desc, code limit $2 offset $3",
    )
    .bind(buyer)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(0, |r| r.1);
    Ok((rows.into_iter().map(|r| r.0).collect(), total))
}

/// A producer's orders, newest first, optionally in one status.
pub async fn ids_of_producer(
    db: impl PgExecutor<'_>,
    producer: Uuid,
    status: Option<OrderStatus>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<Uuid>, i64)> {
    let rows: Vec<(Uuid, i64)> = sqlx::query_as(
        "select id, count(*) over () from orders
          where producer_id = $1 and ($2::text is null or status = $2)
          order by created_at desc, code limit $3 offset $4",
    )
    .bind(producer)
    .bind(status.map(OrderStatus::as_str))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(0, |r| r.1);
    Ok((rows.into_iter().map(|r| r.0).collect(), total))
}

/// How many of a producer's orders are in each status (the inbox's tabs).
pub async fn status_counts(
    db: impl PgExecutor<'_>,
    producer: Uuid,
) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "select status, count(*) from orders where producer_id = $1 group by status order by status",
    )
    .bind(producer)
    .fetch_all(db)
    .await
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: Uuid,
    code: String,
    status: String,
    producer_slug: String,
    producer_name: String,
    producer_phone: Option<String>,
    buyer_name: String,
    phone: String,
    email: Option<String>,
    delivery_method: String,
    address: Option<String>,
    province_code: Option<String>,
    commune_code: Option<String>,
    commune_name: Option<String>,
    pickup_address: Option<String>,
    note: Option<String>,
    payment_method: String,
    payment_status: String,
    bank_bin: Option<String>,
    bank_name: Option<String>,
    account_no: Option<String>,
    account_name: Option<String>,
    subtotal_vnd: Decimal,
    delivery_fee_vnd: Decimal,
    total_vnd: Decimal,
    tracking: Option<String>,
    created_at: DateTime<Utc>,
    access_token: String,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    order_id: Uuid,
    product_id: Uuid,
    name: String,
    unit: String,
    unit_name: String,
    quantity: Decimal,
    unit_price_vnd: Decimal,
    line_total_vnd: Decimal,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    order_id: Uuid,
    status: String,
    at: DateTime<Utc>,
    reason: Option<String>,
    tracking: Option<String>,
}

/// Whole orders for these ids, in the same order; `with_token` adds each one's access token
/// (only for answers to the buyer who placed them).
pub async fn load(
    db: &mut PgConnection,
    ids: &[Uuid],
    with_token: bool,
) -> sqlx::Result<Vec<Order>> {
    let rows: Vec<OrderRow> = sqlx::query_as(
        "select o.id, o.code, o.status, pr.slug as producer_slug, pr.name as producer_name,
                pr.phone as producer_phone, o.buyer_name, o.phone, o.email::text as email,
                o.delivery_method, o.address, o.province_code, o.commune_code,
                case when c.code is null then null
                     else case c.kind when 'xa' then 'Xã ' else 'Phường ' end || c.name
                end as commune_name,
                o.pickup_address, o.note, o.payment_method, o.payment_status, o.bank_bin,
                b.short_name as bank_name, o.account_no, o.account_name, o.subtotal_vnd,
                o.delivery_fee_vnd, o.total_vnd, o.tracking, o.created_at, o.access_token
           from orders o
           join producers pr on pr.id = o.producer_id
           left join communes c on c.code = o.commune_code
           left join banks b on b.bin = o.bank_bin
          where o.id = any($1)",
    )
    .bind(ids)
    .fetch_all(&mut *db)
    .await?;
    let items: Vec<ItemRow> = sqlx::query_as(
        "select order_id, product_id, name, unit, unit_name, quantity, unit_price_vnd,
                line_total_vnd
           from order_items where order_id = any($1) order by order_id, position",
    )
    .bind(ids)
    .fetch_all(&mut *db)
    .await?;
    let events: Vec<EventRow> = sqlx::query_as(
        "select order_id, status, at, reason, tracking from order_events
          where order_id = any($1) order by order_id, id",
    )
    .bind(ids)
    .fetch_all(&mut *db)
    .await?;

    let mut items_of: HashMap<Uuid, Vec<OrderItem>> = HashMap::new();
    for i in items {
        items_of.entry(i.order_id).or_default().push(OrderItem {
            product_id: i.product_id.to_string(),
            name: i.name,
            unit: i.unit,
            unit_name: i.unit_name,
            quantity: i.quantity.normalize().to_string(),
            unit_price_vnd: i.unit_price_vnd.to_string(),
            line_total_vnd: i.line_total_vnd.to_string(),
        });
    }
    let mut events_of: HashMap<Uuid, Vec<OrderEvent>> = HashMap::new();
    for e in events {
        events_of.entry(e.order_id).or_default().push(OrderEvent {
            status: e.status,
            at: e.at.to_rfc3339(),
            reason: e.reason,
            tracking: e.tracking,
        });
    }
    let mut by_id: HashMap<Uuid, Order> = rows
        .into_iter()
        .map(|r| {
            let vietqr = match (&r.bank_bin, &r.account_no, &r.account_name) {
                (Some(bin), Some(no), Some(name)) if r.payment_method == "bank_transfer" => {
                    let account = BankAccount {
                        bank_bin: bin.clone(),
                        account_no: no.clone(),
                        account_name: name.clone(),
                    };
                    Some(VietQr {
                        payload: vietqr_payload(&account, r.total_vnd, &r.code),
                        bank_bin: bin.clone(),
                        bank_name: r.bank_name.clone().unwrap_or_default(),
                        account_no: no.clone(),
                        account_name: name.clone(),
                        amount_vnd: r.total_vnd.to_string(),
                        purpose: r.code.clone(),
                    })
                }
                _ => None,
            };
            let order = Order {
                id: r.id.to_string(),
                code: r.code,
                status: r.status,
                producer: ProducerRef {
                    slug: r.producer_slug,
                    name: r.producer_name,
                },
                items: items_of.remove(&r.id).unwrap_or_default(),
                subtotal_vnd: r.subtotal_vnd.to_string(),
                delivery_fee_vnd: r.delivery_fee_vnd.to_string(),
                total_vnd: r.total_vnd.to_string(),
                delivery: OrderDelivery {
                    method: r.delivery_method,
                    name: r.buyer_name,
                    phone: r.phone,
                    email: r.email,
                    address: r.address,
                    province_code: r.province_code,
                    commune_code: r.commune_code,
                    commune_name: r.commune_name,
                    pickup_address: r.pickup_address,
                    note: r.note,
                },
                payment: OrderPayment {
                    method: r.payment_method,
                    status: r.payment_status,
                    vietqr,
                },
                history: events_of.remove(&r.id).unwrap_or_default(),
                tracking: r.tracking,
                created_at: r.created_at.to_rfc3339(),
                access_token: with_token.then_some(r.access_token),
                producer_phone: r.producer_phone,
            };
            (r.id, order)
        })
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}
