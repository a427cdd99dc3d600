//! `S3Store`: objects in an S3-protocol bucket (AWS, Garage, MinIO, s3s-fs) through rust-s3.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, header};
use s3::Bucket;
use s3::BucketConfiguration;
use s3::creds::Credentials;
use s3::error::S3Error;
use s3::region::Region;
use secrecy::ExposeSecret;

use super::{MediaError, MediaStore, ObjectKey, StoredObject, check_content_type};
use crate::config::S3Settings;

/// Keys are never reused, so a CDN or browser may keep an object forever. Stored as object
/// metadata too, for when the bucket is later served directly instead of through `/media`.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One bucket. Cloning the inner client is cheap; the store itself is shared behind an `Arc`.
pub struct S3Store {
    bucket: Box<Bucket>,
}

impl S3Store {
    /// A client for the bucket; makes no request, so it works before the bucket exists.
    pub fn new(settings: &S3Settings) -> Result<S3Store, MediaError> {
        let (region, credentials) = endpoint(settings)?;
        let bucket = Bucket::new(&settings.bucket, region, credentials)
            .map_err(s3_error("configure bucket", &settings.bucket))?;
        let bucket = if settings.path_style {
            bucket.with_path_style()
        } else {
            bucket
        };
        Ok(S3Store { bucket })
    }

    /// [`S3Store::new`], then creates the bucket if it is missing. This is also the start-up
    /// check of the endpoint and credentials: a wrong secret fails here.
    pub async fn connect(settings: &S3Settings) -> Result<S3Store, MediaError> {
        let store = S3Store::new(settings)?;
        store.ensure_bucket(settings).await?;
        Ok(store)
    }

    /// Creates the bucket, treating "409 already exists" as success. We don't ask first with
    /// `Bucket::exists()`: it lists all buckets and fails against s3s-fs (no `Owner` field).
    async fn ensure_bucket(&self, settings: &S3Settings) -> Result<(), MediaError> {
        let (region, credentials) = endpoint(settings)?;
        let name = settings.bucket.as_str();
        let config = BucketConfiguration::default();
        let created = if settings.path_style {
            Bucket::create_with_path_style(name, region, credentials, config).await
        } else {
            Bucket::create(name, region, credentials, config).await
        };
        match created {
            Ok(_) => {
                tracing::info!(bucket = name, "created media bucket");
                Ok(())
            }
            Err(S3Error::HttpFailWithBody(409, _)) => Ok(()),
            // Keys scoped to one bucket (common with Garage and AWS IAM) may not create buckets
            // at all. If the bucket answers a listing, it is there and usable: carry on.
            Err(create_error) => match self
                .bucket
                .list_page(String::new(), None, None, None, Some(1))
                .await
            {
                Ok(_) => Ok(()),
                Err(_) => Err(s3_error("create bucket", name)(create_error)),
            },
        }
    }
}

#[async_trait::async_trait]
impl MediaStore for S3Store {
    async fn put(
        &self,
        key: &ObjectKey,
        bytes: Bytes,
        content_type: &str,
    ) -> Result<(), MediaError> {
        check_content_type(key, content_type)?;
        let mut headers = HeaderMap::new();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
        self.bucket
            .put_object_with_content_type_and_headers(
                key.as_str(),
                &bytes,
                content_type,
                Some(headers),
            )
            .await
            .map_err(s3_error("put", key.as_str()))?;
        Ok(())
    }

    async fn get(&self, key: &ObjectKey) -> Result<Option<StoredObject>, MediaError> {
        match self.bucket.get_object(key.as_str()).await {
            Ok(response) => {
                let content_type = response
                    .headers()
                    .get("content-type")
                    .cloned()
                    .unwrap_or_else(|| key.content_type().to_owned());
                Ok(Some(StoredObject {
                    bytes: response.into_bytes(),
                    content_type,
                }))
            }
            Err(S3Error::HttpFailWithBody(404, _)) => Ok(None),
            Err(error) => Err(s3_error("get", key.as_str())(error)),
        }
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), MediaError> {
        match self.bucket.delete_object(key.as_str()).await {
            // S3 answers 204 for a missing key; some servers say 404. Both mean "gone".
            Ok(_) | Err(S3Error::HttpFailWithBody(404, _)) => Ok(()),
            Err(error) => Err(s3_error("delete", key.as_str())(error)),
        }
    }

    fn backend_name(&self) -> &'static str {
        "s3"
    }
}

/// A custom region always: self-hosted servers need their endpoint, and AWS accepts one too.
fn endpoint(settings: &S3Settings) -> Result<(Region, Credentials), MediaError> {
    let region = Region::Custom {
        region: settings.region.clone(),
        endpoint: settings.endpoint.trim_end_matches('/').to_owned(),
    };
    let credentials = Credentials::new(
        Some(settings.access_key.expose_secret()),
        Some(settings.secret_key.expose_secret()),
        None,
        None,
        None,
    )
    .map_err(|e| s3_error("read credentials", &settings.bucket)(e.into()))?;
    Ok((region, credentials))
}

fn s3_error(action: &'static str, target: &str) -> impl FnOnce(S3Error) -> MediaError {
    let target = target.to_owned();
    move |source| MediaError::S3 {
        action,
        target,
        source,
    }
}
