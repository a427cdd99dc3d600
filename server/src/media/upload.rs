//! Turns an uploaded photo into what we store: checked by content (never by the client's claims),
//! bounded against decompression bombs, re-encoded without metadata, downscaled, and thumbnailed.

use std::io::Cursor;
use std::sync::{Arc, LazyLock};

use bytes::Bytes;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::error::ImageError;
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits,
    RgbImage,
};
use tokio::sync::Semaphore;

/// Largest upload we read at all (phone photos are 2–8 MB).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Per side. Checked from the header, before any pixel is decoded.
const MAX_SIDE: u32 = 8000;
/// 40 megapixels: above any phone camera, and at most 160 MB decoded as RGBA.
const MAX_PIXELS: u64 = 40_000_000;
/// Ceiling on what a decoder may allocate, as a second line behind the dimension checks.
const MAX_DECODER_ALLOC: u64 = 256 * 1024 * 1024;
/// The stored photo fits in this square: enough for a zoomed product page, far smaller than
/// camera originals.
const MAX_STORED_SIDE: u32 = 2000;
/// Thumbnails for product cards: this wide, and at most twice as tall for very tall photos.
const THUMB_WIDTH: u32 = 400;
const THUMB_MAX_HEIGHT: u32 = 2 * THUMB_WIDTH;
const JPEG_QUALITY: u8 = 85;

/// An upload we can store: the re-encoded photo and its JPEG thumbnail.
#[derive(Debug, Clone)]
pub struct ProcessedImage {
    pub width: u32,
    pub height: u32,
    /// `image/jpeg` or `image/png`, matching `extension`.
    pub content_type: &'static str,
    /// `jpg` or `png`: pass to [`super::ObjectKey::product_image`].
    pub extension: &'static str,
    pub bytes: Bytes,
    pub thumbnail: Bytes,
    pub thumbnail_width: u32,
    pub thumbnail_height: u32,
}

/// Why an upload was refused; the surfaces pick the status (`http::error`).
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than {MAX_UPLOAD_BYTES} bytes")]
    TooLarge,
    #[error("the file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the image is larger than {MAX_SIDE}×{MAX_SIDE} pixels or {MAX_PIXELS} pixels in all")]
    DimensionsTooLarge,
    #[error("the image could not be decoded")]
    Corrupt(#[source] ImageError),
    #[error("re-encoding the image failed")]
    Encode(#[source] ImageError),
    #[error("the image processing task did not finish")]
    Interrupted(#[source] tokio::task::JoinError),
}

/// The formats we accept, told apart by their first bytes only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceFormat {
    Jpeg,
    Png,
    WebP,
}

impl SourceFormat {
    fn sniff(bytes: &[u8]) -> Option<SourceFormat> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(SourceFormat::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(SourceFormat::Png),
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'E',
                b'B',
                b'P',
                ..,
            ] => Some(SourceFormat::WebP),
            _ => None,
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            SourceFormat::Jpeg => ImageFormat::Jpeg,
            SourceFormat::Png => ImageFormat::Png,
            SourceFormat::WebP => ImageFormat::WebP,
        }
    }
}

/// What we write. WebP never comes out: the `image` crate only encodes *lossless* WebP, which
/// turns a 300 KB lossy WebP photo into several MB. So WebP photos become JPEG, or PNG when they
/// have transparency (JPEG has none); both are displayed everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutputFormat {
    Jpeg,
    Png,
}

impl OutputFormat {
    fn for_source(source: SourceFormat, image: &DynamicImage) -> OutputFormat {
        match source {
            SourceFormat::Jpeg => OutputFormat::Jpeg,
            // Logos and cut-out product shots: PNG keeps them sharp and transparent.
            SourceFormat::Png => OutputFormat::Png,
            SourceFormat::WebP if image.color().has_alpha() => OutputFormat::Png,
            SourceFormat::WebP => OutputFormat::Jpeg,
        }
    }
}

/// Validates and re-encodes an upload. CPU-heavy (hundreds of ms for a phone photo): from async
/// code call [`process_upload_off_thread`] instead.
pub fn process_upload(bytes: &[u8]) -> Result<ProcessedImage, UploadError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(UploadError::TooLarge);
    }
    let source = SourceFormat::sniff(bytes).ok_or(UploadError::NotAnImage)?;

    let mut reader = ImageReader::with_format(Cursor::new(bytes), source.image_format());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    reader.limits(limits);
    // Reads the header only; the side limits are enforced here.
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS
        || decoder.total_bytes() > MAX_DECODER_ALLOC
    {
        return Err(UploadError::DimensionsTooLarge);
    }
    // Phones store "rotate me" in EXIF instead of rotating pixels. We drop EXIF, so apply it first
    // or portrait photos would show sideways.
    let orientation = decoder.orientation().map_err(decode_error)?;
    // Colour profiles are kept (wide-gamut phone photos look washed out without theirs); they
    // carry no personal data, unlike EXIF (GPS position, device, time) which we never copy.
    let icc_profile = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    image.apply_orientation(orientation);

    let output = OutputFormat::for_source(source, &image);
    if image.width() > MAX_STORED_SIDE || image.height() > MAX_STORED_SIDE {
        image = image.resize(
            MAX_STORED_SIDE,
            MAX_STORED_SIDE,
            image::imageops::FilterType::CatmullRom,
        );
    }
    let encoded = match output {
        OutputFormat::Jpeg => encode_jpeg(&flatten(&image), icc_profile.clone()),
        OutputFormat::Png => encode_png(&image, icc_profile.clone()),
    }?;
    let thumbnail = make_thumbnail(&image);
    let thumbnail_bytes = encode_jpeg(&thumbnail, icc_profile)?;

    let (extension, content_type) = match output {
        OutputFormat::Jpeg => ("jpg", "image/jpeg"),
        OutputFormat::Png => ("png", "image/png"),
    };
    Ok(ProcessedImage {
        width: image.width(),
        height: image.height(),
        content_type,
        extension,
        bytes: Bytes::from(encoded),
        thumbnail: Bytes::from(thumbnail_bytes),
        thumbnail_width: thumbnail.width(),
        thumbnail_height: thumbnail.height(),
    })
}

/// At most this many uploads decode at once: each may hold ~200 MB while decoding, and a burst of
/// uploads must not take the server's memory (or every blocking thread) with it.
static PROCESSING_SLOTS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    Arc::new(Semaphore::new(cpus))
});

/// [`process_upload`] on the blocking thread pool, so request handling threads stay responsive.
pub async fn process_upload_off_thread(bytes: Bytes) -> Result<ProcessedImage, UploadError> {
    // Refuse oversized input before queueing behind other uploads.
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(UploadError::TooLarge);
    }
    let permit = Arc::clone(&PROCESSING_SLOTS)
        .acquire_owned()
        .await
        .expect("the processing semaphore is never closed");
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        process_upload(&bytes)
    })
    .await
    .map_err(UploadError::Interrupted)?
}

fn decode_error(error: ImageError) -> UploadError {
    match error {
        ImageError::Limits(_) => UploadError::DimensionsTooLarge,
        other => UploadError::Corrupt(other),
    }
}

/// RGB on white: JPEG has no alpha, and dropping it outright turns transparent areas black.
fn flatten(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| {
            let (c, a) = (u16::from(c), u16::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

/// Never upscales: a photo already smaller than a thumbnail is its own thumbnail.
fn make_thumbnail(image: &DynamicImage) -> RgbImage {
    let small = if image.width() > THUMB_WIDTH || image.height() > THUMB_MAX_HEIGHT {
        image.thumbnail(THUMB_WIDTH, THUMB_MAX_HEIGHT)
    } else {
        image.clone()
    };
    flatten(&small)
}

fn encode_jpeg(image: &RgbImage, icc_profile: Option<Vec<u8>>) -> Result<Vec<u8>, UploadError> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    if let Some(profile) = icc_profile {
        // Best effort: a photo without its profile still displays.
        let _ = encoder.set_icc_profile(profile);
    }
    encoder
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .map_err(UploadError::Encode)?;
    Ok(out)
}

fn encode_png(image: &DynamicImage, icc_profile: Option<Vec<u8>>) -> Result<Vec<u8>, UploadError> {
    // 8 bits per channel: 16-bit PNGs double the size for no visible gain on a product page.
    let (raw, color) = if image.color().has_alpha() {
        (image.to_rgba8().into_raw(), ExtendedColorType::Rgba8)
    } else {
        (image.to_rgb8().into_raw(), ExtendedColorType::Rgb8)
    };
    let mut out = Vec::new();
    let mut encoder = PngEncoder::new(&mut out);
    if let Some(profile) = icc_profile {
        let _ = encoder.set_icc_profile(profile);
    }
    encoder
        .write_image(&raw, image.width(), image.height(), color)
        .map_err(UploadError::Encode)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgba};

    /// A photo-like gradient, so encoders have something real to compress.
    fn gradient(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
        })
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        encode_jpeg(&gradient(width, height), None).unwrap()
    }

    fn png_rgba(width: u32, height: u32) -> Vec<u8> {
        let image =
            ImageBuffer::from_fn(width, height, |x, _| Rgba([200, 30, 30, (x % 256) as u8]));
        encode_png(&DynamicImage::ImageRgba8(image), None).unwrap()
    }

    fn webp_lossless(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let image = gradient(width, height);
        image::codecs::webp::WebPEncoder::new_lossless(&mut out)
            .write_image(image.as_raw(), width, height, ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    /// A PNG chunk with its CRC, so decoders read it as genuine.
    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(kind);
        chunk.extend_from_slice(data);
        let crc = crc32(kind.iter().chain(data));
        chunk.extend_from_slice(&crc.to_be_bytes());
        chunk
    }

    fn crc32<'a>(bytes: impl Iterator<Item = &'a u8>) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A tiny file whose header claims `width`×`height` RGB pixels: a decompression bomb's shape.
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(png_chunk(b"IHDR", &ihdr));
        // A sliver of zlib data: highly compressible zeros are what makes real bombs small.
        png.extend(png_chunk(
            b"IDAT",
            &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        ));
        png.extend(png_chunk(b"IEND", &[]));
        png
    }

    /// Inserts an APP1 Exif segment right after SOI, as cameras write it.
    fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&payload);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// A big-endian TIFF block with one entry: Orientation (0x0112) = `orientation`, plus a
    /// camera-model string a privacy leak would carry along.
    fn exif_orientation(orientation: u16) -> Vec<u8> {
        let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&1u16.to_be_bytes());
        tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        tiff.extend_from_slice(b"SECRET-GPS-Ha-Giang");
        tiff
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle)
    }

    #[test]
    fn formats_are_recognised_by_their_first_bytes_only() {
        let cases: [(&str, Vec<u8>, Option<SourceFormat>); 9] = [
            ("JPEG", jpeg(8, 8), Some(SourceFormat::Jpeg)),
            ("PNG", png_rgba(8, 8), Some(SourceFormat::Png)),
            ("WebP", webp_lossless(8, 8), Some(SourceFormat::WebP)),
            ("GIF", b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec(), None),
            ("text", b"<html><script>alert(1)</script>".to_vec(), None),
            ("empty", Vec::new(), None),
            ("truncated JPEG magic", vec![0xFF, 0xD8], None),
            ("truncated PNG magic", b"\x89PNG\r\n".to_vec(), None),
            (
                "RIFF that is not WebP",
                b"RIFF\0\0\0\0WAVEfmt ".to_vec(),
                None,
            ),
        ];
        for (what, bytes, expected) in cases {
            assert_eq!(SourceFormat::sniff(&bytes), expected, "{what}");
            if expected.is_none() {
                assert!(
                    matches!(process_upload(&bytes), Err(UploadError::NotAnImage)),
                    "{what}"
                );
            }
        }
    }

    #[test]
    fn files_over_ten_megabytes_are_refused_before_anything_else() {
        let mut bytes = jpeg(8, 8);
        bytes.resize(MAX_UPLOAD_BYTES + 1, 0);
        assert!(matches!(process_upload(&bytes), Err(UploadError::TooLarge)));
    }

    #[test]
    fn a_header_claiming_huge_dimensions_is_refused_without_decoding() {
        for (width, height, why) in [
            (100_000, 100_000, "over the side limit"),
            (8_001, 10, "one side over the limit"),
            (7_000, 7_000, "sides allowed, 49 megapixels in all"),
        ] {
            let bomb = png_claiming(width, height);
            assert!(bomb.len() < 100, "the bomb is tiny");
            let result = process_upload(&bomb);
            assert!(
                matches!(result, Err(UploadError::DimensionsTooLarge)),
                "{width}×{height} ({why}): {result:?}"
            );
        }
    }

    #[test]
    fn a_damaged_image_with_a_valid_signature_is_reported_as_corrupt() {
        let whole = jpeg(64, 64);
        let result = process_upload(&whole[..whole.len() / 3]);
        assert!(matches!(result, Err(UploadError::Corrupt(_))), "{result:?}");
    }

    #[test]
    fn exif_is_stripped_and_its_orientation_applied() {
        let original = with_exif(&jpeg(40, 20), &exif_orientation(6));
        assert!(contains(&original, b"Exif") && contains(&original, b"SECRET-GPS"));

        let processed = process_upload(&original).unwrap();

        for output in [&processed.bytes, &processed.thumbnail] {
            assert!(!contains(output, b"Exif"), "no Exif segment left");
            assert!(!contains(output, b"SECRET-GPS"), "no metadata copied");
        }
        // Orientation 6 means "rotate 90° clockwise to display": a 40×20 sensor image is upright 20×40.
        assert_eq!((processed.width, processed.height), (20, 40));
        assert_eq!(processed.content_type, "image/jpeg");
        assert_eq!(processed.extension, "jpg");
    }

    #[test]
    fn large_photos_are_downscaled_and_get_a_400_pixel_jpeg_thumbnail() {
        let processed = process_upload(&jpeg(3000, 2000)).unwrap();
        assert_eq!((processed.width, processed.height), (2000, 1333));
        assert_eq!(
            image::load_from_memory(&processed.bytes).unwrap().width(),
            2000
        );

        let thumb = image::load_from_memory_with_format(&processed.thumbnail, ImageFormat::Jpeg)
            .expect("the thumbnail is a JPEG");
        assert_eq!((thumb.width(), thumb.height()), (400, 267));
        assert_eq!(
            (processed.thumbnail_width, processed.thumbnail_height),
            (400, 267)
        );
    }

    #[test]
    fn small_photos_keep_their_size_and_are_not_upscaled_for_the_thumbnail() {
        let processed = process_upload(&jpeg(300, 200)).unwrap();
        assert_eq!((processed.width, processed.height), (300, 200));
        assert_eq!(
            (processed.thumbnail_width, processed.thumbnail_height),
            (300, 200)
        );
    }

    #[test]
    fn png_stays_png_with_its_transparency() {
        let processed = process_upload(&png_rgba(64, 32)).unwrap();
        assert_eq!(processed.content_type, "image/png");
        assert_eq!(processed.extension, "png");
        let decoded =
            image::load_from_memory_with_format(&processed.bytes, ImageFormat::Png).unwrap();
        assert!(decoded.color().has_alpha());
        // The thumbnail is JPEG, flattened on white: fully transparent becomes white, not black.
        let thumb = image::load_from_memory_with_format(&processed.thumbnail, ImageFormat::Jpeg)
            .unwrap()
            .to_rgb8();
        let corner = thumb.get_pixel(0, 0).0;
        assert!(corner.iter().all(|&c| c > 230), "{corner:?}");
    }

    #[test]
    fn webp_photos_are_stored_as_jpeg() {
        let processed = process_upload(&webp_lossless(64, 48)).unwrap();
        assert_eq!(processed.content_type, "image/jpeg");
        assert_eq!(processed.extension, "jpg");
        assert_eq!((processed.width, processed.height), (64, 48));
        assert_eq!(
            SourceFormat::sniff(&processed.bytes),
            Some(SourceFormat::Jpeg)
        );
    }

    #[tokio::test]
    async fn the_async_wrapper_gives_the_same_result() {
        let processed = process_upload_off_thread(Bytes::from(jpeg(50, 40)))
            .await
            .unwrap();
        assert_eq!((processed.width, processed.height), (50, 40));
        let too_big = Bytes::from(vec![0u8; MAX_UPLOAD_BYTES + 1]);
        assert!(matches!(
            process_upload_off_thread(too_big).await,
            Err(UploadError::TooLarge)
        ));
    }
}
