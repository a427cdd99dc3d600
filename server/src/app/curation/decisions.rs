//! Curators' decisions: an approval is checked against the rating rules (stars, issuing level,
//! date, rule set) before anything is written, then issues a certificate valid 36 months that
//! supersedes the product's earlier one; a rejection needs a reason.

use chrono::NaiveDate;
use frontend::api::{ApplicationDto, CertificateDto};
use serde_json::json;
use uuid::Uuid;

use super::{application_head, audit_json, illegal_transition, impartial, load_application};
use crate::app::{AppError, AppResult, require};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::certificates::NewCertificate;
use crate::db::ocop_applications::Transition;
use crate::domain::FieldErrors;
use crate::domain::account::{Rule, User};
use crate::domain::audit::AuditAction;
use crate::domain::curation::{
    ApplicationStatus, RuleSet, check_issuer, deciding_level, default_issuer,
};
use crate::domain::ocop::{IssuerLevel, Stars};
use crate::state::AppState;

/// A decision as typed by the curator (the API's body and the review page's form alike).
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    /// `approved` or `rejected`.
    pub outcome: Option<String>,
    /// 3, 4 or 5 (approval).
    pub stars: Option<i64>,
    /// The decision's number (approval).
    pub decision_no: Option<String>,
    /// The issuing body; `district`, `province` or `central` also name the level.
    pub issuer: Option<String>,
    /// By default the level that decides this rating on that date.
    pub issuer_level: Option<String>,
    /// `YYYY-MM-DD`; by default today.
    pub decided_on: Option<String>,
    /// Why (required to reject).
    pub reason: Option<String>,
}

/// The decided application and, on approval, its new certificate.
pub struct Decided {
    pub application: ApplicationDto,
    pub certificate: Option<CertificateDto>,
}

/// An approval, checked against the rules before anything is written.
pub(crate) struct Approval {
    pub stars: Stars,
    pub decision_no: String,
    pub level: IssuerLevel,
    pub issuer: String,
    pub decided_on: NaiveDate,
}

/// Checks a rating against the rules — stars, the level that may decide them on that date, the
/// date (not in the future, not before the rule set), the decision's number — whether it comes
/// from one application or from a decision's annex.
pub(crate) fn parse_approval(
    input: &DecisionInput,
    rule_set: RuleSet,
    today: NaiveDate,
) -> AppResult<Approval> {
    let mut errors = FieldErrors::default();
    let stars = match input.stars {
        Some(s) => errors.check("stars", Stars::new(s)),
        None => {
            errors.add("stars", "hãy chọn số sao (3, 4 hoặc 5)");
            None
        }
    };
    let decision_no = input
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
    let decided_on = match input.decided_on.as_deref().map(str::trim) {
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
    let issuer_text = input
        .issuer
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let named_level = issuer_text.and_then(|s| s.parse::<IssuerLevel>().ok());
    let level = match input.issuer_level.as_deref().map(str::trim) {
        Some(raw) if !raw.is_empty() => errors.check("issuer_level", raw.parse::<IssuerLevel>()),
        _ => named_level.or_else(|| stars.zip(decided_on).map(|(s, d)| deciding_level(s, d))),
    };
    if let (Some(stars), Some(level), Some(day)) = (stars, level, decided_on)
        && let Err(message) = check_issuer(stars, level, day)
    {
        let field = if input.issuer_level.is_some() {
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
        return Err(errors.into());
    }
    match (stars, level, issuer, decided_on) {
        (Some(stars), Some(level), Some(issuer), Some(decided_on)) => Ok(Approval {
            stars,
            decision_no,
            level,
            issuer,
            decided_on,
        }),
        _ => Err(errors.into()),
    }
}

/// Issues the certificate an approval decides, valid 36 months from the decision date, and
/// supersedes the product's earlier one, with the audit entries for both — the one way a
/// certificate comes into being, for a single decision and for a decision's annex alike.
pub(crate) async fn issue_certificate(
    state: &AppState,
    tx: &mut sqlx::PgConnection,
    actor: Option<Uuid>,
    product_id: Uuid,
    rule_set: RuleSet,
    approval: &Approval,
    reason: Option<&str>,
) -> AppResult<Uuid> {
    let issued = db::certificates::issue(
        tx,
        &NewCertificate {
            product_id,
            stars: approval.stars,
            rule_set: rule_set.code().to_owned(),
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
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("certificate just issued is gone")))?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor,
            action: AuditAction::OcopCertificateIssue,
            entity_id: issued.id.to_string(),
            reason,
            before: None,
            after: audit_json(&snapshot.to_dto(state.today(), state.base_url())),
        },
    )
    .await?;
    for old in &issued.superseded {
        db::audit::record(
            &mut *tx,
            AuditEntry {
                actor,
                action: AuditAction::OcopCertificateSupersede,
                entity_id: old.to_string(),
                reason: Some("được thay thế bởi quyết định công nhận mới"),
                before: None,
                after: Some(json!({ "superseded_by": issued.id })),
            },
        )
        .await?;
    }
    Ok(issued.id)
}

/// Curators decide: approve (a certificate valid 36 months from the decision date, superseding
/// the product's earlier one) or reject with a reason. A submitted application is taken into
/// review on the way.
pub async fn decide(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    input: DecisionInput,
) -> AppResult<Decided> {
    let user = require(user, Rule::Curator)?;
    let head = application_head(state, id).await?;
    impartial(user, head.producer_id)?;
    let today = state.today();
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    if reason.as_ref().is_some_and(|r| r.chars().count() > 2000) {
        return Err(AppError::field("reason", "dài tối đa 2.000 ký tự"));
    }
    let (outcome, approval) = match input.outcome.as_deref().map(str::trim) {
        Some("approved") => (
            ApplicationStatus::Approved,
            Some(parse_approval(&input, head.rule_set, today)?),
        ),
        Some("rejected") if reason.is_none() => {
            return Err(AppError::field("reason", "hãy nêu lý do không công nhận"));
        }
        Some("rejected") => (ApplicationStatus::Rejected, None),
        _ => return Err(AppError::field("outcome", "phải là approved hoặc rejected")),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let head = db::ocop_applications::head_for_update(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
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
            return Err(AppError::Conflict {
                code: "decision_exists",
                message: "sản phẩm đã có chứng nhận theo số quyết định này".into(),
            });
        }
        let issued = issue_certificate(
            state,
            &mut tx,
            Some(user.id),
            head.product_id,
            head.rule_set,
            approval,
            reason.as_deref(),
        )
        .await?;
        certificate_id = Some(issued);
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
                AuditAction::OcopApplicationApprove
            } else {
                AuditAction::OcopApplicationReject
            },
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
    Ok(Decided {
        application: load_application(state, id).await?,
        certificate,
    })
}
