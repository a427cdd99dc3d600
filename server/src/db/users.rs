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

/// Recent failed logins for this account and for this IP.
pub async fn recent_failures(
    db: &PgPool,
    email: &Email,
    ip: Option<std::net::IpAddr>,
    since: DateTime<Utc>,
) -> sqlx::Result<(i64, i64, Option<DateTime<Utc>>)> {
    let ip = ip.map(|ip| ip.to_string());
    let row = sqlx::query!(
        r#"
        select (select count(*) from login_failures where email = $1 and failed_at > $3) as "by_account!",
               (select count(*) from login_failures where ip = $2 and failed_at > $3) as "by_ip!",
               (select min(failed_at) from login_failures
                 where (email = $1 or ip = $2) and failed_at > $3) as oldest
        "#,
        email.as_str() as _,
        ip,
        since
    )
    .fetch_one(db)
    .await?;
    Ok((row.by_account, row.by_ip, row.oldest))
}

pub async fn record_failure(
    db: &PgPool,
    email: &Email,
    ip: Option<std::net::IpAddr>,
) -> sqlx::Result<()> {
    let ip = ip.map(|ip| ip.to_string());
    sqlx::query!(
        "insert into login_failures (email, ip) values ($1, $2)",
        email.as_str() as _,
        ip
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A successful login forgives that account's earlier failures.
pub async fn clear_failures(db: &PgPool, email: &Email) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from login_failures where email = $1",
        email.as_str() as _
    )
    .execute(db)
    .await?;
    Ok(())
}
