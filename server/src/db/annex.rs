//! An OCOP decision's annex: what its rows are matched against (producers, their products, the
//! communes and their pre-2025 names) and the drafts created for producers and products the
//! catalog does not have yet.

use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A producer as the annex's matching sees it.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct ProducerRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub commune_code: Option<String>,
    pub old_commune: Option<String>,
}

#[derive(sqlx::FromRow, Debug, Clone)]
pub struct ProductRow {
    pub id: Uuid,
    pub producer_id: Uuid,
    pub name: String,
    pub status: String,
}

/// A commune name (current or pre-2025) and the current commune it is part of.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct CommuneName {
    pub name: String,
    pub code: String,
}

pub async fn producers(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<ProducerRow>> {
    sqlx::query_as("select id, slug, name, commune_code, old_commune from producers order by name")
        .fetch_all(db)
        .await
}

/// The products (archived ones too: a rating may name one) of these producers.
pub async fn products_of(
    db: impl PgExecutor<'_>,
    producers: &[Uuid],
) -> sqlx::Result<Vec<ProductRow>> {
    sqlx::query_as(
        "select id, producer_id, name, status from products where producer_id = any($1) order by name",
    )
    .bind(producers)
    .fetch_all(db)
    .await
}

/// Every commune name in force and every pre-2025 name, with the commune code it leads to.
pub async fn commune_names(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<CommuneName>> {
    sqlx::query_as(
        "select name, code from communes
         union all
         select name, commune_code from former_communes",
    )
    .fetch_all(db)
    .await
}

/// A producer the annex names and the catalog does not have.
pub async fn insert_producer(
    db: &mut PgConnection,
    slug: &str,
    name: &str,
    kind: &str,
    commune_code: Option<&str>,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "insert into producers (slug, name, kind, commune_code) values ($1, $2, $3, $4) returning id",
    )
    .bind(slug)
    .bind(name)
    .bind(kind)
    .bind(commune_code)
    .fetch_one(db)
    .await
}

/// A draft product for a rated product the catalog does not have: not on sale until its
/// producer sets its real price, unit and stock.
pub async fn insert_draft_product(
    db: &mut PgConnection,
    producer_id: Uuid,
    slug: &str,
    name: &str,
    category_code: &str,
    description: &str,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "insert into products (producer_id, slug, name, category_code, description, price_vnd,
                               unit, stock, status)
         values ($1, $2, $3, $4, $5, 1, 'cai', 0, 'draft') returning id",
    )
    .bind(producer_id)
    .bind(slug)
    .bind(name)
    .bind(category_code)
    .bind(description)
    .fetch_one(db)
    .await
}

/// Whether a producer slug is taken.
pub async fn producer_slug_taken(db: &mut PgConnection, slug: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("select exists (select 1 from producers where slug = $1)")
        .bind(slug)
        .fetch_one(db)
        .await
}

/// Whether a product slug is taken.
pub async fn product_slug_taken(db: &mut PgConnection, slug: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("select exists (select 1 from products where slug = $1)")
        .bind(slug)
        .fetch_one(db)
        .await
}

/// An annex waiting on its review page, with the decision's fields as the curator typed them.
#[derive(sqlx::FromRow)]
pub struct AnnexUpload {
    pub id: Uuid,
    pub file_name: String,
    pub file: Vec<u8>,
    pub decision_no: String,
    pub decided_on: String,
    pub issuer_level: String,
    pub issuer: Option<String>,
    pub rule_set: Option<String>,
    pub applied: bool,
}

/// The decision's fields of an upload.
pub struct AnnexDecision<'a> {
    pub decision_no: &'a str,
    pub decided_on: &'a str,
    pub issuer_level: &'a str,
    pub issuer: Option<&'a str>,
    pub rule_set: Option<&'a str>,
}

/// Keeps an annex for its review, forgetting those older than a day.
pub async fn save_upload(
    db: &mut PgConnection,
    user_id: Uuid,
    file_name: &str,
    file: &[u8],
    decision: &AnnexDecision<'_>,
) -> sqlx::Result<Uuid> {
    sqlx::query("delete from annex_uploads where created_at < now() - interval '1 day'")
        .execute(&mut *db)
        .await?;
    sqlx::query_scalar(
        "insert into annex_uploads (user_id, file_name, file, decision_no, decided_on,
                                    issuer_level, issuer, rule_set)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(user_id)
    .bind(file_name)
    .bind(file)
    .bind(decision.decision_no)
    .bind(decision.decided_on)
    .bind(decision.issuer_level)
    .bind(decision.issuer)
    .bind(decision.rule_set)
    .fetch_one(db)
    .await
}

pub async fn upload(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<AnnexUpload>> {
    sqlx::query_as(
        "select id, file_name, file, decision_no, decided_on, issuer_level, issuer, rule_set,
                applied_at is not null as applied
           from annex_uploads where id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Marks an annex applied, once: false when it already was.
pub async fn mark_applied(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update annex_uploads set applied_at = now() where id = $1 and applied_at is null",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
