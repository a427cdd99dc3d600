//! The producer workspace (`/quan-ly/…`): a member's producers, profile, members (invitations
//! and removal on their own page), products with stock at a glance, product forms with photos,
//! and livestream scheduling.
//!
//! Every action is a plain HTML form posted to the same path (or a sub-path) and answered with a
//! redirect, so it all works without JavaScript on a cheap phone. The workspace is in Vietnamese
//! only: its users are Thái Nguyên producers, and the issue asks for Vietnamese pages.

mod imports;
mod livestream;
mod members;
mod ocop;

pub use imports::ImportPageRoute;
pub use livestream::LivestreamFormPage;
pub use members::MembersRoute;
use ocop::{application_line, ocop_section};

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{
    ApplicationDto, Choice, EditableProduct, FormState, ProducerForm, ProducerProfile,
    SellerCertificate, get_livestream_form, get_producer_desk, get_producer_form,
    get_product_editor, get_viewer,
};
use crate::components::form::{Echo, FormMessages, SelectField, TextArea, TextField, refusal};
use crate::components::livestream::LivestreamCard;
use crate::components::seo::PageMeta;
use crate::format::{date_vi, group_thousands, quantity_vi, vnd};

fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}

fn kinds() -> Vec<Choice> {
    [
        ("htx", "Hợp tác xã (HTX)"),
        ("company", "Doanh nghiệp"),
        ("household", "Hộ sản xuất"),
        ("other", "Khác"),
    ]
    .into_iter()
    .map(|(value, label)| Choice {
        value: value.into(),
        label: label.into(),
    })
    .collect()
}

fn status_label(status: &str) -> &'static str {
    match status {
        "draft" => "Nháp",
        "archived" => "Đã lưu trữ",
        _ => "Đang bán",
    }
}

const LOADING: &str = "Đang tải…";

/// The stored price as the box shows it, grouped the Vietnamese way ("250.000"), which the
/// server reads back as the same amount.
fn grouped_price(stored: &str) -> String {
    stored
        .parse::<u64>()
        .map(group_thousands)
        .unwrap_or_else(|_| stored.to_owned())
}

/// `/quan-ly`: the viewer's producers, and the way to create one.
#[component]
pub fn WorkspaceHome() -> impl IntoView {
    let viewer = Resource::new(|| (), |_| get_viewer());
    view! {
        <PageMeta title="Kênh người bán".to_owned() description="Quản lý cơ sở, sản phẩm và livestream".to_owned()/>
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Ok(Some(viewer))) => view! {
                        <h1>"Kênh người bán"</h1>
                        <p class="muted">{format!("Xin chào {} ({})", viewer.display_name, viewer.email)}</p>
                        <h2>"Cơ sở của bạn"</h2>
                        {if viewer.producers.is_empty() {
                            view! { <p>"Bạn chưa thuộc cơ sở nào. Tạo cơ sở (HTX, doanh nghiệp, hộ) để bắt đầu bán."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="desk-list">
                                    {viewer.producers.into_iter().map(|p| view! {
                                        <li>
                                            <a href=format!("/quan-ly/{}", p.slug)>{p.name}</a>
                                            " "<span class="badge">{if p.role == "owner" { "Chủ cơ sở" } else { "Thành viên" }}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <p><a class="button primary" href="/quan-ly/co-so-moi">"+ Tạo cơ sở mới"</a></p>
                        <p><a href="/tai-khoan">"Tài khoản: đổi mật khẩu, đăng xuất khỏi mọi thiết bị"</a></p>
                        <form method="post" action="/dang-xuat">
                            <button type="submit" class="button">"Đăng xuất"</button>
                        </form>
                    }.into_any(),
                    Ok(Ok(None)) => refusal(crate::api::BackendError::Unauthorized),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(crate::api::BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

/// `/quan-ly/co-so-moi` and `/quan-ly/:slug/ho-so`: the producer profile form.
#[component]
pub fn ProducerFormPage() -> impl IntoView {
    let slug = param("slug");
    let data = Resource::new(slug, get_producer_form);
    view! {
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => producer_form(page).into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(crate::api::BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

fn producer_form(page: ProducerForm) -> impl IntoView {
    let ProducerForm {
        profile,
        communes,
        form,
    } = page;
    let creating = profile.is_none();
    let p: ProducerProfile = profile.unwrap_or_default();
    let (title, action, back) = if creating {
        (
            "Tạo cơ sở mới".to_owned(),
            "/quan-ly/co-so-moi".to_owned(),
            "/quan-ly".to_owned(),
        )
    } else {
        (
            format!("Hồ sơ {}", p.name),
            format!("/quan-ly/{}/ho-so", p.slug),
            format!("/quan-ly/{}", p.slug),
        )
    };
    let kind = if creating && p.kind.is_empty() {
        "htx".to_owned()
    } else {
        p.kind.clone()
    };
    view! {
        <PageMeta title=title.clone() description=title.clone()/>
        <p><a href=back>"← Quay lại"</a></p>
        <h1>{title}</h1>
        <form class="stack-form" method="post" action=action>
            <FormMessages form=form.clone()/>
            <TextField name="name" label="Tên cơ sở" required=true
                value=form.value_or("name", p.name.clone()) error=form.error("name")/>
            <SelectField name="kind" label="Loại hình" required=true choices=kinds()
                value=form.value_or("kind", kind) error=form.error("kind")/>
            <SelectField name="commune_code" label="Xã/phường (từ 7/2025)" choices=communes
                blank="— Chọn xã/phường —"
                value=form.value_or("commune_code", p.commune_code.clone()) error=form.error("commune_code")/>
            <TextField name="old_commune" label="Xã cũ (trước 7/2025)" hint="Ví dụ: Tân Cương. Dùng để xét vùng chỉ dẫn địa lý."
                value=form.value_or("old_commune", p.old_commune.clone()) error=form.error("old_commune")/>
            <TextField name="old_district" label="Huyện/thành phố cũ"
                value=form.value_or("old_district", p.old_district.clone()) error=form.error("old_district")/>
            <TextField name="address" label="Địa chỉ"
                value=form.value_or("address", p.address.clone()) error=form.error("address")/>
            <TextField name="phone" label="Điện thoại" kind="tel" autocomplete="tel"
                value=form.value_or("phone", p.phone.clone()) error=form.error("phone")/>
            <TextArea name="description" label="Giới thiệu"
                value=form.value_or("description", p.description.clone()) error=form.error("description")/>
            <button type="submit" class="button primary">{if creating { "Tạo cơ sở" } else { "Lưu hồ sơ" }}</button>
        </form>
    }
}

/// `/quan-ly/:slug`: the producer's desk.
#[component]
pub fn ProducerDeskPage() -> impl IntoView {
    let slug = param("slug");
    let data = Resource::new(slug, get_producer_desk);
    view! {
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                let desk = match data.await {
                    Ok(Ok(desk)) => desk,
                    Ok(Err(error)) => return refusal(error),
                    Err(_) => return refusal(crate::api::BackendError::Internal),
                };
                let slug = desk.profile.slug.clone();
                let owner = desk.role == "owner";
                let form = desk.form.clone();
                view! {
                    <PageMeta title=desk.profile.name.clone() description="Kênh người bán".to_owned()/>
                    <p><a href="/quan-ly">"← Kênh người bán"</a></p>
                    <h1>{desk.profile.name.clone()}</h1>
                    <FormMessages form=FormState { errors: Default::default(), ..form.clone() }/>
                    <nav class="desk-actions">
                        <a class="button primary" href=format!("/quan-ly/{slug}/san-pham-moi")>"+ Thêm sản phẩm"</a>
                        <a class="button" href=format!("/quan-ly/{slug}/nhap-san-pham")>"Nhập từ Excel"</a>
                        <a class="button" href=format!("/quan-ly/{slug}/livestream-moi")>"Lên lịch livestream"</a>
                        <a class="button" href=format!("/quan-ly/{slug}/don-hang")>"Đơn hàng"</a>
                        <a class="button" href=format!("/quan-ly/{slug}/bao-cao")>"Báo cáo bán hàng"</a>
                        {owner.then(|| view! { <a class="button" href=format!("/quan-ly/{slug}/ban-hang")>"Bán hàng trực tuyến"</a> })}
                        {owner.then(|| view! { <a class="button" href=format!("/quan-ly/{slug}/ho-so")>"Sửa hồ sơ"</a> })}
                        <a class="button" href=format!("/co-so/{slug}")>"Xem trang công khai"</a>
                    </nav>

                    <h2>"Sản phẩm và tồn kho"</h2>
                    {if desk.products.is_empty() {
                        view! { <p>"Chưa có sản phẩm nào."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="stock-list">
                                {desk.products.into_iter().map(|row| {
                                    let href = format!("/quan-ly/{slug}/san-pham/{}", row.id);
                                    view! {
                                        <li class="stock-row" class:low=row.low class:archived=row.status == "archived">
                                            {match row.thumb_url {
                                                Some(src) => view! { <img src=src alt="" width="56" height="56" loading="lazy"/> }.into_any(),
                                                None => view! { <span class="stock-thumb" aria-hidden="true">"📷"</span> }.into_any(),
                                            }}
                                            <a class="stock-name" href=href>{row.name}</a>
                                            <span class="badge">{status_label(&row.status)}</span>
                                            <span class="stock-price">{format!("{} / {}", vnd(&row.price_vnd), row.unit_name)}</span>
                                            <span class="stock-qty">{if row.low { "Sắp hết: " } else { "Còn: " }}<strong>{row.stock}</strong></span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}

                    {(!desk.reminders.is_empty()).then(|| view! {
                        <h2>"Chứng nhận OCOP sắp hết hạn"</h2>
                        <ul class="desk-list reminders">
                            {desk.reminders.into_iter().map(|r| view! {
                                <li class:urgent=r.days_left <= 30>
                                    <strong>{r.product_name}</strong>
                                    {format!(" · {}★ · QĐ {} · hết hạn {} (còn {} ngày) ", r.stars, r.decision_no, r.expires_on, r.days_left)}
                                    <a href=r.verify_url>"Xem chứng nhận"</a>
                                </li>
                            }).collect_view()}
                        </ul>
                        <p class="muted">"Hãy nộp hồ sơ đánh giá lại trước khi hết hạn: khi hết hạn, sao OCOP không còn hiện với người mua."</p>
                    })}
                    {(!desk.applications.is_empty()).then(|| view! {
                        <h2>"Hồ sơ OCOP"</h2>
                        <ul class="desk-list">
                            {desk.applications.into_iter().map(|a| application_line(a, true)).collect_view()}
                        </ul>
                    })}

                    <h2>"Livestream"</h2>
                    {if desk.livestreams.is_empty() {
                        view! { <p class="muted">"Chưa có livestream nào."</p> }.into_any()
                    } else {
                        view! {
                            <div class="live-strip">
                                {desk.livestreams.into_iter().map(|stream| {
                                    // Past and cancelled streams stay as they were; the rest can change.
                                    let changeable = matches!(stream.status.as_str(), "upcoming" | "live");
                                    let base = format!("/quan-ly/{slug}/livestream/{}", stream.id);
                                    let id = stream.id.clone();
                                    view! {
                                        <div class="live-item" data-livestream=id>
                                            <LivestreamCard stream show_products=true/>
                                            {changeable.then(|| view! {
                                                <div class="live-actions">
                                                    <a class="button small" href=base.clone()>"Sửa"</a>
                                                    <form method="post" action=format!("{base}/huy")>
                                                        <button type="submit" class="button small danger">"Huỷ buổi live"</button>
                                                    </form>
                                                </div>
                                            })}
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        }.into_any()
                    }}

                    <h2>"Thành viên"</h2>
                    <ul class="desk-list">
                        {desk.members.into_iter().map(|m| view! {
                            <li>{m.display_name}" · "{m.email}" "<span class="badge">{if m.role == "owner" { "Chủ cơ sở" } else { "Thành viên" }}</span></li>
                        }).collect_view()}
                    </ul>
                    <p><a class="button" href=format!("/quan-ly/{slug}/thanh-vien")>
                        {if owner { "Mời và quản lý thành viên" } else { "Xem thành viên" }}
                    </a></p>
                }.into_any()
            })}
        </Suspense>
    }
}

/// `/quan-ly/:slug/san-pham-moi` and `/quan-ly/:slug/san-pham/:id`.
#[component]
pub fn ProductEditorPage() -> impl IntoView {
    let slug = param("slug");
    let id = param("id");
    let data = Resource::new(
        move || (slug(), id()),
        |(slug, id)| get_product_editor(slug, id),
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                let editor = match data.await {
                    Ok(Ok(editor)) => editor,
                    Ok(Err(error)) => return refusal(error),
                    Err(_) => return refusal(crate::api::BackendError::Internal),
                };
                let form = editor.form.clone();
                let slug = editor.producer.slug.clone();
                let product = editor.product.clone();
                let p: EditableProduct = product.clone().unwrap_or(EditableProduct {
                    id: String::new(),
                    slug: String::new(),
                    name: String::new(),
                    category_code: String::new(),
                    description: String::new(),
                    price_vnd: String::new(),
                    unit: String::new(),
                    stock: "0".into(),
                    gi_slug: String::new(),
                    status: "active".into(),
                    images: Vec::new(),
                });
                let creating = product.is_none();
                let action = if creating {
                    format!("/quan-ly/{slug}/san-pham-moi")
                } else {
                    format!("/quan-ly/{slug}/san-pham/{}", p.id)
                };
                let title = if creating { "Thêm sản phẩm".to_owned() } else { p.name.clone() };
                let statuses = vec![
                    Choice { value: "active".into(), label: "Đang bán".into() },
                    Choice { value: "draft".into(), label: "Nháp (chưa hiện công khai)".into() },
                ];
                view! {
                    <PageMeta title=title.clone() description=editor.producer.name.clone()/>
                    <p><a href=format!("/quan-ly/{slug}")>{format!("← {}", editor.producer.name)}</a></p>
                    <h1>{title}</h1>
                    <form class="stack-form" method="post" action=action>
                        <FormMessages form=form.clone()/>
                        <TextField name="name" label="Tên sản phẩm" required=true
                            value=form.value_or("name", p.name.clone()) error=form.error("name")/>
                        <SelectField name="category_code" label="Nhóm sản phẩm" required=true
                            choices=editor.categories blank="— Chọn nhóm —"
                            value=form.value_or("category_code", p.category_code.clone()) error=form.error("category_code")/>
                        <div class="field-row">
                            <TextField name="price_vnd" label="Giá (đồng)" required=true inputmode="numeric"
                                echo=Echo::Price hint="Ví dụ: 250.000"
                                value=form.value_or("price_vnd", grouped_price(&p.price_vnd)) error=form.error("price_vnd")/>
                            <SelectField name="unit" label="Đơn vị" required=true choices=editor.units
                                blank="— Đơn vị —"
                                value=form.value_or("unit", p.unit.clone()) error=form.error("unit")/>
                        </div>
                        <TextField name="stock" label="Tồn kho" required=true inputmode="decimal"
                            echo=Echo::Quantity hint="Số lẻ viết với dấu phẩy: 2,5 (kg). Nghìn: 1000 hoặc 1 000."
                            value=form.value_or("stock", quantity_vi(&p.stock)) error=form.error("stock")/>
                        <SelectField name="gi_slug" label="Chỉ dẫn địa lý" choices=editor.gis blank="— Không —"
                            value=form.value_or("gi_slug", p.gi_slug.clone()) error=form.error("gi_slug")/>
                        <SelectField name="status" label="Trạng thái" choices=statuses
                            value=form.value_or("status", if p.status == "archived" { "active".to_owned() } else { p.status.clone() })
                            error=form.error("status")/>
                        <TextArea name="description" label="Mô tả"
                            value=form.value_or("description", p.description.clone()) error=form.error("description")/>
                        <button type="submit" class="button primary">{if creating { "Tạo sản phẩm" } else { "Lưu" }}</button>
                    </form>
                    {(!creating).then(|| photos(&slug, &p, &form))}
                    {(!creating).then(|| ocop_section(&slug, &p, editor.applications.clone(), editor.certificate.clone(), &form))}
                    {(!creating && p.status != "archived").then(|| view! {
                        <form method="post" action=format!("/quan-ly/{slug}/san-pham/{}/luu-tru", p.id) class="danger-zone">
                            <h2>"Lưu trữ"</h2>
                            <p class="muted">"Sản phẩm lưu trữ không còn hiện với người mua; đơn cũ vẫn giữ nguyên."</p>
                            <button type="submit" class="button danger">"Lưu trữ sản phẩm"</button>
                        </form>
                    })}
                }.into_any()
            })}
        </Suspense>
    }
}

/// Photos with previews: the first is the cover; each can move up or be deleted; a plain
/// multipart form uploads a new one.
fn photos(slug: &str, p: &EditableProduct, form: &FormState) -> impl IntoView {
    let base = format!("/quan-ly/{slug}/san-pham/{}/anh", p.id);
    let file_error = form.error("file");
    let count = p.images.len();
    view! {
        <section class="photos">
            <h2>"Ảnh sản phẩm"</h2>
            {(count == 0).then(|| view! { <p class="muted">"Chưa có ảnh. Ảnh đầu tiên là ảnh bìa."</p> })}
            <ol class="photo-list">
                {p.images.iter().enumerate().map(|(i, img)| {
                    let up = format!("{base}/{}/len", img.id);
                    let delete = format!("{base}/{}/xoa", img.id);
                    view! {
                        <li class="photo">
                            <img src=img.thumb_url.clone() alt=format!("Ảnh {}", i + 1) width="120" height="120" loading="lazy"/>
                            {(i == 0).then(|| view! { <span class="badge">"Ảnh bìa"</span> })}
                            <div class="photo-actions">
                                {(i > 0).then(|| view! {
                                    <form method="post" action=up><button type="submit" class="button small">"↑ Lên trước"</button></form>
                                })}
                                <form method="post" action=delete><button type="submit" class="button small danger">"Xoá"</button></form>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <form class="stack-form" method="post" action=base enctype="multipart/form-data">
                <PhotoPicker error=file_error/>
                <button type="submit" class="button">"Tải ảnh lên"</button>
            </form>
        </section>
    }
}

/// The file box of the upload form, with the photo just chosen shown before it is sent
/// (without JavaScript it shows after). The last upload's error belongs to that file: choosing
/// another one clears it.
#[island]
fn PhotoPicker(error: Option<String>) -> impl IntoView {
    let file_error = RwSignal::new(error);
    let preview = RwSignal::new(None::<String>);
    let awake = crate::components::awake();
    view! {
        <div class="photo-picker" data-hydrated=awake>
            {move || file_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <div class="field">
                <label for="f-file">"Thêm ảnh (JPEG, PNG, WebP; tối đa 10 MB)"</label>
                <input id="f-file" type="file" name="file" accept="image/jpeg,image/png,image/webp" required=true
                    on:change=move |ev| {
                        file_error.set(None);
                        preview.set(chosen_photo_url(&ev));
                    }/>
            </div>
            {move || preview.get().map(|src| view! { <img class="upload-preview" src=src alt="Ảnh sắp tải lên"/> })}
        </div>
    }
}

/// A local URL for the photo just chosen in a file input, to preview it before uploading.
fn chosen_photo_url(ev: &leptos::ev::Event) -> Option<String> {
    let input = event_target::<web_sys::HtmlInputElement>(ev);
    let file = input.files()?.get(0)?;
    web_sys::Url::create_object_url_with_blob(&file).ok()
}
