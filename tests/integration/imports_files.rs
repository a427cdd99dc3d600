//! Product imports, continued: who may import, the upload limit, formula cells, the templates
//! filled in and imported, and photos in a ZIP named by SKU.

use reqwest::StatusCode;
use tests::TestApp;
use tests::sheets::{Cell, csv_utf8_bom, jpeg, xlsx, xlsx_text, zip};

use super::imports::{HEADER, as_text, count_products, product_row, tea_rows};

#[tokio::test]
async fn formula_cells_are_read_as_their_cached_values_never_evaluated() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;
    let file = xlsx(&[
        HEADER.iter().map(|h| Cell::from(*h)).collect(),
        vec![
            "F-1".into(),
            Cell::Formula {
                formula: "=\"Chè \"&\"móc câu\"".into(),
                cached: "Chè móc câu".into(),
            },
            "che".into(),
            "kg".into(),
            // Excel saved 300000; evaluating the formula would give 500.
            Cell::Formula {
                formula: "=250*2".into(),
                cached: "300000".into(),
            },
            Cell::Number(12.0),
        ],
        vec![
            "F-2".into(),
            "Chè lỗi công thức".into(),
            "che".into(),
            "kg".into(),
            Cell::Formula {
                formula: "=1/0".into(),
                cached: "#DIV/0!".into(),
            },
        ],
    ]);
    let (status, body) = app
        .import(
            &seller.client,
            &seller.slug,
            "skip_invalid=true",
            "f.xlsx",
            file,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        product_row(&app, "F-1").await,
        (
            "Chè móc câu".into(),
            "300000".into(),
            "12".into(),
            "kg".into()
        )
    );
    assert_eq!(body["errors"][0]["row"], 3);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("#DIV/0!"),
        "{body}"
    );
}

#[tokio::test]
async fn the_templates_round_trip_filled_in_and_imported() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;

    let response = app.get("/api/v1/imports/products-template.csv").await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut csv = response.bytes().await.unwrap().to_vec();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with BOM, as Excel opens it"
    );
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(
        text.starts_with("Mã sản phẩm;Tên;Nhóm;Đơn vị;Giá;Tồn kho;Mô tả;Chỉ dẫn địa lý"),
        "{text}"
    );
    assert!(
        text.contains("# che;Chè tươi, chè chế biến"),
        "the category list: {text}"
    );
    csv.extend_from_slice("TC-100;Chè xanh;che;kg;300.000;8;;\r\n".as_bytes());
    let (status, body) = app
        .import(&seller.client, &seller.slug, "", "mau.csv", csv, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["new"], 2,
        "the example row and the filled-in one: {body}"
    );

    let response = app.get("/api/v1/imports/products-template.xlsx").await;
    assert_eq!(response.status(), StatusCode::OK);
    let template = response.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::Reader::new(std::io::Cursor::new(template)).unwrap();
    let sheets = calamine::Reader::sheet_names(&book);
    assert_eq!(
        sheets[..2],
        ["Sản phẩm".to_owned(), "Nhóm sản phẩm".to_owned()]
    );
    let range = calamine::Reader::worksheet_range(&mut book, "Sản phẩm").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header, HEADER);
    let groups = calamine::Reader::worksheet_range(&mut book, "Nhóm sản phẩm").unwrap();
    assert!(groups.rows().any(|r| r[0] == "mat-ong-nong-san"));
    // Filled in the template's columns, as Excel would save it.
    let filled = xlsx_text(&[
        header.iter().map(String::as_str).collect(),
        vec!["TC-101", "Chè đinh", "che", "hộp", "1.200.000", "3", "", ""],
    ]);
    let (status, body) = app
        .import(&seller.client, &seller.slug, "", "mau.xlsx", filled, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(product_row(&app, "TC-101").await.1, "1200000");
}

#[tokio::test]
async fn photos_in_a_zip_named_by_sku_are_added_once_through_the_upload_checks() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;
    let file = || csv_utf8_bom(&as_text(&HEADER, &tea_rows(2)), ';');
    let photos = || {
        zip(&[
            ("TC-001.jpg", jpeg([10, 120, 10])),
            ("anh/TC-001-2.JPG", jpeg([10, 10, 120])),
            ("TC-002.png", b"not really a png".to_vec()),
            ("TC-999.jpg", jpeg([1, 2, 3])),
            ("__MACOSX/._TC-001.jpg", vec![0, 1]),
        ])
    };
    let (status, body) = app
        .import(
            &seller.client,
            &seller.slug,
            "",
            "a.csv",
            file(),
            Some(photos()),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a refused photo stops an all-or-nothing import: {body}"
    );
    let errors: Vec<String> = body["photos"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["file"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            "TC-002.png: tệp không phải ảnh JPEG, PNG hay WebP",
            "TC-999.jpg: không có sản phẩm mã TC-999 trong tệp hay trong danh sách của cơ sở"
        ]
    );
    assert_eq!(count_products(&app).await, 0);

    // The same file and photos, imported twice: the second run adds nothing.
    let import_with_photos = || {
        app.import(
            &seller.client,
            &seller.slug,
            "skip_invalid=true",
            "a.csv",
            file(),
            Some(photos()),
        )
    };
    let images = || async {
        let (_, product) = app.get_json("/api/v1/products/che-tan-cuong-loai-1").await;
        product["images"].as_array().map(Vec::len)
    };
    let (status, body) = import_with_photos().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["photos"]["found"].as_u64(),
            body["photos"]["added"].as_u64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(images().await, Some(2));
    let (_, list) = app.get_json("/api/v1/products?q=loai%201").await;
    assert!(
        list["items"][0]["thumb_url"].is_string(),
        "the search document has the cover: {list}"
    );

    let (status, body) = import_with_photos().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["photos"]["added"].as_u64(),
            body["photos"]["unchanged"].as_u64()
        ),
        (Some(0), Some(2))
    );
    assert_eq!(images().await, Some(2), "not added twice");
}

#[tokio::test]
async fn a_spreadsheet_over_10_mb_is_refused_with_413() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;
    let mut file = csv_utf8_bom(&[HEADER.to_vec()], ';');
    file.resize(10 * 1024 * 1024 + 1, b' ');
    let (status, body) = app
        .import(&seller.client, &seller.slug, "", "big.csv", file, None)
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn only_members_import_into_their_producer() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;
    let other = app.seller("other@example.vn", "HTX Khác").await;
    let (curator, curator_id) = app.signed_in_client("canbo@example.vn").await;
    app.grant(&curator_id, "curator").await;
    let file = || {
        csv_utf8_bom(
            &[
                HEADER.to_vec(),
                vec!["X-1", "Chè", "che", "kg", "1000", "1", "", ""],
            ],
            ';',
        )
    };
    for (who, client, status) in [
        ("anonymous", TestApp::new_client(), StatusCode::UNAUTHORIZED),
        (
            "another producer's owner",
            other.client.clone(),
            StatusCode::FORBIDDEN,
        ),
        ("a curator", curator, StatusCode::FORBIDDEN),
    ] {
        let (got, body) = app
            .import(&client, &seller.slug, "", "x.csv", file(), None)
            .await;
        assert_eq!(got, status, "{who}: {body}");
    }
    let (got, _) = app
        .import(&seller.client, "khong-co", "", "x.csv", file(), None)
        .await;
    assert_eq!(got, StatusCode::NOT_FOUND);
    assert_eq!(count_products(&app).await, 0);
    let (got, body) = app
        .import(&seller.client, &seller.slug, "", "x.csv", file(), None)
        .await;
    assert_eq!(got, StatusCode::OK, "{body}");
}
