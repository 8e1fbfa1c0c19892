//! Behind a reverse proxy: which client address a request counts against.
//!
//! By default it is the TCP peer. With `[server] trusted_proxies` (addresses or CIDR
//! networks), a request whose TCP peer is one of them is counted against the address its
//! `X-Forwarded-For` names: the right-most entry that is not itself a trusted proxy (each
//! proxy appends the address it saw, so entries left of the first untrusted one could be
//! anything the client wrote). A header that cannot be read, or one that is missing, counts
//! against the peer. From an untrusted peer the header is ignored, so a client cannot pick
//! its own address and escape the per-address limits.

use std::net::IpAddr;

/// At most this many `trusted_proxies` entries (a deployment has a handful).
pub const MAX_TRUSTED_PROXIES: usize = 64;
/// At most this many `X-Forwarded-For` entries are looked at, from the right; a longer chain
/// counts against the peer.
const MAX_FORWARDED_HOPS: usize = 32;
/// The header trusted from a trusted proxy (nginx: `proxy_set_header X-Forwarded-For
/// $proxy_add_x_forwarded_for;`).
pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// One trusted network: an address and how many leading bits must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(text: &str) -> Result<Network, String> {
        let bad = || format!("trusted_proxies: `{text}` is not an address or a CIDR network");
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let base: IpAddr = address.parse().map_err(|_| bad())?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.parse::<u8>().map_err(|_| bad())?,
            None => max,
        };
        if prefix > max {
            return Err(bad());
        }
        Ok(Network { base, prefix })
    }

    fn contains(&self, address: IpAddr) -> bool {
        match (self.base, canonical(address)) {
            (IpAddr::V4(base), IpAddr::V4(address)) => {
                same_prefix(&base.octets(), &address.octets(), self.prefix)
            }
            (IpAddr::V6(base), IpAddr::V6(address)) => {
                same_prefix(&base.octets(), &address.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

/// `::ffff:10.0.0.1` (a dual-stack listener's view of an IPv4 peer) is `10.0.0.1`.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

fn same_prefix(a: &[u8], b: &[u8], bits: u8) -> bool {
    let whole = usize::from(bits / 8);
    let rest = bits % 8;
    if a[..whole] != b[..whole] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[whole] & mask) == (b[whole] & mask)
}

/// The `[server] trusted_proxies` list, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    networks: Vec<Network>,
}

impl TrustedProxies {
    /// Parses the configured entries (`"127.0.0.1"`, `"10.0.0.0/8"`, `"::1"`); the error is
    /// a sentence for the configuration's reader.
    pub fn parse(entries: &[String]) -> Result<TrustedProxies, String> {
        if entries.len() > MAX_TRUSTED_PROXIES {
            return Err(format!(
                "trusted_proxies: at most {MAX_TRUSTED_PROXIES} entries"
            ));
        }
        let networks = entries
            .iter()
            .map(|entry| Network::parse(entry))
            .collect::<Result<_, _>>()?;
        Ok(TrustedProxies { networks })
    }

    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
    }

    /// Whether `address` is a trusted proxy.
    pub fn contains(&self, address: IpAddr) -> bool {
        self.networks.iter().any(|n| n.contains(address))
    }

    /// The address a request from `peer` counts against, given its `X-Forwarded-For`
    /// header values in order (see the module's doc).
    pub fn client_address<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl Iterator<Item = &'a [u8]>,
    ) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let mut entries = Vec::new();
        for value in forwarded_for {
            let Ok(text) = std::str::from_utf8(value) else {
                return peer;
            };
            entries.extend(text.split(','));
            if entries.len() > MAX_FORWARDED_HOPS {
                return peer;
            }
        }
        let mut leftmost = None;
        for entry in entries.iter().rev() {
            let Ok(address) = entry.trim().parse::<IpAddr>() else {
                return peer;
            };
            let address = canonical(address);
            if !self.contains(address) {
                return address;
            }
            leftmost = Some(address);
        }
        // Every hop is a trusted proxy: the client is inside, and the first hop is it.
        leftmost.unwrap_or(peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(entries: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&entries.iter().map(|e| e.to_string()).collect::<Vec<_>>())
            .expect("valid entries")
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn client(trusted: &TrustedProxies, peer: &str, headers: &[&str]) -> IpAddr {
        trusted.client_address(ip(peer), headers.iter().map(|h| h.as_bytes()))
    }

    #[test]
    fn networks_match_by_prefix() {
        let trusted = proxies(&["127.0.0.1", "10.0.0.0/8", "fd00::/8", "192.168.1.128/25"]);
        assert!(trusted.contains(ip("127.0.0.1")));
        assert!(!trusted.contains(ip("127.0.0.2")));
        assert!(trusted.contains(ip("10.200.3.4")));
        assert!(trusted.contains(ip("::ffff:10.1.1.1")), "v4-mapped");
        assert!(trusted.contains(ip("fd12::1")));
        assert!(trusted.contains(ip("192.168.1.200")));
        assert!(!trusted.contains(ip("192.168.1.100")));
        assert!(!trusted.contains(ip("11.0.0.1")));
    }

    #[test]
    fn bad_entries_are_refused() {
        for bad in ["10.0.0.0/33", "localhost", "10.0.0.0/x", "::/129", ""] {
            assert!(
                TrustedProxies::parse(&[bad.to_owned()]).is_err(),
                "{bad} accepted"
            );
        }
        let many = vec!["10.0.0.1".to_owned(); MAX_TRUSTED_PROXIES + 1];
        assert!(TrustedProxies::parse(&many).is_err());
    }

    #[test]
    fn the_rightmost_untrusted_forwarded_address_is_the_client() {
        let trusted = proxies(&["127.0.0.1", "10.0.0.0/8"]);
        // One proxy: what it saw.
        assert_eq!(
            client(&trusted, "127.0.0.1", &["203.0.113.7"]),
            ip("203.0.113.7")
        );
        // The client wrote its own header; the proxy appended the real address.
        assert_eq!(
            client(&trusted, "127.0.0.1", &["1.2.3.4, 203.0.113.7"]),
            ip("203.0.113.7")
        );
        // Two proxies in a row, and two header lines.
        assert_eq!(
            client(&trusted, "127.0.0.1", &["1.2.3.4, 203.0.113.7", "10.0.0.5"]),
            ip("203.0.113.7")
        );
        // Every hop trusted: the first.
        assert_eq!(
            client(&trusted, "127.0.0.1", &["10.0.0.9, 10.0.0.5"]),
            ip("10.0.0.9")
        );
    }

    #[test]
    fn the_peer_counts_when_the_header_cannot_be_trusted_or_read() {
        let trusted = proxies(&["127.0.0.1"]);
        assert_eq!(
            client(&trusted, "198.51.100.1", &["203.0.113.7"]),
            ip("198.51.100.1")
        );
        assert_eq!(client(&trusted, "127.0.0.1", &[]), ip("127.0.0.1"));
        assert_eq!(client(&trusted, "127.0.0.1", &["unknown"]), ip("127.0.0.1"));
        assert_eq!(
            client(&trusted, "127.0.0.1", &["203.0.113.7:5000"]),
            ip("127.0.0.1")
        );
        let long = vec!["203.0.113.7"; MAX_FORWARDED_HOPS + 1].join(",");
        assert_eq!(client(&trusted, "127.0.0.1", &[&long]), ip("127.0.0.1"));
        assert_eq!(
            TrustedProxies::default()
                .client_address(ip("127.0.0.1"), [b"1.2.3.4".as_slice()].into_iter()),
            ip("127.0.0.1"),
            "nothing trusted by default"
        );
    }
}
