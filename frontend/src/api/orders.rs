//! Buying, as it crosses the wire: the cart, producers' sales settings and orders
//! (shared/api/CONTRACT.md, "Buying"). Money and quantities are decimal strings.

use serde::{Deserialize, Serialize};

use super::{ProducerRef, ProductSummary};

/// The browser session's cart, grouped by producer (each group becomes one order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Cart {
    pub groups: Vec<CartGroup>,
    /// Goods only: the delivery fee depends on the option chosen at checkout.
    pub total_vnd: String,
    /// How many lines the cart holds (the header's badge).
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CartGroup {
    pub producer: ProducerRef,
    pub items: Vec<CartItem>,
    pub subtotal_vnd: String,
    /// Empty when the producer takes no orders yet (no sales settings).
    pub delivery_options: Vec<DeliveryOption>,
    /// Payment methods the producer accepts: `cod`, `bank_transfer`.
    pub payments: Vec<String>,
    pub min_order_vnd: Option<String>,
    /// Why this group cannot be ordered as it is (Vietnamese), if so.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CartItem {
    pub product: ProductSummary,
    pub quantity: String,
    pub unit_price_vnd: String,
    pub line_total_vnd: String,
    /// Stock left now.
    pub available: String,
    /// Whether the unit may be bought in fractions (kg, lít).
    pub fractional: bool,
}

/// A way to get the goods and what it costs for this cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryOption {
    /// `pickup` or `ship`.
    pub method: String,
    pub fee_vnd: String,
    /// Where to pick up.
    pub address: Option<String>,
    /// Shipping is free from this subtotal.
    pub free_from_vnd: Option<String>,
}

/// How a producer sells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SalesSettings {
    pub delivery: DeliverySettings,
    pub payments: PaymentSettings,
    pub min_order_vnd: Option<String>,
    /// Owners and members see the account; buyers see it on their order's payment details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_account: Option<BankAccountDto>,
    /// False until the owner saves settings: nothing can be ordered before.
    #[serde(default)]
    pub configured: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    pub pickup: bool,
    pub pickup_address: Option<String>,
    pub ship: bool,
    pub ship_fee_vnd: Option<String>,
    pub free_from_vnd: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PaymentSettings {
    pub cod: bool,
    pub bank_transfer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BankAccountDto {
    pub bank_bin: String,
    pub account_no: String,
    pub account_name: String,
    /// The bank's short name (`Agribank`), for people.
    #[serde(default)]
    pub bank_name: String,
}

/// One order: one producer's part of a checkout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: String,
    pub code: String,
    /// `pending`, `confirmed`, `shipping`, `delivered` or `cancelled`.
    pub status: String,
    pub producer: ProducerRef,
    pub items: Vec<OrderItem>,
    pub subtotal_vnd: String,
    pub delivery_fee_vnd: String,
    pub total_vnd: String,
    pub delivery: OrderDelivery,
    pub payment: OrderPayment,
    pub history: Vec<OrderEvent>,
    pub tracking: Option<String>,
    pub created_at: String,
    /// Opens the order without signing in (`?token=`); only in answers to its buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// The producer's phone, so the buyer can call.
    pub producer_phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderItem {
    pub product_id: String,
    pub name: String,
    pub unit: String,
    pub unit_name: String,
    pub quantity: String,
    pub unit_price_vnd: String,
    pub line_total_vnd: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderDelivery {
    /// `pickup` or `ship`.
    pub method: String,
    pub name: String,
    /// Ten digits, `0912345678`.
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub province_code: Option<String>,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    pub pickup_address: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderPayment {
    /// `cod` or `bank_transfer`.
    pub method: String,
    /// `unpaid` or `paid`.
    pub status: String,
    pub vietqr: Option<VietQr>,
}

/// What a banking app needs for the transfer, as a QR payload and as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VietQr {
    pub payload: String,
    pub bank_bin: String,
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
    pub amount_vnd: String,
    /// The transfer note: the order code.
    pub purpose: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderEvent {
    /// An order status, or `paid`.
    pub status: String,
    pub at: String,
    pub reason: Option<String>,
    pub tracking: Option<String>,
}

/// `{orders: [...]}`: what a checkout answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlacedOrders {
    pub orders: Vec<Order>,
}

/// One item that could not be reserved: what was asked and what is left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Shortage {
    pub product_id: String,
    pub name: String,
    pub requested: String,
    pub available: String,
}

/// A checkout as the buyer sends it (`POST /api/v1/orders`, and the checkout form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    /// What to order; omitted: the whole cart.
    #[serde(default)]
    pub items: Option<Vec<CheckoutItem>>,
    pub delivery: CheckoutDelivery,
    /// `cod` or `bank_transfer`: for every producer unless `per_producer` says otherwise.
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(required = true, pattern = "^(cod|bank_transfer)$")
    )]
    pub payment: String,
    /// Choices per producer (by slug), over `delivery.method` and `payment`.
    #[serde(default)]
    pub per_producer: std::collections::BTreeMap<String, ProducerChoice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckoutItem {
    pub product_id: String,
    /// A decimal string (`"2"`, `"0.5"` where the unit allows fractions); numbers are accepted.
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub quantity: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckoutDelivery {
    /// `pickup` or `ship`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true, pattern = "^(pickup|ship)$"))]
    pub method: String,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true, min_length = 1))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(required = true, min_length = 1, example = "0912345678")
    )]
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
    /// `19` (Thái Nguyên, the default) or another province's code: the commune is then free text in `address`.
    pub province_code: Option<String>,
    /// A Thái Nguyên commune (the 2025 list) by its code.
    pub commune_code: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProducerChoice {
    /// `pickup` or `ship`.
    pub delivery: Option<String>,
    /// `cod` or `bank_transfer`.
    pub payment: Option<String>,
}

/// A status change (`POST /api/v1/orders/{code}/status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// `confirmed`, `shipping`, `delivered` or `cancelled`.
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(
            required = true,
            pattern = "^(pending|confirmed|shipping|delivered|cancelled)$"
        )
    )]
    pub status: String,
    /// Why it was cancelled (required when a seller cancels).
    pub reason: Option<String>,
    /// The carrier's tracking note, when shipping.
    pub tracking: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        _ => Err(serde::de::Error::custom(
            "quantity must be a decimal string",
        )),
    }
}
