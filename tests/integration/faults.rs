//! Issue 14, faults: the database going away and coming back, the S3 server stopping under an
//! upload, and two instances on one database. Each answers plainly (503, not 500), writes nothing
//! half, and recovers without a restart.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use server::config::{MediaBackendKind, Settings};
use server::startup::Application;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tests::{S3Server, TestApp};

/// A connection to the development database, outside the test's own (which goes away).
async fn admin() -> PgConnection {
    let settings = Settings::load().expect("settings");
    PgConnection::connect(settings.database.url.expose_secret())
        .await
        .expect("admin connection")
}

/// What a database restart looks like to the app: every connection cut, new ones refused.
async fn take_down(admin: &mut PgConnection, db_name: &str) {
    sqlx::query(AssertSqlSafe(format!(
        r#"alter database "{db_name}" allow_connections false"#
    )))
    .execute(&mut *admin)
    .await
    .expect("refuse connections");
    sqlx::query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1")
        .bind(db_name)
        .execute(&mut *admin)
        .await
        .expect("cut connections");
}

async fn bring_back(admin: &mut PgConnection, db_name: &str) {
    sqlx::query(AssertSqlSafe(format!(
        r#"alter database "{db_name}" allow_connections true"#
    )))
    .execute(&mut *admin)
    .await
    .expect("allow connections");
}

async fn status_and_code(client: &reqwest::Client, url: &str) -> (StatusCode, Value) {
    let response = client.get(url).send().await.expect("the server answers");
    let status = response.status();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn the_database_going_away_answers_503_and_the_pool_recovers() {
    let app = TestApp::spawn_with(|settings| settings.database.acquire_timeout_secs = 2).await;
    let client = TestApp::new_client();
    let products = app.url("/api/v1/products");
    assert_eq!(status_and_code(&client, &products).await.0, StatusCode::OK);

    // Requests keep flowing through the outage; none may be a 500.
    let flowing = {
        let client = client.clone();
        let products = products.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let until = Instant::now() + Duration::from_secs(8);
            while Instant::now() < until {
                seen.push(status_and_code(&client, &products).await.0);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            seen
        })
    };

    let mut admin = admin().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    take_down(&mut admin, &app.db_name).await;
    let (status, body) = status_and_code(&client, &products).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "service_unavailable", "{body}");
    let (status, ready) = status_and_code(&client, &app.url("/readyz")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{ready}");

    tokio::time::sleep(Duration::from_secs(2)).await;
    bring_back(&mut admin, &app.db_name).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if status_and_code(&client, &products).await.0 == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "the pool did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Not a lucky one: the pool is whole again.
    for _ in 0..20 {
        assert_eq!(status_and_code(&client, &products).await.0, StatusCode::OK);
    }
    assert_eq!(
        status_and_code(&client, &app.url("/readyz")).await.0,
        StatusCode::OK
    );
    let seen = flowing.await.expect("the request loop");
    assert!(
        seen.iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::SERVICE_UNAVAILABLE),
        "{seen:?}"
    );
    assert!(seen.contains(&StatusCode::SERVICE_UNAVAILABLE), "{seen:?}");
}

async fn upload(app: &TestApp, client: &reqwest::Client, product: &str) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(tests::sheets::jpeg([40, 120, 60]))
            .file_name("anh.jpg")
            .mime_str("image/jpeg")
            .expect("mime"),
    );
    let response = client
        .post(app.url(&format!("/api/v1/products/{product}/images")))
        .multipart(form)
        .send()
        .await
        .expect("sent");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Every regular file under `dir`, as paths relative to it.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(
                    path.strip_prefix(dir)
                        .expect("inside")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn the_media_store_going_away_answers_503_and_leaves_nothing_half_written() {
    let mut s3 = S3Server::start().await;
    let bucket = s3.settings("cho-ocop-faults");
    let app = TestApp::spawn_with(|settings| {
        settings.media.backend = MediaBackendKind::S3;
        settings.media.s3 = Some(bucket);
    })
    .await;
    let (owner, _) = app.signed_in_client("chu@example.vn").await;
    let producer = app
        .create_producer(&owner, json!({ "name": "HTX Ảnh", "kind": "htx" }))
        .await;
    let product = app
        .create_product(
            &owner,
            &producer.slug,
            json!({ "name": "Chè ảnh", "category_code": "che", "price_vnd": "200000",
                    "unit": "kg", "stock": "3" }),
        )
        .await;

    s3.stop();
    let (status, body) = upload(&app, &owner, &product.id).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "service_unavailable", "{body}");
    let rows: i64 = sqlx::query_scalar("select count(*) from product_images")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 0, "no row without its object");

    s3.restart().await;
    let (status, body) = upload(&app, &owner, &product.id).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let keys: Vec<(String, String)> =
        sqlx::query_as("select object_key, thumb_key from product_images")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(keys.len(), 1);
    let mut expected = vec![keys[0].0.clone(), keys[0].1.clone()];
    expected.sort();
    let stored: Vec<String> = files_under(&s3.root.join("cho-ocop-faults"))
        .into_iter()
        .filter(|f| !f.starts_with('.') && !f.contains("/."))
        .collect();
    assert_eq!(
        stored, expected,
        "no orphan object beside the photo and its thumbnail"
    );
}

#[tokio::test]
async fn two_instances_share_sessions_and_do_the_daily_work_once() {
    let app = TestApp::spawn().await;
    let second = Application::build(app.settings.clone())
        .await
        .expect("second instance");
    let second_url = format!("http://127.0.0.1:{}", second.port());
    let second_db = second.state().db.clone();
    tokio::spawn(second.run_until(std::future::pending()));

    // Signed in through one, known to the other; signed out through the other, gone from both.
    let (client, id) = app.signed_in_client("lan@example.vn").await;
    let (status, me) = status_and_code(&client, &format!("{second_url}/api/v1/me")).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["id"], id.as_str());
    let out = client
        .post(format!("{second_url}/api/v1/auth/logout"))
        .send()
        .await
        .expect("sent");
    assert!(out.status().is_success(), "{}", out.status());
    assert_eq!(
        status_and_code(&client, &app.url("/api/v1/me")).await.0,
        StatusCode::UNAUTHORIZED
    );

    // The daily job runs on both at once: each digest is recorded (and mailed) once.
    seed::real::load(&app.db).await.expect("seed");
    let soonest: chrono::NaiveDate = sqlx::query_scalar(
        "select min(expires_on) from ocop_certificates where expires_on > current_date",
    )
    .fetch_one(&app.db)
    .await
    .expect("a certificate that expires");
    let today = soonest - chrono::Duration::days(30);
    let base = app.settings.server.base_url.clone();
    let (first, other) = tokio::join!(
        server::jobs::run_daily(&app.db, today, &base),
        server::jobs::run_daily(&second_db, today, &base)
    );
    let (first, other) = (first.expect("first run"), other.expect("second run"));
    let rows: i64 =
        sqlx::query_scalar("select count(*) from certificate_digests where digest_on = $1")
            .bind(today)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(
        rows > 0,
        "the seeded certificates give reminders on {today}"
    );
    assert_eq!(first.digests_added + other.digests_added, rows as u64);
    for product in &first.expired_products {
        assert!(
            !other.expired_products.contains(product),
            "{product} expired twice"
        );
    }
}

/// The `server` binary built beside this test binary (`target/debug/server`): `cargo test
/// --workspace` builds it for the command-line tests.
fn server_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let bin = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/debug")
        .join("server");
    assert!(
        bin.exists(),
        "{} is missing: `cargo build -p server` (the README's test command builds it)",
        bin.display()
    );
    bin
}

#[tokio::test]
async fn sigterm_lets_requests_in_flight_finish_refuses_new_ones_and_exits_zero() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    // The test app creates and migrates the database; the real binary then serves it.
    let app = TestApp::spawn().await;
    let port = tests::free_port();
    let mut child = tokio::process::Command::new(server_binary())
        .arg("serve")
        .env(
            "APP__DATABASE__URL",
            app.settings.database.url.expose_secret(),
        )
        .env("APP__SERVER__PORT", port.to_string())
        .env("APP__WEB__SITE_ROOT", &app.settings.web.site_root)
        .env("APP__MEDIA__LOCAL_DIR", &app.settings.media.local_dir)
        .env("APP__LOG__LEVEL", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("the server starts");
    let address = format!("127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(&address).await.is_err() {
        assert!(Instant::now() < deadline, "the server did not listen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A request in flight: headers and half its body sent when the signal comes.
    let body = json!({ "email": "lan@example.vn", "password": "mat-khau-du-dai",
                       "display_name": "Lan" })
    .to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut in_flight = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    in_flight
        .write_all(
            format!(
                "POST /api/v1/auth/register HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{first}",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .expect("write");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = child.id().expect("running");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    tokio::time::sleep(Duration::from_millis(500)).await;

    // New connections are refused while the old one is served.
    assert!(
        tokio::net::TcpStream::connect(&address).await.is_err(),
        "a new connection after SIGTERM"
    );
    in_flight
        .write_all(rest.as_bytes())
        .await
        .expect("write the rest");
    let mut answer = String::new();
    in_flight
        .read_to_string(&mut answer)
        .await
        .expect("read the answer");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");

    let status = tokio::time::timeout(Duration::from_secs(25), child.wait())
        .await
        .expect("exits within the grace period")
        .expect("wait");
    assert_eq!(status.code(), Some(0));
    let accounts: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(accounts, 1, "the request that was in flight did its work");
}
