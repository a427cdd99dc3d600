//! Geographical indication and collective mark writes.

use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::domain::slug::Slug;

#[derive(Debug, Clone)]
pub struct NewGi {
    pub slug: Slug,
    pub name: String,
    pub product: String,
    pub certificate_no: Option<String>,
    pub decision: Option<String>,
    pub management_org: Option<String>,
    pub protected_area: String,
    pub specification: String,
    pub notes: String,
    pub source_url: Option<String>,
    /// Pre-2025 commune names making up the protected area, where the registration lists them.
    pub protected_communes: Vec<String>,
}

/// Inserts or updates a GI by slug and sets its protected communes to exactly the given list.
pub async fn upsert_by_slug(db: &mut PgConnection, gi: &NewGi) -> sqlx::Result<Uuid> {
    let id = sqlx::query_scalar!(
        r#"
        with upserted as (
            insert into geographical_indications as g (slug, name, product, certificate_no, decision,
                                                  management_org, protected_area, notes, source_url,
                                                  specification)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            on conflict (slug) do update set
                name = excluded.name, product = excluded.product,
                certificate_no = excluded.certificate_no, decision = excluded.decision,
                management_org = excluded.management_org, protected_area = excluded.protected_area,
                notes = excluded.notes, source_url = excluded.source_url,
                specification = excluded.specification
            where (g.name, g.product, g.certificate_no, g.decision, g.management_org,
                   g.protected_area, g.notes, g.source_url, g.specification)
                  is distinct from
                  (excluded.name, excluded.product, excluded.certificate_no, excluded.decision,
                   excluded.management_org, excluded.protected_area, excluded.notes, excluded.source_url,
                   excluded.specification)
            returning id
        )
        select id as "id!" from upserted
        union all
        select id from geographical_indications where slug = $1
        limit 1
        "#,
        gi.slug.as_str(),
        gi.name,
        gi.product,
        gi.certificate_no,
        gi.decision,
        gi.management_org,
        gi.protected_area,
        gi.notes,
        gi.source_url,
        gi.specification,
    )
    .fetch_one(&mut *db)
    .await?;
    sqlx::query!(
        "delete from gi_protected_communes where gi_id = $1 and not (old_commune = any($2))",
        id,
        &gi.protected_communes
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "insert into gi_protected_communes (gi_id, old_commune)
         select $1, unnest($2::text[]) on conflict do nothing",
        id,
        &gi.protected_communes
    )
    .execute(&mut *db)
    .await?;
    Ok(id)
}

/// A GI a producer asks to use, and whether it may: the GI-claim rule is that the producer's
/// pre-2025 commune lies in the GI's protected area. `None` when no GI has this slug.
pub struct GiClaim {
    pub id: Uuid,
    pub name: String,
    pub covered: bool,
}

pub async fn claim(
    db: impl PgExecutor<'_>,
    gi_slug: &str,
    producer_id: Uuid,
) -> sqlx::Result<Option<GiClaim>> {
    sqlx::query_as!(
        GiClaim,
        // `gi_covers_producer` (migrations/…_curation.sql) is the rule, also behind `mismatches`.
        r#"select g.id, g.name, gi_covers_producer(g.id, $2) as "covered!"
             from geographical_indications g where g.slug = $1"#,
        gi_slug,
        producer_id
    )
    .fetch_optional(db)
    .await
}

/// The producer's live products that claim a GI, each with whether the producer's commune now
/// lies in that GI's area (read inside the caller's transaction, after a change).
pub async fn producer_claims(
    db: impl PgExecutor<'_>,
    producer_id: Uuid,
) -> sqlx::Result<Vec<(Uuid, String, bool)>> {
    sqlx::query_as(
        "select p.id, p.name, gi_covers_producer(p.gi_id, p.producer_id)
           from products p
          where p.producer_id = $1 and p.gi_id is not null and p.status <> 'archived'
          order by p.name",
    )
    .bind(producer_id)
    .fetch_all(db)
    .await
}

/// Products claiming a GI their producer's (old) commune is not in: claims made before the
/// rule, or left behind when a producer moved or a protected area changed. Curators review these.
pub async fn mismatches(db: &sqlx::PgPool) -> sqlx::Result<Vec<frontend::api::GiMismatch>> {
    let rows = sqlx::query!(
        r#"select p.id, p.slug, p.name, pr.slug as producer_slug, pr.name as producer_name,
                  pr.old_commune, g.slug as gi_slug, g.name as gi_name,
                  coalesce(array(select pc.old_commune from gi_protected_communes pc
                                  where pc.gi_id = g.id order by pc.old_commune), '{}') as "communes!"
             from products p
             join producers pr on pr.id = p.producer_id
             join geographical_indications g on g.id = p.gi_id
            where p.status <> 'archived' and not gi_covers_producer(g.id, pr.id)
            order by g.name, pr.name, p.name"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| frontend::api::GiMismatch {
            product_id: r.id.to_string(),
            product_slug: r.slug,
            product_name: r.name,
            producer_slug: r.producer_slug,
            producer_name: r.producer_name,
            old_commune: r.old_commune,
            gi_slug: r.gi_slug,
            gi_name: r.gi_name,
            protected_communes: r.communes,
        })
        .collect())
}

/// Whether a GI with this slug or certificate number is already recorded.
pub async fn exists(
    db: impl PgExecutor<'_>,
    slug: &str,
    certificate_no: Option<&str>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from geographical_indications
                           where slug = $1 or certificate_no = $2) as "taken!""#,
        slug,
        certificate_no
    )
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone)]
pub struct NewCollectiveMark {
    pub slug: Slug,
    pub name: String,
    pub product: String,
    pub holder_org: Option<String>,
    pub registration_info: String,
    pub scope_notes: String,
    pub source_url: Option<String>,
}

pub async fn upsert_collective_mark(
    db: impl PgExecutor<'_>,
    m: &NewCollectiveMark,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"
        insert into collective_marks as c (slug, name, product, holder_org, registration_info, scope_notes, source_url)
        values ($1, $2, $3, $4, $5, $6, $7)
        on conflict (slug) do update set
            name = excluded.name, product = excluded.product, holder_org = excluded.holder_org,
            registration_info = excluded.registration_info, scope_notes = excluded.scope_notes,
            source_url = excluded.source_url
        where (c.name, c.product, c.holder_org, c.registration_info, c.scope_notes, c.source_url)
              is distinct from
              (excluded.name, excluded.product, excluded.holder_org, excluded.registration_info,
               excluded.scope_notes, excluded.source_url)
        "#,
        m.slug.as_str(),
        m.name,
        m.product,
        m.holder_org,
        m.registration_info,
        m.scope_notes,
        m.source_url,
    )
    .execute(db)
    .await?;
    Ok(())
}
