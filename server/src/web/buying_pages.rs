//! The buying pages' half of the UI port: the cart, checkout, order pages and the seller's sales
//! settings and inbox, read through the same `app::` commands the JSON API calls.

use frontend::api::{
    BackendError, BuyingBackend, CartAddition, CartPage, CheckoutPage, Choice, Order, OrderInbox,
    OrderPage, PlacedLink, ProducerRef, Request, SalesForm, SellerOrder,
};
use tower_sessions::Session;
use uuid::Uuid;

use super::buying::PLACED_KEY;
use super::workspace::{requester, take_flash};
use super::{PgBackend, internal, refused};
use crate::app::cart::CartOwner;
use crate::app::{self, AppError};
use crate::auth::{MemberRole, Requester};
use crate::db;
use crate::domain::order::OrderStatus;
use crate::state::AppState;

fn session(req: &Request) -> Result<Session, BackendError> {
    req.extensions
        .get::<Session>()
        .cloned()
        .ok_or(BackendError::Internal)
}

/// Why "Thêm vào giỏ" added nothing, in a few words to show beside the button (the product is
/// the one on screen, so it is not named). A server failure stays an error (logged).
fn addition_refused(error: AppError) -> Result<String, BackendError> {
    Ok(match error {
        AppError::Validation(fields) => fields.into_values().collect::<Vec<_>>().join("; "),
        AppError::OutOfStock(items) => match items.first() {
            Some(item) => format!(
                "Không đủ hàng: chỉ còn {} (bạn đặt {})",
                frontend::format::quantity_vi(&item.available),
                frontend::format::quantity_vi(&item.requested)
            ),
            None => "Không đủ hàng".to_owned(),
        },
        AppError::Forbidden(message) | AppError::Conflict { message, .. } => message,
        AppError::NotFound => "Sản phẩm này không còn bán".to_owned(),
        other => return Err(refused(other)),
    })
}

async fn who(state: &AppState, req: &Request) -> Result<(Requester, CartOwner), BackendError> {
    let requester = requester(state, req).await?;
    let owner =
        CartOwner::from_session(&requester.session, requester.user.as_ref().map(|u| u.id)).await;
    Ok((requester, owner))
}

/// The order's VietQR code as an SVG document, while a bank transfer is still awaited.
pub fn vietqr_svg(order: &Order) -> Option<String> {
    let qr = order.payment.vietqr.as_ref()?;
    if order.payment.status == "paid" || order.status == "cancelled" {
        return None;
    }
    let code =
        qrcode::QrCode::with_error_correction_level(qr.payload.as_bytes(), qrcode::EcLevel::M)
            .ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build(),
    )
}

/// The producer behind a workspace URL, if the requester is a member (owners only when asked).
async fn producer_of(
    state: &AppState,
    requester: &Requester,
    slug: &str,
    owners_only: bool,
) -> Result<ProducerRef, BackendError> {
    let user = requester.user.as_ref().ok_or(BackendError::Unauthorized)?;
    let card = db::catalog::producer_by_slug(&state.db, slug)
        .await
        .map_err(internal)?
        .ok_or(BackendError::NotFound)?;
    let id = Uuid::parse_str(&card.id).map_err(internal)?;
    match user.membership(id) {
        Some(MemberRole::Owner) => {}
        Some(_) if !owners_only => {}
        _ => return Err(BackendError::Forbidden),
    }
    Ok(ProducerRef {
        slug: card.slug,
        name: card.name,
    })
}

#[async_trait::async_trait]
impl BuyingBackend for PgBackend {
    async fn cart_page(&self, req: &Request) -> Result<CartPage, BackendError> {
        let (requester, owner) = who(&self.state, req).await?;
        let cart = app::cart::view(&self.state, owner).await.map_err(refused)?;
        Ok(CartPage {
            cart,
            form: take_flash(&requester.session).await,
        })
    }

    async fn cart_count(&self, req: &Request) -> Result<i64, BackendError> {
        let (_, owner) = who(&self.state, req).await?;
        Ok(app::cart::view(&self.state, owner)
            .await
            .map_err(refused)?
            .count)
    }

    async fn add_to_cart(
        &self,
        req: &Request,
        product_id: String,
        quantity: String,
    ) -> Result<CartAddition, BackendError> {
        let requester = requester(&self.state, req).await?;
        match super::buying::add(&self.state, &requester, &product_id, &quantity).await {
            Ok(cart) => Ok(CartAddition::Added { count: cart.count }),
            Err(error) => addition_refused(error).map(|message| CartAddition::Refused { message }),
        }
    }

    async fn checkout_page(&self, req: &Request) -> Result<CheckoutPage, BackendError> {
        let (requester, owner) = who(&self.state, req).await?;
        let cart = app::cart::view(&self.state, owner).await.map_err(refused)?;
        let communes = db::workspace::commune_choices(&self.state.db)
            .await
            .map_err(internal)?;
        let user = requester.user.as_ref();
        Ok(CheckoutPage {
            cart,
            communes,
            token: Uuid::new_v4().to_string(),
            name: user.map(|u| u.display_name.clone()).unwrap_or_default(),
            email: user.map(|u| u.email.clone()).unwrap_or_default(),
            form: take_flash(&requester.session).await,
        })
    }

    async fn placed_orders(&self, req: &Request) -> Result<Vec<PlacedLink>, BackendError> {
        // Kept (not taken) so a reload of the confirmation still shows the links.
        Ok(session(req)?
            .get::<Vec<PlacedLink>>(PLACED_KEY)
            .await
            .ok()
            .flatten()
            .unwrap_or_default())
    }

    async fn order_page(
        &self,
        req: &Request,
        code: String,
        token: Option<String>,
    ) -> Result<OrderPage, BackendError> {
        let requester = requester(&self.state, req).await?;
        let order = app::orders::get(
            &self.state,
            requester.user.as_ref(),
            &code,
            token.as_deref(),
        )
        .await
        .map_err(refused)?;
        let reviews = app::reviews::slots(&self.state, &order)
            .await
            .map_err(refused)?;
        Ok(OrderPage {
            reviews,
            qr_svg: vietqr_svg(&order),
            can_cancel: order.status == "pending",
            token,
            form: take_flash(&requester.session).await,
            order,
        })
    }

    async fn my_orders(&self, req: &Request) -> Result<Vec<Order>, BackendError> {
        let requester = requester(&self.state, req).await?;
        let (orders, _) = app::orders::mine(&self.state, requester.user.as_ref(), 1, 100)
            .await
            .map_err(refused)?;
        Ok(orders)
    }

    async fn sales_form(&self, req: &Request, slug: String) -> Result<SalesForm, BackendError> {
        let requester = requester(&self.state, req).await?;
        let producer = producer_of(&self.state, &requester, &slug, true).await?;
        let settings = app::sales::get(&self.state, requester.user.as_ref(), &slug)
            .await
            .map_err(refused)?;
        let banks = db::sales::banks(&self.state.db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|(bin, name)| Choice {
                label: format!("{name} ({bin})"),
                value: bin,
            })
            .collect();
        Ok(SalesForm {
            producer,
            settings,
            banks,
            form: take_flash(&requester.session).await,
        })
    }

    async fn order_inbox(
        &self,
        req: &Request,
        slug: String,
        status: String,
    ) -> Result<OrderInbox, BackendError> {
        let requester = requester(&self.state, req).await?;
        let producer = producer_of(&self.state, &requester, &slug, false).await?;
        let found = app::orders::of_producer(
            &self.state,
            requester.user.as_ref(),
            &slug,
            Some(status.as_str()),
            1,
            100,
        )
        .await
        .map_err(refused)?;
        Ok(OrderInbox {
            producer,
            orders: found.orders,
            counts: found.counts,
            status,
        })
    }

    async fn seller_order(
        &self,
        req: &Request,
        slug: String,
        code: String,
    ) -> Result<SellerOrder, BackendError> {
        let requester = requester(&self.state, req).await?;
        let producer = producer_of(&self.state, &requester, &slug, false).await?;
        let order = app::orders::get(&self.state, requester.user.as_ref(), &code, None)
            .await
            .map_err(refused)?;
        // Another producer's order is not found here, even for a member of both.
        if order.producer.slug != producer.slug {
            return Err(BackendError::NotFound);
        }
        let actions = order
            .status
            .parse::<OrderStatus>()
            .map(|s| s.next_for_seller())
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.as_str().to_owned())
            .collect();
        Ok(SellerOrder {
            producer,
            order,
            actions,
            form: take_flash(&requester.session).await,
        })
    }
}
