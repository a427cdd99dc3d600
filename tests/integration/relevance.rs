//! Relevance on every engine (issue 18's policy, README "Search relevance"): the product whose
//! name a buyer types comes first, with or without diacritics, however many near-duplicates are
//! better rated; an exact alias ("Bắc Cạn" for "Bắc Kạn") beats a short word read as the start
//! of another ("cạn" → "canh"); both engines agree on the first result.

use std::collections::BTreeMap;
use std::sync::Arc;

use server::clock::SystemClock;
use tests::TestApp;

use crate::search::{Engine, app_on, engines, list, settle};

/// Near-duplicates around the real catalog, as the synthetic generator makes them but sharper:
/// better rated (5★ in force), verified and newer than the real products.
/// - three "Chè Đinh Tân Cương …" variants around the real "Chè Đinh Tân Cương";
/// - 250 teas of a producer whose name holds every word of two real names: each matches those
///   queries anywhere, and all of them are rated above the real product, so a ranking that looks
///   only at the 200 best-rated matches never sees the real one;
/// - "Trà dây thìa canh hoa vàng Bắc Sơn", where "can" would be the start of "canh".
async fn near_duplicates(app: &TestApp) {
    let sql = r#"
        with producer as (
            insert into producers (slug, name, kind, commune_code, old_commune, verified)
            values ('rel-near', 'HTX Chè Đinh Tân Cương Trà Hoa Vàng Bắc Kạn', 'htx', '05503', 'Tân Cương', true)
            returning id
        ), named as (
            select 'rel-tea-' || n as slug, 'Trà búp số ' || n as name from generate_series(1, 250) n
            union all
            select 'rel-dup-' || k, 'Chè Đinh Tân Cương ' || adjective
              from unnest(array['đặc biệt', 'sạch', 'loại 1']) with ordinality as a(adjective, k)
            union all
            select 'rel-canh', 'Trà dây thìa canh hoa vàng Bắc Sơn'
        ), inserted as (
            insert into products (producer_id, slug, name, category_code, price_vnd, unit, stock, status)
            select producer.id, named.slug, named.name, 'che', 150000, 'hop', 10, 'active'
              from producer, named
            returning id
        )
        insert into ocop_certificates (product_id, stars, rule_set, decision_no, issuer_level, issuer, issued_on)
        select id, 5, '148-2023', 'QĐ ' || id, 'central', 'Bộ Nông nghiệp và Môi trường', current_date - 10
          from inserted
    "#;
    sqlx::query(sql).execute(&app.db).await.unwrap();
}

/// The first result's slug for `q`.
async fn first(app: &TestApp, engine: Engine, q: &str) -> Option<String> {
    let mut url = reqwest::Url::parse("http://query.invalid/").unwrap();
    url.query_pairs_mut()
        .append_pair("q", q)
        .append_pair("per_page", "3");
    let body = list(app, engine, url.query().unwrap()).await;
    body["items"][0]["slug"].as_str().map(str::to_owned)
}

/// A name as a buyer types it without diacritics: "Chè Đinh Tân Cương" → "che dinh tan cuong".
fn plain(name: &str) -> String {
    server::search::text::words(name).join(" ")
}

#[tokio::test]
async fn the_product_whose_name_is_typed_comes_first_on_every_engine() {
    // (engine, query) → first slug, to compare the engines at the end.
    let mut firsts: BTreeMap<String, Vec<(Engine, Option<String>)>> = BTreeMap::new();
    for engine in engines() {
        let (app, _meili) = app_on(engine, Arc::new(SystemClock)).await;
        seed::real::load(&app.db).await.unwrap();
        seed::synthetic::load(&app.db, 2_000).await.unwrap();
        near_duplicates(&app).await;
        settle(&app).await;

        let real: Vec<(String, String)> = sqlx::query_as(
            "select slug, name from products
              where status = 'active' and slug not like 'sx-%' and slug not like 'rel-%'
              order by name",
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
        assert!(real.len() >= 50, "the real seed is loaded: {}", real.len());
        let mut misses = Vec::new();
        for (slug, name) in &real {
            for q in [plain(name), name.clone()] {
                let found = first(&app, engine, &q).await;
                if found.as_deref() != Some(slug.as_str()) {
                    misses.push(format!("{q:?} → {found:?}, not {slug}"));
                }
                firsts.entry(q).or_default().push((engine, found));
            }
        }
        assert!(
            misses.is_empty(),
            "{engine:?}: {}/{} names first; misses:\n{}",
            2 * real.len() - misses.len(),
            2 * real.len(),
            misses.join("\n")
        );

        // An exact alias beats a short word read as the start (or a typo) of another one.
        let bac_kan = sqlx::query_scalar::<_, String>(
            "select slug from products where name = 'Trà hoa vàng Bắc Kạn'",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        for q in [
            "tra hoa vang bac can",
            "trà hoa vàng bắc cạn",
            "che hoa vang bac kan",
        ] {
            assert_eq!(
                first(&app, engine, q).await.as_deref(),
                Some(bac_kan.as_str()),
                "{engine:?} {q}"
            );
        }
        // Every word in the name, in order, before the same words spread over the producer.
        let body = list(&app, engine, "q=che+dinh+tan+cuong&per_page=5").await;
        let top: Vec<&str> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["name"].as_str().unwrap())
            .collect();
        assert_eq!(top[0], "Chè Đinh Tân Cương", "{engine:?}: {top:?}");
        assert!(
            top[1..4]
                .iter()
                .all(|name| name.starts_with("Chè Đinh Tân Cương ")),
            "{engine:?}: {top:?}"
        );
    }
    for (q, found) in firsts {
        assert!(
            found.windows(2).all(|pair| pair[0].1 == pair[1].1),
            "the engines disagree on {q:?}: {found:?}"
        );
    }
}
