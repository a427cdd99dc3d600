-- Producer invitations: an owner invites an e-mail address, and the person holding that address
-- joins only by accepting with a signed-in account of that address. The token travels in the
-- invitation mail; only its SHA-256 is stored, so a read of this table cannot accept anything.
create table producer_invitations (
    id          uuid primary key default gen_random_uuid(),
    producer_id uuid not null references producers (id) on delete cascade,
    email       citext not null,
    role        text not null check (role in ('owner', 'member')),
    token_hash  bytea not null unique,
    invited_by  uuid references users (id) on delete set null,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    accepted_at timestamptz,
    accepted_by uuid references users (id) on delete set null,
    check ((accepted_at is null) = (accepted_by is null))
);
-- One open invitation per address and producer: inviting again replaces it.
create unique index producer_invitations_open_idx on producer_invitations (producer_id, email)
    where accepted_at is null;

alter table mail_outbox drop constraint mail_outbox_kind_check;
alter table mail_outbox add constraint mail_outbox_kind_check
    check (kind in ('order_placed', 'order_new', 'order_status', 'order_paid',
                    'certificate_digest', 'invitation'));

-- Sessions are revoked by the account they carry (a password change, "sign out everywhere").
create index sessions_user_idx on sessions ((data ->> 'user_id'));
