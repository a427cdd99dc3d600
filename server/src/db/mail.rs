//! Outgoing mail and what people want to receive: the outbox rows written with the events they
//! tell about, the worker's claim/sent/retry steps, recipients with their notification
//! preferences, and the preferences themselves (also reachable by an unsubscribe token).

use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A message ready to send, rendered when its event happened.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    /// `order_placed`, `order_new`, `order_status`, `order_paid`, `certificate_digest` or
    /// `invitation`.
    pub kind: &'static str,
    pub recipient: String,
    pub user_id: Option<Uuid>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub unsubscribe_url: Option<String>,
    pub order_id: Option<Uuid>,
    /// The certificate digest it carries: (producer, day).
    pub digest: Option<(Uuid, NaiveDate)>,
}

/// Queues messages in the caller's transaction: they exist if and only if the event commits.
pub async fn enqueue(db: &mut PgConnection, mails: &[OutgoingMail]) -> sqlx::Result<()> {
    for m in mails {
        sqlx::query(
            "insert into mail_outbox (kind, recipient, user_id, subject, body_text, body_html,
                                      unsubscribe_url, order_id, digest_producer_id, digest_on)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(m.kind)
        .bind(&m.recipient)
        .bind(m.user_id)
        .bind(&m.subject)
        .bind(&m.text)
        .bind(&m.html)
        .bind(&m.unsubscribe_url)
        .bind(m.order_id)
        .bind(m.digest.map(|d| d.0))
        .bind(m.digest.map(|d| d.1))
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

/// A queued message as the worker sends it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub unsubscribe_url: Option<String>,
    pub attempts: i32,
}

/// The oldest ready message, locked until the caller's transaction ends; other instances skip
/// it (and see it sent once that transaction commits).
pub async fn claim_next(db: &mut PgConnection) -> sqlx::Result<Option<QueuedMail>> {
    sqlx::query_as(
        "select id, kind, recipient::text as recipient, subject, body_text, body_html,
                unsubscribe_url, attempts
           from mail_outbox
          where status = 'pending' and available_at <= now()
          order by available_at, id
          limit 1
            for update skip locked",
    )
    .fetch_optional(db)
    .await
}

/// Marks a message delivered to the SMTP server, and its certificate digest sent with it.
pub async fn mark_sent(db: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    let digest: Option<(Option<Uuid>, Option<NaiveDate>)> = sqlx::query_as(
        "update mail_outbox set status = 'sent', sent_at = now(), attempts = attempts + 1,
                last_error = null
          where id = $1
      returning digest_producer_id, digest_on",
    )
    .bind(id)
    .fetch_optional(&mut *db)
    .await?;
    if let Some((Some(producer), Some(day))) = digest {
        sqlx::query(
            "update certificate_digests set sent_at = coalesce(sent_at, now())
              where producer_id = $1 and digest_on = $2",
        )
        .bind(producer)
        .bind(day)
        .execute(db)
        .await?;
    }
    Ok(())
}

/// Keeps the message for another try after `delay_ms`, with the error that stopped it.
pub async fn retry_later(
    db: &mut PgConnection,
    id: i64,
    delay_ms: i64,
    error: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update mail_outbox set attempts = attempts + 1, last_error = $3,
                available_at = now() + make_interval(secs => $2::float8 / 1000)
          where id = $1",
    )
    .bind(id)
    .bind(delay_ms)
    .bind(error)
    .execute(db)
    .await?;
    Ok(())
}

/// Takes a message out of the queue unsent (no SMTP server configured), saying why.
pub async fn mark_not_sent(db: &mut PgConnection, id: i64, why: &str) -> sqlx::Result<()> {
    sqlx::query("update mail_outbox set status = 'not_sent', last_error = $2 where id = $1")
        .bind(id)
        .bind(why)
        .execute(db)
        .await?;
    Ok(())
}

/// Messages waiting to be sent, for `/readyz`.
pub async fn pending_count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from mail_outbox where status = 'pending'")
        .fetch_one(db)
        .await
}

/// Which kind of mail a preference switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    OrderUpdates,
    NewOrders,
    CertificateReminders,
}

impl Topic {
    fn column(self) -> &'static str {
        match self {
            Topic::OrderUpdates => "order_updates",
            Topic::NewOrders => "new_orders",
            Topic::CertificateReminders => "certificate_reminders",
        }
    }
}

/// An account that wants a kind of mail, with the token of its unsubscribe link.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub unsubscribe_token: String,
}

/// Gives these accounts a preferences row (all on) unless they have one, so every message can
/// carry an unsubscribe link.
async fn ensure_preferences(db: &mut PgConnection, users: &[Uuid]) -> sqlx::Result<()> {
    sqlx::query(
        "insert into notification_preferences (user_id)
         select unnest($1::uuid[]) on conflict (user_id) do nothing",
    )
    .bind(users)
    .execute(db)
    .await?;
    Ok(())
}

/// The members of a producer who want `topic`.
pub async fn producer_recipients(
    db: &mut PgConnection,
    producer: Uuid,
    topic: Topic,
) -> sqlx::Result<Vec<Recipient>> {
    let members: Vec<Uuid> =
        sqlx::query_scalar("select user_id from producer_members where producer_id = $1")
            .bind(producer)
            .fetch_all(&mut *db)
            .await?;
    ensure_preferences(db, &members).await?;
    let sql = format!(
        "select u.id as user_id, u.email::text as email, u.display_name, n.unsubscribe_token
           from producer_members m
           join users u on u.id = m.user_id
           join notification_preferences n on n.user_id = u.id
          where m.producer_id = $1 and n.{}
          order by u.email",
        topic.column()
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(producer)
        .fetch_all(db)
        .await
}

/// One account, if it wants `topic`.
pub async fn user_recipient(
    db: &mut PgConnection,
    user: Uuid,
    topic: Topic,
) -> sqlx::Result<Option<Recipient>> {
    ensure_preferences(db, &[user]).await?;
    let sql = format!(
        "select u.id as user_id, u.email::text as email, u.display_name, n.unsubscribe_token
           from users u join notification_preferences n on n.user_id = u.id
          where u.id = $1 and n.{}",
        topic.column()
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .fetch_optional(db)
        .await
}

/// An account's switches (all on when it never chose).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Preferences {
    pub order_updates: bool,
    pub new_orders: bool,
    pub certificate_reminders: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            order_updates: true,
            new_orders: true,
            certificate_reminders: true,
        }
    }
}

pub async fn preferences(db: impl PgExecutor<'_>, user: Uuid) -> sqlx::Result<Preferences> {
    let found: Option<Preferences> = sqlx::query_as(
        "select order_updates, new_orders, certificate_reminders
           from notification_preferences where user_id = $1",
    )
    .bind(user)
    .fetch_optional(db)
    .await?;
    Ok(found.unwrap_or_default())
}

pub async fn set_preferences(
    db: impl PgExecutor<'_>,
    user: Uuid,
    p: Preferences,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into notification_preferences (user_id, order_updates, new_orders, certificate_reminders)
         values ($1, $2, $3, $4)
         on conflict (user_id) do update
            set order_updates = excluded.order_updates, new_orders = excluded.new_orders,
                certificate_reminders = excluded.certificate_reminders",
    )
    .bind(user)
    .bind(p.order_updates)
    .bind(p.new_orders)
    .bind(p.certificate_reminders)
    .execute(db)
    .await?;
    Ok(())
}

/// The account behind an unsubscribe token, with its e-mail address.
pub async fn user_by_token(
    db: impl PgExecutor<'_>,
    token: &str,
) -> sqlx::Result<Option<(Uuid, String)>> {
    sqlx::query_as(
        "select u.id, u.email::text from notification_preferences n join users u on u.id = n.user_id
          where n.unsubscribe_token = $1",
    )
    .bind(token)
    .fetch_optional(db)
    .await
}
