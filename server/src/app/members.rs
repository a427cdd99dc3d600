//! Who belongs to a producer. Owners invite an e-mail address (the answer is the same whether
//! or not it has an account: nobody learns who is registered), the person holding that address
//! accepts while signed in with it, and owners remove members — never the last owner. A member
//! may leave on their own. Each change is audited.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use uuid::Uuid;

use super::workspace::producer_id;
use super::{AppError, AppResult, require};
use crate::db;
use crate::db::audit::AuditEntry;
use crate::db::members::{MemberEntry, PendingInvitation};
use crate::domain::FieldErrors;
use crate::domain::account::{Email, MemberRole, Rule, User};
use crate::domain::audit::AuditAction;
use crate::state::AppState;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 14;

/// An invitation as its sender sees it (never with its token).
pub struct InvitationSent {
    pub id: Uuid,
    pub email: String,
    pub role: MemberRole,
    pub expires_at: DateTime<Utc>,
}

/// A producer's members and open invitations.
pub struct MemberList {
    pub producer_id: Uuid,
    pub members: Vec<MemberEntry>,
    pub invitations: Vec<PendingInvitation>,
}

/// An invitation as its link shows it, before it is accepted.
pub struct InvitationView {
    pub producer_name: String,
    pub producer_slug: String,
    pub role: MemberRole,
    pub expires_at: DateTime<Utc>,
}

/// Where an accepted invitation led.
pub struct Joined {
    pub producer_id: Uuid,
    pub producer_slug: String,
    pub role: MemberRole,
}

fn parse_role(role: Option<&str>, errors: &mut FieldErrors) -> MemberRole {
    match role.map(str::trim) {
        None | Some("") | Some("member") => MemberRole::Member,
        Some("owner") => MemberRole::Owner,
        Some(_) => {
            errors.add("role", "phải là owner hoặc member");
            MemberRole::Member
        }
    }
}

/// Owners invite an address to join as member (or co-owner, `role` = `owner`). The invitation
/// mail is queued in the same transaction; inviting the same address again replaces the old
/// link. Only an address that already belongs to a member is refused (`already_member`), and
/// the member list shows those to owners anyway.
pub async fn invite(
    state: &AppState,
    user: Option<&User>,
    slug: &str,
    email: &str,
    role: Option<&str>,
) -> AppResult<InvitationSent> {
    let id = producer_id(state, slug).await?;
    let owner = require(user, Rule::OwnerOf(id))?;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(email));
    let role = parse_role(role, &mut errors);
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let mut tx = state.db.begin().await?;
    if db::members::is_member_email(&mut *tx, id, &email).await? {
        return Err(AppError::Conflict {
            code: "already_member",
            message: "người này đã là thành viên".into(),
        });
    }
    // 244 random bits (two v4 UUIDs); only its SHA-256 is stored.
    let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let expires_at = state.clock.now() + Duration::days(INVITATION_DAYS);
    let invitation =
        db::members::invite(&mut tx, id, &email, role, &token, owner.id, expires_at).await?;
    let (producer_name, _) = db::producers::name_and_slug(&mut *tx, id).await?;
    super::notify::invitation(
        &mut tx,
        state.base_url(),
        super::notify::Invitation {
            to: email.as_str(),
            producer_name: &producer_name,
            inviter: &owner.display_name,
            owner: role == MemberRole::Owner,
            token: &token,
            expires_on: expires_at
                .with_timezone(&crate::clock::vietnam())
                .date_naive(),
        },
    )
    .await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(owner.id),
            action: AuditAction::ProducerInviteMember,
            entity_id: id.to_string(),
            reason: None,
            before: None,
            after: Some(
                json!({ "invitation_id": invitation, "email": email.as_str(), "role": role }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(InvitationSent {
        id: invitation,
        email: email.as_str().to_owned(),
        role,
        expires_at,
    })
}

/// Members see who belongs to their producer and who is invited.
pub async fn list(state: &AppState, user: Option<&User>, slug: &str) -> AppResult<MemberList> {
    let id = producer_id(state, slug).await?;
    require(user, Rule::MemberOf(id))?;
    Ok(MemberList {
        producer_id: id,
        members: db::members::members(&state.db, id).await?,
        invitations: db::members::pending(&state.db, id, state.clock.now()).await?,
    })
}

/// What the invitation link shows: the producer and the role. Unknown, used and expired links
/// are all `NotFound`: a link says nothing once it no longer works.
pub async fn show_invitation(state: &AppState, token: &str) -> AppResult<InvitationView> {
    let invitation = db::members::by_token(&state.db, token)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.expires_at > state.clock.now())
        .ok_or(AppError::NotFound)?;
    Ok(InvitationView {
        role: invitation.role(),
        producer_name: invitation.producer_name,
        producer_slug: invitation.producer_slug,
        expires_at: invitation.expires_at,
    })
}

/// The invited person joins: signed in, with the account of the invited address. Someone else
/// holding the link is refused (403) without learning the address.
pub async fn accept(state: &AppState, user: Option<&User>, token: &str) -> AppResult<Joined> {
    let user = require(user, Rule::SignedIn)?;
    let mut tx = state.db.begin().await?;
    let invitation = db::members::by_token_for_update(&mut tx, token)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.expires_at > state.clock.now())
        .ok_or(AppError::NotFound)?;
    if !invitation.email.eq_ignore_ascii_case(&user.email) {
        return Err(AppError::Forbidden(
            "lời mời này gửi đến một địa chỉ email khác; hãy đăng nhập bằng tài khoản của email được mời".into(),
        ));
    }
    let role = invitation.role();
    if !db::users::add_member(&mut *tx, invitation.producer_id, user.id, role).await? {
        return Err(AppError::Conflict {
            code: "already_member",
            message: "bạn đã là thành viên của cơ sở này".into(),
        });
    }
    db::members::mark_accepted(&mut tx, invitation.id, user.id, state.clock.now()).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: AuditAction::ProducerAcceptInvitation,
            entity_id: invitation.producer_id.to_string(),
            reason: None,
            before: None,
            after: Some(
                json!({ "invitation_id": invitation.id, "user_id": user.id, "role": role }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Joined {
        producer_id: invitation.producer_id,
        producer_slug: invitation.producer_slug,
        role,
    })
}

/// Owners remove a member; any member may remove themself (leave). The last owner cannot be
/// removed (`last_owner`, 409): a producer always has someone who can manage it.
pub async fn remove(
    state: &AppState,
    user: Option<&User>,
    slug: &str,
    member: Uuid,
) -> AppResult<()> {
    let id = producer_id(state, slug).await?;
    let actor = require(user, Rule::MemberOf(id))?;
    if actor.id != member {
        require(user, Rule::OwnerOf(id))?;
    }
    let mut tx = state.db.begin().await?;
    // Checked again on the locked rows: the requester's own membership may have just changed.
    let roles = db::members::roles_for_update(&mut tx, id).await?;
    let role_of = |who: Uuid| roles.iter().find(|(u, _)| *u == who).map(|(_, r)| *r);
    let allowed = match role_of(actor.id) {
        Some(MemberRole::Owner) => true,
        Some(MemberRole::Member) => actor.id == member,
        None => false,
    };
    if !allowed {
        return Err(AppError::Forbidden(
            "không có quyền thực hiện thao tác này".into(),
        ));
    }
    let role = role_of(member).ok_or(AppError::NotFound)?;
    let owners = roles
        .iter()
        .filter(|(_, r)| *r == MemberRole::Owner)
        .count();
    if role == MemberRole::Owner && owners <= 1 {
        return Err(AppError::Conflict {
            code: "last_owner",
            message: "cơ sở cần ít nhất một chủ; hãy mời thêm một chủ cơ sở trước".into(),
        });
    }
    db::members::remove(&mut tx, id, member).await?;
    db::audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(actor.id),
            action: AuditAction::ProducerRemoveMember,
            entity_id: id.to_string(),
            reason: None,
            before: Some(json!({ "user_id": member, "role": role })),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
