//! Keeping the search documents current: the full rebuild into a fresh table (reindex), the
//! outbox that feeds Meilisearch, rebuilding given products' documents, and the expiry sweep.
//! The queries that read documents for buyers are in `search_docs`.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

const SOURCE_COLUMNS: &str = "product_id, slug, name, producer_slug, producer_name, category_code, \
    category_group, category_name, price_vnd, unit, unit_name, in_stock, image_key, thumb_key, \
    stars, stars_expires_on, gi_slug, gi_name, commune_code, commune_name, old_commune, \
    old_district, places, created_at, tsv, rating_average, rating_count, name_folded, name_tsv, \
    verified, updated_at";

/// Rebuilds every document from the catalog into a fresh table and swaps it in: readers see the
/// old documents until the swap commits, then the new ones. Catalog writers wait meanwhile (the
/// old table is locked against writes from the start), so nothing written during the rebuild is
/// lost. Filling two halves on two connections and indexing after the fill, in bulk, is what
/// makes it fast; outbox rows are not added (a Meilisearch reindex follows).
pub async fn rebuild_all(db: &PgPool) -> sqlx::Result<u64> {
    let mut setup = db.acquire().await?;
    sqlx::query("drop table if exists search_documents_next")
        .execute(&mut *setup)
        .await?;
    sqlx::query("create table search_documents_next (like search_documents including defaults)")
        .execute(&mut *setup)
        .await?;
    drop(setup);

    let mut swap = db.begin().await?;
    // Writers wait from here (their triggers write documents); readers go on until the swap.
    // The documents table has no foreign key (migration 7): dropping it locks nothing else.
    sqlx::query("lock table search_documents in exclusive mode")
        .execute(&mut *swap)
        .await?;
    // Random v4 ids split evenly at the middle of their range.
    let fill = |lower: bool| async move {
        let half = if lower {
            "product_id < '80000000-0000-0000-0000-000000000000'"
        } else {
            "product_id >= '80000000-0000-0000-0000-000000000000'"
        };
        let sql = format!(
            "insert into search_documents_next ({SOURCE_COLUMNS})
             select {SOURCE_COLUMNS} from search_document_source where {half}"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(db)
            .await
            .map(|done| done.rows_affected())
    };
    let (lower, upper) = tokio::try_join!(fill(true), fill(false))?;

    // The live table's own index definitions (whatever migrations gave it), re-aimed at the new
    // table under a `_next` name; the primary key is added at the swap.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "select c.relname::text, pg_get_indexdef(i.indexrelid)
           from pg_index i join pg_class c on c.oid = i.indexrelid
          where i.indrelid = 'search_documents'::regclass and not i.indisprimary
          order by c.relname",
    )
    .fetch_all(&mut *swap)
    .await?;
    let build = |indexes: Vec<(String, String)>| async move {
        // In a transaction, so that the memory setting ends with it whatever happens.
        let mut conn = db.begin().await?;
        sqlx::query("set local maintenance_work_mem = '256MB'")
            .execute(&mut *conn)
            .await?;
        for (name, definition) in indexes {
            sqlx::query(sqlx::AssertSqlSafe(next_index(&name, &definition)))
                .execute(&mut *conn)
                .await?;
        }
        conn.commit().await
    };
    // The text index on one connection, the others on a second one, at the same time.
    let (text, others): (Vec<_>, Vec<_>) = indexes
        .iter()
        .cloned()
        .partition(|(_, definition)| definition.contains(" USING gin "));
    tokio::try_join!(build(text), build(others))?;

    for statement in [
        "alter table search_documents_next add constraint search_documents_next_pkey primary key (product_id)",
        // The vocabulary before the drop: from there until commit, searches wait.
        "delete from search_words",
        "insert into search_words (word)
         select distinct w from search_documents_next, unnest(tsvector_to_array(tsv)) as w",
        "drop table search_documents",
        "alter table search_documents_next rename to search_documents",
        // Renaming the constraint renames its index too.
        "alter table search_documents rename constraint search_documents_next_pkey to search_documents_pkey",
    ] {
        sqlx::query(statement).execute(&mut *swap).await?;
    }
    for (name, _) in &indexes {
        let sql = format!("alter index {name}_next rename to {name}");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *swap)
            .await?;
    }
    // A version the facet log cannot replay: cached facet counts recount after the swap.
    sqlx::query(
        "with bumped as (update search_state set version = version + 1 returning version)
         insert into search_facet_gaps (version) select version from bumped",
    )
    .execute(&mut *swap)
    .await?;
    swap.commit().await?;
    // Statistics for the planner now; autovacuum follows the bulk insert for the rest.
    sqlx::query("analyze search_documents").execute(db).await?;
    Ok(lower + upper)
}

/// `CREATE INDEX name ON [schema.]search_documents …` (as `pg_get_indexdef` writes it) made into
/// the same index, named `name_next`, on `search_documents_next`.
fn next_index(name: &str, definition: &str) -> String {
    match definition.split_once(" ON ") {
        Some((head, tail)) => {
            let rest = tail.split_once(' ').map_or("", |(_table, rest)| rest);
            let head = head.replacen(&format!(" {name}"), &format!(" {name}_next"), 1);
            format!("{head} ON search_documents_next {rest}")
        }
        None => definition.to_owned(),
    }
}

/// A product to send to Meilisearch.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub product_id: Uuid,
    pub attempts: i32,
    /// Only its stock crossed zero: its `in_stock` is all that changed (a partial update).
    pub in_stock_only: bool,
}

/// Outbox rows ready to push, locked so that other instances skip them; none while a reindex
/// holds the sync lock (its rows wait and then go to the new index).
pub async fn claim_outbox(
    conn: &mut PgConnection,
    limit: i64,
) -> sqlx::Result<Option<Vec<OutboxRow>>> {
    let free: bool = sqlx::query_scalar("select pg_try_advisory_xact_lock_shared($1)")
        .bind(SYNC_LOCK)
        .fetch_one(&mut *conn)
        .await?;
    if !free {
        return Ok(None);
    }
    let rows = sqlx::query_as(
        "select id, product_id, attempts, in_stock_only from search_outbox
          where available_at <= now() order by id limit $1 for update skip locked",
    )
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(rows))
}

/// The advisory lock a reindex holds exclusively and sync workers share.
pub const SYNC_LOCK: i64 = 0x005E_A4C4_0CD9;

pub async fn delete_outbox(conn: &mut PgConnection, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query("delete from search_outbox where id = any($1)")
        .bind(ids)
        .execute(conn)
        .await?;
    Ok(())
}

/// Puts rows back with a later time to try again and the error that stopped them.
pub async fn retry_outbox(
    conn: &mut PgConnection,
    ids: &[i64],
    delay_ms: i64,
    error: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update search_outbox set attempts = attempts + 1, last_error = $3,
                available_at = now() + make_interval(secs => $2::float8 / 1000)
          where id = any($1)",
    )
    .bind(ids)
    .bind(delay_ms)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}

/// Rows waiting, for readiness and tests.
pub async fn outbox_len(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from search_outbox")
        .fetch_one(db)
        .await
}

/// Adds a product to the outbox in the caller's transaction (its document is rebuilt first).
pub async fn refresh_products(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<()> {
    sqlx::query("select search_refresh_products($1)")
        .bind(ids)
        .execute(db)
        .await?;
    Ok(())
}

/// Products whose certificate in force expired on a day in `[since, before)`, per the documents.
/// Moves the sweep's mark to `before` in the same transaction, so each day is swept once.
pub async fn sweep_expired(conn: &mut PgConnection, before: NaiveDate) -> sqlx::Result<Vec<Uuid>> {
    // Taken before reading the documents: the rebuild's table swap waits for readers, and a
    // reader that then writes (as this sweep does) would otherwise wait for the rebuild.
    sqlx::query("lock table search_documents in row exclusive mode")
        .execute(&mut *conn)
        .await?;
    let since: NaiveDate =
        sqlx::query_scalar("select last_day from search_expiry_sweeps for update")
            .fetch_one(&mut *conn)
            .await?;
    if since >= before {
        return Ok(vec![]);
    }
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "select product_id from search_documents
          where stars_expires_on >= $1 and stars_expires_on < $2",
    )
    .bind(since)
    .bind(before)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("update search_expiry_sweeps set last_day = $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_definitions_are_re_aimed_at_the_new_table() {
        assert_eq!(
            next_index(
                "search_documents_gi_idx",
                "CREATE INDEX search_documents_gi_idx ON public.search_documents USING btree (gi_slug) WHERE (gi_slug IS NOT NULL)"
            ),
            "CREATE INDEX search_documents_gi_idx_next ON search_documents_next USING btree (gi_slug) WHERE (gi_slug IS NOT NULL)"
        );
    }
}
