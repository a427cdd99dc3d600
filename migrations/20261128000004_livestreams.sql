-- Livestream selling: producers schedule streams on a platform and pin products to them.
-- Status (upcoming / live / past) is computed from the times when read, never stored.

create table livestreams (
    id          uuid primary key default gen_random_uuid(),
    producer_id uuid not null references producers (id) on delete cascade,
    platform    text not null check (platform in ('facebook', 'youtube', 'tiktok', 'shopee', 'other')),
    url         text not null check (url like 'https://%'),
    title       text not null check (char_length(title) between 2 and 200),
    starts_at   timestamptz not null,
    ends_at     timestamptz check (ends_at is null or ends_at > starts_at),
    created_by  uuid references users (id),
    created_at  timestamptz not null default now()
);
create index livestreams_starts_idx on livestreams (starts_at);
create index livestreams_producer_idx on livestreams (producer_id);

create table livestream_products (
    livestream_id uuid not null references livestreams (id) on delete cascade,
    product_id    uuid not null references products (id) on delete cascade,
    position      integer not null default 0,
    primary key (livestream_id, product_id)
);
create index livestream_products_product_idx on livestream_products (product_id);
