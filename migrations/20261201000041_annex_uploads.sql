-- An OCOP decision's annex uploaded by a curator, with the decision's fields, waiting on its
-- review page (where ambiguous rows are chosen) until applied. Like product-list uploads, kept
-- in the database so any instance can show it; rows older than a day go at the next upload.
create table annex_uploads (
    id           uuid primary key default gen_random_uuid(),
    user_id      uuid not null references users (id) on delete cascade,
    file_name    text not null,
    file         bytea not null,
    decision_no  text not null,
    decided_on   text not null,
    issuer_level text not null,
    issuer       text,
    rule_set     text,
    applied_at   timestamptz,
    created_at   timestamptz not null default now()
);
create index annex_uploads_created_idx on annex_uploads (created_at);
