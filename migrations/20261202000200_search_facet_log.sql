-- Facet counts that survive orders and edits (issue 17). Every document change is logged: the
-- document leaving (sign -1, as it was) and arriving (+1, as it is now), with every column a
-- search filters on, under the search version the change sets. A facet count cached at version
-- v is brought to version w by running the very query it was counted with over the log rows of
-- versions v+1..w, summing signs instead of counting: exact by construction, and a few rows
-- instead of every match. Bulk changes and full reindexes are not logged (`search_facet_gaps`
-- names their versions) and make caches recount.
-- A product going out of or back into stock (and nothing else) updates that one column of its
-- document, and its outbox row says so: Meilisearch gets a partial update, not the document.
-- The last 1,000 versions are kept (pruned every 100th change); an older cache recounts.

create table search_facet_log (
    version          bigint not null,
    sign             smallint not null check (sign in (-1, 1)),
    product_id       uuid not null,
    category_code    text not null,
    category_group   text not null,
    price_vnd        numeric(15, 0) not null,
    in_stock         boolean not null,
    stars            smallint,
    stars_expires_on date,
    commune_code     text,
    gi_slug          text,
    producer_slug    text not null,
    tsv              tsvector not null,
    name_tsv         tsvector not null
);
create index search_facet_log_version_idx on search_facet_log (version);
-- Versions whose changes were not logged (bulk refreshes, full reindexes).
create table search_facet_gaps (
    version bigint primary key
);

-- Takes the next search version for a change of these documents, at the end of the change:
-- the row stays locked until commit, so versions commit in order (taken earlier, it would
-- deadlock with a reindex, which holds the documents and then bumps the version). A bulk change
-- (a seed batch, an import: over 100 products) is not logged, and its version is named a gap,
-- which makes caches recount rather than replay thousands of rows.
create function search_next_version(ids uuid[]) returns bigint
    language plpgsql
as $$
declare
    v bigint;
begin
    update search_state set version = version + 1 returning version into v;
    if cardinality(ids) > 100 then
        insert into search_facet_gaps (version) values (v);
    end if;
    if v % 100 = 0 then
        delete from search_facet_log where version <= v - 1000;
        delete from search_facet_gaps where version <= v - 1000;
    end if;
    return v;
end
$$;

-- The documents of products $1 as they are now, as log rows with sign $2 (version 0 until the
-- change takes its version); none for a bulk change.
create function search_log_rows(ids uuid[], sign smallint) returns search_facet_log[]
    language sql
as $$
    select coalesce(array_agg(row(0::int8, $2, product_id, category_code, category_group, price_vnd, in_stock, stars, stars_expires_on, commune_code, gi_slug, producer_slug, tsv, name_tsv)::search_facet_log), '{}')
      from search_documents where product_id = any ($1) and cardinality($1) <= 100;
$$;

-- Writes log rows at version v.
create function search_log_write(v bigint, entries search_facet_log[]) returns void
    language sql
as $$
    insert into search_facet_log (version, sign, product_id, category_code, category_group, price_vnd, in_stock, stars, stars_expires_on, commune_code, gi_slug, producer_slug, tsv, name_tsv)
    select $1, e.sign, product_id, category_code, category_group, price_vnd, in_stock, stars, stars_expires_on, commune_code, gi_slug, producer_slug, tsv, name_tsv from unnest($2) e;
$$;

-- The start of every change to these products' documents: waits for any transaction changing
-- the products, in id order (each statement after then reads them as committed, see migration
-- 10), takes the lock the document writes take, and returns the documents as they were, as log
-- rows leaving. The lock comes before the read: a read first would hold a weaker lock while
-- waiting for a reindex, which then could not swap its table.
create function search_change_begins(ids uuid[]) returns search_facet_log[]
    language plpgsql
as $$
begin
    perform 1 from products where id = any (ids) order by id for no key update;
    lock table search_documents in row exclusive mode;
    return search_log_rows(ids, -1::int2);
end
$$;

-- As in migration 20261202000100, with the log.
create or replace function search_refresh_products(ids uuid[]) returns void
    language plpgsql
as $$
declare
    leaving search_facet_log[];
begin
    if ids is null or cardinality(ids) = 0 then
        return;
    end if;
    leaving := search_change_begins(ids);
    delete from search_documents where product_id = any (ids);
    insert into search_documents (product_id, slug, name, producer_slug, producer_name, category_code,
                                  category_group, category_name, price_vnd, unit, unit_name, in_stock, image_key,
                                  thumb_key, stars, stars_expires_on, gi_slug, gi_name, commune_code,
                                  commune_name, old_commune, old_district, places, created_at, tsv,
                                  rating_average, rating_count, name_folded, name_tsv, verified, updated_at)
    select product_id, slug, name, producer_slug, producer_name, category_code, category_group,
           category_name, price_vnd, unit, unit_name, in_stock, image_key, thumb_key, stars, stars_expires_on,
           gi_slug, gi_name, commune_code, commune_name, old_commune, old_district, places,
           created_at, tsv, rating_average, rating_count, name_folded, name_tsv, verified, updated_at
      from search_document_source where product_id = any (ids);
    perform search_log_write(search_next_version(ids), leaving || search_log_rows(ids, 1::int2));
    insert into search_words (word)
    select distinct w from search_documents d, unnest(tsvector_to_array(d.tsv)) as w
     where d.product_id = any (ids)
    on conflict do nothing;
    insert into search_outbox (product_id) select distinct unnest(ids);
end
$$;

-- Stock alone moving across zero: the document's `in_stock`, nothing rebuilt.
alter table search_outbox add column in_stock_only boolean not null default false;

create function search_stock_flipped(ids uuid[]) returns void
    language plpgsql
as $$
declare
    leaving search_facet_log[];
begin
    if ids is null or cardinality(ids) = 0 then
        return;
    end if;
    leaving := search_change_begins(ids);
    update search_documents d set in_stock = p.stock > 0
      from products p
     where p.id = d.product_id and d.product_id = any (ids);
    perform search_log_write(search_next_version(ids), leaving || search_log_rows(ids, 1::int2));
    insert into search_outbox (product_id, in_stock_only) select distinct unnest(ids), true;
end
$$;

-- As in migration 20261201000009, with stock crossing zero on its own sent apart.
create or replace function search_products_updated() returns trigger
    language plpgsql
as $$
begin
    perform search_refresh_products(array(
        select n.id
          from new_rows n
          join old_rows o on o.id = n.id
         where (to_jsonb(n) - array['stock', 'updated_at']) is distinct from
               (to_jsonb(o) - array['stock', 'updated_at'])
    ));
    perform search_stock_flipped(array(
        select n.id
          from new_rows n
          join old_rows o on o.id = n.id
         where (to_jsonb(n) - array['stock', 'updated_at']) is not distinct from
               (to_jsonb(o) - array['stock', 'updated_at'])
           and (n.stock > 0) <> (o.stock > 0)
    ));
    return null;
end
$$;
