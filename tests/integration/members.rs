//! Producer membership by invitation: owners invite an address (the answer never tells whether it
//! has an account), only the invited account can accept, links expire and work once, owners
//! remove members but never the last owner, and every step is audited. The same through the
//! plain HTML forms a browser without JavaScript posts.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{Client, Method, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use server::clock::ManualClock;
use tests::{SmtpServer, TestApp};

async fn producer(app: &TestApp, owner: &Client) -> String {
    app.create_producer(owner, json!({ "name": "HTX Chè Tân Cương", "kind": "htx" }))
        .await
        .slug
}

/// `(action, actor email, after)` of the audit rows with these actions, oldest first.
async fn audit(app: &TestApp, actions: &[&str]) -> Vec<(String, Option<String>, Option<Value>)> {
    sqlx::query_as(
        "select a.action, u.email::text, a.after from audit_log a
           left join users u on u.id = a.actor_id
          where a.action = any($1) order by a.id",
    )
    .bind(actions)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn is_member(app: &TestApp, slug: &str, email: &str) -> bool {
    sqlx::query_scalar(
        "select exists (select 1 from producer_members m join users u on u.id = m.user_id
                          join producers p on p.id = m.producer_id
                         where p.slug = $1 and u.email = $2::citext)",
    )
    .bind(slug)
    .bind(email)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn inviting_says_the_same_for_known_and_unknown_addresses_and_adds_nobody() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_in_client("chu@example.vn").await;
    let slug = producer(&app, &owner).await;
    app.signed_in_client("co.tai.khoan@example.vn").await;

    let known = app
        .invite(&owner, &slug, "co.tai.khoan@example.vn", "member")
        .await;
    let unknown = app
        .invite(&owner, &slug, "chua.co@example.vn", "member")
        .await;
    // Same keys, nothing about the account: no user id, no name.
    let keys = |v: &Value| {
        let mut k: Vec<String> = v["invitation"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    assert_eq!(keys(&known), keys(&unknown));
    assert_eq!(keys(&known), ["email", "expires_at", "id", "role"]);
    assert_eq!(
        known.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["invitation"]
    );
    assert!(!known.to_string().contains("user_id"), "{known}");
    // Nobody joined without saying yes; both addresses got a mail with a link.
    assert!(!is_member(&app, &slug, "co.tai.khoan@example.vn").await);
    for email in ["co.tai.khoan@example.vn", "chua.co@example.vn"] {
        assert_eq!(app.invitation_token(email).await.len(), 64);
    }
    // The token is stored only as its hash.
    let token = app.invitation_token("chua.co@example.vn").await;
    let stored: i64 = sqlx::query_scalar(
        "select count(*) from producer_invitations where encode(token_hash, 'hex') = $1
            or encode(token_hash, 'escape') = $1",
    )
    .bind(&token)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stored, 0);

    // The list shows members and open invitations, to members only.
    let (status, list) = app
        .send_json(
            &owner,
            Method::GET,
            &format!("/api/v1/producers/{slug}/members"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["members"].as_array().unwrap().len(), 1);
    assert_eq!(list["members"][0]["role"], "owner");
    assert_eq!(list["invitations"].as_array().unwrap().len(), 2);
    let (outsider, _) = app.signed_in_client("ngoai@example.vn").await;
    let (status, _) = app
        .send_json(
            &outsider,
            Method::GET,
            &format!("/api/v1/producers/{slug}/members"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Only owners invite.
    let (status, _) = app
        .send_json(
            &outsider,
            Method::POST,
            &format!("/api/v1/producers/{slug}/members"),
            Some(json!({ "email": "ngoai@example.vn" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!is_member(&app, &slug, "ngoai@example.vn").await);
}

#[tokio::test]
async fn only_the_invited_account_accepts_and_a_link_works_once() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_in_client("chu@example.vn").await;
    let slug = producer(&app, &owner).await;
    app.invite(&owner, &slug, "Moi@Example.vn", "owner").await;
    let token = app.invitation_token("moi@example.vn").await;

    // Nobody signed in, someone else signed in, a made-up token: refused, nothing changes.
    let (status, _) = app.accept_invitation(&TestApp::new_client(), &token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (other, _) = app.signed_in_client("khac@example.vn").await;
    let (status, body) = app.accept_invitation(&other, &token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(!body.to_string().contains("moi@example.vn"), "{body}");
    assert!(!is_member(&app, &slug, "khac@example.vn").await);
    let (status, _) = app.accept_invitation(&other, &"0".repeat(64)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The invited address, registered after the invitation, accepts as the role offered.
    let (invited, invited_id) = app.signed_in_client("moi@example.vn").await;
    let (status, body) = app.accept_invitation(&invited, &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["producer_slug"], slug.as_str());
    assert_eq!(body["role"], "owner");
    let (_, me) = app
        .send_json(&invited, Method::GET, "/api/v1/me", None)
        .await;
    assert_eq!(me["memberships"][0]["role"], "owner");
    // Used: a second accept finds nothing, and the list has no open invitation left.
    let (status, _) = app.accept_invitation(&invited, &token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = app
        .send_json(
            &owner,
            Method::GET,
            &format!("/api/v1/producers/{slug}/members"),
            None,
        )
        .await;
    assert_eq!(list["invitations"], json!([]));
    assert_eq!(list["members"].as_array().unwrap().len(), 2);
    // Inviting a member again is a conflict.
    let (status, body) = app
        .send_json(
            &owner,
            Method::POST,
            &format!("/api/v1/producers/{slug}/members"),
            Some(json!({ "email": "moi@example.vn" })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "already_member");

    let rows = audit(
        &app,
        &["producer.invite_member", "producer.accept_invitation"],
    )
    .await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, "producer.invite_member");
    assert_eq!(rows[0].1.as_deref(), Some("chu@example.vn"));
    assert_eq!(rows[0].2.as_ref().unwrap()["email"], "moi@example.vn");
    assert_eq!(rows[1].0, "producer.accept_invitation");
    assert_eq!(rows[1].1.as_deref(), Some("moi@example.vn"));
    assert_eq!(rows[1].2.as_ref().unwrap()["user_id"], invited_id.as_str());
}

#[tokio::test]
async fn invitations_expire_after_fourteen_days_and_a_new_one_replaces_the_old() {
    let start: DateTime<Utc> = "2026-12-01T03:00:00Z".parse().unwrap();
    let clock = ManualClock::new(start);
    let app = TestApp::spawn_with_clock(clock.clone(), |_| {}).await;
    let (owner, _) = app.signed_in_client("chu@example.vn").await;
    let slug = producer(&app, &owner).await;
    let (invited, _) = app.signed_in_client("moi@example.vn").await;
    let sent = app.invite(&owner, &slug, "moi@example.vn", "member").await;
    assert_eq!(sent["invitation"]["expires_at"], "2026-12-15T03:00:00Z");
    let first = app.invitation_token("moi@example.vn").await;

    clock.set(start + chrono::Duration::days(14) + chrono::Duration::seconds(1));
    let (status, _) = app.accept_invitation(&invited, &first).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "expired");
    let (status, _) = app.get_html(&format!("/loi-moi/{first}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the page says it is gone");
    assert!(!is_member(&app, &slug, "moi@example.vn").await);

    // Inviting again sends a new link; the old one stays dead.
    app.invite(&owner, &slug, "moi@example.vn", "member").await;
    let second = app.invitation_token("moi@example.vn").await;
    assert_ne!(first, second);
    clock.set(start + chrono::Duration::days(20));
    let (status, _) = app.accept_invitation(&invited, &first).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app.accept_invitation(&invited, &second).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn owners_remove_members_members_may_leave_and_the_last_owner_stays() {
    let app = TestApp::spawn().await;
    let (owner, owner_id) = app.signed_in_client("chu@example.vn").await;
    let slug = producer(&app, &owner).await;
    let (member, member_id) = app.signed_in_client("tv@example.vn").await;
    let (other, other_id) = app.signed_in_client("tv2@example.vn").await;
    app.add_member(&owner, &slug, &member, "tv@example.vn", "member")
        .await;
    app.add_member(&owner, &slug, &other, "tv2@example.vn", "member")
        .await;
    let path = |id: &str| format!("/api/v1/producers/{slug}/members/{id}");

    // The sole owner cannot be removed, not even by themself.
    let (status, body) = app
        .send_json(&owner, Method::DELETE, &path(&owner_id), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "last_owner");
    // A member cannot remove another member, nor the owner.
    for id in [&other_id, &owner_id] {
        let (status, _) = app
            .send_json(&member, Method::DELETE, &path(id), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // An owner removes a member; a member leaves on their own.
    let (status, _) = app
        .send_json(&owner, Method::DELETE, &path(&other_id), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!is_member(&app, &slug, "tv2@example.vn").await);
    let (status, _) = app
        .send_json(&member, Method::DELETE, &path(&member_id), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!is_member(&app, &slug, "tv@example.vn").await);
    // A removed member has no access left; removing them again finds nobody.
    let (status, _) = app
        .send_json(
            &member,
            Method::GET,
            &format!("/api/v1/producers/{slug}/members"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .send_json(&owner, Method::DELETE, &path(&member_id), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // With a second owner, the first may leave.
    let (co, _) = app.signed_in_client("dong.chu@example.vn").await;
    app.add_member(&owner, &slug, &co, "dong.chu@example.vn", "owner")
        .await;
    let (status, _) = app
        .send_json(&owner, Method::DELETE, &path(&owner_id), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app
        .send_json(
            &co,
            Method::GET,
            &format!("/api/v1/producers/{slug}/members"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["members"].as_array().unwrap().len(), 1);

    let rows = audit(&app, &["producer.remove_member"]).await;
    let removed: Vec<(Option<String>, String)> = rows
        .into_iter()
        .map(|(_, actor, _)| actor)
        .zip(
            sqlx::query_scalar::<_, Value>(
                "select before from audit_log where action = 'producer.remove_member' order by id",
            )
            .fetch_all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|b| b["user_id"].as_str().unwrap().to_owned()),
        )
        .collect();
    assert_eq!(
        removed,
        [
            (Some("chu@example.vn".to_owned()), other_id),
            (Some("tv@example.vn".to_owned()), member_id),
            (Some("chu@example.vn".to_owned()), owner_id),
        ]
    );
}

#[tokio::test]
async fn the_invitation_mail_reaches_the_invited_address_with_its_link() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = TestApp::spawn_with(move |s| {
        s.mail.smtp_url = Some(SecretString::from(url));
        s.mail.from = Some("Chợ OCOP <khong-tra-loi@cho-ocop.example>".to_owned());
        s.mail.retry_cap_secs = Some(1);
    })
    .await;
    let (owner, _) = app.signed_in_client("chu@example.vn").await;
    let slug = producer(&app, &owner).await;
    app.invite(&owner, &slug, "moi@example.vn", "member").await;
    let messages = smtp.wait_for(1, Duration::from_secs(20)).await;
    let mail = &messages[0];
    assert_eq!(mail.rcpt_tos, ["moi@example.vn"]);
    assert!(
        mail.subject.contains("HTX Chè Tân Cương"),
        "{}",
        mail.subject
    );
    let token = app.invitation_token("moi@example.vn").await;
    assert!(
        mail.text.contains(&format!(
            "{}/loi-moi/{token}",
            app.settings.server.base_url.trim_end_matches('/')
        )),
        "{}",
        mail.text
    );
}

#[tokio::test]
async fn members_and_invitations_work_from_plain_html_forms() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_in_client("chu@example.vn").await;
    let slug = producer(&app, &owner).await;
    let members_page = format!("/quan-ly/{slug}/thanh-vien");

    // The owner's page has the invite form; a post invites and comes back.
    let html = page(&app, &owner, &members_page).await;
    assert!(
        html.contains(&format!(r#"action="{members_page}""#)),
        "{html}"
    );
    let (status, to) = app
        .post_form(
            &owner,
            &members_page,
            &[("email", "moi@example.vn"), ("role", "member")],
        )
        .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, members_page.as_str())
    );
    let html = page(&app, &owner, &members_page).await;
    assert!(
        html.contains("moi@example.vn"),
        "the pending invitation is listed"
    );
    assert!(html.contains("Đã gửi lời mời"), "the notice shows once");
    let (status, to) = app
        .post_form(&owner, &members_page, &[("email", "không phải email")])
        .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, members_page.as_str())
    );
    assert!(
        page(&app, &owner, &members_page)
            .await
            .contains("email không hợp lệ")
    );

    // Not signed in, the invitation page names the producer and sends to sign-in and back.
    let token = app.invitation_token("moi@example.vn").await;
    let invitation = format!("/loi-moi/{token}");
    let visitor = TestApp::new_client();
    let html = page(&app, &visitor, &invitation).await;
    assert!(html.contains("HTX Chè Tân Cương"), "{html}");
    let back = invitation.replace('/', "%2F");
    assert!(html.contains(&format!("/dang-nhap?next={back}")), "{html}");
    let (status, to) = app.post_form(&visitor, &invitation, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, format!("/dang-nhap?next={back}"));

    // Signed in as the invited address, the page has the accept button, which joins.
    let (invited, invited_id) = app.signed_in_client("moi@example.vn").await;
    let html = page(&app, &invited, &invitation).await;
    assert!(
        html.contains(&format!(r#"action="{invitation}""#)),
        "{html}"
    );
    let (status, to) = app.post_form(&invited, &invitation, &[]).await;
    assert_eq!(
        (status, to),
        (StatusCode::SEE_OTHER, format!("/quan-ly/{slug}"))
    );
    assert!(is_member(&app, &slug, "moi@example.vn").await);

    // The owner removes them with the button on the members page.
    let remove = format!("{members_page}/{invited_id}/xoa");
    assert!(page(&app, &owner, &members_page).await.contains(&remove));
    let (status, to) = app.post_form(&owner, &remove, &[]).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, members_page.as_str())
    );
    assert!(!is_member(&app, &slug, "moi@example.vn").await);
    // The last owner's own button refuses, saying why.
    let me: String =
        sqlx::query_scalar("select id::text from users where email = 'chu@example.vn'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let (status, _) = app
        .post_form(&owner, &format!("{members_page}/{me}/xoa"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        page(&app, &owner, &members_page)
            .await
            .contains("ít nhất một chủ")
    );
    assert!(is_member(&app, &slug, "chu@example.vn").await);
}

async fn page(app: &TestApp, client: &Client, path: &str) -> String {
    let response = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}
