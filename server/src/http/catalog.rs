//! The catalog's read API: products, producers and geographical indications, for everyone.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use frontend::api::{CatalogQuery, GiCard, GiPage, Page, ProducerPage, ProductDetail, ProductList};

use super::error::ApiError;
use super::extract::AppJson;
use super::openapi::ErrorBody;
use crate::db;
use crate::db::catalog::ProductKey;
use crate::domain::listing::ProductFilter;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/products", get(list_products))
        .route("/v1/producers/{slug}", get(get_producer))
        .route("/v1/gis", get(list_gis))
        .route("/v1/gis/{slug}", get(get_gi))
}

fn parse_filter(
    query: Result<Query<CatalogQuery>, QueryRejection>,
) -> Result<ProductFilter, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    ProductFilter::parse(&query).map_err(|errors| ApiError::Validation(errors.0))
}

/// Lists visible products with filters, sorting, paging and facet counts.
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "catalog",
    params(CatalogQuery),
    responses(
        (status = 200, description = "A page of product summaries with facet counts", body = ProductList),
        (status = 400, description = "Malformed query string", body = ErrorBody),
        (status = 422, description = "A filter value is invalid (`fields` names it)", body = ErrorBody),
    ),
)]
async fn list_products(
    State(state): State<AppState>,
    query: Result<Query<CatalogQuery>, QueryRejection>,
) -> Result<AppJson<ProductList>, ApiError> {
    let filter = parse_filter(query)?;
    let list =
        db::catalog::list_products(&state.db, &filter, state.today(), state.media_base()).await?;
    Ok(AppJson(list))
}

/// One active product with photos, producer, GI and its certificate in force.
/// (Routed in `workspace`, which owns the other methods on the same path.)
#[utoipa::path(
    get,
    path = "/api/v1/products/{product}",
    tag = "catalog",
    summary = "One active product with photos, producer, GI and its certificate in force",
    description = "Here the path's key is the product's slug; PATCH and DELETE on the same path take its id.",
    params(("product" = String, Path, description = "The product's slug")),
    responses(
        (status = 200, description = "The product", body = ProductDetail),
        (status = 404, description = "No visible product has this slug (drafts and archived ones included)", body = ErrorBody),
    ),
)]
pub async fn get_product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<AppJson<ProductDetail>, ApiError> {
    let product = db::catalog::product_detail(
        &state.db,
        ProductKey::VisibleSlug(&slug),
        state.clock.now(),
        state.today(),
        state.media_base(),
        state.base_url(),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(AppJson(product))
}

/// A producer and its visible products.
#[utoipa::path(
    get,
    path = "/api/v1/producers/{slug}",
    tag = "catalog",
    params(("slug" = String, Path, description = "The producer's slug")),
    responses(
        (status = 200, description = "The producer and its visible products", body = ProducerPage),
        (status = 404, description = "No producer has this slug", body = ErrorBody),
    ),
)]
async fn get_producer(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<AppJson<ProducerPage>, ApiError> {
    let page = db::catalog::producer_page(&state.db, &slug, state.today(), state.media_base())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(AppJson(page))
}

/// Every geographical indication (few enough to fit on one page).
#[utoipa::path(
    get,
    path = "/api/v1/gis",
    tag = "catalog",
    responses(
        (status = 200, description = "Every geographical indication, on one page", body = Page<GiCard>),
    ),
)]
async fn list_gis(State(state): State<AppState>) -> Result<AppJson<Page<GiCard>>, ApiError> {
    let items = db::catalog::list_gis(&state.db).await?;
    let total = items.len() as i64;
    Ok(AppJson(Page {
        per_page: items.len().max(1) as u32,
        items,
        total,
        page: 1,
    }))
}

/// A GI with its protected area and the products that carry it.
#[utoipa::path(
    get,
    path = "/api/v1/gis/{slug}",
    tag = "catalog",
    params(("slug" = String, Path, description = "The GI's slug")),
    responses(
        (status = 200, description = "The GI and the products that carry it", body = GiPage),
        (status = 404, description = "No GI has this slug", body = ErrorBody),
    ),
)]
async fn get_gi(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<AppJson<GiPage>, ApiError> {
    let page = db::catalog::gi_page(&state.db, &slug, state.today(), state.media_base())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(AppJson(page))
}
