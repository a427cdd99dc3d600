//! The curators' review queue (`/can-bo/ho-so`): filters as plain GET links, one card per
//! application on a phone (a table on wider screens), and a decision form beside each.

use super::*;

pub(super) const QUEUE_PATH: &str = "/can-bo/ho-so";

fn queue_query(params: &leptos_router::params::ParamsMap) -> ReviewQueueQuery {
    ReviewQueueQuery {
        status: params.get("status"),
        commune: params.get("commune"),
        category: params.get("category"),
        rule_set: params.get("rule_set"),
        min_waiting_days: params.get("min_waiting_days"),
        page: params.get("page"),
        per_page: params.get("per_page"),
    }
}

/// The same filters on another page.
fn queue_href(query: &ReviewQueueQuery, page: u32) -> String {
    let mut pairs = Vec::new();
    for (key, value) in [
        ("status", &query.status),
        ("commune", &query.commune),
        ("category", &query.category),
        ("rule_set", &query.rule_set),
        ("min_waiting_days", &query.min_waiting_days),
        ("per_page", &query.per_page),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            let encoded: String = value
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            pairs.push(format!("{key}={encoded}"));
        }
    }
    pairs.push(format!("page={page}"));
    format!("{QUEUE_PATH}?{}", pairs.join("&"))
}

#[component]
pub fn ReviewQueueRoute() -> impl IntoView {
    let texts = use_texts();
    let params = use_query_map();
    let query = move || queue_query(&params.read());
    let data = Resource::new(query, get_review_queue);
    view! {
        <PageMeta title=texts.queue_title.to_owned() description=texts.queue_description.to_owned()/>
        <Suspense fallback=move || view! { <p class="muted">{texts.loading}</p> }>
            {move || Suspend::new(async move {
                // The guard must not live across the await below.
                let (current, done, problem) = {
                    let url = params.read_untracked();
                    (queue_query(&url), url.get("xong").is_some(), url.get("loi"))
                };
                match data.await {
                    Ok(Ok(page)) => view! { <QueueView page query=current done problem/> }.into_any(),
                    Ok(Err(error)) => refusal(Some(error), texts, QUEUE_PATH),
                    Err(_) => refusal(None, texts, QUEUE_PATH),
                }
            })}
        </Suspense>
    }
}

/// A plain HTML form posting one decision to the server (303 back to this page). After a refused
/// post (`flash`), it opens with what was typed and each reason beside its field.
#[component]
fn DecisionForm(id: String, flash: Option<FormState>) -> impl IntoView {
    let texts = use_texts();
    let open = flash.is_some();
    let form = flash.unwrap_or_default();
    let value = |key: &str| form.values.get(key).cloned().unwrap_or_default();
    let error = |key: &str| {
        form.error(key)
            .map(|e| view! { <span class="field-error" role="alert">{e}</span> })
    };
    let invalid = |key: &str| form.errors.contains_key(key);
    let chosen = |key: &str, option: &str| form.values.get(key).is_some_and(|v| v == option);
    let outcome = value("outcome");
    let level = value("issuer_level");
    let stars = value("stars");
    view! {
        <details class="decision" open=open>
            <summary>{texts.decide_title}</summary>
            <form method="post" action=format!("{QUEUE_PATH}/{id}/quyet-dinh")>
                {form.error("_form").map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <label class:invalid=invalid("outcome")>{texts.decide_outcome}
                    <select name="outcome">
                        <option value="approved" selected=outcome != "rejected">{texts.decide_approve}</option>
                        <option value="rejected" selected=outcome == "rejected">{texts.decide_reject}</option>
                    </select>
                    {error("outcome")}
                </label>
                <label class:invalid=invalid("stars")>{texts.decide_stars}
                    <select name="stars">
                        {["3", "4", "5"].into_iter().map(|n| view! {
                            <option value=n selected=stars == n>{format!("{n}★")}</option>
                        }).collect_view()}
                    </select>
                    {error("stars")}
                </label>
                <label class:invalid=invalid("decision_no")>{texts.decide_number}
                    <input name="decision_no" maxlength="100" value=value("decision_no")/>
                    {error("decision_no")}
                </label>
                <label class:invalid=invalid("decided_on")>{texts.decide_date}
                    <input type="date" name="decided_on" value=value("decided_on")/>
                    {error("decided_on")}
                </label>
                <label class:invalid=invalid("issuer_level")>{texts.decide_level}
                    <select name="issuer_level">
                        <option value="" selected=level.is_empty()>{texts.decide_level_auto}</option>
                        <option value="province" selected=chosen("issuer_level", "province")>{texts.level_province}</option>
                        <option value="central" selected=chosen("issuer_level", "central")>{texts.level_central}</option>
                        <option value="district" selected=chosen("issuer_level", "district")>{texts.level_district}</option>
                    </select>
                    {error("issuer_level")}
                </label>
                <label class:invalid=invalid("reason")>{texts.decide_reason}
                    <textarea name="reason" maxlength="2000" rows="2">{value("reason")}</textarea>
                    {error("reason")}
                </label>
                <button type="submit" class="button primary">{texts.decide_submit}</button>
            </form>
        </details>
    }
}

/// Filter choices by their labels in Vietnamese order ("Xã"/"Phường" aside: by the name).
fn sorted_choices(labels: &std::collections::BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> =
        labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    choices.sort_by_cached_key(|(_, label)| {
        let name = ["Xã ", "Phường ", "Thị trấn "]
            .iter()
            .find_map(|p| label.strip_prefix(p))
            .unwrap_or(label);
        vi_sort_key(name)
    });
    choices
}

/// One application as a card on a phone and a table row on a wide screen: the product (linked),
/// producer, the seller's note, self-scores per part, documents and, when approved, the
/// certificate's code with its QR.
fn application_row(
    a: &ApplicationDto,
    texts: &'static Texts,
    flash: Option<FormState>,
) -> impl IntoView {
    let scores = a.self_score.map(|s| {
        format!(
            "A {} · B {} · C {} = {}/100 ({}★)",
            s.a,
            s.b,
            s.c,
            s.a + s.b + s.c,
            a.indicated_stars.unwrap_or(0)
        )
    });
    let waiting = matches!(a.status.as_str(), "submitted" | "under_review");
    let certificate = a.certificate_verify_code.clone();
    view! {
        <tr data-application=a.id.clone() id=format!("ho-so-{}", a.id)>
            <td data-label=texts.verify_product>
                <a href=format!("/san-pham/{}", a.product.slug)><strong>{a.product.name.clone()}</strong></a>
                {(!a.notes.trim().is_empty()).then(|| view! {
                    <p class="seller-note"><span class="muted">{texts.queue_note}": "</span>{a.notes.clone()}</p>
                })}
            </td>
            <td data-label=texts.verify_producer>{a.producer.name.clone()}{a.commune.clone().map(|c| view! { " · "{c} })}</td>
            <td data-label=texts.verify_category>{a.category.clone()}</td>
            <td data-label=texts.curator_col_rule_set>{a.rule_set.replace('-', "/")}</td>
            <td data-label=texts.queue_score class="scores">{scores}</td>
            <td data-label=texts.curator_col_status>
                {application_status(texts, &a.status)}
                {certificate.map(|code| view! {
                    <span class="certificate-code">
                        <a href=format!("/xac-minh/{code}")>{code.clone()}</a>
                        " · "<a href=format!("/xac-minh/{code}/qr.svg")>{texts.queue_qr}</a>
                    </span>
                })}
            </td>
            <td data-label=texts.curator_col_waiting>{a.waiting_days.map(|d| fill(texts.curator_waiting_days, &[("n", &d.to_string())]))}</td>
            <td data-label=texts.queue_documents class="documents">
                {a.documents.iter().map(|d| view! {
                    <a href=d.url.clone()>{d.file_name.clone()}</a>
                }).collect_view()}
            </td>
            <td class="decide-cell">{waiting.then(|| view! { <DecisionForm id=a.id.clone() flash/> })}</td>
        </tr>
    }
}

#[component]
fn QueueView(
    page: ReviewQueuePage,
    query: ReviewQueueQuery,
    done: bool,
    problem: Option<String>,
) -> impl IntoView {
    let texts = use_texts();
    let selected = |value: &Option<String>, option: &str| value.as_deref() == Some(option);
    let statuses = [
        ("", texts.queue_waiting_ones),
        ("submitted", texts.application_status_submitted),
        ("under_review", texts.application_status_under_review),
        ("approved", texts.application_status_approved),
        ("rejected", texts.application_status_rejected),
        ("withdrawn", texts.application_status_withdrawn),
        ("draft", texts.application_status_draft),
    ];
    let has_next = i64::from(page.page) * i64::from(page.per_page) < page.total;
    let prev = (page.page > 1).then(|| queue_href(&query, page.page - 1));
    let next = has_next.then(|| queue_href(&query, page.page + 1));
    let communes = sorted_choices(&page.labels.commune);
    let categories = sorted_choices(&page.labels.category);
    let decision = page.decision.clone();
    view! {
        <article class="review-queue" data-total=page.total>
            <h1>{texts.queue_title}</h1>
            <form method="get" action=QUEUE_PATH class="filters">
                <label class="field"><span>{texts.queue_status}</span>
                    <select name="status">
                        {statuses.iter().map(|(value, label)| view! {
                            <option value=*value selected=selected(&query.status, value)>{*label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>{texts.filter_commune}</span>
                    <select name="commune">
                        <option value="">{texts.filter_any}</option>
                        {communes.into_iter().map(|(code, label)| view! {
                            <option value=code.clone() selected=selected(&query.commune, &code)>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>{texts.filter_category}</span>
                    <select name="category">
                        <option value="">{texts.filter_any}</option>
                        {categories.into_iter().map(|(code, label)| view! {
                            <option value=code.clone() selected=selected(&query.category, &code)>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>{texts.curator_col_rule_set}</span>
                    <select name="rule_set">
                        <option value="">{texts.filter_any}</option>
                        <option value="148/2023" selected=selected(&query.rule_set, "148/2023")>"QĐ 148/2023"</option>
                        <option value="26/2026" selected=selected(&query.rule_set, "26/2026")>"QĐ 26/2026"</option>
                    </select>
                </label>
                <label class="field"><span>{texts.queue_min_waiting}</span>
                    <input type="text" name="min_waiting_days" inputmode="numeric"
                        value=query.min_waiting_days.clone().unwrap_or_default()/>
                </label>
                <button type="submit" class="button">{texts.filter_button}</button>
            </form>
            {done.then(|| view! { <p class="notice success" role="status">{texts.decide_done}</p> })}
            {problem.map(|p| view! { <p class="notice error" role="alert">{p}</p> })}
            <p>{fill(texts.queue_count, &[("n", &page.total.to_string())])}</p>
            {if page.items.is_empty() {
                view! { <p class="muted">{texts.curator_none}</p> }.into_any()
            } else {
                view! {
                    <table class="queue-table">
                        <thead><tr>
                            <th>{texts.verify_product}</th><th>{texts.verify_producer}</th>
                            <th>{texts.verify_category}</th><th>{texts.curator_col_rule_set}</th>
                            <th>{texts.queue_score}</th><th>{texts.curator_col_status}</th>
                            <th>{texts.curator_col_waiting}</th><th>{texts.queue_documents}</th>
                            <th>{texts.decide_title}</th>
                        </tr></thead>
                        <tbody>
                            {page.items.iter().map(|a| {
                                let flash = decision
                                    .as_ref()
                                    .filter(|d| d.application_id == a.id)
                                    .map(|d| d.form.clone());
                                application_row(a, texts, flash)
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <nav class="pager">
                {prev.map(|href| view! { <a href=href rel="prev">{texts.queue_prev}</a>" " })}
                {next.map(|href| view! { <a href=href rel="next">{texts.queue_next}</a> })}
            </nav>
        </article>
    }
}
