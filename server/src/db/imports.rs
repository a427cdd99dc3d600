//! Product imports: the reference lists a spreadsheet is checked against, the producer's products
//! by SKU, the batched inserts and updates (a statement per batch, so the search triggers rebuild
//! a batch's documents at once), and uploads waiting for their preview to be applied.

use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A category, unit or GI as an import may name it.
#[derive(sqlx::FromRow)]
pub struct CategoryRow {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(sqlx::FromRow)]
pub struct UnitRow {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub allows_fraction: bool,
}

/// A GI, and whether this producer's pre-2025 commune lies in its protected area.
#[derive(sqlx::FromRow)]
pub struct GiRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub covered: bool,
}

pub async fn categories(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<CategoryRow>> {
    sqlx::query_as(
        "select code, name_vi, name_en from categories order by parent_code nulls first, position",
    )
    .fetch_all(db)
    .await
}

pub async fn units(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<UnitRow>> {
    sqlx::query_as("select code, name_vi, name_en, allows_fraction from units order by code")
        .fetch_all(db)
        .await
}

/// Every GI, with the GI-claim rule (`gi_covers_producer`) answered for this producer; with no
/// producer (the templates), none is covered.
pub async fn gis(db: impl PgExecutor<'_>, producer_id: Option<Uuid>) -> sqlx::Result<Vec<GiRow>> {
    sqlx::query_as(
        "select id, slug, name,
                coalesce($1::uuid is not null and gi_covers_producer(id, $1), false) as covered
           from geographical_indications order by name",
    )
    .bind(producer_id)
    .fetch_all(db)
    .await
}

/// A product of the producer as an import compares and merges it.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct SkuProduct {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub category_code: String,
    pub price_vnd: Decimal,
    pub unit: String,
    pub stock: Decimal,
    pub gi_id: Option<Uuid>,
}

/// The producer's products with these codes; locked when they are about to be written.
pub async fn by_skus(
    db: &mut PgConnection,
    producer_id: Uuid,
    skus: &[String],
    lock: bool,
) -> sqlx::Result<Vec<SkuProduct>> {
    let sql = if lock {
        "select id, sku, name, description, category_code, price_vnd, unit, stock, gi_id
           from products where producer_id = $1 and sku = any($2) order by id for update"
    } else {
        "select id, sku, name, description, category_code, price_vnd, unit, stock, gi_id
           from products where producer_id = $1 and sku = any($2)"
    };
    sqlx::query_as(sql)
        .bind(producer_id)
        .bind(skus)
        .fetch_all(db)
        .await
}

/// Which of these slugs are taken.
pub async fn taken_slugs(db: &mut PgConnection, slugs: &[String]) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("select slug from products where slug = any($1)")
        .bind(slugs)
        .fetch_all(db)
        .await
}

/// Products to write, column by column (one array per column, one statement per batch).
#[derive(Default)]
pub struct ProductColumns {
    pub ids: Vec<Uuid>,
    pub slugs: Vec<String>,
    pub skus: Vec<String>,
    pub names: Vec<String>,
    pub descriptions: Vec<String>,
    pub categories: Vec<String>,
    pub prices: Vec<Decimal>,
    pub units: Vec<String>,
    pub stocks: Vec<Decimal>,
    pub gis: Vec<Option<Uuid>>,
}

impl ProductColumns {
    pub fn len(&self) -> usize {
        self.skus.len()
    }

    pub fn is_empty(&self) -> bool {
        self.skus.is_empty()
    }
}

/// Inserts new products, on sale at once; returns each new id with its SKU.
pub async fn insert_products(
    db: &mut PgConnection,
    producer_id: Uuid,
    rows: &ProductColumns,
) -> sqlx::Result<Vec<(Uuid, String)>> {
    sqlx::query_as(
        "insert into products (producer_id, slug, sku, name, description, category_code,
                               price_vnd, unit, stock, status, gi_id)
         select $1, t.slug, t.sku, t.name, t.description, t.category_code, t.price_vnd, t.unit,
                t.stock, 'active', t.gi_id
           from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                       $7::numeric[], $8::text[], $9::numeric[], $10::uuid[])
                as t(slug, sku, name, description, category_code, price_vnd, unit, stock, gi_id)
         returning id, sku",
    )
    .bind(producer_id)
    .bind(&rows.slugs)
    .bind(&rows.skus)
    .bind(&rows.names)
    .bind(&rows.descriptions)
    .bind(&rows.categories)
    .bind(&rows.prices)
    .bind(&rows.units)
    .bind(&rows.stocks)
    .bind(&rows.gis)
    .fetch_all(db)
    .await
}

/// Writes the merged fields of existing products (`ids` lines up with the other columns).
pub async fn update_products(db: &mut PgConnection, rows: &ProductColumns) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "update products p
            set name = t.name, description = t.description, category_code = t.category_code,
                price_vnd = t.price_vnd, unit = t.unit, stock = t.stock, gi_id = t.gi_id
           from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::numeric[],
                       $6::text[], $7::numeric[], $8::uuid[])
                as t(id, name, description, category_code, price_vnd, unit, stock, gi_id)
          where p.id = t.id",
    )
    .bind(&rows.ids)
    .bind(&rows.names)
    .bind(&rows.descriptions)
    .bind(&rows.categories)
    .bind(&rows.prices)
    .bind(&rows.units)
    .bind(&rows.stocks)
    .bind(&rows.gis)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Every code the producer uses (a photo may be for a product not in this file).
pub async fn producer_skus(
    db: impl PgExecutor<'_>,
    producer_id: Uuid,
) -> sqlx::Result<std::collections::HashSet<String>> {
    let skus: Vec<String> =
        sqlx::query_scalar("select sku from products where producer_id = $1 and sku is not null")
            .bind(producer_id)
            .fetch_all(db)
            .await?;
    Ok(skus.into_iter().collect())
}

/// Photos of the producer's products already imported under these file names.
pub async fn imported_photos(
    db: &mut PgConnection,
    producer_id: Uuid,
    names: &[String],
) -> sqlx::Result<Vec<(Uuid, String)>> {
    sqlx::query_as(
        "select i.product_id, i.import_name from product_images i
           join products p on p.id = i.product_id
          where p.producer_id = $1 and i.import_name = any($2)",
    )
    .bind(producer_id)
    .bind(names)
    .fetch_all(db)
    .await
}

/// Appends an imported photo after the product's others, remembering its file name.
pub async fn insert_imported_photo(
    db: &mut PgConnection,
    img: &crate::db::products::NewImage<'_>,
    import_name: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into product_images (id, product_id, position, object_key, thumb_key, content_type,
                                     width, height, byte_size, alt, import_name)
         values ($1, $2,
                 (select coalesce(max(position) + 1, 0) from product_images where product_id = $2),
                 $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(img.id)
    .bind(img.product_id)
    .bind(img.object_key)
    .bind(img.thumb_key)
    .bind(img.content_type)
    .bind(img.width)
    .bind(img.height)
    .bind(img.byte_size)
    .bind(img.alt)
    .bind(import_name)
    .execute(db)
    .await?;
    Ok(())
}

/// An uploaded file waiting for its preview to be applied.
#[derive(sqlx::FromRow)]
pub struct Upload {
    pub id: Uuid,
    pub producer_id: Uuid,
    pub user_id: Uuid,
    pub file_name: String,
    pub file: Vec<u8>,
    pub photos: Option<Vec<u8>>,
    pub applied: bool,
}

/// Keeps an upload, forgetting those older than a day (abandoned previews).
pub async fn save_upload(
    db: &mut PgConnection,
    producer_id: Uuid,
    user_id: Uuid,
    file_name: &str,
    file: &[u8],
    photos: Option<&[u8]>,
) -> sqlx::Result<Uuid> {
    sqlx::query("delete from import_uploads where created_at < now() - interval '1 day'")
        .execute(&mut *db)
        .await?;
    sqlx::query_scalar(
        "insert into import_uploads (producer_id, user_id, file_name, file, photos)
         values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(producer_id)
    .bind(user_id)
    .bind(file_name)
    .bind(file)
    .bind(photos)
    .fetch_one(db)
    .await
}

pub async fn upload(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Upload>> {
    sqlx::query_as(
        "select id, producer_id, user_id, file_name, file, photos, applied_at is not null as applied
           from import_uploads where id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Marks an upload applied, once: false when it already was (a second click).
pub async fn mark_applied(db: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update import_uploads set applied_at = now() where id = $1 and applied_at is null",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
