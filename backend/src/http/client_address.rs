//! The client's address: the peer's, unless the peer is one of the configured reverse proxies —
//! then the nearest address in `X-Forwarded-For` that is not a proxy. A client cannot choose its
//! own address for the rate limits by sending the header: from an untrusted peer it is ignored.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The networks whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// The proxies of `networks`.
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&address))
    }

    /// The client's address for a request from `peer` with `headers`.
    pub fn client_address(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        let mut address = peer.ip().to_canonical();
        if !self.trusts(address) {
            return address;
        }
        // Each proxy appends the address it received from; walk back from the nearest.
        let forwarded = headers.get_all("x-forwarded-for").iter().filter_map(|value| value.to_str().ok());
        let hops: Vec<&str> = forwarded.flat_map(|value| value.split(',')).map(str::trim).collect();
        for hop in hops.iter().rev() {
            let Ok(hop) = hop.parse::<IpAddr>() else { break };
            address = hop.to_canonical();
            if !self.trusts(address) {
                break;
            }
        }
        address
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(forwarded: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(forwarded).expect("header"));
        headers
    }

    fn peer(address: &str) -> SocketAddr {
        SocketAddr::new(address.parse().expect("address"), 443)
    }

    #[test]
    fn the_header_of_an_untrusted_peer_is_ignored() {
        let proxies = TrustedProxies::new(vec!["10.0.0.0/8".parse().expect("network")]);
        let address = proxies.client_address(peer("198.51.100.9"), &headers("203.0.113.7"));
        assert_eq!(address.to_string(), "198.51.100.9");
        assert_eq!(
            TrustedProxies::default().client_address(peer("10.0.0.2"), &headers("1.2.3.4")).to_string(),
            "10.0.0.2"
        );
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let proxies =
            TrustedProxies::new(vec!["10.0.0.0/8".parse().expect("net"), "127.0.0.1/32".parse().expect("net")]);
        // The client forged the first entry; the proxies appended the rest.
        let address = proxies.client_address(peer("127.0.0.1"), &headers("6.6.6.6, 203.0.113.7, 10.1.2.3"));
        assert_eq!(address.to_string(), "203.0.113.7");
    }
}
