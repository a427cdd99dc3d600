//! `GET /media/{*key}`: public objects (product photos) from whichever store is configured.

use axum::Router;
use axum::extract::{FromRef, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::ApiError;
use crate::media::{ObjectKey, SharedMediaStore};

/// Keys are never reused (a replaced photo gets a new id), so browsers and CDNs may keep a copy forever.
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

/// The media route, for any state the store can be taken from (`AppState` in the app, the bare
/// store in tests).
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    SharedMediaStore: FromRef<S>,
{
    Router::new().route("/media/{*key}", get(get_media))
}

/// Serves one public object; anything else, including private documents, is a plain 404.
async fn get_media(
    State(store): State<SharedMediaStore>,
    Path(raw_key): Path<String>,
) -> Result<Response, ApiError> {
    let key = ObjectKey::parse(&raw_key).map_err(|_| ApiError::NotFound)?;
    // Private objects answer exactly like missing ones, so their existence does not leak.
    if !key.is_public() {
        return Err(ApiError::NotFound);
    }
    let object = store
        .get(&key)
        .await
        .map_err(|error| ApiError::Internal(error.into()))?
        .ok_or(ApiError::NotFound)?;
    // The content type comes from the key, never from stored metadata, so nothing in a bucket
    // can make us serve an object as HTML.
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(key.content_type()),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_FOREVER),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    Ok((headers, object.bytes).into_response())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use bytes::Bytes;
    use tower::ServiceExt;
    use uuid::Uuid;

    use super::*;
    use crate::media::LocalDiskStore;
    use crate::media::test_support::ScratchDir;

    async fn get(store: SharedMediaStore, path: &str) -> Response {
        router()
            .with_state(store)
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_stored_photo_is_served_with_its_type_and_cached_forever() {
        let dir = ScratchDir::new();
        let store: SharedMediaStore = Arc::new(LocalDiskStore::new(&dir.0));
        let key = ObjectKey::product_thumb(Uuid::new_v4(), Uuid::new_v4());
        store
            .put(&key, Bytes::from_static(b"jpeg bytes"), "image/jpeg")
            .await
            .unwrap();

        let response = get(store, &format!("/media/{key}")).await;

        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
        assert_eq!(headers[header::CACHE_CONTROL], CACHE_FOREVER);
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        assert_eq!(body, Bytes::from_static(b"jpeg bytes"));
    }

    #[tokio::test]
    async fn unknown_invalid_and_private_keys_are_all_404() {
        let dir = ScratchDir::new();
        let store: SharedMediaStore = Arc::new(LocalDiskStore::new(&dir.0));
        let document = ObjectKey::document(Uuid::new_v4(), Uuid::new_v4(), "pdf").unwrap();
        store
            .put(
                &document,
                Bytes::from_static(b"%PDF-1.7"),
                "application/pdf",
            )
            .await
            .unwrap();
        std::fs::write(dir.0.join("secret.txt"), "not media").unwrap();

        let missing = ObjectKey::product_thumb(Uuid::new_v4(), Uuid::new_v4());
        for (path, why) in [
            (format!("/media/{missing}"), "never stored"),
            (format!("/media/{document}"), "a private document"),
            ("/media/secret.txt".to_owned(), "a file that is not a key"),
            ("/media/../Cargo.toml".to_owned(), "traversal"),
            (
                "/media/%2e%2e/%2e%2e/etc/passwd".to_owned(),
                "encoded traversal",
            ),
            (
                "/media/products%2F..%2F..%2Fsecret.txt".to_owned(),
                "encoded slashes",
            ),
        ] {
            let response = get(store.clone(), &path).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path} ({why})");
            assert!(
                response.headers().get(header::CACHE_CONTROL).is_none(),
                "a 404 must not be cached forever: {path}"
            );
        }
    }
}
