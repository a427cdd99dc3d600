//! The UI↔backend contract: DTOs that cross the wire, the server functions the pages call, and the
//! [`Backend`] port those server functions reach (implemented by the `server` crate).

mod dto;
pub use dto::*;

use leptos::prelude::*;

/// Why the backend could not answer. Pages show a localised message; `Invalid` carries
/// per-field messages (already in Vietnamese) to show beside the inputs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
pub enum BackendError {
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(std::collections::BTreeMap<String, String>),
    #[error("backend failure")]
    Internal,
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
        /// A few products for what is being typed in the search box.
        async fn suggest(&self, q: String) -> Result<Vec<ProductSuggestion>, BackendError>;
    }

    pub type SharedBackend = Arc<dyn Backend>;

    /// The backend provided for this request; a missing one is a wiring bug in `server`.
    pub fn backend() -> Result<SharedBackend, ServerFnError> {
        use_context::<SharedBackend>().ok_or_else(|| ServerFnError::new("backend not provided"))
    }

    /// Pages that find nothing answer 404 to the browser as well as saying so.
    pub fn answer<T>(
        result: Result<T, BackendError>,
    ) -> Result<Result<T, BackendError>, ServerFnError> {
        if matches!(result, Err(BackendError::NotFound))
            && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
        Ok(result)
    }
}

#[cfg(feature = "ssr")]
pub use port::{Backend, SharedBackend};

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

/// Products for what is being typed in the header's search box (after hydration).
#[server(prefix = "/_fn", endpoint = "suggest")]
pub async fn get_suggestions(q: String) -> Answer<Vec<ProductSuggestion>> {
    port::answer(port::backend()?.suggest(q).await)
}
