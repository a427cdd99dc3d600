//! The OpenAPI document at `/api/openapi.json`: it covers the contract's routes, every route it
//! names is really served, and real responses match the schemas it gives for them.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use tests::TestApp;

/// The contract's routes (shared/api/CONTRACT.md) that the server implements today.
const CONTRACT_ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/products"),
    ("get", "/api/v1/products/{slug}"),
    ("post", "/api/v1/producers/{slug}/products"),
    ("patch", "/api/v1/products/{id}"),
    ("delete", "/api/v1/products/{id}"),
    ("post", "/api/v1/products/{id}/images"),
    ("post", "/api/v1/producers"),
    ("get", "/api/v1/producers/{slug}"),
    ("patch", "/api/v1/producers/{slug}"),
    ("post", "/api/v1/producers/{slug}/members"),
    ("get", "/api/v1/gis"),
    ("get", "/api/v1/gis/{slug}"),
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/admin/users/{id}/roles"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/api/openapi.json"),
];

/// The rest of the contract, not served yet. Whichever of these starts answering must be documented.
const PENDING_CONTRACT_ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/gis"),
    ("post", "/api/v1/products/{id}/ocop-applications"),
    ("get", "/api/v1/ocop-applications"),
    ("post", "/api/v1/ocop-applications/{id}/decision"),
    ("post", "/api/v1/ocop-certificates/{id}/revoke"),
    ("get", "/api/v1/verify/{code}"),
    ("post", "/api/v1/producers/{slug}/livestreams"),
    ("get", "/api/v1/livestreams"),
    ("post", "/api/v1/orders"),
    ("get", "/api/v1/orders"),
    ("get", "/api/v1/producers/{slug}/orders"),
    ("post", "/api/v1/orders/{id}/status"),
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

async fn document(app: &TestApp) -> Value {
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let doc: Value = response.json().await.expect("the document is JSON");
    doc
}

/// `/api/v1/products/{product}` and `/api/v1/products/{slug}` are one route.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every (method, path) the document describes.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(*method).is_some() {
                found.push((method.to_string(), path.clone()));
            }
        }
    }
    found
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("a local schema reference: {reference}"));
            let target = &doc["components"]["schemas"][name];
            assert!(target.is_object(), "{reference} is defined");
            resolve(doc, target)
        }
        None => schema,
    }
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        other => panic!("unknown JSON schema type {other}"),
    }
}

/// What about `value` disagrees with `schema`: wrong types, missing required fields, and fields
/// the document does not describe. Enough of JSON Schema for what utoipa generates here.
fn mismatches(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let schema = resolve(doc, schema);
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let all: Vec<Vec<String>> = options
                .iter()
                .map(|option| mismatches(doc, option, value, at))
                .collect();
            return if all.iter().any(Vec::is_empty) {
                Vec::new()
            } else {
                vec![format!("{at}: matches none of {key}: {all:?}")]
            };
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        return parts
            .iter()
            .flat_map(|part| mismatches(doc, part, value, at))
            .collect();
    }
    let mut problems = Vec::new();
    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| type_matches(t, value)) {
        problems.push(format!("{at}: {value} is not of type {types:?}"));
        return problems;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        problems.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    match value {
        Value::Object(fields) => {
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for name in required.iter().filter_map(Value::as_str) {
                    if !fields.contains_key(name) {
                        problems.push(format!("{at}: required field `{name}` is missing"));
                    }
                }
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties");
            for (name, field) in fields {
                let here = format!("{at}.{name}");
                match (properties.and_then(|p| p.get(name)), additional) {
                    (Some(property), _) => problems.extend(mismatches(doc, property, field, &here)),
                    (None, Some(extra)) if extra.is_object() => {
                        problems.extend(mismatches(doc, extra, field, &here))
                    }
                    (None, Some(Value::Bool(true))) => {}
                    (None, _) if properties.is_some() => {
                        problems.push(format!("{here}: not described by the document"))
                    }
                    (None, _) => {}
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    problems.extend(mismatches(doc, item_schema, item, &format!("{at}[{i}]")));
                }
            }
        }
        _ => {}
    }
    problems
}

/// Asserts that a real response matches what the document says `method path` answers with `status`.
fn assert_documented(doc: &Value, method: &str, path: &str, status: StatusCode, body: &Value) {
    let response = &doc["paths"][path][method]["responses"][status.as_str()];
    assert!(
        response.is_object(),
        "{method} {path} does not document {status}"
    );
    let schema = &response["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} {status} has a JSON schema"
    );
    let problems = mismatches(doc, schema, body, "body");
    assert!(
        problems.is_empty(),
        "{method} {path} {status} differs from the document:\n{}\nbody: {body}",
        problems.join("\n")
    );
}

#[test]
fn the_schema_check_notices_wrong_types_missing_and_undocumented_fields() {
    let doc = json!({ "components": { "schemas": { "Thing": {
        "type": "object",
        "required": ["price_vnd", "ocop"],
        "properties": {
            "price_vnd": { "type": "string" },
            "ocop": { "oneOf": [{ "type": "null" }, { "$ref": "#/components/schemas/Badge" }] },
            "tags": { "type": "array", "items": { "type": "string" } },
        },
    }, "Badge": {
        "type": "object",
        "required": ["stars"],
        "properties": { "stars": { "type": "integer" } },
    } } } });
    let schema = json!({ "$ref": "#/components/schemas/Thing" });
    let ok = json!({ "price_vnd": "250000", "ocop": { "stars": 4 }, "tags": ["a"] });
    assert_eq!(mismatches(&doc, &schema, &ok, "body"), Vec::<String>::new());
    let ok = json!({ "price_vnd": "250000", "ocop": null });
    assert_eq!(mismatches(&doc, &schema, &ok, "body"), Vec::<String>::new());
    for bad in [
        json!({ "price_vnd": 250000, "ocop": null }),
        json!({ "ocop": null }),
        json!({ "price_vnd": "1", "ocop": { "stars": "4" } }),
        json!({ "price_vnd": "1", "ocop": null, "tags": [1] }),
        json!({ "price_vnd": "1", "ocop": null, "extra": true }),
    ] {
        assert_eq!(mismatches(&doc, &schema, &bad, "body").len(), 1, "{bad}");
    }
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_covers_the_contract() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "Chợ OCOP API");
    assert!(doc["info"]["version"].is_string());

    let documented: Vec<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(method, path)| (method, shape(&path)))
        .collect();
    for (method, path) in CONTRACT_ROUTES {
        assert!(
            documented.contains(&(method.to_string(), shape(path))),
            "{method} {path} is missing from the document"
        );
    }
    // Every operation says what it is for and what it answers.
    for (method, path) in operations(&doc) {
        let operation = &doc["paths"][&path][&method];
        assert!(
            operation["summary"].is_string(),
            "{method} {path} has a summary"
        );
        assert!(
            operation["responses"]
                .as_object()
                .is_some_and(|r| !r.is_empty()),
            "{method} {path} documents its responses"
        );
    }
}

#[tokio::test]
async fn schemas_say_money_is_a_string_and_errors_have_one_shape() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["ProductSummary"]["properties"]["price_vnd"]["type"],
        "string"
    );
    assert_eq!(
        schemas["ProductDetail"]["properties"]["price_vnd"]["type"],
        "string"
    );
    for name in [
        "ProductList",
        "ProductDetail",
        "ProducerPage",
        "GiPage",
        "GiCard",
    ] {
        assert!(schemas[name].is_object(), "schema {name}");
    }

    let error = &schemas["ErrorBody"];
    assert_eq!(error["required"], json!(["error"]));
    let detail = resolve(&doc, &error["properties"]["error"]);
    let required: Vec<&str> = detail["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(required.contains(&"code") && required.contains(&"message"));
    assert!(!required.contains(&"fields"), "fields is optional");
    assert!(detail["properties"]["fields"].is_object());

    // Every 4xx/5xx that has a JSON body points at the error schema (readyz's 503 embeds it).
    let mut error_responses = 0;
    for (method, path) in operations(&doc) {
        let responses = doc["paths"][&path][&method]["responses"]
            .as_object()
            .unwrap();
        for (status, response) in responses {
            if !(status.starts_with('4') || status.starts_with('5')) || path == "/readyz" {
                continue;
            }
            let Some(schema) = response["content"]["application/json"].get("schema") else {
                continue;
            };
            assert_eq!(
                schema["$ref"], "#/components/schemas/ErrorBody",
                "{method} {path} {status}"
            );
            error_responses += 1;
        }
    }
    assert!(error_responses > 50, "{error_responses} error responses");

    // The statuses each kind of route can answer.
    let statuses = |method: &str, path: &str| -> Vec<String> {
        doc["paths"][path][method]["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path}"))
            .keys()
            .cloned()
            .collect()
    };
    let has = |method: &str, path: &str, wanted: &[&str]| {
        let got = statuses(method, path);
        for status in wanted {
            assert!(
                got.iter().any(|s| s == status),
                "{method} {path}: {status} in {got:?}"
            );
        }
    };
    has(
        "post",
        "/api/v1/auth/register",
        &["201", "409", "415", "422", "429"],
    );
    has("post", "/api/v1/auth/login", &["200", "401", "429"]);
    has("get", "/api/v1/me", &["200", "401"]);
    has("get", "/api/v1/products/{product}", &["200", "404"]);
    has(
        "patch",
        "/api/v1/products/{product}",
        &["200", "401", "403", "404", "422"],
    );
    has(
        "delete",
        "/api/v1/products/{product}",
        &["204", "401", "403", "404"],
    );
    has(
        "post",
        "/api/v1/products/{product}/images",
        &["201", "413", "415", "422"],
    );
    has(
        "post",
        "/api/v1/producers/{slug}/members",
        &["201", "403", "409"],
    );
    for (method, path) in operations(&doc)
        .into_iter()
        .filter(|(_, p)| p.starts_with("/api/v1/"))
    {
        has(&method, &path, &["500", "503"]);
    }
}

#[tokio::test]
async fn signed_in_routes_require_the_session_cookie() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let scheme = &doc["components"]["securitySchemes"]["session"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "cookie");
    assert_eq!(scheme["name"], "cho_ocop_sid");

    let secured = |method: &str, path: &str| {
        doc["paths"][path][method]["security"]
            .as_array()
            .is_some_and(|list| list.iter().any(|r| r.get("session").is_some()))
    };
    for (method, path) in operations(&doc) {
        let responses = &doc["paths"][&path][&method]["responses"];
        // Exactly the operations that can answer 401 for a missing session are secured (login's
        // 401 is for bad credentials).
        let needs_session = responses.get("401").is_some() && path != "/api/v1/auth/login";
        assert_eq!(secured(&method, &path), needs_session, "{method} {path}");
    }
    assert!(secured("get", "/api/v1/me"));
    assert!(secured("post", "/api/v1/producers"));
    assert!(!secured("get", "/api/v1/products"));
}

/// Fills a documented path's parameters with values that exist in the test database.
fn concrete(
    method: &str,
    path: &str,
    product_slug: &str,
    product_id: &str,
    producer: &str,
    gi: &str,
    user: &str,
) -> String {
    let path = path
        .replace(
            "{product}",
            // Buyers read a product by slug; every other method takes its id.
            if (path.ends_with("{product}")
                || path.ends_with("{product}/reviews")
                || path.starts_with("/san-pham/{product}"))
                && method == "get"
            {
                product_slug
            } else {
                product_id
            },
        )
        .replace(
            "{slug}",
            if path.starts_with("/api/v1/gis/") {
                gi
            } else {
                producer
            },
        )
        .replace("{id}", user)
        .replace("{user_id}", user)
        // No invitation has this token: accepting still answers (401 for an anonymous caller).
        .replace("{token}", &"0".repeat(64))
        .replace("{product_id}", product_id)
        // No photo has this id: the route still answers (401 for an anonymous caller).
        .replace("{image}", "00000000-0000-0000-0000-000000000000")
        .replace("{document}", "00000000-0000-0000-0000-000000000000");
    assert!(!path.contains('{'), "an unknown parameter in {path}");
    path
}

#[tokio::test]
async fn every_documented_route_is_really_served() {
    let app = TestApp::spawn().await;
    seed::real::load(&app.db).await.expect("seed loads");
    let doc = document(&app).await;
    let (_, list) = app.get_json("/api/v1/products?per_page=1").await;
    let product_slug = list["items"][0]["slug"]
        .as_str()
        .expect("a seeded product")
        .to_owned();
    let product_id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let producer = list["items"][0]["producer"]["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, gis) = app.get_json("/api/v1/gis").await;
    let gi = gis["items"][0]["slug"]
        .as_str()
        .expect("a seeded GI")
        .to_owned();
    let (_, user) = app.signed_in_client("nguoi.dung@example.vn").await;
    let code: String = sqlx::query_scalar("select verify_code from ocop_certificates limit 1")
        .fetch_one(&app.db)
        .await
        .expect("a seeded certificate");

    // A route that does not exist answers 404 (the fallback), so "not 404" below means "routed".
    let (status, _) = app.get_json("/api/v1/no-such-route").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let anonymous = TestApp::new_client();
    let operations = operations(&doc);
    assert!(operations.len() >= 21, "{operations:?}");
    for (method, path) in operations {
        let url = concrete(
            &method,
            // A seeded certificate's verification code: verification and QR codes answer anyone.
            &path.replace("{code}", &code),
            &product_slug,
            &product_id,
            &producer,
            &gi,
            &user,
        );
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
        // Anonymous and with an empty body: rejected or answered, but never "no such route".
        let (status, answer) = app.send_json(&anonymous, method.clone(), &url, body).await;
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {url} (documented as {path}) answered {status}: {answer}"
        );
        // And whatever it answered is documented.
        let documented = &doc["paths"][&path][method.as_str().to_lowercase()]["responses"];
        assert!(
            documented.get(status.as_str()).is_some(),
            "{method} {path} answered {status}, which the document does not list: {answer}"
        );
    }
}

async fn send(
    app: &TestApp,
    client: &Client,
    method: Method,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let body = (method != Method::GET && method != Method::DELETE).then_some(body);
    app.send_json(client, method, path, body).await
}

#[tokio::test]
async fn real_responses_match_the_documented_schemas() {
    let app = TestApp::spawn().await;
    seed::real::load(&app.db).await.expect("seed loads");
    let doc = document(&app).await;
    let check = |method: &str, path: &str, status: StatusCode, body: &Value| {
        assert_documented(&doc, method, path, status, body)
    };

    // The catalog, read by anyone.
    let (status, list) = app.get_json("/api/v1/products?per_page=100").await;
    check("get", "/api/v1/products", status, &list);
    assert!(
        list["items"].as_array().unwrap().len() > 5,
        "the seed has products"
    );
    let slug = list["items"][0]["slug"].as_str().unwrap().to_owned();
    let (status, product) = app.get_json(&format!("/api/v1/products/{slug}")).await;
    check("get", "/api/v1/products/{product}", status, &product);
    // Certified products exercise the certificate's schema too.
    if let Some(certified) = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| !p["ocop"].is_null())
    {
        let slug = certified["slug"].as_str().unwrap();
        let (status, product) = app.get_json(&format!("/api/v1/products/{slug}")).await;
        check("get", "/api/v1/products/{product}", status, &product);
        assert!(!product["ocop"].is_null());
    }
    let producer = list["items"][0]["producer"]["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, page) = app.get_json(&format!("/api/v1/producers/{producer}")).await;
    check("get", "/api/v1/producers/{slug}", status, &page);
    let (status, gis) = app.get_json("/api/v1/gis").await;
    check("get", "/api/v1/gis", status, &gis);
    let gi = gis["items"][0]["slug"].as_str().unwrap().to_owned();
    let (status, gi_page) = app.get_json(&format!("/api/v1/gis/{gi}")).await;
    check("get", "/api/v1/gis/{slug}", status, &gi_page);
    let (status, missing) = app.get_json("/api/v1/products/khong-co-san-pham-nay").await;
    check("get", "/api/v1/products/{product}", status, &missing);
    let (status, invalid) = app.get_json("/api/v1/products?min_stars=9").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("get", "/api/v1/products", status, &invalid);

    // Accounts.
    let client = TestApp::new_client();
    let (status, registered) = send(&app, &client, Method::POST, "/api/v1/auth/register",
        json!({ "email": "chu@example.vn", "password": "mat-khau-du-dai", "display_name": "Chủ HTX" })).await;
    check("post", "/api/v1/auth/register", status, &registered);
    let (status, taken) = send(&app, &TestApp::new_client(), Method::POST, "/api/v1/auth/register",
        json!({ "email": "chu@example.vn", "password": "mat-khau-du-dai", "display_name": "Lần hai" })).await;
    assert_eq!(status, StatusCode::CONFLICT);
    check("post", "/api/v1/auth/register", status, &taken);
    let (status, bad) = send(
        &app,
        &TestApp::new_client(),
        Method::POST,
        "/api/v1/auth/login",
        json!({ "email": "chu@example.vn", "password": "sai-mat-khau" }),
    )
    .await;
    check("post", "/api/v1/auth/login", status, &bad);
    let (status, logged_in) = send(
        &app,
        &client,
        Method::POST,
        "/api/v1/auth/login",
        json!({ "email": "chu@example.vn", "password": "mat-khau-du-dai" }),
    )
    .await;
    check("post", "/api/v1/auth/login", status, &logged_in);

    // A producer, a member, a product and a photo.
    let (status, created) = send(
        &app,
        &client,
        Method::POST,
        "/api/v1/producers",
        json!({ "name": "HTX Chè Thử Nghiệm", "kind": "htx", "phone": "0912345678" }),
    )
    .await;
    check("post", "/api/v1/producers", status, &created);
    let producer = created["producer"]["slug"].as_str().unwrap().to_owned();
    let (status, updated) = send(
        &app,
        &client,
        Method::PATCH,
        &format!("/api/v1/producers/{producer}"),
        json!({ "description": "Chè búp Tân Cương" }),
    )
    .await;
    check("patch", "/api/v1/producers/{slug}", status, &updated);
    let (member, member_id) = app.signed_in_client("thanh.vien@example.vn").await;
    let (status, invited) = send(
        &app,
        &client,
        Method::POST,
        &format!("/api/v1/producers/{producer}/members"),
        json!({ "email": "thanh.vien@example.vn" }),
    )
    .await;
    check("post", "/api/v1/producers/{slug}/members", status, &invited);
    let token = app.invitation_token("thanh.vien@example.vn").await;
    let (status, accepted) = app.accept_invitation(&member, &token).await;
    check(
        "post",
        "/api/v1/invitations/{token}/accept",
        status,
        &accepted,
    );
    let (status, listed) = send(
        &app,
        &client,
        Method::GET,
        &format!("/api/v1/producers/{producer}/members"),
        Value::Null,
    )
    .await;
    check("get", "/api/v1/producers/{slug}/members", status, &listed);
    assert_eq!(listed["members"][1]["user_id"], member_id.as_str());
    let (status, refused) = send(
        &app,
        &client,
        Method::POST,
        &format!("/api/v1/producers/{producer}/products"),
        json!({ "name": "Chè", "category_code": "che", "price_vnd": "0", "unit": "hop" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check(
        "post",
        "/api/v1/producers/{slug}/products",
        status,
        &refused,
    );
    assert!(refused["error"]["fields"]["price_vnd"].is_string());
    let (status, product) = send(&app, &client, Method::POST, &format!("/api/v1/producers/{producer}/products"),
        json!({ "name": "Chè móc câu", "category_code": "che", "price_vnd": "250000", "unit": "hop", "stock": "10" })).await;
    check(
        "post",
        "/api/v1/producers/{slug}/products",
        status,
        &product,
    );
    let id = product["id"].as_str().unwrap().to_owned();
    let (status, patched) = send(
        &app,
        &client,
        Method::PATCH,
        &format!("/api/v1/products/{id}"),
        json!({ "price_vnd": "260000" }),
    )
    .await;
    check("patch", "/api/v1/products/{product}", status, &patched);
    assert_eq!(patched["price_vnd"], "260000");
    // Its sales report (no orders yet: zero rows for both payment methods and states).
    let (status, report) = send(
        &app,
        &client,
        Method::GET,
        &format!("/api/v1/producers/{producer}/report"),
        Value::Null,
    )
    .await;
    check("get", "/api/v1/producers/{slug}/report", status, &report);
    assert_eq!(
        report["by_payment_method"].as_array().map(Vec::len),
        Some(2),
        "{report}"
    );
    let (status, refused) = send(
        &app,
        &client,
        Method::GET,
        &format!("/api/v1/producers/{producer}/report?from=2026-13"),
        Value::Null,
    )
    .await;
    check("get", "/api/v1/producers/{slug}/report", status, &refused);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, anonymous) = send(
        &app,
        &TestApp::new_client(),
        Method::GET,
        &format!("/api/v1/producers/{producer}/report"),
        Value::Null,
    )
    .await;
    check("get", "/api/v1/producers/{slug}/report", status, &anonymous);

    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        32,
        32,
        image::Rgb([20, 140, 60]),
    ))
    .write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(jpeg)
            .file_name("anh.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    let response = client
        .post(app.url(&format!("/api/v1/products/{id}/images")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let uploaded: Value = response.json().await.unwrap();
    check(
        "post",
        "/api/v1/products/{product}/images",
        status,
        &uploaded,
    );

    let (status, me) = app
        .send_json(&client, Method::GET, "/api/v1/me", None)
        .await;
    check("get", "/api/v1/me", status, &me);
    assert_eq!(me["memberships"][0]["role"], "owner");
    let (status, forbidden) = send(
        &app,
        &client,
        Method::POST,
        &format!("/api/v1/admin/users/{member_id}/roles"),
        json!({ "role": "curator" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    check("post", "/api/v1/admin/users/{id}/roles", status, &forbidden);
    let (status, _) = app
        .send_json(
            &client,
            Method::DELETE,
            &format!("/api/v1/products/{id}"),
            None,
        )
        .await;
    assert!(
        doc["paths"]["/api/v1/products/{product}"]["delete"]["responses"][status.as_str()]
            .is_object()
    );
    let (status, _) = send(
        &app,
        &client,
        Method::POST,
        "/api/v1/auth/logout",
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, anonymous) = app
        .send_json(&client, Method::GET, "/api/v1/me", None)
        .await;
    check("get", "/api/v1/me", status, &anonymous);

    // Operations.
    let (status, health) = app.get_json("/healthz").await;
    check("get", "/healthz", status, &health);
    let (status, ready) = app.get_json("/readyz").await;
    check("get", "/readyz", status, &ready);
}

#[tokio::test]
async fn contract_routes_that_answer_are_documented() {
    let app = TestApp::spawn().await;
    seed::real::load(&app.db).await.expect("seed loads");
    let doc = document(&app).await;
    let documented: Vec<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(method, path)| (method, shape(&path)))
        .collect();
    let (_, list) = app.get_json("/api/v1/products?per_page=1").await;
    let product_id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let producer = list["items"][0]["producer"]["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let anonymous = TestApp::new_client();
    for (method, path) in PENDING_CONTRACT_ROUTES.iter().chain(CONTRACT_ROUTES) {
        let url = if path.starts_with("/api/v1/products/{id}") {
            path.replace("{id}", &product_id)
        } else {
            path.replace("{slug}", &producer)
                .replace("{id}", "00000000-0000-4000-8000-000000000000")
                .replace("{code}", "khong-co-ma-nay")
        };
        let verb = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let (status, _) = send(&app, &anonymous, verb, &url, json!({})).await;
        // 404 from the fallback or 405 from a path served for other methods: not implemented (a
        // handler's own 404 hides a route from this check, never fails it).
        if status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED {
            assert!(
                documented.contains(&(method.to_string(), shape(path))),
                "{method} {path} is served ({status}) but missing from /api/openapi.json: give its \
                 handler a #[utoipa::path] and list it in server/src/http/openapi.rs"
            );
        }
    }
}

#[tokio::test]
async fn the_document_is_as_strict_as_the_server() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let schema = |name: &str| doc["components"]["schemas"][name].clone();

    // Creating a product or producer names its required fields; a PATCH body requires nothing.
    let required = |name: &str| -> Vec<String> {
        schema(name)["required"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    for field in ["name", "category_code", "price_vnd", "unit"] {
        assert!(
            required("NewProductBody").contains(&field.to_owned()),
            "{field}"
        );
        assert_eq!(
            schema("NewProductBody")["properties"][field]["type"],
            "string",
            "{field} is not nullable"
        );
    }
    assert!(required("NewProducerBody").contains(&"name".to_owned()));
    assert!(required("NewProducerBody").contains(&"kind".to_owned()));
    assert!(required("ProductBody").is_empty());
    let create = &doc["paths"]["/api/v1/producers/{slug}/products"]["post"];
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/NewProductBody"
    );
    // Unknown fields are refused, and the document says so.
    assert_eq!(schema("NewProductBody")["additionalProperties"], false);
    // Limits and enums are in the schema, not only in prose.
    let param = |path: &str, name: &str| -> Value {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{path} has no parameter {name}"))
            .clone()
    };
    assert_eq!(
        param("/api/v1/products", "page")["schema"]["maximum"],
        10000
    );
    assert_eq!(param("/api/v1/orders", "page")["in"], "query");
    assert!(
        param("/api/v1/livestreams", "status")["schema"]["pattern"]
            .as_str()
            .unwrap()
            .contains("upcoming|live|past")
    );
    assert_eq!(schema("SelfScoreDto")["additionalProperties"], false);
    assert_eq!(schema("SelfScoreDto")["properties"]["a"]["maximum"], 40);
    // Free text carries the edge's rule: no control characters.
    let name_pattern = schema("NewProductBody")["properties"]["description"]["pattern"].clone();
    assert!(
        name_pattern.as_str().unwrap().contains("\\u0000"),
        "{name_pattern}"
    );
    // Every JSON body route documents 400 (not JSON) and 415 (not application/json).
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if operation
                .pointer("/requestBody/content/application~1json")
                .is_some()
            {
                for status in ["400", "415", "422"] {
                    assert!(
                        operation["responses"][status].is_object(),
                        "{method} {path} does not document {status}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn bodies_are_parsed_then_access_is_checked_then_fields_are_validated() {
    let app = TestApp::spawn().await;
    let seller = app.seller("chu@example.vn", "HTX Thứ Tự").await;
    let anonymous = TestApp::new_client();
    let path = format!("/api/v1/producers/{}/products", seller.slug);
    let raw = |client: &Client, body: &'static str| {
        client
            .post(app.url(&path))
            .header("content-type", "application/json")
            .body(body)
    };

    // Not JSON: 400 for anyone, before anything else.
    for client in [&anonymous, &seller.client] {
        let response = raw(client, "{\"name\": ").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "bad_request");
    }
    // JSON of the wrong shape (an unknown field, a string for a number): 422 naming the body.
    let response = raw(&seller.client, r#"{"name": "Chè", "prise_vnd": "1"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["fields"]["body"]
            .as_str()
            .unwrap()
            .contains("prise_vnd")
    );
    // Well-formed but invalid fields: access first (401 anonymous), then the fields (422).
    let invalid = json!({ "name": "", "category_code": "che", "price_vnd": "abc", "unit": "kg" });
    let (status, _) = app
        .send_json(&anonymous, Method::POST, &path, Some(invalid.clone()))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = app
        .send_json(&seller.client, Method::POST, &path, Some(invalid))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["price_vnd"].is_string(), "{body}");

    // A whole number written 3.0 is an integer, as JSON Schema says.
    let product = app
        .product(&seller, "Chè búp thứ tự", "100000", "kg", "5")
        .await;
    let (status, body) = app
        .send_json(
            &seller.client,
            Method::POST,
            &format!("/api/v1/products/{}/ocop-applications", product.id),
            Some(
                json!({ "rule_set": "148/2023", "self_score": { "a": 30.0, "b": 20, "c": 25.0 } }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Paging out of its documented bounds is refused, after access.
    let (status, _) = app
        .send_json(&anonymous, Method::GET, "/api/v1/orders?per_page=500", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = app
        .send_json(
            &seller.client,
            Method::GET,
            "/api/v1/orders?per_page=500",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["per_page"].is_string(), "{body}");
}
