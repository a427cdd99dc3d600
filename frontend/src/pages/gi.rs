//! A geographical indication's page: certificate, protected area (pre-2025 communes) and products.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{BackendError, get_gi};
use crate::components::product_card::ProductGrid;
use crate::components::seo::PageMeta;
use crate::i18n::use_texts;
use crate::pages::not_found::NotFound;

#[component]
pub fn GiPage() -> impl IntoView {
    let texts = use_texts();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, get_gi);
    view! {
        <Suspense fallback=move || view! { <p class="muted">{texts.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => {
                        let gi = page.gi;
                        let title = format!("{} {} — {}", texts.gi_title, gi.name, gi.product);
                        let description = format!("{title}. {}", gi.protected_area);
                        view! {
                            <PageMeta title=title.clone() description/>
                            <h1>{title}</h1>
                            <dl class="facts">
                                {gi.certificate_no.clone().map(|no| view! { <dt>{texts.gi_certificate}</dt><dd>{no}</dd> })}
                                {gi.decision.clone().map(|d| view! { <dt>{texts.ocop_decision}</dt><dd>{d}</dd> })}
                                {gi.management_org.clone().map(|m| view! { <dt>{texts.gi_management}</dt><dd>{m}</dd> })}
                                <dt>{texts.gi_protected_area}</dt><dd>{gi.protected_area.clone()}</dd>
                            </dl>
                            {(!gi.communes.is_empty()).then(|| view! {
                                <ul class="chips">{gi.communes.iter().map(|c| view! { <li class="chip">{c.clone()}</li> }).collect_view()}</ul>
                            })}
                            {(!gi.specification.is_empty()).then(|| view! { <p class="prose">{gi.specification.clone()}</p> })}
                            <h2>{texts.gi_products}</h2>
                            {if page.products.is_empty() {
                                view! { <p class="muted">{texts.no_results}</p> }.into_any()
                            } else {
                                view! { <ProductGrid products=page.products/> }.into_any()
                            }}
                        }.into_any()
                    }
                    Ok(Err(BackendError::NotFound)) => view! { <NotFound/> }.into_any(),
                    _ => view! { <p class="error">{texts.load_failed}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
