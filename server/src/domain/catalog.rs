//! Catalog values: producer kinds, names, prices in VND, stock quantities and product states.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// Photos one product may carry; the database enforces it (`product_images_at_most_12`).
pub const MAX_PHOTOS_PER_PRODUCT: i64 = 12;

wire_enum! {
    /// Who makes and sells: a cooperative (HTX), a company, a household business, or other (e.g. tổ hợp tác).
    pub enum ProducerKind {
        Htx,
        Company,
        Household,
        Other,
    }
    else "phải là một trong: htx, company, household, other"
}

impl ProducerKind {}

wire_enum! {
    /// Whether buyers can see a product: drafts are the producer's own, archived ones are gone.
    pub enum ProductStatus {
        Draft,
        Active,
        Archived,
    }
    else "phải là draft, active hoặc archived"
}

/// A display name for a producer or product: trimmed, 2–200 characters, single spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, String> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let chars = name.chars().count();
        if chars < 2 {
            Err("tên phải có ít nhất 2 ký tự".into())
        } else if chars > 200 {
            Err("tên dài tối đa 200 ký tự".into())
        } else if name.chars().any(char::is_control) {
            Err("tên chứa ký tự không hợp lệ".into())
        } else {
            Ok(DisplayName(name))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for DisplayName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A price in đồng: a whole number above zero (VND has no minor unit), at most 1 000 000 000 000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PriceVnd(Decimal);

impl PriceVnd {
    /// Reads a price as people type it (see [`read_dong`]): `250.000`, `250 000 ₫` → 250000.
    pub fn parse(raw: &str) -> Result<PriceVnd, String> {
        Self::new(read_dong(raw)?)
    }

    pub fn new(value: Decimal) -> Result<PriceVnd, String> {
        if value <= Decimal::ZERO {
            Err("phải lớn hơn 0".into())
        } else if !value.fract().is_zero() {
            Err("phải là số đồng nguyên (không có phần lẻ)".into())
        } else if value > Decimal::from(1_000_000_000_000u64) {
            Err("giá quá lớn".into())
        } else {
            Ok(PriceVnd(value.normalize()))
        }
    }

    pub fn amount(self) -> Decimal {
        self.0
    }
}

impl fmt::Display for PriceVnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a typed amount of money could not be read as.
const NOT_AN_AMOUNT: &str = "phải là số tiền (đồng), ví dụ 250.000 hoặc 250000";

/// Reads an amount of đồng as Vietnamese (and English) write it: `250000`, `250.000`,
/// `250,000`, `250 000`, with or without `₫`, `đ`, `đồng` or `VND` after it. The rule itself is
/// [`frontend::format::plain_dong`], so the product form can show, while the seller types, the
/// very amount the server will save.
pub fn read_dong(raw: &str) -> Result<Decimal, String> {
    frontend::format::plain_dong(raw)
        .and_then(|plain| Decimal::from_str(&plain).ok())
        .ok_or_else(|| NOT_AN_AMOUNT.to_owned())
}

/// A stock or order quantity: ≥ 0, at most 3 decimals, and whole unless the unit allows fractions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(Decimal);

impl Quantity {
    /// Reads a quantity as typed: `2,5`, `2.5`, `1 000`. A dot is never a thousands mark here
    /// (see [`frontend::format::plain_quantity`] for why), unlike in a price.
    pub fn parse(raw: &str, allows_fraction: bool) -> Result<Quantity, String> {
        Self::new(read_quantity(raw)?, allows_fraction)
    }

    pub fn new(value: Decimal, allows_fraction: bool) -> Result<Quantity, String> {
        if value < Decimal::ZERO {
            Err("không được âm".into())
        } else if !allows_fraction && !value.fract().is_zero() {
            Err("đơn vị này không bán lẻ phần thập phân".into())
        } else if value.normalize().scale() > 3 {
            Err("tối đa 3 chữ số thập phân".into())
        } else if value >= Decimal::from(1_000_000_000u64) {
            Err("số lượng quá lớn".into())
        } else {
            Ok(Quantity(value.normalize()))
        }
    }

    pub fn amount(self) -> Decimal {
        self.0
    }
}

/// Reads a typed quantity with [`frontend::format::plain_quantity`], the rule the form echoes.
fn read_quantity(raw: &str) -> Result<Decimal, String> {
    frontend::format::plain_quantity(raw)
        .and_then(|plain| Decimal::from_str(&plain).ok())
        .ok_or_else(|| "phải là một số, ví dụ 25 hoặc 2,5".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_whole_positive_dong() {
        assert_eq!(PriceVnd::parse("250000").unwrap().to_string(), "250000");
        assert_eq!(PriceVnd::parse(" 45000.00 ").unwrap().to_string(), "45000");
        for (raw, why) in [
            ("0", "zero"),
            ("-1", "negative"),
            ("1.5", "a fraction of a đồng"),
            ("abc", "not a number"),
            ("", "empty"),
            ("1000000000001", "too large"),
        ] {
            assert!(PriceVnd::parse(raw).is_err(), "{raw:?} should fail: {why}");
        }
        assert_eq!(PriceVnd::parse("0").unwrap_err(), "phải lớn hơn 0");
    }

    #[test]
    fn prices_read_the_ways_vietnamese_write_money() {
        for (raw, dong) in [
            ("250.000", 250_000),
            ("250000", 250_000),
            ("250.000 ₫", 250_000),
            ("250.000₫", 250_000),
            ("250.000đ", 250_000),
            ("250.000 đồng", 250_000),
            ("250.000 VNĐ", 250_000),
            ("250000 vnd", 250_000),
            ("250,000", 250_000),
            ("250 000", 250_000),
            ("250\u{a0}000", 250_000),
            ("1.250.000", 1_250_000),
            ("1 250 000 ₫", 1_250_000),
            ("250.000,00", 250_000),
            ("250,000.00", 250_000),
            ("45000.00", 45_000),
            ("2500.000", 2_500),
            ("999", 999),
        ] {
            assert_eq!(
                PriceVnd::parse(raw).map(|p| p.to_string()),
                Ok(dong.to_string()),
                "{raw:?}"
            );
        }
        for (raw, why) in [
            ("250.5", "a fraction of a đồng"),
            ("250,5", "a fraction of a đồng, decimal comma"),
            ("1.00.000", "groups of three only"),
            ("1.000.00", "the decimal mark is the grouping mark"),
            ("250..000", "two marks in a row"),
            (".500", "no whole part"),
            ("250.", "a mark at the end"),
            ("2 50", "a space that groups nothing"),
            ("250.000 USD", "another currency"),
            ("₫", "only the sign"),
            ("1e5", "scientific notation"),
            ("250k", "shorthand"),
        ] {
            assert!(PriceVnd::parse(raw).is_err(), "{raw:?} should fail: {why}");
        }
        assert_eq!(
            PriceVnd::parse("abc").unwrap_err(),
            "phải là số tiền (đồng), ví dụ 250.000 hoặc 250000"
        );
        assert_eq!(PriceVnd::parse("-250.000").unwrap_err(), "phải lớn hơn 0");
    }

    #[test]
    fn quantities_read_decimal_commas_and_space_grouping() {
        let read = |raw: &str, fraction: bool| Quantity::parse(raw, fraction).map(|q| q.amount());
        assert_eq!(read("2,5", true), Ok(Decimal::new(25, 1)));
        assert_eq!(read("2.5", true), Ok(Decimal::new(25, 1)));
        assert_eq!(read("1 000", false), Ok(Decimal::from(1000)));
        assert_eq!(read("12 500,25", true), Ok(Decimal::new(1_250_025, 2)));
        // The API's own rendering of 2 kg reads back as 2, never as two thousand.
        assert_eq!(read("2.000", true), Ok(Decimal::from(2)));
        for raw in ["abc", "1 0", "1.000.000", "2,5,0", "", "2 kg"] {
            assert!(read(raw, true).is_err(), "{raw:?}");
        }
        assert_eq!(
            read("2,5", false).unwrap_err(),
            "đơn vị này không bán lẻ phần thập phân"
        );
        assert_eq!(
            read("nhiều", true).unwrap_err(),
            "phải là một số, ví dụ 25 hoặc 2,5"
        );
    }

    #[test]
    fn quantities_allow_fractions_only_where_the_unit_does() {
        assert!(Quantity::parse("0.5", true).is_ok());
        assert!(Quantity::parse("0", false).is_ok());
        assert!(Quantity::parse("0.5", false).is_err());
        assert!(Quantity::parse("-1", true).is_err());
        assert!(Quantity::parse("0.0001", true).is_err());
        assert!(Quantity::parse("2.500", false).is_err());
        assert!(Quantity::parse("2.000", false).is_ok());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Chè   tôm nõn ").unwrap().as_str(),
            "Chè tôm nõn"
        );
        assert!(DisplayName::parse("a").is_err());
        assert!(DisplayName::parse("  ").is_err());
        assert!(DisplayName::parse(&"x".repeat(201)).is_err());
        assert!(DisplayName::parse("tab\u{7}bell").is_err());
    }

    #[test]
    fn kinds_and_statuses_parse_from_their_wire_names() {
        for kind in ProducerKind::ALL.iter().copied() {
            assert_eq!(kind.as_str().parse::<ProducerKind>(), Ok(kind));
        }
        assert!("coop".parse::<ProducerKind>().is_err());
        assert_eq!(
            "archived".parse::<ProductStatus>(),
            Ok(ProductStatus::Archived)
        );
        assert!("deleted".parse::<ProductStatus>().is_err());
    }
}
