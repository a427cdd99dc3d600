//! The sales report: its totals are the orders placed (by Vietnam-time month, product, payment
//! method and payment state; cancelled orders left out), over a range of months when asked;
//! the CSV opens in Excel (BOM, `;`, Vietnamese headers) with typed names formula-safe; and only
//! the producer's members read it, in the API and on its page.

use chrono::{DateTime, Utc};
use frontend::api::{ReportRow, SalesReport};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use server::clock::ManualClock;
use tests::TestApp;
use tests::shop::{Seller, ship_to};

fn at(when: &str) -> DateTime<Utc> {
    when.parse().unwrap()
}

/// One line shipped to Tân Cương, paid as `payment`: the order's code.
async fn order(
    app: &TestApp,
    buyer: &Client,
    product_id: &str,
    quantity: &str,
    payment: &str,
) -> String {
    let body = json!({
        "items": [{ "product_id": product_id, "quantity": quantity }],
        "delivery": ship_to(), "payment": payment
    });
    app.place(buyer, body).await.remove(0).code
}

async fn post(app: &TestApp, seller: &Seller, path: String, body: Value) {
    let (status, answer) = app
        .send_json(&seller.client, Method::POST, &path, Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "POST {path}: {answer}");
}

async fn report(app: &TestApp, client: &Client, slug: &str, query: &str) -> (StatusCode, Value) {
    app.send_json(
        client,
        Method::GET,
        &format!("/api/v1/producers/{slug}/report{query}"),
        None,
    )
    .await
}

fn row<'a>(rows: &'a [ReportRow], key: &str) -> &'a ReportRow {
    rows.iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no row {key} in {rows:?}"))
}

/// (orders, units, revenue) of a row, to compare in one line.
fn figures(row: &ReportRow) -> (i64, &str, &str) {
    (row.orders, row.units.as_str(), row.revenue_vnd.as_str())
}

#[tokio::test]
async fn the_report_adds_up_the_orders_placed_by_month_product_and_payment() {
    // 15 October 2026, 10:00 in Vietnam.
    let clock = ManualClock::new(at("2026-10-15T03:00:00Z"));
    let app = TestApp::spawn_with_clock(clock.clone(), |_| {}).await;
    let seller = app
        .selling_seller("htx@example.vn", "HTX Chè Tân Cương")
        .await;
    let tea = app
        .product(&seller, "Chè búp Tân Cương", "250000", "hop", "100")
        .await;
    let honey = app
        .product(&seller, "Mật ong rừng", "300000", "chai", "100")
        .await;
    let special = app
        .product(&seller, "=Chè đặc biệt", "100000", "hop", "100")
        .await;
    let other = app.selling_seller("khac@example.vn", "HTX Khác").await;
    let others = app
        .product(&other, "Miến dong", "50000", "goi", "100")
        .await;
    let (buyer, _) = app.signed_in_client("lan@example.vn").await;
    let guest = TestApp::new_client();

    // October: 2 hộp of tea (500.000 ₫: shipping is free from 500.000 ₫), cash on delivery…
    order(&app, &buyer, &tea.id, "2", "cod").await;
    // …and a bottle of honey by transfer (300.000 + 30.000 shipping), paid.
    let honey_order = order(&app, &guest, &honey.id, "1", "bank_transfer").await;
    post(
        &app,
        &seller,
        format!("/api/v1/orders/{honey_order}/payment"),
        json!({ "status": "paid" }),
    )
    .await;
    // Another producer's order is never in this report.
    order(&app, &buyer, &others.id, "3", "cod").await;
    // 31 October 18:00 UTC is 1 November 01:00 in Vietnam: a November order, paid in cash.
    clock.set(at("2026-10-31T18:00:00Z"));
    let late = order(&app, &buyer, &tea.id, "1", "cod").await;
    post(
        &app,
        &seller,
        format!("/api/v1/orders/{late}/payment"),
        json!({ "status": "paid" }),
    )
    .await;
    // A cancelled November order counts nowhere but in `cancelled_orders`.
    let cancelled = order(&app, &buyer, &honey.id, "2", "cod").await;
    post(
        &app,
        &seller,
        format!("/api/v1/orders/{cancelled}/status"),
        json!({ "status": "cancelled", "reason": "hết hàng" }),
    )
    .await;
    // December: 3 hộp of the product whose name starts a formula, by transfer, unpaid.
    clock.set(at("2026-12-05T02:00:00Z"));
    let december = order(&app, &guest, &special.id, "3", "bank_transfer").await;

    let (status, body) = report(&app, &seller.client, &seller.slug, "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sales: SalesReport = serde_json::from_value(body.clone()).expect("a SalesReport");
    assert_eq!(sales.producer.slug, seller.slug);
    assert_eq!((sales.from.clone(), sales.to.clone()), (None, None));
    assert_eq!(
        (
            sales.orders,
            sales.units.as_str(),
            sales.revenue_vnd.as_str()
        ),
        (4, "7", "1440000")
    );
    assert_eq!(
        (sales.goods_vnd.as_str(), sales.delivery_fee_vnd.as_str()),
        ("1350000", "90000")
    );
    assert_eq!(sales.cancelled_orders, 1);

    let months: Vec<&str> = sales.by_month.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(months, ["2026-10", "2026-11", "2026-12"]);
    assert_eq!(figures(row(&sales.by_month, "2026-10")), (2, "3", "830000"));
    assert_eq!(figures(row(&sales.by_month, "2026-11")), (1, "1", "280000"));
    assert_eq!(figures(row(&sales.by_month, "2026-12")), (1, "3", "330000"));
    assert_eq!(row(&sales.by_month, "2026-11").label, "11/2026");

    // By product: goods only, best-selling first.
    assert_eq!(sales.by_product.len(), 3, "{:?}", sales.by_product);
    assert_eq!(sales.by_product[0].key, tea.id);
    assert_eq!(figures(row(&sales.by_product, &tea.id)), (2, "3", "750000"));
    assert_eq!(
        figures(row(&sales.by_product, &honey.id)),
        (1, "1", "300000")
    );
    assert_eq!(
        figures(row(&sales.by_product, &special.id)),
        (1, "3", "300000")
    );
    assert_eq!(
        row(&sales.by_product, &tea.id).label,
        "Chè búp Tân Cương (hộp)"
    );

    // COD vs transfer, paid vs unpaid: each pair adds up to the total.
    let keys = |rows: &[ReportRow]| rows.iter().map(|r| r.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&sales.by_payment_method), ["cod", "bank_transfer"]);
    assert_eq!(
        figures(row(&sales.by_payment_method, "cod")),
        (2, "3", "780000")
    );
    assert_eq!(
        figures(row(&sales.by_payment_method, "bank_transfer")),
        (2, "4", "660000")
    );
    assert_eq!(keys(&sales.by_payment_status), ["paid", "unpaid"]);
    assert_eq!(
        figures(row(&sales.by_payment_status, "paid")),
        (2, "2", "610000")
    );
    assert_eq!(
        figures(row(&sales.by_payment_status, "unpaid")),
        (2, "5", "830000")
    );

    // A range of months (inclusive, Vietnam time): the late-October-UTC order is November's.
    let (status, body) = report(
        &app,
        &seller.client,
        &seller.slug,
        "?from=2026-11&to=2026-12",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let range: SalesReport = serde_json::from_value(body).unwrap();
    assert_eq!(
        (range.from.as_deref(), range.to.as_deref()),
        (Some("2026-11"), Some("2026-12"))
    );
    assert_eq!((range.orders, range.revenue_vnd.as_str()), (2, "610000"));
    assert_eq!(range.cancelled_orders, 1);
    assert_eq!(range.by_month.len(), 2);
    assert_eq!(
        figures(row(&range.by_payment_method, "cod")),
        (1, "1", "280000")
    );
    let (_, body) = report(&app, &seller.client, &seller.slug, "?to=2026-10").await;
    assert_eq!(body["orders"], 2, "{body}");
    assert_eq!(body["cancelled_orders"], 0, "{body}");
    // A month with no order in the range: zero everywhere, both payment rows still there.
    let (_, body) = report(&app, &seller.client, &seller.slug, "?from=2027-01").await;
    let empty: SalesReport = serde_json::from_value(body).unwrap();
    assert_eq!((empty.orders, empty.revenue_vnd.as_str()), (0, "0"));
    assert!(empty.by_month.is_empty() && empty.by_product.is_empty());
    assert_eq!(
        figures(row(&empty.by_payment_status, "paid")),
        (0, "0", "0")
    );
    for (query, field) in [
        ("?from=2026-13", "from"),
        ("?from=10/2026", "from"),
        ("?from=2026-12&to=2026-11", "to"),
    ] {
        let (status, body) = report(&app, &seller.client, &seller.slug, query).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["error"]["code"], "validation_failed", "{body}");
        assert!(
            body["error"]["fields"][field].is_string(),
            "{query}: {body}"
        );
    }

    // The CSV: one counted order per row, for Excel.
    let response = seller
        .client
        .get(app.url(&format!("/api/v1/producers/{}/report.csv", seller.slug)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = response.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with(&format!(
            "attachment; filename=\"bao-cao-ban-hang-{}-",
            seller.slug
        )),
        "{disposition}"
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "Mã đơn",
            "Ngày đặt",
            "Tháng",
            "Trạng thái",
            "Hình thức thanh toán",
            "Thanh toán",
            "Người mua",
            "Sản phẩm",
            "Số lượng",
            "Tiền hàng (đồng)",
            "Phí giao (đồng)",
            "Tổng cộng (đồng)",
        ]
    );
    assert_eq!(
        text.lines().next().unwrap().matches(';').count(),
        11,
        "`;` between the 12 columns"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        4,
        "cancelled and other producers' orders left out"
    );
    let total: i64 = rows.iter().map(|r| r[11].parse::<i64>().unwrap()).sum();
    assert_eq!(total, 1_440_000, "the file adds up to the report's revenue");
    let last = rows.last().unwrap();
    assert_eq!(&last[0], december);
    assert_eq!(&last[1], "05/12/2026 09:00", "Vietnam time");
    assert_eq!(&last[2], "12/2026");
    assert_eq!(&last[5], "Chưa thanh toán");
    assert_eq!(
        &last[7], "'=Chè đặc biệt × 3 hộp",
        "a typed name never starts a formula"
    );
    assert!(
        rows.iter().all(|r| !r[7].starts_with(['=', '+', '-', '@'])),
        "{rows:?}"
    );
    let late_row = rows.iter().find(|r| r[0] == *late).unwrap();
    assert_eq!(&late_row[2], "11/2026");
    assert_eq!(&late_row[5], "Đã thanh toán");
    // The same range as the report.
    let response = seller
        .client
        .get(app.url(&format!(
            "/api/v1/producers/{}/report.csv?from=2026-12",
            seller.slug
        )))
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    assert_eq!(
        text.lines().count(),
        2,
        "the header and December's order: {text}"
    );
}

#[tokio::test]
async fn only_the_producers_members_read_its_report() {
    let app = TestApp::spawn().await;
    let seller = app
        .selling_seller("htx@example.vn", "HTX Chè Tân Cương")
        .await;
    let tea = app
        .product(&seller, "Chè búp Tân Cương", "250000", "hop", "100")
        .await;
    let (buyer, _) = app.signed_in_client("lan@example.vn").await;
    order(&app, &buyer, &tea.id, "1", "cod").await;
    let (member, _) = app.signed_in_client("thanh.vien@example.vn").await;
    app.add_member(
        &seller.client,
        &seller.slug,
        &member,
        "thanh.vien@example.vn",
        "member",
    )
    .await;
    let other = app.seller("khac@example.vn", "HTX Khác").await;
    let (curator, curator_id) = app.signed_in_client("canbo@example.vn").await;
    app.grant(&curator_id, "curator").await;

    for suffix in ["report", "report.csv"] {
        let path = format!("/api/v1/producers/{}/{suffix}", seller.slug);
        for (who, client, expected) in [
            (
                "anonymous",
                &TestApp::new_client(),
                StatusCode::UNAUTHORIZED,
            ),
            ("a buyer", &buyer, StatusCode::FORBIDDEN),
            ("another producer", &other.client, StatusCode::FORBIDDEN),
            ("a curator", &curator, StatusCode::FORBIDDEN),
            ("the owner", &seller.client, StatusCode::OK),
            ("a member", &member, StatusCode::OK),
        ] {
            let response = client.get(app.url(&path)).send().await.unwrap();
            assert_eq!(response.status(), expected, "{who}: {path}");
            if expected != StatusCode::OK {
                let body: Value = response.json().await.unwrap();
                assert!(body["error"]["code"].is_string(), "{who}: {body}");
            }
        }
        // Who may not read it learns nothing from a mistyped month either.
        let response = buyer
            .get(app.url(&format!("{path}?from=nonsense")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    let (status, _) = report(&app, &seller.client, "khong-co-co-so-nay", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, body) = report(&app, &member, &seller.slug, "").await;
    assert_eq!(body["orders"], 1, "{body}");

    // The page: members read it; nobody is sent to sign in; others are refused.
    let page = format!("/quan-ly/{}/bao-cao", seller.slug);
    let response = TestApp::new_client()
        .get(app.url(&page))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(
        response.headers()[LOCATION].to_str().unwrap(),
        format!("/dang-nhap?next=%2Fquan-ly%2F{}%2Fbao-cao", seller.slug)
    );
    let html = buyer
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Không có quyền"), "{html}");
    assert!(!html.contains("250.000"), "{html}");
    let html = member
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Báo cáo bán hàng — HTX Chè Tân Cương"),
        "{html}"
    );
    assert!(html.contains(r#"data-orders="1""#), "{html}");
}

#[tokio::test]
async fn the_report_page_shows_totals_a_chart_and_a_month_range_without_javascript() {
    let clock = ManualClock::new(at("2026-11-20T03:00:00Z"));
    let app = TestApp::spawn_with_clock(clock.clone(), |_| {}).await;
    let seller = app
        .selling_seller("htx@example.vn", "HTX Chè Tân Cương")
        .await;
    let tea = app
        .product(&seller, "Chè búp <Tân Cương>", "250000", "hop", "100")
        .await;
    let (buyer, _) = app.signed_in_client("lan@example.vn").await;
    order(&app, &buyer, &tea.id, "1", "cod").await;
    clock.set(at("2026-12-02T03:00:00Z"));
    order(&app, &buyer, &tea.id, "2", "bank_transfer").await;

    let get = |path: String| {
        let client = seller.client.clone();
        let url = app.url(&path);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let page = format!("/quan-ly/{}/bao-cao", seller.slug);
    let html = get(page.clone()).await;
    assert!(html.contains(r#"data-orders="2""#), "{html}");
    // November: 250.000 + 30.000 shipping; December: 500.000, shipped free.
    assert!(html.contains(r#"data-revenue="780000""#), "{html}");
    // The chart is drawn on the server: an SVG with a bar per month, the amounts in đồng.
    assert!(html.contains(r#"class="bar-chart""#), "{html}");
    assert!(
        html.contains(r#"data-key="2026-11" data-count="280000""#),
        "{html}"
    );
    assert!(
        html.contains(r#"data-key="2026-12" data-count="500000""#),
        "{html}"
    );
    assert!(html.contains("280.000 ₫"), "{html}");
    // Product names are escaped in the chart.
    assert!(html.contains("Chè búp &lt;Tân Cương&gt; (hộp)"), "{html}");
    // The month range is a plain GET form; the CSV link follows it.
    assert!(html.contains(&format!(r#"action="{page}""#)), "{html}");
    assert!(html.contains(r#"name="from""#) && html.contains(r#"name="to""#));
    assert!(html.contains(&format!(
        r#"href="/api/v1/producers/{}/report.csv""#,
        seller.slug
    )));
    let html = get(format!("{page}?from=2026-12&to=")).await;
    assert!(html.contains(r#"data-orders="1""#), "{html}");
    assert!(html.contains(r#"value="2026-12""#), "{html}");
    assert!(html.contains(&format!(
        r#"href="/api/v1/producers/{}/report.csv?from=2026-12""#,
        seller.slug
    )));
    // A mistyped month: its reason beside the box, and every month meanwhile.
    let html = get(format!("{page}?from=12-2026")).await;
    assert!(html.contains("tháng phải có dạng năm-tháng"), "{html}");
    assert!(html.contains(r#"data-orders="2""#), "{html}");
    // The desk links to it.
    let html = get(format!("/quan-ly/{}", seller.slug)).await;
    assert!(html.contains(&format!(r#"href="{page}""#)), "{html}");
}
