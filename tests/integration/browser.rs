//! Real-browser checks in headless Chromium: server-rendered content, then islands waking up.

use std::time::Duration;

use fantoccini::Locator;
use tests::{Browser, TestApp};

/// Islands mode: the page is server HTML, and the islands' code (wasm) is fetched only once one
/// of them is first used. Before that, no wasm; the menu is a row of links; then typing in the
/// search box (its island now awake) suggests products.
#[tokio::test]
async fn the_home_page_renders_on_the_server_and_wakes_its_islands_on_first_use() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_in_client("chu@htx-mien.vn").await;
    let slug = app
        .create_producer(
            &owner,
            serde_json::json!({ "name": "HTX Miến Na Rì", "kind": "htx" }),
        )
        .await
        .slug;
    app.create_product(
        &owner,
        &slug,
        serde_json::json!({ "name": "Miến dong Bình Liêu", "category_code": "che-bien-ngu-coc",
                            "price_vnd": "90000", "unit": "goi", "stock": "5" }),
    )
    .await;
    let browser = Browser::launch_phone(412, 915).await;
    let client = &browser.client;
    client.goto(&app.url("/")).await.unwrap();

    let heading = client.find(Locator::Css("h1")).await.unwrap();
    assert_eq!(
        heading.text().await.unwrap(),
        "Đặc sản OCOP từ tận nơi sản xuất"
    );
    let nav = client.find(Locator::Id("site-nav")).await.unwrap();
    assert!(
        nav.is_displayed().await.unwrap(),
        "the links show on a phone"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(wasm_requests(client).await, 0, "nothing used yet, no wasm");

    wake(client, "form.site-search").await;
    assert_eq!(wasm_requests(client).await, 1);
    let search = client
        .find(Locator::Css("form.site-search input[name='q']"))
        .await
        .unwrap();
    search.send_keys("mien dong").await.unwrap();
    let suggestion = wait_for(client, ".suggestions li a").await;
    assert_eq!(suggestion.text().await.unwrap(), "Miến dong Bình Liêu");

    browser.close().await;
}

/// How many wasm files this document has fetched.
async fn wasm_requests(client: &fantoccini::Client) -> u64 {
    client
        .execute(
            "return performance.getEntriesByType('resource') \
               .filter(e => e.name.endsWith('.wasm')).length;",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

/// Islands load their code on first use: focuses a control of the first island matching `css`
/// (as a tap would), then waits until the loader says every island of the page is awake.
pub(crate) async fn wake(client: &fantoccini::Client, css: &str) {
    client
        .execute(
            "window.__errors = []; const log = console.error; \
             console.error = (...args) => { window.__errors.push(args.join(' ')); log(...args); }; \
             const root = document.querySelector(arguments[0]); \
             (root.querySelector('input:not([type=hidden]),button,select,textarea') || root).focus();",
            vec![css.into()],
        )
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    let awake = client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("html[data-islands='awake']"))
        .await;
    if awake.is_err() {
        let said = client
            .execute(
                "return [document.documentElement.dataset.islands, window.__errors, location.href];",
                vec![],
            )
            .await;
        panic!("the islands did not wake: {said:?}");
    }
}

/// Fills a field found by its `name`.
pub(crate) async fn fill(client: &fantoccini::Client, name: &str, value: &str) {
    let field = client
        .find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap_or_else(|_| panic!("field {name}"));
    field.clear().await.ok();
    field.send_keys(value).await.unwrap();
}

pub(crate) async fn submit(client: &fantoccini::Client, form: &str) {
    let page = client.find(Locator::Css("html")).await.unwrap();
    client
        .find(Locator::Css(&format!("{form} button[type='submit']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // A plain form post replaces the document: wait until it has, so that what the test reads
    // next is the answer, not the page it just left (a loaded machine answers slowly).
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while page.tag_name().await.is_ok() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn wait_for(
    client: &fantoccini::Client,
    css: &str,
) -> fantoccini::elements::Element {
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
    // Awake, the photo's island previews the chosen photo before it is sent.
    wake(client, ".photo-picker").await;
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

/// WCAG relative luminance of an sRGB colour.
fn luminance([r, g, b]: [f64; 3]) -> f64 {
    let channel = |c: f64| {
        let c = c / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// "rgb(29, 35, 32)" or "rgba(…)" → the three channels.
fn rgb(css: &str) -> [f64; 3] {
    let inner = css[css.find('(').unwrap() + 1..css.find(')').unwrap()].to_owned();
    let parts: Vec<f64> = inner
        .split(',')
        .map(|p| p.trim().parse().unwrap())
        .collect();
    [parts[0], parts[1], parts[2]]
}

/// Issue 13, item 3: the header's search box showed white text on white. What was searched must
/// be readable: by the computed colours, and by the pixels of a screenshot of the box.
#[tokio::test]
async fn the_header_search_text_is_readable_on_a_phone() {
    let app = TestApp::spawn().await;
    let browser = Browser::launch_phone(412, 915).await;
    let client = &browser.client;
    client
        .goto(&app.url("/san-pham?q=ch%C3%A8%20xanh%20Th%C3%A1i%20Nguy%C3%AAn"))
        .await
        .unwrap();
    let input = wait_for(client, ".site-search input[type='search']").await;
    assert_eq!(
        input.prop("value").await.unwrap().as_deref(),
        Some("chè xanh Thái Nguyên")
    );

    let colours = client
        .execute(
            "const s = getComputedStyle(arguments[0]); \
             return [s.color, s.backgroundColor, window.devicePixelRatio, window.innerWidth];",
            vec![serde_json::to_value(&input).unwrap()],
        )
        .await
        .unwrap();
    let (text, background) = (
        rgb(colours[0].as_str().unwrap()),
        rgb(colours[1].as_str().unwrap()),
    );
    assert_eq!(colours[3], 412, "a 412 px wide phone screen");
    let ratio = contrast(text, background);
    assert!(
        ratio >= 4.5,
        "search text {colours} has contrast {ratio:.2}:1 against its background (WCAG AA: 4.5)"
    );

    // The screenshot: inside the box (clear of its border), some pixels must stand out from
    // the box's own background — the letters of the query.
    let scale = colours[2].as_f64().unwrap_or(1.0);
    let (x, y, w, h) = input.rectangle().await.unwrap();
    let png = client.screenshot().await.unwrap();
    // Kept for a person to look at when this fails.
    std::fs::write(
        std::env::temp_dir().join("cho-ocop-header-search-412.png"),
        &png,
    )
    .ok();
    let shot = image::load_from_memory(&png).unwrap().to_rgb8();
    let inset = 4.0;
    let (x0, y0) = (((x + inset) * scale) as u32, ((y + inset) * scale) as u32);
    let (x1, y1) = (
        (((x + w - inset) * scale) as u32).min(shot.width()),
        (((y + h - inset) * scale) as u32).min(shot.height()),
    );
    assert!(
        x1 > x0 && y1 > y0,
        "the search box is on screen: {x},{y} {w}×{h}"
    );
    let mut text_pixels = 0;
    for py in y0..y1 {
        for px in x0..x1 {
            let p = shot.get_pixel(px, py).0;
            if contrast([p[0].into(), p[1].into(), p[2].into()], background) >= 3.0 {
                text_pixels += 1;
            }
        }
    }
    assert!(
        text_pixels >= 40,
        "only {text_pixels} pixels of the search box differ from its background: the query is invisible"
    );

    browser.close().await;
}

/// A producer with one product made through the API, and a browser signed in as its owner
/// (through the login form); returns the product's workspace page.
async fn signed_in_owner_with_a_product(app: &TestApp, client: &fantoccini::Client) -> String {
    let (api, _) = app.signed_in_client("chu@example.vn").await;
    let slug = app
        .create_producer(
            &api,
            serde_json::json!({ "name": "HTX Chè Phúc Xuân", "kind": "htx" }),
        )
        .await
        .slug;
    let product = app
        .create_product(
            &api,
            &slug,
            serde_json::json!({ "name": "Chè búp Phúc Xuân", "category_code": "che",
                "price_vnd": "300000", "unit": "kg", "stock": "10" }),
        )
        .await;
    client.goto(&app.url("/dang-nhap")).await.unwrap();
    fill(client, "email", "chu@example.vn").await;
    fill(client, "password", "mat-khau-du-dai").await;
    submit(client, "form[action='/dang-nhap']").await;
    wait_for(client, "a[href='/quan-ly/co-so-moi']").await;
    format!("/quan-ly/{slug}/san-pham/{}", product.id)
}

/// Issue 13, item 7: the message about a refused photo goes once another file is chosen.
#[tokio::test]
async fn choosing_another_photo_clears_the_last_upload_error() {
    let app = TestApp::spawn().await;
    let browser = Browser::launch_phone(412, 915).await;
    let client = &browser.client;
    let editor = signed_in_owner_with_a_product(&app, client).await;
    client.goto(&app.url(&editor)).await.unwrap();

    let dir = std::env::temp_dir().join(format!("cho-ocop-photos-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let fake = dir.join("khong-phai-anh.png");
    std::fs::write(&fake, b"not a picture").unwrap();
    let photo = dir.join("anh-that.png");
    image::RgbImage::from_fn(80, 60, |x, y| image::Rgb([x as u8 * 3, y as u8 * 4, 120]))
        .save(&photo)
        .unwrap();

    let upload = wait_for(client, "input[type='file'][name='file']").await;
    upload.send_keys(fake.to_str().unwrap()).await.unwrap();
    submit(client, "form[enctype='multipart/form-data']").await;
    let error = wait_for(client, ".photos .field-error").await;
    assert!(error.text().await.unwrap().contains("tệp không phải ảnh"));

    wake(client, ".photo-picker").await;
    let upload = wait_for(client, "input[type='file'][name='file']").await;
    upload.send_keys(photo.to_str().unwrap()).await.unwrap();
    wait_for(client, "img.upload-preview").await;
    let left = client
        .find_all(Locator::Css(".photos .field-error"))
        .await
        .unwrap();
    assert!(
        left.is_empty(),
        "the old error is gone once a new file is chosen"
    );

    std::fs::remove_dir_all(&dir).ok();
    browser.close().await;
}

/// Issue 13, item 1 (its island awake): the price box says what the server will read while one types.
#[tokio::test]
async fn the_price_box_echoes_the_amount_while_typing() {
    let app = TestApp::spawn().await;
    let browser = Browser::launch_phone(412, 915).await;
    let client = &browser.client;
    let editor = signed_in_owner_with_a_product(&app, client).await;
    client.goto(&app.url(&editor)).await.unwrap();
    let echo = wait_for(client, "output.echo[for='f-price_vnd']").await;
    assert_eq!(echo.text().await.unwrap(), "= 300.000 ₫", "the saved price");
    wake(client, ".echo-input").await;
    fill(client, "price_vnd", "1.250.000 đ").await;
    let echo = wait_for(client, "output.echo[for='f-price_vnd']").await;
    assert_eq!(echo.text().await.unwrap(), "= 1.250.000 ₫");
    fill(client, "stock", "1.000").await;
    let echo = wait_for(client, "output.echo[for='f-stock']").await;
    assert_eq!(
        echo.text().await.unwrap(),
        "= 1",
        "a dot in stock is a decimal mark"
    );
    browser.close().await;
}

/// Issue 13, item 5: without JavaScript the header took ~190 of 915 px on a 412 px phone, and
/// the commune filter cut its labels ("Xã Tân Cương (7"). The header must stay compact and every
/// commune label fit its box.
#[tokio::test]
async fn without_javascript_the_phone_header_is_compact_and_filter_labels_fit() {
    let app = TestApp::spawn().await;
    // A product from the commune with the longest name, so the filter offers that label.
    let (commune,): (String,) =
        sqlx::query_as("select code from communes order by char_length(name) desc, code limit 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let (owner, _) = app.signed_in_client("chu@htx-xa-xa.vn").await;
    let slug = app
        .create_producer(
            &owner,
            serde_json::json!({ "name": "HTX Xa Xa", "kind": "htx", "commune_code": commune }),
        )
        .await
        .slug;
    app.create_product(
        &owner,
        &slug,
        serde_json::json!({ "name": "Chè xanh", "category_code": "che",
                            "price_vnd": "120000", "unit": "hop", "stock": "5" }),
    )
    .await;
    let browser = Browser::launch_phone_without_js(412, 915).await;
    let client = &browser.client;
    client.goto(&app.url("/san-pham")).await.unwrap();
    wait_for(client, "select[name='commune']").await;
    let measured = client
        .execute(
            "const header = document.querySelector('.site-header').getBoundingClientRect(); \
             const select = document.querySelector(\"select[name='commune']\"); \
             const style = getComputedStyle(select); \
             const ctx = document.createElement('canvas').getContext('2d'); \
             ctx.font = style.fontSize + ' ' + style.fontFamily; \
             const widest = Math.max(...Array.from(select.options).map(o => ctx.measureText(o.text).width)); \
             const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24; \
             return [header.height, widest, room, window.innerWidth, \
                     document.documentElement.hasAttribute('data-islands'), \
                     document.documentElement.scrollWidth, select.options.length];",
            vec![],
        )
        .await
        .unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(
        std::env::temp_dir().join("cho-ocop-catalog-nojs-412.png"),
        &png,
    )
    .ok();
    assert_eq!(measured[3], 412, "{measured}");
    assert_eq!(measured[4], false, "JavaScript is off: {measured}");
    let header = measured[0].as_f64().unwrap();
    assert!(header <= 120.0, "the header takes {header} px of 915");
    let (widest, room) = (measured[1].as_f64().unwrap(), measured[2].as_f64().unwrap());
    assert!(measured[6].as_u64().unwrap() > 1, "{measured}");
    assert!(
        widest <= room,
        "the widest commune label needs {widest} px, the box shows {room}"
    );
    assert!(measured[5].as_f64().unwrap() <= 412.0, "no sideways scroll");
    browser.close().await;
}
