//! The frame around every page: header with navigation and language switch, and the footer.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::{ProductSuggestion, get_suggestions};
use crate::components::cart::CartLink;

use crate::i18n::{Locale, request_locale, use_texts};

/// Header, main content and footer. Everything here is server-rendered HTML: the menu is a row
/// of plain links (scrolling sideways on a phone), so no page needs code to show its navigation
/// and nothing moves when the search box's island wakes up.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let texts = use_texts();
    let locale = use_context::<Locale>().unwrap_or_default();
    let other = match locale {
        Locale::Vi => Locale::En,
        Locale::En => Locale::Vi,
    };
    let location = use_location();
    let next: String = form_urlencoded::byte_serialize(super::here(&location).as_bytes()).collect();
    let switch_href = format!("/ngon-ngu?lang={}&next={}", other.code(), next);

    view! {
        <div class="page">
            <header class="site-header">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"★"</span>
                    <span class="brand-name">{texts.site_name}</span>
                    <span class="brand-tagline">{texts.site_tagline}</span>
                </a>
                <SearchBox/>
                <nav id="site-nav" class="site-nav">
                    <a href="/">{texts.nav_home}</a>
                    <a href="/san-pham">{texts.nav_catalog}</a>
                    <a href="/livestream">{texts.nav_livestreams}</a>
                    <a href="/quan-ly">{texts.nav_sellers}</a>
                    <CartLink/>
                    <a class="lang-switch" href=switch_href hreflang=other.code() rel="nofollow">
                        {texts.switch_language}
                    </a>
                </nav>
            </header>
            <main class="site-main">{children()}</main>
            <footer class="site-footer">
                <p>{texts.footer_about}</p>
            </footer>
        </div>
    }
}

/// How long typing must pause before suggestions are fetched.
const SUGGEST_DEBOUNCE: Duration = Duration::from_millis(250);

/// The header's search: a plain GET form to the catalog (works without JavaScript). On the
/// catalog the box shows what was searched; that is read here, on the server.
#[component]
fn SearchBox() -> impl IntoView {
    let params = use_query_map();
    let location = use_location();
    let current = (location.pathname.get_untracked() == "/san-pham")
        .then(|| params.read_untracked().get("q"))
        .flatten()
        .unwrap_or_default();
    view! { <SearchSuggest current/> }
}

/// The search form as an island: once awake, products are suggested as the buyer types, after
/// a short pause. The texts follow the page's `lang` (the island has no router or context).
#[island]
fn SearchSuggest(current: String) -> impl IntoView {
    let texts = request_locale().texts();
    let suggestions = RwSignal::new(Vec::<ProductSuggestion>::new());
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let typed = StoredValue::new(String::new());
    let awake = super::awake();
    let on_input = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        typed.set_value(value.clone());
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        if value.trim().chars().count() < 2 {
            suggestions.set(vec![]);
            return;
        }
        let handle = set_timeout_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    let found = get_suggestions(value.clone()).await;
                    // Answers to older keystrokes are dropped.
                    if typed.get_value() == value
                        && let Ok(Ok(found)) = found
                    {
                        suggestions.set(found);
                    }
                });
            },
            SUGGEST_DEBOUNCE,
        )
        .ok();
        pending.set_value(handle);
    };

    view! {
        <form class="site-search" role="search" method="get" action="/san-pham"
            data-hydrated=awake>
            <input
                type="search"
                name="q"
                autocomplete="off"
                aria-label=texts.search_button
                placeholder=texts.search_placeholder
                value=current
                on:input=on_input
            />
            <button class="button" type="submit">{texts.search_button}</button>
            <Show when=move || !suggestions.read().is_empty()>
                <ul class="suggestions" aria-label=texts.search_suggestions>
                    <For
                        each=move || suggestions.get()
                        key=|s| s.slug.clone()
                        children=|s| view! { <li><a href=format!("/san-pham/{}", s.slug)>{s.name}</a></li> }
                    />
                </ul>
            </Show>
        </form>
    }
}
