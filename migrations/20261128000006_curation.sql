-- OCOP curation: producers' applications with their documents, the GI-area rule as one SQL
-- function, daily reminder digests for a mailer, and the record of certificates seen expiring
-- (the hook for re-indexing search). Certificate status stays derived, never stored.

-- A producer asks for a product's OCOP rating under a rule set. Times come from the app's clock,
-- so waiting times follow it in tests too.
create table ocop_applications (
    id                uuid primary key default gen_random_uuid(),
    product_id        uuid not null references products (id),
    producer_id       uuid not null references producers (id),
    -- Only the rule sets in force accept new applications (shared/domain/ocop.md).
    rule_set          text not null references ocop_rule_sets (code)
                          check (rule_set in ('148-2023', '26-2026')),
    -- The self-assessment per part; bounded by the rule set's maxima in the code and here.
    score_a           smallint check (score_a >= 0),
    score_b           smallint check (score_b >= 0),
    score_c           smallint check (score_c >= 0),
    notes             text not null default '' check (char_length(notes) <= 5000),
    status            text not null default 'draft'
                          check (status in ('draft', 'submitted', 'under_review', 'approved',
                                            'rejected', 'withdrawn')),
    created_by        uuid references users (id),
    created_at        timestamptz not null,
    submitted_at      timestamptz,
    review_started_at timestamptz,
    reviewer_id       uuid references users (id),
    decided_at        timestamptz,
    decided_by        uuid references users (id),
    decision_reason   text,
    certificate_id    uuid references ocop_certificates (id),
    withdrawn_at      timestamptz,
    updated_at        timestamptz not null default now(),
    check (status = 'draft' or status = 'withdrawn' or submitted_at is not null),
    check (status <> 'approved' or certificate_id is not null),
    check (status <> 'rejected' or decision_reason is not null)
);
create trigger ocop_applications_updated_at before update on ocop_applications
    for each row execute function set_updated_at();
-- One open application per product: a second one would race the first to a certificate.
create unique index ocop_applications_one_open_idx on ocop_applications (product_id)
    where status in ('draft', 'submitted', 'under_review');
create index ocop_applications_queue_idx on ocop_applications (status, submitted_at);
create index ocop_applications_producer_idx on ocop_applications (producer_id, created_at);

-- The dossier (registration form, self-assessment, licences, test reports) in the media store.
-- Private: served only to the producer's members and curators.
create table ocop_application_documents (
    id             uuid primary key default gen_random_uuid(),
    application_id uuid not null references ocop_applications (id),
    object_key     text not null unique,
    content_type   text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
    file_name      text not null check (char_length(file_name) between 1 and 200),
    byte_size      integer not null check (byte_size > 0),
    uploaded_by    uuid references users (id),
    created_at     timestamptz not null default now()
);
create index ocop_application_documents_app_idx on ocop_application_documents (application_id, created_at);

-- The GI-claim rule, once: a producer may use a GI only if its pre-2025 commune lies in the
-- GI's protected area. The API's check and the curators' mismatch list both call this.
create function gi_covers_producer(gi uuid, producer uuid) returns boolean
    language sql stable
as $$
    select exists (select 1 from gi_protected_communes pc
                     join producers p on p.old_commune = pc.old_commune
                    where pc.gi_id = gi and p.id = producer)
$$;

-- One reminder digest per producer per day, for a mailer to send (and mark sent).
create table certificate_digests (
    producer_id uuid not null references producers (id),
    digest_on   date not null,
    reminders   jsonb not null,                      -- the reminders as the workspace shows them
    created_at  timestamptz not null default now(),
    sent_at     timestamptz,
    primary key (producer_id, digest_on)
);
create index certificate_digests_unsent_idx on certificate_digests (digest_on) where sent_at is null;

-- Certificates the daily job has seen pass their expiry: each product is re-indexed once.
create table certificate_expiries (
    certificate_id uuid primary key references ocop_certificates (id),
    product_id     uuid not null references products (id),
    expired_on     date not null,
    recorded_at    timestamptz not null default now()
);
