//! Services: one command per workflow. A command takes who is asking and typed input, checks
//! access, owns its transaction and audit entry, and returns a typed result or an [`AppError`].
//! The surfaces (JSON API in `http/`, form posts and server functions in `web/`) only parse,
//! call and present; they never call each other. Nothing here knows about HTTP.

pub mod accounts;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod curation;
pub mod gis;
pub mod imports;
pub mod livestreams;
pub mod members;
pub mod notifications;
pub mod notify;
pub mod orders;
pub mod products;
pub mod report;
pub mod reviews;
pub mod sales;
pub mod share;
pub mod spreadsheet;
pub mod workspace;

use std::collections::BTreeMap;

use frontend::api::Shortage;

use crate::domain::FieldErrors;
use crate::domain::account::{Rule, User};

/// Why a command refused or failed. Surfaces map it to a status code or a message on the page.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Per-field messages in Vietnamese, keyed by the API's field names.
    #[error("validation failed")]
    Validation(BTreeMap<String, String>),
    #[error("not signed in")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Some items could not be reserved; nothing was written.
    #[error("không đủ hàng cho một số sản phẩm")]
    OutOfStock(Vec<Shortage>),
    /// Too many failed attempts; try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// A photo refused by its bytes or size.
    #[error(transparent)]
    Upload(crate::media::UploadError),
    /// A dossier document refused by its bytes or size.
    #[error(transparent)]
    Document(crate::media::documents::DocumentError),
    /// The database did not answer in time (503: try again).
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// The one place where the database's refusals become answers: a unique violation that a
/// command did not foresee (two writers racing for the same name) is a 409, not a 500.
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            sqlx::Error::Database(db) if db.constraint() == Some("product_images_at_most_12") => {
                AppError::too_many_photos()
            }
            sqlx::Error::Database(db) if db.is_unique_violation() => AppError::Conflict {
                code: "already_exists",
                message: "đã có một mục như vậy; hãy tải lại trang và thử lại".into(),
            },
            error if crate::db::is_unavailable(&error) => AppError::Unavailable(error.into()),
            other => AppError::Internal(other.into()),
        }
    }
}

/// The media store failing to take or give an object: an S3 server that is down or refusing
/// is the store being unavailable (503, try again), not a bug; a local disk error is ours.
impl From<crate::media::MediaError> for AppError {
    fn from(error: crate::media::MediaError) -> Self {
        match error {
            crate::media::MediaError::S3 { .. } => AppError::Unavailable(error.into()),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Validation(errors.0)
    }
}

impl AppError {
    /// A refusal for one field.
    pub fn field(name: &str, message: impl Into<String>) -> AppError {
        AppError::Validation(BTreeMap::from([(name.to_owned(), message.into())]))
    }

    /// A product already carries [`MAX_PHOTOS_PER_PRODUCT`](crate::domain::catalog::MAX_PHOTOS_PER_PRODUCT) photos.
    pub fn too_many_photos() -> AppError {
        AppError::Conflict {
            code: "too_many_photos",
            message: format!(
                "mỗi sản phẩm có tối đa {} ảnh; hãy xoá bớt ảnh cũ",
                crate::domain::catalog::MAX_PHOTOS_PER_PRODUCT
            ),
        }
    }

    pub fn forbidden() -> AppError {
        AppError::Forbidden("không có quyền thực hiện thao tác này".into())
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The signed-in user if `rule` lets them through: `Unauthorized` for nobody, `Forbidden` for the
/// wrong person — the same answers every surface gives.
pub fn require(user: Option<&User>, rule: Rule) -> AppResult<&User> {
    let user = user.ok_or(AppError::Unauthorized)?;
    if user.allows(rule) {
        Ok(user)
    } else {
        Err(AppError::forbidden())
    }
}

/// Text as people type it: whitespace folded, empty as none, at most `max` characters.
pub fn clean_text(raw: &Option<String>, max: usize) -> Option<String> {
    raw.as_deref()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(max).collect())
}
