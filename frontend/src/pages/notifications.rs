//! Mail settings: `/thong-bao` lets a signed-in account choose which mail it receives, and
//! `/thong-bao/huy/{token}` (the link in every account's message) switches it all off without
//! signing in. Both are plain form posts.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{BackendError, get_notifications_page, get_unsubscribe_page};
use crate::components::form::{FormMessages, refusal};
use crate::components::seo::PageMeta;

const LOADING: &str = "Đang tải…";

#[component]
fn Switch(name: &'static str, label: &'static str, hint: &'static str, on: bool) -> impl IntoView {
    view! {
        <label class="field check">
            <input type="checkbox" name=name value="1" checked=on/>
            <span>{label}<br/><small class="muted">{hint}</small></span>
        </label>
    }
}

#[component]
pub fn NotificationsRoute() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_notifications_page());
    view! {
        <PageMeta title="Nhận thư".to_owned() description="Chọn thư Chợ OCOP gửi cho bạn".to_owned()/>
        <h1>"Thư từ Chợ OCOP"</h1>
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => view! {
                        <p>"Thư gửi đến "<strong>{page.email.clone()}</strong>"."</p>
                        <form class="stack-form narrow" method="post" action="/thong-bao">
                            <FormMessages form=page.form.clone()/>
                            <Switch name="order_updates" label="Đơn hàng của tôi"
                                hint="Khi đặt hàng, khi người bán xác nhận, giao hàng, nhận tiền."
                                on=page.prefs.order_updates/>
                            <Switch name="new_orders" label="Đơn hàng mới của cơ sở"
                                hint="Cho thành viên các cơ sở bán hàng."
                                on=page.prefs.new_orders/>
                            <Switch name="certificate_reminders" label="Nhắc hạn chứng nhận OCOP"
                                hint="180, 90 và 30 ngày trước khi hết hạn."
                                on=page.prefs.certificate_reminders/>
                            <button type="submit" class="button primary">"Lưu"</button>
                        </form>
                    }.into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn UnsubscribeRoute() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let done = query.read_untracked().get("xong").is_some();
    let data = Resource::new(token, get_unsubscribe_page);
    view! {
        <PageMeta title="Không nhận thư nữa".to_owned() description="Huỷ nhận thư Chợ OCOP".to_owned()/>
        <h1>"Không nhận thư nữa"</h1>
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) if done => view! {
                        <p class="flash" role="status">{format!("Đã huỷ: {} sẽ không nhận thư từ Chợ OCOP nữa.", page.email)}</p>
                        <p>"Muốn nhận lại một loại thư? "<a href="/thong-bao">"Chọn thư muốn nhận"</a>" (cần đăng nhập)."</p>
                    }.into_any(),
                    Ok(Ok(page)) => view! {
                        <form class="stack-form narrow" method="post" action=format!("/thong-bao/huy/{}", token())>
                            <p>{format!("Ngừng gửi mọi thư (đơn hàng, nhắc hạn chứng nhận) đến {}?", page.email)}</p>
                            <button type="submit" class="button primary">"Không nhận thư nữa"</button>
                        </form>
                    }.into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(BackendError::Internal),
                }
            })}
        </Suspense>
    }
}
