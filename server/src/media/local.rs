//! `LocalDiskStore`: objects as files under one folder, for development and single-machine installs.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use tokio::io::AsyncWriteExt;

use super::{MediaError, MediaStore, ObjectKey, StoredObject, check_content_type};

/// Files at `{root}/{key}`. The content type is not stored beside the file: it is decided by the
/// key's extension, which `put` has already checked the caller agrees with.
#[derive(Debug, Clone)]
pub struct LocalDiskStore {
    root: PathBuf,
}

impl LocalDiskStore {
    /// A store over `root`, which must exist (see [`LocalDiskStore::create`]).
    pub fn new(root: impl Into<PathBuf>) -> LocalDiskStore {
        LocalDiskStore { root: root.into() }
    }

    /// Creates `root` if needed, so a fresh checkout can run without preparing folders.
    pub async fn create(root: impl Into<PathBuf>) -> Result<LocalDiskStore, MediaError> {
        let root = root.into();
        tokio::fs::create_dir_all(&root)
            .await
            .map_err(io_error("create folder", &root))?;
        Ok(LocalDiskStore::new(root))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Safe to join: an `ObjectKey` is always relative, without `..` or backslashes.
    fn path_of(&self, key: &ObjectKey) -> PathBuf {
        self.root.join(key.as_str())
    }
}

#[async_trait::async_trait]
impl MediaStore for LocalDiskStore {
    async fn put(
        &self,
        key: &ObjectKey,
        bytes: Bytes,
        content_type: &str,
    ) -> Result<(), MediaError> {
        check_content_type(key, content_type)?;
        let path = self.path_of(key);
        let folder = path.parent().unwrap_or(&self.root);
        tokio::fs::create_dir_all(folder)
            .await
            .map_err(io_error("create folder", folder))?;
        // Write beside the target and rename: readers see the old object or the whole new one,
        // never a half-written file, even if we crash mid-write. The name cannot collide with a
        // key (`ObjectKey::parse` rejects it), so `/media` never serves a temporary file.
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("object");
        let temp = folder.join(format!(".{file_name}.{}.tmp", uuid::Uuid::new_v4()));
        let written = write_synced(&temp, &bytes).await;
        let renamed = match written {
            Ok(()) => tokio::fs::rename(&temp, &path)
                .await
                .map_err(io_error("rename into place", &path)),
            Err(error) => Err(error),
        };
        if renamed.is_err() {
            let _ = tokio::fs::remove_file(&temp).await;
        }
        renamed
    }

    async fn get(&self, key: &ObjectKey) -> Result<Option<StoredObject>, MediaError> {
        let path = self.path_of(key);
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(StoredObject {
                bytes: Bytes::from(bytes),
                content_type: key.content_type().to_owned(),
            })),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(io_error("read", &path)(error)),
        }
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), MediaError> {
        let path = self.path_of(key);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
            Err(error) => Err(io_error("delete", &path)(error)),
        }
    }

    fn backend_name(&self) -> &'static str {
        "local"
    }
}

/// Writes and flushes to disk before the rename, so a power cut cannot leave an empty file
/// under the final name (rename is atomic; the data behind it is only durable once synced).
async fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), MediaError> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(io_error("create", path))?;
    file.write_all(bytes)
        .await
        .map_err(io_error("write", path))?;
    file.sync_all().await.map_err(io_error("sync", path))?;
    Ok(())
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> MediaError {
    let path = path.to_path_buf();
    move |source| MediaError::Io {
        action,
        path,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::test_support::ScratchDir;
    use uuid::Uuid;

    fn photo_key() -> ObjectKey {
        ObjectKey::product_image(Uuid::new_v4(), Uuid::new_v4(), "png").unwrap()
    }

    #[tokio::test]
    async fn a_stored_object_reads_back_with_its_content_type_and_leaves_no_temporary_file() {
        let dir = ScratchDir::new();
        let store = LocalDiskStore::new(&dir.0);
        let key = photo_key();
        store
            .put(&key, Bytes::from_static(b"first"), "image/png")
            .await
            .unwrap();
        store
            .put(&key, Bytes::from_static(b"second"), "image/png")
            .await
            .unwrap();

        let object = store.get(&key).await.unwrap().expect("stored");
        assert_eq!(object.bytes, Bytes::from_static(b"second"));
        assert_eq!(object.content_type, "image/png");
        let folder = dir.0.join(key.as_str()).parent().unwrap().to_path_buf();
        let names: Vec<_> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "only the object itself: {names:?}");
    }

    #[tokio::test]
    async fn a_content_type_that_contradicts_the_key_is_refused() {
        let dir = ScratchDir::new();
        let store = LocalDiskStore::new(&dir.0);
        let error = store
            .put(&photo_key(), Bytes::from_static(b"x"), "text/html")
            .await
            .unwrap_err();
        assert!(
            matches!(error, MediaError::ContentTypeMismatch { .. }),
            "{error}"
        );
    }

    #[tokio::test]
    async fn missing_objects_read_as_none_and_delete_without_error() {
        let dir = ScratchDir::new();
        let store = LocalDiskStore::create(dir.0.join("not-yet")).await.unwrap();
        let key = photo_key();
        assert_eq!(store.get(&key).await.unwrap(), None);
        store.delete(&key).await.unwrap();

        store
            .put(&key, Bytes::from_static(b"x"), "image/png")
            .await
            .unwrap();
        store.delete(&key).await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), None);
    }
}
