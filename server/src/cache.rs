//! What public pages compute from the whole catalog (the home page's counts and featured cards,
//! the sitemap), kept in this instance's memory per data version: a request reads the versions
//! (one row each) and reuses the value while they are unchanged, instead of scanning the catalog.
//!
//! The versions live in the database (`search_state`, `catalog_state`) and every write bumps them
//! in its own transaction, so a cached value is never older than what a reader of the database
//! could see, on every instance behind a load balancer.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::NaiveDate;
use frontend::api::{CategoryCount, FacetLabels, ProductSummary};

/// The data versions a catalog-wide value depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogVersion {
    /// `search_state.version`: any search document changed (products, their photos,
    /// certificates, reviews, producers' and GIs' names on them).
    pub documents: i64,
    /// `catalog_state.version`: any producer or GI changed, added or removed.
    pub catalog: i64,
}

/// One value per instance, recomputed when its key changes. Concurrent requests that find it
/// stale wait for one of them to recompute it instead of all scanning the catalog at once.
pub struct Versioned<K, T> {
    slot: Mutex<Option<(K, Arc<T>)>>,
    refill: tokio::sync::Mutex<()>,
}

impl<K: PartialEq + Clone, T> Default for Versioned<K, T> {
    fn default() -> Self {
        Versioned {
            slot: Mutex::new(None),
            refill: tokio::sync::Mutex::new(()),
        }
    }
}

impl<K: PartialEq + Clone, T> Versioned<K, T> {
    fn current(&self, key: &K) -> Option<Arc<T>> {
        let slot = self.slot.lock().expect("cache lock");
        slot.as_ref()
            .filter(|(at, _)| at == key)
            .map(|(_, value)| Arc::clone(value))
    }

    /// The value for `key`, computed by `fill` unless this instance already holds it.
    pub async fn get_or_fill<E, F, Fut>(&self, key: K, fill: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.current(&key) {
            return Ok(value);
        }
        let _refilling = self.refill.lock().await;
        // Another request may have filled it while this one waited.
        if let Some(value) = self.current(&key) {
            return Ok(value);
        }
        let value = Arc::new(fill().await?);
        *self.slot.lock().expect("cache lock") = Some((key, Arc::clone(&value)));
        Ok(value)
    }
}

/// The home page's part that is the same for every visitor on a day: counts over the catalog
/// and the featured cards (the producer count and livestreams are read per request).
#[derive(Debug, Clone)]
pub struct HomeCatalog {
    pub products: i64,
    pub producers: i64,
    pub certified_products: i64,
    pub categories: Vec<CategoryCount>,
    pub featured: Vec<ProductSummary>,
}

/// A file served as it is, with its gzip form made once (crawlers fetch sitemaps compressed).
#[derive(Debug, Clone)]
pub struct Compressed {
    pub plain: Bytes,
    pub gzip: Bytes,
}

impl Compressed {
    pub fn new(plain: String) -> Compressed {
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(plain.len() / 8),
            flate2::Compression::default(),
        );
        encoder
            .write_all(plain.as_bytes())
            .expect("writing to memory");
        let gzip = encoder.finish().expect("writing to memory");
        Compressed {
            plain: Bytes::from(plain),
            gzip: Bytes::from(gzip),
        }
    }
}

/// Every cache of the instance; [`crate::state::AppState`] holds one.
#[derive(Default)]
pub struct PageCaches {
    /// Keyed on the day too: certificates expire at midnight (Vietnam time).
    pub home: Versioned<(CatalogVersion, NaiveDate), HomeCatalog>,
    /// The names of categories, communes and GIs the catalog's filters show, keyed on the
    /// catalog's version (GIs bump it; categories and communes change only with migrations).
    pub facet_labels: Versioned<i64, FacetLabels>,
    /// The sitemap index and its files by name (`sitemap.xml`, `products-1.xml`, …).
    pub sitemap: Versioned<CatalogVersion, HashMap<String, Compressed>>,
    /// Share pictures drawn (`app::share`), by a hash of what they show: a changed product is
    /// a new key, so nothing here is ever stale.
    pub share_cards: std::sync::Mutex<HashMap<u64, Bytes>>,
}
