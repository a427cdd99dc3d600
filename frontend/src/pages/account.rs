//! Login and registration pages: plain forms posted to the server, which signs the user in and
//! redirects to `next` (or back here with the typed email and the reason it failed); the account
//! page (password, signing out everywhere) and an invitation's page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{
    BackendError, FormState, get_account_page, get_auth_form, get_invitation_page, is_local_path,
};
use crate::components::form::{FormMessages, TextField, refusal};
use crate::components::seo::PageMeta;
use crate::format::date_vi;

/// Where to go after signing in: only our own paths, never another site.
fn next_path() -> String {
    let query = use_query_map();
    let next = query.read_untracked().get("next").unwrap_or_default();
    if is_local_path(&next) {
        next
    } else {
        "/quan-ly".to_owned()
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let form = Resource::new(|| (), |_| get_auth_form());
    let next = next_path();
    let register = format!(
        "/dang-ky?next={}",
        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    );
    view! {
        <PageMeta title="Đăng nhập".to_owned() description="Đăng nhập Chợ OCOP".to_owned()/>
        <h1>"Đăng nhập"</h1>
        <Suspense fallback=|| ()>
            {move || {
                let next = next.clone();
                let register = register.clone();
                Suspend::new(async move {
                    let state: FormState = form.await.ok().and_then(Result::ok).unwrap_or_default();
                    view! {
                        <form class="stack-form narrow" method="post" action="/dang-nhap">
                            <FormMessages form=state.clone()/>
                            <input type="hidden" name="next" value=next/>
                            <TextField name="email" label="Email" kind="email" required=true
                                autocomplete="email"
                                value=state.value_or("email", "") error=state.error("email")/>
                            <TextField name="password" label="Mật khẩu" kind="password" required=true
                                autocomplete="current-password"
                                value=String::new() error=state.error("password")/>
                            <button type="submit" class="button primary">"Đăng nhập"</button>
                        </form>
                        <p>"Chưa có tài khoản? "<a href=register>"Đăng ký"</a></p>
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let form = Resource::new(|| (), |_| get_auth_form());
    let next = next_path();
    view! {
        <PageMeta title="Đăng ký".to_owned() description="Tạo tài khoản Chợ OCOP".to_owned()/>
        <h1>"Tạo tài khoản"</h1>
        <p class="muted">"Mọi tài khoản đều mua được hàng; sau khi đăng ký, bạn có thể tạo cơ sở (HTX, doanh nghiệp, hộ) để bán."</p>
        <Suspense fallback=|| ()>
            {move || {
                let next = next.clone();
                Suspend::new(async move {
                    let state: FormState = form.await.ok().and_then(Result::ok).unwrap_or_default();
                    view! {
                        <form class="stack-form narrow" method="post" action="/dang-ky">
                            <FormMessages form=state.clone()/>
                            <input type="hidden" name="next" value=next/>
                            <TextField name="display_name" label="Họ tên" required=true
                                autocomplete="name"
                                value=state.value_or("display_name", "") error=state.error("display_name")/>
                            <TextField name="email" label="Email" kind="email" required=true
                                autocomplete="email"
                                value=state.value_or("email", "") error=state.error("email")/>
                            <TextField name="password" label="Mật khẩu" kind="password" required=true
                                autocomplete="new-password" hint="Ít nhất 8 ký tự."
                                value=String::new() error=state.error("password")/>
                            <button type="submit" class="button primary">"Đăng ký"</button>
                        </form>
                        <p>"Đã có tài khoản? "<a href="/dang-nhap">"Đăng nhập"</a></p>
                    }
                })
            }}
        </Suspense>
    }
}

/// `/tai-khoan`: the signed-in account, its password form and "sign out everywhere".
#[component]
pub fn AccountRoute() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_account_page());
    view! {
        <PageMeta title="Tài khoản".to_owned() description="Tài khoản Chợ OCOP".to_owned()/>
        <h1>"Tài khoản"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let page = match data.await {
                    Ok(Ok(page)) => page,
                    Ok(Err(error)) => return refusal(error),
                    Err(_) => return refusal(BackendError::Internal),
                };
                let form = page.form.clone();
                view! {
                    <p>{page.display_name}" · "{page.email}</p>
                    <p><a href="/thong-bao">"Chọn thư muốn nhận"</a></p>
                    <form class="stack-form narrow" method="post" action="/tai-khoan/mat-khau">
                        <h2>"Đổi mật khẩu"</h2>
                        <FormMessages form=form.clone()/>
                        <TextField name="current_password" label="Mật khẩu hiện tại" kind="password"
                            required=true autocomplete="current-password"
                            value=String::new() error=form.error("current_password")/>
                        <TextField name="new_password" label="Mật khẩu mới" kind="password"
                            required=true autocomplete="new-password" hint="Ít nhất 8 ký tự, khó đoán."
                            value=String::new() error=form.error("new_password")/>
                        <p class="muted">"Sau khi đổi, các thiết bị khác đang đăng nhập sẽ bị đăng xuất."</p>
                        <button type="submit" class="button primary">"Đổi mật khẩu"</button>
                    </form>
                    <form class="stack-form narrow" method="post" action="/tai-khoan/dang-xuat-moi-noi">
                        <h2>"Đăng xuất khỏi mọi thiết bị"</h2>
                        <p class="muted">"Dùng khi bạn đăng nhập ở máy lạ hoặc mất điện thoại: mọi phiên đăng nhập, kể cả phiên này, đều kết thúc."</p>
                        <button type="submit" class="button danger">"Đăng xuất khỏi mọi thiết bị"</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}

/// `/loi-moi/:token`: which producer invites, and the button that accepts. Nobody signed in is
/// offered sign-in or registration, both coming back here.
#[component]
pub fn InvitationRoute() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let data = Resource::new(token, get_invitation_page);
    view! {
        <PageMeta title="Lời mời tham gia cơ sở".to_owned() description="Lời mời trên Chợ OCOP".to_owned()/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let page = match data.await {
                    Ok(Ok(page)) => page,
                    Ok(Err(error)) => return refusal(error),
                    Err(_) => return refusal(BackendError::Internal),
                };
                let here = format!("/loi-moi/{}", token());
                let back: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
                let role = if page.role == "owner" { "đồng chủ cơ sở" } else { "thành viên" };
                view! {
                    <h1>"Lời mời tham gia cơ sở"</h1>
                    <p>{format!("Bạn được mời tham gia {} trên Chợ OCOP với vai trò {role}.", page.producer_name)}</p>
                    <p class="muted">{format!("Lời mời có hiệu lực đến hết ngày {}.", date_vi(&page.expires_on))}</p>
                    {match page.signed_in_as {
                        Some(email) => view! {
                            <form class="stack-form narrow" method="post" action=here.clone()>
                                <FormMessages form=page.form.clone()/>
                                <p>{format!("Bạn đang đăng nhập bằng {email}. Lời mời chỉ nhận được bằng tài khoản của đúng email được mời.")}</p>
                                <button type="submit" class="button primary">"Nhận lời mời"</button>
                            </form>
                        }.into_any(),
                        None => view! {
                            <p>"Hãy đăng nhập (hoặc đăng ký) bằng email nhận được lời mời, rồi quay lại đây để nhận lời."</p>
                            <p>
                                <a class="button primary" href=format!("/dang-nhap?next={back}")>"Đăng nhập"</a>" "
                                <a class="button" href=format!("/dang-ky?next={back}")>"Đăng ký"</a>
                            </p>
                        }.into_any(),
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}
