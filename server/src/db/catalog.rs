//! Catalog queries: producers, products and their OCOP certificates.

use sqlx::PgPool;

/// Counts shown on the home page. A product counts as certified only while a certificate is in
/// force (not expired, revoked or superseded).
pub async fn stats(db: &PgPool) -> sqlx::Result<frontend::api::CatalogStats> {
    let row = sqlx::query!(
        r#"
        select
            (select count(*) from products where status = 'active') as "products!",
            (select count(*) from producers) as "producers!",
            (select count(distinct c.product_id)
               from ocop_certificates c
               join products p on p.id = c.product_id and p.status = 'active'
              where c.revoked_at is null and c.superseded_by is null
                and c.expires_on >= current_date) as "certified!"
        "#
    )
    .fetch_one(db)
    .await?;
    Ok(frontend::api::CatalogStats {
        products: row.products,
        producers: row.producers,
        certified_products: row.certified,
    })
}
