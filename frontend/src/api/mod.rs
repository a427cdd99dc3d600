//! The UI↔backend contract: DTOs that cross the wire, the server functions the pages call, and the
//! [`Backend`] port those server functions reach (implemented by the `server` crate).

mod dto;
pub use dto::*;

use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod port {
    use std::sync::Arc;

    use super::HomeData;

    /// Why the backend could not answer; the UI shows a localised message, never the cause.
    #[derive(Debug, thiserror::Error)]
    pub enum BackendError {
        #[error("not found")]
        NotFound,
        #[error("backend failure: {0}")]
        Internal(String),
    }

    /// What the pages need from the rest of the system. The server provides an `Arc<dyn Backend>`
    /// as Leptos context for every SSR render and server-function call.
    #[async_trait::async_trait]
    pub trait Backend: Send + Sync + 'static {
        async fn home(&self) -> Result<HomeData, BackendError>;
    }

    pub type SharedBackend = Arc<dyn Backend>;

    /// The backend provided for this request; a missing one is a wiring bug in `server`.
    pub fn backend() -> Result<SharedBackend, leptos::prelude::ServerFnError> {
        leptos::prelude::use_context::<SharedBackend>()
            .ok_or_else(|| leptos::prelude::ServerFnError::new("backend not provided"))
    }
}

#[cfg(feature = "ssr")]
pub use port::{Backend, BackendError, SharedBackend};

/// Everything the home page shows.
#[server(prefix = "/_fn", endpoint = "home")]
pub async fn get_home() -> Result<HomeData, ServerFnError> {
    Ok(port::backend()?.home().await?)
}
