//! OCOP applications and their documents: inserts, guarded status moves (a move only happens
//! from the status the caller checked, so two curators cannot both decide), and the queue.

use chrono::{DateTime, NaiveDate, Utc};
use frontend::api::{ApplicationDocumentDto, ApplicationDto, ProducerRef, SelfScoreDto};
use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::domain::curation::{ApplicationStatus, RuleSet, SelfScore};

pub struct NewApplication<'a> {
    pub product_id: Uuid,
    pub producer_id: Uuid,
    pub rule_set: RuleSet,
    pub self_score: Option<SelfScore>,
    pub notes: &'a str,
    pub status: ApplicationStatus,
    pub created_by: Uuid,
    pub now: DateTime<Utc>,
}

/// Inserts an application (as a draft or already submitted). `None` when the product already
/// has an open application (the partial unique index decides, so concurrent requests agree).
pub async fn insert(db: &mut PgConnection, a: &NewApplication<'_>) -> sqlx::Result<Option<Uuid>> {
    let submitted_at = (a.status == ApplicationStatus::Submitted).then_some(a.now);
    sqlx::query_scalar!(
        r#"
        insert into ocop_applications (product_id, producer_id, rule_set, score_a, score_b, score_c,
                                       notes, status, created_by, created_at, submitted_at)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        on conflict (product_id) where status in ('draft', 'submitted', 'under_review') do nothing
        returning id
        "#,
        a.product_id,
        a.producer_id,
        a.rule_set.code(),
        a.self_score.map(|s| i16::from(s.a)),
        a.self_score.map(|s| i16::from(s.b)),
        a.self_score.map(|s| i16::from(s.c)),
        a.notes,
        a.status.as_str(),
        a.created_by,
        a.now,
        submitted_at,
    )
    .fetch_optional(db)
    .await
}

/// The stored facts access rules and transitions look at.
#[derive(Debug, Clone)]
pub struct ApplicationHead {
    pub id: Uuid,
    pub product_id: Uuid,
    pub producer_id: Uuid,
    pub rule_set: RuleSet,
    pub status: ApplicationStatus,
}

/// Reads an application's head, locking the row when `db` is a transaction (`for update`), so a
/// transition decided on it cannot race another.
pub async fn head_for_update(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> sqlx::Result<Option<ApplicationHead>> {
    let row = sqlx::query!(
        "select id, product_id, producer_id, rule_set, status from ocop_applications
          where id = $1 for update",
        id
    )
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(ApplicationHead {
            id: r.id,
            product_id: r.product_id,
            producer_id: r.producer_id,
            rule_set: r.rule_set.parse().map_err(decode)?,
            status: r.status.parse().map_err(decode)?,
        })
    })
    .transpose()
}

fn decode(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

/// What a status move records besides the status.
#[derive(Debug, Clone, Default)]
pub struct Transition<'a> {
    pub actor: Option<Uuid>,
    pub reason: Option<&'a str>,
    pub certificate_id: Option<Uuid>,
}

/// Moves an application from `from` to `to` (the caller checked the move is legal), stamping
/// the time the move happened. `false` when the row was no longer in `from`.
pub async fn transition(
    db: &mut PgConnection,
    id: Uuid,
    from: ApplicationStatus,
    to: ApplicationStatus,
    now: DateTime<Utc>,
    t: Transition<'_>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"
        update ocop_applications set
            status = $3,
            submitted_at = case when $3 = 'submitted' then $4 else submitted_at end,
            review_started_at = case when $3 = 'under_review' then $4 else review_started_at end,
            reviewer_id = case when $3 = 'under_review' then $5 else reviewer_id end,
            decided_at = case when $3 in ('approved', 'rejected') then $4 else decided_at end,
            decided_by = case when $3 in ('approved', 'rejected') then $5 else decided_by end,
            decision_reason = case when $3 in ('approved', 'rejected') then $6 else decision_reason end,
            certificate_id = coalesce($7, certificate_id),
            withdrawn_at = case when $3 = 'withdrawn' then $4 else withdrawn_at end
         where id = $1 and status = $2
        "#,
        id,
        from.as_str(),
        to.as_str(),
        now,
        t.actor,
        t.reason,
        t.certificate_id,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct NewDocument<'a> {
    pub id: Uuid,
    pub application_id: Uuid,
    pub object_key: &'a str,
    pub content_type: &'a str,
    pub file_name: &'a str,
    pub byte_size: i32,
    pub uploaded_by: Uuid,
}

/// How many documents an application holds (the caller holds its row lock).
pub async fn document_count(db: impl PgExecutor<'_>, application_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from ocop_application_documents where application_id = $1"#,
        application_id
    )
    .fetch_one(db)
    .await
}

pub async fn insert_document(db: impl PgExecutor<'_>, d: &NewDocument<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into ocop_application_documents
             (id, application_id, object_key, content_type, file_name, byte_size, uploaded_by)
         values ($1, $2, $3, $4, $5, $6, $7)",
        d.id,
        d.application_id,
        d.object_key,
        d.content_type,
        d.file_name,
        d.byte_size,
        d.uploaded_by,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A document's object key and type, when it belongs to this application.
pub async fn document(
    db: impl PgExecutor<'_>,
    application_id: Uuid,
    document_id: Uuid,
) -> sqlx::Result<Option<(String, String, String)>> {
    let row = sqlx::query!(
        "select object_key, content_type, file_name from ocop_application_documents
          where application_id = $1 and id = $2",
        application_id,
        document_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.object_key, r.content_type, r.file_name)))
}

/// Which applications a list shows.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    /// Any of these statuses; empty means every status.
    pub statuses: Vec<ApplicationStatus>,
    pub producer_id: Option<Uuid>,
    /// The producer's commune (2025 code).
    pub commune: Option<String>,
    /// A category or top-level group code.
    pub category: Option<String>,
    pub rule_set: Option<RuleSet>,
    /// Waiting at least this many days since submission.
    pub min_waiting_days: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: Uuid,
    status: String,
    rule_set: String,
    score_a: Option<i16>,
    score_b: Option<i16>,
    score_c: Option<i16>,
    notes: String,
    product_id: Uuid,
    product_slug: String,
    product_name: String,
    producer_slug: String,
    producer_name: String,
    category_name: String,
    commune_name: Option<String>,
    created_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    review_started_at: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
    decision_reason: Option<String>,
    certificate_id: Option<Uuid>,
    certificate_verify_code: Option<String>,
    total: i64,
}

/// Applications matching `filter`, longest waiting first (drafts last), with the total.
/// `today` is the app's calendar: waiting time follows it.
pub async fn list(
    db: &PgPool,
    filter: &ApplicationFilter,
    today: NaiveDate,
) -> sqlx::Result<(Vec<ApplicationDto>, i64)> {
    let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(
        r#"
        select a.id, a.status, a.rule_set, a.score_a, a.score_b, a.score_c, a.notes,
               p.id as product_id, p.slug as product_slug, p.name as product_name,
               pr.slug as producer_slug, pr.name as producer_name, c.name_vi as category_name,
               (select name from communes where code = pr.commune_code) as commune_name,
               a.created_at, a.submitted_at, a.review_started_at, a.decided_at,
               a.decision_reason, a.certificate_id,
               (select verify_code from ocop_certificates where id = a.certificate_id) as certificate_verify_code,
               count(*) over () as total
          from ocop_applications a
          join products p on p.id = a.product_id
          join producers pr on pr.id = a.producer_id
          join categories c on c.code = p.category_code
         where true
        "#,
    );
    if !filter.statuses.is_empty() {
        let statuses: Vec<String> = filter
            .statuses
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect();
        qb.push(" and a.status = any(")
            .push_bind(statuses)
            .push(")");
    }
    if let Some(producer) = filter.producer_id {
        qb.push(" and a.producer_id = ").push_bind(producer);
    }
    if let Some(commune) = &filter.commune {
        qb.push(" and pr.commune_code = ")
            .push_bind(commune.clone());
    }
    if let Some(category) = &filter.category {
        qb.push(" and (c.code = ")
            .push_bind(category.clone())
            .push(" or c.parent_code = ")
            .push_bind(category.clone())
            .push(")");
    }
    if let Some(rule_set) = filter.rule_set {
        qb.push(" and a.rule_set = ").push_bind(rule_set.code());
    }
    if let Some(days) = filter.min_waiting_days {
        // Whole days in Vietnam's calendar, as the dashboard shows them.
        qb.push(" and a.submitted_at is not null and (")
            .push_bind(today)
            .push(" - (a.submitted_at at time zone make_interval(secs => ")
            .push_bind(f64::from(crate::clock::VIETNAM_OFFSET_SECS))
            .push("))::date) >= ")
            .push_bind(days as i32);
    }
    qb.push(" order by a.submitted_at asc nulls last, a.created_at asc, a.id limit ")
        .push_bind(filter.limit)
        .push(" offset ")
        .push_bind(filter.offset);
    let rows: Vec<ListRow> = qb.build_query_as().fetch_all(db).await?;
    let total = rows.first().map_or(0, |r| r.total);
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let docs = documents_of(db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let documents = docs
                .iter()
                .filter(|(app, _)| *app == r.id)
                .map(|(_, d)| d.clone())
                .collect();
            to_dto(r, documents, today)
        })
        .collect();
    Ok((items, total))
}

/// One application by id.
pub async fn get(db: &PgPool, id: Uuid, today: NaiveDate) -> sqlx::Result<Option<ApplicationDto>> {
    let row: Option<ListRow> = sqlx::query_as(
        r#"
        select a.id, a.status, a.rule_set, a.score_a, a.score_b, a.score_c, a.notes,
               p.id as product_id, p.slug as product_slug, p.name as product_name,
               pr.slug as producer_slug, pr.name as producer_name, c.name_vi as category_name,
               (select name from communes where code = pr.commune_code) as commune_name,
               a.created_at, a.submitted_at, a.review_started_at, a.decided_at,
               a.decision_reason, a.certificate_id,
               (select verify_code from ocop_certificates where id = a.certificate_id) as certificate_verify_code,
               1::bigint as total
          from ocop_applications a
          join products p on p.id = a.product_id
          join producers pr on pr.id = a.producer_id
          join categories c on c.code = p.category_code
         where a.id = $1
        "#,
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let documents = documents_of(db, &[id])
        .await?
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    Ok(Some(to_dto(row, documents, today)))
}

async fn documents_of(
    db: &PgPool,
    ids: &[Uuid],
) -> sqlx::Result<Vec<(Uuid, ApplicationDocumentDto)>> {
    let rows = sqlx::query!(
        "select id, application_id, file_name, content_type, byte_size, created_at
           from ocop_application_documents where application_id = any($1)
          order by created_at, id",
        ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|d| {
            (
                d.application_id,
                ApplicationDocumentDto {
                    id: d.id.to_string(),
                    file_name: d.file_name,
                    content_type: d.content_type,
                    byte_size: i64::from(d.byte_size),
                    url: format!(
                        "/api/v1/ocop-applications/{}/documents/{}",
                        d.application_id, d.id
                    ),
                    created_at: d.created_at.to_rfc3339(),
                },
            )
        })
        .collect())
}

fn to_dto(r: ListRow, documents: Vec<ApplicationDocumentDto>, today: NaiveDate) -> ApplicationDto {
    let score = match (r.score_a, r.score_b, r.score_c) {
        (Some(a), Some(b), Some(c)) => Some(SelfScoreDto {
            a: a.into(),
            b: b.into(),
            c: c.into(),
        }),
        _ => None,
    };
    let total = score.map(|s| s.a + s.b + s.c);
    let vietnam = crate::clock::vietnam();
    ApplicationDto {
        id: r.id.to_string(),
        status: r.status,
        rule_set: r.rule_set,
        self_score: score,
        self_score_total: total,
        indicated_stars: score.map(|s| {
            // Stored scores passed the rule set's bounds on the way in.
            let parts = SelfScore {
                a: s.a as u8,
                b: s.b as u8,
                c: s.c as u8,
            };
            i64::from(parts.indicated_stars())
        }),
        notes: r.notes,
        product: ProducerRef {
            slug: r.product_slug,
            name: r.product_name,
        },
        product_id: r.product_id.to_string(),
        producer: ProducerRef {
            slug: r.producer_slug,
            name: r.producer_name,
        },
        category: r.category_name,
        commune: r.commune_name,
        created_at: r.created_at.to_rfc3339(),
        waiting_days: r
            .submitted_at
            .map(|t| (today - t.with_timezone(&vietnam).date_naive()).num_days()),
        submitted_at: r.submitted_at.map(|t| t.to_rfc3339()),
        review_started_at: r.review_started_at.map(|t| t.to_rfc3339()),
        decided_at: r.decided_at.map(|t| t.to_rfc3339()),
        decision_reason: r.decision_reason,
        certificate_id: r.certificate_id.map(|id| id.to_string()),
        certificate_verify_code: r.certificate_verify_code,
        documents,
    }
}
