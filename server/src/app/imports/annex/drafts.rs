//! What an annex creates for rows the catalog lacks: the producer (its kind from the legal form
//! in its name) and the product as a draft, each with its audit entry, in the annex's
//! transaction.

use std::collections::HashMap;

use frontend::api::AnnexRowDto;
use sqlx::PgConnection;
use uuid::Uuid;

use super::matching::{AnnexRow, Catalog, Target};
use crate::app::{AppError, AppResult};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::domain::audit::AuditAction;
use crate::domain::catalog::DisplayName;
use crate::domain::import::{fold, producer_key};
use crate::domain::slug::Slug;

/// The product a row's certificate goes to, creating the producer and the product (as a draft)
/// when the row is new. Producers created for earlier rows of the same annex are reused.
pub(super) async fn resolve_product(
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
