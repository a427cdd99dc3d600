//! OCOP curation as commands: producers apply (with documents), curators review, decide and
//! revoke, anyone verifies a certificate. Every write happens in one transaction with its audit
//! entry; certificates are written only through `db::certificates`.

mod applications;
mod certificates;
mod decisions;
mod documents;
mod register;

pub use applications::{
    ApplicationCreated, ApplicationInput, create_application, get_application,
    may_change_application, producer_applications, producer_reminders, review_queue, start_review,
    submit_application, withdraw_application,
};
pub use certificates::{
    DASHBOARD_EXPIRING_DAYS, dashboard, gi_mismatches, qr_code, revoke_certificate, verify,
};
pub(crate) use decisions::{Approval, issue_certificate, parse_approval};
pub use decisions::{Decided, DecisionInput, decide};
pub use documents::{DocumentAdded, DocumentFile, MAX_DOCUMENTS, add_document, document};
pub use register::{Register, register, register_to_csv};

use frontend::api::ApplicationDto;
use serde::Serialize;
use uuid::Uuid;

use super::{AppError, AppResult, require};
use crate::db;
use crate::db::ocop_applications::ApplicationHead;
use crate::domain::account::{Rule, User};
use crate::domain::curation::ApplicationStatus;
use crate::state::AppState;

fn illegal_transition(from: ApplicationStatus, to: ApplicationStatus) -> AppError {
    AppError::Conflict {
        code: "illegal_transition",
        message: format!(
            "hồ sơ đang ở trạng thái {} nên không thể chuyển sang {}",
            from.as_str(),
            to.as_str()
        ),
    }
}

/// A curator never decides on a producer they belong to: the department's rule against judging
/// one's own cooperative. Checked on every curator move of an application.
fn impartial(user: &User, producer_id: Uuid) -> AppResult<()> {
    if user.allows(Rule::MemberOf(producer_id)) {
        return Err(AppError::Forbidden(
            "cán bộ là thành viên của chủ thể này nên không được thẩm định hồ sơ của chủ thể"
                .into(),
        ));
    }
    Ok(())
}

/// Application and certificate snapshots for the audit log.
fn audit_json<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

async fn load_application(state: &AppState, id: Uuid) -> AppResult<ApplicationDto> {
    db::ocop_applications::get(&state.db, id, state.today())
        .await?
        .ok_or(AppError::NotFound)
}

async fn application_head(state: &AppState, id: Uuid) -> AppResult<ApplicationHead> {
    db::ocop_applications::head_for_update(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Members of the producer and curators may read an application (and its documents). Nobody
/// signed in hears 401 before anything is looked up.
async fn readable_head(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
) -> AppResult<ApplicationHead> {
    let user = require(user, Rule::SignedIn)?;
    let head = application_head(state, id).await?;
    if user.allows(Rule::MemberOf(head.producer_id)) || user.allows(Rule::Curator) {
        Ok(head)
    } else {
        Err(AppError::forbidden())
    }
}

/// The application's head, once the requester is known to be a member of its producer (401
/// before the lookup, 404 for no such application, then 403).
async fn member_head<'u>(
    state: &AppState,
    user: Option<&'u User>,
    id: Uuid,
) -> AppResult<(ApplicationHead, &'u User)> {
    require(user, Rule::SignedIn)?;
    let head = application_head(state, id).await?;
    let user = require(user, Rule::MemberOf(head.producer_id))?;
    Ok((head, user))
}
