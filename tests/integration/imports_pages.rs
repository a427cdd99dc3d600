//! The workspace's import pages as a browser without JavaScript uses them: upload a file
//! (multipart form post) → its preview page → apply (a plain form post), each answered with a
//! 303; the preview is only for the producer's members.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use tests::TestApp;
use tests::sheets::{csv_utf8_bom, xlsx_text};

use super::imports::{HEADER, count_products};

/// Posts the upload form as `client` and returns the status and where it redirects.
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    slug: &str,
    file: Vec<u8>,
) -> (StatusCode, String) {
    let form = Form::new()
        .part("file", Part::bytes(file).file_name("san-pham.xlsx"))
        // The photos input left empty, as a browser sends it.
        .part("photos", Part::bytes(Vec::new()).file_name(""));
    let response = client
        .post(app.url(&format!("/quan-ly/{slug}/nhap-san-pham")))
        .multipart(form)
        .send()
        .await
        .expect("upload posted");
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status(), location)
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = client.get(app.url(path)).send().await.expect("page");
    let status = response.status();
    (status, response.text().await.expect("html"))
}

#[tokio::test]
async fn a_member_uploads_sees_the_preview_and_applies_it_without_javascript() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;
    let slug = seller.slug.clone();

    let (status, html) = page(&seller.client, &app, &format!("/quan-ly/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("href=\"/quan-ly/{slug}/nhap-san-pham\"")),
        "the desk links to the import"
    );
    let (status, html) = page(
        &seller.client,
        &app,
        &format!("/quan-ly/{slug}/nhap-san-pham"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("enctype=\"multipart/form-data\""), "{html}");
    assert!(html.contains("/api/v1/imports/products-template.xlsx"));

    let file = xlsx_text(&[
        HEADER.to_vec(),
        vec![
            "TC-1",
            "Chè búp Tân Cương",
            "che",
            "kg",
            "300.000",
            "10",
            "",
            "",
        ],
        vec!["TC-2", "Chè móc câu", "che", "hộp", "120.000", "5", "", ""],
        vec!["TC-3", "Chè lỗi giá", "che", "hộp", "-1", "5", "", ""],
    ]);
    let (status, preview_path) = upload(&app, &seller.client, &slug, file).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        preview_path.starts_with(&format!("/quan-ly/{slug}/nhap-san-pham/")),
        "{preview_path}"
    );
    let (status, html) = page(&seller.client, &app, &preview_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("3 dòng: 2 mới, 0 cập nhật, 0 không đổi, 1 lỗi"),
        "{html}"
    );
    assert!(
        html.contains("Dòng 4, cột \"Giá\""),
        "each error names its row and column"
    );
    assert!(html.contains("Chè móc câu"));
    assert!(
        html.contains("name=\"bo_qua_dong_loi\""),
        "errors offer to skip the invalid rows"
    );
    assert_eq!(count_products(&app).await, 0, "a preview writes nothing");

    // Someone else cannot see or apply it.
    let other = app.seller("other@example.vn", "HTX Khác").await;
    let (status, _) = page(&other.client, &app, &preview_path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let apply = format!("{preview_path}/ap-dung");
    let (status, _) = app.post_form(&other.client, &apply, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(count_products(&app).await, 0);

    // All or nothing: without the box ticked, nothing is written and the page says why.
    let (status, location) = app.post_form(&seller.client, &apply, &[]).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, preview_path.as_str())
    );
    let (_, html) = page(&seller.client, &app, &preview_path).await;
    assert!(
        html.contains("Có dòng lỗi nên chưa nhập dòng nào"),
        "{html}"
    );
    assert_eq!(count_products(&app).await, 0);

    let (status, location) = app
        .post_form(&seller.client, &apply, &[("bo_qua_dong_loi", "on")])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, preview_path.as_str())
    );
    assert_eq!(count_products(&app).await, 2);
    let (_, html) = page(&seller.client, &app, &preview_path).await;
    assert!(html.contains("Đã nhập xong"), "{html}");
    assert!(html.contains("Tệp này đã được nhập"), "{html}");
    assert!(
        !html.contains("Nhập vào danh mục"),
        "no second apply button"
    );
    let (status, _) = app
        .post_form(&seller.client, &apply, &[("bo_qua_dong_loi", "on")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&seller.client, &app, &preview_path).await;
    assert!(
        html.contains("tệp này đã được nhập rồi"),
        "a second click is refused: {html}"
    );

    let (_, desk) = page(&seller.client, &app, &format!("/quan-ly/{slug}")).await;
    assert!(desk.contains("Chè búp Tân Cương") && desk.contains("Chè móc câu"));
    let (_, catalog) = app.get_html("/san-pham?q=che%20moc%20cau").await;
    assert!(catalog.contains("Chè móc câu"), "in the catalog's search");
}

#[tokio::test]
async fn a_file_that_is_not_a_spreadsheet_is_explained_on_its_preview() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;
    let (status, preview_path) = upload(
        &app,
        &seller.client,
        &seller.slug,
        b"%PDF-1.7 hoa don".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&seller.client, &app, &preview_path).await;
    assert!(html.contains("tệp không phải bảng tính"), "{html}");
    let columns = csv_utf8_bom(&[vec!["Tên", "Giá"], vec!["Chè", "1"]], ';');
    let (_, preview_path) = upload(&app, &seller.client, &seller.slug, columns).await;
    let (_, html) = page(&seller.client, &app, &preview_path).await;
    assert!(html.contains("thiếu cột \"Mã sản phẩm\""), "{html}");

    let mut big = vec![b'a'; 10 * 1024 * 1024 + 10];
    big[0] = b'x';
    let (status, location) = upload(&app, &seller.client, &seller.slug, big).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/quan-ly/{}/nhap-san-pham", seller.slug));
    let (_, html) = page(&seller.client, &app, &location).await;
    assert!(html.contains("bảng tính tối đa 10 MB"), "{html}");

    let (status, location) =
        upload(&app, &TestApp::new_client(), &seller.slug, b"x".to_vec()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/dang-nhap"), "{location}");
}

#[tokio::test]
async fn a_curator_reviews_an_annex_chooses_the_ambiguous_row_and_applies_it_without_javascript() {
    use super::imports_annex::{ANNEX_HEADER, producer_with_product};
    let app = TestApp::spawn().await;
    let tea = producer_with_product(
        &app,
        "tra@example.vn",
        "HTX Chè Tân Cương",
        "05503",
        "Chè búp",
    )
    .await;
    let honey = producer_with_product(
        &app,
        "a@example.vn",
        "HTX Mật ong Na Rì",
        "02155",
        "Mật ong",
    )
    .await;
    producer_with_product(
        &app,
        "b@example.vn",
        "Hợp tác xã Mật ong Na Rì",
        "02155",
        "Mật ong",
    )
    .await;
    let (curator, id) = app.signed_in_client("canbo@example.vn").await;
    app.grant(&id, "curator").await;

    let (status, html) = page(&curator, &app, "/can-bo").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("href=\"/can-bo/quyet-dinh\""),
        "the dashboard links to the annex import"
    );
    let (status, html) = page(&curator, &app, "/can-bo/quyet-dinh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("name=\"decision_no\"") && html.contains("enctype=\"multipart/form-data\"")
    );

    let annex = xlsx_text(&[
        ANNEX_HEADER.to_vec(),
        vec!["1", "Chè búp", "HTX chè Tân Cương", "Tân Cương", "che", "4"],
        vec![
            "2",
            "Mật ong",
            "htx mat ong na ri",
            "Na Rì",
            "mat-ong-nong-san",
            "3",
        ],
    ]);
    let form = Form::new()
        .text("decision_no", "55/QĐ-UBND")
        .text("decided_on", "2026-02-02")
        .text("issuer_level", "province")
        .text("rule_set", "")
        .text("issuer", "")
        .part("file", Part::bytes(annex).file_name("phu-luc.xlsx"));
    let response = curator
        .post(app.url("/can-bo/quyet-dinh"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let review = response.headers()[reqwest::header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(review.starts_with("/can-bo/quyet-dinh/"), "{review}");
    let (status, html) = page(&curator, &app, &review).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("2 dòng: 1 khớp, 0 mới, 1 cần chọn"), "{html}");
    assert!(
        html.contains(&format!("value=\"product:{honey}\"")),
        "a radio per candidate: {html}"
    );
    assert!(html.contains("name=\"chon-3\""));

    let (status, _) = page(&app.signed_in_client("x@example.vn").await.0, &app, &review).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only curators");
    let response = TestApp::new_client()
        .get(app.url(&review))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "anonymous visitors sign in first"
    );

    let certificates = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from ocop_certificates")
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    let apply = format!("{review}/ap-dung");
    let (status, location) = app.post_form(&curator, &apply, &[]).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, review.as_str())
    );
    let (_, html) = page(&curator, &app, &review).await;
    assert!(html.contains("Còn dòng cần chọn"), "{html}");
    assert_eq!(certificates().await, 0);

    let choice = format!("product:{honey}");
    let (status, _) = app
        .post_form(&curator, &apply, &[("chon-3", &choice)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(certificates().await, 2);
    let (_, html) = page(&curator, &app, &review).await;
    assert!(html.contains("Đã cấp chứng nhận theo phụ lục"), "{html}");
    assert!(html.contains("đã được áp dụng"));
    let (_, tea_page) = app.get_json("/api/v1/products/che-bup").await;
    assert_eq!(tea_page["ocop"]["stars"], 4, "{tea_page}");
    let _ = tea;
}
