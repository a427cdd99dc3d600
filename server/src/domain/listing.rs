//! Catalog listing filters: a URL query parsed into typed filters, sort and paging.

use std::str::FromStr;

use frontend::api::CatalogQuery;
use rust_decimal::Decimal;

use super::FieldErrors;
use super::catalog::read_dong;
use super::slug::Slug;

pub const DEFAULT_PER_PAGE: u32 = 24;
pub const MAX_PER_PAGE: u32 = 100;
/// Results a listing pages through; past them a query must be narrowed.
pub const MAX_LISTED_RESULTS: u64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first when searching; otherwise highest-rated, then newest.
    #[default]
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
    /// OCOP stars of the certificate in force, most first.
    Stars,
    /// Buyers' reviews ("đánh giá cao"): highest average first, ties by more reviews; products
    /// without any come last.
    Rating,
}

impl FromStr for Sort {
    type Err = String;
    fn from_str(raw: &str) -> Result<Sort, String> {
        match raw {
            "relevance" => Ok(Sort::Relevance),
            "price_asc" => Ok(Sort::PriceAsc),
            "price_desc" => Ok(Sort::PriceDesc),
            "newest" => Ok(Sort::Newest),
            "stars" => Ok(Sort::Stars),
            "rating" => Ok(Sort::Rating),
            _ => Err("phải là relevance, price_asc, price_desc, newest, stars hoặc rating".into()),
        }
    }
}

/// What a buyer asked the catalog for, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFilter {
    pub q: Option<String>,
    pub category: Option<String>,
    pub min_stars: Option<i16>,
    pub commune: Option<String>,
    pub gi: Option<Slug>,
    pub producer: Option<Slug>,
    pub min_price: Option<Decimal>,
    pub max_price: Option<Decimal>,
    pub in_stock: bool,
    /// Only these products (livestream pins); never set from a URL.
    pub ids: Option<Vec<uuid::Uuid>>,
    pub sort: Sort,
    pub page: u32,
    pub per_page: u32,
}

impl Default for ProductFilter {
    /// Everything, first page.
    fn default() -> ProductFilter {
        ProductFilter {
            q: None,
            category: None,
            min_stars: None,
            commune: None,
            gi: None,
            producer: None,
            min_price: None,
            max_price: None,
            in_stock: false,
            ids: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl ProductFilter {
    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    /// Parses a raw query; every bad field is reported at once. Empty values mean "no filter",
    /// because a plain HTML form sends empty fields for untouched inputs.
    pub fn parse(query: &CatalogQuery) -> Result<ProductFilter, FieldErrors> {
        let mut errors = FieldErrors::default();
        let present = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let q = present(&query.q).map(|q| q.chars().take(200).collect::<String>());
        let category = present(&query.category);
        if let Some(code) = &category {
            errors.check("category", Slug::parse(code).map(drop));
        }
        let min_stars = present(&query.min_stars).and_then(|raw| {
            errors.check(
                "min_stars",
                raw.parse::<i16>()
                    .ok()
                    .filter(|n| (1..=5).contains(n))
                    .ok_or_else(|| "phải là số sao từ 1 đến 5".to_owned()),
            )
        });
        let commune = present(&query.commune);
        if let Some(code) = &commune
            && !(code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()))
        {
            errors.add("commune", "mã xã/phường gồm 5 chữ số");
        }
        let gi = present(&query.gi).and_then(|raw| errors.check("gi", Slug::parse(&raw)));
        let producer =
            present(&query.producer).and_then(|raw| errors.check("producer", Slug::parse(&raw)));
        let mut price = |field: &str, raw: Option<String>| {
            raw.and_then(|raw| {
                errors.check(
                    field,
                    // The same reading as a product's price: `250.000` is 250000 here too.
                    read_dong(&raw).and_then(|v| {
                        (v >= Decimal::ZERO)
                            .then_some(v)
                            .ok_or_else(|| "phải là số tiền (đồng) không âm".to_owned())
                    }),
                )
            })
        };
        let min_price = price("min_price", present(&query.min_price));
        let max_price = price("max_price", present(&query.max_price));
        if let (Some(min), Some(max)) = (min_price, max_price)
            && min > max
        {
            errors.add("max_price", "phải lớn hơn hoặc bằng giá thấp nhất");
        }
        let in_stock = match present(&query.in_stock).as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") | Some("on") => true,
            Some(_) => {
                errors.add("in_stock", "phải là true hoặc false");
                false
            }
        };
        let sort = present(&query.sort)
            .and_then(|raw| errors.check("sort", raw.parse()))
            .unwrap_or_default();
        let page = present(&query.page)
            .and_then(|raw| {
                errors.check(
                    "page",
                    raw.parse::<u32>()
                        .ok()
                        .filter(|p| (1..=10_000).contains(p))
                        .ok_or_else(|| "phải là số trang từ 1".to_owned()),
                )
            })
            .unwrap_or(1);
        let per_page = present(&query.per_page)
            .and_then(|raw| {
                errors.check(
                    "per_page",
                    raw.parse::<u32>()
                        .ok()
                        .filter(|p| (1..=MAX_PER_PAGE).contains(p))
                        .ok_or_else(|| format!("phải từ 1 đến {MAX_PER_PAGE}")),
                )
            })
            .unwrap_or(DEFAULT_PER_PAGE);
        // Deep pages cost an OFFSET scan of everything before them; nobody reads past the first
        // 10,000 results of a listing (crawlers have the sitemap), so refining is the way on.
        if (u64::from(page) - 1) * u64::from(per_page) >= MAX_LISTED_RESULTS {
            errors.add(
                "page",
                "chỉ xem được 10.000 kết quả đầu tiên; hãy lọc hoặc tìm cụ thể hơn",
            );
        }
        errors.finish(|| ProductFilter {
            q,
            category,
            min_stars,
            commune,
            gi,
            producer,
            min_price,
            max_price,
            in_stock,
            ids: None,
            sort,
            page,
            per_page,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_stop_at_the_first_ten_thousand_results() {
        let deep = CatalogQuery {
            page: Some("101".into()),
            per_page: Some("100".into()),
            ..CatalogQuery::default()
        };
        let errors = ProductFilter::parse(&deep).expect_err("offset 10,000 is refused");
        assert!(errors.0.contains_key("page"), "{errors:?}");
        let last = CatalogQuery {
            page: Some("100".into()),
            per_page: Some("100".into()),
            ..CatalogQuery::default()
        };
        assert_eq!(ProductFilter::parse(&last).expect("offset 9,900").page, 100);
        let by_default = CatalogQuery {
            page: Some("417".into()),
            ..CatalogQuery::default()
        };
        assert_eq!(
            ProductFilter::parse(&by_default)
                .expect("offset 9,984")
                .page,
            417
        );
        let past = CatalogQuery {
            page: Some("418".into()),
            ..CatalogQuery::default()
        };
        assert!(ProductFilter::parse(&past).is_err());
    }

    fn query(pairs: &[(&str, &str)]) -> CatalogQuery {
        let mut q = CatalogQuery::default();
        for (key, value) in pairs {
            let value = Some((*value).to_owned());
            match *key {
                "q" => q.q = value,
                "category" => q.category = value,
                "min_stars" => q.min_stars = value,
                "commune" => q.commune = value,
                "gi" => q.gi = value,
                "producer" => q.producer = value,
                "min_price" => q.min_price = value,
                "max_price" => q.max_price = value,
                "in_stock" => q.in_stock = value,
                "sort" => q.sort = value,
                "page" => q.page = value,
                "per_page" => q.per_page = value,
                other => panic!("unknown key {other}"),
            }
        }
        q
    }

    #[test]
    fn an_empty_query_lists_everything_on_the_first_page() {
        let filter = ProductFilter::parse(&CatalogQuery::default()).unwrap();
        assert_eq!(filter.page, 1);
        assert_eq!(filter.per_page, DEFAULT_PER_PAGE);
        assert_eq!(filter.offset(), 0);
        assert_eq!(filter.sort, Sort::Relevance);
        // Untouched inputs of a plain form arrive empty: that is "no filter", not an error.
        let blank = query(&[("category", ""), ("min_stars", ""), ("min_price", " ")]);
        assert_eq!(ProductFilter::parse(&blank).unwrap(), filter);
    }

    #[test]
    fn valid_filters_are_kept_typed() {
        let filter = ProductFilter::parse(&query(&[
            ("category", "che"),
            ("min_stars", "4"),
            ("commune", "05503"),
            ("gi", "tan-cuong"),
            ("min_price", "100000"),
            ("max_price", "500000"),
            ("in_stock", "true"),
            ("sort", "price_asc"),
            ("page", "3"),
            ("per_page", "10"),
        ]))
        .unwrap();
        assert_eq!(filter.min_stars, Some(4));
        assert_eq!(filter.offset(), 20);
        assert!(filter.in_stock);
        assert_eq!(filter.sort, Sort::PriceAsc);
    }

    #[test]
    fn price_filters_read_money_as_people_write_it() {
        let filter = ProductFilter::parse(&query(&[
            ("min_price", "100.000"),
            ("max_price", "1 500 000 ₫"),
        ]))
        .unwrap();
        assert_eq!(filter.min_price, Some(Decimal::from(100_000)));
        assert_eq!(filter.max_price, Some(Decimal::from(1_500_000)));
        let errors = ProductFilter::parse(&query(&[("max_price", "rẻ")])).unwrap_err();
        assert_eq!(
            errors.0["max_price"],
            "phải là số tiền (đồng), ví dụ 250.000 hoặc 250000"
        );
    }

    #[test]
    fn each_bad_field_is_reported_by_name() {
        for (key, value, why) in [
            ("min_stars", "6", "no such rating"),
            ("min_stars", "many", "not a number"),
            ("commune", "Tân Cương", "a name, not a code"),
            ("gi", "Tân Cương", "not a slug"),
            ("producer", "../x", "not a slug"),
            ("min_price", "-5", "negative"),
            ("in_stock", "maybe", "not a boolean"),
            ("sort", "cheapest", "unknown sort"),
            ("page", "0", "pages start at 1"),
            ("per_page", "101", "over the maximum"),
        ] {
            let errors = ProductFilter::parse(&query(&[(key, value)])).unwrap_err();
            assert!(
                errors.0.contains_key(key),
                "{key}={value} ({why}): {errors:?}"
            );
        }
        let errors = ProductFilter::parse(&query(&[("min_price", "500"), ("max_price", "100")]))
            .unwrap_err();
        assert!(errors.0.contains_key("max_price"));
    }
}
