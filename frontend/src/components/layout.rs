//! The frame around every page: header with navigation and language switch, and the footer.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::{Locale, use_texts};

/// Header, main content and footer. The menu is plain links without JavaScript; once hydrated,
/// small screens collapse it behind a toggle button.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let texts = use_texts();
    let locale = use_context::<Locale>().unwrap_or_default();
    let other = match locale {
        Locale::Vi => Locale::En,
        Locale::En => Locale::Vi,
    };
    let location = use_location();
    let switch_href = move || {
        let next = location.pathname.get();
        format!("/ngon-ngu?lang={}&next={}", other.code(), next)
    };
    let (menu_open, set_menu_open) = signal(false);
    let hydrated = RwSignal::new(false);
    // Effects run only in the browser, after hydration: the page then marks itself enhanced.
    Effect::new(move |_| hydrated.set(true));

    view! {
        <div class="page" data-hydrated=move || hydrated.get().then_some("true")>
            <header class="site-header">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"★"</span>
                    <span class="brand-name">{texts.site_name}</span>
                    <span class="brand-tagline">{texts.site_tagline}</span>
                </a>
                <button
                    class="menu-toggle"
                    type="button"
                    aria-controls="site-nav"
                    aria-expanded=move || if menu_open.get() { "true" } else { "false" }
                    on:click=move |_| set_menu_open.update(|open| *open = !*open)
                >
                    {texts.nav_menu}
                </button>
                <nav id="site-nav" class="site-nav" class:open=move || menu_open.get()>
                    <a href="/">{texts.nav_home}</a>
                    <a href="/san-pham">{texts.nav_catalog}</a>
                    <a href="/livestream">{texts.nav_livestreams}</a>
                    <a href="/quan-ly">{texts.nav_sellers}</a>
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
