//! Matching an annex's rows to the catalog: producers by their name folded without diacritics,
//! case and legal form, narrowed by commune (current or pre-2025 name); their products by folded
//! name. One match is taken; several are for the curator to choose from; none makes drafts.

use std::collections::{HashMap, HashSet};

use frontend::api::{AnnexCandidate, AnnexRowDto};
use uuid::Uuid;

use super::super::rows::Reference;
use crate::app::AppResult;
use crate::app::curation::Approval;
use crate::db;
use crate::db::annex::{ProducerRow, ProductRow};
use crate::domain::import::{fold, producer_key};
use crate::state::AppState;

/// Where a row goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Product(Uuid),
    /// A new product of this producer.
    Producer(Uuid),
    /// A new producer and product.
    New,
}

impl Target {
    fn parse(raw: &str) -> Option<Target> {
        match raw.trim().split_once(':') {
            Some(("product", id)) => id.parse().ok().map(Target::Product),
            Some(("producer", id)) => id.parse().ok().map(Target::Producer),
            None if raw.trim() == "new" => Some(Target::New),
            _ => None,
        }
    }
}

/// The catalog as the matching sees it, loaded once per annex.
pub(super) struct Catalog {
    producers: Vec<ProducerRow>,
    by_key: HashMap<String, Vec<usize>>,
    products: HashMap<Uuid, Vec<ProductRow>>,
    /// Folded commune name (current or pre-2025) → the current communes it leads to.
    communes: HashMap<String, HashSet<String>>,
    reference: Reference,
}

impl Catalog {
    pub(super) async fn load(state: &AppState) -> AppResult<Catalog> {
        let producers = db::annex::producers(&state.db).await?;
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in producers.iter().enumerate() {
            by_key.entry(producer_key(&p.name)).or_default().push(i);
        }
        let ids: Vec<Uuid> = producers.iter().map(|p| p.id).collect();
        let mut products: HashMap<Uuid, Vec<ProductRow>> = HashMap::new();
        for product in db::annex::products_of(&state.db, &ids).await? {
            products
                .entry(product.producer_id)
                .or_default()
                .push(product);
        }
        let mut communes: HashMap<String, HashSet<String>> = HashMap::new();
        for c in db::annex::commune_names(&state.db).await? {
            communes.entry(fold(&c.name)).or_default().insert(c.code);
        }
        let reference = Reference::new(
            db::imports::categories(&state.db).await?,
            db::imports::units(&state.db).await?,
            Vec::new(),
        );
        Ok(Catalog {
            producers,
            by_key,
            products,
            communes,
            reference,
        })
    }

    /// The communes a cell names: "xã Tân Cương", "Tân Cương", "Phường Phan Đình Phùng".
    pub(super) fn communes_named(&self, cell: &str) -> HashSet<String> {
        let folded = fold(cell);
        let bare = ["xa-", "phuong-", "thi-tran-"]
            .iter()
            .find_map(|p| folded.strip_prefix(p))
            .unwrap_or(&folded);
        self.communes.get(bare).cloned().unwrap_or_default()
    }

    /// Producers that may be the one a row names: same folded name, then narrowed by commune
    /// (its current code, or its pre-2025 commune) when the row gives one.
    fn producer_candidates(&self, name: &str, commune: &str) -> Vec<&ProducerRow> {
        let named: Vec<&ProducerRow> = self
            .by_key
            .get(&producer_key(name))
            .map(|ix| ix.iter().map(|i| &self.producers[*i]).collect())
            .unwrap_or_default();
        if commune.is_empty() || named.is_empty() {
            return named;
        }
        let codes = self.communes_named(commune);
        let bare = fold(commune);
        let in_commune: Vec<&ProducerRow> = named
            .iter()
            .copied()
            .filter(|p| {
                p.commune_code.as_ref().is_some_and(|c| codes.contains(c))
                    || p.old_commune
                        .as_deref()
                        .is_some_and(|o| bare.ends_with(&fold(o)))
            })
            .collect();
        if !in_commune.is_empty() {
            return in_commune;
        }
        // A producer without a commune on file may still be this one; one elsewhere is not.
        named
            .into_iter()
            .filter(|p| p.commune_code.is_none() && p.old_commune.is_none())
            .collect()
    }

    fn products_named(&self, producer: Uuid, name: &str) -> Vec<&ProductRow> {
        let folded = fold(name);
        self.products
            .get(&producer)
            .map(|list| list.iter().filter(|p| fold(&p.name) == folded).collect())
            .unwrap_or_default()
    }

    fn producer(&self, id: Uuid) -> Option<&ProducerRow> {
        self.producers.iter().find(|p| p.id == id)
    }

    fn product(&self, id: Uuid) -> Option<&ProductRow> {
        self.products.values().flatten().find(|p| p.id == id)
    }
}

/// One row read and matched.
pub(super) struct AnnexRow {
    pub dto: AnnexRowDto,
    pub approval: Option<Approval>,
    pub target: Option<Target>,
    pub category: Option<String>,
}

/// Finds the producer and product a row names, or takes the curator's choice for it.
pub(super) fn match_row(
    catalog: &Catalog,
    mut dto: AnnexRowDto,
    approval: Option<Approval>,
) -> AnnexRow {
    let category = (!dto.group.is_empty())
        .then(|| catalog.reference.category(&dto.group))
        .flatten();
    let producers = catalog.producer_candidates(&dto.producer_name, &dto.commune);
    let mut candidates = Vec::new();
    let mut found = None;
    for producer in &producers {
        let products = catalog.products_named(producer.id, &dto.product_name);
        for product in &products {
            candidates.push(AnnexCandidate {
                value: format!("product:{}", product.id),
                label: format!("{} — {} ({})", product.name, producer.name, producer.slug),
            });
        }
        if products.len() == 1 && producers.len() == 1 {
            found = Some(Target::Product(products[0].id));
        }
        candidates.push(AnnexCandidate {
            value: format!("producer:{}", producer.id),
            label: format!("Sản phẩm mới của {} ({})", producer.name, producer.slug),
        });
    }
    candidates.push(AnnexCandidate {
        value: "new".into(),
        label: "Cơ sở mới và sản phẩm mới".into(),
    });
    let automatic = match (found, producers.len()) {
        (Some(target), _) => Some(target),
        (None, 0) => Some(Target::New),
        (None, 1)
            if catalog
                .products_named(producers[0].id, &dto.product_name)
                .is_empty() =>
        {
            Some(Target::Producer(producers[0].id))
        }
        _ => None,
    };
    let chosen = dto.choice.as_deref().and_then(Target::parse);
    if dto.choice.is_some() && chosen.is_none() {
        dto.messages.push("lựa chọn không hợp lệ".into());
    }
    let valid_choice = chosen.filter(|c| {
        candidates
            .iter()
            .any(|k| Target::parse(&k.value).as_ref() == Some(c))
    });
    let target = valid_choice.or(automatic);
    let new_product = matches!(target, Some(Target::Producer(_) | Target::New));
    if new_product && category.is_none() {
        dto.messages.push(if dto.group.is_empty() {
            "sản phẩm mới cần cột \"Nhóm\" (mã hoặc tên nhóm sản phẩm)".into()
        } else {
            format!("không có nhóm sản phẩm \"{}\"", dto.group)
        });
    }
    dto.target = match &target {
        Some(Target::Product(id)) => catalog
            .product(*id)
            .zip(
                catalog
                    .product(*id)
                    .and_then(|p| catalog.producer(p.producer_id)),
            )
            .map(|(p, pr)| format!("{} — {}", p.name, pr.name))
            .unwrap_or_default(),
        Some(Target::Producer(id)) => catalog
            .producer(*id)
            .map(|p| format!("sản phẩm mới (nháp) của {}", p.name))
            .unwrap_or_default(),
        Some(Target::New) => "cơ sở mới và sản phẩm mới (nháp)".into(),
        None => String::new(),
    };
    dto.status = if !dto.messages.is_empty() || approval.is_none() {
        "error"
    } else {
        match target {
            None => "ambiguous",
            Some(Target::Product(_)) => "matched",
            Some(_) => "new",
        }
    }
    .into();
    if target.is_none() || dto.status == "ambiguous" || dto.choice.is_some() {
        dto.candidates = candidates;
    }
    AnnexRow {
        dto,
        approval,
        target,
        category,
    }
}
