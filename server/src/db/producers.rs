//! Producer writes (HTX, companies, households).

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::catalog::{DisplayName, ProducerKind};
use crate::domain::slug::Slug;

/// A producer as the seed or a producer's form gives it, already validated.
#[derive(Debug, Clone)]
pub struct NewProducer {
    pub slug: Slug,
    pub name: DisplayName,
    pub kind: ProducerKind,
    pub description: String,
    pub commune_code: Option<String>,
    pub old_commune: Option<String>,
    pub old_district: Option<String>,
    pub verified: bool,
    pub source_url: Option<String>,
}

/// Inserts, or updates the row with the same slug only where something differs, so loading the
/// same data twice leaves rows (and their `updated_at`) untouched.
pub async fn upsert_by_slug(db: impl PgExecutor<'_>, p: &NewProducer) -> sqlx::Result<Uuid> {
    sqlx::query_scalar!(
        r#"
        with upserted as (
            insert into producers (slug, name, kind, description, commune_code, old_commune,
                                   old_district, verified, source_url)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            on conflict (slug) do update set
                name = excluded.name, kind = excluded.kind, description = excluded.description,
                commune_code = excluded.commune_code, old_commune = excluded.old_commune,
                old_district = excluded.old_district, verified = excluded.verified,
                source_url = excluded.source_url
            where (producers.name, producers.kind, producers.description, producers.commune_code,
                   producers.old_commune, producers.old_district, producers.verified, producers.source_url)
                  is distinct from
                  (excluded.name, excluded.kind, excluded.description, excluded.commune_code,
                   excluded.old_commune, excluded.old_district, excluded.verified, excluded.source_url)
            returning id
        )
        select id as "id!" from upserted
        union all
        select id from producers where slug = $1
        limit 1
        "#,
        p.slug.as_str(),
        p.name.as_str(),
        p.kind.as_str(),
        p.description,
        p.commune_code,
        p.old_commune,
        p.old_district,
        p.verified,
        p.source_url,
    )
    .fetch_one(db)
    .await
}

/// The 2025 commune that absorbed a pre-2025 commune of this name, when the answer is unique.
pub async fn commune_for_old_name(
    db: impl PgExecutor<'_>,
    old_name: &str,
) -> sqlx::Result<Option<String>> {
    let codes = sqlx::query_scalar!(
        "select distinct commune_code from former_communes where name = $1",
        old_name
    )
    .fetch_all(db)
    .await?;
    Ok(match codes.as_slice() {
        [code] => Some(code.clone()),
        _ => None,
    })
}

/// A producer's editable fields as JSON, for the audit log.
pub async fn snapshot(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar!(
        r#"select jsonb_build_object(
                'name', name, 'kind', kind, 'description', description, 'phone', phone,
                'address', address, 'commune_code', commune_code, 'old_commune', old_commune,
                'old_district', old_district) as "snapshot!"
             from producers where id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// A producer's profile as stored, for an edit to start from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredProducer {
    pub name: String,
    pub kind: String,
    pub description: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub commune_code: Option<String>,
    pub old_commune: Option<String>,
    pub old_district: Option<String>,
}

pub async fn stored(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<StoredProducer>> {
    sqlx::query_as(
        "select name, kind, description, phone, address, commune_code, old_commune, old_district
           from producers where id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn slug_taken(db: impl PgExecutor<'_>, slug: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from producers where slug = $1) as "taken!""#,
        slug
    )
    .fetch_one(db)
    .await
}

pub async fn commune_exists(db: impl PgExecutor<'_>, code: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from communes where code = $1) as "exists!""#,
        code
    )
    .fetch_one(db)
    .await
}

/// Contact details a producer edits itself.
pub struct ProducerContact {
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// Inserts a new producer with contact details; the caller adds its owner in the same transaction.
pub async fn insert(
    db: impl PgExecutor<'_>,
    p: &NewProducer,
    contact: &ProducerContact,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar!(
        "insert into producers (slug, name, kind, description, commune_code, old_commune, old_district,
                                phone, address)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
        p.slug.as_str(),
        p.name.as_str(),
        p.kind.as_str(),
        p.description,
        p.commune_code,
        p.old_commune,
        p.old_district,
        contact.phone,
        contact.address,
    )
    .fetch_one(db)
    .await
}

pub async fn update(
    db: impl PgExecutor<'_>,
    id: Uuid,
    p: &NewProducer,
    contact: &ProducerContact,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update producers set name = $2, kind = $3, description = $4, commune_code = $5,
                old_commune = $6, old_district = $7, phone = $8, address = $9
          where id = $1",
        id,
        p.name.as_str(),
        p.kind.as_str(),
        p.description,
        p.commune_code,
        p.old_commune,
        p.old_district,
        contact.phone,
        contact.address,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A producer's name and slug, for messages that name it and link to its workspace.
pub async fn name_and_slug(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<(String, String)> {
    sqlx::query_as("select name, slug from producers where id = $1")
        .bind(id)
        .fetch_one(db)
        .await
}
