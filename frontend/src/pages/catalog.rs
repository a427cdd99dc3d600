//! The catalog: filters as a plain GET form, facet counts, removable filter chips and paging links,
//! all working without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{BackendError, CatalogPage, CatalogQuery, get_catalog};
use crate::components::product_card::ProductGrid;
use crate::components::seo::PageMeta;
use crate::format::group_thousands;
use crate::i18n::{Texts, fill, use_texts};

const FIELDS: [&str; 10] = [
    "q",
    "category",
    "min_stars",
    "commune",
    "gi",
    "producer",
    "min_price",
    "max_price",
    "in_stock",
    "sort",
];

/// The URL's query as the API's `CatalogQuery`.
fn query_from_url(params: &leptos_router::params::ParamsMap) -> CatalogQuery {
    let get = |key: &str| params.get(key);
    CatalogQuery {
        q: get("q"),
        category: get("category"),
        min_stars: get("min_stars"),
        commune: get("commune"),
        gi: get("gi"),
        producer: get("producer"),
        min_price: get("min_price"),
        max_price: get("max_price"),
        in_stock: get("in_stock"),
        sort: get("sort"),
        page: get("page"),
        per_page: get("per_page"),
    }
}

fn value_of<'a>(query: &'a CatalogQuery, field: &str) -> Option<&'a str> {
    let value = match field {
        "q" => &query.q,
        "category" => &query.category,
        "min_stars" => &query.min_stars,
        "commune" => &query.commune,
        "gi" => &query.gi,
        "producer" => &query.producer,
        "min_price" => &query.min_price,
        "max_price" => &query.max_price,
        "in_stock" => &query.in_stock,
        "sort" => &query.sort,
        "page" => &query.page,
        _ => &query.per_page,
    };
    value.as_deref().filter(|v| !v.is_empty())
}

/// A catalog URL with the current filters, one changed (or removed with `None`); paging restarts.
fn catalog_href(query: &CatalogQuery, change: &str, to: Option<&str>) -> String {
    let mut pairs: Vec<(String, String)> = FIELDS
        .iter()
        .filter(|field| **field != change)
        .filter_map(|field| value_of(query, field).map(|v| (field.to_string(), v.to_owned())))
        .collect();
    if let Some(value) = to {
        pairs.push((change.to_owned(), value.to_owned()));
    }
    if change == "page"
        && let Some(per_page) = value_of(query, "per_page")
    {
        pairs.push(("per_page".into(), per_page.to_owned()));
    }
    if pairs.is_empty() {
        return "/san-pham".into();
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    format!("/san-pham?{}", encoded.join("&"))
}

fn urlencode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let texts = use_texts();
    let params = use_query_map();
    let query = Memo::new(move |_| query_from_url(&params.read()));
    let data = Resource::new(move || query.get(), get_catalog);

    view! {
        <PageMeta title=texts.catalog_title.to_owned() description=texts.catalog_description.to_owned()/>
        <h1>{texts.catalog_title}</h1>
        <Suspense fallback=move || view! { <p class="muted">{texts.loading}</p> }>
            {move || Suspend::new(async move {
                let query = query.get_untracked();
                match data.await {
                    Ok(Ok(page)) => view! { <CatalogBody page query/> }.into_any(),
                    Ok(Err(BackendError::Invalid(fields))) => view! {
                        <div class="error-box" role="alert">
                            <p>{texts.invalid_filters}</p>
                            <ul>{fields.into_iter().map(|(field, message)| view! {
                                <li><code>{field}</code>": "{message}</li>
                            }).collect_view()}</ul>
                            <a class="button" href="/san-pham">{texts.filter_clear}</a>
                        </div>
                    }.into_any(),
                    _ => view! { <p class="error">{texts.load_failed}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CatalogBody(page: CatalogPage, query: CatalogQuery) -> impl IntoView {
    let texts = use_texts();
    let list = page.list;
    let labels = page.labels;
    let close_matches = page.close_matches;
    let total_pages =
        ((list.total + i64::from(list.per_page) - 1) / i64::from(list.per_page)).max(1);
    let chips = active_chips(&query, &labels, texts);
    let count = fill(
        texts.results_count,
        &[("n", &group_thousands(list.total.max(0) as u64))],
    );
    let selected = |field: &str, value: &str| value_of(&query, field) == Some(value);

    let facet_options =
        |field: &'static str,
         counts: &std::collections::BTreeMap<String, i64>,
         names: &std::collections::BTreeMap<String, String>| {
            let mut options: Vec<(String, String, i64)> = counts
                .iter()
                .map(|(value, n)| {
                    (
                        value.clone(),
                        names.get(value).cloned().unwrap_or_else(|| value.clone()),
                        *n,
                    )
                })
                .collect();
            // A chosen value stays in the list even when the other filters leave it no products.
            if let Some(current) = value_of(&query, field)
                && !counts.contains_key(current)
            {
                options.push((
                    current.to_owned(),
                    names
                        .get(current)
                        .cloned()
                        .unwrap_or_else(|| current.to_owned()),
                    0,
                ));
            }
            options.sort_by_cached_key(|o| crate::format::vi_sort_key(&o.1));
            options
            .into_iter()
            .map(|(value, name, n)| {
                let is_selected = selected(field, &value);
                view! { <option value=value selected=is_selected>{format!("{name} ({n})")}</option> }
            })
            .collect_view()
        };

    let category_options = facet_options("category", &list.facets.category, &labels.category);
    let commune_options = facet_options("commune", &list.facets.commune, &labels.commune);
    let gi_options = facet_options("gi", &list.facets.gi, &labels.gi);
    let star_options = (3..=5u8)
        .rev()
        .map(|n| {
            let count: i64 = list
                .facets
                .stars
                .iter()
                .filter(|(stars, _)| stars.parse::<u8>().is_ok_and(|s| s >= n))
                .map(|(_, c)| c)
                .sum();
            let value = n.to_string();
            let is_selected = selected("min_stars", &value);
            let label = fill(texts.stars_at_least, &[("n", &value)]);
            view! { <option value=value selected=is_selected>{format!("{label} ({count})")}</option> }
        })
        .collect_view();
    let sorts = [
        ("relevance", texts.sort_relevance),
        ("price_asc", texts.sort_price_asc),
        ("price_desc", texts.sort_price_desc),
        ("newest", texts.sort_newest),
        ("stars", texts.sort_stars),
        ("rating", texts.sort_rating),
    ];
    let sort_options = sorts
        .into_iter()
        .map(|(value, label)| {
            let is_selected = selected("sort", value);
            view! { <option value=value selected=is_selected>{label}</option> }
        })
        .collect_view();

    let prev =
        (list.page > 1).then(|| catalog_href(&query, "page", Some(&(list.page - 1).to_string())));
    let next = (i64::from(list.page) < total_pages)
        .then(|| catalog_href(&query, "page", Some(&(list.page + 1).to_string())));
    let page_label = fill(
        texts.page_of,
        &[
            ("p", &list.page.to_string()),
            ("n", &total_pages.to_string()),
        ],
    );
    let empty = list.items.is_empty();

    view! {
        <form class="filters" method="get" action="/san-pham">
            <label class="field wide">
                <span class="visually-hidden">{texts.search_button}</span>
                <input type="search" name="q" value=value_of(&query, "q").unwrap_or_default().to_owned()
                    placeholder=texts.search_placeholder/>
            </label>
            <label class="field">
                <span>{texts.filter_category}</span>
                <select name="category">
                    <option value="">{texts.filter_any}</option>
                    {category_options}
                </select>
            </label>
            <label class="field">
                <span>{texts.filter_stars}</span>
                <select name="min_stars">
                    <option value="">{texts.filter_any}</option>
                    {star_options}
                </select>
            </label>
            // Commune and GI names are long: a whole row each on a phone, so no label is cut.
            <label class="field wide">
                <span>{texts.filter_commune}</span>
                <select name="commune">
                    <option value="">{texts.filter_any}</option>
                    {commune_options}
                </select>
            </label>
            <label class="field wide">
                <span>{texts.filter_gi}</span>
                <select name="gi">
                    <option value="">{texts.filter_any}</option>
                    {gi_options}
                </select>
            </label>
            <fieldset class="field price-range">
                <legend>{texts.filter_price}</legend>
                <input type="text" name="min_price" inputmode="numeric"
                    aria-label=texts.filter_min_price placeholder=texts.filter_min_price
                    value=value_of(&query, "min_price").unwrap_or_default().to_owned()/>
                <input type="text" name="max_price" inputmode="numeric"
                    aria-label=texts.filter_max_price placeholder=texts.filter_max_price
                    value=value_of(&query, "max_price").unwrap_or_default().to_owned()/>
            </fieldset>
            <label class="field check">
                <input type="checkbox" name="in_stock" value="true" checked=selected("in_stock", "true")/>
                <span>{texts.filter_in_stock}</span>
            </label>
            <label class="field">
                <span>{texts.sort_label}</span>
                <select name="sort">{sort_options}</select>
            </label>
            {value_of(&query, "producer").map(|p| view! { <input type="hidden" name="producer" value=p.to_owned()/> })}
            <button class="button primary" type="submit">{texts.filter_button}</button>
        </form>
        <div class="results-head">
            <p class="count" aria-live="polite">{count}</p>
            {(!chips.is_empty()).then(|| view! {
                <ul class="chips">
                    {chips.into_iter().map(|(label, href)| view! {
                        <li><a class="chip" href=href title=texts.filter_remove>{label}" ×"</a></li>
                    }).collect_view()}
                    <li><a class="chip clear" href="/san-pham">{texts.filter_clear}</a></li>
                </ul>
            })}
        </div>
        {if empty {
            view! {
                <p class="empty">{texts.no_results}</p>
                {(!close_matches.is_empty()).then(|| view! {
                    <div class="close-matches">
                        <p>{texts.close_matches}</p>
                        <ul>
                            {close_matches.into_iter().map(|s| view! {
                                <li><a href=format!("/san-pham/{}", s.slug)>{s.name}</a></li>
                            }).collect_view()}
                        </ul>
                    </div>
                })}
            }.into_any()
        } else {
            view! { <ProductGrid products=list.items/> }.into_any()
        }}
        <nav class="pager" aria-label="pagination">
            {prev.map(|href| view! { <a rel="prev" href=href>{texts.page_prev}</a> })}
            <span>{page_label}</span>
            {next.map(|href| view! { <a rel="next" href=href>{texts.page_next}</a> })}
        </nav>
    }
}

/// One chip per active filter, each linking to the same search without it.
fn active_chips(
    query: &CatalogQuery,
    labels: &crate::api::FacetLabels,
    texts: &Texts,
) -> Vec<(String, String)> {
    let mut chips = Vec::new();
    for field in FIELDS {
        let Some(value) = value_of(query, field) else {
            continue;
        };
        let label = match field {
            "q" => format!("“{value}”"),
            "category" => labels
                .category
                .get(value)
                .cloned()
                .unwrap_or_else(|| value.to_owned()),
            "commune" => labels
                .commune
                .get(value)
                .cloned()
                .unwrap_or_else(|| value.to_owned()),
            "gi" => labels
                .gi
                .get(value)
                .cloned()
                .unwrap_or_else(|| value.to_owned()),
            "min_stars" => fill(texts.stars_at_least, &[("n", value)]),
            "min_price" => format!("≥ {}", typed_dong(value)),
            "max_price" => format!("≤ {}", typed_dong(value)),
            "in_stock" => texts.filter_in_stock.to_owned(),
            "producer" => value.to_owned(),
            _ => continue,
        };
        chips.push((label, catalog_href(query, field, None)));
    }
    chips
}

/// A price filter as typed ("100.000", "100000 đ") shown as the amount the catalog applied.
fn typed_dong(value: &str) -> String {
    crate::format::plain_dong(value)
        .map(|plain| crate::format::vnd(&plain))
        .unwrap_or_else(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_other_filters_and_restart_paging() {
        let query = CatalogQuery {
            q: Some("chè xanh".into()),
            category: Some("che".into()),
            page: Some("3".into()),
            ..CatalogQuery::default()
        };
        assert_eq!(
            catalog_href(&query, "category", None),
            "/san-pham?q=ch%C3%A8+xanh"
        );
        assert_eq!(
            catalog_href(&query, "page", Some("4")),
            "/san-pham?q=ch%C3%A8+xanh&category=che&page=4"
        );
        assert_eq!(
            catalog_href(&CatalogQuery::default(), "q", None),
            "/san-pham"
        );
    }
}
