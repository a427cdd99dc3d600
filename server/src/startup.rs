//! Builds the application exactly as production runs it; tests build it through the same path.

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Request};
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth::session_store::PgSessionStore;
use crate::clock::{SharedClock, SystemClock};
use crate::config::Settings;
use crate::state::AppState;
use crate::{db, http, web};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How long in-flight requests may take to finish after a shutdown signal; kept under the 30 s
/// most orchestrators wait before killing.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// A bound, ready-to-serve application.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Connects, migrates, binds (port 0 picks a free port) and assembles the router.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// Like [`Application::build`] with a given clock (tests move time with a `ManualClock`).
    pub async fn build_with_clock(
        settings: Settings,
        clock: SharedClock,
    ) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(settings.address()).await?;
        let state = connect(settings, clock).await?;
        let router = build_router(state.clone());
        Ok(Application {
            listener,
            router,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests (for at most
    /// [`SHUTDOWN_GRACE`]).
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        // Expired sessions and login failures past their window are removed hourly; with several
        // instances each does it, harmlessly.
        let store = PgSessionStore::new(self.state.db.clone());
        let db = self.state.db.clone();
        let cleanup = tokio::spawn(async move {
            let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
            loop {
                every_hour.tick().await;
                if let Err(error) = store.delete_expired().await {
                    tracing::warn!(%error, "could not delete expired sessions");
                }
                if let Err(error) = crate::app::accounts::prune_login_failures(&db).await {
                    tracing::warn!(%error, "could not prune old login failures");
                }
            }
        });
        let daily = crate::jobs::spawn(self.state.clone());
        // Search sync: every instance runs a worker; row locks keep them from doubling up.
        let sync = tokio::spawn({
            let run = self.state.settings.search.sync_worker.unwrap_or(true);
            let worker = crate::search::outbox::run(
                self.state.db.clone(),
                self.state.search.index(),
                self.state.clock.clone(),
            );
            async move {
                if run {
                    worker.await
                }
            }
        });
        // Mail: every instance runs a worker; row locks keep a message from going out twice.
        let mail = tokio::spawn(crate::mail::worker::run(
            self.state.db.clone(),
            self.state.mailer.clone(),
            self.state.settings.mail.retry_cap_secs.unwrap_or(300),
        ));
        let service = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        // After the signal, in-flight requests get SHUTDOWN_GRACE to finish (new connections are
        // refused at once); then the process leaves anyway, as an orchestrator would make it.
        let (signalled, grace_starts) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async move {
            shutdown.await;
            let _ = signalled.send(());
        };
        let serving = axum::serve(self.listener, service).with_graceful_shutdown(shutdown);
        let served = tokio::select! {
            served = serving.into_future() => served,
            () = async {
                if grace_starts.await.is_err() {
                    std::future::pending::<()>().await;
                }
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => {
                tracing::warn!("the grace period ended with requests still running");
                Ok(())
            }
        };
        cleanup.abort();
        daily.abort();
        sync.abort();
        mail.abort();
        served?;
        Ok(())
    }
}

/// The state every command works on: the pool (migrated), media store, search engine and web
/// settings. The server serves it; the command line (`server import …`) runs commands on it.
pub async fn connect(settings: Settings, clock: SharedClock) -> anyhow::Result<AppState> {
    let pool = db::connect_lazy(&settings.database)?;
    db::migrate(&pool).await?;
    let media = crate::media::from_settings(&settings.media).await?;
    let search = crate::search::Search::from_settings(pool.clone(), &settings.search).await?;
    let mailer = crate::mail::Mailer::from_settings(&settings.mail);
    match mailer.describe() {
        (true, server) => tracing::info!(%server, "mail goes out through SMTP"),
        (false, why) => tracing::warn!(%why, "mail is off: messages are logged, not sent"),
    }
    let leptos = LeptosOptions::builder()
        .output_name(env!("LEPTOS_OUTPUT_NAME"))
        .site_root(settings.web.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .build();
    Ok(AppState {
        db: pool,
        settings: Arc::new(settings),
        leptos,
        clock,
        media,
        search,
        mailer,
        caches: Arc::default(),
    })
}

/// Every route and layer. Metrics see the matched route; request ids reach logs and responses.
pub fn build_router(state: AppState) -> Router {
    // Install the recorder before the first request, or early counts go nowhere.
    http::metrics::handle();
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        let request_id = request
            .headers()
            .get(REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id)
    });
    let sessions = SessionManagerLayer::new(PgSessionStore::new(state.db.clone()))
        .with_name("cho_ocop_sid")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.is_production())
        .with_expiry(Expiry::OnInactivity(time::Duration::days(30)));
    let (mut api, mut pages) = (http::api_router(), web::router(&state));
    // Health checks and metrics stay outside: a balancer probing often must not be refused.
    if let Some((api_limit, pages_limit)) = http::rate_limit::layers(
        &state.settings.limits,
        &state.settings.server.trusted_proxies,
    ) {
        api = api.layer(api_limit);
        pages = pages.layer(pages_limit);
    }
    Router::new()
        .nest("/api", api)
        .merge(http::ops_router())
        .merge(crate::http::media::router())
        .merge(pages)
        .route_layer(axum::middleware::from_fn(http::metrics::track))
        .layer(sessions)
        // Before the session layer: a refused request never creates a session row.
        .layer(axum::middleware::from_fn(http::edge::refuse_control_chars))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::csrf::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::security::headers,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CompressionLayer::new())
                .layer(TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30),
                )),
        )
        .with_state(state)
}

/// Resolves on Ctrl-C or SIGTERM (what orchestrators send before stopping an instance).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down gracefully");
}
