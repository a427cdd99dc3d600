//! The server's `create-admin` command: the first admin comes from the command line, not the web.

use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::{Role, password};
use crate::db;
use crate::domain::account::{Email, Password, parse_display_name};
use crate::domain::audit::AuditAction;

/// Makes `email` an admin, creating the account first when it does not exist (then `password`
/// is required). Returns the user's id; running it again changes nothing.
pub async fn create_admin(
    db: &PgPool,
    email: &str,
    display_name: &str,
    password: Option<String>,
) -> anyhow::Result<Uuid> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    let mut tx = db.begin().await?;
    let id = match db::users::id_by_email(&mut *tx, &email).await? {
        Some(id) => id,
        None => {
            let password = password.ok_or_else(|| {
                anyhow::anyhow!(
                    "no account for {}: a password is needed to create it",
                    email.as_str()
                )
            })?;
            let password = Password::parse(&password).map_err(anyhow::Error::msg)?;
            let name = parse_display_name(display_name).map_err(anyhow::Error::msg)?;
            let hash = password::hash(password.expose()).await?;
            db::users::create(&mut *tx, &email, &hash, &name)
                .await?
                .ok_or_else(|| anyhow::anyhow!("the account was created concurrently; run again"))?
        }
    };
    db::users::grant_role(&mut *tx, id, Role::Admin, None).await?;
    db::audit::record(
        &mut *tx,
        db::audit::AuditEntry {
            actor: None,
            action: AuditAction::UserGrantRole,
            entity_id: id.to_string(),
            reason: Some("server create-admin"),
            before: None,
            after: Some(serde_json::json!({ "role": "admin" })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
