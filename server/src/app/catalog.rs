//! The public catalog's list: the search's page of cards with counts ([`products`], all that
//! `GET /api/v1/products` returns) and, for the catalog page, the same with the filters' labels
//! and, for a search finding nothing, close matches ([`listing`]).

use std::sync::Arc;

use frontend::api::{FacetLabels, ProductList, ProductSuggestion};

use super::{AppError, AppResult};
use crate::db;
use crate::domain::listing::ProductFilter;
use crate::search::SearchError;
use crate::state::AppState;

/// A page of the catalog as both surfaces present it.
pub struct CatalogListing {
    pub list: ProductList,
    /// Shared with the instance's cache: a page copies what it shows, the API nothing.
    pub labels: Arc<FacetLabels>,
    /// Products sharing a word of `q` when it matched nothing (else empty).
    pub close_matches: Vec<ProductSuggestion>,
}

fn search_failed(error: SearchError) -> AppError {
    match error {
        SearchError::Database(error) => error.into(),
        other => AppError::Internal(other.into()),
    }
}

/// The catalog filtered by `filter`: one page of cards with the match counts.
pub async fn products(state: &AppState, filter: &ProductFilter) -> AppResult<ProductList> {
    state
        .search
        .list(filter, &state.view())
        .await
        .map_err(search_failed)
}

/// [`products`] with what the catalog page also shows. The labels are cached per catalog
/// version (read beside the search, so the two reads share their wait).
pub async fn listing(state: &AppState, filter: &ProductFilter) -> AppResult<CatalogListing> {
    let (list, version) = tokio::try_join!(products(state, filter), async {
        Ok(db::catalog::versions(&state.db).await?)
    })?;
    let labels = state
        .caches
        .facet_labels
        .get_or_fill(version.catalog, || db::catalog::facet_labels(&state.db))
        .await?;
    let close_matches = match &filter.q {
        Some(q) if list.items.is_empty() => state
            .search
            .postgres()
            .close_matches(q, 6)
            .await
            .map_err(search_failed)?,
        _ => vec![],
    };
    Ok(CatalogListing {
        list,
        labels,
        close_matches,
    })
}
