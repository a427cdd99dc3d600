//! Shared application state handed to every handler: the pool and the adapters, nothing per-instance.

use std::sync::Arc;

use leptos::config::LeptosOptions;
use sqlx::PgPool;

use crate::clock::SharedClock;
use crate::config::{Environment, Settings};
use crate::media::SharedMediaStore;

/// Cheap to clone; holds no data that another instance behind a load balancer would need.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub settings: Arc<Settings>,
    pub leptos: LeptosOptions,
    pub clock: SharedClock,
    pub media: SharedMediaStore,
    pub search: crate::search::Search,
    pub mailer: crate::mail::Mailer,
    /// Catalog-wide page data, reused while the catalog's versions are unchanged (keyed on
    /// versions read from the database, so instances never disagree with it).
    pub caches: Arc<crate::cache::PageCaches>,
}

impl axum::extract::FromRef<AppState> for SharedMediaStore {
    fn from_ref(state: &AppState) -> Self {
        state.media.clone()
    }
}

impl AppState {
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// Prefix of public media URLs.
    pub fn media_base(&self) -> &str {
        &self.settings.media.public_base_url
    }

    /// Absolute URL of the site, for links that leave it (Open Graph, QR codes, sitemap).
    pub fn base_url(&self) -> &str {
        self.settings.server.base_url.trim_end_matches('/')
    }

    /// The moment and addresses one request reads against.
    pub fn view(&self) -> crate::view::ReadContext<'_> {
        let now = self.clock.now();
        crate::view::ReadContext {
            now,
            today: now.with_timezone(&crate::clock::vietnam()).date_naive(),
            media_base: self.media_base(),
            base_url: self.base_url(),
        }
    }

    pub fn is_production(&self) -> bool {
        self.settings.server.environment == Environment::Production
    }

    /// The configured search engine (`/readyz` also says which one answers now).
    pub fn search_backend_name(&self) -> &'static str {
        self.search.configured()
    }

    pub fn media_backend_name(&self) -> &'static str {
        self.media.backend_name()
    }
}
