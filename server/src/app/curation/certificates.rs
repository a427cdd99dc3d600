//! Certificates after the decision: curators revoke them and watch the dashboard (counts in
//! force, expiring ones, waiting applications, GI mismatches); anyone verifies one by the code
//! on its packaging, as data or as the QR code that links to the verification page.

use frontend::api::{CertificateDto, CuratorDashboard, GiMismatch, VerifyResult};
use uuid::Uuid;

use super::audit_json;
use crate::app::{AppError, AppResult, require};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::ocop_applications::ApplicationFilter;
use crate::domain::account::{Rule, User};
use crate::domain::audit::AuditAction;
use crate::domain::curation::{ApplicationStatus, VerifyCode};
use crate::domain::listing::MAX_PER_PAGE;
use crate::state::AppState;

/// The dashboard's "expiring soon" window.
pub const DASHBOARD_EXPIRING_DAYS: i32 = 90;

/// Curators revoke a certificate with a reason; its stars disappear at once.
pub async fn revoke_certificate(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    reason: &str,
) -> AppResult<CertificateDto> {
    let user = require(user, Rule::Curator)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "hãy nêu lý do thu hồi"));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::field("reason", "dài tối đa 2.000 ký tự"));
    }
    let today = state.today();
    let mut tx = state.db.begin().await?;
    let before = db::certificates::get(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !db::certificates::revoke(&mut tx, id, state.clock.now(), reason).await? {
        return Err(AppError::Conflict {
            code: "already_revoked",
            message: "chứng nhận này đã bị thu hồi".into(),
        });
    }
    let after = db::certificates::get(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::OcopCertificateRevoke,
            entity_id: id.to_string(),
            reason: Some(reason),
            before: audit_json(&before.to_dto(today, state.base_url())),
            after: audit_json(&after.to_dto(today, state.base_url())),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after.to_dto(today, state.base_url()))
}

/// Anyone checks a certificate by the code on its packaging: product, producer, decision, dates
/// and the live status. A malformed code is simply not found.
pub async fn verify(state: &AppState, code: &str) -> AppResult<VerifyResult> {
    let code = VerifyCode::parse(code).map_err(|_| AppError::NotFound)?;
    db::certificates::verify(&state.db, code.as_str(), state.today(), state.base_url())
        .await?
        .ok_or(AppError::NotFound)
}

/// The QR code for a certificate's packaging: the absolute verification page URL, once the code
/// is known to exist.
pub async fn qr_code(state: &AppState, code: &str) -> AppResult<qrcode::QrCode> {
    let known = verify(state, code).await?;
    // Level M survives a scuffed or partly covered label.
    qrcode::QrCode::with_error_correction_level(
        known.certificate.verify_url.as_bytes(),
        qrcode::EcLevel::M,
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("QR encoding failed: {e}")))
}

/// Products claiming a GI outside their producer's (old) commune, for curators.
pub async fn gi_mismatches(state: &AppState, user: Option<&User>) -> AppResult<Vec<GiMismatch>> {
    require(user, Rule::Curator)?;
    Ok(db::gis::mismatches(&state.db).await?)
}

/// Everything the curators' dashboard shows, computed for today (the page and the API agree).
pub async fn dashboard(state: &AppState, user: Option<&User>) -> AppResult<CuratorDashboard> {
    require(user, Rule::Curator)?;
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
