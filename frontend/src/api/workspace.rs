//! The producer workspace and the sign-in pages: what they show, and the server functions that
//! fetch it. Writes are plain HTML form posts handled by the server (so they work without
//! JavaScript); after a post the server redirects back, and a failed post's typed values and
//! Vietnamese field errors come back here once, as a [`FormState`].

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Answer, ApplicationDto, CertificateReminder, ImageDto, LivestreamDto, ProducerRef};

/// What a form showed after the last post: the values typed, an error per field (`_form` for the
/// whole form) and a one-off confirmation. Empty on a first visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FormState {
    pub values: BTreeMap<String, String>,
    pub errors: BTreeMap<String, String>,
    pub notice: Option<String>,
}

impl FormState {
    /// The typed value if the last post failed, otherwise `stored` (the saved value).
    pub fn value_or(&self, key: &str, stored: impl Into<String>) -> String {
        self.values
            .get(key)
            .cloned()
            .unwrap_or_else(|| stored.into())
    }

    pub fn error(&self, key: &str) -> Option<String> {
        self.errors.get(key).cloned()
    }
}

/// An option in a `<select>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The signed-in user as the header and workspace see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub display_name: String,
    pub email: String,
    pub curator: bool,
    pub producers: Vec<MyProducer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyProducer {
    pub slug: String,
    pub name: String,
    /// `owner` or `member`.
    pub role: String,
}

/// A producer's editable profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ProducerProfile {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub commune_code: String,
    pub old_commune: String,
    pub old_district: String,
    pub address: String,
    pub phone: String,
    pub description: String,
}

/// The create/edit producer form: `profile` is `None` when creating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerForm {
    pub profile: Option<ProducerProfile>,
    pub communes: Vec<Choice>,
    pub form: FormState,
}

/// One product row in the workspace: enough to see stock at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    /// `draft`, `active` or `archived`.
    pub status: String,
    pub price_vnd: String,
    pub unit_name: String,
    pub stock: String,
    /// Out of stock or nearly so (fewer than 10 units): shown first and highlighted.
    pub low: bool,
    pub thumb_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub display_name: String,
    pub email: String,
    pub role: String,
}

/// A producer's workspace home: profile, products with stock, members, livestreams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerDesk {
    pub profile: ProducerProfile,
    /// The viewer's role here: `owner` or `member`.
    pub role: String,
    pub products: Vec<StockRow>,
    pub members: Vec<MemberRow>,
    pub livestreams: Vec<LivestreamDto>,
    /// Certificates nearing expiry (180, 90, 30 days).
    pub reminders: Vec<CertificateReminder>,
    /// OCOP applications, newest first.
    pub applications: Vec<ApplicationDto>,
    /// The add-member form's last post.
    pub form: FormState,
}

/// A product as its edit form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditableProduct {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub category_code: String,
    pub description: String,
    pub price_vnd: String,
    pub unit: String,
    pub stock: String,
    pub gi_slug: String,
    pub status: String,
    pub images: Vec<ImageDto>,
}

/// The create/edit product form with its choices; `product` is `None` when creating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductEditor {
    pub producer: ProducerRef,
    pub product: Option<EditableProduct>,
    pub categories: Vec<Choice>,
    pub units: Vec<Choice>,
    pub gis: Vec<Choice>,
    /// This product's OCOP applications, newest first (an open one blocks a new application).
    pub applications: Vec<ApplicationDto>,
    /// The certificate in force for this product, if any.
    #[serde(default)]
    pub certificate: Option<SellerCertificate>,
    pub form: FormState,
}

/// A product's certificate in force as its seller sees it: what to print on the packaging.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellerCertificate {
    pub detail: super::OcopDetail,
    /// The code of `/xac-minh/{code}` and of its QR (`qr.svg`, `qr.png`).
    pub verify_code: String,
    /// Days until it expires (a renewal is offered within 180).
    pub days_left: i64,
}

/// The schedule-a-livestream form: the producer's products to pin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivestreamForm {
    pub producer: ProducerRef,
    /// The livestream being edited; `None` when scheduling a new one.
    pub livestream: Option<LivestreamDto>,
    pub products: Vec<Choice>,
    pub form: FormState,
}

#[cfg(feature = "ssr")]
fn request() -> Result<http::request::Parts, ServerFnError> {
    use_context::<http::request::Parts>().ok_or_else(|| ServerFnError::new("no request context"))
}

/// Who is signed in, if anyone.
#[server(prefix = "/_fn", endpoint = "viewer")]
pub async fn get_viewer() -> Answer<Option<Viewer>> {
    let parts = request()?;
    super::port::answer(super::port::backend()?.viewer(&parts).await)
}

/// The login or registration form's last post.
#[server(prefix = "/_fn", endpoint = "auth_form")]
pub async fn get_auth_form() -> Answer<FormState> {
    let parts = request()?;
    super::port::answer(super::port::backend()?.auth_form(&parts).await)
}

/// The create-producer form (`slug` empty) or a producer's profile form.
#[server(prefix = "/_fn", endpoint = "producer_form")]
pub async fn get_producer_form(slug: String) -> Answer<ProducerForm> {
    let parts = request()?;
    let slug = Some(slug).filter(|s| !s.is_empty());
    super::port::answer(super::port::backend()?.producer_form(&parts, slug).await)
}

#[server(prefix = "/_fn", endpoint = "producer_desk")]
pub async fn get_producer_desk(slug: String) -> Answer<ProducerDesk> {
    let parts = request()?;
    super::port::answer(super::port::backend()?.producer_desk(&parts, slug).await)
}

/// The new-product form (`id` empty) or a product's edit form.
#[server(prefix = "/_fn", endpoint = "product_editor")]
pub async fn get_product_editor(slug: String, id: String) -> Answer<ProductEditor> {
    let parts = request()?;
    let id = Some(id).filter(|s| !s.is_empty());
    super::port::answer(
        super::port::backend()?
            .product_editor(&parts, slug, id)
            .await,
    )
}

#[server(prefix = "/_fn", endpoint = "livestream_form")]
pub async fn get_livestream_form(slug: String, id: Option<String>) -> Answer<LivestreamForm> {
    let parts = request()?;
    super::port::answer(
        super::port::backend()?
            .livestream_form(&parts, slug, id)
            .await,
    )
}
