//! Product lists from spreadsheets through the API: Excel and CSV files as Vietnamese Windows
//! write them, the preview, all-or-nothing and "skip invalid rows", idempotent re-imports and
//! weekly stock updates by SKU, photos in a ZIP, who may import, and every kind of bad file.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::TestApp;
use tests::sheets::{Cell, csv_utf8_bom, csv_windows_1258, jpeg, xlsx};
use tests::shop::Seller;

pub const HEADER: [&str; 8] = [
    "Mã sản phẩm",
    "Tên",
    "Nhóm",
    "Đơn vị",
    "Giá",
    "Tồn kho",
    "Mô tả",
    "Chỉ dẫn địa lý",
];

pub async fn count_products(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from products")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

pub async fn product_row(app: &TestApp, sku: &str) -> (String, String, String, String) {
    let row: (String, rust_decimal::Decimal, rust_decimal::Decimal, String) =
        sqlx::query_as("select name, price_vnd, stock, unit from products where sku = $1")
            .bind(sku)
            .fetch_one(&app.db)
            .await
            .expect("imported product");
    (
        row.0,
        row.1.normalize().to_string(),
        row.2.normalize().to_string(),
        row.3,
    )
}

pub fn tea_rows(count: usize) -> Vec<Vec<String>> {
    (1..=count)
        .map(|i| {
            vec![
                format!("TC-{i:03}"),
                format!("Chè Tân Cương loại {i}"),
                if i.is_multiple_of(2) {
                    "che".into()
                } else {
                    "Chè tươi, chè chế biến".into()
                },
                if i.is_multiple_of(3) {
                    "hộp".into()
                } else {
                    "kg".into()
                },
                format!("{}.000", 100 + i),
                format!("{}", i % 50),
                "Chè búp hái tay ở xã Tân Cương".into(),
                String::new(),
            ]
        })
        .collect()
}

fn as_cells(header: &[&str], rows: &[Vec<String>]) -> Vec<Vec<Cell>> {
    let mut all = vec![header.iter().map(|h| Cell::from(*h)).collect::<Vec<_>>()];
    all.extend(
        rows.iter()
            .map(|r| r.iter().map(|c| Cell::from(c.as_str())).collect()),
    );
    all
}

pub fn as_text<'a>(header: &[&'a str], rows: &'a [Vec<String>]) -> Vec<Vec<&'a str>> {
    let mut all = vec![header.to_vec()];
    all.extend(rows.iter().map(|r| r.iter().map(String::as_str).collect()));
    all
}

#[tokio::test]
async fn a_member_previews_an_excel_file_of_200_products_applies_it_and_finds_them_in_search() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;
    let file = xlsx(&as_cells(&HEADER, &tea_rows(200)));

    let (status, preview) = app
        .import(
            &seller.client,
            &seller.slug,
            "dry_run=true",
            "san-pham.xlsx",
            file.clone(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(
        (
            preview["rows"].as_u64(),
            preview["new"].as_u64(),
            preview["updated"].as_u64()
        ),
        (Some(200), Some(200), Some(0))
    );
    assert_eq!(preview["format"], "xlsx");
    assert_eq!(preview["applied"], false);
    assert_eq!(preview["items"][0]["status"], "new");
    assert_eq!(
        preview["items"][0]["row"], 2,
        "rows are numbered as Excel shows them"
    );
    assert_eq!(count_products(&app).await, 0, "a preview writes nothing");

    let (status, applied) = app
        .import(
            &seller.client,
            &seller.slug,
            "",
            "san-pham.xlsx",
            file,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["applied"], true);
    assert_eq!(applied["new"], 200);
    assert_eq!(count_products(&app).await, 200);
    assert_eq!(
        product_row(&app, "TC-007").await,
        (
            "Chè Tân Cương loại 7".into(),
            "107000".into(),
            "7".into(),
            "kg".into()
        )
    );
    let category: String =
        sqlx::query_scalar("select category_code from products where sku = 'TC-007'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        category, "che",
        "a category named in words is found by its name"
    );

    let (status, found) = app
        .get_json("/api/v1/products?q=tan%20cuong%20loai%20123")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        found["items"][0]["name"], "Chè Tân Cương loại 123",
        "{found}"
    );
    let (_, page) = app.get_html(&format!("/co-so/{}", seller.slug)).await;
    assert!(
        page.contains("Chè Tân Cương loại 1"),
        "the producer's page lists them"
    );

    let audit: (String, Value) =
        sqlx::query_as("select action, after from audit_log where action = 'product.import'")
            .fetch_one(&app.db)
            .await
            .expect("one audit entry per import");
    assert_eq!(audit.1["rows"], 200);
    assert_eq!(audit.1["new"], 200);
    assert_eq!(audit.1["file"], "san-pham.xlsx");
}

#[tokio::test]
async fn reimporting_the_same_file_changes_nothing_and_a_weekly_stock_update_changes_only_its_rows()
{
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;
    let rows = tea_rows(5);
    let file = csv_utf8_bom(&as_text(&HEADER, &rows), ';');
    let (status, first) = app
        .import(
            &seller.client,
            &seller.slug,
            "",
            "a.csv",
            file.clone(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["encoding"], "utf-8-bom");
    assert_eq!(first["separator"], ";");
    let stamp = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>(
                "select max(updated_at) from products",
            )
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    let before = stamp(&app).await;

    let (status, again) = app
        .import(&seller.client, &seller.slug, "", "a.csv", file, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        (
            again["new"].as_u64(),
            again["updated"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(5))
    );
    assert_eq!(
        stamp(&app).await,
        before,
        "an unchanged row is not even touched"
    );

    // The weekly update: only code, price and stock, for two products, lower-case codes.
    let update = csv_utf8_bom(
        &[
            vec!["Mã SP", "Giá", "Tồn kho"],
            vec!["tc-002", "260.000 ₫", "40"],
            vec!["TC-004", "", "0"],
        ],
        ';',
    );
    let (status, weekly) = app
        .import(
            &seller.client,
            &seller.slug,
            "dry_run=true",
            "tuan.csv",
            update.clone(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{weekly}");
    assert_eq!(weekly["items"][0]["status"], "update");
    let changes: Vec<&str> = weekly["items"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(changes, ["Giá: 102.000 ₫ → 260.000 ₫", "Tồn kho: 2 → 40"]);
    let (status, weekly) = app
        .import(&seller.client, &seller.slug, "", "tuan.csv", update, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{weekly}");
    assert_eq!(
        (weekly["updated"].as_u64(), weekly["new"].as_u64()),
        (Some(2), Some(0))
    );
    let (name, price, stock, _) = product_row(&app, "TC-002").await;
    assert_eq!(
        (name.as_str(), price.as_str(), stock.as_str()),
        ("Chè Tân Cương loại 2", "260000", "40")
    );
    let (_, price, stock, _) = product_row(&app, "TC-004").await;
    assert_eq!(
        (price.as_str(), stock.as_str()),
        ("104000", "0"),
        "an empty cell keeps the price"
    );
    assert_eq!(
        product_row(&app, "TC-003").await.1,
        "103000",
        "rows not in the file stay as they were"
    );
    assert_eq!(count_products(&app).await, 5);
}

#[tokio::test]
async fn a_windows_1258_csv_with_semicolons_and_vietnamese_prices_is_read_and_says_how() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Miến Dong Bắc Kạn").await;
    let rows = [
        vec![
            "Mã sản phẩm",
            "Tên sản phẩm",
            "Nhóm",
            "ĐVT",
            "Giá bán",
            "Tồn kho",
            "Mô tả",
        ],
        vec![
            "MD-1",
            "Miến dong đặc sản Na Rì",
            "che-bien-ngu-coc",
            "gói",
            "45.000",
            "120",
            "Sợi dai, không hoá chất",
        ],
        vec![
            "MD-2",
            "Miến dong loại ngắn",
            "che-bien-ngu-coc",
            "gói",
            "45000",
            "5",
            "",
        ],
        vec![
            "MD-3",
            "Mật ong bạc hà",
            "mat-ong-nong-san",
            "chai",
            "250.000 ₫",
            "2,5",
            "",
        ],
        vec![
            "MD-4",
            "Mật ong rừng",
            "mat-ong-nong-san",
            "lít",
            "1.250.000đ",
            "2,5",
            "",
        ],
    ];
    let file = csv_windows_1258(&rows, ';');
    assert!(
        std::str::from_utf8(&file).is_err(),
        "the test file really is not UTF-8"
    );
    let (status, report) = app
        .import(&seller.client, &seller.slug, "", "mien.csv", file, None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(report["encoding"], "windows-1258");
    assert_eq!(report["separator"], ";");
    assert_eq!(report["error"]["code"], "import_has_errors");
    assert_eq!(
        report["errors"],
        json!([{"row": 4, "column": "Tồn kho", "message": "tồn kho \"2,5\": đơn vị này không bán lẻ phần thập phân"}]),
        "a bottle is not sold by the half"
    );
    assert_eq!(count_products(&app).await, 0, "all or nothing");

    let (status, report) = app
        .import(
            &seller.client,
            &seller.slug,
            "skip_invalid=true",
            "mien.csv",
            csv_windows_1258(&rows, ';'),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (report["new"].as_u64(), report["invalid"].as_u64()),
        (Some(3), Some(1))
    );
    let (name, price, _, unit) = product_row(&app, "MD-1").await;
    assert_eq!(
        name, "Miến dong đặc sản Na Rì",
        "tone marks come back composed (NFC)"
    );
    assert_eq!((price.as_str(), unit.as_str()), ("45000", "goi"));
    assert_eq!(product_row(&app, "MD-2").await.1, "45000");
    assert_eq!(product_row(&app, "MD-4").await.1, "1250000");
    assert_eq!(product_row(&app, "MD-4").await.2, "2.5");

    // A comma-separated UTF-8 file without BOM; Excel quotes a price written with a comma.
    let comma = tests::sheets::csv_text(
        &[
            vec!["sku", "name", "category", "unit", "price"],
            vec!["MD-5", "Miến gạo", "che-bien-ngu-coc", "goi", "250,000"],
        ],
        ',',
    );
    let (status, report) = app
        .import(
            &seller.client,
            &seller.slug,
            "",
            "en.csv",
            comma.into_bytes(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (report["encoding"].as_str(), report["separator"].as_str()),
        (Some("utf-8"), Some(","))
    );
    assert_eq!(product_row(&app, "MD-5").await.1, "250000");
}

/// Posts `file` for a preview and returns status and body.
async fn preview(app: &TestApp, seller: &Seller, file: Vec<u8>) -> (StatusCode, Value) {
    app.import(
        &seller.client,
        &seller.slug,
        "dry_run=true",
        "x.csv",
        file,
        None,
    )
    .await
}

#[tokio::test]
async fn bad_files_get_a_clear_vietnamese_message_and_write_nothing() {
    let app = TestApp::spawn().await;
    let seller = app.seller("htx@example.vn", "HTX Chè Tân Cương").await;
    let file_error = |body: &Value| {
        body["error"]["fields"]["file"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("an image", jpeg([200, 10, 10]), "tệp không phải bảng tính"),
        (
            "a PDF",
            b"%PDF-1.4 ...".to_vec(),
            "tệp không phải bảng tính",
        ),
        (
            "a corrupt xlsx",
            b"PK\x03\x04 this is not a zip at all".to_vec(),
            "không đọc được tệp .xlsx",
        ),
        (
            "an old .xls",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec(),
            ".xls (Excel 97–2003)",
        ),
        ("an empty file", Vec::new(), "tệp trống"),
        (
            "a header only",
            csv_utf8_bom(&[HEADER.to_vec()], ';'),
            "không có dòng sản phẩm nào",
        ),
        (
            "no code column",
            csv_utf8_bom(&[vec!["Tên", "Giá"], vec!["Chè", "1000"]], ';'),
            "thiếu cột \"Mã sản phẩm\"",
        ),
        (
            "an unknown column",
            csv_utf8_bom(&[vec!["Mã", "Màu sắc"], vec!["A1", "xanh"]], ';'),
            "cột không nhận ra: \"Màu sắc\"",
        ),
    ];
    for (what, file, says) in cases {
        let (status, body) = app
            .import(&seller.client, &seller.slug, "", "x", file, None)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert!(file_error(&body).contains(says), "{what}: {body}");
    }
    // Missing columns list the expected ones.
    let (_, body) = app
        .import(
            &seller.client,
            &seller.slug,
            "",
            "x",
            csv_utf8_bom(&[vec!["Tên"], vec!["Chè"]], ';'),
            None,
        )
        .await;
    assert!(
        file_error(&body)
            .contains("Mã sản phẩm, Tên, Nhóm, Đơn vị, Giá, Tồn kho, Mô tả, Chỉ dẫn địa lý"),
        "{body}"
    );

    // Row errors: each names its row, its column and why.
    let rows = vec![
        HEADER.to_vec(),
        vec!["A-1", "Chè một", "che", "kg", "100.000", "1", "", ""],
        vec!["A-1", "Chè trùng mã", "che", "kg", "100.000", "1", "", ""],
        vec![
            "A-2",
            "Chè nhóm lạ",
            "ca-chua",
            "kg",
            "100.000",
            "1",
            "",
            "",
        ],
        vec![
            "A-3",
            "Chè CDDL lạ",
            "che",
            "kg",
            "100.000",
            "1",
            "",
            "Phú Quốc",
        ],
        vec!["A-4", "Chè giá âm", "che", "kg", "-5.000", "1", "", ""],
        vec![
            "A-5",
            "Chè giá khủng",
            "che",
            "kg",
            "250.000.000.000",
            "1",
            "",
            "",
        ],
        vec!["A-6", "Chè đơn vị lạ", "che", "thùng", "1.000", "1", "", ""],
        vec!["A-7", "", "che", "kg", "1.000", "1", "", ""],
        vec!["A 8", "Chè mã sai", "che", "kg", "1.000", "1", "", ""],
    ];
    let (status, body) = preview(&app, &seller, csv_utf8_bom(&rows, ';')).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let errors: Vec<(u64, String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = [
        (3, "Mã sản phẩm", "mã A-1 trùng với dòng 2 trong cùng tệp"),
        (4, "Nhóm", "không có nhóm sản phẩm \"ca-chua\""),
        (5, "Chỉ dẫn địa lý", "không có chỉ dẫn địa lý \"Phú Quốc\""),
        (6, "Giá", "phải lớn hơn 0"),
        (7, "Giá", "lớn hơn 1 tỷ đồng"),
        (8, "Đơn vị", "không có đơn vị \"thùng\""),
        (9, "Tên", "sản phẩm mới cần cột \"Tên\""),
        (10, "Mã sản phẩm", "mã sản phẩm chỉ gồm"),
    ];
    assert_eq!(errors.len(), expect.len(), "{errors:#?}");
    for ((row, column, message), (want_row, want_column, says)) in errors.iter().zip(expect) {
        assert_eq!(
            (*row, column.as_str()),
            (want_row, want_column),
            "{message}"
        );
        assert!(message.contains(says), "row {row}: {message}");
    }
    assert_eq!(
        (body["new"].as_u64(), body["invalid"].as_u64()),
        (Some(1), Some(8))
    );
    let (status, body) = app
        .import(
            &seller.client,
            &seller.slug,
            "",
            "x.csv",
            csv_utf8_bom(&rows, ';'),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(count_products(&app).await, 0);
    let audits: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'product.import'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audits, 0, "nothing written, nothing audited");
}
