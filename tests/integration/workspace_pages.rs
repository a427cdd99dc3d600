//! The producer workspace as a browser without JavaScript uses it: plain form posts answered with
//! redirects, Vietnamese errors beside the fields with the typed values kept, and no way into
//! another producer's workspace.

use std::io::Cursor;

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use tests::TestApp;

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    // Browsers ask for HTML; Leptos answers page redirects with 302 only to such requests.
    let response = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page");
    (response.status(), response.text().await.unwrap())
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

/// Registers through the form and returns the signed-in client.
async fn register(app: &TestApp, email: &str) -> reqwest::Client {
    let client = TestApp::new_client();
    let (status, to) = app
        .post_form(
            &client,
            "/dang-ky",
            &[
                ("display_name", "Chị Hoa"),
                ("email", email),
                ("password", "mat-khau-du-dai"),
                ("next", "/quan-ly"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/quan-ly");
    client
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page_and_back() {
    let app = TestApp::spawn().await;
    let client = TestApp::new_client();
    let response = client
        .get(app.url("/quan-ly"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(
        response.headers()[LOCATION].to_str().unwrap(),
        "/dang-nhap?next=%2Fquan-ly"
    );

    // A wrong password comes back as a message on the login form, email kept.
    app.signed_in_client("hoa@example.vn").await;
    let (status, to) = app
        .post_form(
            &client,
            "/dang-nhap",
            &[
                ("email", "hoa@example.vn"),
                ("password", "sai-mat-khau"),
                ("next", "/quan-ly"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/dang-nhap?next=%2Fquan-ly");
    let (_, html) = page(&app, &client, &to).await;
    assert!(html.contains("email hoặc mật khẩu không đúng"), "{html}");
    assert!(html.contains(r#"value="hoa@example.vn""#));
    assert!(!html.contains("sai-mat-khau"), "passwords are never echoed");

    // The right one signs in and goes where the visitor was headed; an outside `next` is ignored.
    let (status, to) = app
        .post_form(
            &client,
            "/dang-nhap",
            &[
                ("email", "hoa@example.vn"),
                ("password", "mat-khau-du-dai"),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/quan-ly");
    let (status, html) = page(&app, &client, "/quan-ly").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Kênh người bán"));
    assert!(html.contains("hoa@example.vn"));
}

#[tokio::test]
async fn a_producer_runs_the_shop_with_plain_forms() {
    let app = TestApp::spawn().await;
    let client = register(&app, "htx@example.vn").await;

    // A bad profile: errors beside the fields, everything typed still there, nothing created.
    let (status, to) = app
        .post_form(
            &client,
            "/quan-ly/co-so-moi",
            &[
                ("name", ""),
                ("kind", "htx"),
                ("phone", "12"),
                ("address", "Xóm Soi Vàng"),
            ],
        )
        .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/quan-ly/co-so-moi")
    );
    let (_, html) = page(&app, &client, "/quan-ly/co-so-moi").await;
    assert!(html.contains("tên phải có ít nhất 2 ký tự"), "{html}");
    assert!(html.contains("số điện thoại không hợp lệ"));
    assert!(
        html.contains(r#"value="Xóm Soi Vàng""#),
        "typed values are kept"
    );
    let producers: i64 = sqlx::query_scalar("select count(*) from producers")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(producers, 0);
    // The errors are shown once; a reload shows a clean form.
    let (_, html) = page(&app, &client, "/quan-ly/co-so-moi").await;
    assert!(!html.contains("tên phải có ít nhất 2 ký tự"));

    let (status, desk) = app
        .post_form(
            &client,
            "/quan-ly/co-so-moi",
            &[
                ("name", "HTX Chè Soi Vàng"),
                ("kind", "htx"),
                ("old_commune", "Tân Cương"),
                ("phone", "0912 345 678"),
                ("description", "Chè búp hái tay."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(desk, "/quan-ly/htx-che-soi-vang");

    // A product with a bad price keeps the name typed; then a good one.
    let new_product = format!("{desk}/san-pham-moi");
    let (_, to) = app
        .post_form(
            &client,
            &new_product,
            &[
                ("name", "Chè búp Soi Vàng"),
                ("category_code", "che"),
                ("price_vnd", "-5"),
                ("unit", "kg"),
                ("stock", "3"),
                ("gi_slug", ""),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(to, new_product);
    let (_, html) = page(&app, &client, &new_product).await;
    assert!(html.contains(r#"value="Chè búp Soi Vàng""#), "{html}");
    assert!(html.contains("field-error"), "{html}");
    let (status, editor) = app
        .post_form(
            &client,
            &new_product,
            &[
                ("name", "Chè búp Soi Vàng"),
                ("category_code", "che"),
                ("price_vnd", "350000"),
                ("unit", "kg"),
                ("stock", "3"),
                ("gi_slug", ""),
                ("status", "active"),
                ("description", "Chè xanh sao tay."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(editor.starts_with(&format!("{desk}/san-pham/")), "{editor}");

    // Two photos through the multipart form; the second moves up to be the cover.
    for name in ["a.png", "b.png"] {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(png())
                .file_name(name)
                .mime_str("image/png")
                .unwrap(),
        );
        let response = client
            .post(app.url(&format!("{editor}/anh")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[LOCATION].to_str().unwrap(), editor);
    }
    let product_id = editor.rsplit('/').next().unwrap().to_owned();
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar(
        "select id from product_images where product_id = $1::uuid order by position",
    )
    .bind(&product_id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(ids.len(), 2);
    let (status, _) = app
        .post_form(&client, &format!("{editor}/anh/{}/len", ids[1]), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cover: uuid::Uuid = sqlx::query_scalar(
        "select id from product_images where product_id = $1::uuid order by position limit 1",
    )
    .bind(&product_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(cover, ids[1]);
    let (_, html) = page(&app, &client, &editor).await;
    assert_eq!(html.matches("class=\"photo\"").count(), 2, "{html}");
    assert!(html.contains("Ảnh bìa"));

    // Not an image: the error sits by the upload field, no photo is added.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"not a picture".to_vec()).file_name("x.png"),
    );
    client
        .post(app.url(&format!("{editor}/anh")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (_, html) = page(&app, &client, &editor).await;
    assert!(html.contains("tệp không phải ảnh"), "{html}");
    assert_eq!(html.matches("class=\"photo\"").count(), 2);

    // Delete one photo; stock at a glance shows the product as running out (3 kg).
    let (status, _) = app
        .post_form(&client, &format!("{editor}/anh/{}/xoa", ids[0]), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = page(&app, &client, &desk).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Chè búp Soi Vàng"));
    assert!(html.contains("stock-row low"), "{html}");
    assert!(html.contains("Sắp hết"));

    // A livestream with a platform-foreign URL is refused beside the URL, then scheduled.
    let live = format!("{desk}/livestream-moi");
    let fields = |url: &'static str| {
        vec![
            ("title", "Hái chè buổi sáng"),
            ("platform", "youtube"),
            ("url", url),
            ("starts_at", "2030-01-05T08:30"),
            ("ends_at", ""),
            ("product_ids", product_id.as_str()),
        ]
    };
    let (_, to) = app
        .post_form(&client, &live, &fields("https://evil.example/x"))
        .await;
    assert_eq!(to, live);
    let (_, html) = page(&app, &client, &live).await;
    assert!(html.contains("field-error"), "{html}");
    assert!(html.contains(r#"value="Hái chè buổi sáng""#));
    let (_, to) = app
        .post_form(
            &client,
            &live,
            &fields("https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        )
        .await;
    assert_eq!(to, desk);
    let starts: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select starts_at from livestreams")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        starts.to_rfc3339(),
        "2030-01-05T01:30:00+00:00",
        "Vietnam time"
    );

    // Archive: gone from the public catalog, still listed (last) in the workspace.
    let (status, _) = app
        .post_form(&client, &format!("{editor}/luu-tru"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, list) = app.get_json("/api/v1/products?q=Soi").await;
    assert_eq!(list["total"], 0);
    let (_, html) = page(&app, &client, &desk).await;
    assert!(html.contains("Đã lưu trữ"));

    // Every write above is in the audit log, attributed to this user.
    let actions: Vec<String> = sqlx::query_scalar("select action from audit_log order by id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for action in [
        "producer.create",
        "product.create",
        "product.reorder_images",
        "product.delete_image",
        "livestream.create",
        "product.archive",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn nobody_works_in_another_producers_workspace() {
    let app = TestApp::spawn().await;
    let owner = register(&app, "chu@example.vn").await;
    let (_, desk) = app
        .post_form(
            &owner,
            "/quan-ly/co-so-moi",
            &[("name", "HTX Mật Ong Võ Nhai"), ("kind", "htx")],
        )
        .await;
    let (_, editor) = app
        .post_form(
            &owner,
            &format!("{desk}/san-pham-moi"),
            &[
                ("name", "Mật ong rừng"),
                ("category_code", "mat-ong-nong-san"),
                ("price_vnd", "400000"),
                ("unit", "lit"),
                ("stock", "20"),
            ],
        )
        .await;
    assert!(editor.contains("/san-pham/"), "{editor}");

    let stranger = register(&app, "la@example.vn").await;
    let (status, html) = page(&app, &stranger, &desk).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Không có quyền"));
    let (status, _) = page(&app, &stranger, &editor).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A stranger's post changes nothing and says why on their next page.
    let (status, _) = app
        .post_form(
            &stranger,
            &editor,
            &[("name", "Mật ong giả"), ("price_vnd", "1000")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let name: String = sqlx::query_scalar("select name from products")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(name, "Mật ong rừng");
    let (status, _) = app
        .post_form(&stranger, &format!("{editor}/luu-tru"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let status_now: String = sqlx::query_scalar("select status from products")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status_now, "active");

    // Invited by email, a person can work once they accept; a form post from another site is
    // refused outright.
    let (status, to) = app
        .post_form(
            &owner,
            &format!("{desk}/thanh-vien"),
            &[("email", "la@example.vn"), ("role", "member")],
        )
        .await;
    assert_eq!(
        (status, to),
        (StatusCode::SEE_OTHER, format!("{desk}/thanh-vien"))
    );
    let (status, _) = page(&app, &stranger, &desk).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "invited is not yet a member");
    let token = app.invitation_token("la@example.vn").await;
    let (status, to) = app
        .post_form(&stranger, &format!("/loi-moi/{token}"), &[])
        .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, desk.as_str())
    );
    let (status, _) = page(&app, &stranger, &desk).await;
    assert_eq!(status, StatusCode::OK);
    let response = stranger
        .post(app.url(&format!("{editor}/luu-tru")))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let status_now: String = sqlx::query_scalar("select status from products")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status_now, "active");
}

#[tokio::test]
async fn producers_apply_for_ocop_and_see_expiry_reminders_in_the_workspace() {
    let app = TestApp::spawn().await;
    let client = register(&app, "ocop@example.vn").await;
    let (_, desk) = app
        .post_form(
            &client,
            "/quan-ly/co-so-moi",
            &[("name", "HTX Miến Dong Na Rì"), ("kind", "htx")],
        )
        .await;
    let (_, editor) = app
        .post_form(
            &client,
            &format!("{desk}/san-pham-moi"),
            &[
                ("name", "Miến dong Na Rì"),
                ("category_code", "thuc-pham-tien-loi"),
                ("price_vnd", "90000"),
                ("unit", "kg"),
                ("stock", "200"),
            ],
        )
        .await;
    let apply = format!("{editor}/ocop");

    // Part A is marked out of 40: 50 is refused beside that field, the other scores kept.
    let (status, to) = app
        .post_form(
            &client,
            &apply,
            &[
                ("rule_set", "148/2023"),
                ("self_score.a", "50"),
                ("self_score.b", "20"),
                ("self_score.c", "30"),
                ("notes", "Sản phẩm truyền thống"),
            ],
        )
        .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, editor.as_str())
    );
    let (_, html) = page(&app, &client, &editor).await;
    assert!(html.contains("phần A được chấm từ 0 đến 40 điểm"), "{html}");
    assert!(html.contains(r#"value="20""#));
    let open: i64 = sqlx::query_scalar("select count(*) from ocop_applications")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(open, 0);

    let (_, to) = app
        .post_form(
            &client,
            &apply,
            &[
                ("rule_set", "148/2023"),
                ("self_score.a", "35"),
                ("self_score.b", "20"),
                ("self_score.c", "30"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(to, editor);
    let (_, html) = page(&app, &client, &editor).await;
    assert!(html.contains("Đã nộp, chờ thẩm định"), "{html}");
    assert!(html.contains("tự chấm 85/100"));
    assert!(
        !html.contains("Nộp hồ sơ đánh giá"),
        "no second application while one is open"
    );

    // A curator approves it with a decision 34 months old: the desk now reminds of the expiry.
    let (curator, curator_id) = app.signed_in_client("can-bo@example.vn").await;
    app.grant(&curator_id, "curator").await;
    let id: uuid::Uuid = sqlx::query_scalar("select id from ocop_applications")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let decided_on = chrono::Utc::now().date_naive() - chrono::Months::new(34);
    let (status, body) = app
        .send_json(
            &curator,
            reqwest::Method::POST,
            &format!("/api/v1/ocop-applications/{id}/decision"),
            Some(serde_json::json!({ "outcome": "approved", "stars": 4,
                "decision_no": "QĐ 12/QĐ-UBND", "decided_on": decided_on.to_string() })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, html) = page(&app, &client, &desk).await;
    assert!(html.contains("Chứng nhận OCOP sắp hết hạn"), "{html}");
    assert!(html.contains("QĐ 12/QĐ-UBND"));
    assert!(html.contains("Đã công nhận"));
}

/// Issue 13, item 1: "250.000" is how Vietnamese write two hundred and fifty thousand đồng; the
/// product form (plain text boxes, no JavaScript) saves exactly that, shows the amount it read,
/// and answers "abc" with a Vietnamese message beside the box.
#[tokio::test]
async fn prices_typed_with_thousand_dots_are_saved_in_full() {
    let app = TestApp::spawn().await;
    let client = register(&app, "gia@example.vn").await;
    let (_, desk) = app
        .post_form(
            &client,
            "/quan-ly/co-so-moi",
            &[("name", "HTX Chè La Bằng"), ("kind", "htx")],
        )
        .await;
    let new_product = format!("{desk}/san-pham-moi");
    let (_, html) = page(&app, &client, &new_product).await;
    assert!(
        html.contains(r#"name="price_vnd" type="text""#) && html.contains(r#"inputmode="numeric""#),
        "the price box takes text, with a number keypad: {html}"
    );

    let product = |price: &'static str, stock: &'static str| {
        vec![
            ("name", "Chè búp La Bằng"),
            ("category_code", "che"),
            ("price_vnd", price),
            ("unit", "kg"),
            ("stock", stock),
            ("gi_slug", ""),
            ("status", "active"),
        ]
    };
    let (_, to) = app
        .post_form(&client, &new_product, &product("abc", "2,5"))
        .await;
    assert_eq!(to, new_product);
    let (_, html) = page(&app, &client, &new_product).await;
    assert!(
        html.contains("phải là số tiền (đồng), ví dụ 250.000 hoặc 250000"),
        "{html}"
    );
    let beside = html.split(r#"id="f-price_vnd""#).nth(1).unwrap();
    let beside = &beside[..beside.find(r#"id="f-unit""#).unwrap()];
    assert!(
        beside.contains("field-error"),
        "the message sits by the price: {beside}"
    );
    assert!(html.contains(r#"value="abc""#), "what was typed is kept");

    let (_, editor) = app
        .post_form(&client, &new_product, &product("250.000", "2,5"))
        .await;
    assert!(editor.starts_with(&format!("{desk}/san-pham/")), "{editor}");
    let (status, json) = app.get_json("/api/v1/products/che-bup-la-bang").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["price_vnd"], "250000", "{json}");
    assert_eq!(json["stock"], "2.5", "{json}");
    let (_, html) = page(&app, &client, &editor).await;
    assert!(
        html.contains("= 250.000 ₫"),
        "the saved amount is shown: {html}"
    );
    assert!(html.contains(r#"value="250.000""#), "{html}");
    assert!(html.contains(r#"value="2,5""#), "{html}");

    // Saving the form as shown changes nothing; "250 000 ₫" reads the same.
    let (_, to) = app
        .post_form(&client, &editor, &product("250 000 ₫", "2,5"))
        .await;
    assert_eq!(to, editor);
    let (_, json) = app.get_json("/api/v1/products/che-bup-la-bang").await;
    assert_eq!(json["price_vnd"], "250000", "{json}");

    // The catalog's price filter reads money the same way.
    let (_, html) = page(
        &app,
        &client,
        "/san-pham?min_price=200.000&max_price=300.000",
    )
    .await;
    assert!(html.contains("Chè búp La Bằng"), "{html}");
    assert!(html.contains("≥ 200.000 ₫"), "{html}");
    let (_, html) = page(&app, &client, "/san-pham?min_price=260.000").await;
    assert!(!html.contains("Chè búp La Bằng"), "{html}");
}
