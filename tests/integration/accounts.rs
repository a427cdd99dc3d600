//! Accounts: registration, login, sessions, logout, throttling, cross-site refusal, role grants.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tests::TestApp;

#[tokio::test]
async fn registering_signs_the_user_in_as_a_buyer() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .json(&json!({ "email": " Lan@Example.VN ", "password": "mat-khau-du-dai", "display_name": "Chị Lan" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("cho_ocop_sid="), "{cookie}");
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], "lan@example.vn");
    assert_eq!(body["user"]["roles"], json!(["buyer"]));

    let (status, me) = app.get_json("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["display_name"], "Chị Lan");
    assert_eq!(me["memberships"], json!([]));
    let hash: String = sqlx::query_scalar("select password_hash from users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));
}

#[tokio::test]
async fn registration_errors_name_each_field_and_a_taken_email_is_409() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .post_json(
            "/api/v1/auth/register",
            json!({ "email": "lan", "password": "short", "display_name": " " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["email", "password", "display_name"] {
        assert!(
            body["error"]["fields"][field].is_string(),
            "{field}: {body}"
        );
    }
    let count: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 0, "nothing half-written");

    app.signed_in_client("lan@example.vn").await;
    let (status, body) = app
        .post_json("/api/v1/auth/register", json!({ "email": "LAN@example.vn", "password": "another-password", "display_name": "X" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "email_taken");
}

#[tokio::test]
async fn login_rotates_the_session_and_logout_ends_it() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in_client("lan@example.vn").await;
    app.send_json(&client, Method::POST, "/api/v1/auth/logout", None)
        .await;
    assert_eq!(
        app.send_json(&client, Method::GET, "/api/v1/me", None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );

    // A session id planted before login must not survive it.
    app.get("/").await;
    let before: Vec<String> = sqlx::query_scalar("select id from sessions")
        .fetch_all(&app.db)
        .await
        .unwrap();
    let (status, body) = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "lan@example.vn", "password": "mat-khau-du-dai" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["email"], "lan@example.vn");
    let after: Vec<String> = sqlx::query_scalar("select id from sessions")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(
        after.iter().all(|id| !before.contains(id)),
        "{before:?} {after:?}"
    );
    assert_eq!(app.get_json("/api/v1/me").await.0, StatusCode::OK);

    let (status, _) = app
        .send_json(&app.client, Method::POST, "/api/v1/auth/logout", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.get_json("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let remaining: i64 = sqlx::query_scalar("select count(*) from sessions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(remaining, 0);
}

#[tokio::test]
async fn wrong_passwords_and_unknown_emails_are_the_same_401() {
    let app = TestApp::spawn().await;
    app.signed_in_client("lan@example.vn").await;
    let (s1, b1) = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "lan@example.vn", "password": "wrong-password" }),
        )
        .await;
    let (s2, b2) = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "nobody@example.vn", "password": "wrong-password" }),
        )
        .await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(b1, b2);
}

#[tokio::test]
async fn repeated_failures_throttle_the_account_with_retry_after() {
    let app = TestApp::spawn().await;
    app.signed_in_client("lan@example.vn").await;
    for _ in 0..5 {
        let (status, _) = app
            .post_json(
                "/api/v1/auth/login",
                json!({ "email": "lan@example.vn", "password": "guess-guess" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": "lan@example.vn", "password": "mat-khau-du-dai" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");

    // Another account from the same address is not locked by someone else's failures.
    app.signed_in_client("binh@example.vn").await;
    let (status, _) = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "binh@example.vn", "password": "mat-khau-du-dai" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn many_failures_from_one_address_throttle_that_address() {
    let app = TestApp::spawn().await;
    for i in 0..20 {
        app.post_json(
            "/api/v1/auth/login",
            json!({ "email": format!("u{i}@example.vn"), "password": "guess-guess" }),
        )
        .await;
    }
    let (status, _) = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "new@example.vn", "password": "guess-guess" }),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn state_changing_requests_from_another_site_are_refused() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in_client("lan@example.vn").await;
    let response = client
        .post(app.url("/api/v1/producers"))
        .header("origin", "https://evil.example")
        .json(&json!({ "name": "HTX Giả", "kind": "htx" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden");
    let count: i64 = sqlx::query_scalar("select count(*) from producers")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 0);

    // The same request from our own pages goes through.
    let response = client
        .post(app.url("/api/v1/producers"))
        .header("origin", app.address.clone())
        .json(&json!({ "name": "HTX Thật", "kind": "htx" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn admins_grant_roles_and_others_cannot() {
    let app = TestApp::spawn().await;
    let (admin, admin_id) = app.signed_in_client("admin@example.vn").await;
    app.grant(&admin_id, "admin").await;
    let (buyer, buyer_id) = app.signed_in_client("lan@example.vn").await;
    let path = format!("/api/v1/admin/users/{buyer_id}/roles");

    let (status, _) = app
        .send_json(
            &buyer,
            Method::POST,
            &path,
            Some(json!({ "role": "curator" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .send_json(
            &admin,
            Method::POST,
            &path,
            Some(json!({ "role": "warlord" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["role"].is_string());
    let (status, body) = app
        .send_json(
            &admin,
            Method::POST,
            &path,
            Some(json!({ "role": "curator" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["roles"], json!(["buyer", "curator"]));
    let (_, me) = app.send_json(&buyer, Method::GET, "/api/v1/me", None).await;
    assert_eq!(me["user"]["roles"], json!(["buyer", "curator"]));
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'user.grant_role'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    let app = TestApp::spawn().await;
    sqlx::query("insert into audit_log (action, entity, entity_id) values ('x', 'y', 'z')")
        .execute(&app.db)
        .await
        .unwrap();
    for sql in [
        "update audit_log set action = 'forged'",
        "delete from audit_log",
    ] {
        let error = sqlx::query(sql).execute(&app.db).await.unwrap_err();
        assert!(error.to_string().contains("append-only"), "{sql}: {error}");
    }
}

#[tokio::test]
async fn the_command_line_creates_the_first_admin_once() {
    let app = TestApp::spawn().await;
    let missing = server::auth::admin::create_admin(&app.db, "boss@example.vn", "Sếp", None).await;
    assert!(missing.is_err(), "a new account needs a password");
    let id = server::auth::admin::create_admin(
        &app.db,
        "boss@example.vn",
        "Sếp",
        Some("mat-khau-admin".into()),
    )
    .await
    .unwrap();
    let again = server::auth::admin::create_admin(&app.db, "BOSS@example.vn", "Sếp", None)
        .await
        .unwrap();
    assert_eq!(id, again);
    let (status, body) = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "boss@example.vn", "password": "mat-khau-admin" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["user"]["roles"], json!(["buyer", "admin"]));
}

/// A second sign-in of `email` on a new client (another device).
async fn another_device(app: &TestApp, email: &str, password: &str) -> reqwest::Client {
    let client = TestApp::new_client();
    let (status, body) = app
        .send_json(
            &client,
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({ "email": email, "password": password })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    client
}

async fn me(app: &TestApp, client: &reqwest::Client) -> StatusCode {
    app.send_json(client, Method::GET, "/api/v1/me", None)
        .await
        .0
}

async fn audited(app: &TestApp, action: &str) -> Vec<(String, serde_json::Value)> {
    sqlx::query_as(
        "select entity_id, after from audit_log where action = $1 and entity = 'user' order by id",
    )
    .bind(action)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn changing_the_password_checks_the_current_one_and_signs_out_every_other_device() {
    let app = TestApp::spawn().await;
    let (phone, lan_id) = app.signed_in_client("lan@example.vn").await;
    let laptop = another_device(&app, "lan@example.vn", "mat-khau-du-dai").await;
    let (someone, _) = app.signed_in_client("hoa@example.vn").await;
    let change =
        |current: &str, new: &str| json!({ "current_password": current, "new_password": new });

    let (status, body) = app
        .send_json(
            &phone,
            Method::POST,
            "/api/v1/me/password",
            Some(change("sai-mat-khau", "cum-tu-moi-rat-dai")),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["fields"]["current_password"],
        "mật khẩu hiện tại không đúng"
    );
    let (status, body) = app
        .send_json(
            &phone,
            Method::POST,
            "/api/v1/me/password",
            Some(change("mat-khau-du-dai", "12345678")),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["fields"]["new_password"].is_string(),
        "{body}"
    );
    assert_eq!(
        me(&app, &laptop).await,
        StatusCode::OK,
        "nothing changed yet"
    );
    let (status, _) = app
        .send_json(
            &TestApp::new_client(),
            Method::POST,
            "/api/v1/me/password",
            Some(change("mat-khau-du-dai", "cum-tu-moi-rat-dai")),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, body) = app
        .send_json(
            &phone,
            Method::POST,
            "/api/v1/me/password",
            Some(change("mat-khau-du-dai", "cum-tu-moi-rat-dai")),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(me(&app, &phone).await, StatusCode::OK, "this device stays");
    assert_eq!(
        me(&app, &laptop).await,
        StatusCode::UNAUTHORIZED,
        "the other is out"
    );
    assert_eq!(
        me(&app, &someone).await,
        StatusCode::OK,
        "other accounts untouched"
    );
    let (status, _) = app
        .send_json(
            &TestApp::new_client(),
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({ "email": "lan@example.vn", "password": "mat-khau-du-dai" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password is gone");
    another_device(&app, "lan@example.vn", "cum-tu-moi-rat-dai").await;
    let rows = audited(&app, "user.change_password").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, lan_id);
    assert_eq!(rows[0].1["sessions_ended"], 1);

    // Guessing the current password through a borrowed session is throttled like sign-in.
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = app
            .send_json(
                &phone,
                Method::POST,
                "/api/v1/me/password",
                Some(change("doan-bua-mot-cau", "cum-tu-khac-rat-dai")),
            )
            .await
            .0;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_account() {
    let app = TestApp::spawn().await;
    let (phone, lan_id) = app.signed_in_client("lan@example.vn").await;
    let laptop = another_device(&app, "lan@example.vn", "mat-khau-du-dai").await;
    let (someone, _) = app.signed_in_client("hoa@example.vn").await;
    let (status, _) = app
        .send_json(&laptop, Method::POST, "/api/v1/me/sessions/revoke", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &phone).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &laptop).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &someone).await, StatusCode::OK);
    let left: i64 =
        sqlx::query_scalar("select count(*) from sessions where data ->> 'user_id' = $1")
            .bind(&lan_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(left, 0);
    let rows = audited(&app, "user.revoke_sessions").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1["sessions_ended"], 2);
    let (status, _) = app
        .send_json(&phone, Method::POST, "/api/v1/me/sessions/revoke", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn registrations_sign_ins_and_sign_outs_are_audited() {
    let app = TestApp::spawn().await;
    let (client, id) = app.signed_in_client("lan@example.vn").await;
    let (status, _) = app
        .send_json(
            &TestApp::new_client(),
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({ "email": "lan@example.vn", "password": "sai-roi-nhe" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let laptop = another_device(&app, "lan@example.vn", "mat-khau-du-dai").await;
    app.send_json(&laptop, Method::POST, "/api/v1/auth/logout", None)
        .await;
    // The browser's form posts are audited the same way.
    let (status, _) = app.post_form(&client, "/dang-xuat", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let register = audited(&app, "user.register").await;
    let login = audited(&app, "user.login").await;
    let logout = audited(&app, "user.logout").await;
    assert_eq!(register.len(), 1);
    assert_eq!(
        login.len(),
        1,
        "a failed sign-in is not a sign-in: {login:?}"
    );
    assert_eq!(logout.len(), 2);
    for (entity, after) in register.iter().chain(&login).chain(&logout) {
        assert_eq!(entity, &id);
        assert_eq!(after["client"], "127.0.0.1");
    }
    let actors: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where entity = 'user' and actor_id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(actors, 4);
}

#[tokio::test]
async fn the_account_page_changes_the_password_and_signs_out_everywhere_without_javascript() {
    let app = TestApp::spawn().await;
    let (phone, _) = app.signed_in_client("lan@example.vn").await;
    let laptop = another_device(&app, "lan@example.vn", "mat-khau-du-dai").await;
    let page = |client: &reqwest::Client| {
        let request = client
            .get(app.url("/tai-khoan"))
            .header("accept", "text/html")
            .send();
        async move {
            let response = request.await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, html) = page(&phone).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"action="/tai-khoan/mat-khau""#), "{html}");
    assert!(
        html.contains(r#"action="/tai-khoan/dang-xuat-moi-noi""#),
        "{html}"
    );
    assert!(html.contains("Đăng xuất khỏi mọi thiết bị"));
    let (status, to) = app
        .post_form(
            &phone,
            "/tai-khoan/mat-khau",
            &[
                ("current_password", "sai"),
                ("new_password", "cum-tu-moi-rat-dai"),
            ],
        )
        .await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/tai-khoan"));
    let (_, html) = page(&phone).await;
    assert!(html.contains("mật khẩu hiện tại không đúng"), "{html}");
    assert!(
        !html.contains("cum-tu-moi-rat-dai"),
        "passwords are never shown again"
    );
    let (status, to) = app
        .post_form(
            &phone,
            "/tai-khoan/mat-khau",
            &[
                ("current_password", "mat-khau-du-dai"),
                ("new_password", "cum-tu-moi-rat-dai"),
            ],
        )
        .await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/tai-khoan"));
    assert_eq!(me(&app, &laptop).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &phone).await, StatusCode::OK);
    let (_, html) = page(&phone).await;
    assert!(html.contains("Đã đổi mật khẩu"), "{html}");

    let again = another_device(&app, "lan@example.vn", "cum-tu-moi-rat-dai").await;
    let (status, to) = app
        .post_form(&phone, "/tai-khoan/dang-xuat-moi-noi", &[])
        .await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/dang-nhap"));
    assert_eq!(me(&app, &phone).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &again).await, StatusCode::UNAUTHORIZED);
    // Signed out, the account page sends to sign-in.
    let (status, _) = page(&phone).await;
    assert!(status.is_redirection(), "{status}");
}
