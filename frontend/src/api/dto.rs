//! Plain serde structs shared by the server and the browser; the JSON API returns the same shapes
//! (shared/api/CONTRACT.md). Ids, dates and money travel as strings, as the contract says.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HomeData {
    pub stats: CatalogStats,
    pub featured: Vec<ProductSummary>,
    pub categories: Vec<CategoryCount>,
    /// Live and upcoming streams.
    pub livestreams: Vec<LivestreamDto>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CatalogStats {
    pub products: i64,
    pub producers: i64,
    pub certified_products: i64,
}

/// A top-level product group with how many active products it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryCount {
    pub code: String,
    pub name: String,
    pub products: i64,
}

/// `{items, total, page, per_page}` — every list in the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProducerRef {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GiRef {
    pub slug: String,
    pub name: String,
}

/// The commune-level unit since 2025, and the pre-2025 commune people still use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommuneRef {
    pub code: Option<String>,
    pub name: Option<String>,
    pub old_commune: Option<String>,
    pub old_district: Option<String>,
}

/// Stars shown on cards: only from a certificate in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OcopBadge {
    pub stars: u8,
    pub expires_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductSummary {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub producer: ProducerRef,
    pub category: CategoryRef,
    pub price_vnd: String,
    pub unit: String,
    pub unit_name: String,
    pub in_stock: bool,
    pub image_url: Option<String>,
    pub thumb_url: Option<String>,
    pub ocop: Option<OcopBadge>,
    pub gi: Option<GiRef>,
    pub commune: CommuneRef,
    /// The average of its visible reviews and their number; `null` before the first.
    #[serde(default)]
    pub rating: Option<super::Rating>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImageDto {
    pub id: String,
    pub url: String,
    pub thumb_url: String,
    pub alt: String,
    /// The photo's size in pixels (`url`; the thumbnail is 400 px wide at most, same shape).
    #[serde(default)]
    pub width: u32,
    #[serde(default)]
    pub height: u32,
}

/// The certificate behind a product's stars, with its live status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OcopDetail {
    pub stars: u8,
    pub decision_no: String,
    pub issuer: String,
    pub issuer_level: String,
    pub rule_set: String,
    pub issued_on: String,
    pub expires_on: String,
    pub status: String,
    pub verify_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProducerCard {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub kind: String,
    /// Also inside `commune`; kept at the top level because the contract names it there.
    pub old_commune: Option<String>,
    pub description: String,
    pub verified: bool,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub commune: CommuneRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GiCard {
    pub slug: String,
    pub name: String,
    pub product: String,
    pub certificate_no: Option<String>,
    pub decision: Option<String>,
    pub management_org: Option<String>,
    pub protected_area: String,
    pub specification: String,
    pub communes: Vec<String>,
}

/// A full product page / `GET /api/v1/products/{slug}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductDetail {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub story: String,
    pub category: CategoryRef,
    pub price_vnd: String,
    pub unit: String,
    pub unit_name: String,
    pub stock: String,
    pub in_stock: bool,
    pub status: String,
    pub images: Vec<ImageDto>,
    pub livestreams: Vec<LivestreamDto>,
    pub ocop: Option<OcopDetail>,
    pub gi: Option<GiCard>,
    pub producer: ProducerCard,
    pub commune: CommuneRef,
    pub created_at: String,
    pub updated_at: String,
    /// Whether its producer takes orders online (has sales settings).
    #[serde(default)]
    pub sells_online: bool,
    /// The average of its visible reviews; `null` before the first.
    #[serde(default)]
    pub rating: Option<super::Rating>,
    /// The latest visible reviews (the page shows them; the full list is
    /// `GET /api/v1/products/{slug}/reviews`).
    #[serde(default)]
    pub latest_reviews: Vec<super::Review>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProducerPage {
    pub producer: ProducerCard,
    pub products: Vec<ProductSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GiPage {
    pub gi: GiCard,
    pub products: Vec<ProductSummary>,
}

/// Catalog filters as they arrive from a URL query; the server parses and checks them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct CatalogQuery {
    /// Full-text search over names, descriptions, producers and places.
    pub q: Option<String>,
    /// A category code; a top-level group includes its subcategories.
    #[cfg_attr(
        feature = "ssr",
        param(pattern = r"^ *([a-z0-9]+(-[a-z0-9]+)*)? *$", max_length = 120)
    )]
    pub category: Option<String>,
    /// Only products whose OCOP certificate in force has at least this many stars (1–5).
    #[cfg_attr(feature = "ssr", param(value_type = Option<u8>, minimum = 1, maximum = 5))]
    pub min_stars: Option<String>,
    /// A commune code (the unit in force since 2025).
    #[cfg_attr(
        feature = "ssr",
        param(pattern = r"^ *([0-9]{5})? *$", example = "05503")
    )]
    pub commune: Option<String>,
    /// A geographical indication's slug.
    #[cfg_attr(
        feature = "ssr",
        param(pattern = r"^ *([a-z0-9]+(-[a-z0-9]+)*)? *$", max_length = 120)
    )]
    pub gi: Option<String>,
    /// A producer's slug.
    #[cfg_attr(
        feature = "ssr",
        param(pattern = r"^ *([a-z0-9]+(-[a-z0-9]+)*)? *$", max_length = 120)
    )]
    pub producer: Option<String>,
    /// Lowest price in VND, a decimal string.
    #[cfg_attr(feature = "ssr", param(example = "100000"))]
    pub min_price: Option<String>,
    /// Highest price in VND, a decimal string.
    #[cfg_attr(feature = "ssr", param(example = "500000"))]
    pub max_price: Option<String>,
    /// `true` for products with stock left only.
    #[cfg_attr(feature = "ssr", param(value_type = Option<bool>))]
    pub in_stock: Option<String>,
    /// `relevance` (default), `price_asc`, `price_desc`, `newest`, `stars` (OCOP) or `rating`
    /// (buyers' reviews: highest average first, ties by count).
    #[cfg_attr(
        feature = "ssr",
        param(pattern = "^ *(relevance|price_asc|price_desc|newest|stars|rating)? *$")
    )]
    pub sort: Option<String>,
    /// Page number, from 1; only the first 10,000 results are listed (`page` × `per_page`).
    #[cfg_attr(feature = "ssr", param(value_type = Option<u32>, minimum = 1, maximum = 10000))]
    pub page: Option<String>,
    /// Items per page, at most 100 (default 24).
    #[cfg_attr(feature = "ssr", param(value_type = Option<u32>, minimum = 1, maximum = 100))]
    pub per_page: Option<String>,
}

/// Facet counts over the filtered products: value → count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Facets {
    pub category: BTreeMap<String, i64>,
    pub stars: BTreeMap<String, i64>,
    pub commune: BTreeMap<String, i64>,
    pub gi: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductList {
    pub items: Vec<ProductSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub facets: Facets,
}

/// Names for filter values (categories, communes, GIs), so the catalog can label facets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FacetLabels {
    pub category: BTreeMap<String, String>,
    pub commune: BTreeMap<String, String>,
    pub gi: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CatalogPage {
    pub list: ProductList,
    pub labels: FacetLabels,
    /// Close matches when a search finds nothing (products sharing some of its words).
    #[serde(default)]
    pub close_matches: Vec<ProductSuggestion>,
}

/// A scheduled or running livestream (facebook, youtube, tiktok, shopee, other).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LivestreamDto {
    pub id: String,
    pub title: String,
    pub platform: String,
    pub url: String,
    pub starts_at: String,
    pub ends_at: Option<String>,
    pub status: String,
    pub producer: ProducerRef,
    /// A privacy-friendly player URL for YouTube streams; other platforms open in their own app.
    pub embed_url: Option<String>,
    pub products: Vec<ProductSummary>,
}

/// A product offered while a buyer types in the search box, or when a search finds nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductSuggestion {
    pub slug: String,
    pub name: String,
}
