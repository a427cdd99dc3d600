//! Product writes.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::catalog::{DisplayName, PriceVnd, ProductStatus, Quantity};
use crate::domain::slug::Slug;

#[derive(Debug, Clone)]
pub struct NewProduct {
    pub producer_id: Uuid,
    pub slug: Slug,
    pub name: DisplayName,
    pub description: String,
    pub story: String,
    pub category_code: String,
    pub price: PriceVnd,
    pub unit: String,
    pub stock: Quantity,
    pub status: ProductStatus,
    pub gi_id: Option<Uuid>,
    pub source_url: Option<String>,
}

/// A new product under a slug nobody holds; `None` when another product took the slug first
/// (the caller picks the next one). Never touches an existing row: an upsert here once handed
/// one producer's product to another that created the same name at the same moment.
pub async fn insert(db: impl PgExecutor<'_>, p: &NewProduct) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(
        "insert into products (producer_id, slug, name, description, story, category_code,
                               price_vnd, unit, stock, status, gi_id, source_url)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         on conflict (slug) do nothing
         returning id",
    )
    .bind(p.producer_id)
    .bind(p.slug.as_str())
    .bind(p.name.as_str())
    .bind(&p.description)
    .bind(&p.story)
    .bind(&p.category_code)
    .bind(p.price.amount())
    .bind(&p.unit)
    .bind(p.stock.amount())
    .bind(p.status.as_str())
    .bind(p.gi_id)
    .bind(&p.source_url)
    .fetch_optional(db)
    .await
}

/// Inserts, or updates the same-slug row only where something differs: the seed loader's
/// idempotent load of the real catalog, never the app's (see [`insert`]).
pub async fn upsert_by_slug(db: impl PgExecutor<'_>, p: &NewProduct) -> sqlx::Result<Uuid> {
    sqlx::query_scalar!(
        r#"
        with upserted as (
            insert into products (producer_id, slug, name, description, story, category_code,
                                  price_vnd, unit, stock, status, gi_id, source_url)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            on conflict (slug) do update set
                producer_id = excluded.producer_id, name = excluded.name,
                description = excluded.description, story = excluded.story,
                category_code = excluded.category_code, price_vnd = excluded.price_vnd,
                unit = excluded.unit, stock = excluded.stock, status = excluded.status,
                gi_id = excluded.gi_id, source_url = excluded.source_url
            where (products.producer_id, products.name, products.description, products.story,
                   products.category_code, products.price_vnd, products.unit, products.stock,
                   products.status, products.gi_id, products.source_url)
                  is distinct from
                  (excluded.producer_id, excluded.name, excluded.description, excluded.story,
                   excluded.category_code, excluded.price_vnd, excluded.unit, excluded.stock,
                   excluded.status, excluded.gi_id, excluded.source_url)
            returning id
        )
        select id as "id!" from upserted
        union all
        select id from products where slug = $2
        limit 1
        "#,
        p.producer_id,
        p.slug.as_str(),
        p.name.as_str(),
        p.description,
        p.story,
        p.category_code,
        p.price.amount(),
        p.unit,
        p.stock.amount(),
        p.status.as_str(),
        p.gi_id,
        p.source_url,
    )
    .fetch_one(db)
    .await
}

/// The owner producer of a product (any status), for access checks.
pub async fn producer_of(db: impl PgExecutor<'_>, product_id: Uuid) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!("select producer_id from products where id = $1", product_id)
        .fetch_optional(db)
        .await
}

/// A product's editable fields as JSON, for the audit log's before/after.
pub async fn snapshot(
    db: impl PgExecutor<'_>,
    product_id: Uuid,
) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar!(
        r#"select jsonb_build_object(
                'name', name, 'slug', slug, 'description', description, 'story', story,
                'category_code', category_code, 'price_vnd', price_vnd::text, 'unit', unit,
                'stock', stock::text, 'status', status, 'gi_id', gi_id) as "snapshot!"
             from products where id = $1"#,
        product_id
    )
    .fetch_optional(db)
    .await
}

/// Whether a slug is free.
pub async fn slug_taken(db: impl PgExecutor<'_>, slug: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from products where slug = $1) as "taken!""#,
        slug
    )
    .fetch_one(db)
    .await
}

/// Writes every editable field (the handler merged the patch into the current values).
pub async fn update(db: impl PgExecutor<'_>, id: Uuid, p: &NewProduct) -> sqlx::Result<()> {
    sqlx::query!(
        "update products set name = $2, description = $3, story = $4, category_code = $5,
                price_vnd = $6, unit = $7, stock = $8, status = $9, gi_id = $10
          where id = $1",
        id,
        p.name.as_str(),
        p.description,
        p.story,
        p.category_code,
        p.price.amount(),
        p.unit,
        p.stock.amount(),
        p.status.as_str(),
        p.gi_id,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The unit's rule on fractions, or `None` for an unknown unit.
pub async fn unit_allows_fraction(
    db: impl PgExecutor<'_>,
    unit: &str,
) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar!("select allows_fraction from units where code = $1", unit)
        .fetch_optional(db)
        .await
}

pub async fn category_exists(db: impl PgExecutor<'_>, code: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from categories where code = $1) as "exists!""#,
        code
    )
    .fetch_one(db)
    .await
}

/// A stored photo's row; the objects are already in the media store.
pub struct NewImage<'a> {
    pub id: Uuid,
    pub product_id: Uuid,
    pub object_key: &'a str,
    pub thumb_key: &'a str,
    pub content_type: &'a str,
    pub width: i32,
    pub height: i32,
    pub byte_size: i32,
    pub alt: &'a str,
}

/// Appends a photo after the product's existing ones.
pub async fn insert_image(db: impl PgExecutor<'_>, img: &NewImage<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into product_images (id, product_id, position, object_key, thumb_key, content_type,
                                     width, height, byte_size, alt)
         values ($1, $2, (select coalesce(max(position) + 1, 0) from product_images where product_id = $2),
                 $3, $4, $5, $6, $7, $8, $9)",
        img.id,
        img.product_id,
        img.object_key,
        img.thumb_key,
        img.content_type,
        img.width,
        img.height,
        img.byte_size,
        img.alt,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The stored editable fields of a product, the base a partial update is merged onto.
#[derive(sqlx::FromRow)]
pub struct StoredProduct {
    pub producer_id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub story: String,
    pub category_code: String,
    pub price_vnd: rust_decimal::Decimal,
    pub unit: String,
    pub stock: rust_decimal::Decimal,
    pub status: ProductStatus,
    pub gi_id: Option<Uuid>,
}

pub async fn stored(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<StoredProduct>> {
    sqlx::query_as(
        "select producer_id, slug, name, description, story, category_code, price_vnd, unit, stock,
                status, gi_id
           from products where id = $1 for update",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// A product's photo ids, in no particular order.
pub async fn image_ids(db: impl PgExecutor<'_>, product_id: Uuid) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "select id from product_images where product_id = $1",
        product_id
    )
    .fetch_all(db)
    .await
}

/// Positions photos in the given order (0 = cover).
pub async fn set_image_order(
    db: impl PgExecutor<'_>,
    product_id: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<()> {
    sqlx::query!(
        "update product_images i set position = o.position - 1
           from unnest($2::uuid[]) with ordinality as o(id, position)
          where i.id = o.id and i.product_id = $1",
        product_id,
        ids
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Removes a photo's row; returns its object keys, or `None` when the product has no such photo.
pub async fn delete_image(
    db: impl PgExecutor<'_>,
    product_id: Uuid,
    image_id: Uuid,
) -> sqlx::Result<Option<(String, String)>> {
    let row = sqlx::query!(
        "delete from product_images where id = $1 and product_id = $2 returning object_key, thumb_key",
        image_id,
        product_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.object_key, r.thumb_key)))
}

/// Takes a product out of the catalog; its row and history stay.
pub async fn archive(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!("update products set status = 'archived' where id = $1", id)
        .execute(db)
        .await?;
    Ok(())
}
