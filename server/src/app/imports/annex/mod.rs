//! Curators import an OCOP decision from its annex: the decision (number, date, level, rule set)
//! is entered once, each row of the annex names a product, its producer, commune, group and
//! stars. Rows are matched to the catalog by folded names (no diacritics or case, the legal form
//! "HTX", "Công ty TNHH", "Hộ kinh doanh" ignored) and commune; a curator resolves ambiguous
//! rows; applying issues every certificate in one transaction through the same rules and code as
//! a single decision (levels, 36 months, supersession), creating drafts for what is new.

mod drafts;
mod matching;
pub mod uploads;

use std::collections::HashMap;

use bytes::Bytes;
use frontend::api::{AnnexReview, AnnexRowDto};
use serde_json::json;
use uuid::Uuid;

use self::matching::{Catalog, Target, match_row};
use super::products::file_error;
use crate::app::curation::{DecisionInput, issue_certificate, parse_approval};
use crate::app::{AppError, AppResult, require};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::domain::account::{Rule, User};
use crate::domain::audit::AuditAction;
use crate::domain::catalog::DisplayName;
use crate::domain::curation::RuleSet;
use crate::domain::import::{AnnexColumn, Header, SheetColumn};
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
        let product =
            drafts::resolve_product(&mut tx, actor, &catalog, row, target, &mut created).await?;
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
