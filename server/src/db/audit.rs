//! The append-only audit log: this module can only add rows.

use serde_json::Value;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::audit::AuditAction;

/// One audited change: who did what to which record, with the changed fields before and after.
pub struct AuditEntry<'a> {
    pub actor: Option<Uuid>,
    /// What changed; its record kind (`entity`) follows from it.
    pub action: AuditAction,
    pub entity_id: String,
    pub reason: Option<&'a str>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Records an entry in the caller's transaction, so the change and its record commit together.
pub async fn record(db: impl PgExecutor<'_>, entry: AuditEntry<'_>) -> sqlx::Result<()> {
    let (before, after) = changed_fields(entry.before, entry.after);
    sqlx::query!(
        "insert into audit_log (actor_id, action, entity, entity_id, reason, before, after)
         values ($1, $2, $3, $4, $5, $6, $7)",
        entry.actor,
        entry.action.as_str(),
        entry.action.entity(),
        entry.entity_id,
        entry.reason,
        before,
        after
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Keeps only the fields that differ, when both sides are objects.
fn changed_fields(before: Option<Value>, after: Option<Value>) -> (Option<Value>, Option<Value>) {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let keys: Vec<&String> = a
                .keys()
                .chain(b.keys())
                .filter(|k| a.get(*k) != b.get(*k))
                .collect();
            let pick = |m: &serde_json::Map<String, Value>| {
                Value::Object(
                    keys.iter()
                        .filter_map(|k| m.get(*k).map(|v| ((*k).clone(), v.clone())))
                        .collect(),
                )
            };
            (Some(pick(&b)), Some(pick(&a)))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_kept() {
        let (b, a) = changed_fields(
            Some(json!({"name": "A", "price": "1", "stock": "5"})),
            Some(json!({"name": "A", "price": "2", "stock": "5"})),
        );
        assert_eq!(b, Some(json!({"price": "1"})));
        assert_eq!(a, Some(json!({"price": "2"})));
    }
}
