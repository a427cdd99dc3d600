//! Facet counts under writes (issue 17): after a random sequence of inserts, stock changes,
//! price changes, new certificates, archives, certificate expiries (the clock moving on) and
//! reindexes, every cached query's counts — brought up to date from the facet log, not
//! recounted — equal a full recount; on Meilisearch, its own counts equal it too.

use std::sync::Arc;

use chrono::{Duration, Utc};
use frontend::api::Facets;
use server::clock::{Clock, ManualClock, SharedClock};
use server::domain::listing::ProductFilter;
use server::search::SearchBackend;
use server::search::postgres::PostgresSearch;
use tests::TestApp;

use crate::search::{Engine, app_on, engines, list, settle};

/// The queries kept warm in the cache: filter-only and text, narrow and wide.
const QUERIES: &[&str] = &[
    "",
    "category=che",
    "category=thuc-pham",
    "min_stars=4",
    "in_stock=true",
    "min_price=100000&max_price=300000",
    "q=che",
    "q=mat+ong&in_stock=true",
    "q=tra+tan+cuong",
    "commune=05503&min_stars=3",
];

/// A small deterministic generator (xorshift): the sequence is the same on every run, and the
/// seed is printed with any failure.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn filter(raw: &str) -> ProductFilter {
    ProductFilter::parse(&tests::catalog_query(raw)).unwrap()
}

/// One random change to the catalog, through the same tables (and triggers) the app writes;
/// returns what it did, for the failure message.
async fn change(app: &TestApp, clock: &Arc<ManualClock>, dice: &mut Dice) -> String {
    let pick = |n: u64| format!("(select id from products order by id offset {n} limit 1)");
    let count: i64 = sqlx::query_scalar("select count(*) from products")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let product = pick(dice.below(count as u64));
    let sql = match dice.below(16) {
        0..=4 => format!(
            "update products set stock = {} where id = {product}",
            [0, 1, 2, 7][dice.below(4) as usize]
        ),
        5..=6 => format!(
            "update products set price_vnd = {} where id = {product}",
            50_000 * (1 + dice.below(8))
        ),
        7..=8 => format!(
            "insert into products (producer_id, slug, name, category_code, price_vnd, unit, stock, status)
             select producer_id, 'facet-' || gen_random_uuid(), 'Chè mật ong ' || {n}, category_code,
                    {price}, unit, {stock}, 'active'
               from products where id = {product}",
            n = dice.below(1000),
            price = 40_000 * (1 + dice.below(10)),
            stock = dice.below(3),
        ),
        9 => format!("update products set status = 'archived' where id = {product}"),
        10 => format!("update products set status = 'active' where id = {product}"),
        11..=12 => format!(
            "insert into ocop_certificates (product_id, stars, rule_set, decision_no, issuer_level, issuer, issued_on)
             select {product}, {stars}, '148-2023', 'QĐ ' || gen_random_uuid(), 'province', 'UBND tỉnh Thái Nguyên',
                    date '{today}' - {age}",
            stars = 3 + dice.below(2),
            today = clock.today(),
            age = 30 * dice.below(40),
        ),
        13 => {
            // Certificates lapse as the days pass: the documents stay, "in force" moves.
            let days = 30 * (1 + dice.below(12)) as i64;
            clock.set(clock.now() + Duration::days(days));
            // Meilisearch holds the stars in force as of its last sweep (daily in production).
            let shared: SharedClock = clock.clone();
            server::search::outbox::sweep_expired(&app.db, &shared)
                .await
                .unwrap();
            return format!("{days} days pass");
        }
        14 => {
            let clock: SharedClock = ManualClock::new(clock.now());
            server::search::reindex::run(&app.db, None, &clock, false)
                .await
                .unwrap();
            return "reindex".into();
        }
        _ => format!(
            "update products set category_code = 'mat-ong-nong-san' where id = {product}"
        ),
    };
    // A random change may break a rule (a second certificate in force, a taken slug): the
    // database refuses it whole, which is a change of nothing.
    match sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .execute(&app.db)
        .await
    {
        Ok(_) => sql,
        Err(error) => format!("refused ({error}): {sql}"),
    }
}

#[tokio::test]
async fn facet_counts_equal_a_recount_after_random_writes() {
    for engine in engines() {
        let clock = ManualClock::new(Utc::now());
        let (app, _meili) = app_on(engine, clock.clone()).await;
        seed::real::load(&app.db).await.unwrap();
        seed::synthetic::load(&app.db, 300).await.unwrap();
        settle(&app).await;
        let recount = PostgresSearch::new(app.db.clone(), false);
        let seed = 0x0C0F_FEE5_u64 + engine as u64;
        let mut dice = Dice(seed);
        let mut done = Vec::new();
        for step in 0..40 {
            for raw in QUERIES {
                let body = list(&app, engine, raw).await;
                let facets: Facets = serde_json::from_value(body["facets"].clone()).unwrap();
                let fresh = recount.search(&filter(raw), clock.today()).await.unwrap();
                assert_eq!(
                    (body["total"].as_i64().unwrap(), &facets),
                    (fresh.total, &fresh.facets),
                    "{engine:?}, seed {seed:#x}, after step {step}, query {raw:?}; changes:\n{}",
                    done.join("\n")
                );
            }
            done.push(change(&app, &clock, &mut dice).await);
            if engine == Engine::Meilisearch {
                settle(&app).await;
            }
        }
        // The sequence did exercise the log: most versions were replayed, not recounted.
        let logged: i64 =
            sqlx::query_scalar("select count(distinct version) from search_facet_log")
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert!(logged >= 10, "{engine:?}: {logged} logged versions");
    }
}
