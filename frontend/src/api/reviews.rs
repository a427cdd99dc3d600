//! Buyers' reviews as they cross the wire: a product's rating and reviews (`GET
//! /api/v1/products/{slug}/reviews`, the product page), a buyer's review of an order line, the
//! producer's reply and a curator's hiding.

use serde::{Deserialize, Serialize};

/// A product's average over its visible reviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rating {
    /// One decimal, `"4.5"`.
    pub average: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewReplyDto {
    pub text: String,
    pub at: String,
}

/// One review as anyone sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Review {
    pub id: String,
    pub product_id: String,
    pub rating: u8,
    pub text: Option<String>,
    pub author_name: String,
    pub created_at: String,
    pub updated_at: String,
    /// The producer's answer, once.
    pub reply: Option<ReviewReplyDto>,
}

/// `POST /api/v1/orders/{code}/reviews` (and `PUT …/reviews/{product_id}` to edit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true, format = Uuid))]
    pub product_id: String,
    /// 1 to 5.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true, minimum = 1, maximum = 5))]
    pub rating: u8,
    pub text: Option<String>,
}

/// The producer's reply, or a curator's reason for hiding a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewText {
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(required = true, min_length = 1, max_length = 500)
    )]
    pub text: String,
}

/// A line of a delivered order as its buyer may review it (the order page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSlot {
    pub product_id: String,
    pub name: String,
    pub review: Option<Review>,
    /// Still open: no review yet, or written less than 30 days ago.
    pub editable: bool,
}

/// What the signed-in viewer may do to a product's reviews on its page (plain form posts), and
/// how their last such post went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReviewTools {
    /// A curator: each review has a form to hide it, with a reason.
    pub can_hide: bool,
    /// A member of the product's producer: each review not yet answered has a reply form.
    pub can_reply: bool,
    /// The last reply or hiding posted: a confirmation, or why it was refused.
    pub flash: Option<ReviewFlash>,
}

/// The outcome of a reply or hiding form, for the review it was about (read once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReviewFlash {
    pub review_id: String,
    pub form: super::FormState,
}
