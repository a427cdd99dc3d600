-- Relevance (issue 18): the exact name typed first, then every query word in the name in order,
-- then all of them in the name, then anywhere; ties by stars in force, a verified producer, then
-- the latest update. The documents gain what that ranking reads, on narrow columns:
-- * `name_folded`: the name as the query is folded (lower case, no diacritics, words split by one
--   space), indexed for exact and prefix lookups, so the exact name is always a candidate however
--   many other products match better-rated;
-- * `name_tsv`: the name's words alone, so "every word in the name" is answered by its own index
--   instead of re-reading every match's whole tsvector to check weights;
-- * `verified` (the producer's) and `updated_at` (the product's), the tie-breakers.

alter table search_documents
    add column name_folded text not null default '',
    add column name_tsv    tsvector not null default ''::tsvector,
    add column verified    boolean not null default false,
    add column updated_at  timestamptz not null default now();
create index search_documents_name_idx on search_documents (name_folded text_pattern_ops);
create index search_documents_name_tsv_idx on search_documents using gin (name_tsv);
-- The order relevance picks candidates in and breaks ties in.
create index search_documents_relevance_idx
    on search_documents (stars desc nulls last, verified desc, updated_at desc, product_id);

-- The source view gains the four columns at its end (a replaced view keeps its columns' order).
create or replace view search_document_source as
select p.id as product_id, p.slug, p.name, pr.slug as producer_slug, pr.name as producer_name,
       c.code as category_code, coalesce(c.parent_code, c.code) as category_group, c.name_vi as category_name,
       p.price_vnd, p.unit, u.name_vi as unit_name, p.stock > 0 as in_stock,
       img.object_key as image_key, img.thumb_key,
       cert.stars, cert.expires_on as stars_expires_on,
       gi.slug as gi_slug, gi.name as gi_name,
       pr.commune_code, cm.name as commune_name, pr.old_commune, pr.old_district,
       concat_ws(' ',
           (select string_agg(f.name, ' ') from former_communes f where f.commune_code = pr.commune_code),
           -- Communes coded below 05000 were in Bắc Kạn province until July 2025.
           case when pr.commune_code < '05000' then 'Bắc Kạn' end) as places,
       p.created_at,
       setweight(to_tsvector('simple', f_unaccent(lower(p.name))), 'A')
       || setweight(to_tsvector('simple', f_unaccent(lower(concat_ws(' ', pr.name, gi.name)))), 'B')
       || setweight(to_tsvector('simple', f_unaccent(lower(concat_ws(' ',
              cm.name, pr.old_commune, pr.old_district,
              (select string_agg(f.name, ' ') from former_communes f where f.commune_code = pr.commune_code),
              case when pr.commune_code < '05000' then 'Bắc Kạn' end)))), 'C')
       || setweight(to_tsvector('simple', f_unaccent(lower(left(p.description, 1000)))), 'D') as tsv,
       rt.average as rating_average,
       rt.count as rating_count,
       btrim(regexp_replace(f_unaccent(lower(p.name)), '[^a-z0-9]+', ' ', 'g')) as name_folded,
       to_tsvector('simple', f_unaccent(lower(p.name))) as name_tsv,
       pr.verified,
       p.updated_at
  from products p
  join producers pr on pr.id = p.producer_id
  join categories c on c.code = p.category_code
  join units u on u.code = p.unit
  left join geographical_indications gi on gi.id = p.gi_id
  left join communes cm on cm.code = pr.commune_code
  left join lateral (
      select i.object_key, i.thumb_key from product_images i
       where i.product_id = p.id order by i.position, i.created_at limit 1
  ) img on true
  left join lateral (
      select oc.stars, oc.expires_on from ocop_certificates oc
       where oc.product_id = p.id and oc.revoked_at is null and oc.superseded_by is null
         and oc.expires_on >= current_date
       order by oc.issued_on desc limit 1
  ) cert on true
  -- An aggregate without grouping always gives one row: no reviews is a null average, count 0.
  left join lateral (
      select round(avg(r.rating), 1)::numeric(2, 1) as average, count(*)::int4 as count
        from reviews r
       where r.product_id = p.id and r.hidden_at is null
  ) rt on true
 where p.status = 'active';

-- As in migration 60, with the four columns.
create or replace function search_refresh_products(ids uuid[]) returns void
    language plpgsql
as $$
begin
    if ids is null or cardinality(ids) = 0 then
        return;
    end if;
    -- Wait for any transaction changing these products, in id order; each statement below then
    -- reads them as committed (see migration 10).
    perform 1 from products where id = any (ids) order by id for no key update;
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
    insert into search_words (word)
    select distinct w from search_documents d, unnest(tsvector_to_array(d.tsv)) as w
     where d.product_id = any (ids)
    on conflict do nothing;
    insert into search_outbox (product_id) select distinct unnest(ids);
    update search_state set version = version + 1;
end
$$;

-- Every document gets its new columns now (and Meilisearch its new fields, through the outbox).
select search_refresh_products(array(select product_id from search_documents));
