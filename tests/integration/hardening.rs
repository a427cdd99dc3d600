//! Issue 14: what a security review and black-box probes found, each with the test that failed
//! before its fix.

use reqwest::header::LOCATION;
use reqwest::{Method, StatusCode};
use serde_json::json;
use tests::TestApp;

async fn location_of(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = TestApp::new_client()
        .get(app.url(path))
        .send()
        .await
        .expect("request sent");
    let location = response
        .headers()
        .get(LOCATION)
        .map(|v| v.to_str().expect("visible ASCII").to_owned())
        .unwrap_or_default();
    (response.status(), location)
}

/// Item 1: a tab or line break in `next=` is not a path of ours (browsers drop them, turning
/// `/\t/evil.example` into `//evil.example`), and no redirect target can make a 500.
#[tokio::test]
async fn redirects_never_leave_the_site_nor_fail() {
    let app = TestApp::spawn().await;
    for next in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0A/evil.example",
        "/%20/evil.example",
        "//evil.example",
        "/%5C/evil.example",
        "https://evil.example/",
    ] {
        // Control characters in a query are refused at the edge (422); the rest fall back home.
        let (status, to) = location_of(&app, &format!("/ngon-ngu?lang=vi&next={next}")).await;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY
                || (status == StatusCode::SEE_OTHER && to == "/"),
            "next={next}: {status} {to:?}"
        );
    }
    let (status, _) = location_of(&app, "/ngon-ngu?lang=vi&next=/%0Aabc").await;
    assert!(!status.is_server_error(), "{status}");

    // A local target with Vietnamese in it still works, percent-encoded.
    let (status, to) = location_of(&app, "/ngon-ngu?lang=en&next=/san-pham?q=ch%C3%A8").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/san-pham?q=ch%C3%A8");

    // The login form's `next` goes through the same check.
    app.signed_in_client("hoa@example.vn").await;
    let client = TestApp::new_client();
    let (status, to) = app
        .post_form(
            &client,
            "/dang-nhap",
            &[
                ("email", "hoa@example.vn"),
                ("password", "mat-khau-du-dai"),
                ("next", "/\t/evil.example"),
            ],
        )
        .await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/quan-ly"));

    // A form posted to a path with a line break in it goes back without a 500.
    let (status, to) = app
        .post_form(&client, "/quan-ly/a%0Ab/ban-hang", &[("pickup", "on")])
        .await;
    assert!(
        status.is_redirection() || status.is_client_error(),
        "{status}"
    );
    assert!(!to.contains('\n'), "{to:?}");
}

/// Item 10: a NUL (or any control character) in a path key is a 404 and in any text a 422 naming
/// the field — refused once at the edge, never a 500 from PostgreSQL.
#[tokio::test]
async fn control_characters_are_refused_at_the_edge() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/products/%00",
        "/api/v1/gis/%00",
        "/api/v1/producers/%00",
        "/san-pham/%00",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let (status, body) = app.get_json("/api/v1/products?q=ch%C3%A8%00").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["q"].is_string(), "{body}");

    let (owner, _) = app.signed_in_client("chu@example.vn").await;
    let slug = app
        .create_producer(&owner, json!({ "name": "HTX Chè Sạch", "kind": "htx" }))
        .await
        .slug;
    let bodies = [
        (
            "/api/v1/producers",
            json!({ "name": "HTX X", "kind": "htx", "address": "a\u{0}b" }),
            "address",
        ),
        (
            "/api/v1/producers",
            json!({ "name": "HTX Y", "kind": "htx", "description": "a\u{0}b" }),
            "description",
        ),
        (
            "/api/v1/producers",
            json!({ "name": "HTX Z", "kind": "htx", "old_commune": "Phúc\u{0}Xuân" }),
            "old_commune",
        ),
        (
            "/api/v1/producers",
            json!({ "name": "HTX W", "kind": "htx", "commune_code": "055\u{0}03" }),
            "commune_code",
        ),
    ];
    for (path, body, field) in bodies {
        let (status, answer) = app.send_json(&owner, Method::POST, path, Some(body)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {answer}"
        );
        assert!(
            answer["error"]["fields"][field].is_string(),
            "{field}: {answer}"
        );
    }
    for field in ["description", "story"] {
        let mut body = json!({ "name": "Chè búp", "category_code": "che", "price_vnd": "250000",
                               "unit": "hop", "stock": "5" });
        body[field] = json!("một\u{0}hai");
        let (status, answer) = app
            .send_json(
                &owner,
                Method::POST,
                &format!("/api/v1/producers/{slug}/products"),
                Some(body),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {answer}"
        );
        assert!(
            answer["error"]["fields"][field].is_string(),
            "{field}: {answer}"
        );
    }
    // Multi-line text keeps its line breaks.
    let product = app
        .create_product(
            &owner,
            &slug,
            json!({ "name": "Chè búp", "category_code": "che",
            "price_vnd": "250000", "unit": "hop", "stock": "5", "story": "Dòng một.\nDòng hai." }),
        )
        .await;
    assert_eq!(product.story, "Dòng một.\nDòng hai.");

    // Forms without JavaScript: a Vietnamese page saying which box, nothing written.
    let response = owner
        .post(app.url(&format!("/quan-ly/{slug}/ho-so")))
        .form(&[
            ("name", "HTX Chè Sạch"),
            ("kind", "htx"),
            ("address", "a\u{0}b"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("«address»"));
    let address: Option<String> =
        sqlx::query_scalar("select address from producers where slug = $1")
            .bind(&slug)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(address.is_none_or(|a| !a.contains('b')), "nothing written");
}

/// Item 8 (part): a body over the limit is a 413 everywhere, server functions included.
#[tokio::test]
async fn oversized_bodies_are_413_not_500() {
    let app = TestApp::spawn().await;
    let big = "a".repeat(3 * 1024 * 1024);
    let response = TestApp::new_client()
        .post(app.url("/_fn/add_cart_item"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("q={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let (owner, _) = app.signed_in_client("chu@example.vn").await;
    let (status, body) = app
        .send_json(
            &owner,
            Method::POST,
            "/api/v1/producers",
            Some(json!({ "name": big, "kind": "htx" })),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
}

/// Item 11: `00000000` and friends are refused at registration, in Vietnamese, and no account is made.
#[tokio::test]
async fn common_passwords_are_refused_at_registration() {
    let app = TestApp::spawn().await;
    for weak in ["00000000", "12345678", "password", "lan@example.vn"] {
        let (status, body) = app
            .post_json(
                "/api/v1/auth/register",
                json!({ "email": "lan@example.vn", "password": weak, "display_name": "Chị Lan" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}: {body}");
        let message = body["error"]["fields"]["password"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains("dễ đoán"), "{weak}: {body}");
    }
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(users, 0);
    let (status, body) = app
        .post_json(
            "/api/v1/auth/register",
            json!({ "email": "lan@example.vn", "password": "chè-tân-cương-buổi-sáng", "display_name": "Chị Lan" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Item 6: every response carries the security headers; pages get a CSP whose nonce is on every
/// script the server rendered (the browser tests prove hydration still runs under it).
#[tokio::test]
async fn responses_carry_security_headers_and_pages_a_nonce_policy() {
    let app = TestApp::spawn().await;
    for path in [
        "/",
        "/san-pham",
        "/api/v1/products",
        "/healthz",
        "/khong-co-trang-nay",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        let policy = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(
            !headers.contains_key("strict-transport-security"),
            "not in development"
        );
        let html = response.text().await.unwrap();
        if !html.starts_with("<!DOCTYPE html>") {
            assert!(policy.starts_with("default-src 'none'"), "{path}: {policy}");
            continue;
        }
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"));
        assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
        assert!(
            policy.contains("frame-src https://www.youtube-nocookie.com"),
            "{policy}"
        );
        for script in html.split("<script").skip(1) {
            let tag = script.split('>').next().unwrap_or_default();
            if tag.contains("application/ld+json") {
                continue;
            }
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: <script{tag}>"
            );
        }
        assert!(
            !html.contains(" onclick=") && !html.contains(" onload="),
            "{path}"
        );
    }
    // A URL with a secret token never leaks it in a Referer.
    let response = app.get("/don-hang/DH0000000?token=bi-mat").await;
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");

    let production = TestApp::spawn_with(|s| {
        s.server.environment = server::config::Environment::Production;
    })
    .await;
    let response = production.get("/healthz").await;
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
}

/// Item 9: invented HTTP methods do not become metric labels.
#[tokio::test]
async fn metrics_label_unknown_methods_as_other() {
    let app = TestApp::spawn().await;
    let invented = reqwest::Method::from_bytes(b"BREWCOFFEE").unwrap();
    TestApp::new_client()
        .request(invented, app.url("/healthz"))
        .send()
        .await
        .unwrap();
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(!metrics.contains("BREWCOFFEE"), "{metrics}");
    assert!(metrics.contains("method=\"other\""), "{metrics}");
}
