//! Terminating TLS in the server itself (`--tls-cert`, `--tls-key`): the certificate chain
//! and private key (PEM) read into a rustls configuration that offers HTTP/1.1 by ALPN,
//! since the edge speaks HTTP/1 with WebSocket upgrades. Every problem with the files is
//! a start-up error naming the file, so a typo or a key that does not belong to the
//! certificate stops the server before it listens instead of failing each handshake.

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A certificate chain or key file larger than this is not one (a chain is a few KiB).
const MAX_PEM_BYTES: u64 = 1024 * 1024;

/// Why the server's certificate or key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsFileError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is larger than {MAX_PEM_BYTES} bytes: not a PEM certificate or key")]
    TooLarge { path: PathBuf },
    #[error("{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----): {message}")]
    NoCertificate { path: PathBuf, message: String },
    #[error("{path} holds no PEM private key (-----BEGIN PRIVATE KEY-----): {message}")]
    NoKey { path: PathBuf, message: String },
    #[error("the key {key} cannot be used with the certificate {cert}: {source}")]
    Mismatch {
        cert: PathBuf,
        key: PathBuf,
        source: rustls::Error,
    },
}

/// Reads the certificate chain and key and builds the server's TLS configuration.
pub fn load(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsFileError> {
    let cert_pem = read_bounded(cert)?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsFileError::NoCertificate {
            path: cert.to_owned(),
            message: e.to_string(),
        })?;
    if chain.is_empty() {
        return Err(TlsFileError::NoCertificate {
            path: cert.to_owned(),
            message: "the file has no certificate".into(),
        });
    }
    let key_pem = read_bounded(key)?;
    let private_key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| TlsFileError::NoKey {
        path: key.to_owned(),
        message: e.to_string(),
    })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mismatch = |source| TlsFileError::Mismatch {
        cert: cert.to_owned(),
        key: key.to_owned(),
        source,
    };
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(mismatch)?
        .with_no_client_auth()
        .with_single_cert(chain, private_key)
        .map_err(mismatch)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, TlsFileError> {
    let read_error = |source| TlsFileError::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_PEM_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_PEM_BYTES {
        return Err(TlsFileError::TooLarge {
            path: path.to_owned(),
        });
    }
    Ok(bytes)
}
