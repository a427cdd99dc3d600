//! `/can-bo`: the curators' dashboard — certificates in force by stars, group and commune as
//! server-drawn SVG bar charts (visible without JavaScript), those expiring within 90 days,
//! applications waiting and for how long, GI mismatches, and the register as CSV.
//! Anonymous visitors are sent to `/dang-nhap?next=/can-bo`; other accounts get a 403 page.

use leptos::prelude::*;

use crate::api::{BackendError, CountRow, CuratorDashboard, get_curator_dashboard};
use crate::components::seo::PageMeta;
use crate::format::date_vi;
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
                    Ok(Err(BackendError::Unauthorized)) => view! {
                        <section class="notice">
                            <p>{texts.curator_login_needed}</p>
                            <a class="button" href="/dang-nhap?next=/can-bo">{texts.curator_login}</a>
                        </section>
                    }.into_any(),
                    Ok(Err(BackendError::Forbidden)) => view! {
                        <section class="notice"><p>{texts.curator_forbidden}</p></section>
                    }.into_any(),
                    _ => view! { <p class="error">{texts.load_failed}</p> }.into_any(),
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

/// A horizontal bar chart as plain SVG markup: labels, bars scaled to the largest count, counts.
fn bar_chart_svg(title: &str, rows: &[CountRow]) -> String {
    const ROW: usize = 26;
    const LABEL_W: usize = 190;
    const BAR_W: i64 = 300;
    let max = rows.iter().map(|r| r.count).max().unwrap_or(0).max(1);
    let height = (rows.len().max(1)) * ROW + 4;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 560 {height}" width="100%" role="img" aria-label="{}">"#,
        escape(title)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = i * ROW;
        let width = (row.count * BAR_W / max).max(1);
        let label: String = row.label.chars().take(30).collect();
        svg.push_str(&format!(
            r##"<g data-key="{key}" data-count="{count}"><text x="0" y="{ty}" font-size="13">{label}</text><rect x="{LABEL_W}" y="{ry}" width="{width}" height="18" rx="3" fill="#2e7d32"></rect><text x="{tx}" y="{ty}" font-size="13">{count}</text></g>"##,
            key = escape(&row.key),
            count = row.count,
            ty = y + 17,
            ry = y + 4,
            tx = LABEL_W as i64 + width + 6,
            label = escape(&label),
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[component]
fn Chart(title: &'static str, rows: Vec<CountRow>) -> impl IntoView {
    let texts = use_texts();
    let empty = rows.is_empty();
    let svg = bar_chart_svg(title, &rows);
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
        "under_review" => texts.application_status_under_review,
        _ => texts.application_status_submitted,
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
            <p><a class="button" href="/api/v1/ocop-certificates.csv">{texts.curator_export_csv}</a></p>
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
        assert!(svg.contains(r#"width="300""#));
        assert!(svg.contains(r#"width="150""#));
        assert!(svg.contains("4★ &lt;b&gt;"));
        assert!(!svg.contains("<b>"));
    }
}
