-- Catalog search: one denormalised document per visible product (the Postgres backend searches it
-- directly; the Meilisearch backend is fed from it), kept in sync by triggers in the writing
-- transaction, plus an outbox the sync worker drains into Meilisearch.
--
-- Why triggers: every write path (the API, the seed, curators' certificate workflow, raw SQL in a
-- migration) then updates the document and enqueues the outbox row in its own transaction, so no
-- code path can forget to, and the Postgres backend reads its own writes.

-- Synonyms as data, folded (lower case, no diacritics, đ → d), one row per direction.
create table search_synonyms (
    term    text not null check (term ~ '^[a-z0-9]+( [a-z0-9]+)*$'),
    synonym text not null check (synonym ~ '^[a-z0-9]+( [a-z0-9]+)*$'),
    primary key (term, synonym)
);

insert into search_synonyms (term, synonym)
select a, b from (values
    ('che', 'tra'),                  -- chè (northern) ↔ trà (southern) for Camellia tea
    ('mien', 'mi dong'),             -- miến dong ↔ mì dong
    ('mien dong', 'mien dong rieng'),
    ('bac kan', 'bac can'),          -- the province's older spelling
    ('htx', 'hop tac xa'),
    ('mat ong', 'mat ong rung'),
    ('tp', 'thanh pho')
) as pairs(a, b)
union
select b, a from (values
    ('che', 'tra'),
    ('mien', 'mi dong'),
    ('mien dong', 'mien dong rieng'),
    ('bac kan', 'bac can'),
    ('htx', 'hop tac xa'),
    ('mat ong', 'mat ong rung'),
    ('tp', 'thanh pho')
) as pairs(a, b);

-- The documents. Stars are those of the newest certificate in force when the row was built, with
-- that certificate's expiry: queries compare `stars_expires_on` with their own "today", so filters
-- and facets are exact even before the periodic expiry sweep rebuilds the row.
create table search_documents (
    product_id       uuid primary key references products (id) on delete cascade,
    slug             text not null,
    name             text not null,
    producer_slug    text not null,
    producer_name    text not null,
    category_code    text not null,
    category_group   text not null,                 -- the top-level group (itself for a group)
    category_name    text not null,
    price_vnd        numeric(15, 0) not null,
    unit             text not null,
    unit_name        text not null,
    in_stock         boolean not null,
    image_key        text,
    thumb_key        text,
    stars            smallint,
    stars_expires_on date,
    gi_slug          text,
    gi_name          text,
    commune_code     text,
    commune_name     text,
    old_commune      text,
    old_district     text,
    places           text not null,                 -- former unit names and the old province
    created_at       timestamptz not null,
    tsv              tsvector not null,
    indexed_at       timestamptz not null default now()
);
create index search_documents_tsv_idx on search_documents using gin (tsv);
create index search_documents_rank_idx on search_documents (stars desc nulls last, created_at desc, product_id);
create index search_documents_newest_idx on search_documents (created_at desc, product_id);
create index search_documents_price_idx on search_documents (price_vnd, product_id);
create index search_documents_category_idx on search_documents (category_code);
create index search_documents_group_idx on search_documents (category_group);
create index search_documents_commune_idx on search_documents (commune_code);
create index search_documents_gi_idx on search_documents (gi_slug) where gi_slug is not null;
create index search_documents_producer_idx on search_documents (producer_slug);

-- Every folded word of every document: typo correction looks words up here by trigram (a few
-- thousand rows) instead of running similarity over every document.
create table search_words (
    word text primary key
);
create index search_words_trgm_idx on search_words using gin (word gin_trgm_ops);

-- Changes waiting for the Meilisearch worker (drained and discarded when Postgres is the engine).
create table search_outbox (
    id           bigserial primary key,
    product_id   uuid not null,
    attempts     integer not null default 0,
    available_at timestamptz not null default now(),
    last_error   text,
    created_at   timestamptz not null default now()
);
create index search_outbox_available_idx on search_outbox (available_at, id);

-- Bumped by every document change, in the same transaction: caches of facet counts key on it,
-- so a cached count is never older than the data a reader could see.
create table search_state (
    singleton boolean primary key default true check (singleton),
    version   bigint not null
);
insert into search_state (version) values (1);

-- The day the expiry sweep last ran up to: one row.
create table search_expiry_sweeps (
    singleton boolean primary key default true check (singleton),
    last_day  date not null
);
insert into search_expiry_sweeps (last_day) values (current_date);

-- What a document holds, built from the catalog; the only definition of it.
create view search_document_source as
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
       || setweight(to_tsvector('simple', f_unaccent(lower(left(p.description, 1000)))), 'D') as tsv
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
 where p.status = 'active';

-- Rebuilds the documents of these products (removing those no longer visible) and enqueues them.
create function search_refresh_products(ids uuid[]) returns void
    language plpgsql
as $$
begin
    if ids is null or cardinality(ids) = 0 then
        return;
    end if;
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

-- Statement-level triggers with transition tables: a 2,000-row seed batch refreshes once.
create function search_products_changed() returns trigger
    language plpgsql
as $$
begin
    if tg_op = 'DELETE' then
        perform search_refresh_products(array(select id from old_rows));
    else
        perform search_refresh_products(array(select id from new_rows));
    end if;
    return null;
end
$$;
create trigger search_products_inserted after insert on products
    referencing new table as new_rows for each statement execute function search_products_changed();
create trigger search_products_updated after update on products
    referencing new table as new_rows for each statement execute function search_products_changed();
create trigger search_products_deleted after delete on products
    referencing old table as old_rows for each statement execute function search_products_changed();

-- Certificates and photos: their product's document changes.
create function search_product_children_changed() returns trigger
    language plpgsql
as $$
begin
    if tg_op = 'DELETE' then
        perform search_refresh_products(array(select distinct product_id from old_rows));
    else
        perform search_refresh_products(array(select distinct product_id from new_rows));
    end if;
    return null;
end
$$;
create trigger search_certificates_inserted after insert on ocop_certificates
    referencing new table as new_rows for each statement execute function search_product_children_changed();
create trigger search_certificates_updated after update on ocop_certificates
    referencing new table as new_rows for each statement execute function search_product_children_changed();
create trigger search_certificates_deleted after delete on ocop_certificates
    referencing old table as old_rows for each statement execute function search_product_children_changed();
create trigger search_images_inserted after insert on product_images
    referencing new table as new_rows for each statement execute function search_product_children_changed();
create trigger search_images_updated after update on product_images
    referencing new table as new_rows for each statement execute function search_product_children_changed();
create trigger search_images_deleted after delete on product_images
    referencing old table as old_rows for each statement execute function search_product_children_changed();

-- A producer's name or place, or a GI's name, shows on each of its products' documents.
create function search_producers_changed() returns trigger
    language plpgsql
as $$
begin
    perform search_refresh_products(array(
        select p.id from products p where p.producer_id in (select id from new_rows)));
    return null;
end
$$;
create trigger search_producers_updated after update on producers
    referencing new table as new_rows for each statement execute function search_producers_changed();

create function search_gis_changed() returns trigger
    language plpgsql
as $$
begin
    perform search_refresh_products(array(
        select p.id from products p where p.gi_id in (select id from new_rows)));
    return null;
end
$$;
create trigger search_gis_updated after update on geographical_indications
    referencing new table as new_rows for each statement execute function search_gis_changed();

-- Databases that already hold products get their documents now (a new Meilisearch index is
-- filled by `server reindex`, not through the outbox).
insert into search_documents (product_id, slug, name, producer_slug, producer_name, category_code,
                              category_group, category_name, price_vnd, unit, unit_name, in_stock, image_key,
                              thumb_key, stars, stars_expires_on, gi_slug, gi_name, commune_code,
                              commune_name, old_commune, old_district, places, created_at, tsv)
select product_id, slug, name, producer_slug, producer_name, category_code, category_group,
       category_name, price_vnd, unit, unit_name, in_stock, image_key, thumb_key, stars, stars_expires_on,
       gi_slug, gi_name, commune_code, commune_name, old_commune, old_district, places,
       created_at, tsv
  from search_document_source;
insert into search_words (word)
select distinct w from search_documents, unnest(tsvector_to_array(tsv)) as w
on conflict do nothing;
