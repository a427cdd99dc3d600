//! Hosts the Leptos UI: implements the frontend's [`Backend`] port over our database and mounts
//! server-rendered pages, server functions, the hydration bundle and public assets.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use frontend::api::{
    AnnexPage, Backend, BackendError, CatalogPage, CatalogQuery, CatalogStats, CuratorDashboard,
    FacetLabels, FormState, GiPage, HomeData, ImportPage, LivestreamDto, LivestreamForm,
    ProducerDesk, ProducerForm, ProducerPage, ProductDetail, ProductEditor, ProductSuggestion,
    Request, ReviewQueuePage, ReviewQueueQuery, SharedBackend, SiteOrigin, VerifyResult, Viewer,
    is_local_path,
};
use frontend::assets::Assets;
use frontend::i18n::{LANG_COOKIE, Locale};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use serde::Deserialize;
use tower::ServiceBuilder;
use tower_http::services::ServeDir;

mod account_pages;
mod after_sale;
mod annex;
mod buying;
mod buying_pages;
mod caching;
mod curation_forms;
mod forms;
mod imports;
mod workspace;

use crate::app::{self, AppError};
use crate::db;
use crate::db::livestreams::LivestreamFilter;
use crate::db::product_page::ProductKey;
use crate::domain::listing::{MAX_PER_PAGE, ProductFilter};
use crate::state::AppState;

/// The production implementation of the UI's port: the same queries the JSON API uses.
pub struct PgBackend {
    state: AppState,
}

impl PgBackend {
    pub fn shared(state: AppState) -> SharedBackend {
        Arc::new(PgBackend { state })
    }
}

/// A 303 to a path of ours. Every redirect the web surface answers goes through here: whatever
/// is not visible ASCII (Vietnamese in a query, a control character typed into a URL) is
/// percent-encoded, so building the `Location` header can never fail and turn a redirect into a 500.
pub(crate) fn see_other(path: &str) -> axum::response::Response {
    let mut location = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_graphic() {
            location.push(c);
        } else {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                location.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Redirect::to(&location).into_response()
}

pub(crate) fn internal(error: impl std::fmt::Display) -> BackendError {
    tracing::error!(%error, "backend query failed");
    BackendError::Internal
}

/// A command's refusal in the UI's terms: pages show the sign-in, forbidden or not-found page,
/// or the reasons beside the fields.
pub(crate) fn refused(error: AppError) -> BackendError {
    match error {
        AppError::Validation(fields) => BackendError::Invalid(fields),
        AppError::Unauthorized => BackendError::Unauthorized,
        AppError::Forbidden(_) => BackendError::Forbidden,
        AppError::NotFound => BackendError::NotFound,
        other => internal(other),
    }
}

#[async_trait::async_trait]
impl Backend for PgBackend {
    async fn home(&self) -> Result<HomeData, BackendError> {
        let s = &self.state;
        let view = s.view();
        let current = LivestreamFilter {
            current: true,
            ..LivestreamFilter::default()
        };
        // Two small reads at once: the catalog's versions and the streams on now or soon (they
        // change with the clock, so they are never cached).
        let (version, streams) = tokio::try_join!(
            db::catalog::versions(&s.db),
            db::livestreams::list(&s.db, &current, view.now, 6)
        )
        .map_err(internal)?;
        // Counts over the whole catalog only when it has changed since (or on a new day).
        let catalog = s
            .caches
            .home
            .get_or_fill((version, view.today), || {
                db::catalog::home_catalog(&s.db, &view)
            })
            .await
            .map_err(internal)?;
        let livestreams = db::livestreams::cards(&s.db, streams, &view)
            .await
            .map_err(internal)?;
        Ok(HomeData {
            stats: CatalogStats {
                products: catalog.products,
                producers: catalog.producers,
                certified_products: catalog.certified_products,
            },
            featured: catalog.featured.clone(),
            categories: catalog.categories.clone(),
            livestreams,
        })
    }

    async fn catalog(&self, query: CatalogQuery) -> Result<CatalogPage, BackendError> {
        // `GET /api/v1/products`'s list, with the filters' labels and close matches.
        let filter =
            ProductFilter::parse(&query).map_err(|errors| BackendError::Invalid(errors.0))?;
        let listing = app::catalog::listing(&self.state, &filter)
            .await
            .map_err(refused)?;
        Ok(CatalogPage {
            list: listing.list,
            labels: FacetLabels::clone(&listing.labels),
            close_matches: listing.close_matches,
        })
    }

    async fn suggest(&self, q: String) -> Result<Vec<ProductSuggestion>, BackendError> {
        let s = &self.state;
        if q.trim().chars().count() < 2 {
            return Ok(vec![]);
        }
        let q: String = q.chars().take(100).collect();
        s.search.suggest(&q, s.today(), 6).await.map_err(internal)
    }

    async fn product(&self, slug: String) -> Result<ProductDetail, BackendError> {
        let s = &self.state;
        db::product_page::product_detail(&s.db, ProductKey::VisibleSlug(&slug), &s.view())
            .await
            .map_err(internal)?
            .ok_or(BackendError::NotFound)
    }

    async fn producer(&self, slug: String) -> Result<ProducerPage, BackendError> {
        let s = &self.state;
        db::catalog::producer_page(&s.db, &slug, &s.view())
            .await
            .map_err(internal)?
            .ok_or(BackendError::NotFound)
    }

    async fn livestreams(&self) -> Result<Vec<LivestreamDto>, BackendError> {
        let s = &self.state;
        let view = s.view();
        let rows = db::livestreams::list(
            &s.db,
            &LivestreamFilter::default(),
            view.now,
            i64::from(MAX_PER_PAGE),
        )
        .await
        .map_err(internal)?;
        db::livestreams::cards(&s.db, rows, &view)
            .await
            .map_err(internal)
    }

    async fn viewer(&self, req: &Request) -> Result<Option<Viewer>, BackendError> {
        workspace::viewer(&self.state, req).await
    }

    async fn auth_form(&self, req: &Request) -> Result<FormState, BackendError> {
        workspace::auth_form(req).await
    }

    async fn producer_form(
        &self,
        req: &Request,
        slug: Option<String>,
    ) -> Result<ProducerForm, BackendError> {
        workspace::producer_form(&self.state, req, slug).await
    }

    async fn producer_desk(
        &self,
        req: &Request,
        slug: String,
    ) -> Result<ProducerDesk, BackendError> {
        workspace::producer_desk(&self.state, req, slug).await
    }

    async fn annex_page(
        &self,
        req: &Request,
        upload: Option<String>,
    ) -> Result<AnnexPage, BackendError> {
        annex::annex_page(&self.state, req, upload).await
    }

    async fn import_page(
        &self,
        req: &Request,
        slug: String,
        upload: Option<String>,
    ) -> Result<ImportPage, BackendError> {
        imports::import_page(&self.state, req, slug, upload).await
    }

    async fn product_editor(
        &self,
        req: &Request,
        slug: String,
        id: Option<String>,
    ) -> Result<ProductEditor, BackendError> {
        workspace::product_editor(&self.state, req, slug, id).await
    }

    async fn livestream_form(
        &self,
        req: &Request,
        slug: String,
        id: Option<String>,
    ) -> Result<LivestreamForm, BackendError> {
        workspace::livestream_form(&self.state, req, slug, id).await
    }

    async fn gi(&self, slug: String) -> Result<GiPage, BackendError> {
        let s = &self.state;
        db::catalog::gi_page(&s.db, &slug, &s.view())
            .await
            .map_err(internal)?
            .ok_or(BackendError::NotFound)
    }

    async fn verify(&self, code: String) -> Result<VerifyResult, BackendError> {
        app::curation::verify(&self.state, &code)
            .await
            .map_err(refused)
    }

    async fn curator_dashboard(
        &self,
        request: http::request::Parts,
    ) -> Result<CuratorDashboard, BackendError> {
        let requester = workspace::requester(&self.state, &request).await?;
        app::curation::dashboard(&self.state, requester.user.as_ref())
            .await
            .map_err(refused)
    }

    async fn review_queue(
        &self,
        request: http::request::Parts,
        query: ReviewQueueQuery,
    ) -> Result<ReviewQueuePage, BackendError> {
        let requester = workspace::requester(&self.state, &request).await?;
        let queue = app::curation::review_queue(&self.state, requester.user.as_ref(), query)
            .await
            .map_err(refused)?;
        let labels = db::catalog::facet_labels(&self.state.db)
            .await
            .map_err(internal)?;
        // A refused decision's form comes back once, beside its application.
        let decision = requester
            .session
            .remove::<frontend::api::DecisionFlash>(curation_forms::DECISION_FLASH_KEY)
            .await
            .ok()
            .flatten();
        Ok(ReviewQueuePage {
            items: queue.items,
            total: queue.total,
            page: queue.page,
            per_page: queue.per_page,
            labels,
            decision,
        })
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos.clone()
    }
}

/// The page routes, generated once per process. Generating them renders the app with resource
/// loading switched off through a process-wide flag (Leptos's `SuppressResourceLoad`): a page
/// rendered by another instance in the same process meanwhile would wait for its data forever
/// (the tests run many instances side by side; that was their intermittent 30 s timeout).
pub fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES
        .get_or_init(|| generate_route_list(frontend::App))
        .clone()
}

/// Pages, server functions (`/_fn/…`), `/pkg` and public files, all in one router.
pub fn router(state: &AppState) -> Router<AppState> {
    let routes = page_routes();
    let backend = PgBackend::shared(state.clone());
    let buying: frontend::api::SharedBuyingBackend = Arc::new(PgBackend {
        state: state.clone(),
    });
    let after_sale: frontend::api::SharedAfterSaleBackend = Arc::new(PgBackend {
        state: state.clone(),
    });
    let accounts: frontend::api::SharedAccountsBackend = Arc::new(PgBackend {
        state: state.clone(),
    });
    let origin = SiteOrigin(state.base_url().to_owned());
    let options = state.leptos.clone();
    let site_root = options.site_root.to_string();
    let assets = bundle_names(&site_root);
    let not_found_assets = assets.clone();
    let pages = Router::new()
        .route("/ngon-ngu", get(switch_language))
        // Form posts share their pages' paths; the pages answer GET, these answer POST.
        .merge(forms::router())
        .merge(curation_forms::router())
        .merge(buying::router())
        .merge(after_sale::router())
        .merge(imports::router())
        .merge(annex::router())
        .leptos_routes_with_context(
            state,
            routes,
            move || {
                provide_context(backend.clone());
                provide_context(buying.clone());
                provide_context(after_sale.clone());
                provide_context(accounts.clone());
                provide_context(origin.clone());
                provide_context(assets.clone());
            },
            move || frontend::shell(options.clone()),
        )
        .layer(axum::middleware::from_fn(caching::page_etag));
    // The bundle is precompressed at build time (Brotli and gzip); ServeDir picks what the
    // client accepts and sets `Content-Encoding` and `Vary`. Its names carry their content's
    // hash, so browsers keep them for a year.
    let bundle = ServiceBuilder::new()
        .layer(axum::middleware::from_fn(caching::immutable))
        .service(
            ServeDir::new(format!("{site_root}/pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    // The 404 page comes from here too: it gets the same page treatment as the others.
    let public = ServiceBuilder::new()
        .layer(axum::middleware::from_fn(caching::page_etag))
        .layer(axum::middleware::from_fn(caching::public_day))
        .service(
            ServeDir::new(site_root).fallback(
                axum::routing::any(move |State(state): State<AppState>, request| {
                    not_found_page(state, not_found_assets.clone(), request)
                })
                .with_state(state.clone()),
            ),
        );
    pages.nest_service("/pkg", bundle).fallback_service(public)
}

/// The bundle's file names from the manifest the build wrote (`pkg/manifest.txt`), read once
/// when the router is built.
fn bundle_names(site_root: &str) -> Assets {
    let manifest = format!("{site_root}/pkg/manifest.txt");
    match std::fs::read_to_string(&manifest) {
        Ok(names) => Assets::from_manifest(&names),
        Err(_) => {
            // Pages still render without it, but unstyled and with no islands: say so loudly.
            tracing::warn!(path = %manifest, "the browser bundle is missing; set APP__WEB__SITE_ROOT");
            Assets::default()
        }
    }
}

/// Unknown paths get the UI's 404 page (with status 404), not a blank response.
async fn not_found_page(
    state: AppState,
    assets: Assets,
    request: axum::extract::Request,
) -> axum::response::Response {
    let options = state.leptos.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || provide_context(assets.clone()),
        move || frontend::shell(options.clone()),
    );
    handler(request).await.into_response()
}

#[derive(Deserialize)]
struct LanguageChoice {
    lang: String,
    next: Option<String>,
}

/// Remembers the visitor's language in a cookie and sends them back where they were.
/// Works as a plain link, so the switch needs no JavaScript.
async fn switch_language(
    State(state): State<AppState>,
    Query(choice): Query<LanguageChoice>,
) -> impl IntoResponse {
    let locale = Locale::parse(&choice.lang).unwrap_or_default();
    // Only same-site paths: an open redirect would let others borrow our domain.
    let next = choice
        .next
        .filter(|next| is_local_path(next))
        .unwrap_or_else(|| "/".to_owned());
    let secure = if state.is_production() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        locale.code()
    );
    ([(axum::http::header::SET_COOKIE, cookie)], see_other(&next))
}
