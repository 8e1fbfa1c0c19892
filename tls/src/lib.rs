//! The client side of TLS, one for every Switchboard program that dials a server: the
//! console, `switchboard-customer` and the server's terminal customer (`customer --server
//! https://…`). One rustls configuration with the aws-lc-rs provider (the one reqwest and
//! lettre already build), verifying with the platform's roots plus, for a private
//! deployment, the certificates of one extra CA file (`--ca-file`, PEM). Every connect goes
//! through [`ClientTls`], so `https://` and `wss://` trust the same authorities, and a
//! refused certificate reads the same everywhere ([`describe`]: a sentence naming the host).

mod explain;

pub use explain::{describe, describe_rustls, host_of};

use rustls::ClientConfig;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls_platform_verifier::Verifier;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

/// The largest CA file read (a whole system bundle is about 200 KiB): the file is named by
/// the user, but a wrong path (a disk image, `/dev/zero`) must not be read forever.
pub const MAX_CA_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A WebSocket over TCP, with TLS for `wss://`.
pub type WsStream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why the CA file could not be used. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("cannot read the CA file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the CA file {path} is larger than {MAX_CA_FILE_BYTES} bytes")]
    TooLarge { path: PathBuf },
    #[error("the CA file {path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    NoCertificate { path: PathBuf },
    #[error("the CA file {path} is not valid PEM: {message}")]
    BadPem { path: PathBuf, message: String },
    #[error("the CA file {path} holds a certificate that cannot be used as a root: {source}")]
    BadCertificate {
        path: PathBuf,
        source: rustls::Error,
    },
}

/// The TLS client configuration every connect of a program uses; cheap to clone.
///
/// Building it cannot fail for lack of roots: a machine without a CA bundle still reaches
/// `http://` servers, and an `https://` connect then fails with [`ClientTls::config`]'s
/// sentence instead.
#[derive(Clone, Debug)]
pub struct ClientTls {
    config: Result<Arc<ClientConfig>, String>,
}

impl ClientTls {
    /// The platform's roots only.
    pub fn platform() -> ClientTls {
        ClientTls::build(Vec::new())
    }

    /// The platform's roots plus the certificates in `ca_file` (PEM), if given.
    pub fn new(ca_file: Option<&Path>) -> Result<ClientTls, TlsSetupError> {
        let extra = match ca_file {
            Some(path) => read_ca_file(path)?,
            None => Vec::new(),
        };
        Ok(ClientTls::build(extra))
    }

    fn build(extra_roots: Vec<CertificateDer<'static>>) -> ClientTls {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = Verifier::new_with_extra_roots(extra_roots, provider.clone())
            .map_err(|error| {
                format!(
                    "No certificate authority is trusted on this computer ({error}): install \
                     the system's CA certificates or pass --ca-file"
                )
            })
            .and_then(|verifier| {
                ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| format!("TLS cannot start: {e}"))
                    .map(|builder| {
                        builder
                            .dangerous()
                            // Not "dangerous": the platform verifier is the standard check
                            // (chain to a trusted root, name, dates), plus the CA file.
                            .with_custom_certificate_verifier(Arc::new(verifier))
                            .with_no_client_auth()
                    })
            });
        ClientTls {
            config: config.map(Arc::new),
        }
    }

    /// The rustls configuration, or why there is none (a sentence for the user).
    pub fn config(&self) -> Result<Arc<ClientConfig>, String> {
        self.config.clone()
    }

    /// Opens a WebSocket to `request` (`ws://` plainly, `wss://` with this configuration).
    /// Errors are tungstenite's, so callers keep their handling; [`describe`] turns a
    /// certificate error among them into a sentence naming the host.
    pub async fn connect_ws(
        &self,
        request: impl IntoClientRequest + Unpin,
        config: Option<WebSocketConfig>,
        disable_nagle: bool,
    ) -> Result<(WsStream, Response), tokio_tungstenite::tungstenite::Error> {
        let request = request.into_client_request()?;
        let connector = match (request.uri().scheme_str(), &self.config) {
            (Some("wss"), Err(reason)) => {
                return Err(std::io::Error::other(reason.clone()).into());
            }
            (Some("wss"), Ok(tls)) => Connector::Rustls(tls.clone()),
            _ => Connector::Plain,
        };
        tokio_tungstenite::connect_async_tls_with_config(
            request,
            config,
            disable_nagle,
            Some(connector),
        )
        .await
    }

    /// A reqwest client builder that uses this configuration for `https://` (or reqwest's
    /// own when there is none, whose error then says so at the first `https://` request).
    #[cfg(feature = "reqwest")]
    pub fn reqwest_builder(&self) -> reqwest::ClientBuilder {
        let builder = reqwest::Client::builder();
        match &self.config {
            Ok(config) => builder.tls_backend_preconfigured(ClientConfig::clone(config)),
            Err(_) => builder,
        }
    }
}

/// The certificates of a PEM file, refused with a sentence naming the file.
fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let read_error = |source| TlsSetupError::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut pem = Vec::new();
    file.take(MAX_CA_FILE_BYTES + 1)
        .read_to_end(&mut pem)
        .map_err(read_error)?;
    if pem.len() as u64 > MAX_CA_FILE_BYTES {
        return Err(TlsSetupError::TooLarge {
            path: path.to_owned(),
        });
    }
    let certificates = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsSetupError::BadPem {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
    if certificates.is_empty() {
        return Err(TlsSetupError::NoCertificate {
            path: path.to_owned(),
        });
    }
    // Each must parse as a trust anchor now, not at the first connect.
    let mut roots = rustls::RootCertStore::empty();
    for certificate in &certificates {
        roots
            .add(certificate.clone())
            .map_err(|source| TlsSetupError::BadCertificate {
                path: path.to_owned(),
                source,
            })?;
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(content: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().expect("a temp file");
        file.write_all(content).expect("write");
        file
    }

    #[test]
    fn a_ca_file_with_a_certificate_is_taken() {
        let key = rcgen::KeyPair::generate().expect("key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = params.self_signed(&key).expect("a CA");
        let file = file_with(ca.pem().as_bytes());
        let tls = ClientTls::new(Some(file.path())).expect("the CA file is read");
        assert!(tls.config().is_ok());
    }

    #[test]
    fn bad_ca_files_are_refused_naming_the_file() {
        let empty = file_with(b"just text\n");
        let error = ClientTls::new(Some(empty.path())).expect_err("no certificate");
        assert!(
            matches!(error, TlsSetupError::NoCertificate { .. }),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .contains(&empty.path().display().to_string())
        );

        let broken = file_with(b"-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n");
        let error = ClientTls::new(Some(broken.path())).expect_err("not base64");
        assert!(
            matches!(
                error,
                TlsSetupError::BadPem { .. } | TlsSetupError::BadCertificate { .. }
            ),
            "{error}"
        );

        let missing = Path::new("/nonexistent/ca.pem");
        let error = ClientTls::new(Some(missing)).expect_err("no such file");
        assert!(error.to_string().contains("/nonexistent/ca.pem"), "{error}");
    }

    #[test]
    fn an_oversized_ca_file_is_refused_without_reading_it_all() {
        let big = file_with(&vec![b'a'; (MAX_CA_FILE_BYTES + 10) as usize]);
        let error = ClientTls::new(Some(big.path())).expect_err("too large");
        assert!(matches!(error, TlsSetupError::TooLarge { .. }), "{error}");
    }
}
