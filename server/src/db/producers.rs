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
