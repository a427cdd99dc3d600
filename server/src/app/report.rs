//! The sales report for a producer's members: what counts is every order that is not cancelled
//! (paid or not, delivered or not), its revenue the order's total (goods and delivery fee), its
//! month the month it was placed in Vietnam time. Grouped by month, product, payment method and
//! payment state, optionally over a range of months, and, for Excel, the same orders one per row.

use chrono::{DateTime, Months, NaiveDate, Utc};
use frontend::api::{ProducerRef, ReportRow, SalesReport};
use frontend::pages::buying::{payment_label, status_label};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{AppError, AppResult, require, spreadsheet};
use crate::clock::{VIETNAM_OFFSET_SECS, vietnam};
use crate::db;
use crate::db::report::{OrderGroup, ReportScope};
use crate::domain::account::{Rule, User};
use crate::domain::order::PaymentMethod;
use crate::state::AppState;

/// The payment states an order can be in, in the order the report lists them.
const PAYMENT_STATES: [&str; 2] = ["paid", "unpaid"];

/// The months asked for, as typed (`2026-12`; blank or absent for no bound).
#[derive(Debug, Clone, Default)]
pub struct Period<'a> {
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

/// A checked period: its first and last months (inclusive), either open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MonthRange {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

/// `2026-12` as the first day of that month.
fn parse_month(raw: &str) -> Option<NaiveDate> {
    let (year, month) = raw.trim().split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

fn month_key(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

impl Period<'_> {
    /// Checks the months: each `YYYY-MM`, the first not after the last.
    fn check(&self) -> AppResult<MonthRange> {
        let mut errors = std::collections::BTreeMap::new();
        let mut read = |name: &str, raw: Option<&str>| match raw.map(str::trim) {
            None | Some("") => None,
            Some(raw) => {
                let month = parse_month(raw);
                if month.is_none() {
                    errors.insert(
                        name.to_owned(),
                        "tháng phải có dạng năm-tháng, ví dụ 2026-12".to_owned(),
                    );
                }
                month
            }
        };
        let months = MonthRange {
            from: read("from", self.from),
            to: read("to", self.to),
        };
        if let (Some(from), Some(to)) = (months.from, months.to)
            && from > to
        {
            errors.insert(
                "to".to_owned(),
                "tháng cuối phải từ tháng đầu trở đi".to_owned(),
            );
        }
        if errors.is_empty() {
            Ok(months)
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// Midnight at the start of a day in Vietnam, as an instant.
fn vietnam_midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(vietnam())
        .single()
        .expect("a fixed offset has one midnight")
        .with_timezone(&Utc)
}

/// The producer behind `slug`, if the requester is one of its members (owner or member).
async fn member_producer(state: &AppState, viewer: Option<&User>, slug: &str) -> AppResult<Uuid> {
    require(viewer, Rule::SignedIn)?;
    let producer = super::sales::producer_id(state, slug).await?;
    require(viewer, Rule::MemberOf(producer))?;
    Ok(producer)
}

/// Who may read the report is checked first, so nobody learns anything from the checks that
/// follow; then the months.
async fn scope(
    state: &AppState,
    viewer: Option<&User>,
    slug: &str,
    period: &Period<'_>,
) -> AppResult<(ReportScope, MonthRange)> {
    let producer = member_producer(state, viewer, slug).await?;
    let months = period.check()?;
    let scope = ReportScope {
        producer,
        since: months.from.map(vietnam_midnight),
        until: months
            .to
            .and_then(|to| to.checked_add_months(Months::new(1)))
            .map(vietnam_midnight),
    };
    Ok((scope, months))
}

fn amount(value: Decimal) -> String {
    value.normalize().to_string()
}

fn paid_label(status: &str) -> &'static str {
    if status == "paid" {
        "Đã thanh toán"
    } else {
        "Chưa thanh toán"
    }
}

fn month_label(key: &str) -> String {
    match key.split_once('-') {
        Some((year, month)) => format!("{month}/{year}"),
        None => key.to_owned(),
    }
}

fn row(group: &OrderGroup, label: String) -> ReportRow {
    ReportRow {
        key: group.key.clone(),
        label,
        orders: group.orders,
        units: amount(group.units),
        revenue_vnd: amount(group.revenue),
    }
}

fn empty_row(key: &str, label: String) -> ReportRow {
    ReportRow {
        key: key.to_owned(),
        label,
        orders: 0,
        units: "0".to_owned(),
        revenue_vnd: "0".to_owned(),
    }
}

/// Every month from the first to the last with orders, those without any as zero: a chart with
/// a quiet month left out would read as steady sales.
fn months_filled(groups: &[OrderGroup]) -> Vec<ReportRow> {
    let months: Vec<&OrderGroup> = groups.iter().filter(|g| g.dimension == "month").collect();
    let first = months.first().and_then(|g| parse_month(&g.key));
    let last = months.last().and_then(|g| parse_month(&g.key));
    let (Some(mut month), Some(last)) = (first, last) else {
        return vec![];
    };
    let mut rows = Vec::new();
    while month <= last {
        let key = month_key(month);
        rows.push(match months.iter().find(|g| g.key == key) {
            Some(group) => row(group, month_label(&key)),
            None => empty_row(&key, month_label(&key)),
        });
        // Past the year 262143 chrono gives up; no order is placed then.
        let Some(next) = month.checked_add_months(Months::new(1)) else {
            break;
        };
        month = next;
    }
    rows
}

/// One row per key of `keys`, in that order, zero when no order had it.
fn each_of(
    groups: &[OrderGroup],
    dimension: &str,
    keys: &[&str],
    label: fn(&str) -> String,
) -> Vec<ReportRow> {
    keys.iter()
        .map(|key| {
            match groups
                .iter()
                .find(|g| g.dimension == dimension && g.key == *key)
            {
                Some(group) => row(group, label(key)),
                None => empty_row(key, label(key)),
            }
        })
        .collect()
}

/// The report a member reads on the page and in the API.
pub async fn sales(
    state: &AppState,
    viewer: Option<&User>,
    slug: &str,
    period: Period<'_>,
) -> AppResult<SalesReport> {
    let (scope, months) = scope(state, viewer, slug, &period).await?;
    let groups = db::report::order_groups(&state.db, scope, VIETNAM_OFFSET_SECS).await?;
    let products = db::report::product_groups(&state.db, scope).await?;
    let cancelled_orders = db::report::cancelled_count(&state.db, scope).await?;
    let (name, slug) = db::producers::name_and_slug(&state.db, scope.producer).await?;
    let total = groups.iter().find(|g| g.dimension == "total");
    let sum = |pick: fn(&OrderGroup) -> Decimal| amount(total.map_or(Decimal::ZERO, pick));
    let methods: Vec<&str> = PaymentMethod::ALL.iter().map(|m| m.as_str()).collect();
    Ok(SalesReport {
        producer: ProducerRef { slug, name },
        from: months.from.map(month_key),
        to: months.to.map(month_key),
        orders: total.map_or(0, |t| t.orders),
        units: sum(|t| t.units),
        revenue_vnd: sum(|t| t.revenue),
        goods_vnd: sum(|t| t.goods),
        delivery_fee_vnd: sum(|t| t.delivery_fees),
        cancelled_orders,
        by_month: months_filled(&groups),
        by_product: products
            .iter()
            .map(|p| ReportRow {
                key: p.product_id.to_string(),
                label: format!("{} ({})", p.name, p.unit_name),
                orders: p.orders,
                units: amount(p.units),
                revenue_vnd: amount(p.revenue),
            })
            .collect(),
        by_payment_method: each_of(&groups, "payment_method", &methods, |k| {
            payment_label(k).to_owned()
        }),
        by_payment_status: each_of(&groups, "payment_status", &PAYMENT_STATES, |k| {
            paid_label(k).to_owned()
        }),
    })
}

/// The report's file: its name and its bytes.
pub struct ReportCsv {
    pub filename: String,
    pub csv: Vec<u8>,
}

/// The columns of the CSV file, one counted order per row.
pub const CSV_COLUMNS: [&str; 12] = [
    "Mã đơn",
    "Ngày đặt",
    "Tháng",
    "Trạng thái",
    "Hình thức thanh toán",
    "Thanh toán",
    "Người mua",
    "Sản phẩm",
    "Số lượng",
    "Tiền hàng (đồng)",
    "Phí giao (đồng)",
    "Tổng cộng (đồng)",
];

/// A quantity as Excel reads a number where the decimal mark is a comma (`0,5`): written
/// `0.5`, a Vietnamese Excel would take it for text, or a date.
fn excel_number(value: Decimal) -> String {
    amount(value).replace('.', ",")
}

/// The counted orders as CSV for Excel (members of the producer): summing "Tổng cộng" gives the
/// report's revenue.
pub async fn sales_csv(
    state: &AppState,
    viewer: Option<&User>,
    slug: &str,
    period: Period<'_>,
) -> AppResult<ReportCsv> {
    let (scope, months) = scope(state, viewer, slug, &period).await?;
    let orders = db::report::order_lines(&state.db, scope).await?;
    let rows = orders.iter().map(|o| {
        let at = o.created_at.with_timezone(&vietnam());
        vec![
            o.code.clone(),
            at.format("%d/%m/%Y %H:%M").to_string(),
            at.format("%m/%Y").to_string(),
            status_label(o.status.as_str()).to_owned(),
            payment_label(o.payment_method.as_str()).to_owned(),
            paid_label(&o.payment_status).to_owned(),
            spreadsheet::cell(&o.buyer_name),
            spreadsheet::cell(&o.items.join("; ")),
            excel_number(o.units),
            amount(o.subtotal_vnd),
            amount(o.delivery_fee_vnd),
            amount(o.total_vnd),
        ]
    });
    let csv = spreadsheet::excel_csv(&CSV_COLUMNS, rows)?;
    let today = state.view().today;
    let range = match (months.from, months.to) {
        (None, None) => String::new(),
        (from, to) => format!(
            "-{}-{}",
            from.map_or("dau".to_owned(), month_key),
            to.map_or("nay".to_owned(), month_key)
        ),
    };
    Ok(ReportCsv {
        filename: format!("bao-cao-ban-hang-{slug}{range}-{today}.csv"),
        csv,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_read_as_vietnamese_write_them() {
        assert_eq!(month_label("2026-12"), "12/2026");
    }

    #[test]
    fn periods_are_whole_months_in_vietnam_time() {
        let months = Period {
            from: Some("2026-11"),
            to: Some(" 2026-12 "),
        }
        .check()
        .unwrap();
        assert_eq!(months.from, NaiveDate::from_ymd_opt(2026, 11, 1));
        // 1 November 00:00 in Vietnam is 31 October 17:00 UTC.
        assert_eq!(
            vietnam_midnight(months.from.unwrap()).to_rfc3339(),
            "2026-10-31T17:00:00+00:00"
        );
        let open = Period {
            from: Some(""),
            to: None,
        }
        .check()
        .unwrap();
        assert_eq!((open.from, open.to), (None, None));
    }

    #[test]
    fn malformed_or_backwards_periods_are_refused_by_field() {
        for (from, to, field) in [
            ("2026-13", "", "from"),
            ("12/2026", "", "from"),
            ("", "2026-1", "to"),
            ("2026-12", "2026-11", "to"),
        ] {
            let Err(AppError::Validation(errors)) = (Period {
                from: Some(from),
                to: Some(to),
            })
            .check() else {
                panic!("{from}..{to} accepted");
            };
            assert!(errors.contains_key(field), "{from}..{to}: {errors:?}");
        }
    }

    #[test]
    fn quiet_months_between_count_as_zero() {
        let group = |key: &str, orders| OrderGroup {
            dimension: "month".into(),
            key: key.into(),
            orders,
            units: Decimal::ONE,
            revenue: Decimal::from(100),
            goods: Decimal::from(100),
            delivery_fees: Decimal::ZERO,
        };
        let rows = months_filled(&[group("2026-11", 2), group("2027-02", 1)]);
        let keys: Vec<(&str, i64)> = rows.iter().map(|r| (r.key.as_str(), r.orders)).collect();
        assert_eq!(
            keys,
            [
                ("2026-11", 2),
                ("2026-12", 0),
                ("2027-01", 0),
                ("2027-02", 1)
            ]
        );
        assert_eq!(rows[2].label, "01/2027");
    }

    #[test]
    fn quantities_use_the_decimal_comma_excel_expects() {
        assert_eq!(excel_number(Decimal::new(15, 1)), "1,5");
        assert_eq!(excel_number(Decimal::new(3000, 3)), "3");
    }
}
