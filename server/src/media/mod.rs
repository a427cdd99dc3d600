//! Media (product photos, OCOP dossier documents): a [`MediaStore`] port with local-disk and S3
//! backends, the one key builder, photo upload processing and document checks (`http::media`
//! serves `/media/{*key}`).

pub mod documents;
mod key;
mod local;
mod s3;
pub mod share_card;
mod upload;

use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;

use crate::config::{MediaBackendKind, MediaSettings};

pub use self::s3::S3Store;
pub use key::{InvalidKey, ObjectKey};
pub use local::LocalDiskStore;
pub use upload::{
    MAX_UPLOAD_BYTES, ProcessedImage, UploadError, process_upload, process_upload_off_thread,
};

/// Where objects live. Keys are never reused (a new photo gets a new id), which is what lets
/// `/media` tell browsers to cache forever.
#[async_trait::async_trait]
pub trait MediaStore: Send + Sync + 'static {
    /// Stores `bytes` under `key`, replacing any previous object. `content_type` must be the one
    /// the key's extension implies ([`ObjectKey::content_type`]); a mismatch is a bug and fails.
    async fn put(
        &self,
        key: &ObjectKey,
        bytes: Bytes,
        content_type: &str,
    ) -> Result<(), MediaError>;

    /// The object, or `None` when there is none under `key`.
    async fn get(&self, key: &ObjectKey) -> Result<Option<StoredObject>, MediaError>;

    /// Removes the object; removing one that is not there succeeds.
    async fn delete(&self, key: &ObjectKey) -> Result<(), MediaError>;

    /// `"local"` or `"s3"`, for `/readyz` and logs.
    fn backend_name(&self) -> &'static str;
}

pub type SharedMediaStore = Arc<dyn MediaStore>;

/// An object as read back from a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub bytes: Bytes,
    pub content_type: String,
}

/// A store operation failed. Carries the cause for logs; never shown to clients.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("content type {given:?} does not match key {key} (expected {expected:?})")]
    ContentTypeMismatch {
        key: ObjectKey,
        given: String,
        expected: &'static str,
    },
    #[error("local media store: {action} {path}")]
    Io {
        action: &'static str,
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("S3 media store: {action} {target}")]
    S3 {
        action: &'static str,
        target: String,
        #[source]
        source: ::s3::error::S3Error,
    },
}

/// Both backends accept only the content type the key implies, so what S3 stores as object
/// metadata and what `/media` serves (derived from the key) can never disagree.
fn check_content_type(key: &ObjectKey, given: &str) -> Result<(), MediaError> {
    let expected = key.content_type();
    if given.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(MediaError::ContentTypeMismatch {
            key: key.clone(),
            given: given.to_owned(),
            expected,
        })
    }
}

/// The store the settings ask for. For S3 this checks the credentials and creates the bucket
/// when it is missing, so a misconfigured deployment fails at start-up, not on the first upload.
pub async fn from_settings(settings: &MediaSettings) -> anyhow::Result<SharedMediaStore> {
    match settings.backend {
        MediaBackendKind::Local => {
            let store = LocalDiskStore::create(&settings.local_dir)
                .await
                .with_context(|| {
                    format!(
                        "preparing the media folder {}",
                        settings.local_dir.display()
                    )
                })?;
            Ok(Arc::new(store))
        }
        MediaBackendKind::S3 => {
            let s3 = settings
                .s3
                .as_ref()
                .context("media.backend is \"s3\" but the [media.s3] settings are missing")?;
            let store = S3Store::connect(s3).await.with_context(|| {
                format!("connecting to S3 bucket {:?} at {}", s3.bucket, s3.endpoint)
            })?;
            Ok(Arc::new(store))
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::path::PathBuf;

    /// A scratch folder removed on drop.
    pub(crate) struct ScratchDir(pub PathBuf);

    impl ScratchDir {
        pub(crate) fn new() -> ScratchDir {
            let path =
                std::env::temp_dir().join(format!("cho-ocop-media-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&path).expect("create scratch folder");
            ScratchDir(path)
        }
    }

    impl Drop for ScratchDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
