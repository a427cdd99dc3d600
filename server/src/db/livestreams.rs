//! Livestream rows and their pinned products; status is computed from the times at read.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use frontend::api::{LivestreamDto, ProducerRef};

use crate::domain::listing::{MAX_PER_PAGE, ProductFilter};
use crate::domain::livestream::{CANCELLED, DEFAULT_LENGTH, Platform, StreamStatus, youtube_embed};
use crate::view::ReadContext;

pub struct NewLivestream {
    pub producer_id: Uuid,
    pub platform: Platform,
    pub url: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub product_ids: Vec<Uuid>,
    pub created_by: Uuid,
}

/// Stores a livestream and its pinned products (in the caller's transaction).
pub async fn insert(db: &mut sqlx::PgConnection, l: &NewLivestream) -> sqlx::Result<Uuid> {
    let id = sqlx::query_scalar!(
        "insert into livestreams (producer_id, platform, url, title, starts_at, ends_at, created_by)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
        l.producer_id,
        l.platform.as_str(),
        l.url,
        l.title,
        l.starts_at,
        l.ends_at,
        l.created_by
    )
    .fetch_one(&mut *db)
    .await?;
    sqlx::query!(
        "insert into livestream_products (livestream_id, product_id, position)
         select $1, product_id, position::int from unnest($2::uuid[]) with ordinality as t(product_id, position)",
        id,
        &l.product_ids
    )
    .execute(&mut *db)
    .await?;
    Ok(id)
}

/// How many of `ids` are products of this producer (pins must be the producer's own).
pub async fn count_own_products(
    db: impl PgExecutor<'_>,
    producer_id: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from products where producer_id = $1 and id = any($2) and status <> 'archived'"#,
        producer_id,
        ids
    )
    .fetch_one(db)
    .await
}

#[derive(sqlx::FromRow)]
pub struct LivestreamRow {
    pub id: Uuid,
    pub platform: String,
    pub url: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub producer_slug: String,
    pub producer_name: String,
    pub product_ids: Vec<Uuid>,
    pub cancelled: bool,
}

/// Which livestreams to list.
#[derive(Default)]
pub struct LivestreamFilter {
    /// In this status at the given time; all when `None`.
    pub status: Option<StreamStatus>,
    /// Only those pinning this product.
    pub product: Option<Uuid>,
    /// Only this one.
    pub id: Option<Uuid>,
    /// Only this producer's (its workspace).
    pub producer: Option<Uuid>,
    /// Only live and upcoming ones.
    pub current: bool,
    /// Cancelled ones too (the producer's own list, an edit); buyers never see them.
    pub include_cancelled: bool,
}

/// Livestreams matching `filter` at `now`: upcoming and live ones soonest first, past ones most
/// recent first.
pub async fn list(
    db: &PgPool,
    filter: &LivestreamFilter,
    now: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<LivestreamRow>> {
    let default_length = DEFAULT_LENGTH.num_seconds() as f64;
    // Runtime-checked (not `query_as!`): the cancelled column came with a later migration.
    sqlx::query_as::<_, LivestreamRow>(
        r#"
        select l.id, l.platform, l.url, l.title, l.starts_at, l.ends_at,
               p.slug as producer_slug, p.name as producer_name,
               coalesce((select array_agg(lp.product_id order by lp.position)
                           from livestream_products lp join products pr on pr.id = lp.product_id
                          where lp.livestream_id = l.id and pr.status = 'active'), '{}') as product_ids,
               l.cancelled_at is not null as cancelled
          from livestreams l
          join producers p on p.id = l.producer_id
         where ($1::text is null
                or ($1 = 'upcoming' and l.starts_at > $2)
                or ($1 = 'live' and l.starts_at <= $2
                    and coalesce(l.ends_at, l.starts_at + make_interval(secs => $3)) > $2)
                or ($1 = 'past' and coalesce(l.ends_at, l.starts_at + make_interval(secs => $3)) <= $2))
           and ($4::uuid is null or exists (select 1 from livestream_products lp
                                             where lp.livestream_id = l.id and lp.product_id = $4))
           and ($6::uuid is null or l.id = $6)
           and ($8::uuid is null or l.producer_id = $8)
           and (not $7 or coalesce(l.ends_at, l.starts_at + make_interval(secs => $3)) > $2)
           and ($9 or l.cancelled_at is null)
         order by case when $1 = 'past' then null else l.starts_at end asc nulls last,
                  l.starts_at desc
         limit $5
        "#,
    )
    .bind(filter.status.map(|s| s.as_str()))
    .bind(now)
    .bind(default_length)
    .bind(filter.product)
    .bind(limit)
    .bind(filter.id)
    .bind(filter.current)
    .bind(filter.producer)
    .bind(filter.include_cancelled)
    .fetch_all(db)
    .await
}

/// A livestream's producer, start and whether it is cancelled, locked for an edit or a cancel.
pub struct LivestreamHead {
    pub producer_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub cancelled: bool,
}

pub async fn head(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<LivestreamHead>> {
    let row: Option<(Uuid, DateTime<Utc>, bool)> = sqlx::query_as(
        "select producer_id, starts_at, cancelled_at is not null from livestreams where id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(
        row.map(|(producer_id, starts_at, cancelled)| LivestreamHead {
            producer_id,
            starts_at,
            cancelled,
        }),
    )
}

/// What a livestream was before an edit, for the audit entry.
pub async fn snapshot(db: &mut sqlx::PgConnection, id: Uuid) -> sqlx::Result<serde_json::Value> {
    sqlx::query_scalar(
        "select jsonb_build_object('platform', platform, 'url', url, 'title', title,
                'starts_at', starts_at, 'ends_at', ends_at,
                'product_ids', coalesce((select jsonb_agg(product_id order by position)
                                           from livestream_products where livestream_id = l.id), '[]'))
           from livestreams l where id = $1 for update",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

/// Replaces a livestream's details and pins (in the caller's transaction).
pub async fn update(db: &mut sqlx::PgConnection, id: Uuid, l: &NewLivestream) -> sqlx::Result<()> {
    sqlx::query(
        "update livestreams set platform = $2, url = $3, title = $4, starts_at = $5, ends_at = $6,
                updated_at = now()
          where id = $1",
    )
    .bind(id)
    .bind(l.platform.as_str())
    .bind(&l.url)
    .bind(&l.title)
    .bind(l.starts_at)
    .bind(l.ends_at)
    .execute(&mut *db)
    .await?;
    sqlx::query("delete from livestream_products where livestream_id = $1")
        .bind(id)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "insert into livestream_products (livestream_id, product_id, position)
         select $1, product_id, position::int from unnest($2::uuid[]) with ordinality as t(product_id, position)",
    )
    .bind(id)
    .bind(&l.product_ids)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Marks a livestream cancelled (in the caller's transaction).
pub async fn cancel(db: &mut sqlx::PgConnection, id: Uuid, at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("update livestreams set cancelled_at = $2, updated_at = $2 where id = $1")
        .bind(id)
        .bind(at)
        .execute(db)
        .await?;
    Ok(())
}

/// Rows → the contract's `Livestream`: status at `now`, times in Vietnam's offset (+07:00), and
/// the pinned products as cards.
pub async fn cards(
    db: &PgPool,
    rows: Vec<LivestreamRow>,
    view: &ReadContext<'_>,
) -> sqlx::Result<Vec<LivestreamDto>> {
    let now = view.now;
    let vietnam = crate::clock::vietnam();
    // Every stream's pinned products in one query (not one per stream), in the catalog's order;
    // each stream then takes its own, at most a page of them.
    let mut pinned: Vec<Uuid> = rows.iter().flat_map(|r| r.product_ids.clone()).collect();
    pinned.sort_unstable();
    pinned.dedup();
    let all_cards = if pinned.is_empty() {
        Vec::new()
    } else {
        let filter = ProductFilter {
            per_page: u32::try_from(pinned.len()).unwrap_or(u32::MAX),
            ids: Some(pinned),
            ..ProductFilter::default()
        };
        crate::db::catalog::document_cards(db, &filter, view).await?
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let ids: Vec<String> = row.product_ids.iter().map(Uuid::to_string).collect();
        let products = all_cards
            .iter()
            .filter(|card| ids.contains(&card.id))
            .take(MAX_PER_PAGE as usize)
            .cloned()
            .collect();
        out.push(LivestreamDto {
            id: row.id.to_string(),
            embed_url: youtube_embed(&row.url),
            // A cancelled stream keeps its times but is none of upcoming, live or past.
            status: if row.cancelled {
                CANCELLED.to_owned()
            } else {
                StreamStatus::derive(row.starts_at, row.ends_at, now)
                    .as_str()
                    .to_owned()
            },
            title: row.title,
            platform: row.platform,
            url: row.url,
            starts_at: row.starts_at.with_timezone(&vietnam).to_rfc3339(),
            ends_at: row.ends_at.map(|t| t.with_timezone(&vietnam).to_rfc3339()),
            producer: ProducerRef {
                slug: row.producer_slug,
                name: row.producer_name,
            },
            products,
        });
    }
    Ok(out)
}
