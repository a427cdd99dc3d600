-- Registrations per client (an IPv4 address or IPv6 /64), counted over a sliding hour: each
-- one runs argon2, so an unthrottled client could keep the server hashing.
create table registration_attempts (
    id      bigint generated always as identity primary key,
    client  text not null,
    at      timestamptz not null default now()
);
create index registration_attempts_client_idx on registration_attempts (client, at);
