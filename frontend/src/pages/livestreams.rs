//! The livestream page: live now, coming up, and past streams.

use leptos::prelude::*;

use crate::api::get_livestreams;
use crate::components::livestream::LivestreamCard;
use crate::components::seo::PageMeta;
use crate::i18n::use_texts;

#[component]
pub fn LivestreamsPage() -> impl IntoView {
    let texts = use_texts();
    let data = Resource::new(|| (), |_| get_livestreams());
    view! {
        <PageMeta title=texts.live_page_title.to_owned() description=texts.live_page_description.to_owned()/>
        <h1>{texts.live_page_title}</h1>
        <Suspense fallback=move || view! { <p class="muted">{texts.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(streams)) if streams.is_empty() => view! { <p class="muted">{texts.live_none}</p> }.into_any(),
                    Ok(Ok(streams)) => {
                        let sections = [("live", texts.live_now), ("upcoming", texts.live_upcoming), ("past", texts.live_past)];
                        sections.into_iter().map(|(status, title)| {
                            let these: Vec<_> = streams.iter().filter(|s| s.status == status).cloned().collect();
                            (!these.is_empty()).then(|| view! {
                                <section>
                                    <h2>{title}</h2>
                                    <div class="live-strip">
                                        {these.into_iter().map(|stream| view! { <LivestreamCard stream show_products=true/> }).collect_view()}
                                    </div>
                                </section>
                            })
                        }).collect_view().into_any()
                    }
                    _ => view! { <p class="error">{texts.load_failed}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
