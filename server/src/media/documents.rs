//! Dossier documents (OCOP applications): what a file is, told by its first bytes (never by the
//! client's claims), how large it may be, and a file name safe to store and send back.

/// Scans of a dossier: a multi-page PDF stays well under this; larger bodies are refused.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// Why a document was refused; mapped to statuses (413, 415) where it is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("the document is larger than {MAX_DOCUMENT_BYTES} bytes")]
    TooLarge,
    #[error("the document is not a PDF, JPEG or PNG file")]
    NotADocument,
}

/// A document's kind as its bytes tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentKind {
    pub extension: &'static str,
    pub content_type: &'static str,
}

/// Checks a document's size, then its kind by its first bytes.
pub fn check_document(bytes: &[u8]) -> Result<DocumentKind, DocumentError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge);
    }
    sniff_document(bytes).ok_or(DocumentError::NotADocument)
}

/// What an uploaded document is, by its first bytes.
fn sniff_document(bytes: &[u8]) -> Option<DocumentKind> {
    let (extension, content_type) = if bytes.starts_with(b"%PDF-") {
        ("pdf", "application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        ("jpg", "image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ("png", "image/png")
    } else {
        return None;
    };
    Some(DocumentKind {
        extension,
        content_type,
    })
}

/// A file name safe to store and to send back in a header: its last path segment, without
/// control characters or quotes, at most 200 characters.
pub fn clean_file_name(raw: Option<&str>, extension: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_recognised_by_their_bytes() {
        assert_eq!(
            sniff_document(b"%PDF-1.7\n"),
            Some(DocumentKind {
                extension: "pdf",
                content_type: "application/pdf"
            })
        );
        assert_eq!(
            sniff_document(&[0xFF, 0xD8, 0xFF, 0xE0]).map(|d| d.extension),
            Some("jpg")
        );
        assert_eq!(sniff_document(b"<html>"), None);
        assert_eq!(check_document(b"<html>"), Err(DocumentError::NotADocument));
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
}
