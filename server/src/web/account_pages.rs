//! The account and membership pages' half of the UI port: the account page, a producer's
//! members page and an invitation's page, read through the same `app` commands as the API.
//! Their form posts are in `forms`.

use frontend::api::{
    AccountPage, AccountsBackend, BackendError, InvitationPage, MemberEntry, MembersPage,
    PendingInvitation, Request,
};

use super::workspace::{requester, take_flash};
use super::{PgBackend, refused};
use crate::app;
use crate::clock::vietnam;

fn day(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&vietnam()).date_naive().to_string()
}

#[async_trait::async_trait]
impl AccountsBackend for PgBackend {
    async fn account_page(&self, req: &Request) -> Result<AccountPage, BackendError> {
        let requester = requester(&self.state, req).await?;
        let user = requester.user.as_ref().ok_or(BackendError::Unauthorized)?;
        Ok(AccountPage {
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            form: take_flash(&requester.session).await,
        })
    }

    async fn members_page(&self, req: &Request, slug: String) -> Result<MembersPage, BackendError> {
        let requester = requester(&self.state, req).await?;
        let list = app::members::list(&self.state, requester.user.as_ref(), &slug)
            .await
            .map_err(refused)?;
        let user = requester.user.as_ref().ok_or(BackendError::Unauthorized)?;
        let card = app::workspace::producer_card(&self.state, &slug)
            .await
            .map_err(refused)?;
        Ok(MembersPage {
            producer_name: card.name,
            slug,
            owner: user.allows(crate::auth::Rule::OwnerOf(list.producer_id)),
            viewer_id: user.id.to_string(),
            members: list
                .members
                .into_iter()
                .map(|m| MemberEntry {
                    user_id: m.user_id.to_string(),
                    display_name: m.display_name,
                    email: m.email,
                    role: m.role,
                })
                .collect(),
            invitations: list
                .invitations
                .into_iter()
                .map(|i| PendingInvitation {
                    email: i.email,
                    role: i.role,
                    expires_on: day(i.expires_at),
                })
                .collect(),
            form: take_flash(&requester.session).await,
        })
    }

    async fn invitation_page(
        &self,
        req: &Request,
        token: String,
    ) -> Result<InvitationPage, BackendError> {
        let requester = requester(&self.state, req).await?;
        let invitation = app::members::show_invitation(&self.state, &token)
            .await
            .map_err(refused)?;
        Ok(InvitationPage {
            producer_name: invitation.producer_name,
            role: match invitation.role {
                crate::auth::MemberRole::Owner => "owner".into(),
                crate::auth::MemberRole::Member => "member".into(),
            },
            expires_on: day(invitation.expires_at),
            signed_in_as: requester.user.as_ref().map(|u| u.email.clone()),
            form: take_flash(&requester.session).await,
        })
    }
}
