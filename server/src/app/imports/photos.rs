//! Photos that come with a product list, in a ZIP named by SKU: `TC-001.jpg` is a product's
//! first photo, `TC-001-2.jpg` its second. Each goes through the same checks as a single upload
//! (its bytes, at most 10 MB, 8000 px a side), is re-encoded without metadata and thumbnailed.
//! A photo already imported under the same file name is not added again.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use bytes::Bytes;
use frontend::api::{PhotoError, PhotoReport};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::app::{AppError, AppResult};
use crate::db;
use crate::db::products::NewImage;
use crate::domain::import::Sku;
use crate::media::{self, MAX_UPLOAD_BYTES, ObjectKey, ProcessedImage, UploadError};
use crate::state::AppState;

/// More photos than this in one ZIP is not a product list's.
const MAX_PHOTOS: usize = 1000;

/// A photo that passed the checks, waiting to be stored.
pub(super) struct CheckedPhoto {
    file: String,
    sku: Sku,
    /// 1 for `SKU.jpg`, 2 for `SKU-2.jpg`…
    number: u32,
    image: ProcessedImage,
}

/// What the checks found.
pub(super) struct CheckedPhotos {
    pub photos: Vec<CheckedPhoto>,
    pub errors: Vec<PhotoError>,
}

fn photo_error(file: &str, message: impl Into<String>) -> PhotoError {
    PhotoError {
        file: file.to_owned(),
        message: message.into(),
    }
}

/// Why a photo was refused, in the words the single upload form uses.
fn upload_message(error: &UploadError) -> &'static str {
    match error {
        UploadError::TooLarge => "ảnh lớn hơn 10 MB",
        UploadError::NotAnImage => "tệp không phải ảnh JPEG, PNG hay WebP",
        UploadError::DimensionsTooLarge => "ảnh quá lớn: tối đa 8000×8000 điểm ảnh và 40 megapixel",
        _ => "không đọc được ảnh: tệp bị hỏng hoặc không đầy đủ",
    }
}

/// `TC-001-2.jpg` → (`TC-001`, 2), trying the whole stem as a code first (a code may itself
/// end in `-2`).
fn sku_of(stem: &str, known: &(dyn Fn(&Sku) -> bool + Sync)) -> Option<(Sku, u32)> {
    if let Ok(sku) = Sku::parse(stem)
        && known(&sku)
    {
        return Some((sku, 1));
    }
    let (head, number) = stem.rsplit_once('-')?;
    let number: u32 = number.parse().ok().filter(|n| (2..=99).contains(n))?;
    let sku = Sku::parse(head).ok().filter(|s| known(s))?;
    Some((sku, number))
}

/// Opens the ZIP and checks each photo in it; `known` says whether a code names a product (of
/// this file or already stored).
pub(super) async fn check(
    zip: Bytes,
    known: &(dyn Fn(&Sku) -> bool + Sync),
) -> AppResult<CheckedPhotos> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).map_err(|_| {
        AppError::field(
            "photos",
            "tệp ảnh phải là một tệp .zip đọc được (nén các ảnh đặt tên theo mã sản phẩm)",
        )
    })?;
    let mut photos = Vec::new();
    let mut errors = Vec::new();
    for index in 0..archive.len() {
        let mut entry = match archive.by_index(index) {
            Ok(entry) => entry,
            Err(_) => {
                errors.push(photo_error(
                    &format!("#{}", index + 1),
                    "không giải nén được",
                ));
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let Ok(path) = entry.name().map(|n| n.replace('\\', "/")) else {
            errors.push(photo_error(
                &format!("#{}", index + 1),
                "tên tệp không đọc được",
            ));
            continue;
        };
        let file = path.rsplit('/').next().unwrap_or(&path).to_owned();
        // Finder's and Windows's leftovers are not photos anyone meant to send.
        if path.starts_with("__MACOSX/")
            || file.starts_with('.')
            || file.eq_ignore_ascii_case("thumbs.db")
        {
            continue;
        }
        if photos.len() + errors.len() >= MAX_PHOTOS {
            errors.push(photo_error(&file, "quá 1.000 ảnh trong một tệp .zip"));
            break;
        }
        let Some((stem, ext)) = file.rsplit_once('.') else {
            errors.push(photo_error(
                &file,
                "tên ảnh phải là mã sản phẩm, ví dụ TC-001.jpg",
            ));
            continue;
        };
        if !["jpg", "jpeg", "png", "webp"].contains(&ext.to_ascii_lowercase().as_str()) {
            errors.push(photo_error(&file, "chỉ nhận ảnh .jpg, .png hoặc .webp"));
            continue;
        }
        let Some((sku, number)) = sku_of(stem, known) else {
            errors.push(photo_error(
                &file,
                format!("không có sản phẩm mã {stem} trong tệp hay trong danh sách của cơ sở"),
            ));
            continue;
        };
        // Read at most one byte past the limit: a ZIP may claim any size.
        let mut bytes = Vec::new();
        let limit = MAX_UPLOAD_BYTES as u64 + 1;
        if (&mut entry).take(limit).read_to_end(&mut bytes).is_err() {
            errors.push(photo_error(&file, "không giải nén được"));
            continue;
        }
        match media::process_upload_off_thread(Bytes::from(bytes)).await {
            Ok(image) => photos.push(CheckedPhoto {
                file: file.to_ascii_lowercase(),
                sku,
                number,
                image,
            }),
            Err(error @ (UploadError::Encode(_) | UploadError::Interrupted(_))) => {
                return Err(AppError::Internal(error.into()));
            }
            Err(error) => errors.push(photo_error(&file, upload_message(&error))),
        }
    }
    photos.sort_by(|a, b| (&a.sku, a.number).cmp(&(&b.sku, b.number)));
    Ok(CheckedPhotos { photos, errors })
}

/// Stores the checked photos of products now in `tx` and adds their rows there. Returns the
/// report and the object keys written (to remove if the transaction does not commit).
pub(super) async fn store(
    state: &AppState,
    tx: &mut PgConnection,
    producer: Uuid,
    checked: CheckedPhotos,
) -> AppResult<(PhotoReport, Vec<ObjectKey>)> {
    let mut report = PhotoReport {
        found: checked.photos.len() as u64,
        errors: checked.errors,
        ..PhotoReport::default()
    };
    let skus: Vec<String> = checked
        .photos
        .iter()
        .map(|p| p.sku.as_str().to_owned())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let ids: HashMap<String, Uuid> = db::imports::by_skus(tx, producer, &skus, false)
        .await?
        .into_iter()
        .map(|p| (p.sku, p.id))
        .collect();
    let names: Vec<String> = checked.photos.iter().map(|p| p.file.clone()).collect();
    let already: HashSet<(Uuid, String)> = db::imports::imported_photos(tx, producer, &names)
        .await?
        .into_iter()
        .collect();
    let mut keys = Vec::new();
    for photo in checked.photos {
        let Some(&product) = ids.get(photo.sku.as_str()) else {
            report.errors.push(photo_error(
                &photo.file,
                "sản phẩm của ảnh này không được nhập",
            ));
            continue;
        };
        if already.contains(&(product, photo.file.clone())) {
            report.unchanged += 1;
            continue;
        }
        let image_id = Uuid::new_v4();
        let image = &photo.image;
        let key = ObjectKey::product_image(product, image_id, image.extension)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e:?}")))?;
        let thumb = ObjectKey::product_thumb(product, image_id);
        state
            .media
            .put(&key, image.bytes.clone(), image.content_type)
            .await
            .map_err(AppError::from)?;
        keys.push(key.clone());
        state
            .media
            .put(&thumb, image.thumbnail.clone(), thumb.content_type())
            .await
            .map_err(AppError::from)?;
        keys.push(thumb.clone());
        db::imports::insert_imported_photo(
            tx,
            &NewImage {
                id: image_id,
                product_id: product,
                object_key: key.as_str(),
                thumb_key: thumb.as_str(),
                content_type: image.content_type,
                width: image.width as i32,
                height: image.height as i32,
                byte_size: image.bytes.len() as i32,
                alt: "",
            },
            &photo.file,
        )
        .await?;
        report.added += 1;
    }
    Ok((report, keys))
}

/// Removes objects whose rows were never committed.
pub(super) async fn forget(state: &AppState, keys: &[ObjectKey]) {
    for key in keys {
        if let Err(error) = state.media.delete(key).await {
            tracing::warn!(%error, key = key.as_str(), "could not remove an imported photo");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_names_give_the_code_and_the_place() {
        let known = |s: &Sku| ["TC-001", "TC-2"].contains(&s.as_str());
        assert_eq!(
            sku_of("TC-001", &known).map(|(s, n)| (s.to_string(), n)),
            Some(("TC-001".into(), 1))
        );
        assert_eq!(
            sku_of("tc-001-3", &known).map(|(s, n)| (s.to_string(), n)),
            Some(("TC-001".into(), 3))
        );
        // A code ending in a number is the product itself, not a second photo of "TC".
        assert_eq!(
            sku_of("TC-2", &known).map(|(s, n)| (s.to_string(), n)),
            Some(("TC-2".into(), 1))
        );
        assert_eq!(sku_of("XX-9", &known), None);
    }
}
