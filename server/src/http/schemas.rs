//! Response bodies that only the JSON API has (the error shape, envelopes, health), described
//! for the OpenAPI document. Handlers and the document both import them from here, so the
//! document depends on the handlers and never the other way round.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use frontend::api::ProducerCard;
use serde::Serialize;
use utoipa::{IntoResponses, ToSchema};
use uuid::Uuid;

use crate::domain::account::{MemberRole, Membership, Role, User};

/// Every error the API returns: `{"error": {"code", "message", "fields"?}}`.
// Mirrors what `error::ApiError` serialises; the integration tests compare the two.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "validation_failed", "message": "Dữ liệu không hợp lệ", "fields": {"price_vnd": "phải lớn hơn 0"}}}))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `validation_failed`, `bad_request`, `unauthorized`, `forbidden`,
    /// `not_found`, `payload_too_large`, `unsupported_media_type`, `too_many_requests`,
    /// `service_unavailable`, `internal_error`, or a conflict's own code (`email_taken`,
    /// `slug_taken`, `already_member`, `last_owner`, `out_of_stock`, `illegal_transition`,
    /// `already_paid`, `idempotency_key_reused`).
    #[schema(example = "not_found")]
    pub code: String,
    /// For people (mostly Vietnamese); never carries internals.
    pub message: String,
    /// Only on `validation_failed` (422): field name → what is wrong with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub fields: Option<BTreeMap<String, String>>,
    /// Only on `out_of_stock` (409): each item that could not be reserved and what is left.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub items: Option<Vec<frontend::api::Shortage>>,
}

/// Roles a user holds: everyone is a buyer; curator and admin are granted.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UserRole {
    Buyer,
    Curator,
    Admin,
}

/// A role in a producer.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MemberRoleName {
    Owner,
    Member,
}

/// An account as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<UserRole>,
}

/// `{"user": User}`: register, login and role grants answer with this.
#[derive(Serialize, ToSchema)]
pub struct UserEnvelope {
    pub user: UserDto,
}

/// A producer the user belongs to.
#[derive(Serialize, ToSchema)]
pub struct MembershipDto {
    pub producer_id: Uuid,
    pub producer_slug: String,
    pub role: MemberRoleName,
}

/// `GET /api/v1/me`.
#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub user: UserDto,
    pub memberships: Vec<MembershipDto>,
}

/// `{"producer": Producer}` after creating or editing one.
#[derive(Serialize, ToSchema)]
pub struct ProducerEnvelope {
    pub producer: ProducerCard,
}

/// An invitation sent: the same answer whether or not the address has an account.
#[derive(Serialize, ToSchema)]
pub struct InvitationDto {
    pub id: Uuid,
    pub email: String,
    pub role: MemberRoleName,
    pub expires_at: DateTime<Utc>,
}

/// `{"invitation": Invitation}` after inviting someone.
#[derive(Serialize, ToSchema)]
pub struct InvitationEnvelope {
    pub invitation: InvitationDto,
}

/// A member of a producer.
#[derive(Serialize, ToSchema)]
pub struct MemberDto {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: MemberRoleName,
    pub added_at: DateTime<Utc>,
}

/// A producer's members and the invitations not yet accepted.
#[derive(Serialize, ToSchema)]
pub struct MemberListResponse {
    pub members: Vec<MemberDto>,
    pub invitations: Vec<InvitationDto>,
}

/// The producer an accepted invitation joined.
#[derive(Serialize, ToSchema)]
pub struct InvitationAccepted {
    pub producer_id: Uuid,
    pub producer_slug: String,
    pub role: MemberRoleName,
}

/// A stored product photo and its thumbnail.
#[derive(Serialize, ToSchema)]
pub struct ImageUploaded {
    pub id: Uuid,
    pub url: String,
    pub thumb_url: String,
}

/// The multipart form of a photo upload.
#[derive(ToSchema)]
#[allow(dead_code)] // A schema only: the handler reads the fields from `Multipart`.
pub struct ImageUpload {
    /// JPEG, PNG or WebP, at most 10 MB (checked by its bytes, not its name).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// Alternative text, at most 300 characters.
    pub alt: Option<String>,
}

/// `GET /healthz`.
#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// A backend in use, e.g. `postgres` for search, `local` or `s3` for media.
#[derive(Serialize, ToSchema)]
pub struct Backend {
    pub backend: String,
}

/// The search engine: `backend` names the one answering now, with the configured one in
/// brackets when it is down (`postgres (meilisearch down)`).
#[derive(Serialize, ToSchema)]
pub struct SearchReadiness {
    pub backend: String,
    /// `postgres` or `meilisearch`: what the settings ask for.
    pub configured: String,
    /// Changes not yet pushed to Meilisearch (always drained quickly with Postgres).
    pub outbox: i64,
}

/// Outgoing mail: whether an SMTP server is configured, which (without credentials) or why not,
/// and how many messages wait.
#[derive(Serialize, ToSchema)]
pub struct MailReadiness {
    pub configured: bool,
    pub smtp: Option<String>,
    /// Why mail is off (`APP__MAIL__SMTP_URL and APP__MAIL__FROM are not set`); messages are
    /// then logged and marked not sent.
    pub reason: Option<String>,
    pub pending: i64,
}

/// `GET /readyz`: 200 when the database answers, 503 (with `error`) when it does not.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` or `unavailable`.
    pub status: String,
    /// `ok` or `unreachable`.
    pub database: String,
    pub search: SearchReadiness,
    pub media: Backend,
    pub mail: MailReadiness,
    /// Only on 503.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub error: Option<ErrorDetail>,
}

impl From<MemberRole> for MemberRoleName {
    fn from(role: MemberRole) -> Self {
        match role {
            MemberRole::Owner => MemberRoleName::Owner,
            MemberRole::Member => MemberRoleName::Member,
        }
    }
}

impl From<&str> for MemberRoleName {
    /// As stored (`owner` / `member`).
    fn from(role: &str) -> Self {
        if role == "owner" {
            MemberRoleName::Owner
        } else {
            MemberRoleName::Member
        }
    }
}

impl From<&User> for UserDto {
    /// Every account is a buyer; granted roles follow.
    fn from(user: &User) -> Self {
        let granted = user.roles.iter().map(|role| match role {
            Role::Curator => UserRole::Curator,
            Role::Admin => UserRole::Admin,
        });
        UserDto {
            id: user.id,
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            roles: std::iter::once(UserRole::Buyer).chain(granted).collect(),
        }
    }
}

impl From<&Membership> for MembershipDto {
    fn from(m: &Membership) -> Self {
        MembershipDto {
            producer_id: m.producer_id,
            producer_slug: m.producer_slug.clone(),
            role: m.role.into(),
        }
    }
}

impl UserEnvelope {
    pub fn of(user: &User) -> Self {
        UserEnvelope { user: user.into() }
    }
}

// Response sets that many operations share, listed once: `responses((status = 200, …), JsonBody,
// SignedIn)`. The variants only describe what the error layer answers; nothing builds them.

/// A JSON body the server could not read.
#[derive(IntoResponses)]
pub enum JsonBody {
    #[response(status = 400, description = "Malformed JSON")]
    Malformed(ErrorBody),
    #[response(status = 415, description = "Not `application/json`")]
    NotJson(ErrorBody),
}

/// The operation needs a signed-in user.
#[derive(IntoResponses)]
pub enum SignedIn {
    #[response(status = 401, description = "Not signed in")]
    NotSignedIn(ErrorBody),
}

/// A write by a member of the producer named in the path.
#[derive(IntoResponses)]
pub enum MemberWrite {
    #[response(
        status = 403,
        description = "Not a member of its producer, or a cross-site request"
    )]
    NotMember(ErrorBody),
}

/// The producer named by `{slug}` must exist.
#[derive(IntoResponses)]
pub enum KnownProducer {
    #[response(status = 404, description = "No producer has this slug")]
    NoProducer(ErrorBody),
}

/// A cookie-authenticated write from another site is refused.
#[derive(IntoResponses)]
pub enum SameSite {
    #[response(status = 403, description = "Cross-site request")]
    CrossSite(ErrorBody),
}
