//! TLS for tests, with certificates made in the test (rcgen): a private CA ([`TestCa`]),
//! server certificates it issues for `localhost`/`127.0.0.1`, for another host, or already
//! expired ([`TestCert`]), the CA's PEM file for `--ca-file`, and the SHA-256 of a
//! certificate's public key for Chromium's `--ignore-certificate-errors-spki-list`.
//! [`crate::TestServer::start_tls`] serves the real server with one of them; [`login`],
//! [`open_socket`] and [`rep`] reach it over HTTPS and WSS.

use crate::rep::RepClient;
use crate::server::TestServer;
use crate::socket::Socket;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, PublicKeyData};
use sha2::Digest;
use std::path::PathBuf;
use std::sync::Arc;

/// A certificate authority that exists only in this test.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
    dir: tempfile::TempDir,
}

/// A server certificate and its key, both PEM, written to files as `--tls-cert`/`--tls-key`
/// would name them.
pub struct TestCert {
    pub cert_pem: String,
    pub key_pem: String,
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    spki_der: Vec<u8>,
    _dir: tempfile::TempDir,
}

impl TestCa {
    /// A new CA named `name` (its subject's common name).
    pub fn new(name: &str) -> TestCa {
        let key = KeyPair::generate().expect("a CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let pem = params.self_signed(&key).expect("a self-signed CA").pem();
        let dir = tempfile::tempdir().expect("a temp dir for the CA file");
        std::fs::write(dir.path().join("ca.pem"), &pem).expect("write the CA file");
        TestCa {
            issuer: Issuer::new(params, key),
            pem,
            dir,
        }
    }

    /// The CA's certificate (PEM).
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// A file holding the CA's certificate, for `--ca-file`.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A server certificate for `localhost` and `127.0.0.1`, the names tests dial.
    pub fn localhost(&self) -> TestCert {
        self.issue(&["localhost", "127.0.0.1"], false)
    }

    /// A server certificate for `names` (host names or IP addresses); `expired` dates it in
    /// the past.
    pub fn issue(&self, names: &[&str], expired: bool) -> TestCert {
        let key = KeyPair::generate().expect("a server key");
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names.clone()).expect("server parameters");
        params.distinguished_name.push(
            DnType::CommonName,
            names.first().cloned().unwrap_or_default(),
        );
        if expired {
            params.not_before = rcgen::date_time_ymd(2001, 1, 1);
            params.not_after = rcgen::date_time_ymd(2002, 1, 1);
        }
        let cert_pem = params
            .signed_by(&key, &self.issuer)
            .expect("a certificate signed by the CA")
            .pem();
        let key_pem = key.serialize_pem();
        let dir = tempfile::tempdir().expect("a temp dir for the certificate");
        let cert_file = dir.path().join("cert.pem");
        let key_file = dir.path().join("key.pem");
        std::fs::write(&cert_file, &cert_pem).expect("write the certificate");
        std::fs::write(&key_file, &key_pem).expect("write the key");
        TestCert {
            cert_pem,
            key_pem,
            cert_file,
            key_file,
            spki_der: key.subject_public_key_info(),
            _dir: dir,
        }
    }
}

impl TestCert {
    /// The server's TLS configuration, read from the files by the server's own loader.
    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        switchboard_server::server::tls::load(&self.cert_file, &self.key_file)
            .expect("the test certificate loads")
    }

    /// Base64 of the SHA-256 of the certificate's public key (SubjectPublicKeyInfo), as
    /// Chromium's `--ignore-certificate-errors-spki-list` takes it.
    pub fn spki_sha256_base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&self.spki_der))
    }
}

/// The clients' TLS configuration trusting `ca` (as `--ca-file` would).
pub fn client_trusting(ca: &TestCa) -> switchboard_tls::ClientTls {
    switchboard_tls::ClientTls::new(Some(&ca.ca_file())).expect("the test CA file")
}

/// Logs `user` in over HTTPS with their test password; the token.
pub async fn login(server: &TestServer, tls: &switchboard_tls::ClientTls, user: &str) -> String {
    let client = tls.reqwest_builder().build().expect("an HTTPS client");
    let password = server.password(user);
    crate::socket::login_with(&client, &server.http("/api/login"), user, &password).await
}

/// A WebSocket to `path` on a TLS server.
pub async fn open_socket(
    server: &TestServer,
    tls: &switchboard_tls::ClientTls,
    path: &str,
) -> Socket {
    let url = format!("wss://localhost:{}{path}", server.addr.port());
    let (socket, _) = tls
        .connect_ws(url.as_str(), None, true)
        .await
        .expect("a WebSocket over TLS");
    socket
}

/// `user` logged in over HTTPS with a rep socket open over WSS, the snapshot read.
pub async fn rep(server: &TestServer, tls: &switchboard_tls::ClientTls, user: &str) -> RepClient {
    let token = login(server, tls, user).await;
    let socket = open_socket(server, tls, "/ws/rep").await;
    RepClient::try_hello(socket, &token, None)
        .await
        .expect("the rep's hello is accepted")
}
