//! A product's share picture (`og:image`) when it has no photo of its own: a card with its
//! name, price, OCOP stars, producer and place, so Zalo and Facebook previews show something.
//! Cards are drawn once per content and kept in the instance's caches.

use bytes::Bytes;

use crate::app::AppError;
use crate::db;
use crate::db::product_page::ProductKey;
use crate::media::share_card::{ShareCard, render_share_card};
use crate::state::AppState;

/// Beyond this many cards (about 25 KB each) the map starts again rather than grow.
const MAX_CARDS: usize = 2_000;

/// A drawn card and its tag (the hash of its content, for an ETag).
pub struct SharePicture {
    pub tag: u64,
    pub png: Bytes,
}

/// The card of a product buyers can see; `NotFound` otherwise.
pub async fn product_card(state: &AppState, slug: &str) -> Result<SharePicture, AppError> {
    let product =
        db::product_page::product_detail(&state.db, ProductKey::VisibleSlug(slug), &state.view())
            .await?
            .ok_or(AppError::NotFound)?;
    let place = [
        product.commune.name.clone(),
        product.commune.old_commune.clone(),
    ]
    .into_iter()
    .flatten()
    .next()
    .map(|commune| format!("{commune}, Thái Nguyên"));
    let card = ShareCard {
        price: format!(
            "{} / {}",
            frontend::format::vnd(&product.price_vnd),
            product.unit_name
        ),
        stars: product.ocop.as_ref().map(|o| o.stars),
        producer: product.producer.name.clone(),
        place,
        site: "Chợ OCOP".to_owned(),
        name: product.name,
    };
    let tag = xxhash_rust::xxh3::xxh3_64(format!("{card:?}").as_bytes());
    let cards = &state.caches.share_cards;
    if let Some(png) = cards.lock().expect("cards lock").get(&tag) {
        return Ok(SharePicture {
            tag,
            png: png.clone(),
        });
    }
    // Drawing takes ~10–20 ms of CPU: off the async workers.
    let png = tokio::task::spawn_blocking(move || render_share_card(&card))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))?;
    let png = Bytes::from(png);
    let mut cards = cards.lock().expect("cards lock");
    if cards.len() >= MAX_CARDS {
        cards.clear();
    }
    cards.insert(tag, png.clone());
    Ok(SharePicture { tag, png })
}
