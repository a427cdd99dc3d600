//! Issue 14: what a security review and black-box probes found, each with the test that failed
//! before its fix.

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use tests::TestApp;

async fn location_of(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = TestApp::new_client()
        .get(app.url(path))
        .send()
        .await
        .expect("request sent");
    let location = response
        .headers()
        .get(LOCATION)
        .map(|v| v.to_str().expect("visible ASCII").to_owned())
        .unwrap_or_default();
    (response.status(), location)
}

/// Item 1: a tab or line break in `next=` is not a path of ours (browsers drop them, turning
/// `/\t/evil.example` into `//evil.example`), and no redirect target can make a 500.
#[tokio::test]
async fn redirects_never_leave_the_site_nor_fail() {
    let app = TestApp::spawn().await;
    for next in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0A/evil.example",
        "/%20/evil.example",
        "//evil.example",
        "/%5C/evil.example",
        "https://evil.example/",
    ] {
        let (status, to) = location_of(&app, &format!("/ngon-ngu?lang=vi&next={next}")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "next={next}");
        assert_eq!(to, "/", "next={next}");
    }
    let (status, to) = location_of(&app, "/ngon-ngu?lang=vi&next=/%0Aabc").await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/"));

    // A local target with Vietnamese in it still works, percent-encoded.
    let (status, to) = location_of(&app, "/ngon-ngu?lang=en&next=/san-pham?q=ch%C3%A8").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/san-pham?q=ch%C3%A8");

    // The login form's `next` goes through the same check.
    app.signed_in_client("hoa@example.vn").await;
    let client = TestApp::new_client();
    let (status, to) = app
        .post_form(
            &client,
            "/dang-nhap",
            &[
                ("email", "hoa@example.vn"),
                ("password", "mat-khau-du-dai"),
                ("next", "/\t/evil.example"),
            ],
        )
        .await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/quan-ly"));

    // A form posted to a path with a line break in it goes back without a 500.
    let (status, to) = app
        .post_form(&client, "/quan-ly/a%0Ab/ban-hang", &[("pickup", "on")])
        .await;
    assert!(
        status.is_redirection() || status.is_client_error(),
        "{status}"
    );
    assert!(!to.contains('\n'), "{to:?}");
}
