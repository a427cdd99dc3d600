//! Spreadsheet imports: producers' own product codes (SKU), the columns a product list may have
//! and how people head them (Vietnamese, with or without diacritics, or English), and names
//! folded for matching ("HTX Chè Tân Cương" and "htx che tan cuong" are the same producer).

use std::fmt;

/// A producer's own code for a product, unique per producer: `TC-001`. Stored upper-case so
/// that `tc-001` in next week's file is the same product; photos are named after it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sku(String);

impl Sku {
    pub fn parse(raw: &str) -> Result<Sku, String> {
        let sku = raw.trim().to_ascii_uppercase();
        let valid = (1..=64).contains(&sku.len())
            && sku
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && sku
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if valid {
            Ok(Sku(sku))
        } else if sku.is_empty() {
            Err("hãy nhập mã sản phẩm".into())
        } else {
            Err(
                "mã sản phẩm chỉ gồm chữ không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới \
                 (tối đa 64 ký tự)"
                    .into(),
            )
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Text folded for comparing: no diacritics (`đ` → `d`), lower case, words joined by `-`.
pub fn fold(raw: &str) -> String {
    slug::slugify(raw)
}

/// A header as it is compared: what is in brackets (`Giá (đồng)`) and a trailing `*` dropped.
fn fold_header(raw: &str) -> String {
    let mut plain = String::with_capacity(raw.len());
    let mut depth = 0u32;
    for c in raw.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '*' => {}
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    fold(&plain)
}

/// The columns of a product list. Only the code is required in every file: a weekly stock
/// update has just `mã sản phẩm`, `giá` and `tồn kho`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProductColumn {
    Sku,
    Name,
    Category,
    Unit,
    Price,
    Stock,
    Description,
    Gi,
}

impl ProductColumn {
    pub const ALL: [ProductColumn; 8] = [
        ProductColumn::Sku,
        ProductColumn::Name,
        ProductColumn::Category,
        ProductColumn::Unit,
        ProductColumn::Price,
        ProductColumn::Stock,
        ProductColumn::Description,
        ProductColumn::Gi,
    ];

    /// The header the templates write and messages use.
    pub fn label(self) -> &'static str {
        <Self as SheetColumn>::label(self)
    }

    pub fn from_header(raw: &str) -> Option<ProductColumn> {
        <Self as SheetColumn>::from_header(raw)
    }
}

impl SheetColumn for ProductColumn {
    const ALL: &'static [ProductColumn] = &ProductColumn::ALL;
    const REQUIRED: &'static [ProductColumn] = &[ProductColumn::Sku];

    fn label(self) -> &'static str {
        match self {
            ProductColumn::Sku => "Mã sản phẩm",
            ProductColumn::Name => "Tên",
            ProductColumn::Category => "Nhóm",
            ProductColumn::Unit => "Đơn vị",
            ProductColumn::Price => "Giá",
            ProductColumn::Stock => "Tồn kho",
            ProductColumn::Description => "Mô tả",
            ProductColumn::Gi => "Chỉ dẫn địa lý",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            ProductColumn::Sku => &["ma-san-pham", "ma-sp", "ma", "sku", "product-code", "code"],
            ProductColumn::Name => &["ten", "ten-san-pham", "name", "product-name", "product"],
            ProductColumn::Category => &[
                "nhom",
                "nhom-san-pham",
                "ma-nhom",
                "category",
                "category-code",
            ],
            ProductColumn::Unit => &["don-vi", "don-vi-tinh", "dvt", "unit"],
            ProductColumn::Price => &[
                "gia",
                "gia-ban",
                "don-gia",
                "gia-vnd",
                "gia-dong",
                "price",
                "price-vnd",
            ],
            ProductColumn::Stock => &["ton-kho", "ton", "so-luong", "so-luong-ton", "stock"],
            ProductColumn::Description => &["mo-ta", "description"],
            ProductColumn::Gi => &["chi-dan-dia-ly", "cddl", "gi", "geographical-indication"],
        }
    }
}

/// The columns of one kind of spreadsheet: their headers and the ones a file must have.
pub trait SheetColumn: Copy + Eq + 'static {
    const ALL: &'static [Self];
    /// Needed in every file.
    const REQUIRED: &'static [Self];
    /// The header the templates write and messages use.
    fn label(self) -> &'static str;
    /// Folded headers that mean this column (Vietnamese, shortened, English).
    fn aliases(self) -> &'static [&'static str];

    fn from_header(raw: &str) -> Option<Self> {
        let folded = fold_header(raw);
        Self::ALL
            .iter()
            .copied()
            .find(|column| column.aliases().contains(&folded.as_str()))
    }
}

/// Where each known column is in a file, from its header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<C> {
    positions: Vec<(C, usize)>,
}

/// A product list's header.
pub type ProductHeader = Header<ProductColumn>;

impl<C: SheetColumn> Header<C> {
    /// Reads a header row. Unknown or repeated headers, or a required column missing, are
    /// refused with a message that lists what is expected.
    pub fn parse<'a>(cells: impl IntoIterator<Item = Option<&'a str>>) -> Result<Self, String> {
        let mut positions: Vec<(C, usize)> = Vec::new();
        let mut unknown = Vec::new();
        for (at, cell) in cells.into_iter().enumerate() {
            let Some(text) = cell else { continue };
            match C::from_header(text) {
                Some(column) if positions.iter().any(|(c, _)| *c == column) => {
                    return Err(format!(
                        "cột \"{}\" có hai lần trong dòng tiêu đề",
                        column.label()
                    ));
                }
                Some(column) => positions.push((column, at)),
                None => unknown.push(format!("\"{text}\"")),
            }
        }
        let list = |columns: &[C]| {
            columns
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let expected = list(C::ALL);
        let required = list(C::REQUIRED);
        if !unknown.is_empty() {
            return Err(format!(
                "dòng tiêu đề có cột không nhận ra: {}. Các cột được nhận: {expected} \
                 (bắt buộc: {required})",
                unknown.join(", ")
            ));
        }
        let missing: Vec<&str> = C::REQUIRED
            .iter()
            .filter(|r| !positions.iter().any(|(c, _)| c == *r))
            .map(|c| c.label())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "thiếu cột {} ở dòng đầu tiên. Các cột được nhận: {expected} (bắt buộc: {required})",
                missing
                    .iter()
                    .map(|m| format!("\"{m}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Ok(Header { positions })
    }

    pub fn position(&self, column: C) -> Option<usize> {
        self.positions
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, at)| *at)
    }

    pub fn has(&self, column: C) -> bool {
        self.position(column).is_some()
    }
}

/// The columns of an OCOP decision's annex: one row per rated product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnnexColumn {
    /// "STT": the row's number in the annex, not used.
    Number,
    Product,
    Producer,
    Commune,
    Group,
    Stars,
    /// "Ghi chú": not used.
    Note,
}

impl SheetColumn for AnnexColumn {
    const ALL: &'static [AnnexColumn] = &[
        AnnexColumn::Number,
        AnnexColumn::Product,
        AnnexColumn::Producer,
        AnnexColumn::Commune,
        AnnexColumn::Group,
        AnnexColumn::Stars,
        AnnexColumn::Note,
    ];
    const REQUIRED: &'static [AnnexColumn] = &[
        AnnexColumn::Product,
        AnnexColumn::Producer,
        AnnexColumn::Stars,
    ];

    fn label(self) -> &'static str {
        match self {
            AnnexColumn::Number => "STT",
            AnnexColumn::Product => "Tên sản phẩm",
            AnnexColumn::Producer => "Chủ thể",
            AnnexColumn::Commune => "Xã/phường",
            AnnexColumn::Group => "Nhóm",
            AnnexColumn::Stars => "Số sao",
            AnnexColumn::Note => "Ghi chú",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            AnnexColumn::Number => &["stt", "so-thu-tu", "tt", "no"],
            AnnexColumn::Product => &["ten-san-pham", "san-pham", "product", "product-name"],
            AnnexColumn::Producer => &[
                "chu-the",
                "ten-chu-the",
                "chu-the-san-xuat",
                "co-so",
                "co-so-san-xuat",
                "don-vi-san-xuat",
                "producer",
            ],
            AnnexColumn::Commune => &["xa", "xa-phuong", "phuong-xa", "dia-ban", "commune"],
            AnnexColumn::Group => &["nhom", "nhom-san-pham", "phan-nhom", "group", "category"],
            AnnexColumn::Stars => &["so-sao", "sao", "hang-sao", "xep-hang", "stars"],
            AnnexColumn::Note => &["ghi-chu", "note"],
        }
    }
}

/// Producer names as decisions write them, folded and without the legal form in front:
/// "HTX Chè Tân Cương", "Hợp tác xã chè Tân Cương" and "htx che tan cuong" are one producer.
pub fn producer_key(name: &str) -> String {
    const PREFIXES: [&str; 12] = [
        "hop-tac-xa-",
        "htx-",
        "cong-ty-trach-nhiem-huu-han-",
        "cong-ty-tnhh-mot-thanh-vien-",
        "cong-ty-tnhh-mtv-",
        "cong-ty-tnhh-",
        "cong-ty-co-phan-",
        "cong-ty-cp-",
        "cong-ty-",
        "ho-kinh-doanh-",
        "hkd-",
        "to-hop-tac-",
    ];
    let mut key = fold(name);
    // "Hộ kinh doanh cá thể", "Công ty TNHH MTV": strip forms until none is left.
    loop {
        let before = key.len();
        for prefix in PREFIXES {
            if let Some(rest) = key.strip_prefix(prefix) {
                key = rest.to_owned();
            }
        }
        if let Some(rest) = key.strip_prefix("ca-the-") {
            key = rest.to_owned();
        }
        if key.len() == before {
            return key;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skus_are_codes_in_upper_case() {
        assert_eq!(Sku::parse(" tc-001 ").unwrap().as_str(), "TC-001");
        assert_eq!(Sku::parse("1001").unwrap().as_str(), "1001");
        for raw in ["", "mã 1", "-A", "A/B", &"A".repeat(65)] {
            assert!(Sku::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn headers_are_recognised_in_vietnamese_and_english() {
        for (raw, column) in [
            ("Mã sản phẩm", ProductColumn::Sku),
            ("MA SP", ProductColumn::Sku),
            ("SKU", ProductColumn::Sku),
            ("Tên sản phẩm", ProductColumn::Name),
            ("Giá (đồng)", ProductColumn::Price),
            ("price_vnd", ProductColumn::Price),
            ("Tồn kho*", ProductColumn::Stock),
            ("ĐVT", ProductColumn::Unit),
            ("Chỉ dẫn địa lý", ProductColumn::Gi),
        ] {
            assert_eq!(ProductColumn::from_header(raw), Some(column), "{raw}");
        }
        assert_eq!(ProductColumn::from_header("Ghi chú"), None);
    }

    #[test]
    fn a_header_needs_the_code_and_nothing_unknown() {
        let header = ProductHeader::parse([Some("Mã sản phẩm"), None, Some("Giá")]).unwrap();
        assert_eq!(header.position(ProductColumn::Price), Some(2));
        let missing = ProductHeader::parse([Some("Tên"), Some("Giá")]).unwrap_err();
        assert!(missing.contains("thiếu cột \"Mã sản phẩm\""), "{missing}");
        assert!(missing.contains("Tồn kho"), "{missing}");
        let unknown = ProductHeader::parse([Some("Mã"), Some("Ghi chú")]).unwrap_err();
        assert!(unknown.contains("\"Ghi chú\""), "{unknown}");
        assert!(ProductHeader::parse([Some("Mã"), Some("SKU")]).is_err());
    }

    #[test]
    fn producer_names_match_without_their_legal_form() {
        let key = producer_key("HTX Chè Tân Cương");
        assert_eq!(key, "che-tan-cuong");
        assert_eq!(producer_key("Hợp tác xã chè Tân Cương"), key);
        assert_eq!(producer_key("htx che tan cuong"), key);
        assert_eq!(
            producer_key("Công ty TNHH MTV Miến Dong Bắc Kạn"),
            "mien-dong-bac-kan"
        );
        assert_eq!(producer_key("Hộ kinh doanh Lê Văn A"), "le-van-a");
        assert_eq!(producer_key("Hộ kinh doanh cá thể Lê Văn A"), "le-van-a");
    }
}
