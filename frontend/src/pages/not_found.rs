//! The 404 page; on the server it also sets the HTTP status.

use leptos::prelude::*;

use crate::components::seo::PageMeta;
use crate::i18n::use_texts;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let texts = use_texts();
    view! {
        <PageMeta title=texts.not_found_title.to_owned() description=texts.not_found_body.to_owned()/>
        <section class="notice">
            <h1>{texts.not_found_title}</h1>
            <p>{texts.not_found_body}</p>
            <a class="button" href="/">{texts.back_home}</a>
        </section>
    }
}
