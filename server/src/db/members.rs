//! Producer membership changes: invitations (stored by the SHA-256 of their token, never the
//! token), the member list, and removing a member with the producer's owners locked.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::domain::account::{Email, MemberRole};

fn role_name(role: MemberRole) -> &'static str {
    match role {
        MemberRole::Owner => "owner",
        MemberRole::Member => "member",
    }
}

fn parse_role(raw: &str) -> MemberRole {
    if raw == "owner" {
        MemberRole::Owner
    } else {
        MemberRole::Member
    }
}

/// Opens an invitation for `email`, replacing an open one for the same address (its old link
/// stops working). Returns the invitation's id.
pub async fn invite(
    db: &mut PgConnection,
    producer: Uuid,
    email: &Email,
    role: MemberRole,
    token: &str,
    invited_by: Uuid,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<Uuid> {
    sqlx::query(
        "delete from producer_invitations
          where producer_id = $1 and email = $2::citext and accepted_at is null",
    )
    .bind(producer)
    .bind(email.as_str())
    .execute(&mut *db)
    .await?;
    sqlx::query_scalar(
        "insert into producer_invitations (producer_id, email, role, token_hash, invited_by, expires_at)
         values ($1, $2, $3, sha256(convert_to($4, 'UTF8')), $5, $6)
         returning id",
    )
    .bind(producer)
    .bind(email.as_str())
    .bind(role_name(role))
    .bind(token)
    .bind(invited_by)
    .bind(expires_at)
    .fetch_one(db)
    .await
}

/// An invitation as its token finds it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitation {
    pub id: Uuid,
    pub producer_id: Uuid,
    pub producer_name: String,
    pub producer_slug: String,
    pub email: String,
    pub role: String,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
}

impl Invitation {
    pub fn role(&self) -> MemberRole {
        parse_role(&self.role)
    }
}

const INVITATION_COLUMNS: &str =
    "i.id, i.producer_id, p.name as producer_name, p.slug as producer_slug,
       i.email::text as email, i.role, i.expires_at, i.accepted_at
  from producer_invitations i join producers p on p.id = i.producer_id
 where i.token_hash = sha256(convert_to($1, 'UTF8'))";

/// The invitation behind `token`, whatever its state.
pub async fn by_token(db: impl PgExecutor<'_>, token: &str) -> sqlx::Result<Option<Invitation>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("select {INVITATION_COLUMNS}")))
        .bind(token)
        .fetch_optional(db)
        .await
}

/// Like [`by_token`], locking the invitation until the transaction ends: two accepts of one
/// token run one after the other, and the second sees it used.
pub async fn by_token_for_update(
    db: &mut PgConnection,
    token: &str,
) -> sqlx::Result<Option<Invitation>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {INVITATION_COLUMNS} for update of i"
    )))
    .bind(token)
    .fetch_optional(db)
    .await
}

pub async fn mark_accepted(
    db: &mut PgConnection,
    id: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("update producer_invitations set accepted_at = $3, accepted_by = $2 where id = $1")
        .bind(id)
        .bind(by)
        .bind(at)
        .execute(db)
        .await?;
    Ok(())
}

/// A member as the member list shows them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberEntry {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub added_at: DateTime<Utc>,
}

pub async fn members(db: impl PgExecutor<'_>, producer: Uuid) -> sqlx::Result<Vec<MemberEntry>> {
    sqlx::query_as(
        "select u.id as user_id, u.email::text as email, u.display_name, m.role, m.added_at
           from producer_members m join users u on u.id = m.user_id
          where m.producer_id = $1
          order by m.role = 'owner' desc, m.added_at, u.email",
    )
    .bind(producer)
    .fetch_all(db)
    .await
}

/// An invitation not yet accepted nor expired.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingInvitation {
    pub id: Uuid,
    pub email: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn pending(
    db: impl PgExecutor<'_>,
    producer: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<PendingInvitation>> {
    sqlx::query_as(
        "select id, email::text as email, role, created_at, expires_at
           from producer_invitations
          where producer_id = $1 and accepted_at is null and expires_at > $2
          order by created_at",
    )
    .bind(producer)
    .bind(now)
    .fetch_all(db)
    .await
}

/// Whether the account with this address already belongs to the producer.
pub async fn is_member_email(
    db: impl PgExecutor<'_>,
    producer: Uuid,
    email: &Email,
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from producer_members m join users u on u.id = m.user_id
                         where m.producer_id = $1 and u.email = $2::citext)",
    )
    .bind(producer)
    .bind(email.as_str())
    .fetch_one(db)
    .await
}

/// Every member's role, locked until the transaction ends, so two owners removing each other
/// at once cannot leave the producer without one.
pub async fn roles_for_update(
    db: &mut PgConnection,
    producer: Uuid,
) -> sqlx::Result<Vec<(Uuid, MemberRole)>> {
    let rows: Vec<(Uuid, String)> = sqlx::query_as(
        "select user_id, role from producer_members where producer_id = $1
          order by user_id for update",
    )
    .bind(producer)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, role)| (id, parse_role(&role)))
        .collect())
}

pub async fn remove(db: &mut PgConnection, producer: Uuid, user: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from producer_members where producer_id = $1 and user_id = $2")
        .bind(producer)
        .bind(user)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
