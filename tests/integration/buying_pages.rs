//! Buying as a phone without JavaScript does it: plain form posts answered with redirects. A
//! guest orders from two producers (one by VietQR transfer, one cash on delivery), a repeated
//! post gives the same orders, the sellers work their orders from the inbox forms and the buyer's
//! page shows the timeline; a bad phone number comes back beside its field.

use reqwest::header::REFERRER_POLICY;
use reqwest::{Client, StatusCode};
use tests::TestApp;
use tests::shop::{Seller, full_sales};

/// A page as a browser asks for it: status, `Referrer-Policy` header and HTML.
async fn page(app: &TestApp, client: &Client, path: &str) -> (StatusCode, Option<String>, String) {
    let response = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page");
    let policy = response
        .headers()
        .get(REFERRER_POLICY)
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status(), policy, response.text().await.unwrap())
}

/// Every `value` of inputs named `name`, in page order (attributes as Leptos writes them).
fn values_of(html: &str, name: &str) -> Vec<String> {
    let marker = format!(r#"name="{name}" value=""#);
    html.match_indices(&marker)
        .map(|(at, _)| {
            let rest = &html[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// Links to orders on the confirmation page: `/don-hang/CODE?token=…`.
fn order_links(html: &str) -> Vec<String> {
    html.match_indices(r#"href="/don-hang/"#)
        .map(|(at, _)| {
            let rest = &html[at + 6..];
            rest[..rest.find('"').unwrap()].replace("&amp;", "&")
        })
        .collect()
}

struct Shop {
    tea: Seller,
    honey: Seller,
    tea_id: String,
    tea_slug: String,
    honey_id: String,
}

/// Two producers with sales settings and a product each.
async fn shop(app: &TestApp) -> Shop {
    let tea = app.seller("tea@example.vn", "HTX Chè Tân Cương").await;
    let honey = app.seller("honey@example.vn", "HTX Mật ong Võ Nhai").await;
    app.set_sales(&tea, full_sales()).await;
    app.set_sales(&honey, full_sales()).await;
    let che = app
        .product(&tea, "Chè tôm nõn", "250000", "hop", "40")
        .await;
    let mat = app
        .product(&honey, "Mật ong rừng", "180000", "lit", "20")
        .await;
    Shop {
        tea,
        honey,
        tea_id: che.id,
        tea_slug: che.slug,
        honey_id: mat.id,
    }
}

/// Adds a product through the "Thêm vào giỏ" form and checks it comes back to `next`.
async fn add(app: &TestApp, client: &Client, product_id: &str, quantity: &str, next: &str) {
    let (status, to) = app
        .post_form(
            client,
            "/gio-hang/them",
            &[
                ("product_id", product_id),
                ("quantity", quantity),
                ("next", next),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, next);
}

#[tokio::test]
async fn a_guest_orders_from_two_producers_and_the_sellers_work_the_orders_without_javascript() {
    let app = TestApp::spawn().await;
    let s = shop(&app).await;
    let buyer = TestApp::new_client();

    let product_page = format!("/san-pham/{}", s.tea_slug);
    let (status, _, html) = page(&app, &buyer, &product_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"action="/gio-hang/them""#), "{html}");
    assert!(html.contains("Thêm vào giỏ"));
    add(&app, &buyer, &s.tea_id, "2", &product_page).await;
    add(&app, &buyer, &s.honey_id, "1", "/san-pham").await;
    // Adding again adds to the line.
    add(&app, &buyer, &s.honey_id, "0,5", "/san-pham").await;

    let (_, _, html) = page(&app, &buyer, "/gio-hang").await;
    assert!(
        html.contains("HTX Chè Tân Cương") && html.contains("HTX Mật ong Võ Nhai"),
        "{html}"
    );
    assert!(
        html.contains(r#"value="1,5""#),
        "quantities add up, written the Vietnamese way: {html}"
    );
    assert!(
        html.contains("500.000 ₫") && html.contains("270.000 ₫"),
        "{html}"
    );
    assert!(
        html.contains(r#"class="cart-count">(2)"#),
        "the header counts the lines: {html}"
    );
    assert!(html.contains(r#"href="/thanh-toan""#));

    let (_, _, html) = page(&app, &buyer, "/thanh-toan").await;
    let token = values_of(&html, "token").pop().expect("a form token");
    let items = values_of(&html, "item");
    assert_eq!(items.len(), 2, "{html}");
    assert!(html.contains(r#"type="tel""#));
    assert!(html.contains("Tỉnh khác"));
    let tea_delivery = format!("delivery.{}", s.tea.slug);
    let tea_payment = format!("payment.{}", s.tea.slug);
    let honey_delivery = format!("delivery.{}", s.honey.slug);
    let honey_payment = format!("payment.{}", s.honey.slug);
    let mut fields: Vec<(&str, &str)> = vec![
        ("token", &token),
        ("name", "Nguyễn Thị Lan"),
        ("phone", "+84 912 345 678"),
        ("email", ""),
        ("commune_code", "05503"),
        ("address", "Số 5, xóm Soi Mít"),
        ("note", "Gọi trước khi giao"),
        (&tea_delivery, "pickup"),
        (&tea_payment, "bank_transfer"),
        (&honey_delivery, "ship"),
        (&honey_payment, "cod"),
    ];
    for item in &items {
        fields.push(("item", item));
    }
    let (status, to) = app.post_form(&buyer, "/thanh-toan", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/dat-hang/xong");
    // The same form again (a double tap, a reload): the same orders, no new ones.
    let (status, to) = app.post_form(&buyer, "/thanh-toan", &fields).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/dat-hang/xong")
    );
    let placed: i64 = sqlx::query_scalar("select count(*) from orders")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(placed, 2);
    assert_eq!(app.stock(&s.tea_id).await, "38");

    let (status, policy, html) = page(&app, &buyer, "/dat-hang/xong").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(policy.as_deref(), Some("no-referrer"));
    assert!(
        html.contains(r#"<meta name="referrer" content="no-referrer""#),
        "{html}"
    );
    let links = order_links(&html);
    assert_eq!(links.len(), 2, "{html}");
    assert!(links.iter().all(|l| l.contains("?token=")), "{links:?}");

    // Each order page: the tea one by VietQR (SVG and the same details as text), the honey one COD.
    let mut tea_order = None;
    let mut honey_order = None;
    for link in &links {
        let (status, policy, html) = page(&app, &buyer, link).await;
        assert_eq!(status, StatusCode::OK, "{link}");
        assert_eq!(policy.as_deref(), Some("no-referrer"));
        assert!(html.contains(r#"<meta name="referrer" content="no-referrer""#));
        let code = link["/don-hang/".len()..link.find('?').unwrap()].to_owned();
        if html.contains("HTX Chè Tân Cương") {
            assert!(html.contains("<svg"), "a QR code: {html}");
            assert!(html.contains("Agribank"), "{html}");
            assert!(html.contains("888800001234"), "{html}");
            assert!(html.contains("HTX CHE TAN CUONG"));
            assert!(html.contains("500.000 ₫"));
            assert!(
                html.contains(&format!(r#"class="purpose">{code}<"#)),
                "{html}"
            );
            assert!(
                html.contains("Xóm Nam Đồng, xã Tân Cương"),
                "the pickup address"
            );
            assert!(
                html.contains(r#"href="tel:0912345678""#),
                "the producer's phone"
            );
            tea_order = Some((code, link.clone()));
        } else {
            assert!(html.contains("HTX Mật ong Võ Nhai"));
            assert!(!html.contains("<svg"), "no QR code for cash on delivery");
            assert!(html.contains("Thanh toán khi nhận hàng (COD)"));
            // 1.5 l × 180.000 + 30.000 shipping.
            assert!(html.contains("300.000 ₫"), "{html}");
            assert!(html.contains("Huỷ đơn"));
            honey_order = Some((code, link.clone()));
        }
    }
    let (tea_code, _) = tea_order.expect("the tea order");
    let (honey_code, honey_link) = honey_order.expect("the honey order");

    // The honey seller works the order from the inbox.
    let inbox = format!("/quan-ly/{}/don-hang", s.honey.slug);
    let (status, _, html) = page(&app, &s.honey.client, &inbox).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&honey_code), "{html}");
    assert!(
        !html.contains(&tea_code),
        "another producer's order is not listed"
    );
    assert!(html.contains("Chờ xác nhận (1)"), "{html}");
    let detail = format!("{inbox}/{honey_code}");
    let (_, _, html) = page(&app, &s.honey.client, &detail).await;
    assert!(
        html.contains("Số 5, xóm Soi Mít"),
        "the buyer's address: {html}"
    );
    assert!(html.contains("Xác nhận đơn"));
    let (status, to) = app
        .post_form(&s.honey.client, &detail, &[("status", "confirmed")])
        .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, detail.as_str())
    );
    let (status, _) = app
        .post_form(
            &s.honey.client,
            &detail,
            &[("status", "shipping"), ("tracking", "VNP-123456")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Delivering twice: the second is refused with a message on the page, nothing changes.
    let (status, _) = app
        .post_form(&s.honey.client, &detail, &[("status", "delivered")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    app.post_form(&s.honey.client, &detail, &[("status", "delivered")])
        .await;
    let (_, _, html) = page(&app, &s.honey.client, &detail).await;
    assert!(html.contains("không thể chuyển đơn"), "{html}");
    let (status, _) = app
        .post_form(&s.honey.client, &format!("{detail}/da-thanh-toan"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Delivered and paid: nothing is left to do, so no empty actions box.
    let (_, _, html) = page(&app, &s.honey.client, &detail).await;
    assert!(!html.contains("Xử lý đơn"), "{html}");

    // Another producer's member cannot open it.
    let (status, _, _) = page(&app, &s.tea.client, &detail).await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
        "{status}"
    );

    let (_, _, html) = page(&app, &buyer, &honey_link).await;
    for step in [
        "Chờ xác nhận",
        "Đã xác nhận",
        "Đang giao",
        "Đã giao",
        "VNP-123456",
        "đã thanh toán",
    ] {
        assert!(html.contains(step), "{step}: {html}");
    }
    assert!(!html.contains(r#"/huy""#), "no cancel once delivered");
    assert!(
        html.contains("Gửi đánh giá"),
        "a delivered order can be reviewed"
    );

    // The tea order, still pending, is cancelled by the buyer with the token: the stock returns.
    // The only forms left carry the token for the review, not for cancelling.
    let forms_with_token = values_of(&html, "token").len();
    assert_eq!(
        forms_with_token,
        html.matches("/danh-gia\"").count(),
        "no cancel form; the token only in review forms"
    );
    let tea_link = links.iter().find(|l| l.contains(&tea_code)).unwrap();
    let tea_token = &tea_link[tea_link.find("token=").unwrap() + 6..];
    let (status, to) = app
        .post_form(
            &buyer,
            &format!("/don-hang/{tea_code}/huy"),
            &[("token", tea_token)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(&to, tea_link);
    assert_eq!(app.stock(&s.tea_id).await, "40");
    let (_, _, html) = page(&app, &buyer, tea_link).await;
    assert!(html.contains("Đã huỷ"));
    assert!(!html.contains("<svg"), "no QR code for a cancelled order");

    // Without the token a stranger is asked to sign in; a wrong token finds nothing.
    let stranger = TestApp::new_client();
    let (status, _, html) = page(&app, &stranger, &format!("/don-hang/{tea_code}")).await;
    assert!(status.is_redirection(), "{status}");
    assert!(!html.contains("HTX Chè Tân Cương"));
    let wrong = format!("/don-hang/{tea_code}?token=0123456789abcdef");
    let (status, _, html) = page(&app, &stranger, &wrong).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("HTX Chè Tân Cương"));
}

#[tokio::test]
async fn a_bad_phone_comes_back_beside_the_field_with_the_other_inputs_kept() {
    let app = TestApp::spawn().await;
    let s = shop(&app).await;
    let buyer = TestApp::new_client();
    add(&app, &buyer, &s.tea_id, "1", "/san-pham").await;
    let (_, _, html) = page(&app, &buyer, "/thanh-toan").await;
    let token = values_of(&html, "token").pop().unwrap();
    let item = values_of(&html, "item").pop().unwrap();
    let delivery = format!("delivery.{}", s.tea.slug);
    let payment = format!("payment.{}", s.tea.slug);
    let (status, to) = app
        .post_form(
            &buyer,
            "/thanh-toan",
            &[
                ("token", &token),
                ("item", &item),
                ("name", "Trần Văn Bình"),
                ("phone", "123"),
                ("address", "Tổ 3, phường Phan Đình Phùng"),
                (&delivery, "pickup"),
                (&payment, "cod"),
            ],
        )
        .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/thanh-toan")
    );
    let (_, _, html) = page(&app, &buyer, "/thanh-toan").await;
    assert!(html.contains(r#"class="field-error""#), "{html}");
    let phone_field = &html[html.find(r#"name="phone""#).expect("the phone input")..];
    let error = &phone_field[phone_field.find("field-error").expect("its error")..];
    assert!(
        error.contains("số điện thoại") || error.contains("di động"),
        "{error}"
    );
    assert!(
        html.contains(r#"value="Trần Văn Bình""#),
        "the name is kept"
    );
    assert!(
        html.contains(r#"value="Tổ 3, phường Phan Đình Phùng""#),
        "the address is kept"
    );
    assert_eq!(
        values_of(&html, "token"),
        vec![token],
        "the same checkout token"
    );
    let placed: i64 = sqlx::query_scalar("select count(*) from orders")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(placed, 0);
}

#[tokio::test]
async fn an_owner_sets_how_the_producer_sells_with_the_form() {
    let app = TestApp::spawn().await;
    let seller = app.seller("owner@example.vn", "HTX Chè La Bằng").await;
    let product = app
        .product(&seller, "Chè La Bằng", "200000", "hop", "10")
        .await;
    let (_, _, html) = page(
        &app,
        &TestApp::new_client(),
        &format!("/san-pham/{}", product.slug),
    )
    .await;
    assert!(
        html.contains("Cơ sở chưa nhận đặt hàng trực tuyến"),
        "{html}"
    );

    let path = format!("/quan-ly/{}/ban-hang", seller.slug);
    let (status, _, html) = page(&app, &seller.client, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Agribank"), "banks to choose from: {html}");
    // Bank transfer without an account: errors beside the fields, the ticks kept.
    let (status, to) = app
        .post_form(
            &seller.client,
            &path,
            &[
                ("ship", "on"),
                ("ship_fee_vnd", "30.000"),
                ("bank_transfer", "on"),
            ],
        )
        .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, path.as_str())
    );
    let (_, _, html) = page(&app, &seller.client, &path).await;
    assert!(html.contains("hãy chọn ngân hàng"), "{html}");
    assert!(html.contains(r#"value="30.000""#));
    let (status, _) = app
        .post_form(
            &seller.client,
            &path,
            &[
                ("pickup", "on"),
                ("pickup_address", "Xóm 5, xã La Bằng"),
                ("ship", "on"),
                ("ship_fee_vnd", "30.000"),
                ("cod", "on"),
                ("bank_transfer", "on"),
                ("bank_bin", "970405"),
                ("account_no", "1234 5678 9"),
                ("account_name", "HTX CHE LA BANG"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = app
        .get_json(&format!("/api/v1/producers/{}/sales", seller.slug))
        .await;
    assert_eq!(body["delivery"]["ship_fee_vnd"], "30000", "{body}");
    assert_eq!(body["payments"]["bank_transfer"], true);
    let (_, _, html) = page(
        &app,
        &TestApp::new_client(),
        &format!("/san-pham/{}", product.slug),
    )
    .await;
    assert!(html.contains("Thêm vào giỏ"));

    // Members who are not signed in are sent to the login page.
    let (status, _, _) = page(&app, &TestApp::new_client(), &path).await;
    assert!(status.is_redirection(), "{status}");
}

#[tokio::test]
async fn running_out_before_checkout_goes_back_to_the_cart_with_what_is_left() {
    let app = TestApp::spawn().await;
    let s = shop(&app).await;
    let buyer = TestApp::new_client();
    add(&app, &buyer, &s.tea_id, "3", "/san-pham").await;
    let (_, _, html) = page(&app, &buyer, "/thanh-toan").await;
    let token = values_of(&html, "token").pop().unwrap();
    let item = values_of(&html, "item").pop().unwrap();
    // Someone else buys meanwhile: one box left.
    let (status, _) = app
        .send_json(
            &s.tea.client,
            reqwest::Method::PATCH,
            &format!("/api/v1/products/{}", s.tea_id),
            Some(serde_json::json!({ "stock": "1" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let delivery = format!("delivery.{}", s.tea.slug);
    let payment = format!("payment.{}", s.tea.slug);
    let (status, to) = app
        .post_form(
            &buyer,
            "/thanh-toan",
            &[
                ("token", &token),
                ("item", &item),
                ("name", "Trần Văn Bình"),
                ("phone", "0987654321"),
                (&delivery, "pickup"),
                (&payment, "cod"),
            ],
        )
        .await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/gio-hang"));
    let (_, _, html) = page(&app, &buyer, "/gio-hang").await;
    assert!(
        html.contains("Chè tôm nõn: chỉ còn 1 (bạn đặt 3)"),
        "{html}"
    );
    assert!(html.contains("Chỉ còn 1 hộp"), "beside the line: {html}");
    assert!(
        !html.contains(r#"href="/thanh-toan""#),
        "no checkout until fixed"
    );
    assert_eq!(app.stock(&s.tea_id).await, "1", "nothing was taken");

    // Lowering the line through its form fixes it.
    let (status, _) = app
        .post_form(
            &buyer,
            &format!("/gio-hang/{}", s.tea_id),
            &[("quantity", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = page(&app, &buyer, "/gio-hang").await;
    assert!(html.contains(r#"href="/thanh-toan""#), "{html}");
}

#[tokio::test]
async fn a_signed_in_buyer_is_prefilled_and_finds_the_orders_listed() {
    let app = TestApp::spawn().await;
    let s = shop(&app).await;
    let (status, _, _) = page(&app, &TestApp::new_client(), "/don-hang").await;
    assert!(status.is_redirection(), "{status}");

    let (buyer, _) = app.signed_in_client("lan@example.vn").await;
    add(&app, &buyer, &s.honey_id, "2", "/san-pham").await;
    let (_, _, html) = page(&app, &buyer, "/thanh-toan").await;
    assert!(
        html.contains(r#"value="lan@example.vn""#),
        "pre-filled: {html}"
    );
    let token = values_of(&html, "token").pop().unwrap();
    let item = values_of(&html, "item").pop().unwrap();
    let delivery = format!("delivery.{}", s.honey.slug);
    let payment = format!("payment.{}", s.honey.slug);
    let (status, to) = app
        .post_form(
            &buyer,
            "/thanh-toan",
            &[
                ("token", &token),
                ("item", &item),
                ("name", "Nguyễn Thị Lan"),
                ("phone", "0912345678"),
                ("commune_code", "khac"),
                ("address", "12 Hàng Bông, Hoàn Kiếm, Hà Nội"),
                (&delivery, "ship"),
                (&payment, "bank_transfer"),
            ],
        )
        .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/dat-hang/xong")
    );
    let (_, _, html) = page(&app, &buyer, "/don-hang").await;
    assert!(html.contains("HTX Mật ong Võ Nhai"), "{html}");
    let code = {
        let at = html.find(r#"href="/don-hang/"#).expect("an order link") + 16;
        html[at..at + html[at..].find('"').unwrap()].to_owned()
    };
    // Signed in, the buyer's own order opens without the token; the address is as typed.
    let (status, _, html) = page(&app, &buyer, &format!("/don-hang/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("12 Hàng Bông, Hoàn Kiếm, Hà Nội"), "{html}");
    assert!(html.contains("<svg"));
}

#[tokio::test]
async fn adding_from_a_search_result_comes_back_to_that_search_and_says_why_a_quantity_is_refused()
{
    let app = TestApp::spawn().await;
    let seller = app.seller("che@example.vn", "HTX Chè Hảo Đạt").await;
    app.set_sales(&seller, full_sales()).await;
    let product = app
        .product(&seller, "Chè tôm nõn", "250.000", "hop", "40")
        .await;
    let buyer = TestApp::new_client();
    let (status, _, html) = page(&app, &buyer, "/san-pham?q=tom+non").await;
    assert_eq!(status, StatusCode::OK);
    let nexts = values_of(&html, "next");
    assert!(
        nexts.iter().any(|n| n == "/san-pham?q=tom+non"),
        "the card's form comes back to the search, query included: {nexts:?}"
    );
    let (status, location) = app
        .post_form(
            &buyer,
            "/gio-hang/them",
            &[
                ("product_id", &product.id),
                ("quantity", "1"),
                ("next", "/san-pham?q=tom+non"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/san-pham?q=tom+non")
    );

    // Boxes are sold whole: the cart page says so in words, not just "a field needs fixing".
    let (status, location) = app
        .post_form(
            &buyer,
            "/gio-hang/them",
            &[("product_id", &product.id), ("quantity", "1,5")],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/gio-hang")
    );
    let (_, _, html) = page(&app, &buyer, "/gio-hang").await;
    assert!(
        html.contains("Số lượng: đơn vị này không bán lẻ phần thập phân"),
        "{html}"
    );
}
