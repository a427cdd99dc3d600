//! The product-list templates members download: the columns in order, an example row, and the
//! lists a file is checked against (product groups, units, GIs). The `.xlsx` has them on their
//! own sheets; the `.csv` (UTF-8 with BOM and `;`, as Vietnamese Excel opens it) as notes whose
//! first cell starts with `#`, which an import skips.

use rust_xlsxwriter::{Format, Workbook};

use crate::app::{AppError, AppResult};
use crate::db;
use crate::domain::import::ProductColumn;
use crate::state::AppState;

/// The example row, column by column.
const EXAMPLE: [&str; 8] = [
    "VD-001",
    "Chè Tân Cương đặc biệt",
    "che",
    "hộp",
    "250.000",
    "20",
    "Chè búp non hái tay, sao bằng chảo gang",
    "",
];

struct Lists {
    categories: Vec<(String, String)>,
    units: Vec<(String, String)>,
    gis: Vec<(String, String)>,
}

async fn lists(state: &AppState) -> AppResult<Lists> {
    Ok(Lists {
        categories: db::imports::categories(&state.db)
            .await?
            .into_iter()
            .map(|c| (c.code, c.name_vi))
            .collect(),
        units: db::imports::units(&state.db)
            .await?
            .into_iter()
            .map(|u| (u.code, u.name_vi))
            .collect(),
        gis: db::imports::gis(&state.db, None)
            .await?
            .into_iter()
            .map(|g| (g.slug, g.name))
            .collect(),
    })
}

const NOTES: [&str; 5] = [
    "Mỗi dòng là một sản phẩm; cột Mã sản phẩm là bắt buộc và không trùng nhau.",
    "Mã đã có: chỉ các ô có giá trị được cập nhật (ô trống giữ nguyên). Mã mới: cần Tên, Nhóm, Đơn vị, Giá.",
    "Giá viết 250.000, 250000 hoặc 250.000 ₫. Tồn kho: số, 2,5 với đơn vị kg hoặc lít.",
    "Nhóm: mã hoặc tên nhóm. Chỉ dẫn địa lý: mã hoặc tên; \"không\" để bỏ.",
    "Ảnh: gửi kèm tệp .zip, mỗi ảnh đặt tên theo mã (VD-001.jpg, VD-001-2.jpg).",
];

/// The `.xlsx` template.
pub async fn products_xlsx(state: &AppState) -> AppResult<Vec<u8>> {
    let lists = lists(state).await?;
    let bold = Format::new().set_bold();
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!(e));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Sản phẩm").map_err(fail)?;
    for (at, column) in ProductColumn::ALL.iter().enumerate() {
        let col = at as u16;
        sheet
            .write_string_with_format(0, col, column.label(), &bold)
            .map_err(fail)?;
        sheet.write_string(1, col, EXAMPLE[at]).map_err(fail)?;
        let width = if *column == ProductColumn::Description {
            48
        } else {
            20
        };
        sheet.set_column_width(col, width).map_err(fail)?;
    }
    for (name, heading, rows) in [
        ("Nhóm sản phẩm", ["Mã nhóm", "Tên nhóm"], &lists.categories),
        ("Đơn vị", ["Mã", "Đơn vị"], &lists.units),
        ("Chỉ dẫn địa lý", ["Mã", "Chỉ dẫn địa lý"], &lists.gis),
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(name).map_err(fail)?;
        sheet
            .write_string_with_format(0, 0, heading[0], &bold)
            .map_err(fail)?;
        sheet
            .write_string_with_format(0, 1, heading[1], &bold)
            .map_err(fail)?;
        sheet.set_column_width(0, 24).map_err(fail)?;
        sheet.set_column_width(1, 60).map_err(fail)?;
        for (row, (code, label)) in rows.iter().enumerate() {
            let row = row as u32 + 1;
            sheet.write_string(row, 0, code).map_err(fail)?;
            sheet.write_string(row, 1, label).map_err(fail)?;
        }
    }
    let sheet = book.add_worksheet();
    sheet.set_name("Hướng dẫn").map_err(fail)?;
    sheet.set_column_width(0, 110).map_err(fail)?;
    for (row, note) in NOTES.iter().enumerate() {
        sheet.write_string(row as u32, 0, *note).map_err(fail)?;
    }
    book.save_to_buffer().map_err(fail)
}

/// The `.csv` template: UTF-8 with BOM, `;` between cells.
pub async fn products_csv(state: &AppState) -> AppResult<Vec<u8>> {
    let lists = lists(state).await?;
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| AppError::Internal(anyhow::anyhow!(e));
    out.write_record(ProductColumn::ALL.iter().map(|c| c.label()))
        .map_err(fail)?;
    out.write_record(EXAMPLE).map_err(fail)?;
    for note in NOTES {
        out.write_record([format!("# {note}")]).map_err(fail)?;
    }
    for (title, rows) in [
        ("Nhóm sản phẩm", &lists.categories),
        ("Đơn vị", &lists.units),
        ("Chỉ dẫn địa lý", &lists.gis),
    ] {
        out.write_record([format!("# {title}:")]).map_err(fail)?;
        for (code, label) in rows {
            out.write_record([format!("# {code}"), label.clone()])
                .map_err(fail)?;
        }
    }
    out.into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))
}
