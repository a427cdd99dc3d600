//! The OCOP part of the producer workspace: applications as the producer follows them, the
//! certificate in force with its QR for packaging, dossier documents and the apply form.

use super::*;

fn application_status(status: &str) -> &'static str {
    match status {
        "draft" => "Nháp",
        "submitted" => "Đã nộp, chờ thẩm định",
        "under_review" => "Đang thẩm định",
        "approved" => "Đã công nhận",
        "rejected" => "Không đạt",
        _ => "Đã rút",
    }
}

/// One OCOP application as a producer follows it.
pub(super) fn application_line(a: ApplicationDto, with_product: bool) -> impl IntoView {
    let score = a
        .self_score_total
        .map(|t| format!(" · tự chấm {t}/100"))
        .unwrap_or_default();
    view! {
        <li>
            {with_product.then(|| view! { <strong>{a.product.name.clone()}</strong>" · " })}
            <span class="badge">{application_status(&a.status)}</span>
            {format!(" Bộ tiêu chí {}{score}", a.rule_set.replace('-', "/"))}
            {a.waiting_days.filter(|_| matches!(a.status.as_str(), "submitted" | "under_review"))
                .map(|d| format!(" · đã chờ {d} ngày"))}
            {a.decision_reason.clone().map(|r| view! { <br/><span class="muted">{format!("Lý do: {r}")}</span> })}
        </li>
    }
}

/// Within this many days of expiry a product with a certificate is offered renewal.
const RENEWAL_DAYS: i64 = 180;

/// The certificate in force: what the seller prints on the packaging (stars, decision, expiry,
/// the verification link and its QR to download).
fn certificate_card(c: SellerCertificate) -> impl IntoView {
    let code = c.verify_code.clone();
    let svg = format!("/xac-minh/{code}/qr.svg");
    let png = format!("/xac-minh/{code}/qr.png");
    let issuer = if c.detail.issuer.is_empty() {
        String::new()
    } else {
        format!(" · {}", c.detail.issuer)
    };
    view! {
        <div class="card ocop-card seller-certificate">
            <h3>
                <span class="ocop-badge"><span class="ocop-label">"OCOP"</span>
                    <span class="ocop-stars">{"★".repeat(usize::from(c.detail.stars))}</span></span>
                {format!(" {} sao", c.detail.stars)}
            </h3>
            <dl>
                <dt>"Quyết định"</dt><dd>{format!("{}{issuer}", c.detail.decision_no)}</dd>
                <dt>"Ngày cấp"</dt><dd>{date_vi(&c.detail.issued_on)}</dd>
                <dt>"Hết hạn"</dt><dd>{format!("{} (còn {} ngày)", date_vi(&c.detail.expires_on), c.days_left)}</dd>
                <dt>"Mã xác minh"</dt><dd><a href=c.detail.verify_url.clone()>{c.detail.verify_url.clone()}</a></dd>
            </dl>
            <p class="verify-qr"><img src=svg.clone() alt="Mã QR xác minh chứng nhận" width="160" height="160"/></p>
            <p class="desk-actions">
                <a class="button small" href=svg download=format!("ocop-{code}.svg")>"Tải QR (SVG)"</a>
                <a class="button small" href=png download=format!("ocop-{code}.png")>"Tải QR (PNG)"</a>
            </p>
            <p class="hint">"In mã QR lên bao bì: người mua quét để xác minh sao OCOP."</p>
        </div>
    }
}

/// A multipart form attaching a dossier document to an application that is still open.
fn document_form(action: String, a: ApplicationDto, error: Option<String>) -> impl IntoView {
    let invalid = error.is_some();
    view! {
        <form class="stack-form document-upload" method="post" action=action enctype="multipart/form-data">
            <h3>"Tài liệu hồ sơ"</h3>
            {(!a.documents.is_empty()).then(|| view! {
                <ul class="desk-list documents">
                    {a.documents.iter().map(|d| view! { <li><a href=d.url.clone()>{d.file_name.clone()}</a></li> }).collect_view()}
                </ul>
            })}
            <div class="field" class:invalid=invalid>
                <label for=format!("f-document-{}", a.id)>"Đính kèm tài liệu (PDF, JPEG, PNG; tối đa 10 MB)"</label>
                <input id=format!("f-document-{}", a.id) type="file" name="file" required=true
                    accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"/>
                {error.map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            </div>
            <button type="submit" class="button">"Tải tài liệu lên"</button>
        </form>
    }
}

/// The product's OCOP applications and certificate, and the form to apply when no application is
/// open and no certificate is in force (or it expires within 180 days: renewal).
pub(super) fn ocop_section(
    slug: &str,
    p: &EditableProduct,
    applications: Vec<ApplicationDto>,
    certificate: Option<SellerCertificate>,
    form: &FormState,
) -> impl IntoView {
    let open = applications
        .iter()
        .any(|a| matches!(a.status.as_str(), "draft" | "submitted" | "under_review"));
    let renewal = certificate.as_ref().map(|c| c.days_left <= RENEWAL_DAYS);
    let rule_sets = vec![
        Choice {
            value: "148/2023".into(),
            label: "QĐ 148/2023 (đang áp dụng)".into(),
        },
        Choice {
            value: "26/2026".into(),
            label: "Bộ tiêu chí 26/2026".into(),
        },
    ];
    let action = format!("/quan-ly/{slug}/san-pham/{}/ocop", p.id);
    // Documents go to the application still open to them (not yet under review).
    let attachable: Vec<ApplicationDto> = applications
        .iter()
        .filter(|a| matches!(a.status.as_str(), "draft" | "submitted"))
        .cloned()
        .collect();
    let product_id = p.id.clone();
    view! {
        <section class="ocop-apply">
            <h2>"Đánh giá OCOP"</h2>
            {certificate.clone().map(certificate_card)}
            {(!applications.is_empty()).then(|| view! {
                <ul class="desk-list">{applications.into_iter().map(|a| application_line(a, false)).collect_view()}</ul>
            })}
            {attachable.into_iter().map(|a| {
                let action = format!("/quan-ly/{slug}/san-pham/{product_id}/ocop/{}/tai-lieu", a.id);
                document_form(action, a, form.error("document"))
            }).collect_view()}
            {if open {
                view! { <p class="muted">"Sản phẩm đang có hồ sơ chờ xử lý; cán bộ Sở sẽ thẩm định."</p> }.into_any()
            } else if renewal == Some(false) {
                view! { <p class="muted">{format!("Chứng nhận còn hiệu lực; có thể nộp hồ sơ đánh giá lại khi còn dưới {RENEWAL_DAYS} ngày.")}</p> }.into_any()
            } else {
                let (heading, button) = if renewal == Some(true) {
                    ("Nộp hồ sơ đánh giá lại (chứng nhận sắp hết hạn)", "Nộp hồ sơ đánh giá lại")
                } else {
                    ("Nộp hồ sơ đánh giá", "Nộp hồ sơ")
                };
                view! {
                    <form class="stack-form" method="post" action=action>
                        <h3>{heading}</h3>
                        {form.error("product").map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                        <SelectField name="rule_set" label="Bộ tiêu chí" required=true choices=rule_sets
                            value=form.value_or("rule_set", "148/2023") error=form.error("rule_set")/>
                        <p class="hint">"Tự chấm điểm (không bắt buộc): phần A tối đa 40, B tối đa 25, C tối đa 35."</p>
                        <div class="field-row">
                            <TextField name="self_score.a" label="Phần A" inputmode="numeric"
                                value=form.value_or("self_score.a", "") error=form.error("self_score.a")/>
                            <TextField name="self_score.b" label="Phần B" inputmode="numeric"
                                value=form.value_or("self_score.b", "") error=form.error("self_score.b")/>
                            <TextField name="self_score.c" label="Phần C" inputmode="numeric"
                                value=form.value_or("self_score.c", "") error=form.error("self_score.c")/>
                        </div>
                        <TextArea name="notes" label="Ghi chú cho hội đồng"
                            value=form.value_or("notes", "") error=form.error("notes")/>
                        <p class="hint">"Sau khi nộp, đính kèm tài liệu hồ sơ (phiếu đăng ký, giấy phép, phiếu kiểm nghiệm) ở ô hiện ra phía trên."</p>
                        <button type="submit" class="button primary">{button}</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}
