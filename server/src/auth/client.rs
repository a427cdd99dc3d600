//! Who the client is, by address: the peer, or — only behind proxies we trust — the first
//! untrusted hop of the forwarding headers, read from the right; and the bucket limits count by.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::config::TrustedProxies;
use crate::state::AppState;

/// The client's address: the connection's peer unless that peer is a trusted proxy.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(ClientIp(peer.map(|peer| {
            client_address(peer, &parts.headers, &state.settings.server.trusted_proxies)
        })))
    }
}

/// Walks the forwarding chain from the right — the hops our own proxies appended — and stops
/// at the first address that is not a trusted proxy: everything left of it was written by the
/// client and proves nothing. An unreadable hop ends the walk at the last hop we could trust.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_hops(headers).into_iter().rev() {
        let Some(ip) = hop else { break };
        client = ip;
        if !trusted.contains(&ip) {
            break;
        }
    }
    client
}

/// The hops of `Forwarded` (RFC 7239 `for=`) when present, else of `X-Forwarded-For`, in order,
/// every header line included; `None` for a hop that is not an address (`unknown`, obfuscated).
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = headers
        .get_all("forwarded")
        .iter()
        .flat_map(|value| value.to_str().unwrap_or("").split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.eq_ignore_ascii_case("for")
                    .then(|| parse_node(value.trim().trim_matches('"')))
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| value.to_str().unwrap_or("").split(','))
        .map(|hop| parse_node(hop.trim()))
        .collect()
}

/// `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    node.parse::<SocketAddr>().ok().map(|addr| addr.ip())
}

/// What per-client limits count by: an IPv4 address, or an IPv6 /64 — one home or phone
/// connection is given a whole /64, and counting single IPv6 addresses would let a client
/// change address on every try.
pub fn bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_count_only_behind_a_trusted_proxy() {
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4")]);
        let none = TrustedProxies::default();
        assert_eq!(
            client_address(ip("198.51.100.9"), &spoofed, &none),
            ip("198.51.100.9")
        );
        let trusted: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        assert_eq!(
            client_address(ip("198.51.100.9"), &spoofed, &trusted),
            ip("198.51.100.9")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &spoofed, &trusted),
            ip("1.2.3.4")
        );
    }

    #[test]
    fn the_chain_is_read_from_the_right_skipping_trusted_hops() {
        let trusted: TrustedProxies = "10.0.0.0/8, 192.168.1.5".parse().unwrap();
        // The client wrote "6.6.6.6" itself; our balancer appended the real peer 203.0.113.7,
        // then an inner proxy 192.168.1.5.
        let chain = headers(&[
            ("x-forwarded-for", "6.6.6.6, 203.0.113.7"),
            ("x-forwarded-for", "192.168.1.5"),
        ]);
        assert_eq!(
            client_address(ip("10.1.1.1"), &chain, &trusted),
            ip("203.0.113.7")
        );
        let all_trusted = headers(&[("x-forwarded-for", "10.9.9.9, 192.168.1.5")]);
        assert_eq!(
            client_address(ip("10.1.1.1"), &all_trusted, &trusted),
            ip("10.9.9.9")
        );
        let garbage = headers(&[("x-forwarded-for", "203.0.113.7, nonsense")]);
        assert_eq!(
            client_address(ip("10.1.1.1"), &garbage, &trusted),
            ip("10.1.1.1")
        );
    }

    #[test]
    fn the_standard_forwarded_header_wins_and_keeps_ports_and_brackets_apart() {
        let trusted: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let both = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            (
                "forwarded",
                r#"for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.3"#,
            ),
        ]);
        assert_eq!(
            client_address(ip("10.1.1.1"), &both, &trusted),
            ip("2001:db8:cafe::17")
        );
        let with_port = headers(&[("forwarded", "for=203.0.113.7:5000")]);
        assert_eq!(
            client_address(ip("10.1.1.1"), &with_port, &trusted),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn ipv6_clients_share_a_bucket_per_64() {
        assert_eq!(
            bucket(ip("2001:db8:1:2::1")),
            bucket(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(bucket(ip("2001:db8:1:2::1")), bucket(ip("2001:db8:1:3::1")));
        assert_eq!(bucket(ip("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_eq!(bucket(ip("::ffff:203.0.113.7")), "203.0.113.7");
        assert_eq!(bucket(ip("203.0.113.7")), "203.0.113.7");
    }

    #[test]
    fn trusted_proxies_parse_ranges_and_bare_addresses_and_refuse_nonsense() {
        let parsed: TrustedProxies = "10.0.0.0/8,::1 192.168.1.5".parse().unwrap();
        assert!(parsed.contains(&ip("10.200.0.1")));
        assert!(parsed.contains(&ip("::1")));
        assert!(!parsed.contains(&ip("192.168.1.6")));
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("".parse::<TrustedProxies>().unwrap().0.is_empty());
    }
}
