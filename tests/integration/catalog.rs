//! The catalog's read API on the real seed data: lists, filters, facets, paging, detail pages' JSON,
//! and the seed's idempotency.

use reqwest::StatusCode;
use serde_json::Value;
use tests::TestApp;

async fn seeded_app() -> TestApp {
    let app = TestApp::spawn().await;
    seed::real::load(&app.db).await.expect("seed loads");
    app
}

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["name"].as_str().unwrap().to_owned())
        .collect()
}

fn find<'a>(body: &'a Value, name: &str) -> &'a Value {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["name"] == name)
        .unwrap_or_else(|| panic!("{name} not listed"))
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let app = seeded_app().await;
    let snapshot = |db: sqlx::PgPool| async move {
        sqlx::query_as::<_, (i64, i64, i64, i64, Option<String>)>(
            "select (select count(*) from producers), (select count(*) from products),
                    (select count(*) from ocop_certificates), (select count(*) from gi_protected_communes),
                    (select max(updated_at)::text from products)", // text: exact to the microsecond
        )
        .fetch_one(&db)
        .await
        .unwrap()
    };
    let before = snapshot(app.db.clone()).await;
    seed::real::load(&app.db).await.unwrap();
    let after = snapshot(app.db.clone()).await;
    assert_eq!(before, after);
    assert!(before.1 >= 50, "the real products are there: {before:?}");
}

#[tokio::test]
async fn products_list_the_seeded_catalog_with_paging_and_facets() {
    let app = seeded_app().await;
    let (status, body) = app.get_json("/api/v1/products?per_page=100").await;
    assert_eq!(status, StatusCode::OK);
    let total = body["total"].as_i64().unwrap();
    assert_eq!(total, body["items"].as_array().unwrap().len() as i64);
    assert!(total >= 50);
    assert_eq!(body["page"], 1);
    assert_eq!(body["per_page"], 100);

    let dinh = find(&body, "Chè Đinh Tân Cương");
    assert_eq!(dinh["price_vnd"], "250000");
    assert_eq!(dinh["unit"], "hop");
    assert_eq!(dinh["in_stock"], true);
    assert_eq!(dinh["producer"]["name"], "HTX chè Hảo Đạt");
    assert_eq!(dinh["category"]["code"], "che");
    assert_eq!(dinh["ocop"]["stars"], 5);
    assert_eq!(dinh["gi"]["slug"], "tan-cuong-che");
    assert_eq!(dinh["commune"]["code"], "05503");
    assert_eq!(dinh["commune"]["old_commune"], "Tân Cương");
    // Rated 5★ in 2021: 36 months on, that certificate no longer shows stars.
    assert_eq!(find(&body, "Chè tôm nõn")["ocop"], Value::Null);

    let facets = &body["facets"];
    let tea = facets["category"]["che"].as_i64().unwrap();
    assert!(tea >= 20, "{facets}");
    assert!(facets["stars"]["5"].as_i64().unwrap() >= 5);
    assert_eq!(facets["gi"]["tan-cuong-che"], 2);
    assert_eq!(facets["commune"]["05503"], 3);

    let (_, page2) = app
        .get_json("/api/v1/products?per_page=5&page=2&sort=price_asc")
        .await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 5);
    assert_eq!(page2["total"], total);
    let (_, page1) = app
        .get_json("/api/v1/products?per_page=5&page=1&sort=price_asc")
        .await;
    let last_of_first: i64 = page1["items"][4]["price_vnd"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let first_of_second: i64 = page2["items"][0]["price_vnd"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(last_of_first <= first_of_second);
    let (_, beyond) = app.get_json("/api/v1/products?page=99").await;
    assert_eq!(beyond["items"].as_array().unwrap().len(), 0);
    assert_eq!(beyond["total"], total);
}

#[tokio::test]
async fn each_filter_narrows_the_list() {
    let app = seeded_app().await;
    let (_, all) = app.get_json("/api/v1/products?per_page=100").await;
    let total = all["total"].as_i64().unwrap();

    let (_, tea) = app
        .get_json("/api/v1/products?category=che&per_page=100")
        .await;
    assert_eq!(tea["total"], all["facets"]["category"]["che"]);
    assert!(
        tea["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["category"]["code"] == "che")
    );

    // A group includes its sub-groups.
    let (_, food) = app
        .get_json("/api/v1/products?category=thuc-pham&per_page=100")
        .await;
    assert!(food["total"].as_i64().unwrap() > tea["total"].as_i64().unwrap());

    let (_, five) = app
        .get_json("/api/v1/products?min_stars=5&per_page=100")
        .await;
    assert!(
        five["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["ocop"]["stars"] == 5)
    );
    assert_eq!(five["total"], all["facets"]["stars"]["5"]);

    let (_, commune) = app.get_json("/api/v1/products?commune=05503").await;
    assert_eq!(commune["total"], 3);

    let (_, gi) = app.get_json("/api/v1/products?gi=tan-cuong-che").await;
    let mut gi_names = names(&gi);
    gi_names.sort();
    assert_eq!(gi_names, ["Chè tôm nõn", "Chè Đinh Tân Cương"]);

    let (_, cheap) = app
        .get_json("/api/v1/products?max_price=50000&per_page=100")
        .await;
    assert!(
        cheap["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["price_vnd"].as_str().unwrap().parse::<i64>().unwrap() <= 50_000)
    );
    assert!(cheap["total"].as_i64().unwrap() < total);

    let (_, producer) = app
        .get_json("/api/v1/products?producer=htx-che-hao-dat")
        .await;
    assert_eq!(producer["total"], 2);

    sqlx::query("update products set stock = 0 where slug = 'che-tom-non'")
        .execute(&app.db)
        .await
        .unwrap();
    let (_, in_stock) = app
        .get_json("/api/v1/products?in_stock=true&per_page=100")
        .await;
    assert_eq!(in_stock["total"].as_i64().unwrap(), total - 1);
    assert!(!names(&in_stock).contains(&"Chè tôm nõn".to_owned()));

    let (_, by_name) = app
        .get_json("/api/v1/products?q=che%20dinh%20tan%20cuong")
        .await;
    assert_eq!(names(&by_name), ["Chè Đinh Tân Cương"]);
}

#[tokio::test]
async fn archived_and_draft_products_are_never_listed_or_shown() {
    let app = seeded_app().await;
    sqlx::query("update products set status = 'archived' where slug = 'che-tom-non'")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("update products set status = 'draft' where slug = 'che-dinh-tan-cuong'")
        .execute(&app.db)
        .await
        .unwrap();
    let (_, list) = app
        .get_json("/api/v1/products?producer=htx-che-hao-dat")
        .await;
    assert_eq!(list["total"], 0);
    for slug in ["che-tom-non", "che-dinh-tan-cuong"] {
        let (status, body) = app.get_json(&format!("/api/v1/products/{slug}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");
    }
}

#[tokio::test]
async fn bad_filters_get_field_errors_not_a_500() {
    let app = seeded_app().await;
    for (query, field) in [
        ("min_stars=9", "min_stars"),
        ("per_page=500", "per_page"),
        ("page=0", "page"),
        ("sort=cheapest", "sort"),
        ("commune=Tan%20Cuong", "commune"),
        ("min_price=abc", "min_price"),
        ("min_price=500&max_price=100", "max_price"),
        ("in_stock=maybe", "in_stock"),
        ("gi=T%C3%A2n%20C%C6%B0%C6%A1ng", "gi"),
    ] {
        let (status, body) = app.get_json(&format!("/api/v1/products?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(body["error"]["code"], "validation_failed", "{query}");
        assert!(
            body["error"]["fields"][field].is_string(),
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn a_product_shows_its_certificate_producer_and_gi() {
    let app = seeded_app().await;
    let (status, p) = app.get_json("/api/v1/products/che-dinh-tan-cuong").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["name"], "Chè Đinh Tân Cương");
    assert_eq!(p["stock"], "40");
    assert_eq!(p["images"], serde_json::json!([]));
    assert_eq!(p["livestreams"], serde_json::json!([]));
    let ocop = &p["ocop"];
    assert_eq!(ocop["stars"], 5);
    assert_eq!(ocop["issuer_level"], "central");
    assert_eq!(ocop["issued_on"], "2025-12-31");
    assert_eq!(ocop["expires_on"], "2028-12-31");
    assert_eq!(ocop["status"], "valid");
    assert!(ocop["verify_url"].as_str().unwrap().contains("/xac-minh/"));
    assert_eq!(p["gi"]["certificate_no"], "00013");
    assert!(
        p["gi"]["communes"]
            .as_array()
            .unwrap()
            .contains(&Value::from("Phúc Trìu"))
    );
    assert_eq!(p["producer"]["kind"], "htx");
    assert_eq!(p["producer"]["old_commune"], "Tân Cương");

    let (status, body) = app.get_json("/api/v1/products/khong-co").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn producers_and_gis_have_their_own_endpoints() {
    let app = seeded_app().await;
    let (status, body) = app.get_json("/api/v1/producers/htx-che-hao-dat").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["producer"]["name"], "HTX chè Hảo Đạt");
    assert_eq!(body["producer"]["verified"], true);
    assert_eq!(body["products"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get_json("/api/v1/producers/khong-co").await.0,
        StatusCode::NOT_FOUND
    );

    let (status, gis) = app.get_json("/api/v1/gis").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(gis["total"], 4);
    let tan_cuong = gis["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["slug"] == "tan-cuong-che")
        .unwrap();
    assert_eq!(tan_cuong["certificate_no"], "00013");
    assert_eq!(tan_cuong["communes"].as_array().unwrap().len(), 3);

    let (status, gi) = app.get_json("/api/v1/gis/tan-cuong-che").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(gi["products"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get_json("/api/v1/gis/khong-co").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn synthetic_products_spread_over_the_catalog_and_are_added_once() {
    let app = TestApp::spawn().await;
    seed::synthetic::load(&app.db, 300).await.unwrap();
    seed::synthetic::load(&app.db, 300).await.unwrap();
    let (count, categories, communes, producers): (i64, i64, i64, i64) = sqlx::query_as(
        "select count(*), count(distinct p.category_code), count(distinct pr.commune_code), count(distinct p.producer_id)
           from products p join producers pr on pr.id = p.producer_id where p.slug like 'sx-%'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(count, 300);
    assert!(
        categories >= 8 && communes >= 5 && producers >= 10,
        "{categories} {communes} {producers}"
    );
    let (_, body) = app.get_json("/api/v1/products?per_page=1").await;
    assert_eq!(body["total"], 300);
}

#[tokio::test]
async fn curators_record_gis_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    let body = serde_json::json!({
        "name": "Bắc Kạn", "product": "hồng không hạt", "certificate_no": "00045",
        "communes": ["Nam Cường", "Đồng Lạc", " Nam Cường "], "protected_area": "Chợ Đồn, Ba Bể",
    });
    let (buyer, _) = app.signed_in_client("buyer@example.vn").await;
    let (status, _) = app
        .send_json(
            &buyer,
            reqwest::Method::POST,
            "/api/v1/gis",
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .send_json(
            &TestApp::new_client(),
            reqwest::Method::POST,
            "/api/v1/gis",
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (curator, curator_id) = app.signed_in_client("curator@example.vn").await;
    app.grant(&curator_id, "curator").await;
    let (status, invalid) = app
        .send_json(
            &curator,
            reqwest::Method::POST,
            "/api/v1/gis",
            Some(serde_json::json!({ "name": "B", "product": "", "certificate_no": "số 45" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "product", "certificate_no"] {
        assert!(
            invalid["error"]["fields"][field].is_string(),
            "{field}: {invalid}"
        );
    }
    let (status, gi) = app
        .send_json(
            &curator,
            reqwest::Method::POST,
            "/api/v1/gis",
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{gi}");
    assert_eq!(gi["slug"], "bac-kan-hong-khong-hat");
    let mut communes: Vec<&str> = gi["communes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    communes.sort();
    assert_eq!(
        communes,
        ["Nam Cường", "Đồng Lạc"],
        "trimmed and without duplicates"
    );
    let (status, again) = app
        .send_json(&curator, reqwest::Method::POST, "/api/v1/gis", Some(body))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(again["error"]["code"], "gi_exists");
    let (_, listed) = app.get_json("/api/v1/gis/bac-kan-hong-khong-hat").await;
    assert_eq!(listed["gi"]["certificate_no"], "00045");
}
