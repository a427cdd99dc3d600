//! Scheduling and editing a livestream in the producer workspace (Vietnam time).

use super::*;

/// "2026-12-01T19:30:00+07:00" (Vietnam time, as the server writes it) → "2026-12-01T19:30",
/// what a `datetime-local` box holds.
fn local_input(rfc3339: &str) -> String {
    rfc3339.get(0..16).unwrap_or_default().to_owned()
}

/// `/quan-ly/:slug/livestream-moi`, and `/quan-ly/:slug/livestream/:id` to edit one.
#[component]
pub fn LivestreamFormPage() -> impl IntoView {
    let slug = param("slug");
    let id = param("id");
    let data = Resource::new(
        move || (slug(), id()),
        |(slug, id)| get_livestream_form(slug, (!id.is_empty()).then_some(id)),
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">{LOADING}</p> }>
            {move || Suspend::new(async move {
                let page = match data.await {
                    Ok(Ok(page)) => page,
                    Ok(Err(error)) => return refusal(error),
                    Err(_) => return refusal(crate::api::BackendError::Internal),
                };
                let form = page.form.clone();
                let slug = page.producer.slug.clone();
                let platforms = [
                    ("facebook", "Facebook"),
                    ("youtube", "YouTube"),
                    ("tiktok", "TikTok"),
                    ("shopee", "Shopee"),
                    ("other", "Khác"),
                ]
                .into_iter()
                .map(|(value, label)| Choice { value: value.into(), label: label.into() })
                .collect::<Vec<_>>();
                let current = page.livestream.clone();
                let pinned: Vec<String> = match (form.values.get("product_ids"), &current) {
                    (Some(v), _) => v.split(',').map(str::to_owned).collect(),
                    // A failed post with nothing ticked posts no product_ids at all: it keeps
                    // the typed title, so an empty pin list is what was typed.
                    (None, _) if form.values.contains_key("title") => Vec::new(),
                    (None, Some(l)) => l.products.iter().map(|p| p.id.clone()).collect(),
                    (None, None) => Vec::new(),
                };
                let had = |f: fn(&crate::api::LivestreamDto) -> String| current.as_ref().map(f).unwrap_or_default();
                let (title, action, submit) = match &current {
                    Some(l) => ("Sửa livestream", format!("/quan-ly/{slug}/livestream/{}", l.id), "Lưu"),
                    None => ("Lên lịch livestream", format!("/quan-ly/{slug}/livestream-moi"), "Lên lịch"),
                };
                let cancelled = current.as_ref().is_some_and(|l| l.status == "cancelled");
                view! {
                    <PageMeta title=title.to_owned() description=page.producer.name.clone()/>
                    <p><a href=format!("/quan-ly/{slug}")>{format!("← {}", page.producer.name)}</a></p>
                    <h1>{title}</h1>
                    {cancelled.then(|| view! { <p class="form-error" role="alert">"Buổi livestream này đã huỷ; không sửa được nữa."</p> })}
                    <form class="stack-form" method="post" action=action>
                        <FormMessages form=form.clone()/>
                        <TextField name="title" label="Tiêu đề" required=true
                            value=form.value_or("title", had(|l| l.title.clone())) error=form.error("title")/>
                        <SelectField name="platform" label="Nền tảng" required=true choices=platforms
                            value=form.value_or("platform", current.as_ref().map_or("facebook".to_owned(), |l| l.platform.clone()))
                            error=form.error("platform")/>
                        <TextField name="url" label="Đường dẫn buổi live" kind="url" required=true
                            hint="Ví dụ: https://www.facebook.com/… hoặc https://www.youtube.com/watch?v=…"
                            value=form.value_or("url", had(|l| l.url.clone())) error=form.error("url")/>
                        <div class="field-row">
                            <TextField name="starts_at" label="Bắt đầu (giờ Việt Nam)" kind="datetime-local" required=true
                                value=form.value_or("starts_at", had(|l| local_input(&l.starts_at))) error=form.error("starts_at")/>
                            <TextField name="ends_at" label="Kết thúc (không bắt buộc)" kind="datetime-local"
                                value=form.value_or("ends_at", had(|l| l.ends_at.as_deref().map(local_input).unwrap_or_default()))
                                error=form.error("ends_at")/>
                        </div>
                        <fieldset class="field" class:invalid=form.error("product_ids").is_some()>
                            <legend>"Ghim sản phẩm"</legend>
                            {page.products.into_iter().map(|c| {
                                let checked = pinned.contains(&c.value);
                                view! {
                                    <label class="check"><input type="checkbox" name="product_ids" value=c.value checked=checked/>" "{c.label}</label>
                                }
                            }).collect_view()}
                            {form.error("product_ids").map(|e| view! { <p class="field-error">{e}</p> })}
                        </fieldset>
                        <button type="submit" class="button primary">{submit}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}
