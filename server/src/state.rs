//! Shared application state handed to every handler: the pool and the adapters, nothing per-instance.

use std::sync::Arc;

use leptos::config::LeptosOptions;
use sqlx::PgPool;

use crate::config::{Environment, MediaBackendKind, Settings};

/// Cheap to clone; holds no data that another instance behind a load balancer would need.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub settings: Arc<Settings>,
    pub leptos: LeptosOptions,
}

impl AppState {
    pub fn is_production(&self) -> bool {
        self.settings.server.environment == Environment::Production
    }

    pub fn search_backend_name(&self) -> &'static str {
        if self.settings.search.meili_url.is_some() {
            "meilisearch"
        } else {
            "postgres"
        }
    }

    pub fn media_backend_name(&self) -> &'static str {
        match self.settings.media.backend {
            MediaBackendKind::Local => "local",
            MediaBackendKind::S3 => "s3",
        }
    }
}
