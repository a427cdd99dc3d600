//! Issue 19: a shared product link unfurls with a picture. A product with a photo offers the
//! photo as `og:image`; one without offers its share card (`/san-pham/{slug}/anh-chia-se.png`),
//! a 1200×630 PNG that changes when the product does and answers a repeat ask with 304.

use reqwest::StatusCode;
use serde_json::json;
use tests::TestApp;

fn og_image(html: &str) -> String {
    let tag = html
        .split("<meta property=\"og:image\" content=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no og:image in {html}"));
    tag[..tag.find('"').unwrap()].to_owned()
}

/// A signed-in owner of a new HTX with one product, `name` at `price` a box.
async fn owner_and_product(
    app: &TestApp,
    name: &str,
    price: &str,
) -> (reqwest::Client, frontend::api::ProductDetail) {
    let (owner, _) = app.signed_in_client("chu@htx-thai-nguyen.vn").await;
    let producer = app
        .create_producer(&owner, json!({ "name": "HTX Thái Nguyên", "kind": "htx" }))
        .await
        .slug;
    let product = app
        .create_product(
            &owner,
            &producer,
            json!({ "name": name, "category_code": "che",
                    "price_vnd": price, "unit": "hop", "stock": "5" }),
        )
        .await;
    (owner, product)
}

#[tokio::test]
async fn a_product_without_a_photo_shares_its_card() {
    let app = TestApp::spawn().await;
    let (owner, product) = owner_and_product(&app, "Chè Đinh Tân Cương", "350000").await;

    let (_, html) = app.get_html(&format!("/san-pham/{}", product.slug)).await;
    let image = og_image(&html);
    let path = format!("/san-pham/{}/anh-chia-se.png", product.slug);
    assert!(image.ends_with(&path), "{image}");
    assert!(image.starts_with("http"), "absolute: {image}");
    assert!(html.contains(r#"<meta property="og:image:width" content="1200">"#));
    assert!(html.contains(r#"<meta property="og:image:height" content="630">"#));

    let card = app.get(&path).await;
    assert_eq!(card.status(), StatusCode::OK);
    assert_eq!(card.headers()["content-type"], "image/png");
    let etag = card.headers()["etag"].to_str().unwrap().to_owned();
    let png = card.bytes().await.unwrap();
    let picture = image::load_from_memory(&png).expect("a PNG");
    assert_eq!((picture.width(), picture.height()), (1200, 630));

    let again = app.get_if_none_match(&path, &etag).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // A new price is a new picture.
    let (status, body) = app
        .send_json(
            &owner,
            reqwest::Method::PATCH,
            &format!("/api/v1/products/{}", product.id),
            Some(json!({ "price_vnd": "390000" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let changed = app.get(&path).await;
    assert_ne!(changed.headers()["etag"], etag.as_str());
    assert_ne!(changed.bytes().await.unwrap(), png);

    let missing = app.get("/san-pham/khong-co/anh-chia-se.png").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_product_with_a_photo_shares_the_photo() {
    let app = TestApp::spawn().await;
    let (owner, product) = owner_and_product(&app, "Mật ong rừng Võ Nhai", "300000").await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(photo_900x600())
            .file_name("mat-ong.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    let response = owner
        .post(app.url(&format!("/api/v1/products/{}/images", product.id)))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);

    let (_, html) = app.get_html(&format!("/san-pham/{}", product.slug)).await;
    let image = og_image(&html);
    assert!(image.contains("/media/products/"), "{image}");
    // The main photo is sized (no layout shift) and offers the thumbnail and the full photo.
    let main = html
        .split("<img")
        .skip(1)
        .map(|tag| &tag[..tag.find('>').unwrap()])
        .find(|tag| tag.contains("class=\"main\""))
        .unwrap_or_else(|| panic!("the main photo in {html}"));
    for attribute in [
        "srcset=",
        " 400w, ",
        " 900w\"",
        "sizes=",
        "width=\"900\"",
        "height=\"600\"",
    ] {
        assert!(main.contains(attribute), "{attribute} in {main}");
    }
}

/// A photo wider than a thumbnail, so the page has two sizes to offer.
fn photo_900x600() -> Vec<u8> {
    let image = image::RgbImage::from_fn(900, 600, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut bytes = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    bytes
}
