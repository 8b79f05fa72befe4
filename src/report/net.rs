//! IP networks for the audit: CIDR ranges (`192.0.2.0/24`, `2001:db8::/32`) and the signup
//! "neighbourhood" of an address (its /24, or /64 for IPv6) used to find subscription bursts.
//! Pure; parses with `std::net` only.

use std::fmt;
use std::net::IpAddr;

/// A CIDR range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

/// Why a CIDR string is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a CIDR range (like 192.0.2.0/24 or 2001:db8::/32): {why}")]
pub struct CidrError {
    input: String,
    why: &'static str,
}

impl Cidr {
    /// `a.b.c.d/n` or `v6::/n`; a bare address is a /32 or /128. Host bits are cleared.
    pub fn parse(input: &str) -> Result<Cidr, CidrError> {
        let err = |why| CidrError { input: input.to_owned(), why };
        let text = input.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network: IpAddr = addr.trim().parse().map_err(|_| err("not an IP address"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.trim().parse::<u8>().map_err(|_| err("the prefix length is not a number"))?,
        };
        if prefix > max {
            return Err(err("the prefix length is too long"));
        }
        Ok(Cidr { network: mask(network, prefix), prefix })
    }

    /// The first address of the range.
    pub fn network(&self) -> IpAddr {
        self.network
    }

    /// True when `ip` is inside this range (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = unmap(ip);
        ip.is_ipv4() == self.network.is_ipv4() && mask(ip, self.prefix) == self.network
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let m = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix.min(32))) };
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let m = if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix.min(128))) };
            IpAddr::V6((bits & m).into())
        }
    }
}

/// An IP address as subscribers' data gives it (trimmed, brackets and a `:port` on IPv4 removed).
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let t = text.trim().trim_start_matches('[');
    let t = t.split(']').next().unwrap_or(t);
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(unmap(ip));
    }
    // 198.51.100.7:4431
    let (host, port) = t.rsplit_once(':')?;
    (port.bytes().all(|b| b.is_ascii_digit()) && host.contains('.')).then(|| host.parse().ok()).flatten()
}

/// The /24 (IPv4) or /64 (IPv6) an address is in: where one bot farm's signups come from.
pub fn neighbourhood(ip: IpAddr) -> Cidr {
    let prefix = if ip.is_ipv4() { 24 } else { 64 };
    Cidr { network: mask(ip, prefix), prefix }
}

/// A list of ranges with the name of the list each came from.
#[derive(Debug, Clone, Default)]
pub struct NetworkList {
    entries: Vec<(Cidr, &'static str)>,
}

impl NetworkList {
    /// Adds every range of `cidrs` (already validated by the config; bad ones are skipped).
    pub fn add(&mut self, cidrs: &[String], list: &'static str) {
        self.entries.extend(cidrs.iter().filter_map(|c| Cidr::parse(c).ok()).map(|c| (c, list)));
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The first range containing `ip`, and its list's name.
    pub fn find(&self, ip: IpAddr) -> Option<(Cidr, &'static str)> {
        self.entries.iter().find(|(c, _)| c.contains(ip)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_matches() {
        let c = Cidr::parse("192.0.2.77/24").unwrap();
        assert_eq!(c.to_string(), "192.0.2.0/24");
        assert!(c.contains("192.0.2.1".parse().unwrap()));
        assert!(!c.contains("192.0.3.1".parse().unwrap()));
        assert!(c.contains("::ffff:192.0.2.9".parse().unwrap()));
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains("2001:db8:1::5".parse().unwrap()));
        assert!(!v6.contains("192.0.2.1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("203.0.113.9".parse().unwrap()));
        assert_eq!(Cidr::parse("198.51.100.4").unwrap().to_string(), "198.51.100.4/32");
        for bad in ["", "192.0.2.0/33", "2001:db8::/129", "300.1.1.1/8", "192.0.2.0/x", "host/24"] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ips_as_exports_write_them() {
        assert_eq!(parse_ip(" 198.51.100.7 "), "198.51.100.7".parse().ok());
        assert_eq!(parse_ip("198.51.100.7:443"), "198.51.100.7".parse().ok());
        assert_eq!(parse_ip("[2001:db8::1]:443"), "2001:db8::1".parse().ok());
        assert_eq!(parse_ip("unknown"), None);
        assert_eq!(neighbourhood("198.51.100.7".parse().unwrap()).to_string(), "198.51.100.0/24");
        assert_eq!(neighbourhood("2001:db8:1:2:3::1".parse().unwrap()).to_string(), "2001:db8:1:2::/64");
    }
}
