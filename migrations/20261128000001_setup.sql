-- Shared database helpers every later migration relies on.

-- unaccent + pg_trgm: the embedded Vietnamese search backend; citext: case-insensitive emails.
create extension if not exists unaccent;
create extension if not exists pg_trgm;
create extension if not exists citext;

-- unaccent() is only STABLE (its dictionary could change), so it cannot appear in an index
-- expression. Pinning the dictionary makes this wrapper safe to declare IMMUTABLE.
create or replace function f_unaccent(text) returns text
    language sql immutable parallel safe strict
as $$ select public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- Keeps updated_at honest without every UPDATE having to remember it.
create or replace function set_updated_at() returns trigger
    language plpgsql
as $$
begin
    new.updated_at := now();
    return new;
end
$$;
