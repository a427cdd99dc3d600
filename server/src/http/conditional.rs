//! Conditional GETs: an ETag from a hash of what a response shows, and whether the asker
//! already holds it (`If-None-Match`), for pages and for share pictures alike.

use axum::http::HeaderValue;

/// The strong ETag for content hashed to `hash`.
pub fn etag(hash: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{hash:016x}\"")).expect("hex is a valid header value")
}

/// Whether `If-None-Match` names `etag`. It may list several tags, weak or strong (a
/// compressing proxy weakens them), or `*`.
pub fn unchanged(if_none_match: Option<&HeaderValue>, etag: &HeaderValue) -> bool {
    let Some(asked) = if_none_match.and_then(|asked| asked.to_str().ok()) else {
        return false;
    };
    let ours = etag.to_str().unwrap_or_default();
    asked
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == ours)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    #[test]
    fn if_none_match_lists_weak_and_strong_tags() {
        let ours = super::etag(0xab);
        assert_eq!(ours, "\"00000000000000ab\"");
        for asked in [
            "\"00000000000000ab\"",
            "W/\"00000000000000ab\"",
            "\"ffff\", \"00000000000000ab\"",
            "*",
        ] {
            assert!(
                super::unchanged(Some(&HeaderValue::from_static(asked)), &ours),
                "{asked}"
            );
        }
        for asked in ["\"00000000000000ac\"", "00000000000000ab", ""] {
            assert!(
                !super::unchanged(Some(&HeaderValue::from_static(asked)), &ours),
                "{asked}"
            );
        }
        assert!(!super::unchanged(None, &ours));
    }
}
