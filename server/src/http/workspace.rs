//! Producer-side writes: producers, members, products and photos. Each handler states its access
//! rule first, writes in one transaction, and records the change in the audit log.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use bytes::Bytes;
use frontend::api::ProductDetail;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::error::ApiError;
use super::extract::{AppJson, AppPath};
use super::openapi::{ErrorBody, ImageUpload, ImageUploaded, MemberAdded, ProducerEnvelope};
use crate::auth::{MemberRole, Requester, Rule};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::catalog::ProductKey;
use crate::db::producers::{NewProducer, ProducerContact};
use crate::db::products::{NewImage, NewProduct};
use crate::domain::FieldErrors;
use crate::domain::account::Email;
use crate::domain::catalog::{DisplayName, PriceVnd, ProducerKind, ProductStatus, Quantity};
use crate::domain::slug::Slug;
use crate::media::{self, MAX_UPLOAD_BYTES, ObjectKey};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/producers", post(create_producer))
        .route("/v1/producers/{slug}", patch(update_producer))
        .route("/v1/producers/{slug}/members", post(add_member))
        .route("/v1/producers/{slug}/products", post(create_product))
        // One path, two keys: buyers read by slug, members change by id (the contract's shape).
        .route(
            "/v1/products/{product}",
            get(super::catalog::get_product)
                .patch(update_product)
                .delete(archive_product),
        )
        .route(
            "/v1/products/{product}/images",
            // Room for the multipart framing around a maximal photo; larger bodies get 413.
            post(upload_image).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/v1/products/{product}/images/order", post(reorder_images))
        .route(
            "/v1/products/{product}/images/{image}",
            delete(delete_image),
        )
}

/// Text fields sent as JSON strings; money and quantities may also come as JSON numbers.
fn text(value: &Option<Value>) -> Option<String> {
    match value {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

fn optional_text(raw: Option<String>) -> Option<String> {
    raw.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The producer with this slug, or 404.
pub(crate) async fn producer_id(state: &AppState, slug: &str) -> Result<Uuid, ApiError> {
    db::catalog::producer_id_by_slug(&state.db, slug)
        .await?
        .ok_or(ApiError::NotFound)
}

/// A slug for `name` not yet used, adding -2, -3… as needed.
/// A name that yields no slug gets a placeholder: the full field check that follows reports the
/// bad name together with every other field error, and nothing is written with it.
async fn free_slug<F, Fut>(name: &str, taken: F) -> Result<Slug, ApiError>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = sqlx::Result<bool>>,
{
    let Ok(base) = Slug::from_name(name) else {
        return Ok(Slug::parse("unnamed").expect("a canonical slug"));
    };
    let mut candidate = base.clone();
    for n in 2..1000 {
        if !taken(candidate.as_str().to_owned()).await? {
            return Ok(candidate);
        }
        candidate = base.with_suffix(n);
    }
    Err(ApiError::Conflict {
        code: "slug_taken",
        message: "không tạo được đường dẫn cho tên này".into(),
    })
}

/// A producer's profile. Creating needs `name` and `kind`; a PATCH sends only what changes.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub(crate) struct ProducerBody {
    #[schema(example = "HTX Chè Tân Cương")]
    name: Option<String>,
    /// `htx`, `company`, `household` or `other`.
    #[schema(pattern = "^(htx|company|household|other)$", example = "htx")]
    kind: Option<String>,
    /// The commune (unit in force since 2025) by its official code.
    commune_code: Option<String>,
    old_commune: Option<String>,
    old_district: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    description: Option<String>,
}

/// Merges a request onto current values (all `None` for a new producer) and checks it.
async fn parse_producer(
    state: &AppState,
    body: ProducerBody,
    current: Option<&Value>,
    slug: Slug,
) -> Result<(NewProducer, ProducerContact), ApiError> {
    let cur = |key: &str| current.and_then(|c| c[key].as_str()).map(str::to_owned);
    let mut errors = FieldErrors::default();
    let name = errors.check(
        "name",
        body.name
            .or_else(|| cur("name"))
            .map_or(Err("hãy nhập tên".into()), |n| DisplayName::parse(&n)),
    );
    let kind = errors.check(
        "kind",
        body.kind
            .or_else(|| cur("kind"))
            .map_or(Err("hãy chọn loại hình".into()), |k| {
                k.parse::<ProducerKind>()
            }),
    );
    let commune_code = optional_text(body.commune_code.or_else(|| cur("commune_code")));
    if let Some(code) = &commune_code
        && !db::producers::commune_exists(&state.db, code).await?
    {
        errors.add("commune_code", "không có xã/phường với mã này");
    }
    let phone = optional_text(body.phone.or_else(|| cur("phone")));
    if let Some(phone) = &phone
        && !(8..=15).contains(&phone.chars().filter(char::is_ascii_digit).count())
    {
        errors.add("phone", "số điện thoại không hợp lệ");
    }
    let description = body
        .description
        .or_else(|| cur("description"))
        .unwrap_or_default();
    if description.chars().count() > 10_000 {
        errors.add("description", "dài tối đa 10.000 ký tự");
    }
    let (Some(name), Some(kind)) = (name, kind) else {
        return Err(ApiError::Validation(errors.0));
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors.0));
    }
    Ok((
        NewProducer {
            slug,
            name,
            kind,
            description,
            commune_code,
            old_commune: optional_text(body.old_commune.or_else(|| cur("old_commune"))),
            old_district: optional_text(body.old_district.or_else(|| cur("old_district"))),
            verified: false,
            source_url: None,
        },
        ProducerContact {
            phone,
            address: optional_text(body.address.or_else(|| cur("address"))),
        },
    ))
}

async fn producer_json(state: &AppState, slug: &str) -> Result<Value, ApiError> {
    let card = db::catalog::producer_by_slug(&state.db, slug)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(serde_json::to_value(card).map_err(anyhow::Error::from)?)
}

/// Anyone signed in may register a producer; they become its owner.
#[utoipa::path(
    post,
    path = "/api/v1/producers",
    tag = "producers",
    security(("session" = [])),
    request_body = ProducerBody,
    responses(
        (status = 201, description = "Created; the requester is its owner", body = ProducerEnvelope),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Cross-site request", body = ErrorBody),
        (status = 409, description = "No free slug for this name (`slug_taken`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
pub(crate) async fn create_producer(
    State(state): State<AppState>,
    requester: Requester,
    AppJson(body): AppJson<ProducerBody>,
) -> Result<(StatusCode, AppJson<Value>), ApiError> {
    let user = requester.require(Rule::SignedIn)?;
    let name = body.name.clone().unwrap_or_default();
    let db_ref = &state.db;
    let slug = free_slug(&name, |s| async move {
        db::producers::slug_taken(db_ref, &s).await
    })
    .await?;
    let (producer, contact) = parse_producer(&state, body, None, slug).await?;
    let mut tx = state.db.begin().await?;
    let id = db::producers::insert(&mut *tx, &producer, &contact).await?;
    db::users::add_member(&mut *tx, id, user.id, MemberRole::Owner).await?;
    let after = db::producers::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "producer.create",
            entity: "producer",
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    let producer = producer_json(&state, producer.slug.as_str()).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(json!({ "producer": producer })),
    ))
}

/// Owners edit their producer's profile.
#[utoipa::path(
    patch,
    path = "/api/v1/producers/{slug}",
    tag = "producers",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer's slug")),
    request_body = ProducerBody,
    responses(
        (status = 200, description = "Updated", body = ProducerEnvelope),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an owner, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No producer has this slug", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
pub(crate) async fn update_producer(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    AppJson(body): AppJson<ProducerBody>,
) -> Result<AppJson<Value>, ApiError> {
    let id = producer_id(&state, &slug).await?;
    let user = requester.require(Rule::OwnerOf(id))?;
    let mut tx = state.db.begin().await?;
    let before = db::producers::snapshot(&mut *tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let slug = Slug::parse(&slug).map_err(|_| ApiError::NotFound)?;
    let (producer, contact) = parse_producer(&state, body, Some(&before), slug).await?;
    db::producers::update(&mut *tx, id, &producer, &contact).await?;
    let after = db::producers::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "producer.update",
            entity: "producer",
            entity_id: id.to_string(),
            reason: None,
            before: Some(before),
            after,
        },
    )
    .await?;
    tx.commit().await?;
    let producer = producer_json(&state, producer.slug.as_str()).await?;
    Ok(AppJson(json!({ "producer": producer })))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct MemberBody {
    /// An existing account's email.
    #[serde(default)]
    #[schema(required = true)]
    email: String,
    /// `member` (default) or `owner`.
    #[schema(pattern = "^(owner|member)$")]
    role: Option<String>,
}

/// Owners add an existing account as member (or co-owner) by email.
#[utoipa::path(
    post,
    path = "/api/v1/producers/{slug}/members",
    tag = "producers",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer's slug")),
    request_body = MemberBody,
    responses(
        (status = 201, description = "Added", body = MemberAdded),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an owner, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No producer has this slug", body = ErrorBody),
        (status = 409, description = "Already a member (`already_member`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid email or role, or no account has this email", body = ErrorBody),
    ),
)]
pub(crate) async fn add_member(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    AppJson(body): AppJson<MemberBody>,
) -> Result<(StatusCode, AppJson<Value>), ApiError> {
    let id = producer_id(&state, &slug).await?;
    let owner = requester.require(Rule::OwnerOf(id))?;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&body.email));
    let role = match body.role.as_deref() {
        None | Some("member") => MemberRole::Member,
        Some("owner") => MemberRole::Owner,
        Some(_) => {
            errors.add("role", "phải là owner hoặc member");
            MemberRole::Member
        }
    };
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors.0));
    };
    let user_id = db::users::id_by_email(&state.db, &email)
        .await?
        .ok_or_else(|| {
            ApiError::Validation(
                [(
                    "email".to_owned(),
                    "chưa có tài khoản nào dùng email này".to_owned(),
                )]
                .into(),
            )
        })?;
    let mut tx = state.db.begin().await?;
    if !db::users::add_member(&mut *tx, id, user_id, role).await? {
        return Err(ApiError::Conflict {
            code: "already_member",
            message: "người này đã là thành viên".into(),
        });
    }
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(owner.id),
            action: "producer.add_member",
            entity: "producer",
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after: Some(json!({ "user_id": user_id, "role": role })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        AppJson(json!({ "producer_id": id, "user_id": user_id, "role": role })),
    ))
}

/// A product. Creating needs `name`, `category_code`, `price_vnd` and `unit`; a PATCH sends only
/// what changes.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub(crate) struct ProductBody {
    name: Option<String>,
    category_code: Option<String>,
    description: Option<String>,
    story: Option<String>,
    /// Price in VND, a decimal string (a JSON number is accepted too); must be > 0.
    #[schema(value_type = Option<String>, example = "250000")]
    price_vnd: Option<Value>,
    /// A unit code, e.g. `kg`, `hop`, `goi`.
    unit: Option<String>,
    /// A decimal string (a JSON number is accepted too); fractions only where the unit allows.
    #[schema(value_type = Option<String>, example = "0.5")]
    stock: Option<Value>,
    /// `draft`, `active` (default when creating) or `archived`.
    #[schema(pattern = "^(draft|active|archived)$")]
    status: Option<String>,
    /// `null` removes the GI claim; absent keeps it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    gi_slug: Option<Option<String>>,
}

/// Tells "field absent" from "field null" for PATCH.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

/// Checks a product request merged onto the stored product (or onto nothing, when creating).
async fn parse_product(
    state: &AppState,
    producer_id: Uuid,
    body: ProductBody,
    current: Option<&db::products::StoredProduct>,
    slug: Slug,
) -> Result<NewProduct, ApiError> {
    let mut errors = FieldErrors::default();
    let name = errors.check(
        "name",
        body.name
            .or_else(|| current.map(|c| c.name.clone()))
            .map_or(Err("hãy nhập tên sản phẩm".into()), |n| {
                DisplayName::parse(&n)
            }),
    );
    let category_code = body
        .category_code
        .or_else(|| current.map(|c| c.category_code.clone()));
    match &category_code {
        None => errors.add("category_code", "hãy chọn nhóm sản phẩm"),
        Some(code) if !db::products::category_exists(&state.db, code).await? => {
            errors.add("category_code", "không có nhóm sản phẩm này")
        }
        Some(_) => {}
    }
    let price = match (text(&body.price_vnd), current) {
        (Some(raw), _) => errors.check("price_vnd", PriceVnd::parse(&raw)),
        (None, Some(c)) => PriceVnd::new(c.price_vnd).ok(),
        (None, None) => {
            errors.add("price_vnd", "hãy nhập giá");
            None
        }
    };
    if body.price_vnd.is_some() && text(&body.price_vnd).is_none() {
        errors.add("price_vnd", "phải là một số");
    }
    let unit = body.unit.or_else(|| current.map(|c| c.unit.clone()));
    let allows_fraction = match &unit {
        None => {
            errors.add("unit", "hãy chọn đơn vị bán");
            None
        }
        Some(code) => {
            let rule = db::products::unit_allows_fraction(&state.db, code).await?;
            if rule.is_none() {
                errors.add("unit", "không có đơn vị này");
            }
            rule
        }
    };
    let stock = match (text(&body.stock), current) {
        (Some(raw), _) => {
            allows_fraction.and_then(|f| errors.check("stock", Quantity::parse(&raw, f)))
        }
        (None, Some(c)) => {
            allows_fraction.and_then(|f| errors.check("stock", Quantity::new(c.stock, f)))
        }
        (None, None) => Quantity::new(rust_decimal::Decimal::ZERO, false).ok(),
    };
    let status = match body.status {
        Some(raw) => errors.check("status", raw.parse::<ProductStatus>()),
        None => current
            .map(|c| {
                c.status
                    .parse::<ProductStatus>()
                    .unwrap_or(ProductStatus::Draft)
            })
            .or(Some(ProductStatus::Active)),
    };
    let description = body
        .description
        .or_else(|| current.map(|c| c.description.clone()))
        .unwrap_or_default();
    let story = body
        .story
        .or_else(|| current.map(|c| c.story.clone()))
        .unwrap_or_default();
    for (field, value) in [("description", &description), ("story", &story)] {
        if value.chars().count() > 20_000 {
            errors.add(field, "dài tối đa 20.000 ký tự");
        }
    }
    let gi_id = match body.gi_slug {
        None => current.and_then(|c| c.gi_id),
        Some(None) => None,
        Some(Some(gi_slug)) => check_gi_claim(state, producer_id, &gi_slug, &mut errors).await?,
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors.0));
    }
    match (name, category_code, price, unit, stock, status) {
        (Some(name), Some(category_code), Some(price), Some(unit), Some(stock), Some(status)) => {
            Ok(NewProduct {
                producer_id,
                slug,
                name,
                description,
                story,
                category_code,
                price,
                unit,
                stock,
                status,
                gi_id,
                source_url: None,
            })
        }
        _ => Err(ApiError::Validation(errors.0)),
    }
}

/// A product may claim a GI only if its producer's pre-2025 commune lies in the protected area.
async fn check_gi_claim(
    state: &AppState,
    producer_id: Uuid,
    gi_slug: &str,
    errors: &mut FieldErrors,
) -> Result<Option<Uuid>, ApiError> {
    match db::gis::claim(&state.db, gi_slug, producer_id).await? {
        None => {
            errors.add("gi_slug", "không có chỉ dẫn địa lý này");
            Ok(None)
        }
        Some(row) if !row.covered => {
            errors.add(
                "gi_slug",
                format!(
                    "xã (cũ) của cơ sở không thuộc khu vực bảo hộ của chỉ dẫn địa lý {}",
                    row.name
                ),
            );
            Ok(None)
        }
        Some(row) => Ok(Some(row.id)),
    }
}

async fn product_json(state: &AppState, id: Uuid) -> Result<Value, ApiError> {
    let detail = db::catalog::product_detail(
        &state.db,
        ProductKey::AnyId(id),
        state.clock.now(),
        state.today(),
        state.media_base(),
        state.base_url(),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(serde_json::to_value(detail).map_err(anyhow::Error::from)?)
}

/// Members add a product to their producer.
#[utoipa::path(
    post,
    path = "/api/v1/producers/{slug}/products",
    tag = "products",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer's slug")),
    request_body = ProductBody,
    responses(
        (status = 201, description = "Created", body = ProductDetail),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No producer has this slug", body = ErrorBody),
        (status = 409, description = "No free slug for this name (`slug_taken`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields (e.g. price, unit, a GI outside the producer's area)", body = ErrorBody),
    ),
)]
pub(crate) async fn create_product(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    AppJson(body): AppJson<ProductBody>,
) -> Result<(StatusCode, AppJson<Value>), ApiError> {
    let producer = producer_id(&state, &slug).await?;
    let user = requester.require(Rule::MemberOf(producer))?;
    let name = body.name.clone().unwrap_or_default();
    let db_ref = &state.db;
    let slug = free_slug(&name, |s| async move {
        db::products::slug_taken(db_ref, &s).await
    })
    .await?;
    let product = parse_product(&state, producer, body, None, slug).await?;
    let mut tx = state.db.begin().await?;
    let id = db::products::upsert_by_slug(&mut *tx, &product).await?;
    let after = db::products::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "product.create",
            entity: "product",
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        AppJson(product_json(&state, id).await?),
    ))
}

/// The producer a product belongs to, and the requester's right to change it.
async fn product_producer(state: &AppState, id: Uuid) -> Result<Uuid, ApiError> {
    db::products::producer_of(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Members of the product's producer edit it (partial update).
#[utoipa::path(
    patch,
    path = "/api/v1/products/{product}",
    tag = "products",
    security(("session" = [])),
    params(("product" = Uuid, Path, description = "The product's id")),
    request_body = ProductBody,
    responses(
        (status = 200, description = "Updated", body = ProductDetail),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of its producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No product has this id", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
pub(crate) async fn update_product(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<ProductBody>,
) -> Result<AppJson<Value>, ApiError> {
    let producer = product_producer(&state, id).await?;
    let user = requester.require(Rule::MemberOf(producer))?;
    let mut tx = state.db.begin().await?;
    let current = db::products::stored(&mut *tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let slug = Slug::parse(&current.slug).map_err(|m| ApiError::Internal(anyhow::anyhow!(m)))?;
    let product = parse_product(&state, producer, body, Some(&current), slug).await?;
    let before = db::products::snapshot(&mut *tx, id).await?;
    db::products::update(&mut *tx, id, &product).await?;
    let after = db::products::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "product.update",
            entity: "product",
            entity_id: id.to_string(),
            reason: None,
            before,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(AppJson(product_json(&state, id).await?))
}

/// Members archive a product: it disappears from the catalog, its history stays.
#[utoipa::path(
    delete,
    path = "/api/v1/products/{product}",
    tag = "products",
    security(("session" = [])),
    params(("product" = Uuid, Path, description = "The product's id")),
    responses(
        (status = 204, description = "Archived"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of its producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No product has this id", body = ErrorBody),
    ),
)]
pub(crate) async fn archive_product(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let producer = product_producer(&state, id).await?;
    let user = requester.require(Rule::MemberOf(producer))?;
    let mut tx = state.db.begin().await?;
    let before = db::products::snapshot(&mut *tx, id).await?;
    db::products::archive(&mut *tx, id).await?;
    let after = db::products::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "product.archive",
            entity: "product",
            entity_id: id.to_string(),
            reason: None,
            before,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Members upload a photo (multipart field `file`; optional `alt`). The image is checked by its
/// bytes, re-encoded without metadata and thumbnailed; objects are stored before the row is
/// written, and removed again if the row cannot be.
#[utoipa::path(
    post,
    path = "/api/v1/products/{product}/images",
    tag = "products",
    summary = "Members upload a photo (multipart field `file`; optional `alt`)",
    description = "The image is checked by its bytes (JPEG, PNG or WebP), re-encoded without metadata and thumbnailed.",
    security(("session" = [])),
    params(("product" = Uuid, Path, description = "The product's id")),
    request_body(content = ImageUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored, with a thumbnail", body = ImageUploaded),
        (status = 400, description = "Malformed multipart body", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of its producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No product has this id (or it is not an id)", body = ErrorBody),
        (status = 413, description = "Larger than 10 MB", body = ErrorBody),
        (status = 415, description = "Not multipart/form-data, or not a JPEG, PNG or WebP image", body = ErrorBody),
        (status = 422, description = "No `file` field, or an unreadable or oversized image", body = ErrorBody),
    ),
)]
pub(crate) async fn upload_image(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, AppJson<Value>), ApiError> {
    let producer = product_producer(&state, id).await?;
    let user = requester.require(Rule::MemberOf(producer))?;
    let mut multipart =
        multipart.map_err(|rejection| ApiError::UnsupportedMediaType(rejection.body_text()))?;
    let mut file: Option<Bytes> = None;
    let mut alt = String::new();
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => file = Some(field.bytes().await.map_err(multipart_error)?),
            Some("alt") => {
                alt = field
                    .text()
                    .await
                    .map_err(multipart_error)?
                    .chars()
                    .take(300)
                    .collect()
            }
            _ => {}
        }
    }
    let file = file.ok_or_else(|| {
        ApiError::Validation(BTreeMap::from([(
            "file".to_owned(),
            "hãy chọn một ảnh".to_owned(),
        )]))
    })?;
    let image = media::process_upload_off_thread(file).await?;
    let image_id = Uuid::new_v4();
    let key = ObjectKey::product_image(id, image_id, image.extension)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e:?}")))?;
    let thumb_key = ObjectKey::product_thumb(id, image_id);
    state
        .media
        .put(&key, image.bytes.clone(), image.content_type)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let stored = async {
        state
            .media
            .put(
                &thumb_key,
                image.thumbnail.clone(),
                thumb_key.content_type(),
            )
            .await
            .map_err(|e| ApiError::Internal(e.into()))?;
        let mut tx = state.db.begin().await?;
        db::products::insert_image(
            &mut *tx,
            &NewImage {
                id: image_id,
                product_id: id,
                object_key: key.as_str(),
                thumb_key: thumb_key.as_str(),
                content_type: image.content_type,
                width: image.width as i32,
                height: image.height as i32,
                byte_size: image.bytes.len() as i32,
                alt: &alt,
            },
        )
        .await?;
        db::audit::record(
            &mut *tx,
            AuditEntry {
                actor: Some(user.id),
                action: "product.add_image",
                entity: "product",
                entity_id: id.to_string(),
                reason: None,
                before: None,
                after: Some(json!({ "image_id": image_id, "object_key": key.as_str() })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<(), ApiError>(())
    }
    .await;
    if let Err(error) = stored {
        // Nothing half-written: the objects go when their row could not be recorded.
        let _ = state.media.delete(&key).await;
        let _ = state.media.delete(&thumb_key).await;
        return Err(error);
    }
    let url = db::catalog::media_url(state.media_base(), key.as_str());
    let thumb_url = db::catalog::media_url(state.media_base(), thumb_key.as_str());
    Ok((
        StatusCode::CREATED,
        AppJson(json!({ "id": image_id, "url": url, "thumb_url": thumb_url })),
    ))
}

pub(crate) fn multipart_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::BadRequest(error.body_text())
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct ImageOrder {
    /// Every photo id of the product, in the order to show them.
    #[serde(default)]
    image_ids: Vec<Uuid>,
}

/// Members put a product's photos in a new order (the first one is the cover).
#[utoipa::path(
    post,
    path = "/api/v1/products/{product}/images/order",
    tag = "products",
    security(("session" = [])),
    params(("product" = Uuid, Path, description = "The product's id")),
    request_body = ImageOrder,
    responses(
        (status = 204, description = "Reordered"),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of its producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No product has this id", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "The ids are not exactly this product's photos", body = ErrorBody),
    ),
)]
pub(crate) async fn reorder_images(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<ImageOrder>,
) -> Result<StatusCode, ApiError> {
    let producer = product_producer(&state, id).await?;
    let user = requester.require(Rule::MemberOf(producer))?;
    let mut tx = state.db.begin().await?;
    let mut current = db::products::image_ids(&mut *tx, id).await?;
    let mut wanted = body.image_ids.clone();
    current.sort();
    wanted.sort();
    if current != wanted {
        return Err(ApiError::Validation(BTreeMap::from([(
            "image_ids".to_owned(),
            "phải liệt kê đúng và đủ các ảnh của sản phẩm".to_owned(),
        )])));
    }
    db::products::set_image_order(&mut *tx, id, &body.image_ids).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "product.reorder_images",
            entity: "product",
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after: Some(json!({ "image_ids": body.image_ids })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Members delete a photo; its objects leave the media store once the row is gone.
#[utoipa::path(
    delete,
    path = "/api/v1/products/{product}/images/{image}",
    tag = "products",
    security(("session" = [])),
    params(
        ("product" = Uuid, Path, description = "The product's id"),
        ("image" = Uuid, Path, description = "The photo's id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of its producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No such product, or no such photo of it", body = ErrorBody),
    ),
)]
pub(crate) async fn delete_image(
    State(state): State<AppState>,
    requester: Requester,
    AppPath((id, image_id)): AppPath<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    let producer = product_producer(&state, id).await?;
    let user = requester.require(Rule::MemberOf(producer))?;
    let mut tx = state.db.begin().await?;
    let (object_key, thumb_key) = db::products::delete_image(&mut *tx, id, image_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "product.delete_image",
            entity: "product",
            entity_id: id.to_string(),
            reason: None,
            before: Some(json!({ "image_id": image_id, "object_key": object_key })),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    // After the commit: a failure here leaves an unreferenced object, never a row without its photo.
    for key in [object_key, thumb_key] {
        if let Ok(key) = ObjectKey::parse(&key)
            && let Err(error) = state.media.delete(&key).await
        {
            tracing::warn!(%error, key = key.as_str(), "could not delete a photo object");
        }
    }
    Ok(StatusCode::NO_CONTENT)
}
