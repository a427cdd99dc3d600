//! The home page: what Chợ OCOP is, featured OCOP products, product groups and the livestream slot.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::get_home;
use crate::format::group_thousands;
use crate::i18n::use_texts;

#[component]
pub fn HomePage() -> impl IntoView {
    let texts = use_texts();
    let home = Resource::new(|| (), |_| get_home());

    view! {
        <Title text=""/>
        <section class="hero">
            <h1>{texts.hero_title}</h1>
            <p>{texts.hero_body}</p>
            <a class="button primary" href="/san-pham">{texts.hero_cta}</a>
        </section>
        <Suspense fallback=move || view! { <p class="muted">{texts.loading}</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(data) => view! {
                        <ul class="stats">
                            <li><strong>{group_thousands(data.stats.products.max(0) as u64)}</strong><span>{texts.stats_products}</span></li>
                            <li><strong>{group_thousands(data.stats.producers.max(0) as u64)}</strong><span>{texts.stats_producers}</span></li>
                            <li><strong>{group_thousands(data.stats.certified_products.max(0) as u64)}</strong><span>{texts.stats_certified}</span></li>
                        </ul>
                    }.into_any(),
                    Err(_) => view! { <p class="error">{texts.load_failed}</p> }.into_any(),
                }
            })}
        </Suspense>
        <section class="livestream-slot" aria-labelledby="livestreams-title">
            <h2 id="livestreams-title">{texts.livestreams_title}</h2>
            <p class="muted">{texts.livestreams_empty}</p>
        </section>
    }
}
