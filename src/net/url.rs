//! Turning the server address a user typed into the URLs the actor uses.
//!
//! Accepted: `http://host:port`, `https://host`, `host:port` (http is assumed), with or
//! without a trailing slash or a path prefix. `ws://` and `wss://` are read as `http://`
//! and `https://`.

/// The addresses of one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoints {
    /// `http(s)://host[:port][/prefix]`, without a trailing slash.
    pub(crate) http_base: String,
    /// `ws(s)://host[:port][/prefix]/ws/rep`.
    pub(crate) ws_rep: String,
}

impl Endpoints {
    pub(crate) fn login(&self) -> String {
        format!("{}/api/login", self.http_base)
    }

    pub(crate) fn logout(&self) -> String {
        format!("{}/api/logout", self.http_base)
    }
}

/// Normalises `input` into the server's endpoints; the error is a sentence for the user.
pub(crate) fn endpoints(input: &str) -> Result<Endpoints, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("Enter the server address, for example http://localhost:8080.".into());
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("http://{trimmed}")
    };
    let invalid = || format!("`{trimmed}` is not a server address (try http://host:port).");
    let url = reqwest::Url::parse(&with_scheme).map_err(|_| invalid())?;
    let secure = match url.scheme() {
        "http" | "ws" => false,
        "https" | "wss" => true,
        _ => return Err(invalid()),
    };
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(invalid)?;
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let prefix = url.path().trim_end_matches('/');
    let (http, ws) = if secure {
        ("https", "wss")
    } else {
        ("http", "ws")
    };
    Ok(Endpoints {
        http_base: format!("{http}://{authority}{prefix}"),
        ws_rep: format!("{ws}://{authority}{prefix}/ws/rep"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(input: &str) -> (String, String) {
        let e = endpoints(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        (e.http_base, e.ws_rep)
    }

    /// The usual spellings of an address give the same endpoints.
    #[test]
    fn normalises_addresses() {
        let local = (
            "http://127.0.0.1:8080".to_owned(),
            "ws://127.0.0.1:8080/ws/rep".to_owned(),
        );
        assert_eq!(both("http://127.0.0.1:8080"), local);
        assert_eq!(both("http://127.0.0.1:8080/"), local);
        assert_eq!(both("  127.0.0.1:8080/ "), local);
        assert_eq!(both("ws://127.0.0.1:8080"), local);
        assert_eq!(
            both("https://support.example.com/"),
            (
                "https://support.example.com".to_owned(),
                "wss://support.example.com/ws/rep".to_owned()
            )
        );
        assert_eq!(
            both("https://example.com:8443/switchboard/"),
            (
                "https://example.com:8443/switchboard".to_owned(),
                "wss://example.com:8443/switchboard/ws/rep".to_owned()
            )
        );
        assert_eq!(both("localhost:9").1, "ws://localhost:9/ws/rep");
    }

    /// Empty input and other schemes are refused with a sentence, not a panic.
    #[test]
    fn refuses_non_addresses() {
        assert!(endpoints("").is_err());
        assert!(endpoints("ftp://example.com").is_err());
        assert!(endpoints("http://").is_err());
    }
}
