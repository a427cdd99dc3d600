//! Livestream selling: scheduling with checked links, status from the clock, public listing and
//! the "Đang live / Sắp live" strips on pages.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use tests::TestApp;

/// An RFC 3339 time `hours` from now (negative: in the past).
fn at(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339()
}

struct Shop {
    owner: Client,
    slug: String,
    product_id: String,
}

async fn shop(app: &TestApp, email: &str, name: &str) -> Shop {
    let (owner, _) = app.signed_in_client(email).await;
    let slug = app
        .create_producer(&owner, json!({ "name": name, "kind": "htx" }))
        .await
        .slug;
    let product = app
        .create_product(
            &owner,
            &slug,
            json!({ "name": format!("Chè của {name}"),
            "category_code": "che", "price_vnd": "200000", "unit": "hop", "stock": "5" }),
        )
        .await;
    Shop {
        owner,
        slug,
        product_id: product.id,
    }
}

async fn schedule(app: &TestApp, shop: &Shop, body: Value) -> (StatusCode, Value) {
    app.send_json(
        &shop.owner,
        Method::POST,
        &format!("/api/v1/producers/{}/livestreams", shop.slug),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn a_member_schedules_a_youtube_stream_pinning_a_product() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "lan@example.vn", "HTX Chè Lan").await;
    let (status, stream) = schedule(
        &app,
        &shop,
        json!({
            "platform": "youtube", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "title": "Hái chè buổi sáng", "starts_at": at(24), "product_ids": [shop.product_id],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{stream}");
    assert_eq!(stream["status"], "upcoming");
    assert_eq!(
        stream["embed_url"],
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    );
    assert!(stream["starts_at"].as_str().unwrap().ends_with("+07:00"));
    assert_eq!(stream["producer"]["slug"], shop.slug.as_str());
    assert_eq!(stream["products"][0]["id"], shop.product_id.as_str());
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'livestream.create'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn bad_schedules_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "lan@example.vn", "HTX Chè Lan").await;
    let other = shop_for_other(&app).await;
    let good = json!({ "platform": "facebook", "url": "https://www.facebook.com/htx/live", "title": "Live", "starts_at": at(2) });
    for (change, field, why) in [
        (
            json!({ "platform": "myspace" }),
            "platform",
            "unknown platform",
        ),
        (
            json!({ "url": "https://evil.example/facebook.com" }),
            "url",
            "not a facebook host",
        ),
        (
            json!({ "url": "http://www.facebook.com/htx/live" }),
            "url",
            "not https",
        ),
        (json!({ "title": "x" }), "title", "too short"),
        (
            json!({ "starts_at": "tomorrow" }),
            "starts_at",
            "not a time",
        ),
        (
            json!({ "ends_at": at(1) }),
            "ends_at",
            "ends before it starts",
        ),
        (
            json!({ "product_ids": [other] }),
            "product_ids",
            "another producer's product",
        ),
        (
            json!({ "product_ids": ["not-a-uuid"] }),
            "product_ids",
            "not an id",
        ),
    ] {
        let mut body = good.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, response) = schedule(&app, &shop, body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{why}: {response}"
        );
        assert!(
            response["error"]["fields"][field].is_string(),
            "{why}: {response}"
        );
    }
    let count: i64 = sqlx::query_scalar("select count(*) from livestreams")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 0);

    let stranger = TestApp::new_client();
    let (status, _) = app
        .send_json(
            &stranger,
            Method::POST,
            &format!("/api/v1/producers/{}/livestreams", shop.slug),
            Some(good.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (buyer, _) = app.signed_in_client("buyer@example.vn").await;
    let (status, _) = app
        .send_json(
            &buyer,
            Method::POST,
            &format!("/api/v1/producers/{}/livestreams", shop.slug),
            Some(good),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn shop_for_other(app: &TestApp) -> String {
    shop(app, "other@example.vn", "HTX Khác").await.product_id
}

#[tokio::test]
async fn status_is_computed_from_the_times_and_filters_the_list() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "lan@example.vn", "HTX Chè Lan").await;
    for (title, starts, ends) in [
        ("Sắp tới", at(5), None),
        ("Đang phát", at(-1), Some(at(1))),
        ("Đã xong", at(-30), Some(at(-29))),
    ] {
        let mut body = json!({ "platform": "tiktok", "url": "https://www.tiktok.com/@htx/live", "title": title, "starts_at": starts });
        if let Some(ends) = ends {
            body["ends_at"] = json!(ends);
        }
        let (status, response) = schedule(&app, &shop, body).await;
        assert_eq!(status, StatusCode::CREATED, "{response}");
    }
    for (status, title) in [
        ("upcoming", "Sắp tới"),
        ("live", "Đang phát"),
        ("past", "Đã xong"),
    ] {
        let (code, body) = app
            .get_json(&format!("/api/v1/livestreams?status={status}"))
            .await;
        assert_eq!(code, StatusCode::OK);
        let titles: Vec<&str> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, [title], "{status}");
        assert_eq!(body["items"][0]["status"], status);
    }
    let (_, all) = app.get_json("/api/v1/livestreams").await;
    assert_eq!(all["total"], 3);
    let (code, body) = app.get_json("/api/v1/livestreams?status=soon").await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["status"].is_string());
}

#[tokio::test]
async fn live_streams_show_on_the_home_product_and_livestream_pages() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "lan@example.vn", "HTX Chè Lan").await;
    let (status, _) = schedule(&app, &shop, json!({
        "platform": "facebook", "url": "https://www.facebook.com/htxchelan/live", "title": "Sao chè trực tiếp",
        "starts_at": at(-1), "ends_at": at(2), "product_ids": [shop.product_id],
    }))
    .await;
    assert_eq!(status, StatusCode::CREATED);

    let (_, home) = app.get_html("/").await;
    assert!(home.contains("Sao chè trực tiếp"), "{home}");
    assert!(home.contains("Đang live"));
    assert!(home.contains(r#"href="https://www.facebook.com/htxchelan/live""#));

    let (_, product) = app.get_html("/san-pham/che-cua-htx-che-lan").await;
    assert!(product.contains("Livestream bán sản phẩm này"), "{product}");
    assert!(product.contains("Sao chè trực tiếp"));

    let (status, page) = app.get_html("/livestream").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>Livestream bán hàng OCOP</h1>"), "{page}");
    assert!(page.contains("Sao chè trực tiếp"));
}

/// Issue 13, item 2: "05/01/2025" typed for a new stream is a slip, not a schedule: refused with
/// the time and what to do, by the API and beside the form's field.
#[tokio::test]
async fn a_start_in_the_past_is_refused_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "lan@example.vn", "HTX Chè Lan").await;
    let (status, body) = schedule(&app, &shop, json!({
        "platform": "facebook", "url": "https://www.facebook.com/htxchelan/live", "title": "Sao chè",
        "starts_at": "2025-01-05T08:30:00+07:00",
    }))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let message = body["error"]["fields"]["starts_at"].as_str().unwrap();
    assert!(message.contains("08:30 05/01/2025 đã qua"), "{message}");
    let (_, all) = app.get_json("/api/v1/livestreams").await;
    assert_eq!(all["total"], 0);

    let form = format!("/quan-ly/{}/livestream-moi", shop.slug);
    let response = shop
        .owner
        .post(app.url(&form))
        .form(&[
            ("title", "Sao chè"),
            ("platform", "facebook"),
            ("url", "https://www.facebook.com/htxchelan/live"),
            ("starts_at", "2025-01-05T08:30"),
            ("ends_at", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], form.as_str());
    let html = shop
        .owner
        .get(app.url(&form))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let beside = html.split(r#"id="f-starts_at""#).nth(1).unwrap();
    let beside = &beside[..beside.find(r#"id="f-ends_at""#).unwrap()];
    assert!(beside.contains("08:30 05/01/2025 đã qua"), "{beside}");
    assert!(
        html.contains(r#"value="2025-01-05T08:30""#),
        "what was typed is kept"
    );
}

/// Issue 13, item 2: a producer's members edit and cancel a livestream, by the API and by plain
/// forms in the workspace; each change is audited; a cancelled stream leaves /livestream and the
/// product page but shows "Đã huỷ" in the workspace; a start moved into the past is refused.
#[tokio::test]
async fn members_edit_and_cancel_a_livestream() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "lan@example.vn", "HTX Chè Lan").await;
    let other = self::shop(&app, "khac@example.vn", "HTX Khác").await;
    let (status, stream) = schedule(&app, &shop, json!({
        "platform": "facebook", "url": "https://www.facebook.com/htxchelan/live", "title": "Sao chè tối thứ bảy",
        "starts_at": at(24), "product_ids": [shop.product_id],
    }))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{stream}");
    let id = stream["id"].as_str().unwrap().to_owned();
    let api = format!("/api/v1/livestreams/{id}");

    // The API: a new title and time; someone else's member may not; a start in the past is not.
    let edit = json!({
        "platform": "youtube", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Sao chè chủ nhật",
        "starts_at": at(48), "product_ids": [],
    });
    let (status, _) = app
        .send_json(&other.owner, Method::PATCH, &api, Some(edit.clone()))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, edited) = app
        .send_json(&shop.owner, Method::PATCH, &api, Some(edit))
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["title"], "Sao chè chủ nhật");
    assert_eq!(edited["platform"], "youtube");
    assert_eq!(edited["products"].as_array().unwrap().len(), 0);
    let (status, body) = app
        .send_json(&shop.owner, Method::PATCH, &api, Some(json!({
            "platform": "youtube", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Sao chè",
            "starts_at": "2025-01-05T08:30:00+07:00",
        })))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["fields"]["starts_at"]
            .as_str()
            .unwrap()
            .contains("08:30 05/01/2025 đã qua")
    );

    // The workspace: an edit link and form filled with the stream; a past start comes back
    // beside its field, what was typed kept; a good edit goes back to the desk.
    let desk_path = format!("/quan-ly/{}", shop.slug);
    let get = |path: String| {
        let client = shop.owner.clone();
        let url = app.url(&path);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let desk = get(desk_path.clone()).await;
    let form_path = format!("/quan-ly/{}/livestream/{id}", shop.slug);
    assert!(desk.contains(&format!(r#"href="{form_path}""#)), "{desk}");
    let form = get(form_path.clone()).await;
    assert!(form.contains(r#"value="Sao chè chủ nhật""#), "{form}");
    let post = |fields: Vec<(&'static str, String)>, path: String| {
        let client = shop.owner.clone();
        let url = app.url(&path);
        async move { client.post(url).form(&fields).send().await.unwrap() }
    };
    let refused = post(
        vec![
            ("title", "Sao chè sáng".into()),
            ("platform", "youtube".into()),
            ("url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ".into()),
            ("starts_at", "2025-01-05T08:30".into()),
            ("ends_at", String::new()),
        ],
        form_path.clone(),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    assert_eq!(refused.headers()["location"], form_path.as_str());
    let form = get(form_path.clone()).await;
    assert!(form.contains("08:30 05/01/2025 đã qua"), "{form}");
    assert!(form.contains(r#"value="Sao chè sáng""#), "typed title kept");
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
    let later = (chrono::Utc::now() + chrono::Duration::hours(72))
        .with_timezone(&vietnam)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let saved = post(
        vec![
            ("title", "Sao chè sáng thứ hai".into()),
            ("platform", "facebook".into()),
            ("url", "https://www.facebook.com/htxchelan/live".into()),
            ("starts_at", later.clone()),
            ("ends_at", String::new()),
            ("product_ids", shop.product_id.clone()),
        ],
        form_path.clone(),
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(saved.headers()["location"], desk_path.as_str());
    let (_, all) = app.get_json("/api/v1/livestreams").await;
    assert_eq!(all["items"][0]["title"], "Sao chè sáng thứ hai");
    assert!(
        all["items"][0]["starts_at"]
            .as_str()
            .unwrap()
            .starts_with(&later)
    );
    let (_, product) = app.get_html("/san-pham/che-cua-htx-che-lan").await;
    assert!(product.contains("Sao chè sáng thứ hai"), "{product}");

    // Cancelling: not by another producer's member; then gone from the public pages, shown as
    // cancelled to the producer, and no longer editable.
    let (status, _) = app
        .send_json(&other.owner, Method::POST, &format!("{api}/cancel"), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let cancelled = post(vec![], format!("{form_path}/huy")).await;
    assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
    assert_eq!(cancelled.headers()["location"], desk_path.as_str());
    let (_, all) = app.get_json("/api/v1/livestreams").await;
    assert_eq!(all["total"], 0, "{all}");
    let (_, page) = app.get_html("/livestream").await;
    assert!(!page.contains("Sao chè sáng thứ hai"));
    let (_, product) = app.get_html("/san-pham/che-cua-htx-che-lan").await;
    assert!(!product.contains("Sao chè sáng thứ hai"));
    let desk = get(desk_path.clone()).await;
    let item = desk
        .split(&format!(r#"data-livestream="{id}""#))
        .nth(1)
        .unwrap();
    assert!(item.contains("Đã huỷ"), "{item}");
    assert!(
        !desk.contains(&format!(r#"href="{form_path}""#)),
        "no edit link"
    );
    let (status, body) = app
        .send_json(&shop.owner, Method::POST, &format!("{api}/cancel"), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where entity = 'livestream' and entity_id = $1 order by id",
    )
    .bind(&id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "livestream.create",
            "livestream.update",
            "livestream.update",
            "livestream.cancel"
        ]
    );
}
