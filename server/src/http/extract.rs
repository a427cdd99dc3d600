//! Extractors that keep rejections in the API's JSON error shape.

use axum::extract::FromRequest;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// `Json<T>` whose rejections become [`ApiError`]s, and which serialises like `Json` on the way out.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct AppJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
