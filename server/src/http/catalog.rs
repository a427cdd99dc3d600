//! The catalog's read API: products, producers and geographical indications, for everyone.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use frontend::api::{CatalogQuery, GiCard, GiPage, Page, ProducerPage, ProductDetail, ProductList};

use super::error::ApiError;
use super::extract::AppJson;
use super::schemas::{ErrorBody, JsonBody, KnownProducer, SignedIn};
use crate::app;
use crate::app::gis::GiInput;
use crate::auth::Requester;
use crate::db;
use crate::db::product_page::ProductKey;
use crate::domain::listing::ProductFilter;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/products", get(list_products))
        .route("/v1/producers/{slug}", get(get_producer))
        .route("/v1/gis", get(list_gis).post(create_gi))
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
    Ok(AppJson(app::catalog::products(&state, &filter).await?))
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
    let product =
        db::product_page::product_detail(&state.db, ProductKey::VisibleSlug(&slug), &state.view())
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
        KnownProducer,
    ),
)]
async fn get_producer(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<AppJson<ProducerPage>, ApiError> {
    let page = db::catalog::producer_page(&state.db, &slug, &state.view())
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
    let page = db::catalog::gi_page(&state.db, &slug, &state.view())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(AppJson(page))
}

/// A geographical indication as a curator records it.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GiBody {
    #[serde(default)]
    #[schema(required = true)]
    name: String,
    #[serde(default)]
    #[schema(required = true)]
    product: String,
    certificate_no: Option<String>,
    decision: Option<String>,
    management_org: Option<String>,
    #[serde(default)]
    protected_area: String,
    #[serde(default)]
    specification: String,
    /// Pre-2025 commune names making up the protected area (GI claims are checked against them).
    #[serde(default)]
    communes: Vec<String>,
}

impl From<GiBody> for GiInput {
    fn from(body: GiBody) -> Self {
        GiInput {
            name: body.name,
            product: body.product,
            certificate_no: body.certificate_no,
            decision: body.decision,
            management_org: body.management_org,
            protected_area: body.protected_area,
            specification: body.specification,
            communes: body.communes,
        }
    }
}

/// Curators record a geographical indication and its protected communes.
#[utoipa::path(
    post,
    path = "/api/v1/gis",
    tag = "catalog",
    security(("session" = [])),
    request_body = GiBody,
    responses(
        (status = 201, description = "Recorded", body = GiCard),
        JsonBody,
        SignedIn,
        (status = 403, description = "Not a curator, or a cross-site request", body = ErrorBody),
        (status = 409, description = "A GI with this name and product, or this certificate number, exists (`gi_exists`)", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
pub(crate) async fn create_gi(
    State(state): State<AppState>,
    requester: Requester,
    AppJson(body): AppJson<GiBody>,
) -> Result<(StatusCode, AppJson<GiCard>), ApiError> {
    let card = app::gis::create(&state, requester.user.as_ref(), body.into()).await?;
    Ok((StatusCode::CREATED, AppJson(card)))
}
