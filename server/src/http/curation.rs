//! OCOP curation over HTTP: producers apply (with documents), curators review, decide and revoke,
//! anyone verifies a certificate (JSON and QR codes). Every write happens in one transaction with
//! its audit entry; certificates are written only through `db::certificates`.

use std::collections::BTreeMap;
use std::io::Cursor;

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use chrono::NaiveDate;
use frontend::api::{
    ApplicationDto, CertificateDto, CertificateReminder, CuratorDashboard, GiMismatch, Page,
    ReviewQueueQuery, VerifyResult,
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::error::ApiError;
use super::extract::{AppJson, AppPath};
use super::schemas::ErrorBody;
use super::workspace::multipart_error;
use crate::auth::{AuthError, Requester, Rule, User};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::certificates::NewCertificate;
use crate::db::ocop_applications::{
    ApplicationFilter, ApplicationHead, NewApplication, Transition,
};
use crate::domain::FieldErrors;
use crate::domain::curation::{
    ApplicationStatus, RuleSet, SelfScore, VerifyCode, check_issuer, deciding_level, default_issuer,
};
use crate::domain::listing::{DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::domain::ocop::{IssuerLevel, Stars};
use crate::media::ObjectKey;
use crate::state::AppState;

/// Scans of a dossier: a multi-page PDF stays well under this; larger bodies get 413.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;
/// A dossier has about five documents (ocop.md); this leaves room for re-uploads.
const MAX_DOCUMENTS: i64 = 20;
/// The dashboard's "expiring soon" window.
pub const DASHBOARD_EXPIRING_DAYS: i32 = 90;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/products/{product}/ocop-applications",
            post(create_application),
        )
        .route(
            "/v1/producers/{slug}/ocop-applications",
            get(producer_applications),
        )
        .route(
            "/v1/producers/{slug}/certificate-reminders",
            get(producer_reminders),
        )
        .route("/v1/ocop-applications", get(review_queue))
        .route("/v1/ocop-applications/{id}", get(get_application))
        .route(
            "/v1/ocop-applications/{id}/submit",
            post(submit_application),
        )
        .route(
            "/v1/ocop-applications/{id}/withdraw",
            post(withdraw_application),
        )
        .route("/v1/ocop-applications/{id}/review", post(start_review))
        .route("/v1/ocop-applications/{id}/decision", post(decide))
        .route(
            "/v1/ocop-applications/{id}/documents",
            post(upload_document).layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 64 * 1024)),
        )
        .route(
            "/v1/ocop-applications/{id}/documents/{document}",
            get(get_document),
        )
        .route(
            "/v1/ocop-certificates/{id}/revoke",
            post(revoke_certificate),
        )
        .route("/v1/ocop-certificates.csv", get(register_csv))
        .route("/v1/verify/{code}", get(verify))
        .route("/v1/gi-mismatches", get(gi_mismatches))
        .route("/v1/curation/dashboard", get(dashboard))
}

/// QR codes for packaging, beside the verification page they link to.
pub fn qr_router() -> Router<AppState> {
    Router::new()
        .route("/xac-minh/{code}/qr.svg", get(qr_svg))
        .route("/xac-minh/{code}/qr.png", get(qr_png))
}

fn field_error(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Validation(BTreeMap::from([(field.to_owned(), message.into())]))
}

fn illegal_transition(from: ApplicationStatus, to: ApplicationStatus) -> ApiError {
    ApiError::Conflict {
        code: "illegal_transition",
        message: format!(
            "hồ sơ đang ở trạng thái {} nên không thể chuyển sang {}",
            from.as_str(),
            to.as_str()
        ),
    }
}

/// Application and certificate snapshots for the audit log.
fn audit_json<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct ApplicationBody {
    /// `148/2023` or `26/2026` (the codes `148-2023`, `26-2026` work too).
    #[serde(default)]
    #[schema(required = true, example = "148/2023")]
    rule_set: String,
    /// Self-assessment per part, each within the rule set's maximum (A 40, B 25, C 35).
    self_score: Option<frontend::api::SelfScoreDto>,
    notes: Option<String>,
    /// `true` keeps it as a draft (to attach documents first); by default it is submitted.
    #[serde(default)]
    draft: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ApplicationCreated {
    id: Uuid,
    /// `submitted`, or `draft` when asked for.
    status: String,
    application: ApplicationDto,
}

async fn load_application(state: &AppState, id: Uuid) -> Result<ApplicationDto, ApiError> {
    db::ocop_applications::get(&state.db, id, state.today())
        .await?
        .ok_or(ApiError::NotFound)
}

async fn application_head(state: &AppState, id: Uuid) -> Result<ApplicationHead, ApiError> {
    db::ocop_applications::head_for_update(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Members of the product's producer apply for its OCOP rating.
#[utoipa::path(
    post,
    path = "/api/v1/products/{product}/ocop-applications",
    tag = "ocop",
    security(("session" = [])),
    params(("product" = Uuid, Path, description = "The product's id")),
    request_body = ApplicationBody,
    responses(
        (status = 201, description = "Submitted (or kept as a draft)", body = ApplicationCreated),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of its producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No product has this id", body = ErrorBody),
        (status = 409, description = "The product already has an open application (`application_open`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Unknown rule set, scores out of bounds, notes too long, archived product", body = ErrorBody),
    ),
)]
pub(crate) async fn create_application(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(product_id): AppPath<Uuid>,
    AppJson(body): AppJson<ApplicationBody>,
) -> Result<(StatusCode, AppJson<ApplicationCreated>), ApiError> {
    requester.require(Rule::SignedIn)?;
    let stored = db::products::stored(&state.db, product_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let producer_id = stored.producer_id;
    let user = requester.require(Rule::MemberOf(producer_id))?;
    let mut errors = FieldErrors::default();
    let rule_set = errors.check("rule_set", body.rule_set.parse::<RuleSet>());
    let self_score = match (rule_set, body.self_score) {
        (Some(rule_set), Some(s)) => match SelfScore::parse(rule_set, [s.a, s.b, s.c]) {
            Ok(score) => Some(score),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        },
        _ => None,
    };
    let notes = body.notes.unwrap_or_default().trim().to_owned();
    if notes.chars().count() > 5000 {
        errors.add("notes", "dài tối đa 5.000 ký tự");
    }
    if stored.status == "archived" {
        errors.add("product", "sản phẩm đã ngừng bán");
    }
    let Some(rule_set) = rule_set.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors.0));
    };
    let status = if body.draft {
        ApplicationStatus::Draft
    } else {
        ApplicationStatus::Submitted
    };
    let mut tx = state.db.begin().await?;
    let id = db::ocop_applications::insert(
        &mut tx,
        &NewApplication {
            product_id,
            producer_id,
            rule_set,
            self_score,
            notes: &notes,
            status,
            created_by: user.id,
            now: state.clock.now(),
        },
    )
    .await?
    .ok_or_else(|| ApiError::Conflict {
        code: "application_open",
        message: "sản phẩm này đang có một hồ sơ OCOP chưa xử lý xong".into(),
    })?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "ocop_application.create",
            entity: "ocop_application",
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after: Some(
                json!({ "product_id": product_id, "rule_set": rule_set.code(),
                                "status": status.as_str(), "self_score": body.self_score }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    let application = load_application(&state, id).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(ApplicationCreated {
            id,
            status: status.as_str().to_owned(),
            application,
        }),
    ))
}

/// Checks the queue's filters (the API and the `/can-bo/ho-so` page share them).
pub(crate) fn parse_filter(
    q: ReviewQueueQuery,
    default_statuses: &[ApplicationStatus],
) -> Result<(ApplicationFilter, u32, u32), ApiError> {
    let mut errors = FieldErrors::default();
    let present = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let statuses = match present(q.status) {
        None => default_statuses.to_vec(),
        Some(raw) => raw
            .split(',')
            .filter_map(|s| errors.check("status", s.parse::<ApplicationStatus>()))
            .collect(),
    };
    let rule_set = present(q.rule_set).and_then(|r| errors.check("rule_set", r.parse()));
    let min_waiting_days = present(q.min_waiting_days).and_then(|d| {
        errors.check(
            "min_waiting_days",
            d.parse::<i64>()
                .ok()
                .filter(|d| (0..=36_500).contains(d))
                .ok_or_else(|| "phải là số ngày từ 0".to_owned()),
        )
    });
    let page = present(q.page).map_or(Some(1), |p| {
        errors.check(
            "page",
            p.parse::<u32>()
                .ok()
                .filter(|p| *p >= 1 && *p <= 10_000)
                .ok_or_else(|| "phải là số trang từ 1".to_owned()),
        )
    });
    let per_page = present(q.per_page).map_or(Some(DEFAULT_PER_PAGE), |p| {
        errors.check(
            "per_page",
            p.parse::<u32>()
                .ok()
                .filter(|p| (1..=MAX_PER_PAGE).contains(p))
                .ok_or_else(|| format!("phải từ 1 đến {MAX_PER_PAGE}")),
        )
    });
    let (Some(page), Some(per_page)) = (page, per_page) else {
        return Err(ApiError::Validation(errors.0));
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors.0));
    }
    Ok((
        ApplicationFilter {
            statuses,
            producer_id: None,
            commune: present(q.commune),
            category: present(q.category),
            rule_set,
            min_waiting_days,
            limit: i64::from(per_page),
            offset: i64::from(page - 1) * i64::from(per_page),
        },
        page,
        per_page,
    ))
}

/// Curators' review queue: submitted and under-review applications, longest waiting first.
#[utoipa::path(
    get,
    path = "/api/v1/ocop-applications",
    tag = "ocop",
    security(("session" = [])),
    params(ReviewQueueQuery),
    responses(
        (status = 200, description = "One page of applications", body = Page<ApplicationDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a curator", body = ErrorBody),
        (status = 422, description = "Invalid filters", body = ErrorBody),
    ),
)]
async fn review_queue(
    State(state): State<AppState>,
    requester: Requester,
    Query(query): Query<ReviewQueueQuery>,
) -> Result<AppJson<Page<ApplicationDto>>, ApiError> {
    requester.require(Rule::Curator)?;
    let (filter, page, per_page) = parse_filter(
        query,
        &[ApplicationStatus::Submitted, ApplicationStatus::UnderReview],
    )?;
    let (items, total) = db::ocop_applications::list(&state.db, &filter, state.today()).await?;
    Ok(AppJson(Page {
        items,
        total,
        page,
        per_page,
    }))
}

/// A producer's own applications (every status), for its workspace.
#[utoipa::path(
    get,
    path = "/api/v1/producers/{slug}/ocop-applications",
    tag = "ocop",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer's slug"), ReviewQueueQuery),
    responses(
        (status = 200, description = "One page of applications", body = Page<ApplicationDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of this producer", body = ErrorBody),
        (status = 404, description = "No producer has this slug", body = ErrorBody),
        (status = 422, description = "Invalid filters", body = ErrorBody),
    ),
)]
async fn producer_applications(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(slug): AppPath<String>,
    Query(query): Query<ReviewQueueQuery>,
) -> Result<AppJson<Page<ApplicationDto>>, ApiError> {
    requester.require(Rule::SignedIn)?;
    let producer = super::workspace::producer_id(&state, &slug).await?;
    requester.require(Rule::MemberOf(producer))?;
    let (mut filter, page, per_page) = parse_filter(query, &[])?;
    filter.producer_id = Some(producer);
    let (items, total) = db::ocop_applications::list(&state.db, &filter, state.today()).await?;
    Ok(AppJson(Page {
        items,
        total,
        page,
        per_page,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
struct RemindersBody {
    items: Vec<CertificateReminder>,
}

/// A producer's certificates nearing expiry (reminders at 180, 90 and 30 days).
#[utoipa::path(
    get,
    path = "/api/v1/producers/{slug}/certificate-reminders",
    tag = "ocop",
    security(("session" = [])),
    params(("slug" = String, Path, description = "The producer's slug")),
    responses(
        (status = 200, description = "Reminders, soonest expiry first", body = RemindersBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of this producer", body = ErrorBody),
        (status = 404, description = "No producer has this slug", body = ErrorBody),
    ),
)]
async fn producer_reminders(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(slug): AppPath<String>,
) -> Result<AppJson<RemindersBody>, ApiError> {
    requester.require(Rule::SignedIn)?;
    let producer = super::workspace::producer_id(&state, &slug).await?;
    requester.require(Rule::MemberOf(producer))?;
    let items = db::certificates::reminders_for_producer(
        &state.db,
        producer,
        state.today(),
        state.base_url(),
    )
    .await?;
    Ok(AppJson(RemindersBody { items }))
}

/// Members of the producer and curators may read an application.
fn may_read(requester: &Requester, head: &ApplicationHead) -> Result<(), ApiError> {
    match requester.require(Rule::MemberOf(head.producer_id)) {
        Ok(_) => Ok(()),
        Err(AuthError::Forbidden(_)) => Ok(requester.require(Rule::Curator).map(|_| ())?),
        Err(other) => Err(other.into()),
    }
}

/// One application with its documents.
#[utoipa::path(
    get,
    path = "/api/v1/ocop-applications/{id}",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The application", body = ApplicationDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a member of its producer nor a curator", body = ErrorBody),
        (status = 404, description = "No application has this id", body = ErrorBody),
    ),
)]
async fn get_application(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
) -> Result<AppJson<ApplicationDto>, ApiError> {
    requester.require(Rule::SignedIn)?;
    let head = application_head(&state, id).await?;
    may_read(&requester, &head)?;
    Ok(AppJson(load_application(&state, id).await?))
}

/// Moves an application one step for `user`, in one transaction with its audit entry.
async fn move_application(
    state: &AppState,
    user: &User,
    id: Uuid,
    to: ApplicationStatus,
    reason: Option<&str>,
) -> Result<ApplicationDto, ApiError> {
    let mut tx = state.db.begin().await?;
    let head = db::ocop_applications::head_for_update(&mut *tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !head.status.can_become(to) {
        return Err(illegal_transition(head.status, to));
    }
    let moved = db::ocop_applications::transition(
        &mut tx,
        id,
        head.status,
        to,
        state.clock.now(),
        Transition {
            actor: Some(user.id),
            reason,
            certificate_id: None,
        },
    )
    .await?;
    if !moved {
        return Err(illegal_transition(head.status, to));
    }
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: match to {
                ApplicationStatus::Submitted => "ocop_application.submit",
                ApplicationStatus::UnderReview => "ocop_application.review",
                ApplicationStatus::Withdrawn => "ocop_application.withdraw",
                ApplicationStatus::Approved => "ocop_application.approve",
                ApplicationStatus::Rejected => "ocop_application.reject",
                ApplicationStatus::Draft => "ocop_application.draft",
            },
            entity: "ocop_application",
            entity_id: id.to_string(),
            reason,
            before: Some(json!({ "status": head.status.as_str() })),
            after: Some(json!({ "status": to.as_str() })),
        },
    )
    .await?;
    tx.commit().await?;
    load_application(state, id).await
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct ReasonBody {
    reason: Option<String>,
}

/// Members submit a draft application.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-applications/{id}/submit",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "Submitted", body = ApplicationDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of its producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No application has this id", body = ErrorBody),
        (status = 409, description = "Not a draft (`illegal_transition`)", body = ErrorBody),
    ),
)]
async fn submit_application(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
) -> Result<AppJson<ApplicationDto>, ApiError> {
    requester.require(Rule::SignedIn)?;
    let head = application_head(&state, id).await?;
    let user = requester.require(Rule::MemberOf(head.producer_id))?;
    Ok(AppJson(
        move_application(&state, user, id, ApplicationStatus::Submitted, None).await?,
    ))
}

/// Members withdraw an application that is still open.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-applications/{id}/withdraw",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    request_body(content = ReasonBody, description = "Optional reason"),
    responses(
        (status = 200, description = "Withdrawn", body = ApplicationDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of its producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No application has this id", body = ErrorBody),
        (status = 409, description = "Already decided or withdrawn (`illegal_transition`)", body = ErrorBody),
    ),
)]
async fn withdraw_application(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    body: Bytes,
) -> Result<AppJson<ApplicationDto>, ApiError> {
    requester.require(Rule::SignedIn)?;
    let head = application_head(&state, id).await?;
    let user = requester.require(Rule::MemberOf(head.producer_id))?;
    // The body is optional: nothing, or `{"reason": "…"}`.
    let body: ReasonBody = if body.iter().all(u8::is_ascii_whitespace) {
        ReasonBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| field_error("body", e.to_string()))?
    };
    let reason = body
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    Ok(AppJson(
        move_application(
            &state,
            user,
            id,
            ApplicationStatus::Withdrawn,
            reason.as_deref(),
        )
        .await?,
    ))
}

/// Curators take a submitted application into review.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-applications/{id}/review",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "Under review", body = ApplicationDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a curator, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No application has this id", body = ErrorBody),
        (status = 409, description = "Not submitted (`illegal_transition`)", body = ErrorBody),
    ),
)]
async fn start_review(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
) -> Result<AppJson<ApplicationDto>, ApiError> {
    let user = requester.require(Rule::Curator)?;
    Ok(AppJson(
        move_application(&state, user, id, ApplicationStatus::UnderReview, None).await?,
    ))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub(crate) struct DecisionBody {
    /// `approved` or `rejected`.
    #[schema(pattern = "^(approved|rejected)$")]
    pub(crate) outcome: Option<String>,
    /// 3, 4 or 5 (approval).
    pub(crate) stars: Option<i64>,
    /// The decision's number, e.g. `QĐ 2361/QĐ-UBND` (approval).
    pub(crate) decision_no: Option<String>,
    /// The issuing body, e.g. `UBND tỉnh Thái Nguyên`; `district`, `province` or `central` also
    /// name the level (and its usual body).
    pub(crate) issuer: Option<String>,
    /// `district`, `province` or `central`; by default the level that decides this rating on
    /// that date. A level the rules forbid (e.g. 5★ not central) is refused.
    pub(crate) issuer_level: Option<String>,
    /// `YYYY-MM-DD`, not in the future; by default today. The certificate runs 36 months from it.
    pub(crate) decided_on: Option<String>,
    /// Why (required to reject; recorded in the audit log either way).
    pub(crate) reason: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct DecisionResult {
    application: ApplicationDto,
    certificate: Option<CertificateDto>,
}

/// An approval, checked against the rules before anything is written.
struct Approval {
    stars: Stars,
    decision_no: String,
    level: IssuerLevel,
    issuer: String,
    decided_on: NaiveDate,
}

fn parse_approval(
    body: &DecisionBody,
    rule_set: RuleSet,
    today: NaiveDate,
) -> Result<Approval, ApiError> {
    let mut errors = FieldErrors::default();
    let stars = match body.stars {
        Some(s) => errors.check("stars", Stars::new(s)),
        None => {
            errors.add("stars", "hãy chọn số sao (3, 4 hoặc 5)");
            None
        }
    };
    let decision_no = body
        .decision_no
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if decision_no.is_empty() {
        errors.add("decision_no", "hãy nhập số quyết định");
    } else if decision_no.chars().count() > 100 {
        errors.add("decision_no", "dài tối đa 100 ký tự");
    }
    let decided_on = match body.decided_on.as_deref().map(str::trim) {
        None | Some("") => Some(today),
        Some(raw) => errors.check(
            "decided_on",
            raw.parse::<NaiveDate>()
                .map_err(|_| "ngày phải có dạng YYYY-MM-DD".to_owned()),
        ),
    };
    if let Some(day) = decided_on {
        if day > today {
            errors.add("decided_on", "ngày quyết định không được ở tương lai");
        } else if day < rule_set.effective_on() {
            errors.add(
                "decided_on",
                format!(
                    "bộ tiêu chí này có hiệu lực từ {}",
                    rule_set.effective_on().format("%d/%m/%Y")
                ),
            );
        }
    }
    let issuer_text = body
        .issuer
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let named_level = issuer_text.and_then(|s| s.parse::<IssuerLevel>().ok());
    let level = match body.issuer_level.as_deref().map(str::trim) {
        Some(raw) if !raw.is_empty() => errors.check("issuer_level", raw.parse::<IssuerLevel>()),
        _ => named_level.or_else(|| stars.zip(decided_on).map(|(s, d)| deciding_level(s, d))),
    };
    if let (Some(stars), Some(level), Some(day)) = (stars, level, decided_on)
        && let Err(message) = check_issuer(stars, level, day)
    {
        let field = if body.issuer_level.is_some() {
            "issuer_level"
        } else {
            "issuer"
        };
        errors.add(field, message);
    }
    let issuer = match (issuer_text, named_level, level) {
        (Some(text), None, _) if text.chars().count() > 200 => {
            errors.add("issuer", "dài tối đa 200 ký tự");
            None
        }
        (Some(text), None, _) => Some(text.to_owned()),
        (_, _, Some(level)) => Some(default_issuer(level).to_owned()),
        _ => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors.0));
    }
    match (stars, level, issuer, decided_on) {
        (Some(stars), Some(level), Some(issuer), Some(decided_on)) => Ok(Approval {
            stars,
            decision_no,
            level,
            issuer,
            decided_on,
        }),
        _ => Err(ApiError::Validation(errors.0)),
    }
}

/// Curators decide: approve (a certificate valid 36 months from the decision date, superseding
/// the product's earlier one) or reject with a reason. A submitted application is taken into
/// review on the way.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-applications/{id}/decision",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    request_body = DecisionBody,
    responses(
        (status = 200, description = "Decided; `certificate` on approval", body = DecisionResult),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a curator, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No application has this id", body = ErrorBody),
        (status = 409, description = "Not awaiting a decision (`illegal_transition`), or the product already has this decision number (`decision_exists`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Missing or invalid fields, or a rating the issuing level may not give", body = ErrorBody),
    ),
)]
async fn decide(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<DecisionBody>,
) -> Result<AppJson<DecisionResult>, ApiError> {
    let user = requester.require(Rule::Curator)?;
    Ok(AppJson(decide_as(&state, user, id, body).await?))
}

/// A curator's decision on an application (the API and the review page's form share it).
pub(crate) async fn decide_as(
    state: &AppState,
    user: &User,
    id: Uuid,
    body: DecisionBody,
) -> Result<DecisionResult, ApiError> {
    let head = application_head(state, id).await?;
    let today = state.today();
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    if reason.as_ref().is_some_and(|r| r.chars().count() > 2000) {
        return Err(field_error("reason", "dài tối đa 2.000 ký tự"));
    }
    let (outcome, approval) = match body.outcome.as_deref().map(str::trim) {
        Some("approved") => (
            ApplicationStatus::Approved,
            Some(parse_approval(&body, head.rule_set, today)?),
        ),
        Some("rejected") if reason.is_none() => {
            return Err(field_error("reason", "hãy nêu lý do không công nhận"));
        }
        Some("rejected") => (ApplicationStatus::Rejected, None),
        _ => return Err(field_error("outcome", "phải là approved hoặc rejected")),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let head = db::ocop_applications::head_for_update(&mut *tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut status = head.status;
    if status == ApplicationStatus::Submitted {
        // Deciding straight from the queue: the review starts and ends in this one transaction.
        if !db::ocop_applications::transition(
            &mut tx,
            id,
            status,
            ApplicationStatus::UnderReview,
            now,
            Transition {
                actor: Some(user.id),
                ..Transition::default()
            },
        )
        .await?
        {
            return Err(illegal_transition(status, outcome));
        }
        status = ApplicationStatus::UnderReview;
    }
    if !status.can_become(outcome) {
        return Err(illegal_transition(status, outcome));
    }
    let mut certificate_id = None;
    if let Some(approval) = &approval {
        if db::certificates::decision_taken(&mut *tx, head.product_id, &approval.decision_no)
            .await?
        {
            return Err(ApiError::Conflict {
                code: "decision_exists",
                message: "sản phẩm đã có chứng nhận theo số quyết định này".into(),
            });
        }
        let issued = db::certificates::issue(
            &mut tx,
            &NewCertificate {
                product_id: head.product_id,
                stars: approval.stars,
                rule_set: head.rule_set.code().to_owned(),
                decision_no: approval.decision_no.clone(),
                issuer_level: approval.level,
                issuer: approval.issuer.clone(),
                issued_on: approval.decided_on,
                source_url: None,
            },
        )
        .await?;
        let snapshot = db::certificates::get(&mut *tx, issued.id)
            .await?
            .ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("certificate just issued is gone"))
            })?;
        db::audit::record(
            &mut *tx,
            AuditEntry {
                actor: Some(user.id),
                action: "ocop_certificate.issue",
                entity: "ocop_certificate",
                entity_id: issued.id.to_string(),
                reason: reason.as_deref(),
                before: None,
                after: audit_json(&snapshot.to_dto(today, state.base_url())),
            },
        )
        .await?;
        for old in &issued.superseded {
            db::audit::record(
                &mut *tx,
                AuditEntry {
                    actor: Some(user.id),
                    action: "ocop_certificate.supersede",
                    entity: "ocop_certificate",
                    entity_id: old.to_string(),
                    reason: Some("được thay thế bởi quyết định công nhận mới"),
                    before: None,
                    after: Some(json!({ "superseded_by": issued.id })),
                },
            )
            .await?;
        }
        certificate_id = Some(issued.id);
    }
    let decided_reason = reason
        .clone()
        .or_else(|| approval.as_ref().map(|a| a.decision_no.clone()));
    if !db::ocop_applications::transition(
        &mut tx,
        id,
        status,
        outcome,
        now,
        Transition {
            actor: Some(user.id),
            reason: decided_reason.as_deref(),
            certificate_id,
        },
    )
    .await?
    {
        return Err(illegal_transition(status, outcome));
    }
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: if outcome == ApplicationStatus::Approved {
                "ocop_application.approve"
            } else {
                "ocop_application.reject"
            },
            entity: "ocop_application",
            entity_id: id.to_string(),
            reason: decided_reason.as_deref(),
            before: Some(json!({ "status": head.status.as_str() })),
            after: Some(json!({ "status": outcome.as_str(), "certificate_id": certificate_id })),
        },
    )
    .await?;
    tx.commit().await?;
    let certificate = match certificate_id {
        Some(cid) => db::certificates::get(&state.db, cid)
            .await?
            .map(|c| c.to_dto(today, state.base_url())),
        None => None,
    };
    Ok(DecisionResult {
        application: load_application(state, id).await?,
        certificate,
    })
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct RevokeBody {
    /// Why the certificate is revoked (e.g. missed re-assessment).
    #[serde(default)]
    #[schema(required = true)]
    reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct CertificateEnvelope {
    certificate: CertificateDto,
}

/// Curators revoke a certificate with a reason; its stars disappear at once.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-certificates/{id}/revoke",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The certificate's id")),
    request_body = RevokeBody,
    responses(
        (status = 200, description = "Revoked", body = CertificateEnvelope),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a curator, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No certificate has this id", body = ErrorBody),
        (status = 409, description = "Already revoked (`already_revoked`)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "No reason given", body = ErrorBody),
    ),
)]
async fn revoke_certificate(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<RevokeBody>,
) -> Result<AppJson<CertificateEnvelope>, ApiError> {
    let user = requester.require(Rule::Curator)?;
    let reason = body.reason.trim();
    if reason.is_empty() {
        return Err(field_error("reason", "hãy nêu lý do thu hồi"));
    }
    if reason.chars().count() > 2000 {
        return Err(field_error("reason", "dài tối đa 2.000 ký tự"));
    }
    let today = state.today();
    let mut tx = state.db.begin().await?;
    let before = db::certificates::get(&mut *tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !db::certificates::revoke(&mut tx, id, state.clock.now(), reason).await? {
        return Err(ApiError::Conflict {
            code: "already_revoked",
            message: "chứng nhận này đã bị thu hồi".into(),
        });
    }
    let after = db::certificates::get(&mut *tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "ocop_certificate.revoke",
            entity: "ocop_certificate",
            entity_id: id.to_string(),
            reason: Some(reason),
            before: audit_json(&before.to_dto(today, state.base_url())),
            after: audit_json(&after.to_dto(today, state.base_url())),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(AppJson(CertificateEnvelope {
        certificate: after.to_dto(today, state.base_url()),
    }))
}

/// Anyone checks a certificate by the code on its packaging: product, producer, decision, dates
/// and the live status.
#[utoipa::path(
    get,
    path = "/api/v1/verify/{code}",
    tag = "ocop",
    params(("code" = String, Path, description = "The certificate's verification code (32 hex digits)")),
    responses(
        (status = 200, description = "The certificate and its status today", body = VerifyResult),
        (status = 404, description = "No certificate has this code", body = ErrorBody),
    ),
)]
async fn verify(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
) -> Result<AppJson<VerifyResult>, ApiError> {
    let code = VerifyCode::parse(&code).map_err(|_| ApiError::NotFound)?;
    db::certificates::verify(&state.db, code.as_str(), state.today(), state.base_url())
        .await?
        .map(AppJson)
        .ok_or(ApiError::NotFound)
}

/// The QR code's payload: the absolute verification page URL, once the code is known to exist.
async fn qr_target(state: &AppState, raw: &str) -> Result<qrcode::QrCode, ApiError> {
    let code = VerifyCode::parse(raw).map_err(|_| ApiError::NotFound)?;
    let known = db::certificates::verify(&state.db, code.as_str(), state.today(), state.base_url())
        .await?
        .ok_or(ApiError::NotFound)?;
    // Level M survives a scuffed or partly covered label.
    qrcode::QrCode::with_error_correction_level(
        known.certificate.verify_url.as_bytes(),
        qrcode::EcLevel::M,
    )
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("QR encoding failed: {e}")))
}

/// The code never changes for a certificate, only its status does (and that lives on the page).
const QR_CACHE: &str = "public, max-age=86400";

/// A certificate's QR code as SVG (scales for print).
#[utoipa::path(
    get,
    path = "/xac-minh/{code}/qr.svg",
    tag = "ocop",
    params(("code" = String, Path, description = "The certificate's verification code")),
    responses(
        (status = 200, description = "QR code linking to the verification page", content_type = "image/svg+xml", body = String),
        (status = 404, description = "No certificate has this code", body = ErrorBody),
    ),
)]
async fn qr_svg(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
) -> Result<Response, ApiError> {
    let qr = qr_target(&state, &code).await?;
    let svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(QR_CACHE)),
        ],
        svg,
    )
        .into_response())
}

/// A certificate's QR code as PNG (for label software that takes bitmaps).
#[utoipa::path(
    get,
    path = "/xac-minh/{code}/qr.png",
    tag = "ocop",
    params(("code" = String, Path, description = "The certificate's verification code")),
    responses(
        (status = 200, description = "QR code linking to the verification page", content_type = "image/png", body = Vec<u8>),
        (status = 404, description = "No certificate has this code", body = ErrorBody),
    ),
)]
async fn qr_png(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
) -> Result<Response, ApiError> {
    let qr = qr_target(&state, &code).await?;
    let image = qr
        .render::<image::Luma<u8>>()
        .min_dimensions(512, 512)
        .quiet_zone(true)
        .build();
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
            (header::CACHE_CONTROL, HeaderValue::from_static(QR_CACHE)),
        ],
        png,
    )
        .into_response())
}

/// What an uploaded document is, by its first bytes (never by the client's claims).
fn sniff_document(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        Some(("pdf", "application/pdf"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("jpg", "image/jpeg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("png", "image/png"))
    } else {
        None
    }
}

/// A file name safe to store and to send back in a header: its last path segment, without
/// control characters or quotes, at most 200 characters.
fn clean_file_name(raw: Option<&str>, extension: &str) -> String {
    let name: String = raw
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let name = name.trim().to_owned();
    if name.is_empty() {
        format!("tai-lieu.{extension}")
    } else {
        name
    }
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct DocumentUpload {
    /// PDF, JPEG or PNG, at most 10 MB.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct DocumentUploaded {
    id: Uuid,
    file_name: String,
    content_type: String,
    byte_size: i64,
    url: String,
}

/// Members attach a dossier document (registration form, self-assessment, licences, test
/// reports) to an application that is not yet under review.
#[utoipa::path(
    post,
    path = "/api/v1/ocop-applications/{id}/documents",
    tag = "ocop",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored (privately)", body = DocumentUploaded),
        (status = 400, description = "Malformed multipart body", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a member of its producer, or a cross-site request", body = ErrorBody),
        (status = 404, description = "No application has this id", body = ErrorBody),
        (status = 409, description = "Under review or decided (`illegal_transition`), or 20 documents already (`too_many_documents`)", body = ErrorBody),
        (status = 413, description = "Larger than 10 MB", body = ErrorBody),
        (status = 415, description = "Not multipart, or not a PDF, JPEG or PNG", body = ErrorBody),
        (status = 422, description = "No `file` field", body = ErrorBody),
    ),
)]
pub(crate) async fn upload_document(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, AppJson<DocumentUploaded>), ApiError> {
    requester.require(Rule::SignedIn)?;
    let head = application_head(&state, id).await?;
    let user = requester.require(Rule::MemberOf(head.producer_id))?;
    let mut multipart =
        multipart.map_err(|rejection| ApiError::UnsupportedMediaType(rejection.body_text()))?;
    let mut file: Option<(Bytes, Option<String>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("file") {
            let name = field.file_name().map(str::to_owned);
            file = Some((field.bytes().await.map_err(multipart_error)?, name));
        }
    }
    let (bytes, name) = file.ok_or_else(|| field_error("file", "hãy chọn một tệp"))?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    let (extension, content_type) = sniff_document(&bytes)
        .ok_or_else(|| ApiError::UnsupportedMediaType("Chỉ nhận tệp PDF, JPEG hoặc PNG".into()))?;
    let file_name = clean_file_name(name.as_deref(), extension);
    let document_id = Uuid::new_v4();
    let key = ObjectKey::document(id, document_id, extension)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e:?}")))?;
    // The object goes first; if the row cannot follow, it is removed again.
    state
        .media
        .put(&key, bytes.clone(), content_type)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let stored = async {
        let mut tx = state.db.begin().await?;
        let head = db::ocop_applications::head_for_update(&mut *tx, id)
            .await?
            .ok_or(ApiError::NotFound)?;
        if !head.status.accepts_documents() {
            return Err(ApiError::Conflict {
                code: "illegal_transition",
                message: "hồ sơ đã vào thẩm định, không thể thêm tài liệu".into(),
            });
        }
        let count = db::ocop_applications::document_count(&mut *tx, id).await?;
        if count >= MAX_DOCUMENTS {
            return Err(ApiError::Conflict {
                code: "too_many_documents",
                message: format!("mỗi hồ sơ có tối đa {MAX_DOCUMENTS} tài liệu"),
            });
        }
        db::ocop_applications::insert_document(
            &mut *tx,
            &db::ocop_applications::NewDocument {
                id: document_id,
                application_id: id,
                object_key: key.as_str(),
                content_type,
                file_name: &file_name,
                byte_size: bytes.len() as i32,
                uploaded_by: user.id,
            },
        )
        .await?;
        db::audit::record(
            &mut *tx,
            AuditEntry {
                actor: Some(user.id),
                action: "ocop_application.add_document",
                entity: "ocop_application",
                entity_id: id.to_string(),
                reason: None,
                before: None,
                after: Some(json!({ "document_id": document_id, "file_name": file_name })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<(), ApiError>(())
    }
    .await;
    if let Err(error) = stored {
        let _ = state.media.delete(&key).await;
        return Err(error);
    }
    Ok((
        StatusCode::CREATED,
        AppJson(DocumentUploaded {
            id: document_id,
            file_name,
            content_type: content_type.to_owned(),
            byte_size: bytes.len() as i64,
            url: format!("/api/v1/ocop-applications/{id}/documents/{document_id}"),
        }),
    ))
}

/// A dossier document, for the producer's members and curators only; always as a download.
#[utoipa::path(
    get,
    path = "/api/v1/ocop-applications/{id}/documents/{document}",
    tag = "ocop",
    security(("session" = [])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("document" = Uuid, Path, description = "The document's id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither a member of its producer nor a curator", body = ErrorBody),
        (status = 404, description = "No such application or document", body = ErrorBody),
    ),
)]
async fn get_document(
    State(state): State<AppState>,
    requester: Requester,
    AppPath((id, document_id)): AppPath<(Uuid, Uuid)>,
) -> Result<Response, ApiError> {
    requester.require(Rule::SignedIn)?;
    let head = application_head(&state, id).await?;
    may_read(&requester, &head)?;
    let (raw_key, _, file_name) = db::ocop_applications::document(&state.db, id, document_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let key = ObjectKey::parse(&raw_key).map_err(|e| ApiError::Internal(e.into()))?;
    let object = state
        .media
        .get(&key)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .ok_or(ApiError::NotFound)?;
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        utf8_percent_encode(&file_name, RFC5987)
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(key.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|e| ApiError::Internal(e.into()))?,
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        object.bytes,
    )
        .into_response())
}

/// RFC 5987 `filename*`: everything but unreserved characters percent-encoded.
const RFC5987: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Excel runs cells starting with these as formulas: names typed by producers must not.
fn csv_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// Builds the register as CSV for Excel: UTF-8 with a byte-order mark (so Vietnamese shows
/// right), `;` between fields (what Excel expects where the decimal mark is a comma, as in
/// Vietnam), fields quoted whenever they hold `;`, quotes or line breaks.
pub fn register_to_csv(
    rows: &[db::certificates::RegisterRow],
    today: NaiveDate,
    base_url: &str,
) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(&mut out);
        writer.write_record([
            "Số quyết định",
            "Sản phẩm",
            "Cơ sở",
            "Nhóm sản phẩm",
            "Xã/phường",
            "Xã cũ",
            "Số sao",
            "Bộ tiêu chí",
            "Cấp công nhận",
            "Cơ quan công nhận",
            "Ngày quyết định",
            "Hết hạn",
            "Trạng thái",
            "Lý do thu hồi",
            "Mã xác minh",
            "Trang xác minh",
        ])?;
        for row in rows {
            let c = row.certificate.to_dto(today, base_url);
            writer.write_record([
                csv_cell(&c.decision_no),
                csv_cell(&row.product_name),
                csv_cell(&row.producer_name),
                csv_cell(&row.category),
                csv_cell(row.commune.as_deref().unwrap_or_default()),
                csv_cell(row.old_commune.as_deref().unwrap_or_default()),
                c.stars.to_string(),
                c.rule_set,
                c.issuer_level,
                csv_cell(&c.issuer),
                c.issued_on,
                c.expires_on,
                c.detailed_status,
                csv_cell(c.revoked_reason.as_deref().unwrap_or_default()),
                c.verify_code,
                c.verify_url,
            ])?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// The certificate register as CSV for Excel (curators).
#[utoipa::path(
    get,
    path = "/api/v1/ocop-certificates.csv",
    tag = "ocop",
    security(("session" = [])),
    responses(
        (status = 200, description = "Every certificate with its status today; UTF-8 with BOM, `;`-separated", content_type = "text/csv", body = String),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a curator", body = ErrorBody),
    ),
)]
async fn register_csv(
    State(state): State<AppState>,
    requester: Requester,
) -> Result<Response, ApiError> {
    requester.require(Rule::Curator)?;
    let today = state.today();
    let rows = db::certificates::register(&state.db).await?;
    let csv = register_to_csv(&rows, today, state.base_url())?;
    let disposition = format!("attachment; filename=\"so-chung-nhan-ocop-{today}.csv\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|e| ApiError::Internal(e.into()))?,
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        csv,
    )
        .into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
struct MismatchesBody {
    items: Vec<GiMismatch>,
}

/// Products claiming a GI outside their producer's (old) commune (curators).
#[utoipa::path(
    get,
    path = "/api/v1/gi-mismatches",
    tag = "ocop",
    security(("session" = [])),
    responses(
        (status = 200, description = "Every mismatched claim", body = MismatchesBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a curator", body = ErrorBody),
    ),
)]
async fn gi_mismatches(
    State(state): State<AppState>,
    requester: Requester,
) -> Result<AppJson<MismatchesBody>, ApiError> {
    requester.require(Rule::Curator)?;
    Ok(AppJson(MismatchesBody {
        items: db::gis::mismatches(&state.db).await?,
    }))
}

/// Everything the curators' dashboard shows, computed for today (the page and the API agree).
pub async fn dashboard_data(state: &AppState) -> Result<CuratorDashboard, ApiError> {
    let today = state.today();
    let (certificates_in_force, by_stars, by_category, by_commune) =
        db::certificates::counts_in_force(&state.db, today).await?;
    let expiring_90_days = db::certificates::expiring_within(
        &state.db,
        today,
        DASHBOARD_EXPIRING_DAYS,
        state.base_url(),
    )
    .await?;
    let waiting_filter = ApplicationFilter {
        statuses: vec![ApplicationStatus::Submitted, ApplicationStatus::UnderReview],
        limit: i64::from(MAX_PER_PAGE),
        ..ApplicationFilter::default()
    };
    let (waiting, _) = db::ocop_applications::list(&state.db, &waiting_filter, today).await?;
    let gi_mismatches = db::gis::mismatches(&state.db).await?;
    Ok(CuratorDashboard {
        today: today.to_string(),
        certificates_in_force,
        by_stars,
        by_category,
        by_commune,
        expiring_90_days,
        waiting,
        gi_mismatches,
    })
}

/// The curators' dashboard as JSON (the `/can-bo` page shows the same).
#[utoipa::path(
    get,
    path = "/api/v1/curation/dashboard",
    tag = "ocop",
    security(("session" = [])),
    responses(
        (status = 200, description = "Counts of certificates in force, expiring ones, waiting applications, GI mismatches", body = CuratorDashboard),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a curator", body = ErrorBody),
    ),
)]
async fn dashboard(
    State(state): State<AppState>,
    requester: Requester,
) -> Result<AppJson<CuratorDashboard>, ApiError> {
    requester.require(Rule::Curator)?;
    Ok(AppJson(dashboard_data(&state).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_recognised_by_their_bytes() {
        assert_eq!(
            sniff_document(b"%PDF-1.7\n"),
            Some(("pdf", "application/pdf"))
        );
        assert_eq!(
            sniff_document(&[0xFF, 0xD8, 0xFF, 0xE0]).map(|d| d.0),
            Some("jpg")
        );
        assert_eq!(sniff_document(b"<html>"), None);
    }

    #[test]
    fn file_names_lose_paths_and_quotes() {
        assert_eq!(
            clean_file_name(Some("C:\\hồ sơ\\Mẫu 01.pdf"), "pdf"),
            "Mẫu 01.pdf"
        );
        assert_eq!(clean_file_name(Some("../\"x\".pdf"), "pdf"), "x.pdf");
        assert_eq!(clean_file_name(None, "png"), "tai-lieu.png");
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("Chè Tân Cương"), "Chè Tân Cương");
    }
}

/// The review page's decision form (`application/x-www-form-urlencoded`): every field as typed.
#[derive(Deserialize, Default)]
pub(crate) struct DecisionForm {
    outcome: Option<String>,
    stars: Option<String>,
    decision_no: Option<String>,
    issuer_level: Option<String>,
    decided_on: Option<String>,
    reason: Option<String>,
}

/// Plain HTML form posts from the curator pages, answered with 303 redirects, so deciding works
/// without JavaScript. The cross-site check in `csrf.rs` covers them like every other POST.
pub fn form_router() -> Router<AppState> {
    Router::new().route("/can-bo/ho-so/{id}/quyet-dinh", post(decide_form))
}

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/can-bo/ho-so")),
        )],
    )
        .into_response()
}

/// Query-string encoding for the messages carried back to the page.
fn query_encode(raw: &str) -> String {
    form_urlencoded::byte_serialize(raw.as_bytes()).collect()
}

/// The session key of a refused decision's typed values and field errors, read once by the queue.
pub const DECISION_FLASH_KEY: &str = "decision_flash";

/// Back to the queue with the application's form open: each reason beside its field (the form
/// has no separate issuer box, so the issuer's reason goes to the level's), what was typed kept.
async fn refused_decision(
    requester: &Requester,
    id: Uuid,
    typed: std::collections::BTreeMap<String, String>,
    fields: std::collections::BTreeMap<String, String>,
) -> Response {
    let errors = fields
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "issuer" => ("issuer_level".to_owned(), v),
            _ => (k, v),
        })
        .collect();
    let flash = frontend::api::DecisionFlash {
        application_id: id.to_string(),
        form: frontend::api::FormState {
            values: typed,
            errors,
            notice: None,
        },
    };
    if let Err(error) = requester.session.insert(DECISION_FLASH_KEY, flash).await {
        tracing::warn!(%error, "could not keep the decision form for the next page");
    }
    see_other(&format!(
        "/can-bo/ho-so?loi={}#ho-so-{id}",
        query_encode("Chưa ghi được quyết định: hãy sửa các ô được đánh dấu bên dưới.")
    ))
}

/// Records a decision from the review page and returns there, with `xong` (done) or `loi`
/// (what was wrong, in Vietnamese) in the query.
async fn decide_form(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    axum::extract::Form(form): axum::extract::Form<DecisionForm>,
) -> Response {
    const BACK: &str = "/can-bo/ho-so";
    let user = match requester.require(Rule::Curator) {
        Ok(user) => user,
        Err(AuthError::Unauthorized) => return see_other(&format!("/dang-nhap?next={BACK}")),
        Err(other) => return other.into_response(),
    };
    // What was typed, to put back in the form if the decision is refused.
    let typed: std::collections::BTreeMap<String, String> = [
        ("outcome", &form.outcome),
        ("stars", &form.stars),
        ("decision_no", &form.decision_no),
        ("issuer_level", &form.issuer_level),
        ("decided_on", &form.decided_on),
        ("reason", &form.reason),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k.to_owned(), v)))
    .collect();
    let present = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let stars = match present(form.stars) {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let errors = [("stars".to_owned(), "số sao phải là 3, 4 hoặc 5".to_owned())];
                return refused_decision(&requester, id, typed, errors.into()).await;
            }
        },
    };
    let outcome = present(form.outcome);
    let approving = outcome.as_deref() == Some("approved");
    let body = DecisionBody {
        outcome,
        // A rejection carries no rating, whatever the form's selects still hold.
        stars: stars.filter(|_| approving),
        decision_no: present(form.decision_no),
        issuer: None,
        issuer_level: present(form.issuer_level),
        decided_on: present(form.decided_on),
        reason: present(form.reason),
    };
    match decide_as(&state, user, id, body).await {
        Ok(_) => see_other(&format!("{BACK}?xong={id}")),
        Err(ApiError::Validation(fields)) => refused_decision(&requester, id, typed, fields).await,
        Err(error @ ApiError::Conflict { .. }) => {
            see_other(&format!("{BACK}?loi={}", query_encode(&error.to_string())))
        }
        Err(other) => other.into_response(),
    }
}
