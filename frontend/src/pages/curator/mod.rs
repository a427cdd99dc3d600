//! `/can-bo`: the curators' dashboard — certificates in force by stars, group and commune as
//! server-drawn SVG bar charts (visible without JavaScript), those expiring within 90 days,
//! applications waiting and for how long, GI mismatches, and the register as CSV.
//! `/can-bo/ho-so`: the review queue with its filters as a plain GET form.
//! `/can-bo/quyet-dinh`: an OCOP decision imported from its annex.
//! Anonymous visitors are sent to `/dang-nhap?next=…`; other accounts get a 403 page.

mod annex;
mod queue;

pub use annex::AnnexImportRoute;

use queue::QUEUE_PATH;
pub use queue::ReviewQueueRoute;

use leptos::prelude::*;

use leptos_router::hooks::use_query_map;

use crate::api::{
    ApplicationDto, BackendError, CountRow, CuratorDashboard, FormState, ReviewQueuePage,
    ReviewQueueQuery, get_curator_dashboard, get_review_queue,
};
use crate::components::chart::bar_chart_svg;
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
                <a class="button" href=annex::ANNEX_PATH>"Nhập quyết định từ phụ lục"</a>" "
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
    use crate::components::chart::{CHART_W, COUNT_W, LABEL_CHARS, wrap};

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
