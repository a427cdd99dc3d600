//! Producers' sales settings (delivery, payments, minimum order) and the list of banks a seller
//! can be paid into.

use std::collections::HashMap;

use rust_decimal::Decimal;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::order::{BankAccount, SalesTerms};

#[derive(sqlx::FromRow)]
struct SalesRow {
    producer_id: Uuid,
    pickup: bool,
    pickup_address: Option<String>,
    ship: bool,
    ship_fee_vnd: Option<Decimal>,
    free_from_vnd: Option<Decimal>,
    cod: bool,
    bank_transfer: bool,
    bank_bin: Option<String>,
    account_no: Option<String>,
    account_name: Option<String>,
    min_order_vnd: Option<Decimal>,
}

impl SalesRow {
    fn into_terms(self) -> (Uuid, SalesTerms) {
        let bank = match (
            self.bank_transfer,
            self.bank_bin,
            self.account_no,
            self.account_name,
        ) {
            (true, Some(bank_bin), Some(account_no), Some(account_name)) => Some(BankAccount {
                bank_bin,
                account_no,
                account_name,
            }),
            _ => None,
        };
        (
            self.producer_id,
            SalesTerms {
                pickup_address: self.pickup_address.filter(|_| self.pickup),
                ship_fee: self.ship_fee_vnd.filter(|_| self.ship),
                free_from: self.free_from_vnd.filter(|_| self.ship),
                cod: self.cod,
                bank,
                min_order: self.min_order_vnd,
            },
        )
    }
}

/// The terms of these producers; a producer without settings is absent (takes no orders).
pub async fn terms_of(
    db: impl PgExecutor<'_>,
    producers: &[Uuid],
) -> sqlx::Result<HashMap<Uuid, SalesTerms>> {
    let rows: Vec<SalesRow> = sqlx::query_as(
        "select producer_id, pickup, pickup_address, ship, ship_fee_vnd, free_from_vnd, cod,
                bank_transfer, bank_bin, account_no, account_name, min_order_vnd
           from sales_settings where producer_id = any($1)",
    )
    .bind(producers)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(SalesRow::into_terms).collect())
}

/// Writes a producer's terms (the first save creates them).
pub async fn upsert(
    db: impl PgExecutor<'_>,
    producer_id: Uuid,
    terms: &SalesTerms,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into sales_settings (producer_id, pickup, pickup_address, ship, ship_fee_vnd,
                                     free_from_vnd, cod, bank_transfer, bank_bin, account_no,
                                     account_name, min_order_vnd)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         on conflict (producer_id) do update set
             pickup = excluded.pickup, pickup_address = excluded.pickup_address,
             ship = excluded.ship, ship_fee_vnd = excluded.ship_fee_vnd,
             free_from_vnd = excluded.free_from_vnd, cod = excluded.cod,
             bank_transfer = excluded.bank_transfer, bank_bin = excluded.bank_bin,
             account_no = excluded.account_no, account_name = excluded.account_name,
             min_order_vnd = excluded.min_order_vnd",
    )
    .bind(producer_id)
    .bind(terms.pickup_address.is_some())
    .bind(&terms.pickup_address)
    .bind(terms.ship_fee.is_some())
    .bind(terms.ship_fee)
    .bind(terms.free_from)
    .bind(terms.cod)
    .bind(terms.bank.is_some())
    .bind(terms.bank.as_ref().map(|b| &b.bank_bin))
    .bind(terms.bank.as_ref().map(|b| &b.account_no))
    .bind(terms.bank.as_ref().map(|b| &b.account_name))
    .bind(terms.min_order)
    .execute(db)
    .await?;
    Ok(())
}

/// Banks by BIN with their short names, in the order sellers see them.
pub async fn banks(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("select bin, short_name from banks order by position")
        .fetch_all(db)
        .await
}
