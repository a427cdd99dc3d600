//! Catalog values: producer kinds, names, prices in VND, stock quantities and product states.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// Who makes and sells: a cooperative (HTX), a company, a household business, or other (e.g. tổ hợp tác).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProducerKind {
    Htx,
    Company,
    Household,
    Other,
}

impl ProducerKind {
    pub const ALL: [ProducerKind; 4] = [
        ProducerKind::Htx,
        ProducerKind::Company,
        ProducerKind::Household,
        ProducerKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProducerKind::Htx => "htx",
            ProducerKind::Company => "company",
            ProducerKind::Household => "household",
            ProducerKind::Other => "other",
        }
    }
}

impl FromStr for ProducerKind {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        ProducerKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw.trim())
            .ok_or_else(|| "phải là một trong: htx, company, household, other".into())
    }
}

/// Whether buyers can see a product: drafts are the producer's own, archived ones are gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductStatus {
    Draft,
    Active,
    Archived,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Active => "active",
            ProductStatus::Archived => "archived",
        }
    }
}

impl FromStr for ProductStatus {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "draft" => Ok(ProductStatus::Draft),
            "active" => Ok(ProductStatus::Active),
            "archived" => Ok(ProductStatus::Archived),
            _ => Err("phải là draft, active hoặc archived".into()),
        }
    }
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
    pub fn parse(raw: &str) -> Result<PriceVnd, String> {
        let value = Decimal::from_str(raw.trim()).map_err(|_| "phải là một số".to_owned())?;
        Self::new(value)
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

/// A stock or order quantity: ≥ 0, at most 3 decimals, and whole unless the unit allows fractions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(Decimal);

impl Quantity {
    pub fn parse(raw: &str, allows_fraction: bool) -> Result<Quantity, String> {
        let value = Decimal::from_str(raw.trim()).map_err(|_| "phải là một số".to_owned())?;
        Self::new(value, allows_fraction)
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
        for kind in ProducerKind::ALL {
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
