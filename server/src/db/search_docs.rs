//! Search documents in Postgres: the Postgres backend's queries (full text, filters, facets, typo
//! correction) and the reads that feed Meilisearch (by id, all of them, the outbox).
//!
//! The documents themselves are written by triggers (migration `20261128000005_search.sql`), in
//! the transaction that changes a product, producer, certificate, photo or GI.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use frontend::api::{
    CategoryRef, CommuneRef, Facets, GiRef, OcopBadge, ProducerRef, ProductSummary, Rating,
};
use serde::{Deserialize, Serialize};
use sqlx::{PgExecutor, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::db::catalog::media_url;
use crate::domain::listing::{ProductFilter, Sort};
use crate::search::text::NameQuery;

/// One visible product as both backends index it (also the Meilisearch document's shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct SearchDoc {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub producer_slug: String,
    pub producer_name: String,
    pub category_code: String,
    pub category_group: String,
    pub category_name: String,
    /// VND has no minor unit; a number so Meilisearch can filter and sort on it.
    pub price_vnd: i64,
    pub unit: String,
    pub unit_name: String,
    pub in_stock: bool,
    pub image_key: Option<String>,
    pub thumb_key: Option<String>,
    /// Stars of the certificate in force when the document was built…
    pub stars: Option<i16>,
    /// …until this day (inclusive); as days since 1970-01-01 in `stars_until` for filters.
    pub stars_expires_on: Option<NaiveDate>,
    pub stars_until: Option<i32>,
    pub gi_slug: Option<String>,
    pub gi_name: Option<String>,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    pub old_commune: Option<String>,
    pub old_district: Option<String>,
    pub places: String,
    /// Unix seconds, sortable.
    pub created_at: i64,
    /// The average of the product's visible reviews, one decimal (sortable); none before the
    /// first. Defaults let documents indexed before reviews existed still be read.
    #[serde(default)]
    pub rating_average: Option<f64>,
    /// How many visible reviews it has.
    #[serde(default)]
    pub rating_count: i32,
    /// 1 when the producer is verified (a number, which Meilisearch ranks on), and when the
    /// product last changed (Unix seconds): relevance's last tie-breakers.
    #[serde(default)]
    pub verified: i16,
    #[serde(default)]
    pub updated_at: i64,
}

impl SearchDoc {
    /// The stars a buyer may be shown on `today`: none once the certificate has expired.
    pub fn stars_on(&self, today: NaiveDate) -> Option<i16> {
        match self.stars_expires_on {
            Some(until) if until >= today => self.stars,
            _ => None,
        }
    }

    /// The product's card, showing stars only while their certificate is in force: lists that
    /// show what a document holds (catalog, home, producer and GI pages) read nothing else.
    pub fn summary(&self, today: NaiveDate, media_base: &str) -> ProductSummary {
        ProductSummary {
            id: self.id.to_string(),
            slug: self.slug.clone(),
            name: self.name.clone(),
            producer: ProducerRef {
                slug: self.producer_slug.clone(),
                name: self.producer_name.clone(),
            },
            category: CategoryRef {
                code: self.category_code.clone(),
                name: self.category_name.clone(),
            },
            price_vnd: self.price_vnd.to_string(),
            unit: self.unit.clone(),
            unit_name: self.unit_name.clone(),
            in_stock: self.in_stock,
            image_url: self
                .image_key
                .as_ref()
                .map(|key| media_url(media_base, key)),
            thumb_url: self
                .thumb_key
                .as_ref()
                .map(|key| media_url(media_base, key)),
            ocop: self
                .stars_on(today)
                .zip(self.stars_expires_on)
                .map(|(stars, expires_on)| OcopBadge {
                    stars: stars as u8,
                    expires_on: expires_on.to_string(),
                }),
            gi: self
                .gi_slug
                .clone()
                .zip(self.gi_name.clone())
                .map(|(slug, name)| GiRef { slug, name }),
            commune: CommuneRef {
                code: self.commune_code.clone(),
                name: self.commune_name.clone(),
                old_commune: self.old_commune.clone(),
                old_district: self.old_district.clone(),
            },
            rating: self
                .rating_average
                .filter(|_| self.rating_count > 0)
                .map(|average| Rating {
                    average: format!("{average:.1}"),
                    count: i64::from(self.rating_count),
                }),
        }
    }
}

/// Days since 1970-01-01, the form `stars_until` takes.
pub fn epoch_day(day: NaiveDate) -> i32 {
    (day - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days() as i32
}

const DOC_COLUMNS: &str = r#"
    d.product_id as id, d.slug, d.name, d.producer_slug, d.producer_name, d.category_code,
    d.category_group, d.category_name, d.price_vnd::int8 as price_vnd, d.unit, d.unit_name,
    d.in_stock, d.image_key, d.thumb_key, d.stars, d.stars_expires_on,
    (d.stars_expires_on - date '1970-01-01') as stars_until, d.gi_slug, d.gi_name,
    d.commune_code, d.commune_name, d.old_commune, d.old_district, d.places,
    extract(epoch from d.created_at)::int8 as created_at,
    d.rating_average::float8 as rating_average, d.rating_count, d.verified::int4::int2 as verified,
    extract(epoch from d.updated_at)::int8 as updated_at
"#;

/// The documents of these products that exist (invisible products have none).
pub async fn by_ids(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<Vec<SearchDoc>> {
    let sql = format!(
        "select {DOC_COLUMNS} from search_documents d where d.product_id = any($1) order by d.product_id"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(ids)
        .fetch_all(db)
        .await
}

/// One page of every visible product's document in id order, after `after` (keyset paging for
/// reindexing), built straight from the catalog (the source view) rather than read from the
/// documents table: a reindex feeds Meilisearch while that table is being rebuilt.
pub async fn source_page_after(
    db: impl PgExecutor<'_>,
    after: Option<Uuid>,
    limit: i64,
) -> sqlx::Result<Vec<SearchDoc>> {
    let sql = format!(
        "select {DOC_COLUMNS} from search_document_source d
          where $1::uuid is null or d.product_id > $1
          order by d.product_id limit $2"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(after)
        .bind(limit)
        .fetch_all(db)
        .await
}

pub async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from search_documents")
        .fetch_one(db)
        .await
}

/// The documents' columns as the source view gives them.
/// Synonym pairs (folded), both directions.
pub async fn synonyms(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("select term, synonym from search_synonyms order by term, synonym")
        .fetch_all(db)
        .await
}

/// Which of these folded words some document contains.
pub async fn known_words(db: impl PgExecutor<'_>, words: &[String]) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("select word from search_words where word = any($1)")
        .bind(words)
        .fetch_all(db)
        .await
}

/// The indexed word closest to a misspelt one by trigram similarity, if any is close enough.
pub async fn closest_word(db: impl PgExecutor<'_>, word: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "select word from search_words where word % $1
          order by similarity(word, $1) desc, length(word), word limit 1",
    )
    .bind(word)
    .fetch_optional(db)
    .await
}

/// A number that changes whenever any document does (facet caches key on it), and about how
/// many documents there are (the planner's own estimate, free to read).
pub async fn version(db: impl PgExecutor<'_>) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "select version, (select greatest(reltuples, 0)::int8 from pg_class
                           where oid = 'search_documents'::regclass)
           from search_state",
    )
    .fetch_one(db)
    .await
}

/// What the Postgres backend matches: a filter plus the tsquery built from `q` (if any).
pub struct PgQuery<'a> {
    pub filter: &'a ProductFilter,
    pub tsquery: Option<&'a str>,
    /// The query as names, for relevance (with `tsquery`).
    pub names: Option<&'a NameQuery>,
    pub today: NaiveDate,
    /// How many documents matched this query when last counted, and how many there were then.
    /// Postgres cannot know that "mật" and "ong" come together and plans for a tenth of the
    /// matches there are; with a count at hand the page query picks its plan from it.
    pub counted: Option<Counted>,
    /// Where the filter's category sits in the tree, when known (see [`category_levels`]).
    pub category_level: Option<CategoryLevel>,
}

/// Where a category sits in the tree, which decides the one column its filter reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryLevel {
    /// A top-level group: its products are exactly those whose `category_group` it is.
    Group,
    /// A category under a group, with none under it: its products are those of its code.
    Leaf,
    /// Under a group and over others (no such category today): both columns are asked.
    Middle,
}

/// Every category's level. Categories change only with migrations, so a server reads them once.
pub async fn category_levels(
    db: impl PgExecutor<'_>,
) -> sqlx::Result<std::collections::HashMap<String, CategoryLevel>> {
    let rows: Vec<(String, bool, bool)> = sqlx::query_as(
        "select c.code, c.parent_code is null,
                exists (select 1 from categories k where k.parent_code = c.code)
           from categories c",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, top, parent)| {
            let level = match (top, parent) {
                (true, _) => CategoryLevel::Group,
                (false, false) => CategoryLevel::Leaf,
                (false, true) => CategoryLevel::Middle,
            };
            (code, level)
        })
        .collect())
}

/// A query's match counts from an earlier run of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// Documents matching the query anywhere…
    pub matches: i64,
    /// …those with every query word in their name…
    pub named: i64,
    /// …out of this many documents.
    pub documents: i64,
}

/// Which text a query's words must all be found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Within {
    /// Anywhere in the document (name, producer, GI, places, description).
    Document,
    /// In the product's name.
    Name,
}

/// How a page in rating order finds its rows among the text matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Never counted: Postgres's planner chooses.
    Planner,
    /// Many matches: walk the rating index and stop at the rows wanted.
    Walk,
    /// Few matches: collect them all from the text index, then sort.
    Collect,
}

impl PgQuery<'_> {
    /// Walking the rating index visits about `wanted × documents / matches` rows, collecting
    /// visits `matches` rows; the count from an earlier run of the same query decides.
    fn plan(&self, wanted: i64, within: Within) -> Plan {
        match (self.tsquery, self.counted) {
            (Some(_), Some(counted)) => {
                let matches = match within {
                    Within::Document => counted.matches,
                    Within::Name => counted.named,
                } as f64;
                if matches * matches > (wanted as f64) * (counted.documents as f64) {
                    Plan::Walk
                } else {
                    Plan::Collect
                }
            }
            _ => Plan::Planner,
        }
    }
}

/// Runs a search statement, steering the planner away from the text index when walking the
/// order index is known to be cheaper (`SET LOCAL` lasts for this transaction only).
async fn fetch_rows<T>(
    db: &PgPool,
    qb: &mut QueryBuilder<Postgres>,
    walk_in_order: bool,
) -> sqlx::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    if !walk_in_order {
        return qb.build_query_as().persistent(false).fetch_all(db).await;
    }
    let mut tx = db.begin().await?;
    walk_the_order_index(&mut tx).await?;
    let rows = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Makes the statements that follow in `tx` walk the index of their order: no bitmap (which
/// collects every match first) and no sequential scan. Postgres guesses far fewer matches for
/// words that come together ("mật ong": 989 guessed, 10,017 real) and would rather read the
/// whole table than walk; the plan was chosen from real counts already.
async fn walk_the_order_index(tx: &mut sqlx::Transaction<'_, Postgres>) -> sqlx::Result<()> {
    sqlx::query("set local enable_bitmapscan = off")
        .execute(&mut **tx)
        .await?;
    sqlx::query("set local enable_seqscan = off")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn push_where(qb: &mut QueryBuilder<Postgres>, q: &PgQuery<'_>) {
    push_where_within(qb, q, Within::Document);
}

fn push_where_within(qb: &mut QueryBuilder<Postgres>, q: &PgQuery<'_>, within: Within) {
    let f = q.filter;
    qb.push(" where true");
    if let Some(tsquery) = q.tsquery {
        qb.push(match within {
            Within::Document => " and d.tsv @@ to_tsquery('simple', ",
            Within::Name => " and d.name_tsv @@ to_tsquery('simple', ",
        })
        .push_bind(tsquery.to_owned())
        .push(")");
    }
    // One column when the category's level is known, so that the page walks that column's
    // index in its order (an `or` of two columns makes Postgres collect and sort every match).
    if let Some(category) = &f.category {
        match q.category_level {
            Some(CategoryLevel::Group) => {
                qb.push(" and d.category_group = ")
                    .push_bind(category.clone());
            }
            Some(CategoryLevel::Leaf) => {
                qb.push(" and d.category_code = ")
                    .push_bind(category.clone());
            }
            Some(CategoryLevel::Middle) | None => {
                qb.push(" and (d.category_code = ")
                    .push_bind(category.clone())
                    .push(" or d.category_group = ")
                    .push_bind(category.clone())
                    .push(")");
            }
        }
    }
    if let Some(stars) = f.min_stars {
        qb.push(" and d.stars >= ")
            .push_bind(stars)
            .push(" and d.stars_expires_on >= ")
            .push_bind(q.today);
    }
    if let Some(commune) = &f.commune {
        qb.push(" and d.commune_code = ").push_bind(commune.clone());
    }
    if let Some(gi) = &f.gi {
        qb.push(" and d.gi_slug = ")
            .push_bind(gi.as_str().to_owned());
    }
    if let Some(producer) = &f.producer {
        qb.push(" and d.producer_slug = ")
            .push_bind(producer.as_str().to_owned());
    }
    if let Some(min) = f.min_price {
        qb.push(" and d.price_vnd >= ").push_bind(min);
    }
    if let Some(max) = f.max_price {
        qb.push(" and d.price_vnd <= ").push_bind(max);
    }
    if f.in_stock {
        qb.push(" and d.in_stock");
    }
    if let Some(ids) = &f.ids {
        qb.push(" and d.product_id = any(")
            .push_bind(ids.clone())
            .push(")");
    }
}

// Every search statement runs unprepared (`persistent(false)`): a word matching 20 documents
// and one matching 36,000 need different plans, and the generic plan Postgres settles on for a
// prepared statement after five runs sorts every match (330 ms instead of 17 ms for "chè").

/// How many of the best-rated matches anywhere relevance ranking looks at: ranking every match
/// of a common word ("trà" matches a third of the catalog) would cost tens of milliseconds, and
/// each ranked row costs a tsvector read. Names are looked at far deeper, below.
pub const RANKED_CANDIDATES: i64 = 200;

/// How many of the best-rated documents with every query word in their name are ranked at
/// least (walking the rating index to 100 of them visits about 1,000 rows for "mật ong").
pub const NAMED_CANDIDATES: i64 = 100;
/// Documents carrying exactly the typed name, always ranked (found through the name index).
const EXACT_CANDIDATES: i64 = 100;

/// The order relevance picks candidates in and breaks its ties in: stars, a verified producer,
/// the latest update (its own index, `search_documents_relevance_idx`).
const RELEVANCE_ORDER: &str =
    "d.stars desc nulls last, d.verified desc, d.updated_at desc, d.product_id";

/// The order of a sort, as SQL over the documents (aliased `d`); ties broken by id.
fn order_by(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance | Sort::Stars => "d.stars desc nulls last, d.created_at desc, d.product_id",
        Sort::PriceAsc => "d.price_vnd asc, d.product_id",
        Sort::PriceDesc => "d.price_vnd desc, d.product_id",
        Sort::Newest => "d.created_at desc, d.product_id",
        Sort::Rating => {
            "d.rating_average desc nulls last, d.rating_count desc, d.created_at desc, d.product_id"
        }
    }
}

/// One page of matching documents in the filter's order.
pub async fn search_page(db: &PgPool, q: &PgQuery<'_>) -> sqlx::Result<Vec<SearchDoc>> {
    let f = q.filter;
    let per_page = i64::from(f.per_page);
    let (Some(tsquery), Some(names)) = (q.tsquery.filter(|_| f.sort == Sort::Relevance), q.names)
    else {
        return in_order(db, q, order_by(f.sort), per_page, f.offset(), &[]).await;
    };
    // The ranking policy (README, "Search relevance"): candidates are the exact names, the
    // best-rated names holding every query word and the best-rated matches anywhere; they are
    // ranked in tiers, and past them the list goes on in candidate order.
    let wanted = f.offset() + per_page;
    let named_wanted = wanted.max(NAMED_CANDIDATES);
    let plan = q.plan(RANKED_CANDIDATES, Within::Document);
    // Collecting, the name matches are among the matches collected (a name match is a match),
    // so one pass over the text index serves both; otherwise they are found apart.
    let named = match plan {
        Plan::Collect => None,
        Plan::Walk | Plan::Planner => Some(named_candidates(db, q, named_wanted).await?),
    };
    let mut qb = QueryBuilder::new("with ");
    if plan == Plan::Collect {
        // Materialised: matched through the text index first, whatever the planner guesses of
        // their number (it takes "miến dong" for 2,000 rows spread far along the rating index
        // and walks 11,000 of them).
        qb.push("matches as materialized (select d.product_id, d.stars, d.verified, d.updated_at, d.name_tsv @@ to_tsquery('simple', ")
            .push_bind(tsquery.to_owned())
            .push(") as named from search_documents d");
        push_where(&mut qb, q);
        qb.push("), named as (select d.product_id from matches d where d.named order by ")
            .push(RELEVANCE_ORDER)
            .push(" limit ")
            .push_bind(named_wanted)
            .push("), ");
    }
    qb.push("best as (select d.product_id from ");
    if plan == Plan::Collect {
        qb.push("matches d");
    } else {
        qb.push("search_documents d");
        push_where(&mut qb, q);
    }
    qb.push(" order by ")
        .push(RELEVANCE_ORDER)
        .push(" limit ")
        .push_bind(RANKED_CANDIDATES)
        .push("), exact as (select d.product_id from search_documents d");
    push_where(&mut qb, q);
    qb.push(" and d.name_folded = any(")
        .push_bind(names.phrases.clone())
        .push(") order by ")
        .push(RELEVANCE_ORDER)
        .push(" limit ")
        .push_bind(EXACT_CANDIDATES)
        .push("), candidates as (select product_id from best union select product_id from exact union ");
    match named {
        Some(named) => qb.push("select unnest(").push_bind(named).push("::uuid[])"),
        None => qb.push("select product_id from named"),
    };
    qb.push(") select r.product_id from (select d.product_id, d.tsv, d.verified, d.updated_at, case when d.stars_expires_on >= ")
        .push_bind(q.today)
        .push(" then d.stars end as stars, case when d.name_folded = any(")
        .push_bind(names.phrases.clone())
        .push(") then 0 when d.name_folded ~ any(")
        .push_bind(names.in_order.clone())
        .push(") then 1 when d.name_tsv @@ to_tsquery('simple', ")
        .push_bind(tsquery.to_owned())
        .push(") then 2 else 3 end as tier from candidates c join search_documents d on d.product_id = c.product_id) r \
               order by r.tier, case when r.tier = 3 then ts_rank('{0.1, 0.2, 0.4, 1.0}', r.tsv, to_tsquery('simple', ")
        .push_bind(tsquery.to_owned())
        .push(")) end desc nulls last, r.stars desc nulls last, r.verified desc, r.updated_at desc, r.product_id limit ")
        .push_bind(wanted);
    let ranked: Vec<Uuid> = run_ids(db, &mut qb, plan == Plan::Walk).await?;
    let page: Vec<Uuid> = ranked.iter().skip(f.offset() as usize).copied().collect();
    let mut docs = in_given_order(db, &page).await?;
    let missing = per_page - docs.len() as i64;
    if missing > 0 {
        // Fewer ranked than wanted: that was every candidate. The list goes on with the other
        // matches in candidate order, so pages run on without a gap or a repeat.
        let start = (f.offset() - ranked.len() as i64).max(0);
        docs.extend(in_order(db, q, RELEVANCE_ORDER, missing, start, &ranked).await?);
    }
    Ok(docs)
}

/// The best-rated documents with every query word in their name: [`NAMED_CANDIDATES`], or as
/// many as the page reaches. Exact names are fetched apart, so they are never missed; a name
/// with the words in order ranks above one without only among these (ranking every name match
/// of a common pair such as "mật ong", 10,000 of them, would cost 30 ms a query).
async fn named_candidates(db: &PgPool, q: &PgQuery<'_>, wanted: i64) -> sqlx::Result<Vec<Uuid>> {
    let plan = q.plan(wanted, Within::Name);
    let mut qb = QueryBuilder::new("");
    if plan == Plan::Collect {
        qb.push("with matches as materialized (select d.product_id, d.stars, d.verified, d.updated_at from search_documents d");
        push_where_within(&mut qb, q, Within::Name);
        qb.push(") select d.product_id from matches d");
    } else {
        qb.push("select d.product_id from search_documents d");
        push_where_within(&mut qb, q, Within::Name);
    }
    qb.push(" order by ")
        .push(RELEVANCE_ORDER)
        .push(" limit ")
        .push_bind(wanted);
    run_ids(db, &mut qb, plan == Plan::Walk).await
}

/// Runs a statement selecting product ids, walking the order index when `walk_in_order`.
async fn run_ids(
    db: &PgPool,
    qb: &mut QueryBuilder<Postgres>,
    walk_in_order: bool,
) -> sqlx::Result<Vec<Uuid>> {
    let rows: Vec<(Uuid,)> = fetch_rows(db, qb, walk_in_order).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The documents of `ids`, in that order.
async fn in_given_order(db: &PgPool, ids: &[Uuid]) -> sqlx::Result<Vec<SearchDoc>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut docs = by_ids(db, ids).await?;
    let position: std::collections::HashMap<Uuid, usize> =
        ids.iter().enumerate().map(|(n, id)| (*id, n)).collect();
    docs.sort_by_key(|doc| position.get(&doc.id).copied().unwrap_or(usize::MAX));
    Ok(docs)
}

/// `limit` matching documents from `offset` in `order` (an [`order_by`] or
/// [`RELEVANCE_ORDER`]), leaving out `excluded`. The rows are chosen on narrow rows; only the
/// chosen ones are read whole (building every match's columns before sorting cost half of a
/// 3,000-match query).
async fn in_order(
    db: &PgPool,
    q: &PgQuery<'_>,
    order: &str,
    limit: i64,
    offset: i64,
    excluded: &[Uuid],
) -> sqlx::Result<Vec<SearchDoc>> {
    let mut qb = QueryBuilder::new("select ");
    qb.push(DOC_COLUMNS)
        .push(" from (select d.product_id from search_documents d");
    push_where(&mut qb, q);
    if !excluded.is_empty() {
        qb.push(" and d.product_id <> all(")
            .push_bind(excluded.to_vec())
            .push(")");
    }
    qb.push(" order by ")
        .push(order)
        .push(" limit ")
        .push_bind(limit)
        .push(" offset ")
        .push_bind(offset)
        .push(") page join search_documents d on d.product_id = page.product_id order by ")
        .push(order);
    // Prices and dates follow what is searched for (wines cost more than noodles), so walking
    // those indexes can wander far: only the rating orders are walked.
    let rating_order = order.starts_with("d.stars desc");
    let walk = rating_order && q.plan(offset + limit, Within::Document) == Plan::Walk;
    fetch_rows(db, &mut qb, walk).await
}

/// A query's counts: its matches, those with every word in their name, and facet counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchCounts {
    pub total: i64,
    pub named: i64,
    pub facets: Facets,
}

/// The number of matches (and of name matches) and facet counts over all of them, in one pass,
/// with the search version they are of (read in the same statement, so the same snapshot).
pub async fn search_facets(db: &PgPool, q: &PgQuery<'_>) -> sqlx::Result<(MatchCounts, i64)> {
    let (counts, version, _) = counts(db, q, None).await?;
    Ok((counts, version))
}

/// How a query's counts changed since search version `from` (see migration
/// `20261202000200_search_facet_log`): the same counting query over the logged documents that
/// left (−1) and arrived (+1) since, and the version that brings them to. `None` when a change
/// in between was not logged (a bulk refresh or a reindex): then only a recount tells.
pub async fn facet_changes(
    db: &PgPool,
    q: &PgQuery<'_>,
    from: i64,
) -> sqlx::Result<Option<(MatchCounts, i64)>> {
    let (change, version, gap) = counts(db, q, Some(from)).await?;
    Ok((!gap).then_some((change, version)))
}

/// Counts over the documents, or summed over the facet log since a version; with the version
/// they are of and whether the log has a gap since `log_since`.
async fn counts(
    db: &PgPool,
    q: &PgQuery<'_>,
    log_since: Option<i64>,
) -> sqlx::Result<(MatchCounts, i64, bool)> {
    // Over the log every row weighs its sign: a document leaving takes back what it counted.
    let (n, named, weight, source) = match log_since {
        None => (
            "count(*)",
            "count(*) filter (where named)",
            "",
            " from search_documents d",
        ),
        Some(_) => (
            "coalesce(sum(w), 0)::int8",
            "coalesce(sum(w) filter (where named), 0)::int8",
            "d.sign as w, ",
            " from search_facet_log d",
        ),
    };
    // One statement, one snapshot: the version read here is exactly the one counted.
    let mut qb = QueryBuilder::new(
        "with state as (select version from search_state) \
         select grouping(category_code, st, commune_code, gi_slug)::int4 as g, \
                category_code, st::text, commune_code, gi_slug, ",
    );
    qb.push(n)
        .push(" as n, ")
        .push(named)
        .push(" as named, (select version from state) as at, ");
    match log_since {
        Some(from) => qb
            .push("exists (select 1 from search_facet_gaps x, state where x.version > ")
            .push_bind(from)
            .push(" and x.version <= state.version)"),
        None => qb.push("false"),
    };
    qb.push(" as gap from (select ")
        .push(weight)
        .push("d.category_code, d.commune_code, d.gi_slug, ");
    match q.tsquery {
        Some(tsquery) => qb
            .push("d.name_tsv @@ to_tsquery('simple', ")
            .push_bind(tsquery.to_owned())
            .push(")"),
        None => qb.push("false"),
    };
    qb.push(" as named, case when d.stars_expires_on >= ");
    qb.push_bind(q.today);
    qb.push(" then d.stars end as st").push(source);
    push_where(&mut qb, q);
    if let Some(from) = log_since {
        qb.push(" and d.version > ")
            .push_bind(from)
            .push(" and d.version <= (select version from state)");
    }
    qb.push(") m group by grouping sets ((), (category_code), (st), (commune_code), (gi_slug))");
    let rows: Vec<CountRow> = qb.build_query_as().persistent(false).fetch_all(db).await?;
    let mut counts = MatchCounts::default();
    let (mut version, mut gap) = (0, false);
    let put = |map: &mut BTreeMap<String, i64>, value: Option<String>, n: i64| {
        if let Some(value) = value {
            map.insert(value, n);
        }
    };
    // `grouping()` sets a bit per column left out: 0b0111 is the category set, and so on.
    for row in rows {
        let facets = &mut counts.facets;
        (version, gap) = (row.at, row.gap);
        match row.g {
            0b1111 => (counts.total, counts.named) = (row.n, row.named),
            0b0111 => put(&mut facets.category, row.category_code, row.n),
            0b1011 => put(&mut facets.stars, row.st, row.n),
            0b1101 => put(&mut facets.commune, row.commune_code, row.n),
            0b1110 => put(&mut facets.gi, row.gi_slug, row.n),
            _ => {}
        }
    }
    Ok((counts, version, gap))
}

/// A row of [`counts`]: one facet value (or the total, `g` = 0b1111) and its count.
#[derive(sqlx::FromRow)]
struct CountRow {
    g: i32,
    category_code: Option<String>,
    st: Option<String>,
    commune_code: Option<String>,
    gi_slug: Option<String>,
    n: i64,
    named: i64,
    at: i64,
    gap: bool,
}

impl MatchCounts {
    /// Adds the changes [`facet_changes`] found; a value whose count reaches 0 leaves its facet.
    pub fn apply(&mut self, change: &MatchCounts) {
        self.total += change.total;
        self.named += change.named;
        let add = |map: &mut BTreeMap<String, i64>, changes: &BTreeMap<String, i64>| {
            for (value, n) in changes {
                let count = map.entry(value.clone()).or_default();
                *count += n;
                if *count == 0 {
                    map.remove(value);
                }
            }
        };
        add(&mut self.facets.category, &change.facets.category);
        add(&mut self.facets.stars, &change.facets.stars);
        add(&mut self.facets.commune, &change.facets.commune);
        add(&mut self.facets.gi, &change.facets.gi);
    }
}

/// Names of documents whose words come closest to a text (typo-tolerant suggestions).
pub async fn similar_names(
    db: impl PgExecutor<'_>,
    folded: &str,
    limit: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "select slug, name from search_documents d
          where d.tsv @@ to_tsquery('simple', $1)
          order by d.stars desc nulls last, d.created_at desc limit $2",
    )
    .persistent(false)
    .bind(folded)
    .bind(limit)
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(counted: Option<(i64, i64)>, tsquery: Option<&str>) -> Plan {
        let filter = ProductFilter::default();
        PgQuery {
            filter: &filter,
            tsquery,
            names: None,
            today: NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
            counted: counted.map(|(matches, documents)| Counted {
                matches,
                named: 0,
                documents,
            }),
            category_level: None,
        }
        .plan(RANKED_CANDIDATES, Within::Document)
    }

    #[test]
    fn common_words_walk_the_rating_index_and_rare_ones_are_collected() {
        // 10,000 of 100,000 ("mật ong"): about 2,000 rows walked beat 10,000 collected.
        assert_eq!(
            query(Some((10_000, 100_000)), Some("mat & ong")),
            Plan::Walk
        );
        // 1,700 of 100,000: walking would visit some 12,000 rows.
        assert_eq!(
            query(Some((1_700, 100_000)), Some("hong & khong & hat")),
            Plan::Collect
        );
        // Never counted, or no words at all: the planner decides.
        assert_eq!(query(None, Some("mat & ong")), Plan::Planner);
        assert_eq!(query(Some((100_000, 100_000)), None), Plan::Planner);
    }
}
