//! The mail worker every instance runs: it claims one ready outbox row at a time with
//! `FOR UPDATE SKIP LOCKED`, sends it by SMTP while holding the row, and records `sent_at` (or
//! the error and a later try, with backoff) in the same transaction. Another instance skips a
//! held row and finds it sent once the holder commits, so each message goes out once.

use std::time::Duration;

use lettre::AsyncTransport;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message, MultiPart};
use sqlx::PgPool;

use super::Mailer;
use crate::db;
use crate::db::mail::QueuedMail;

/// How often an idle worker looks for new rows.
const IDLE_POLL: Duration = Duration::from_millis(250);

/// Backoff after `attempts` failures: 1 s, 2 s, 4 s … capped at `cap_secs`.
pub fn backoff_ms(attempts: i32, cap_secs: u64) -> i64 {
    let exp = attempts.clamp(0, 20) as u32;
    let cap = i64::try_from(cap_secs.max(1) * 1000).unwrap_or(i64::MAX);
    (1000_i64 << exp).min(cap)
}

/// What one round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    Idle,
    Sent,
    NotSent,
    Failed,
}

fn build(mail: &QueuedMail, from: &Mailbox) -> anyhow::Result<Message> {
    let mut builder = Message::builder()
        .from(from.clone())
        .to(mail.recipient.parse()?)
        .subject(mail.subject.clone());
    if let Some(url) = &mail.unsubscribe_url {
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    Ok(builder.multipart(MultiPart::alternative_plain_html(
        mail.body_text.clone(),
        mail.body_html.clone(),
    ))?)
}

/// Claims and handles one message.
pub async fn deliver_once(
    db: &PgPool,
    mailer: &Mailer,
    retry_cap_secs: u64,
) -> anyhow::Result<Round> {
    let mut tx = db.begin().await?;
    let Some(mail) = db::mail::claim_next(&mut tx).await? else {
        return Ok(Round::Idle);
    };
    let round = match mailer {
        Mailer::Disabled(why) => {
            tracing::info!(
                to = %mail.recipient, subject = %mail.subject, kind = %mail.kind,
                "mail not sent ({why}):\n{}", mail.body_text
            );
            db::mail::mark_not_sent(&mut tx, mail.id, why).await?;
            Round::NotSent
        }
        Mailer::Smtp {
            transport, from, ..
        } => {
            match build(&mail, from) {
                // An address no server would take: trying again cannot help.
                Err(error) => {
                    tracing::warn!(id = mail.id, to = %mail.recipient, %error, "mail cannot be built");
                    db::mail::mark_not_sent(&mut tx, mail.id, &error.to_string()).await?;
                    Round::NotSent
                }
                Ok(message) => match transport.send(message).await {
                    Ok(_) => {
                        db::mail::mark_sent(&mut tx, mail.id).await?;
                        Round::Sent
                    }
                    // The server refused this message for good (5xx: no such mailbox…).
                    Err(error) if error.is_permanent() => {
                        tracing::warn!(id = mail.id, to = %mail.recipient, %error, "mail refused");
                        db::mail::mark_not_sent(&mut tx, mail.id, &error.to_string()).await?;
                        Round::NotSent
                    }
                    Err(error) => {
                        let delay = backoff_ms(mail.attempts, retry_cap_secs);
                        tracing::warn!(id = mail.id, to = %mail.recipient, %error, delay_ms = delay,
                            "mail not delivered; will retry");
                        db::mail::retry_later(&mut tx, mail.id, delay, &error.to_string()).await?;
                        Round::Failed
                    }
                },
            }
        }
    };
    tx.commit().await?;
    Ok(round)
}

/// Sends until the task is dropped.
pub async fn run(db: PgPool, mailer: Mailer, retry_cap_secs: u64) {
    loop {
        match deliver_once(&db, &mailer, retry_cap_secs).await {
            Ok(Round::Sent | Round::NotSent) => {}
            Ok(Round::Idle | Round::Failed) => tokio::time::sleep(IDLE_POLL).await,
            Err(error) => {
                tracing::warn!(%error, "mail worker failed; will retry");
                tokio::time::sleep(IDLE_POLL).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        assert_eq!(backoff_ms(0, 300), 1000);
        assert_eq!(backoff_ms(3, 300), 8000);
        assert_eq!(backoff_ms(20, 300), 300_000);
        assert_eq!(backoff_ms(5, 2), 2000);
    }
}
