//! A producer's sales report over the JSON API and as a CSV file for Excel (its members).

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use frontend::api::SalesReport;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{AppJson, AppPath, AppQuery};
use super::schemas::{ErrorBody, KnownProducer, SignedIn};
use crate::app;
use crate::app::report::Period;
use crate::auth::Requester;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/producers/{slug}/report", get(sales_report))
        .route("/v1/producers/{slug}/report.csv", get(sales_report_csv))
}

/// Which months a report covers; both optional and inclusive.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportMonths {
    /// The first month counted, `2026-10` (Vietnam time).
    #[param(pattern = "^ *([0-9]{4}-[0-9]{2})? *$")]
    from: Option<String>,
    /// The last month counted, `2026-12`.
    #[param(pattern = "^ *([0-9]{4}-[0-9]{2})? *$")]
    to: Option<String>,
}

impl ReportMonths {
    fn period(&self) -> Period<'_> {
        Period {
            from: self.from.as_deref(),
            to: self.to.as_deref(),
        }
    }
}

/// The producer's sales by month, product, payment method and payment state. Every order that
/// is not cancelled counts (paid or not); revenue is the orders' totals (goods and delivery, a
/// product's row: its lines); months are Vietnam time (UTC+7).
#[utoipa::path(
    get,
    path = "/api/v1/producers/{slug}/report",
    tag = "buying",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer"), ReportMonths),
    responses(
        (status = 200, description = "The report", body = SalesReport),
        SignedIn,
        (status = 403, description = "Not a member of this producer", body = ErrorBody),
        KnownProducer,
        (status = 422, description = "A month not written `YYYY-MM`, or `to` before `from`", body = ErrorBody),
    ),
)]
pub(crate) async fn sales_report(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(slug): AppPath<String>,
    AppQuery(months): AppQuery<ReportMonths>,
) -> Result<AppJson<SalesReport>, ApiError> {
    Ok(AppJson(
        app::report::sales(&state, requester.user.as_ref(), &slug, months.period()).await?,
    ))
}

/// The same orders as CSV for Excel, one per row: code, date and month (Vietnam time), status,
/// payment method and state, buyer, products, quantity, goods, delivery fee and total. The
/// columns' names are in Vietnamese, as the people who open the file read them.
#[utoipa::path(
    get,
    path = "/api/v1/producers/{slug}/report.csv",
    tag = "buying",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer"), ReportMonths),
    responses(
        (status = 200, description = "UTF-8 with BOM, `;`-separated, decimal comma; typed text never starts a formula", content_type = "text/csv", body = String),
        SignedIn,
        (status = 403, description = "Not a member of this producer", body = ErrorBody),
        KnownProducer,
        (status = 422, description = "A month not written `YYYY-MM`, or `to` before `from`", body = ErrorBody),
    ),
)]
pub(crate) async fn sales_report_csv(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(slug): AppPath<String>,
    AppQuery(months): AppQuery<ReportMonths>,
) -> Result<Response, ApiError> {
    let file =
        app::report::sales_csv(&state, requester.user.as_ref(), &slug, months.period()).await?;
    Ok(super::download(
        "text/csv; charset=utf-8",
        &file.filename,
        file.csv,
    ))
}
