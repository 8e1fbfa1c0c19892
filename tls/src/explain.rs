//! A TLS failure in words a support rep can act on, naming the host: the certificate is for
//! another name, has expired, or comes from an authority this computer does not trust.
//!
//! The rustls error sits somewhere down the chain of whichever library dialled (reqwest,
//! hyper, tungstenite, an `io::Error` wrapping it), so [`describe`] walks the chain.

use rustls::{CertificateError, Error as TlsError};
use std::error::Error;

/// How deep [`describe`] looks down an error's chain (they are a handful of links deep).
const MAX_CHAIN: usize = 16;

/// The sentence for a TLS failure somewhere in `error`'s chain, naming `host`; `None` when
/// the failure was not about TLS (refused, timed out …), so callers keep their own words.
pub fn describe(host: &str, error: &(dyn Error + 'static)) -> Option<String> {
    let mut current: Option<&(dyn Error + 'static)> = Some(error);
    for _ in 0..MAX_CHAIN {
        let link = current?;
        if let Some(tls) = link.downcast_ref::<TlsError>() {
            return Some(describe_rustls(host, tls));
        }
        // `io::Error::source` skips the error it wraps, so look inside it by hand.
        if let Some(io) = link.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
        {
            let inner: &(dyn Error + 'static) = inner;
            if let Some(found) = describe(host, inner) {
                return Some(found);
            }
        }
        current = link.source();
    }
    None
}

/// The sentence for one rustls error, naming `host`.
pub fn describe_rustls(host: &str, error: &TlsError) -> String {
    use CertificateError as C;
    match error {
        TlsError::InvalidCertificate(certificate) => match certificate {
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                format!("The server's certificate is not valid for {host}.")
            }
            C::Expired | C::ExpiredContext { .. } => {
                format!("The server's certificate for {host} has expired.")
            }
            C::NotValidYet | C::NotValidYetContext { .. } => format!(
                "The server's certificate for {host} is not valid yet (is this computer's clock right?)."
            ),
            C::UnknownIssuer => format!(
                "The server's certificate for {host} is not trusted (unknown issuer) — pass \
                 --ca-file for a private CA."
            ),
            C::Revoked => format!("The server's certificate for {host} has been revoked."),
            // A certificate made as its own CA (`openssl req -x509` marks it `CA:TRUE`) is
            // refused as a server's even when trusted: say what to make instead.
            C::Other(inner) if format!("{inner:?}").contains("CaUsedAsEndEntity") => format!(
                "The server's certificate for {host} is a CA certificate, not a server's (a \
                 self-signed one made with `openssl req -x509`?): sign a server certificate \
                 with that CA and pass the CA with --ca-file."
            ),
            other => format!("The server's certificate for {host} was refused: {other:?}."),
        },
        TlsError::InvalidMessage(_) | TlsError::InappropriateMessage { .. } => format!(
            "The secure connection to {host} failed: the server did not answer in TLS (is it \
             an http:// address?)."
        ),
        other => format!("The secure connection to {host} failed: {other}."),
    }
}

/// The host of a URL (`wss://support.example.com:8443/ws/rep` → `support.example.com`),
/// or the URL itself when it has none.
pub fn host_of(url: &str) -> String {
    url.parse::<tokio_tungstenite::tungstenite::http::Uri>()
        .ok()
        .and_then(|uri| uri.host().map(|h| h.trim_matches(['[', ']']).to_owned()))
        .unwrap_or_else(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_errors_name_the_host() {
        let wrong_name = TlsError::InvalidCertificate(CertificateError::NotValidForName);
        assert_eq!(
            describe_rustls("support.example.com", &wrong_name),
            "The server's certificate is not valid for support.example.com."
        );
        let expired = TlsError::InvalidCertificate(CertificateError::Expired);
        assert!(describe_rustls("h", &expired).contains("has expired"));
        let unknown = TlsError::InvalidCertificate(CertificateError::UnknownIssuer);
        let text = describe_rustls("h.example", &unknown);
        assert!(
            text.contains("h.example") && text.contains("--ca-file"),
            "{text}"
        );
    }

    /// What `openssl req -x509` makes (CA:TRUE) used as the server's own certificate.
    #[test]
    fn a_ca_used_as_the_servers_certificate_is_told_what_to_do() {
        #[derive(Debug)]
        struct CaUsedAsEndEntity;
        impl std::fmt::Display for CaUsedAsEndEntity {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("CaUsedAsEndEntity")
            }
        }
        impl std::error::Error for CaUsedAsEndEntity {}
        let error = TlsError::InvalidCertificate(CertificateError::Other(rustls::OtherError(
            std::sync::Arc::new(CaUsedAsEndEntity),
        )));
        let text = describe_rustls("localhost", &error);
        assert!(
            text.contains("localhost")
                && text.contains("CA certificate")
                && text.contains("--ca-file")
                && !text.contains("  "),
            "{text}"
        );
    }

    #[test]
    fn the_rustls_error_is_found_inside_io_errors() {
        let tls = TlsError::InvalidCertificate(CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        let outer = tokio_tungstenite::tungstenite::Error::Io(io);
        let text = describe("localhost", &outer).expect("found");
        assert!(text.contains("not trusted"), "{text}");
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(describe("localhost", &refused), None);
    }

    #[test]
    fn hosts_come_out_of_urls() {
        assert_eq!(
            host_of("wss://support.example.com:8443/ws/rep"),
            "support.example.com"
        );
        assert_eq!(host_of("https://127.0.0.1:9/"), "127.0.0.1");
        assert_eq!(host_of("https://[::1]:9/"), "::1");
    }
}
