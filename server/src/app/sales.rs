//! Sales settings: how a producer delivers, which payments it takes and its minimum order.
//! Owners change them; anyone reads them (the bank account only members, and buyers on orders).

use frontend::api::{BankAccountDto, DeliverySettings, PaymentSettings, SalesSettings};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use super::{AppError, AppResult};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::domain::FieldErrors;
use crate::domain::account::{MemberRole, User};
use crate::domain::audit::AuditAction;
use crate::domain::catalog::PriceVnd;
use crate::domain::order::{BankAccount, SalesTerms};
use crate::state::AppState;

/// The producer with this slug, or `NotFound`.
pub async fn producer_id(state: &AppState, slug: &str) -> AppResult<Uuid> {
    db::catalog::producer_id_by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// An amount of money that may be zero (a free delivery), written as prices are.
pub fn parse_amount_or_zero(raw: &str) -> Result<Decimal, String> {
    if raw.trim() == "0" {
        Ok(Decimal::ZERO)
    } else {
        PriceVnd::parse(raw).map(PriceVnd::amount)
    }
}

fn optional_amount(errors: &mut FieldErrors, field: &str, raw: &Option<String>) -> Option<Decimal> {
    let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    errors.check(field, PriceVnd::parse(raw).map(PriceVnd::amount))
}

/// Checks settings as sent (by the API or the workspace form).
pub fn parse_terms(input: &SalesSettings) -> Result<SalesTerms, FieldErrors> {
    let mut errors = FieldErrors::default();
    let d = &input.delivery;
    let pickup_address = if d.pickup {
        let address = d
            .pickup_address
            .as_deref()
            .map(|a| a.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|a| a.chars().count() >= 5);
        if address.is_none() {
            errors.add("pickup_address", "hãy nhập địa chỉ nhận hàng tại nơi bán");
        }
        address
    } else {
        None
    };
    let ship_fee = if d.ship {
        match d
            .ship_fee_vnd
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(raw) => errors.check("ship_fee_vnd", parse_amount_or_zero(raw)),
            None => {
                errors.add("ship_fee_vnd", "hãy nhập phí giao hàng (0 nếu miễn phí)");
                None
            }
        }
    } else {
        None
    };
    let free_from = optional_amount(&mut errors, "free_from_vnd", &d.free_from_vnd);
    if !d.pickup && !d.ship {
        errors.add("delivery", "hãy chọn ít nhất một cách giao nhận");
    }
    let p = &input.payments;
    if !p.cod && !p.bank_transfer {
        errors.add("payments", "hãy chọn ít nhất một cách thanh toán");
    }
    let bank = if p.bank_transfer {
        let account = input.bank_account.as_ref();
        let field = |f: fn(&BankAccountDto) -> &String| account.map(f).map_or("", |s| s.as_str());
        match BankAccount::parse(
            field(|a| &a.bank_bin),
            field(|a| &a.account_no),
            field(|a| &a.account_name),
        ) {
            Ok(account) => Some(account),
            Err(problems) => {
                for (name, message) in problems {
                    errors.add(name, message);
                }
                None
            }
        }
    } else {
        None
    };
    let min_order = optional_amount(&mut errors, "min_order_vnd", &input.min_order_vnd);
    errors.finish(|| SalesTerms {
        pickup_address,
        ship_fee,
        free_from: free_from.filter(|_| d.ship),
        cod: p.cod,
        bank,
        min_order,
    })
}

/// The settings as the API and the pages show them.
pub fn present(
    terms: Option<&SalesTerms>,
    with_account: bool,
    banks: &[(String, String)],
) -> SalesSettings {
    let Some(t) = terms else {
        return SalesSettings::default();
    };
    SalesSettings {
        delivery: DeliverySettings {
            pickup: t.pickup_address.is_some(),
            pickup_address: t.pickup_address.clone(),
            ship: t.ship_fee.is_some(),
            ship_fee_vnd: t.ship_fee.map(|f| f.to_string()),
            free_from_vnd: t.free_from.map(|f| f.to_string()),
        },
        payments: PaymentSettings {
            cod: t.cod,
            bank_transfer: t.bank.is_some(),
        },
        min_order_vnd: t.min_order.map(|m| m.to_string()),
        bank_account: t
            .bank
            .as_ref()
            .filter(|_| with_account)
            .map(|b| BankAccountDto {
                bank_bin: b.bank_bin.clone(),
                account_no: b.account_no.clone(),
                account_name: b.account_name.clone(),
                bank_name: banks
                    .iter()
                    .find(|(bin, _)| *bin == b.bank_bin)
                    .map(|(_, name)| name.clone())
                    .unwrap_or_default(),
            }),
        configured: true,
    }
}

/// A producer's settings; members also see the bank account.
pub async fn get(state: &AppState, viewer: Option<&User>, slug: &str) -> AppResult<SalesSettings> {
    let producer = producer_id(state, slug).await?;
    let terms = db::sales::terms_of(&state.db, &[producer]).await?;
    let member = viewer.is_some_and(|u| u.membership(producer).is_some());
    let banks = db::sales::banks(&state.db).await?;
    Ok(present(terms.get(&producer), member, &banks))
}

/// Owners set how they sell; audited with the settings before and after.
pub async fn update(
    state: &AppState,
    user: Option<&User>,
    slug: &str,
    input: &SalesSettings,
) -> AppResult<SalesSettings> {
    let user = user.ok_or(AppError::Unauthorized)?;
    let producer = producer_id(state, slug).await?;
    if user.membership(producer) != Some(MemberRole::Owner) {
        return Err(AppError::forbidden());
    }
    let terms = parse_terms(input)?;
    let banks = db::sales::banks(&state.db).await?;
    if let Some(bank) = &terms.bank
        && !banks.iter().any(|(bin, _)| *bin == bank.bank_bin)
    {
        return Err(AppError::field(
            "bank_bin",
            "hãy chọn ngân hàng trong danh sách",
        ));
    }
    let mut tx = state.db.begin().await?;
    let before = db::sales::terms_of(&mut *tx, &[producer]).await?;
    db::sales::upsert(&mut *tx, producer, &terms).await?;
    let snapshot = |t: Option<&SalesTerms>| {
        serde_json::to_value(present(t, true, &banks)).unwrap_or(json!(null))
    };
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::ProducerSalesSettings,
            entity_id: producer.to_string(),
            reason: None,
            before: before.get(&producer).map(|t| snapshot(Some(t))),
            after: Some(snapshot(Some(&terms))),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(present(Some(&terms), true, &banks))
}
