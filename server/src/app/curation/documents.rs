//! Dossier documents of an application: members attach them (PDF, JPEG or PNG, kept private)
//! while it is not yet under review; members and curators read them back.

use bytes::Bytes;
use serde_json::json;
use uuid::Uuid;

use super::{member_head, readable_head};
use crate::app::{AppError, AppResult};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::domain::account::User;
use crate::domain::audit::AuditAction;
use crate::media::ObjectKey;
use crate::media::documents::{check_document, clean_file_name};
use crate::state::AppState;

/// A dossier has about five documents (ocop.md); this leaves room for re-uploads.
pub const MAX_DOCUMENTS: i64 = 20;

/// A stored document, as its uploader sees it.
pub struct DocumentAdded {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: &'static str,
    pub byte_size: usize,
}

/// A document to send back as a download.
pub struct DocumentFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Bytes,
}

/// Members attach a document (`file`: its bytes and the name it was sent under). The object is
/// stored before its row; if the row cannot follow, the object is removed again.
pub async fn add_document(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    file: Option<(Bytes, Option<String>)>,
) -> AppResult<DocumentAdded> {
    let (_, user) = member_head(state, user, id).await?;
    let (bytes, name) = file.ok_or_else(|| AppError::field("file", "hãy chọn một tệp"))?;
    let kind = check_document(&bytes).map_err(AppError::Document)?;
    let file_name = clean_file_name(name.as_deref(), kind.extension);
    let document_id = Uuid::new_v4();
    let key = ObjectKey::document(id, document_id, kind.extension)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e:?}")))?;
    state
        .media
        .put(&key, bytes.clone(), kind.content_type)
        .await
        .map_err(AppError::from)?;
    let stored = async {
        let mut tx = state.db.begin().await?;
        let head = db::ocop_applications::head_for_update(&mut *tx, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !head.status.accepts_documents() {
            return Err(AppError::Conflict {
                code: "illegal_transition",
                message: "hồ sơ đã vào thẩm định, không thể thêm tài liệu".into(),
            });
        }
        let count = db::ocop_applications::document_count(&mut *tx, id).await?;
        if count >= MAX_DOCUMENTS {
            return Err(AppError::Conflict {
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
                content_type: kind.content_type,
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
                action: AuditAction::OcopApplicationAddDocument,
                entity_id: id.to_string(),
                reason: None,
                before: None,
                after: Some(json!({ "document_id": document_id, "file_name": file_name })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<(), AppError>(())
    }
    .await;
    if let Err(error) = stored {
        // Nothing half-written: the object goes when its row could not be recorded.
        let _ = state.media.delete(&key).await;
        return Err(error);
    }
    Ok(DocumentAdded {
        id: document_id,
        file_name,
        content_type: kind.content_type,
        byte_size: bytes.len(),
    })
}

/// A dossier document, for the producer's members and curators only.
pub async fn document(
    state: &AppState,
    user: Option<&User>,
    id: Uuid,
    document_id: Uuid,
) -> AppResult<DocumentFile> {
    readable_head(state, user, id).await?;
    let (raw_key, _, file_name) = db::ocop_applications::document(&state.db, id, document_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = ObjectKey::parse(&raw_key).map_err(|e| AppError::Internal(e.into()))?;
    let object = state
        .media
        .get(&key)
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .ok_or(AppError::NotFound)?;
    Ok(DocumentFile {
        file_name,
        content_type: key.content_type(),
        bytes: object.bytes,
    })
}
