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

/// Inserts, or updates the same-slug row only where something differs (idempotent seeding).
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
