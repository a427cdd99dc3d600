-- Accounts, roles, producer memberships, sessions, login throttling and the audit log.

create table users (
    id            uuid primary key default gen_random_uuid(),
    email         citext not null unique,
    password_hash text not null,                     -- argon2id PHC string
    display_name  text not null check (char_length(display_name) between 1 and 100),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create trigger users_updated_at before update on users
    for each row execute function set_updated_at();

-- Every account is a buyer; these are the roles an admin grants on top.
create table user_roles (
    user_id    uuid not null references users (id) on delete cascade,
    role       text not null check (role in ('curator', 'admin')),
    granted_by uuid references users (id),           -- null: granted from the server's command line
    granted_at timestamptz not null default now(),
    primary key (user_id, role)
);

-- One user may belong to several producers; each producer has at least its creator as owner.
create table producer_members (
    producer_id uuid not null references producers (id) on delete cascade,
    user_id     uuid not null references users (id) on delete cascade,
    role        text not null check (role in ('owner', 'member')),
    added_at    timestamptz not null default now(),
    primary key (producer_id, user_id)
);
create index producer_members_user_idx on producer_members (user_id);

-- Server-side sessions (tower-sessions records), shared by every app instance.
create table sessions (
    id          text primary key,
    data        jsonb not null,
    expiry_date timestamptz not null
);
create index sessions_expiry_idx on sessions (expiry_date);

-- Failed logins, counted per account and per IP over a sliding window to throttle guessing.
create table login_failures (
    id         bigint generated always as identity primary key,
    email      citext not null,
    ip         text,                                -- the client address as seen by the server
    failed_at  timestamptz not null default now()
);
create index login_failures_email_idx on login_failures (email, failed_at);
create index login_failures_ip_idx on login_failures (ip, failed_at);

-- Who did what to which record, when, with the changed fields before and after. Append-only:
-- the application has no update or delete path, and the database refuses them too.
create table audit_log (
    id          bigint generated always as identity primary key,
    at          timestamptz not null default now(),
    actor_id    uuid references users (id),
    action      text not null,                       -- 'product.create', 'producer.update', …
    entity      text not null,                       -- 'product', 'producer', 'product_image', …
    entity_id   text not null,
    reason      text,
    before      jsonb,
    after       jsonb
);
create index audit_log_entity_idx on audit_log (entity, entity_id, at);

create function audit_log_is_append_only() returns trigger
    language plpgsql
as $$
begin
    raise exception 'audit_log is append-only';
end
$$;
create trigger audit_log_no_update before update or delete on audit_log
    for each statement execute function audit_log_is_append_only();
