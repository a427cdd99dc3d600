-- Buying: producers' sales settings, carts, orders (one per producer per checkout), their status
-- timeline, and the idempotency records that make a retried checkout return the first answer.

-- Banks a seller may be paid into by VietQR, by their NAPAS acquirer BIN (shared/domain/payments.md).
create table banks (
    bin        text primary key check (bin ~ '^[0-9]{6}$'),
    short_name text not null,
    name       text not null,
    position   smallint not null
);
insert into banks (bin, short_name, name, position) values
    ('970405', 'Agribank', 'Ngân hàng Nông nghiệp và Phát triển Nông thôn', 1),
    ('970436', 'Vietcombank', 'Ngân hàng TMCP Ngoại thương Việt Nam', 2),
    ('970415', 'VietinBank', 'Ngân hàng TMCP Công thương Việt Nam', 3),
    ('970418', 'BIDV', 'Ngân hàng TMCP Đầu tư và Phát triển Việt Nam', 4),
    ('970407', 'Techcombank', 'Ngân hàng TMCP Kỹ thương Việt Nam', 5),
    ('970422', 'MB', 'Ngân hàng TMCP Quân đội', 6),
    ('970416', 'ACB', 'Ngân hàng TMCP Á Châu', 7),
    ('970432', 'VPBank', 'Ngân hàng TMCP Việt Nam Thịnh Vượng', 8),
    ('970403', 'Sacombank', 'Ngân hàng TMCP Sài Gòn Thương Tín', 9),
    ('970423', 'TPBank', 'Ngân hàng TMCP Tiên Phong', 10),
    ('970449', 'LPBank', 'Ngân hàng TMCP Lộc Phát Việt Nam', 11),
    ('970443', 'SHB', 'Ngân hàng TMCP Sài Gòn – Hà Nội', 12),
    ('970437', 'HDBank', 'Ngân hàng TMCP Phát triển TP. Hồ Chí Minh', 13),
    ('970440', 'SeABank', 'Ngân hàng TMCP Đông Nam Á', 14),
    ('970426', 'MSB', 'Ngân hàng TMCP Hàng Hải Việt Nam', 15),
    ('970448', 'OCB', 'Ngân hàng TMCP Phương Đông', 16);

-- How a producer sells. No row: its products cannot be ordered yet.
create table sales_settings (
    producer_id    uuid primary key references producers (id) on delete cascade,
    pickup         boolean not null,
    pickup_address text,
    ship           boolean not null,
    ship_fee_vnd   numeric(15, 0) check (ship_fee_vnd >= 0),
    free_from_vnd  numeric(15, 0) check (free_from_vnd > 0),   -- shipping is free from this subtotal
    cod            boolean not null,
    bank_transfer  boolean not null,
    bank_bin       text references banks (bin),
    account_no     text check (account_no ~ '^[0-9A-Za-z]{1,19}$'),
    account_name   text check (char_length(account_name) between 2 and 100),
    min_order_vnd  numeric(15, 0) check (min_order_vnd > 0),
    updated_at     timestamptz not null default now(),
    check (pickup or ship),
    check (cod or bank_transfer),
    check (not pickup or pickup_address is not null),
    check (not ship or ship_fee_vnd is not null),
    check (not bank_transfer or (bank_bin is not null and account_no is not null and account_name is not null))
);
create trigger sales_settings_updated_at before update on sales_settings
    for each row execute function set_updated_at();

-- One cart per browser session (its id kept in the session), or per signed-in buyer.
create table carts (
    id         uuid primary key default gen_random_uuid(),
    user_id    uuid unique references users (id) on delete cascade,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger carts_updated_at before update on carts
    for each row execute function set_updated_at();

create table cart_items (
    cart_id    uuid not null references carts (id) on delete cascade,
    product_id uuid not null references products (id) on delete cascade,
    quantity   numeric(12, 3) not null check (quantity > 0),
    added_at   timestamptz not null default now(),
    primary key (cart_id, product_id)
);

-- A checkout: the orders placed together, and the idempotency key that placed them.
create table checkouts (
    id              uuid primary key default gen_random_uuid(),
    -- 'user:<uuid>' for a signed-in buyer, 'guest' otherwise: keys are the client's own UUIDs.
    idempotency_scope text not null,
    idempotency_key   text not null check (char_length(idempotency_key) between 1 and 200),
    request_hash      text not null,                   -- a repeated key with another body is refused
    created_at        timestamptz not null default now(),
    unique (idempotency_scope, idempotency_key)
);

create table orders (
    id               uuid primary key default gen_random_uuid(),
    code             text not null unique check (code ~ '^DH[0-9A-Z]{6}$'),   -- said on the phone, typed as a transfer note
    checkout_id      uuid not null references checkouts (id),
    producer_id      uuid not null references producers (id),
    buyer_id         uuid references users (id),
    access_token     text not null unique,             -- opens a guest's order; never listed
    status           text not null default 'pending'
                     check (status in ('pending', 'confirmed', 'shipping', 'delivered', 'cancelled')),
    buyer_name       text not null check (char_length(buyer_name) between 2 and 100),
    phone            text not null check (phone ~ '^0[35789][0-9]{8}$'),   -- stored normalised
    email            citext,
    delivery_method  text not null check (delivery_method in ('pickup', 'ship')),
    address          text,
    province_code    text,
    commune_code     text references communes (code),
    pickup_address   text,
    note             text,
    payment_method   text not null check (payment_method in ('cod', 'bank_transfer')),
    payment_status   text not null default 'unpaid' check (payment_status in ('unpaid', 'paid')),
    paid_at          timestamptz,
    -- The account the transfer goes to, copied so a later change of settings never redirects it.
    bank_bin         text,
    account_no       text,
    account_name     text,
    subtotal_vnd     numeric(15, 0) not null check (subtotal_vnd > 0),
    delivery_fee_vnd numeric(15, 0) not null check (delivery_fee_vnd >= 0),
    total_vnd        numeric(15, 0) not null check (total_vnd = subtotal_vnd + delivery_fee_vnd),
    tracking         text,
    created_at       timestamptz not null,
    updated_at       timestamptz not null default now(),
    check ((payment_status = 'paid') = (paid_at is not null)),
    check (payment_method <> 'bank_transfer' or account_no is not null)
);
create index orders_producer_idx on orders (producer_id, created_at desc);
create index orders_buyer_idx on orders (buyer_id, created_at desc) where buyer_id is not null;
create index orders_checkout_idx on orders (checkout_id);
create trigger orders_updated_at before update on orders
    for each row execute function set_updated_at();

-- Lines with the name, unit and price copied at the moment of ordering.
create table order_items (
    order_id       uuid not null references orders (id) on delete cascade,
    product_id     uuid not null references products (id),
    position       smallint not null,
    name           text not null,
    unit           text not null,
    unit_name      text not null,
    quantity       numeric(12, 3) not null check (quantity > 0),
    unit_price_vnd numeric(15, 0) not null check (unit_price_vnd > 0),
    line_total_vnd numeric(15, 0) not null,
    primary key (order_id, product_id)
);

-- The status timeline the buyer sees; the audit log keeps who did it.
create table order_events (
    id       bigint generated always as identity primary key,
    order_id uuid not null references orders (id) on delete cascade,
    status   text not null check (status in ('pending', 'confirmed', 'shipping', 'delivered', 'cancelled', 'paid')),
    at       timestamptz not null,
    reason   text,
    tracking text,
    actor_id uuid references users (id)
);
create index order_events_order_idx on order_events (order_id, id);
