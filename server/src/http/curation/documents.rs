//! Dossier documents over HTTP: members upload them as multipart; members and curators download
//! them, always as attachments and never cached.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use uuid::Uuid;

use crate::app;
use crate::auth::Requester;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, AppPath};
use crate::http::schemas::{ErrorBody, MemberWrite, SignedIn};
use crate::http::workspace::multipart_error;
use crate::state::AppState;

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(super) struct DocumentUpload {
    /// PDF, JPEG or PNG, at most 10 MB.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct DocumentUploaded {
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
        SignedIn,
        MemberWrite,
        (status = 404, description = "No application has this id", body = ErrorBody),
        (status = 409, description = "Under review or decided (`illegal_transition`), or 20 documents already (`too_many_documents`)", body = ErrorBody),
        (status = 413, description = "Larger than 10 MB", body = ErrorBody),
        (status = 415, description = "Not multipart, or not a PDF, JPEG or PNG", body = ErrorBody),
        (status = 422, description = "No `file` field", body = ErrorBody),
    ),
)]
pub(super) async fn upload_document(
    State(state): State<AppState>,
    requester: Requester,
    AppPath(id): AppPath<Uuid>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, AppJson<DocumentUploaded>), ApiError> {
    let user = requester.user.as_ref();
    // Who may upload is known before a byte of the body is read.
    app::curation::may_change_application(&state, user, id).await?;
    let file = read_document_form(multipart).await?;
    let added = app::curation::add_document(&state, user, id, file).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(DocumentUploaded {
            id: added.id,
            file_name: added.file_name,
            content_type: added.content_type.to_owned(),
            byte_size: added.byte_size as i64,
            url: format!("/api/v1/ocop-applications/{id}/documents/{}", added.id),
        }),
    ))
}

/// The `file` field of a document upload: its bytes and the name it was sent under.
async fn read_document_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Option<(Bytes, Option<String>)>, ApiError> {
    let mut multipart =
        multipart.map_err(|rejection| ApiError::UnsupportedMediaType(rejection.body_text()))?;
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("file") {
            let name = field.file_name().map(str::to_owned);
            file = Some((field.bytes().await.map_err(multipart_error)?, name));
        }
    }
    Ok(file)
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
        SignedIn,
        (status = 403, description = "Neither a member of its producer nor a curator", body = ErrorBody),
        (status = 404, description = "No such application or document", body = ErrorBody),
    ),
)]
pub(super) async fn get_document(
    State(state): State<AppState>,
    requester: Requester,
    AppPath((id, document_id)): AppPath<(Uuid, Uuid)>,
) -> Result<Response, ApiError> {
    let file = app::curation::document(&state, requester.user.as_ref(), id, document_id).await?;
    let ascii: String = file
        .file_name
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
        utf8_percent_encode(&file.file_name, RFC5987)
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(file.content_type),
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
        file.bytes,
    )
        .into_response())
}

/// RFC 5987 `filename*`: everything but unreserved characters percent-encoded.
const RFC5987: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
