//! `TestApp`: one real server per test, on a free port, with a database of its own.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::Value;
use server::{Application, Settings};
use sqlx::{AssertSqlSafe, Connection, PgConnection, PgPool};
use tokio::sync::OnceCell;

/// A running application and a cookie-keeping client pointed at it.
pub struct TestApp {
    pub address: String,
    pub db: PgPool,
    pub db_name: String,
    pub client: reqwest::Client,
    pub settings: Settings,
}

static NEXT_DB: AtomicU32 = AtomicU32::new(0);
static CLEANED: OnceCell<()> = OnceCell::const_new();

impl TestApp {
    /// Builds the app exactly as `server serve` does, against a new database.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Like [`TestApp::spawn`], letting a test adjust settings first.
    pub async fn spawn_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
        Self::spawn_with_clock(std::sync::Arc::new(server::clock::SystemClock), customise).await
    }

    /// Like [`TestApp::spawn_with`] on a given clock: a `ManualClock` lets a test move time
    /// (certificate expiry, waiting times) instead of waiting for it.
    pub async fn spawn_with_clock(
        clock: server::clock::SharedClock,
        customise: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let mut settings = Settings::load().expect("settings load");
        server::telemetry::init(&server::config::LogSettings {
            level: std::env::var("TEST_LOG").unwrap_or_else(|_| "error".into()),
            ..settings.log.clone()
        });
        CLEANED
            .get_or_init(|| drop_leftover_databases(&settings))
            .await;

        let db_name = format!(
            "t_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::SeqCst)
        );
        create_database(&settings, &db_name).await;
        settings.database = settings.database.with_database(&db_name);
        settings.server.port = 0;
        settings.web.site_root = site_root();
        settings.media.local_dir = std::env::temp_dir().join(format!("cho-ocop-media-{db_name}"));
        // Every test's accounts register from 127.0.0.1; the limit's own test sets it back.
        settings.limits.registrations_per_hour = 10_000;
        // Tests fire requests faster than any person: the request limit is off unless tested.
        settings.limits.requests_per_second = 0;
        customise(&mut settings);

        let app = Application::build_with_clock(settings.clone(), clock)
            .await
            .expect("application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let db = app.state().db.clone();
        tokio::spawn(app.run_until(std::future::pending()));

        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        TestApp {
            address,
            db,
            db_name,
            client,
            settings,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// GET with `If-None-Match: etag`, as a browser revalidating what it keeps.
    pub async fn get_if_none_match(&self, path: &str, etag: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(reqwest::header::IF_NONE_MATCH, etag)
            .send()
            .await
            .expect("request sent")
    }

    /// GET and parse the body as JSON, whatever the status.
    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let response = self.get(path).await;
        let status = response.status();
        let body = response.json().await.expect("JSON body");
        (status, body)
    }

    /// A fresh cookie-keeping client: another person using the same server.
    pub fn new_client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client")
    }

    /// Sends a JSON body with any method, as `client`, and returns status and JSON (Null if empty).
    pub async fn send_json(
        &self,
        client: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let text = response.text().await.expect("body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    pub async fn post_json(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send_json(&self.client, reqwest::Method::POST, path, Some(body))
            .await
    }

    /// Registers an account on a new client, which stays signed in as it.
    pub async fn signed_in_client(&self, email: &str) -> (reqwest::Client, String) {
        let client = Self::new_client();
        let (status, body) = self
            .send_json(
                &client,
                reqwest::Method::POST,
                "/api/v1/auth/register",
                Some(serde_json::json!({ "email": email, "password": "mat-khau-du-dai", "display_name": email })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (client, body["user"]["id"].as_str().unwrap().to_owned())
    }

    /// Grants a role the way the server's command line does.
    pub async fn grant(&self, user_id: &str, role: &str) {
        sqlx::query("insert into user_roles (user_id, role) values ($1::uuid, $2)")
            .bind(user_id)
            .bind(role)
            .execute(&self.db)
            .await
            .expect("grant role");
    }

    /// Posts a form as `client` (a browser without JavaScript) and returns the status and
    /// where it redirects (empty when it does not).
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let response = client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("form posted");
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (response.status(), location)
    }

    /// GET a page and return its status and HTML.
    pub async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("text body"))
    }
}

/// The built hydration bundle; `.ci/dev test` builds it and says where.
pub fn site_root() -> PathBuf {
    std::env::var_os("CHO_OCOP_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/site"))
}

async fn admin_connection(settings: &Settings) -> PgConnection {
    PgConnection::connect(settings.database.url.expose_secret())
        .await
        .expect("connect to the development database (run `bash .ci/dev test`)")
}

async fn create_database(settings: &Settings, name: &str) {
    let mut conn = admin_connection(settings).await;
    // The name is ours (`t_<pid>_<n>`), never user input.
    sqlx::query(AssertSqlSafe(format!(r#"create database "{name}""#)))
        .execute(&mut conn)
        .await
        .expect("create test database");
}

/// Drops test databases left by earlier runs whose process is gone, so they don't pile up.
async fn drop_leftover_databases(settings: &Settings) {
    let mut conn = admin_connection(settings).await;
    let names: Vec<String> =
        sqlx::query_scalar("select datname from pg_database where datname like 't\\_%\\_%'")
            .fetch_all(&mut conn)
            .await
            .expect("list databases");
    for name in names {
        let pid = name.split('_').nth(1).unwrap_or_default();
        if pid.is_empty() || std::path::Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let _ = sqlx::query(AssertSqlSafe(format!(
            r#"drop database if exists "{name}" with (force)"#
        )))
        .execute(&mut conn)
        .await;
    }
}
