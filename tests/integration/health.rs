//! Operations endpoints, error shape, metrics and request ids.

use reqwest::StatusCode;
use serde_json::json;
use tests::TestApp;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "status": "ok" }));
}

#[tokio::test]
async fn readyz_names_the_backends_in_use_when_the_database_answers() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["search"]["backend"], "postgres");
    assert_eq!(body["media"]["backend"], "local");
}

#[tokio::test]
async fn readyz_is_503_in_the_error_shape_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.db.close().await;
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["error"]["code"], "service_unavailable");
    assert_eq!(body["database"], "unreachable");
}

#[tokio::test]
async fn unknown_api_paths_get_a_json_404_in_the_contract_shape() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/api/v1/no-such-thing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].is_string());
    assert!(body["error"].get("fields").is_none());
}

#[tokio::test]
async fn metrics_count_requests_and_time_them_by_route() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        app.get("/healthz").await;
    }
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    let counter = text
        .lines()
        .find(|line| {
            line.starts_with("http_requests_total{")
                && line.contains(r#"route="/healthz""#)
                && line.contains(r#"status="200""#)
        })
        .expect("a request counter for /healthz");
    // The recorder is process-wide and other tests hit /healthz too: at least our three.
    let count: f64 = counter.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 3.0, "{counter}");
    assert!(text.contains(r#"http_request_duration_seconds_bucket{method="GET",route="/healthz",status="200",le="0.005"}"#));
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_one_it_was_given() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    let generated = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(generated.len(), 36, "a UUID: {generated}");

    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "abc-123");
}
