//! Product "share card": a 1200×630 PNG used as `og:image`, so a product without a photo still shows a picture on Zalo / Facebook.
//!
//! Everything needed is compiled in: the Noto Sans fonts come from the `ttf-noto-sans` crate
//! (font licensed Apache-2.0), glyphs are rasterised with `ab_glyph`, and the PNG is encoded with
//! `image`. No system fonts or libraries are touched at run time.
//!
//! `ab_glyph` does no OpenType shaping, so text is normalised to NFC first: every Vietnamese
//! letter with its tone mark ("ệ", "ở", "Ẫ"…) is then one precomposed character that Noto Sans
//! draws as a single, correctly stacked glyph, even if the input was typed decomposed.

use std::collections::HashMap;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use ab_glyph_rasterizer::Rasterizer;
use image::{Rgb, RgbImage};
use unicode_normalization::UnicodeNormalization;

/// Open Graph's recommended image size.
pub const CARD_WIDTH: u32 = 1200;
/// Open Graph's recommended image size.
pub const CARD_HEIGHT: u32 = 630;

/// What goes on the card. All strings are shown as given (after NFC normalisation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareCard {
    /// Product name; wrapped to at most three lines, shrunk and then ellipsised if longer.
    pub name: String,
    /// Already formatted price, e.g. "120.000 ₫ / hộp".
    pub price: String,
    /// OCOP rating. 1–5 draws that many stars and "OCOP n sao"; `None` (or anything else) draws no rating.
    pub stars: Option<u8>,
    /// Producer, e.g. "HTX Chè Tân Cương".
    pub producer: String,
    /// Where it comes from, e.g. "Tân Cương, Thái Nguyên".
    pub place: Option<String>,
    /// Site name shown in the footer, e.g. "Chợ OCOP".
    pub site: String,
}

/// Why a card could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ShareCardError {
    /// An embedded font could not be parsed (would mean a broken build, not bad input).
    #[error("embedded font {0} could not be parsed")]
    Font(&'static str),
    /// PNG encoding failed.
    #[error("share card PNG encoding failed: {0}")]
    Encode(#[from] png::EncodingError),
}

// Palette: brand green and a warm paper background, earthy accents.
const BG: Rgb<u8> = Rgb([0xf6, 0xf1, 0xe7]);
const BG_DECOR: Rgb<u8> = Rgb([0xee, 0xe5, 0xd3]);
const GREEN: Rgb<u8> = Rgb([0x1f, 0x6f, 0x43]);
const INK: Rgb<u8> = Rgb([0x1c, 0x2a, 0x21]);
const PRICE: Rgb<u8> = Rgb([0xb0, 0x45, 0x1c]);
const MUTED: Rgb<u8> = Rgb([0x5c, 0x54, 0x47]);
const GOLD: Rgb<u8> = Rgb([0xe2, 0xa0, 0x1b]);

// Geometry, in pixels. Sizes are em sizes (like CSS font-size), not ab_glyph's ascent-to-descent scale.
const PAD_X: f32 = 72.0;
const FOOTER_H: f32 = 84.0;
const ACCENT_W: f32 = 14.0;
const CONTENT_TOP: f32 = 44.0;
const CONTENT_BOTTOM_GAP: f32 = 36.0;
const STAR_ROW: f32 = 44.0;
const GAP_AFTER_STARS: f32 = 22.0;
const GAP_AFTER_NAME: f32 = 18.0;
const GAP_AFTER_PRICE: f32 = 12.0;
const PRICE_SIZE: f32 = 54.0;
const META_SIZE: f32 = 32.0;
const RATING_SIZE: f32 = 32.0;
const SITE_SIZE: f32 = 38.0;
/// Name sizes tried from largest to smallest; the first one whose wrapped block fits is used.
const NAME_SIZES: [f32; 6] = [84.0, 76.0, 68.0, 62.0, 56.0, 50.0];
const NAME_MAX_LINES: usize = 3;
/// Above this size a name may take only two lines: three lines of huge text crowd out the price.
const NAME_THREE_LINE_MAX_SIZE: f32 = 68.0;
/// Line height as a multiple of the em size; roomy enough for stacked marks such as "Ễ".
const LINE_HEIGHT: f32 = 1.22;
/// Baseline position within a line box, as a multiple of the em size.
const BASELINE: f32 = 0.96;
const ELLIPSIS: char = '…';
const AA_LEVELS: f32 = 16.0;
/// Trimmed before an ellipsis so it reads "Bún khô…" rather than "Bún khô ·…".
const TRAILING_PUNCT: [char; 7] = [' ', '·', ',', '-', '–', '/', ':'];

/// Renders `card` as a 1200×630 PNG.
pub fn render_share_card(card: &ShareCard) -> Result<Vec<u8>, ShareCardError> {
    encode_png(&render_image(card)?)
}

/// Encodes as an 8-bit palette PNG when the card has at most 256 colours (the normal case:
/// flat fills plus text whose anti-aliasing is quantised in [`blend`]), which is about a third
/// of the size of RGB and faster to compress; falls back to RGB otherwise.
fn encode_png(img: &RgbImage) -> Result<Vec<u8>, ShareCardError> {
    let mut png = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut png, img.width(), img.height());
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    let data = match palette_indices(img) {
        Some((palette, indices)) => {
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_palette(palette);
            // Row filters predict gradients; palette indices have none, so filtering only hurts.
            encoder.set_filter(png::Filter::NoFilter);
            indices
        }
        None => {
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_filter(png::Filter::Adaptive);
            img.as_raw().clone()
        }
    };
    let mut writer = encoder.write_header().map_err(ShareCardError::Encode)?;
    writer
        .write_image_data(&data)
        .map_err(ShareCardError::Encode)?;
    writer.finish().map_err(ShareCardError::Encode)?;
    Ok(png)
}

/// The image's palette (RGB triples) and per-pixel indices, or `None` past 256 colours.
fn palette_indices(img: &RgbImage) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut index: HashMap<[u8; 3], u8> = HashMap::new();
    let mut palette = Vec::new();
    let mut indices = Vec::with_capacity(img.as_raw().len() / 3);
    let mut last: Option<([u8; 3], u8)> = None;
    for px in img.pixels() {
        // Long runs of one colour are the norm, so remember the previous lookup.
        if let Some((c, i)) = last
            && c == px.0
        {
            indices.push(i);
            continue;
        }
        let i = match index.get(&px.0) {
            Some(&i) => i,
            None => {
                let i = u8::try_from(index.len()).ok()?;
                index.insert(px.0, i);
                palette.extend_from_slice(&px.0);
                i
            }
        };
        last = Some((px.0, i));
        indices.push(i);
    }
    Some((palette, indices))
}

struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn load_fonts() -> Result<Fonts, ShareCardError> {
    // Parsing only reads table offsets from the static bytes, so doing it per card is cheap.
    Ok(Fonts {
        regular: FontRef::try_from_slice(ttf_noto_sans::REGULAR)
            .map_err(|_| ShareCardError::Font("Noto Sans Regular"))?,
        bold: FontRef::try_from_slice(ttf_noto_sans::BOLD)
            .map_err(|_| ShareCardError::Font("Noto Sans Bold"))?,
    })
}

/// Renders the card to an RGB bitmap (exposed to the tests for pixel checks).
fn render_image(card: &ShareCard) -> Result<RgbImage, ShareCardError> {
    let fonts = load_fonts()?;
    let (w, h) = (CARD_WIDTH as f32, CARD_HEIGHT as f32);
    let mut img = RgbImage::from_pixel(CARD_WIDTH, CARD_HEIGHT, BG);

    // A faint disc bleeding off the top-right corner keeps the empty right side of a short card
    // from looking unfinished; it is low-contrast so text crossing it stays legible.
    fill_polygon(&mut img, &circle(w - 40.0, 10.0, 250.0), BG_DECOR);
    // Green accent down the left edge and the footer band carry the brand colour.
    let footer_top = h - FOOTER_H;
    fill_rect(&mut img, 0.0, 0.0, ACCENT_W, footer_top, GREEN);
    fill_rect(&mut img, 0.0, footer_top, w, h, GREEN);

    let max_w = w - 2.0 * PAD_X;
    let name = clean(&card.name);
    let price = clean(&card.price);
    let producer = clean(&card.producer);
    let place = card.place.as_deref().map(clean).unwrap_or_default();
    let stars = card.stars.filter(|n| (1..=5).contains(n));

    // Producer and place share one line when they fit, which leaves more room for the name.
    let meta_lines: Vec<String> = {
        let joined = format!("{producer} · {place}");
        let non_empty: Vec<&str> = [producer.as_str(), place.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        if non_empty.len() == 2 && text_width(&fonts.regular, META_SIZE, &joined) <= max_w {
            vec![joined]
        } else {
            non_empty
                .into_iter()
                .map(|s| ellipsise(&fonts.regular, META_SIZE, s, max_w))
                .collect()
        }
    };
    let price_line = ellipsise(&fonts.bold, PRICE_SIZE, &price, max_w);

    let star_block = if stars.is_some() {
        STAR_ROW + GAP_AFTER_STARS
    } else {
        0.0
    };
    let price_block = if price_line.is_empty() {
        0.0
    } else {
        GAP_AFTER_NAME + PRICE_SIZE * LINE_HEIGHT
    };
    let meta_block = if meta_lines.is_empty() {
        0.0
    } else {
        GAP_AFTER_PRICE + meta_lines.len() as f32 * META_SIZE * LINE_HEIGHT
    };
    let avail = footer_top - CONTENT_TOP - CONTENT_BOTTOM_GAP;
    let name_avail = avail - star_block - price_block - meta_block;
    let (name_size, name_lines) = fit_name(&fonts.bold, &name, max_w, name_avail);

    // Centre the whole block vertically so short cards don't leave a gap at the bottom.
    let total =
        star_block + name_lines.len() as f32 * name_size * LINE_HEIGHT + price_block + meta_block;
    let mut y = CONTENT_TOP + ((avail - total) / 2.0).max(0.0);

    if let Some(n) = stars {
        draw_rating(&mut img, &fonts.bold, PAD_X, y, n);
        y += star_block;
    }
    for line in &name_lines {
        draw_text(
            &mut img,
            &fonts.bold,
            name_size,
            PAD_X,
            y + name_size * BASELINE,
            line,
            INK,
        );
        y += name_size * LINE_HEIGHT;
    }
    if !price_line.is_empty() {
        y += GAP_AFTER_NAME;
        draw_text(
            &mut img,
            &fonts.bold,
            PRICE_SIZE,
            PAD_X,
            y + PRICE_SIZE * BASELINE,
            &price_line,
            PRICE,
        );
        y += PRICE_SIZE * LINE_HEIGHT;
    }
    if !meta_lines.is_empty() {
        y += GAP_AFTER_PRICE;
        for line in &meta_lines {
            draw_text(
                &mut img,
                &fonts.regular,
                META_SIZE,
                PAD_X,
                y + META_SIZE * BASELINE,
                line,
                MUTED,
            );
            y += META_SIZE * LINE_HEIGHT;
        }
    }

    // Footer: site name bottom-left, optically centred in the band (cap height ≈ 0.71 em).
    let site = ellipsise(&fonts.bold, SITE_SIZE, &clean(&card.site), max_w);
    let site_baseline = footer_top + (FOOTER_H + SITE_SIZE * 0.71) / 2.0;
    draw_text(
        &mut img,
        &fonts.bold,
        SITE_SIZE,
        PAD_X,
        site_baseline,
        &site,
        BG,
    );
    Ok(img)
}

/// NFC-normalises and collapses whitespace (names from forms may carry newlines or tabs).
fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Scale for an em size in pixels; ab_glyph's own `PxScale` measures ascent-to-descent instead.
fn scale_for(font: &FontRef<'_>, em: f32) -> PxScale {
    let upem = font.units_per_em().unwrap_or(1000.0);
    PxScale::from(em * font.height_unscaled() / upem)
}

/// Glyph ids of `text`, dropping characters the font lacks (emoji, CJK, symbols outside Noto Sans)
/// so they vanish instead of showing as a missing-glyph box.
fn glyph_ids<'a>(font: &'a FontRef<'_>, text: &'a str) -> impl Iterator<Item = GlyphId> + 'a {
    text.chars()
        .map(|c| font.glyph_id(c))
        .filter(|id| id.0 != 0)
}

fn text_width(font: &FontRef<'_>, em: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(scale_for(font, em));
    let mut width = 0.0;
    let mut prev: Option<GlyphId> = None;
    for id in glyph_ids(font, text) {
        if let Some(p) = prev {
            width += scaled.kern(p, id);
        }
        width += scaled.h_advance(id);
        prev = Some(id);
    }
    width
}

/// Draws one line of text with its baseline at `baseline`; returns the advance width.
fn draw_text(
    img: &mut RgbImage,
    font: &FontRef<'_>,
    em: f32,
    x: f32,
    baseline: f32,
    text: &str,
    color: Rgb<u8>,
) -> f32 {
    let scaled = font.as_scaled(scale_for(font, em));
    let mut caret = x;
    let mut prev: Option<GlyphId> = None;
    for id in glyph_ids(font, text) {
        if let Some(p) = prev {
            caret += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(scaled.scale(), point(caret, baseline));
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, cov| {
                blend(
                    img,
                    b.min.x as i64 + gx as i64,
                    b.min.y as i64 + gy as i64,
                    color,
                    cov,
                );
            });
        }
        caret += scaled.h_advance(id);
        prev = Some(id);
    }
    caret - x
}

/// Picks the largest name size whose wrapped lines fit both width and the height left over;
/// at the smallest size the text is cut to whatever fits and ends with an ellipsis.
fn fit_name(font: &FontRef<'_>, name: &str, max_w: f32, max_h: f32) -> (f32, Vec<String>) {
    for &size in &NAME_SIZES {
        let cap = if size > NAME_THREE_LINE_MAX_SIZE {
            2
        } else {
            NAME_MAX_LINES
        };
        let max_lines = ((max_h / (size * LINE_HEIGHT)).floor() as usize).min(cap);
        let lines = wrap(font, size, name, max_w);
        if lines.len() <= max_lines {
            return (size, lines);
        }
    }
    let size = NAME_SIZES[NAME_SIZES.len() - 1];
    let max_lines = ((max_h / (size * LINE_HEIGHT)).floor() as usize).clamp(1, NAME_MAX_LINES);
    let mut lines = wrap(font, size, name, max_w);
    if lines.len() > max_lines {
        // The last kept line gets the rest of the text, then is cut back to fit with "…".
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(ellipsise_words(font, size, &rest, max_w));
    }
    (size, lines)
}

/// Greedy word wrap on spaces (Vietnamese words are space-separated syllables). A single word
/// wider than the line is split between characters so it can never overflow.
fn wrap(font: &FontRef<'_>, em: f32, text: &str, max_w: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if text_width(font, em, &candidate) <= max_w {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        // Break an over-long word into line-sized pieces.
        for c in word.chars() {
            current.push(c);
            if text_width(font, em, &current) > max_w && current.chars().count() > 1 {
                current.pop();
                lines.push(std::mem::take(&mut current));
                current.push(c);
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Keeps as many whole words of `text` as fit with a trailing "…" (a cut syllable can read as a
/// different Vietnamese word); falls back to cutting characters when not even one word fits.
fn ellipsise_words(font: &FontRef<'_>, em: f32, text: &str, max_w: f32) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    for n in (1..words.len()).rev() {
        let head = words[..n]
            .join(" ")
            .trim_end_matches(TRAILING_PUNCT)
            .to_string();
        let candidate = format!("{head}{ELLIPSIS}");
        if !head.is_empty() && text_width(font, em, &candidate) <= max_w {
            return candidate;
        }
    }
    ellipsise(font, em, &format!("{text}{ELLIPSIS}"), max_w)
}

/// Returns `text` unchanged if it fits in `max_w`, else the longest prefix that fits with "…"
/// appended (trailing spaces and punctuation trimmed so it reads "Bún khô…" not "Bún khô ·…").
fn ellipsise(font: &FontRef<'_>, em: f32, text: &str, max_w: f32) -> String {
    if text_width(font, em, text) <= max_w {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    if chars.last() == Some(&ELLIPSIS) {
        chars.pop();
    }
    while !chars.is_empty() {
        chars.pop();
        while chars
            .last()
            .is_some_and(|c| c.is_whitespace() || TRAILING_PUNCT.contains(c))
        {
            chars.pop();
        }
        let candidate: String = chars.iter().chain(std::iter::once(&ELLIPSIS)).collect();
        if text_width(font, em, &candidate) <= max_w {
            return candidate;
        }
    }
    ELLIPSIS.to_string()
}

/// Gold stars followed by "OCOP n sao". Stars are drawn as polygons because Noto Sans has no ★.
fn draw_rating(img: &mut RgbImage, font: &FontRef<'_>, x: f32, top: f32, n: u8) {
    let r = STAR_ROW / 2.0;
    let cy = top + r + 1.0; // a five-point star's visual centre sits slightly below its circle's
    let step = STAR_ROW + 6.0;
    for i in 0..n {
        fill_polygon(img, &star(x + r + f32::from(i) * step, cy, r), GOLD);
    }
    let text_x = x + f32::from(n) * step + 10.0;
    let baseline = top + (STAR_ROW + RATING_SIZE * 0.71) / 2.0;
    draw_text(
        img,
        font,
        RATING_SIZE,
        text_x,
        baseline,
        &format!("OCOP {n} sao"),
        GREEN,
    );
}

fn star(cx: f32, cy: f32, r: f32) -> Vec<(f32, f32)> {
    // Inner radius of a regular pentagram: r · sin(18°) / sin(54°) ≈ 0.382 r.
    let inner = r * 0.382;
    (0..10)
        .map(|k| {
            let angle = -std::f32::consts::FRAC_PI_2 + k as f32 * std::f32::consts::PI / 5.0;
            let rad = if k % 2 == 0 { r } else { inner };
            (cx + rad * angle.cos(), cy + rad * angle.sin())
        })
        .collect()
}

fn circle(cx: f32, cy: f32, r: f32) -> Vec<(f32, f32)> {
    const SEGMENTS: usize = 180;
    (0..SEGMENTS)
        .map(|k| {
            let a = k as f32 * std::f32::consts::TAU / SEGMENTS as f32;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

/// Anti-aliased fill of a simple polygon, clipped to the image.
fn fill_polygon(img: &mut RgbImage, pts: &[(f32, f32)], color: Rgb<u8>) {
    let (min_x, min_y, max_x, max_y) = pts.iter().fold(
        (f32::MAX, f32::MAX, f32::MIN, f32::MIN),
        |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y)),
    );
    let (ox, oy) = (min_x.floor(), min_y.floor());
    let w = (max_x - ox).ceil() as usize + 1;
    let h = (max_y - oy).ceil() as usize + 1;
    let mut raster = Rasterizer::new(w, h);
    for (i, &(x0, y0)) in pts.iter().enumerate() {
        let (x1, y1) = pts[(i + 1) % pts.len()];
        raster.draw_line(
            ab_glyph_rasterizer::point(x0 - ox, y0 - oy),
            ab_glyph_rasterizer::point(x1 - ox, y1 - oy),
        );
    }
    raster.for_each_pixel_2d(|px, py, cov| {
        blend(
            img,
            ox as i64 + px as i64,
            oy as i64 + py as i64,
            color,
            cov,
        );
    });
}

fn fill_rect(img: &mut RgbImage, x0: f32, y0: f32, x1: f32, y1: f32, color: Rgb<u8>) {
    for y in y0.max(0.0) as u32..(y1 as u32).min(img.height()) {
        for x in x0.max(0.0) as u32..(x1 as u32).min(img.width()) {
            img.put_pixel(x, y, color);
        }
    }
}

/// Blends `color` over the pixel with the given coverage; off-image pixels are ignored.
fn blend(img: &mut RgbImage, x: i64, y: i64, color: Rgb<u8>, coverage: f32) {
    if x < 0 || y < 0 || x >= i64::from(img.width()) || y >= i64::from(img.height()) {
        return;
    }
    // Coverage is quantised to 16 steps so the whole card stays within a 256-colour palette;
    // 4-bit anti-aliasing is indistinguishable from 8-bit at these text sizes.
    let a = (coverage.clamp(0.0, 1.0) * AA_LEVELS).round() / AA_LEVELS;
    if a <= 0.0 {
        return;
    }
    let px = img.get_pixel_mut(x as u32, y as u32);
    for (dst, src) in px.0.iter_mut().zip(color.0) {
        *dst = (f32::from(*dst) * (1.0 - a) + f32::from(src) * a).round() as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(name: &str) -> ShareCard {
        ShareCard {
            name: name.to_string(),
            price: "120.000 ₫ / hộp".to_string(),
            stars: Some(4),
            producer: "HTX Chè Tân Cương".to_string(),
            place: Some("Tân Cương, Thái Nguyên".to_string()),
            site: "Chợ OCOP".to_string(),
        }
    }

    const LONG_NAME: &str = "Trà hoa vàng Bắc Kạn hữu cơ thượng hạng hộp quà tặng cao cấp \
        đóng gói thủ công từ búp non hái sớm mùa xuân vùng núi đá Ba Bể";

    /// Rows in the band `[y0, y1)` of columns `[x0, x1)` that differ from the background.
    fn ink_rows(img: &RgbImage, x0: u32, x1: u32, y0: u32, y1: u32) -> Vec<u32> {
        (y0..y1)
            .filter(|&y| (x0..x1).any(|x| *img.get_pixel(x, y) != BG))
            .collect()
    }

    /// Number of separate runs of inked rows: one per text line.
    fn runs(rows: &[u32]) -> usize {
        rows.windows(2).filter(|w| w[1] != w[0] + 1).count() + usize::from(!rows.is_empty())
    }

    #[test]
    fn fonts_cover_vietnamese() {
        let fonts = load_fonts().unwrap();
        let samples = [
            "Chè Đinh Tân Cương",
            "Trà hoa vàng Bắc Kạn",
            "Mật ong rừng Võ Nhai",
            "Bún khô Tuyên Quang · HTX Nông nghiệp Phú Lương",
            "₫…",
            // Every Vietnamese vowel with every tone, both cases.
            "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ",
            "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ",
        ];
        for font in [&fonts.regular, &fonts.bold] {
            for s in samples {
                for c in s.chars().filter(|c| !c.is_whitespace()) {
                    assert_ne!(font.glyph_id(c).0, 0, "missing glyph for {c:?} in {s:?}");
                }
            }
        }
    }

    #[test]
    fn decomposed_input_is_composed() {
        // "ệ" typed as e + circumflex + dot below (common from some Vietnamese keyboards).
        let decomposed = "Chu\u{031B}\u{0303} Vie\u{0302}\u{0323}t";
        assert_eq!(clean(decomposed), "Chữ Việt");
    }

    #[test]
    fn renders_png_of_open_graph_size() {
        for name in [
            "Chè Đinh Tân Cương",
            "Trà hoa vàng Bắc Kạn",
            "Mật ong rừng Võ Nhai",
            "Bún khô Tuyên Quang · HTX Nông nghiệp Phú Lương",
            LONG_NAME,
        ] {
            let png = render_share_card(&card(name)).unwrap();
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
            // IHDR colour type 3: the compact palette encoding was used, not the RGB fallback.
            assert_eq!(png[25], 3, "{name}: not palette-encoded");
            assert!(png.len() < 100 * 1024, "{name}: {} bytes", png.len());
            let decoded =
                image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
            assert_eq!(
                (decoded.width(), decoded.height()),
                (CARD_WIDTH, CARD_HEIGHT)
            );
        }
    }

    #[test]
    fn name_is_drawn_and_long_name_wraps() {
        // Only the left part of the card, under the decorative circle, is checked for ink.
        let (x0, x1) = (PAD_X as u32, 700);
        let footer = CARD_HEIGHT - FOOTER_H as u32;
        let short = render_image(&card("Mật ong rừng Võ Nhai")).unwrap();
        let long = render_image(&card(LONG_NAME)).unwrap();
        let short_lines = runs(&ink_rows(&short, x0, x1, 0, footer));
        let long_lines = runs(&ink_rows(&long, x0, x1, 0, footer));
        // Short: stars, name, price, meta = 4 lines of ink.
        assert_eq!(short_lines, 4, "short card ink lines");
        assert!(long_lines > short_lines, "{long_lines} <= {short_lines}");
        // Nothing overflows: the right padding strip beside the text stays background-free of
        // text ink below the decorative circle.
        let right = ink_rows(
            &long,
            CARD_WIDTH - PAD_X as u32 + 4,
            CARD_WIDTH,
            300,
            footer,
        );
        assert!(right.is_empty(), "ink in right padding at rows {right:?}");
    }

    #[test]
    fn long_name_is_capped_and_ellipsised() {
        let fonts = load_fonts().unwrap();
        let name = LONG_NAME.repeat(2);
        assert!(name.chars().count() > 120);
        let (size, lines) = fit_name(&fonts.bold, &clean(&name), 1056.0, 330.0);
        assert!(lines.len() <= NAME_MAX_LINES);
        assert!(lines.last().unwrap().ends_with(ELLIPSIS));
        for l in &lines {
            assert!(text_width(&fonts.bold, size, l) <= 1056.0, "{l}");
        }
    }

    #[test]
    fn no_rating_and_empty_fields_still_render() {
        let c = ShareCard {
            name: "Mật ong rừng Võ Nhai".into(),
            site: "Chợ OCOP".into(),
            ..Default::default()
        };
        let img = render_image(&c).unwrap();
        assert_eq!(img.dimensions(), (CARD_WIDTH, CARD_HEIGHT));
        let rows = ink_rows(&img, PAD_X as u32, 700, 0, CARD_HEIGHT - FOOTER_H as u32);
        assert_eq!(runs(&rows), 1);
    }
}
