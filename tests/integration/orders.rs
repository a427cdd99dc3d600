//! Buying through the API: carts, checkout into one order per producer with stock taken in one
//! transaction, idempotent retries, the 200-buyer race for the last units, the status matrix,
//! who may see and change which order, VietQR payloads, and sales settings.

use frontend::api::{Cart, Order};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tests::TestApp;
use tests::shop::{full_sales, ship_to};

/// CRC-16/CCITT-FALSE written again here, independently of the server's, to check payloads.
fn crc16(bytes: &[u8]) -> u16 {
    let mut crc = 0xFFFFu16;
    for &b in bytes {
        crc ^= (b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

fn assert_vietqr(order: &Order) {
    let qr = order
        .payment
        .vietqr
        .as_ref()
        .expect("a VietQR for a bank transfer");
    let (body, crc) = qr.payload.split_at(qr.payload.len() - 4);
    assert!(body.ends_with("6304"), "{}", qr.payload);
    assert_eq!(
        format!("{:04X}", crc16(body.as_bytes())),
        crc,
        "CRC of {}",
        qr.payload
    );
    let amount = format!("54{:02}{}", order.total_vnd.len(), order.total_vnd);
    assert!(
        qr.payload.contains(&amount),
        "amount {amount} in {}",
        qr.payload
    );
    assert!(qr.payload.contains(&order.code), "note in {}", qr.payload);
    assert!(
        qr.payload.contains("0006970405"),
        "Agribank's BIN in {}",
        qr.payload
    );
    assert_eq!(qr.purpose, order.code);
    assert_eq!(qr.amount_vnd, order.total_vnd);
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_cart_across_two_producers_becomes_two_orders_with_their_own_fees() {
    let app = TestApp::spawn().await;
    let tea = app.seller("che@example.vn", "HTX Chè Hảo Đạt").await;
    let honey = app.seller("mat@example.vn", "HTX Mật ong Bắc Kạn").await;
    app.set_sales(&tea, full_sales()).await;
    app.set_sales(
        &honey,
        json!({
            "delivery": { "pickup": false, "ship": true, "ship_fee_vnd": "25000" },
            "payments": { "cod": true, "bank_transfer": false }
        }),
    )
    .await;
    let che = app
        .product(&tea, "Chè tôm nõn", "250.000", "hop", "40")
        .await;
    let mat = app
        .product(&honey, "Mật ong bạc hà", "180000", "lit", "10")
        .await;

    // An anonymous buyer: the cart lives in the browser session.
    let buyer = TestApp::new_client();
    let (status, body) = app.put_cart(&buyer, &che.id, "3").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.put_cart(&buyer, &mat.id, "0.5").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cart: Cart = serde_json::from_value(body).unwrap();
    assert_eq!(cart.groups.len(), 2);
    assert_eq!(cart.total_vnd, "840000");
    let tea_group = cart
        .groups
        .iter()
        .find(|g| g.producer.slug == tea.slug)
        .unwrap();
    assert_eq!(tea_group.subtotal_vnd, "750000");
    let ship = tea_group
        .delivery_options
        .iter()
        .find(|o| o.method == "ship")
        .unwrap();
    assert_eq!(ship.fee_vnd, "0", "free from 500.000 ₫");
    assert!(tea_group.problem.is_none());

    let orders = app
        .place(&buyer, json!({
            "delivery": ship_to(),
            "payment": "cod",
            "per_producer": { tea.slug.clone(): { "delivery": "pickup", "payment": "bank_transfer" } }
        }))
        .await;
    assert_eq!(orders.len(), 2);
    let tea_order = orders.iter().find(|o| o.producer.slug == tea.slug).unwrap();
    let honey_order = orders
        .iter()
        .find(|o| o.producer.slug == honey.slug)
        .unwrap();
    assert_eq!(
        (
            tea_order.subtotal_vnd.as_str(),
            tea_order.delivery_fee_vnd.as_str(),
            tea_order.total_vnd.as_str()
        ),
        ("750000", "0", "750000")
    );
    assert_eq!(tea_order.delivery.method, "pickup");
    assert_eq!(
        tea_order.delivery.pickup_address.as_deref(),
        Some("Xóm Nam Đồng, xã Tân Cương")
    );
    assert_eq!(
        tea_order.delivery.address, None,
        "a pickup order keeps no shipping address"
    );
    assert_vietqr(tea_order);
    assert_eq!(
        (
            honey_order.subtotal_vnd.as_str(),
            honey_order.delivery_fee_vnd.as_str(),
            honey_order.total_vnd.as_str()
        ),
        ("90000", "25000", "115000")
    );
    assert_eq!(honey_order.payment.method, "cod");
    assert!(honey_order.payment.vietqr.is_none());
    assert_eq!(
        honey_order.delivery.phone, "0912345678",
        "stored normalised"
    );
    assert_eq!(
        honey_order.delivery.commune_name.as_deref(),
        Some("Xã Tân Cương")
    );
    assert_eq!(honey_order.items[0].quantity, "0.5");
    assert_eq!(honey_order.status, "pending");
    assert_eq!(honey_order.history.len(), 1);
    assert!(tea_order.code.starts_with("DH") && tea_order.code.len() == 8);

    // Stock taken, cart emptied.
    assert_eq!(app.stock(&che.id).await, "37");
    assert_eq!(app.stock(&mat.id).await, "9.5");
    let (_, body) = app
        .send_json(&buyer, Method::GET, "/api/v1/cart", None)
        .await;
    assert_eq!(body["groups"], json!([]));

    // The guest opens each order with its token only.
    let token = tea_order.access_token.clone().expect("a guest's token");
    let stranger = TestApp::new_client();
    let path = format!("/api/v1/orders/{}", tea_order.code);
    let (status, _) = app.send_json(&stranger, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no session, no token");
    let (status, _) = app
        .send_json(&stranger, Method::GET, &format!("{path}?token=wrong"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app
        .send_json(
            &stranger,
            Method::GET,
            &format!("{path}?token={token}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["code"], json!(tea_order.code));

    // A later price change leaves the order as it was.
    let (status, _) = app
        .send_json(
            &tea.client,
            Method::PATCH,
            &format!("/api/v1/products/{}", che.id),
            Some(json!({ "price_vnd": "300000" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = app.send_json(&tea.client, Method::GET, &path, None).await;
    assert_eq!(body["items"][0]["unit_price_vnd"], json!("250000"));
    assert_eq!(body["total_vnd"], json!("750000"));
    assert!(
        body.get("access_token").is_none(),
        "sellers never see the buyer's link"
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_log where action = 'order.place'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn one_line_out_of_stock_writes_nothing_and_says_what_is_left() {
    let app = TestApp::spawn().await;
    let tea = app.seller("che@example.vn", "HTX Chè Hảo Đạt").await;
    let honey = app.seller("mat@example.vn", "HTX Mật ong").await;
    app.set_sales(&tea, full_sales()).await;
    app.set_sales(&honey, full_sales()).await;
    let che = app
        .product(&tea, "Chè tôm nõn", "250000", "hop", "40")
        .await;
    let mat = app
        .product(&honey, "Mật ong bạc hà", "180000", "chai", "2")
        .await;
    let buyer = TestApp::new_client();
    let (status, body) = app
        .checkout(&buyer, json!({
            "items": [{ "product_id": che.id, "quantity": "1" }, { "product_id": mat.id, "quantity": 3 }],
            "delivery": ship_to(), "payment": "cod"
        }), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], json!("out_of_stock"));
    assert_eq!(
        body["error"]["items"],
        json!([{ "product_id": mat.id, "name": "Mật ong bạc hà", "requested": "3", "available": "2" }])
    );
    assert_eq!(count(&app, "select count(*) from orders").await, 0);
    assert_eq!(count(&app, "select count(*) from checkouts").await, 0);
    assert_eq!(app.stock(&che.id).await, "40");
    assert_eq!(app.stock(&mat.id).await, "2");

    // Adding beyond the stock to a cart is refused the same way.
    let (status, body) = app.put_cart(&buyer, &mat.id, "5").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["items"][0]["available"], json!("2"));
}

#[tokio::test]
async fn a_retried_checkout_returns_the_first_orders() {
    let app = TestApp::spawn().await;
    let tea = app
        .selling_seller("che@example.vn", "HTX Chè Hảo Đạt")
        .await;
    let che = app
        .product(&tea, "Chè tôm nõn", "250000", "hop", "40")
        .await;
    let (buyer, _) = app.signed_in_client("lan@example.vn").await;
    let body = json!({
        "items": [{ "product_id": che.id, "quantity": "2" }],
        "delivery": ship_to(), "payment": "cod"
    });
    // A double click: both requests at once.
    let (first, second) = tokio::join!(
        app.checkout(&buyer, body.clone(), Some("key-1")),
        app.checkout(&buyer, body.clone(), Some("key-1")),
    );
    assert_eq!(first.0, StatusCode::CREATED, "{}", first.1);
    assert_eq!(second.0, StatusCode::CREATED, "{}", second.1);
    assert_eq!(first.1["orders"][0]["code"], second.1["orders"][0]["code"]);
    // A retry later.
    let (status, again) = app.checkout(&buyer, body.clone(), Some("key-1")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["orders"][0]["code"], first.1["orders"][0]["code"]);
    assert_eq!(count(&app, "select count(*) from orders").await, 1);
    assert_eq!(app.stock(&che.id).await, "38");
    // The same key for another request is refused; a new key orders again.
    let mut other = body.clone();
    other["items"][0]["quantity"] = json!("5");
    let (status, error) = app.checkout(&buyer, other.clone(), Some("key-1")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
    assert_eq!(error["error"]["code"], json!("idempotency_key_reused"));
    let (status, _) = app.checkout(&buyer, other, Some("key-2")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(app.stock(&che.id).await, "33");

    // The signed-in buyer lists both, newest first.
    let (status, list) = app
        .send_json(&buyer, Method::GET, "/api/v1/orders", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], json!(2));
    assert_eq!(list["items"][0]["items"][0]["quantity"], json!("5"));
}

#[tokio::test]
async fn two_hundred_buyers_race_for_the_last_five_units() {
    let app = TestApp::spawn().await;
    let tea = app
        .selling_seller("che@example.vn", "HTX Chè Hảo Đạt")
        .await;
    let che = app
        .product(&tea, "Chè đinh Tân Cương", "1200000", "hop", "5")
        .await;
    let started = std::time::Instant::now();
    let url = app.url("/api/v1/orders");
    let mut buyers = tokio::task::JoinSet::new();
    for i in 0..200 {
        let (url, id) = (url.clone(), che.id.clone());
        buyers.spawn(async move {
            // Each buyer its own session.
            let response = TestApp::new_client()
                .post(url)
                .header("idempotency-key", format!("race-{i}"))
                .json(&json!({
                    "items": [{ "product_id": id, "quantity": "1" }],
                    "delivery": { "method": "pickup", "name": format!("Người mua {i}"), "phone": "0987654321" },
                    "payment": "cod"
                }))
                .send()
                .await
                .expect("request sent");
            let status = response.status();
            (status, response.json::<Value>().await.unwrap_or(Value::Null))
        });
    }
    let answers = buyers.join_all().await;
    let elapsed = started.elapsed();
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let sold_out = answers
        .iter()
        .filter(|(s, b)| *s == StatusCode::CONFLICT && b["error"]["code"] == json!("out_of_stock"))
        .count();
    let others: Vec<_> = answers
        .iter()
        .filter(|(s, _)| *s != StatusCode::CREATED && *s != StatusCode::CONFLICT)
        .collect();
    assert!(others.is_empty(), "no 5xx or other answers: {others:?}");
    assert_eq!((created, sold_out), (5, 195));
    assert_eq!(app.stock(&che.id).await, "0");
    assert_eq!(count(&app, "select count(*) from orders").await, 5);
    // Reported, not asserted: timing belongs to the benchmark.
    eprintln!("200 buyers for 5 units: {elapsed:?}");
}

#[tokio::test]
async fn orders_move_only_along_the_allowed_edges_by_the_right_people() {
    let app = TestApp::spawn().await;
    let tea = app.seller("che@example.vn", "HTX Chè Hảo Đạt").await;
    let other = app.seller("khac@example.vn", "HTX Khác").await;
    app.set_sales(&tea, full_sales()).await;
    let che = app
        .product(&tea, "Chè tôm nõn", "250000", "hop", "40")
        .await;
    let (buyer, _) = app.signed_in_client("lan@example.vn").await;
    let (other_buyer, _) = app.signed_in_client("hoa@example.vn").await;
    let order_body = json!({
        "items": [{ "product_id": che.id, "quantity": "4" }],
        "delivery": ship_to(), "payment": "bank_transfer"
    });
    let order = app.place(&buyer, order_body.clone()).await.remove(0);
    let path = format!("/api/v1/orders/{}", order.code);
    let status_path = format!("{path}/status");
    let anonymous = TestApp::new_client();

    // Who may read it.
    for (client, expected) in [
        (&buyer, StatusCode::OK),
        (&tea.client, StatusCode::OK),
        (&other_buyer, StatusCode::NOT_FOUND),
        (&other.client, StatusCode::NOT_FOUND),
        (&anonymous, StatusCode::UNAUTHORIZED),
    ] {
        let (status, _) = app.send_json(client, Method::GET, &path, None).await;
        assert_eq!(status, expected);
    }
    let (status, _) = app
        .send_json(
            &other.client,
            Method::GET,
            &format!("/api/v1/producers/{}/orders", tea.slug),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, inbox) = app
        .send_json(
            &tea.client,
            Method::GET,
            &format!("/api/v1/producers/{}/orders?status=pending", tea.slug),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(inbox["total"], json!(1));
    assert_eq!(inbox["counts"]["pending"], json!(1));

    // Strangers cannot move it; illegal edges answer 409.
    let change = |s: &str| Some(json!({ "status": s }));
    let (status, _) = app
        .send_json(
            &other.client,
            Method::POST,
            &status_path,
            change("confirmed"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app
        .send_json(&buyer, Method::POST, &status_path, change("confirmed"))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a buyer cannot confirm: {body}"
    );
    let (status, body) = app
        .send_json(&tea.client, Method::POST, &status_path, change("delivered"))
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::CONFLICT, json!("illegal_transition"))
    );
    let (status, body) = app
        .send_json(&tea.client, Method::POST, &status_path, change("cancelled"))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a seller says why: {body}"
    );
    assert!(body["error"]["fields"]["reason"].is_string());
    let (status, _) = app
        .send_json(&tea.client, Method::POST, &status_path, change("shipped"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Payment: the buyer cannot mark it paid, a member can, once.
    let pay = format!("{path}/payment");
    let (status, _) = app
        .send_json(
            &buyer,
            Method::POST,
            &pay,
            Some(json!({ "status": "paid" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .send_json(
            &tea.client,
            Method::POST,
            &pay,
            Some(json!({ "status": "paid" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["payment"]["status"], json!("paid"));
    let (status, body) = app
        .send_json(
            &tea.client,
            Method::POST,
            &pay,
            Some(json!({ "status": "paid" })),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::CONFLICT, json!("already_paid"))
    );

    // The seller works it to delivered; the buyer can no longer cancel once confirmed.
    let (status, _) = app
        .send_json(&tea.client, Method::POST, &status_path, change("confirmed"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .send_json(&buyer, Method::POST, &status_path, change("cancelled"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app
        .send_json(
            &tea.client,
            Method::POST,
            &status_path,
            Some(json!({ "status": "shipping", "tracking": "VNPost EB123456789VN" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .send_json(&tea.client, Method::POST, &status_path, change("cancelled"))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no cancelling once shipped: {body}"
    );
    let (status, body) = app
        .send_json(&tea.client, Method::POST, &status_path, change("delivered"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let statuses: Vec<&str> = body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["pending", "paid", "confirmed", "shipping", "delivered"]
    );
    assert_eq!(body["tracking"], json!("VNPost EB123456789VN"));
    assert_eq!(app.stock(&che.id).await, "36", "delivered goods stay sold");
    assert_eq!(
        count(&app, "select count(*) from audit_log where entity = 'order' and action in ('order.status', 'order.paid')").await,
        4
    );

    // A buyer cancels a pending order (with its token, as a guest would): the stock comes back.
    let guest = TestApp::new_client();
    let second = app.place(&guest, order_body).await.remove(0);
    assert_eq!(app.stock(&che.id).await, "32");
    let token = second.access_token.unwrap();
    let (status, body) = app
        .send_json(
            &anonymous,
            Method::POST,
            &format!("/api/v1/orders/{}/status?token={token}", second.code),
            change("cancelled"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], json!("cancelled"));
    assert_eq!(app.stock(&che.id).await, "36");
}

#[tokio::test]
async fn sales_settings_are_the_owners_and_checked() {
    let app = TestApp::spawn().await;
    let tea = app.seller("che@example.vn", "HTX Chè Hảo Đạt").await;
    let (buyer, _) = app.signed_in_client("lan@example.vn").await;
    let che = app
        .product(&tea, "Chè tôm nõn", "250000", "hop", "40")
        .await;
    let path = format!("/api/v1/producers/{}/sales", tea.slug);

    // No settings yet: nothing can be ordered.
    let (_, body) = app.send_json(&buyer, Method::GET, &path, None).await;
    assert_eq!(body["configured"], json!(false));
    let (status, body) = app.put_cart(&buyer, &che.id, "1").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], json!("not_selling"));
    let (status, body) = app
        .checkout(&buyer, json!({ "items": [{ "product_id": che.id, "quantity": "1" }], "delivery": ship_to(), "payment": "cod" }), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["fields"]["items"]
            .as_str()
            .unwrap()
            .contains("chưa nhận đặt hàng")
    );

    let (status, _) = app
        .send_json(&buyer, Method::PUT, &path, Some(full_sales()))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .send_json(
            &tea.client,
            Method::PUT,
            &path,
            Some(json!({
                "delivery": { "pickup": true, "ship": true },
                "payments": { "cod": false, "bank_transfer": true },
                "bank_account": { "bank_bin": "123", "account_no": "", "account_name": "" }
            })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = body["error"]["fields"].as_object().unwrap();
    for field in [
        "pickup_address",
        "ship_fee_vnd",
        "bank_bin",
        "account_no",
        "account_name",
    ] {
        assert!(fields.contains_key(field), "{field} in {body}");
    }
    let (status, body) = app
        .send_json(
            &tea.client,
            Method::PUT,
            &path,
            Some(json!({
                "delivery": { "pickup": false, "ship": true, "ship_fee_vnd": "30.000" },
                "payments": { "cod": true, "bank_transfer": false },
                "min_order_vnd": "300000"
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["delivery"]["ship_fee_vnd"], json!("30000"));

    // The minimum order and the offered choices are enforced.
    let one = json!({ "items": [{ "product_id": che.id, "quantity": "1" }], "delivery": ship_to(), "payment": "cod" });
    let (status, body) = app.checkout(&buyer, one, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["fields"]["items"]
            .as_str()
            .unwrap()
            .contains("300.000")
    );
    let two = json!({ "items": [{ "product_id": che.id, "quantity": "2" }], "delivery": ship_to(), "payment": "bank_transfer" });
    let (status, body) = app.checkout(&buyer, two, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["payment"].is_string(), "{body}");
    let mut no_commune = ship_to();
    no_commune["commune_code"] = Value::Null;
    no_commune["phone"] = json!("0212 345 678");
    let (status, body) = app
        .checkout(&buyer, json!({ "items": [{ "product_id": che.id, "quantity": "2" }], "delivery": no_commune, "payment": "cod" }), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["phone"].is_string(), "{body}");
    assert_eq!(count(&app, "select count(*) from orders").await, 0);
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_log where action = 'producer.sales_settings'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_cart_follows_the_buyer_at_sign_in_and_respects_units() {
    let app = TestApp::spawn().await;
    let tea = app
        .selling_seller("che@example.vn", "HTX Chè Hảo Đạt")
        .await;
    let che = app
        .product(&tea, "Chè tôm nõn", "250000", "hop", "40")
        .await;
    let rice = app
        .product(&tea, "Gạo nếp cái hoa vàng", "45000", "kg", "100")
        .await;

    let (buyer, _) = app.signed_in_client("lan@example.vn").await;
    let (status, _) = app.put_cart(&buyer, &che.id, "1").await;
    assert_eq!(status, StatusCode::OK);
    app.send_json(&buyer, Method::POST, "/api/v1/auth/logout", None)
        .await;

    // Signed out: a fresh anonymous cart.
    let (status, body) = app.put_cart(&buyer, &che.id, "0.5").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "boxes are whole: {body}"
    );
    let (status, _) = app.put_cart(&buyer, &rice.id, "2.5").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.put_cart(&buyer, &che.id, "3").await;
    assert_eq!(status, StatusCode::OK);

    let (status, _) = app
        .send_json(
            &buyer,
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({ "email": "lan@example.vn", "password": "mat-khau-du-dai" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = app
        .send_json(&buyer, Method::GET, "/api/v1/cart", None)
        .await;
    let cart: Cart = serde_json::from_value(body).unwrap();
    let mut lines: Vec<(String, String)> = cart.groups[0]
        .items
        .iter()
        .map(|i| (i.product.name.clone(), i.quantity.clone()))
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            ("Chè tôm nõn".to_owned(), "3".to_owned()),
            ("Gạo nếp cái hoa vàng".to_owned(), "2.5".to_owned())
        ],
        "merged, the larger quantity kept"
    );
    assert_eq!(cart.total_vnd, "862500");

    let (status, body) = app.put_cart(&buyer, &che.id, "0").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["groups"][0]["items"].as_array().unwrap().len(), 1);
    let (status, _) = app
        .send_json(&buyer, Method::DELETE, "/api/v1/cart", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, body) = app
        .send_json(&buyer, Method::GET, "/api/v1/cart", None)
        .await;
    assert_eq!(body["count"], json!(0));
    let (status, body) = app
        .checkout(
            &buyer,
            json!({ "delivery": ship_to(), "payment": "cod" }),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["fields"]["items"],
        json!("giỏ hàng đang trống")
    );
}

#[tokio::test]
async fn orders_touch_search_only_when_a_product_sells_out() {
    let app = TestApp::spawn().await;
    let tea = app
        .selling_seller("che@example.vn", "HTX Chè Hảo Đạt")
        .await;
    let che = app.product(&tea, "Chè tôm nõn", "250000", "hop", "3").await;
    // Every document change bumps the version in its transaction (the outbox itself is drained
    // by the sync worker, so its count would race).
    let version = "select version from search_state";
    let before = count(&app, version).await;
    let buy = |n: &str| {
        json!({
            "items": [{ "product_id": che.id, "quantity": n }],
            "delivery": { "method": "pickup", "name": "Lan", "phone": "0912345678" },
            "payment": "cod"
        })
    };
    let buyer = TestApp::new_client();
    app.place(&buyer, buy("2")).await;
    assert_eq!(
        count(&app, version).await,
        before,
        "3 → 1 in stock: the document shows the same, nothing to rebuild or send"
    );
    let (_, listed) = app
        .get_json("/api/v1/products?in_stock=true&q=tom+non")
        .await;
    assert_eq!(listed["total"], json!(1));

    app.place(&buyer, buy("1")).await;
    assert!(
        count(&app, version).await > before,
        "sold out: the document changes"
    );
    let (_, listed) = app
        .get_json("/api/v1/products?in_stock=true&q=tom+non")
        .await;
    assert_eq!(listed["total"], json!(0), "{listed}");
}

#[tokio::test]
async fn a_retried_checkout_of_the_whole_cart_returns_the_first_orders() {
    let app = TestApp::spawn().await;
    let tea = app
        .selling_seller("che@example.vn", "HTX Chè Hảo Đạt")
        .await;
    let che = app
        .product(&tea, "Chè tôm nõn", "250000", "hop", "40")
        .await;
    let buyer = TestApp::new_client();
    let (status, _) = app.put_cart(&buyer, &che.id, "2").await;
    assert_eq!(status, StatusCode::OK);
    // No `items`: the whole cart, which the first answer empties.
    let body = json!({ "delivery": ship_to(), "payment": "cod" });
    let (status, first) = app.checkout(&buyer, body.clone(), Some("cart-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, again) = app.checkout(&buyer, body, Some("cart-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["orders"][0]["code"], first["orders"][0]["code"]);
    assert_eq!(app.stock(&che.id).await, "38");
}
