//! `ObjectKey`: the one place that builds and accepts media object keys, so a key read from a URL
//! can never name anything but an object we could have written.

use std::fmt;

use uuid::Uuid;

/// A validated object key such as `products/{product_id}/{image_id}.jpg`.
///
/// Only the constructors below and [`ObjectKey::parse`] make one, so every key is relative,
/// has no `..`, `\` or empty segment, and ends in an extension we know the content type of.
/// Backends may therefore join it onto a folder or bucket without further checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectKey(String);

/// The key (or extension) is not one of the shapes we write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a media object key: {0:?}")]
pub struct InvalidKey(String);

const PRODUCTS: &str = "products";
const DOCUMENTS: &str = "documents";
const THUMB_SUFFIX: &str = "-thumb";
/// Thumbnails are always JPEG (see `upload::make_thumbnail`), so their key needs no extension argument.
const THUMB_EXTENSION: &str = "jpg";

/// Extensions a product photo may have, with the content type each is served as.
const IMAGE_TYPES: &[(&str, &str)] = &[
    ("jpg", "image/jpeg"),
    ("png", "image/png"),
    ("webp", "image/webp"),
];

/// OCOP application documents: scanned certificates and licences arrive as PDFs or photos.
const DOCUMENT_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("jpg", "image/jpeg"),
    ("png", "image/png"),
];

impl ObjectKey {
    /// A product photo: `products/{product_id}/{image_id}.{ext}` (`ext`: jpg, png or webp).
    pub fn product_image(
        product_id: Uuid,
        image_id: Uuid,
        ext: &str,
    ) -> Result<ObjectKey, InvalidKey> {
        let ext = known_extension(IMAGE_TYPES, ext)?;
        Ok(ObjectKey(format!(
            "{PRODUCTS}/{product_id}/{image_id}.{ext}"
        )))
    }

    /// The thumbnail of a product photo: `products/{product_id}/{image_id}-thumb.jpg`.
    pub fn product_thumb(product_id: Uuid, image_id: Uuid) -> ObjectKey {
        ObjectKey(format!(
            "{PRODUCTS}/{product_id}/{image_id}{THUMB_SUFFIX}.{THUMB_EXTENSION}"
        ))
    }

    /// A document attached to an OCOP application: `documents/{application_id}/{document_id}.{ext}`
    /// (`ext`: pdf, jpg or png). Documents are private: see [`ObjectKey::is_public`].
    pub fn document(
        application_id: Uuid,
        document_id: Uuid,
        ext: &str,
    ) -> Result<ObjectKey, InvalidKey> {
        let ext = known_extension(DOCUMENT_TYPES, ext)?;
        Ok(ObjectKey(format!(
            "{DOCUMENTS}/{application_id}/{document_id}.{ext}"
        )))
    }

    /// Accepts exactly the shapes the constructors build, with UUIDs in their canonical lowercase,
    /// hyphenated form (so one object has one key, and a URL cannot alias it).
    pub fn parse(raw: &str) -> Result<ObjectKey, InvalidKey> {
        let invalid = || InvalidKey(raw.to_owned());
        let mut segments = raw.split('/');
        let (Some(area), Some(owner), Some(file), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(invalid());
        };
        let owner = canonical_uuid(owner).ok_or_else(invalid)?;
        let (stem, ext) = file.rsplit_once('.').ok_or_else(invalid)?;
        match area {
            PRODUCTS => {
                if let Some(image) = stem.strip_suffix(THUMB_SUFFIX) {
                    let image = canonical_uuid(image).ok_or_else(invalid)?;
                    if ext != THUMB_EXTENSION {
                        return Err(invalid());
                    }
                    Ok(ObjectKey::product_thumb(owner, image))
                } else {
                    let image = canonical_uuid(stem).ok_or_else(invalid)?;
                    ObjectKey::product_image(owner, image, ext).map_err(|_| invalid())
                }
            }
            DOCUMENTS => {
                let document = canonical_uuid(stem).ok_or_else(invalid)?;
                ObjectKey::document(owner, document, ext).map_err(|_| invalid())
            }
            _ => Err(invalid()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The content type the object is stored and served with, decided by its extension.
    pub fn content_type(&self) -> &'static str {
        let ext = self.0.rsplit_once('.').map_or("", |(_, ext)| ext);
        // Both tables agree where they overlap (jpg, png), so one lookup over both is enough.
        IMAGE_TYPES
            .iter()
            .chain(DOCUMENT_TYPES)
            .find(|(known, _)| *known == ext)
            .map_or("application/octet-stream", |(_, content_type)| content_type)
    }

    /// Whether anyone may fetch the object through `/media`. Product photos are public; OCOP
    /// application documents (licences, IDs) are not and must go through an authorised route.
    pub fn is_public(&self) -> bool {
        self.0.starts_with(PRODUCTS)
    }
}

impl AsRef<str> for ObjectKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn known_extension(table: &[(&'static str, &str)], ext: &str) -> Result<&'static str, InvalidKey> {
    table
        .iter()
        .find(|(known, _)| *known == ext)
        .map(|(known, _)| *known)
        .ok_or_else(|| InvalidKey(format!("extension {ext:?}")))
}

fn canonical_uuid(raw: &str) -> Option<Uuid> {
    let id = Uuid::try_parse(raw).ok()?;
    (id.hyphenated().to_string() == raw).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRODUCT: &str = "0b6f5a52-8f3e-4c1a-9d55-0d6c3c2f7a10";
    const IMAGE: &str = "5c0e9a77-2d4b-4e8f-a1c3-7b9d2e4f6a81";

    #[test]
    fn constructors_build_the_documented_shapes() {
        let product: Uuid = PRODUCT.parse().unwrap();
        let image: Uuid = IMAGE.parse().unwrap();
        assert_eq!(
            ObjectKey::product_image(product, image, "png")
                .unwrap()
                .as_str(),
            format!("products/{PRODUCT}/{IMAGE}.png")
        );
        assert_eq!(
            ObjectKey::product_thumb(product, image).as_str(),
            format!("products/{PRODUCT}/{IMAGE}-thumb.jpg")
        );
        assert_eq!(
            ObjectKey::document(product, image, "pdf").unwrap().as_str(),
            format!("documents/{PRODUCT}/{IMAGE}.pdf")
        );
        assert!(ObjectKey::product_image(product, image, "gif").is_err());
        assert!(ObjectKey::product_image(product, image, "../x").is_err());
        assert!(ObjectKey::document(product, image, "exe").is_err());
    }

    #[test]
    fn parse_accepts_exactly_the_shapes_we_write() {
        let accepted = [
            (
                format!("products/{PRODUCT}/{IMAGE}.jpg"),
                "image/jpeg",
                true,
            ),
            (format!("products/{PRODUCT}/{IMAGE}.png"), "image/png", true),
            (
                format!("products/{PRODUCT}/{IMAGE}.webp"),
                "image/webp",
                true,
            ),
            (
                format!("products/{PRODUCT}/{IMAGE}-thumb.jpg"),
                "image/jpeg",
                true,
            ),
            (
                format!("documents/{PRODUCT}/{IMAGE}.pdf"),
                "application/pdf",
                false,
            ),
            (
                format!("documents/{PRODUCT}/{IMAGE}.jpg"),
                "image/jpeg",
                false,
            ),
        ];
        for (raw, content_type, public) in accepted {
            let key = ObjectKey::parse(&raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(key.as_str(), raw);
            assert_eq!(key.content_type(), content_type, "{raw}");
            assert_eq!(key.is_public(), public, "{raw}");
        }

        let upper = IMAGE.to_uppercase();
        let simple = IMAGE.replace('-', "");
        let rejected = [
            (String::new(), "empty"),
            (format!("/products/{PRODUCT}/{IMAGE}.jpg"), "leading slash"),
            (
                format!("products/{PRODUCT}/../{IMAGE}.jpg"),
                "dot-dot segment",
            ),
            (
                format!("products/../{PRODUCT}/{IMAGE}.jpg"),
                "dot-dot instead of an id",
            ),
            (format!("products/{PRODUCT}/..jpg"), "dot-dot file name"),
            (format!("products\\{PRODUCT}\\{IMAGE}.jpg"), "backslashes"),
            (
                format!("products/{PRODUCT}\\..\\{IMAGE}.jpg"),
                "backslash traversal",
            ),
            (format!("products//{IMAGE}.jpg"), "empty segment"),
            (format!("products/{PRODUCT}/{IMAGE}.jpg/"), "trailing slash"),
            (format!("products/{PRODUCT}/x/{IMAGE}.jpg"), "extra segment"),
            (format!("products/{IMAGE}.jpg"), "missing owner"),
            (
                format!("products/{PRODUCT}/{IMAGE}.gif"),
                "unknown extension",
            ),
            (
                format!("products/{PRODUCT}/{IMAGE}.JPG"),
                "uppercase extension",
            ),
            (format!("products/{PRODUCT}/{IMAGE}"), "no extension"),
            (
                format!("products/{PRODUCT}/{IMAGE}.pdf"),
                "document extension on a photo",
            ),
            (
                format!("products/{PRODUCT}/{IMAGE}-thumb.png"),
                "thumbnail that is not JPEG",
            ),
            (format!("products/{PRODUCT}/{upper}.jpg"), "uppercase id"),
            (
                format!("products/{PRODUCT}/{simple}.jpg"),
                "unhyphenated id",
            ),
            (format!("products/{PRODUCT}/{{{IMAGE}}}.jpg"), "braced id"),
            (format!("products/{PRODUCT}/photo.jpg"), "not an id"),
            (
                format!("products/{PRODUCT}/.{IMAGE}.jpg.tmp"),
                "a temporary file",
            ),
            (
                format!("documents/{PRODUCT}/{IMAGE}-thumb.jpg"),
                "documents have no thumbnails",
            ),
            (
                format!("documents/{PRODUCT}/{IMAGE}.webp"),
                "unknown document extension",
            ),
            (format!("avatars/{PRODUCT}/{IMAGE}.jpg"), "unknown area"),
            (
                format!("products/{PRODUCT}/{IMAGE}.jpg%00"),
                "trailing junk",
            ),
        ];
        for (raw, why) in rejected {
            assert!(ObjectKey::parse(&raw).is_err(), "accepted {raw:?} ({why})");
        }
    }
}
