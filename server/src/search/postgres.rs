//! The embedded search engine: full text over the `search_documents` table (unaccented `simple`
//! tsvectors, GIN), synonyms expanded into the tsquery, typo correction word by word through
//! trigrams over the vocabulary when nothing matches, and facet counts in one grouped pass,
//! cached and kept current from the facet log of document changes.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;
use frontend::api::ProductSuggestion;
use sqlx::PgPool;
use tokio::sync::OnceCell;

use super::text::{self, NameQuery, Synonyms};
use super::{SearchBackend, SearchError, SearchHits};
use crate::db::search_docs::{self, CategoryLevel, Counted, MatchCounts, PgQuery};
use crate::domain::listing::{ProductFilter, Sort};

/// Facet counts kept per distinct filter; beyond this many the cache starts over.
const FACET_CACHE_ENTRIES: usize = 512;
/// How many versions old a cached count may be and still be replayed from the facet log (which
/// keeps at least 900: at 20 document changes a second, 45 seconds of them).
const REPLAY_VERSIONS: i64 = 900;
/// Match counts kept for choosing plans (a few dozen bytes each).
const MATCH_COUNT_ENTRIES: usize = 8192;

pub struct PostgresSearch {
    db: PgPool,
    /// Loaded on first use: the pool connects lazily, so the server can start before the DB.
    synonyms: OnceCell<Synonyms>,
    /// Each category's level, loaded on first use (categories change only with migrations).
    categories: OnceCell<HashMap<String, CategoryLevel>>,
    /// Counts by filter key, with the `search_state.version` they were counted at: every
    /// document change bumps it in its own transaction, so a reader knows how stale a count is,
    /// and replays the facet log to bring it up to date instead of recounting.
    facet_cache: Mutex<HashMap<String, (i64, MatchCounts)>>,
    cache_facets: bool,
    /// How many documents each query matched (anywhere, and by name) when last counted,
    /// whatever the data version: only the choice of plan reads it, and a count from a while ago
    /// chooses as well as a fresh one.
    match_counts: Mutex<HashMap<String, (i64, i64)>>,
}

impl PostgresSearch {
    pub fn new(db: PgPool, cache_facets: bool) -> PostgresSearch {
        PostgresSearch {
            db,
            synonyms: OnceCell::new(),
            categories: OnceCell::new(),
            facet_cache: Mutex::new(HashMap::new()),
            cache_facets,
            match_counts: Mutex::new(HashMap::new()),
        }
    }

    pub async fn synonyms(&self) -> Result<&Synonyms, SearchError> {
        self.synonyms
            .get_or_try_init(|| async {
                let pairs = search_docs::synonyms(&self.db).await?;
                Ok::<_, SearchError>(Synonyms::new(&pairs))
            })
            .await
    }

    /// Where the filter's category sits in the tree (`None`: no filter, or no such category).
    async fn category_level(
        &self,
        filter: &ProductFilter,
    ) -> Result<Option<CategoryLevel>, SearchError> {
        let Some(code) = &filter.category else {
            return Ok(None);
        };
        let levels = self
            .categories
            .get_or_try_init(|| async {
                Ok::<_, SearchError>(search_docs::category_levels(&self.db).await?)
            })
            .await?;
        Ok(levels.get(code).copied())
    }

    /// The facet cache's key: everything that decides the set of matches, nothing about paging.
    fn cache_key(filter: &ProductFilter, tsquery: Option<&str>, today: NaiveDate) -> String {
        let mut key = filter.clone();
        key.q = tsquery.map(str::to_owned);
        key.page = 1;
        key.per_page = 1;
        key.sort = Sort::Relevance;
        format!("{today}|{key:?}")
    }

    async fn run(
        &self,
        filter: &ProductFilter,
        text: Option<(&str, &NameQuery)>,
        today: NaiveDate,
    ) -> Result<SearchHits, SearchError> {
        let tsquery = text.map(|(tsquery, _)| tsquery);
        let key = Self::cache_key(filter, tsquery, today);
        let category_level = self.category_level(filter).await?;
        let (version, documents) = search_docs::version(&self.db).await?;
        let counted = self
            .match_counts
            .lock()
            .expect("match counts lock")
            .get(&key)
            .map(|(matches, named)| Counted {
                matches: *matches,
                named: *named,
                documents,
            });
        let query = PgQuery {
            filter,
            tsquery,
            names: text.map(|(_, names)| names),
            today,
            counted,
            category_level,
        };
        let cached = if self.cache_facets {
            self.facet_cache
                .lock()
                .expect("facet cache lock")
                .get(&key)
                .cloned()
        } else {
            None
        };
        // A count of this version is current; one a little older is brought up to date from
        // the facet log (the changes since, a few rows); anything else is recounted. Either
        // way the counts come with the version they are of, read in their own statement.
        let replay = cached.filter(|(at, _)| version - *at <= REPLAY_VERSIONS);
        let (docs, counted) = match replay {
            // Counted at this version, or at a later one by a request that ran meanwhile.
            Some((at, counts)) if at >= version => (
                search_docs::search_page(&self.db, &query).await?,
                Some((counts, at)),
            ),
            Some((at, mut counts)) => {
                let (docs, change) = tokio::try_join!(
                    search_docs::search_page(&self.db, &query),
                    search_docs::facet_changes(&self.db, &query, at)
                )?;
                (
                    docs,
                    change.map(|(change, now)| {
                        counts.apply(&change);
                        (counts, now)
                    }),
                )
            }
            None => {
                // Two connections at once: the page and the counts don't wait for each other.
                let (docs, counted) = tokio::try_join!(
                    search_docs::search_page(&self.db, &query),
                    search_docs::search_facets(&self.db, &query)
                )?;
                (docs, Some(counted))
            }
        };
        let (counts, at) = match counted {
            Some(counted) => counted,
            // A change in between was not logged (a bulk refresh or a reindex).
            None => search_docs::search_facets(&self.db, &query).await?,
        };
        if self.cache_facets {
            let mut cache = self.facet_cache.lock().expect("facet cache lock");
            if cache.len() >= FACET_CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(key.clone(), (at, counts.clone()));
        }
        {
            let mut matches = self.match_counts.lock().expect("match counts lock");
            if matches.len() >= MATCH_COUNT_ENTRIES {
                matches.clear();
            }
            matches.insert(key, (counts.total, counts.named));
        }
        let MatchCounts { total, facets, .. } = counts;
        Ok(SearchHits {
            docs,
            total,
            facets,
        })
    }

    /// Products sharing any word of `q` (typos corrected), for a search that found nothing.
    pub async fn close_matches(
        &self,
        q: &str,
        limit: usize,
    ) -> Result<Vec<ProductSuggestion>, SearchError> {
        let words = text::words(q);
        let words = self.corrected(&words).await?.unwrap_or(words);
        let synonyms = self.synonyms().await?;
        let any: Vec<String> = words
            .iter()
            .filter_map(|w| text::tsquery(std::slice::from_ref(w), synonyms, None))
            .collect();
        if any.is_empty() {
            return Ok(vec![]);
        }
        let found = search_docs::similar_names(&self.db, &any.join(" | "), limit as i64).await?;
        Ok(found
            .into_iter()
            .map(|(slug, name)| ProductSuggestion { slug, name })
            .collect())
    }

    /// The query's words with each unknown one replaced by the closest indexed word, or `None`
    /// when no word changes.
    /// At most [`MAX_CORRECTED_WORDS`] words are looked up (each is a trigram scan of the word
    /// list); the rest stay as typed.
    /// A word of a synonym phrase is an exact alias ("cạn" of "bắc cạn") and is never corrected.
    async fn corrected(&self, words: &[String]) -> Result<Option<Vec<String>>, SearchError> {
        let known = search_docs::known_words(&self.db, words).await?;
        let aliases = text::in_synonym(words, self.synonyms().await?);
        let mut changed = false;
        let mut lookups = 0;
        let mut out = Vec::with_capacity(words.len());
        for (word, alias) in words.iter().zip(aliases) {
            if alias || known.contains(word) || word.len() < 3 || lookups == MAX_CORRECTED_WORDS {
                out.push(word.clone());
                continue;
            }
            lookups += 1;
            match search_docs::closest_word(&self.db, word).await? {
                Some(close) => {
                    changed = true;
                    out.push(close);
                }
                None => out.push(word.clone()),
            }
        }
        Ok(changed.then_some(out))
    }
}

/// Typos corrected in one query: a person mistypes a word or two; a query of forty unknown words
/// is someone making the server run forty trigram scans.
const MAX_CORRECTED_WORDS: usize = 3;

#[async_trait::async_trait]
impl SearchBackend for PostgresSearch {
    fn name(&self) -> &'static str {
        "postgres"
    }

    async fn search(
        &self,
        filter: &ProductFilter,
        today: NaiveDate,
    ) -> Result<SearchHits, SearchError> {
        let Some(q) = &filter.q else {
            return self.run(filter, None, today).await;
        };
        let words = text::words(q);
        let synonyms = self.synonyms().await?;
        let Some(tsquery) = text::tsquery(&words, synonyms, text::SUBMITTED) else {
            // Nothing searchable was typed (punctuation only): list as without `q`.
            return self.run(filter, None, today).await;
        };
        let names = text::name_query(&words, synonyms, text::SUBMITTED);
        let hits = self.run(filter, Some((&tsquery, &names)), today).await?;
        if hits.total > 0 {
            return Ok(hits);
        }
        // Nothing matched: perhaps a typo. Trigrams only here, and only over the vocabulary;
        // typo matches therefore never outrank exact ones.
        match self.corrected(&words).await? {
            Some(fixed) => match text::tsquery(&fixed, synonyms, text::SUBMITTED) {
                Some(tsquery) => {
                    let names = text::name_query(&fixed, synonyms, text::SUBMITTED);
                    self.run(filter, Some((&tsquery, &names)), today).await
                }
                None => Ok(hits),
            },
            None => Ok(hits),
        }
    }

    async fn suggest(
        &self,
        q: &str,
        _today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ProductSuggestion>, SearchError> {
        let words = text::words(q);
        let synonyms = self.synonyms().await?;
        let mut found = match text::tsquery(&words, synonyms, text::TYPING) {
            Some(tsquery) => search_docs::similar_names(&self.db, &tsquery, limit as i64).await?,
            None => return Ok(vec![]),
        };
        if found.is_empty()
            && let Some(fixed) = self.corrected(&words).await?
            && let Some(tsquery) = text::tsquery(&fixed, synonyms, text::TYPING)
        {
            found = search_docs::similar_names(&self.db, &tsquery, limit as i64).await?;
        }
        Ok(found
            .into_iter()
            .map(|(slug, name)| ProductSuggestion { slug, name })
            .collect())
    }

    async fn health(&self) -> Result<(), SearchError> {
        sqlx::query_scalar::<_, i32>("select 1")
            .fetch_one(&self.db)
            .await?;
        Ok(())
    }
}
