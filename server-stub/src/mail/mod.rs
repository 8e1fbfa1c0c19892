//! Sending the extended-availability emails. The router never talks to a mail server: it
//! writes each email to the store's outbox (`StoreOp::Email`, committed with the invitation),
//! and this module takes them out of there and hands them to a [`Mailer`]. So an invitation
//! never waits on a mail server, and an email survives restarts until it is sent.
//!
//! - [`config`]: the `[mail]` configuration section.
//! - [`smtp`]: [`SmtpMailer`], the SMTP sender (lettre over tokio, rustls for TLS).
//! - [`worker`]: the task that drains the outbox and retries with backoff.
//!
//! [`start`] is what the server calls: with no `[mail]` section there is no sender and
//! the emails stay in the outbox table.

pub mod config;
pub mod smtp;
pub mod worker;

use crate::store::{OutboxEmail, Store};
pub use config::MailConfig;
pub use smtp::SmtpMailer;
use tokio::sync::watch;
use tokio::task::JoinHandle;
pub use worker::RetryPolicy;

/// Something that can deliver an outbox email: the SMTP sender, or a test double. `Ok`
/// means the email is delivered (or accepted for delivery) and may be marked sent.
///
/// Implementations may write `async fn send(..)`; the future must be `Send` because the
/// worker runs on the multi-threaded runtime.
pub trait Mailer: Send + Sync + 'static {
    fn send(&self, email: &OutboxEmail) -> impl Future<Output = Result<(), MailError>> + Send;
}

/// Why an email was not delivered. Text from outside the process (addresses, server
/// replies) is shown escaped, so a log line cannot be split by what a server answered.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address in the email cannot be used; trying again will not help.
    #[error("{address:?} is not a usable email address: {reason}")]
    Address { address: String, reason: String },
    /// The email could not be put together (headers, encoding); trying again will not help.
    #[error("the email could not be built: {0:?}")]
    Build(String),
    /// The mail server refused the email for good (a 5xx reply).
    #[error("the mail server refused the email: {0:?}")]
    Rejected(String),
    /// The mail server could not take the email now (unreachable, timeout, a 4xx reply).
    #[error("the mail server could not take the email now: {0:?}")]
    Unavailable(String),
    /// The sender could not be set up from the configuration.
    #[error("the mail sender could not be set up: {0:?}")]
    Setup(String),
}

impl MailError {
    /// Whether trying the same email again cannot succeed (until the configuration or the
    /// email changes).
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            MailError::Address { .. } | MailError::Build(_) | MailError::Rejected(_)
        )
    }
}

/// Starts the outbox worker with an SMTP sender if `config` has a `[mail]` section; it
/// stops when `shutdown` turns true. `None`: no sender (logged once), emails stay queued.
pub fn start(
    config: Option<&MailConfig>,
    store: Store,
    shutdown: watch::Receiver<bool>,
) -> Result<Option<JoinHandle<()>>, MailError> {
    let Some(config) = config else {
        tracing::info!("no [mail] section: extended-availability emails stay in the outbox table");
        return Ok(None);
    };
    let mailer = SmtpMailer::new(config)?;
    tracing::info!(
        host = ?config.smtp_host,
        port = config.smtp_port,
        tls = config.tls.as_str(),
        from = ?config.from.to_string(),
        "extended-availability emails are sent over SMTP"
    );
    Ok(Some(tokio::spawn(worker::run(
        mailer,
        store,
        RetryPolicy::from_config(config),
        worker::POLL_INTERVAL,
        shutdown,
    ))))
}
