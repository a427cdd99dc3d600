//! The buying journey in headless Chromium at a phone's width (412 px), hydrated: add two
//! products from two producers, check out as a guest (VietQR for one, COD for the other), see the
//! QR code, then the seller confirms and ships and the buyer's page shows the timeline.

use std::time::Duration;

use fantoccini::{Client, Locator};
use tests::shop::full_sales;
use tests::{Browser, TestApp};

async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} appears"))
}

async fn hydrated(client: &Client) {
    wait_for(client, ".page[data-hydrated='true']").await;
}

async fn fill(client: &Client, name: &str, value: &str) {
    let field = client
        .find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap_or_else(|_| panic!("field {name}"));
    field.clear().await.ok();
    field.send_keys(value).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    wait_for(client, css).await.click().await.unwrap();
}

async fn page_text(client: &Client) -> String {
    client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Waits until the main content says `needle` (pages load their data after client navigation).
async fn wait_text(client: &Client, needle: &str) -> String {
    for _ in 0..100 {
        let text = page_text(client).await;
        if text.contains(needle) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{needle:?} never appeared in: {}", page_text(client).await);
}

#[tokio::test]
async fn a_guest_buys_from_two_producers_in_a_hydrated_phone_browser() {
    let app = TestApp::spawn().await;
    let tea = app.seller("tea@example.vn", "HTX Chè Tân Cương").await;
    let honey = app.seller("honey@example.vn", "HTX Mật ong Võ Nhai").await;
    app.set_sales(&tea, full_sales()).await;
    app.set_sales(&honey, full_sales()).await;
    let che = app
        .product(&tea, "Chè tôm nõn", "250000", "hop", "40")
        .await;
    let mat = app
        .product(&honey, "Mật ong rừng", "180000", "lit", "20")
        .await;

    let browser = Browser::launch().await;
    let client = &browser.client;
    client.set_window_size(412, 915).await.unwrap();

    for product in [&che.slug, &mat.slug] {
        client
            .goto(&app.url(&format!("/san-pham/{product}")))
            .await
            .unwrap();
        hydrated(client).await;
        click(client, "form.add-to-cart button[type='submit']").await;
        // The post comes back to the product page.
        wait_for(client, "form.add-to-cart").await;
    }

    client.goto(&app.url("/gio-hang")).await.unwrap();
    hydrated(client).await;
    let text = wait_text(client, "HTX Mật ong Võ Nhai").await;
    assert!(text.contains("HTX Chè Tân Cương"), "{text}");
    click(client, "a[href='/thanh-toan']").await;
    wait_for(client, "form[action='/thanh-toan'] [name='phone']").await;
    hydrated(client).await;
    fill(client, "name", "Nguyễn Thị Lan").await;
    fill(client, "phone", "0912 345 678").await;
    client
        .find(Locator::Css("select[name='commune_code']"))
        .await
        .unwrap()
        .select_by_value("05503")
        .await
        .unwrap();
    fill(client, "address", "Số 5, xóm Soi Mít").await;
    for (slug, delivery, payment) in [
        (&tea.slug, "pickup", "bank_transfer"),
        (&honey.slug, "ship", "cod"),
    ] {
        click(
            client,
            &format!("input[name='delivery.{slug}'][value='{delivery}']"),
        )
        .await;
        click(
            client,
            &format!("input[name='payment.{slug}'][value='{payment}']"),
        )
        .await;
    }
    click(client, "form[action='/thanh-toan'] button[type='submit']").await;

    wait_for(client, "a.order-link").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/dat-hang/xong");
    let mut links = Vec::new();
    for link in client.find_all(Locator::Css("a.order-link")).await.unwrap() {
        links.push(link.prop("href").await.unwrap().unwrap());
    }
    assert_eq!(links.len(), 2);

    // The bank-transfer order shows its QR code; the COD one is the honey seller's.
    let mut honey_link = None;
    for link in &links {
        client.goto(link).await.unwrap();
        hydrated(client).await;
        let text = wait_text(client, "Tổng cộng").await;
        if text.contains("HTX Chè Tân Cương") {
            wait_for(client, ".vietqr svg").await;
            assert!(text.contains("HTX CHE TAN CUONG"), "{text}");
        } else {
            assert!(text.contains("Thanh toán khi nhận hàng"), "{text}");
            honey_link = Some(link.clone());
        }
    }
    let honey_link = honey_link.expect("the honey order");
    let code = honey_link
        .split("/don-hang/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();

    // The honey seller signs in, opens the order from the inbox, confirms and ships it.
    let inbox = format!("/quan-ly/{}/don-hang", honey.slug);
    client
        .goto(&app.url(&format!("/dang-nhap?next={inbox}")))
        .await
        .unwrap();
    hydrated(client).await;
    fill(client, "email", "honey@example.vn").await;
    fill(client, "password", "mat-khau-du-dai").await;
    click(client, "form[action='/dang-nhap'] button[type='submit']").await;
    click(client, &format!("a[href='{inbox}/{code}']")).await;
    click(client, "form.action-confirmed button[type='submit']").await;
    wait_text(client, "Đã cập nhật đơn").await;
    wait_for(client, "form.action-shipping [name='tracking']").await;
    fill(client, "tracking", "VNP-123456").await;
    click(client, "form.action-shipping button[type='submit']").await;
    wait_for(client, "form.action-delivered").await;

    client.goto(&honey_link).await.unwrap();
    hydrated(client).await;
    let text = wait_text(client, "Đang giao").await;
    for step in ["Chờ xác nhận", "Đã xác nhận", "VNP-123456"] {
        assert!(text.contains(step), "{step}: {text}");
    }

    browser.close().await;
}
