-- Buyers' reviews: one per order line, by the buyer of a delivered order, editable for 30 days.
-- The producer may reply once; a curator may hide an abusive review with a reason (audited).
-- Hidden reviews leave the product's average and count.
create table reviews (
    id           uuid primary key default gen_random_uuid(),
    order_id     uuid not null,
    product_id   uuid not null references products (id),
    buyer_id     uuid references users (id),            -- null: a guest's order (its secret link)
    author_name  text not null check (char_length(author_name) between 1 and 100),
    rating       smallint not null check (rating between 1 and 5),
    body         text check (char_length(body) <= 2000),
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    reply        text check (char_length(reply) between 1 and 2000),
    replied_at   timestamptz,
    replied_by   uuid references users (id),
    hidden_at    timestamptz,
    hidden_reason text,
    hidden_by    uuid references users (id),
    unique (order_id, product_id),
    foreign key (order_id, product_id) references order_items (order_id, product_id) on delete cascade,
    check ((reply is null) = (replied_at is null)),
    check ((hidden_at is null) = (hidden_reason is null))
);
-- The product page's latest reviews and its average, over visible reviews only.
create index reviews_product_visible_idx on reviews (product_id, created_at desc) where hidden_at is null;
