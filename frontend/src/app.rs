//! The HTML shell and the router: which page answers which path.

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::assets::Assets;
use crate::components::layout::Layout;
use crate::i18n::{Locale, request_locale};
use crate::pages::account::{AccountRoute, InvitationRoute, LoginPage, RegisterPage};
use crate::pages::buying::{CartRoute, CheckoutRoute, MyOrdersRoute, OrderRoute, PlacedRoute};
use crate::pages::catalog::CatalogPage;
use crate::pages::curator::{AnnexImportRoute, CuratorDashboardPage, ReviewQueueRoute};
use crate::pages::gi::GiPage;
use crate::pages::livestreams::LivestreamsPage;
use crate::pages::notifications::{NotificationsRoute, UnsubscribeRoute};
use crate::pages::producer::ProducerPage;
use crate::pages::product::ProductPage;
use crate::pages::report::SalesReportRoute;
use crate::pages::selling::{OrderInboxRoute, SalesSettingsRoute, SellerOrderRoute};
use crate::pages::verify::{VerifyLookupPage, VerifyPage};
use crate::pages::workspace::{
    ImportPageRoute, LivestreamFormPage, MembersRoute, ProducerDeskPage, ProducerFormPage,
    ProductEditorPage, WorkspaceHome,
};
use crate::pages::{home::HomePage, not_found::NotFound};

/// The whole document the server sends. `lang` tells the islands which texts to use. No script
/// is inline: the island loader is a cached file, so the page has no per-request nonce and the
/// same data gives the same bytes (what lets an ETag answer a repeat visit with 304).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let _ = options;
    let locale = request_locale();
    let assets = use_context::<Assets>().unwrap_or_default();
    // Islands mode: only islands hydrate; everything else is server HTML with no hydration
    // markers and no serialized resources.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    #[cfg(feature = "ssr")]
    send_content_policy();
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href=assets.css/>
                // Loads the islands' code only where a page has islands, and only when one of
                // them is first used (see frontend/islands.js).
                <script defer src=assets.loader data-js=assets.js data-wasm=assets.wasm></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this site (no inline script runs, so
/// injected markup cannot execute); wasm may compile; frames only from YouTube's no-cookie
/// player; nobody may frame us. Styles stay inline-friendly (`style=` attributes are used for
/// bars and charts); images may come from the media host.
#[cfg(feature = "ssr")]
fn send_content_policy() {
    use http::header::{CONTENT_SECURITY_POLICY, HeaderValue};
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    response.insert_header(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; \
             frame-src https://www.youtube-nocookie.com; connect-src 'self'; object-src 'none'; \
             base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
}

/// The application root, rendered on the server (islands hydrate on their own).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale: Locale = request_locale();
    provide_context(locale);
    let texts = locale.texts();

    view! {
        <Link rel="icon" href="/favicon.svg"/>
        <Title formatter=move |title: String| {
            if title.is_empty() { texts.site_name.to_owned() } else { format!("{title} · {}", texts.site_name) }
        }/>
        <Router>
            <Layout>
                // Async SSR: the server waits for data and sends complete HTML, so every page works
                // without JavaScript (out-of-order streaming would need JS to place its chunks).
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/san-pham") view=CatalogPage ssr=SsrMode::Async/>
                    <Route path=path!("/san-pham/:slug") view=ProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/co-so/:slug") view=ProducerPage ssr=SsrMode::Async/>
                    <Route path=path!("/chi-dan-dia-ly/:slug") view=GiPage ssr=SsrMode::Async/>
                    <Route path=path!("/livestream") view=LivestreamsPage ssr=SsrMode::Async/>
                    <Route path=path!("/dang-nhap") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/dang-ky") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/tai-khoan") view=AccountRoute ssr=SsrMode::Async/>
                    <Route path=path!("/loi-moi/:token") view=InvitationRoute ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly") view=WorkspaceHome ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/co-so-moi") view=ProducerFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug") view=ProducerDeskPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/ho-so") view=ProducerFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/thanh-vien") view=MembersRoute ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/san-pham-moi") view=ProductEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/san-pham/:id") view=ProductEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/nhap-san-pham") view=ImportPageRoute ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/nhap-san-pham/:upload") view=ImportPageRoute ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/livestream-moi") view=LivestreamFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/livestream/:id") view=LivestreamFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/ban-hang") view=SalesSettingsRoute ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/don-hang") view=OrderInboxRoute ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/don-hang/:code") view=SellerOrderRoute ssr=SsrMode::Async/>
                    <Route path=path!("/quan-ly/:slug/bao-cao") view=SalesReportRoute ssr=SsrMode::Async/>
                    <Route path=path!("/gio-hang") view=CartRoute ssr=SsrMode::Async/>
                    <Route path=path!("/thanh-toan") view=CheckoutRoute ssr=SsrMode::Async/>
                    <Route path=path!("/dat-hang/xong") view=PlacedRoute ssr=SsrMode::Async/>
                    <Route path=path!("/don-hang") view=MyOrdersRoute ssr=SsrMode::Async/>
                    <Route path=path!("/don-hang/:code") view=OrderRoute ssr=SsrMode::Async/>
                    <Route path=path!("/thong-bao") view=NotificationsRoute ssr=SsrMode::Async/>
                    <Route path=path!("/thong-bao/huy/:token") view=UnsubscribeRoute ssr=SsrMode::Async/>
                    <Route path=path!("/xac-minh") view=VerifyLookupPage ssr=SsrMode::Async/>
                    <Route path=path!("/xac-minh/:code") view=VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/can-bo") view=CuratorDashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/can-bo/ho-so") view=ReviewQueueRoute ssr=SsrMode::Async/>
                    <Route path=path!("/can-bo/quyet-dinh") view=AnnexImportRoute ssr=SsrMode::Async/>
                    <Route path=path!("/can-bo/quyet-dinh/:upload") view=AnnexImportRoute ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
