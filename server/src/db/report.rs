//! The sales report's queries: a producer's orders that count (every one not cancelled) placed
//! in a period, summed by Vietnam-time month, by payment method and by payment state; their
//! lines by product; and the orders one by one for the CSV file.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::order::{OrderStatus, PaymentMethod};

/// Which orders a report reads: one producer's, placed in `[since, until)` (either end open).
#[derive(Debug, Clone, Copy)]
pub struct ReportScope {
    pub producer: Uuid,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// The orders of a scope: `$1` the producer, `$2`/`$3` the period, `$4` the cancelled status.
const SCOPED: &str = "o.producer_id = $1
    and ($2::timestamptz is null or o.created_at >= $2)
    and ($3::timestamptz is null or o.created_at < $3)";

/// One group of counted orders. `dimension` is `total`, `month` (`key` = `2026-12`),
/// `payment_method` or `payment_status`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderGroup {
    pub dimension: String,
    pub key: String,
    pub orders: i64,
    pub units: Decimal,
    pub revenue: Decimal,
    pub goods: Decimal,
    pub delivery_fees: Decimal,
}

/// A product's lines in counted orders: revenue is the lines' totals (goods, no delivery fee).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProductGroup {
    pub product_id: Uuid,
    pub name: String,
    pub unit_name: String,
    pub orders: i64,
    pub units: Decimal,
    pub revenue: Decimal,
}

/// One counted order for the CSV file, its lines as `name × quantity unit`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderLine {
    pub code: String,
    pub created_at: DateTime<Utc>,
    pub status: OrderStatus,
    pub payment_method: PaymentMethod,
    pub payment_status: String,
    pub buyer_name: String,
    pub items: Vec<String>,
    pub units: Decimal,
    pub subtotal_vnd: Decimal,
    pub delivery_fee_vnd: Decimal,
    pub total_vnd: Decimal,
}

/// The counted orders grouped four ways in one pass (months in Vietnam time, `offset_secs`
/// east of UTC).
pub async fn order_groups(
    db: impl PgExecutor<'_>,
    scope: ReportScope,
    offset_secs: i32,
) -> sqlx::Result<Vec<OrderGroup>> {
    let sql = format!(
        "with counted as (
             select o.total_vnd, o.subtotal_vnd, o.delivery_fee_vnd, o.payment_method,
                    o.payment_status,
                    to_char(o.created_at at time zone make_interval(secs => $5), 'YYYY-MM') as month,
                    (select sum(i.quantity) from order_items i where i.order_id = o.id) as units
               from orders o
              where {SCOPED} and o.status <> $4)
         select 'total' as dimension, '' as key, count(*) as orders,
                coalesce(sum(units), 0) as units, coalesce(sum(total_vnd), 0) as revenue,
                coalesce(sum(subtotal_vnd), 0) as goods,
                coalesce(sum(delivery_fee_vnd), 0) as delivery_fees
           from counted
         union all
         select 'month', month, count(*), sum(units), sum(total_vnd), sum(subtotal_vnd),
                sum(delivery_fee_vnd)
           from counted group by month
         union all
         select 'payment_method', payment_method, count(*), sum(units), sum(total_vnd),
                sum(subtotal_vnd), sum(delivery_fee_vnd)
           from counted group by payment_method
         union all
         select 'payment_status', payment_status, count(*), sum(units), sum(total_vnd),
                sum(subtotal_vnd), sum(delivery_fee_vnd)
           from counted group by payment_status
         order by 1, 2"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.producer)
        .bind(scope.since)
        .bind(scope.until)
        .bind(OrderStatus::Cancelled)
        .bind(f64::from(offset_secs))
        .fetch_all(db)
        .await
}

/// Each product's lines in counted orders, best-selling (by revenue) first. The name is the
/// product's current one; the unit is the one it was sold in.
pub async fn product_groups(
    db: impl PgExecutor<'_>,
    scope: ReportScope,
) -> sqlx::Result<Vec<ProductGroup>> {
    let sql = format!(
        "select i.product_id, p.name, min(i.unit_name) as unit_name,
                count(distinct o.id) as orders, sum(i.quantity) as units,
                sum(i.line_total_vnd) as revenue
           from orders o
           join order_items i on i.order_id = o.id
           join products p on p.id = i.product_id
          where {SCOPED} and o.status <> $4
          group by i.product_id, p.name
          order by revenue desc, p.name, i.product_id"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.producer)
        .bind(scope.since)
        .bind(scope.until)
        .bind(OrderStatus::Cancelled)
        .fetch_all(db)
        .await
}

/// How many of the scope's orders were cancelled (left out of every figure).
pub async fn cancelled_count(db: impl PgExecutor<'_>, scope: ReportScope) -> sqlx::Result<i64> {
    let sql = format!("select count(*) from orders o where {SCOPED} and o.status = $4");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(scope.producer)
        .bind(scope.since)
        .bind(scope.until)
        .bind(OrderStatus::Cancelled)
        .fetch_one(db)
        .await
}

/// The counted orders one by one, oldest first.
pub async fn order_lines(
    db: impl PgExecutor<'_>,
    scope: ReportScope,
) -> sqlx::Result<Vec<OrderLine>> {
    let sql = format!(
        "select o.code, o.created_at, o.status, o.payment_method, o.payment_status, o.buyer_name,
                array_agg(i.name || ' × ' || trim_scale(i.quantity)::text || ' ' || i.unit_name
                          order by i.position) as items,
                sum(i.quantity) as units, o.subtotal_vnd, o.delivery_fee_vnd, o.total_vnd
           from orders o
           join order_items i on i.order_id = o.id
          where {SCOPED} and o.status <> $4
          group by o.id
          order by o.created_at, o.code"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.producer)
        .bind(scope.since)
        .bind(scope.until)
        .bind(OrderStatus::Cancelled)
        .fetch_all(db)
        .await
}
