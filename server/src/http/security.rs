//! Security headers on every response. Pages rendered by Leptos bring their own
//! Content-Security-Policy with the response's script nonce (`frontend::app::shell`); everything
//! else (JSON, files, error pages) gets a policy that runs no script at all.

use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// For responses that are not Leptos pages: no scripts, no frames, no plugins.
const NO_SCRIPT_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Whether a URL carries a secret (a guest's order link, an unsubscribe link): then no
/// `Referer` may leave with it, not even to our own pages' outbound links.
fn carries_secret(request: &Request) -> bool {
    let uri = request.uri();
    uri.path().starts_with("/thong-bao/huy/")
        || uri
            .query()
            .is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == "token"))
}

fn set_default(headers: &mut HeaderMap, name: axum::http::HeaderName, value: &'static str) {
    headers
        .entry(name)
        .or_insert(HeaderValue::from_static(value));
}

pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let secret = carries_secret(&request);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    set_default(headers, X_CONTENT_TYPE_OPTIONS, "nosniff");
    // Older browsers ignore CSP's frame-ancestors.
    set_default(headers, X_FRAME_OPTIONS, "DENY");
    set_default(headers, CONTENT_SECURITY_POLICY, NO_SCRIPT_POLICY);
    // A URL with a secret never leaks it; a page that lists secret links (the order-placed
    // page) says `no-referrer` itself, and keeps it.
    if secret {
        headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    } else {
        set_default(headers, REFERRER_POLICY, "strict-origin-when-cross-origin");
    }
    if state.is_production() {
        // Production runs behind HTTPS (the README's deployment); a year, as browsers expect.
        set_default(
            headers,
            STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}
