//! Catalog queries: products with their producer, category, GI, photo and the certificate in force.

use chrono::{DateTime, NaiveDate, Utc};
use frontend::api::{
    CategoryCount, CategoryRef, CommuneRef, FacetLabels, GiCard, GiRef, OcopBadge, ProducerCard,
    ProducerRef, ProductSummary, Rating,
};
use rust_decimal::Decimal;
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::cache::{CatalogVersion, HomeCatalog};
use crate::db::search_docs;
use crate::domain::listing::{ProductFilter, Sort};
use crate::view::ReadContext;

/// The data versions catalog-wide pages are cached on (see [`crate::cache`]): one row each.
pub async fn versions(db: &PgPool) -> sqlx::Result<CatalogVersion> {
    let (documents, catalog) = sqlx::query_as::<_, (i64, i64)>(
        "select s.version, c.version from search_state s, catalog_state c",
    )
    .fetch_one(db)
    .await?;
    Ok(CatalogVersion { documents, catalog })
}

/// The home page's catalog-wide part, read from the search documents (one per active product,
/// with its group and the stars in force when built): the counts, top-level groups with their
/// products (sub-groups roll up; programme order) and the eight best-rated cards. A product
/// counts as certified only while its certificate is in force on `view.today`.
pub async fn home_catalog(db: &PgPool, view: &ReadContext<'_>) -> sqlx::Result<HomeCatalog> {
    let today = view.today;
    // One pass over the documents, by group; every group, shown or not, counts in the totals.
    let by_group: Vec<(String, i64, i64)> = sqlx::query_as(
        "select category_group, count(*),
                count(*) filter (where stars is not null and stars_expires_on >= $1)
           from search_documents group by category_group",
    )
    .bind(today)
    .fetch_all(db)
    .await?;
    let groups: Vec<(String, String)> = sqlx::query_as(
        "select code, name_vi from categories
          where parent_code is null and rule_set = '148-2023' order by position",
    )
    .fetch_all(db)
    .await?;
    let producers: i64 = sqlx::query_scalar("select count(*) from producers")
        .fetch_one(db)
        .await?;
    let featured = document_cards(
        db,
        &ProductFilter {
            per_page: 8,
            ..ProductFilter::default()
        },
        view,
    )
    .await?;
    let products_in = |code: &str| {
        by_group
            .iter()
            .find(|(group, _, _)| group == code)
            .map_or(0, |(_, products, _)| *products)
    };
    Ok(HomeCatalog {
        products: by_group.iter().map(|(_, products, _)| products).sum(),
        producers,
        certified_products: by_group.iter().map(|(_, _, certified)| certified).sum(),
        categories: groups
            .into_iter()
            .map(|(code, name)| CategoryCount {
                products: products_in(&code),
                code,
                name,
            })
            .collect(),
        featured,
    })
}

/// One page of cards for a list without text search (home, producer, GI and livestream pins),
/// straight from the search documents, which hold every field a card shows: one indexed read,
/// where joining the catalog means finding each product's certificate in force among all.
pub async fn document_cards(
    db: &PgPool,
    filter: &ProductFilter,
    view: &ReadContext<'_>,
) -> sqlx::Result<Vec<ProductSummary>> {
    let query = search_docs::PgQuery {
        filter,
        tsquery: None,
        names: None,
        today: view.today,
        counted: None,
        // These lists (home, producer, GI, pins) never filter by category.
        category_level: None,
    };
    let docs = search_docs::search_page(db, &query).await?;
    Ok(docs
        .iter()
        .map(|doc| doc.summary(view.today, view.media_base))
        .collect())
}

/// One product card's columns; `total` is the filtered count, computed alongside.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    slug: String,
    name: String,
    producer_slug: String,
    producer_name: String,
    category_code: String,
    category_name: String,
    price_vnd: Decimal,
    unit: String,
    unit_name: String,
    in_stock: bool,
    image_key: Option<String>,
    thumb_key: Option<String>,
    stars: Option<i16>,
    expires_on: Option<NaiveDate>,
    gi_slug: Option<String>,
    gi_name: Option<String>,
    commune_code: Option<String>,
    commune_name: Option<String>,
    old_commune: Option<String>,
    old_district: Option<String>,
    rating_average: Option<Decimal>,
    rating_count: i64,
    total: i64,
}

impl SummaryRow {
    fn into_dto(self, media_base: &str) -> ProductSummary {
        ProductSummary {
            id: self.id.to_string(),
            slug: self.slug,
            name: self.name,
            producer: ProducerRef {
                slug: self.producer_slug,
                name: self.producer_name,
            },
            category: CategoryRef {
                code: self.category_code,
                name: self.category_name,
            },
            price_vnd: self.price_vnd.normalize().to_string(),
            unit: self.unit,
            unit_name: self.unit_name,
            in_stock: self.in_stock,
            image_url: self.image_key.map(|key| media_url(media_base, &key)),
            thumb_url: self.thumb_key.map(|key| media_url(media_base, &key)),
            ocop: self
                .stars
                .zip(self.expires_on)
                .map(|(stars, expires_on)| OcopBadge {
                    stars: stars as u8,
                    expires_on: expires_on.to_string(),
                }),
            gi: self
                .gi_slug
                .zip(self.gi_name)
                .map(|(slug, name)| GiRef { slug, name }),
            commune: CommuneRef {
                code: self.commune_code,
                name: self.commune_name,
                old_commune: self.old_commune,
                old_district: self.old_district,
            },
            rating: self
                .rating_average
                .filter(|_| self.rating_count > 0)
                .map(|average| Rating {
                    average: average.round_dp(1).to_string(),
                    count: self.rating_count,
                }),
        }
    }
}

/// Public URL of a stored object.
pub fn media_url(base: &str, key: &str) -> String {
    format!("{}/{key}", base.trim_end_matches('/'))
}

/// The products a buyer may see, with the star rating of the certificate in force on `today`.
/// Shared by listing and facets so both always agree on what "visible" and "rated" mean.
fn push_visible_products(qb: &mut QueryBuilder<Postgres>, today: NaiveDate) {
    qb.push(
        r#"
        with cert as (
            select distinct on (product_id) product_id, stars, expires_on
              from ocop_certificates
             where revoked_at is null and superseded_by is null and expires_on >= "#,
    );
    qb.push_bind(today);
    qb.push(
        r#"
             order by product_id, issued_on desc
        ),
        visible as (
            select p.*, cert.stars, cert.expires_on as cert_expires_on,
                   pr.slug as producer_slug, pr.name as producer_name,
                   pr.commune_code, pr.old_commune, pr.old_district
              from products p
              join producers pr on pr.id = p.producer_id
              left join cert on cert.product_id = p.id
             where p.status = 'active'
        "#,
    );
}

fn push_filters(qb: &mut QueryBuilder<Postgres>, filter: &ProductFilter) {
    if let Some(q) = &filter.q {
        // Lists beside the catalog (home, producer, GI pages) never search; the catalog and
        // `GET /api/v1/products` go through `crate::search`. A plain match keeps `q` meaningful here.
        qb.push(" and f_unaccent(lower(p.name || ' ' || pr.name)) like '%' || f_unaccent(lower(");
        qb.push_bind(q.clone());
        qb.push(")) || '%'");
    }
    if let Some(category) = &filter.category {
        qb.push(" and p.category_code in (select code from categories where code = ");
        qb.push_bind(category.clone());
        qb.push(" or parent_code = ");
        qb.push_bind(category.clone());
        qb.push(")");
    }
    if let Some(stars) = filter.min_stars {
        qb.push(" and cert.stars >= ").push_bind(stars);
    }
    if let Some(commune) = &filter.commune {
        qb.push(" and pr.commune_code = ")
            .push_bind(commune.clone());
    }
    if let Some(gi) = &filter.gi {
        qb.push(" and p.gi_id = (select id from geographical_indications where slug = ")
            .push_bind(gi.as_str().to_owned())
            .push(")");
    }
    if let Some(producer) = &filter.producer {
        qb.push(" and pr.slug = ")
            .push_bind(producer.as_str().to_owned());
    }
    if let Some(min) = filter.min_price {
        qb.push(" and p.price_vnd >= ").push_bind(min);
    }
    if let Some(max) = filter.max_price {
        qb.push(" and p.price_vnd <= ").push_bind(max);
    }
    if filter.in_stock {
        qb.push(" and p.stock > 0");
    }
    if let Some(ids) = &filter.ids {
        qb.push(" and p.id = any(").push_bind(ids.clone()).push(")");
    }
}

/// One page of matching product cards and the number of matches, without facets: for lists
/// that show no filters (home, producer, GI, livestream pins), where facets would be wasted work.
pub async fn product_cards(
    db: &PgPool,
    filter: &ProductFilter,
    view: &ReadContext<'_>,
) -> sqlx::Result<(Vec<ProductSummary>, i64)> {
    let (today, media_base) = (view.today, view.media_base);
    let mut qb = QueryBuilder::new("");
    push_visible_products(&mut qb, today);
    push_filters(&mut qb, filter);
    qb.push(
        r#"
        )
        select v.id, v.slug, v.name, v.producer_slug, v.producer_name,
               c.code as category_code, c.name_vi as category_name,
               v.price_vnd, v.unit, u.name_vi as unit_name, v.stock > 0 as in_stock,
               img.object_key as image_key, img.thumb_key,
               v.stars, v.cert_expires_on as expires_on,
               gi.slug as gi_slug, gi.name as gi_name,
               v.commune_code, cm.name as commune_name, v.old_commune, v.old_district,
               rt.average as rating_average, rt.count as rating_count,
               count(*) over () as total
          from visible v
          join categories c on c.code = v.category_code
          join units u on u.code = v.unit
          left join geographical_indications gi on gi.id = v.gi_id
          left join communes cm on cm.code = v.commune_code
          left join lateral (
              select object_key, thumb_key from product_images i
               where i.product_id = v.id order by position, created_at limit 1
          ) img on true
          left join lateral (
              select round(avg(r.rating), 1) as average, count(*) as count from reviews r
               where r.product_id = v.id and r.hidden_at is null
          ) rt on true
        "#,
    );
    qb.push(match filter.sort {
        Sort::Relevance | Sort::Stars => {
            " order by v.stars desc nulls last, v.created_at desc, v.id"
        }
        Sort::PriceAsc => " order by v.price_vnd asc, v.id",
        Sort::PriceDesc => " order by v.price_vnd desc, v.id",
        Sort::Newest => " order by v.created_at desc, v.id",
        Sort::Rating => {
            " order by rt.average desc nulls last, rt.count desc, v.created_at desc, v.id"
        }
    });
    qb.push(" limit ").push_bind(i64::from(filter.per_page));
    qb.push(" offset ").push_bind(filter.offset());
    let rows: Vec<SummaryRow> = qb.build_query_as().fetch_all(db).await?;

    let total = match rows.first() {
        Some(row) => row.total,
        // Past the last page the window count is lost: count separately.
        None if filter.page > 1 => count_products(db, filter, today).await?,
        None => 0,
    };
    Ok((
        rows.into_iter().map(|r| r.into_dto(media_base)).collect(),
        total,
    ))
}

async fn count_products(
    db: &PgPool,
    filter: &ProductFilter,
    today: NaiveDate,
) -> sqlx::Result<i64> {
    let mut qb = QueryBuilder::new("");
    push_visible_products(&mut qb, today);
    push_filters(&mut qb, filter);
    qb.push(") select count(*) from visible");
    qb.build_query_scalar().fetch_one(db).await
}

/// Display names for every facet value, so chips and filters read as words, not codes.
pub async fn facet_labels(db: &PgPool) -> sqlx::Result<FacetLabels> {
    let rows = sqlx::query!(
        r#"
        select 'category' as "facet!", code as "value!", name_vi as "label!" from categories
        union all
        select 'commune', code, case kind when 'phuong' then 'Phường ' else 'Xã ' end || name from communes
        union all
        select 'gi', slug, name || ' — ' || product from geographical_indications
        "#
    )
    .fetch_all(db)
    .await?;
    let mut labels = FacetLabels::default();
    for row in rows {
        let map = match row.facet.as_str() {
            "category" => &mut labels.category,
            "commune" => &mut labels.commune,
            _ => &mut labels.gi,
        };
        map.insert(row.value, row.label);
    }
    Ok(labels)
}

/// A producer's card columns.
#[derive(sqlx::FromRow)]
struct ProducerRow {
    id: Uuid,
    slug: String,
    name: String,
    kind: String,
    description: String,
    verified: bool,
    phone: Option<String>,
    address: Option<String>,
    commune_code: Option<String>,
    old_commune: Option<String>,
    old_district: Option<String>,
    commune_name: Option<String>,
}

/// A producer's card by id or by slug, in one statement.
async fn producer_card_where(
    db: &PgPool,
    id: Option<Uuid>,
    slug: Option<&str>,
) -> sqlx::Result<Option<ProducerCard>> {
    let row: Option<ProducerRow> = sqlx::query_as(
        r#"
        select pr.id, pr.slug, pr.name, pr.kind, pr.description, pr.verified, pr.phone, pr.address,
               pr.commune_code, pr.old_commune, pr.old_district,
               (select name from communes where code = pr.commune_code) as commune_name
          from producers pr
         where pr.id = $1 or pr.slug = $2
        "#,
    )
    .bind(id)
    .bind(slug)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| ProducerCard {
        id: row.id.to_string(),
        slug: row.slug,
        name: row.name,
        kind: row.kind,
        old_commune: row.old_commune.clone(),
        description: row.description,
        verified: row.verified,
        phone: row.phone,
        address: row.address,
        commune: CommuneRef {
            code: row.commune_code,
            name: row.commune_name,
            old_commune: row.old_commune,
            old_district: row.old_district,
        },
    }))
}

pub(crate) async fn producer_card(db: &PgPool, id: Uuid) -> sqlx::Result<ProducerCard> {
    producer_card_where(db, Some(id), None)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Looks a producer up by slug.
pub async fn producer_id_by_slug(db: &PgPool, slug: &str) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!("select id from producers where slug = $1", slug)
        .fetch_optional(db)
        .await
}

/// A producer's card by slug (one statement: its page reads it on every view).
pub async fn producer_by_slug(db: &PgPool, slug: &str) -> sqlx::Result<Option<ProducerCard>> {
    producer_card_where(db, None, Some(slug)).await
}

pub enum GiKey<'a> {
    Id(Uuid),
    Slug(&'a str),
}

pub async fn gi_card(db: &PgPool, key: GiKey<'_>) -> sqlx::Result<Option<GiCard>> {
    let (id, slug) = match key {
        GiKey::Id(id) => (Some(id), None),
        GiKey::Slug(slug) => (None, Some(slug.to_owned())),
    };
    let row = sqlx::query!(
        r#"
        select g.slug, g.name, g.product, g.certificate_no, g.decision, g.management_org,
               g.protected_area, g.specification,
               coalesce(array_agg(pc.old_commune order by pc.old_commune)
                        filter (where pc.old_commune is not null), '{}') as "communes!"
          from geographical_indications g
          left join gi_protected_communes pc on pc.gi_id = g.id
         where g.id = $1 or g.slug = $2
         group by g.id
        "#,
        id,
        slug
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|g| GiCard {
        slug: g.slug,
        name: g.name,
        product: g.product,
        certificate_no: g.certificate_no,
        decision: g.decision,
        management_org: g.management_org,
        protected_area: g.protected_area,
        specification: g.specification,
        communes: g.communes,
    }))
}

/// Every GI, for `GET /api/v1/gis` and the sitemap.
pub async fn list_gis(db: &PgPool) -> sqlx::Result<Vec<GiCard>> {
    let slugs =
        sqlx::query_scalar!("select slug from geographical_indications order by name, slug")
            .fetch_all(db)
            .await?;
    let mut cards = Vec::with_capacity(slugs.len());
    for slug in slugs {
        if let Some(card) = gi_card(db, GiKey::Slug(&slug)).await? {
            cards.push(card);
        }
    }
    Ok(cards)
}

/// A producer with its visible products (its page and `GET /api/v1/producers/{slug}`).
pub async fn producer_page(
    db: &PgPool,
    slug: &str,
    view: &ReadContext<'_>,
) -> sqlx::Result<Option<frontend::api::ProducerPage>> {
    let Some(producer) = producer_by_slug(db, slug).await? else {
        return Ok(None);
    };
    let filter = ProductFilter {
        producer: crate::domain::slug::Slug::parse(slug).ok(),
        per_page: crate::domain::listing::MAX_PER_PAGE,
        ..ProductFilter::default()
    };
    let products = document_cards(db, &filter, view).await?;
    Ok(Some(frontend::api::ProducerPage { producer, products }))
}

/// A GI with the products carrying it (its page and `GET /api/v1/gis/{slug}`).
pub async fn gi_page(
    db: &PgPool,
    slug: &str,
    view: &ReadContext<'_>,
) -> sqlx::Result<Option<frontend::api::GiPage>> {
    let Some(gi) = gi_card(db, GiKey::Slug(slug)).await? else {
        return Ok(None);
    };
    let filter = ProductFilter {
        gi: crate::domain::slug::Slug::parse(slug).ok(),
        per_page: crate::domain::listing::MAX_PER_PAGE,
        ..ProductFilter::default()
    };
    let products = document_cards(db, &filter, view).await?;
    Ok(Some(frontend::api::GiPage { gi, products }))
}

/// A public page and when what it shows last changed, for the sitemap.
pub type SitemapEntry = (String, DateTime<Utc>);

/// Producer and GI pages with their rows' last change, producers first, oldest first.
pub async fn sitemap_pages(db: &PgPool) -> sqlx::Result<Vec<SitemapEntry>> {
    sqlx::query_as(
        "select '/co-so/' || slug, updated_at from producers
         union all
         select '/chi-dan-dia-ly/' || slug, updated_at from geographical_indications
         order by 2, 1",
    )
    .fetch_all(db)
    .await
}

/// Every visible product's page, from the search documents (one per active product, rebuilt
/// whenever what its page shows changes), in the order they were listed: a new product lands
/// in the last file and the others stay where they are.
pub async fn sitemap_products(db: &PgPool) -> sqlx::Result<Vec<SitemapEntry>> {
    sqlx::query_as(
        "select '/san-pham/' || slug, indexed_at from search_documents
          order by created_at, product_id",
    )
    .fetch_all(db)
    .await
}
