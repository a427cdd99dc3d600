//! Outgoing e-mail: the messages (`compose`), and the worker that every instance runs to send
//! the outbox through SMTP (`worker`). Without `APP__MAIL__SMTP_URL` and `APP__MAIL__FROM` the
//! worker logs each message and marks it not sent, and `/readyz` says so.

pub mod compose;
pub mod worker;

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::MailSettings;

/// How mail leaves this instance.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: Arc<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
        /// `smtp://host:port` without credentials, for `/readyz` and logs.
        server: String,
    },
    /// Nothing configured (or configured wrongly): why, in the operator's words.
    Disabled(String),
}

/// How long one conversation with the SMTP server may take before it counts as failed (the
/// worker holds the message's row lock meanwhile).
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

impl Mailer {
    /// From the settings; a wrong URL or address disables mail (logged) rather than stopping
    /// the marketplace.
    pub fn from_settings(settings: &MailSettings) -> Mailer {
        let (Some(url), Some(from)) = (&settings.smtp_url, &settings.from) else {
            return Mailer::Disabled("APP__MAIL__SMTP_URL and APP__MAIL__FROM are not set".into());
        };
        let from = match from.parse::<Mailbox>() {
            Ok(from) => from,
            Err(error) => return Mailer::Disabled(format!("APP__MAIL__FROM is invalid: {error}")),
        };
        let url = url.expose_secret();
        match AsyncSmtpTransport::<Tokio1Executor>::from_url(url) {
            Ok(builder) => Mailer::Smtp {
                transport: Arc::new(builder.timeout(Some(SMTP_TIMEOUT)).build()),
                from,
                server: redact(url),
            },
            Err(error) => Mailer::Disabled(format!("APP__MAIL__SMTP_URL is invalid: {error}")),
        }
    }

    /// What `/readyz` shows: the server (without credentials), or why mail is off.
    pub fn describe(&self) -> (bool, String) {
        match self {
            Mailer::Smtp { server, .. } => (true, server.clone()),
            Mailer::Disabled(why) => (false, why.clone()),
        }
    }
}

/// `smtps://user:pass@host:465/?tls=required` → `smtps://host:465`.
fn redact(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("smtp", url));
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_reach_the_description() {
        assert_eq!(
            redact("smtps://user:p%40ss@mail.example.vn:465/?tls=required"),
            "smtps://mail.example.vn:465"
        );
        assert_eq!(redact("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
    }

    #[test]
    fn missing_settings_disable_mail_and_say_why() {
        let mailer = Mailer::from_settings(&MailSettings::default());
        let (on, why) = mailer.describe();
        assert!(!on);
        assert!(why.contains("APP__MAIL__SMTP_URL"), "{why}");
    }
}
