//! `--synthetic N`: realistic generated products (Vietnamese names, spread over communes,
//! categories, producers and prices) for benchmarks. Slugs start with `sx-` so they never mix
//! with real records, and re-running with the same N adds nothing.

use indicatif::{ProgressBar, ProgressStyle};
use rust_decimal::Decimal;
use server::domain::slug::Slug;
use sqlx::PgPool;
use uuid::Uuid;

const BATCH: usize = 2_000;
const PRODUCTS_PER_PRODUCER: u32 = 25;

/// (category, unit, base price, product words) for generated names.
const KINDS: &[(&str, &str, i64, &[&str])] = &[
    (
        "che",
        "hop",
        180_000,
        &[
            "Chè búp",
            "Trà móc câu",
            "Chè đinh",
            "Trà tôm nõn",
            "Chè xanh",
            "Trà nõn tôm",
            "Hồng trà",
        ],
    ),
    (
        "tra-thao-moc",
        "hop",
        120_000,
        &[
            "Trà hoa vàng",
            "Trà giảo cổ lam",
            "Trà dây thìa canh",
            "Trà nụ vối",
            "Trà gừng",
        ],
    ),
    (
        "che-bien-ngu-coc",
        "goi",
        55_000,
        &[
            "Miến dong",
            "Bún khô",
            "Phở khô",
            "Bánh chưng",
            "Bánh gio",
            "Bánh cuốn khô",
        ],
    ),
    (
        "mat-ong-nong-san",
        "chai",
        250_000,
        &[
            "Mật ong rừng",
            "Mật ong hoa nhãn",
            "Mật ong bạc hà",
            "Mật ong hoa cà phê",
        ],
    ),
    (
        "rau-cu-qua-hat",
        "kg",
        45_000,
        &[
            "Na dai",
            "Cam sành",
            "Quýt ngọt",
            "Hồng không hạt",
            "Bưởi Diễn",
            "Hạt dẻ",
        ],
    ),
    (
        "gao-ngu-coc",
        "kg",
        38_000,
        &[
            "Gạo nếp vải",
            "Gạo Bao Thai",
            "Gạo nếp cái hoa vàng",
            "Gạo lứt đỏ",
        ],
    ),
    (
        "che-bien-rau-qua",
        "goi",
        80_000,
        &["Măng khô", "Nấm hương khô", "Mộc nhĩ", "Măng chua"],
    ),
    (
        "ruou-trang",
        "chai",
        140_000,
        &["Rượu men lá", "Rượu ngô", "Rượu nếp cẩm"],
    ),
    (
        "che-bien-thit-thuy-san",
        "kg",
        420_000,
        &["Thịt trâu gác bếp", "Lạp sườn", "Chả cá"],
    ),
    (
        "thu-cong-gia-dung",
        "cai",
        90_000,
        &["Đũa cọ", "Giỏ mây", "Chổi chít", "Nón lá"],
    ),
];

const ADJECTIVES: &[&str] = &[
    "thượng hạng",
    "đặc biệt",
    "truyền thống",
    "hữu cơ",
    "loại 1",
    "sạch",
    "xuân",
    "hảo hạng",
];
const KIND_PREFIX: &[(&str, &str)] = &[
    ("htx", "HTX"),
    ("company", "Công ty TNHH"),
    ("household", "Hộ kinh doanh"),
    ("other", "Tổ hợp tác"),
];

/// A small deterministic generator: the same N gives the same data on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() as usize) % items.len()]
    }
}

pub async fn load(pool: &PgPool, count: u32) -> anyhow::Result<()> {
    let communes: Vec<(String, String)> =
        sqlx::query_as("select code, name from communes order by code")
            .fetch_all(pool)
            .await?;
    anyhow::ensure!(
        !communes.is_empty(),
        "communes are missing: run migrations first"
    );
    let mut rng = Lcg(0x0C0F_2026);

    let producer_count = count.div_ceil(PRODUCTS_PER_PRODUCER).max(1);
    let bar = ProgressBar::new(u64::from(count + producer_count));
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")?
            .progress_chars("=> "),
    );

    bar.set_message("producers");
    let mut producer_ids = Vec::with_capacity(producer_count as usize);
    for chunk_start in (0..producer_count).step_by(BATCH) {
        let chunk_end = (chunk_start + BATCH as u32).min(producer_count);
        let (mut slugs, mut names, mut kinds, mut codes, mut olds) =
            (vec![], vec![], vec![], vec![], vec![]);
        for i in chunk_start..chunk_end {
            let (kind, prefix) = *rng.pick(KIND_PREFIX);
            let (code, commune) = rng.pick(&communes);
            let name = format!(
                "{prefix} {} {commune} số {}",
                rng.pick(&["Nông sản", "Chè", "Đặc sản", "Xanh", "Phúc"]),
                i + 1
            );
            slugs.push(format!(
                "sx-{}",
                Slug::from_name(&name).map_err(anyhow::Error::msg)?
            ));
            names.push(name);
            kinds.push(kind.to_owned());
            codes.push(code.clone());
            olds.push(commune.clone());
        }
        let ids: Vec<Uuid> = sqlx::query_scalar(
            r#"
            with input as (
                select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                    as t(slug, name, kind, commune_code, old_commune)
            ),
            inserted as (
                insert into producers (slug, name, kind, commune_code, old_commune)
                select slug, name, kind, commune_code, old_commune from input
                on conflict (slug) do nothing
                returning id, slug
            )
            select coalesce(i.id, p.id) from input
              left join inserted i on i.slug = input.slug
              left join producers p on p.slug = input.slug
            "#,
        )
        .bind(&slugs)
        .bind(&names)
        .bind(&kinds)
        .bind(&codes)
        .bind(&olds)
        .fetch_all(pool)
        .await?;
        producer_ids.extend(ids);
        bar.inc((chunk_end - chunk_start) as u64);
    }

    bar.set_message("products");
    for chunk_start in (0..count).step_by(BATCH) {
        let chunk_end = (chunk_start + BATCH as u32).min(count);
        let mut rows = ProductBatch::default();
        for i in chunk_start..chunk_end {
            let (category, unit, base, words) = *rng.pick(KINDS);
            let producer = producer_ids[(i / PRODUCTS_PER_PRODUCER) as usize % producer_ids.len()];
            let (_, place) = rng.pick(&communes);
            let name = format!("{} {} {}", rng.pick(words), place, rng.pick(ADJECTIVES));
            // Prices vary ±60% around the kind's base, rounded to 1.000 đ as shops do.
            let factor = 40 + (rng.next() % 121) as i64;
            let price = ((base * factor / 100) / 1000).max(1) * 1000;
            rows.slugs.push(format!(
                "sx-{}-{}",
                Slug::from_name(&name).map_err(anyhow::Error::msg)?,
                i + 1
            ));
            rows.names.push(name);
            rows.producers.push(producer);
            rows.categories.push(category.to_owned());
            rows.units.push(unit.to_owned());
            rows.prices.push(Decimal::from(price));
            rows.stocks.push(Decimal::from(rng.next() % 200));
            // About a third carry an OCOP rating, issued in the last four years.
            let rated = rng.next().is_multiple_of(3);
            rows.stars.push(if rated {
                Some(3 + (rng.next() % 3) as i16)
            } else {
                None
            });
            rows.issued_days_ago.push((rng.next() % 1400) as i32);
        }
        rows.insert(pool).await?;
        bar.inc((chunk_end - chunk_start) as u64);
    }
    bar.finish_with_message("done");
    Ok(())
}

#[derive(Default)]
struct ProductBatch {
    slugs: Vec<String>,
    names: Vec<String>,
    producers: Vec<Uuid>,
    categories: Vec<String>,
    units: Vec<String>,
    prices: Vec<Decimal>,
    stocks: Vec<Decimal>,
    stars: Vec<Option<i16>>,
    issued_days_ago: Vec<i32>,
}

impl ProductBatch {
    /// One statement per batch: products, then certificates for the rated ones.
    async fn insert(self, pool: &PgPool) -> sqlx::Result<()> {
        sqlx::query(
            r#"
            with input as (
                select * from unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[],
                                     $6::numeric[], $7::numeric[], $8::int2[], $9::int4[])
                    as t(slug, name, producer_id, category_code, unit, price_vnd, stock, stars, days_ago)
            ),
            inserted as (
                insert into products (slug, name, producer_id, category_code, unit, price_vnd, stock, status,
                                      description)
                select slug, name, producer_id, category_code, unit, price_vnd, stock, 'active',
                       'Sản phẩm mẫu sinh tự động để đo hiệu năng.'
                  from input
                on conflict (slug) do nothing
                returning id, slug
            )
            insert into ocop_certificates (product_id, stars, rule_set, decision_no, issuer_level, issuer, issued_on)
            select i.id, input.stars, '148-2023', 'QĐ mẫu ' || input.slug,
                   case when input.stars = 5 then 'central' else 'province' end,
                   case when input.stars = 5 then 'Bộ Nông nghiệp và Môi trường' else 'UBND tỉnh Thái Nguyên' end,
                   current_date - input.days_ago
              from inserted i join input on input.slug = i.slug
             where input.stars is not null
            "#,
        )
        .bind(&self.slugs)
        .bind(&self.names)
        .bind(&self.producers)
        .bind(&self.categories)
        .bind(&self.units)
        .bind(&self.prices)
        .bind(&self.stocks)
        .bind(&self.stars)
        .bind(&self.issued_days_ago)
        .execute(pool)
        .await?;
        Ok(())
    }
}
