-- Catalog cards show the average of a product's visible reviews and their number, and the catalog
-- sorts by them ("đánh giá cao": highest average first, ties by count). Both live in the search
-- documents, like the OCOP stars, so both engines filter, sort and show them without reading the
-- reviews per query; the documents follow the reviews through a trigger, as they follow
-- certificates and photos.

alter table search_documents
    add column rating_average numeric(2, 1),               -- rounded as shown; null before the first review
    add column rating_count   integer not null default 0;  -- visible reviews only
create index search_documents_reviews_idx
    on search_documents (rating_average desc nulls last, rating_count desc, created_at desc, product_id);

-- The source view gains the two columns at its end (a replaced view keeps its columns' order).
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
       rt.count as rating_count
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

-- As in migration 10, with the two columns.
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
                                  rating_average, rating_count)
    select product_id, slug, name, producer_slug, producer_name, category_code, category_group,
           category_name, price_vnd, unit, unit_name, in_stock, image_key, thumb_key, stars, stars_expires_on,
           gi_slug, gi_name, commune_code, commune_name, old_commune, old_district, places,
           created_at, tsv, rating_average, rating_count
      from search_document_source where product_id = any (ids);
    insert into search_words (word)
    select distinct w from search_documents d, unnest(tsvector_to_array(d.tsv)) as w
     where d.product_id = any (ids)
    on conflict do nothing;
    insert into search_outbox (product_id) select distinct unnest(ids);
    update search_state set version = version + 1;
end
$$;

-- A review written, re-rated, hidden or removed changes its product's document; a reply alone
-- (or a text edit) does not, and rebuilds nothing.
create function search_reviews_changed() returns trigger
    language plpgsql
as $$
begin
    if tg_op = 'INSERT' then
        perform search_refresh_products(array(select distinct product_id from new_rows));
    elsif tg_op = 'DELETE' then
        perform search_refresh_products(array(select distinct product_id from old_rows));
    else
        perform search_refresh_products(array(
            select distinct n.product_id
              from new_rows n
              join old_rows o on o.id = n.id
             where n.rating is distinct from o.rating
                or (n.hidden_at is null) <> (o.hidden_at is null)
                or n.product_id <> o.product_id));
    end if;
    return null;
end
$$;
create trigger search_reviews_inserted after insert on reviews
    referencing new table as new_rows for each statement execute function search_reviews_changed();
create trigger search_reviews_updated after update on reviews
    referencing old table as old_rows new table as new_rows
    for each statement execute function search_reviews_changed();
create trigger search_reviews_deleted after delete on reviews
    referencing old table as old_rows for each statement execute function search_reviews_changed();

-- Products already reviewed get their averages now.
select search_refresh_products(array(select distinct product_id from reviews));
