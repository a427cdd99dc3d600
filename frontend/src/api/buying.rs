//! The buying pages' data (cart, checkout, order pages, a seller's sales settings and order inbox)
//! and the server functions that fetch it through the [`BuyingBackend`] port. Writes are plain
//! form posts handled by the server; like the workspace, a failed post's values and errors come
//! back once as a [`FormState`].

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Answer, Cart, Choice, FormState, Order, ProducerRef, SalesSettings};

/// `/gio-hang`: the cart and what the last cart post left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CartPage {
    pub cart: Cart,
    pub form: FormState,
}

/// `/thanh-toan`: the cart to place, the communes to choose from and the buyer's known details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CheckoutPage {
    pub cart: Cart,
    /// Thái Nguyên's communes (2025 list), sorted by name.
    pub communes: Vec<Choice>,
    /// The one-time form token: the checkout's idempotency key.
    pub token: String,
    /// A signed-in buyer's name and email, to pre-fill.
    pub name: String,
    pub email: String,
    pub form: FormState,
}

/// One order placed by the last checkout: its secret link is shown here once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacedLink {
    pub code: String,
    pub producer: String,
    pub total_vnd: String,
    pub payment: String,
    pub href: String,
}

/// An order as its buyer sees it, with the VietQR code drawn by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderPage {
    pub order: Order,
    /// An SVG document (bank transfers that are not paid yet).
    pub qr_svg: Option<String>,
    pub can_cancel: bool,
    /// The secret the page was opened with, for the cancel form.
    pub token: Option<String>,
    pub form: FormState,
    /// Once delivered: each line with its review (or a form for one).
    #[serde(default)]
    pub reviews: Vec<super::ReviewSlot>,
}

/// What "Thêm vào giỏ" did when sent in the background (once hydrated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CartAddition {
    /// Added; the cart now holds `count` lines (the header's badge).
    Added { count: i64 },
    /// Nothing changed, for this reason (in Vietnamese, to show beside the button).
    Refused { message: String },
}

/// `/quan-ly/{slug}/ban-hang`: the owner's sales settings form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SalesForm {
    pub producer: ProducerRef,
    pub settings: SalesSettings,
    pub banks: Vec<Choice>,
    pub form: FormState,
}

/// `/quan-ly/{slug}/don-hang`: a producer's orders, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderInbox {
    pub producer: ProducerRef,
    pub orders: Vec<Order>,
    /// Orders per status (only statuses that have some).
    pub counts: Vec<(String, i64)>,
    pub status: String,
}

/// `/quan-ly/{slug}/don-hang/{code}`: one order with the steps the seller can take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SellerOrder {
    pub producer: ProducerRef,
    pub order: Order,
    /// Statuses the order may move to next (`confirmed`, `shipping`, `delivered`, `cancelled`).
    pub actions: Vec<String>,
    pub form: FormState,
}

#[cfg(feature = "ssr")]
mod port {
    use std::sync::Arc;

    use super::*;
    use crate::api::{BackendError, Request};

    /// What the buying pages need from the server (provided as `Arc<dyn BuyingBackend>`).
    #[async_trait::async_trait]
    pub trait BuyingBackend: Send + Sync + 'static {
        async fn cart_page(&self, req: &Request) -> Result<CartPage, BackendError>;
        /// How many lines the session's cart holds (the header's badge).
        async fn cart_count(&self, req: &Request) -> Result<i64, BackendError>;
        /// Adds `quantity` to what the session's cart holds of a product, as the form post does.
        async fn add_to_cart(
            &self,
            req: &Request,
            product_id: String,
            quantity: String,
        ) -> Result<CartAddition, BackendError>;
        async fn checkout_page(&self, req: &Request) -> Result<CheckoutPage, BackendError>;
        async fn placed_orders(&self, req: &Request) -> Result<Vec<PlacedLink>, BackendError>;
        async fn order_page(
            &self,
            req: &Request,
            code: String,
            token: Option<String>,
        ) -> Result<OrderPage, BackendError>;
        async fn my_orders(&self, req: &Request) -> Result<Vec<Order>, BackendError>;
        async fn sales_form(&self, req: &Request, slug: String) -> Result<SalesForm, BackendError>;
        async fn order_inbox(
            &self,
            req: &Request,
            slug: String,
            status: String,
        ) -> Result<OrderInbox, BackendError>;
        async fn seller_order(
            &self,
            req: &Request,
            slug: String,
            code: String,
        ) -> Result<SellerOrder, BackendError>;
    }

    pub type SharedBuyingBackend = Arc<dyn BuyingBackend>;

    pub fn backend() -> Result<SharedBuyingBackend, ServerFnError> {
        use_context::<SharedBuyingBackend>()
            .ok_or_else(|| ServerFnError::new("buying backend not provided"))
    }

    pub fn request() -> Result<Request, ServerFnError> {
        use_context::<Request>().ok_or_else(|| ServerFnError::new("no request context"))
    }

    pub use super::super::port::no_referrer;

    /// Like the workspace pages: a page request from nobody goes to the login page.
    pub fn answer<T>(result: Result<T, BackendError>) -> Answer<T> {
        super::super::port::answer(result)
    }
}

#[cfg(feature = "ssr")]
pub use port::{BuyingBackend, SharedBuyingBackend};

/// The session's cart (the header's count comes from it too).
#[server(prefix = "/_fn", endpoint = "cart_page")]
pub async fn get_cart_page() -> Answer<CartPage> {
    let req = port::request()?;
    port::answer(port::backend()?.cart_page(&req).await)
}

/// The header's count of cart lines.
#[server(prefix = "/_fn", endpoint = "cart_count")]
pub async fn get_cart_count() -> Answer<i64> {
    let req = port::request()?;
    port::answer(port::backend()?.cart_count(&req).await)
}

/// "Thêm vào giỏ" without a page load: the same addition as the `/gio-hang/them` form post.
/// A POST like any server function, so the cross-site check applies to it too.
#[server(prefix = "/_fn", endpoint = "add_cart_item")]
pub async fn add_cart_item(product_id: String, quantity: String) -> Answer<CartAddition> {
    let req = port::request()?;
    port::answer(
        port::backend()?
            .add_to_cart(&req, product_id, quantity)
            .await,
    )
}

#[server(prefix = "/_fn", endpoint = "checkout_page")]
pub async fn get_checkout_page() -> Answer<CheckoutPage> {
    let req = port::request()?;
    port::answer(port::backend()?.checkout_page(&req).await)
}

/// The orders the session's last checkout placed, with their secret links.
#[server(prefix = "/_fn", endpoint = "placed_orders")]
pub async fn get_placed_orders() -> Answer<Vec<PlacedLink>> {
    let req = port::request()?;
    port::no_referrer();
    port::answer(port::backend()?.placed_orders(&req).await)
}

#[server(prefix = "/_fn", endpoint = "order_page")]
pub async fn get_order_page(code: String, token: String) -> Answer<OrderPage> {
    let req = port::request()?;
    port::no_referrer();
    let token = Some(token).filter(|t| !t.is_empty());
    port::answer(port::backend()?.order_page(&req, code, token).await)
}

#[server(prefix = "/_fn", endpoint = "my_orders")]
pub async fn get_my_orders() -> Answer<Vec<Order>> {
    let req = port::request()?;
    port::answer(port::backend()?.my_orders(&req).await)
}

#[server(prefix = "/_fn", endpoint = "sales_form")]
pub async fn get_sales_form(slug: String) -> Answer<SalesForm> {
    let req = port::request()?;
    port::answer(port::backend()?.sales_form(&req, slug).await)
}

#[server(prefix = "/_fn", endpoint = "order_inbox")]
pub async fn get_order_inbox(slug: String, status: String) -> Answer<OrderInbox> {
    let req = port::request()?;
    port::answer(port::backend()?.order_inbox(&req, slug, status).await)
}

#[server(prefix = "/_fn", endpoint = "seller_order")]
pub async fn get_seller_order(slug: String, code: String) -> Answer<SellerOrder> {
    let req = port::request()?;
    port::answer(port::backend()?.seller_order(&req, slug, code).await)
}
