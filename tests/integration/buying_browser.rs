//! The buying journey in headless Chromium at a phone's width (412 px), islands awake: add two
//! products from two producers, check out as a guest (VietQR for one, COD for the other), see the
//! QR code, then the seller confirms and ships and the buyer's page shows the timeline. Also:
//! once its island is awake, "Thêm vào giỏ" adds without a page load and answers beside the button.

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

/// Wakes the page's islands (their code loads on first use) and waits until all are awake.
async fn hydrated(client: &Client) {
    crate::browser::wake(client, "form.site-search").await;
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
    // The page may be replaced between finding `main` and reading it (a navigation finishing
    // on a loaded machine): read the new one then.
    for _ in 0..50 {
        if let Ok(main) = client.find(Locator::Css("main")).await
            && let Ok(text) = main.text().await
        {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "no readable <main> on {:?}",
        client.current_url().await.ok()
    );
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

/// Marks the current document: the mark survives only if the page is not loaded again.
async fn mark_page(client: &Client) {
    client
        .execute("window.__stayed = true;", vec![])
        .await
        .unwrap();
}

async fn still_marked(client: &Client) -> bool {
    client
        .execute("return window.__stayed === true;", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false)
}

/// The header's "(N)" (its row of links may be scrolled on a phone, so read the DOM rather than what shows).
async fn header_count(client: &Client) -> String {
    client
        .execute(
            "const c = document.querySelector('.cart-link .cart-count'); return c ? c.textContent : '';",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn wait_header_count(client: &Client, expected: &str) {
    for _ in 0..100 {
        if header_count(client).await == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "header count {:?}, not {expected:?}",
        header_count(client).await
    );
}

/// Clicks the first "Thêm vào giỏ" under `scope` and returns what appears beside it, after
/// checking the page did not load again (same URL, the mark kept).
async fn add_in_place(client: &Client, scope: &str, answer: &str) -> String {
    let url = client.current_url().await.unwrap();
    mark_page(client).await;
    click(
        client,
        &format!("{scope} form.add-to-cart button[type='submit']"),
    )
    .await;
    let text = wait_for(client, &format!("{scope} .add-to-cart-status {answer}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(client.current_url().await.unwrap(), url);
    assert!(still_marked(client).await, "the page was loaded again");
    text
}

async fn cart_quantity(client: &Client, product_id: &str) -> String {
    wait_for(
        client,
        &format!("form[action='/gio-hang/{product_id}'] [name='quantity']"),
    )
    .await
    .prop("value")
    .await
    .unwrap()
    .unwrap_or_default()
}

#[tokio::test]
async fn hydrated_add_to_cart_buttons_answer_in_place_without_a_page_load() {
    let app = TestApp::spawn().await;
    let tea = app.seller("tea@example.vn", "HTX Chè Tân Cương").await;
    // No sales settings: its products can be seen but not ordered.
    let idle = app.seller("idle@example.vn", "HTX Miến Dong").await;
    app.set_sales(&tea, full_sales()).await;
    let che = app
        .product(&tea, "Chè tôm nõn", "250000", "hop", "40")
        .await;
    let bup = app.product(&tea, "Chè búp", "150000", "hop", "2").await;
    app.product(&idle, "Miến dong", "60000", "hop", "10").await;

    let browser = Browser::launch_phone(412, 915).await;
    let client = &browser.client;

    // A product card on the producer's page (cards have no quantity box: one more each time).
    client
        .goto(&app.url(&format!("/co-so/{}", tea.slug)))
        .await
        .unwrap();
    hydrated(client).await;
    assert_eq!(header_count(client).await, "");
    let card = format!(".product-card:has(a[href='/san-pham/{}'])", che.slug);
    let text = add_in_place(client, &card, ".added").await;
    assert!(text.contains("Đã thêm vào giỏ"), "{text}");
    wait_for(
        client,
        &format!("{card} .add-to-cart-status a[href='/gio-hang']"),
    )
    .await;
    wait_header_count(client, "(1)").await;

    // A product page with a quantity: it adds to what the cart holds.
    client
        .goto(&app.url(&format!("/san-pham/{}", che.slug)))
        .await
        .unwrap();
    hydrated(client).await;
    fill(client, "quantity", "2").await;
    add_in_place(client, "", ".added").await;
    // The same line: still one line.
    wait_header_count(client, "(1)").await;

    client
        .goto(&app.url(&format!("/san-pham/{}", bup.slug)))
        .await
        .unwrap();
    hydrated(client).await;
    fill(client, "quantity", "5").await;
    let text = add_in_place(client, "", ".error").await;
    assert!(text.contains("chỉ còn 2"), "{text}");
    wait_header_count(client, "(1)").await;
    fill(client, "quantity", "2").await;
    add_in_place(client, "", ".added").await;
    wait_header_count(client, "(2)").await;

    // A producer without sales settings: refused where the button is, nothing added.
    client
        .goto(&app.url(&format!("/co-so/{}", idle.slug)))
        .await
        .unwrap();
    hydrated(client).await;
    let text = add_in_place(client, ".product-card", ".error").await;
    assert!(text.contains("chưa nhận đặt hàng"), "{text}");
    assert_eq!(header_count(client).await, "(2)");

    client.goto(&app.url("/gio-hang")).await.unwrap();
    hydrated(client).await;
    assert_eq!(cart_quantity(client, &che.id).await, "3");
    assert_eq!(cart_quantity(client, &bup.id).await, "2");
    let text = page_text(client).await;
    assert!(!text.contains("Miến dong"), "{text}");

    browser.close().await;
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
        // Hydrated, the addition is answered in place (the next page load must not cut it off).
        wait_for(client, ".add-to-cart-status .added").await;
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
