//! Reviews: writing a buyer's review of an order line, the producer's reply, a curator's
//! hiding, and the reads (a product's visible reviews and average, an order's reviews).

use chrono::{DateTime, Utc};
use frontend::api::{Rating, Review, ReviewReplyDto};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReviewRow {
    pub id: Uuid,
    pub order_id: Uuid,
    pub product_id: Uuid,
    pub producer_id: Uuid,
    pub rating: i16,
    pub body: Option<String>,
    pub author_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reply: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    pub hidden_at: Option<DateTime<Utc>>,
}

impl ReviewRow {
    pub fn to_dto(&self) -> Review {
        Review {
            id: self.id.to_string(),
            product_id: self.product_id.to_string(),
            rating: self.rating as u8,
            text: self.body.clone(),
            author_name: self.author_name.clone(),
            created_at: self.created_at.to_rfc3339(),
            updated_at: self.updated_at.to_rfc3339(),
            reply: match (&self.reply, self.replied_at) {
                (Some(text), Some(at)) => Some(ReviewReplyDto {
                    text: text.clone(),
                    at: at.to_rfc3339(),
                }),
                _ => None,
            },
        }
    }
}

const COLUMNS: &str = "r.id, r.order_id, r.product_id, p.producer_id, r.rating, r.body, \
    r.author_name, r.created_at, r.updated_at, r.reply, r.replied_at, r.hidden_at";

/// One review, locked for a change when `lock` is set.
pub async fn get(db: &mut PgConnection, id: Uuid, lock: bool) -> sqlx::Result<Option<ReviewRow>> {
    let sql = format!(
        "select {COLUMNS} from reviews r join products p on p.id = r.product_id where r.id = $1{}",
        if lock { " for update of r" } else { "" }
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// An order's reviews (hidden ones too: the buyer still sees what they wrote).
pub async fn of_order(db: impl PgExecutor<'_>, order_id: Uuid) -> sqlx::Result<Vec<ReviewRow>> {
    let sql = format!(
        "select {COLUMNS} from reviews r join products p on p.id = r.product_id
          where r.order_id = $1 order by r.created_at"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(order_id)
        .fetch_all(db)
        .await
}

/// A new review of an order line. `None`: the line already has one.
pub struct NewReview<'a> {
    pub order_id: Uuid,
    pub product_id: Uuid,
    pub buyer_id: Option<Uuid>,
    pub author_name: &'a str,
    pub rating: i16,
    pub body: Option<&'a str>,
    pub at: DateTime<Utc>,
}

pub async fn insert(db: &mut PgConnection, r: &NewReview<'_>) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(
        "insert into reviews (order_id, product_id, buyer_id, author_name, rating, body,
                              created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $7)
         on conflict (order_id, product_id) do nothing
         returning id",
    )
    .bind(r.order_id)
    .bind(r.product_id)
    .bind(r.buyer_id)
    .bind(r.author_name)
    .bind(r.rating)
    .bind(r.body)
    .bind(r.at)
    .fetch_optional(db)
    .await
}

/// The review of one order line, locked for an edit.
pub async fn of_line(
    db: &mut PgConnection,
    order_id: Uuid,
    product_id: Uuid,
) -> sqlx::Result<Option<ReviewRow>> {
    let sql = format!(
        "select {COLUMNS} from reviews r join products p on p.id = r.product_id
          where r.order_id = $1 and r.product_id = $2 for update of r"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(order_id)
        .bind(product_id)
        .fetch_optional(db)
        .await
}

pub async fn update(
    db: &mut PgConnection,
    id: Uuid,
    rating: i16,
    body: Option<&str>,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("update reviews set rating = $2, body = $3, updated_at = $4 where id = $1")
        .bind(id)
        .bind(rating)
        .bind(body)
        .bind(at)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn reply(
    db: &mut PgConnection,
    id: Uuid,
    text: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("update reviews set reply = $2, replied_by = $3, replied_at = $4 where id = $1")
        .bind(id)
        .bind(text)
        .bind(by)
        .bind(at)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn hide(
    db: &mut PgConnection,
    id: Uuid,
    reason: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "update reviews set hidden_at = $4, hidden_reason = $2, hidden_by = $3 where id = $1",
    )
    .bind(id)
    .bind(reason)
    .bind(by)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// A product's visible reviews, newest first, and how many there are.
pub async fn of_product(
    db: impl PgExecutor<'_>,
    product_id: Uuid,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<Review>, i64)> {
    #[derive(sqlx::FromRow)]
    struct Counted {
        #[sqlx(flatten)]
        row: ReviewRow,
        total: i64,
    }
    let sql = format!(
        "select {COLUMNS}, count(*) over () as total
           from reviews r join products p on p.id = r.product_id
          where r.product_id = $1 and r.hidden_at is null
          order by r.created_at desc, r.id limit $2 offset $3"
    );
    let rows: Vec<Counted> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(product_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok((rows.iter().map(|r| r.row.to_dto()).collect(), total))
}

/// The averages of these products' visible reviews (products without any are absent).
pub async fn ratings(
    db: impl PgExecutor<'_>,
    products: &[Uuid],
) -> sqlx::Result<Vec<(Uuid, Rating)>> {
    let rows: Vec<(Uuid, Decimal, i64)> = sqlx::query_as(
        "select product_id, round(avg(rating), 1), count(*) from reviews
          where product_id = any($1) and hidden_at is null group by product_id",
    )
    .bind(products)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, average, count)| {
            (
                id,
                Rating {
                    average: average.round_dp(1).to_string(),
                    count,
                },
            )
        })
        .collect())
}

/// The producer of a visible (active) product, by the product's slug.
pub async fn producer_of_visible(
    db: impl PgExecutor<'_>,
    slug: &str,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar("select producer_id from products where slug = $1 and status = 'active'")
        .bind(slug)
        .fetch_optional(db)
        .await
}

/// A visible (active) product's id by its slug.
pub async fn visible_product(db: impl PgExecutor<'_>, slug: &str) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar("select id from products where slug = $1 and status = 'active'")
        .bind(slug)
        .fetch_optional(db)
        .await
}
