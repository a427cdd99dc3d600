//! A per-client limit on GET requests to the API and the pages (tower_governor), so one client
//! cannot keep the catalog's search and listings busy for everyone. Clients are keyed like the
//! sign-in limits: IPv4 address or IPv6 /64, the forwarded client behind trusted proxies.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode, header};
use tower_governor::GovernorError;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;

use crate::auth::client::{bucket, client_address};
use crate::config::{LimitsSettings, TrustedProxies};

/// The client a request counts against.
#[derive(Clone)]
pub struct ClientKey {
    trusted: Arc<TrustedProxies>,
}

impl KeyExtractor for ClientKey {
    type Key = String;

    fn extract<T>(&self, request: &Request<T>) -> Result<String, GovernorError> {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or(GovernorError::UnableToExtractKey)?;
        Ok(bucket(client_address(
            peer,
            request.headers(),
            &self.trusted,
        )))
    }
}

pub type Layer =
    tower_governor::GovernorLayer<ClientKey, governor::middleware::NoOpMiddleware, Body>;

/// The layers for the API (a JSON error) and for the pages (a Vietnamese sentence), sharing one
/// budget per client; `None` when the limit is off (`requests_per_second = 0`). Starts the task
/// that forgets idle clients, so the table of clients stays small.
pub fn layers(limits: &LimitsSettings, trusted: &TrustedProxies) -> Option<(Layer, Layer)> {
    if limits.requests_per_second == 0 {
        return None;
    }
    let config = GovernorConfigBuilder::default()
        .key_extractor(ClientKey {
            trusted: Arc::new(trusted.clone()),
        })
        .period(Duration::from_secs(1) / limits.requests_per_second)
        .burst_size(limits.request_burst.max(1))
        .methods(vec![Method::GET, Method::HEAD])
        .finish()?;
    let config = Arc::new(config);
    let limiter = config.limiter().clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            limiter.retain_recent();
        }
    });
    let api = Layer::new(config.clone()).error_handler(|error| {
        refusal(error, "application/json", |secs| {
            serde_json::json!({ "error": {
                "code": "too_many_requests",
                "message": format!("quá nhiều yêu cầu; hãy thử lại sau {secs} giây"),
            }})
            .to_string()
        })
    });
    let pages = Layer::new(config).error_handler(|error| {
        refusal(error, "text/plain; charset=utf-8", |secs| {
            format!("Bạn mở trang quá nhanh; hãy thử lại sau {secs} giây.")
        })
    });
    Some((api, pages))
}

fn refusal(
    error: GovernorError,
    content_type: &'static str,
    body: impl Fn(u64) -> String,
) -> Response<Body> {
    let (status, secs) = match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            (StatusCode::TOO_MANY_REQUESTS, wait_time.max(1))
        }
        // Without a peer address (never over TCP) the request is not ours to limit.
        _ => (StatusCode::INTERNAL_SERVER_ERROR, 1),
    };
    let mut response = Response::new(Body::from(body(secs)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    response
}
