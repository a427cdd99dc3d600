//! The real seed: producers, products, OCOP certificates, GIs and collective marks from `seed/data/`.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use server::db::certificates::{self, NewCertificate};
use server::db::gis::{self, NewCollectiveMark, NewGi};
use server::db::producers::{self, NewProducer};
use server::db::products::{self, NewProduct};
use server::domain::catalog::{DisplayName, PriceVnd, ProducerKind, ProductStatus, Quantity};
use server::domain::ocop::{IssuerLevel, Stars};
use server::domain::slug::Slug;
use sqlx::PgPool;
use uuid::Uuid;

// Embedded so the binary seeds the same data wherever it runs.
const PRODUCTS_CSV: &str = include_str!("../data/products.csv");
const GIS_CSV: &str = include_str!("../data/gis.csv");
const GI_COMMUNES_CSV: &str = include_str!("../data/gi_protected_communes.csv");
const MARKS_CSV: &str = include_str!("../data/collective_marks.csv");

#[derive(Default)]
pub struct Summary {
    pub producers: usize,
    pub products: usize,
    pub certificates: usize,
    pub gis: usize,
    pub marks: usize,
}

#[derive(Deserialize)]
struct ProductRow {
    product_name_vi: String,
    producer_name_vi: String,
    producer_type: String,
    old_district: String,
    old_commune: String,
    ocop_stars: String,
    year_certified: String,
    category_hint: String,
    source_url: String,
}

#[derive(Deserialize)]
struct GiRow {
    gi_name_vi: String,
    product: String,
    certificate_no: String,
    decision_no_and_date: String,
    management_org: String,
    protected_area: String,
    notes: String,
    source_url: String,
}

#[derive(Deserialize)]
struct GiCommuneRow {
    gi_slug: String,
    old_commune: String,
}

#[derive(Deserialize)]
struct MarkRow {
    mark_name_vi: String,
    product: String,
    holder_org: String,
    registration_info: String,
    scope_notes: String,
    source_url: String,
}

/// Districts of the former Bắc Kạn province: their certificates were issued by UBND tỉnh Bắc Kạn.
const BAC_KAN_DISTRICTS: [&str; 8] = [
    "TP. Bắc Kạn",
    "Ba Bể",
    "Bạch Thông",
    "Chợ Đồn",
    "Chợ Mới",
    "Na Rì",
    "Ngân Sơn",
    "Pác Nặm",
];

/// A category for each hint in products.csv, and an indicative listing (unit, price, stock).
fn listing_for(hint: &str, name: &str) -> (&'static str, &'static str, i64, Decimal) {
    let lower = name.to_lowercase();
    match hint {
        h if h.starts_with("tea") => ("che", "hop", 250_000, Decimal::from(40)),
        "herbal (turmeric supplement)" => {
            ("thuc-pham-chuc-nang", "hop", 450_000, Decimal::from(30))
        }
        "herbal (turmeric)" => ("duoc-lieu-khac", "hu", 180_000, Decimal::from(50)),
        "herbal (ginger)" => ("duoc-lieu-khac", "hop", 120_000, Decimal::from(50)),
        h if h.starts_with("herbal") => ("tra-thao-moc", "hop", 150_000, Decimal::from(60)),
        "tourism" => (
            "du-lich-cong-dong",
            if lower.contains("homestay") {
                "dem"
            } else {
                "suat"
            },
            350_000,
            Decimal::from(20),
        ),
        "rice noodle/vermicelli" => ("che-bien-ngu-coc", "goi", 60_000, Decimal::from(200)),
        "mushroom" => ("che-bien-rau-qua", "goi", 95_000, Decimal::from(80)),
        "vegetable (bamboo shoot)" if lower.contains("tươi") => {
            ("rau-cu-qua-hat", "kg", 35_000, Decimal::from(100))
        }
        "vegetable (bamboo shoot)" => ("che-bien-rau-qua", "goi", 85_000, Decimal::from(80)),
        "honey" => ("mat-ong-nong-san", "chai", 280_000, Decimal::from(40)),
        "handicraft" => ("thu-cong-gia-dung", "bo", 45_000, Decimal::from(150)),
        "fruit" => ("rau-cu-qua-hat", "kg", 50_000, Decimal::from(300)),
        "beverage (rice wine)" => ("ruou-trang", "chai", 150_000, Decimal::from(60)),
        h if h.starts_with("beverage") => {
            ("do-uong-co-con-khac", "chai", 220_000, Decimal::from(60))
        }
        "food (traditional cake)" | "food (rice)" => {
            ("che-bien-ngu-coc", "suat", 40_000, Decimal::from(100))
        }
        "rice" => ("gao-ngu-coc", "kg", 45_000, Decimal::from(500)),
        "nut" => ("rau-cu-qua-hat", "kg", 120_000, Decimal::from(100)),
        "meat" => ("che-bien-thit-thuy-san", "kg", 450_000, Decimal::from(30)),
        _ => ("thuc-pham", "cai", 100_000, Decimal::from(10)),
    }
}

/// "Trại Cau (thị trấn)" → "Trại Cau": the CSV notes the unit kind in brackets.
fn bare_commune(raw: &str) -> Option<String> {
    let name = raw.split(" (").next().unwrap_or(raw).trim();
    (!name.is_empty()).then(|| name.to_owned())
}

fn rule_set_for(year: i32) -> &'static str {
    // Ratings before 2023 were under the 2019 criteria (QĐ 1048); 2018 ratings are filed there too.
    if year >= 2023 {
        "148-2023"
    } else {
        "1048-2019"
    }
}

fn issuer_for(stars: u8, year: i32, district: &str) -> (IssuerLevel, String) {
    let bac_kan = BAC_KAN_DISTRICTS.contains(&district);
    match stars {
        5 if year >= 2025 => (
            IssuerLevel::Central,
            "Bộ Nông nghiệp và Môi trường".to_owned(),
        ),
        5 => (
            IssuerLevel::Central,
            "Bộ Nông nghiệp và Phát triển nông thôn".to_owned(),
        ),
        // From 2023 until July 2025 districts rated 3★ (QĐ 148/2023).
        3 if (2023..2025).contains(&year) => (
            IssuerLevel::District,
            format!("UBND {}", district_label(district)),
        ),
        _ if bac_kan => (IssuerLevel::Province, "UBND tỉnh Bắc Kạn".to_owned()),
        _ => (IssuerLevel::Province, "UBND tỉnh Thái Nguyên".to_owned()),
    }
}

fn district_label(district: &str) -> String {
    if district.starts_with("TP.") || district.is_empty() {
        if district.is_empty() {
            "cấp huyện".to_owned()
        } else {
            district.to_owned()
        }
    } else if ["Phổ Yên", "Sông Công"].contains(&district) {
        format!("TP. {district}")
    } else {
        format!("huyện {district}")
    }
}

pub async fn load(pool: &PgPool) -> anyhow::Result<Summary> {
    let mut summary = Summary::default();
    let mut tx = pool.begin().await?;

    // Geographical indications and their protected (pre-2025) communes.
    let mut communes_by_gi: HashMap<String, Vec<String>> = HashMap::new();
    for row in csv::Reader::from_reader(GI_COMMUNES_CSV.as_bytes()).deserialize::<GiCommuneRow>() {
        let row = row?;
        communes_by_gi
            .entry(row.gi_slug)
            .or_default()
            .push(row.old_commune);
    }
    let mut gi_ids: HashMap<String, Uuid> = HashMap::new();
    for row in csv::Reader::from_reader(GIS_CSV.as_bytes()).deserialize::<GiRow>() {
        let row = row?;
        let product_word = row.product.split(" (").next().unwrap_or(&row.product);
        let slug = Slug::from_name(&format!("{} {}", row.gi_name_vi, product_word))
            .map_err(anyhow::Error::msg)?;
        let gi = NewGi {
            protected_communes: communes_by_gi.remove(slug.as_str()).unwrap_or_default(),
            slug,
            name: row.gi_name_vi,
            product: row.product,
            certificate_no: non_empty(row.certificate_no),
            decision: non_empty(row.decision_no_and_date),
            management_org: non_empty(row.management_org).filter(|m| !m.starts_with("Not stated")),
            protected_area: row.protected_area,
            specification: String::new(),
            notes: row.notes,
            source_url: non_empty(row.source_url),
        };
        let id = gis::upsert_by_slug(&mut tx, &gi).await?;
        gi_ids.insert(gi.slug.as_str().to_owned(), id);
        summary.gis += 1;
    }
    anyhow::ensure!(
        communes_by_gi.is_empty(),
        "protected communes name unknown GIs: {:?}",
        communes_by_gi.keys()
    );

    for row in csv::Reader::from_reader(MARKS_CSV.as_bytes()).deserialize::<MarkRow>() {
        let row = row?;
        let mark = NewCollectiveMark {
            slug: Slug::from_name(&row.mark_name_vi).map_err(anyhow::Error::msg)?,
            name: row.mark_name_vi,
            product: row.product,
            holder_org: non_empty(row.holder_org),
            registration_info: row.registration_info,
            scope_notes: row.scope_notes,
            source_url: non_empty(row.source_url),
        };
        gis::upsert_collective_mark(&mut *tx, &mark).await?;
        summary.marks += 1;
    }

    // Producers and their products, with the rating each product received.
    let mut producer_ids: HashMap<String, Uuid> = HashMap::new();
    let mut product_slugs: HashMap<String, Uuid> = HashMap::new();
    for (line, row) in csv::Reader::from_reader(PRODUCTS_CSV.as_bytes())
        .deserialize::<ProductRow>()
        .enumerate()
    {
        let row = row.with_context(|| format!("products.csv row {}", line + 2))?;
        if row.producer_name_vi.trim().is_empty() {
            continue; // No producer named by the source: nothing honest to attach it to.
        }
        let old_commune = bare_commune(&row.old_commune);
        let producer_id = match producer_ids.get(&row.producer_name_vi) {
            Some(id) => *id,
            None => {
                let commune_code = match &old_commune {
                    Some(name) => producers::commune_for_old_name(&mut *tx, name).await?,
                    None => None,
                };
                let producer = NewProducer {
                    slug: Slug::from_name(&row.producer_name_vi).map_err(anyhow::Error::msg)?,
                    name: DisplayName::parse(&row.producer_name_vi).map_err(anyhow::Error::msg)?,
                    kind: row
                        .producer_type
                        .parse::<ProducerKind>()
                        .map_err(anyhow::Error::msg)?,
                    description: String::new(),
                    commune_code,
                    old_commune: old_commune.clone(),
                    old_district: non_empty(row.old_district.clone()),
                    verified: true,
                    source_url: non_empty(row.source_url.clone()),
                };
                let id = producers::upsert_by_slug(&mut *tx, &producer).await?;
                producer_ids.insert(row.producer_name_vi.clone(), id);
                summary.producers += 1;
                id
            }
        };

        let (category, unit, price, stock) = listing_for(&row.category_hint, &row.product_name_vi);
        // A GI only where the producer's old commune lies in its protected area.
        let mut gi_id = None;
        if category == "che"
            && let Some(claim) = gis::claim(&mut *tx, "tan-cuong-che", producer_id).await?
            && claim.covered
        {
            gi_id = Some(claim.id);
        }
        let product_name = DisplayName::parse(&row.product_name_vi).map_err(anyhow::Error::msg)?;
        // Two producers may sell products of the same name: the second gets its producer in the slug.
        let mut slug = Slug::from_name(&row.product_name_vi).map_err(anyhow::Error::msg)?;
        if product_slugs
            .get(slug.as_str())
            .is_some_and(|owner| *owner != producer_id)
        {
            slug = Slug::from_name(&format!("{} {}", row.product_name_vi, row.producer_name_vi))
                .map_err(anyhow::Error::msg)?;
        }
        product_slugs.insert(slug.as_str().to_owned(), producer_id);
        let product = NewProduct {
            producer_id,
            slug,
            description: format!(
                "{} — sản phẩm OCOP của {}{}. Giá và tồn kho là giá tham khảo do Chợ OCOP đặt; nguồn: {}",
                product_name.as_str(),
                row.producer_name_vi,
                if row.old_district.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", row.old_district)
                },
                row.source_url
            ),
            name: product_name,
            story: String::new(),
            category_code: category.to_owned(),
            price: PriceVnd::new(Decimal::from(price)).map_err(anyhow::Error::msg)?,
            unit: unit.to_owned(),
            stock: Quantity::new(stock, true).map_err(anyhow::Error::msg)?,
            status: ProductStatus::Active,
            gi_id,
            source_url: non_empty(row.source_url.clone()),
        };
        let product_id = products::upsert_by_slug(&mut *tx, &product).await?;
        summary.products += 1;

        if let (Ok(stars), Ok(year)) = (
            row.ocop_stars.parse::<i64>(),
            row.year_certified.parse::<i32>(),
        ) {
            let stars = Stars::new(stars).map_err(anyhow::Error::msg)?;
            let (issuer_level, issuer) = issuer_for(stars.get(), year, &row.old_district);
            let certificate = NewCertificate {
                product_id,
                stars,
                rule_set: rule_set_for(year).to_owned(),
                decision_no: format!("Chưa rõ số quyết định (năm {year})"),
                issuer_level,
                issuer,
                issued_on: NaiveDate::from_ymd_opt(year, 12, 31).context("year")?,
                source_url: non_empty(row.source_url),
            };
            certificates::insert_if_absent(&mut *tx, &certificate).await?;
            summary.certificates += 1;
        }
    }
    tx.commit().await?;
    Ok(summary)
}

fn non_empty(value: String) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}
