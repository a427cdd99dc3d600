//! OCOP curation end to end on a moving clock: apply → review → approve → stars on the page, the
//! API and search → expiry or revocation removes them everywhere and verification says so; the
//! dashboard agrees with the database; who may do what; documents, reminders, digests, GI areas.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use server::clock::ManualClock;
use tests::TestApp;

fn at(rfc3339: &str) -> DateTime<Utc> {
    rfc3339.parse().expect("a timestamp")
}

fn day(iso: &str) -> NaiveDate {
    iso.parse().expect("a date")
}

/// The people of a curation story and the product they care about.
struct Story {
    app: TestApp,
    clock: Arc<ManualClock>,
    owner: Client,
    member: Client,
    other_member: Client,
    buyer: Client,
    curator: Client,
    curator_id: String,
    anonymous: Client,
    producer_slug: String,
    product_id: String,
    product_slug: String,
}

/// 10:00 in Thái Nguyên on 28 November 2026.
const START: &str = "2026-11-28T03:00:00Z";

async fn story() -> Story {
    let clock = ManualClock::new(at(START));
    let app = TestApp::spawn_with_clock(clock.clone(), |_| {}).await;
    let (owner, _) = app.signed_in_client("chu@htx-tan-cuong.vn").await;
    let producer_slug = app
        .create_producer(
            &owner,
            json!({ "name": "HTX Chè Tân Cương Xanh", "kind": "htx",
                    "commune_code": "05503", "old_commune": "Phúc Xuân" }),
        )
        .await
        .slug;
    let (member, _) = app.signed_in_client("thanh.vien@htx-tan-cuong.vn").await;
    app.add_member(
        &owner,
        &producer_slug,
        &member,
        "thanh.vien@htx-tan-cuong.vn",
        "member",
    )
    .await;
    let (other_member, _) = app.signed_in_client("khac@example.vn").await;
    app.send_json(
        &other_member,
        Method::POST,
        "/api/v1/producers",
        Some(json!({ "name": "HTX Mật ong Khác", "kind": "htx" })),
    )
    .await;
    let (buyer, _) = app.signed_in_client("nguoi.mua@example.vn").await;
    let (curator, curator_id) = app
        .signed_in_client("can.bo@sonnmt.thainguyen.gov.vn")
        .await;
    app.grant(&curator_id, "curator").await;
    let (product_id, product_slug) =
        new_product(&app, &owner, &producer_slug, "Chè búp Tân Cương đặc biệt").await;
    Story {
        app,
        clock,
        owner,
        member,
        other_member,
        buyer,
        curator,
        curator_id,
        anonymous: TestApp::new_client(),
        producer_slug,
        product_id,
        product_slug,
    }
}

async fn new_product(
    app: &TestApp,
    owner: &Client,
    producer: &str,
    name: &str,
) -> (String, String) {
    let product = app
        .create_product(
            owner,
            producer,
            json!({ "name": name, "category_code": "che", "price_vnd": "350000",
                    "unit": "hop", "stock": "20" }),
        )
        .await;
    (product.id, product.slug)
}

impl Story {
    async fn send(
        &self,
        client: &Client,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.app.send_json(client, method, path, body).await
    }

    async fn apply(&self, client: &Client, product_id: &str) -> (StatusCode, Value) {
        self.send(
            client,
            Method::POST,
            &format!("/api/v1/products/{product_id}/ocop-applications"),
            Some(
                json!({ "rule_set": "148/2023", "self_score": { "a": 33, "b": 20, "c": 24 },
                         "notes": "Hồ sơ đánh giá lại theo Mẫu 02" }),
            ),
        )
        .await
    }

    /// Applies, reviews and approves; returns the certificate.
    async fn certify(
        &self,
        product_id: &str,
        stars: u8,
        decision_no: &str,
        decided_on: &str,
    ) -> Value {
        let (status, body) = self.apply(&self.member, product_id).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["id"].as_str().unwrap().to_owned();
        let (status, body) = self
            .send(
                &self.curator,
                Method::POST,
                &format!("/api/v1/ocop-applications/{id}/decision"),
                Some(
                    json!({ "outcome": "approved", "stars": stars, "decision_no": decision_no,
                             "decided_on": decided_on }),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["certificate"].clone()
    }

    /// Stars as the product API, the product page, the star filter and the star facet see them.
    async fn stars_everywhere(&self, slug: &str) -> (Option<u64>, bool, bool, Value) {
        let (status, product) = self.app.get_json(&format!("/api/v1/products/{slug}")).await;
        assert_eq!(status, StatusCode::OK, "{product}");
        let api = product["ocop"]["stars"].as_u64();
        let (status, html) = self.app.get_html(&format!("/san-pham/{slug}")).await;
        assert_eq!(status, StatusCode::OK);
        let page = html.contains("ocop-badge");
        let (status, list) = self
            .app
            .get_json("/api/v1/products?min_stars=3&per_page=100")
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let in_search = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["slug"] == slug);
        (api, page, in_search, list["facets"]["stars"].clone())
    }

    async fn verify(&self, code: &str) -> Value {
        let (status, body) = self.app.get_json(&format!("/api/v1/verify/{code}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn html_as(&self, client: &Client, path: &str) -> reqwest::Response {
        client
            .get(self.app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .expect("request sent")
    }
}

async fn count(app: &TestApp, sql: &str, today: NaiveDate) -> i64 {
    // The tests' own fixed SQL, never input.
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(today)
        .fetch_one(&app.db)
        .await
        .expect("count query")
}

#[tokio::test]
async fn a_rating_shows_everywhere_until_it_expires_or_is_revoked() {
    let s = story().await;

    // The producer applies; three days later a curator finds it in the queue.
    let (status, created) = s.apply(&s.member, &s.product_id).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "submitted");
    assert_eq!(created["application"]["self_score_total"], 77);
    assert_eq!(created["application"]["indicated_stars"], 4);
    let id = created["id"].as_str().unwrap().to_owned();
    s.clock.set(at("2026-12-01T03:00:00Z"));
    let (status, queue) = s
        .send(
            &s.curator,
            Method::GET,
            "/api/v1/ocop-applications?status=submitted",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["id"], id.as_str());
    assert_eq!(queue["items"][0]["waiting_days"], 3);
    let (_, waiting) = s
        .send(
            &s.curator,
            Method::GET,
            "/api/v1/ocop-applications?min_waiting_days=4",
            None,
        )
        .await;
    assert_eq!(waiting["total"], 0, "{waiting}");
    let (_, by_place) = s
        .send(
            &s.curator,
            Method::GET,
            "/api/v1/ocop-applications?commune=05503&category=thuc-pham&rule_set=148/2023",
            None,
        )
        .await;
    assert_eq!(by_place["total"], 1, "{by_place}");
    let (_, elsewhere) = s
        .send(
            &s.curator,
            Method::GET,
            "/api/v1/ocop-applications?commune=05443",
            None,
        )
        .await;
    assert_eq!(elsewhere["total"], 0);

    let (status, reviewed) = s
        .send(
            &s.curator,
            Method::POST,
            &format!("/api/v1/ocop-applications/{id}/review"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{reviewed}");
    assert_eq!(reviewed["status"], "under_review");

    // 5★ from the province is refused; so is a decision dated in the future.
    let decision_path = format!("/api/v1/ocop-applications/{id}/decision");
    let decision = |body: Value| s.send(&s.curator, Method::POST, &decision_path, Some(body));
    let (status, refused) = decision(json!({ "outcome": "approved", "stars": 5,
        "decision_no": "QĐ 999/QĐ-UBND", "issuer_level": "province" }))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["error"]["fields"]["issuer_level"]
            .as_str()
            .unwrap()
            .contains("Trung ương")
    );
    let (status, refused) = decision(json!({ "outcome": "approved", "stars": 4,
        "decision_no": "QĐ 999/QĐ-UBND", "decided_on": "2026-12-02" }))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused["error"]["fields"]["decided_on"].is_string());

    // No stars before the decision.
    let (api, page, in_search, _) = s.stars_everywhere(&s.product_slug).await;
    assert_eq!((api, page, in_search), (None, false, false));

    let (status, decided) = decision(json!({ "outcome": "approved", "stars": 4,
        "decision_no": "QĐ 2361/QĐ-UBND", "issuer": "UBND tỉnh Thái Nguyên",
        "issuer_level": "province", "decided_on": "2026-12-01", "reason": "Hội đồng chấm 78 điểm" })).await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["application"]["status"], "approved");
    let certificate = &decided["certificate"];
    assert_eq!(certificate["expires_on"], "2029-12-01");
    assert_eq!(certificate["status"], "valid");
    let code = certificate["verify_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 32);
    assert!(
        certificate["verify_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/xac-minh/{code}"))
    );

    // Deciding twice is an illegal transition.
    let (status, again) = decision(json!({ "outcome": "rejected", "reason": "nhầm" })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert_eq!(again["error"]["code"], "illegal_transition");

    // Stars on the page, the API and search (filter and facet).
    let (api, page, in_search, stars_facet) = s.stars_everywhere(&s.product_slug).await;
    assert_eq!((api, page, in_search), (Some(4), true, true));
    assert_eq!(stars_facet["4"], 1, "{stars_facet}");
    let (_, five) = s.app.get_json("/api/v1/products?min_stars=5").await;
    assert_eq!(five["total"], 0);

    // Anyone can verify it, by API, page and QR code.
    let verified = s.verify(&code).await;
    assert_eq!(verified["certificate"]["status"], "valid");
    assert_eq!(verified["certificate"]["stars"], 4);
    assert_eq!(verified["certificate"]["decision_no"], "QĐ 2361/QĐ-UBND");
    assert_eq!(verified["certificate"]["issuer"], "UBND tỉnh Thái Nguyên");
    assert_eq!(verified["certificate"]["issued_on"], "2026-12-01");
    assert_eq!(verified["product"]["slug"], s.product_slug.as_str());
    assert_eq!(verified["producer"]["slug"], s.producer_slug.as_str());
    let (status, html) = s.app.get_html(&format!("/xac-minh/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-status="valid""#), "{html}");
    assert!(html.contains("ocop-badge"));
    assert!(html.contains("QĐ 2361/QĐ-UBND"));
    let svg = s.app.get(&format!("/xac-minh/{code}/qr.svg")).await;
    assert_eq!(svg.status(), StatusCode::OK);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
    let png = s.app.get(&format!("/xac-minh/{code}/qr.png")).await;
    assert_eq!(png.status(), StatusCode::OK);
    let png = image::load_from_memory(&png.bytes().await.unwrap()).expect("a PNG");
    assert!(png.width() >= 512 && png.width() == png.height());
    let (status, _) = s
        .app
        .get_json("/api/v1/verify/00000000000000000000000000000000")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s.app.get_html("/xac-minh/khong-co-ma-nay").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        s.app
            .get("/xac-minh/00000000000000000000000000000000/qr.svg")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // The last valid day still shows stars, as "expiring".
    s.clock.set(at("2029-12-01T03:00:00Z"));
    let (api, page, in_search, _) = s.stars_everywhere(&s.product_slug).await;
    assert_eq!((api, page, in_search), (Some(4), true, true));
    assert_eq!(
        s.verify(&code).await["certificate"]["detailed_status"],
        "expiring"
    );

    // The day after, the stars are gone everywhere and verification says expired.
    s.clock.set(at("2029-12-02T03:00:00Z"));
    let (api, page, in_search, stars_facet) = s.stars_everywhere(&s.product_slug).await;
    assert_eq!((api, page, in_search), (None, false, false));
    assert!(stars_facet.get("4").is_none(), "{stars_facet}");
    let verified = s.verify(&code).await;
    assert_eq!(verified["certificate"]["status"], "expired");
    let (_, html) = s.app.get_html(&format!("/xac-minh/{code}")).await;
    assert!(html.contains(r#"data-status="expired""#));
    assert!(
        !html.contains("ocop-badge"),
        "no stars for an expired certificate"
    );

    // The daily job records the expiry once (the search re-index hook).
    let base = s.app.settings.server.base_url.clone();
    let report = server::jobs::run_daily(&s.app.db, day("2029-12-02"), &base)
        .await
        .unwrap();
    assert_eq!(
        report.expired_products,
        vec![s.product_id.parse::<uuid::Uuid>().unwrap()]
    );
    let again = server::jobs::run_daily(&s.app.db, day("2029-12-02"), &base)
        .await
        .unwrap();
    assert!(again.expired_products.is_empty());

    // Revocation takes the stars away at once.
    s.clock.set(at("2029-12-03T03:00:00Z"));
    let (second_id, second_slug) =
        new_product(&s.app, &s.owner, &s.producer_slug, "Chè nõn tôm Tân Cương").await;
    let cert = s
        .certify(&second_id, 3, "QĐ 88/QĐ-UBND", "2029-12-03")
        .await;
    assert_eq!(
        cert["issuer_level"], "province",
        "since July 2025 the province decides 3★"
    );
    let (api, page, in_search, _) = s.stars_everywhere(&second_slug).await;
    assert_eq!((api, page, in_search), (Some(3), true, true));
    let cert_id = cert["id"].as_str().unwrap();
    let revoke_path = format!("/api/v1/ocop-certificates/{cert_id}/revoke");
    let (status, _) = s
        .send(
            &s.member,
            Method::POST,
            &revoke_path,
            Some(json!({ "reason": "x" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = s
        .send(
            &s.curator,
            Method::POST,
            &revoke_path,
            Some(json!({ "reason": " " })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let reason = "Không tham gia đánh giá lại theo kế hoạch";
    let (status, body) = s
        .send(
            &s.curator,
            Method::POST,
            &revoke_path,
            Some(json!({ "reason": reason })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["certificate"]["status"], "revoked");
    let (status, body) = s
        .send(
            &s.curator,
            Method::POST,
            &revoke_path,
            Some(json!({ "reason": reason })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (api, page, in_search, stars_facet) = s.stars_everywhere(&second_slug).await;
    assert_eq!((api, page, in_search), (None, false, false));
    assert!(
        stars_facet.as_object().is_none_or(|f| f.is_empty()),
        "{stars_facet}"
    );
    let verified = s.verify(cert["verify_code"].as_str().unwrap()).await;
    assert_eq!(verified["certificate"]["status"], "revoked");
    assert_eq!(verified["certificate"]["revoked_reason"], reason);

    // Every curator action is in the audit log with the curator and the reason.
    let audited: Vec<(String, Option<String>)> = sqlx::query_as(
        "select action, reason from audit_log where actor_id = $1::uuid order by id",
    )
    .bind(&s.curator_id)
    .fetch_all(&s.app.db)
    .await
    .unwrap();
    let actions: Vec<&str> = audited.iter().map(|(a, _)| a.as_str()).collect();
    for wanted in [
        "ocop_application.review",
        "ocop_certificate.issue",
        "ocop_application.approve",
        "ocop_certificate.revoke",
    ] {
        assert!(actions.contains(&wanted), "{wanted} in {actions:?}");
    }
    assert!(audited.contains(&(
        "ocop_certificate.revoke".to_owned(),
        Some(reason.to_owned())
    )));
    assert!(audited.contains(&(
        "ocop_application.approve".to_owned(),
        Some("Hội đồng chấm 78 điểm".to_owned())
    )));
}

#[tokio::test]
async fn a_re_rating_supersedes_the_earlier_certificate() {
    let s = story().await;
    let first = s
        .certify(&s.product_id, 3, "QĐ 10/QĐ-UBND", "2026-11-20")
        .await;
    let second = s
        .certify(&s.product_id, 4, "QĐ 20/QĐ-UBND", "2026-11-28")
        .await;
    let (api, _, _, facet) = s.stars_everywhere(&s.product_slug).await;
    assert_eq!(api, Some(4));
    assert_eq!(facet, json!({ "4": 1 }));
    let old = s.verify(first["verify_code"].as_str().unwrap()).await;
    assert_eq!(old["certificate"]["detailed_status"], "superseded");
    assert_eq!(old["certificate"]["status"], "expired");
    assert_eq!(old["superseded_by_verify_url"], second["verify_url"]);
    // The same decision number twice for one product is refused.
    let (status, body) = s.apply(&s.member, &s.product_id).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = body["id"].as_str().unwrap();
    let (status, body) = s
        .send(
            &s.curator,
            Method::POST,
            &format!("/api/v1/ocop-applications/{id}/decision"),
            Some(json!({ "outcome": "approved", "stars": 4, "decision_no": "QĐ 20/QĐ-UBND" })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "decision_exists");
}

#[tokio::test]
async fn who_may_apply_review_decide_and_revoke() {
    let s = story().await;
    let apply_path = format!("/api/v1/products/{}/ocop-applications", s.product_id);
    let body = json!({ "rule_set": "26/2026" });
    for (client, expected) in [
        (&s.anonymous, StatusCode::UNAUTHORIZED),
        (&s.buyer, StatusCode::FORBIDDEN),
        (&s.other_member, StatusCode::FORBIDDEN),
        (&s.curator, StatusCode::FORBIDDEN),
    ] {
        let (status, answer) = s
            .send(client, Method::POST, &apply_path, Some(body.clone()))
            .await;
        assert_eq!(status, expected, "{answer}");
    }
    // Bad input: an unknown rule set, a part above its maximum.
    let (status, answer) = s
        .send(
            &s.member,
            Method::POST,
            &apply_path,
            Some(json!({ "rule_set": "1048/2019" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["error"]["fields"]["rule_set"].is_string());
    let (status, answer) = s
        .send(
            &s.member,
            Method::POST,
            &apply_path,
            Some(json!({ "rule_set": "148/2023", "self_score": { "a": 41, "b": 25, "c": 0 } })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer["error"]["fields"]["self_score.a"].is_string(),
        "{answer}"
    );

    // A draft, then one open application per product.
    let (status, draft) = s
        .send(
            &s.member,
            Method::POST,
            &apply_path,
            Some(json!({ "rule_set": "26/2026", "draft": true })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["status"], "draft");
    let id = draft["id"].as_str().unwrap().to_owned();
    let (status, answer) = s
        .send(&s.owner, Method::POST, &apply_path, Some(body.clone()))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["code"], "application_open");

    let path = |action: &str| format!("/api/v1/ocop-applications/{id}/{action}");
    // A draft is not in the queue and cannot be reviewed or decided.
    let (_, queue) = s
        .send(&s.curator, Method::GET, "/api/v1/ocop-applications", None)
        .await;
    assert_eq!(queue["total"], 0);
    let (status, _) = s
        .send(&s.curator, Method::POST, &path("review"), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = s
        .send(
            &s.curator,
            Method::POST,
            &path("decision"),
            Some(json!({ "outcome": "rejected", "reason": "thiếu hồ sơ" })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Only members submit; submitting twice is illegal.
    let (status, _) = s.send(&s.buyer, Method::POST, &path("submit"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, answer) = s.send(&s.owner, Method::POST, &path("submit"), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["status"], "submitted");
    let (status, _) = s.send(&s.owner, Method::POST, &path("submit"), None).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Reading: members and curators; the queue: curators only.
    for (client, expected) in [
        (&s.anonymous, StatusCode::UNAUTHORIZED),
        (&s.buyer, StatusCode::FORBIDDEN),
        (&s.other_member, StatusCode::FORBIDDEN),
        (&s.member, StatusCode::OK),
        (&s.curator, StatusCode::OK),
    ] {
        let (status, _) = s
            .send(
                client,
                Method::GET,
                &format!("/api/v1/ocop-applications/{id}"),
                None,
            )
            .await;
        assert_eq!(status, expected);
    }
    for (client, expected) in [
        (&s.anonymous, StatusCode::UNAUTHORIZED),
        (&s.buyer, StatusCode::FORBIDDEN),
        (&s.member, StatusCode::FORBIDDEN),
        (&s.curator, StatusCode::OK),
    ] {
        let (status, _) = s
            .send(client, Method::GET, "/api/v1/ocop-applications", None)
            .await;
        assert_eq!(status, expected);
        let (status, _) = s
            .send(client, Method::GET, "/api/v1/curation/dashboard", None)
            .await;
        assert_eq!(status, expected);
        let (status, _) = s
            .send(client, Method::GET, "/api/v1/gi-mismatches", None)
            .await;
        assert_eq!(status, expected);
    }
    let (status, own) = s
        .send(
            &s.member,
            Method::GET,
            &format!("/api/v1/producers/{}/ocop-applications", s.producer_slug),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["total"], 1);
    let (status, _) = s
        .send(
            &s.buyer,
            Method::GET,
            &format!("/api/v1/producers/{}/ocop-applications", s.producer_slug),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Deciding and reviewing: curators only; rejecting needs a reason.
    let reject = json!({ "outcome": "rejected", "reason": "Chưa đủ mẫu sản phẩm" });
    for (client, expected) in [
        (&s.anonymous, StatusCode::UNAUTHORIZED),
        (&s.buyer, StatusCode::FORBIDDEN),
        (&s.member, StatusCode::FORBIDDEN),
    ] {
        let (status, _) = s
            .send(
                client,
                Method::POST,
                &path("decision"),
                Some(reject.clone()),
            )
            .await;
        assert_eq!(status, expected);
        let (status, _) = s.send(client, Method::POST, &path("review"), None).await;
        assert_eq!(status, expected);
    }
    let (status, answer) = s
        .send(
            &s.curator,
            Method::POST,
            &path("decision"),
            Some(json!({ "outcome": "rejected" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let (status, answer) = s
        .send(&s.curator, Method::POST, &path("decision"), Some(reject))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["application"]["status"], "rejected");
    assert!(answer["certificate"].is_null());
    // Decided: no withdrawal, no second decision.
    let (status, _) = s
        .send(&s.member, Method::POST, &path("withdraw"), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A new application may follow, and be withdrawn while open.
    let (status, again) = s.apply(&s.member, &s.product_id).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    let again_id = again["id"].as_str().unwrap();
    let (status, withdrawn) = s
        .send(
            &s.owner,
            Method::POST,
            &format!("/api/v1/ocop-applications/{again_id}/withdraw"),
            Some(json!({ "reason": "Bổ sung hồ sơ sau" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    assert_eq!(withdrawn["status"], "withdrawn");
}

fn multipart_file(bytes: Vec<u8>, name: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    )
}

#[tokio::test]
async fn dossier_documents_are_private_and_checked_by_content() {
    let s = story().await;
    let (_, draft) = s
        .send(
            &s.member,
            Method::POST,
            &format!("/api/v1/products/{}/ocop-applications", s.product_id),
            Some(json!({ "rule_set": "148/2023", "draft": true })),
        )
        .await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let upload = |client: &Client, bytes: Vec<u8>, name: &str| {
        client
            .post(
                s.app
                    .url(&format!("/api/v1/ocop-applications/{id}/documents")),
            )
            .multipart(multipart_file(bytes, name))
            .send()
    };
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    let response = upload(&s.buyer, pdf.clone(), "mau-01.pdf").await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = upload(&s.member, b"<html><script>x</script>".to_vec(), "x.pdf")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let response = upload(&s.member, pdf.clone(), "Mẫu 01 đăng ký.pdf")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let stored: Value = response.json().await.unwrap();
    assert_eq!(stored["content_type"], "application/pdf");
    assert_eq!(stored["file_name"], "Mẫu 01 đăng ký.pdf");
    let url = stored["url"].as_str().unwrap().to_owned();

    // Curators and members read it back byte for byte; nobody else does, and /media never serves it.
    for (client, expected) in [
        (&s.curator, StatusCode::OK),
        (&s.member, StatusCode::OK),
        (&s.buyer, StatusCode::FORBIDDEN),
        (&s.anonymous, StatusCode::UNAUTHORIZED),
    ] {
        let response = client.get(s.app.url(&url)).send().await.unwrap();
        assert_eq!(response.status(), expected);
        if expected == StatusCode::OK {
            assert_eq!(response.headers()["content-type"], "application/pdf");
            assert!(
                response.headers()["content-disposition"]
                    .to_str()
                    .unwrap()
                    .starts_with("attachment")
            );
            assert_eq!(response.bytes().await.unwrap().as_ref(), pdf.as_slice());
        }
    }
    let key: String = sqlx::query_scalar("select object_key from ocop_application_documents")
        .fetch_one(&s.app.db)
        .await
        .unwrap();
    assert_eq!(
        s.app.get(&format!("/media/{key}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, application) = s
        .send(
            &s.curator,
            Method::GET,
            &format!("/api/v1/ocop-applications/{id}"),
            None,
        )
        .await;
    assert_eq!(application["documents"][0]["url"], url.as_str());

    // Once under review, the dossier is closed.
    s.send(
        &s.member,
        Method::POST,
        &format!("/api/v1/ocop-applications/{id}/submit"),
        None,
    )
    .await;
    s.send(
        &s.curator,
        Method::POST,
        &format!("/api/v1/ocop-applications/{id}/review"),
        None,
    )
    .await;
    let response = upload(&s.member, pdf, "muon.pdf").await.unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let documents: i64 = sqlx::query_scalar("select count(*) from ocop_application_documents")
        .fetch_one(&s.app.db)
        .await
        .unwrap();
    assert_eq!(documents, 1);
}

#[tokio::test]
async fn producers_get_reminders_at_180_90_and_30_days_and_one_digest_a_day() {
    let s = story().await;
    // Decided 2026-11-28: in force until 2029-11-28.
    s.certify(&s.product_id, 4, "QĐ 5/QĐ-UBND", "2026-11-28")
        .await;
    let reminders_path = format!(
        "/api/v1/producers/{}/certificate-reminders",
        s.producer_slug
    );
    let base = s.app.settings.server.base_url.clone();
    let stage_on = |date: &'static str| {
        let s = &s;
        let path = reminders_path.clone();
        async move {
            s.clock.set(at(&format!("{date}T03:00:00Z")));
            let (status, body) = s.send(&s.member, Method::GET, &path, None).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body["items"].as_array().unwrap().first().map(|r| {
                (
                    r["stage"].as_u64().unwrap(),
                    r["days_left"].as_i64().unwrap(),
                )
            })
        }
    };
    assert_eq!(stage_on("2029-05-31").await, None, "181 days left");
    assert_eq!(stage_on("2029-06-01").await, Some((180, 180)));
    assert_eq!(stage_on("2029-08-30").await, Some((90, 90)));
    assert_eq!(stage_on("2029-10-29").await, Some((30, 30)));
    assert_eq!(stage_on("2029-11-28").await, Some((30, 0)));
    assert_eq!(
        stage_on("2029-11-29").await,
        None,
        "expired: no more reminders"
    );
    let (status, _) = s.send(&s.buyer, Method::GET, &reminders_path, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // One digest row per producer per day, however often the job runs.
    let first = server::jobs::run_daily(&s.app.db, day("2029-08-30"), &base)
        .await
        .unwrap();
    assert_eq!(first.digests_added, 1);
    let second = server::jobs::run_daily(&s.app.db, day("2029-08-30"), &base)
        .await
        .unwrap();
    assert_eq!(second.digests_added, 0);
    let next_day = server::jobs::run_daily(&s.app.db, day("2029-08-31"), &base)
        .await
        .unwrap();
    assert_eq!(next_day.digests_added, 1);
    let quiet = server::jobs::run_daily(&s.app.db, day("2027-01-01"), &base)
        .await
        .unwrap();
    assert_eq!(quiet.digests_added, 0, "nothing to remind of");
    let rows: Vec<(NaiveDate, Value)> =
        sqlx::query_as("select digest_on, reminders from certificate_digests order by digest_on")
            .fetch_all(&s.app.db)
            .await
            .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, day("2029-08-30"));
    assert_eq!(rows[0].1[0]["stage"], 90);
    assert_eq!(rows[0].1[0]["product_slug"], s.product_slug.as_str());
}

#[tokio::test]
async fn the_dashboard_matches_the_database_and_exports_the_register() {
    let s = story().await;
    s.certify(&s.product_id, 4, "QĐ 1/QĐ-UBND", "2026-11-01")
        .await;
    let (p2, _) = new_product(&s.app, &s.owner, &s.producer_slug, "Chè xanh móc câu").await;
    let cert = s
        .certify(&p2, 3, "QĐ 2/QĐ-UBND; bổ sung", "2024-01-10")
        .await;
    assert_eq!(
        cert["issuer_level"], "district",
        "before July 2025 districts decided 3★"
    );
    let (p3, _) = new_product(&s.app, &s.owner, &s.producer_slug, "=HYPERLINK(\"x\") chè").await;
    let revoked = s.certify(&p3, 3, "QĐ 3/QĐ-UBND", "2026-11-02").await;
    s.send(
        &s.curator,
        Method::POST,
        &format!(
            "/api/v1/ocop-certificates/{}/revoke",
            revoked["id"].as_str().unwrap()
        ),
        Some(json!({ "reason": "vi phạm" })),
    )
    .await;
    let (p4, _) = new_product(&s.app, &s.owner, &s.producer_slug, "Chè đinh").await;
    let (_, waiting) = s.apply(&s.member, &p4).await;
    s.clock.set(at("2026-12-08T03:00:00Z"));
    let today = day("2026-12-08");

    let (status, dashboard) = s
        .send(&s.curator, Method::GET, "/api/v1/curation/dashboard", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{dashboard}");
    let in_force_sql = "select count(*) from ocop_certificates where revoked_at is null and superseded_by is null and expires_on >= $1";
    let in_force = count(&s.app, in_force_sql, today).await;
    assert_eq!(in_force, 2);
    assert_eq!(dashboard["certificates_in_force"], in_force);
    for stars in [3, 4, 5] {
        let expected = count(
            &s.app,
            &format!("{in_force_sql} and stars = {stars}"),
            today,
        )
        .await;
        let shown = dashboard["by_stars"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"].as_str() == Some(stars.to_string().as_str()))
            .map_or(0, |r| r["count"].as_i64().unwrap());
        assert_eq!(shown, expected, "{stars}★");
    }
    assert_eq!(
        dashboard["by_category"],
        json!([{ "key": "thuc-pham", "label": "Thực phẩm", "count": in_force }])
    );
    assert_eq!(dashboard["by_commune"][0]["key"], "05503");
    assert_eq!(dashboard["by_commune"][0]["count"], in_force);
    // 2024-01-10 + 36 months = 2027-01-10: within 90 days of 2026-12-08.
    let expiring = count(
        &s.app,
        &format!("{in_force_sql} and expires_on <= $1 + 90"),
        today,
    )
    .await;
    assert_eq!(expiring, 1);
    assert_eq!(
        dashboard["expiring_90_days"].as_array().unwrap().len() as i64,
        expiring
    );
    assert_eq!(dashboard["expiring_90_days"][0]["days_left"], 33);
    let open = count(&s.app, "select count(*) from ocop_applications where status in ('submitted', 'under_review') and $1 is not null", today).await;
    assert_eq!(dashboard["waiting"].as_array().unwrap().len() as i64, open);
    assert_eq!(dashboard["waiting"][0]["id"], waiting["id"]);
    assert_eq!(dashboard["waiting"][0]["waiting_days"], 10);

    // The page shows the same numbers, as SVG drawn on the server.
    let page = s.html_as(&s.curator, "/can-bo").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!(r#"data-in-force="{in_force}""#)),
        "{html}"
    );
    assert!(html.contains(r#"data-key="4" data-count="1""#));
    assert!(html.contains(r#"data-key="3" data-count="1""#));
    assert!(html.contains("<svg"));
    assert!(html.contains(&format!(r#"id="sap-het-han" data-count="{expiring}""#)));
    assert!(html.contains(&format!(r#"id="ho-so-cho" data-count="{open}""#)));
    // Anonymous visitors go to the login page; others are refused.
    let anonymous = s.html_as(&s.anonymous, "/can-bo").await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers()["location"], "/dang-nhap?next=/can-bo");
    let buyer = s.html_as(&s.buyer, "/can-bo").await;
    assert_eq!(buyer.status(), StatusCode::FORBIDDEN);
    assert!(!buyer.text().await.unwrap().contains("data-in-force"));

    // The review queue page, filtered by a plain GET form.
    let queue = s
        .html_as(
            &s.curator,
            "/can-bo/ho-so?commune=05503&rule_set=148%2F2023&min_waiting_days=10",
        )
        .await;
    assert_eq!(queue.status(), StatusCode::OK);
    let html = queue.text().await.unwrap();
    assert!(html.contains(r#"data-total="1""#), "{html}");
    assert!(html.contains(&format!(
        r#"data-application="{}""#,
        waiting["id"].as_str().unwrap()
    )));
    let queue = s
        .html_as(&s.curator, "/can-bo/ho-so?min_waiting_days=11")
        .await
        .text()
        .await
        .unwrap();
    assert!(queue.contains(r#"data-total="0""#));
    let queue = s
        .html_as(&s.curator, "/can-bo/ho-so?min_waiting_days=mot")
        .await
        .text()
        .await
        .unwrap();
    assert!(queue.contains("Bộ lọc chưa hợp lệ"), "{queue}");
    assert!(
        queue.contains("phải là số ngày từ 0"),
        "the bad filter is explained"
    );
    assert!(!queue.contains("data-total="));
    let anonymous = s.html_as(&s.anonymous, "/can-bo/ho-so").await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.headers()["location"],
        "/dang-nhap?next=/can-bo/ho-so"
    );
    assert_eq!(
        s.html_as(&s.buyer, "/can-bo/ho-so").await.status(),
        StatusCode::FORBIDDEN
    );

    // The register: every certificate, Excel-friendly.
    let csv = s
        .curator
        .get(s.app.url("/api/v1/ocop-certificates.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let bytes = csv.bytes().await.unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 BOM for Excel"
    );
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "Số quyết định");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let total = count(
        &s.app,
        "select count(*) from ocop_certificates where $1 is not null",
        today,
    )
    .await;
    assert_eq!(records.len() as i64, total);
    let status_col = headers.iter().position(|h| h == "Trạng thái").unwrap();
    let by_decision = |no: &str| {
        records
            .iter()
            .find(|r| &r[0] == no)
            .unwrap_or_else(|| panic!("{no}"))
    };
    assert_eq!(
        &by_decision("QĐ 2/QĐ-UBND; bổ sung")[status_col],
        "expiring"
    );
    assert_eq!(&by_decision("QĐ 3/QĐ-UBND")[status_col], "revoked");
    assert_eq!(
        &by_decision("QĐ 3/QĐ-UBND")[1],
        "'=HYPERLINK(\"x\") chè",
        "no formula injection"
    );
    let (status, _) = s
        .send(&s.buyer, Method::GET, "/api/v1/ocop-certificates.csv", None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn gi_claims_follow_the_protected_area_and_curators_see_mismatches() {
    let s = story().await;
    let gi: uuid::Uuid = sqlx::query_scalar(
        "insert into geographical_indications (slug, name, product) values ('tan-cuong', 'Tân Cương', 'chè') returning id",
    )
    .fetch_one(&s.app.db)
    .await
    .unwrap();
    sqlx::query("insert into gi_protected_communes (gi_id, old_commune) values ($1, 'Tân Cương'), ($1, 'Phúc Xuân'), ($1, 'Phúc Trìu')")
        .bind(gi)
        .execute(&s.app.db)
        .await
        .unwrap();
    // The story's producer is in Phúc Xuân: its claim is accepted.
    let (status, body) = s
        .send(
            &s.owner,
            Method::PATCH,
            &format!("/api/v1/products/{}", s.product_id),
            Some(json!({ "gi_slug": "tan-cuong" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A producer elsewhere is refused.
    let (status, body) = s
        .send(&s.other_member, Method::GET, "/api/v1/me", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let other_slug = body["memberships"][0]["producer_slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = s
        .send(
            &s.other_member,
            Method::POST,
            &format!("/api/v1/producers/{other_slug}/products"),
            Some(
                json!({ "name": "Chè ngoài vùng", "category_code": "che", "price_vnd": "100000",
                           "unit": "hop", "gi_slug": "tan-cuong" }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["gi_slug"].is_string());
    let (_, mismatches) = s
        .send(&s.curator, Method::GET, "/api/v1/gi-mismatches", None)
        .await;
    assert_eq!(mismatches["items"], json!([]));

    // The producer moves out of the area: the old claim now shows up for curators.
    sqlx::query("update producers set old_commune = 'Quyết Thắng' where slug = $1")
        .bind(&s.producer_slug)
        .execute(&s.app.db)
        .await
        .unwrap();
    let (_, mismatches) = s
        .send(&s.curator, Method::GET, "/api/v1/gi-mismatches", None)
        .await;
    let items = mismatches["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{mismatches}");
    assert_eq!(items[0]["product_slug"], s.product_slug.as_str());
    assert_eq!(items[0]["old_commune"], "Quyết Thắng");
    assert_eq!(
        items[0]["protected_communes"],
        json!(["Phúc Trìu", "Phúc Xuân", "Tân Cương"])
    );
    let page = s.html_as(&s.curator, "/can-bo").await.text().await.unwrap();
    assert!(page.contains(r#"id="chi-dan-dia-ly-sai-vung" data-count="1""#));
}

#[tokio::test]
async fn curators_decide_with_a_plain_html_form() {
    let s = story().await;
    let (_, created) = s.apply(&s.member, &s.product_id).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let action = s.app.url(&format!("/can-bo/ho-so/{id}/quyet-dinh"));
    let post = |client: &Client, fields: &[(&str, &str)]| client.post(&action).form(fields).send();

    // A 5★ rating from the province comes back to the page with the reason.
    let refused = post(
        &s.curator,
        &[
            ("outcome", "approved"),
            ("stars", "5"),
            ("decision_no", "QĐ 7/QĐ-UBND"),
            ("issuer_level", "province"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    let location = refused.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/can-bo/ho-so?loi="), "{location}");
    let page = s.html_as(&s.curator, &location).await.text().await.unwrap();
    assert!(page.contains("Trung ương"), "{page}");

    // Other sites, nobody and non-curators cannot decide.
    let cross = s
        .curator
        .post(&action)
        .header("origin", "https://trang-khac.example")
        .form(&[
            ("outcome", "approved"),
            ("stars", "4"),
            ("decision_no", "QĐ 7/QĐ-UBND"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let anonymous = post(&s.anonymous, &[("outcome", "rejected"), ("reason", "x")])
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.headers()["location"],
        "/dang-nhap?next=/can-bo/ho-so"
    );
    let buyer = post(&s.buyer, &[("outcome", "rejected"), ("reason", "x")])
        .await
        .unwrap();
    assert_eq!(buyer.status(), StatusCode::FORBIDDEN);
    let (_, application) = s
        .send(
            &s.curator,
            Method::GET,
            &format!("/api/v1/ocop-applications/{id}"),
            None,
        )
        .await;
    assert_eq!(application["status"], "submitted", "nothing was decided");

    let done = post(
        &s.curator,
        &[
            ("outcome", "approved"),
            ("stars", "4"),
            ("decision_no", "QĐ 7/QĐ-UBND"),
            ("decided_on", ""),
            ("issuer_level", ""),
            ("reason", "Đạt 75 điểm"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        done.headers()["location"],
        format!("/can-bo/ho-so?xong={id}").as_str()
    );
    let (api, page, in_search, _) = s.stars_everywhere(&s.product_slug).await;
    assert_eq!((api, page, in_search), (Some(4), true, true));
    let page = s
        .html_as(&s.curator, &format!("/can-bo/ho-so?xong={id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Đã ghi quyết định."));
}

/// The `<option>` labels of the select named `name`, in page order (the first, "any", left out).
fn option_labels(page: &str, name: &str) -> Vec<String> {
    let select = page
        .split(&format!(r#"<select name="{name}""#))
        .nth(1)
        .unwrap();
    let select = &select[..select.find("</select>").unwrap()];
    select
        .split("<option")
        .skip(2)
        .map(|o| {
            let text = &o[o.find('>').unwrap() + 1..];
            text[..text.find("</option>").unwrap()].replace("&amp;", "&")
        })
        .collect()
}

/// Issue 13, item 9: the review queue shows what a curator needs on the card (product link,
/// the seller's note, self-scores per part, documents); a refused decision comes back beside
/// its field in Vietnamese with everything typed kept; approved ones show the certificate code
/// and QR; the commune and category filters are in Vietnamese order.
#[tokio::test]
async fn the_review_queue_shows_the_dossier_and_keeps_a_refused_decision() {
    let s = story().await;
    let (_, created) = s.apply(&s.member, &s.product_id).await;
    let id = created["id"].as_str().unwrap().to_owned();
    // A submitted application still takes documents (until review starts).
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    let uploaded = s
        .member
        .post(
            s.app
                .url(&format!("/api/v1/ocop-applications/{id}/documents")),
        )
        .multipart(multipart_file(pdf, "phieu-tu-danh-gia.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::CREATED);

    let queue = s
        .html_as(&s.curator, "/can-bo/ho-so")
        .await
        .text()
        .await
        .unwrap();
    let card = queue
        .split(&format!(r#"data-application="{id}""#))
        .nth(1)
        .unwrap_or_else(|| panic!("{queue}"));
    let card = &card[..card.find("</tr>").unwrap()];
    assert!(
        card.contains(&format!(r#"href="/san-pham/{}""#, s.product_slug)),
        "{card}"
    );
    assert!(card.contains("Hồ sơ đánh giá lại theo Mẫu 02"), "{card}");
    assert!(card.contains("A 33 · B 20 · C 24 = 77/100"), "{card}");
    assert!(card.contains("phieu-tu-danh-gia.pdf"), "{card}");

    // 5★ from the province is refused: the reason beside the level, nothing typed lost.
    let refused = s
        .curator
        .post(s.app.url(&format!("/can-bo/ho-so/{id}/quyet-dinh")))
        .form(&[
            ("outcome", "approved"),
            ("stars", "5"),
            ("decision_no", "QĐ 1234/QĐ-UBND"),
            ("issuer_level", "province"),
            ("decided_on", "2026-11-20"),
            ("reason", "Đạt 92 điểm"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    let location = refused.headers()["location"].to_str().unwrap().to_owned();
    let page = s.html_as(&s.curator, &location).await.text().await.unwrap();
    assert!(
        !page.contains("issuer_level:"),
        "no raw field names: {page}"
    );
    let card = page
        .split(&format!(r#"data-application="{id}""#))
        .nth(1)
        .unwrap();
    let card = &card[..card.find("</tr>").unwrap()];
    let level = card.split(r#"name="issuer_level""#).nth(1).unwrap();
    let level = &level[..level.find("</label>").unwrap()];
    assert!(level.contains("field-error"), "{level}");
    assert!(level.contains("Trung ương"), "{level}");
    assert!(card.contains("<details open"), "the form is open: {card}");
    assert!(card.contains(r#"value="QĐ 1234/QĐ-UBND""#), "{card}");
    assert!(card.contains(r#"value="2026-11-20""#), "{card}");
    assert!(card.contains("Đạt 92 điểm"), "{card}");
    // Shown once: the next visit starts afresh.
    let again = s
        .html_as(&s.curator, "/can-bo/ho-so")
        .await
        .text()
        .await
        .unwrap();
    assert!(!again.contains("QĐ 1234/QĐ-UBND"));

    // Approved: the certificate's code and its QR on the approved list.
    let done = s
        .curator
        .post(s.app.url(&format!("/can-bo/ho-so/{id}/quyet-dinh")))
        .form(&[
            ("outcome", "approved"),
            ("stars", "4"),
            ("decision_no", "QĐ 1234/QĐ-UBND"),
            ("issuer_level", ""),
            ("decided_on", ""),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let code: String = sqlx::query_scalar(
        "select c.verify_code from ocop_certificates c join ocop_applications a on a.certificate_id = c.id where a.id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&s.app.db)
    .await
    .unwrap();
    let approved = s
        .html_as(&s.curator, "/can-bo/ho-so?status=approved")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        approved.contains(&format!(r#"href="/xac-minh/{code}""#)),
        "{approved}"
    );
    assert!(approved.contains(&format!(r#"href="/xac-minh/{code}/qr.svg""#)));

    // The filters in Vietnamese order (as PostgreSQL's ICU collation sorts them).
    let communes: Vec<String> = option_labels(&approved, "commune")
        .into_iter()
        .map(|l| {
            l.trim_start_matches("Xã ")
                .trim_start_matches("Phường ")
                .to_owned()
        })
        .collect();
    let expected: Vec<String> =
        sqlx::query_scalar(r#"select name from communes order by name collate "vi-x-icu""#)
            .fetch_all(&s.app.db)
            .await
            .unwrap();
    assert!(communes.len() > 50);
    assert_eq!(communes, expected);
    let categories = option_labels(&approved, "category");
    let expected: Vec<String> =
        sqlx::query_scalar(r#"select name_vi from categories order by name_vi collate "vi-x-icu""#)
            .fetch_all(&s.app.db)
            .await
            .unwrap();
    assert_eq!(categories, expected);
}

/// Issue 13, item 8: after approval the seller's product page shows the certificate (stars,
/// decision, expiry, verification link, QR to download) and no "Nộp hồ sơ" until renewal is due
/// (within 180 days of expiry); the web form attaches dossier documents with the API's checks.
#[tokio::test]
async fn sellers_see_their_certificate_and_attach_documents_with_the_web_form() {
    let s = story().await;
    let page_path = format!("/quan-ly/{}/san-pham/{}", s.producer_slug, s.product_id);
    let page = |client: &Client| {
        let request = client
            .get(s.app.url(&page_path))
            .header("accept", "text/html")
            .send();
        async move { request.await.unwrap().text().await.unwrap() }
    };

    // Apply with the form, then attach a PDF; an HTML file is refused beside the box.
    let applied = s
        .owner
        .post(s.app.url(&format!("{page_path}/ocop")))
        .form(&[("rule_set", "148/2023"), ("notes", "Mẫu 01")])
        .send()
        .await
        .unwrap();
    assert_eq!(applied.status(), StatusCode::SEE_OTHER);
    let html = page(&s.owner).await;
    let (_, list) = s
        .send(
            &s.owner,
            Method::GET,
            &format!("/api/v1/producers/{}/ocop-applications", s.producer_slug),
            None,
        )
        .await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let action = format!("{page_path}/ocop/{id}/tai-lieu");
    assert!(html.contains(&format!(r#"action="{action}""#)), "{html}");
    assert!(html.contains(r#"enctype="multipart/form-data""#));
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    let sent = s
        .owner
        .post(s.app.url(&action))
        .multipart(multipart_file(pdf, "giay-phep-kinh-doanh.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(sent.headers()["location"], page_path.as_str());
    let html = page(&s.owner).await;
    assert!(html.contains("giay-phep-kinh-doanh.pdf"), "{html}");
    let sent = s
        .owner
        .post(s.app.url(&action))
        .multipart(multipart_file(b"<html>x</html>".to_vec(), "x.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let html = page(&s.owner).await;
    let beside = html
        .split(&format!(r#"id="f-document-{id}""#))
        .nth(1)
        .unwrap();
    let beside = &beside[..beside.find("</form>").unwrap()];
    assert!(beside.contains("PDF, JPEG hoặc PNG"), "{beside}");
    // Someone else's member cannot attach.
    let sent = s
        .other_member
        .post(s.app.url(&action))
        .multipart(multipart_file(b"%PDF-1.4\n".to_vec(), "a.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let count: i64 = sqlx::query_scalar(
        "select count(*) from ocop_application_documents where application_id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&s.app.db)
    .await
    .unwrap();
    assert_eq!(count, 1);

    // Approved: the certificate, its link and QR; no new application offered.
    let (status, body) = s
        .send(
            &s.curator,
            Method::POST,
            &format!("/api/v1/ocop-applications/{id}/decision"),
            Some(
                json!({ "outcome": "approved", "stars": 4, "decision_no": "QĐ 2361/QĐ-UBND",
                         "decided_on": "2026-11-20" }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let code = body["certificate"]["verify_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let html = page(&s.owner).await;
    assert!(html.contains("QĐ 2361/QĐ-UBND"), "{html}");
    assert!(html.contains("4 sao"));
    assert!(html.contains("20/11/2029"), "expiry, 36 months on");
    assert!(html.contains(&format!("/xac-minh/{code}\"")));
    assert!(html.contains(&format!(r#"href="/xac-minh/{code}/qr.svg""#)));
    assert!(html.contains(&format!(r#"href="/xac-minh/{code}/qr.png""#)));
    assert!(
        !html.contains(">Nộp hồ sơ<"),
        "no new application while in force"
    );
    assert!(!html.contains(&format!("{page_path}/ocop\"")));

    // Within 180 days of expiry, renewal is offered.
    s.clock.set(at("2029-06-01T03:00:00Z"));
    let html = page(&s.owner).await;
    assert!(html.contains("Nộp hồ sơ đánh giá lại"), "{html}");
    assert!(html.contains(&format!(r#"action="{page_path}/ocop""#)));
}

/// Issue 14, item 8: a curator who belongs to the producer may not review or decide its
/// applications; another curator can.
#[tokio::test]
async fn a_curator_never_decides_for_their_own_producer() {
    let s = story().await;
    let (status, body) = s.apply(&s.member, &s.product_id).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    s.app
        .add_member(
            &s.owner,
            &s.producer_slug,
            &s.curator,
            "can.bo@sonnmt.thainguyen.gov.vn",
            "member",
        )
        .await;
    let decision = json!({ "outcome": "approved", "stars": 4, "decision_no": "12/QĐ-UBND",
                           "decided_on": "2026-11-27" });
    for (path, body) in [
        (format!("/api/v1/ocop-applications/{id}/review"), None),
        (
            format!("/api/v1/ocop-applications/{id}/decision"),
            Some(decision.clone()),
        ),
    ] {
        let (status, answer) = s.send(&s.curator, Method::POST, &path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("thành viên"),
            "{answer}"
        );
    }
    let (other, other_id) = s
        .app
        .signed_in_client("can.bo.khac@sonnmt.thainguyen.gov.vn")
        .await;
    s.app.grant(&other_id, "curator").await;
    let (status, body) = s
        .send(
            &other,
            Method::POST,
            &format!("/api/v1/ocop-applications/{id}/decision"),
            Some(decision),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
