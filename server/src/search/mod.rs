//! Catalog search behind one small trait, with two engines: Postgres (embedded default, always
//! there) and Meilisearch (when `APP__SEARCH__MEILI_URL` is set; Postgres answers while it is
//! down). Documents are kept in Postgres by triggers; `outbox` pushes their changes to
//! Meilisearch; `reindex` rebuilds both.

pub mod meili;
pub mod outbox;
pub mod postgres;
pub mod reindex;
pub mod text;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use frontend::api::{Facets, ProductList, ProductSuggestion};
use sqlx::PgPool;

use crate::config::SearchSettings;
pub use crate::db::search_docs::SearchDoc;
use crate::domain::listing::ProductFilter;
use crate::view::ReadContext;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("meilisearch: {0}")]
    Meili(#[from] meilisearch_sdk::errors::Error),
    #[error("meilisearch did not answer in time")]
    Timeout,
    #[error("meilisearch task failed: {0}")]
    Task(String),
}

/// Matches of a filter: one page of documents, the number of matches and facet counts over all.
#[derive(Debug, Clone)]
pub struct SearchHits {
    pub docs: Vec<SearchDoc>,
    pub total: i64,
    pub facets: Facets,
}

/// A search engine the catalog can ask.
#[async_trait::async_trait]
pub trait SearchBackend: Send + Sync {
    /// `postgres` or `meilisearch`, for `/readyz` and logs.
    fn name(&self) -> &'static str;
    /// Matches for a filter as of `today` (stars of expired certificates never count).
    async fn search(
        &self,
        filter: &ProductFilter,
        today: NaiveDate,
    ) -> Result<SearchHits, SearchError>;
    /// A few products for what is being typed (typo-tolerant).
    async fn suggest(
        &self,
        q: &str,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ProductSuggestion>, SearchError>;
    /// Whether the engine answers now.
    async fn health(&self) -> Result<(), SearchError>;
}

/// Where the sync worker pushes document changes (Meilisearch; Postgres needs none, its
/// documents change in the writing transaction).
#[async_trait::async_trait]
pub trait SearchIndex: Send + Sync {
    /// Replaces these documents and removes those of products no longer visible. Returns once
    /// the engine has applied them, so an emptied outbox means a converged index.
    async fn apply(
        &self,
        upserts: Vec<SearchDoc>,
        deletes: Vec<uuid::Uuid>,
        today: NaiveDate,
    ) -> Result<(), SearchError>;
    /// Sets only `in_stock` of these documents (a partial update: their stock crossed zero and
    /// nothing else changed). Returns once applied.
    async fn set_in_stock(&self, changes: Vec<(uuid::Uuid, bool)>) -> Result<(), SearchError>;
}

/// What `/readyz` reports about search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchStatus {
    /// The engine answering queries now.
    pub serving: &'static str,
    /// The configured engine, when another one stands in for it.
    pub fallback_from: Option<&'static str>,
}

impl SearchStatus {
    pub fn label(&self) -> String {
        match self.fallback_from {
            Some(down) => format!("{} ({down} down)", self.serving),
            None => self.serving.to_owned(),
        }
    }
}

/// After Meilisearch fails, queries go straight to Postgres for this long before trying it again,
/// so a hung engine does not add its timeout to every request.
const RETRY_MEILI_AFTER: Duration = Duration::from_secs(5);
/// The longest a query waits for Meilisearch before Postgres answers instead.
const MEILI_TIMEOUT: Duration = Duration::from_millis(1500);

/// The catalog's search: the configured engine, falling back to Postgres. Cheap to clone.
#[derive(Clone)]
pub struct Search {
    postgres: Arc<postgres::PostgresSearch>,
    meili: Option<Arc<meili::MeiliSearch>>,
    /// Process-local breaker state; losing it only costs one more try.
    meili_down_until: Arc<Mutex<Option<Instant>>>,
}

impl Search {
    /// Postgres always; Meilisearch too when configured (its index settings are applied when
    /// it answers, so the server starts even while it is down).
    pub async fn from_settings(db: PgPool, settings: &SearchSettings) -> anyhow::Result<Search> {
        let postgres = Arc::new(postgres::PostgresSearch::new(
            db.clone(),
            settings.facet_cache.unwrap_or(true),
        ));
        let meili = match &settings.meili_url {
            Some(url) => {
                let meili = meili::MeiliSearch::new(db, url, settings)?;
                if let Err(error) = meili.ensure_index().await {
                    tracing::warn!(%error, "meilisearch is not ready; searching with postgres until it is");
                }
                Some(Arc::new(meili))
            }
            None => None,
        };
        Ok(Search {
            postgres,
            meili,
            meili_down_until: Arc::new(Mutex::new(None)),
        })
    }

    /// The configured engine's name.
    pub fn configured(&self) -> &'static str {
        if self.meili.is_some() {
            "meilisearch"
        } else {
            "postgres"
        }
    }

    pub fn postgres(&self) -> &postgres::PostgresSearch {
        &self.postgres
    }

    pub fn meili(&self) -> Option<&Arc<meili::MeiliSearch>> {
        self.meili.as_ref()
    }

    /// Where the sync worker pushes changes, if anywhere.
    pub fn index(&self) -> Option<Arc<dyn SearchIndex>> {
        self.meili
            .as_ref()
            .map(|m| Arc::clone(m) as Arc<dyn SearchIndex>)
    }

    fn meili_usable(&self) -> Option<&Arc<meili::MeiliSearch>> {
        let meili = self.meili.as_ref()?;
        let down_until = *self.meili_down_until.lock().expect("breaker lock");
        match down_until {
            Some(until) if Instant::now() < until => None,
            _ => Some(meili),
        }
    }

    fn meili_failed(&self, error: &SearchError) {
        tracing::warn!(%error, "meilisearch failed; postgres answers");
        *self.meili_down_until.lock().expect("breaker lock") =
            Some(Instant::now() + RETRY_MEILI_AFTER);
    }

    /// The catalog list: a page of product cards with the total and facet counts.
    pub async fn list(
        &self,
        filter: &ProductFilter,
        view: &ReadContext<'_>,
    ) -> Result<ProductList, SearchError> {
        let today = view.today;
        let hits = match self.try_meili(|m| m.search(filter, today)).await {
            Some(hits) => hits,
            None => self.postgres.search(filter, today).await?,
        };
        Ok(ProductList {
            items: hits
                .docs
                .iter()
                .map(|doc| doc.summary(today, view.media_base))
                .collect(),
            total: hits.total,
            page: filter.page,
            per_page: filter.per_page,
            facets: hits.facets,
        })
    }

    /// Suggestions for what is being typed.
    pub async fn suggest(
        &self,
        q: &str,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ProductSuggestion>, SearchError> {
        match self.try_meili(|m| m.suggest(q, today, limit)).await {
            Some(found) => Ok(found),
            None => self.postgres.suggest(q, today, limit).await,
        }
    }

    /// Meilisearch's answer, or `None` when it is not configured, resting after a failure, fails
    /// now or is too slow (then Postgres answers).
    async fn try_meili<'a, T, F, Fut>(&'a self, ask: F) -> Option<T>
    where
        F: FnOnce(&'a meili::MeiliSearch) -> Fut,
        Fut: Future<Output = Result<T, SearchError>>,
    {
        let meili = self.meili_usable()?;
        match tokio::time::timeout(MEILI_TIMEOUT, ask(meili.as_ref())).await {
            Ok(Ok(answer)) => Some(answer),
            Ok(Err(error)) => {
                self.meili_failed(&error);
                None
            }
            Err(_) => {
                self.meili_failed(&SearchError::Timeout);
                None
            }
        }
    }

    /// Which engine answers now; asks Meilisearch (briefly) when it is configured.
    pub async fn status(&self) -> SearchStatus {
        match &self.meili {
            None => SearchStatus {
                serving: "postgres",
                fallback_from: None,
            },
            Some(meili) => {
                let healthy = matches!(
                    tokio::time::timeout(Duration::from_secs(1), meili.health()).await,
                    Ok(Ok(()))
                );
                if healthy {
                    SearchStatus {
                        serving: "meilisearch",
                        fallback_from: None,
                    }
                } else {
                    SearchStatus {
                        serving: "postgres",
                        fallback_from: Some("meilisearch"),
                    }
                }
            }
        }
    }
}
