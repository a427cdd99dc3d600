//! The media store against real backends: a folder on disk and an S3-protocol server (s3s-fs).

use std::io::Cursor;
use std::path::PathBuf;

use bytes::Bytes;
use secrecy::SecretString;
use server::config::{MediaBackendKind, MediaSettings};
use server::media::{
    LocalDiskStore, MediaStore, ObjectKey, S3Store, StoredObject, from_settings,
    process_upload_off_thread,
};
use tests::S3Server;
use uuid::Uuid;

/// A scratch folder removed on drop.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> ScratchDir {
        let path = std::env::temp_dir().join(format!("cho-ocop-media-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("create scratch folder");
        ScratchDir(path)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn media_settings(
    backend: MediaBackendKind,
    local_dir: PathBuf,
    s3: Option<server::config::S3Settings>,
) -> MediaSettings {
    MediaSettings {
        backend,
        local_dir,
        public_base_url: "/media".into(),
        s3,
    }
}

/// What every backend must do: store, read back, replace, delete, and shrug at missing keys.
async fn assert_round_trip(store: &dyn MediaStore) {
    let key = ObjectKey::product_image(Uuid::new_v4(), Uuid::new_v4(), "jpg").unwrap();
    assert_eq!(store.get(&key).await.unwrap(), None, "nothing there yet");

    store
        .put(&key, Bytes::from_static(b"first version"), "image/jpeg")
        .await
        .unwrap();
    store
        .put(&key, Bytes::from_static(b"second version"), "image/jpeg")
        .await
        .unwrap();
    assert_eq!(
        store.get(&key).await.unwrap(),
        Some(StoredObject {
            bytes: Bytes::from_static(b"second version"),
            content_type: "image/jpeg".into(),
        })
    );

    store.delete(&key).await.unwrap();
    assert_eq!(store.get(&key).await.unwrap(), None, "gone after delete");
    store
        .delete(&key)
        .await
        .expect("deleting a missing key succeeds");
}

#[tokio::test]
async fn the_local_disk_store_keeps_replaces_and_deletes_objects() {
    let dir = ScratchDir::new();
    let store = LocalDiskStore::create(dir.0.join("media")).await.unwrap();
    assert_eq!(store.backend_name(), "local");
    assert_round_trip(&store).await;
}

#[tokio::test]
async fn the_s3_store_keeps_replaces_and_deletes_objects_on_a_real_s3_server() {
    let s3 = S3Server::start().await;
    let store = S3Store::connect(&s3.settings("photos")).await.unwrap();
    assert_eq!(store.backend_name(), "s3");
    assert_round_trip(&store).await;

    // The bytes really live on the server: s3s-fs keeps `bucket/key` as a file.
    let key = ObjectKey::product_thumb(Uuid::new_v4(), Uuid::new_v4());
    store
        .put(&key, Bytes::from_static(b"thumb"), "image/jpeg")
        .await
        .unwrap();
    let on_disk = std::fs::read(s3.root.join("photos").join(key.as_str())).unwrap();
    assert_eq!(on_disk, b"thumb");
}

#[tokio::test]
async fn the_s3_server_rejects_a_wrong_secret_key() {
    let s3 = S3Server::start().await;
    S3Store::connect(&s3.settings("photos")).await.unwrap();
    let mut wrong = s3.settings("photos");
    wrong.secret_key = SecretString::from("not-the-secret".to_owned());

    let error = S3Store::connect(&wrong)
        .await
        .err()
        .expect("start-up fails with a wrong secret");
    assert!(format!("{error:?}").contains("403"), "{error:?}");

    // Even past start-up, nothing is written or read with it.
    let store = S3Store::new(&wrong).unwrap();
    let key = ObjectKey::product_thumb(Uuid::new_v4(), Uuid::new_v4());
    assert!(
        store
            .put(&key, Bytes::from_static(b"x"), "image/jpeg")
            .await
            .is_err()
    );
    assert!(store.get(&key).await.is_err());
    assert!(!s3.root.join("photos").join(key.as_str()).exists());
}

#[tokio::test]
async fn from_settings_creates_the_s3_bucket_when_missing_and_accepts_it_when_present() {
    let s3 = S3Server::start().await;
    let settings = media_settings(
        MediaBackendKind::S3,
        PathBuf::from("unused"),
        Some(s3.settings("cho-ocop-media")),
    );
    assert!(!s3.root.join("cho-ocop-media").exists());

    let store = from_settings(&settings).await.unwrap();
    assert_eq!(store.backend_name(), "s3");
    assert!(s3.root.join("cho-ocop-media").is_dir(), "bucket created");

    // A restart finds the bucket there (s3s-fs answers 409) and carries on.
    let again = from_settings(&settings).await.unwrap();
    assert_round_trip(again.as_ref()).await;
}

#[tokio::test]
async fn from_settings_without_s3_settings_says_what_is_missing() {
    let settings = media_settings(MediaBackendKind::S3, PathBuf::from("unused"), None);
    let error = from_settings(&settings).await.err().expect("refused");
    assert!(error.to_string().contains("[media.s3]"), "{error}");
}

#[tokio::test]
async fn from_settings_creates_the_local_media_folder() {
    let dir = ScratchDir::new();
    let folder = dir.0.join("deep").join("media");
    let store = from_settings(&media_settings(
        MediaBackendKind::Local,
        folder.clone(),
        None,
    ))
    .await
    .unwrap();
    assert_eq!(store.backend_name(), "local");
    assert!(folder.is_dir());
}

#[tokio::test]
async fn a_processed_camera_photo_and_its_thumbnail_come_back_from_s3_unchanged() {
    let s3 = S3Server::start().await;
    let store = S3Store::connect(&s3.settings("photos")).await.unwrap();
    let photo = image::RgbImage::from_fn(2400, 1600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut upload = Vec::new();
    photo
        .write_to(&mut Cursor::new(&mut upload), image::ImageFormat::Jpeg)
        .unwrap();

    let processed = process_upload_off_thread(Bytes::from(upload))
        .await
        .unwrap();
    assert_eq!((processed.width, processed.height), (2000, 1333));
    let (product, image_id) = (Uuid::new_v4(), Uuid::new_v4());
    let key = ObjectKey::product_image(product, image_id, processed.extension).unwrap();
    let thumb_key = ObjectKey::product_thumb(product, image_id);
    store
        .put(&key, processed.bytes.clone(), processed.content_type)
        .await
        .unwrap();
    store
        .put(&thumb_key, processed.thumbnail.clone(), "image/jpeg")
        .await
        .unwrap();

    let stored = store.get(&key).await.unwrap().expect("photo stored");
    assert_eq!(stored.bytes, processed.bytes);
    assert_eq!(stored.content_type, "image/jpeg");
    let thumb = store
        .get(&thumb_key)
        .await
        .unwrap()
        .expect("thumbnail stored");
    assert_eq!(thumb.bytes, processed.thumbnail);
    let decoded = image::load_from_memory(&thumb.bytes).unwrap();
    assert_eq!(decoded.width(), 400);
}
