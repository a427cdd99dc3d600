//! The account's own pages and producer membership: the account page (password, signing out
//! everywhere), a producer's members page and an invitation's page, and what they need from the
//! server through the [`AccountsBackend`] port. Writes are plain form posts.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Answer, FormState};

/// `/tai-khoan`: who is signed in, with the last post of its forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AccountPage {
    pub email: String,
    pub display_name: String,
    pub form: FormState,
}

/// A member on the members page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberEntry {
    pub user_id: String,
    pub display_name: String,
    pub email: String,
    /// `owner` or `member`.
    pub role: String,
}

/// An invitation not yet accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub email: String,
    pub role: String,
    /// `YYYY-MM-DD`, Vietnam time.
    pub expires_on: String,
}

/// `/quan-ly/{slug}/thanh-vien`: members, open invitations, and (for owners) the invite form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersPage {
    pub producer_name: String,
    pub slug: String,
    pub owner: bool,
    /// The signed-in member's own id: their row has "leave" rather than "remove".
    pub viewer_id: String,
    pub members: Vec<MemberEntry>,
    pub invitations: Vec<PendingInvitation>,
    pub form: FormState,
}

/// `/loi-moi/{token}`: the producer an invitation is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPage {
    pub producer_name: String,
    pub role: String,
    /// `YYYY-MM-DD`, Vietnam time.
    pub expires_on: String,
    /// The signed-in account's address; `None` for nobody (the page offers sign-in).
    pub signed_in_as: Option<String>,
    pub form: FormState,
}

#[cfg(feature = "ssr")]
mod port {
    use std::sync::Arc;

    use super::*;
    use crate::api::{BackendError, Request};

    /// What the account and membership pages need (provided as `Arc<dyn AccountsBackend>`).
    #[async_trait::async_trait]
    pub trait AccountsBackend: Send + Sync + 'static {
        async fn account_page(&self, req: &Request) -> Result<AccountPage, BackendError>;
        async fn members_page(
            &self,
            req: &Request,
            slug: String,
        ) -> Result<MembersPage, BackendError>;
        async fn invitation_page(
            &self,
            req: &Request,
            token: String,
        ) -> Result<InvitationPage, BackendError>;
    }

    pub type SharedAccountsBackend = Arc<dyn AccountsBackend>;

    pub fn backend() -> Result<SharedAccountsBackend, ServerFnError> {
        use_context::<SharedAccountsBackend>()
            .ok_or_else(|| ServerFnError::new("accounts backend not provided"))
    }

    pub fn request() -> Result<Request, ServerFnError> {
        use_context::<Request>().ok_or_else(|| ServerFnError::new("no request context"))
    }

    pub fn answer<T>(result: Result<T, BackendError>) -> Answer<T> {
        super::super::port::answer(result)
    }

    pub use super::super::port::no_referrer;
}

#[cfg(feature = "ssr")]
pub use port::{AccountsBackend, SharedAccountsBackend};

#[server(prefix = "/_fn", endpoint = "account_page")]
pub async fn get_account_page() -> Answer<AccountPage> {
    let req = port::request()?;
    port::answer(port::backend()?.account_page(&req).await)
}

#[server(prefix = "/_fn", endpoint = "members_page")]
pub async fn get_members_page(slug: String) -> Answer<MembersPage> {
    let req = port::request()?;
    port::answer(port::backend()?.members_page(&req, slug).await)
}

#[server(prefix = "/_fn", endpoint = "invitation_page")]
pub async fn get_invitation_page(token: String) -> Answer<InvitationPage> {
    port::no_referrer();
    let req = port::request()?;
    port::answer(port::backend()?.invitation_page(&req, token).await)
}
