//! The one check every request passes before any handler: no control characters in the text the
//! app accepts — path, query, JSON and form bodies alike. PostgreSQL refuses U+0000 in text (a NUL
//! in a slug or a description used to be a 500), and no name, address or story needs the others;
//! tabs and line breaks stay allowed inside bodies, where multi-line text lives. Multipart uploads
//! carry files and are checked by `media/`.

use std::collections::BTreeMap;

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::error::ApiError;

/// Bodies are read whole here; the same limit axum applies to extractors.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

const MESSAGE: &str = "không được chứa ký tự điều khiển (như NUL)";

fn is_refused(c: char, in_body: bool) -> bool {
    c.is_control() && !(in_body && matches!(c, '\t' | '\n' | '\r'))
}

fn refused_text(text: &str, in_body: bool) -> bool {
    text.chars().any(|c| is_refused(c, in_body))
}

/// The first string in a JSON value with a refused character, named like the API's fields
/// (`description`, `items[0].name`); keys count as well.
fn refused_in_json(value: &Value, at: &str) -> Option<String> {
    match value {
        Value::String(s) => refused_text(s, true).then(|| at.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| refused_in_json(item, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let here = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            if refused_text(key, false) {
                Some(here)
            } else {
                refused_in_json(item, &here)
            }
        }),
        _ => None,
    }
}

fn refused_in_pairs(raw: &[u8], in_body: bool) -> Option<String> {
    form_urlencoded::parse(raw)
        .find(|(key, value)| refused_text(key, false) || refused_text(value, in_body))
        .map(|(key, _)| key.chars().filter(|c| !c.is_control()).collect())
}

fn refusal(api: bool, status: StatusCode, field: Option<String>) -> Response {
    match (api, field) {
        (true, Some(field)) => ApiError::Validation(BTreeMap::from([(field, MESSAGE.into())])),
        (true, None) if status == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        (true, None) => ApiError::NotFound,
        (false, field) => {
            let what = match (status, field) {
                (StatusCode::PAYLOAD_TOO_LARGE, _) => "Dữ liệu gửi lên quá lớn.".to_owned(),
                (_, Some(field)) => format!("Ô «{field}» có ký tự không hợp lệ; hãy quay lại và sửa."),
                (_, None) => "Không tìm thấy trang này.".to_owned(),
            };
            return (
                status,
                Html(format!(
                    "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\">\
                     <title>Chợ OCOP</title><p>{what}</p><p><a href=\"/\">Về trang chủ</a></p></html>"
                )),
            )
                .into_response();
        }
    }
    .into_response()
}

pub async fn refuse_control_chars(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    // A path key with a control character names nothing that exists.
    let path_bytes = percent_decode_str(request.uri().path()).collect::<Vec<u8>>();
    if path_bytes.iter().any(|b| *b < 0x20 || *b == 0x7f) {
        return refusal(api, StatusCode::NOT_FOUND, None);
    }
    if let Some(query) = request.uri().query()
        && let Some(field) = refused_in_pairs(query.as_bytes(), false)
    {
        return refusal(api, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let json = content_type.starts_with("application/json");
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    if !json && !form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return refusal(api, StatusCode::PAYLOAD_TOO_LARGE, None);
    };
    let refused = if json {
        // Malformed JSON is the handler's to report (400), in its own words.
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|value| refused_in_json(&value, ""))
    } else {
        refused_in_pairs(&bytes, true)
    };
    if let Some(field) = refused {
        return refusal(api, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_the_first_field_with_a_control_character() {
        let body = serde_json::json!({
            "name": "Chè Tân Cương",
            "story": "dòng một\ndòng hai\tcó tab",
            "items": [{"note": "ok"}, {"note": "a\u{0}b"}],
        });
        assert_eq!(refused_in_json(&body, "").as_deref(), Some("items[1].note"));
        let fine = serde_json::json!({ "story": "dòng một\r\ndòng hai" });
        assert_eq!(refused_in_json(&fine, ""), None);
    }

    #[test]
    fn queries_refuse_line_breaks_that_bodies_allow() {
        assert_eq!(refused_in_pairs(b"q=ch%C3%A8&page=2", false), None);
        assert_eq!(refused_in_pairs(b"q=a%0Ab", false).as_deref(), Some("q"));
        assert_eq!(refused_in_pairs(b"story=a%0Ab", true), None);
        assert_eq!(
            refused_in_pairs(b"story=a%00b", true).as_deref(),
            Some("story")
        );
    }
}
