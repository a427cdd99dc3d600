-- Spreadsheets in: cooperatives import their product lists by their own product codes (SKU),
-- and upload a file once to preview it before applying it (a form post cannot carry the file
-- from the preview page to the apply button, so the upload waits here, not in process memory).

-- The producer's own code for a product ("TC-001"), as in its spreadsheet: unique per producer,
-- optional (products created one by one need none). Stored upper-case, so "tc-001" is the same.
alter table products add column sku text check (sku ~ '^[A-Z0-9][A-Z0-9._-]{0,63}$');
create unique index products_producer_sku_key on products (producer_id, sku) where sku is not null;

-- A photo that came in a ZIP of an import remembers its file name ("TC-001-2.jpg"): importing
-- the same ZIP again adds nothing twice.
alter table product_images add column import_name text;
create unique index product_images_import_name_key on product_images (product_id, import_name)
    where import_name is not null;

-- An uploaded spreadsheet (and its photos) waiting for the member to look at the preview and
-- apply it. Rows older than a day are removed whenever a new upload arrives.
create table import_uploads (
    id          uuid primary key default gen_random_uuid(),
    producer_id uuid not null references producers (id) on delete cascade,
    user_id     uuid not null references users (id) on delete cascade,
    file_name   text not null,
    file        bytea not null,
    photos      bytea,
    applied_at  timestamptz,
    created_at  timestamptz not null default now()
);
create index import_uploads_created_idx on import_uploads (created_at);
