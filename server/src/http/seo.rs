//! `/sitemap.xml` (a sitemap index), its files under `/sitemaps/` and `/robots.txt`, built from
//! the live catalog with absolute URLs. The files are built once per catalog version, gzipped
//! once, and served compressed to every client that accepts it.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};

use super::error::ApiError;
use crate::cache::Compressed;
use crate::db;
use crate::db::catalog::SitemapEntry;
use crate::state::AppState;

/// The sitemap protocol's limit of URLs in one file.
pub const URLS_PER_FILE: usize = 50_000;

/// The index, naming every sitemap file with its last change.
pub async fn sitemap(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    serve(&state, INDEX, &headers).await
}

/// One sitemap file (`pages-1.xml`, `products-1.xml`, …), as the index names them.
pub async fn sitemap_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if file == INDEX {
        return Ok(StatusCode::NOT_FOUND.into_response());
    }
    serve(&state, &file, &headers).await
}

pub async fn robots(State(state): State<AppState>) -> impl IntoResponse {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /_fn/\nDisallow: /ngon-ngu\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n",
        state.base_url()
    );
    ([("content-type", "text/plain; charset=utf-8")], body)
}

/// The index's name among the files.
const INDEX: &str = "sitemap.xml";

async fn serve(state: &AppState, name: &str, headers: &HeaderMap) -> Result<Response, ApiError> {
    let version = db::catalog::versions(&state.db).await?;
    let files = state
        .caches
        .sitemap
        .get_or_fill(version, || async {
            let (pages, products) = tokio::try_join!(
                db::catalog::sitemap_pages(&state.db),
                db::catalog::sitemap_products(&state.db)
            )?;
            Ok::<_, sqlx::Error>(files(state.base_url(), pages, products, URLS_PER_FILE))
        })
        .await?;
    let Some(file) = files.get(name) else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let mut response_headers = HeaderMap::new();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    response_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    // Already compressed: the compression layer leaves a response with an encoding alone.
    let body = if accepts_gzip(headers) {
        response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        file.gzip.clone()
    } else {
        file.plain.clone()
    };
    Ok((response_headers, body).into_response())
}

/// Whether `Accept-Encoding` allows gzip (named or `*`, with a weight above zero).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// The index and its files: home, catalog, producers and GIs in `pages-N.xml`, products in
/// `products-N.xml`, at most `per_file` URLs each; every URL and file with its last change.
fn files(
    base: &str,
    pages: Vec<SitemapEntry>,
    products: Vec<SitemapEntry>,
    per_file: usize,
) -> HashMap<String, Compressed> {
    // Home and catalog change whenever anything listed does.
    let latest = pages.iter().chain(&products).map(|(_, at)| *at).max();
    let listings = ["/", "/san-pham"].map(|path| (path.to_owned(), latest));
    let pages: Vec<(String, Option<DateTime<Utc>>)> = listings
        .into_iter()
        .chain(pages.into_iter().map(|(path, at)| (path, Some(at))))
        .collect();
    let products: Vec<(String, Option<DateTime<Utc>>)> = products
        .into_iter()
        .map(|(path, at)| (path, Some(at)))
        .collect();
    let mut out = HashMap::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (kind, entries) in [("pages", pages), ("products", products)] {
        for (n, chunk) in entries.chunks(per_file.max(1)).enumerate() {
            let name = format!("{kind}-{}.xml", n + 1);
            let mut xml = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
            );
            for (path, at) in chunk {
                push_entry(&mut xml, "url", &format!("{base}{path}"), *at);
            }
            xml.push_str("</urlset>\n");
            let newest = chunk.iter().filter_map(|(_, at)| *at).max();
            push_entry(
                &mut index,
                "sitemap",
                &format!("{base}/sitemaps/{name}"),
                newest,
            );
            out.insert(name, Compressed::new(xml));
        }
    }
    index.push_str("</sitemapindex>\n");
    out.insert(INDEX.to_owned(), Compressed::new(index));
    out
}

fn push_entry(xml: &mut String, tag: &str, loc: &str, lastmod: Option<DateTime<Utc>>) {
    xml.push_str(&format!("  <{tag}><loc>{}</loc>", escape_xml(loc)));
    if let Some(at) = lastmod {
        xml.push_str(&format!(
            "<lastmod>{}</lastmod>",
            at.to_rfc3339_opts(SecondsFormat::Secs, true)
        ));
    }
    xml.push_str(&format!("</{tag}>\n"));
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(prefix: &str, n: usize) -> Vec<SitemapEntry> {
        (0..n)
            .map(|i| (format!("/{prefix}/{i}"), DateTime::UNIX_EPOCH))
            .collect()
    }

    fn urls(file: &Compressed) -> usize {
        String::from_utf8_lossy(&file.plain)
            .matches("<url>")
            .count()
    }

    #[test]
    fn files_hold_at_most_the_limit_and_every_url_once() {
        let files = files(
            "https://x.vn",
            entries("co-so", 4),
            entries("san-pham", 7),
            3,
        );
        let index = String::from_utf8_lossy(&files[INDEX].plain).into_owned();
        // 2 listings + 4 producers = 6 pages → 2 files; 7 products → 3 files.
        for name in [
            "pages-1.xml",
            "pages-2.xml",
            "products-1.xml",
            "products-2.xml",
            "products-3.xml",
        ] {
            assert!(
                index.contains(&format!("<loc>https://x.vn/sitemaps/{name}</loc><lastmod>")),
                "{index}"
            );
            assert!(urls(&files[name]) <= 3);
        }
        assert_eq!(files.len(), 6);
        let products: usize = (1..=3)
            .map(|n| urls(&files[&format!("products-{n}.xml")]))
            .sum();
        assert_eq!(products, 7);
        assert!(
            String::from_utf8_lossy(&files["products-3.xml"].plain).contains(
                "<loc>https://x.vn/san-pham/6</loc><lastmod>1970-01-01T00:00:00Z</lastmod>"
            )
        );
    }

    #[test]
    fn gzip_is_accepted_unless_refused() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            accepts_gzip(&headers)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, gzip;q=0.8"));
        assert!(with("*"));
        assert!(!with("gzip;q=0, br"));
        assert!(!with("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
