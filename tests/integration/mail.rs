//! Mail that is really sent: a real SMTP server process (aiosmtpd) receives what placing,
//! confirming, delivering and paying for an order send, to the right people; the outbox keeps
//! messages while the server is down and delivers them once it is back; two app instances on
//! one database send each message once; without settings mail is logged and `/readyz` says so.

use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use server::Application;
use tests::shop::{Seller, ship_to};
use tests::{Received, SmtpServer, TestApp};

const FROM: &str = "Chợ OCOP <no-reply@cho-ocop.test>";

async fn app_mailing_to(smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    TestApp::spawn_with(move |s| {
        s.mail.smtp_url = Some(SecretString::from(url));
        s.mail.from = Some(FROM.to_owned());
        s.mail.retry_cap_secs = Some(1);
    })
    .await
}

/// A seller with one product, and the body of a guest's bank-transfer order for it that gives
/// an e-mail address.
async fn shop(app: &TestApp) -> (Seller, Value) {
    let seller = app
        .selling_seller("htx@example.vn", "HTX Chè Tân Cương")
        .await;
    let tea = app
        .product(&seller, "Chè búp Tân Cương", "250000", "hop", "40")
        .await;
    let mut delivery = ship_to();
    delivery["email"] = json!("lan@example.vn");
    let body = json!({
        "items": [{ "product_id": tea.id, "quantity": "1" }],
        "delivery": delivery, "payment": "bank_transfer"
    });
    (seller, body)
}

fn to<'a>(messages: &'a [Received], address: &str) -> Vec<&'a Received> {
    messages
        .iter()
        .filter(|m| m.rcpt_tos == [address.to_owned()])
        .collect()
}

async fn outbox(app: &TestApp) -> Vec<(String, String, i32, Option<String>)> {
    sqlx::query_as("select kind, status, attempts, last_error from mail_outbox order by id")
        .fetch_all(&app.db)
        .await
        .unwrap()
}

async fn change(app: &TestApp, client: &Client, code: &str, status: &str) {
    let (got, body) = app
        .send_json(
            client,
            Method::POST,
            &format!("/api/v1/orders/{code}/status"),
            Some(json!({ "status": status, "tracking": "Viettel Post 123" })),
        )
        .await;
    assert_eq!(got, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn an_order_mails_the_seller_and_the_buyer_and_each_step_reaches_the_buyer() {
    let smtp = SmtpServer::start().await;
    let app = app_mailing_to(&smtp).await;
    let (seller, body) = shop(&app).await;
    let order = app.place(&TestApp::new_client(), body).await.remove(0);
    let token = order.access_token.clone().unwrap();

    let messages = smtp.wait_for(2, Duration::from_secs(20)).await;
    let seller_mail = to(&messages, "htx@example.vn");
    assert_eq!(seller_mail.len(), 1, "{messages:#?}");
    let seller_mail = seller_mail[0];
    assert_eq!(
        seller_mail.subject,
        format!("Đơn hàng mới {} — 280.000 ₫", order.code)
    );
    assert!(
        seller_mail.from.contains("no-reply@cho-ocop.test"),
        "{}",
        seller_mail.from
    );
    assert!(
        seller_mail.text.contains("Chè búp Tân Cương"),
        "{}",
        seller_mail.text
    );
    assert!(
        seller_mail.text.contains("Gọi trước khi giao"),
        "the buyer's note"
    );
    assert!(
        seller_mail
            .text
            .contains(&format!("/quan-ly/{}/don-hang/{}", seller.slug, order.code)),
        "{}",
        seller_mail.text
    );
    assert!(
        seller_mail.list_unsubscribe.contains("/thong-bao/huy/"),
        "an account's mail"
    );

    let buyer_mail = to(&messages, "lan@example.vn");
    assert_eq!(buyer_mail.len(), 1, "{messages:#?}");
    let buyer_mail = buyer_mail[0];
    assert_eq!(
        buyer_mail.subject,
        format!("Đơn hàng {} đã được ghi nhận", order.code)
    );
    for expected in [
        "Chè búp Tân Cương",
        "Tổng cộng: 280.000 ₫",
        "Phí giao hàng: 30.000 ₫",
        "Số tài khoản: 888800001234",
        "Chủ tài khoản: HTX CHE TAN CUONG",
        &format!("Nội dung: {}", order.code),
        &format!("/don-hang/{}?token={token}", order.code),
    ] {
        assert!(
            buyer_mail.text.contains(expected),
            "{expected} in {}",
            buyer_mail.text
        );
    }
    assert!(
        buyer_mail.html.contains(&format!("?token={token}")),
        "{}",
        buyer_mail.html
    );
    assert!(buyer_mail.html.contains("<table"), "an HTML part");
    assert_eq!(
        buyer_mail.list_unsubscribe, "",
        "a guest has no account to unsubscribe"
    );

    // Each step the seller takes reaches the buyer, once.
    for step in ["confirmed", "shipping", "delivered"] {
        change(&app, &seller.client, &order.code, step).await;
    }
    let (status, _) = app
        .send_json(
            &seller.client,
            Method::POST,
            &format!("/api/v1/orders/{}/payment", order.code),
            Some(json!({ "status": "paid" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let messages = smtp.wait_for(6, Duration::from_secs(20)).await;
    let subjects: Vec<&str> = to(&messages, "lan@example.vn")
        .iter()
        .map(|m| m.subject.as_str())
        .collect();
    let code = &order.code;
    for expected in [
        format!("Đơn hàng {code}: Đã xác nhận"),
        format!("Đơn hàng {code}: Đang giao"),
        format!("Đơn hàng {code}: Đã giao"),
        format!("Đơn hàng {code}: đã nhận thanh toán"),
    ] {
        assert_eq!(
            subjects.iter().filter(|s| **s == expected).count(),
            1,
            "{expected} once in {subjects:?}"
        );
    }
    let shipping = to(&messages, "lan@example.vn")
        .into_iter()
        .find(|m| m.subject.ends_with("Đang giao"))
        .unwrap();
    assert!(
        shipping.text.contains("Viettel Post 123"),
        "{}",
        shipping.text
    );

    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(smtp.messages().len(), 6, "nothing sent twice");
    let rows = outbox(&app).await;
    assert!(
        rows.iter().all(|(_, status, ..)| status == "sent"),
        "{rows:?}"
    );
}

#[tokio::test]
async fn a_signed_in_buyer_who_switched_order_mail_off_gets_none_but_the_seller_still_does() {
    let smtp = SmtpServer::start().await;
    let app = app_mailing_to(&smtp).await;
    let (seller, mut body) = shop(&app).await;
    body["delivery"]["email"] = Value::Null;
    let (buyer, _) = app.signed_in_client("hoa@example.vn").await;

    // With order mail on, the account's own address is used.
    let first = app.place(&buyer, body.clone()).await.remove(0);
    let messages = smtp.wait_for(2, Duration::from_secs(20)).await;
    let mine = to(&messages, "hoa@example.vn");
    assert_eq!(mine.len(), 1, "{messages:#?}");
    assert!(mine[0].text.contains(&format!("/don-hang/{}", first.code)));
    assert!(
        !mine[0].text.contains("token="),
        "an account signs in instead"
    );
    let unsubscribe = mine[0].list_unsubscribe.trim_matches(['<', '>']).to_owned();
    assert!(unsubscribe.contains("/thong-bao/huy/"), "{unsubscribe}");

    // The one-click unsubscribe (RFC 8058) needs no session.
    let path = unsubscribe
        .split_once("/thong-bao")
        .map(|(_, p)| format!("/thong-bao{p}"))
        .unwrap();
    let (status, _) = app
        .post_form(
            &TestApp::new_client(),
            &path,
            &[("List-Unsubscribe", "One-Click")],
        )
        .await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let (status, prefs) = app
        .send_json(&buyer, Method::GET, "/api/v1/me/notifications", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{prefs}");
    assert_eq!(prefs["order_updates"], json!(false), "{prefs}");

    let second = app.place(&buyer, body).await.remove(0);
    let messages = smtp.wait_for(3, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let messages = if smtp.messages().len() > messages.len() {
        smtp.messages()
    } else {
        messages
    };
    assert_eq!(
        to(&messages, "hoa@example.vn").len(),
        1,
        "nothing more to the buyer"
    );
    let seller_mail = to(&messages, "htx@example.vn");
    assert_eq!(seller_mail.len(), 2);
    assert!(seller_mail.iter().any(|m| m.subject.contains(&second.code)));
    drop(seller);
}

#[tokio::test]
async fn the_outbox_keeps_mail_while_the_smtp_server_is_down_and_delivers_it_once_back() {
    let mut smtp = SmtpServer::reserve();
    let app = app_mailing_to(&smtp).await;
    let (_seller, body) = shop(&app).await;
    let order = app.place(&TestApp::new_client(), body).await.remove(0);

    // Tried, failed, kept.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let rows = outbox(&app).await;
        if rows.len() == 2
            && rows.iter().all(|(_, status, attempts, error)| {
                status == "pending" && *attempts >= 1 && error.is_some()
            })
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{rows:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    smtp.resume().await;
    let messages = smtp.wait_for(2, Duration::from_secs(20)).await;
    assert!(
        messages.iter().all(|m| m.subject.contains(&order.code)),
        "{messages:#?}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.messages().len(), 2, "each delivered once");
    let rows = outbox(&app).await;
    assert!(
        rows.iter().all(|(_, status, ..)| status == "sent"),
        "{rows:?}"
    );
}

#[tokio::test]
async fn two_instances_on_one_database_send_each_message_exactly_once() {
    let smtp = SmtpServer::start().await;
    let app = app_mailing_to(&smtp).await;
    // A second instance of the same application on the same database, as behind a load balancer.
    let second = Application::build(app.settings.clone())
        .await
        .expect("second instance");
    tokio::spawn(second.run_until(std::future::pending()));

    let (seller, body) = shop(&app).await;
    let buyer = TestApp::new_client();
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(app.place(&buyer, body.clone()).await.remove(0).code);
    }
    change(&app, &seller.client, &codes[0], "confirmed").await;
    let messages = smtp.wait_for(11, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let messages = smtp.messages().len().max(messages.len());
    assert_eq!(
        messages, 11,
        "5 × (buyer + seller) + 1 status change, none twice"
    );
    for code in &codes {
        let about: Vec<Received> = smtp
            .messages()
            .into_iter()
            .filter(|m| m.subject.contains(code.as_str()))
            .collect();
        let expected = if code == &codes[0] { 3 } else { 2 };
        assert_eq!(about.len(), expected, "{code}: {about:#?}");
    }
}

#[tokio::test]
async fn without_smtp_settings_mail_is_logged_marked_not_sent_and_readyz_says_why() {
    let app = TestApp::spawn().await;
    let (_seller, body) = shop(&app).await;
    app.place(&TestApp::new_client(), body).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let rows = outbox(&app).await;
        if rows.len() == 2 && rows.iter().all(|(_, status, ..)| status == "not_sent") {
            assert!(rows.iter().all(|(.., error)| {
                error
                    .as_deref()
                    .is_some_and(|e| e.contains("APP__MAIL__SMTP_URL"))
            }));
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{rows:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, ready) = app.get_json("/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ready["mail"]["configured"], json!(false), "{ready}");
    assert!(
        ready["mail"]["reason"]
            .as_str()
            .unwrap()
            .contains("APP__MAIL__SMTP_URL"),
        "{ready}"
    );
}

#[tokio::test]
async fn readyz_names_the_smtp_server_without_its_credentials() {
    let smtp = SmtpServer::start().await;
    let url = format!("smtp://user:secret@127.0.0.1:{}", smtp.port);
    let app = TestApp::spawn_with(move |s| {
        s.mail.smtp_url = Some(SecretString::from(url));
        s.mail.from = Some(FROM.to_owned());
    })
    .await;
    let (_, ready) = app.get_json("/readyz").await;
    assert_eq!(ready["mail"]["configured"], json!(true), "{ready}");
    assert_eq!(
        ready["mail"]["smtp"],
        json!(format!("smtp://127.0.0.1:{}", smtp.port))
    );
    assert!(!ready.to_string().contains("secret"));
}

#[tokio::test]
async fn the_daily_certificate_reminders_reach_the_producers_members_once() {
    let smtp = SmtpServer::start().await;
    let app = app_mailing_to(&smtp).await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;
    let tea = app
        .product(&seller, "Chè búp Tân Cương", "250000", "hop", "40")
        .await;
    // A 4★ certificate that expires on 2030-06-01: 90 days after 2030-03-03.
    sqlx::query(
        "insert into ocop_certificates (product_id, stars, rule_set, decision_no, issuer_level,
                                        issuer, issued_on)
         values ($1::uuid, 4, '148-2023', 'QĐ 12/QĐ-UBND', 'province', 'UBND tỉnh Thái Nguyên',
                 '2027-06-01')",
    )
    .bind(&tea.id)
    .execute(&app.db)
    .await
    .unwrap();
    let base = app.settings.server.base_url.clone();
    let today = chrono::NaiveDate::from_ymd_opt(2030, 3, 3).unwrap();
    let report = server::jobs::run_daily(&app.db, today, &base)
        .await
        .unwrap();
    assert_eq!(report.digests_added, 1);
    let again = server::jobs::run_daily(&app.db, today, &base)
        .await
        .unwrap();
    assert_eq!(again.digests_added, 0);

    let messages = smtp.wait_for(1, Duration::from_secs(20)).await;
    let digest = &messages[0];
    assert_eq!(digest.rcpt_tos, ["htx@example.vn"]);
    assert!(
        digest.subject.starts_with("Nhắc hạn chứng nhận OCOP"),
        "{}",
        digest.subject
    );
    assert!(digest.text.contains("Chè búp Tân Cương"), "{}", digest.text);
    assert!(
        digest.text.contains("01/06/2030 (còn 90 ngày)"),
        "{}",
        digest.text
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(smtp.messages().len(), 1, "once a day");
    let sent: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select sent_at from certificate_digests")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(sent.is_some(), "the digest is marked sent with its mail");
}

#[tokio::test]
async fn an_account_chooses_its_mail_with_a_plain_form_and_a_link_unsubscribes_without_signing_in()
{
    let app = TestApp::spawn().await;
    let (client, user_id) = app.signed_in_client("hoa@example.vn").await;
    let (status, html) = {
        let response = client.get(app.url("/thong-bao")).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"method="post" action="/thong-bao""#),
        "{html}"
    );
    assert!(
        html.contains(r#"name="order_updates" value="1" checked"#),
        "all on at first"
    );
    assert!(html.contains("hoa@example.vn"));

    // Only "new orders" ticked: the others are off.
    let (status, to) = app
        .post_form(&client, "/thong-bao", &[("new_orders", "1")])
        .await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/thong-bao"));
    let (_, prefs) = app
        .send_json(&client, Method::GET, "/api/v1/me/notifications", None)
        .await;
    assert_eq!(
        prefs,
        json!({ "order_updates": false, "new_orders": true, "certificate_reminders": false })
    );

    // The link in a message: the page names the address, the button switches everything off.
    let token: String = sqlx::query_scalar(
        "select unsubscribe_token from notification_preferences where user_id = $1::uuid",
    )
    .bind(&user_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let stranger = TestApp::new_client();
    let response = stranger
        .get(app.url(&format!("/thong-bao/huy/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let html = response.text().await.unwrap();
    assert!(html.contains("hoa@example.vn"), "{html}");
    let (status, to) = app
        .post_form(&stranger, &format!("/thong-bao/huy/{token}"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = {
        let response = stranger.get(app.url(&to)).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    };
    assert!(html.contains("sẽ không nhận thư từ Chợ OCOP nữa"), "{html}");
    let (_, prefs) = app
        .send_json(&client, Method::GET, "/api/v1/me/notifications", None)
        .await;
    assert_eq!(prefs["new_orders"], json!(false));

    // A wrong token finds nothing; nobody signed in is sent to the login page.
    let (status, _) = app.get_html("/thong-bao/huy/khong-co").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = stranger
        .get(app.url("/thong-bao"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(
        response.headers()["location"],
        "/dang-nhap?next=%2Fthong-bao"
    );
}
