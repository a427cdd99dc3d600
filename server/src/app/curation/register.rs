//! The certificate register for curators: every certificate with its status today, as a CSV
//! file Excel opens as it is in Vietnam.

use chrono::NaiveDate;

use crate::app::spreadsheet::{self, cell as csv_cell};
use crate::app::{AppResult, require};
use crate::db;
use crate::domain::account::{Rule, User};
use crate::state::AppState;

/// The register's file and the day it describes (for the file's name).
pub struct Register {
    pub today: NaiveDate,
    pub csv: Vec<u8>,
}

/// Curators download the register.
pub async fn register(state: &AppState, user: Option<&User>) -> AppResult<Register> {
    require(user, Rule::Curator)?;
    let today = state.today();
    let rows = db::certificates::register(&state.db).await?;
    let csv = register_to_csv(&rows, today, state.base_url())?;
    Ok(Register { today, csv })
}

/// Builds the register as CSV for Excel (see [`spreadsheet`]: BOM, `;`, no formulas).
pub fn register_to_csv(
    rows: &[db::certificates::RegisterRow],
    today: NaiveDate,
    base_url: &str,
) -> anyhow::Result<Vec<u8>> {
    const COLUMNS: [&str; 16] = [
        "Số quyết định",
        "Sản phẩm",
        "Cơ sở",
        "Nhóm sản phẩm",
        "Xã/phường",
        "Xã cũ",
        "Số sao",
        "Bộ tiêu chí",
        "Cấp công nhận",
        "Cơ quan công nhận",
        "Ngày quyết định",
        "Hết hạn",
        "Trạng thái",
        "Lý do thu hồi",
        "Mã xác minh",
        "Trang xác minh",
    ];
    let records = rows.iter().map(|row| {
        let c = row.certificate.to_dto(today, base_url);
        [
            csv_cell(&c.decision_no),
            csv_cell(&row.product_name),
            csv_cell(&row.producer_name),
            csv_cell(&row.category),
            csv_cell(row.commune.as_deref().unwrap_or_default()),
            csv_cell(row.old_commune.as_deref().unwrap_or_default()),
            c.stars.to_string(),
            c.rule_set,
            c.issuer_level,
            csv_cell(&c.issuer),
            c.issued_on,
            c.expires_on,
            c.detailed_status,
            csv_cell(c.revoked_reason.as_deref().unwrap_or_default()),
            c.verify_code,
            c.verify_url,
        ]
    });
    spreadsheet::excel_csv(&COLUMNS, records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("Chè Tân Cương"), "Chè Tân Cương");
    }
}
