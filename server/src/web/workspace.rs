//! The workspace and sign-in pages' half of the UI port: who is asking (from the session), what
//! they may see, and the one-off form state a failed post left in the session.

use frontend::api::{
    ApplicationDto, BackendError, EditableProduct, FormState, LivestreamForm, ProducerDesk,
    ProducerForm, ProducerProfile, ProducerRef, ProductEditor, Request, SellerCertificate, Viewer,
};
use tower_sessions::Session;
use uuid::Uuid;

use super::internal;
use crate::auth::{AuthError, MemberRole, Requester, Role, Rule, User};
use crate::db;
use crate::db::livestreams::LivestreamFilter;
use crate::db::ocop_applications::ApplicationFilter;
use crate::db::product_page::ProductKey;
use crate::state::AppState;

/// The session key of a failed post's typed values and errors, read once by the next page.
pub const FLASH_KEY: &str = "form_flash";

pub(super) fn session(req: &Request) -> Result<Session, BackendError> {
    // The session layer wraps every route; a missing session is a wiring bug.
    req.extensions
        .get::<Session>()
        .cloned()
        .ok_or(BackendError::Internal)
}

pub(super) async fn requester(state: &AppState, req: &Request) -> Result<Requester, BackendError> {
    Requester::from_session(session(req)?, &state.db)
        .await
        .map_err(internal)
}

/// The same rules the JSON API states, answered in the UI's terms.
pub(super) fn allowed(requester: &Requester, rule: Rule) -> Result<&User, BackendError> {
    requester.require(rule).map_err(|error| match error {
        AuthError::Unauthorized => BackendError::Unauthorized,
        AuthError::Forbidden(_) => BackendError::Forbidden,
        other => internal(other),
    })
}

/// Takes (and forgets) what the last failed post left for its form.
pub(super) async fn take_flash(session: &Session) -> FormState {
    session
        .remove::<FormState>(FLASH_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// A producer's OCOP applications, newest first.
async fn applications(
    state: &AppState,
    producer_id: Uuid,
) -> Result<Vec<ApplicationDto>, BackendError> {
    let filter = ApplicationFilter {
        producer_id: Some(producer_id),
        limit: 200,
        ..ApplicationFilter::default()
    };
    let (mut rows, _) = db::ocop_applications::list(&state.db, &filter, state.today())
        .await
        .map_err(internal)?;
    rows.reverse();
    Ok(rows)
}

/// The producer behind a workspace URL, if the requester is one of its members.
async fn membership(
    state: &AppState,
    requester: &Requester,
    slug: &str,
) -> Result<(Uuid, MemberRole), BackendError> {
    allowed(requester, Rule::SignedIn)?;
    let id = db::catalog::producer_id_by_slug(&state.db, slug)
        .await
        .map_err(internal)?
        .ok_or(BackendError::NotFound)?;
    let user = allowed(requester, Rule::MemberOf(id))?;
    Ok((id, user.membership(id).unwrap_or(MemberRole::Member)))
}

pub async fn viewer(state: &AppState, req: &Request) -> Result<Option<Viewer>, BackendError> {
    let requester = requester(state, req).await?;
    let Some(user) = requester.user else {
        return Ok(None);
    };
    let producers = db::workspace::my_producers(&state.db, user.id)
        .await
        .map_err(internal)?;
    Ok(Some(Viewer {
        curator: user.has_role(Role::Curator) || user.has_role(Role::Admin),
        display_name: user.display_name,
        email: user.email,
        producers,
    }))
}

pub async fn auth_form(req: &Request) -> Result<FormState, BackendError> {
    Ok(take_flash(&session(req)?).await)
}

async fn profile(state: &AppState, slug: &str) -> Result<ProducerProfile, BackendError> {
    let card = db::catalog::producer_by_slug(&state.db, slug)
        .await
        .map_err(internal)?
        .ok_or(BackendError::NotFound)?;
    Ok(ProducerProfile {
        slug: card.slug,
        name: card.name,
        kind: card.kind,
        commune_code: card.commune.code.unwrap_or_default(),
        old_commune: card.commune.old_commune.unwrap_or_default(),
        old_district: card.commune.old_district.unwrap_or_default(),
        address: card.address.unwrap_or_default(),
        phone: card.phone.unwrap_or_default(),
        description: card.description,
    })
}

pub async fn producer_form(
    state: &AppState,
    req: &Request,
    slug: Option<String>,
) -> Result<ProducerForm, BackendError> {
    let requester = requester(state, req).await?;
    let profile = match slug {
        None => {
            allowed(&requester, Rule::SignedIn)?;
            None
        }
        Some(slug) => {
            // Only owners edit the profile (the API's rule for PATCH /producers/{slug}).
            let (id, _) = membership(state, &requester, &slug).await?;
            allowed(&requester, Rule::OwnerOf(id))?;
            Some(profile(state, &slug).await?)
        }
    };
    let communes = db::workspace::commune_choices(&state.db)
        .await
        .map_err(internal)?;
    Ok(ProducerForm {
        profile,
        communes,
        form: take_flash(&requester.session).await,
    })
}

pub async fn producer_desk(
    state: &AppState,
    req: &Request,
    slug: String,
) -> Result<ProducerDesk, BackendError> {
    let requester = requester(state, req).await?;
    let (id, role) = membership(state, &requester, &slug).await?;
    let profile = profile(state, &slug).await?;
    let products = db::workspace::stock_rows(&state.db, id, state.media_base())
        .await
        .map_err(internal)?;
    let members = db::workspace::members(&state.db, id)
        .await
        .map_err(internal)?;
    let view = state.view();
    let now = view.now;
    let filter = LivestreamFilter {
        producer: Some(id),
        include_cancelled: true,
        ..LivestreamFilter::default()
    };
    let rows = db::livestreams::list(&state.db, &filter, now, 50)
        .await
        .map_err(internal)?;
    let livestreams = db::livestreams::cards(&state.db, rows, &view)
        .await
        .map_err(internal)?;
    Ok(ProducerDesk {
        profile,
        role: match role {
            MemberRole::Owner => "owner",
            MemberRole::Member => "member",
        }
        .to_owned(),
        products,
        members,
        livestreams,
        reminders: db::certificates::reminders_for_producer(
            &state.db,
            id,
            state.today(),
            state.base_url(),
        )
        .await
        .map_err(internal)?,
        applications: applications(state, id).await?,
        form: take_flash(&requester.session).await,
    })
}

pub async fn product_editor(
    state: &AppState,
    req: &Request,
    slug: String,
    id: Option<String>,
) -> Result<ProductEditor, BackendError> {
    let requester = requester(state, req).await?;
    let (producer_id, _) = membership(state, &requester, &slug).await?;
    let mut certificate = None;
    let product = match id {
        None => None,
        Some(raw) => {
            let id: Uuid = raw.parse().map_err(|_| BackendError::NotFound)?;
            let detail =
                db::product_page::product_detail(&state.db, ProductKey::AnyId(id), &state.view())
                    .await
                    .map_err(internal)?
                    .ok_or(BackendError::NotFound)?;
            // A product of another producer is not found under this one's workspace.
            if detail.producer.id != producer_id.to_string() {
                return Err(BackendError::NotFound);
            }
            certificate = detail.ocop.clone().map(|ocop| {
                let days_left = ocop
                    .expires_on
                    .parse::<chrono::NaiveDate>()
                    .map(|end| (end - state.today()).num_days())
                    .unwrap_or(0);
                SellerCertificate {
                    verify_code: ocop
                        .verify_url
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    days_left,
                    detail: ocop,
                }
            });
            Some(EditableProduct {
                id: detail.id,
                slug: detail.slug,
                name: detail.name,
                category_code: detail.category.code,
                description: detail.description,
                price_vnd: detail.price_vnd,
                unit: detail.unit,
                stock: detail.stock,
                gi_slug: detail.gi.map(|gi| gi.slug).unwrap_or_default(),
                status: detail.status,
                images: detail.images,
            })
        }
    };
    let producer = profile(state, &slug).await?;
    let mut applications = applications(state, producer_id).await?;
    match &product {
        Some(p) => applications.retain(|a| a.product_id == p.id),
        None => applications.clear(),
    }
    let db = &state.db;
    Ok(ProductEditor {
        producer: ProducerRef {
            slug: producer.slug,
            name: producer.name,
        },
        product,
        categories: db::workspace::category_choices(db)
            .await
            .map_err(internal)?,
        units: db::workspace::unit_choices(db).await.map_err(internal)?,
        gis: db::workspace::gi_choices(db).await.map_err(internal)?,
        applications,
        certificate,
        form: take_flash(&requester.session).await,
    })
}

pub async fn livestream_form(
    state: &AppState,
    req: &Request,
    slug: String,
    id: Option<String>,
) -> Result<LivestreamForm, BackendError> {
    let requester = requester(state, req).await?;
    let (producer_id, _) = membership(state, &requester, &slug).await?;
    let producer = profile(state, &slug).await?;
    let livestream = match id {
        None => None,
        Some(raw) => {
            let id: Uuid = raw.parse().map_err(|_| BackendError::NotFound)?;
            // Only this producer's own livestreams are found under its workspace.
            let filter = LivestreamFilter {
                id: Some(id),
                producer: Some(producer_id),
                include_cancelled: true,
                ..LivestreamFilter::default()
            };
            let view = state.view();
            let now = view.now;
            let rows = db::livestreams::list(&state.db, &filter, now, 1)
                .await
                .map_err(internal)?;
            let found = db::livestreams::cards(&state.db, rows, &view)
                .await
                .map_err(internal)?
                .pop()
                .ok_or(BackendError::NotFound)?;
            Some(found)
        }
    };
    Ok(LivestreamForm {
        producer: ProducerRef {
            slug: producer.slug,
            name: producer.name,
        },
        livestream,
        products: db::workspace::pinnable_products(&state.db, producer_id)
            .await
            .map_err(internal)?,
        form: take_flash(&requester.session).await,
    })
}
