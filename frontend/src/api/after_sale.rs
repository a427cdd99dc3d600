//! After the sale: notification settings and unsubscribing, a producer's sales report, the
//! review forms of producers and curators on a product page, and what the pages for them need
//! from the server through the [`AfterSaleBackend`] port. Writes are plain form posts.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Answer, FormState, ReviewTools, SalesReportPage};

/// Which mail an account wants (`GET/PUT /api/v1/me/notifications`). All on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NotificationPrefs {
    /// As a buyer: each step of my orders (placed, confirmed, shipping, delivered, paid).
    pub order_updates: bool,
    /// As a producer's member: orders placed with the producer.
    pub new_orders: bool,
    /// As a producer's member: OCOP certificates about to expire.
    pub certificate_reminders: bool,
}

impl Default for NotificationPrefs {
    fn default() -> Self {
        NotificationPrefs {
            order_updates: true,
            new_orders: true,
            certificate_reminders: true,
        }
    }
}

/// `/thong-bao`: the signed-in account's switches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct NotificationsPage {
    pub email: String,
    pub prefs: NotificationPrefs,
    pub form: FormState,
}

/// `/thong-bao/huy/{token}`: the address a link in a message unsubscribes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UnsubscribePage {
    pub email: String,
}

#[cfg(feature = "ssr")]
mod port {
    use std::sync::Arc;

    use super::*;
    use crate::api::{BackendError, Request};

    /// What the after-sale pages need from the server (provided as `Arc<dyn AfterSaleBackend>`).
    #[async_trait::async_trait]
    pub trait AfterSaleBackend: Send + Sync + 'static {
        async fn notifications_page(
            &self,
            req: &Request,
        ) -> Result<NotificationsPage, BackendError>;
        async fn unsubscribe_page(&self, token: String) -> Result<UnsubscribePage, BackendError>;
        /// A product page's review forms for the viewer: nothing for buyers and visitors.
        async fn review_tools(
            &self,
            req: &Request,
            product_slug: String,
        ) -> Result<ReviewTools, BackendError>;
        /// `/quan-ly/{slug}/bao-cao?from=&to=`: the producer's sales report (its members).
        async fn sales_report(
            &self,
            req: &Request,
            slug: String,
            from: String,
            to: String,
        ) -> Result<SalesReportPage, BackendError>;
    }

    pub type SharedAfterSaleBackend = Arc<dyn AfterSaleBackend>;

    pub fn backend() -> Result<SharedAfterSaleBackend, ServerFnError> {
        use_context::<SharedAfterSaleBackend>()
            .ok_or_else(|| ServerFnError::new("after-sale backend not provided"))
    }

    pub fn request() -> Result<Request, ServerFnError> {
        use_context::<Request>().ok_or_else(|| ServerFnError::new("no request context"))
    }

    /// A page request from nobody goes to the login page, like the workspace's.
    pub fn answer<T>(result: Result<T, BackendError>) -> Answer<T> {
        super::super::port::answer(result)
    }

    pub use super::super::port::no_referrer;
}

#[cfg(feature = "ssr")]
pub use port::{AfterSaleBackend, SharedAfterSaleBackend};

#[server(prefix = "/_fn", endpoint = "notifications_page")]
pub async fn get_notifications_page() -> Answer<NotificationsPage> {
    let req = port::request()?;
    port::answer(port::backend()?.notifications_page(&req).await)
}

#[server(prefix = "/_fn", endpoint = "unsubscribe_page")]
pub async fn get_unsubscribe_page(token: String) -> Answer<UnsubscribePage> {
    port::no_referrer();
    port::answer(port::backend()?.unsubscribe_page(token).await)
}

/// Never refuses: a visitor simply gets no forms.
#[server(prefix = "/_fn", endpoint = "review_tools")]
pub async fn get_review_tools(product_slug: String) -> Answer<ReviewTools> {
    let req = port::request()?;
    port::answer(port::backend()?.review_tools(&req, product_slug).await)
}

/// `from`/`to`: months as `2026-12`, empty for no bound.
#[server(prefix = "/_fn", endpoint = "sales_report")]
pub async fn get_sales_report(slug: String, from: String, to: String) -> Answer<SalesReportPage> {
    let req = port::request()?;
    port::answer(port::backend()?.sales_report(&req, slug, from, to).await)
}
