//! Accounts: register, log in (throttled), log out, `me`, password change, signing out
//! everywhere, and admin role grants.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::Deserialize;
use uuid::Uuid;

use super::error::ApiError;
use super::extract::{AppJson, AppPath};
use super::schemas::{ErrorBody, JsonBody, MeResponse, SameSite, SignedIn, UserEnvelope};
use crate::app;
use crate::auth::{ClientIp, Requester, Rule};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/auth/register", post(register))
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/me", get(me))
        .route("/v1/me/password", post(change_password))
        .route("/v1/me/sessions/revoke", post(revoke_sessions))
        .route("/v1/admin/users/{id}/roles", post(grant_role))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
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
        (status = 429, description = "Too many registrations from this client; see `Retry-After`", body = ErrorBody),
    ),
)]
pub(crate) async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    requester: Requester,
    AppJson(body): AppJson<RegisterBody>,
) -> Result<impl IntoResponse, ApiError> {
    let user = app::accounts::register(
        &state,
        &requester.session,
        ip,
        &body.email,
        &body.password,
        &body.display_name,
    )
    .await?;
    Ok((StatusCode::CREATED, AppJson(UserEnvelope::of(&user))))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
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
    let user =
        app::accounts::login(&state, &requester.session, ip, &body.email, body.password).await?;
    Ok(AppJson(UserEnvelope::of(&user)))
}

/// Ends the session everywhere it is stored.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "accounts",
    security(("session" = [])),
    responses(
        (status = 204, description = "Signed out"),
        SignedIn,
        SameSite,
    ),
)]
pub(crate) async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    requester: Requester,
) -> Result<StatusCode, ApiError> {
    app::accounts::logout(&state, requester.user.as_ref(), &requester.session, ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordBody {
    #[serde(default)]
    #[schema(required = true)]
    current_password: String,
    /// 8 to 128 characters, not easily guessed (as at registration).
    #[serde(default)]
    #[schema(required = true, min_length = 8, max_length = 128)]
    new_password: String,
}

/// Changes the password; every other session of the account is signed out, this one stays
/// (under a new id). Wrong current passwords count as failed sign-ins.
#[utoipa::path(
    post,
    path = "/api/v1/me/password",
    tag = "accounts",
    security(("session" = [])),
    request_body = PasswordBody,
    responses(
        (status = 204, description = "Changed; other sessions ended"),
        JsonBody,
        SignedIn,
        SameSite,
        (status = 422, description = "Wrong `current_password`, or `new_password` too short or easily guessed", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords; see `Retry-After`", body = ErrorBody),
    ),
)]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    requester: Requester,
    AppJson(body): AppJson<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    app::accounts::change_password(
        &state,
        requester.user.as_ref(),
        &requester.session,
        ip,
        body.current_password,
        &body.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs the account out everywhere: every session of it ends, this one included.
#[utoipa::path(
    post,
    path = "/api/v1/me/sessions/revoke",
    tag = "accounts",
    security(("session" = [])),
    responses(
        (status = 204, description = "Every session ended"),
        SignedIn,
        SameSite,
    ),
)]
pub(crate) async fn revoke_sessions(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    requester: Requester,
) -> Result<StatusCode, ApiError> {
    app::accounts::revoke_sessions(&state, requester.user.as_ref(), &requester.session, ip).await?;
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
        SignedIn,
    ),
)]
async fn me(requester: Requester) -> Result<AppJson<MeResponse>, ApiError> {
    let user = requester.require(Rule::SignedIn)?;
    Ok(AppJson(MeResponse {
        user: user.into(),
        memberships: user.memberships.iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
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
        JsonBody,
        SignedIn,
        (status = 403, description = "Not an admin, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "`role` is not curator or admin", body = ErrorBody),
    ),
)]
async fn grant_role(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(user_id): AppPath<Uuid>,
    AppJson(body): AppJson<RoleBody>,
) -> Result<AppJson<UserEnvelope>, ApiError> {
    let user =
        app::accounts::grant_role(&state, requester.user.as_ref(), user_id, &body.role).await?;
    Ok(AppJson(UserEnvelope::of(&user)))
}
