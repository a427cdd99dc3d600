//! Product cards and the OCOP star badge, as shown in lists; a card shows the average of the
//! product's reviews once it has any.

use leptos::prelude::*;

use crate::api::ProductSummary;
use crate::components::cart::AddToCart;
use crate::components::reviews::RatingBadge;
use crate::format::vnd;
use crate::i18n::{fill, use_texts};

/// "★★★★☆"-style badge for a rating in force; `stars` is 3–5.
#[component]
pub fn StarBadge(stars: u8) -> impl IntoView {
    let texts = use_texts();
    let label = fill(texts.ocop_badge, &[("n", &stars.to_string())]);
    let glyphs: String = (1..=5)
        .map(|i| if i <= stars { '★' } else { '☆' })
        .collect();
    view! {
        <span class="ocop-badge" role="img" title=label.clone() aria-label=label>
            <span class="ocop-label">"OCOP"</span>
            <span class="ocop-stars" aria-hidden="true">{glyphs}</span>
        </span>
    }
}

/// A product in a list. `eager` for the first cards of a page, which are on screen at once:
/// their photos load with the page (a lazy photo in view would only start after layout).
#[component]
pub fn ProductCard(product: ProductSummary, #[prop(optional)] eager: bool) -> impl IntoView {
    let texts = use_texts();
    let href = format!("/san-pham/{}", product.slug);
    let producer_href = format!("/co-so/{}", product.producer.slug);
    let price = vnd(&product.price_vnd);
    let per_unit = fill(texts.per_unit, &[("unit", &product.unit_name)]);
    let commune = product
        .commune
        .name
        .clone()
        .or_else(|| product.commune.old_district.clone());
    view! {
        <article class="product-card">
            // The title links to the same page; this one is for pointers only.
            <a class="product-photo" href=href.clone() tabindex="-1" aria-hidden="true">
                {match product.thumb_url.clone() {
                    Some(url) => view! {
                        <img src=url alt=product.name.clone() width="400" height="300" decoding="async"
                            loading=if eager { "eager" } else { "lazy" }/>
                    }.into_any(),
                    None => view! { <span class="photo-placeholder">{texts.no_photo}</span> }.into_any(),
                }}
            </a>
            <div class="product-body">
                {product.ocop.as_ref().map(|badge| view! { <StarBadge stars=badge.stars/> })}
                <h3><a href=href>{product.name.clone()}</a></h3>
                <p class="price"><strong>{price}</strong>" "<span class="muted">{per_unit}</span></p>
                {product.rating.clone().map(|rating| view! { <p class="card-rating"><RatingBadge rating/></p> })}
                <p class="producer-line">
                    <a href=producer_href>{product.producer.name.clone()}</a>
                    {commune.map(|c| view! { <span class="muted">" · "{c}</span> })}
                </p>
                {if product.in_stock {
                    view! { <AddToCart product_id=product.id.clone()/> }.into_any()
                } else {
                    view! { <p class="stock out">{texts.out_of_stock}</p> }.into_any()
                }}
            </div>
        </article>
    }
}

/// Cards whose photos are in the first screen of a phone (two per row).
const EAGER_CARDS: usize = 2;

#[component]
pub fn ProductGrid(products: Vec<ProductSummary>) -> impl IntoView {
    view! {
        <div class="product-grid">
            {products.into_iter().enumerate().map(|(i, product)| view! {
                <ProductCard product eager=i < EAGER_CARDS/>
            }).collect_view()}
        </div>
    }
}
