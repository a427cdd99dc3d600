//! Accounts: register, sign in (throttled per account and per address), sign out, change the
//! password, sign out everywhere, and admins granting roles. Signing in cycles the session id and
//! brings the anonymous cart along. Sign-ins, sign-outs, password changes and revocations are
//! audited with the client's address bucket.

use std::net::IpAddr;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use super::{AppError, AppResult, require};
use crate::auth::{self, USER_ID_KEY};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::domain::FieldErrors;
use crate::domain::account::{Email, Password, Role, Rule, User, parse_display_name};
use crate::domain::audit::AuditAction;
use crate::state::AppState;

/// Failed logins counted over this window.
const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Guesses at one account from one client (an IPv4 address or IPv6 /64) before it must wait.
const MAX_FAILURES_PER_PAIR: i64 = 5;
/// Guesses from one client across accounts.
const MAX_FAILURES_PER_CLIENT: i64 = 20;
/// Past this many failures at one account from anywhere, every attempt at it is slowed by
/// [`ACCOUNT_SLOWDOWN`] — never refused, so the owner can still sign in while it is attacked.
const ACCOUNT_CEILING: i64 = 50;
const ACCOUNT_SLOWDOWN: Duration = Duration::from_secs(2);
/// Registrations are counted per client over this window, up to
/// `settings.limits.registrations_per_hour` (10 by default: a family or a cooperative office
/// sharing one address registers a handful, a script thousands).
const REGISTRATION_WINDOW: Duration = Duration::from_secs(60 * 60);

/// Creates an account and signs this session in as it. `email_taken` when the email is used,
/// and nothing more is said.
pub async fn register(
    state: &AppState,
    session: &Session,
    ip: Option<IpAddr>,
    email: &str,
    password: &str,
    display_name: &str,
) -> AppResult<User> {
    let mut errors = FieldErrors::default();
    let email_raw = email;
    let email = errors.check("email", Email::parse(email));
    let password = errors.check(
        "password",
        Password::parse_for(password, &[email_raw, display_name]),
    );
    let display_name = errors.check("display_name", parse_display_name(display_name));
    let (Some(email), Some(password), Some(display_name)) = (email, password, display_name) else {
        return Err(errors.into());
    };
    // Counted once the form is valid: that is when a registration costs a hash.
    if let Some(ip) = ip {
        let window = chrono::Duration::from_std(REGISTRATION_WINDOW).unwrap_or_default();
        let (attempt, count, oldest) = db::users::record_registration(
            &state.db,
            &auth::client::bucket(ip),
            Utc::now() - window,
        )
        .await?;
        if count > state.settings.limits.registrations_per_hour {
            db::users::forget_registration(&state.db, attempt).await?;
            let retry_after = oldest
                .map(|at| (at + window - Utc::now()).num_seconds())
                .unwrap_or(60)
                .max(1) as u64;
            return Err(AppError::TooManyRequests {
                retry_after_secs: retry_after,
            });
        }
    }
    let hash = auth::password::hash(password.expose()).await?;
    let id = db::users::create(&state.db, &email, &hash, &display_name)
        .await?
        .ok_or_else(|| AppError::Conflict {
            code: "email_taken",
            message: "email này đã được đăng ký".into(),
        })?;
    sign_in(state, session, id).await?;
    audit_account(state, id, AuditAction::UserRegister, ip).await?;
    db::users::load_user(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// An account's own action (sign-in, sign-out, password change…), with where it came from.
async fn audit_account(
    state: &AppState,
    user_id: Uuid,
    action: AuditAction,
    ip: Option<IpAddr>,
) -> AppResult<()> {
    db::audit::record(
        &state.db,
        AuditEntry {
            actor: Some(user_id),
            action,
            entity_id: user_id.to_string(),
            reason: None,
            before: None,
            after: Some(json!({ "client": ip.map(auth::client::bucket) })),
        },
    )
    .await?;
    Ok(())
}

/// Records a password attempt for `email` from `client` — as a failure until it is shown
/// otherwise — and refuses it when the account-and-client or the client limit is reached. The
/// attempt is recorded before it is counted (see [`db::users::record_attempt`]), so parallel
/// guesses cannot slip past the limit. Returns the attempt's id and the counts.
async fn password_attempt(
    state: &AppState,
    email: &Email,
    client: Option<&str>,
) -> AppResult<(i64, db::users::LoginCounts)> {
    let window = chrono::Duration::from_std(THROTTLE_WINDOW).unwrap_or_default();
    let attempt = db::users::record_attempt(&state.db, email, client).await?;
    let counts = db::users::login_counts(&state.db, email, client, Utc::now() - window).await?;
    if counts.pair > MAX_FAILURES_PER_PAIR || counts.client > MAX_FAILURES_PER_CLIENT {
        // A refused attempt guessed nothing: it does not extend the wait.
        db::users::forget_attempt(&state.db, attempt).await?;
        let retry_after = counts
            .oldest
            .map(|at| (at + window - Utc::now()).num_seconds())
            .unwrap_or(60)
            .max(1) as u64;
        return Err(AppError::TooManyRequests {
            retry_after_secs: retry_after,
        });
    }
    Ok((attempt, counts))
}

/// Signs in with email and password. Throttled per (account, client) and per client, so a
/// stranger's failures never lock the owner out; an account under attack from many clients is
/// slowed, not locked. The attempt is recorded before it is counted (see
/// [`db::users::record_attempt`]): parallel guesses cannot slip past the limit.
pub async fn login(
    state: &AppState,
    session: &Session,
    ip: Option<IpAddr>,
    email: &str,
    password: String,
) -> AppResult<User> {
    let Ok(email) = Email::parse(email) else {
        return Err(AppError::Unauthorized);
    };
    let client = ip.map(auth::client::bucket);
    let client = client.as_deref();
    let (_, counts) = password_attempt(state, &email, client).await?;
    if counts.account > ACCOUNT_CEILING {
        tokio::time::sleep(ACCOUNT_SLOWDOWN).await;
    }

    let credentials = db::users::credentials(&state.db, &email).await?;
    // Unknown emails are checked against a dummy hash so both failures take equally long.
    let (user_id, stored) = match credentials {
        Some((id, hash)) => (Some(id), hash),
        None => (None, auth::password::dummy_hash().await.to_owned()),
    };
    let matches = auth::password::verify(password, stored).await?;
    let Some(user_id) = user_id.filter(|_| matches) else {
        // The recorded attempt stays: it is this failure.
        return Err(AppError::Unauthorized);
    };
    db::users::clear_failures(&state.db, &email, client).await?;
    sign_in(state, session, user_id).await?;
    audit_account(state, user_id, AuditAction::UserLogin, ip).await?;
    db::users::load_user(&state.db, user_id)
        .await?
        .ok_or(AppError::Unauthorized)
}

/// Drops failures older than the throttle window: they no longer count, and the table would
/// otherwise grow with every guess ever made.
pub async fn prune_login_failures(db: &sqlx::PgPool) -> AppResult<u64> {
    let window = chrono::Duration::from_std(THROTTLE_WINDOW).unwrap_or_default();
    let registrations = chrono::Duration::from_std(REGISTRATION_WINDOW).unwrap_or_default();
    db::users::prune_registrations(db, Utc::now() - registrations).await?;
    Ok(db::users::prune_failures(db, Utc::now() - window).await?)
}

/// A new session id at every sign-in, so an id planted before login is worthless after it; the
/// anonymous cart joins the buyer's own.
async fn sign_in(state: &AppState, session: &Session, user_id: Uuid) -> AppResult<()> {
    let cart = super::cart::CartOwner::from_session(session, None).await;
    super::cart::adopt(state, cart.session_cart, user_id).await?;
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    session
        .insert(USER_ID_KEY, user_id)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(())
}

/// Ends this session everywhere it is stored.
pub async fn logout(
    state: &AppState,
    user: Option<&User>,
    session: &Session,
    ip: Option<IpAddr>,
) -> AppResult<()> {
    let user = require(user, Rule::SignedIn)?;
    session
        .flush()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    audit_account(state, user.id, AuditAction::UserLogout, ip).await
}

/// Changes the password after checking the current one, and ends every other session of the
/// account (whoever knew the old password is signed out). Wrong guesses at the current password
/// count as failed sign-ins, so a borrowed session cannot be used to guess it.
pub async fn change_password(
    state: &AppState,
    user: Option<&User>,
    session: &Session,
    ip: Option<IpAddr>,
    current_password: String,
    new_password: &str,
) -> AppResult<()> {
    let user = require(user, Rule::SignedIn)?;
    let new_password = Password::parse_for(new_password, &[&user.email, &user.display_name])
        .map_err(|message| AppError::field("new_password", message))?;
    let email = Email::parse(&user.email).map_err(|_| AppError::Unauthorized)?;
    let client = ip.map(auth::client::bucket);
    let client = client.as_deref();
    let (attempt, _) = password_attempt(state, &email, client).await?;
    let stored = db::users::password_hash(&state.db, user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !auth::password::verify(current_password, stored).await? {
        return Err(AppError::field(
            "current_password",
            "mật khẩu hiện tại không đúng",
        ));
    }
    db::users::forget_attempt(&state.db, attempt).await?;
    let hash = auth::password::hash(new_password.expose()).await?;
    let keep = session.id().map(|id| id.to_string());
    let mut tx = state.db.begin().await?;
    db::users::set_password_hash(&mut *tx, user.id, &hash).await?;
    let ended = db::users::revoke_sessions(&mut *tx, user.id, keep.as_deref()).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::UserChangePassword,
            entity_id: user.id.to_string(),
            reason: None,
            before: None,
            after: Some(json!({ "client": client, "sessions_ended": ended })),
        },
    )
    .await?;
    tx.commit().await?;
    // A fresh id for the session that stays, as at every sign-in.
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

/// "Sign out everywhere": ends every session of the account, this one included.
pub async fn revoke_sessions(
    state: &AppState,
    user: Option<&User>,
    session: &Session,
    ip: Option<IpAddr>,
) -> AppResult<()> {
    let user = require(user, Rule::SignedIn)?;
    let mut tx = state.db.begin().await?;
    let ended = db::users::revoke_sessions(&mut *tx, user.id, None).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::UserRevokeSessions,
            entity_id: user.id.to_string(),
            reason: None,
            before: None,
            after: Some(json!({ "client": ip.map(auth::client::bucket), "sessions_ended": ended })),
        },
    )
    .await?;
    tx.commit().await?;
    session
        .flush()
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

/// Admins grant curator or admin to another account; audited.
pub async fn grant_role(
    state: &AppState,
    user: Option<&User>,
    user_id: Uuid,
    role: &str,
) -> AppResult<User> {
    let admin = require(user, Rule::Admin)?;
    let role = role
        .parse::<Role>()
        .map_err(|message| AppError::field("role", message))?;
    let mut tx = state.db.begin().await?;
    db::users::load_user(&state.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    db::users::grant_role(&mut *tx, user_id, role, Some(admin.id)).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(admin.id),
            action: AuditAction::UserGrantRole,
            entity_id: user_id.to_string(),
            reason: None,
            before: None,
            after: Some(json!({ "role": role.as_str() })),
        },
    )
    .await?;
    tx.commit().await?;
    db::users::load_user(&state.db, user_id)
        .await?
        .ok_or(AppError::NotFound)
}
