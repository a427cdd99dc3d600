//! Reads for the producer workspace pages: a member's producers, stock at a glance, members, and
//! the choices the forms offer. Writes go through the same modules the JSON API uses.

use frontend::api::{Choice, MemberRow, MyProducer, StockRow};
use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

use super::catalog::media_url;

/// Below this many units a product is flagged "running out" in the workspace.
const LOW_STOCK: i64 = 10;

/// The producers this user belongs to, by name.
pub async fn my_producers(db: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<MyProducer>> {
    sqlx::query_as!(
        MyProducer,
        "select p.slug, p.name, m.role
           from producer_members m join producers p on p.id = m.producer_id
          where m.user_id = $1
          order by p.name collate \"vi-x-icu\"",
        user_id
    )
    .fetch_all(db)
    .await
}

/// Every product of a producer, running-out ones first, archived ones last.
pub async fn stock_rows(
    db: &PgPool,
    producer_id: Uuid,
    media_base: &str,
) -> sqlx::Result<Vec<StockRow>> {
    let rows = sqlx::query!(
        r#"select p.id, p.slug, p.name, p.status, p.price_vnd, p.stock, u.name_vi as unit_name,
                  (select i.thumb_key from product_images i where i.product_id = p.id
                    order by i.position, i.created_at limit 1) as thumb_key
             from products p join units u on u.code = p.unit
            where p.producer_id = $1
            order by p.status = 'archived', p.stock < $2 desc, p.name collate "vi-x-icu""#,
        producer_id,
        Decimal::from(LOW_STOCK)
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StockRow {
            id: r.id.to_string(),
            slug: r.slug,
            name: r.name,
            low: r.status != "archived" && r.stock < Decimal::from(LOW_STOCK),
            status: r.status,
            price_vnd: r.price_vnd.normalize().to_string(),
            unit_name: r.unit_name,
            stock: r.stock.normalize().to_string(),
            thumb_url: r.thumb_key.map(|key| media_url(media_base, &key)),
        })
        .collect())
}

pub async fn members(db: &PgPool, producer_id: Uuid) -> sqlx::Result<Vec<MemberRow>> {
    sqlx::query_as!(
        MemberRow,
        r#"select u.display_name, u.email::text as "email!", m.role
             from producer_members m join users u on u.id = m.user_id
            where m.producer_id = $1
            order by m.role = 'owner' desc, m.added_at"#,
        producer_id
    )
    .fetch_all(db)
    .await
}

// Names sort with Vietnamese collation (ICU): "Bạch Thông" before "Bắc Kạn", not after "Bình Yên".

/// Communes in force since 2025, "Xã Tân Cương" / "Phường Phan Đình Phùng".
pub async fn commune_choices(db: &PgPool) -> sqlx::Result<Vec<Choice>> {
    sqlx::query_as!(
        Choice,
        r#"select code as value,
                  (case kind when 'xa' then 'Xã ' else 'Phường ' end) || name as "label!"
             from communes order by name collate "vi-x-icu""#
    )
    .fetch_all(db)
    .await
}

/// Product categories, sub-groups labelled with their group: "Thực phẩm › Chè".
pub async fn category_choices(db: &PgPool) -> sqlx::Result<Vec<Choice>> {
    sqlx::query_as!(
        Choice,
        r#"select c.code as value,
                  coalesce(parent.name_vi || ' › ', '') || c.name_vi as "label!"
             from categories c left join categories parent on parent.code = c.parent_code
            order by coalesce(parent.position, c.position), c.parent_code nulls first, c.position"#
    )
    .fetch_all(db)
    .await
}

pub async fn unit_choices(db: &PgPool) -> sqlx::Result<Vec<Choice>> {
    sqlx::query_as!(
        Choice,
        "select code as value, name_vi as label from units order by name_vi"
    )
    .fetch_all(db)
    .await
}

/// Geographical indications a product may claim ("Chè Tân Cương (chè (trà xanh))").
pub async fn gi_choices(db: &PgPool) -> sqlx::Result<Vec<Choice>> {
    sqlx::query_as!(
        Choice,
        r#"select slug as value, name || ' — ' || product as "label!"
             from geographical_indications order by name collate "vi-x-icu""#
    )
    .fetch_all(db)
    .await
}

/// A producer's products that can be pinned to a livestream (not archived).
pub async fn pinnable_products(db: &PgPool, producer_id: Uuid) -> sqlx::Result<Vec<Choice>> {
    sqlx::query_as!(
        Choice,
        r#"select id::text as "value!", name as label from products
            where producer_id = $1 and status <> 'archived' order by name collate "vi-x-icu""#,
        producer_id
    )
    .fetch_all(db)
    .await
}
