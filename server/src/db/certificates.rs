//! OCOP certificates: every write (seed load, issue with supersession, revocation, the daily
//! expiry record) lives here so the search outbox can hook in at one place; plus the reads for
//! verification, reminders, digests, the register and the curators' dashboard.
//!
//! "In force" is always `revoked_at is null and superseded_by is null and expires_on >= today`,
//! the same predicate the catalog uses: only such a certificate shows stars.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use frontend::api::{
    CertificateDto, CertificateReminder, CountRow, ExpiringCertificate, VerifiedProducer,
    VerifiedProduct, VerifyResult,
};
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

use crate::domain::curation::reminder_stage;
use crate::domain::ocop::{CertificateStatus, IssuerLevel, Stars};

#[derive(Debug, Clone)]
pub struct NewCertificate {
    pub product_id: Uuid,
    pub stars: Stars,
    pub rule_set: String,
    pub decision_no: String,
    pub issuer_level: IssuerLevel,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub source_url: Option<String>,
}

/// Records a certificate once per (product, decision); loading it again changes nothing.
/// Used by the seed only.
pub async fn insert_if_absent(db: impl PgExecutor<'_>, c: &NewCertificate) -> sqlx::Result<()> {
    sqlx::query!(
        r#"
        insert into ocop_certificates (product_id, stars, rule_set, decision_no, issuer_level,
                                       issuer, issued_on, source_url)
        values ($1, $2, $3, $4, $5, $6, $7, $8)
        on conflict (product_id, decision_no) do nothing
        "#,
        c.product_id,
        i16::from(c.stars.get()),
        c.rule_set,
        c.decision_no,
        c.issuer_level.as_str(),
        c.issuer,
        c.issued_on,
        c.source_url,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A certificate just issued, and the earlier ones of the product it replaced.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: Uuid,
    pub superseded: Vec<Uuid>,
}

/// Issues a certificate (curators' approval) and marks every earlier certificate of the product
/// still standing as superseded by it: a re-rating replaces the old rating. Call inside the
/// caller's transaction, which also records the audit entry.
pub async fn issue(db: &mut PgConnection, c: &NewCertificate) -> sqlx::Result<Issued> {
    let id = sqlx::query_scalar!(
        r#"
        insert into ocop_certificates (product_id, stars, rule_set, decision_no, issuer_level,
                                       issuer, issued_on, source_url)
        values ($1, $2, $3, $4, $5, $6, $7, $8)
        returning id
        "#,
        c.product_id,
        i16::from(c.stars.get()),
        c.rule_set,
        c.decision_no,
        c.issuer_level.as_str(),
        c.issuer,
        c.issued_on,
        c.source_url,
    )
    .fetch_one(&mut *db)
    .await?;
    let superseded = sqlx::query_scalar!(
        r#"
        update ocop_certificates set superseded_by = $2
         where product_id = $1 and id <> $2 and superseded_by is null and revoked_at is null
        returning id
        "#,
        c.product_id,
        id
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(Issued { id, superseded })
}

/// Revokes a certificate; `false` when it was already revoked (nothing changes then).
pub async fn revoke(
    db: &mut PgConnection,
    id: Uuid,
    at: DateTime<Utc>,
    reason: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update ocop_certificates set revoked_at = $2, revoked_reason = $3
          where id = $1 and revoked_at is null",
        id,
        at,
        reason
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records, once, each certificate that has passed its expiry by `today` (without having been
/// revoked or replaced first) and returns the products concerned: the daily job re-indexes
/// them, so search facets drop their stars. Safe to run any number of times a day.
pub async fn record_expiries(db: &mut PgConnection, today: NaiveDate) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        r#"
        insert into certificate_expiries (certificate_id, product_id, expired_on)
        select id, product_id, expires_on + 1 from ocop_certificates
         where expires_on < $1 and revoked_at is null and superseded_by is null
        on conflict (certificate_id) do nothing
        returning product_id
        "#,
        today
    )
    .fetch_all(db)
    .await
}

/// Whether this product already has a certificate under this decision number.
pub async fn decision_taken(
    db: impl PgExecutor<'_>,
    product_id: Uuid,
    decision_no: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from ocop_certificates
                           where product_id = $1 and decision_no = $2) as "taken!""#,
        product_id,
        decision_no
    )
    .fetch_one(db)
    .await
}

/// A stored certificate; its status is derived on reading, never stored.
#[derive(Debug, Clone)]
pub struct CertificateRow {
    pub id: Uuid,
    pub product_id: Uuid,
    pub stars: i16,
    pub rule_set: String,
    pub decision_no: String,
    pub issuer: String,
    pub issuer_level: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub superseded_by: Option<Uuid>,
    pub verify_code: String,
}

impl CertificateRow {
    pub fn status(&self, today: NaiveDate) -> CertificateStatus {
        CertificateStatus::derive_full(
            self.expires_on,
            self.revoked_at.is_some(),
            self.superseded_by.is_some(),
            today,
        )
    }

    pub fn to_dto(&self, today: NaiveDate, base_url: &str) -> CertificateDto {
        let status = self.status(today);
        CertificateDto {
            id: self.id.to_string(),
            stars: self.stars as u8,
            rule_set: self.rule_set.clone(),
            decision_no: self.decision_no.clone(),
            issuer: self.issuer.clone(),
            issuer_level: self.issuer_level.clone(),
            issued_on: self.issued_on.to_string(),
            expires_on: self.expires_on.to_string(),
            status: status.contract_str().to_owned(),
            detailed_status: status.as_str().to_owned(),
            days_left: (self.expires_on - today).num_days(),
            revoked_at: self.revoked_at.map(|t| t.to_rfc3339()),
            revoked_reason: self.revoked_reason.clone(),
            verify_code: self.verify_code.clone(),
            verify_url: verify_url(base_url, &self.verify_code),
        }
    }
}

/// The public page a certificate's QR code links to.
pub fn verify_url(base_url: &str, code: &str) -> String {
    format!("{}/xac-minh/{code}", base_url.trim_end_matches('/'))
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<CertificateRow>> {
    sqlx::query_as!(
        CertificateRow,
        r#"select id, product_id, stars, rule_set, decision_no, issuer, issuer_level, issued_on,
                  expires_on, revoked_at, revoked_reason, superseded_by, verify_code
             from ocop_certificates where id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// What `/xac-minh/{code}` and `GET /api/v1/verify/{code}` show.
pub async fn verify(
    db: &PgPool,
    code: &str,
    today: NaiveDate,
    base_url: &str,
) -> sqlx::Result<Option<VerifyResult>> {
    let Some(row) = sqlx::query!(
        r#"select c.id, p.id as product_id, p.slug as product_slug, p.name as product_name,
                  p.status as product_status, cat.name_vi as category_name,
                  pr.slug as producer_slug, pr.name as producer_name, pr.old_commune,
                  (select name from communes where code = pr.commune_code) as commune_name,
                  (select verify_code from ocop_certificates n where n.id = c.superseded_by)
                      as superseded_by_code
             from ocop_certificates c
             join products p on p.id = c.product_id
             join categories cat on cat.code = p.category_code
             join producers pr on pr.id = p.producer_id
            where c.verify_code = $1"#,
        code
    )
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let Some(certificate) = get(db, row.id).await? else {
        return Ok(None);
    };
    let base = base_url.trim_end_matches('/');
    Ok(Some(VerifyResult {
        product: VerifiedProduct {
            id: row.product_id.to_string(),
            slug: row.product_slug,
            name: row.product_name,
            category: row.category_name,
            listed: row.product_status == "active",
        },
        producer: VerifiedProducer {
            slug: row.producer_slug,
            name: row.producer_name,
            commune: row.commune_name,
            old_commune: row.old_commune,
        },
        superseded_by_verify_url: row.superseded_by_code.map(|c| verify_url(base, &c)),
        qr_svg_url: format!("{base}/xac-minh/{code}/qr.svg"),
        qr_png_url: format!("{base}/xac-minh/{code}/qr.png"),
        checked_on: today.to_string(),
        certificate: certificate.to_dto(today, base),
    }))
}

/// Certificates in force with at most 180 days left, of one producer or of all
/// (`producer = None`, for the digest), soonest first, with the producer of each.
async fn reminder_rows(
    db: &PgPool,
    producer: Option<Uuid>,
    today: NaiveDate,
    base_url: &str,
) -> sqlx::Result<Vec<(Uuid, CertificateReminder)>> {
    let rows = sqlx::query!(
        r#"select c.id, c.product_id, p.slug, p.name, p.producer_id, c.stars, c.decision_no,
                  c.expires_on, c.verify_code
             from ocop_certificates c
             join products p on p.id = c.product_id
            where c.revoked_at is null and c.superseded_by is null
              and c.expires_on >= $1 and c.expires_on <= $1 + 180
              and ($2::uuid is null or p.producer_id = $2)
              and p.status <> 'archived'
            order by c.expires_on, p.name"#,
        today,
        producer
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let days_left = (r.expires_on - today).num_days();
            let stage = reminder_stage(days_left)?;
            Some((
                r.producer_id,
                CertificateReminder {
                    certificate_id: r.id.to_string(),
                    product_id: r.product_id.to_string(),
                    product_slug: r.slug,
                    product_name: r.name,
                    stars: r.stars as u8,
                    decision_no: r.decision_no,
                    expires_on: r.expires_on.to_string(),
                    days_left,
                    stage,
                    verify_url: verify_url(base_url, &r.verify_code),
                },
            ))
        })
        .collect())
}

/// A producer's certificate reminders (180, 90 and 30 days before expiry) for its workspace.
pub async fn reminders_for_producer(
    db: &PgPool,
    producer_id: Uuid,
    today: NaiveDate,
    base_url: &str,
) -> sqlx::Result<Vec<CertificateReminder>> {
    Ok(reminder_rows(db, Some(producer_id), today, base_url)
        .await?
        .into_iter()
        .map(|(_, r)| r)
        .collect())
}

/// Today's reminders grouped by producer: what each producer's digest of the day holds.
pub async fn daily_digests(
    db: &PgPool,
    today: NaiveDate,
    base_url: &str,
) -> sqlx::Result<BTreeMap<Uuid, Vec<CertificateReminder>>> {
    let mut per_producer: BTreeMap<Uuid, Vec<CertificateReminder>> = BTreeMap::new();
    for (producer, reminder) in reminder_rows(db, None, today, base_url).await? {
        per_producer.entry(producer).or_default().push(reminder);
    }
    Ok(per_producer)
}

/// Records a producer's digest row for `today`, in the caller's transaction (which also queues
/// its mail). One row per producer per day: `false` when the day's row already exists.
pub async fn record_digest(
    db: &mut PgConnection,
    producer: Uuid,
    today: NaiveDate,
    reminders: &[CertificateReminder],
) -> sqlx::Result<bool> {
    let json = serde_json::to_value(reminders).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let added = sqlx::query!(
        "insert into certificate_digests (producer_id, digest_on, reminders)
             values ($1, $2, $3) on conflict (producer_id, digest_on) do nothing",
        producer,
        today,
        json
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(added > 0)
}

/// One line of the certificate register (CSV export).
#[derive(Debug, Clone)]
pub struct RegisterRow {
    pub certificate: CertificateRow,
    pub product_name: String,
    pub product_slug: String,
    pub category: String,
    pub producer_name: String,
    pub commune: Option<String>,
    pub old_commune: Option<String>,
}

/// Every certificate ever recorded, newest decision first.
pub async fn register(db: &PgPool) -> sqlx::Result<Vec<RegisterRow>> {
    let rows = sqlx::query!(
        r#"select c.id, c.product_id, c.stars, c.rule_set, c.decision_no, c.issuer, c.issuer_level,
                  c.issued_on, c.expires_on, c.revoked_at, c.revoked_reason, c.superseded_by,
                  c.verify_code, p.name as product_name, p.slug as product_slug,
                  cat.name_vi as category, pr.name as producer_name, pr.old_commune,
                  (select name from communes where code = pr.commune_code) as commune
             from ocop_certificates c
             join products p on p.id = c.product_id
             join categories cat on cat.code = p.category_code
             join producers pr on pr.id = p.producer_id
            order by c.issued_on desc, p.name, c.decision_no"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RegisterRow {
            certificate: CertificateRow {
                id: r.id,
                product_id: r.product_id,
                stars: r.stars,
                rule_set: r.rule_set,
                decision_no: r.decision_no,
                issuer: r.issuer,
                issuer_level: r.issuer_level,
                issued_on: r.issued_on,
                expires_on: r.expires_on,
                revoked_at: r.revoked_at,
                revoked_reason: r.revoked_reason,
                superseded_by: r.superseded_by,
                verify_code: r.verify_code,
            },
            product_name: r.product_name,
            product_slug: r.product_slug,
            category: r.category,
            producer_name: r.producer_name,
            commune: r.commune,
            old_commune: r.old_commune,
        })
        .collect())
}

/// Certificates in force on `today` counted by stars, by top-level product group and by the
/// producer's commune (the dashboard's charts), plus the total.
pub async fn counts_in_force(
    db: &PgPool,
    today: NaiveDate,
) -> sqlx::Result<(i64, Vec<CountRow>, Vec<CountRow>, Vec<CountRow>)> {
    let rows = sqlx::query!(
        r#"
        with in_force as (
            select c.stars, coalesce(cat.parent_code, cat.code) as group_code, pr.commune_code
              from ocop_certificates c
              join products p on p.id = c.product_id
              join categories cat on cat.code = p.category_code
              join producers pr on pr.id = p.producer_id
             where c.revoked_at is null and c.superseded_by is null and c.expires_on >= $1
        )
        select 'stars' as "facet!", stars::text as "key!", stars::text || '★' as "label!",
               count(*) as "count!"
          from in_force group by stars
        union all
        select 'category', f.group_code, g.name_vi, count(*)
          from in_force f join categories g on g.code = f.group_code group by f.group_code, g.name_vi
        union all
        select 'commune', coalesce(f.commune_code, ''),
               coalesce(case cm.kind when 'phuong' then 'Phường ' else 'Xã ' end || cm.name,
                        'Chưa rõ xã/phường'),
               count(*)
          from in_force f left join communes cm on cm.code = f.commune_code
         group by f.commune_code, cm.kind, cm.name
        "#,
        today
    )
    .fetch_all(db)
    .await?;
    let (mut stars, mut categories, mut communes) = (Vec::new(), Vec::new(), Vec::new());
    let mut total = 0;
    for row in rows {
        let item = CountRow {
            key: row.key,
            label: row.label,
            count: row.count,
        };
        match row.facet.as_str() {
            "stars" => {
                total += item.count;
                stars.push(item);
            }
            "category" => categories.push(item),
            _ => communes.push(item),
        }
    }
    stars.sort_by(|a, b| a.key.cmp(&b.key));
    for list in [&mut categories, &mut communes] {
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    }
    Ok((total, stars, categories, communes))
}

/// Certificates in force that end within `days` days of `today`, soonest first.
pub async fn expiring_within(
    db: &PgPool,
    today: NaiveDate,
    days: i32,
    base_url: &str,
) -> sqlx::Result<Vec<ExpiringCertificate>> {
    let rows = sqlx::query!(
        r#"select c.id, c.stars, c.decision_no, c.expires_on, c.verify_code,
                  p.name as product_name, p.slug as product_slug, pr.name as producer_name
             from ocop_certificates c
             join products p on p.id = c.product_id
             join producers pr on pr.id = p.producer_id
            where c.revoked_at is null and c.superseded_by is null
              and c.expires_on >= $1 and c.expires_on <= $1 + $2::int
            order by c.expires_on, p.name"#,
        today,
        days
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ExpiringCertificate {
            certificate_id: r.id.to_string(),
            product_name: r.product_name,
            product_slug: r.product_slug,
            producer_name: r.producer_name,
            stars: r.stars as u8,
            decision_no: r.decision_no,
            expires_on: r.expires_on.to_string(),
            days_left: (r.expires_on - today).num_days(),
            verify_url: verify_url(base_url, &r.verify_code),
        })
        .collect())
}
