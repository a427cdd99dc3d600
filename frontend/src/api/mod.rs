//! The UI↔backend contract: DTOs that cross the wire, the server functions the pages call, and the
//! [`Backend`] port those server functions reach (implemented by the `server` crate).

mod accounts;
mod after_sale;
mod buying;
mod curation;
mod dto;
mod imports;
mod orders;
mod report;
mod reviews;
mod workspace;
pub use accounts::*;
pub use after_sale::*;
pub use buying::*;
pub use curation::*;
pub use dto::*;
pub use imports::*;
pub use orders::*;
pub use report::*;
pub use reviews::*;
pub use workspace::*;

use leptos::prelude::*;

/// Why the backend could not answer. Pages show a localised message; `Invalid` carries
/// per-field messages (already in Vietnamese) to show beside the inputs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
pub enum BackendError {
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(std::collections::BTreeMap<String, String>),
    /// Nobody is signed in: pages (workspace, curators') send the visitor to the login page.
    #[error("not signed in")]
    Unauthorized,
    /// Signed in, but not allowed here (say, another producer's workspace).
    #[error("forbidden")]
    Forbidden,
    #[error("backend failure")]
    Internal,
}

/// A path on this site (`/quan-ly`), never another site (`//evil.example`, `https://…`, `/\\…`):
/// where a `next=` or a language switch may send someone without making us an open redirect.
/// Browsers drop tabs and line breaks from a `Location` (`/\t/evil.example` becomes
/// `//evil.example`), so a path with any control character or whitespace is not ours either.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// The site's public origin (`https://…`), for absolute links in Open Graph and JSON-LD.
/// The server provides it; in the browser it is the page's own origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOrigin(pub String);

#[cfg(feature = "ssr")]
mod port {
    use std::sync::Arc;

    use super::*;

    /// What the pages need from the rest of the system. The server provides an `Arc<dyn Backend>`
    /// as Leptos context for every SSR render and server-function call.
    #[async_trait::async_trait]
    pub trait Backend: Send + Sync + 'static {
        async fn home(&self) -> Result<HomeData, BackendError>;
        async fn catalog(&self, query: CatalogQuery) -> Result<CatalogPage, BackendError>;
        async fn product(&self, slug: String) -> Result<ProductDetail, BackendError>;
        async fn producer(&self, slug: String) -> Result<ProducerPage, BackendError>;
        async fn gi(&self, slug: String) -> Result<GiPage, BackendError>;
        async fn livestreams(&self) -> Result<Vec<LivestreamDto>, BackendError>;

        // The workspace and sign-in pages read the session from the request.
        async fn viewer(&self, req: &Request) -> Result<Option<Viewer>, BackendError>;
        async fn auth_form(&self, req: &Request) -> Result<FormState, BackendError>;
        async fn producer_form(
            &self,
            req: &Request,
            slug: Option<String>,
        ) -> Result<ProducerForm, BackendError>;
        async fn producer_desk(
            &self,
            req: &Request,
            slug: String,
        ) -> Result<ProducerDesk, BackendError>;
        async fn product_editor(
            &self,
            req: &Request,
            slug: String,
            id: Option<String>,
        ) -> Result<ProductEditor, BackendError>;
        /// The schedule form (`id` empty) or the edit form of one of the producer's livestreams.
        async fn livestream_form(
            &self,
            req: &Request,
            slug: String,
            id: Option<String>,
        ) -> Result<LivestreamForm, BackendError>;
        /// A certificate by its verification code, with its live status.
        async fn verify(&self, code: String) -> Result<VerifyResult, BackendError>;
        /// The curators' dashboard for the requester described by `request` (its session
        /// cookie): `Unauthorized` for nobody, `Forbidden` for someone who is not a curator.
        async fn curator_dashboard(
            &self,
            request: http::request::Parts,
        ) -> Result<CuratorDashboard, BackendError>;
        /// The curators' review queue, filtered; same access rule as the dashboard.
        async fn review_queue(
            &self,
            request: http::request::Parts,
            query: ReviewQueueQuery,
        ) -> Result<ReviewQueuePage, BackendError>;
        /// A producer's import page: the upload form, or the preview of one upload.
        async fn import_page(
            &self,
            req: &Request,
            slug: String,
            upload: Option<String>,
        ) -> Result<ImportPage, BackendError>;
        /// The curators' annex page: the upload form, or the review of one upload.
        async fn annex_page(
            &self,
            req: &Request,
            upload: Option<String>,
        ) -> Result<AnnexPage, BackendError>;
        /// A few products for what is being typed in the search box.
        async fn suggest(&self, q: String) -> Result<Vec<ProductSuggestion>, BackendError>;
    }

    /// The incoming request's head (cookies, session), as Leptos provides it.
    pub type Request = http::request::Parts;

    pub type SharedBackend = Arc<dyn Backend>;

    /// The backend provided for this request; a missing one is a wiring bug in `server`.
    pub fn backend() -> Result<SharedBackend, ServerFnError> {
        use_context::<SharedBackend>().ok_or_else(|| ServerFnError::new("backend not provided"))
    }

    /// Pages carrying a secret (an order's or an invitation's token) must not leak it to other
    /// sites through the Referer header.
    pub fn no_referrer() {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.insert_header(
                http::header::REFERRER_POLICY,
                http::HeaderValue::from_static("no-referrer"),
            );
        }
    }

    /// Pages that find nothing (or may not show it) answer 404 (or 403) to the browser as well as
    /// saying so.
    pub fn answer<T>(
        result: Result<T, BackendError>,
    ) -> Result<Result<T, BackendError>, ServerFnError> {
        let status = match &result {
            Err(BackendError::NotFound) => Some(http::StatusCode::NOT_FOUND),
            Err(BackendError::Forbidden) => Some(http::StatusCode::FORBIDDEN),
            _ => None,
        };
        if let Some(status) = status
            && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        {
            response.set_status(status);
        }
        Ok(result)
    }
}

#[cfg(feature = "ssr")]
pub use port::{Backend, Request, SharedBackend};

/// A server-function result: transport failures outside, domain outcomes inside.
pub type Answer<T> = Result<Result<T, BackendError>, ServerFnError>;

/// Everything the home page shows.
#[server(prefix = "/_fn", endpoint = "home")]
pub async fn get_home() -> Answer<HomeData> {
    port::answer(port::backend()?.home().await)
}

/// One page of the catalog with facets, for the given filters.
#[server(prefix = "/_fn", endpoint = "catalog")]
pub async fn get_catalog(query: CatalogQuery) -> Answer<CatalogPage> {
    port::answer(port::backend()?.catalog(query).await)
}

#[server(prefix = "/_fn", endpoint = "product")]
pub async fn get_product(slug: String) -> Answer<ProductDetail> {
    port::answer(port::backend()?.product(slug).await)
}

#[server(prefix = "/_fn", endpoint = "producer")]
pub async fn get_producer(slug: String) -> Answer<ProducerPage> {
    port::answer(port::backend()?.producer(slug).await)
}

/// Every livestream, live and upcoming first.
#[server(prefix = "/_fn", endpoint = "livestreams")]
pub async fn get_livestreams() -> Answer<Vec<LivestreamDto>> {
    port::answer(port::backend()?.livestreams().await)
}

#[server(prefix = "/_fn", endpoint = "gi")]
pub async fn get_gi(slug: String) -> Answer<GiPage> {
    port::answer(port::backend()?.gi(slug).await)
}

/// A certificate's public verification (`/xac-minh/{code}`).
#[server(prefix = "/_fn", endpoint = "verify")]
pub async fn get_verify(code: String) -> Answer<VerifyResult> {
    port::answer(port::backend()?.verify(code).await)
}

/// The curators' dashboard; the requester is read from the request's session.
#[server(prefix = "/_fn", endpoint = "curator_dashboard")]
pub async fn get_curator_dashboard() -> Answer<CuratorDashboard> {
    let parts = use_context::<http::request::Parts>()
        .ok_or_else(|| ServerFnError::new("request not provided"))?;
    let path = parts.uri.path().to_owned();
    let result = port::backend()?.curator_dashboard(parts).await;
    curator_answer(result, &path)
}

/// The curators' review queue with the given filters.
#[server(prefix = "/_fn", endpoint = "review_queue")]
pub async fn get_review_queue(query: ReviewQueueQuery) -> Answer<ReviewQueuePage> {
    let parts = use_context::<http::request::Parts>()
        .ok_or_else(|| ServerFnError::new("request not provided"))?;
    let path = parts.uri.path().to_owned();
    let result = port::backend()?.review_queue(parts, query).await;
    curator_answer(result, &path)
}

/// Curator pages: a page request from nobody goes to the login page (and back to `path`
/// afterwards); someone without the role gets 403.
#[cfg(feature = "ssr")]
fn curator_answer<T>(result: Result<T, BackendError>, path: &str) -> Answer<T> {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        match &result {
            // A page request (not a call from the hydrated app) is redirected.
            Err(BackendError::Unauthorized) if !path.starts_with("/_fn") => {
                response.set_status(http::StatusCode::SEE_OTHER);
                if let Ok(location) =
                    http::HeaderValue::from_str(&format!("/dang-nhap?next={path}"))
                {
                    response.insert_header(http::header::LOCATION, location);
                }
            }
            Err(BackendError::Unauthorized) => response.set_status(http::StatusCode::UNAUTHORIZED),
            Err(BackendError::Forbidden) => response.set_status(http::StatusCode::FORBIDDEN),
            _ => {}
        }
    }
    port::answer(result)
}

/// Products for what is being typed in the header's search box (after hydration).
#[server(prefix = "/_fn", endpoint = "suggest")]
pub async fn get_suggestions(q: String) -> Answer<Vec<ProductSuggestion>> {
    port::answer(port::backend()?.suggest(q).await)
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_paths_on_this_site_are_local() {
        assert!(is_local_path("/quan-ly"));
        assert!(is_local_path("/san-pham?q=ch%C3%A8"));
        for outside in [
            "//evil.example/",
            "https://evil.example",
            "/\\evil.example",
            "quan-ly",
            "",
        ] {
            assert!(!is_local_path(outside), "{outside}");
        }
    }
}
