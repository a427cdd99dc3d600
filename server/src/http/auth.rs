//! Accounts: register, log in (throttled), log out, `me`, and admin role grants.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::error::ApiError;
use super::extract::{AppJson, AppPath};
use super::schemas::{ErrorBody, MeResponse, UserEnvelope};
use crate::auth::{self, Requester, Role, Rule, User};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::domain::FieldErrors;
use crate::domain::account::{Email, Password, parse_display_name};
use crate::state::AppState;

/// Failed logins counted over this window.
const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
const MAX_FAILURES_PER_IP: i64 = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/auth/register", post(register))
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/me", get(me))
        .route("/v1/admin/users/{id}/roles", post(grant_role))
}

/// The client's address as this server saw it.
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}

pub fn user_json(user: &User) -> Value {
    let mut roles = vec!["buyer"];
    roles.extend(user.roles.iter().map(|r| r.as_str()));
    json!({
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "roles": roles,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct RegisterBody {
    #[serde(default)]
    #[schema(required = true, example = "nguoi.mua@example.vn")]
    email: String,
    /// 8 to 128 characters.
    #[serde(default)]
    #[schema(required = true, min_length = 8, max_length = 128)]
    password: String,
    #[serde(default)]
    #[schema(required = true, example = "Nguyễn Văn A")]
    display_name: String,
}

/// Creates an account and signs it in. 409 when the email is taken, and nothing more is said.
#[utoipa::path(
    post,
    path = "/api/v1/auth/register",
    tag = "accounts",
    request_body = RegisterBody,
    responses(
        (status = 201, description = "Registered and signed in", body = UserEnvelope,
            headers(("set-cookie" = String, description = "The session cookie `cho_ocop_sid`"))),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 403, description = "Cross-site request", body = ErrorBody),
        (status = 409, description = "The email is taken (`email_taken`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid email, password or display name", body = ErrorBody),
    ),
)]
pub(crate) async fn register(
    State(state): State<AppState>,
    requester: Requester,
    AppJson(body): AppJson<RegisterBody>,
) -> Result<impl IntoResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&body.email));
    let password = errors.check("password", Password::parse(&body.password));
    let display_name = errors.check("display_name", parse_display_name(&body.display_name));
    let (Some(email), Some(password), Some(display_name)) = (email, password, display_name) else {
        return Err(ApiError::Validation(errors.0));
    };
    let hash = auth::password::hash(password.expose()).await?;
    let id = db::users::create(&state.db, &email, &hash, &display_name)
        .await?
        .ok_or_else(|| ApiError::Conflict {
            code: "email_taken",
            message: "email này đã được đăng ký".into(),
        })?;
    sign_in(&state, &requester, id).await?;
    let user = db::users::load_user(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        AppJson(json!({ "user": user_json(&user) })),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct LoginBody {
    #[serde(default)]
    #[schema(required = true)]
    email: String,
    #[serde(default)]
    #[schema(required = true)]
    password: String,
}

/// Signs in with email and password; throttled per account and per IP (429 with Retry-After).
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "accounts",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in", body = UserEnvelope,
            headers(("set-cookie" = String, description = "The session cookie `cho_ocop_sid`"))),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 403, description = "Cross-site request", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "A field has the wrong JSON type", body = ErrorBody),
        (status = 429, description = "Too many failed attempts for this account or address", body = ErrorBody,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    ),
)]
pub(crate) async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    requester: Requester,
    AppJson(body): AppJson<LoginBody>,
) -> Result<impl IntoResponse, ApiError> {
    let Ok(email) = Email::parse(&body.email) else {
        return Err(ApiError::Unauthorized);
    };
    let window = chrono::Duration::from_std(THROTTLE_WINDOW).unwrap_or_default();
    let since = Utc::now() - window;
    let (by_account, by_ip, oldest) =
        db::users::recent_failures(&state.db, &email, ip, since).await?;
    if by_account >= MAX_FAILURES_PER_ACCOUNT || by_ip >= MAX_FAILURES_PER_IP {
        let retry_after = oldest
            .map(|at| (at + window - Utc::now()).num_seconds())
            .unwrap_or(60)
            .max(1) as u64;
        return Err(ApiError::TooManyRequests {
            retry_after_secs: retry_after,
        });
    }

    let credentials = db::users::credentials(&state.db, &email).await?;
    // Unknown emails are checked against a dummy hash so both failures take equally long.
    let (user_id, stored) = match credentials {
        Some((id, hash)) => (Some(id), hash),
        None => (None, auth::password::dummy_hash().await.to_owned()),
    };
    let matches = auth::password::verify(body.password, stored).await?;
    let Some(user_id) = user_id.filter(|_| matches) else {
        db::users::record_failure(&state.db, &email, ip).await?;
        return Err(ApiError::Unauthorized);
    };
    db::users::clear_failures(&state.db, &email).await?;
    sign_in(&state, &requester, user_id).await?;
    let user = db::users::load_user(&state.db, user_id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    Ok(AppJson(json!({ "user": user_json(&user) })))
}

/// A new session id at every sign-in, so an id planted before login is worthless after it.
/// The anonymous cart comes along: it joins the buyer's own cart.
async fn sign_in(state: &AppState, requester: &Requester, user_id: Uuid) -> Result<(), ApiError> {
    let session = &requester.session;
    let cart = crate::app::cart::CartOwner::from_session(session, None).await;
    crate::app::cart::adopt(state, cart.session_cart, user_id).await?;
    session
        .cycle_id()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    session
        .insert(auth::USER_ID_KEY, user_id)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(())
}

/// Ends the session everywhere it is stored.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "accounts",
    security(("session" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Cross-site request", body = ErrorBody),
    ),
)]
pub(crate) async fn logout(requester: Requester) -> Result<StatusCode, ApiError> {
    requester.require(Rule::SignedIn)?;
    requester
        .session
        .flush()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user, roles and producer memberships.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    security(("session" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = MeResponse),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
)]
async fn me(requester: Requester) -> Result<AppJson<Value>, ApiError> {
    let user = requester.require(Rule::SignedIn)?;
    Ok(AppJson(json!({
        "user": user_json(user),
        "memberships": user.memberships,
    })))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct RoleBody {
    /// `curator` or `admin`.
    #[serde(default)]
    #[schema(required = true, pattern = "^(curator|admin)$", example = "curator")]
    role: String,
}

/// Admins grant curator or admin to another account.
#[utoipa::path(
    post,
    path = "/api/v1/admin/users/{id}/roles",
    tag = "accounts",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    request_body = RoleBody,
    responses(
        (status = 200, description = "The user with the role granted", body = UserEnvelope),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "`role` is not curator or admin", body = ErrorBody),
    ),
)]
async fn grant_role(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(user_id): AppPath<Uuid>,
    AppJson(body): AppJson<RoleBody>,
) -> Result<AppJson<Value>, ApiError> {
    let admin = requester.require(Rule::Admin)?;
    let role = Role::parse(&body.role)
        .map_err(|message| ApiError::Validation([("role".to_owned(), message)].into()))?;
    let mut tx = state.db.begin().await?;
    db::users::load_user(&state.db, user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    db::users::grant_role(&mut *tx, user_id, role, Some(admin.id)).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(admin.id),
            action: "user.grant_role",
            entity: "user",
            entity_id: user_id.to_string(),
            reason: None,
            before: None,
            after: Some(json!({ "role": role.as_str() })),
        },
    )
    .await?;
    tx.commit().await?;
    let user = db::users::load_user(&state.db, user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(AppJson(json!({ "user": user_json(&user) })))
}
