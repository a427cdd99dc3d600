-- Orders change stock all day. A search document shows only whether a product is in stock, so an
-- update that changes nothing a document shows (stock moving between two positive amounts, the
-- updated_at stamp) no longer rebuilds the document, writes an outbox row or bumps the search
-- version (a single row every such transaction would otherwise queue on).

create function search_products_updated() returns trigger
    language plpgsql
as $$
begin
    perform search_refresh_products(array(
        select n.id
          from new_rows n
          join old_rows o on o.id = n.id
         where (to_jsonb(n) - array['stock', 'updated_at']) is distinct from
               (to_jsonb(o) - array['stock', 'updated_at'])
            or (n.stock > 0) <> (o.stock > 0)
    ));
    return null;
end
$$;

drop trigger search_products_updated on products;
create trigger search_products_updated after update on products
    referencing old table as old_rows new table as new_rows
    for each statement execute function search_products_updated();
