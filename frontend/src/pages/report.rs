//! `/quan-ly/:slug/bao-cao`: a producer's sales report for its members — totals, revenue by
//! month and by product as server-drawn SVG charts, tables by month, product, payment method
//! and payment state, a month range chosen with a plain GET form, and the CSV file for Excel.
//! Every order that is not cancelled counts.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{BackendError, CountRow, ReportRow, SalesReportPage, get_sales_report};
use crate::components::chart::bar_chart_svg_with;
use crate::components::form::refusal;
use crate::components::seo::PageMeta;
use crate::format::{quantity_vi, vnd};

/// Months the chart shows: a year reads at a glance on a phone; the table has them all.
const CHART_MONTHS: usize = 12;
/// Products the chart shows; the table has them all.
const CHART_PRODUCTS: usize = 8;

#[component]
pub fn SalesReportRoute() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let q = query.read();
        (
            params.read().get("slug").unwrap_or_default(),
            q.get("from").unwrap_or_default(),
            q.get("to").unwrap_or_default(),
        )
    };
    let data = Resource::new(key, |(slug, from, to)| get_sales_report(slug, from, to));
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Đang tải…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(page)) => report_view(page).into_any(),
                    Ok(Err(error)) => refusal(error),
                    Err(_) => refusal(BackendError::Internal),
                }
            })}
        </Suspense>
    }
}

/// Whole đồng of an amount as the API writes it.
fn dong(amount: &str) -> i64 {
    amount
        .split('.')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Rows as chart bars of their revenue.
fn revenue_bars<'a>(
    rows: impl Iterator<Item = &'a ReportRow>,
    label: fn(&str) -> String,
) -> Vec<CountRow> {
    rows.map(|r| CountRow {
        key: r.key.clone(),
        label: label(&r.label),
        count: dong(&r.revenue_vnd),
    })
    .collect()
}

#[component]
fn RevenueChart(title: &'static str, bars: Vec<CountRow>) -> impl IntoView {
    let svg = (!bars.is_empty()).then(|| bar_chart_svg_with(title, &bars, |n| vnd(&n.to_string())));
    view! {
        <section class="card chart-card">
            <h2>{title}</h2>
            {match svg {
                Some(svg) => view! { <div class="chart" inner_html=svg></div> }.into_any(),
                None => view! { <p class="muted">"Chưa có đơn nào."</p> }.into_any(),
            }}
        </section>
    }
}

fn table(
    id: &'static str,
    title: &'static str,
    first: &'static str,
    rows: Vec<ReportRow>,
) -> impl IntoView {
    let count = rows.len();
    view! {
        <section class="card" id=id data-count=count>
            <h2>{title}</h2>
            {if rows.is_empty() {
                view! { <p class="muted">"Chưa có đơn nào."</p> }.into_any()
            } else {
                view! {
                    <table class="report-table">
                        <thead><tr>
                            <th>{first}</th><th class="num">"Số đơn"</th><th class="num">"Số lượng"</th><th class="num">"Doanh thu"</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr data-key=r.key.clone() data-orders=r.orders data-units=r.units.clone() data-revenue=r.revenue_vnd.clone()>
                                    <td>{r.label.clone()}</td>
                                    <td class="num">{r.orders}</td>
                                    <td class="num">{quantity_vi(&r.units)}</td>
                                    <td class="num">{vnd(&r.revenue_vnd)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// `?from=…&to=…` for the months shown (nothing for all of them).
fn range_query(from: &Option<String>, to: &Option<String>) -> String {
    let pairs: Vec<String> = [("from", from), ("to", to)]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}={v}")))
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

fn report_view(page: SalesReportPage) -> impl IntoView {
    let SalesReportPage { report, errors } = page;
    let slug = report.producer.slug.clone();
    let title = format!("Báo cáo bán hàng — {}", report.producer.name);
    let base = format!("/quan-ly/{slug}/bao-cao");
    let csv = format!(
        "/api/v1/producers/{slug}/report.csv{}",
        range_query(&report.from, &report.to)
    );
    let skip = report.by_month.len().saturating_sub(CHART_MONTHS);
    let month_bars = revenue_bars(report.by_month[skip..].iter(), |l| format!("Tháng {l}"));
    let product_bars = revenue_bars(report.by_product.iter().take(CHART_PRODUCTS), str::to_owned);
    let period = match (&report.from, &report.to) {
        (None, None) => "Mọi tháng".to_owned(),
        (from, to) => format!(
            "Từ {} đến {}",
            from.as_deref().map_or("đầu".to_owned(), month_vi),
            to.as_deref().map_or("nay".to_owned(), month_vi)
        ),
    };
    let month_error = |name: &str| {
        errors
            .get(name)
            .cloned()
            .map(|e| view! { <p class="field-error">{e}</p> })
    };
    view! {
        <PageMeta title=title.clone() description=title.clone()/>
        <p><a href=format!("/quan-ly/{slug}")>"← Quay lại"</a></p>
        <article class="sales-report" data-orders=report.orders data-revenue=report.revenue_vnd.clone()>
            <h1>{title}</h1>
            <form class="report-range" method="get" action=base.clone()>
                <div class="field" class:invalid=errors.contains_key("from")>
                    <label for="f-from">"Từ tháng"</label>
                    <input id="f-from" type="month" name="from" placeholder="2026-01"
                        value=report.from.clone().unwrap_or_default()/>
                    {month_error("from")}
                </div>
                <div class="field" class:invalid=errors.contains_key("to")>
                    <label for="f-to">"Đến tháng"</label>
                    <input id="f-to" type="month" name="to" placeholder="2026-12"
                        value=report.to.clone().unwrap_or_default()/>
                    {month_error("to")}
                </div>
                <button type="submit" class="button">"Xem"</button>
                " "<a href=base.clone()>"Mọi tháng"</a>
            </form>
            <p class="muted">
                "Tính mọi đơn chưa huỷ (đã hoặc chưa thanh toán, đã hoặc chưa giao); doanh thu là tổng tiền đơn "
                "(tiền hàng và phí giao; theo sản phẩm: tiền hàng của sản phẩm đó); tháng theo giờ Việt Nam."
            </p>
            <dl class="report-totals">
                <dt>"Thời gian"</dt><dd>{period}</dd>
                <dt>"Số đơn"</dt><dd id="tong-don">{report.orders}</dd>
                <dt>"Doanh thu"</dt><dd id="tong-doanh-thu"><strong>{vnd(&report.revenue_vnd)}</strong></dd>
                <dt>"Tiền hàng"</dt><dd>{vnd(&report.goods_vnd)}</dd>
                <dt>"Phí giao"</dt><dd>{vnd(&report.delivery_fee_vnd)}</dd>
                <dt>"Đơn đã huỷ (không tính)"</dt><dd>{report.cancelled_orders}</dd>
            </dl>
            <p><a class="button" href=csv download="">"Tải CSV (Excel)"</a></p>
            <div class="chart-grid">
                <RevenueChart title="Doanh thu theo tháng" bars=month_bars/>
                <RevenueChart title="Doanh thu theo sản phẩm" bars=product_bars/>
            </div>
            {table("theo-thang", "Theo tháng", "Tháng", report.by_month.into_iter().rev().collect())}
            {table("theo-san-pham", "Theo sản phẩm", "Sản phẩm", report.by_product)}
            {table("theo-hinh-thuc", "COD và chuyển khoản", "Hình thức", report.by_payment_method)}
            {table("theo-thanh-toan", "Đã và chưa thanh toán", "Thanh toán", report.by_payment_status)}
        </article>
    }
}

/// `2026-12` as `12/2026`.
fn month_vi(key: &str) -> String {
    match key.split_once('-') {
        Some((year, month)) => format!("{month}/{year}"),
        None => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_link_keeps_the_months_shown() {
        assert_eq!(range_query(&None, &None), "");
        assert_eq!(range_query(&Some("2026-10".into()), &None), "?from=2026-10");
        assert_eq!(
            range_query(&Some("2026-10".into()), &Some("2026-12".into())),
            "?from=2026-10&to=2026-12"
        );
        assert_eq!(month_vi("2026-12"), "12/2026");
        assert_eq!(dong("1250000.00"), 1_250_000);
    }
}
