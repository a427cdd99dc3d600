//! The one JSON error shape of the API (`{"error": {"code", "message", "fields"?}}`) and its HTTP mapping.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::media::UploadError;
use crate::media::documents::DocumentError;

/// Every error a handler can return. 5xx variants keep their cause for the log, never for the client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(BTreeMap<String, String>),
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// 409 `out_of_stock`, naming each item that could not be reserved.
    #[error("không đủ hàng cho một số sản phẩm")]
    OutOfStock(Vec<frontend::api::Shortage>),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<&'a [frontend::api::Shortage]>,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } | ApiError::OutOfStock(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation_failed",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::Conflict { code, .. } => code,
            ApiError::OutOfStock(_) => "out_of_stock",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Unavailable(_) => "service_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            ApiError::Internal(cause) => tracing::error!(error = ?cause, "request failed"),
            ApiError::Unavailable(cause) => {
                tracing::warn!(error = ?cause, "dependency unavailable")
            }
            _ => {}
        }
        let message = match &self {
            ApiError::Validation(_) => "Dữ liệu không hợp lệ".to_owned(),
            other => other.to_string(),
        };
        let fields = match &self {
            ApiError::Validation(fields) => Some(fields),
            _ => None,
        };
        let items = match &self {
            ApiError::OutOfStock(items) => Some(items.as_slice()),
            _ => None,
        };
        let body = Json(ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message,
                fields,
                items,
            },
        });
        let mut response = (status, body).into_response();
        if let ApiError::TooManyRequests { retry_after_secs } = self {
            response
                .headers_mut()
                .insert("retry-after", retry_after_secs.into());
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    /// Through the services' mapping, so a database failure answers the same on every surface.
    fn from(error: sqlx::Error) -> Self {
        ApiError::from(crate::app::AppError::from(error))
    }
}

/// Body-parsing failures keep the API's error shape instead of axum's plain-text rejections.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::UnsupportedMediaType("expected Content-Type: application/json".into())
            }
            JsonRejection::JsonDataError(e) => {
                ApiError::Validation(BTreeMap::from([("body".to_owned(), e.body_text())]))
            }
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        ApiError::BadRequest(rejection.body_text())
    }
}

impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::PathRejection) -> Self {
        match rejection {
            axum::extract::rejection::PathRejection::FailedToDeserializePathParams(_) => {
                ApiError::NotFound
            }
            other => ApiError::Internal(anyhow::anyhow!(other.body_text())),
        }
    }
}

/// Answers any unknown `/api/…` path in the API's shape.
pub async fn api_not_found() -> ApiError {
    ApiError::NotFound
}

impl From<crate::search::SearchError> for ApiError {
    fn from(error: crate::search::SearchError) -> Self {
        match error {
            crate::search::SearchError::Database(error) => error.into(),
            // Meilisearch errors never reach here: Postgres answers in its place.
            other => ApiError::Internal(other.into()),
        }
    }
}

/// Services' refusals keep their meaning on the wire.
impl From<crate::app::AppError> for ApiError {
    fn from(error: crate::app::AppError) -> Self {
        use crate::app::AppError;
        match error {
            AppError::Validation(fields) => ApiError::Validation(fields),
            AppError::Unauthorized => ApiError::Unauthorized,
            AppError::Forbidden(message) => ApiError::Forbidden(message),
            AppError::NotFound => ApiError::NotFound,
            AppError::Conflict { code, message } => ApiError::Conflict { code, message },
            AppError::OutOfStock(items) => ApiError::OutOfStock(items),
            AppError::Upload(error) => error.into(),
            AppError::Document(error) => error.into(),
            AppError::TooManyRequests { retry_after_secs } => {
                ApiError::TooManyRequests { retry_after_secs }
            }
            AppError::Unavailable(cause) => ApiError::Unavailable(cause),
            AppError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

/// Upload refusals: too large 413, not an image 415, bad dimensions or bytes 422 on `image`.
impl From<UploadError> for ApiError {
    fn from(error: UploadError) -> ApiError {
        let field = |message: &str| {
            ApiError::Validation(BTreeMap::from([("image".to_owned(), message.to_owned())]))
        };
        match error {
            UploadError::TooLarge => ApiError::PayloadTooLarge,
            UploadError::NotAnImage => {
                ApiError::UnsupportedMediaType("Chỉ nhận ảnh JPEG, PNG hoặc WebP".into())
            }
            UploadError::DimensionsTooLarge => {
                field("Ảnh quá lớn: tối đa 8000×8000 điểm ảnh và 40 megapixel")
            }
            UploadError::Corrupt(_) => field("Không đọc được ảnh: tệp bị hỏng hoặc không đầy đủ"),
            other @ (UploadError::Encode(_) | UploadError::Interrupted(_)) => {
                ApiError::Internal(other.into())
            }
        }
    }
}

/// Dossier document refusals: too large 413, not a PDF, JPEG or PNG 415.
impl From<DocumentError> for ApiError {
    fn from(error: DocumentError) -> ApiError {
        match error {
            DocumentError::TooLarge => ApiError::PayloadTooLarge,
            DocumentError::NotADocument => {
                ApiError::UnsupportedMediaType("Chỉ nhận tệp PDF, JPEG hoặc PNG".into())
            }
        }
    }
}

/// Who-is-asking refusals: 401, 403, or the cause of a failure (a pool timeout stays a 503).
impl From<crate::auth::AuthError> for ApiError {
    fn from(error: crate::auth::AuthError) -> Self {
        use crate::auth::AuthError;
        match error {
            AuthError::Unauthorized => ApiError::Unauthorized,
            AuthError::Forbidden(message) => ApiError::Forbidden(message),
            AuthError::Session(cause) => ApiError::Internal(cause),
            AuthError::Database(error) => error.into(),
        }
    }
}

/// A request refused by the `Requester` extractor answers in the API's shape.
impl IntoResponse for crate::auth::AuthError {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_errors_map_to_the_documented_statuses() {
        let cases = [
            (UploadError::TooLarge, StatusCode::PAYLOAD_TOO_LARGE),
            (UploadError::NotAnImage, StatusCode::UNSUPPORTED_MEDIA_TYPE),
            (
                UploadError::DimensionsTooLarge,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        ];
        for (error, status) in cases {
            assert_eq!(ApiError::from(error).status(), status);
        }
    }

    #[test]
    fn document_errors_map_to_the_documented_statuses() {
        assert_eq!(
            ApiError::from(DocumentError::TooLarge).status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        assert_eq!(
            ApiError::from(DocumentError::NotADocument).status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
    }
}
