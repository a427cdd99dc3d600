//! A producer's page (HTX, company, household): story, place, contact and products.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{BackendError, CommuneRef, ProducerCard, get_producer};
use crate::components::contact::ContactButtons;
use crate::components::product_card::ProductGrid;
use crate::components::seo::PageMeta;
use crate::i18n::{Texts, use_texts};
use crate::pages::not_found::NotFound;

pub fn kind_label(texts: &Texts, kind: &str) -> &'static str {
    match kind {
        "htx" => texts.producer_kind_htx,
        "company" => texts.producer_kind_company,
        "household" => texts.producer_kind_household,
        _ => texts.producer_kind_other,
    }
}

/// "Xã Tân Cương (trước 7/2025: Tân Cương, TP. Thái Nguyên)".
pub fn place_text(texts: &Texts, commune: &CommuneRef) -> Option<String> {
    let old: Vec<&str> = [
        commune.old_commune.as_deref(),
        commune.old_district.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    match (&commune.name, old.is_empty()) {
        (Some(name), true) => Some(name.clone()),
        (Some(name), false) => Some(format!(
            "{name} ({}: {})",
            texts.old_commune_label,
            old.join(", ")
        )),
        (None, false) => Some(old.join(", ")),
        (None, true) => None,
    }
}

#[component]
pub fn ProducerCardView(producer: ProducerCard) -> impl IntoView {
    let texts = use_texts();
    let place = place_text(texts, &producer.commune);
    view! {
        <section class="card producer-card">
            <h2>{texts.producer_title}</h2>
            <p class="producer-name">
                <a href=format!("/co-so/{}", producer.slug)>{producer.name.clone()}</a>
                {producer.verified.then(|| view! { " "<span class="verified">"✓ "{texts.producer_verified}</span> })}
            </p>
            <p class="muted">{kind_label(texts, &producer.kind)}</p>
            {place.map(|p| view! { <p>{texts.commune_label}": "{p}</p> })}
            <ContactButtons phone=producer.phone.clone()/>
        </section>
    }
}

#[component]
pub fn ProducerPage() -> impl IntoView {
    let texts = use_texts();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, get_producer);
    view! {
        <Suspense fallback=move || view! { <p class="muted">{texts.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => {
                        let producer = page.producer;
                        let place = place_text(texts, &producer.commune);
                        let description = if producer.description.is_empty() {
                            format!("{} — {}", producer.name, kind_label(texts, &producer.kind))
                        } else {
                            producer.description.chars().take(160).collect()
                        };
                        view! {
                            <PageMeta title=producer.name.clone() description/>
                            <h1>{producer.name.clone()}
                                {producer.verified.then(|| view! { " "<span class="verified">"✓ "{texts.producer_verified}</span> })}
                            </h1>
                            <p class="muted">{kind_label(texts, &producer.kind)}</p>
                            {place.map(|p| view! { <p>{texts.commune_label}": "{p}</p> })}
                            {producer.address.clone().map(|a| view! { <p>{texts.address_label}": "{a}</p> })}
                            <ContactButtons phone=producer.phone.clone()/>
                            {(!producer.description.is_empty()).then(|| view! { <p class="prose">{producer.description.clone()}</p> })}
                            <h2>{texts.producer_products}</h2>
                            <ProductGrid products=page.products/>
                        }.into_any()
                    }
                    Ok(Err(BackendError::NotFound)) => view! { <NotFound/> }.into_any(),
                    _ => view! { <p class="error">{texts.load_failed}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
