//! Server-rendered pages: complete HTML without JavaScript, Vietnamese first, English on request.

use reqwest::StatusCode;
use tests::TestApp;

#[tokio::test]
async fn the_home_page_is_complete_vietnamese_html_from_the_server() {
    let app = TestApp::spawn().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<html lang="vi""#), "{html}");
    assert!(
        html.contains("<title>Sản phẩm OCOP Thái Nguyên · Chợ OCOP</title>"),
        "{html}"
    );
    assert!(html.contains("Đặc sản OCOP từ tận nơi sản xuất"));
    // The data section is rendered by the server, not left for the browser to fetch.
    assert!(html.contains("sản phẩm có sao OCOP"), "{html}");
    assert!(!html.contains("Đang tải…"));
    // Our own stylesheet and the island loader are linked under content-hashed names (from
    // the bundle's manifest); nothing comes from a CDN.
    let manifest = std::fs::read_to_string(tests::site_root().join("pkg/manifest.txt"))
        .expect("the test bundle has a manifest");
    for line in manifest.lines() {
        let (kind, file) = line.split_once(' ').unwrap();
        assert!(file.split('.').count() == 3, "{kind}: {file} is hashed");
        assert!(
            html.contains(&format!("/pkg/{file}")),
            "{kind}: {file} in {html}"
        );
    }
    assert!(!html.contains("https://"), "no external assets");
}

/// A producer with no products yet.
async fn hao_dat(app: &TestApp) -> uuid::Uuid {
    sqlx::query_scalar(
        "insert into producers (slug, name, kind) values ('htx-che-hao-dat', 'HTX chè Hảo Đạt', 'htx') returning id",
    )
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_home_page_counts_what_is_in_the_database() {
    let app = TestApp::spawn().await;
    let producer = hao_dat(&app).await;
    for (slug, status) in [
        ("che-tom-non", "active"),
        ("che-dinh", "active"),
        ("nhap", "draft"),
    ] {
        sqlx::query(
            "insert into products (producer_id, slug, name, category_code, price_vnd, unit, stock, status)
             values ($1, $2, $2, 'che', 250000, 'hop', 10, $3)",
        )
        .bind(producer)
        .bind(slug)
        .bind(status)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let (_, html) = app.get_html("/").await;
    assert!(
        html.contains("<strong>2</strong><span>sản phẩm</span>"),
        "{html}"
    );
    assert!(
        html.contains("<strong>1</strong><span>cơ sở sản xuất</span>"),
        "{html}"
    );
    assert!(
        html.contains("<strong>0</strong><span>sản phẩm có sao OCOP</span>"),
        "{html}"
    );
}

/// The home page's three counts and the food group's count, as rendered.
async fn home_counts(app: &TestApp) -> (String, String, String, String) {
    let (_, html) = app.get_html("/").await;
    let count = |label: &str| {
        let end = html
            .find(&format!("</strong><span>{label}</span>"))
            .unwrap_or_else(|| panic!("{label}: {html}"));
        let start = html[..end].rfind("<strong>").unwrap() + "<strong>".len();
        html[start..end].to_owned()
    };
    let food = html
        .split(r#"href="/san-pham?category=thuc-pham""#)
        .nth(1)
        .and_then(|rest| rest.split("</a>").next())
        .unwrap_or_else(|| panic!("no food group: {html}"));
    let food = food.split(r#"<span class="muted">"#).nth(1).unwrap();
    (
        count("sản phẩm"),
        count("cơ sở sản xuất"),
        count("sản phẩm có sao OCOP"),
        food.split(" sản phẩm").next().unwrap().to_owned(),
    )
}

/// The counts are kept between requests (never a count over the catalog per request) and every
/// change shows on the next one: a product added, certified or archived, a producer added.
#[tokio::test]
async fn the_home_page_counts_follow_every_change_to_the_catalog() {
    let app = TestApp::spawn().await;
    let producer = hao_dat(&app).await;
    let add = |slug: &'static str| {
        sqlx::query(
            "insert into products (producer_id, slug, name, category_code, price_vnd, unit, stock, status)
             values ($1, $2, $2, 'che', 250000, 'hop', 10, 'active')",
        )
        .bind(producer)
        .bind(slug)
        .execute(&app.db)
    };
    add("che-tom-non").await.unwrap();
    let counts = |p: &str, pr: &str, c: &str, food: &str| {
        (p.to_owned(), pr.to_owned(), c.to_owned(), food.to_owned())
    };
    assert_eq!(home_counts(&app).await, counts("1", "1", "0", "1"));
    // Asked twice without a change: the same answer.
    assert_eq!(home_counts(&app).await, counts("1", "1", "0", "1"));

    add("che-dinh").await.unwrap();
    assert_eq!(home_counts(&app).await, counts("2", "1", "0", "2"));

    sqlx::query(
        "insert into ocop_certificates (product_id, stars, rule_set, decision_no, issuer_level, issuer, issued_on)
         select id, 4, '148-2023', 'QĐ 1/QĐ-UBND', 'province', 'UBND tỉnh Thái Nguyên', current_date
           from products where slug = 'che-dinh'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(home_counts(&app).await, counts("2", "1", "1", "2"));

    sqlx::query("update products set status = 'archived' where slug = 'che-dinh'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(home_counts(&app).await, counts("1", "1", "0", "1"));

    // A producer without products changes no search document, yet counts.
    sqlx::query(
        "insert into producers (slug, name, kind) values ('ho-moi', 'Hộ mới', 'household')",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(home_counts(&app).await, counts("1", "2", "0", "1"));
}

#[tokio::test]
async fn the_language_switch_is_a_plain_link_that_remembers_english() {
    let app = TestApp::spawn().await;
    let response = app.get("/ngon-ngu?lang=en&next=/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=en;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"));

    let (_, html) = app.get_html("/").await;
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("OCOP specialities, straight from their makers"));
}

#[tokio::test]
async fn the_language_switch_never_redirects_off_site() {
    let app = TestApp::spawn().await;
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let response = app
            .get(&format!(
                "/ngon-ngu?lang=vi&next={}",
                next.replace('/', "%2F").replace('\\', "%5C")
            ))
            .await;
        assert_eq!(response.headers()["location"], "/", "next={next}");
    }
}

#[tokio::test]
async fn an_unknown_page_is_a_vietnamese_404() {
    let app = TestApp::spawn().await;
    let (status, html) = app.get_html("/khong-co-trang-nay").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Không tìm thấy trang"), "{html}");
}

#[tokio::test]
async fn the_app_serves_its_own_bundle_styles_and_icon() {
    let app = TestApp::spawn().await;
    let manifest = std::fs::read_to_string(tests::site_root().join("pkg/manifest.txt")).unwrap();
    let named = |kind: &str| {
        let file = manifest
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{kind} ")));
        format!(
            "/pkg/{}",
            file.unwrap_or_else(|| panic!("{kind} in the manifest"))
        )
    };
    for (path, content_type) in [
        (named("wasm"), "application/wasm"),
        (named("js"), "text/javascript"),
        (named("loader"), "text/javascript"),
        (named("css"), "text/css"),
        ("/favicon.svg".to_owned(), "image/svg+xml"),
    ] {
        let path = path.as_str();
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let actual = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(actual.starts_with(content_type), "{path}: {actual}");
    }
}

/// Issue 13, item 6: a code on a label that matches no certificate is a warning sign, not a
/// missing page; `/xac-minh` alone offers the box for a code printed on packaging.
#[tokio::test]
async fn an_unknown_certificate_code_warns_the_buyer_and_offers_the_code_box() {
    let app = TestApp::spawn().await;
    let (status, html) = app.get_html("/xac-minh/ma-gia-123").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        html.contains("Không có chứng nhận OCOP nào mang mã này"),
        "{html}"
    );
    assert!(html.contains("ma-gia-123"), "the code is named: {html}");
    assert!(html.contains("có thể không phải hàng OCOP thật"), "{html}");
    assert!(
        html.contains("Sở Nông nghiệp và Môi trường tỉnh Thái Nguyên"),
        "{html}"
    );
    assert!(!html.contains("Không tìm thấy trang"), "{html}");
    assert!(
        html.contains(r#"action="/xac-minh""#),
        "the box to try another code: {html}"
    );

    // The code box: a plain GET form, answered with the code's page.
    let (status, html) = app.get_html("/xac-minh").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains(r#"method="get" action="/xac-minh""#),
        "{html}"
    );
    assert!(html.contains(r#"name="ma""#), "{html}");
    assert!(html.contains("in trên bao bì"), "{html}");
    for (typed, to) in [
        ("ABCdef0123", "/xac-minh/abcdef0123"),
        (
            " http://127.0.0.1:3000/xac-minh/0123abcd/ ",
            "/xac-minh/0123abcd",
        ),
    ] {
        let response = app
            .client
            .get(app.url("/xac-minh"))
            .query(&[("ma", typed)])
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_redirection(),
            "{typed}: {}",
            response.status()
        );
        assert_eq!(response.headers()["location"], to, "{typed}");
    }
    // Sent empty, the box is simply shown again.
    let (status, html) = app.get_html("/xac-minh?ma=").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"name="ma""#));
}

/// Issue 19: the site menu is a row of plain links, with no button that needs code to open it
/// (nothing to load, nothing that moves when the islands wake); "Danh mục" (categories) is not
/// what it is called.
#[tokio::test]
async fn the_site_menu_is_plain_links() {
    let app = TestApp::spawn().await;
    let (_, html) = app.get_html("/").await;
    let nav = html
        .split(r#"<nav id="site-nav""#)
        .nth(1)
        .expect("the menu");
    let nav = &nav[..nav.find("</nav>").unwrap()];
    for href in ["/", "/san-pham", "/livestream", "/quan-ly", "/gio-hang"] {
        assert!(
            nav.contains(&format!(r#"href="{href}""#)),
            "{href} in {nav}"
        );
    }
    assert!(!html.contains("menu-toggle") && !html.contains("<button type=\"button\""));
    assert!(!html.contains(">Danh mục<"));
}

/// Issue 19: a page is sent with `no-cache` and an ETag of its bytes; asked again with that tag
/// it costs a 304 and no body. The same data gives the same bytes (no per-request nonce: the
/// page has no inline script). A change to the data is a new tag.
#[tokio::test]
async fn pages_answer_a_repeat_visit_with_304() {
    let app = TestApp::spawn().await;
    let producer = hao_dat(&app).await;
    let first = app.get("/").await;
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let html = first.text().await.unwrap();
    for script in html.split("<script").skip(1) {
        let tag = &script[..script.find('>').unwrap()];
        assert!(
            tag.contains(" src=") || tag.contains("application/ld+json"),
            "no inline script: <script{tag}>"
        );
    }
    let again = app.get_if_none_match("/", &etag).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"], etag.as_str());
    assert!(again.bytes().await.unwrap().is_empty());

    sqlx::query(
        "insert into products (producer_id, slug, name, category_code, price_vnd, unit, stock, status)
         values ($1, 'che-moi', 'Chè mới', 'che', 250000, 'hop', 10, 'active')",
    )
    .bind(producer)
    .execute(&app.db)
    .await
    .unwrap();
    let changed = app.get_if_none_match("/", &etag).await;
    assert_eq!(changed.status(), StatusCode::OK, "the counts changed");
    assert_ne!(changed.headers()["etag"], etag.as_str());
}

/// Issue 19: the bundle's hashed files are kept a year and sent precompressed (Brotli where
/// accepted, else gzip, with `Vary`); a missing file is not kept.
#[tokio::test]
async fn the_bundle_is_immutable_and_precompressed() {
    let app = TestApp::spawn().await;
    let manifest = std::fs::read_to_string(tests::site_root().join("pkg/manifest.txt")).unwrap();
    for line in manifest.lines() {
        let file = line.split_once(' ').unwrap().1;
        for (accept, encoding) in [("br, gzip", "br"), ("gzip", "gzip")] {
            let response = app
                .client
                .get(app.url(&format!("/pkg/{file}")))
                .header("accept-encoding", accept)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{file}");
            let headers = response.headers();
            assert_eq!(
                headers["cache-control"],
                "public, max-age=31536000, immutable"
            );
            assert_eq!(headers["content-encoding"], encoding, "{file} for {accept}");
            assert!(
                headers["vary"]
                    .to_str()
                    .unwrap()
                    .to_lowercase()
                    .contains("accept-encoding"),
                "{file}"
            );
        }
    }
    let missing = app.get("/pkg/cho_ocop.000000000000.js").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.headers()["cache-control"], "no-store");
}
