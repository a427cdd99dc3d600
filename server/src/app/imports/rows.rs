//! One row of a product list, from cells to typed values: the code, the name, the category and
//! unit looked up by code or name (with or without diacritics), the price as Vietnamese write
//! it, the GI and whether this producer may claim it. What cannot be decided from the row alone
//! (the stock needs the unit, which an update may keep) is left for the merge with the stored
//! product.

use std::collections::HashMap;

use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::imports::{CategoryRow, GiRow, SkuProduct, UnitRow};
use crate::domain::catalog::{DisplayName, PriceVnd, Quantity};
use crate::domain::import::{ProductColumn, ProductHeader, Sku, fold};
use crate::sheet::{Cell, SheetRow};

/// Above this a price in a spreadsheet is a typo (a zero too many), not a product.
const MAX_IMPORT_PRICE: i64 = 1_000_000_000;
const MAX_DESCRIPTION_CHARS: usize = 20_000;

/// The lists a row is checked against, looked up by folded code or name.
pub struct Reference {
    categories: HashMap<String, String>,
    units: HashMap<String, (String, bool)>,
    gis: HashMap<String, Gi>,
}

#[derive(Clone)]
struct Gi {
    id: Uuid,
    name: String,
    covered: bool,
}

impl Reference {
    pub fn new(categories: Vec<CategoryRow>, units: Vec<UnitRow>, gis: Vec<GiRow>) -> Reference {
        let mut by_name = HashMap::new();
        for c in categories {
            for key in [fold(&c.name_vi), fold(&c.name_en), c.code.clone()] {
                by_name.entry(key).or_insert_with(|| c.code.clone());
            }
        }
        let mut unit_names = HashMap::new();
        for u in units {
            for key in [fold(&u.name_vi), fold(&u.name_en), u.code.clone()] {
                unit_names
                    .entry(key)
                    .or_insert_with(|| (u.code.clone(), u.allows_fraction));
            }
        }
        let mut gi_names = HashMap::new();
        for g in gis {
            let gi = Gi {
                id: g.id,
                name: g.name.clone(),
                covered: g.covered,
            };
            gi_names.entry(fold(&g.name)).or_insert_with(|| gi.clone());
            gi_names.entry(g.slug).or_insert(gi);
        }
        Reference {
            categories: by_name,
            units: unit_names,
            gis: gi_names,
        }
    }

    /// A category by its code or name (Vietnamese or English, with or without diacritics).
    pub fn category(&self, raw: &str) -> Option<String> {
        self.categories.get(&fold(raw)).cloned()
    }

    pub fn unit_allows_fraction(&self, code: &str) -> Option<bool> {
        self.units.get(code).map(|(_, f)| *f)
    }
}

/// A row's error: which column (as headed in the file) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub column: String,
    pub message: String,
}

/// What a row says, typed; `None` = the column is absent or the cell empty (keep the stored
/// value, or the default for a new product).
#[derive(Debug, Clone, Default)]
pub struct RowValues {
    pub name: Option<DisplayName>,
    pub category: Option<String>,
    pub unit: Option<(String, bool)>,
    pub price: Option<PriceVnd>,
    /// Read once the unit is known.
    pub stock: Option<String>,
    pub description: Option<String>,
    /// `Some(None)`: the cell says "none" (`-` or `không`), removing a GI claim.
    pub gi: Option<Option<Uuid>>,
}

/// A row read against the header and the lists.
pub struct ParsedRow {
    pub line: u32,
    pub sku: Option<Sku>,
    /// The name as written, for the preview even when it is invalid.
    pub raw_name: String,
    pub values: RowValues,
    pub errors: Vec<CellError>,
}

/// The header of `column` as the file writes it.
pub fn heading(headers: &HashMap<ProductColumn, String>, column: ProductColumn) -> String {
    headers
        .get(&column)
        .cloned()
        .unwrap_or_else(|| column.label().to_owned())
}

pub fn parse_row(
    row: &SheetRow,
    header: &ProductHeader,
    headers: &HashMap<ProductColumn, String>,
    reference: &Reference,
) -> ParsedRow {
    let mut errors = Vec::new();
    let mut fail = |column: ProductColumn, message: String| {
        errors.push(CellError {
            column: heading(headers, column),
            message,
        })
    };
    let mut text = |column: ProductColumn| -> Option<String> {
        let cell = header.position(column).map(|at| row.cell(at))?;
        match cell {
            Cell::Empty => None,
            Cell::Text(text) => Some(text.clone()),
            Cell::Broken(what) => {
                fail(
                    column,
                    format!("ô có lỗi công thức ({what}); hãy sửa trong Excel rồi lưu lại"),
                );
                None
            }
        }
    };
    let sku_text = text(ProductColumn::Sku);
    let name_text = text(ProductColumn::Name);
    let category_text = text(ProductColumn::Category);
    let unit_text = text(ProductColumn::Unit);
    let price_text = text(ProductColumn::Price);
    let stock = text(ProductColumn::Stock);
    let description = text(ProductColumn::Description);
    let gi_text = text(ProductColumn::Gi);
    let sku = match sku_text {
        None => {
            fail(ProductColumn::Sku, "hãy nhập mã sản phẩm".into());
            None
        }
        Some(raw) => Sku::parse(&raw)
            .map_err(|m| fail(ProductColumn::Sku, m))
            .ok(),
    };
    let raw_name = name_text.clone().unwrap_or_default();
    let name = name_text.and_then(|raw| {
        DisplayName::parse(&raw)
            .map_err(|m| fail(ProductColumn::Name, m))
            .ok()
    });
    let category = category_text.and_then(|raw| match reference.categories.get(&fold(&raw)) {
        Some(code) => Some(code.clone()),
        None => {
            fail(
                ProductColumn::Category,
                format!(
                    "không có nhóm sản phẩm \"{raw}\"; hãy dùng mã hoặc tên nhóm trong danh sách \
                     của tệp mẫu (ví dụ: che, mat-ong-nong-san)"
                ),
            );
            None
        }
    });
    let unit = unit_text.and_then(|raw| match reference.units.get(&fold(&raw)) {
        Some(unit) => Some(unit.clone()),
        None => {
            fail(
                ProductColumn::Unit,
                format!("không có đơn vị \"{raw}\" (ví dụ: kg, hộp, gói, chai)"),
            );
            None
        }
    });
    let price = price_text.and_then(|raw| match PriceVnd::parse(&raw) {
        Ok(price) if price.amount() > Decimal::from(MAX_IMPORT_PRICE) => {
            fail(
                ProductColumn::Price,
                format!("giá {raw} lớn hơn 1 tỷ đồng: hãy kiểm tra lại (có thể thừa số 0)"),
            );
            None
        }
        Ok(price) => Some(price),
        Err(message) => {
            fail(ProductColumn::Price, format!("giá \"{raw}\" {message}"));
            None
        }
    });
    let description = description.and_then(|d| {
        if d.chars().count() > MAX_DESCRIPTION_CHARS {
            fail(ProductColumn::Description, "dài tối đa 20.000 ký tự".into());
            None
        } else {
            Some(d)
        }
    });
    let gi = gi_text.and_then(|raw| {
        let folded = fold(&raw);
        if matches!(folded.as_str(), "khong" | "none" | "") {
            return Some(None);
        }
        match reference.gis.get(&folded) {
            None => {
                fail(
                    ProductColumn::Gi,
                    format!("không có chỉ dẫn địa lý \"{raw}\""),
                );
                None
            }
            Some(gi) if !gi.covered => {
                fail(
                    ProductColumn::Gi,
                    format!(
                        "xã (cũ) của cơ sở không thuộc khu vực bảo hộ của chỉ dẫn địa lý {}",
                        gi.name
                    ),
                );
                None
            }
            Some(gi) => Some(Some(gi.id)),
        }
    });
    ParsedRow {
        line: row.line,
        sku,
        raw_name,
        values: RowValues {
            name,
            category,
            unit,
            price,
            stock,
            description,
            gi,
        },
        errors,
    }
}

/// A product as it will be stored, after merging a row onto the stored product (or onto the
/// defaults, for a new one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub name: String,
    pub description: String,
    pub category: String,
    pub price: Decimal,
    pub unit: String,
    pub stock: Decimal,
    pub gi: Option<Uuid>,
}

/// Merges a row's values onto `stored` (an update) or onto nothing (a new product), checking
/// what needs both: the columns a new product cannot do without, and the stock against the
/// unit that will apply.
pub fn merge(
    values: &RowValues,
    stored: Option<&SkuProduct>,
    headers: &HashMap<ProductColumn, String>,
    reference: &Reference,
    errors: &mut Vec<CellError>,
) -> Option<Merged> {
    let before = errors.len();
    let mut fail = |column: ProductColumn, message: String| {
        errors.push(CellError {
            column: heading(headers, column),
            message,
        })
    };
    if stored.is_none() {
        let missing = [
            (ProductColumn::Name, values.name.is_none()),
            (ProductColumn::Category, values.category.is_none()),
            (ProductColumn::Unit, values.unit.is_none()),
            (ProductColumn::Price, values.price.is_none()),
        ];
        for (column, is_missing) in missing {
            if is_missing {
                fail(
                    column,
                    format!(
                        "sản phẩm mới cần cột \"{}\" (mã này chưa có trong danh sách của cơ sở)",
                        column.label()
                    ),
                );
            }
        }
    }
    let unit = values.unit.clone().or_else(|| {
        stored.map(|s| {
            (
                s.unit.clone(),
                reference.unit_allows_fraction(&s.unit).unwrap_or(false),
            )
        })
    });
    let stock = match (&values.stock, stored, &unit) {
        (Some(raw), _, Some((_, fraction))) => match Quantity::parse(raw, *fraction) {
            Ok(q) => Some(q.amount()),
            Err(message) => {
                fail(
                    ProductColumn::Stock,
                    format!("tồn kho \"{raw}\": {message}"),
                );
                None
            }
        },
        (None, Some(s), Some((_, fraction))) => match Quantity::new(s.stock, *fraction) {
            Ok(q) => Some(q.amount()),
            Err(_) => {
                fail(
                    ProductColumn::Stock,
                    "tồn kho đang lưu có phần lẻ, không hợp với đơn vị mới: hãy nhập tồn kho"
                        .into(),
                );
                None
            }
        },
        (None, None, _) => Some(Decimal::ZERO),
        (_, _, None) => None,
    };
    if errors.len() > before {
        return None;
    }
    Some(Merged {
        name: values
            .name
            .as_ref()
            .map(|n| n.as_str().to_owned())
            .or_else(|| stored.map(|s| s.name.clone()))?,
        description: values
            .description
            .clone()
            .or_else(|| stored.map(|s| s.description.clone()))
            .unwrap_or_default(),
        category: values
            .category
            .clone()
            .or_else(|| stored.map(|s| s.category_code.clone()))?,
        price: values
            .price
            .map(PriceVnd::amount)
            .or_else(|| stored.map(|s| s.price_vnd))?,
        unit: unit.map(|(code, _)| code)?,
        stock: stock?,
        gi: match values.gi {
            Some(gi) => gi,
            None => stored.and_then(|s| s.gi_id),
        },
    })
}

/// The stored product as a [`Merged`], to compare with what a row would make of it.
pub fn as_stored(s: &SkuProduct) -> Merged {
    Merged {
        name: s.name.clone(),
        description: s.description.clone(),
        category: s.category_code.clone(),
        price: s.price_vnd.normalize(),
        unit: s.unit.clone(),
        stock: s.stock.normalize(),
        gi: s.gi_id,
    }
}

/// What an update changes, in words for the preview.
pub fn changes(before: &Merged, after: &Merged) -> Vec<String> {
    let money = |d: Decimal| frontend::format::vnd(&d.to_string());
    let mut out = Vec::new();
    if before.name != after.name {
        out.push(format!("Tên: {} → {}", before.name, after.name));
    }
    if before.category != after.category {
        out.push(format!("Nhóm: {} → {}", before.category, after.category));
    }
    if before.unit != after.unit {
        out.push(format!("Đơn vị: {} → {}", before.unit, after.unit));
    }
    if before.price != after.price {
        out.push(format!(
            "Giá: {} → {}",
            money(before.price),
            money(after.price)
        ));
    }
    if before.stock != after.stock {
        out.push(format!(
            "Tồn kho: {} → {}",
            frontend::format::quantity_vi(&before.stock.to_string()),
            frontend::format::quantity_vi(&after.stock.to_string())
        ));
    }
    if before.description != after.description {
        out.push("Mô tả".into());
    }
    if before.gi != after.gi {
        out.push("Chỉ dẫn địa lý".into());
    }
    out
}
