//! The HTTP half of a session: `POST /api/login` for a token, `POST /api/logout` to end it,
//! with every failure turned into a [`LoginError`] a person can read.

use super::LoginError;
use super::url::Endpoints;
use reqwest::StatusCode;
use std::fmt;
use std::time::Duration;
use switchboard_protocol::{HttpError, LoginRequest, LoginResponse, PROTOCOL_VERSION, RepId};

/// How long to wait for the TCP (and TLS) connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a login may take in all (password hashing on the server is slow on purpose).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Logging out is a courtesy; do not hold the actor up for long.
const LOGOUT_TIMEOUT: Duration = Duration::from_secs(3);
/// The wait to report when a 429 does not say how long.
const DEFAULT_RETRY_AFTER_SECS: u64 = 60;

/// A username and password, kept in memory only for logging in again after a token expires.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) username: String,
    pub(crate) password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// A successful login.
#[derive(Debug, Clone)]
pub(crate) struct Login {
    pub(crate) token: String,
    pub(crate) rep: RepId,
    pub(crate) display_name: String,
}

/// The server's HTTP API.
pub(crate) struct HttpApi {
    client: Result<reqwest::Client, String>,
}

impl HttpApi {
    /// A client verifying `https://` with `tls` (the platform's roots plus `--ca-file`).
    pub(crate) fn new(tls: &switchboard_tls::ClientTls) -> Self {
        let client = tls
            .reqwest_builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| format!("The HTTP client could not start: {e}"));
        Self { client }
    }

    /// Logs in; the token comes back with who the server says we are.
    #[tracing::instrument(level = "debug", skip_all, fields(url = %endpoints.http_base, user = %credentials.username))]
    pub(crate) async fn login(
        &self,
        endpoints: &Endpoints,
        credentials: &Credentials,
    ) -> Result<Login, LoginError> {
        let client = self
            .client
            .as_ref()
            .map_err(|e| LoginError::Other(e.clone()))?;
        let body = LoginRequest {
            username: credentials.username.clone(),
            password: credentials.password.clone(),
        };
        let response = client
            .post(endpoints.login())
            .json(&body)
            .send()
            .await
            .map_err(|e| transport_error(&e, &endpoints.http_base))?;
        let status = response.status();
        tracing::debug!(%status, "login answered");
        if status.is_success() {
            let answer: LoginResponse = response.json().await.map_err(|e| {
                LoginError::Other(format!("The server's login answer could not be read: {e}"))
            })?;
            if answer.protocol_version != PROTOCOL_VERSION {
                return Err(LoginError::VersionMismatch(format!(
                    "The server speaks protocol version {}; this console speaks {PROTOCOL_VERSION}.",
                    answer.protocol_version
                )));
            }
            return Ok(Login {
                token: answer.token,
                rep: answer.rep,
                display_name: answer.display_name,
            });
        }
        let header_wait = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let error: Option<HttpError> = response.json().await.ok();
        Err(match status {
            StatusCode::UNAUTHORIZED => LoginError::WrongPassword,
            StatusCode::TOO_MANY_REQUESTS => LoginError::RateLimited {
                retry_after_secs: error
                    .as_ref()
                    .and_then(|e| e.retry_after_secs)
                    .or(header_wait)
                    .unwrap_or(DEFAULT_RETRY_AFTER_SECS),
            },
            _ => LoginError::Other(match error {
                Some(error) => {
                    format!("The server refused the login ({status}): {}", error.message)
                }
                None => format!("The server refused the login ({status})."),
            }),
        })
    }

    /// Ends the session on the server; failures are only logged (the token is forgotten anyway).
    #[tracing::instrument(level = "debug", skip_all, fields(url = %endpoints.http_base))]
    pub(crate) async fn logout(&self, endpoints: &Endpoints, token: &str) {
        let Ok(client) = self.client.as_ref() else {
            return;
        };
        let sent = client
            .post(endpoints.logout())
            .bearer_auth(token)
            .timeout(LOGOUT_TIMEOUT)
            .send()
            .await;
        match sent {
            Ok(response) => tracing::debug!(status = %response.status(), "logged out"),
            Err(error) => tracing::debug!(%error, "logout not confirmed"),
        }
    }
}

/// A request that got no HTTP answer at all. A refused certificate is not worth retrying:
/// it is said in words naming the host (wrong name, expired, unknown issuer).
fn transport_error(error: &reqwest::Error, base: &str) -> LoginError {
    if let Some(sentence) = switchboard_tls::describe(&switchboard_tls::host_of(base), error) {
        return LoginError::Other(sentence);
    }
    if error.is_builder() {
        return LoginError::Other(format!("`{base}` is not a server address."));
    }
    if error.is_timeout() {
        return LoginError::Unreachable(format!("The server at {base} did not answer in time."));
    }
    LoginError::Unreachable(format!(
        "Cannot reach the server at {base}: {}.",
        root_cause(error)
    ))
}

/// The innermost cause in plain words ("connection refused"), not a chain of wrappers.
pub(crate) fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current: &(dyn std::error::Error + 'static) = error;
    loop {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            return describe_io(io);
        }
        match current.source() {
            Some(next) => current = next,
            None => return current.to_string(),
        }
    }
}

/// An IO error in the words a support rep would use.
pub(crate) fn describe_io(error: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match error.kind() {
        K::ConnectionRefused => "connection refused (is the server running?)".into(),
        K::ConnectionReset | K::ConnectionAborted => "the connection was cut".into(),
        K::TimedOut => "timed out".into(),
        K::NotFound => "unknown host name".into(),
        _ => error.to_string(),
    }
}
