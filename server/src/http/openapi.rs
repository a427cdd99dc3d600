//! The OpenAPI 3.1 document of the public API, generated from the handlers' `#[utoipa::path]`
//! attributes and the DTOs' schemas, and served at `GET /api/openapi.json`.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::schemas::{ErrorBody, ErrorDetail};
use super::{
    auth, catalog, curation, health, imports, livestreams, notifications, orders, report, reviews,
    share, workspace,
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
        share::product_card,
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
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serialises");
    state_the_text_rule(&mut doc);
    doc.to_string()
});

/// Characters the edge refuses in every text a request carries (`edge::refuse_control_chars`):
/// C0 and C1 controls; bodies may still hold tabs and line breaks.
const CONTROLS: &str = r"\u0000-\u001f\u007f-\u009f";
const BODY_CONTROLS: &str = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f";

/// Writes the edge's one text rule into the document, on every free-text string a request can
/// carry (parameters and JSON bodies), so clients and fuzzers see what the server will refuse;
/// a required text (`minLength` ≥ 1) must also hold something besides spaces, as the services
/// trim it. Strings with their own pattern, format or enum already say more.
fn state_the_text_rule(doc: &mut Value) {
    let mut bodies = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for operation in item.values_mut() {
                for parameter in operation
                    .get_mut("parameters")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if let Some(schema) = parameter.get_mut("schema") {
                        restrict_text(schema, CONTROLS);
                    }
                }
                if let Some(schema) =
                    operation.pointer_mut("/requestBody/content/application~1json/schema")
                {
                    restrict_body(schema, &mut bodies);
                }
            }
        }
    }
    // Named schemas that requests use, and the ones they refer to, each once.
    let mut seen = Vec::new();
    while let Some(name) = bodies.pop() {
        if seen.contains(&name) {
            continue;
        }
        if let Some(schema) = doc.pointer_mut(&format!("/components/schemas/{name}")) {
            restrict_body(schema, &mut bodies);
        }
        seen.push(name);
    }
}

/// Applies the body rule to every string inside `schema`, noting the named schemas it refers to.
fn restrict_body(schema: &mut Value, refs: &mut Vec<String>) {
    collect_refs(schema, refs);
    restrict_text(schema, BODY_CONTROLS);
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    for (key, value) in object.iter_mut() {
        match key.as_str() {
            "properties" => {
                for property in value
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|p| p.values_mut())
                {
                    restrict_body(property, refs);
                }
            }
            "items" | "additionalProperties" => restrict_body(value, refs),
            "oneOf" | "anyOf" | "allOf" => {
                for part in value.as_array_mut().into_iter().flatten() {
                    restrict_body(part, refs);
                }
            }
            _ => {}
        }
    }
}

fn collect_refs(schema: &Value, refs: &mut Vec<String>) {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        refs.push(name.to_owned());
    }
}

/// Gives a free-text string schema the pattern that excludes `controls`.
fn restrict_text(schema: &mut Value, controls: &str) {
    let is_string = match schema.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    let says_more = ["pattern", "format", "enum", "const"]
        .iter()
        .any(|key| schema.get(key).is_some());
    if !is_string || says_more {
        return;
    }
    let required = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) > 0;
    let pattern = if required {
        format!("^[^{controls}]*[^\\s{controls}][^{controls}]*$")
    } else {
        format!("^[^{controls}]*$")
    };
    schema["pattern"] = Value::String(pattern);
}

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
                let has_query =
                    operation.parameters.iter().flatten().any(|p| {
                        matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query)
                    });
                let takes_text = operation.request_body.is_some()
                    || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let takes_json = operation
                    .request_body
                    .as_ref()
                    .is_some_and(|body| body.content.contains_key("application/json"));
                let responses = &mut operation.responses.responses;
                if takes_json {
                    responses
                        .entry("400".into())
                        .or_insert_with(|| error("Malformed JSON").into());
                    responses
                        .entry("415".into())
                        .or_insert_with(|| error("Not `application/json`").into());
                }
                if has_query {
                    responses
                        .entry("400".into())
                        .or_insert_with(|| error("Malformed query string").into());
                }
                // The edge refuses a control character in any text before the handler runs.
                if takes_text {
                    responses.entry("422".into()).or_insert_with(|| {
                        error("A text carries a control character (`fields` names it)").into()
                    });
                }
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
