//! `/sitemap.xml` and `/robots.txt`, built from the live catalog with absolute URLs.

use axum::extract::State;
use axum::response::IntoResponse;

use super::error::ApiError;
use crate::db;
use crate::state::AppState;

/// Every public page a search engine should know: home, catalog, products, producers, GIs.
pub async fn sitemap(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let paths = db::catalog::public_paths(&state.db).await?;
    let base = state.base_url();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in ["/", "/san-pham"]
        .iter()
        .map(|p| p.to_string())
        .chain(paths)
    {
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            escape_xml(&format!("{base}{path}"))
        ));
    }
    xml.push_str("</urlset>\n");
    Ok(([("content-type", "application/xml; charset=utf-8")], xml))
}

pub async fn robots(State(state): State<AppState>) -> impl IntoResponse {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /_fn/\nDisallow: /ngon-ngu\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n",
        state.base_url()
    );
    ([("content-type", "text/plain; charset=utf-8")], body)
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
