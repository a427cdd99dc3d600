//! Real-browser checks in headless Chromium: server-rendered content, then hydration.

use std::time::Duration;

use fantoccini::Locator;
use tests::{Browser, TestApp};

#[tokio::test]
async fn the_home_page_renders_on_the_server_and_then_hydrates() {
    let app = TestApp::spawn().await;
    let browser = Browser::launch().await;
    let client = &browser.client;
    client.goto(&app.url("/")).await.unwrap();

    let heading = client.find(Locator::Css("h1")).await.unwrap();
    assert_eq!(
        heading.text().await.unwrap(),
        "Đặc sản OCOP từ tận nơi sản xuất"
    );

    // Only hydrated code sets data-hydrated and makes the menu button react.
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".page[data-hydrated='true']"))
        .await
        .expect("the page hydrates");
    let toggle = client.find(Locator::Css(".menu-toggle")).await.unwrap();
    assert_eq!(
        toggle.attr("aria-expanded").await.unwrap().as_deref(),
        Some("false")
    );
    let nav = client.find(Locator::Id("site-nav")).await.unwrap();
    assert!(
        !nav.is_displayed().await.unwrap(),
        "the hydrated menu starts collapsed on a phone"
    );

    toggle.click().await.unwrap();
    assert_eq!(
        toggle.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    assert!(nav.is_displayed().await.unwrap());

    browser.close().await;
}

/// Fills a field found by its `name`.
async fn fill(client: &fantoccini::Client, name: &str, value: &str) {
    let field = client
        .find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap_or_else(|_| panic!("field {name}"));
    field.clear().await.ok();
    field.send_keys(value).await.unwrap();
}

async fn submit(client: &fantoccini::Client, form: &str) {
    client
        .find(Locator::Css(&format!("{form} button[type='submit']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn wait_for(client: &fantoccini::Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} appears"))
}

/// The producer's whole journey in a real browser: register, create an HTX, add a product with a
/// photo, schedule a livestream pinning it, then find both on the public pages.
#[tokio::test]
async fn a_new_producer_lists_a_product_and_a_livestream_in_the_browser() {
    let app = TestApp::spawn().await;
    let browser = Browser::launch().await;
    let client = &browser.client;

    client.goto(&app.url("/dang-ky")).await.unwrap();
    fill(client, "display_name", "Anh Đạt").await;
    fill(client, "email", "dat@example.vn").await;
    fill(client, "password", "mat-khau-du-dai").await;
    submit(client, "form[action='/dang-ky']").await;
    wait_for(client, "a[href='/quan-ly/co-so-moi']")
        .await
        .click()
        .await
        .unwrap();

    wait_for(client, "form[action='/quan-ly/co-so-moi']").await;
    fill(client, "name", "HTX Chè Hảo Đạt").await;
    client
        .find(Locator::Css("select[name='kind']"))
        .await
        .unwrap()
        .select_by_value("htx")
        .await
        .unwrap();
    fill(client, "old_commune", "Tân Cương").await;
    submit(client, "form[action='/quan-ly/co-so-moi']").await;
    let heading = wait_for(client, "h1").await;
    assert_eq!(heading.text().await.unwrap(), "HTX Chè Hảo Đạt");
    let desk = "/quan-ly/htx-che-hao-dat";
    assert_eq!(client.current_url().await.unwrap().path(), desk);

    client
        .goto(&app.url(&format!("{desk}/san-pham-moi")))
        .await
        .unwrap();
    wait_for(client, "form[method='post']").await;
    fill(client, "name", "Chè móc câu Hảo Đạt").await;
    for (name, value) in [("category_code", "che"), ("unit", "kg")] {
        client
            .find(Locator::Css(&format!("select[name='{name}']")))
            .await
            .unwrap()
            .select_by_value(value)
            .await
            .unwrap();
    }
    fill(client, "price_vnd", "420000").await;
    fill(client, "stock", "25").await;
    submit(client, "form.stack-form").await;
    wait_for(client, "input[type='file'][name='file']").await;

    let photo = std::env::temp_dir().join(format!("cho-ocop-{}.png", std::process::id()));
    image::RgbImage::from_fn(80, 60, |x, y| image::Rgb([x as u8 * 3, y as u8 * 4, 120]))
        .save(&photo)
        .unwrap();
    // Hydrated, the page previews the chosen photo before it is sent.
    wait_for(client, ".page[data-hydrated='true']").await;
    let upload = wait_for(client, "input[type='file'][name='file']").await;
    upload.send_keys(photo.to_str().unwrap()).await.unwrap();
    wait_for(client, "img.upload-preview").await;
    submit(client, "form[enctype='multipart/form-data']").await;
    wait_for(client, ".photo img").await;
    let editor_path = client.current_url().await.unwrap().path().to_owned();
    let product_id = editor_path.rsplit('/').next().unwrap().to_owned();
    std::fs::remove_file(&photo).ok();

    client
        .goto(&app.url(&format!("{desk}/livestream-moi")))
        .await
        .unwrap();
    wait_for(client, "input[name='product_ids']").await;
    fill(client, "title", "Sao chè trực tiếp").await;
    client
        .find(Locator::Css("select[name='platform']"))
        .await
        .unwrap()
        .select_by_value("youtube")
        .await
        .unwrap();
    fill(client, "url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ").await;
    // Typing into datetime-local depends on the browser's locale; setting the value does not.
    client
        .execute(
            "document.querySelector(\"[name='starts_at']\").value = '2030-01-05T08:30';",
            vec![],
        )
        .await
        .unwrap();
    client
        .find(Locator::Css(&format!("input[value='{product_id}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(client, "form.stack-form").await;
    wait_for(client, ".live-strip").await;
    assert_eq!(client.current_url().await.unwrap().path(), desk);

    // The public side: the livestream page and the product's page with its "Sắp live" strip.
    client.goto(&app.url("/livestream")).await.unwrap();
    let body = wait_for(client, "main").await.text().await.unwrap();
    assert!(body.contains("Sao chè trực tiếp"), "{body}");
    client
        .goto(&app.url("/san-pham/che-moc-cau-hao-dat"))
        .await
        .unwrap();
    let body = wait_for(client, "main").await.text().await.unwrap();
    assert!(body.contains("Chè móc câu Hảo Đạt"), "{body}");
    assert!(body.contains("Sao chè trực tiếp"), "{body}");
    let images = client.find_all(Locator::Css("main img")).await.unwrap();
    assert!(!images.is_empty(), "the photo shows on the public page");

    browser.close().await;
}
