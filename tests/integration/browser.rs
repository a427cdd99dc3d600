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
