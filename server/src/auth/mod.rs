//! Who is asking: sessions, password hashing, and the access rules every route states.

pub mod admin;
pub mod client;
pub mod password;
pub mod session_store;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tower_sessions::Session;
use uuid::Uuid;

pub use client::ClientIp;

use crate::db;
// The account types live in the domain; they are re-exported here where access rules use them.
pub use crate::domain::account::{MemberRole, Membership, Role, Rule, User};
use crate::state::AppState;

/// Why a request was refused before its handler ran; the surfaces pick the status
/// (`http::error` for the API, the UI its own pages).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("the session store failed")]
    Session(#[source] anyhow::Error),
    #[error("loading the user failed")]
    Database(#[from] sqlx::Error),
}

/// The session key holding the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";

/// The requester: maybe nobody. Extracting it never fails; [`Requester::require`] decides.
pub struct Requester {
    pub user: Option<User>,
    pub session: Session,
}

impl Requester {
    /// The signed-in user if `rule` lets them through: 401 for nobody, 403 for the wrong person.
    pub fn require(&self, rule: Rule) -> Result<&User, AuthError> {
        let user = self.user.as_ref().ok_or(AuthError::Unauthorized)?;
        if user.allows(rule) {
            Ok(user)
        } else {
            Err(AuthError::Forbidden(
                "không có quyền thực hiện thao tác này".into(),
            ))
        }
    }
}

impl FromRequestParts<AppState> for Requester {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AuthError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, message)| AuthError::Session(anyhow::anyhow!(message)))?;
        Requester::from_session(session, &state.db).await
    }
}

impl Requester {
    /// Whoever the session says is signed in (the UI's pages reach the session this way too).
    pub async fn from_session(session: Session, db: &sqlx::PgPool) -> Result<Requester, AuthError> {
        let user_id: Option<Uuid> = session
            .get(USER_ID_KEY)
            .await
            .map_err(|e| AuthError::Session(e.into()))?;
        let user = match user_id {
            Some(id) => db::users::load_user(db, id).await?,
            None => None,
        };
        Ok(Requester { user, session })
    }
}
