//! OCOP decisions from their annex (curators): rows matched to the catalog by folded names and
//! commune — matched, ambiguous (the curator chooses), new (drafts created), in error — applied
//! in one transaction through the single decision's rules (levels, 36 months, supersession);
//! re-importing changes nothing; the command line does the same.

use std::process::ExitCode;

use reqwest::multipart::{Form, Part};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use tests::TestApp;
use tests::sheets::{csv_utf8_bom, xlsx_text};

pub const ANNEX_HEADER: [&str; 6] = [
    "STT",
    "Tên sản phẩm",
    "Chủ thể",
    "Xã/phường",
    "Nhóm",
    "Số sao",
];

/// Registers `email` as owner of a producer in `commune_code` with one product; returns the
/// product's id.
pub async fn producer_with_product(
    app: &TestApp,
    email: &str,
    name: &str,
    commune: &str,
    product: &str,
) -> String {
    let (client, _) = app.signed_in_client(email).await;
    let (status, body) = app
        .send_json(
            &client,
            Method::POST,
            "/api/v1/producers",
            Some(json!({ "name": name, "kind": "htx", "commune_code": commune })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let slug = body["producer"]["slug"].as_str().unwrap().to_owned();
    let (status, body) = app
        .send_json(
            &client,
            Method::POST,
            &format!("/api/v1/producers/{slug}/products"),
            Some(json!({ "name": product, "category_code": "che", "price_vnd": "250000", "unit": "hop", "stock": "5" })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn post_annex(
    app: &TestApp,
    client: &Client,
    query: &str,
    file: Vec<u8>,
    decision: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut form = Form::new().part("file", Part::bytes(file).file_name("phu-luc.xlsx"));
    for (name, value) in decision {
        form = form.text(name.to_string(), value.to_string());
    }
    let response = client
        .post(app.url(&format!("/api/v1/ocop-decisions/imports?{query}")))
        .multipart(form)
        .send()
        .await
        .expect("annex posted");
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

const DECISION: [(&str, &str); 4] = [
    ("decision_no", "1234/QĐ-UBND"),
    ("decided_on", "2025-12-15"),
    ("issuer_level", "province"),
    ("rule_set", "148/2023"),
];

async fn curator(app: &TestApp) -> Client {
    let (client, id) = app.signed_in_client("canbo@example.vn").await;
    app.grant(&id, "curator").await;
    client
}

fn statuses(review: &Value) -> Vec<(u64, String)> {
    review["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_curator_imports_an_annex_with_matched_ambiguous_and_new_rows() {
    let app = TestApp::spawn().await;
    let tea = producer_with_product(
        &app,
        "tra@example.vn",
        "HTX Chè Tân Cương",
        "05503",
        "Chè búp Tân Cương",
    )
    .await;
    let honey_a = producer_with_product(
        &app,
        "a@example.vn",
        "HTX Mật ong Na Rì",
        "02155",
        "Mật ong bạc hà",
    )
    .await;
    let _honey_b = producer_with_product(
        &app,
        "b@example.vn",
        "Hợp tác xã mật ong Na Rì",
        "02155",
        "Mật ong bạc hà",
    )
    .await;
    // Same name elsewhere: not a candidate for a row in Na Rì.
    producer_with_product(
        &app,
        "c@example.vn",
        "HTX Mật ong Na Rì",
        "05503",
        "Mật ong bạc hà",
    )
    .await;
    let curator = curator(&app).await;

    let rows = vec![
        ANNEX_HEADER.to_vec(),
        vec![
            "1",
            "Chè búp Tân Cương",
            "Hợp tác xã chè Tân Cương",
            "xã Tân Cương",
            "Chè tươi, chè chế biến",
            "4",
        ],
        vec![
            "2",
            "Mật ong bạc hà",
            "HTX MẬT ONG NA RÌ",
            "Na Rì",
            "mat-ong-nong-san",
            "3",
        ],
        vec![
            "3",
            "Miến dong Côn Minh",
            "Hộ kinh doanh Hoàng Văn Sơn",
            "xã Côn Minh",
            "che-bien-ngu-coc",
            "3 sao",
        ],
        vec![
            "4",
            "Rượu men lá",
            "Công ty TNHH Rượu Bản Pác",
            "",
            "ruou-trang",
            "5",
        ],
    ];
    let (status, review) =
        post_annex(&app, &curator, "dry_run=true", xlsx_text(&rows), &DECISION).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert_eq!(
        statuses(&review),
        [
            (2, "matched".into()),
            (3, "ambiguous".into()),
            (4, "new".into()),
            (5, "error".into())
        ]
    );
    let ambiguous = &review["rows"][1];
    let products: Vec<&str> = ambiguous["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .filter(|v| v.starts_with("product:"))
        .collect();
    assert_eq!(
        products.len(),
        2,
        "the two Na Rì cooperatives, not the one in Tân Cương: {ambiguous}"
    );
    assert!(
        review["rows"][3]["messages"][0]
            .as_str()
            .unwrap()
            .contains("Hội đồng cấp Trung ương"),
        "5★ is the central council's: {review}"
    );
    assert_eq!(
        review["rows"][0]["target"],
        "Chè búp Tân Cương — HTX Chè Tân Cương"
    );

    // Applying while a row is ambiguous or wrong writes nothing.
    let (status, body) = post_annex(&app, &curator, "", xlsx_text(&rows), &DECISION).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "annex_needs_review");
    let certificates = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from ocop_certificates")
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    assert_eq!(certificates().await, 0);

    // An earlier rating of the tea, which the decision will supersede.
    let earlier = [
        ("decision_no", "100/QĐ-UBND"),
        ("decided_on", "2025-08-01"),
        ("issuer_level", "province"),
    ];
    let (status, body) = post_annex(
        &app,
        &curator,
        "",
        csv_utf8_bom(&[rows[0].clone(), rows[1].clone()], ';'),
        &earlier,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["certificates"], 1);

    let fixed: Vec<Vec<&str>> = rows[..4].to_vec();
    let choice = json!({ "3": format!("product:{honey_a}") }).to_string();
    let mut with_choice = DECISION.to_vec();
    with_choice.push(("choices", &choice));
    let (status, applied) = post_annex(&app, &curator, "", xlsx_text(&fixed), &with_choice).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(
        (
            applied["applied"].as_bool(),
            applied["certificates"].as_u64()
        ),
        (Some(true), Some(3))
    );

    let stars = |product: String| {
        let db = app.db.clone();
        async move {
            sqlx::query_as::<_, (i16, String, bool)>(
                "select stars, decision_no, superseded_by is not null from ocop_certificates where product_id = $1::uuid order by issued_on",
            )
            .bind(product)
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    assert_eq!(
        stars(tea.clone()).await,
        [
            (4, "100/QĐ-UBND".into(), true),
            (4, "1234/QĐ-UBND".into(), false)
        ],
        "the new rating supersedes the earlier one"
    );
    assert_eq!(
        stars(honey_a.clone()).await,
        [(3, "1234/QĐ-UBND".into(), false)]
    );
    let (_, tea_page) = app.get_json("/api/v1/products/che-bup-tan-cuong").await;
    assert_eq!(tea_page["ocop"]["stars"], 4, "{tea_page}");
    assert_eq!(
        tea_page["ocop"]["expires_on"], "2028-12-15",
        "36 months from the decision"
    );
    let (_, found) = app.get_json("/api/v1/products?min_stars=4").await;
    assert_eq!(
        found["items"][0]["name"], "Chè búp Tân Cương",
        "search knows the stars: {found}"
    );

    let created: (String, String, Option<String>, String, String) = sqlx::query_as(
        "select pr.name, pr.kind, pr.commune_code, p.name, p.status
           from products p join producers pr on pr.id = p.producer_id where p.name = 'Miến dong Côn Minh'",
    )
    .fetch_one(&app.db)
    .await
    .expect("the new row's drafts");
    assert_eq!(
        created,
        (
            "Hộ kinh doanh Hoàng Văn Sơn".into(),
            "household".into(),
            Some("02185".into()),
            "Miến dong Côn Minh".into(),
            "draft".into()
        )
    );
    let audit: Value = sqlx::query_scalar("select after from audit_log where action = 'ocop_decision.import' and entity_id = '1234/QĐ-UBND'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        (audit["certificates"].as_u64(), audit["new"].as_u64()),
        (Some(3), Some(1))
    );

    // The same annex again: every row is already rated by this decision.
    let (status, again) = post_annex(&app, &curator, "", xlsx_text(&fixed), &with_choice).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        (again["already"].as_u64(), again["certificates"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(certificates().await, 4);
}

#[tokio::test]
async fn only_curators_import_decisions_and_the_decision_fields_are_checked() {
    let app = TestApp::spawn().await;
    producer_with_product(
        &app,
        "tra@example.vn",
        "HTX Chè Tân Cương",
        "05503",
        "Chè búp",
    )
    .await;
    let file = || {
        csv_utf8_bom(
            &[
                ANNEX_HEADER.to_vec(),
                vec!["1", "Chè búp", "HTX Chè Tân Cương", "Tân Cương", "che", "4"],
            ],
            ';',
        )
    };
    let (member, _) = app.signed_in_client("member@example.vn").await;
    for (who, client, status) in [
        ("anonymous", TestApp::new_client(), StatusCode::UNAUTHORIZED),
        ("a signed-in seller", member, StatusCode::FORBIDDEN),
    ] {
        let (got, body) = post_annex(&app, &client, "", file(), &DECISION).await;
        assert_eq!(got, status, "{who}: {body}");
    }
    let curator = curator(&app).await;
    for (field, value, says) in [
        ("decided_on", "2099-01-01", "không được ở tương lai"),
        ("decision_no", "", "hãy nhập số quyết định"),
        ("rule_set", "1/1999", "bộ tiêu chí phải là"),
    ] {
        let decision: Vec<(&str, &str)> = DECISION
            .iter()
            .map(|(k, v)| if *k == field { (*k, value) } else { (*k, *v) })
            .collect();
        let (status, body) = post_annex(&app, &curator, "dry_run=true", file(), &decision).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {body}");
        assert!(
            body["error"]["fields"][field]
                .as_str()
                .unwrap()
                .contains(says),
            "{field}: {body}"
        );
    }
    let (status, body) = post_annex(
        &app,
        &curator,
        "dry_run=true",
        csv_utf8_bom(&[vec!["Tên sản phẩm", "Số sao"], vec!["Chè", "4"]], ';'),
        &DECISION,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["fields"]["file"]
            .as_str()
            .unwrap()
            .contains("thiếu cột \"Chủ thể\""),
        "{body}"
    );
    let count: i64 = sqlx::query_scalar("select count(*) from ocop_certificates")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_command_line_imports_a_product_list_and_a_decision_annex() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;
    let dir = std::env::temp_dir().join(format!("cho-ocop-cli-{}", app.db_name));
    std::fs::create_dir_all(&dir).unwrap();
    let products = dir.join("san-pham.csv");
    std::fs::write(
        &products,
        csv_utf8_bom(
            &[
                vec!["Mã sản phẩm", "Tên", "Nhóm", "Đơn vị", "Giá"],
                vec!["TC-1", "Chè búp", "che", "kg", "300.000"],
            ],
            ';',
        ),
    )
    .unwrap();
    let code = server::cli::import_products(
        app.settings.clone(),
        server::cli::ProductsArgs {
            producer: seller.slug.clone(),
            file: products,
            photos: None,
            dry_run: false,
            skip_invalid: false,
        },
    )
    .await
    .expect("imported");
    assert_eq!(code, ExitCode::SUCCESS);
    let (_, product) = app.get_json("/api/v1/products/che-bup").await;
    assert_eq!(product["price_vnd"], "300000", "{product}");

    let annex = dir.join("phu-luc.csv");
    std::fs::write(
        &annex,
        csv_utf8_bom(
            &[
                ANNEX_HEADER.to_vec(),
                vec!["1", "Chè búp", "Hợp tác xã chè Tân Cương", "", "che", "4"],
            ],
            ';',
        ),
    )
    .unwrap();
    let args = |dry_run| server::cli::AnnexArgs {
        file: annex.clone(),
        decision_no: "77/QĐ-UBND".into(),
        decided_on: "2026-01-10".into(),
        level: "province".into(),
        issuer: None,
        rule_set: None,
        choose: vec![],
        dry_run,
    };
    assert_eq!(
        server::cli::import_annex(app.settings.clone(), args(false))
            .await
            .unwrap(),
        ExitCode::SUCCESS
    );
    let (_, product) = app.get_json("/api/v1/products/che-bup").await;
    assert_eq!(product["ocop"]["stars"], 4, "{product}");
    assert_eq!(product["ocop"]["decision_no"], "77/QĐ-UBND");
    let actor: Option<uuid::Uuid> =
        sqlx::query_scalar("select actor_id from audit_log where action = 'ocop_decision.import'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(actor, None, "the operator has no account");
    std::fs::remove_dir_all(&dir).ok();
}
