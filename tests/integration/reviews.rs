//! Reviews: only the buyer of a delivered order rates each line, once, and may change it for 30
//! days; the product's average and count show in the API, on the page and in its JSON-LD; the
//! producer replies once; a curator hides an abusive review (audited) and it leaves the average.

use chrono::{DateTime, Duration, Utc};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use server::clock::ManualClock;
use tests::TestApp;
use tests::shop::ship_to;

fn now() -> DateTime<Utc> {
    "2026-12-10T03:00:00Z".parse().unwrap()
}

async fn deliver(app: &TestApp, seller: &Client, code: &str) {
    for step in ["confirmed", "shipping", "delivered"] {
        let (status, body) = app
            .send_json(
                seller,
                Method::POST,
                &format!("/api/v1/orders/{code}/status"),
                Some(json!({ "status": step })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

async fn review(app: &TestApp, client: &Client, path: &str, body: Value) -> (StatusCode, Value) {
    app.send_json(client, Method::POST, path, Some(body)).await
}

#[tokio::test]
async fn only_the_buyer_of_a_delivered_order_reviews_each_line_and_the_product_shows_the_average() {
    let clock = ManualClock::new(now());
    let app = TestApp::spawn_with_clock(clock.clone(), |_| {}).await;
    let seller = app
        .selling_seller("htx@example.vn", "HTX Chè Tân Cương")
        .await;
    let other_seller = app.selling_seller("khac@example.vn", "HTX Khác").await;
    let tea = app
        .product(&seller, "Chè búp Tân Cương", "250000", "hop", "40")
        .await;
    let honey = app
        .product(&seller, "Mật ong rừng", "300000", "chai", "10")
        .await;
    let (buyer, _) = app.signed_in_client("lan@example.vn").await;
    let (stranger, _) = app.signed_in_client("hoa@example.vn").await;
    let body = json!({
        "items": [{ "product_id": tea.id, "quantity": "1" }, { "product_id": honey.id, "quantity": "1" }],
        "delivery": ship_to(), "payment": "cod"
    });
    let order = app.place(&buyer, body).await.remove(0);
    let path = format!("/api/v1/orders/{}/reviews", order.code);
    let five = json!({ "product_id": tea.id, "rating": 5, "text": "Chè thơm, nước xanh" });

    let (status, answer) = review(&app, &buyer, &path, five.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["code"], "not_delivered");
    deliver(&app, &seller.client, &order.code).await;

    // Who may review: the buyer only (the authorization matrix).
    for (client, expected) in [
        (&TestApp::new_client(), StatusCode::UNAUTHORIZED),
        (&stranger, StatusCode::NOT_FOUND),
        (&other_seller.client, StatusCode::NOT_FOUND),
        (&seller.client, StatusCode::FORBIDDEN),
    ] {
        let (status, answer) = review(&app, client, &path, five.clone()).await;
        assert_eq!(status, expected, "{answer}");
    }
    for (bad, field) in [
        (json!({ "product_id": tea.id, "rating": 6 }), "rating"),
        (json!({ "product_id": tea.id, "rating": 0 }), "rating"),
        (
            json!({ "product_id": other_seller.slug, "rating": 4 }),
            "product_id",
        ),
    ] {
        let (status, answer) = review(&app, &buyer, &path, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer["error"]["fields"][field].is_string(), "{answer}");
    }

    let (status, written) = review(&app, &buyer, &path, five.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{written}");
    assert_eq!(written["rating"], 5);
    assert_eq!(written["author_name"], "lan@example.vn");
    let (status, answer) = review(&app, &buyer, &path, five.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(answer["error"]["code"], "already_reviewed");
    // Changed within 30 days.
    clock.set(now() + Duration::days(29));
    let edit = format!("{path}/{}", tea.id);
    let (status, edited) = app
        .send_json(
            &buyer,
            Method::PUT,
            &edit,
            Some(json!({ "rating": 4, "text": "Ngon" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(
        (edited["rating"].clone(), edited["text"].clone()),
        (json!(4), json!("Ngon"))
    );

    // A guest's delivered order, reviewed with its secret link.
    let guest = TestApp::new_client();
    let second = app
        .place(
            &guest,
            json!({
                "items": [{ "product_id": tea.id, "quantity": "1" }],
                "delivery": ship_to(), "payment": "cod"
            }),
        )
        .await
        .remove(0);
    deliver(&app, &seller.client, &second.code).await;
    let token = second.access_token.unwrap();
    let (status, answer) = review(
        &app,
        &guest,
        &format!("/api/v1/orders/{}/reviews?token={token}", second.code),
        json!({ "product_id": tea.id, "rating": 2 }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(
        answer["author_name"], "Lan N.",
        "a guest is named by the order's name"
    );

    // Average and count: API, list, page, JSON-LD.
    let (_, product) = app
        .get_json(&format!("/api/v1/products/{}", tea.slug))
        .await;
    assert_eq!(
        product["rating"],
        json!({ "average": "3.0", "count": 2 }),
        "{product}"
    );
    let (_, list) = app
        .get_json(&format!("/api/v1/products/{}/reviews", tea.slug))
        .await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["rating"], 2, "newest first");
    let (_, html) = app.get_html(&format!("/san-pham/{}", tea.slug)).await;
    assert!(html.contains("(2 đánh giá)"), "{html}");
    assert!(html.contains("Ngon"));
    assert!(html.contains(r#""aggregateRating":{"#), "{html}");
    assert!(html.contains(r#""ratingValue":"3.0""#), "{html}");
    assert!(html.contains(r#""reviewCount":2"#));
    assert!(html.contains(r#""@type":"Review""#));
    let (_, other) = app
        .get_json(&format!("/api/v1/products/{}", honey.slug))
        .await;
    assert_eq!(other["rating"], Value::Null, "no reviews yet");

    // The producer replies once; another producer may not.
    let review_id = written["id"].as_str().unwrap();
    let reply_path = format!("/api/v1/reviews/{review_id}/reply");
    let thanks = json!({ "text": "Cảm ơn chị!" });
    let (status, _) = review(&app, &other_seller.client, &reply_path, thanks.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, replied) = review(&app, &seller.client, &reply_path, thanks.clone()).await;
    assert_eq!(status, StatusCode::OK, "{replied}");
    assert_eq!(replied["reply"]["text"], "Cảm ơn chị!");
    let (status, answer) = review(&app, &seller.client, &reply_path, thanks).await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (StatusCode::CONFLICT, json!("already_replied"))
    );
    let (_, html) = app.get_html(&format!("/san-pham/{}", tea.slug)).await;
    assert!(html.contains("Cảm ơn chị!"));

    // After 30 days the review is kept as it is.
    clock.set(now() + Duration::days(31));
    let (status, answer) = app
        .send_json(&buyer, Method::PUT, &edit, Some(json!({ "rating": 1 })))
        .await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (StatusCode::CONFLICT, json!("review_locked"))
    );

    // A curator hides an abusive review, with a reason: it leaves the list and the average.
    let guest_review = list["items"][0]["id"].as_str().unwrap().to_owned();
    let hide = format!("/api/v1/reviews/{guest_review}/hide");
    let (status, _) = review(&app, &buyer, &hide, json!({ "text": "lăng mạ" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (curator, curator_id) = app.signed_in_client("canbo@example.vn").await;
    app.grant(&curator_id, "curator").await;
    let (status, answer) = review(&app, &curator, &hide, json!({ "text": "" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let (status, _) = review(&app, &curator, &hide, json!({ "text": "Lời lẽ xúc phạm" })).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, product) = app
        .get_json(&format!("/api/v1/products/{}", tea.slug))
        .await;
    assert_eq!(product["rating"], json!({ "average": "4.0", "count": 1 }));
    let (_, list) = app
        .get_json(&format!("/api/v1/products/{}/reviews", tea.slug))
        .await;
    assert_eq!(list["total"], 1);
    let audited: Option<String> = sqlx::query_scalar(
        "select reason from audit_log where action = 'review.hide' and entity_id = $1",
    )
    .bind(&guest_review)
    .fetch_optional(&app.db)
    .await
    .unwrap();
    assert_eq!(audited.as_deref(), Some("Lời lẽ xúc phạm"));
}

#[tokio::test]
async fn a_guest_reviews_a_delivered_order_from_its_page_without_javascript() {
    let app = TestApp::spawn().await;
    let seller = app
        .selling_seller("htx@example.vn", "HTX Chè Tân Cương")
        .await;
    let tea = app
        .product(&seller, "Chè búp Tân Cương", "250000", "hop", "40")
        .await;
    let guest = TestApp::new_client();
    let order = app
        .place(
            &guest,
            json!({
                "items": [{ "product_id": tea.id, "quantity": "1" }],
                "delivery": ship_to(), "payment": "cod"
            }),
        )
        .await
        .remove(0);
    let token = order.access_token.clone().unwrap();
    let page = format!("/don-hang/{}?token={token}", order.code);
    let html = guest
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Gửi đánh giá"), "not delivered yet");
    deliver(&app, &seller.client, &order.code).await;
    let html = guest
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Gửi đánh giá"), "{html}");
    assert!(html.contains(&format!(r#"action="/don-hang/{}/danh-gia""#, order.code)));

    let (status, to) = app
        .post_form(
            &guest,
            &format!("/don-hang/{}/danh-gia", order.code),
            &[
                ("product_id", &tea.id),
                ("token", &token),
                ("rating", "4"),
                ("text", "Đóng gói cẩn thận"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        to.starts_with(&format!("/don-hang/{}?token=", order.code)),
        "{to}"
    );
    let html = guest
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Cảm ơn bạn đã đánh giá!"), "{html}");
    assert!(html.contains("Sửa đánh giá"));
    assert!(html.contains("Đóng gói cẩn thận"));

    // A missing rating comes back with its reason, nothing written.
    let (status, to) = app
        .post_form(
            &guest,
            &format!("/don-hang/{}/danh-gia", order.code),
            &[("product_id", &tea.id), ("token", &token)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let html = guest
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("hãy chọn từ 1 đến 5 sao"), "{html}");
    let (_, product) = app
        .get_json(&format!("/api/v1/products/{}", tea.slug))
        .await;
    assert_eq!(product["rating"], json!({ "average": "4.0", "count": 1 }));
}

/// A delivered order of one unit of each product, by `buyer`: its code.
async fn delivered(app: &TestApp, buyer: &Client, seller: &Client, products: &[&str]) -> String {
    let items: Vec<Value> = products
        .iter()
        .map(|id| json!({ "product_id": id, "quantity": "1" }))
        .collect();
    let body = json!({ "items": items, "delivery": ship_to(), "payment": "cod" });
    let code = app.place(buyer, body).await.remove(0).code;
    deliver(app, seller, &code).await;
    code
}

/// `buyer` rates a product of a delivered order: the review's id.
async fn rate(
    app: &TestApp,
    buyer: &Client,
    code: &str,
    product: &str,
    rating: u8,
    text: &str,
) -> String {
    let (status, body) = review(
        app,
        buyer,
        &format!("/api/v1/orders/{code}/reviews"),
        json!({ "product_id": product, "rating": rating, "text": text }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

fn names_in_order(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn catalog_cards_show_the_average_and_the_top_rated_sort_puts_the_best_first() {
    let app = TestApp::spawn().await;
    let seller = app
        .selling_seller("htx@example.vn", "HTX Chè Tân Cương")
        .await;
    let mut ids = Vec::new();
    for name in ["Chè A", "Chè B", "Chè C", "Chè D"] {
        ids.push(app.product(&seller, name, "100000", "hop", "50").await.id);
    }
    let (a, b, d) = (ids[0].as_str(), ids[1].as_str(), ids[3].as_str());
    let (lan, _) = app.signed_in_client("lan@example.vn").await;
    let (hoa, _) = app.signed_in_client("hoa@example.vn").await;
    let first = delivered(&app, &lan, &seller.client, &[a, b, d]).await;
    let second = delivered(&app, &hoa, &seller.client, &[b, d]).await;
    // A: 5.0 from one review; D: 5.0 from two (ties go to more reviews); B: 3.5; C: none.
    rate(&app, &lan, &first, a, 5, "Ngon").await;
    rate(&app, &lan, &first, b, 3, "Tạm").await;
    let abusive = rate(&app, &lan, &first, d, 5, "Tuyệt").await;
    rate(&app, &hoa, &second, b, 4, "Được").await;
    rate(&app, &hoa, &second, d, 5, "Rất ngon").await;

    let (status, list) = app.get_json("/api/v1/products?sort=rating").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(names_in_order(&list), ["Chè D", "Chè A", "Chè B", "Chè C"]);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items[0]["rating"], json!({ "average": "5.0", "count": 2 }));
    assert_eq!(items[2]["rating"], json!({ "average": "3.5", "count": 2 }));
    assert_eq!(items[3]["rating"], Value::Null, "no reviews yet");
    // Searching keeps the order and the averages; other sorts carry them too.
    let (_, found) = app.get_json("/api/v1/products?q=che&sort=rating").await;
    assert_eq!(names_in_order(&found), ["Chè D", "Chè A", "Chè B", "Chè C"]);
    let (_, newest) = app.get_json("/api/v1/products?sort=newest").await;
    let b_card = newest["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == json!(b))
        .unwrap();
    assert_eq!(b_card["rating"], json!({ "average": "3.5", "count": 2 }));
    let (status, refused) = app.get_json("/api/v1/products?sort=best").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused["error"]["fields"]["sort"]
            .as_str()
            .unwrap()
            .contains("rating"),
        "{refused}"
    );

    // The catalog page: the sort is offered and applied, each card shows its stars and count.
    let (_, html) = app.get_html("/san-pham?sort=rating").await;
    assert!(
        html.contains(r#"<option value="rating" selected"#),
        "{html}"
    );
    assert!(html.contains("Đánh giá cao"));
    let position = |name: &str| {
        html.find(&format!(">{name}</a></h3>"))
            .unwrap_or_else(|| panic!("{name} in {html}"))
    };
    assert!(position("Chè D") < position("Chè A"));
    assert!(position("Chè A") < position("Chè B"));
    assert!(position("Chè B") < position("Chè C"));
    assert!(html.contains("(2 đánh giá)"), "{html}");
    assert!(html.contains("(1 đánh giá)"), "{html}");
    assert!(
        html.contains(r#"aria-label="3,5 trên 5 sao, 2 đánh giá""#),
        "{html}"
    );
    // Lists beside the catalog (the producer's page) show them too.
    let (_, html) = app.get_html(&format!("/co-so/{}", seller.slug)).await;
    assert!(
        html.contains(r#"aria-label="3,5 trên 5 sao, 2 đánh giá""#),
        "{html}"
    );

    // A hidden review leaves the card's average and count, and the order: D now ties A on
    // average and count, and the newer of the two comes first.
    let (curator, curator_id) = app.signed_in_client("canbo@example.vn").await;
    app.grant(&curator_id, "curator").await;
    let (status, _) = review(
        &app,
        &curator,
        &format!("/api/v1/reviews/{abusive}/hide"),
        json!({ "text": "Đánh giá ảo" }),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = app.get_json("/api/v1/products?sort=rating").await;
    assert_eq!(names_in_order(&list), ["Chè D", "Chè A", "Chè B", "Chè C"]);
    assert_eq!(
        list["items"][0]["rating"],
        json!({ "average": "5.0", "count": 1 })
    );
    // One more review for A breaks the tie its way.
    let third = delivered(&app, &hoa, &seller.client, &[a]).await;
    rate(&app, &hoa, &third, a, 5, "Ngon lắm").await;
    let (_, list) = app.get_json("/api/v1/products?sort=rating").await;
    assert_eq!(names_in_order(&list), ["Chè A", "Chè D", "Chè B", "Chè C"]);
}

#[tokio::test]
async fn producers_reply_and_curators_hide_from_the_product_page_without_javascript() {
    let app = TestApp::spawn().await;
    let seller = app
        .selling_seller("htx@example.vn", "HTX Chè Tân Cương")
        .await;
    let other_seller = app.selling_seller("khac@example.vn", "HTX Khác").await;
    let tea = app
        .product(&seller, "Chè búp Tân Cương", "250000", "hop", "40")
        .await;
    let (lan, _) = app.signed_in_client("lan@example.vn").await;
    let (hoa, _) = app.signed_in_client("hoa@example.vn").await;
    let first = delivered(&app, &lan, &seller.client, &[&tea.id]).await;
    let second = delivered(&app, &hoa, &seller.client, &[&tea.id]).await;
    let kind = rate(&app, &lan, &first, &tea.id, 5, "Chè thơm, nước xanh").await;
    let abusive = rate(&app, &hoa, &second, &tea.id, 1, "Đồ lừa đảo, ngu ngốc").await;
    let (curator, curator_id) = app.signed_in_client("canbo@example.vn").await;
    app.grant(&curator_id, "curator").await;
    let page = format!("/san-pham/{}", tea.slug);
    let html_as = |client: &Client, path: &str| {
        let request = client.get(app.url(path)).send();
        async move { request.await.unwrap().text().await.unwrap() }
    };
    let reply_action = |id: &str| format!(r#"action="/danh-gia/{id}/tra-loi""#);
    let hide_action = |id: &str| format!(r#"action="/danh-gia/{id}/an""#);

    // Who sees which forms: the producer's members reply, curators hide, nobody else does either.
    let html = html_as(&seller.client, &page).await;
    assert!(
        html.contains(&reply_action(&kind)) && html.contains(&reply_action(&abusive)),
        "{html}"
    );
    assert!(!html.contains(&hide_action(&kind)), "{html}");
    let html = html_as(&curator, &page).await;
    assert!(html.contains(&hide_action(&abusive)), "{html}");
    assert!(!html.contains(&reply_action(&abusive)), "{html}");
    for client in [&TestApp::new_client(), &lan, &other_seller.client] {
        let html = html_as(client, &page).await;
        assert!(html.contains("Đồ lừa đảo"), "{html}");
        assert!(
            !html.contains("/tra-loi\"") && !html.contains("/an\""),
            "{html}"
        );
    }

    // The producer replies once, from the page.
    let reply_path = format!("/danh-gia/{kind}/tra-loi");
    let (status, to) = app
        .post_form(
            &seller.client,
            &reply_path,
            &[("text", ""), ("back", &page)],
        )
        .await;
    assert_eq!(
        (status, to.as_str()),
        (
            StatusCode::SEE_OTHER,
            format!("{page}#danh-gia-{kind}").as_str()
        )
    );
    let html = html_as(&seller.client, &to).await;
    assert!(html.contains("hãy viết câu trả lời"), "{html}");
    let (status, to) = app
        .post_form(
            &seller.client,
            &reply_path,
            &[("text", "Cảm ơn chị đã tin dùng!"), ("back", &page)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let html = html_as(&seller.client, &to).await;
    assert!(html.contains("Đã gửi câu trả lời."), "{html}");
    assert!(html.contains("Cảm ơn chị đã tin dùng!"), "{html}");
    assert!(
        !html.contains(&reply_action(&kind)),
        "answered: no second form"
    );
    assert!(
        html.contains(&reply_action(&abusive)),
        "the other one still open"
    );
    // A second reply (an old tab) is refused and changes nothing.
    let (status, to) = app
        .post_form(
            &seller.client,
            &reply_path,
            &[("text", "Sửa lại"), ("back", &page)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let html = html_as(&seller.client, &to).await;
    assert!(html.contains("cơ sở đã trả lời đánh giá này"), "{html}");
    // Another producer and visitors cannot answer.
    let other_path = format!("/danh-gia/{abusive}/tra-loi");
    let (status, _) = app
        .post_form(
            &other_seller.client,
            &other_path,
            &[("text", "Quảng cáo"), ("back", &page)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, to) = app
        .post_form(
            &TestApp::new_client(),
            &other_path,
            &[("text", "Quảng cáo"), ("back", &page)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.starts_with("/dang-nhap?next="), "{to}");
    let replies: Vec<(String, Option<String>)> =
        sqlx::query_as("select id::text, reply from reviews order by created_at")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        replies,
        [
            (kind.clone(), Some("Cảm ơn chị đã tin dùng!".to_owned())),
            (abusive.clone(), None)
        ]
    );
    let replied: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'review.reply' and entity_id = $1",
    )
    .bind(&kind)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(replied, 1);

    // A curator hides the abusive review, saying why; a buyer cannot.
    let hide_path = format!("/danh-gia/{abusive}/an");
    let (status, _) = app
        .post_form(
            &lan,
            &hide_path,
            &[("text", "không thích"), ("back", &page)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, to) = app
        .post_form(&curator, &hide_path, &[("text", "  "), ("back", &page)])
        .await;
    assert_eq!(
        (status, to.as_str()),
        (
            StatusCode::SEE_OTHER,
            format!("{page}#danh-gia-{abusive}").as_str()
        )
    );
    let html = html_as(&curator, &to).await;
    assert!(html.contains("hãy ghi lý do ẩn đánh giá"), "{html}");
    let (_, product) = app
        .get_json(&format!("/api/v1/products/{}", tea.slug))
        .await;
    assert_eq!(
        product["rating"],
        json!({ "average": "3.0", "count": 2 }),
        "nothing hidden yet"
    );
    let (status, to) = app
        .post_form(
            &curator,
            &hide_path,
            &[("text", "Lời lẽ xúc phạm"), ("back", &page)],
        )
        .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, format!("{page}#danh-gia").as_str())
    );
    let html = html_as(&curator, &to).await;
    assert!(html.contains("Đã ẩn đánh giá."), "{html}");
    assert!(!html.contains("Đồ lừa đảo"), "{html}");
    assert!(html.contains("Chè thơm, nước xanh"));
    // It leaves the average everywhere: the product, its page, the catalog card.
    let (_, product) = app
        .get_json(&format!("/api/v1/products/{}", tea.slug))
        .await;
    assert_eq!(product["rating"], json!({ "average": "5.0", "count": 1 }));
    assert!(html.contains("(1 đánh giá)"), "{html}");
    let (_, list) = app.get_json("/api/v1/products").await;
    assert_eq!(
        list["items"][0]["rating"],
        json!({ "average": "5.0", "count": 1 })
    );
    let audited: Vec<(Option<String>, String)> = sqlx::query_as(
        "select reason, actor_id::text from audit_log where action = 'review.hide' and entity_id = $1",
    )
    .bind(&abusive)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, [(Some("Lời lẽ xúc phạm".to_owned()), curator_id)]);
    // Hiding it again (an old tab) is refused.
    let (_, to) = app
        .post_form(
            &curator,
            &hide_path,
            &[("text", "Lần nữa"), ("back", &page)],
        )
        .await;
    let html = html_as(&curator, &to).await;
    assert!(html.contains("đánh giá này đã bị ẩn"), "{html}");
    // A form cannot send anyone to another site.
    let (_, to) = app
        .post_form(
            &curator,
            &hide_path,
            &[("text", "x"), ("back", "//evil.example/")],
        )
        .await;
    assert!(to.starts_with("/#"), "{to}");
}
