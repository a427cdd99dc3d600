//! Plain HTML form posts from the UI (sign-in and the producer workspace). Every form calls the
//! same `app` command as the JSON API (same access rule, checks, transaction and audit entry):
//! accounts (password, signing out everywhere), members and invitations, producers, products,
//! livestreams and OCOP applications alike. Every post is answered with a 303 redirect: to the
//! next page when it worked, or back to the form with the typed values and the Vietnamese errors
//! left in the session for the form to show once.

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::Response;
use axum::routing::post;
use frontend::api::FormState;
use frontend::format::quantity_vi;
use tower_sessions::Session;
use uuid::Uuid;

use super::see_other;
use super::workspace::FLASH_KEY;
use crate::app;
use crate::app::AppError;
use crate::app::livestreams::LivestreamInput;
use crate::app::products::ProductInput;
use crate::app::workspace::ProducerInput;
use crate::auth::{ClientIp, Requester};
use crate::http::error::ApiError;
use crate::http::workspace::read_image_form;
use crate::media::MAX_UPLOAD_BYTES;
use crate::state::AppState;

/// `name=value` pairs as posted, in order (checkbox groups repeat a name).
pub(super) type Fields = axum::Form<Vec<(String, String)>>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dang-nhap", post(login_form))
        .route("/dang-ky", post(register_form))
        .route("/dang-xuat", post(logout_form))
        .route("/quan-ly/co-so-moi", post(create_producer_form))
        .route("/quan-ly/{slug}/ho-so", post(update_producer_form))
        .route("/tai-khoan/mat-khau", post(change_password_form))
        .route("/tai-khoan/dang-xuat-moi-noi", post(revoke_sessions_form))
        .route("/loi-moi/{token}", post(accept_invitation_form))
        .route("/quan-ly/{slug}/thanh-vien", post(invite_member_form))
        .route(
            "/quan-ly/{slug}/thanh-vien/{user_id}/xoa",
            post(remove_member_form),
        )
        .route("/quan-ly/{slug}/san-pham-moi", post(create_product_form))
        .route("/quan-ly/{slug}/san-pham/{id}", post(update_product_form))
        .route(
            "/quan-ly/{slug}/san-pham/{id}/luu-tru",
            post(archive_product_form),
        )
        .route(
            "/quan-ly/{slug}/san-pham/{id}/anh",
            post(upload_image_form).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route(
            "/quan-ly/{slug}/san-pham/{id}/anh/{image}/len",
            post(move_image_up_form),
        )
        .route(
            "/quan-ly/{slug}/san-pham/{id}/anh/{image}/xoa",
            post(delete_image_form),
        )
        .route(
            "/quan-ly/{slug}/livestream-moi",
            post(create_livestream_form),
        )
        .route(
            "/quan-ly/{slug}/livestream/{id}",
            post(update_livestream_form),
        )
        .route(
            "/quan-ly/{slug}/livestream/{id}/huy",
            post(cancel_livestream_form),
        )
}

/// The longest value kept for the form to show again: above every field's own maximum, so
/// nothing a person typed is lost, far below the 2 MB a body may carry.
const KEPT_VALUE_CHARS: usize = 20_000;
/// Fields kept: more than any of our forms has.
const KEPT_FIELDS: usize = 64;

/// What the form shows again after a failed post: everything typed except passwords; checkbox
/// groups joined with commas. Bounded, because it is stored in the session until the next page.
fn typed_values(fields: &[(String, String)]) -> std::collections::BTreeMap<String, String> {
    let mut values = std::collections::BTreeMap::<String, String>::new();
    for (name, value) in fields {
        if name.contains("password")
            || name.len() > 64
            || (values.len() >= KEPT_FIELDS && !values.contains_key(name))
        {
            continue;
        }
        let value: String = value.chars().take(KEPT_VALUE_CHARS).collect();
        if values.get(name).is_some_and(|v| v.len() > KEPT_VALUE_CHARS) {
            continue;
        }
        values
            .entry(name.clone())
            .and_modify(|v| {
                v.push(',');
                v.push_str(&value);
            })
            .or_insert_with(|| value.clone());
    }
    values
}

/// Where the browser goes after a post.
pub(super) struct Outcome {
    to: String,
    notice: Option<&'static str>,
}

pub(super) fn go(to: impl Into<String>, notice: Option<&'static str>) -> Outcome {
    Outcome {
        to: to.into(),
        notice,
    }
}

async fn flash(session: &Session, state: FormState) {
    // Nobody signed in: the session exists only to carry this message to the next page, so it
    // lasts an hour, not the 30 days of a signed-in one.
    let signed_in = session
        .get::<Uuid>(crate::auth::USER_ID_KEY)
        .await
        .ok()
        .flatten()
        .is_some();
    if !signed_in {
        session.set_expiry(Some(tower_sessions::Expiry::OnInactivity(
            time::Duration::hours(1),
        )));
    }
    if let Err(error) = session.insert(FLASH_KEY, state).await {
        tracing::warn!(%error, "could not keep the form state for the next page");
    }
}

fn login_redirect(back: &str) -> Response {
    let next: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
    see_other(&format!("/dang-nhap?next={next}"))
}

/// Turns a handler's answer into a redirect. A failure goes back to `back` with the typed values
/// and the reasons in Vietnamese (upload errors belong to the `file` field).
pub(super) async fn finish(
    session: &Session,
    result: Result<Outcome, ApiError>,
    back: &str,
    fields: &[(String, String)],
) -> Response {
    let error = match result {
        Ok(outcome) => {
            if let Some(notice) = outcome.notice {
                flash(
                    session,
                    FormState {
                        notice: Some(notice.to_owned()),
                        ..FormState::default()
                    },
                )
                .await;
            }
            return see_other(&outcome.to);
        }
        Err(error) => error,
    };
    let mut state = FormState {
        values: typed_values(fields),
        ..FormState::default()
    };
    let mut whole_form = |message: String| {
        state.errors.insert("_form".to_owned(), message);
    };
    match error {
        ApiError::Validation(errors) => state.errors = errors,
        ApiError::Unauthorized => return login_redirect(back),
        ApiError::Forbidden(message)
        | ApiError::BadRequest(message)
        | ApiError::Conflict { message, .. } => whole_form(message),
        ApiError::NotFound => whole_form("không tìm thấy mục này (có thể đã bị xoá)".into()),
        ApiError::OutOfStock(items) => whole_form(shortage_message(&items)),
        ApiError::PayloadTooLarge => {
            state
                .errors
                .insert("file".to_owned(), "ảnh lớn hơn 10 MB".to_owned());
        }
        ApiError::UnsupportedMediaType(_) => {
            state.errors.insert(
                "file".to_owned(),
                "tệp không phải ảnh JPEG, PNG hay WebP".to_owned(),
            );
        }
        ApiError::TooManyRequests { retry_after_secs } => whole_form(format!(
            "đăng nhập sai quá nhiều lần; hãy thử lại sau {} phút",
            retry_after_secs.div_ceil(60)
        )),
        ApiError::Unavailable(_) | ApiError::Internal(_) => {
            tracing::error!(%error, "form post failed");
            whole_form("có lỗi ở máy chủ, chưa có gì được lưu; hãy thử lại".into())
        }
    }
    flash(session, state).await;
    see_other(back)
}

/// Only our own paths: `next` must not send a signed-in user to another site.
fn safe_next(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .find(|(name, _)| name == "next")
        .map(|(_, v)| v.clone())
        .filter(|n| frontend::api::is_local_path(n))
        .unwrap_or_else(|| "/quan-ly".to_owned())
}

async fn login_form(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    requester: Requester,
    fields: Fields,
) -> Response {
    let next = safe_next(&fields);
    let back = format!(
        "/dang-nhap?next={}",
        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    );
    let result = app::accounts::login(
        &state,
        &requester.session,
        ip,
        field(&fields, "email").unwrap_or_default(),
        field(&fields, "password").unwrap_or_default().to_owned(),
    )
    .await
    .map(|_| go(next, None))
    // A wrong password is "unauthorized" to the API, but to this form it is a message, not a
    // detour to the login page it came from.
    .map_err(|error| match error {
        AppError::Unauthorized => ApiError::Forbidden("email hoặc mật khẩu không đúng".into()),
        other => other.into(),
    });
    finish(&requester.session, result, &back, &fields).await
}

async fn register_form(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    requester: Requester,
    fields: Fields,
) -> Response {
    let next = safe_next(&fields);
    let result = app::accounts::register(
        &state,
        &requester.session,
        ip,
        field(&fields, "email").unwrap_or_default(),
        field(&fields, "password").unwrap_or_default(),
        field(&fields, "display_name").unwrap_or_default(),
    )
    .await
    .map(|_| go(next, None))
    .map_err(ApiError::from);
    finish(&requester.session, result, "/dang-ky", &fields).await
}

async fn logout_form(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    requester: Requester,
) -> Response {
    // Signing out twice (say, from two tabs) is not an error worth a page.
    let _ = app::accounts::logout(&state, requester.user.as_ref(), &requester.session, ip).await;
    see_other("/")
}

async fn create_producer_form(
    State(state): State<AppState>,
    requester: Requester,
    fields: Fields,
) -> Response {
    let result =
        app::workspace::create_producer(&state, requester.user.as_ref(), producer_input(&fields))
            .await
            .map(|card| go(format!("/quan-ly/{}", card.slug), Some("Đã tạo cơ sở.")))
            .map_err(ApiError::from);
    finish(&requester.session, result, "/quan-ly/co-so-moi", &fields).await
}

async fn update_producer_form(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    fields: Fields,
) -> Response {
    let back = format!("/quan-ly/{slug}/ho-so");
    let result = app::workspace::update_producer(
        &state,
        requester.user.as_ref(),
        &slug,
        producer_input(&fields),
    )
    .await
    .map(|_| go(format!("/quan-ly/{slug}"), Some("Đã lưu hồ sơ.")))
    .map_err(ApiError::from);
    finish(&requester.session, result, &back, &fields).await
}

async fn invite_member_form(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    fields: Fields,
) -> Response {
    let back = format!("/quan-ly/{slug}/thanh-vien");
    let result = app::members::invite(
        &state,
        requester.user.as_ref(),
        &slug,
        field(&fields, "email").unwrap_or_default(),
        field(&fields, "role"),
    )
    .await
    .map(|_| {
        go(
            back.clone(),
            Some("Đã gửi lời mời. Người được mời tham gia khi nhận lời mời trong email."),
        )
    })
    .map_err(ApiError::from);
    finish(&requester.session, result, &back, &fields).await
}

async fn remove_member_form(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, user_id)): Path<(String, String)>,
) -> Response {
    let back = format!("/quan-ly/{slug}/thanh-vien");
    let leaving = requester
        .user
        .as_ref()
        .is_some_and(|u| u.id.to_string() == user_id);
    let result = match Uuid::parse_str(&user_id) {
        Ok(member) => app::members::remove(&state, requester.user.as_ref(), &slug, member)
            .await
            .map(|_| {
                if leaving {
                    go("/quan-ly", Some("Bạn đã rời cơ sở."))
                } else {
                    go(back.clone(), Some("Đã xoá thành viên."))
                }
            }),
        Err(_) => Err(AppError::NotFound),
    }
    .map_err(ApiError::from);
    finish(&requester.session, result, &back, &[]).await
}

async fn accept_invitation_form(
    State(state): State<AppState>,
    requester: Requester,
    Path(token): Path<String>,
) -> Response {
    let back = format!("/loi-moi/{token}");
    let result = app::members::accept(&state, requester.user.as_ref(), &token)
        .await
        .map(|joined| {
            go(
                format!("/quan-ly/{}", joined.producer_slug),
                Some("Bạn đã tham gia cơ sở."),
            )
        })
        .map_err(ApiError::from);
    finish(&requester.session, result, &back, &[]).await
}

async fn change_password_form(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    requester: Requester,
    fields: Fields,
) -> Response {
    let back = "/tai-khoan";
    let result = app::accounts::change_password(
        &state,
        requester.user.as_ref(),
        &requester.session,
        ip,
        field(&fields, "current_password")
            .unwrap_or_default()
            .to_owned(),
        field(&fields, "new_password").unwrap_or_default(),
    )
    .await
    .map(|_| {
        go(
            back,
            Some("Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất."),
        )
    })
    .map_err(ApiError::from);
    finish(&requester.session, result, back, &fields).await
}

async fn revoke_sessions_form(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    requester: Requester,
) -> Response {
    let result =
        app::accounts::revoke_sessions(&state, requester.user.as_ref(), &requester.session, ip)
            .await
            .map(|_| go("/dang-nhap", Some("Đã đăng xuất khỏi mọi thiết bị.")))
            .map_err(ApiError::from);
    finish(&requester.session, result, "/tai-khoan", &[]).await
}

/// The last value posted under `name`, if any.
pub(super) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn owned(fields: &[(String, String)], name: &str) -> Option<String> {
    field(fields, name).map(str::to_owned)
}

/// A select left on its blank option: "not chosen".
fn chosen(fields: &[(String, String)], name: &str) -> Option<String> {
    field(fields, name)
        .filter(|v| !v.trim().is_empty())
        .map(str::to_owned)
}

fn producer_input(fields: &[(String, String)]) -> ProducerInput {
    ProducerInput {
        name: owned(fields, "name"),
        kind: owned(fields, "kind"),
        commune_code: owned(fields, "commune_code"),
        old_commune: owned(fields, "old_commune"),
        old_district: owned(fields, "old_district"),
        address: owned(fields, "address"),
        phone: owned(fields, "phone"),
        description: owned(fields, "description"),
    }
}

/// A product form's selects left on their blank option mean "not chosen" (and, for the GI, "no
/// claim"), which the command words as "hãy chọn…" rather than "no such code".
fn product_input(fields: &[(String, String)]) -> ProductInput {
    ProductInput {
        name: owned(fields, "name"),
        category_code: chosen(fields, "category_code"),
        description: owned(fields, "description"),
        story: owned(fields, "story"),
        price_vnd: field(fields, "price_vnd").map(|v| Some(v.to_owned())),
        unit: chosen(fields, "unit"),
        stock: owned(fields, "stock"),
        status: owned(fields, "status"),
        gi_slug: field(fields, "gi_slug").map(|_| chosen(fields, "gi_slug")),
    }
}

async fn create_product_form(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    fields: Fields,
) -> Response {
    let back = format!("/quan-ly/{slug}/san-pham-moi");
    let result = app::products::create_product(
        &state,
        requester.user.as_ref(),
        &slug,
        product_input(&fields),
    )
    .await
    // Straight to the product's page in the workspace, where photos are added.
    .map(|created| {
        go(
            format!("/quan-ly/{slug}/san-pham/{}", created.id),
            Some("Đã tạo sản phẩm. Thêm ảnh bên dưới."),
        )
    })
    .map_err(ApiError::from);
    finish(&requester.session, result, &back, &fields).await
}

async fn update_product_form(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, id)): Path<(String, Uuid)>,
    fields: Fields,
) -> Response {
    let back = format!("/quan-ly/{slug}/san-pham/{id}");
    let result =
        app::products::update_product(&state, requester.user.as_ref(), id, product_input(&fields))
            .await
            .map(|_| go(back.clone(), Some("Đã lưu.")))
            .map_err(ApiError::from);
    finish(&requester.session, result, &back, &fields).await
}

async fn archive_product_form(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Response {
    let result = app::products::archive_product(&state, requester.user.as_ref(), id)
        .await
        .map(|_| go(format!("/quan-ly/{slug}"), Some("Đã lưu trữ sản phẩm.")))
        .map_err(ApiError::from);
    finish(
        &requester.session,
        result,
        &format!("/quan-ly/{slug}/san-pham/{id}"),
        &[],
    )
    .await
}

async fn upload_image_form(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, id)): Path<(String, Uuid)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let back = format!("/quan-ly/{slug}/san-pham/{id}");
    let user = requester.user.as_ref();
    let result = async {
        app::products::may_add_image(&state, user, id).await?;
        let (file, alt) = read_image_form(multipart).await?;
        app::products::add_image(&state, user, id, file, &alt).await?;
        Ok(go(back.clone(), Some("Đã thêm ảnh.")))
    }
    .await;
    finish(&requester.session, result, &back, &[]).await
}

/// Swaps a photo with the one before it (the first photo is the cover).
async fn move_image_up_form(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, id, image)): Path<(String, Uuid, Uuid)>,
) -> Response {
    let back = format!("/quan-ly/{slug}/san-pham/{id}");
    let result = app::products::move_image_up(&state, requester.user.as_ref(), id, image)
        .await
        .map(|_| go(back.clone(), None))
        .map_err(ApiError::from);
    finish(&requester.session, result, &back, &[]).await
}

async fn delete_image_form(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, id, image)): Path<(String, Uuid, Uuid)>,
) -> Response {
    let back = format!("/quan-ly/{slug}/san-pham/{id}");
    let result = app::products::delete_image(&state, requester.user.as_ref(), id, image)
        .await
        .map(|_| go(back.clone(), Some("Đã xoá ảnh.")))
        .map_err(ApiError::from);
    finish(&requester.session, result, &back, &[]).await
}

/// `datetime-local` inputs send "2026-12-01T19:30" with no zone; our producers mean Vietnam
/// time (UTC+7, no daylight saving), which is what the API's RFC 3339 field then receives.
fn vietnam_time(raw: &str) -> String {
    let raw = raw.trim();
    match chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M") {
        Ok(local) => format!("{}+07:00", local.format("%Y-%m-%dT%H:%M:%S")),
        Err(_) => raw.to_owned(),
    }
}

async fn create_livestream_form(
    State(state): State<AppState>,
    requester: Requester,
    Path(slug): Path<String>,
    fields: Fields,
) -> Response {
    let back = format!("/quan-ly/{slug}/livestream-moi");
    let result = app::livestreams::create(
        &state,
        requester.user.as_ref(),
        &slug,
        livestream_input(&fields),
    )
    .await
    .map(|_| go(format!("/quan-ly/{slug}"), Some("Đã lên lịch livestream.")))
    .map_err(ApiError::from);
    // Put back what was typed, not the converted times.
    finish(&requester.session, result, &back, &fields).await
}

/// The livestream form as typed, its times (Vietnam time on the page) with their offset.
fn livestream_input(fields: &[(String, String)]) -> LivestreamInput {
    let text = |name: &str| field(fields, name).unwrap_or_default().to_owned();
    LivestreamInput {
        platform: text("platform"),
        url: text("url"),
        title: text("title"),
        starts_at: vietnam_time(&text("starts_at")),
        ends_at: chosen(fields, "ends_at").map(|end| vietnam_time(&end)),
        product_ids: fields
            .iter()
            .filter(|(name, _)| name == "product_ids")
            .map(|(_, id)| id.clone())
            .collect(),
    }
}

async fn update_livestream_form(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, id)): Path<(String, Uuid)>,
    fields: Fields,
) -> Response {
    let back = format!("/quan-ly/{slug}/livestream/{id}");
    let result = app::livestreams::update(
        &state,
        requester.user.as_ref(),
        id,
        livestream_input(&fields),
    )
    .await
    .map(|_| go(format!("/quan-ly/{slug}"), Some("Đã lưu livestream.")))
    .map_err(ApiError::from);
    finish(&requester.session, result, &back, &fields).await
}

async fn cancel_livestream_form(
    State(state): State<AppState>,
    requester: Requester,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Response {
    let back = format!("/quan-ly/{slug}");
    let result = app::livestreams::cancel(&state, requester.user.as_ref(), id)
        .await
        .map(|_| go(back.clone(), Some("Đã huỷ livestream.")))
        .map_err(ApiError::from);
    finish(&requester.session, result, &back, &[]).await
}

/// "Chè tôm nõn: còn 3 (bạn đặt 5)" for each item that ran out, as the cart and checkout say it.
pub(crate) fn shortage_message(items: &[frontend::api::Shortage]) -> String {
    let lines: Vec<String> = items
        .iter()
        .map(|i| {
            format!(
                "{}: chỉ còn {} (bạn đặt {})",
                i.name,
                quantity_vi(&i.available),
                quantity_vi(&i.requested)
            )
        })
        .collect();
    format!("Không đủ hàng — {}", lines.join("; "))
}
