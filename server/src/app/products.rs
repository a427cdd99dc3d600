//! The producer workspace's commands about products and their photos: create, edit and archive
//! products (members of the producer), add, reorder and delete photos. Each checks access,
//! writes in one transaction and records the change in the audit log.

use bytes::Bytes;
use frontend::api::ProductDetail;
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use super::workspace::{free_slug, producer_id};
use super::{AppError, AppResult, require};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::product_page::ProductKey;
use crate::db::products::{NewImage, NewProduct};
use crate::domain::FieldErrors;
use crate::domain::account::{Rule, User};
use crate::domain::audit::AuditAction;
use crate::domain::catalog::{DisplayName, PriceVnd, ProductStatus, Quantity};
use crate::domain::slug::Slug;
use crate::media::{self, ObjectKey};
use crate::state::AppState;

/// A product as typed; `None` keeps the stored value (or is missing, when creating).
#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    pub name: Option<String>,
    pub category_code: Option<String>,
    pub description: Option<String>,
    pub story: Option<String>,
    /// `Some(None)`: a price was sent that is not text or a number at all.
    pub price_vnd: Option<Option<String>>,
    pub unit: Option<String>,
    pub stock: Option<String>,
    pub status: Option<String>,
    /// `Some(None)` removes the GI claim; `None` keeps it.
    pub gi_slug: Option<Option<String>>,
}

/// A stored photo's public URLs.
pub struct ImageAdded {
    pub id: Uuid,
    pub url: String,
    pub thumb_url: String,
}

/// Checks a product request merged onto the stored product (or onto nothing, when creating).
async fn parse_product(
    state: &AppState,
    producer_id: Uuid,
    input: ProductInput,
    current: Option<&db::products::StoredProduct>,
    slug: Slug,
) -> AppResult<NewProduct> {
    let mut errors = FieldErrors::default();
    let name = errors.check(
        "name",
        input
            .name
            .or_else(|| current.map(|c| c.name.clone()))
            .map_or(Err("hãy nhập tên sản phẩm".into()), |n| {
                DisplayName::parse(&n)
            }),
    );
    let category_code = input
        .category_code
        .or_else(|| current.map(|c| c.category_code.clone()));
    match &category_code {
        None => errors.add("category_code", "hãy chọn nhóm sản phẩm"),
        Some(code) if !db::products::category_exists(&state.db, code).await? => {
            errors.add("category_code", "không có nhóm sản phẩm này")
        }
        Some(_) => {}
    }
    let price_text = input.price_vnd.clone().flatten();
    let price = match (&price_text, current) {
        (Some(raw), _) => errors.check("price_vnd", PriceVnd::parse(raw)),
        (None, Some(c)) => PriceVnd::new(c.price_vnd).ok(),
        (None, None) => {
            errors.add("price_vnd", "hãy nhập giá");
            None
        }
    };
    if input.price_vnd.is_some() && price_text.is_none() {
        errors.add("price_vnd", "phải là một số");
    }
    let unit = input.unit.or_else(|| current.map(|c| c.unit.clone()));
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
    let stock = match (&input.stock, current) {
        (Some(raw), _) => {
            allows_fraction.and_then(|f| errors.check("stock", Quantity::parse(raw, f)))
        }
        (None, Some(c)) => {
            allows_fraction.and_then(|f| errors.check("stock", Quantity::new(c.stock, f)))
        }
        (None, None) => Quantity::new(Decimal::ZERO, false).ok(),
    };
    let status = match input.status {
        Some(raw) => errors.check("status", raw.parse::<ProductStatus>()),
        None => current.map(|c| c.status).or(Some(ProductStatus::Active)),
    };
    let description = input
        .description
        .or_else(|| current.map(|c| c.description.clone()))
        .unwrap_or_default();
    let story = input
        .story
        .or_else(|| current.map(|c| c.story.clone()))
        .unwrap_or_default();
    for (field, value) in [("description", &description), ("story", &story)] {
        if value.chars().count() > 20_000 {
            errors.add(field, "dài tối đa 20.000 ký tự");
        }
    }
    let gi_id = match input.gi_slug {
        None => current.and_then(|c| c.gi_id),
        Some(None) => None,
        Some(Some(gi_slug)) => check_gi_claim(state, producer_id, &gi_slug, &mut errors).await?,
    };
    if !errors.is_empty() {
        return Err(errors.into());
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
        _ => Err(errors.into()),
    }
}

/// A product may claim a GI only if its producer's pre-2025 commune lies in the protected area.
async fn check_gi_claim(
    state: &AppState,
    producer_id: Uuid,
    gi_slug: &str,
    errors: &mut FieldErrors,
) -> AppResult<Option<Uuid>> {
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

/// The product as its members see it (drafts included).
pub async fn product_detail(state: &AppState, id: Uuid) -> AppResult<ProductDetail> {
    db::product_page::product_detail(&state.db, ProductKey::AnyId(id), &state.view())
        .await?
        .ok_or(AppError::NotFound)
}

/// The producer a product belongs to.
async fn product_producer(state: &AppState, id: Uuid) -> AppResult<Uuid> {
    db::products::producer_of(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// How many lost slug races a create retries before it gives up (see `create_product`).
const MAX_SLUG_RACES: u32 = 32;

/// Members add a product to their producer.
pub async fn create_product(
    state: &AppState,
    user: Option<&User>,
    producer_slug: &str,
    input: ProductInput,
) -> AppResult<ProductDetail> {
    let producer = producer_id(state, producer_slug).await?;
    let user = require(user, Rule::MemberOf(producer))?;
    let name = input.name.clone().unwrap_or_default();
    let db_ref = &state.db;
    // The free slug is only a guess: another producer may take it before this insert. Then the
    // insert writes nothing and the next free slug is tried. Every round of a race has a winner,
    // so among k creators of one name at once a create loses at most k − 1 times: the bound is
    // for far more simultaneous same-name creates than happen (8 at once lost 6 rounds once on a
    // loaded machine when it was 5).
    let mut attempts = 0;
    let (mut tx, id) = loop {
        let slug = free_slug(&name, |s| async move {
            db::products::slug_taken(db_ref, &s).await
        })
        .await?;
        let product = parse_product(state, producer, input.clone(), None, slug).await?;
        let mut tx = state.db.begin().await?;
        match db::products::insert(&mut *tx, &product).await? {
            Some(id) => break (tx, id),
            None if attempts < MAX_SLUG_RACES => attempts += 1,
            None => {
                return Err(AppError::Conflict {
                    code: "slug_taken",
                    message: "không tạo được đường dẫn cho tên này; hãy thử lại".into(),
                });
            }
        }
    };
    let after = db::products::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::ProductCreate,
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    product_detail(state, id).await
}

/// Members of the product's producer edit it (partial update).
pub async fn update_product(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    input: ProductInput,
) -> AppResult<ProductDetail> {
    let producer = product_producer(state, id).await?;
    let user = require(user, Rule::MemberOf(producer))?;
    let mut tx = state.db.begin().await?;
    let current = db::products::stored(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let slug = Slug::parse(&current.slug).map_err(|m| AppError::Internal(anyhow::anyhow!(m)))?;
    let product = parse_product(state, producer, input, Some(&current), slug).await?;
    let before = db::products::snapshot(&mut *tx, id).await?;
    db::products::update(&mut *tx, id, &product).await?;
    let after = db::products::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::ProductUpdate,
            entity_id: id.to_string(),
            reason: None,
            before,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    product_detail(state, id).await
}

/// Members archive a product: it disappears from the catalog, its history stays.
pub async fn archive_product(state: &AppState, user: Option<&User>, id: Uuid) -> AppResult<()> {
    let producer = product_producer(state, id).await?;
    let user = require(user, Rule::MemberOf(producer))?;
    let mut tx = state.db.begin().await?;
    let before = db::products::snapshot(&mut *tx, id).await?;
    db::products::archive(&mut *tx, id).await?;
    let after = db::products::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::ProductArchive,
            entity_id: id.to_string(),
            reason: None,
            before,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Checks the caller may add a photo to this product, before its bytes are read.
pub async fn may_add_image(state: &AppState, user: Option<&User>, id: Uuid) -> AppResult<()> {
    let producer = product_producer(state, id).await?;
    require(user, Rule::MemberOf(producer))?;
    Ok(())
}

/// Members add a photo: checked by its bytes, re-encoded without metadata and thumbnailed;
/// objects are stored before the row is written, and removed again if the row cannot be.
pub async fn add_image(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    file: Option<Bytes>,
    alt: &str,
) -> AppResult<ImageAdded> {
    let producer = product_producer(state, id).await?;
    let user = require(user, Rule::MemberOf(producer))?;
    let file = file.ok_or_else(|| AppError::field("file", "hãy chọn một ảnh"))?;
    // Refused before the photo is decoded and stored; the database's trigger is what holds
    // when two uploads race.
    if db::products::image_ids(&state.db, id).await?.len() as i64
        >= crate::domain::catalog::MAX_PHOTOS_PER_PRODUCT
    {
        return Err(AppError::too_many_photos());
    }
    let image = media::process_upload_off_thread(file)
        .await
        .map_err(AppError::Upload)?;
    let image_id = Uuid::new_v4();
    let key = ObjectKey::product_image(id, image_id, image.extension)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e:?}")))?;
    let thumb_key = ObjectKey::product_thumb(id, image_id);
    state
        .media
        .put(&key, image.bytes.clone(), image.content_type)
        .await
        .map_err(AppError::from)?;
    let stored = async {
        state
            .media
            .put(
                &thumb_key,
                image.thumbnail.clone(),
                thumb_key.content_type(),
            )
            .await
            .map_err(AppError::from)?;
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
                alt,
            },
        )
        .await?;
        db::audit::record(
            &mut *tx,
            AuditEntry {
                actor: Some(user.id),
                action: AuditAction::ProductAddImage,
                entity_id: id.to_string(),
                reason: None,
                before: None,
                after: Some(json!({ "image_id": image_id, "object_key": key.as_str() })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<(), AppError>(())
    }
    .await;
    if let Err(error) = stored {
        // Nothing half-written: the objects go when their row could not be recorded.
        let _ = state.media.delete(&key).await;
        let _ = state.media.delete(&thumb_key).await;
        return Err(error);
    }
    Ok(ImageAdded {
        id: image_id,
        url: db::catalog::media_url(state.media_base(), key.as_str()),
        thumb_url: db::catalog::media_url(state.media_base(), thumb_key.as_str()),
    })
}

/// Members put a product's photos in a new order (the first one is the cover).
pub async fn reorder_images(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    image_ids: &[Uuid],
) -> AppResult<()> {
    let producer = product_producer(state, id).await?;
    let user = require(user, Rule::MemberOf(producer))?;
    let mut tx = state.db.begin().await?;
    let mut current = db::products::image_ids(&mut *tx, id).await?;
    let mut wanted = image_ids.to_vec();
    current.sort();
    wanted.sort();
    if current != wanted {
        return Err(AppError::field(
            "image_ids",
            "phải liệt kê đúng và đủ các ảnh của sản phẩm",
        ));
    }
    db::products::set_image_order(&mut *tx, id, image_ids).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::ProductReorderImages,
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after: Some(json!({ "image_ids": image_ids })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Swaps a photo with the one before it (the first photo is the cover).
pub async fn move_image_up(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    image: Uuid,
) -> AppResult<()> {
    let mut order = db::products::image_ids(&state.db, id).await?;
    if let Some(at) = order.iter().position(|i| *i == image)
        && at > 0
    {
        order.swap(at, at - 1);
    }
    reorder_images(state, user, id, &order).await
}

/// Members delete a photo; its objects leave the media store once the row is gone.
pub async fn delete_image(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    image_id: Uuid,
) -> AppResult<()> {
    let producer = product_producer(state, id).await?;
    let user = require(user, Rule::MemberOf(producer))?;
    let mut tx = state.db.begin().await?;
    let (object_key, thumb_key) = db::products::delete_image(&mut *tx, id, image_id)
        .await?
        .ok_or(AppError::NotFound)?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::ProductDeleteImage,
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
    Ok(())
}
