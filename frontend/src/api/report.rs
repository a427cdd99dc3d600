//! A producer's sales report as it crosses the wire (`GET /api/v1/producers/{slug}/report`, the
//! `/quan-ly/{slug}/bao-cao` page). Orders count unless cancelled; months are Vietnam time.

use serde::{Deserialize, Serialize};

use super::ProducerRef;

/// One line of the report: a month, a product, a payment method or a payment state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportRow {
    /// `2026-12` (a month), a product's id, `cod`/`bank_transfer`, or `paid`/`unpaid`.
    pub key: String,
    /// For people: `12/2026`, the product's name (and unit), the method or state in Vietnamese.
    pub label: String,
    pub orders: i64,
    /// Quantities ordered, summed (a product's in its own unit; other rows across units).
    pub units: String,
    /// Order totals (goods and delivery); a product's row: its lines' totals (goods only).
    pub revenue_vnd: String,
}

/// What a producer sold: every order that is not cancelled, whatever its payment state, placed
/// in the months asked for (all of them when none are given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SalesReport {
    pub producer: ProducerRef,
    /// The first month counted (`2026-10`), when one was asked for.
    #[serde(default)]
    pub from: Option<String>,
    /// The last month counted (inclusive), when one was asked for.
    #[serde(default)]
    pub to: Option<String>,
    pub orders: i64,
    pub units: String,
    /// The counted orders' totals, delivery fees included: `goods_vnd + delivery_fee_vnd`.
    pub revenue_vnd: String,
    /// The goods alone (what the product rows add up to).
    #[serde(default)]
    pub goods_vnd: String,
    /// The delivery fees charged.
    #[serde(default)]
    pub delivery_fee_vnd: String,
    /// Cancelled orders in the same months: left out of every figure.
    pub cancelled_orders: i64,
    /// Oldest month first (Vietnam time, UTC+7); months between with no order count as zero.
    pub by_month: Vec<ReportRow>,
    /// Best-selling (by revenue) first.
    pub by_product: Vec<ReportRow>,
    /// `cod`, then `bank_transfer` (both always present).
    pub by_payment_method: Vec<ReportRow>,
    /// `paid`, then `unpaid` (both always present).
    pub by_payment_status: Vec<ReportRow>,
}

/// `/quan-ly/{slug}/bao-cao`: the report, and why a typed month was refused (the report then
/// covers every month, and the reason shows beside the month's box).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesReportPage {
    pub report: SalesReport,
    #[serde(default)]
    pub errors: std::collections::BTreeMap<String, String>,
}
