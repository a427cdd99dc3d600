//! Carts: one per browser session or signed-in buyer, and the quantities in them.

use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// The signed-in buyer's cart, created on first use. Three statements, not one: a statement's
/// snapshot predates a concurrent first use that it waited for, so a single
/// insert-or-select could find nothing.
pub async fn of_user(db: &mut PgConnection, user_id: Uuid) -> sqlx::Result<Uuid> {
    let select = "select id from carts where user_id = $1";
    if let Some(id) = sqlx::query_scalar(select)
        .bind(user_id)
        .fetch_optional(&mut *db)
        .await?
    {
        return Ok(id);
    }
    let created: Option<Uuid> = sqlx::query_scalar(
        "insert into carts (user_id) values ($1) on conflict (user_id) do nothing returning id",
    )
    .bind(user_id)
    .fetch_optional(&mut *db)
    .await?;
    match created {
        Some(id) => Ok(id),
        None => sqlx::query_scalar(select).bind(user_id).fetch_one(db).await,
    }
}

/// A new anonymous cart (its id goes into the browser's session).
pub async fn create_anonymous(db: impl PgExecutor<'_>) -> sqlx::Result<Uuid> {
    sqlx::query_scalar("insert into carts default values returning id")
        .fetch_one(db)
        .await
}

/// Whether this anonymous cart still exists (a session may outlive a merged cart).
pub async fn anonymous_exists(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar("select exists (select 1 from carts where id = $1 and user_id is null)")
        .bind(id)
        .fetch_one(db)
        .await
}

/// What putting a product in a cart checks.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CartProduct {
    pub name: String,
    pub stock: Decimal,
    pub allows_fraction: bool,
    pub active: bool,
    /// Whether its producer has sales settings (takes orders at all).
    pub sells: bool,
}

pub async fn product(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<CartProduct>> {
    sqlx::query_as(
        "select p.name, p.stock, u.allows_fraction, p.status = 'active' as active,
                exists (select 1 from sales_settings s where s.producer_id = p.producer_id) as sells
           from products p join units u on u.code = p.unit
          where p.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// One line of a cart with what checking it needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CartLine {
    pub product_id: Uuid,
    pub producer_id: Uuid,
    pub quantity: Decimal,
    pub price_vnd: Decimal,
    pub stock: Decimal,
    pub allows_fraction: bool,
    pub active: bool,
}

/// The cart's lines, oldest first.
pub async fn lines(db: impl PgExecutor<'_>, cart: Uuid) -> sqlx::Result<Vec<CartLine>> {
    sqlx::query_as(
        "select i.product_id, p.producer_id, i.quantity, p.price_vnd, p.stock, u.allows_fraction,
                p.status = 'active' as active
           from cart_items i
           join products p on p.id = i.product_id
           join units u on u.code = p.unit
          where i.cart_id = $1
          order by i.added_at, i.product_id",
    )
    .bind(cart)
    .fetch_all(db)
    .await
}

/// Sets a line's quantity; zero removes it.
pub async fn set_quantity(
    db: impl PgExecutor<'_>,
    cart: Uuid,
    product: Uuid,
    quantity: Decimal,
) -> sqlx::Result<()> {
    if quantity.is_zero() {
        sqlx::query("delete from cart_items where cart_id = $1 and product_id = $2")
            .bind(cart)
            .bind(product)
            .execute(db)
            .await?;
    } else {
        sqlx::query(
            "insert into cart_items (cart_id, product_id, quantity) values ($1, $2, $3)
             on conflict (cart_id, product_id) do update set quantity = excluded.quantity",
        )
        .bind(cart)
        .bind(product)
        .bind(quantity)
        .execute(db)
        .await?;
    }
    Ok(())
}

/// Removes these products from the cart (after they were ordered).
pub async fn remove(db: impl PgExecutor<'_>, cart: Uuid, products: &[Uuid]) -> sqlx::Result<()> {
    sqlx::query("delete from cart_items where cart_id = $1 and product_id = any($2)")
        .bind(cart)
        .bind(products)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn clear(db: impl PgExecutor<'_>, cart: Uuid) -> sqlx::Result<()> {
    sqlx::query("delete from cart_items where cart_id = $1")
        .bind(cart)
        .execute(db)
        .await?;
    Ok(())
}

/// Moves an anonymous cart's lines into the buyer's cart at sign-in and drops it. A product in
/// both keeps the larger quantity: nothing the buyer chose is lost, nothing is doubled.
pub async fn merge_into(db: &mut PgConnection, from: Uuid, into: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "insert into cart_items (cart_id, product_id, quantity, added_at)
         select $2, product_id, quantity, added_at from cart_items where cart_id = $1
         on conflict (cart_id, product_id)
         do update set quantity = greatest(cart_items.quantity, excluded.quantity)",
    )
    .bind(from)
    .bind(into)
    .execute(&mut *db)
    .await?;
    sqlx::query("delete from carts where id = $1 and user_id is null")
        .bind(from)
        .execute(&mut *db)
        .await?;
    Ok(())
}
