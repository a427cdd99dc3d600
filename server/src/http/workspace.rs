//! Producer-side writes over the JSON API: producers, members and invitations, products and
//! photos. Each handler parses its body, calls one `app::workspace` / `app::members` /
//! `app::products` command and presents the result.

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use bytes::Bytes;
use frontend::api::ProductDetail;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::error::ApiError;
use super::extract::{AppJson, AppPath};
use super::schemas::{
    ErrorBody, ImageUpload, ImageUploaded, InvitationAccepted, InvitationDto, InvitationEnvelope,
    JsonBody, KnownProducer, MemberDto, MemberListResponse, MemberWrite, ProducerEnvelope,
    SameSite, SignedIn,
};
use crate::app;
use crate::app::products::ProductInput;
use crate::app::workspace::ProducerInput;
use crate::auth::Requester;
use crate::media::MAX_UPLOAD_BYTES;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/producers", post(create_producer))
        .route("/v1/producers/{slug}", patch(update_producer))
        .route(
            "/v1/producers/{slug}/members",
            get(list_members).post(invite_member),
        )
        .route(
            "/v1/producers/{slug}/members/{user_id}",
            delete(remove_member),
        )
        .route("/v1/invitations/{token}/accept", post(accept_invitation))
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

/// A new producer: `name` and `kind` are required, the rest as in [`ProducerBody`].
// Option fields marked required: the service names each missing one (in Vietnamese) instead of
// serde refusing the whole body, and the document still says which must be sent.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewProducerBody {
    #[schema(
        required = true,
        nullable = false,
        min_length = 2,
        max_length = 200,
        example = "HTX Chè Tân Cương"
    )]
    name: Option<String>,
    /// `htx`, `company`, `household` or `other`.
    #[schema(required = true, nullable = false, value_type = String, pattern = "^(htx|company|household|other)$", example = "htx")]
    kind: Option<String>,
    commune_code: Option<String>,
    old_commune: Option<String>,
    old_district: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    description: Option<String>,
}

impl From<NewProducerBody> for ProducerBody {
    fn from(b: NewProducerBody) -> ProducerBody {
        let NewProducerBody {
            name,
            kind,
            commune_code,
            old_commune,
            old_district,
            address,
            phone,
            description,
        } = b;
        ProducerBody {
            name,
            kind,
            commune_code,
            old_commune,
            old_district,
            address,
            phone,
            description,
        }
    }
}

/// Changes to a producer's profile: only what is sent changes.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
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

/// Anyone signed in may register a producer; they become its owner.
#[utoipa::path(
    post,
    path = "/api/v1/producers",
    tag = "producers",
    security(("session" = [])),
    request_body = NewProducerBody,
    responses(
        (status = 201, description = "Created; the requester is its owner", body = ProducerEnvelope),
        JsonBody,
        SignedIn,
        SameSite,
        (status = 409, description = "No free slug for this name (`slug_taken`)", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
pub(crate) async fn create_producer(
    State(state): State<AppState>,
    requester: Requester,
    AppJson(body): AppJson<NewProducerBody>,
) -> Result<(StatusCode, AppJson<ProducerEnvelope>), ApiError> {
    let body = ProducerBody::from(body);
    let card =
        app::workspace::create_producer(&state, requester.user.as_ref(), body.into()).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(ProducerEnvelope { producer: card }),
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
        JsonBody,
        SignedIn,
        (status = 403, description = "Not an owner, or a cross-site request", body = ErrorBody),
        KnownProducer,
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
pub(crate) async fn update_producer(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    AppJson(body): AppJson<ProducerBody>,
) -> Result<AppJson<ProducerEnvelope>, ApiError> {
    let card = app::workspace::update_producer(&state, requester.user.as_ref(), &slug, body.into())
        .await?;
    Ok(AppJson(ProducerEnvelope { producer: card }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MemberBody {
    /// The address to invite; it need not have an account yet.
    #[serde(default)]
    #[schema(required = true)]
    email: String,
    /// `member` (default) or `owner`.
    #[schema(pattern = "^(owner|member)$")]
    role: Option<String>,
}

/// Owners invite an e-mail address to join as member (or co-owner). An invitation mail with a
/// link valid 14 days is sent; the person joins only by accepting it, signed in with that
/// address. The answer is the same whether or not the address has an account.
#[utoipa::path(
    post,
    path = "/api/v1/producers/{slug}/members",
    tag = "producers",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer's slug")),
    request_body = MemberBody,
    responses(
        (status = 201, description = "Invited", body = InvitationEnvelope),
        JsonBody,
        SignedIn,
        (status = 403, description = "Not an owner, or a cross-site request", body = ErrorBody),
        KnownProducer,
        (status = 409, description = "The address belongs to a member already (`already_member`)", body = ErrorBody),
        (status = 422, description = "Invalid email or role", body = ErrorBody),
    ),
)]
pub(crate) async fn invite_member(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    AppJson(body): AppJson<MemberBody>,
) -> Result<(StatusCode, AppJson<InvitationEnvelope>), ApiError> {
    let sent = app::members::invite(
        &state,
        requester.user.as_ref(),
        &slug,
        &body.email,
        body.role.as_deref(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        AppJson(InvitationEnvelope {
            invitation: InvitationDto {
                id: sent.id,
                email: sent.email,
                role: sent.role.into(),
                expires_at: sent.expires_at,
            },
        }),
    ))
}

/// A producer's members and open invitations; for its members.
#[utoipa::path(
    get,
    path = "/api/v1/producers/{slug}/members",
    tag = "producers",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer's slug")),
    responses(
        (status = 200, description = "Members, owners first, and open invitations", body = MemberListResponse),
        SignedIn,
        (status = 403, description = "Not a member", body = ErrorBody),
        KnownProducer,
    ),
)]
pub(crate) async fn list_members(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
) -> Result<AppJson<MemberListResponse>, ApiError> {
    let list = app::members::list(&state, requester.user.as_ref(), &slug).await?;
    Ok(AppJson(MemberListResponse {
        members: list
            .members
            .into_iter()
            .map(|m| MemberDto {
                user_id: m.user_id,
                role: m.role.as_str().into(),
                email: m.email,
                display_name: m.display_name,
                added_at: m.added_at,
            })
            .collect(),
        invitations: list
            .invitations
            .into_iter()
            .map(|i| InvitationDto {
                id: i.id,
                role: i.role.as_str().into(),
                email: i.email,
                expires_at: i.expires_at,
            })
            .collect(),
    }))
}

/// Owners remove a member; a member may remove themself. The last owner stays.
#[utoipa::path(
    delete,
    path = "/api/v1/producers/{slug}/members/{user_id}",
    tag = "producers",
    security(("session" = [])),
    params(
        ("slug" = String, Path, description = "The producer's slug"),
        ("user_id" = Uuid, Path, description = "The member's user id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        SignedIn,
        (status = 403, description = "Not an owner (nor the member themself), or a cross-site request", body = ErrorBody),
        (status = 404, description = "No such producer, or not a member of it", body = ErrorBody),
        (status = 409, description = "The producer's last owner (`last_owner`)", body = ErrorBody),
    ),
)]
pub(crate) async fn remove_member(
    State(state): State<AppState>,
    requester: Requester,
    AppPath((slug, user_id)): AppPath<(String, Uuid)>,
) -> Result<StatusCode, ApiError> {
    app::members::remove(&state, requester.user.as_ref(), &slug, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The invited person accepts, signed in with the invited address, and becomes a member.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/{token}/accept",
    tag = "producers",
    security(("session" = [])),
    params(("token" = String, Path, description = "The token from the invitation's link")),
    responses(
        (status = 200, description = "Joined", body = InvitationAccepted),
        SignedIn,
        (status = 403, description = "Signed in with another address than the invited one, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No such invitation, or it expired or was used", body = ErrorBody),
        (status = 409, description = "Already a member (`already_member`)", body = ErrorBody),
    ),
)]
pub(crate) async fn accept_invitation(
    State(state): State<AppState>,
    requester: Requester,
    Path(token): Path<String>,
) -> Result<AppJson<InvitationAccepted>, ApiError> {
    let joined = app::members::accept(&state, requester.user.as_ref(), &token).await?;
    Ok(AppJson(InvitationAccepted {
        producer_id: joined.producer_id,
        producer_slug: joined.producer_slug,
        role: joined.role.into(),
    }))
}

/// A new product: `name`, `category_code`, `price_vnd` and `unit` are required, the rest as in
/// [`ProductBody`].
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewProductBody {
    #[schema(
        required = true,
        nullable = false,
        min_length = 2,
        max_length = 200,
        example = "Chè búp Tân Cương"
    )]
    name: Option<String>,
    /// A category code (see the catalog's facets), e.g. `che`.
    #[schema(required = true, nullable = false, min_length = 1, example = "che")]
    category_code: Option<String>,
    description: Option<String>,
    story: Option<String>,
    /// Price in VND, a decimal string (a JSON number is accepted too); must be > 0.
    #[schema(required = true, nullable = false, value_type = String, example = "250000")]
    price_vnd: Option<Value>,
    /// A unit code, e.g. `kg`, `hop`, `goi`.
    #[schema(required = true, nullable = false, min_length = 1, example = "kg")]
    unit: Option<String>,
    /// A decimal string (a JSON number is accepted too); fractions only where the unit allows.
    #[schema(value_type = Option<String>, example = "0.5")]
    stock: Option<Value>,
    /// `draft`, `active` (default) or `archived`.
    #[schema(pattern = "^(draft|active|archived)$")]
    status: Option<String>,
    /// A geographical indication this product claims (checked against the producer's area).
    gi_slug: Option<String>,
}

impl From<NewProductBody> for ProductBody {
    fn from(b: NewProductBody) -> ProductBody {
        ProductBody {
            name: b.name,
            category_code: b.category_code,
            description: b.description,
            story: b.story,
            price_vnd: b.price_vnd,
            unit: b.unit,
            stock: b.stock,
            status: b.status,
            gi_slug: b.gi_slug.map(Some),
        }
    }
}

/// Changes to a product: only what is sent changes.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
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

impl From<ProducerBody> for ProducerInput {
    fn from(b: ProducerBody) -> ProducerInput {
        ProducerInput {
            name: b.name,
            kind: b.kind,
            commune_code: b.commune_code,
            old_commune: b.old_commune,
            old_district: b.old_district,
            address: b.address,
            phone: b.phone,
            description: b.description,
        }
    }
}

impl From<ProductBody> for ProductInput {
    fn from(b: ProductBody) -> ProductInput {
        ProductInput {
            price_vnd: b.price_vnd.as_ref().map(|_| text(&b.price_vnd)),
            stock: text(&b.stock),
            name: b.name,
            category_code: b.category_code,
            description: b.description,
            story: b.story,
            unit: b.unit,
            status: b.status,
            gi_slug: b.gi_slug,
        }
    }
}

/// Members add a product to their producer.
#[utoipa::path(
    post,
    path = "/api/v1/producers/{slug}/products",
    tag = "products",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer's slug")),
    request_body = NewProductBody,
    responses(
        (status = 201, description = "Created", body = ProductDetail),
        JsonBody,
        SignedIn,
        (status = 403, description = "Not a member, or a cross-site request", body = ErrorBody),
        KnownProducer,
        (status = 409, description = "No free slug for this name (`slug_taken`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (e.g. price, unit, a GI outside the producer's area)", body = ErrorBody),
    ),
)]
pub(crate) async fn create_product(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    AppJson(body): AppJson<NewProductBody>,
) -> Result<(StatusCode, AppJson<ProductDetail>), ApiError> {
    let body = ProductBody::from(body);
    let product =
        app::products::create_product(&state, requester.user.as_ref(), &slug, body.into()).await?;
    Ok((StatusCode::CREATED, AppJson(product)))
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
        JsonBody,
        SignedIn,
        MemberWrite,
        (status = 404, description = "No product has this id", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ),
)]
pub(crate) async fn update_product(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<ProductBody>,
) -> Result<AppJson<ProductDetail>, ApiError> {
    Ok(AppJson(
        app::products::update_product(&state, requester.user.as_ref(), id, body.into()).await?,
    ))
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
        SignedIn,
        MemberWrite,
        (status = 404, description = "No product has this id", body = ErrorBody),
    ),
)]
pub(crate) async fn archive_product(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    app::products::archive_product(&state, requester.user.as_ref(), id).await?;
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
        SignedIn,
        MemberWrite,
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
) -> Result<(StatusCode, AppJson<ImageUploaded>), ApiError> {
    let user = requester.user.as_ref();
    // Who may upload is known before a byte of the body is read.
    app::products::may_add_image(&state, user, id).await?;
    let (file, alt) = read_image_form(multipart).await?;
    let added = app::products::add_image(&state, user, id, file, &alt).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(ImageUploaded {
            id: added.id,
            url: added.url,
            thumb_url: added.thumb_url,
        }),
    ))
}

/// The `file` and optional `alt` (300 characters at most) of a photo upload.
pub(crate) async fn read_image_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(Option<Bytes>, String), ApiError> {
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
    Ok((file, alt))
}

pub(crate) fn multipart_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::BadRequest(error.body_text())
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
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
        JsonBody,
        SignedIn,
        MemberWrite,
        (status = 404, description = "No product has this id", body = ErrorBody),
        (status = 422, description = "The ids are not exactly this product's photos", body = ErrorBody),
    ),
)]
pub(crate) async fn reorder_images(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<ImageOrder>,
) -> Result<StatusCode, ApiError> {
    app::products::reorder_images(&state, requester.user.as_ref(), id, &body.image_ids).await?;
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
        SignedIn,
        MemberWrite,
        (status = 404, description = "No such product, or no such photo of it", body = ErrorBody),
    ),
)]
pub(crate) async fn delete_image(
    State(state): State<AppState>,
    requester: Requester,
    AppPath((id, image_id)): AppPath<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    app::products::delete_image(&state, requester.user.as_ref(), id, image_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
