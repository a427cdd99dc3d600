//! The seller's side of buying in the workspace: sales settings (`/quan-ly/:slug/ban-hang`), the
//! order inbox (`/quan-ly/:slug/don-hang`, filtered by `?status=`) and an order with its next
//! steps (`/quan-ly/:slug/don-hang/:code`). Plain forms answered with redirects, like the rest of
//! the workspace.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{
    BackendError, FormState, OrderInbox, SalesForm, SellerOrder, get_order_inbox, get_sales_form,
    get_seller_order,
};
use crate::components::form::{FormMessages, SelectField, TextField, refusal};
use crate::components::seo::PageMeta;
use crate::format::vnd;
use crate::pages::buying::{order_body, payment_label, status_label, time_vi};

const LOADING: &str = "Đang tải…";

fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}

/// A checkbox: after a failed post, ticked as posted; otherwise as saved.
fn checkbox(
    form: &FormState,
    name: &'static str,
    label: &'static str,
    saved: bool,
) -> impl IntoView + use<> {
    let checked = if form.values.contains_key("_posted") {
        form.values.contains_key(name)
    } else {
        saved
    };
    view! { <label class="choice"><input type="checkbox" name=name value="on" checked=checked/>" "{label}</label> }
}

/// `/quan-ly/:slug/ban-hang`: how the producer sells (owners).
#[component]
pub fn SalesSettingsRoute() -> impl IntoView {
    let slug = param("slug");
    let data = Resource::new(slug, get_sales_form);
    view! {
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => sales_form(page).into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

fn sales_form(page: SalesForm) -> impl IntoView {
    let SalesForm {
        producer,
        settings: s,
        banks,
        form,
    } = page;
    let title = format!("Bán hàng trực tuyến — {}", producer.name);
    let action = format!("/quan-ly/{}/ban-hang", producer.slug);
    let account = s.bank_account.clone().unwrap_or(frontend_account());
    let group_error = |key: &str| {
        form.error(key)
            .map(|e| view! { <p class="field-error">{e}</p> })
    };
    view! {
        <PageMeta title=title.clone() description=title.clone()/>
        <p><a href=format!("/quan-ly/{}", producer.slug)>"← Quay lại"</a></p>
        <h1>{title}</h1>
        {(!s.configured).then(|| view! {
            <p class="muted">"Cơ sở chưa nhận đặt hàng trực tuyến: lưu cách giao nhận và thanh toán để bắt đầu."</p>
        })}
        <form class="stack-form" method="post" action=action>
            <FormMessages form=form.clone()/>
            <h2>"Giao nhận"</h2>
            {group_error("delivery")}
            {checkbox(&form, "pickup", "Khách nhận tại cơ sở (miễn phí)", s.delivery.pickup)}
            <TextField name="pickup_address" label="Địa chỉ nhận hàng"
                value=form.value_or("pickup_address", s.delivery.pickup_address.clone().unwrap_or_default())
                error=form.error("pickup_address")/>
            {checkbox(&form, "ship", "Giao hàng tận nơi", s.delivery.ship)}
            <TextField name="ship_fee_vnd" label="Phí giao hàng (đồng, 0 nếu miễn phí)" hint="Ví dụ: 30.000"
                value=form.value_or("ship_fee_vnd", s.delivery.ship_fee_vnd.clone().unwrap_or_default())
                error=form.error("ship_fee_vnd")/>
            <TextField name="free_from_vnd" label="Miễn phí giao cho đơn từ (đồng, không bắt buộc)"
                value=form.value_or("free_from_vnd", s.delivery.free_from_vnd.clone().unwrap_or_default())
                error=form.error("free_from_vnd")/>
            <h2>"Thanh toán"</h2>
            {group_error("payments")}
            {checkbox(&form, "cod", "Thanh toán khi nhận hàng (COD)", s.payments.cod)}
            {checkbox(&form, "bank_transfer", "Chuyển khoản ngân hàng (mã VietQR)", s.payments.bank_transfer)}
            <SelectField name="bank_bin" label="Ngân hàng" choices=banks blank="— Chọn ngân hàng —"
                value=form.value_or("bank_bin", account.bank_bin.clone()) error=form.error("bank_bin")/>
            <TextField name="account_no" label="Số tài khoản"
                value=form.value_or("account_no", account.account_no.clone()) error=form.error("account_no")/>
            <TextField name="account_name" label="Chủ tài khoản" hint="Viết như trong ứng dụng ngân hàng, ví dụ HTX CHE TAN CUONG"
                value=form.value_or("account_name", account.account_name.clone()) error=form.error("account_name")/>
            <h2>"Đơn tối thiểu"</h2>
            <TextField name="min_order_vnd" label="Giá trị đơn tối thiểu (đồng, không bắt buộc)"
                value=form.value_or("min_order_vnd", s.min_order_vnd.clone().unwrap_or_default())
                error=form.error("min_order_vnd")/>
            <button type="submit" class="button primary">"Lưu"</button>
        </form>
    }
}

fn frontend_account() -> crate::api::BankAccountDto {
    crate::api::BankAccountDto {
        bank_bin: String::new(),
        account_no: String::new(),
        account_name: String::new(),
        bank_name: String::new(),
    }
}

/// `/quan-ly/:slug/don-hang`: the producer's orders, newest first, with counts per status.
#[component]
pub fn OrderInboxRoute() -> impl IntoView {
    let slug = param("slug");
    let query = use_query_map();
    let key = move || (slug(), query.read().get("status").unwrap_or_default());
    let data = Resource::new(key, |(slug, status)| get_order_inbox(slug, status));
    view! {
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(inbox)) => inbox_view(inbox).into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

fn inbox_view(inbox: OrderInbox) -> impl IntoView {
    let base = format!("/quan-ly/{}/don-hang", inbox.producer.slug);
    let all: i64 = inbox.counts.iter().map(|(_, n)| n).sum();
    let title = format!("Đơn hàng — {}", inbox.producer.name);
    view! {
        <PageMeta title=title.clone() description=title.clone()/>
        <p><a href=format!("/quan-ly/{}", inbox.producer.slug)>"← Quay lại"</a></p>
        <h1>{title}</h1>
        <nav class="status-filter">
            <a href=base.clone() aria-current=inbox.status.is_empty().then_some("page")>{format!("Tất cả ({all})")}</a>
            {inbox.counts.iter().map(|(status, n)| {
                let current = *status == inbox.status;
                view! { " · "<a href=format!("{base}?status={status}") aria-current=current.then_some("page")>{format!("{} ({n})", status_label(status))}</a> }
            }).collect_view()}
        </nav>
        {if inbox.orders.is_empty() {
            view! { <p>"Chưa có đơn hàng nào."</p> }.into_any()
        } else {
            view! {
                <ul class="order-list">
                    {inbox.orders.into_iter().map(|o| view! {
                        <li><a href=format!("{base}/{}", o.code)>{o.code.clone()}</a>
                            " "<span class="badge">{status_label(&o.status)}</span>
                            {format!(" {} — {} — {} — {}", o.delivery.name, vnd(&o.total_vnd), payment_label(&o.payment.method), time_vi(&o.created_at))}
                            {(o.payment.status == "paid").then_some(" — đã thanh toán")}</li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// `/quan-ly/:slug/don-hang/:code`: an order with the buyer's details and the seller's actions.
#[component]
pub fn SellerOrderRoute() -> impl IntoView {
    let slug = param("slug");
    let code = param("code");
    let data = Resource::new(move || (slug(), code()), |(s, c)| get_seller_order(s, c));
    view! {
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => seller_order(page).into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

fn seller_order(page: SellerOrder) -> impl IntoView {
    let SellerOrder {
        producer,
        order,
        actions,
        form,
    } = page;
    let base = format!("/quan-ly/{}/don-hang/{}", producer.slug, order.code);
    let title = format!("Đơn {}", order.code);
    let unpaid = order.payment.status != "paid" && order.status != "cancelled";
    view! {
        <PageMeta title=title.clone() description=title.clone()/>
        <p><a href=format!("/quan-ly/{}/don-hang", producer.slug)>"← Đơn hàng"</a></p>
        <h1>{title}" "<span class="badge">{status_label(&order.status)}</span></h1>
        <FormMessages form=form.clone()/>
        {order_body(&order)}
        // A delivered or cancelled order that is paid (or cancelled) has nothing left to do.
        {(!actions.is_empty() || unpaid).then(|| view! {
        <section class="card seller-actions">
            <h2>"Xử lý đơn"</h2>
            {actions.into_iter().map(|to| {
                let button_class = if to == "cancelled" { "button danger" } else { "button" };
                let label = match to.as_str() {
                    "confirmed" => "Xác nhận đơn",
                    "shipping" => "Bắt đầu giao",
                    "delivered" => "Đã giao xong",
                    _ => "Huỷ đơn",
                };
                let extra = match to.as_str() {
                    "shipping" => view! {
                        <label>"Mã vận đơn / ghi chú giao "<input name="tracking" type="text" value=form.value_or("tracking", String::new())/></label>
                    }.into_any(),
                    "cancelled" => view! {
                        <label>"Lý do huỷ * "<input name="reason" type="text" value=form.value_or("reason", String::new())/></label>
                        {form.error("reason").map(|e| view! { <p class="field-error">{e}</p> })}
                    }.into_any(),
                    _ => ().into_any(),
                };
                view! {
                    <form method="post" action=base.clone() class=format!("inline-form action-{to}")>
                        <input type="hidden" name="status" value=to.clone()/>
                        {extra}
                        " "<button type="submit" class=button_class>{label}</button>
                    </form>
                }
            }).collect_view()}
            {unpaid.then(|| view! {
                <form method="post" action=format!("{base}/da-thanh-toan") class="inline-form action-paid">
                    <button type="submit" class="button">"Đã nhận tiền"</button>
                </form>
            })}
        </section>
        })}
    }
}
