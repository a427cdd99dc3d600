//! A product's whole page: the product, its photos, the certificate in force, its producer and
//! GI, and the livestreams pinning it. Kept apart from `catalog` (cards and lists) so that
//! `livestreams`, which shows product cards, and this page, which shows livestreams, do not
//! import each other.

use chrono::{DateTime, NaiveDate, Utc};
use frontend::api::{CategoryRef, ImageDto, OcopDetail, ProductDetail, Rating};
use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

use super::catalog::{GiKey, gi_card, media_url, producer_card};
use super::livestreams;
use crate::domain::ocop::CertificateStatus;
use crate::view::ReadContext;

/// A product's own columns with its category, unit, sales and rating.
#[derive(sqlx::FromRow)]
struct ProductRow {
    id: Uuid,
    slug: String,
    name: String,
    description: String,
    story: String,
    price_vnd: Decimal,
    unit: String,
    unit_name: String,
    stock: Decimal,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    gi_id: Option<Uuid>,
    producer_id: Uuid,
    category_code: String,
    category_name: String,
    sells_online: bool,
    rating_average: Option<Decimal>,
    rating_count: i64,
}

/// Which product, and whether drafts and archived ones count (they do for their producer).
pub enum ProductKey<'a> {
    VisibleSlug(&'a str),
    AnyId(Uuid),
}

/// A product with everything its page shows. Buyers look up visible products by slug: draft and
/// archived ones are absent for them.
pub async fn product_detail(
    db: &PgPool,
    key: ProductKey<'_>,
    view: &ReadContext<'_>,
) -> sqlx::Result<Option<ProductDetail>> {
    let (slug, id) = match key {
        ProductKey::VisibleSlug(slug) => (Some(slug), None),
        ProductKey::AnyId(id) => (None, Some(id)),
    };
    // The product with what its page shows of its producer's sales and its reviews, in one
    // statement (every product view reads them).
    let Some(row): Option<ProductRow> = sqlx::query_as(
        r#"
        select p.id, p.slug, p.name, p.description, p.story, p.price_vnd, p.unit, u.name_vi as unit_name,
               p.stock, p.status, p.created_at, p.updated_at, p.gi_id, p.producer_id,
               c.code as category_code, c.name_vi as category_name,
               exists (select 1 from sales_settings s where s.producer_id = p.producer_id) as sells_online,
               rt.average as rating_average, rt.count as rating_count
          from products p
          join categories c on c.code = p.category_code
          join units u on u.code = p.unit
          cross join lateral (
              select round(avg(r.rating), 1) as average, count(*) as count from reviews r
               where r.product_id = p.id and r.hidden_at is null
          ) rt
         where (p.slug = $1 and p.status = 'active') or p.id = $2
        "#,
    )
    .bind(slug)
    .bind(id)
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };

    let images = sqlx::query!(
        "select id, object_key, thumb_key, alt, width, height from product_images
          where product_id = $1 order by position, created_at",
        row.id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|img| ImageDto {
        id: img.id.to_string(),
        url: media_url(view.media_base, &img.object_key),
        thumb_url: media_url(view.media_base, &img.thumb_key),
        alt: img.alt,
        width: u32::try_from(img.width).unwrap_or_default(),
        height: u32::try_from(img.height).unwrap_or_default(),
    })
    .collect();

    let ocop = current_certificate(db, row.id, view.today, view.base_url).await?;
    let pinned_in = livestreams::LivestreamFilter {
        product: Some(row.id),
        current: true,
        ..Default::default()
    };
    let streams = livestreams::list(db, &pinned_in, view.now, 10).await?;
    let livestreams = livestreams::cards(db, streams, view).await?;
    let producer = producer_card(db, row.producer_id).await?;
    let gi = match row.gi_id {
        Some(id) => gi_card(db, GiKey::Id(id)).await?,
        None => None,
    };
    // As `reviews::ratings` presents it: none before the first visible review.
    let rating = row
        .rating_average
        .filter(|_| row.rating_count > 0)
        .map(|average| Rating {
            average: average.round_dp(1).to_string(),
            count: row.rating_count,
        });
    let (latest_reviews, _) = super::reviews::of_product(db, row.id, 5, 0).await?;
    Ok(Some(ProductDetail {
        id: row.id.to_string(),
        slug: row.slug,
        name: row.name,
        description: row.description,
        story: row.story,
        category: CategoryRef {
            code: row.category_code,
            name: row.category_name,
        },
        price_vnd: row.price_vnd.normalize().to_string(),
        unit: row.unit,
        unit_name: row.unit_name,
        stock: row.stock.normalize().to_string(),
        in_stock: row.stock > Decimal::ZERO,
        status: row.status,
        images,
        livestreams,
        ocop,
        gi,
        commune: producer.commune.clone(),
        producer,
        created_at: row.created_at.to_rfc3339(),
        updated_at: row.updated_at.to_rfc3339(),
        sells_online: row.sells_online,
        rating,
        latest_reviews,
    }))
}

/// The newest certificate of a product that is in force on `today`, if any.
async fn current_certificate(
    db: &PgPool,
    product_id: Uuid,
    today: NaiveDate,
    base_url: &str,
) -> sqlx::Result<Option<OcopDetail>> {
    let row = sqlx::query!(
        r#"
        select stars, decision_no, issuer, issuer_level, rule_set, issued_on, expires_on, verify_code
          from ocop_certificates
         where product_id = $1 and revoked_at is null and superseded_by is null and expires_on >= $2
         order by issued_on desc
         limit 1
        "#,
        product_id,
        today
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|c| OcopDetail {
        stars: c.stars as u8,
        decision_no: c.decision_no,
        issuer: c.issuer,
        issuer_level: c.issuer_level,
        rule_set: c.rule_set,
        issued_on: c.issued_on.to_string(),
        expires_on: c.expires_on.to_string(),
        status: CertificateStatus::derive(c.expires_on, false, today)
            .as_str()
            .to_owned(),
        verify_url: format!(
            "{}/xac-minh/{}",
            base_url.trim_end_matches('/'),
            c.verify_code
        ),
    }))
}
