//! Who hears about what, queued in the transaction of the event itself: the buyer (the order's
//! e-mail address, or the account's) on placing, each status change and payment; the producer's
//! members on a new order and on the daily certificate reminders; an invited address on its
//! invitation. Accounts that switched a kind of mail off get none of it; every account's mail
//! carries its unsubscribe link.

use chrono::NaiveDate;
use frontend::api::{CertificateReminder, Order};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db;
use crate::db::mail::{OutgoingMail, Recipient, Topic};
use crate::mail::compose::{self, Rendered};

/// The page that switches mail off for the account holding `token`.
pub fn unsubscribe_url(base: &str, token: &str) -> String {
    format!("{base}/thong-bao/huy/{token}")
}

fn outgoing(
    kind: &'static str,
    to: &str,
    user: Option<&Recipient>,
    rendered: Rendered,
    base: &str,
    order_id: Option<Uuid>,
) -> OutgoingMail {
    OutgoingMail {
        kind,
        recipient: to.to_owned(),
        user_id: user.map(|u| u.user_id),
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        unsubscribe_url: user.map(|u| unsubscribe_url(base, &u.unsubscribe_token)),
        order_id,
        digest: None,
    }
}

/// The buyer's mail about an order: to the address given with the order, else the account's;
/// none when the account switched order mail off or a guest gave no address. Guests get their
/// secret link; account holders the plain one (they sign in).
async fn to_buyer(
    db: &mut PgConnection,
    base: &str,
    order: &Order,
    buyer: Option<Uuid>,
    kind: &'static str,
    render: fn(&Order, &str, Option<&str>) -> Rendered,
) -> anyhow::Result<Option<OutgoingMail>> {
    let order_id = Uuid::parse_str(&order.id)?;
    let account = match buyer {
        Some(user) => match db::mail::user_recipient(db, user, Topic::OrderUpdates).await? {
            Some(r) => Some(r),
            None => return Ok(None),
        },
        None => None,
    };
    let Some(to) = order
        .delivery
        .email
        .clone()
        .or_else(|| account.as_ref().map(|a| a.email.clone()))
    else {
        return Ok(None);
    };
    let link = match (&account, &order.access_token) {
        (None, Some(token)) => format!("{base}/don-hang/{}?token={token}", order.code),
        _ => format!("{base}/don-hang/{}", order.code),
    };
    let unsubscribe = account
        .as_ref()
        .map(|a| unsubscribe_url(base, &a.unsubscribe_token));
    let rendered = render(order, &link, unsubscribe.as_deref());
    Ok(Some(outgoing(
        kind,
        &to,
        account.as_ref(),
        rendered,
        base,
        Some(order_id),
    )))
}

/// The order as its buyer's mail shows it (with the secret token for the guest link).
async fn buyer_view(db: &mut PgConnection, order_id: Uuid) -> anyhow::Result<Order> {
    db::orders::load(db, &[order_id], true)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("order {order_id} vanished"))
}

/// A checkout's orders: the buyer's confirmation of each, and a new-order message to each
/// producer's members.
pub async fn orders_placed(
    db: &mut PgConnection,
    base: &str,
    orders: &[Order],
    buyer: Option<Uuid>,
) -> anyhow::Result<()> {
    let mut mails = Vec::new();
    for order in orders {
        let order_id = Uuid::parse_str(&order.id)?;
        if let Some(mail) = to_buyer(
            db,
            base,
            order,
            buyer,
            "order_placed",
            compose::order_placed,
        )
        .await?
        {
            mails.push(mail);
        }
        let producer = db::orders::producer_of(&mut *db, order_id).await?;
        let link = format!(
            "{base}/quan-ly/{}/don-hang/{}",
            order.producer.slug, order.code
        );
        for member in db::mail::producer_recipients(db, producer, Topic::NewOrders).await? {
            let unsubscribe = unsubscribe_url(base, &member.unsubscribe_token);
            let rendered = compose::order_new(order, &link, Some(&unsubscribe));
            mails.push(outgoing(
                "order_new",
                &member.email,
                Some(&member),
                rendered,
                base,
                Some(order_id),
            ));
        }
    }
    db::mail::enqueue(db, &mails).await?;
    Ok(())
}

/// The buyer hears of each step (confirmed, shipping, delivered, cancelled).
pub async fn status_changed(
    db: &mut PgConnection,
    base: &str,
    order_id: Uuid,
    buyer: Option<Uuid>,
) -> anyhow::Result<()> {
    let order = buyer_view(db, order_id).await?;
    if let Some(mail) = to_buyer(
        db,
        base,
        &order,
        buyer,
        "order_status",
        compose::order_status,
    )
    .await?
    {
        db::mail::enqueue(db, &[mail]).await?;
    }
    Ok(())
}

/// The buyer hears that the money arrived.
pub async fn paid(
    db: &mut PgConnection,
    base: &str,
    order_id: Uuid,
    buyer: Option<Uuid>,
) -> anyhow::Result<()> {
    let order = buyer_view(db, order_id).await?;
    if let Some(mail) = to_buyer(db, base, &order, buyer, "order_paid", compose::order_paid).await?
    {
        db::mail::enqueue(db, &[mail]).await?;
    }
    Ok(())
}

/// A producer's daily certificate reminders, to each member who wants them.
pub async fn certificate_digest(
    db: &mut PgConnection,
    base: &str,
    producer: Uuid,
    day: NaiveDate,
    reminders: &[CertificateReminder],
) -> anyhow::Result<()> {
    let (name, slug) = db::producers::name_and_slug(&mut *db, producer).await?;
    let link = format!("{base}/quan-ly/{slug}");
    let mut mails = Vec::new();
    for member in db::mail::producer_recipients(db, producer, Topic::CertificateReminders).await? {
        let unsubscribe = unsubscribe_url(base, &member.unsubscribe_token);
        let rendered = compose::certificate_digest(&name, reminders, &link, Some(&unsubscribe));
        let mut mail = outgoing(
            "certificate_digest",
            &member.email,
            Some(&member),
            rendered,
            base,
            None,
        );
        mail.digest = Some((producer, day));
        mails.push(mail);
    }
    db::mail::enqueue(db, &mails).await?;
    Ok(())
}

/// An invitation to join a producer, as its mail tells it.
pub struct Invitation<'a> {
    pub to: &'a str,
    pub producer_name: &'a str,
    pub inviter: &'a str,
    pub owner: bool,
    pub token: &'a str,
    pub expires_on: NaiveDate,
}

/// An invitation to join a producer, to the invited address (which may have no account yet, so
/// the message carries no account's unsubscribe link).
pub async fn invitation(
    db: &mut PgConnection,
    base: &str,
    invitation: Invitation<'_>,
) -> anyhow::Result<()> {
    let link = format!("{base}/loi-moi/{}", invitation.token);
    let rendered = compose::invitation(
        invitation.producer_name,
        invitation.inviter,
        invitation.owner,
        &link,
        &invitation.expires_on.format("%Y-%m-%d").to_string(),
    );
    let mail = outgoing("invitation", invitation.to, None, rendered, base, None);
    db::mail::enqueue(db, &[mail]).await?;
    Ok(())
}
