-- `server reindex` swaps a freshly built documents table in for the old one. Dropping a table that
-- has a foreign key to `products` also drops the key's triggers on `products`, which takes an
-- ACCESS EXCLUSIVE lock on `products` and deadlocks with any catalog write that already touched
-- `products` and now waits for the documents. Documents of deleted products are removed by the
-- `search_products_deleted` trigger, so the key (and its cascade) is not needed.
alter table search_documents drop constraint if exists search_documents_product_id_fkey;
