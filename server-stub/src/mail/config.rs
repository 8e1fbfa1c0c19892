//! The `[mail]` configuration section: which SMTP server takes the extended-availability
//! emails, and how. It lives beside the mailer rather than in `config.rs` so the SMTP
//! knowledge (address syntax, TLS modes, default ports) stays in one module; `config.rs`
//! only holds the parsed section and calls [`RawMail::validate`].

use crate::config::{ConfigError, RepConfig};
use lettre::Address;
use lettre::message::Mailbox;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use switchboard_protocol::RepId;

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum MailTls {
    /// No encryption (a local relay or a test sink). Default port 25.
    #[serde(rename = "none")]
    Plain,
    /// Plain connection upgraded with STARTTLS, which must succeed. Default port 587.
    #[default]
    #[serde(rename = "starttls")]
    StartTls,
    /// TLS from the first byte (SMTPS). Default port 465.
    #[serde(rename = "tls")]
    Tls,
}

impl MailTls {
    /// The name used in the configuration file.
    pub fn as_str(self) -> &'static str {
        match self {
            MailTls::Plain => "none",
            MailTls::StartTls => "starttls",
            MailTls::Tls => "tls",
        }
    }

    /// The usual port for this mode.
    fn default_port(self) -> u16 {
        match self {
            MailTls::Plain => 25,
            MailTls::StartTls => 587,
            MailTls::Tls => 465,
        }
    }
}

/// A password from the configuration. Its `Debug` does not show it, so logging or
/// printing the configuration cannot leak it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    /// The password itself, for the SMTP login only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// An SMTP login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailCredentials {
    pub username: String,
    pub password: Password,
}

/// The validated `[mail]` section: where extended-availability emails are sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    pub smtp_host: String,
    pub smtp_port: u16,
    pub tls: MailTls,
    /// `None`: the server takes mail without a login (a local relay).
    pub credentials: Option<MailCredentials>,
    /// The sender of every email; parsed here so a typo fails at start, not at the first send.
    pub from: Mailbox,
    /// Wait before retrying an email the SMTP server did not take; doubles on each failure.
    pub retry_first_secs: u64,
    /// The longest wait between two tries of one email.
    pub retry_max_secs: u64,
}

/// `[mail]` as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMail {
    smtp_host: String,
    smtp_port: Option<u16>,
    #[serde(default)]
    tls: MailTls,
    username: Option<String>,
    password: Option<Password>,
    from: String,
    #[serde(default = "default_retry_first_secs")]
    retry_first_secs: u64,
    #[serde(default = "default_retry_max_secs")]
    retry_max_secs: u64,
}

fn default_retry_first_secs() -> u64 {
    5
}

fn default_retry_max_secs() -> u64 {
    600
}

fn invalid(message: String) -> ConfigError {
    ConfigError::Invalid(format!("[mail] {message}"))
}

/// Whether `host` names this machine, where a password may travel unencrypted.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl RawMail {
    /// Checks the section; `reps` are checked too, since each rep's `email` becomes a
    /// recipient once mail is configured.
    pub(crate) fn validate(
        self,
        reps: &BTreeMap<RepId, RepConfig>,
    ) -> Result<MailConfig, ConfigError> {
        let host = self.smtp_host.trim();
        if host.is_empty()
            || host.len() > 253
            || host.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid(format!(
                "smtp_host {:?} must be a host name or an IP address",
                self.smtp_host
            )));
        }
        let smtp_port = self.smtp_port.unwrap_or(self.tls.default_port());
        if smtp_port == 0 {
            return Err(invalid("smtp_port must be between 1 and 65535".to_owned()));
        }
        let credentials = match (self.username, self.password) {
            (None, None) => None,
            (Some(username), Some(password)) if !username.is_empty() => {
                Some(MailCredentials { username, password })
            }
            (Some(_), Some(_)) => return Err(invalid("username is empty".to_owned())),
            (Some(_), None) | (None, Some(_)) => {
                return Err(invalid(
                    "username and password go together: give both or neither".to_owned(),
                ));
            }
        };
        if credentials.is_some() && self.tls == MailTls::Plain && !is_loopback(host) {
            return Err(invalid(format!(
                "tls = \"none\" would send the password to {host:?} unencrypted; \
                 use tls = \"starttls\" or \"tls\""
            )));
        }
        let from: Mailbox = self.from.parse().map_err(|error| {
            invalid(format!(
                "from {:?} is not an email address ({error}); write e.g. \
                 \"Switchboard <switchboard@example.com>\"",
                self.from
            ))
        })?;
        if self.retry_first_secs == 0 || self.retry_max_secs < self.retry_first_secs {
            return Err(invalid(
                "retry_first_secs must be positive and at most retry_max_secs".to_owned(),
            ));
        }
        for rep in reps.values() {
            if let Some(email) = &rep.email
                && let Err(error) = email.parse::<Address>()
            {
                return Err(invalid(format!(
                    "rep `{}` has email {email:?}, which is not an address emails can be sent to ({error})",
                    rep.id
                )));
            }
        }
        Ok(MailConfig {
            smtp_host: host.to_owned(),
            smtp_port,
            tls: self.tls,
            credentials,
            from,
            retry_first_secs: self.retry_first_secs,
            retry_max_secs: self.retry_max_secs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    const REP: &str =
        "[[reps]]\nid = 'dave'\nname = 'Dave'\npassword = 'x'\nemail = 'dave@example.com'\n";

    fn parse(mail: &str) -> Result<Config, ConfigError> {
        Config::from_toml(&format!("{REP}\n[mail]\n{mail}"))
    }

    /// Without a `[mail]` section nothing is configured (emails stay in the outbox).
    #[test]
    fn no_mail_section_means_no_sender() {
        assert_eq!(Config::from_toml(REP).unwrap().mail, None);
        assert_eq!(Config::demo().unwrap().mail, None);
    }

    /// A minimal section gets STARTTLS on port 587 and the documented retry times; the
    /// port follows the TLS mode unless given.
    #[test]
    fn mail_section_defaults() {
        let mail = parse("smtp_host = 'smtp.example.com'\nfrom = 'Switchboard <sb@example.com>'")
            .unwrap()
            .mail
            .unwrap();
        assert_eq!(mail.smtp_host, "smtp.example.com");
        assert_eq!((mail.tls, mail.smtp_port), (MailTls::StartTls, 587));
        assert_eq!(mail.credentials, None);
        assert_eq!(mail.from.email.to_string(), "sb@example.com");
        assert_eq!(mail.from.name.as_deref(), Some("Switchboard"));
        assert_eq!((mail.retry_first_secs, mail.retry_max_secs), (5, 600));

        for (tls, port) in [("none", 25), ("starttls", 587), ("tls", 465)] {
            let mail = parse(&format!(
                "smtp_host = 'mx'\nfrom = 'sb@example.com'\ntls = '{tls}'"
            ))
            .unwrap()
            .mail
            .unwrap();
            assert_eq!((mail.tls.as_str(), mail.smtp_port), (tls, port));
        }
    }

    /// Credentials are kept, and printing the configuration does not show the password.
    #[test]
    fn password_is_not_printed() {
        let config = parse(
            "smtp_host = 'smtp.example.com'\nsmtp_port = 2587\nfrom = 'sb@example.com'\n\
             username = 'switchboard'\npassword = 'hunter2-secret'",
        )
        .unwrap();
        let mail = config.mail.as_ref().unwrap();
        let credentials = mail.credentials.as_ref().unwrap();
        assert_eq!(credentials.username, "switchboard");
        assert_eq!(credentials.password.expose(), "hunter2-secret");
        assert_eq!(mail.smtp_port, 2587);
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    /// Bad `[mail]` sections are refused with a message naming the problem.
    #[test]
    fn bad_mail_sections_are_refused() {
        let cases = [
            (
                "smtp_host = 'mx'\nfrom = 'not an address'",
                "is not an email address",
            ),
            (
                "smtp_host = 'mx'\nfrom = \"a@b\\nBcc: x@y\"",
                "is not an email address",
            ),
            ("smtp_host = ''\nfrom = 'sb@example.com'", "smtp_host"),
            (
                "smtp_host = 'mx host'\nfrom = 'sb@example.com'",
                "smtp_host",
            ),
            (
                "smtp_host = 'mx'\nsmtp_port = 0\nfrom = 'sb@example.com'",
                "smtp_port",
            ),
            (
                "smtp_host = 'mx'\nfrom = 'sb@example.com'\ntls = 'ssl'",
                "unknown variant",
            ),
            (
                "smtp_host = 'mx'\nfrom = 'sb@example.com'\nusername = 'u'",
                "go together",
            ),
            (
                "smtp_host = 'mx'\nfrom = 'sb@example.com'\npassword = 'p'",
                "go together",
            ),
            (
                "smtp_host = 'mx.example.com'\nfrom = 'sb@example.com'\ntls = 'none'\nusername = 'u'\npassword = 'p'",
                "unencrypted",
            ),
            (
                "smtp_host = 'mx'\nfrom = 'sb@example.com'\nretry_first_secs = 0",
                "retry_first_secs",
            ),
            (
                "smtp_host = 'mx'\nfrom = 'sb@example.com'\nretry_first_secs = 60\nretry_max_secs = 30",
                "retry_first_secs",
            ),
            (
                "smtp_host = 'mx'\nfrom = 'sb@example.com'\nport = 25",
                "unknown field",
            ),
            ("from = 'sb@example.com'", "missing field"),
        ];
        for (mail, expected) in cases {
            let err = parse(mail).unwrap_err().to_string();
            assert!(err.contains(expected), "{mail:?} gave {err:?}");
        }
    }

    /// A password may go unencrypted to a relay on this machine only.
    #[test]
    fn plain_login_only_on_loopback() {
        for host in ["localhost", "127.0.0.1", "::1", "[::1]"] {
            let mail = format!(
                "smtp_host = '{host}'\nfrom = 'sb@example.com'\ntls = 'none'\nusername = 'u'\npassword = 'p'"
            );
            assert!(parse(&mail).is_ok(), "{host}");
        }
    }

    /// With mail configured, a rep email that cannot be a recipient is a configuration error.
    #[test]
    fn rep_emails_are_checked_when_mail_is_configured() {
        let text = "[[reps]]\nid = 'eve'\nname = 'Eve'\npassword = 'x'\nemail = 'eve at example'\n";
        assert!(Config::from_toml(text).is_ok(), "no mail: not checked");
        let err = Config::from_toml(&format!(
            "{text}\n[mail]\nsmtp_host = 'mx'\nfrom = 'sb@example.com'"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("rep `eve`"), "{err}");
    }
}
