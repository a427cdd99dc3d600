-- Outgoing mail. A row is written in the same transaction as the event it tells about (an order
-- placed, its status changed, its payment recorded, a certificate reminder digest), so a message
-- exists if and only if the event happened. Every instance runs a worker that claims ready rows
-- with FOR UPDATE SKIP LOCKED, holds the lock while it talks to the SMTP server, and records
-- sent_at (or the error and the next try) before letting go: two instances never send one twice.
create table mail_outbox (
    id             bigint generated always as identity primary key,
    kind           text not null check (kind in ('order_placed', 'order_new', 'order_status',
                                                 'order_paid', 'certificate_digest')),
    recipient      citext not null,
    -- The account it goes to, when there is one (guests' mail goes to the order's address).
    user_id        uuid references users (id) on delete set null,
    subject        text not null,
    body_text      text not null,
    body_html      text not null,
    -- One-click unsubscribe link (RFC 8058) for account holders' mail.
    unsubscribe_url text,
    order_id       uuid references orders (id) on delete cascade,
    digest_producer_id uuid,
    digest_on      date,
    created_at     timestamptz not null default now(),
    -- pending → sent, or not_sent when no SMTP server is configured (logged instead).
    status         text not null default 'pending' check (status in ('pending', 'sent', 'not_sent')),
    available_at   timestamptz not null default now(),
    attempts       integer not null default 0,
    last_error     text,
    sent_at        timestamptz,
    check ((status = 'sent') = (sent_at is not null)),
    foreign key (digest_producer_id, digest_on)
        references certificate_digests (producer_id, digest_on)
);
create index mail_outbox_ready_idx on mail_outbox (available_at, id) where status = 'pending';
create index mail_outbox_order_idx on mail_outbox (order_id) where order_id is not null;

-- What each account wants to hear about. No row: everything on. The token makes the
-- unsubscribe link in every message work without signing in.
create table notification_preferences (
    user_id               uuid primary key references users (id) on delete cascade,
    order_updates         boolean not null default true,   -- as a buyer: each step of my orders
    new_orders            boolean not null default true,   -- as a producer's member: orders placed
    certificate_reminders boolean not null default true,   -- as a producer's member: OCOP expiry digests
    unsubscribe_token     text not null unique default replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
    updated_at            timestamptz not null default now()
);
create trigger notification_preferences_updated_at before update on notification_preferences
    for each row execute function set_updated_at();
