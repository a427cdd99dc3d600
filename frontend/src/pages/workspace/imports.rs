//! `/quan-ly/:slug/nhap-san-pham` (upload a product list) and `…/nhap-san-pham/:upload` (its
//! preview: every row marked new / update / unchanged / error, then one button to apply). Both
//! are plain forms: the upload is a multipart post, the apply a small post, nothing needs JS.

use leptos::prelude::*;

use super::{LOADING, param};
use crate::api::{FormState, ImportPage, ImportReport, get_import_page};
use crate::components::form::{FormMessages, refusal};
use crate::components::seo::PageMeta;

/// Both pages: the upload form, or one upload's preview.
#[component]
pub fn ImportPageRoute() -> impl IntoView {
    let slug = param("slug");
    let upload = param("upload");
    let data = Resource::new(
        move || (slug(), upload()),
        |(slug, upload)| get_import_page(slug, Some(upload).filter(|u| !u.is_empty())),
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => import_page(page).into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(crate::api::BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

fn import_page(page: ImportPage) -> impl IntoView {
    let slug = page.producer_slug.clone();
    let title = format!("Nhập sản phẩm từ bảng tính · {}", page.producer_name);
    let body = match (&page.upload_id, page.report.clone()) {
        (Some(id), Some(report)) => preview(&page, id, report).into_any(),
        (Some(_), None) => view! {
            <p class="field-error" role="alert">{page.file_error.clone().unwrap_or_default()}</p>
            <p><a class="button" href=format!("/quan-ly/{slug}/nhap-san-pham")>"Tải tệp khác lên"</a></p>
        }
        .into_any(),
        (None, _) => upload_form(&slug, &page.form).into_any(),
    };
    view! {
        <PageMeta title=title.clone() description="Nhập danh sách sản phẩm từ Excel".to_owned()/>
        <p><a href=format!("/quan-ly/{slug}")>"← Quay lại cơ sở"</a></p>
        <h1>{title}</h1>
        {body}
    }
}

fn upload_form(slug: &str, form: &FormState) -> impl IntoView {
    view! {
        <p>
            "Tải bảng tính (.xlsx hoặc .csv) có các cột: Mã sản phẩm, Tên, Nhóm, Đơn vị, Giá, Tồn kho, Mô tả, Chỉ dẫn địa lý. "
            "Mã đã có thì sản phẩm được cập nhật (ô trống giữ nguyên), mã mới thì thêm sản phẩm. "
            "Bạn sẽ xem trước từng dòng rồi mới nhập."
        </p>
        <p>
            <a class="button small" href="/api/v1/imports/products-template.xlsx">"Tải tệp mẫu Excel (.xlsx)"</a>
            " "
            <a class="button small" href="/api/v1/imports/products-template.csv">"Tải tệp mẫu CSV"</a>
        </p>
        <form class="stack-form" method="post" action=format!("/quan-ly/{slug}/nhap-san-pham") enctype="multipart/form-data">
            <FormMessages form=FormState { errors: Default::default(), ..form.clone() }/>
            {form.error("_form").map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <div class="field" class:invalid=form.error("file").is_some()>
                <label for="f-file">"Bảng tính (.xlsx hoặc .csv, tối đa 10 MB) *"</label>
                <input id="f-file" type="file" name="file" required=true
                    accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>
                {form.error("file").map(|e| view! { <p class="field-error">{e}</p> })}
            </div>
            <div class="field" class:invalid=form.error("photos").is_some()>
                <label for="f-photos">"Ảnh (tuỳ chọn): tệp .zip, mỗi ảnh đặt tên theo mã, ví dụ TC-001.jpg, TC-001-2.jpg"</label>
                <input id="f-photos" type="file" name="photos" accept=".zip,application/zip"/>
                {form.error("photos").map(|e| view! { <p class="field-error">{e}</p> })}
            </div>
            <button type="submit" class="button primary">"Tải lên và xem trước"</button>
        </form>
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "new" => "Mới",
        "update" => "Cập nhật",
        "unchanged" => "Không đổi",
        _ => "Lỗi",
    }
}

fn preview(page: &ImportPage, id: &str, report: ImportReport) -> impl IntoView {
    let slug = page.producer_slug.clone();
    let file = page.file_name.clone().unwrap_or_default();
    let read_as = match (&report.encoding_label, &report.separator) {
        (Some(encoding), Some(sep)) => {
            let sep = if sep == "\t" {
                "tab".to_owned()
            } else {
                format!("\"{sep}\"")
            };
            format!("CSV, mã hoá {encoding}, phân cách {sep}")
        }
        _ => "Excel (.xlsx)".to_owned(),
    };
    let summary = format!(
        "{} dòng: {} mới, {} cập nhật, {} không đổi, {} lỗi",
        report.rows, report.new, report.updated, report.unchanged, report.invalid
    );
    let has_errors =
        report.invalid > 0 || report.photos.as_ref().is_some_and(|p| !p.errors.is_empty());
    let action = format!("/quan-ly/{slug}/nhap-san-pham/{id}/ap-dung");
    view! {
        <FormMessages form=page.form.clone()/>
        {page.form.error("_form").map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        <p>{format!("Tệp {file} · đọc dạng {read_as}")}</p>
        <p class="import-summary"><strong>{summary}</strong></p>
        {report.photos.clone().map(|p| view! {
            <p>{format!("Ảnh: {} ảnh khớp mã, {} đã thêm, {} đã có", p.found, p.added, p.unchanged)}</p>
            {(!p.errors.is_empty()).then(|| view! {
                <ul class="import-errors">
                    {p.errors.into_iter().map(|e| view! { <li>{format!("{}: {}", e.file, e.message)}</li> }).collect_view()}
                </ul>
            })}
        })}
        {(!report.errors.is_empty()).then(|| view! {
            <h2>"Lỗi cần sửa"</h2>
            <ul class="import-errors">
                {report.errors.iter().map(|e| view! {
                    <li>{format!("Dòng {}, cột \"{}\": {}", e.row, e.column, e.message)}</li>
                }).collect_view()}
            </ul>
        })}
        <table class="import-preview">
            <thead><tr><th>"Dòng"</th><th>"Mã"</th><th>"Tên"</th><th>"Kết quả"</th><th>"Thay đổi"</th></tr></thead>
            <tbody>
                {report.items.into_iter().map(|item| view! {
                    <tr class=format!("import-{}", item.status) data-row=item.row.to_string()>
                        <td>{item.row}</td>
                        <td>{item.sku}</td>
                        <td>{item.name}</td>
                        <td>{status_label(&item.status)}</td>
                        <td>{item.changes.join("; ")}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {report.items_truncated.then(|| view! { <p class="muted">"Chỉ hiện 2.000 dòng đầu; số đếm ở trên tính mọi dòng."</p> })}
        {if page.already_applied {
            view! {
                <p class="notice">"Tệp này đã được nhập. Sản phẩm đã có trong danh mục và tìm kiếm."</p>
                <p><a class="button primary" href=format!("/quan-ly/{slug}")>"Về danh sách sản phẩm"</a></p>
            }.into_any()
        } else {
            view! {
                <form class="stack-form" method="post" action=action>
                    {has_errors.then(|| view! {
                        <div class="field">
                            <label>
                                <input type="checkbox" name="bo_qua_dong_loi" value="on"/>
                                " Bỏ qua dòng lỗi (chỉ nhập các dòng hợp lệ)"
                            </label>
                            <small class="hint">"Không đánh dấu: có dòng lỗi thì không nhập dòng nào."</small>
                        </div>
                    })}
                    <button type="submit" class="button primary">"Nhập vào danh mục"</button>
                    " "
                    <a class="button" href=format!("/quan-ly/{slug}/nhap-san-pham")>"Tải tệp khác"</a>
                </form>
            }.into_any()
        }}
    }
}
