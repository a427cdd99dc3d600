//! OCOP certificate writes.

use chrono::NaiveDate;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::ocop::{IssuerLevel, Stars};

#[derive(Debug, Clone)]
pub struct NewCertificate {
    pub product_id: Uuid,
    pub stars: Stars,
    pub rule_set: String,
    pub decision_no: String,
    pub issuer_level: IssuerLevel,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub source_url: Option<String>,
}

/// Records a certificate once per (product, decision); loading it again changes nothing.
pub async fn insert_if_absent(db: impl PgExecutor<'_>, c: &NewCertificate) -> sqlx::Result<()> {
    sqlx::query!(
        r#"
        insert into ocop_certificates (product_id, stars, rule_set, decision_no, issuer_level,
                                       issuer, issued_on, source_url)
        values ($1, $2, $3, $4, $5, $6, $7, $8)
        on conflict (product_id, decision_no) do nothing
        "#,
        c.product_id,
        i16::from(c.stars.get()),
        c.rule_set,
        c.decision_no,
        c.issuer_level.as_str(),
        c.issuer,
        c.issued_on,
        c.source_url,
    )
    .execute(db)
    .await?;
    Ok(())
}
