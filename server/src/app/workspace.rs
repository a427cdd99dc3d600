//! The producer workspace's commands about producers: register one (its creator becomes owner),
//! edit its profile (owners); membership changes are in [`super::members`]. Each checks access,
//! writes in one transaction and records the change in the audit log.

use frontend::api::ProducerCard;
use uuid::Uuid;

use super::{AppError, AppResult, require};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::producers::{NewProducer, ProducerContact, StoredProducer};
use crate::domain::FieldErrors;
use crate::domain::account::{MemberRole, Rule, User};
use crate::domain::audit::AuditAction;
use crate::domain::catalog::{DisplayName, ProducerKind};
use crate::domain::slug::Slug;
use crate::state::AppState;

/// A producer's profile as typed; `None` keeps the stored value (or is missing, when creating).
#[derive(Debug, Clone, Default)]
pub struct ProducerInput {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub commune_code: Option<String>,
    pub old_commune: Option<String>,
    pub old_district: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
}

fn optional_text(raw: Option<String>) -> Option<String> {
    raw.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The producer with this slug, or `NotFound`.
pub async fn producer_id(state: &AppState, slug: &str) -> AppResult<Uuid> {
    db::catalog::producer_id_by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// A slug for `name` not yet used, adding -2, -3… as needed.
/// A name that yields no slug gets a placeholder: the full field check that follows reports the
/// bad name together with every other field error, and nothing is written with it.
pub(crate) async fn free_slug<F, Fut>(name: &str, taken: F) -> AppResult<Slug>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = sqlx::Result<bool>>,
{
    let Ok(base) = Slug::from_name(name) else {
        return Ok(Slug::parse("unnamed").expect("a canonical slug"));
    };
    let mut candidate = base.clone();
    for n in 2..1000 {
        if !taken(candidate.as_str().to_owned()).await? {
            return Ok(candidate);
        }
        candidate = base.with_suffix(n);
    }
    Err(AppError::Conflict {
        code: "slug_taken",
        message: "không tạo được đường dẫn cho tên này".into(),
    })
}

/// Merges a request onto current values (all `None` for a new producer) and checks it.
async fn parse_producer(
    state: &AppState,
    input: ProducerInput,
    current: Option<&StoredProducer>,
    slug: Slug,
) -> AppResult<(NewProducer, ProducerContact)> {
    // A field left out keeps its stored value.
    let cur = |pick: fn(&StoredProducer) -> Option<&str>| current.and_then(pick).map(str::to_owned);
    let mut errors = FieldErrors::default();
    let name = errors.check(
        "name",
        input
            .name
            .or_else(|| cur(|c| Some(&c.name)))
            .map_or(Err("hãy nhập tên".into()), |n| DisplayName::parse(&n)),
    );
    let kind = errors.check(
        "kind",
        input
            .kind
            .or_else(|| cur(|c| Some(&c.kind)))
            .map_or(Err("hãy chọn loại hình".into()), |k| {
                k.parse::<ProducerKind>()
            }),
    );
    let commune_code = optional_text(
        input
            .commune_code
            .or_else(|| cur(|c| c.commune_code.as_deref())),
    );
    if let Some(code) = &commune_code
        && !db::producers::commune_exists(&state.db, code).await?
    {
        errors.add("commune_code", "không có xã/phường với mã này");
    }
    let phone = optional_text(input.phone.or_else(|| cur(|c| c.phone.as_deref())));
    if let Some(phone) = &phone
        && !(8..=15).contains(&phone.chars().filter(char::is_ascii_digit).count())
    {
        errors.add("phone", "số điện thoại không hợp lệ");
    }
    let description = input
        .description
        .or_else(|| cur(|c| Some(&c.description)))
        .unwrap_or_default();
    if description.chars().count() > 10_000 {
        errors.add("description", "dài tối đa 10.000 ký tự");
    }
    let (Some(name), Some(kind)) = (name, kind) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    Ok((
        NewProducer {
            slug,
            name,
            kind,
            description,
            commune_code,
            old_commune: optional_text(
                input
                    .old_commune
                    .or_else(|| cur(|c| c.old_commune.as_deref())),
            ),
            old_district: optional_text(
                input
                    .old_district
                    .or_else(|| cur(|c| c.old_district.as_deref())),
            ),
            verified: false,
            source_url: None,
        },
        ProducerContact {
            phone,
            address: optional_text(input.address.or_else(|| cur(|c| c.address.as_deref()))),
        },
    ))
}

/// The producer's public card.
pub async fn producer_card(state: &AppState, slug: &str) -> AppResult<ProducerCard> {
    db::catalog::producer_by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// Anyone signed in may register a producer; they become its owner.
pub async fn create_producer(
    state: &AppState,
    user: Option<&User>,
    input: ProducerInput,
) -> AppResult<ProducerCard> {
    let user = require(user, Rule::SignedIn)?;
    let name = input.name.clone().unwrap_or_default();
    let db_ref = &state.db;
    let slug = free_slug(&name, |s| async move {
        db::producers::slug_taken(db_ref, &s).await
    })
    .await?;
    let (producer, contact) = parse_producer(state, input, None, slug).await?;
    let mut tx = state.db.begin().await?;
    let id = db::producers::insert(&mut *tx, &producer, &contact).await?;
    db::users::add_member(&mut *tx, id, user.id, MemberRole::Owner).await?;
    let after = db::producers::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::ProducerCreate,
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    producer_card(state, producer.slug.as_str()).await
}

/// Owners edit their producer's profile.
pub async fn update_producer(
    state: &AppState,
    user: Option<&User>,
    slug: &str,
    input: ProducerInput,
) -> AppResult<ProducerCard> {
    let id = producer_id(state, slug).await?;
    let user = require(user, Rule::OwnerOf(id))?;
    let mut tx = state.db.begin().await?;
    let before = db::producers::snapshot(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = db::producers::stored(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let slug = Slug::parse(slug).map_err(|_| AppError::NotFound)?;
    let (producer, contact) = parse_producer(state, input, Some(&current), slug).await?;
    // The GI rule is checked when a product claims a GI, and again here: a producer must not
    // claim from inside the area and then move out of it keeping the claim. Claims that were
    // already outside (made before the rule) are the curators' list, not this edit's concern.
    let covered_before: Vec<Uuid> = db::gis::producer_claims(&mut *tx, id)
        .await?
        .into_iter()
        .filter_map(|(product, _, covered)| covered.then_some(product))
        .collect();
    db::producers::update(&mut *tx, id, &producer, &contact).await?;
    let lost: Vec<String> = db::gis::producer_claims(&mut *tx, id)
        .await?
        .into_iter()
        .filter(|(product, _, covered)| !covered && covered_before.contains(product))
        .map(|(_, name, _)| name)
        .collect();
    if !lost.is_empty() {
        // Dropping the transaction rolls the update back.
        return Err(AppError::field(
            "old_commune",
            format!(
                "xã mới nằm ngoài vùng bảo hộ chỉ dẫn địa lý của: {}; hãy bỏ chỉ dẫn địa lý khỏi các sản phẩm này trước",
                lost.join(", ")
            ),
        ));
    }
    let after = db::producers::snapshot(&mut *tx, id).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::ProducerUpdate,
            entity_id: id.to_string(),
            reason: None,
            before: Some(before),
            after,
        },
    )
    .await?;
    tx.commit().await?;
    producer_card(state, producer.slug.as_str()).await
}
