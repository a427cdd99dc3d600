//! Geographical indications: curators record one with its protected communes.

use frontend::api::GiCard;
use serde_json::json;

use super::{AppError, AppResult, require};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::catalog::GiKey;
use crate::db::gis::NewGi;
use crate::domain::FieldErrors;
use crate::domain::account::{Rule, User};
use crate::domain::audit::AuditAction;
use crate::domain::slug::Slug;
use crate::state::AppState;

/// A GI as a curator types it; every text is still raw.
#[derive(Debug, Default, Clone)]
pub struct GiInput {
    pub name: String,
    pub product: String,
    pub certificate_no: Option<String>,
    pub decision: Option<String>,
    pub management_org: Option<String>,
    pub protected_area: String,
    pub specification: String,
    /// Pre-2025 commune names making up the protected area.
    pub communes: Vec<String>,
}

fn folded(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks a curator's GI; the slug comes from name and product ("Tân Cương" + "chè").
fn parse(input: GiInput) -> Result<NewGi, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = folded(&input.name);
    let product = folded(&input.product);
    if !(2..=120).contains(&name.chars().count()) {
        errors.add("name", "tên dài từ 2 đến 120 ký tự");
    }
    if !(2..=200).contains(&product.chars().count()) {
        errors.add("product", "hãy ghi sản phẩm được bảo hộ");
    }
    let slug = errors.check("name", Slug::from_name(&format!("{name} {product}")));
    let certificate_no = input
        .certificate_no
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if certificate_no
        .as_ref()
        .is_some_and(|c| !c.chars().all(|ch| ch.is_ascii_digit()) || c.len() > 10)
    {
        errors.add("certificate_no", "số giấy chứng nhận chỉ gồm chữ số");
    }
    let mut communes: Vec<String> = input
        .communes
        .iter()
        .map(|c| folded(c))
        .filter(|c| !c.is_empty())
        .collect();
    communes.sort();
    communes.dedup();
    if communes.iter().any(|c| c.chars().count() > 80) {
        errors.add("communes", "tên xã quá dài");
    }
    match slug {
        Some(slug) if errors.is_empty() => Ok(NewGi {
            slug,
            name,
            product,
            certificate_no,
            decision: input.decision.filter(|d| !d.trim().is_empty()),
            management_org: input.management_org.filter(|m| !m.trim().is_empty()),
            protected_area: input.protected_area,
            specification: input.specification,
            notes: String::new(),
            source_url: None,
            protected_communes: communes,
        }),
        _ => Err(errors),
    }
}

/// Curators record a GI; a second one with the same name and product, or the same certificate
/// number, is a conflict. Audited with what was recorded.
pub async fn create(state: &AppState, user: Option<&User>, input: GiInput) -> AppResult<GiCard> {
    let curator = require(user, Rule::Curator)?;
    let gi = parse(input)?;
    if db::gis::exists(&state.db, gi.slug.as_str(), gi.certificate_no.as_deref()).await? {
        return Err(AppError::Conflict {
            code: "gi_exists",
            message: "chỉ dẫn địa lý này đã có".into(),
        });
    }
    let mut tx = state.db.begin().await?;
    let id = db::gis::upsert_by_slug(&mut tx, &gi).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(curator.id),
            action: AuditAction::GiCreate,
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after: Some(
                json!({ "slug": gi.slug.as_str(), "name": gi.name, "product": gi.product,
                "certificate_no": gi.certificate_no, "communes": gi.protected_communes }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    db::catalog::gi_card(&state.db, GiKey::Slug(gi.slug.as_str()))
        .await?
        .ok_or(AppError::NotFound)
}
