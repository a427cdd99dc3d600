//! A product's own page: photos, price, stock, producer and GI cards, the OCOP badge with its
//! decision and expiry, Open Graph tags and schema.org `Product` data — a page worth sharing.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::json;

use crate::api::{
    BackendError, ImageDto, ProductDetail, ReviewTools, get_product, get_review_tools,
};
use crate::components::cart::AddToCart;
use crate::components::livestream::LivestreamStrip;
use crate::components::product_card::StarBadge;
use crate::components::reviews::{ProductReviews, RatingBadge};
use crate::components::seo::{JsonLd, PageMeta};
use crate::format::{date_vi, vnd};
use crate::i18n::{Texts, fill, use_texts};
use crate::pages::not_found::NotFound;
use crate::pages::producer::{ProducerCardView, kind_label};

#[component]
pub fn ProductPage() -> impl IntoView {
    let texts = use_texts();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, get_product);
    // The review forms of the product's producer and of curators; nothing for anyone else.
    let tools = Resource::new(slug, get_review_tools);
    view! {
        <Suspense fallback=move || view! { <p class="muted">{texts.loading}</p> }>
            {move || Suspend::new(async move {
                let tools = match tools.await {
                    Ok(Ok(tools)) => tools,
                    _ => ReviewTools::default(),
                };
                match data.await {
                    Ok(Ok(product)) => view! { <ProductView product tools/> }.into_any(),
                    Ok(Err(BackendError::NotFound)) => view! { <NotFound/> }.into_any(),
                    _ => view! { <p class="error">{texts.load_failed}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The description people see in link previews: price first, then the start of the description.
fn share_description(product: &ProductDetail) -> String {
    let mut text = format!(
        "{} / {} — {}",
        vnd(&product.price_vnd),
        product.unit_name,
        product.producer.name
    );
    if let Some(ocop) = &product.ocop {
        text.push_str(&format!(" · OCOP {}★", ocop.stars));
    }
    let body: String = product.description.chars().take(150).collect();
    if !body.is_empty() {
        text.push_str(". ");
        text.push_str(&body);
    }
    text
}

fn json_ld(product: &ProductDetail, origin: &str) -> serde_json::Value {
    let url = format!("{origin}/san-pham/{}", product.slug);
    let images: Vec<String> = product
        .images
        .iter()
        .map(|i| absolute(origin, &i.url))
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.description,
        "sku": product.id,
        "url": url,
        "image": images,
        "category": product.category.name,
        "brand": { "@type": "Organization", "name": product.producer.name },
        "aggregateRating": product.rating.as_ref().map(|r| json!({
            "@type": "AggregateRating",
            "ratingValue": r.average,
            "reviewCount": r.count,
            "bestRating": 5,
            "worstRating": 1,
        })),
        "review": product.latest_reviews.iter().map(|r| json!({
            "@type": "Review",
            "author": { "@type": "Person", "name": r.author_name },
            "datePublished": r.created_at.get(..10).unwrap_or_default(),
            "reviewBody": r.text,
            "reviewRating": { "@type": "Rating", "ratingValue": r.rating, "bestRating": 5, "worstRating": 1 },
        })).collect::<Vec<_>>(),
        "offers": {
            "@type": "Offer",
            "price": product.price_vnd,
            "priceCurrency": "VND",
            "availability": if product.in_stock { "https://schema.org/InStock" } else { "https://schema.org/OutOfStock" },
            "url": url,
        },
    })
}

fn absolute(origin: &str, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        url.to_owned()
    } else {
        format!("{origin}{url}")
    }
}

/// The site's public origin; the server provides it for absolute links.
pub fn site_origin() -> String {
    use_context::<crate::api::SiteOrigin>()
        .map(|o| o.0)
        .unwrap_or_default()
}

fn status_label(texts: &Texts, status: &str) -> &'static str {
    match status {
        "expiring" => texts.ocop_status_expiring,
        _ => texts.ocop_status_valid,
    }
}

/// One photo of the gallery. The first is the page's main picture: fetched at once, and the
/// phone picks the 400 px thumbnail or the full photo by its width (`srcset`); the others are
/// thumbnails fetched as they scroll into view. Width and height keep the page from jumping.
#[component]
fn Photo(img: ImageDto, main: bool, alt: String) -> impl IntoView {
    let (width, height) = (img.width.max(1), img.height.max(1));
    let thumb_width = width.min(THUMB_WIDTH);
    let thumb_height = (u64::from(height) * u64::from(thumb_width) / u64::from(width)).max(1);
    if main {
        view! {
            <img class="main" src=img.thumb_url.clone()
                srcset=format!("{} {thumb_width}w, {} {width}w", img.thumb_url, img.url)
                sizes="(min-width: 48rem) 28rem, 100vw"
                width=width height=height alt=alt fetchpriority="high" decoding="async"/>
        }
        .into_any()
    } else {
        view! {
            <img class="thumb" src=img.thumb_url width=thumb_width height=thumb_height
                alt=alt loading="lazy" decoding="async"/>
        }
        .into_any()
    }
}

/// The share card's size (`media::share_card`, Open Graph's recommended 1200×630).
const SHARE_CARD_SIZE: (u32, u32) = (1200, 630);

/// The widest thumbnail the server makes (`media::upload`).
const THUMB_WIDTH: u32 = 400;

#[component]
fn ProductView(product: ProductDetail, tools: ReviewTools) -> impl IntoView {
    let texts = use_texts();
    let origin = site_origin();
    let description = share_description(&product);
    // With no photo of its own, a shared link shows the product's card (name, price, stars).
    let (image, image_size) = match product.images.first() {
        Some(photo) => (absolute(&origin, &photo.url), (photo.width, photo.height)),
        None => (
            format!("{origin}/san-pham/{}/anh-chia-se.png", product.slug),
            SHARE_CARD_SIZE,
        ),
    };
    let image = Some(image);
    let ld = json_ld(&product, &origin);
    let stock_text = if product.in_stock {
        fill(
            texts.stock_left,
            &[("n", &product.stock), ("unit", &product.unit_name)],
        )
    } else {
        texts.out_of_stock.to_owned()
    };
    let per_unit = fill(texts.per_unit, &[("unit", &product.unit_name)]);
    let category_href = format!("/san-pham?category={}", product.category.code);
    let kind = kind_label(texts, &product.producer.kind);

    view! {
        <PageMeta title=product.name.clone() description og_type="product" image image_size/>
        <JsonLd data=ld/>
        <nav class="breadcrumbs"><a href="/san-pham">{texts.catalog_title}</a>" › "
            <a href=category_href>{product.category.name.clone()}</a></nav>
        <article class="product-page">
            <div class="gallery">
                {if product.images.is_empty() {
                    view! { <div class="photo-placeholder large">{texts.no_photo}</div> }.into_any()
                } else {
                    product.images.iter().enumerate().map(|(i, img)| view! {
                        <a href=img.url.clone()>
                            <Photo img=img.clone() main=i == 0
                                alt=if img.alt.is_empty() { product.name.clone() } else { img.alt.clone() }/>
                        </a>
                    }).collect_view().into_any()
                }}
            </div>
            <div class="summary">
                {product.ocop.as_ref().map(|o| view! { <StarBadge stars=o.stars/> })}
                <h1>{product.name.clone()}</h1>
                {product.rating.clone().map(|r| view! { <p><a href="#danh-gia" class="rating-link"><RatingBadge rating=r/></a></p> })}
                <p class="price big"><strong>{vnd(&product.price_vnd)}</strong>" "<span class="muted">{per_unit}</span></p>
                <p class=if product.in_stock { "stock in" } else { "stock out" }>{stock_text}</p>
                {match (product.in_stock, product.sells_online) {
                    (true, true) => view! {
                        <AddToCart product_id=product.id.clone() with_quantity=true
                            fractional=matches!(product.unit.as_str(), "kg" | "lit")/>
                    }.into_any(),
                    (_, false) => view! { <p class="muted">"Cơ sở chưa nhận đặt hàng trực tuyến"</p> }.into_any(),
                    _ => ().into_any(),
                }}
                <p class="producer-line">{kind}": "<a href=format!("/co-so/{}", product.producer.slug)>{product.producer.name.clone()}</a></p>
            </div>
            {product.ocop.clone().map(|ocop| view! {
                <section class="card ocop-card" aria-labelledby="ocop-title">
                    <h2 id="ocop-title">{texts.ocop_title}" "<StarBadge stars=ocop.stars/></h2>
                    <dl>
                        <dt>{texts.ocop_decision}</dt><dd>{ocop.decision_no.clone()}</dd>
                        <dt>{texts.ocop_issuer}</dt><dd>{ocop.issuer.clone()}</dd>
                        <dt>{texts.ocop_issued_on}</dt><dd>{date_vi(&ocop.issued_on)}</dd>
                        <dt>{texts.ocop_expires_on}</dt><dd>{date_vi(&ocop.expires_on)}" ("{status_label(texts, &ocop.status)}")"</dd>
                    </dl>
                    <a href=ocop.verify_url.clone()>{texts.ocop_verify}</a>
                </section>
            })}
            {(!product.livestreams.is_empty()).then(|| view! {
                <section class="livestream-slot">
                    <h2>{texts.livestream_on_product}</h2>
                    <LivestreamStrip streams=product.livestreams.clone()/>
                </section>
            })}
            {(!product.description.is_empty()).then(|| view! {
                <section><h2>{texts.description_title}</h2><p class="prose">{product.description.clone()}</p></section>
            })}
            {(!product.story.is_empty()).then(|| view! {
                <section><h2>{texts.story_title}</h2><p class="prose">{product.story.clone()}</p></section>
            })}
            {product.gi.clone().map(|gi| view! {
                <section class="card gi-card">
                    <h2>{texts.gi_title}": "{gi.name.clone()}</h2>
                    <p>{gi.product.clone()}
                        {gi.certificate_no.clone().map(|no| view! { " · "{texts.gi_certificate}" "{no} })}</p>
                    <a href=format!("/chi-dan-dia-ly/{}", gi.slug)>{texts.gi_more}</a>
                </section>
            })}
            <ProductReviews rating=product.rating.clone() reviews=product.latest_reviews.clone()
                tools back=format!("/san-pham/{}", product.slug)/>
            <ProducerCardView producer=product.producer.clone()/>
        </article>
    }
}
