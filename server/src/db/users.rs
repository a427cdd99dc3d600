//! Users, roles, producer memberships and login throttling.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::domain::account::Email;
use crate::domain::account::{MemberRole, Membership, Role, User};

/// Creates an account; `None` when the email is already registered.
pub async fn create(
    db: impl PgExecutor<'_>,
    email: &Email,
    password_hash: &str,
    display_name: &str,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "insert into users (email, password_hash, display_name) values ($1, $2, $3)
         on conflict (email) do nothing returning id",
        email.as_str() as _,
        password_hash,
        display_name
    )
    .fetch_optional(db)
    .await
}

pub async fn credentials(db: &PgPool, email: &Email) -> sqlx::Result<Option<(Uuid, String)>> {
    let row = sqlx::query!(
        "select id, password_hash from users where email = $1",
        email.as_str() as _
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.password_hash)))
}

pub async fn id_by_email(db: impl PgExecutor<'_>, email: &Email) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!("select id from users where email = $1", email.as_str() as _)
        .fetch_optional(db)
        .await
}

/// A user with roles and memberships, as the access rules need them.
pub async fn load_user(db: &PgPool, id: Uuid) -> sqlx::Result<Option<User>> {
    let Some(row) = sqlx::query!(
        r#"
        select u.id, u.email::text as "email!", u.display_name,
               coalesce((select array_agg(role order by role) from user_roles where user_id = u.id), '{}') as "roles!"
          from users u where u.id = $1
        "#,
        id
    )
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let memberships = sqlx::query!(
        "select m.producer_id, p.slug, m.role from producer_members m
           join producers p on p.id = m.producer_id
          where m.user_id = $1 order by p.slug",
        id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|m| Membership {
        producer_id: m.producer_id,
        producer_slug: m.slug,
        role: if m.role == "owner" {
            MemberRole::Owner
        } else {
            MemberRole::Member
        },
    })
    .collect();
    Ok(Some(User {
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        roles: row
            .roles
            .iter()
            .filter_map(|r| r.parse::<Role>().ok())
            .collect(),
        memberships,
    }))
}

pub async fn grant_role(
    db: impl PgExecutor<'_>,
    user: Uuid,
    role: Role,
    by: Option<Uuid>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into user_roles (user_id, role, granted_by) values ($1, $2, $3) on conflict do nothing",
        user,
        role.as_str(),
        by
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn add_member(
    db: impl PgExecutor<'_>,
    producer: Uuid,
    user: Uuid,
    role: MemberRole,
) -> sqlx::Result<bool> {
    let role = match role {
        MemberRole::Owner => "owner",
        MemberRole::Member => "member",
    };
    let inserted = sqlx::query!(
        "insert into producer_members (producer_id, user_id, role) values ($1, $2, $3) on conflict do nothing",
        producer,
        user,
        role
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Failed (or in-flight) sign-ins counted over the throttle window.
#[derive(Debug, sqlx::FromRow)]
pub struct LoginCounts {
    /// For this account from this client.
    pub pair: i64,
    /// From this client, for any account.
    pub client: i64,
    /// For this account, from anywhere.
    pub account: i64,
    /// The oldest failure that counts against this client, for `Retry-After`.
    pub oldest: Option<DateTime<Utc>>,
}

/// Records a sign-in attempt as a failure before its password is checked, so that counting
/// afterwards sees every attempt recorded earlier: of N parallel guesses, the k-th sees at
/// least k, and no more than the limit get through. `client` is the address bucket.
pub async fn record_attempt(db: &PgPool, email: &Email, client: Option<&str>) -> sqlx::Result<i64> {
    sqlx::query_scalar("insert into login_failures (email, ip) values ($1, $2) returning id")
        .bind(email.as_str())
        .bind(client)
        .fetch_one(db)
        .await
}

pub async fn login_counts(
    db: &PgPool,
    email: &Email,
    client: Option<&str>,
    since: DateTime<Utc>,
) -> sqlx::Result<LoginCounts> {
    sqlx::query_as(
        r#"
        select count(*) filter (where email = $1::citext and ip is not distinct from $2) as pair,
               count(*) filter (where ip = $2) as client,
               count(*) filter (where email = $1::citext) as account,
               min(failed_at) filter (where ip = $2) as oldest
          from login_failures
         where (email = $1::citext or ip = $2) and failed_at > $3
        "#,
    )
    .bind(email.as_str())
    .bind(client)
    .bind(since)
    .fetch_one(db)
    .await
}

/// An attempt that was refused or succeeded is not a failure.
pub async fn forget_attempt(db: &PgPool, id: i64) -> sqlx::Result<()> {
    sqlx::query("delete from login_failures where id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// A successful sign-in forgives this client's failures for the account — not other clients'
/// (an attacker's failures stay counted when the owner signs in).
pub async fn clear_failures(db: &PgPool, email: &Email, client: Option<&str>) -> sqlx::Result<()> {
    sqlx::query(
        "delete from login_failures where email = $1::citext and ip is not distinct from $2",
    )
    .bind(email.as_str())
    .bind(client)
    .execute(db)
    .await?;
    Ok(())
}

/// Failures older than the window count for nothing; the hourly clean-up removes them.
pub async fn prune_failures(db: &PgPool, before: DateTime<Utc>) -> sqlx::Result<u64> {
    let done = sqlx::query("delete from login_failures where failed_at < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// Records a registration attempt by this client and returns its id, the number of attempts
/// in the window (this one included: recorded first, so parallel attempts all count) and the
/// oldest one's time, for `Retry-After`.
pub async fn record_registration(
    db: &PgPool,
    client: &str,
    since: DateTime<Utc>,
) -> sqlx::Result<(i64, i64, Option<DateTime<Utc>>)> {
    let id: i64 =
        sqlx::query_scalar("insert into registration_attempts (client) values ($1) returning id")
            .bind(client)
            .fetch_one(db)
            .await?;
    let (count, oldest): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
        "select count(*), min(at) from registration_attempts where client = $1 and at > $2",
    )
    .bind(client)
    .bind(since)
    .fetch_one(db)
    .await?;
    Ok((id, count, oldest))
}

pub async fn forget_registration(db: &PgPool, id: i64) -> sqlx::Result<()> {
    sqlx::query("delete from registration_attempts where id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn prune_registrations(db: &PgPool, before: DateTime<Utc>) -> sqlx::Result<u64> {
    let done = sqlx::query("delete from registration_attempts where at < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// The account's stored password hash.
pub async fn password_hash(db: impl PgExecutor<'_>, user: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("select password_hash from users where id = $1")
        .bind(user)
        .fetch_optional(db)
        .await
}

pub async fn set_password_hash(
    db: impl PgExecutor<'_>,
    user: Uuid,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("update users set password_hash = $2 where id = $1")
        .bind(user)
        .bind(password_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session signed in as `user` except the one with id `keep` (the session store
/// writes the user id under `user_id` in the record's JSON). Returns how many ended.
pub async fn revoke_sessions(
    db: impl PgExecutor<'_>,
    user: Uuid,
    keep: Option<&str>,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "delete from sessions where data ->> 'user_id' = $1 and id is distinct from $2",
    )
    .bind(user.to_string())
    .bind(keep)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
