//! The OpenAPI 3.1 document of the public API, generated from the handlers' `#[utoipa::path]`
//! attributes and the DTOs' schemas, and served at `GET /api/openapi.json`.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::schemas::{ErrorBody, ErrorDetail};
use super::{
    auth, catalog, curation, health, imports, livestreams, notifications, orders, report, reviews,
    workspace,
};

/// The name the session cookie travels under (set in `startup.rs`).
pub const SESSION_COOKIE: &str = "cho_ocop_sid";
/// The security scheme's name in the document; signed-in operations require it.
pub const SESSION_SCHEME: &str = "session";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chợ OCOP API",
        version = "1.0.0",
        description = "The public JSON API of Chợ OCOP, the marketplace for OCOP-certified products \
            and geographical indications of Thái Nguyên (shared/api/CONTRACT.md, version 1). \
            JSON in and out, snake_case fields; money and quantities are decimal strings; \
            every error has the shape `{\"error\": {\"code\", \"message\", \"fields\"?}}`.\n\n\
            API công khai của Chợ OCOP — sàn sản phẩm OCOP và chỉ dẫn địa lý của Thái Nguyên. \
            Giá tiền (VND) và số lượng là chuỗi số thập phân; mọi lỗi có cùng một dạng.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        catalog::list_products,
        catalog::get_product,
        catalog::get_producer,
        catalog::list_gis,
        catalog::get_gi,
        catalog::create_gi,
        auth::register,
        auth::login,
        auth::logout,
        auth::me,
        auth::grant_role,
        auth::change_password,
        auth::revoke_sessions,
        notifications::get_notifications,
        notifications::put_notifications,
        reviews::create_review,
        reviews::edit_review,
        reviews::product_reviews,
        reviews::reply_review,
        reviews::hide_review,
        report::sales_report,
        report::sales_report_csv,
        workspace::create_producer,
        workspace::update_producer,
        workspace::invite_member,
        workspace::list_members,
        workspace::remove_member,
        workspace::accept_invitation,
        workspace::create_product,
        workspace::update_product,
        workspace::archive_product,
        workspace::upload_image,
        workspace::reorder_images,
        workspace::delete_image,
        imports::import_products,
        imports::products_template_xlsx,
        imports::products_template_csv,
        imports::import_annex,
        livestreams::list_livestreams,
        livestreams::create_livestream,
        livestreams::update_livestream,
        livestreams::cancel_livestream,
        curation::applications::create_application,
        curation::applications::producer_applications,
        curation::applications::producer_reminders,
        curation::applications::review_queue,
        curation::applications::get_application,
        curation::applications::submit_application,
        curation::applications::withdraw_application,
        curation::applications::start_review,
        curation::decisions::decide,
        curation::documents::upload_document,
        curation::documents::get_document,
        curation::certificates::revoke_certificate,
        curation::register::register_csv,
        curation::certificates::verify,
        curation::qr::qr_svg,
        curation::qr::qr_png,
        curation::certificates::gi_mismatches,
        curation::certificates::dashboard,
        orders::get_cart,
        orders::put_cart_item,
        orders::clear_cart,
        orders::get_sales,
        orders::put_sales,
        orders::place_order,
        orders::my_orders,
        orders::producer_orders,
        orders::get_order,
        orders::change_status,
        orders::record_payment,
        health::healthz,
        health::readyz,
        metrics,
        openapi_json,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&SessionCookie, &ServerErrors),
    tags(
        (name = "catalog", description = "Products, producers and geographical indications, for everyone"),
        (name = "accounts", description = "Registration, sign-in and roles"),
        (name = "producers", description = "Producer profiles and members"),
        (name = "products", description = "Producers' products and photos"),
        (name = "livestreams", description = "Livestream selling schedules"),
        (name = "buying", description = "Cart, sales settings, checkout, orders and payment"),
        (name = "reviews", description = "Buyers' reviews, producers' replies and curators' hiding"),
        (name = "ocop", description = "OCOP applications, decisions, certificates, verification and curation"),
        (name = "operations", description = "Health, readiness, metrics and this document"),
    ),
)]
pub struct ApiDoc;

/// The document, built once.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_json()
        .expect("the OpenAPI document serialises")
});

/// This OpenAPI 3.1 document, generated from the code.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object)),
)]
pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
}

/// Prometheus metrics in the text exposition format.
// Describes `metrics::render` for the document; this stub itself is never routed.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Request counts and latency histograms by route", content_type = "text/plain", body = String)),
)]
#[allow(dead_code)]
fn metrics() {}

/// The session cookie set by register and login.
struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "Session cookie set by register/login (HttpOnly, SameSite=Lax)",
            ))),
        );
    }
}

/// Any `/api` operation may fail on the server's side, always in the error shape.
struct ServerErrors;

impl Modify for ServerErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1/") {
                continue;
            }
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                responses
                    .entry("500".into())
                    .or_insert_with(|| error("Internal error (details are only logged)").into());
                responses
                    .entry("503".into())
                    .or_insert_with(|| error("The database is unavailable for now").into());
            }
        }
    }
}
