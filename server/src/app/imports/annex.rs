//! Curators import an OCOP decision from its annex: the decision (number, date, level, rule set)
//! is entered once, each row of the annex names a product, its producer, commune, group and
//! stars. Rows are matched to the catalog by folded names (no diacritics or case, the legal form
//! "HTX", "Công ty TNHH", "Hộ kinh doanh" ignored) and commune; a curator resolves ambiguous
//! rows; applying issues every certificate in one transaction through the same rules and code as
//! a single decision (levels, 36 months, supersession), creating drafts for what is new.

use std::collections::{HashMap, HashSet};

use bytes::Bytes;
use frontend::api::{AnnexCandidate, AnnexReview, AnnexRowDto};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::products::file_error;
use super::rows::Reference;
use crate::app::curation::{Approval, DecisionInput, issue_certificate, parse_approval};
use crate::app::{AppError, AppResult, require};
use crate::db;
use crate::db::annex::{ProducerRow, ProductRow};
use crate::db::audit::AuditEntry;
use crate::domain::account::{Rule, User};
use crate::domain::audit::AuditAction;
use crate::domain::catalog::DisplayName;
use crate::domain::curation::RuleSet;
use crate::domain::import::{AnnexColumn, Header, SheetColumn, fold, producer_key};
use crate::domain::slug::Slug;
use crate::sheet::{self, Cell};
use crate::state::AppState;

/// An annex as the curator sends it.
pub struct AnnexImport {
    pub file: Bytes,
    pub decision_no: Option<String>,
    /// `YYYY-MM-DD`.
    pub decided_on: Option<String>,
    /// `district`, `province` or `central`.
    pub issuer_level: Option<String>,
    pub issuer: Option<String>,
    /// `148/2023` or `26/2026`; by default the one in force on the decision's date.
    pub rule_set: Option<String>,
    /// Row number → `product:<id>`, `producer:<id>` or `new`.
    pub choices: HashMap<u32, String>,
    pub dry_run: bool,
}

/// Where a row goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
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
struct Catalog {
    producers: Vec<ProducerRow>,
    by_key: HashMap<String, Vec<usize>>,
    products: HashMap<Uuid, Vec<ProductRow>>,
    /// Folded commune name (current or pre-2025) → the current communes it leads to.
    communes: HashMap<String, HashSet<String>>,
    reference: Reference,
}

impl Catalog {
    async fn load(state: &AppState) -> AppResult<Catalog> {
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
    fn communes_named(&self, cell: &str) -> HashSet<String> {
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
struct AnnexRow {
    dto: AnnexRowDto,
    approval: Option<Approval>,
    target: Option<Target>,
    category: Option<String>,
}

/// Curators review (`dry_run`) or apply a decision's annex.
pub async fn import_annex(
    state: &AppState,
    user: Option<&User>,
    input: AnnexImport,
) -> AppResult<AnnexReview> {
    let user = require(user, Rule::Curator)?;
    run(state, Some(user.id), input).await
}

/// The operator imports an annex from the command line (audited without an actor).
pub async fn import_annex_as_operator(
    state: &AppState,
    input: AnnexImport,
) -> AppResult<AnnexReview> {
    run(state, None, input).await
}

fn rule_set_for(input: &AnnexImport, decided_on: Option<chrono::NaiveDate>) -> AppResult<RuleSet> {
    match input
        .rule_set
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(raw) => raw
            .parse::<RuleSet>()
            .map_err(|m| AppError::field("rule_set", m)),
        None => Ok(match decided_on {
            Some(day) if day >= RuleSet::Qd26_2026.effective_on() => RuleSet::Qd26_2026,
            _ => RuleSet::Qd148_2023,
        }),
    }
}

/// The decision's own fields: a mistake there is the whole annex's, not a row's.
const DECISION_FIELDS: [&str; 2] = ["decision_no", "decided_on"];

async fn run(state: &AppState, actor: Option<Uuid>, input: AnnexImport) -> AppResult<AnnexReview> {
    if input
        .issuer_level
        .as_deref()
        .is_none_or(|l| l.trim().is_empty())
    {
        return Err(AppError::field(
            "issuer_level",
            "hãy chọn cấp ra quyết định (district, province hoặc central)",
        ));
    }
    if input
        .decided_on
        .as_deref()
        .is_none_or(|d| d.trim().is_empty())
    {
        return Err(AppError::field(
            "decided_on",
            "hãy nhập ngày quyết định (YYYY-MM-DD)",
        ));
    }
    let decided_on = input
        .decided_on
        .as_deref()
        .and_then(|d| d.trim().parse::<chrono::NaiveDate>().ok());
    let rule_set = rule_set_for(&input, decided_on)?;
    let (info, rows) = sheet::read_all(input.file.clone())
        .await
        .map_err(file_error)?;
    let mut rows = rows.into_iter();
    let header_row = rows
        .next()
        .ok_or_else(|| file_error(sheet::SheetError::Empty))?;
    let header: Header<AnnexColumn> = Header::parse(header_row.cells.iter().map(Cell::as_text))
        .map_err(|m| AppError::field("file", m))?;
    let catalog = Catalog::load(state).await?;
    let today = state.today();
    let mut review = AnnexReview {
        decision_no: input
            .decision_no
            .clone()
            .unwrap_or_default()
            .trim()
            .to_owned(),
        decided_on: input.decided_on.clone().unwrap_or_default(),
        issuer_level: input.issuer_level.clone().unwrap_or_default(),
        rule_set: rule_set.code().to_owned(),
        dry_run: input.dry_run,
        read_as: match info.encoding {
            Some(e) => format!("csv, {}", e.as_str()),
            None => info.format.as_str().to_owned(),
        },
        ..AnnexReview::default()
    };
    let mut matched = Vec::new();
    for row in rows {
        let text = |column| {
            header
                .position(column)
                .and_then(|at| row.cell(at).as_text())
                .unwrap_or_default()
                .to_owned()
        };
        let mut dto = AnnexRowDto {
            row: row.line,
            product_name: text(AnnexColumn::Product),
            producer_name: text(AnnexColumn::Producer),
            commune: text(AnnexColumn::Commune),
            group: text(AnnexColumn::Group),
            stars: text(AnnexColumn::Stars),
            status: String::new(),
            target: String::new(),
            candidates: Vec::new(),
            choice: input.choices.get(&row.line).cloned(),
            messages: Vec::new(),
        };
        let stars = dto
            .stars
            .trim()
            .trim_end_matches(['★', '*', ' '])
            .trim_end_matches("sao")
            .trim()
            .parse::<i64>()
            .ok();
        let decision = DecisionInput {
            outcome: None,
            stars,
            decision_no: input.decision_no.clone(),
            issuer: input.issuer.clone(),
            issuer_level: input.issuer_level.clone(),
            decided_on: input.decided_on.clone(),
            reason: None,
        };
        let approval = match parse_approval(&decision, rule_set, today) {
            Ok(approval) => Some(approval),
            Err(AppError::Validation(fields)) => {
                if let Some(field) = DECISION_FIELDS.iter().find(|f| fields.contains_key(**f)) {
                    return Err(AppError::field(field, fields[*field].clone()));
                }
                dto.messages.extend(fields.into_values());
                None
            }
            Err(other) => return Err(other),
        };
        for (value, column) in [
            (&dto.product_name, AnnexColumn::Product),
            (&dto.producer_name, AnnexColumn::Producer),
        ] {
            if let Err(message) = DisplayName::parse(value) {
                dto.messages.push(format!("{}: {message}", column.label()));
            }
        }
        matched.push(match_row(&catalog, dto, approval));
    }
    if matched.is_empty() {
        return Err(AppError::field(
            "file",
            "phụ lục không có dòng sản phẩm nào dưới dòng tiêu đề",
        ));
    }
    let mut tx = state.db.begin().await?;
    for row in &mut matched {
        if let (Some(Target::Product(id)), Some(approval)) = (&row.target, &row.approval)
            && db::certificates::decision_taken(&mut *tx, *id, &approval.decision_no).await?
        {
            row.dto.status = "already".into();
            row.dto
                .messages
                .push("sản phẩm đã có chứng nhận theo quyết định này".into());
        }
    }
    for row in &matched {
        match row.dto.status.as_str() {
            "matched" => review.matched += 1,
            "ambiguous" => review.ambiguous += 1,
            "new" => review.new += 1,
            "already" => review.already += 1,
            _ => review.invalid += 1,
        }
    }
    let blocked = review.ambiguous > 0 || review.invalid > 0;
    if input.dry_run || blocked {
        review.rows = matched.into_iter().map(|r| r.dto).collect();
        return Ok(review);
    }
    let mut created = HashMap::new();
    for row in &matched {
        if row.dto.status == "already" {
            continue;
        }
        let (Some(target), Some(approval)) = (&row.target, &row.approval) else {
            continue;
        };
        let product = resolve_product(&mut tx, actor, &catalog, row, target, &mut created).await?;
        issue_certificate(
            state,
            &mut tx,
            actor,
            product,
            rule_set,
            approval,
            Some(&format!("phụ lục quyết định {}", approval.decision_no)),
        )
        .await?;
        review.certificates += 1;
    }
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor,
            action: AuditAction::OcopDecisionImport,
            entity_id: review.decision_no.clone(),
            reason: None,
            before: None,
            after: Some(json!({
                "decided_on": review.decided_on,
                "issuer_level": review.issuer_level,
                "rule_set": review.rule_set,
                "rows": matched.len(),
                "matched": review.matched,
                "new": review.new,
                "already": review.already,
                "certificates": review.certificates,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    review.applied = true;
    review.rows = matched.into_iter().map(|r| r.dto).collect();
    Ok(review)
}

/// Finds the producer and product a row names, or takes the curator's choice for it.
fn match_row(catalog: &Catalog, mut dto: AnnexRowDto, approval: Option<Approval>) -> AnnexRow {
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

/// The product a row's certificate goes to, creating the producer and the product (as a draft)
/// when the row is new. Producers created for earlier rows of the same annex are reused.
async fn resolve_product(
    tx: &mut PgConnection,
    actor: Option<Uuid>,
    catalog: &Catalog,
    row: &AnnexRow,
    target: &Target,
    created: &mut HashMap<String, Uuid>,
) -> AppResult<Uuid> {
    let producer = match target {
        Target::Product(id) => return Ok(*id),
        Target::Producer(id) => *id,
        Target::New => {
            let key = format!(
                "{}|{}",
                producer_key(&row.dto.producer_name),
                fold(&row.dto.commune)
            );
            match created.get(&key) {
                Some(id) => *id,
                None => {
                    let id = create_producer(tx, actor, catalog, &row.dto).await?;
                    created.insert(key, id);
                    id
                }
            }
        }
    };
    let name = DisplayName::parse(&row.dto.product_name).map_err(|m| AppError::field("file", m))?;
    let slug = free_slug_in(tx, name.as_str(), Table::Products).await?;
    let category = row.category.clone().unwrap_or_else(|| "thuc-pham".into());
    let description = format!(
        "Tạo từ phụ lục quyết định OCOP {}: hãy cập nhật giá, đơn vị và tồn kho trước khi bán.",
        row.approval
            .as_ref()
            .map(|a| a.decision_no.as_str())
            .unwrap_or_default()
    );
    let id = db::annex::insert_draft_product(
        tx,
        producer,
        &slug,
        name.as_str(),
        &category,
        &description,
    )
    .await?;
    let after = db::products::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor,
            action: AuditAction::ProductCreate,
            entity_id: id.to_string(),
            reason: Some("phụ lục quyết định OCOP"),
            before: None,
            after,
        },
    )
    .await?;
    Ok(id)
}

enum Table {
    Producers,
    Products,
}

/// A slug for `name` free in the transaction: the name's, then numbered.
async fn free_slug_in(tx: &mut PgConnection, name: &str, table: Table) -> AppResult<String> {
    let base = Slug::from_name(name).unwrap_or_else(|_| Slug::parse("co-so").expect("a slug"));
    let mut candidate = base.clone();
    for n in 2..1000 {
        let taken = match table {
            Table::Producers => db::annex::producer_slug_taken(tx, candidate.as_str()).await?,
            Table::Products => db::annex::product_slug_taken(tx, candidate.as_str()).await?,
        };
        if !taken {
            return Ok(candidate.as_str().to_owned());
        }
        candidate = base.with_suffix(n);
    }
    Err(AppError::Conflict {
        code: "slug_taken",
        message: format!("không còn địa chỉ trống cho \"{name}\""),
    })
}

/// A producer the annex names and the catalog lacks: its kind from the legal form in its name,
/// its commune from the row when that names exactly one.
async fn create_producer(
    tx: &mut PgConnection,
    actor: Option<Uuid>,
    catalog: &Catalog,
    dto: &AnnexRowDto,
) -> AppResult<Uuid> {
    let name = DisplayName::parse(&dto.producer_name).map_err(|m| AppError::field("file", m))?;
    let folded = fold(name.as_str());
    let kind = if folded.starts_with("htx-") || folded.starts_with("hop-tac-xa-") {
        "htx"
    } else if folded.starts_with("cong-ty-") {
        "company"
    } else if folded.starts_with("ho-kinh-doanh-") || folded.starts_with("hkd-") {
        "household"
    } else {
        "other"
    };
    // The commune when the cell names exactly one; its pre-2025 name (for GI areas) is left
    // to the producer, since a current name is not one.
    let codes = catalog.communes_named(&dto.commune);
    let commune_code = (codes.len() == 1)
        .then(|| codes.into_iter().next())
        .flatten();
    let slug = free_slug_in(tx, name.as_str(), Table::Producers).await?;
    let id =
        db::annex::insert_producer(tx, &slug, name.as_str(), kind, commune_code.as_deref()).await?;
    let after = db::producers::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor,
            action: AuditAction::ProducerCreate,
            entity_id: id.to_string(),
            reason: Some("phụ lục quyết định OCOP"),
            before: None,
            after,
        },
    )
    .await?;
    Ok(id)
}
