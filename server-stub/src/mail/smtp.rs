//! [`SmtpMailer`]: delivers outbox emails to the SMTP server of the `[mail]` section. One
//! connection per email (they are rare: an offline rep invited), secured as configured —
//! STARTTLS or implicit TLS through rustls, checked against the operating system's trust
//! store — or plain for a relay on the same machine.

use super::config::{MailConfig, MailTls};
use super::{MailError, Mailer};
use crate::store::OutboxEmail;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// How long one SMTP command may take before the attempt counts as failed (and is retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends outbox emails over SMTP, from the configured `from` address.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// A sender for `config`. Connects only when sending, so a mail server that is down at
    /// start is not an error here (the worker retries).
    pub fn new(config: &MailConfig) -> Result<SmtpMailer, MailError> {
        let host = config.smtp_host.as_str();
        let setup = |error: lettre::transport::smtp::Error| MailError::Setup(error.to_string());
        let builder = match config.tls {
            MailTls::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            MailTls::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(setup)?
            }
            MailTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(setup)?,
        };
        let mut builder = builder.port(config.smtp_port).timeout(Some(SMTP_TIMEOUT));
        if let Some(login) = &config.credentials {
            builder = builder.credentials(Credentials::new(
                login.username.clone(),
                login.password.expose().to_owned(),
            ));
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from: config.from.clone(),
        })
    }

    /// The message for an outbox row: plain text, from the configured sender. Its
    /// Message-ID comes from the row, so a copy sent again (after a crash between sending
    /// and marking it sent) has the same id and mail clients can tell it is the same email.
    pub fn message(&self, email: &OutboxEmail) -> Result<Message, MailError> {
        let to: Mailbox = email.to.parse().map_err(|error| MailError::Address {
            address: email.to.clone(),
            reason: format!("{error}"),
        })?;
        let message_id = format!(
            "<switchboard.outbox.{}.{}@{}>",
            email.id,
            email.created_at,
            self.from.email.domain()
        );
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(message_id))
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone())
            .map_err(|error| MailError::Build(error.to_string()))
    }
}

impl Mailer for SmtpMailer {
    async fn send(&self, email: &OutboxEmail) -> Result<(), MailError> {
        let message = self.message(email)?;
        match self.transport.send(message).await {
            Ok(_response) => Ok(()),
            Err(error) if error.is_permanent() => Err(MailError::Rejected(error.to_string())),
            Err(error) => Err(MailError::Unavailable(error.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn mailer() -> SmtpMailer {
        let config = Config::from_toml(
            "[mail]\nsmtp_host = '127.0.0.1'\nsmtp_port = 2525\ntls = 'none'\n\
             from = 'Switchboard <switchboard@example.com>'",
        )
        .unwrap();
        SmtpMailer::new(config.mail.as_ref().unwrap()).unwrap()
    }

    fn email(to: &str) -> OutboxEmail {
        OutboxEmail {
            id: 7,
            rep: "dave".to_owned(),
            to: to.to_owned(),
            subject: "Alice invites you to a support session".to_owned(),
            body: "Alice invites you to join session 3 with Rex.".to_owned(),
            created_at: 1_700_000_000_000,
        }
    }

    /// The message has the configured sender, the rep as recipient, the outbox subject and
    /// body, and a Message-ID derived from the outbox row.
    #[test]
    fn message_from_an_outbox_row() {
        let message = mailer().message(&email("dave@example.com")).unwrap();
        let envelope = message.envelope();
        assert_eq!(
            envelope.from().map(ToString::to_string).as_deref(),
            Some("switchboard@example.com")
        );
        let to: Vec<String> = envelope.to().iter().map(ToString::to_string).collect();
        assert_eq!(to, ["dave@example.com"]);
        let text = String::from_utf8(message.formatted()).unwrap();
        assert!(
            text.contains("Subject: Alice invites you to a support session\r\n"),
            "{text}"
        );
        assert!(
            text.contains("Message-ID: <switchboard.outbox.7.1700000000000@example.com>\r\n"),
            "{text}"
        );
        assert!(
            text.contains("Alice invites you to join session 3 with Rex."),
            "{text}"
        );
    }

    /// A recipient that is not an address is a permanent error (retrying cannot help).
    #[test]
    fn bad_recipient_is_permanent() {
        let error = mailer().message(&email("dave at example")).unwrap_err();
        assert!(matches!(error, MailError::Address { .. }), "{error:?}");
        assert!(error.is_permanent());
        assert!(!MailError::Unavailable("451".to_owned()).is_permanent());
    }

    /// The TLS modes build (certificates are checked only when connecting).
    #[test]
    fn every_tls_mode_builds() {
        for tls in ["none", "starttls", "tls"] {
            let config = Config::from_toml(&format!(
                "[mail]\nsmtp_host = 'smtp.example.com'\ntls = '{tls}'\nfrom = 'sb@example.com'"
            ))
            .unwrap();
            SmtpMailer::new(config.mail.as_ref().unwrap()).unwrap();
        }
    }
}
