//! OCOP curation over HTTP, by resource: applications, decisions, certificates and their
//! verification, QR codes, dossier documents and the register export. Each handler parses the
//! request, calls one `app::curation` command and presents its answer.

pub(super) mod applications;
pub(super) mod certificates;
pub(super) mod decisions;
pub(super) mod documents;
pub(super) mod qr;
pub(super) mod register;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::media::documents::MAX_DOCUMENT_BYTES;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/products/{product}/ocop-applications",
            post(applications::create_application),
        )
        .route(
            "/v1/producers/{slug}/ocop-applications",
            get(applications::producer_applications),
        )
        .route(
            "/v1/producers/{slug}/certificate-reminders",
            get(applications::producer_reminders),
        )
        .route("/v1/ocop-applications", get(applications::review_queue))
        .route(
            "/v1/ocop-applications/{id}",
            get(applications::get_application),
        )
        .route(
            "/v1/ocop-applications/{id}/submit",
            post(applications::submit_application),
        )
        .route(
            "/v1/ocop-applications/{id}/withdraw",
            post(applications::withdraw_application),
        )
        .route(
            "/v1/ocop-applications/{id}/review",
            post(applications::start_review),
        )
        .route(
            "/v1/ocop-applications/{id}/decision",
            post(decisions::decide),
        )
        .route(
            "/v1/ocop-applications/{id}/documents",
            // Room for the multipart framing around a maximal document; larger bodies get 413.
            post(documents::upload_document)
                .layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 64 * 1024)),
        )
        .route(
            "/v1/ocop-applications/{id}/documents/{document}",
            get(documents::get_document),
        )
        .route(
            "/v1/ocop-certificates/{id}/revoke",
            post(certificates::revoke_certificate),
        )
        .route("/v1/ocop-certificates.csv", get(register::register_csv))
        .route("/v1/verify/{code}", get(certificates::verify))
        .route("/v1/gi-mismatches", get(certificates::gi_mismatches))
        .route("/v1/curation/dashboard", get(certificates::dashboard))
}

/// QR codes for packaging, beside the verification page they link to.
pub fn qr_router() -> Router<AppState> {
    Router::new()
        .route("/xac-minh/{code}/qr.svg", get(qr::qr_svg))
        .route("/xac-minh/{code}/qr.png", get(qr::qr_png))
}
