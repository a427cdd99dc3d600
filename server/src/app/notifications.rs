//! What mail an account receives: its switches (order updates as a buyer; new orders and OCOP
//! certificate reminders as a producer's member), and the unsubscribe link every account's
//! message carries, which works without signing in.

use frontend::api::NotificationPrefs;

use super::{AppError, AppResult};
use crate::db;
use crate::db::mail::Preferences;
use crate::domain::account::User;
use crate::state::AppState;

fn to_dto(p: Preferences) -> NotificationPrefs {
    NotificationPrefs {
        order_updates: p.order_updates,
        new_orders: p.new_orders,
        certificate_reminders: p.certificate_reminders,
    }
}

/// The signed-in account's switches.
pub async fn get(state: &AppState, viewer: Option<&User>) -> AppResult<NotificationPrefs> {
    let user = viewer.ok_or(AppError::Unauthorized)?;
    Ok(to_dto(db::mail::preferences(&state.db, user.id).await?))
}

/// Saves the signed-in account's switches.
pub async fn set(
    state: &AppState,
    viewer: Option<&User>,
    prefs: &NotificationPrefs,
) -> AppResult<NotificationPrefs> {
    let user = viewer.ok_or(AppError::Unauthorized)?;
    let p = Preferences {
        order_updates: prefs.order_updates,
        new_orders: prefs.new_orders,
        certificate_reminders: prefs.certificate_reminders,
    };
    db::mail::set_preferences(&state.db, user.id, p).await?;
    Ok(to_dto(p))
}

/// The address an unsubscribe link belongs to (to show before switching off).
pub async fn address_of(state: &AppState, token: &str) -> AppResult<String> {
    let (_, email) = db::mail::user_by_token(&state.db, token.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(email)
}

/// Switches every kind of mail off for the account behind an unsubscribe link.
pub async fn unsubscribe(state: &AppState, token: &str) -> AppResult<String> {
    let (user, email) = db::mail::user_by_token(&state.db, token.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let off = Preferences {
        order_updates: false,
        new_orders: false,
        certificate_reminders: false,
    };
    db::mail::set_preferences(&state.db, user, off).await?;
    Ok(email)
}
