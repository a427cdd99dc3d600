//! The buyer's pages: the cart (`/gio-hang`), checkout (`/thanh-toan`), the confirmation after it
//! (`/dat-hang/xong`), an order (`/don-hang/:code?token=…`) and a signed-in buyer's orders
//! (`/don-hang`). Every action is a plain form post answered with a redirect, so a phone without
//! JavaScript can buy; pages carrying an order's secret token send no referrer.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{
    BackendError, Cart, CartGroup, CheckoutPage, FormState, Order, OrderPage, get_cart_page,
    get_checkout_page, get_my_orders, get_order_page, get_placed_orders,
};
use crate::components::form::{FormMessages, refusal};
use crate::components::reviews::OrderReviews;
use crate::components::seo::PageMeta;
use crate::format::{quantity_vi, vnd};

const LOADING: &str = "Đang tải…";

/// The commune select's option for an address in another province (see the server's form handler).
const OTHER_PROVINCE: &str = "khac";

pub fn status_label(status: &str) -> &'static str {
    match status {
        "pending" => "Chờ xác nhận",
        "confirmed" => "Đã xác nhận",
        "shipping" => "Đang giao",
        "delivered" => "Đã giao",
        "cancelled" => "Đã huỷ",
        "paid" => "Đã thanh toán",
        _ => "Khác",
    }
}

pub fn payment_label(method: &str) -> &'static str {
    match method {
        "bank_transfer" => "Chuyển khoản (VietQR)",
        _ => "Thanh toán khi nhận hàng (COD)",
    }
}

pub fn delivery_label(method: &str) -> &'static str {
    match method {
        "ship" => "Giao hàng tận nơi",
        _ => "Nhận tại nơi bán",
    }
}

/// `0912345678` → `0912 345 678`.
pub fn phone_grouped(number: &str) -> String {
    if number.len() == 10 && number.is_ascii() {
        format!("{} {} {}", &number[..4], &number[4..7], &number[7..])
    } else {
        number.to_owned()
    }
}

/// An RFC 3339 time as Vietnam's wall clock (UTC+7, no daylight saving): `14:05 01/12/2026`.
pub fn time_vi(rfc3339: &str) -> String {
    let parse = || -> Option<String> {
        let n = |a: usize, b: usize| rfc3339.get(a..b)?.parse::<i64>().ok();
        let (y, m, d, hh, mm) = (n(0, 4)?, n(5, 7)?, n(8, 10)?, n(11, 13)?, n(14, 16)?);
        // Offset as written (`Z`, `+00:00`, `+07:00`…), to get back to UTC first.
        let tail = rfc3339
            .get(19..)?
            .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        let offset = match tail {
            "Z" | "" => 0,
            t => {
                let sign = if t.starts_with('-') { -1 } else { 1 };
                sign * (t.get(1..3)?.parse::<i64>().ok()? * 60
                    + t.get(4..6)?.parse::<i64>().ok()?)
            }
        };
        let days = days_from_civil(y, m, d);
        let minutes = days * 1440 + hh * 60 + mm - offset + 7 * 60;
        let (day, minute) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
        let (y, m, d) = civil_from_days(day);
        Some(format!(
            "{:02}:{:02} {d:02}/{m:02}/{y}",
            minute / 60,
            minute % 60
        ))
    };
    parse().unwrap_or_else(|| rfc3339.to_owned())
}

// Howard Hinnant's civil calendar algorithms (days since 1970-01-01).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Decimal strings compared as numbers (quantities like "0.5").
fn exceeds(quantity: &str, available: &str) -> bool {
    match (quantity.parse::<f64>(), available.parse::<f64>()) {
        (Ok(q), Ok(a)) => q > a,
        _ => false,
    }
}

/// `/gio-hang`: the cart grouped by producer.
#[component]
pub fn CartRoute() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_cart_page());
    view! {
        <PageMeta title="Giỏ hàng".to_owned() description="Giỏ hàng của bạn".to_owned()/>
        <h1>"Giỏ hàng"</h1>
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => cart_view(page.cart, page.form).into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

fn cart_view(cart: Cart, form: FormState) -> impl IntoView {
    if cart.groups.is_empty() {
        return view! {
            <FormMessages form/>
            <p>"Giỏ hàng đang trống."</p>
            <p><a class="button primary" href="/san-pham">"Xem sản phẩm"</a></p>
        }
        .into_any();
    }
    let blocked = cart.groups.iter().any(|g| g.problem.is_some());
    view! {
        <FormMessages form/>
        {cart.groups.into_iter().map(cart_group).collect_view()}
        <p class="cart-total">"Tiền hàng: "<strong>{vnd(&cart.total_vnd)}</strong>
            <span class="muted">" (chưa gồm phí giao hàng)"</span></p>
        {if blocked {
            view! { <p class="form-error">"Hãy sửa các mục báo đỏ trước khi đặt hàng."</p> }.into_any()
        } else {
            view! { <p><a class="button primary" href="/thanh-toan">"Đặt hàng"</a></p> }.into_any()
        }}
    }
    .into_any()
}

fn cart_group(group: CartGroup) -> impl IntoView {
    view! {
        <section class="card cart-group">
            <h2><a href=format!("/co-so/{}", group.producer.slug)>{group.producer.name.clone()}</a></h2>
            {group.problem.clone().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            <ul class="cart-lines">
                {group.items.into_iter().map(|item| {
                    let action = format!("/gio-hang/{}", item.product.id);
                    let short = exceeds(&item.quantity, &item.available);
                    let mode = if item.fractional { "decimal" } else { "numeric" };
                    view! {
                        <li class="cart-line" class:short=short>
                            <a href=format!("/san-pham/{}", item.product.slug)>{item.product.name.clone()}</a>
                            <span class="muted">{format!(" · {} / {}", vnd(&item.unit_price_vnd), item.product.unit_name)}</span>
                            <form class="inline-form" method="post" action=action.clone()>
                                <label>"Số lượng "
                                    <input name="quantity" type="text" inputmode=mode size="4" value=quantity_vi(&item.quantity)/>
                                </label>
                                " "<button type="submit" class="button">"Cập nhật"</button>
                            </form>
                            <form class="inline-form" method="post" action=action>
                                <input type="hidden" name="quantity" value="0"/>
                                <button type="submit" class="button">"Xoá"</button>
                            </form>
                            <span class="line-total">{vnd(&item.line_total_vnd)}</span>
                            {short.then(|| view! {
                                <p class="field-error">{format!("Chỉ còn {} {}", quantity_vi(&item.available), item.product.unit_name)}</p>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p>"Tạm tính: "<strong>{vnd(&group.subtotal_vnd)}</strong></p>
            {(!group.delivery_options.is_empty()).then(|| view! {
                <ul class="delivery-options">
                    {group.delivery_options.iter().map(|o| view! {
                        <li>{delivery_label(&o.method)}": "{fee_text(&o.fee_vnd)}
                            {o.address.clone().map(|a| format!(" — {a}"))}
                            {o.free_from_vnd.clone().map(|f| format!(" (miễn phí từ {})", vnd(&f)))}</li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

fn fee_text(fee: &str) -> String {
    if fee == "0" {
        "miễn phí".to_owned()
    } else {
        vnd(fee)
    }
}

/// `/thanh-toan`: the buyer's details, and per producer how to get the goods and pay.
#[component]
pub fn CheckoutRoute() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_checkout_page());
    view! {
        <PageMeta title="Đặt hàng".to_owned() description="Thông tin nhận hàng và thanh toán".to_owned()/>
        <h1>"Đặt hàng"</h1>
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => checkout_view(page).into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

/// A text input with its label, the typed value and the error beside it.
fn input(
    form: &FormState,
    name: &'static str,
    label: &'static str,
    stored: String,
    kind: &'static str,
    extra: (&'static str, Option<&'static str>),
) -> impl IntoView + use<> {
    let error = form.error(name);
    let invalid = error.is_some();
    let (autocomplete, inputmode) = extra;
    view! {
        <div class="field" class:invalid=invalid>
            <label for=format!("f-{name}")>{label}</label>
            <input id=format!("f-{name}") name=name type=kind autocomplete=autocomplete inputmode=inputmode
                value=form.value_or(name, stored) aria-invalid=invalid.then_some("true")/>
            {error.map(|e| view! { <p class="field-error">{e}</p> })}
        </div>
    }
}

fn checkout_view(page: CheckoutPage) -> impl IntoView {
    let CheckoutPage {
        cart,
        communes,
        token,
        name,
        email,
        form,
    } = page;
    if cart.groups.is_empty() {
        return view! {
            <FormMessages form/>
            <p>"Giỏ hàng đang trống."</p>
            <p><a href="/don-hang">"Xem đơn hàng của bạn"</a>" · "<a href="/san-pham">"Xem sản phẩm"</a></p>
        }
        .into_any();
    }
    // A failed post keeps its token: resubmitting the corrected form is still one checkout.
    let token = form.value_or("token", token);
    let commune = form.value_or("commune_code", String::new());
    let commune_error = form.error("commune_code");
    let commune_invalid = commune_error.is_some();
    let choice_errors: Vec<String> = ["delivery_method", "payment", "items"]
        .iter()
        .filter_map(|k| form.error(k))
        .collect();
    view! {
        <form class="stack-form checkout" method="post" action="/thanh-toan">
            <FormMessages form=form.clone()/>
            <input type="hidden" name="token" value=token/>
            {cart.groups.iter().flat_map(|g| g.items.iter()).map(|i| view! {
                <input type="hidden" name="item" value=format!("{}={}", i.product.id, i.quantity)/>
            }).collect_view()}
            <h2>"Người nhận"</h2>
            {input(&form, "name", "Họ tên *", name, "text", ("name", None))}
            {input(&form, "phone", "Số điện thoại *", String::new(), "tel", ("tel", None))}
            {input(&form, "email", "Email (không bắt buộc)", email, "email", ("email", None))}
            <div class="field" class:invalid=commune_invalid>
                <label for="f-commune_code">"Xã/phường (Thái Nguyên)"</label>
                <select id="f-commune_code" name="commune_code">
                    <option value="">"— Chọn xã/phường —"</option>
                    {communes.into_iter().map(|c| {
                        let selected = c.value == commune;
                        view! { <option value=c.value selected=selected>{c.label}</option> }
                    }).collect_view()}
                    <option value=OTHER_PROVINCE selected=commune == OTHER_PROVINCE>"Tỉnh khác (ghi rõ trong địa chỉ)"</option>
                </select>
                <small class="hint">"Chỉ cần khi giao hàng tận nơi."</small>
                {commune_error.map(|e| view! { <p class="field-error">{e}</p> })}
            </div>
            {input(&form, "address", "Địa chỉ nhận hàng (số nhà, thôn/xóm; tỉnh khác: ghi đủ)", String::new(), "text", ("street-address", None))}
            <div class="field">
                <label for="f-note">"Ghi chú"</label>
                <textarea id="f-note" name="note" rows="2">{form.value_or("note", String::new())}</textarea>
            </div>
            {choice_errors.into_iter().map(|e| view! { <p class="form-error" role="alert">{e}</p> }).collect_view()}
            {cart.groups.into_iter().map(|g| producer_choices(g, &form)).collect_view()}
            <p class="cart-total">"Tiền hàng: "<strong>{vnd(&cart.total_vnd)}</strong>
                <span class="muted">" + phí giao hàng của từng nơi bán"</span></p>
            <button type="submit" class="button primary">"Đặt hàng"</button>
        </form>
    }
    .into_any()
}

/// One producer's part of the checkout: its lines, delivery choice and payment choice.
fn producer_choices(group: CartGroup, form: &FormState) -> impl IntoView + use<> {
    let slug = group.producer.slug.clone();
    let delivery_name = format!("delivery.{slug}");
    let payment_name = format!("payment.{slug}");
    let chosen_delivery = form.value_or(
        &delivery_name,
        group
            .delivery_options
            .first()
            .map(|o| o.method.clone())
            .unwrap_or_default(),
    );
    let chosen_payment = form.value_or(
        &payment_name,
        group.payments.first().cloned().unwrap_or_default(),
    );
    view! {
        <fieldset class="card producer-choice">
            <legend>{group.producer.name.clone()}</legend>
            {group.problem.clone().map(|p| view! { <p class="form-error">{p}</p> })}
            <ul>
                {group.items.iter().map(|i| view! {
                    <li>{format!("{} × {} {} — {}", i.product.name, quantity_vi(&i.quantity), i.product.unit_name, vnd(&i.line_total_vnd))}</li>
                }).collect_view()}
            </ul>
            <p class="muted">"Nhận hàng:"</p>
            {group.delivery_options.into_iter().map(|o| {
                let checked = o.method == chosen_delivery;
                let text = match o.method.as_str() {
                    "ship" => match fee_text(&o.fee_vnd).as_str() {
                        "miễn phí" => "Giao tận nơi — miễn phí".to_owned(),
                        fee => format!("Giao tận nơi — phí {fee}"),
                    },
                    _ => format!("Nhận tại nơi bán (miễn phí){}", o.address.map(|a| format!(": {a}")).unwrap_or_default()),
                };
                view! { <label class="choice"><input type="radio" name=delivery_name.clone() value=o.method checked=checked/>" "{text}</label> }
            }).collect_view()}
            <p class="muted">"Thanh toán:"</p>
            {group.payments.into_iter().map(|p| {
                let checked = p == chosen_payment;
                let text = payment_label(&p);
                view! { <label class="choice"><input type="radio" name=payment_name.clone() value=p checked=checked/>" "{text}</label> }
            }).collect_view()}
        </fieldset>
    }
}

/// `/dat-hang/xong`: the orders just placed, with their secret links (kept in the session).
#[component]
pub fn PlacedRoute() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_placed_orders());
    view! {
        <Meta name="referrer" content="no-referrer"/>
        <PageMeta title="Đặt hàng thành công".to_owned() description="Đơn hàng của bạn".to_owned()/>
        <h1>"Đặt hàng thành công"</h1>
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(links)) if !links.is_empty() => view! {
                        <p>"Mỗi nơi bán có một đơn riêng. Hãy lưu các đường dẫn dưới đây để xem lại đơn (không chia sẻ cho người khác):"</p>
                        <ul class="placed-orders">
                            {links.into_iter().map(|l| view! {
                                <li>
                                    <a class="order-link" href=l.href>{format!("Đơn {}", l.code)}</a>
                                    {format!(" — {} — {} — {}", l.producer, vnd(&l.total_vnd), payment_label(&l.payment))}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Ok(Ok(_)) => view! { <p>"Không có đơn nào vừa đặt trong phiên này."</p> }.into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

/// `/don-hang/:code?token=…`: an order as its buyer follows it.
#[component]
pub fn OrderRoute() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.read().get("code").unwrap_or_default(),
            query.read().get("token").unwrap_or_default(),
        )
    };
    let data = Resource::new(key, |(code, token)| get_order_page(code, token));
    view! {
        <Meta name="referrer" content="no-referrer"/>
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => order_view(page).into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

fn order_view(page: OrderPage) -> impl IntoView {
    let OrderPage {
        order,
        qr_svg,
        can_cancel,
        token,
        form,
        reviews,
    } = page;
    let title = format!("Đơn hàng {}", order.code);
    let cancel_action = format!("/don-hang/{}/huy", order.code);
    let qr = order.payment.vietqr.clone().filter(|_| qr_svg.is_some());
    view! {
        <PageMeta title=title.clone() description=title.clone()/>
        <h1>{title}</h1>
        <FormMessages form=form.clone()/>
        <p><span class="badge">{status_label(&order.status)}</span>" · "{order.producer.name.clone()}
            {order.producer_phone.clone().map(|p| view! {
                " · "<a href=format!("tel:{p}")>{format!("Gọi {}", phone_grouped(&p))}</a>
            })}</p>
        {order_body(&order)}
        {qr.map(|q| view! {
            <section class="card vietqr">
                <h2>"Chuyển khoản bằng VietQR"</h2>
                <p>"Mở ứng dụng ngân hàng, quét mã để điền sẵn số tài khoản, số tiền và nội dung."</p>
                <div class="qr" inner_html=qr_svg.clone().unwrap_or_default()></div>
                <dl>
                    <dt>"Ngân hàng"</dt><dd>{q.bank_name.clone()}</dd>
                    <dt>"Số tài khoản"</dt><dd class="account-no">{q.account_no.clone()}</dd>
                    <dt>"Chủ tài khoản"</dt><dd>{q.account_name.clone()}</dd>
                    <dt>"Số tiền"</dt><dd class="amount">{vnd(&q.amount_vnd)}</dd>
                    <dt>"Nội dung"</dt><dd class="purpose">{q.purpose.clone()}</dd>
                </dl>
            </section>
        })}
        <OrderReviews slots=reviews code=order.code.clone() token=token.clone() form/>
        {can_cancel.then(|| view! {
            <form method="post" action=cancel_action class="inline-form">
                {token.map(|t| view! { <input type="hidden" name="token" value=t/> })}
                <button type="submit" class="button">"Huỷ đơn"</button>
            </form>
        })}
    }
}

/// Lines, totals, delivery, payment and the timeline: what buyer and seller both see.
pub fn order_body(order: &Order) -> impl IntoView + use<> {
    let d = order.delivery.clone();
    let place = match d.method.as_str() {
        "ship" => [d.address.clone(), d.commune_name.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        _ => d.pickup_address.clone().unwrap_or_default(),
    };
    view! {
        <section class="card">
            <table class="order-lines">
                <tbody>
                    {order.items.iter().map(|i| view! {
                        <tr><td>{i.name.clone()}</td>
                            <td>{format!("{} {} × {}", quantity_vi(&i.quantity), i.unit_name, vnd(&i.unit_price_vnd))}</td>
                            <td class="num">{vnd(&i.line_total_vnd)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p>"Tiền hàng: "{vnd(&order.subtotal_vnd)}" · Phí giao: "{fee_text(&order.delivery_fee_vnd)}</p>
            <p class="order-total">"Tổng cộng: "<strong>{vnd(&order.total_vnd)}</strong></p>
        </section>
        <section class="card">
            <h2>"Nhận hàng"</h2>
            <p>{delivery_label(&d.method)}{(!place.is_empty()).then(|| format!(": {place}"))}</p>
            <p>{d.name.clone()}" · "<a href=format!("tel:{}", d.phone)>{phone_grouped(&d.phone)}</a>
                {d.email.clone().map(|e| format!(" · {e}"))}</p>
            {d.note.clone().map(|n| view! { <p class="muted">"Ghi chú: "{n}</p> })}
            <p>"Thanh toán: "{payment_label(&order.payment.method)}" — "
                {if order.payment.status == "paid" { "đã thanh toán" } else { "chưa thanh toán" }}</p>
            {order.tracking.clone().map(|t| view! { <p>"Vận đơn: "{t}</p> })}
        </section>
        <section class="card">
            <h2>"Tiến trình"</h2>
            <ol class="timeline">
                {order.history.iter().map(|e| view! {
                    <li><strong>{status_label(&e.status)}</strong>" — "{time_vi(&e.at)}
                        {e.tracking.clone().map(|t| format!(" · vận đơn: {t}"))}
                        {e.reason.clone().map(|r| format!(" · lý do: {r}"))}</li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// `/don-hang`: a signed-in buyer's orders, newest first.
#[component]
pub fn MyOrdersRoute() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_my_orders());
    view! {
        <PageMeta title="Đơn hàng của tôi".to_owned() description="Đơn hàng đã đặt".to_owned()/>
        <h1>"Đơn hàng của tôi"</h1>
        <p class="muted">"Chúng tôi gửi thư khi đơn được xác nhận, giao và nhận tiền. "
            <a href="/thong-bao">"Chọn thư muốn nhận"</a></p>
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(orders)) if orders.is_empty() => view! { <p>"Bạn chưa có đơn hàng nào."</p> }.into_any(),
                    Ok(Ok(orders)) => view! {
                        <ul class="order-list">
                            {orders.into_iter().map(|o| view! {
                                <li><a href=format!("/don-hang/{}", o.code)>{o.code.clone()}</a>
                                    {format!(" — {} — {} — {} — {}", o.producer.name, vnd(&o.total_vnd), status_label(&o.status), time_vi(&o.created_at))}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_vietnam() {
        assert_eq!(time_vi("2026-12-01T20:30:00+00:00"), "03:30 02/12/2026");
        assert_eq!(time_vi("2026-12-31T17:00:00.123Z"), "00:00 01/01/2027");
        assert_eq!(time_vi("2026-03-01T08:00:00+07:00"), "08:00 01/03/2026");
        assert_eq!(time_vi("soon"), "soon");
    }
}
