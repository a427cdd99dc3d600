-- The public pages built from the whole catalog (the home page's counts, the sitemap) are kept in
-- each instance's memory per data version, so a request reads one row instead of counting 100,000
-- products. Products already bump `search_state.version` with their documents; producers and GIs
-- show there too (the producer count, their pages' URLs) even when no document changes (a new
-- producer without products, a renamed GI), so they bump a version of their own here.
--
-- A row of its own rather than `search_state`: a producer's transaction then never queues behind
-- (or holds up) the product writes that lock `search_state`.
create table catalog_state (
    singleton boolean primary key default true check (singleton),
    version   bigint not null
);
insert into catalog_state (version) values (1);

create function catalog_state_bump() returns trigger
    language plpgsql
as $$
begin
    update catalog_state set version = version + 1;
    return null;
end
$$;
create trigger catalog_state_producers after insert or update or delete or truncate on producers
    for each statement execute function catalog_state_bump();
create trigger catalog_state_gis after insert or update or delete or truncate on geographical_indications
    for each statement execute function catalog_state_bump();
