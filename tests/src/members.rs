//! Typed helpers for producer membership: invite an address through the API, read the
//! invitation's link from the mail outbox (the only place its token exists), and accept it as
//! the invited account.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::TestApp;

impl TestApp {
    /// `POST /api/v1/producers/{slug}/members` as `owner`: the answer (panics unless 201).
    pub async fn invite(&self, owner: &Client, slug: &str, email: &str, role: &str) -> Value {
        let (status, body) = self
            .send_json(
                owner,
                Method::POST,
                &format!("/api/v1/producers/{slug}/members"),
                Some(json!({ "email": email, "role": role })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "inviting {email}: {body}");
        body
    }

    /// The token of the newest invitation mailed to `email`, read from the outbox row's link.
    pub async fn invitation_token(&self, email: &str) -> String {
        let text: String = sqlx::query_scalar(
            "select body_text from mail_outbox where kind = 'invitation' and recipient = $1::citext
              order by id desc limit 1",
        )
        .bind(email)
        .fetch_one(&self.db)
        .await
        .expect("an invitation mail is queued");
        token_in(&text).expect("the invitation mail carries its link")
    }

    /// `POST /api/v1/invitations/{token}/accept` as `client`: status and body.
    pub async fn accept_invitation(&self, client: &Client, token: &str) -> (StatusCode, Value) {
        self.send_json(
            client,
            Method::POST,
            &format!("/api/v1/invitations/{token}/accept"),
            None,
        )
        .await
    }

    /// Makes `member` (signed in as `email`) a member of `slug` the only way there is: the
    /// owner invites, the member accepts (panics unless both work).
    pub async fn add_member(
        &self,
        owner: &Client,
        slug: &str,
        member: &Client,
        email: &str,
        role: &str,
    ) {
        self.invite(owner, slug, email, role).await;
        let token = self.invitation_token(email).await;
        let (status, body) = self.accept_invitation(member, &token).await;
        assert_eq!(status, StatusCode::OK, "accepting as {email}: {body}");
    }
}

/// The token in a `…/loi-moi/{token}` link.
pub fn token_in(text: &str) -> Option<String> {
    let start = text.find("/loi-moi/")? + "/loi-moi/".len();
    let token: String = text[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    (!token.is_empty()).then_some(token)
}
