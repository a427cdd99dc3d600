//! Schemathesis against the running server's own OpenAPI document: every operation, with the real
//! seed loaded, signed in as a producer's owner and as a curator, every check on — no failures.
//! What the document promises (required fields, limits, enums, statuses, shapes) is what the
//! server does, so the mobile app can build on the document alone.

use std::path::PathBuf;

use reqwest::{Client, StatusCode};
use serde_json::json;
use tests::TestApp;

/// Examples per operation and phase: enough to cross every documented status, bounded so the run
/// fits CI (`SCHEMATHESIS_MAX_EXAMPLES` raises it for a deeper local run).
const MAX_EXAMPLES: &str = "12";

/// `SCHEMATHESIS_BIN`, else the virtualenv `.ci/dev` installs under `~/.cache/cho-ocop`.
fn schemathesis() -> PathBuf {
    std::env::var_os("SCHEMATHESIS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let cache = std::env::var_os("CHO_OCOP_CACHE")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
                        .join(".cache/cho-ocop")
                });
            cache.join("schemathesis/bin/schemathesis")
        })
}

/// Signs `email` in and returns the session cookie's value, which Schemathesis sends as the
/// document's `session` credentials.
async fn session_cookie(app: &TestApp, email: &str) -> String {
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": "mat-khau-du-dai" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next()?.strip_prefix("cho_ocop_sid="))
        .expect("a session cookie")
        .to_owned()
}

/// Runs Schemathesis once as whoever `cookie` belongs to; returns its exit status and output.
async fn run(app: &TestApp, who: &str, cookie: &str) -> (bool, String) {
    let report = std::env::temp_dir().join(format!("cho-ocop-schemathesis-{}-{who}", app.db_name));
    let max_examples =
        std::env::var("SCHEMATHESIS_MAX_EXAMPLES").unwrap_or_else(|_| MAX_EXAMPLES.into());
    // Async, so the server (on this runtime) keeps answering while Schemathesis runs.
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/schemathesis.toml");
    let output = tokio::process::Command::new(schemathesis())
        .args(["--config-file", config, "run"])
        .arg(app.url("/api/openapi.json"))
        .args(["--checks", "all", "--max-examples", &max_examples])
        // One worker: two threads have crashed Schemathesis's own coverage phase (a CPython error).
        .args(["--seed", "20261201", "--workers", "1"])
        .env("CHO_OCOP_SESSION", cookie)
        // Ending the session would leave the rest of the run anonymous; both are tested directly.
        .args(["--exclude-path", "/api/v1/auth/logout"])
        .args(["--exclude-path", "/api/v1/me/sessions/revoke"])
        .args(["--report-dir", report.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap_or_else(|error| {
            panic!(
                "start schemathesis at {} (run `bash .ci/dev test` once, or set SCHEMATHESIS_BIN): {error}",
                schemathesis().display()
            )
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[tokio::test]
async fn schemathesis_finds_no_failures_as_member_or_curator() {
    let app = TestApp::spawn().await;
    seed::real::load(&app.db)
        .await
        .expect("the real seed loads");

    // A producer's owner with a product (beside the seeded producers, which nobody here owns).
    let seller = app.seller("chu.htx@example.vn", "HTX Kiểm Thử API").await;
    app.product(&seller, "Chè búp kiểm thử", "120000", "kg", "50")
        .await;
    let member = session_cookie(&app, "chu.htx@example.vn").await;

    let (_, curator_id) = app.signed_in_client("can.bo@example.vn").await;
    app.grant(&curator_id, "curator").await;
    let curator = session_cookie(&app, "can.bo@example.vn").await;

    for (who, cookie) in [("member", member), ("curator", curator)] {
        let (passed, output) = run(&app, who, &cookie).await;
        println!("--- schemathesis as {who} ---\n{output}");
        assert!(passed, "schemathesis found failures as {who}:\n{output}");
    }
}
