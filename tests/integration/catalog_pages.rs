//! Catalog pages rendered on the server: catalog with filters as links, product, producer and GI
//! pages with their metadata for sharing; sitemap and robots.

use reqwest::StatusCode;
use tests::TestApp;

async fn seeded_app() -> TestApp {
    let app = TestApp::spawn().await;
    seed::real::load(&app.db).await.expect("seed loads");
    app
}

#[tokio::test]
async fn the_home_page_shows_real_ocop_products_and_groups() {
    let app = seeded_app().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Chè Đinh Tân Cương"), "{html}");
    assert!(html.contains("href=\"/san-pham?category=thuc-pham\""));
    assert!(html.contains("OCOP 5 sao"));
}

#[tokio::test]
async fn the_catalog_filters_with_plain_links_and_forms() {
    let app = seeded_app().await;
    let (status, html) = app.get_html("/san-pham?category=che&min_stars=5").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Chè Đinh Tân Cương"));
    assert!(!html.contains("Mật ong Phúc Thành"), "honey is not tea");
    // The form is a plain GET that keeps the chosen values.
    assert!(
        html.contains(r#"<form method="get" action="/san-pham" class="filters">"#),
        "{html}"
    );
    assert!(html.contains(r#"<option value="che" selected"#), "{html}");
    // Each active filter has a chip linking to the same search without it.
    assert!(html.contains(r#"href="/san-pham?min_stars=5""#), "{html}");
    assert!(html.contains(r#"href="/san-pham?category=che""#));

    let (status, html) = app.get_html("/san-pham?min_stars=9").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Bộ lọc chưa hợp lệ"), "{html}");
}

#[tokio::test]
async fn the_catalog_pages_through_results_with_links() {
    let app = seeded_app().await;
    let (_, html) = app.get_html("/san-pham?per_page=10").await;
    assert!(
        html.contains(r#"rel="next" href="/san-pham?page=2&amp;per_page=10""#),
        "{html}"
    );
    let (_, html) = app.get_html("/san-pham?page=2&per_page=10").await;
    assert!(html.contains(r#"rel="prev""#));
}

/// The names of a listing's cards, in order.
fn card_names(list: &serde_json::Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["name"].as_str().expect("a name").to_owned())
        .collect()
}

#[tokio::test]
async fn a_category_by_price_follows_a_price_change_on_the_next_load() {
    let app = seeded_app().await;
    let seller = app.seller("che-re@example.vn", "HTX Chè Rẻ").await;
    let cheap = app
        .product(&seller, "Chè búp rẻ nhất", "1000", "hop", "5")
        .await;
    // A leaf category and its group: each filter reads its own column and index.
    for category in ["che", "thuc-pham"] {
        let path = format!("/san-pham?category={category}&sort=price_asc");
        let (_, list) = app
            .get_json(&format!(
                "/api/v1/products?category={category}&sort=price_asc"
            ))
            .await;
        let names = card_names(&list);
        assert_eq!(names[0], "Chè búp rẻ nhất", "{category}: {names:?}");
        let prices: Vec<i64> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["price_vnd"].as_str().unwrap().parse().unwrap())
            .collect();
        assert!(prices.is_sorted(), "{category}: {prices:?}");
        let (_, all) = app.get_json("/api/v1/products?per_page=100").await;
        if category == "che" {
            assert_eq!(list["total"], all["facets"]["category"]["che"]);
        }
        // The page shows the same cards in the same order.
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, StatusCode::OK);
        let at: Vec<usize> = names
            .iter()
            .take(4)
            .map(|name| {
                html.find(name.as_str())
                    .unwrap_or_else(|| panic!("{name} on {path}"))
            })
            .collect();
        assert!(at.is_sorted(), "{path}: {names:?} at {at:?}");
    }

    // Dearer than everything: the next load of either list no longer starts with it.
    let (status, _) = app
        .send_json(
            &seller.client,
            reqwest::Method::PATCH,
            &format!("/api/v1/products/{}", cheap.id),
            Some(serde_json::json!({ "price_vnd": "900000000" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for category in ["che", "thuc-pham"] {
        let (_, list) = app
            .get_json(&format!(
                "/api/v1/products?category={category}&sort=price_asc"
            ))
            .await;
        assert_ne!(card_names(&list)[0], "Chè búp rẻ nhất", "{category}");
        let (_, dearest) = app
            .get_json(&format!(
                "/api/v1/products?category={category}&sort=price_desc"
            ))
            .await;
        assert_eq!(card_names(&dearest)[0], "Chè búp rẻ nhất", "{category}");
    }
}

#[tokio::test]
async fn a_product_page_is_worth_sharing() {
    let app = seeded_app().await;
    let (status, html) = app.get_html("/san-pham/che-dinh-tan-cuong").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<title>Chè Đinh Tân Cương · Chợ OCOP</title>"),
        "{html}"
    );
    assert!(html.contains("250.000 ₫"));
    assert!(html.contains(r#"<meta property="og:title" content="Chè Đinh Tân Cương""#));
    assert!(html.contains(r#"<meta property="og:type" content="product""#));
    assert!(
        html.contains(
            r#"<meta name="description" content="250.000 ₫ / hộp — HTX chè Hảo Đạt · OCOP 5★"#
        ),
        "{html}"
    );
    assert_eq!(
        html.matches(r#"<meta name="description""#).count(),
        1,
        "one description only"
    );
    assert!(html.contains(r#"<script type="application/ld+json">"#));
    assert!(html.contains(r#""@type":"Product""#));
    assert!(html.contains(r#""priceCurrency":"VND""#));
    // OCOP badge with decision and expiry; GI and producer cards.
    assert!(html.contains("OCOP 5 sao"));
    assert!(html.contains("31/12/2028"));
    assert!(html.contains("Chưa rõ số quyết định (năm 2025)"));
    assert!(html.contains(r#"href="/chi-dan-dia-ly/tan-cuong-che""#));
    assert!(html.contains(r#"href="/co-so/htx-che-hao-dat""#));
}

#[tokio::test]
async fn a_missing_product_page_is_a_404() {
    let app = seeded_app().await;
    let (status, html) = app.get_html("/san-pham/khong-co").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Không tìm thấy trang"));
}

#[tokio::test]
async fn producer_and_gi_pages_list_their_products() {
    let app = seeded_app().await;
    let (status, html) = app.get_html("/co-so/htx-che-hao-dat").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>HTX chè Hảo Đạt"));
    assert!(html.contains("Tân Cương"));
    assert!(html.contains("Chè Đinh Tân Cương"));

    let (status, html) = app.get_html("/chi-dan-dia-ly/tan-cuong-che").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("00013"));
    assert!(html.contains("Phúc Xuân"));
    assert!(html.contains("Chè tôm nõn"));

    assert_eq!(
        app.get_html("/co-so/khong-co").await.0,
        StatusCode::NOT_FOUND
    );
}

/// Every sitemap file the index at `/sitemap.xml` names, fetched (uncompressed): (index, files).
async fn sitemap(app: &TestApp) -> (String, Vec<String>) {
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status(), StatusCode::OK);
    let index = response.text().await.unwrap();
    assert!(index.contains("<sitemapindex"), "{index}");
    let base = &app.settings.server.base_url;
    let mut files = Vec::new();
    for loc in index.split("<loc>").skip(1) {
        let url = loc.split("</loc>").next().unwrap();
        let path = url
            .strip_prefix(base.as_str())
            .expect("an absolute URL of ours");
        assert!(path.starts_with("/sitemaps/"), "{path}");
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        files.push(response.text().await.unwrap());
    }
    (index, files)
}

#[tokio::test]
async fn the_sitemap_lists_every_public_page_and_robots_points_to_it() {
    let app = seeded_app().await;
    let (index, files) = sitemap(&app).await;
    let xml = files.concat();
    let base = &app.settings.server.base_url;
    assert!(
        xml.contains(&format!(
            "<loc>{base}/san-pham/che-dinh-tan-cuong</loc><lastmod>"
        )),
        "{xml}"
    );
    assert!(xml.contains(&format!("<loc>{base}/co-so/htx-che-hao-dat</loc>")));
    assert!(xml.contains(&format!("<loc>{base}/chi-dan-dia-ly/tan-cuong-che</loc>")));
    assert!(xml.contains(&format!("<loc>{base}/</loc>")));
    // Each file is named in the index with its last change.
    assert!(
        index.contains(&format!(
            "<loc>{base}/sitemaps/products-1.xml</loc><lastmod>"
        )),
        "{index}"
    );

    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains(&format!("Sitemap: {base}/sitemap.xml")));
}

#[tokio::test]
async fn the_sitemap_files_cover_every_active_product_within_the_limit_and_follow_changes() {
    let app = seeded_app().await;
    seed::synthetic::load(&app.db, 300).await.unwrap();
    let base = &app.settings.server.base_url;
    let (_, files) = sitemap(&app).await;
    for file in &files {
        assert!(file.matches("<url>").count() <= 50_000);
    }
    let listed: std::collections::HashSet<String> = files
        .concat()
        .split("<loc>")
        .skip(1)
        .map(|loc| loc.split("</loc>").next().unwrap().to_owned())
        .collect();
    let active: Vec<String> =
        sqlx::query_scalar("select slug from products where status = 'active'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert!(active.len() > 300);
    for slug in &active {
        assert!(
            listed.contains(&format!("{base}/san-pham/{slug}")),
            "{slug}"
        );
    }
    let drafts: Vec<String> =
        sqlx::query_scalar("select slug from products where status <> 'active'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    for slug in &drafts {
        assert!(
            !listed.contains(&format!("{base}/san-pham/{slug}")),
            "{slug}"
        );
    }

    // The files are kept between requests; a change to the catalog shows at once: an archived
    // product leaves, a new producer (no products, no search document) arrives.
    let archived = &active[0];
    sqlx::query("update products set status = 'archived' where slug = $1")
        .bind(archived)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query(
        "insert into producers (slug, name, kind) values ('ho-moi-tham-gia', 'Hộ mới tham gia', 'household')",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let xml = sitemap(&app).await.1.concat();
    assert!(!xml.contains(&format!("<loc>{base}/san-pham/{archived}</loc>")));
    assert!(xml.contains(&format!("<loc>{base}/co-so/ho-moi-tham-gia</loc>")));
}

#[tokio::test]
async fn sitemaps_are_served_gzipped_to_clients_that_accept_it() {
    use std::io::Read;

    let app = seeded_app().await;
    for path in ["/sitemap.xml", "/sitemaps/products-1.xml"] {
        let plain = app.get(path).await;
        assert!(plain.headers().get("content-encoding").is_none());
        assert!(
            plain.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/xml")
        );
        let plain = plain.bytes().await.unwrap();

        let response = app
            .client
            .get(app.url(path))
            .header("accept-encoding", "gzip, deflate, br")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-encoding"], "gzip");
        assert_eq!(response.headers()["vary"], "accept-encoding");
        let gzipped = response.bytes().await.unwrap();
        assert!(gzipped.len() < plain.len());
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&gzipped[..])
            .read_to_end(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, plain);
    }
    assert_eq!(
        app.get("/sitemaps/products-99.xml").await.status(),
        StatusCode::NOT_FOUND
    );
}

/// Another instance starting in the same process (as the tests run them, many side by side)
/// must not stall pages being rendered here: building the page routes once switched resource
/// loading off process-wide, and a page caught in that moment waited for its data until the
/// 30 s request timeout.
#[tokio::test]
async fn pages_render_while_other_instances_start_in_the_same_process() {
    let app = seeded_app().await;
    let settings = app.settings.clone();
    let starting = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            for _ in 0..30 {
                // Same database, already migrated: each start is quick and builds its router.
                let other = server::Application::build(settings.clone())
                    .await
                    .expect("another instance builds");
                drop(other);
            }
        });
    });
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client");
    let mut rendered = 0;
    while !starting.is_finished() || rendered < 10 {
        let response = client
            .get(format!("{}/san-pham/che-dinh-tan-cuong", app.address))
            .send()
            .await
            .expect("the page answers within 10 s");
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.expect("body");
        assert!(html.contains("Chè Đinh Tân Cương"), "{html}");
        rendered += 1;
    }
    starting.join().expect("instances started");
}

/// Issue 13, item 4: the seeded GI pages speak Vietnamese, protected area and decision included.
#[tokio::test]
async fn gi_pages_describe_their_protected_area_in_vietnamese() {
    let app = seeded_app().await;
    let (status, html) = app.get_html("/chi-dan-dia-ly/tan-cuong-che").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Theo đăng ký năm 2007"), "{html}");
    assert!(html.contains("Báo chí 2023–2025 mô tả vùng chỉ dẫn địa lý gồm 6 xã"));

    let (_, gis) = app.get_json("/api/v1/gis").await;
    let slugs: Vec<String> = gis["items"]
        .as_array()
        .or(gis.as_array())
        .expect("a list of GIs")
        .iter()
        .map(|gi| gi["slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(slugs.len(), 4, "{gis}");
    for slug in slugs {
        let (status, html) = app.get_html(&format!("/chi-dan-dia-ly/{slug}")).await;
        assert_eq!(status, StatusCode::OK);
        for english in [
            "As registered",
            "press describes",
            "not seen",
            "Not seen",
            "vermicelli",
            "the sources",
        ] {
            assert!(!html.contains(english), "{slug} shows “{english}”");
        }
    }
}

#[tokio::test]
async fn the_producer_card_offers_a_call_and_zalo_when_the_producer_published_a_phone() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Gọi Được").await;
    let product = app
        .product(&seller, "Chè búp Gọi Được", "120000", "kg", "5")
        .await;
    for path in [
        format!("/san-pham/{}", product.slug),
        format!("/co-so/{}", seller.slug),
    ] {
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(r#"href="tel:0912345678""#), "{path}: {html}");
        assert!(html.contains("Gọi"), "{path}");
        assert!(
            html.contains(r#"href="https://zalo.me/0912345678""#),
            "{path}: {html}"
        );
    }

    // Without a published number there is nothing to press.
    let quiet = app.seller("ho@example.vn", "Hộ Không Số").await;
    sqlx::query("update producers set phone = null where slug = $1")
        .bind(&quiet.slug)
        .execute(&app.db)
        .await
        .unwrap();
    let (_, html) = app.get_html(&format!("/co-so/{}", quiet.slug)).await;
    assert!(!html.contains("tel:"), "{html}");
    assert!(!html.contains("zalo.me"), "{html}");
}
