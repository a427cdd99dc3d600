//! Login and registration pages: plain forms posted to the server, which signs the user in and
//! redirects to `next` (or back here with the typed email and the reason it failed).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{FormState, get_auth_form, is_local_path};
use crate::components::form::{FormMessages, TextField};
use crate::components::seo::PageMeta;

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
