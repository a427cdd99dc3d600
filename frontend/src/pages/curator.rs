//! `/can-bo`: the curators' dashboard — certificates in force by stars, group and commune as
//! server-drawn SVG bar charts (visible without JavaScript), those expiring within 90 days,
//! applications waiting and for how long, GI mismatches, and the register as CSV.
//! `/can-bo/ho-so`: the review queue with its filters as a plain GET form.
//! Anonymous visitors are sent to `/dang-nhap?next=…`; other accounts get a 403 page.

use leptos::prelude::*;

use leptos_router::hooks::use_query_map;

use crate::api::{
    ApplicationDto, BackendError, CountRow, CuratorDashboard, FormState, ReviewQueuePage,
    ReviewQueueQuery, get_curator_dashboard, get_review_queue,
};
use crate::components::seo::PageMeta;
use crate::format::{date_vi, vi_sort_key};
use crate::i18n::{Texts, fill, use_texts};

#[component]
pub fn CuratorDashboardPage() -> impl IntoView {
    let texts = use_texts();
    let data = Resource::new(|| (), |_| get_curator_dashboard());
    view! {
        <PageMeta title=texts.curator_title.to_owned() description=texts.curator_description.to_owned()/>
        <Suspense fallback=move || view! { <p class="muted">{texts.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(dashboard)) => view! { <DashboardView dashboard/> }.into_any(),
                    Ok(Err(error)) => refusal(Some(error), texts, "/can-bo"),
                    Err(_) => refusal(None, texts, "/can-bo"),
                }
            })}
        </Suspense>
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Bars a chart shows before the rest are summed into one "khác" bar: 96 communes would be a
/// scroll of hair-thin rows on a phone.
const TOP_BARS: usize = 8;

/// The largest counts (the rows come largest first), then one row summing the others.
fn top_rows(rows: &[CountRow], other_label: &str) -> Vec<CountRow> {
    if rows.len() <= TOP_BARS + 1 {
        return rows.to_vec();
    }
    let mut top = rows[..TOP_BARS].to_vec();
    let rest = &rows[TOP_BARS..];
    top.push(CountRow {
        key: "khac".into(),
        label: fill(other_label, &[("n", &rest.len().to_string())]),
        count: rest.iter().map(|r| r.count).sum(),
    });
    top
}

/// Splits a label into lines of at most `width` characters at spaces (a longer word is cut).
fn wrap(label: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.chars().take(width).collect()),
        }
    }
    lines
}

/// The chart's drawing width: about a phone's card, so text is drawn near its own size at 412 px.
const CHART_W: usize = 340;
/// Room kept right of the longest bar for its count: bars never reach the numbers.
const COUNT_W: usize = 48;
const FONT: usize = 15;
const LINE: usize = 19;
const BAR_H: usize = 16;
const LABEL_CHARS: usize = 36;

/// A horizontal bar chart as plain SVG markup, drawn for a narrow screen: each label on its own
/// line(s) above its bar (wrapped, never cut short), the bar scaled to the largest count, and the
/// count just after the bar.
fn bar_chart_svg(title: &str, rows: &[CountRow]) -> String {
    let max = rows.iter().map(|r| r.count).max().unwrap_or(0).max(1);
    let bar_max = (CHART_W - COUNT_W) as i64;
    let mut body = String::new();
    let mut y = 0;
    for row in rows {
        let lines = wrap(&row.label, LABEL_CHARS);
        let width = (row.count * bar_max / max).max(1);
        body.push_str(&format!(
            r##"<g data-key="{key}" data-count="{count}"><text x="0" y="{ty}" font-size="{FONT}" fill="#1d2320">"##,
            key = escape(&row.key),
            count = row.count,
            ty = y + LINE - 4,
        ));
        for (i, line) in lines.iter().enumerate() {
            let dy = if i == 0 { 0 } else { LINE };
            body.push_str(&format!(
                r#"<tspan x="0" dy="{dy}">{}</tspan>"#,
                escape(line)
            ));
        }
        body.push_str("</text>");
        let bar_y = y + lines.len().max(1) * LINE + 2;
        body.push_str(&format!(
            r##"<rect x="0" y="{bar_y}" width="{width}" height="{BAR_H}" rx="3" fill="#2e7d32"></rect><text x="{tx}" y="{ny}" font-size="{FONT}" font-weight="600" fill="#1d2320">{count}</text></g>"##,
            tx = width + 6,
            ny = bar_y + BAR_H - 3,
            count = row.count,
        ));
        y = bar_y + BAR_H + 10;
    }
    let height = y.max(LINE) + 2;
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 {CHART_W} {height}" width="100%" role="img" aria-label="{}">{body}</svg>"#,
        escape(title)
    )
}

#[component]
fn Chart(title: &'static str, rows: Vec<CountRow>) -> impl IntoView {
    let texts = use_texts();
    let empty = rows.is_empty();
    let svg = bar_chart_svg(title, &top_rows(&rows, texts.curator_other));
    view! {
        <section class="card chart-card">
            <h2>{title}</h2>
            {if empty {
                view! { <p class="muted">{texts.curator_none}</p> }.into_any()
            } else {
                view! { <div class="chart" inner_html=svg></div> }.into_any()
            }}
        </section>
    }
}

fn application_status(texts: &Texts, status: &str) -> &'static str {
    match status {
        "draft" => texts.application_status_draft,
        "under_review" => texts.application_status_under_review,
        "approved" => texts.application_status_approved,
        "rejected" => texts.application_status_rejected,
        "withdrawn" => texts.application_status_withdrawn,
        _ => texts.application_status_submitted,
    }
}

/// What a curator page shows when the requester may not see it.
fn refusal(error: Option<BackendError>, texts: &'static Texts, next: &'static str) -> AnyView {
    match error {
        Some(BackendError::Unauthorized) => view! {
            <section class="notice">
                <p>{texts.curator_login_needed}</p>
                <a class="button" href=format!("/dang-nhap?next={next}")>{texts.curator_login}</a>
            </section>
        }
        .into_any(),
        Some(BackendError::Forbidden) => view! {
            <section class="notice"><p>{texts.curator_forbidden}</p></section>
        }
        .into_any(),
        Some(BackendError::Invalid(fields)) => view! {
            <section class="notice">
                <p class="error">{texts.invalid_filters}</p>
                <ul>{fields.into_iter().map(|(k, v)| view! { <li>{k}": "{v}</li> }).collect_view()}</ul>
            </section>
        }
        .into_any(),
        _ => view! { <p class="error">{texts.load_failed}</p> }.into_any(),
    }
}

const QUEUE_PATH: &str = "/can-bo/ho-so";

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

#[component]
fn DashboardView(dashboard: CuratorDashboard) -> impl IntoView {
    let texts = use_texts();
    let in_force = fill(
        texts.curator_in_force,
        &[("n", &dashboard.certificates_in_force.to_string())],
    );
    view! {
        <article class="curator-dashboard" data-in-force=dashboard.certificates_in_force>
            <h1>{texts.curator_title}</h1>
            <p><strong>{in_force}</strong>" · "{date_vi(&dashboard.today)}</p>
            <p>
                <a class="button" href=QUEUE_PATH>{texts.queue_link}</a>" "
                <a class="button" href="/api/v1/ocop-certificates.csv">{texts.curator_export_csv}</a>
            </p>
            <div class="chart-grid">
                <Chart title=texts.curator_by_stars rows=dashboard.by_stars.clone()/>
                <Chart title=texts.curator_by_category rows=dashboard.by_category.clone()/>
                <Chart title=texts.curator_by_commune rows=dashboard.by_commune.clone()/>
            </div>
            <section class="card" id="sap-het-han" data-count=dashboard.expiring_90_days.len()>
                <h2>{texts.curator_expiring}</h2>
                {if dashboard.expiring_90_days.is_empty() {
                    view! { <p class="muted">{texts.curator_none}</p> }.into_any()
                } else {
                    view! {
                        <table>
                            <thead><tr>
                                <th>{texts.verify_product}</th><th>{texts.verify_producer}</th>
                                <th>{texts.ocop_decision}</th><th>{texts.curator_col_expires}</th>
                            </tr></thead>
                            <tbody>
                                {dashboard.expiring_90_days.iter().map(|c| view! {
                                    <tr>
                                        <td><a href=c.verify_url.clone()>{c.product_name.clone()}</a>" ("{c.stars}"★)"</td>
                                        <td>{c.producer_name.clone()}</td>
                                        <td>{c.decision_no.clone()}</td>
                                        <td>{date_vi(&c.expires_on)}" — "{fill(texts.curator_days_left, &[("n", &c.days_left.to_string())])}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
            <section class="card" id="ho-so-cho" data-count=dashboard.waiting.len()>
                <h2>{texts.curator_waiting}</h2>
                {if dashboard.waiting.is_empty() {
                    view! { <p class="muted">{texts.curator_none}</p> }.into_any()
                } else {
                    view! {
                        <table>
                            <thead><tr>
                                <th>{texts.verify_product}</th><th>{texts.verify_producer}</th>
                                <th>{texts.curator_col_rule_set}</th><th>{texts.curator_col_status}</th>
                                <th>{texts.curator_col_waiting}</th>
                            </tr></thead>
                            <tbody>
                                {dashboard.waiting.iter().map(|a| view! {
                                    <tr data-application=a.id.clone()>
                                        <td>{a.product.name.clone()}</td>
                                        <td>{a.producer.name.clone()}{a.commune.clone().map(|c| view! { " · "{c} })}</td>
                                        <td>{a.rule_set.clone()}</td>
                                        <td>{application_status(texts, &a.status)}</td>
                                        <td>{fill(texts.curator_waiting_days, &[("n", &a.waiting_days.unwrap_or(0).to_string())])}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
            <section class="card" id="chi-dan-dia-ly-sai-vung" data-count=dashboard.gi_mismatches.len()>
                <h2>{texts.curator_gi_mismatches}</h2>
                {if dashboard.gi_mismatches.is_empty() {
                    view! { <p class="muted">{texts.curator_none}</p> }.into_any()
                } else {
                    view! {
                        <table>
                            <thead><tr>
                                <th>{texts.verify_product}</th><th>{texts.curator_col_commune}</th>
                                <th>{texts.gi_title}</th><th>{texts.curator_protected}</th>
                            </tr></thead>
                            <tbody>
                                {dashboard.gi_mismatches.iter().map(|m| view! {
                                    <tr>
                                        <td><a href=format!("/san-pham/{}", m.product_slug)>{m.product_name.clone()}</a>" — "{m.producer_name.clone()}</td>
                                        <td>{m.old_commune.clone().unwrap_or_default()}</td>
                                        <td><a href=format!("/chi-dan-dia-ly/{}", m.gi_slug)>{m.gi_name.clone()}</a></td>
                                        <td>{m.protected_communes.join(", ")}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_count_and_labels_are_escaped() {
        let rows = vec![
            CountRow {
                key: "4".into(),
                label: "4★ <b>".into(),
                count: 2,
            },
            CountRow {
                key: "5".into(),
                label: "5★".into(),
                count: 1,
            },
        ];
        let svg = bar_chart_svg("Số sao", &rows);
        assert!(svg.contains(r#"data-key="4" data-count="2""#));
        let full = CHART_W - COUNT_W;
        assert!(svg.contains(&format!(r#"width="{full}""#)));
        assert!(svg.contains(&format!(r#"width="{}""#, full / 2)));
        assert!(svg.contains("4★ &lt;b&gt;"));
        assert!(!svg.contains("<b>"));
    }

    /// Issue 13, item 10: 96 communes drew 96 bars with 8 px text at 412 px, labels cut at 30
    /// characters and running into the numbers.
    #[test]
    fn a_phone_sees_the_top_communes_and_the_rest_as_one_bar_with_readable_text() {
        let rows: Vec<CountRow> = (0..96)
            .map(|i| CountRow {
                key: format!("{i:05}"),
                label: format!("Xã Phú Lương mở rộng số {i} (thành phố Thái Nguyên cũ)"),
                count: 200 - i,
            })
            .collect();
        let shown = top_rows(&rows, "Khác ({n} mục)");
        assert_eq!(shown.len(), TOP_BARS + 1);
        let other = shown.last().unwrap();
        assert_eq!(other.label, format!("Khác ({} mục)", 96 - TOP_BARS));
        assert_eq!(
            other.count,
            rows[TOP_BARS..].iter().map(|r| r.count).sum::<i64>()
        );
        let svg = bar_chart_svg("Theo xã", &shown);
        assert_eq!(svg.matches("<g data-key").count(), TOP_BARS + 1);
        // Drawn about as wide as a phone's card: text keeps (nearly) its size at 412 px.
        let view_w: usize = svg
            .split(r#"viewBox="0 0 "#)
            .nth(1)
            .and_then(|v| v.split(' ').next())
            .and_then(|w| w.parse().ok())
            .unwrap();
        assert!(view_w <= 380, "viewBox {view_w} wide");
        for size in svg.split(r#"font-size=""#).skip(1) {
            let px: usize = size.split('"').next().unwrap().parse().unwrap();
            assert!(
                px * 360 / view_w >= 14,
                "{px} px text is too small on a phone"
            );
        }
        // Every word of every label is there (wrapped onto lines, not cut).
        for row in &shown {
            let text: Vec<String> = wrap(&row.label, LABEL_CHARS);
            assert_eq!(text.join(" "), row.label);
            assert!(text.iter().all(|l| l.chars().count() <= LABEL_CHARS));
        }
        // Counts sit right of their bars and inside the drawing.
        for group in svg.split("<rect ").skip(1) {
            let attr = |name: &str| -> usize {
                group
                    .split(&format!(r#"{name}=""#))
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            let bar_end = attr("width");
            let number_x: usize = group
                .split(r#"<text x=""#)
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!(number_x > bar_end, "count overlaps its bar");
            assert!(number_x + 4 * 9 <= view_w, "count runs off the chart");
        }
    }
}
