//! The producer's writes through the API: who may do what (the whole matrix), validation, the audit
//! trail, and photo uploads to local disk and to a real S3-protocol server.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use server::config::MediaBackendKind;
use tests::{S3Server, TestApp};

/// The six kinds of requester the matrix walks.
struct Cast {
    anonymous: Client,
    buyer: Client,
    member: Client,
    owner: Client,
    other_member: Client,
    curator: Client,
    admin: Client,
    producer_slug: String,
    member_email: String,
}

async fn cast(app: &TestApp) -> Cast {
    let (owner, _) = app.signed_in_client("owner@example.vn").await;
    let producer_slug = app
        .create_producer(
            &owner,
            json!({ "name": "HTX chè Tân Cương Xanh", "kind": "htx" }),
        )
        .await
        .slug;
    let (member, _) = app.signed_in_client("member@example.vn").await;
    app.add_member(
        &owner,
        &producer_slug,
        &member,
        "member@example.vn",
        "member",
    )
    .await;
    let (other_member, _) = app.signed_in_client("other@example.vn").await;
    app.send_json(
        &other_member,
        Method::POST,
        "/api/v1/producers",
        Some(json!({ "name": "HTX Khác", "kind": "htx" })),
    )
    .await;
    let (buyer, _) = app.signed_in_client("buyer@example.vn").await;
    let (curator, curator_id) = app.signed_in_client("curator@example.vn").await;
    app.grant(&curator_id, "curator").await;
    let (admin, admin_id) = app.signed_in_client("admin@example.vn").await;
    app.grant(&admin_id, "admin").await;
    Cast {
        anonymous: TestApp::new_client(),
        buyer,
        member,
        owner,
        other_member,
        curator,
        admin,
        producer_slug,
        member_email: "member@example.vn".into(),
    }
}

fn product_body(name: &str) -> Value {
    json!({ "name": name, "category_code": "che", "price_vnd": "250000", "unit": "hop", "stock": "10" })
}

async fn new_product(app: &TestApp, cast: &Cast, name: &str) -> String {
    app.create_product(&cast.owner, &cast.producer_slug, product_body(name))
        .await
        .id
}

fn tiny_jpeg() -> Vec<u8> {
    let image =
        image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 120]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    bytes
}

async fn upload(
    app: &TestApp,
    client: &Client,
    product_id: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes)
            .file_name("anh.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    let response = client
        .post(app.url(&format!("/api/v1/products/{product_id}/images")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn the_authorization_matrix_holds_for_every_route() {
    let app = TestApp::spawn().await;
    let cast = cast(&app).await;
    let slug = cast.producer_slug.clone();
    let who: [(&str, &Client); 7] = [
        ("anonymous", &cast.anonymous),
        ("buyer", &cast.buyer),
        ("member", &cast.member),
        ("owner", &cast.owner),
        ("other producer's member", &cast.other_member),
        ("curator", &cast.curator),
        ("admin", &cast.admin),
    ];
    // Expected statuses in the order of `who`.
    const MEMBERS_ONLY: [u16; 7] = [401, 403, 0, 0, 403, 403, 403];
    const OWNER_ONLY: [u16; 7] = [401, 403, 403, 0, 403, 403, 403];

    for (i, (name, client)) in who.iter().enumerate() {
        let check = |route: &str, status: StatusCode, expected: u16, ok: u16| {
            let expected = if expected == 0 { ok } else { expected };
            assert_eq!(status.as_u16(), expected, "{route} as {name}");
        };
        let (status, _) = app.send_json(client, Method::GET, "/api/v1/me", None).await;
        check("GET /me", status, [401, 0, 0, 0, 0, 0, 0][i], 200);

        let (status, _) = app
            .send_json(
                client,
                Method::POST,
                "/api/v1/producers",
                Some(json!({ "name": format!("Cơ sở {i}"), "kind": "household" })),
            )
            .await;
        check("POST /producers", status, [401, 0, 0, 0, 0, 0, 0][i], 201);

        let (status, _) = app
            .send_json(
                client,
                Method::PATCH,
                &format!("/api/v1/producers/{slug}"),
                Some(json!({ "description": format!("lần {i}") })),
            )
            .await;
        check("PATCH /producers/{slug}", status, OWNER_ONLY[i], 200);

        let (status, _) = app
            .send_json(
                client,
                Method::POST,
                &format!("/api/v1/producers/{slug}/members"),
                Some(json!({ "email": "buyer@example.vn" })),
            )
            .await;
        // The owner's call invites the buyer; that the owner may is what matters here.
        check("POST /producers/{slug}/members", status, OWNER_ONLY[i], 201);

        let (status, _) = app
            .send_json(
                client,
                Method::POST,
                &format!("/api/v1/producers/{slug}/products"),
                Some(product_body(&format!("Chè {i}"))),
            )
            .await;
        check(
            "POST /producers/{slug}/products",
            status,
            MEMBERS_ONLY[i],
            201,
        );

        let product = new_product(&app, &cast, &format!("Sản phẩm thử {i}")).await;
        let (status, _) = app
            .send_json(
                client,
                Method::PATCH,
                &format!("/api/v1/products/{product}"),
                Some(json!({ "stock": "3" })),
            )
            .await;
        check("PATCH /products/{id}", status, MEMBERS_ONLY[i], 200);

        let (status, _) = upload(&app, client, &product, tiny_jpeg()).await;
        check("POST /products/{id}/images", status, MEMBERS_ONLY[i], 201);

        let (status, _) = app
            .send_json(
                client,
                Method::DELETE,
                &format!("/api/v1/products/{product}"),
                None,
            )
            .await;
        check("DELETE /products/{id}", status, MEMBERS_ONLY[i], 204);

        let (status, _) = app
            .send_json(
                client,
                Method::POST,
                &format!("/api/v1/admin/users/{}/roles", uuid::Uuid::nil()),
                Some(json!({ "role": "curator" })),
            )
            .await;
        // The admin reaches the handler, which finds no such user.
        check(
            "POST /admin/users/{id}/roles",
            status,
            [401, 403, 403, 403, 403, 403, 0][i],
            404,
        );
    }

    // Nothing that was refused left a trace: only the allowed writes changed products.
    let untouched: i64 =
        sqlx::query_scalar("select count(*) from products where stock = 3 and status = 'archived'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        untouched, 2,
        "member and owner each edited then archived one product"
    );
}

#[tokio::test]
async fn creating_a_product_checks_every_field_and_writes_nothing_on_error() {
    let app = TestApp::spawn().await;
    let cast = cast(&app).await;
    let path = format!("/api/v1/producers/{}/products", cast.producer_slug);
    for (body, field, why) in [
        (
            json!({ "category_code": "che", "price_vnd": "1000", "unit": "hop" }),
            "name",
            "missing name",
        ),
        (
            json!({ "name": "A", "category_code": "che", "price_vnd": "1000", "unit": "hop" }),
            "name",
            "too short",
        ),
        (
            json!({ "name": "Chè", "category_code": "khong-co", "price_vnd": "1000", "unit": "hop" }),
            "category_code",
            "unknown category",
        ),
        (
            json!({ "name": "Chè", "category_code": "che", "price_vnd": "0", "unit": "hop" }),
            "price_vnd",
            "zero price",
        ),
        (
            json!({ "name": "Chè", "category_code": "che", "price_vnd": "-5", "unit": "hop" }),
            "price_vnd",
            "negative price",
        ),
        (
            json!({ "name": "Chè", "category_code": "che", "price_vnd": "10.5", "unit": "hop" }),
            "price_vnd",
            "fraction of a đồng",
        ),
        (
            json!({ "name": "Chè", "category_code": "che", "unit": "hop" }),
            "price_vnd",
            "missing price",
        ),
        (
            json!({ "name": "Chè", "category_code": "che", "price_vnd": "1000", "unit": "thung" }),
            "unit",
            "unknown unit",
        ),
        (
            json!({ "name": "Chè", "category_code": "che", "price_vnd": "1000", "unit": "hop", "stock": "1.5" }),
            "stock",
            "half a box",
        ),
        (
            json!({ "name": "Chè", "category_code": "che", "price_vnd": "1000", "unit": "hop", "stock": "-1" }),
            "stock",
            "negative stock",
        ),
        (
            json!({ "name": "Chè", "category_code": "che", "price_vnd": "1000", "unit": "hop", "status": "sold" }),
            "status",
            "unknown status",
        ),
        (
            json!({ "name": "Chè", "category_code": "che", "price_vnd": "1000", "unit": "hop", "gi_slug": "khong-co" }),
            "gi_slug",
            "unknown GI",
        ),
    ] {
        let (status, response) = app
            .send_json(&cast.owner, Method::POST, &path, Some(body))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{why}: {response}"
        );
        assert!(
            response["error"]["fields"][field].is_string(),
            "{why}: {response}"
        );
    }
    let count: i64 = sqlx::query_scalar("select count(*) from products")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 0);

    // Fractions are fine where the unit allows them; numbers may come as JSON numbers.
    let (status, body) = app
        .send_json(&cast.owner, Method::POST, &path,
            Some(json!({ "name": "Chè búp", "category_code": "che", "price_vnd": 320000, "unit": "kg", "stock": "0.5" })))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["price_vnd"], "320000");
    assert_eq!(body["stock"], "0.5");
    assert_eq!(body["slug"], "che-bup");
    assert_eq!(body["status"], "active");
    // The same name again gets its own slug.
    let (_, again) = app
        .send_json(&cast.owner, Method::POST, &path,
            Some(json!({ "name": "Chè búp", "category_code": "che", "price_vnd": 300000, "unit": "kg" })))
        .await;
    assert_eq!(again["slug"], "che-bup-2");
}

#[tokio::test]
async fn a_gi_can_only_be_claimed_inside_its_protected_area() {
    let app = TestApp::spawn().await;
    seed::real::load(&app.db).await.unwrap();
    let cast = cast(&app).await;
    let path = format!("/api/v1/producers/{}/products", cast.producer_slug);
    let mut body = product_body("Chè Tân Cương thật");
    body["gi_slug"] = json!("tan-cuong-che");
    let (status, refused) = app
        .send_json(&cast.owner, Method::POST, &path, Some(body.clone()))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused["error"]["fields"]["gi_slug"]
            .as_str()
            .unwrap()
            .contains("khu vực bảo hộ")
    );

    let (status, _) = app
        .send_json(
            &cast.owner,
            Method::PATCH,
            &format!("/api/v1/producers/{}", cast.producer_slug),
            Some(json!({ "old_commune": "Phúc Xuân", "commune_code": "05488" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, created) = app
        .send_json(&cast.owner, Method::POST, &path, Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["gi"]["slug"], "tan-cuong-che");

    // Issue 14, item 8: claiming from inside the area and then moving the producer out of it
    // used to keep the claim. Every change of commune is checked against the claims held.
    let producer_path = format!("/api/v1/producers/{}", cast.producer_slug);
    let (status, refused) = app
        .send_json(
            &cast.owner,
            Method::PATCH,
            &producer_path,
            Some(json!({ "old_commune": "Hóa Thượng" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let message = refused["error"]["fields"]["old_commune"].as_str().unwrap();
    assert!(message.contains("Chè Tân Cương thật"), "{message}");
    let (_, producer) = app.get_json(&producer_path).await;
    assert_eq!(
        producer["producer"]["old_commune"], "Phúc Xuân",
        "{producer}"
    );
    // With the claim dropped first, the move is allowed.
    let (status, _) = app
        .send_json(
            &cast.owner,
            Method::PATCH,
            &format!("/api/v1/products/{}", created["id"].as_str().unwrap()),
            Some(json!({ "gi_slug": null })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, moved) = app
        .send_json(
            &cast.owner,
            Method::PATCH,
            &producer_path,
            Some(json!({ "old_commune": "Hóa Thượng" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
}

#[tokio::test]
async fn edits_are_partial_and_audited_with_before_and_after() {
    let app = TestApp::spawn().await;
    let cast = cast(&app).await;
    let id = new_product(&app, &cast, "Chè móc câu").await;
    let (status, body) = app
        .send_json(
            &cast.member,
            Method::PATCH,
            &format!("/api/v1/products/{id}"),
            Some(json!({ "price_vnd": "280000" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["price_vnd"], "280000");
    assert_eq!(body["name"], "Chè móc câu", "untouched fields stay");

    let (status, _) = app
        .send_json(
            &cast.member,
            Method::PATCH,
            &format!("/api/v1/products/{id}"),
            Some(json!({ "price_vnd": "0" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, _) = app
        .send_json(
            &cast.member,
            Method::DELETE,
            &format!("/api/v1/products/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, slug_body) = app.get_json("/api/v1/products?q=moc%20cau").await;
    assert_eq!(slug_body["total"], 0, "archived products leave the catalog");

    let rows: Vec<(String, Option<Value>, Option<Value>, String)> = sqlx::query_as(
        "select a.action, a.before, a.after, u.email::text from audit_log a join users u on u.id = a.actor_id
          where a.entity = 'product' and a.entity_id = $1 order by a.id",
    )
    .bind(&id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        actions,
        ["product.create", "product.update", "product.archive"]
    );
    assert_eq!(rows[1].1, Some(json!({ "price_vnd": "250000" })));
    assert_eq!(rows[1].2, Some(json!({ "price_vnd": "280000" })));
    assert_eq!(rows[1].3, "member@example.vn");
    assert_eq!(rows[2].2, Some(json!({ "status": "archived" })));
}

#[tokio::test]
async fn photos_upload_to_local_disk_and_show_on_the_product() {
    let app = TestApp::spawn().await;
    let cast = cast(&app).await;
    let id = new_product(&app, &cast, "Chè đinh").await;
    let (status, body) = upload(&app, &cast.member, &id, tiny_jpeg()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let url = body["url"].as_str().unwrap();
    let photo = app.get(url).await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    let thumb = app.get(body["thumb_url"].as_str().unwrap()).await;
    assert_eq!(thumb.status(), StatusCode::OK);

    let (_, product) = app.get_json("/api/v1/products/che-dinh").await;
    assert_eq!(product["images"][0]["url"], body["url"]);
    let (_, list) = app.get_json("/api/v1/products").await;
    assert_eq!(list["items"][0]["thumb_url"], body["thumb_url"]);
}

/// Issue 14, item 8: a product takes at most 12 photos, by the single upload and by a raced
/// insert alike (the database holds the cap, so the last photo's objects are removed too).
#[tokio::test]
async fn a_product_takes_at_most_twelve_photos() {
    let app = TestApp::spawn().await;
    let cast = cast(&app).await;
    let id = new_product(&app, &cast, "Chè đinh").await;
    for _ in 0..12 {
        let (status, body) = upload(&app, &cast.member, &id, tiny_jpeg()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, body) = upload(&app, &cast.member, &id, tiny_jpeg()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "too_many_photos");
    // Past the early check, the database refuses too.
    let refused = sqlx::query(
        "insert into product_images (id, product_id, position, object_key, thumb_key, content_type,
                                     width, height, byte_size, alt)
         values (gen_random_uuid(), $1::uuid, 99, 'k', 't', 'image/jpeg', 1, 1, 1, '')",
    )
    .bind(&id)
    .execute(&app.db)
    .await
    .expect_err("a 13th photo row");
    assert!(refused.to_string().contains("at most 12"), "{refused}");
    let (_, product) = app.get_json("/api/v1/products/che-dinh").await;
    assert_eq!(product["images"].as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn bad_uploads_are_refused_with_the_right_status_and_leave_nothing() {
    let app = TestApp::spawn().await;
    let cast = cast(&app).await;
    let id = new_product(&app, &cast, "Chè đinh").await;
    let (status, body) = upload(
        &app,
        &cast.member,
        &id,
        b"GIF89a not really an image".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    let (status, _) = upload(&app, &cast.member, &id, vec![0xFF; 11 * 1024 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let rows: i64 = sqlx::query_scalar("select count(*) from product_images")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    let stored = std::fs::read_dir(&app.settings.media.local_dir)
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(stored, 0, "no objects left behind");
}

#[tokio::test]
async fn photos_upload_to_a_real_s3_server_when_configured() {
    let s3 = S3Server::start().await;
    let bucket_settings = s3.settings("cho-ocop-test");
    let app = TestApp::spawn_with(|settings| {
        settings.media.backend = MediaBackendKind::S3;
        settings.media.s3 = Some(bucket_settings);
    })
    .await;
    let (_, ready) = app.get_json("/readyz").await;
    assert_eq!(ready["media"]["backend"], "s3");
    let cast = cast(&app).await;
    let id = new_product(&app, &cast, "Chè đinh").await;
    let (status, body) = upload(&app, &cast.owner, &id, tiny_jpeg()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let photo = app.get(body["url"].as_str().unwrap()).await;
    assert_eq!(photo.status(), StatusCode::OK);
    let bytes = photo.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG, served from the bucket");
    let key: String = sqlx::query_scalar("select object_key from product_images")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(
        s3.root.join("cho-ocop-test").join(&key).exists(),
        "the object is in the S3 server's bucket"
    );
}

#[tokio::test]
async fn producer_profiles_check_every_field_and_only_owners_add_members() {
    let app = TestApp::spawn().await;
    let cast = cast(&app).await;
    let path = format!("/api/v1/producers/{}", cast.producer_slug);
    for (body, field, why) in [
        (json!({ "name": "A" }), "name", "too short"),
        (json!({ "kind": "coop" }), "kind", "unknown kind"),
        (
            json!({ "commune_code": "99999" }),
            "commune_code",
            "no such commune",
        ),
        (json!({ "phone": "12" }), "phone", "too few digits"),
        (
            json!({ "description": "x".repeat(10_001) }),
            "description",
            "too long",
        ),
    ] {
        let (status, response) = app
            .send_json(&cast.owner, Method::PATCH, &path, Some(body))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{why}: {response}"
        );
        assert!(
            response["error"]["fields"][field].is_string(),
            "{why}: {response}"
        );
    }
    let (status, body) = app
        .send_json(&cast.owner, Method::PATCH, &path,
            Some(json!({ "phone": "0208 3855 123", "commune_code": "05503", "old_commune": "Tân Cương", "description": "Chè sạch" })))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["producer"]["commune"]["name"], "Tân Cương");
    assert_eq!(body["producer"]["old_commune"], "Tân Cương");
    assert_eq!(
        body["producer"]["name"], "HTX chè Tân Cương Xanh",
        "untouched fields stay"
    );

    let (status, _) = app
        .send_json(
            &cast.owner,
            Method::POST,
            "/api/v1/producers",
            Some(json!({ "kind": "htx" })),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a producer needs a name"
    );

    let members = format!("/api/v1/producers/{}/members", cast.producer_slug);
    let (status, body) = app
        .send_json(
            &cast.owner,
            Method::POST,
            &members,
            Some(json!({ "email": "not an email" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["email"].is_string());
    let (status, body) = app
        .send_json(
            &cast.owner,
            Method::POST,
            &members,
            Some(json!({ "email": cast.member_email, "role": "member" })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "already_member");
    let (status, body) = app
        .send_json(
            &cast.owner,
            Method::POST,
            &members,
            Some(json!({ "email": "buyer@example.vn", "role": "boss" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["role"].is_string());

    // A member sees the producer in `me`.
    let (_, me) = app
        .send_json(&cast.member, Method::GET, "/api/v1/me", None)
        .await;
    assert_eq!(
        me["memberships"][0]["producer_slug"],
        cast.producer_slug.as_str()
    );
    assert_eq!(me["memberships"][0]["role"], "member");
}

#[tokio::test]
async fn a_malformed_product_id_is_a_json_404() {
    let app = TestApp::spawn().await;
    let cast = cast(&app).await;
    let (status, body) = app
        .send_json(
            &cast.owner,
            Method::PATCH,
            "/api/v1/products/not-a-uuid",
            Some(json!({ "stock": "1" })),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn members_reorder_and_delete_photos_and_the_objects_go_too() {
    let app = TestApp::spawn().await;
    let cast = cast(&app).await;
    let id = new_product(&app, &cast, "Chè đinh").await;
    let (_, first) = upload(&app, &cast.member, &id, tiny_jpeg()).await;
    let (_, second) = upload(&app, &cast.member, &id, tiny_jpeg()).await;
    let (first_id, second_id) = (
        first["id"].as_str().unwrap(),
        second["id"].as_str().unwrap(),
    );

    let order = format!("/api/v1/products/{id}/images/order");
    let (status, body) = app
        .send_json(
            &cast.member,
            Method::POST,
            &order,
            Some(json!({ "image_ids": [second_id] })),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "every photo must be listed: {body}"
    );
    let (status, _) = app
        .send_json(
            &cast.buyer,
            Method::POST,
            &order,
            Some(json!({ "image_ids": [second_id, first_id] })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .send_json(
            &cast.member,
            Method::POST,
            &order,
            Some(json!({ "image_ids": [second_id, first_id] })),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, product) = app.get_json("/api/v1/products/che-dinh").await;
    assert_eq!(
        product["images"][0]["id"], second_id,
        "the second photo is now the cover"
    );

    let path = format!("/api/v1/products/{id}/images/{first_id}");
    let (status, _) = app
        .send_json(&cast.other_member, Method::DELETE, &path, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .send_json(&cast.member, Method::DELETE, &path, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(first["url"].as_str().unwrap()).await.status(),
        StatusCode::NOT_FOUND,
        "the object is gone"
    );
    assert_eq!(
        app.get(second["url"].as_str().unwrap()).await.status(),
        StatusCode::OK
    );
    let (status, _) = app
        .send_json(&cast.member, Method::DELETE, &path, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
