//! The curators' annex import without JavaScript: the upload (file and decision fields) is kept,
//! its review page is drawn as often as it is opened, with the choices made so far, and the
//! apply button issues the certificates once.

use std::collections::HashMap;

use bytes::Bytes;
use frontend::api::AnnexReview;
use uuid::Uuid;

use super::{AnnexImport, import_annex};
use crate::app::{AppError, AppResult, require};
use crate::db;
use crate::db::annex::AnnexDecision;
use crate::domain::account::{Rule, User};
use crate::state::AppState;

/// The decision's fields as typed on the upload form.
#[derive(Debug, Clone, Default)]
pub struct DecisionFields {
    pub decision_no: String,
    pub decided_on: String,
    pub issuer_level: String,
    pub issuer: Option<String>,
    pub rule_set: Option<String>,
}

/// An upload as its review page shows it.
pub struct AnnexPreview {
    pub id: Uuid,
    pub file_name: String,
    pub already_applied: bool,
    /// The review, or why the file or the decision cannot be read at all.
    pub review: Result<AnnexReview, String>,
}

/// Keeps an annex and its decision's fields for their review. The fields are checked with the
/// file on the review page, where every problem is shown at once.
pub async fn save_upload(
    state: &AppState,
    user: Option<&User>,
    file_name: &str,
    file: Option<Bytes>,
    decision: DecisionFields,
) -> AppResult<Uuid> {
    let user = require(user, Rule::Curator)?;
    let file = file.ok_or_else(|| AppError::field("file", "hãy chọn phụ lục (.xlsx hoặc .csv)"))?;
    let name: String = Some(file_name)
        .filter(|n| !n.is_empty())
        .unwrap_or("phu-luc")
        .chars()
        .take(200)
        .collect();
    let mut conn = state.db.acquire().await?;
    Ok(db::annex::save_upload(
        &mut conn,
        user.id,
        &name,
        &file,
        &AnnexDecision {
            decision_no: &decision.decision_no,
            decided_on: &decision.decided_on,
            issuer_level: &decision.issuer_level,
            issuer: decision.issuer.as_deref(),
            rule_set: decision.rule_set.as_deref(),
        },
    )
    .await?)
}

fn input(
    upload: &db::annex::AnnexUpload,
    choices: HashMap<u32, String>,
    dry_run: bool,
) -> AnnexImport {
    AnnexImport {
        file: Bytes::from(upload.file.clone()),
        decision_no: Some(upload.decision_no.clone()),
        decided_on: Some(upload.decided_on.clone()),
        issuer_level: Some(upload.issuer_level.clone()),
        issuer: upload.issuer.clone(),
        rule_set: upload.rule_set.clone(),
        choices,
        dry_run,
    }
}

async fn curator_upload(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
) -> AppResult<db::annex::AnnexUpload> {
    require(user, Rule::Curator)?;
    db::annex::upload(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The review with the choices made so far (nothing is written).
pub async fn review_upload(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    choices: HashMap<u32, String>,
) -> AppResult<AnnexPreview> {
    let upload = curator_upload(state, user, id).await?;
    let review = match import_annex(state, user, input(&upload, choices, true)).await {
        Ok(review) => Ok(review),
        Err(AppError::Validation(fields)) => {
            Err(fields.into_values().collect::<Vec<_>>().join("; "))
        }
        Err(other) => return Err(other),
    };
    Ok(AnnexPreview {
        id: upload.id,
        file_name: upload.file_name,
        already_applied: upload.applied,
        review,
    })
}

/// Applies the annex with these choices, once.
pub async fn apply_upload(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    choices: HashMap<u32, String>,
) -> AppResult<AnnexReview> {
    let upload = curator_upload(state, user, id).await?;
    if upload.applied {
        return Err(AppError::Conflict {
            code: "already_applied",
            message: "phụ lục này đã được áp dụng rồi".into(),
        });
    }
    let review = import_annex(state, user, input(&upload, choices, false)).await?;
    if review.applied {
        // Re-applying is harmless anyway: every row would be "already" rated.
        db::annex::mark_applied(&state.db, id).await?;
    }
    Ok(review)
}
