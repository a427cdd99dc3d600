//! The product-list import in headless Chromium at a phone's width: register, create a producer,
//! upload an Excel file, read the preview, apply it, and find the products in the catalog's
//! search. The pages are plain forms; `imports_pages.rs` posts them exactly as a browser without
//! JavaScript does. (Chromedriver never returns from a click that submits a form when JavaScript
//! is switched off, so a real no-JS browser cannot drive this flow here.)

use fantoccini::Locator;
use tests::sheets::xlsx_text;
use tests::{Browser, TestApp};

use super::browser::{fill, submit, wait_for};
use super::imports::HEADER;

#[tokio::test]
async fn a_seller_imports_an_excel_file_in_a_phone_browser() {
    let app = TestApp::spawn().await;
    let browser = Browser::launch_phone(412, 915).await;
    let client = &browser.client;

    client.goto(&app.url("/dang-ky")).await.unwrap();
    fill(client, "display_name", "Chị Lan").await;
    fill(client, "email", "lan@example.vn").await;
    fill(client, "password", "mat-khau-du-dai").await;
    submit(client, "form[action='/dang-ky']").await;
    client.goto(&app.url("/quan-ly/co-so-moi")).await.unwrap();
    fill(client, "name", "HTX Chè Lan Tân Cương").await;
    submit(client, "form[action='/quan-ly/co-so-moi']").await;
    wait_for(
        client,
        "a[href='/quan-ly/htx-che-lan-tan-cuong/nhap-san-pham']",
    )
    .await
    .click()
    .await
    .unwrap();

    let file = std::env::temp_dir().join(format!("cho-ocop-import-{}.xlsx", app.db_name));
    std::fs::write(
        &file,
        xlsx_text(&[
            HEADER.to_vec(),
            vec!["LAN-1", "Chè búp Lan", "che", "kg", "350.000", "12", "", ""],
            vec![
                "LAN-2",
                "Chè nõn tôm Lan",
                "che",
                "hộp",
                "180.000",
                "30",
                "",
                "",
            ],
        ]),
    )
    .unwrap();
    let input = wait_for(client, "input[type='file'][name='file']").await;
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    submit(client, "form[enctype='multipart/form-data']").await;
    let summary = wait_for(client, ".import-summary").await;
    assert_eq!(
        summary.text().await.unwrap(),
        "2 dòng: 2 mới, 0 cập nhật, 0 không đổi, 0 lỗi"
    );
    let rows = client
        .find_all(Locator::Css("table.import-preview tbody tr.import-new"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    submit(client, "form[action$='/ap-dung']").await;
    let notice = wait_for(client, ".notice").await.text().await.unwrap();
    assert!(notice.contains("trong danh mục và tìm kiếm"), "{notice}");

    client
        .goto(&app.url("/san-pham?q=che%20non%20tom"))
        .await
        .unwrap();
    let body = wait_for(client, "main").await.text().await.unwrap();
    assert!(body.contains("Chè nõn tôm Lan"), "{body}");
    std::fs::remove_file(&file).ok();
    browser.close().await;
}
