//! Applications for an OCOP rating: members apply, submit and withdraw; the review queue and a
//! producer's own list share one set of filters; curators take applications into review.

use frontend::api::{ApplicationDto, CertificateReminder, Page, ReviewQueueQuery, SelfScoreDto};
use serde_json::json;
use uuid::Uuid;

use super::{
    application_head, illegal_transition, impartial, load_application, member_head, readable_head,
};
use crate::app::workspace::producer_id;
use crate::app::{AppError, AppResult, require};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::ocop_applications::{ApplicationFilter, NewApplication, Transition};
use crate::domain::FieldErrors;
use crate::domain::account::{Rule, User};
use crate::domain::audit::AuditAction;
use crate::domain::catalog::ProductStatus;
use crate::domain::curation::{ApplicationStatus, RuleSet, SelfScore};
use crate::domain::listing::{DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::state::AppState;

/// An application as typed by the producer.
#[derive(Debug, Clone, Default)]
pub struct ApplicationInput {
    /// `148/2023` or `26/2026` (or their codes `148-2023`, `26-2026`).
    pub rule_set: String,
    pub self_score: Option<SelfScoreDto>,
    pub notes: Option<String>,
    /// Keep it as a draft (to attach documents first) instead of submitting it.
    pub draft: bool,
}

/// A new application and the status it was created in.
pub struct ApplicationCreated {
    pub id: Uuid,
    pub status: ApplicationStatus,
    pub application: ApplicationDto,
}

/// Members of the product's producer apply for its OCOP rating.
pub async fn create_application(
    state: &AppState,
    user: Option<&User>,
    product_id: Uuid,
    input: ApplicationInput,
) -> AppResult<ApplicationCreated> {
    require(user, Rule::SignedIn)?;
    let stored = db::products::stored(&state.db, product_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let producer_id = stored.producer_id;
    let user = require(user, Rule::MemberOf(producer_id))?;
    let mut errors = FieldErrors::default();
    let rule_set = errors.check("rule_set", input.rule_set.parse::<RuleSet>());
    let self_score = match (rule_set, input.self_score) {
        (Some(rule_set), Some(s)) => match SelfScore::parse(rule_set, [s.a, s.b, s.c]) {
            Ok(score) => Some(score),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        },
        _ => None,
    };
    let notes = input.notes.unwrap_or_default().trim().to_owned();
    if notes.chars().count() > 5000 {
        errors.add("notes", "dài tối đa 5.000 ký tự");
    }
    if stored.status == ProductStatus::Archived {
        errors.add("product", "sản phẩm đã ngừng bán");
    }
    let Some(rule_set) = rule_set.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let status = if input.draft {
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
    .ok_or_else(|| AppError::Conflict {
        code: "application_open",
        message: "sản phẩm này đang có một hồ sơ OCOP chưa xử lý xong".into(),
    })?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::OcopApplicationCreate,
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after: Some(
                json!({ "product_id": product_id, "rule_set": rule_set.code(),
                                "status": status.as_str(), "self_score": input.self_score }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    let application = load_application(state, id).await?;
    Ok(ApplicationCreated {
        id,
        status,
        application,
    })
}

/// Checks the queue's filters (the API and the `/can-bo/ho-so` page share them): the filter,
/// the page and the page size.
fn queue_filter(
    q: ReviewQueueQuery,
    default_statuses: &[ApplicationStatus],
) -> AppResult<(ApplicationFilter, u32, u32)> {
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
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
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

async fn page_of(
    state: &AppState,
    filter: &ApplicationFilter,
    page: u32,
    per_page: u32,
) -> AppResult<Page<ApplicationDto>> {
    let (items, total) = db::ocop_applications::list(&state.db, filter, state.today()).await?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// Curators' review queue: submitted and under-review applications (unless filtered
/// otherwise), longest waiting first.
pub async fn review_queue(
    state: &AppState,
    user: Option<&User>,
    query: ReviewQueueQuery,
) -> AppResult<Page<ApplicationDto>> {
    require(user, Rule::Curator)?;
    let (filter, page, per_page) = queue_filter(
        query,
        &[ApplicationStatus::Submitted, ApplicationStatus::UnderReview],
    )?;
    page_of(state, &filter, page, per_page).await
}

/// A producer's own applications (every status), for its members.
pub async fn producer_applications(
    state: &AppState,
    user: Option<&User>,
    slug: &str,
    query: ReviewQueueQuery,
) -> AppResult<Page<ApplicationDto>> {
    require(user, Rule::SignedIn)?;
    let producer = producer_id(state, slug).await?;
    require(user, Rule::MemberOf(producer))?;
    let (mut filter, page, per_page) = queue_filter(query, &[])?;
    filter.producer_id = Some(producer);
    page_of(state, &filter, page, per_page).await
}

/// A producer's certificates nearing expiry (reminders at 180, 90 and 30 days), for its members.
pub async fn producer_reminders(
    state: &AppState,
    user: Option<&User>,
    slug: &str,
) -> AppResult<Vec<CertificateReminder>> {
    require(user, Rule::SignedIn)?;
    let producer = producer_id(state, slug).await?;
    require(user, Rule::MemberOf(producer))?;
    Ok(db::certificates::reminders_for_producer(
        &state.db,
        producer,
        state.today(),
        state.base_url(),
    )
    .await?)
}

/// One application with its documents, for its producer's members and curators.
pub async fn get_application(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
) -> AppResult<ApplicationDto> {
    readable_head(state, user, id).await?;
    load_application(state, id).await
}

/// Moves an application one step for `user`, in one transaction with its audit entry.
async fn move_application(
    state: &AppState,
    user: &User,
    id: Uuid,
    to: ApplicationStatus,
    reason: Option<&str>,
) -> AppResult<ApplicationDto> {
    let mut tx = state.db.begin().await?;
    let head = db::ocop_applications::head_for_update(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
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
                ApplicationStatus::Submitted => AuditAction::OcopApplicationSubmit,
                ApplicationStatus::UnderReview => AuditAction::OcopApplicationReview,
                ApplicationStatus::Withdrawn => AuditAction::OcopApplicationWithdraw,
                ApplicationStatus::Approved => AuditAction::OcopApplicationApprove,
                ApplicationStatus::Rejected => AuditAction::OcopApplicationReject,
                ApplicationStatus::Draft => AuditAction::OcopApplicationDraft,
            },
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

/// Checks the caller may change this application (a member of its producer), before a request
/// body is read.
pub async fn may_change_application(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
) -> AppResult<()> {
    member_head(state, user, id).await.map(|_| ())
}

/// Members submit a draft application.
pub async fn submit_application(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
) -> AppResult<ApplicationDto> {
    let (_, user) = member_head(state, user, id).await?;
    move_application(state, user, id, ApplicationStatus::Submitted, None).await
}

/// Members withdraw an application that is still open, optionally saying why.
pub async fn withdraw_application(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    reason: Option<&str>,
) -> AppResult<ApplicationDto> {
    let (_, user) = member_head(state, user, id).await?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    move_application(state, user, id, ApplicationStatus::Withdrawn, reason).await
}

/// Curators take a submitted application into review.
pub async fn start_review(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
) -> AppResult<ApplicationDto> {
    let user = require(user, Rule::Curator)?;
    impartial(user, application_head(state, id).await?.producer_id)?;
    move_application(state, user, id, ApplicationStatus::UnderReview, None).await
}
