//! Cross-site request refusal: a state-changing request whose Origin (or Referer) names another
//! site gets 403. Same-site plain HTML forms keep working (browsers send our own Origin), and
//! non-browser clients such as the mobile app send no Origin at all.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use crate::state::AppState;

pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_cross_site(request.headers(), state.base_url()) {
        return ApiError::Forbidden("yêu cầu từ trang khác bị từ chối".into()).into_response();
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap, base_url: &str) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site")
    {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match claimed {
        // No Origin or Referer: not a browser acting for another site.
        None => false,
        Some("null") => true,
        Some(url) => {
            let authority = authority_of(url);
            authority.is_none() || (authority != host && authority != authority_of(base_url))
        }
    }
}

/// `https://example.vn:8443/path` → `example.vn:8443`.
fn authority_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn only_other_sites_are_refused() {
        let base = "https://cho-ocop.vn";
        assert!(!is_cross_site(
            &headers(&[("host", "127.0.0.1:3000")]),
            base
        ));
        assert!(!is_cross_site(
            &headers(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3000")
            ]),
            base
        ));
        assert!(!is_cross_site(
            &headers(&[("host", "internal:80"), ("origin", "https://cho-ocop.vn")]),
            base
        ));
        assert!(!is_cross_site(
            &headers(&[("host", "a.vn"), ("referer", "https://a.vn/san-pham?x=1")]),
            base
        ));
        assert!(is_cross_site(
            &headers(&[("host", "a.vn"), ("origin", "https://evil.example")]),
            base
        ));
        assert!(is_cross_site(
            &headers(&[("host", "a.vn"), ("referer", "https://evil.example/a.vn")]),
            base
        ));
        assert!(is_cross_site(
            &headers(&[("host", "a.vn"), ("origin", "null")]),
            base
        ));
        assert!(is_cross_site(
            &headers(&[("host", "a.vn"), ("sec-fetch-site", "cross-site")]),
            base
        ));
    }
}
