-- A search document is rebuilt from its product as committed: the rebuild first locks the
-- products it reads (see the comment in the function).

-- Rebuilds the documents of these products (removing those no longer visible) and enqueues them.
create or replace function search_refresh_products(ids uuid[]) returns void
    language plpgsql
as $$
begin
    if ids is null or cardinality(ids) = 0 then
        return;
    end if;
    -- Wait for any transaction changing these products, in id order; each statement below then
    -- reads them as committed. Without it, a rebuild started elsewhere (the daily expiry job,
    -- the sweep) could read a product just before an edit commits and write back its old state
    -- after the edit's own rebuild. `no key update` leaves foreign-key checks (order lines,
    -- certificates) unblocked.
    perform 1 from products where id = any (ids) order by id for no key update;
    delete from search_documents where product_id = any (ids);
    insert into search_documents (product_id, slug, name, producer_slug, producer_name, category_code,
                                  category_group, category_name, price_vnd, unit, unit_name, in_stock, image_key,
                                  thumb_key, stars, stars_expires_on, gi_slug, gi_name, commune_code,
                                  commune_name, old_commune, old_district, places, created_at, tsv)
    select product_id, slug, name, producer_slug, producer_name, category_code, category_group,
           category_name, price_vnd, unit, unit_name, in_stock, image_key, thumb_key, stars, stars_expires_on,
           gi_slug, gi_name, commune_code, commune_name, old_commune, old_district, places,
           created_at, tsv
      from search_document_source where product_id = any (ids);
    insert into search_words (word)
    select distinct w from search_documents d, unnest(tsvector_to_array(d.tsv)) as w
     where d.product_id = any (ids)
    on conflict do nothing;
    insert into search_outbox (product_id) select distinct unnest(ids);
    update search_state set version = version + 1;
end
$$;
