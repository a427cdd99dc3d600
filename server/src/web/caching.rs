//! HTTP caching for what the browser keeps: the bundle's content-hashed files for a year, public
//! files for a day, and pages revalidated by an ETag of their bytes (a repeat visit to an
//! unchanged page costs a 304 and no body).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::conditional;

/// For `/pkg`: every file there is named after its content, so a name never changes meaning.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For the site's public files (favicon, robots): stable names, so kept a day.
const PUBLIC_DAY: &str = "public, max-age=86400";
/// For pages: kept, but always asked again; the ETag makes the answer a 304 when unchanged.
const PAGE: &str = "no-cache";
/// Pages are small; a larger body is refused rather than held in memory.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// `/pkg`: the bundle's files, kept a year. Each exists precompressed, so what is sent
/// depends on `Accept-Encoding` (ServeDir does not say so itself).
pub async fn immutable(request: Request, next: Next) -> Response {
    let mut response = cache_for(IMMUTABLE, request, next).await;
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// The public files, kept a day.
pub async fn public_day(request: Request, next: Next) -> Response {
    cache_for(PUBLIC_DAY, request, next).await
}

/// Sets `cache_control` on successful responses only: an error must not be kept for a year.
async fn cache_for(cache_control: &'static str, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let value = if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        cache_control
    } else {
        "no-store"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Gives a successful HTML page an ETag (a hash of its bytes, the same on every instance) and
/// `Cache-Control: no-cache`, and answers `If-None-Match` with 304 when the page is unchanged.
/// The hash is of the page as rendered for this request (cookies included), so a 304 can only
/// confirm bytes the asker already holds. Leptos's empty streaming bootstrap is dropped first
/// (see [`without_empty_bootstrap`]).
pub async fn page_etag(request: Request, next: Next) -> Response {
    let asked = matches!(*request.method(), Method::GET | Method::HEAD)
        .then(|| request.headers().get(header::IF_NONE_MATCH).cloned())
        .flatten();
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let bytes = without_empty_bootstrap(bytes);
    parts.headers.remove(header::CONTENT_LENGTH);
    // Only a complete page is worth keeping; an error or a page that says how it may be kept
    // (a private one) goes as it is.
    if parts.status != StatusCode::OK || parts.headers.contains_key(header::CACHE_CONTROL) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let etag = conditional::etag(xxhash_rust::xxh3::xxh3_64(&bytes));
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(PAGE));
    parts.headers.insert(header::ETAG, etag.clone());
    if conditional::unchanged(asked.as_ref(), &etag) {
        parts.headers.remove(header::CONTENT_TYPE);
        parts.status = StatusCode::NOT_MODIFIED;
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// What Leptos's async rendering writes for the browser to pick up serialized resources: in
/// islands mode, with no resource inside an island (islands get their data as props), both
/// scripts are these empty declarations. They would be the page's only inline scripts and carry
/// a per-request nonce, so the same page would never be the same bytes; the island loader
/// declares the same globals itself. A script with anything else in it is left alone (and the
/// browser tests would see the content policy refuse it).
const EMPTY_BOOTSTRAP: [&str; 2] = [
    "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];",
    "__INCOMPLETE_CHUNKS=[];",
];

fn without_empty_bootstrap(page: bytes::Bytes) -> bytes::Bytes {
    let Ok(html) = std::str::from_utf8(&page) else {
        return page;
    };
    let mut kept = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let (before, from) = rest.split_at(start);
        kept.push_str(before);
        let empty = from.find('>').and_then(|open| {
            let (tag, body) = from.split_at(open + 1);
            let inline = tag == "<script>" || tag.starts_with("<script nonce=");
            EMPTY_BOOTSTRAP.iter().find_map(|script| {
                let end = format!("{script}</script>");
                (inline && body.starts_with(&end)).then(|| open + 1 + end.len())
            })
        });
        match empty {
            Some(len) => rest = &from[len..],
            None => {
                kept.push_str("<script");
                rest = &from["<script".len()..];
            }
        }
    }
    kept.push_str(rest);
    if kept.len() == html.len() {
        page
    } else {
        bytes::Bytes::from(kept)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_empty_bootstrap_scripts_go() {
        let page = concat!(
            "<head><script defer src=\"/pkg/islands.1.js\"></script></head><body><p>Chè</p>",
            "<script nonce=\"abc\">__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];",
            "__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];</script>",
            "<script type=\"application/ld+json\">{}</script>",
            "<script nonce=\"abc\">__INCOMPLETE_CHUNKS=[];</script>",
            "<script nonce=\"abc\">__RESOLVED_RESOURCES=[\"x\"];</script></body>"
        );
        let kept = super::without_empty_bootstrap(bytes::Bytes::from(page));
        assert_eq!(
            std::str::from_utf8(&kept).unwrap(),
            concat!(
                "<head><script defer src=\"/pkg/islands.1.js\"></script></head><body><p>Chè</p>",
                "<script type=\"application/ld+json\">{}</script>",
                "<script nonce=\"abc\">__RESOLVED_RESOURCES=[\"x\"];</script></body>"
            )
        );
    }
}
