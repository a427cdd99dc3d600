//! `/can-bo/quyet-dinh`: a curator uploads an OCOP decision's annex with the decision's number,
//! date, level and rule set; `/can-bo/quyet-dinh/:upload` reviews it — each row matched, new,
//! already rated, in error, or ambiguous with a radio button per candidate — and applies it.
//! Plain forms only: the review's choices are posted with the apply button.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::refusal;
use crate::api::{AnnexPage, AnnexReview, AnnexRowDto, FormState, get_annex_page};
use crate::components::seo::PageMeta;
use crate::format::date_vi;
use crate::i18n::use_texts;

pub const ANNEX_PATH: &str = "/can-bo/quyet-dinh";

#[component]
pub fn AnnexImportRoute() -> impl IntoView {
    let texts = use_texts();
    let params = use_params_map();
    let upload = move || params.read().get("upload").filter(|u| !u.is_empty());
    let data = Resource::new(upload, get_annex_page);
    view! {
        <PageMeta title="Nhập quyết định OCOP từ phụ lục".to_owned() description="Cán bộ nhập quyết định công nhận OCOP".to_owned()/>
        <Suspense fallback=move || view! { <p class="muted">{texts.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => annex_page(page).into_any(),
                    Ok(Err(error)) => refusal(Some(error), texts, ANNEX_PATH),
                    Err(_) => refusal(None, texts, ANNEX_PATH),
                }
            })}
        </Suspense>
    }
}

fn annex_page(page: AnnexPage) -> impl IntoView {
    let body = match (&page.upload_id, page.review.clone()) {
        (Some(id), Some(review)) => review_view(&page, id, review).into_any(),
        (Some(_), None) => view! {
            <p class="field-error" role="alert">{page.file_error.clone().unwrap_or_default()}</p>
            <p><a class="button" href=ANNEX_PATH>"Tải phụ lục khác lên"</a></p>
        }
        .into_any(),
        (None, _) => upload_form(&page.form).into_any(),
    };
    view! {
        <p><a href="/can-bo">"← Bảng điều khiển cán bộ"</a></p>
        <h1>"Nhập quyết định OCOP từ phụ lục"</h1>
        {body}
    }
}

fn field_error(form: &FormState, name: &str) -> Option<impl IntoView + use<>> {
    form.error(name)
        .map(|e| view! { <p class="field-error">{e}</p> })
}

fn upload_form(form: &FormState) -> impl IntoView {
    let value = |name: &str| form.value_or(name, "");
    let level = form.value_or("issuer_level", "province");
    view! {
        <p>"Phụ lục (.xlsx hoặc .csv) gồm các cột: STT, Tên sản phẩm, Chủ thể, Xã/phường, Nhóm, Số sao. "
           "Sản phẩm và chủ thể được đối chiếu theo tên (không dấu, không phân biệt hoa thường, bỏ \"HTX\", \"Công ty TNHH\", \"Hộ kinh doanh\") và xã."</p>
        <form class="stack-form" method="post" action=ANNEX_PATH enctype="multipart/form-data">
            {form.error("_form").map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <div class="field">
                <label for="f-decision_no">"Số quyết định *"</label>
                <input id="f-decision_no" name="decision_no" required=true value=value("decision_no") placeholder="1234/QĐ-UBND"/>
                {field_error(form, "decision_no")}
            </div>
            <div class="field">
                <label for="f-decided_on">"Ngày quyết định *"</label>
                <input id="f-decided_on" name="decided_on" type="date" required=true value=value("decided_on")/>
                {field_error(form, "decided_on")}
            </div>
            <div class="field">
                <label for="f-issuer_level">"Cấp ra quyết định *"</label>
                <select id="f-issuer_level" name="issuer_level">
                    {[("province", "Tỉnh (UBND tỉnh)"), ("central", "Trung ương (5 sao)"), ("district", "Huyện (trước 7/2025)")]
                        .into_iter()
                        .map(|(v, label)| view! { <option value=v selected=level == v>{label}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-rule_set">"Bộ tiêu chí"</label>
                <select id="f-rule_set" name="rule_set">
                    <option value="">"Theo ngày quyết định"</option>
                    <option value="148/2023">"QĐ 148/QĐ-TTg (2023)"</option>
                    <option value="26/2026">"QĐ 26/2026/QĐ-TTg"</option>
                </select>
            </div>
            <div class="field">
                <label for="f-issuer">"Cơ quan ban hành (tuỳ chọn)"</label>
                <input id="f-issuer" name="issuer" value=value("issuer") placeholder="UBND tỉnh Thái Nguyên"/>
            </div>
            <div class="field" class:invalid=form.error("file").is_some()>
                <label for="f-file">"Phụ lục (.xlsx hoặc .csv, tối đa 10 MB) *"</label>
                <input id="f-file" type="file" name="file" required=true accept=".xlsx,.csv"/>
                {field_error(form, "file")}
            </div>
            <button type="submit" class="button primary">"Tải lên và đối chiếu"</button>
        </form>
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "matched" => "Khớp",
        "ambiguous" => "Cần chọn",
        "new" => "Mới (tạo nháp)",
        "already" => "Đã có",
        _ => "Lỗi",
    }
}

fn row_view(row: AnnexRowDto, applied: bool) -> impl IntoView {
    let name = format!("chon-{}", row.row);
    let choose = !applied && (row.status == "ambiguous" || row.choice.is_some());
    let chosen = row.choice.clone().unwrap_or_default();
    view! {
        <tr class=format!("annex-{}", row.status) data-row=row.row.to_string()>
            <td>{row.row}</td>
            <td>{row.product_name}</td>
            <td>{row.producer_name}</td>
            <td>{row.commune}</td>
            <td>{row.stars}</td>
            <td>{status_label(&row.status)}</td>
            <td>
                {row.target}
                {(!row.messages.is_empty()).then(|| view! { <p class="field-error">{row.messages.join("; ")}</p> })}
                {choose.then(|| view! {
                    <fieldset class="choices">
                        {row.candidates.into_iter().map(|c| {
                            let checked = c.value == chosen;
                            view! {
                                <label><input type="radio" name=name.clone() value=c.value checked=checked/>" "{c.label}</label>
                            }
                        }).collect_view()}
                    </fieldset>
                })}
            </td>
        </tr>
    }
}

fn review_view(page: &AnnexPage, id: &str, review: AnnexReview) -> impl IntoView {
    let summary = format!(
        "{} dòng: {} khớp, {} mới, {} cần chọn, {} đã có, {} lỗi",
        review.rows.len(),
        review.matched,
        review.new,
        review.ambiguous,
        review.already,
        review.invalid
    );
    let heading = format!(
        "Quyết định {} ngày {} · cấp {} · bộ tiêu chí {} · tệp {}",
        review.decision_no,
        date_vi(&review.decided_on),
        review.issuer_level,
        review.rule_set,
        page.file_name.clone().unwrap_or_default()
    );
    let applied = page.already_applied;
    let action = format!("{ANNEX_PATH}/{id}/ap-dung");
    let rows = review
        .rows
        .into_iter()
        .map(|row| row_view(row, applied))
        .collect_view();
    let notice = page.form.notice.clone();
    let error = page.form.error("_form");
    view! {
        {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
        {error.map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        <p>{heading}</p>
        <p class="import-summary"><strong>{summary}</strong></p>
        <form class="stack-form" method="post" action=action>
            <table class="import-preview">
                <thead><tr><th>"Dòng"</th><th>"Sản phẩm"</th><th>"Chủ thể"</th><th>"Xã"</th><th>"Sao"</th><th>"Kết quả"</th><th>"Gắn với"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {if applied {
                view! { <p class="notice">"Phụ lục này đã được áp dụng: các chứng nhận đã được cấp."</p> }.into_any()
            } else {
                view! {
                    <p class="muted">"Mọi chứng nhận được cấp trong một lần: dòng cần chọn phải được chọn, dòng lỗi phải sửa trong tệp."</p>
                    <button type="submit" class="button primary">"Cấp chứng nhận theo phụ lục"</button>
                    " "
                    <a class="button" href=ANNEX_PATH>"Tải phụ lục khác"</a>
                }.into_any()
            }}
        </form>
    }
}
