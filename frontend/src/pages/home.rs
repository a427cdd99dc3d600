//! The home page: what Chợ OCOP is, featured OCOP products, product groups and the livestream slot.

use leptos::prelude::*;

use crate::api::get_home;
use crate::components::livestream::LivestreamStrip;
use crate::components::product_card::ProductGrid;
use crate::components::seo::PageMeta;
use crate::format::group_thousands;
use crate::i18n::{fill, use_texts};

#[component]
pub fn HomePage() -> impl IntoView {
    let texts = use_texts();
    let home = Resource::new(|| (), |_| get_home());

    view! {
        <PageMeta title=texts.site_tagline.to_owned() description=texts.site_description.to_owned()/>
        <section class="hero">
            <h1>{texts.hero_title}</h1>
            <p>{texts.hero_body}</p>
            <form class="search" method="get" action="/san-pham" role="search">
                <input type="search" name="q" placeholder=texts.search_placeholder aria-label=texts.search_button/>
                <button class="button primary" type="submit">{texts.search_button}</button>
            </form>
        </section>
        <Suspense fallback=move || view! { <p class="muted">{texts.loading}</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(Ok(data)) => view! {
                        <ul class="stats">
                            <li><strong>{group_thousands(data.stats.products.max(0) as u64)}</strong><span>{texts.stats_products}</span></li>
                            <li><strong>{group_thousands(data.stats.producers.max(0) as u64)}</strong><span>{texts.stats_producers}</span></li>
                            <li><strong>{group_thousands(data.stats.certified_products.max(0) as u64)}</strong><span>{texts.stats_certified}</span></li>
                        </ul>
                        {(!data.livestreams.is_empty()).then(|| view! {
                            <section class="livestream-slot" aria-labelledby="live-title">
                                <h2 id="live-title">{texts.livestreams_title}</h2>
                                <LivestreamStrip streams=data.livestreams.clone()/>
                                <p><a href="/livestream">{texts.see_all}</a></p>
                            </section>
                        })}
                        <section aria-labelledby="featured-title">
                            <h2 id="featured-title">{texts.featured_title}</h2>
                            {if data.featured.is_empty() {
                                view! { <p class="muted">{texts.featured_empty}</p> }.into_any()
                            } else {
                                view! { <ProductGrid products=data.featured/> }.into_any()
                            }}
                            <p><a class="button" href="/san-pham">{texts.see_all}</a></p>
                        </section>
                        <section aria-labelledby="categories-title">
                            <h2 id="categories-title">{texts.categories_title}</h2>
                            <ul class="category-list">
                                {data.categories.into_iter().map(|c| view! {
                                    <li><a href=format!("/san-pham?category={}", c.code)>
                                        <strong>{c.name}</strong>
                                        <span class="muted">{fill(texts.category_products, &[("n", &c.products.to_string())])}</span>
                                    </a></li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                    _ => view! { <p class="error">{texts.load_failed}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
