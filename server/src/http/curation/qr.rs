//! A certificate's QR code for packaging, as SVG (for print) or PNG (for label software that
//! takes bitmaps); it links to the verification page.

use std::io::Cursor;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::app;
use crate::http::error::ApiError;
use crate::http::extract::AppPath;
use crate::http::schemas::ErrorBody;
use crate::state::AppState;

/// The code never changes for a certificate, only its status does (and that lives on the page).
const QR_CACHE: &str = "public, max-age=86400";

/// A certificate's QR code as SVG (scales for print).
#[utoipa::path(
    get,
    path = "/xac-minh/{code}/qr.svg",
    tag = "ocop",
    params(("code" = String, Path, description = "The certificate's verification code")),
    responses(
        (status = 200, description = "QR code linking to the verification page", content_type = "image/svg+xml", body = String),
        (status = 404, description = "No certificate has this code (a code no certificate could have gets the site's HTML not-found page)", content(
            (ErrorBody = "application/json"),
            (String = "text/html"),
        )),
    ),
)]
pub(super) async fn qr_svg(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
) -> Result<Response, ApiError> {
    let qr = app::curation::qr_code(&state, &code).await?;
    let svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(QR_CACHE)),
        ],
        svg,
    )
        .into_response())
}

/// A certificate's QR code as PNG (for label software that takes bitmaps).
#[utoipa::path(
    get,
    path = "/xac-minh/{code}/qr.png",
    tag = "ocop",
    params(("code" = String, Path, description = "The certificate's verification code")),
    responses(
        (status = 200, description = "QR code linking to the verification page", content_type = "image/png", body = Vec<u8>),
        (status = 404, description = "No certificate has this code (a code no certificate could have gets the site's HTML not-found page)", content(
            (ErrorBody = "application/json"),
            (String = "text/html"),
        )),
    ),
)]
pub(super) async fn qr_png(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
) -> Result<Response, ApiError> {
    let qr = app::curation::qr_code(&state, &code).await?;
    let image = qr
        .render::<image::Luma<u8>>()
        .min_dimensions(512, 512)
        .quiet_zone(true)
        .build();
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
            (header::CACHE_CONTROL, HeaderValue::from_static(QR_CACHE)),
        ],
        png,
    )
        .into_response())
}
