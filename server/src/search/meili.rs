//! The Meilisearch engine: index settings tuned for Vietnamese (short syllables get typo
//! tolerance, chè ↔ trà and other synonyms from `search_synonyms`, old place names searchable),
//! searches with filters, sort and facets, and applies the outbox's changes.

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDate;
use frontend::api::{Facets, ProductSuggestion};
use meilisearch_sdk::client::{Client, SwapIndexes};
use meilisearch_sdk::search::{MatchingStrategies, SearchResults, Selectors};
use meilisearch_sdk::settings::{
    FacetingSettings, FilterFeatureModes, FilterFeatures, FilterableAttribute,
    FilterableAttributesSettings, MinWordSizeForTypos, PaginationSetting, Settings,
    TypoToleranceSettings,
};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use secrecy::ExposeSecret;
use sqlx::PgPool;
use uuid::Uuid;

use super::text::{self, Synonyms};
use super::{SearchBackend, SearchDoc, SearchError, SearchHits, SearchIndex};
use crate::config::SearchSettings;
use crate::db::search_docs::{self, epoch_day};
use crate::domain::listing::{ProductFilter, Sort};

/// The facets the catalog shows, as document fields.
const FACETS: [&str; 4] = ["category_code", "stars", "commune_code", "gi_slug"];
/// How long to wait for Meilisearch to apply a task before calling it failed (and retrying).
const TASK_TIMEOUT: Duration = Duration::from_secs(30);

pub struct MeiliSearch {
    client: Client,
    index: String,
    db: PgPool,
    /// The synonyms, read once: queries need them to apply the prefix rule as Postgres does.
    synonyms: tokio::sync::OnceCell<Synonyms>,
}

impl MeiliSearch {
    pub fn new(db: PgPool, url: &str, settings: &SearchSettings) -> anyhow::Result<MeiliSearch> {
        let key = settings
            .meili_key
            .as_ref()
            .map(|k| k.expose_secret().to_owned());
        Ok(MeiliSearch {
            client: Client::new(url, key)?,
            index: settings
                .meili_index
                .clone()
                .unwrap_or_else(|| "products".to_owned()),
            db,
            synonyms: tokio::sync::OnceCell::new(),
        })
    }

    /// The live index's name.
    pub fn index_name(&self) -> &str {
        &self.index
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Waits for a task and turns its failure into an error.
    pub async fn wait(&self, task: TaskInfo) -> Result<(), SearchError> {
        self.wait_up_to(task, TASK_TIMEOUT).await
    }

    /// [`MeiliSearch::wait`] with its own limit (a full reindex queues many large batches).
    pub async fn wait_up_to(&self, task: TaskInfo, limit: Duration) -> Result<(), SearchError> {
        match task
            .wait_for_completion(&self.client, Some(Duration::from_millis(20)), Some(limit))
            .await?
        {
            Task::Succeeded { .. } => Ok(()),
            Task::Failed { content } => Err(SearchError::Task(content.error.error_message)),
            other => Err(SearchError::Task(format!("unfinished: {other:?}"))),
        }
    }

    /// The synonyms as the database holds them.
    async fn synonyms(&self) -> Result<&Synonyms, SearchError> {
        self.synonyms
            .get_or_try_init(|| async {
                Ok::<_, SearchError>(Synonyms::new(&search_docs::synonyms(&self.db).await?))
            })
            .await
    }

    /// A submitted query as Meilisearch should read it: it takes the last word as a prefix
    /// unless something follows it, so a trailing space makes it whole where the shared rule
    /// ([`text::prefix_last`]) says so (two letters, or a short alias such as "cạn").
    async fn as_submitted(&self, q: &str) -> Result<String, SearchError> {
        let words = text::words(q);
        let whole = !text::prefix_last(&words, self.synonyms().await?, text::SUBMITTED);
        Ok(if whole && !words.is_empty() {
            format!("{} ", q.trim_end())
        } else {
            q.to_owned()
        })
    }

    /// The index settings; synonyms come from the database.
    pub async fn settings(&self) -> Result<Settings, SearchError> {
        let synonyms = self.synonyms().await?.as_map();
        Ok(Settings::new()
            .with_searchable_attributes([
                "name",
                "producer_name",
                "gi_name",
                "commune_name",
                "old_commune",
                "old_district",
                "places",
            ])
            // Equality filters on codes, comparisons on numbers only, and no facet search:
            // each feature left out is an index Meilisearch need not build.
            .with_filterable_attributes_advanced(
                [
                    ("id", false),
                    ("category_code", false),
                    ("category_group", false),
                    ("commune_code", false),
                    ("gi_slug", false),
                    ("producer_slug", false),
                    ("in_stock", false),
                    ("stars", true),
                    ("stars_until", true),
                    ("price_vnd", true),
                ]
                .map(|(name, comparison)| filterable(name, comparison)),
            )
            // The ranking policy (README, "Search relevance"): all words, fewest typos, the
            // words in the name before the producer's and places' (as Postgres's tiers), the
            // exact name first among those, then closeness; ties by stars, a verified producer,
            // the latest update.
            .with_ranking_rules(RANKING_RULES)
            // Words are near when they share a field: product names are a few words long, and
            // word-pair distances were most of the indexing time (half of a 100k reindex).
            .with_proximity_precision("byAttribute")
            .with_sortable_attributes([
                "price_vnd",
                "created_at",
                "stars",
                "rating_average",
                "rating_count",
            ])
            .with_synonyms(synonyms)
            // Most Vietnamese syllables have 2–5 letters; the default (5 for one typo) would
            // leave nearly every word without tolerance.
            .with_typo_tolerance(TypoToleranceSettings {
                enabled: Some(true),
                min_word_size_for_typos: Some(MinWordSizeForTypos {
                    one_typo: Some(4),
                    two_typos: Some(8),
                }),
                ..TypoToleranceSettings::default()
            })
            // Exact totals for the catalog's pager, up to the whole catalog.
            .with_pagination(PaginationSetting {
                max_total_hits: 1_000_000,
            })
            // Every commune (92) shows in its facet.
            .with_faceting(FacetingSettings {
                max_values_per_facet: 200,
                sort_facet_values_by: None,
            }))
    }

    /// Creates `name` if missing and applies the settings to it.
    pub async fn configure(&self, name: &str) -> Result<(), SearchError> {
        let task = self.client.create_index(name, Some("id")).await?;
        // "Already exists" is fine: the settings below are what matter.
        let _ = task
            .wait_for_completion(&self.client, None, Some(TASK_TIMEOUT))
            .await?;
        let settings = self.settings().await?;
        let task = self.client.index(name).set_settings(&settings).await?;
        self.wait(task).await
    }

    /// Makes sure the live index exists with current settings.
    pub async fn ensure_index(&self) -> Result<(), SearchError> {
        self.configure(&self.index).await
    }

    /// Swaps a freshly built index in for the live one and drops the old one.
    pub async fn swap_in(&self, fresh: &str) -> Result<(), SearchError> {
        self.ensure_index().await?;
        let swap = SwapIndexes {
            indexes: (self.index.clone(), fresh.to_owned()),
            rename: None,
        };
        let task = self.client.swap_indexes([&swap]).await?;
        self.wait(task).await?;
        let task = self.client.index(fresh).delete().await?;
        self.wait(task).await
    }

    /// Adds documents to an index (as of `today`) and waits until they are searchable.
    pub async fn put(
        &self,
        index: &str,
        docs: Vec<SearchDoc>,
        today: NaiveDate,
    ) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        let task = self.send(index, docs, today).await?;
        self.wait(task).await
    }

    /// Queues documents for an index (as of `today`) without waiting: Meilisearch persists the
    /// task, and [`MeiliSearch::wait`] tells when it is applied.
    pub async fn send(
        &self,
        index: &str,
        docs: Vec<SearchDoc>,
        today: NaiveDate,
    ) -> Result<TaskInfo, SearchError> {
        let docs: Vec<SearchDoc> = docs.into_iter().map(|d| as_of(d, today)).collect();
        Ok(self
            .client
            .index(index)
            .add_or_replace(&docs, Some("id"))
            .await?)
    }
}

/// The ranking rules, in order (see [`MeiliSearch::settings`]).
pub const RANKING_RULES: [&str; 10] = [
    "words",
    "typo",
    "attributeRank",
    "exactness",
    "proximity",
    "sort",
    "wordPosition",
    "stars:desc",
    "verified:desc",
    "updated_at:desc",
];

/// A filterable attribute: equality always, comparisons when asked, never facet search.
fn filterable(name: &str, comparison: bool) -> FilterableAttribute {
    FilterableAttribute::Settings(FilterableAttributesSettings {
        attribute_patterns: vec![name.to_owned()],
        features: FilterFeatures {
            facet_search: false,
            filter: FilterFeatureModes {
                equality: true,
                comparison,
            },
        },
    })
}

/// Meilisearch counts facets from stored fields, so a document carries only the stars in force
/// on the day it is sent; the expiry sweep re-sends it the day they lapse.
fn as_of(mut doc: SearchDoc, today: NaiveDate) -> SearchDoc {
    if doc.stars_on(today).is_none() {
        doc.stars = None;
        doc.stars_expires_on = None;
        doc.stars_until = None;
    }
    doc
}

/// A filter expression from the checked filter (values are slugs, codes and numbers: quoting is
/// enough).
fn filter_expression(filter: &ProductFilter, today: NaiveDate) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(category) = &filter.category {
        parts.push(format!(
            "(category_code = \"{category}\" OR category_group = \"{category}\")"
        ));
    }
    if let Some(stars) = filter.min_stars {
        parts.push(format!(
            "stars >= {stars} AND stars_until >= {}",
            epoch_day(today)
        ));
    }
    if let Some(commune) = &filter.commune {
        parts.push(format!("commune_code = \"{commune}\""));
    }
    if let Some(gi) = &filter.gi {
        parts.push(format!("gi_slug = \"{}\"", gi.as_str()));
    }
    if let Some(producer) = &filter.producer {
        parts.push(format!("producer_slug = \"{}\"", producer.as_str()));
    }
    if let Some(min) = filter.min_price {
        parts.push(format!("price_vnd >= {}", min.normalize()));
    }
    if let Some(max) = filter.max_price {
        parts.push(format!("price_vnd <= {}", max.normalize()));
    }
    if filter.in_stock {
        parts.push("in_stock = true".to_owned());
    }
    if let Some(ids) = &filter.ids {
        let ids: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
        parts.push(format!("id IN [{}]", ids.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// The body of the `/search` request this engine sends for a filter: the benchmark sends the
/// same one straight to Meilisearch to measure the engine's own ceiling.
pub fn search_body(filter: &ProductFilter, today: NaiveDate) -> serde_json::Value {
    let mut body = serde_json::json!({
        "facets": FACETS,
        "page": filter.page,
        "hitsPerPage": filter.per_page,
    });
    if let Some(q) = &filter.q {
        body["q"] = q.clone().into();
        body["matchingStrategy"] = "all".into();
    }
    if let Some(expression) = filter_expression(filter, today) {
        body["filter"] = expression.into();
    }
    let sort = sort_rules(filter);
    if !sort.is_empty() {
        body["sort"] = sort.into();
    }
    body
}

fn sort_rules(filter: &ProductFilter) -> &'static [&'static str] {
    match (filter.sort, filter.q.is_some()) {
        (Sort::Relevance, true) => &[],
        (Sort::Relevance, false) | (Sort::Stars, _) => &["stars:desc", "created_at:desc"],
        (Sort::PriceAsc, _) => &["price_vnd:asc"],
        (Sort::PriceDesc, _) => &["price_vnd:desc"],
        (Sort::Newest, _) => &["created_at:desc"],
        // Meilisearch puts documents without an average last, whichever the direction.
        (Sort::Rating, _) => &[
            "rating_average:desc",
            "rating_count:desc",
            "created_at:desc",
        ],
    }
}

fn facets_from(distribution: Option<HashMap<String, HashMap<String, usize>>>) -> Facets {
    let mut facets = Facets::default();
    for (field, values) in distribution.unwrap_or_default() {
        let map = match field.as_str() {
            "category_code" => &mut facets.category,
            "stars" => &mut facets.stars,
            "commune_code" => &mut facets.commune,
            "gi_slug" => &mut facets.gi,
            _ => continue,
        };
        for (value, count) in values {
            if count > 0 {
                map.insert(value, count as i64);
            }
        }
    }
    facets
}

#[async_trait::async_trait]
impl SearchBackend for MeiliSearch {
    fn name(&self) -> &'static str {
        "meilisearch"
    }

    async fn search(
        &self,
        filter: &ProductFilter,
        today: NaiveDate,
    ) -> Result<SearchHits, SearchError> {
        let index = self.client.index(&self.index);
        let expression = filter_expression(filter, today);
        let mut query = index.search();
        let q = match &filter.q {
            Some(q) => Some(self.as_submitted(q).await?),
            None => None,
        };
        if let Some(q) = &q {
            // Every word must match, as on Postgres: a buyer who adds a word narrows the list.
            query
                .with_query(q)
                .with_matching_strategy(MatchingStrategies::ALL);
        }
        if let Some(expression) = &expression {
            query.with_filter(expression);
        }
        let sort = sort_rules(filter);
        if !sort.is_empty() {
            query.with_sort(sort);
        }
        query
            .with_facets(Selectors::Some(&FACETS))
            .with_page(filter.page as usize)
            .with_hits_per_page(filter.per_page as usize);
        let results: SearchResults<SearchDoc> = query.execute().await?;
        Ok(SearchHits {
            total: results.total_hits.unwrap_or(0) as i64,
            facets: facets_from(results.facet_distribution),
            docs: results.hits.into_iter().map(|hit| hit.result).collect(),
        })
    }

    async fn suggest(
        &self,
        q: &str,
        _today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ProductSuggestion>, SearchError> {
        let index = self.client.index(&self.index);
        let results: SearchResults<SearchDoc> = index
            .search()
            .with_query(q)
            .with_matching_strategy(MatchingStrategies::ALL)
            .with_limit(limit)
            .execute()
            .await?;
        Ok(results
            .hits
            .into_iter()
            .map(|hit| ProductSuggestion {
                slug: hit.result.slug,
                name: hit.result.name,
            })
            .collect())
    }

    async fn health(&self) -> Result<(), SearchError> {
        self.client.health().await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl SearchIndex for MeiliSearch {
    async fn apply(
        &self,
        upserts: Vec<SearchDoc>,
        deletes: Vec<Uuid>,
        today: NaiveDate,
    ) -> Result<(), SearchError> {
        self.put(&self.index, upserts, today).await?;
        if !deletes.is_empty() {
            let ids: Vec<String> = deletes.iter().map(Uuid::to_string).collect();
            let task = self
                .client
                .index(&self.index)
                .delete_documents(&ids)
                .await?;
            self.wait(task).await?;
        }
        Ok(())
    }

    async fn set_in_stock(&self, changes: Vec<(Uuid, bool)>) -> Result<(), SearchError> {
        if changes.is_empty() {
            return Ok(());
        }
        // `add_or_update` merges the fields sent into the stored document.
        let partial: Vec<serde_json::Value> = changes
            .iter()
            .map(|(id, in_stock)| serde_json::json!({ "id": id, "in_stock": in_stock }))
            .collect();
        let task = self
            .client
            .index(&self.index)
            .add_or_update(&partial, Some("id"))
            .await?;
        self.wait(task).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::slug::Slug;

    #[test]
    fn filters_become_one_expression() {
        let filter = ProductFilter {
            category: Some("che".into()),
            min_stars: Some(4),
            gi: Some(Slug::parse("tan-cuong").unwrap()),
            in_stock: true,
            ..ProductFilter::default()
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(
            filter_expression(&filter, today).unwrap(),
            format!(
                "(category_code = \"che\" OR category_group = \"che\") AND stars >= 4 AND stars_until >= {} AND gi_slug = \"tan-cuong\" AND in_stock = true",
                epoch_day(today)
            )
        );
        assert_eq!(filter_expression(&ProductFilter::default(), today), None);
    }
}
