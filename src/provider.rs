//! The receiving provider family of an address's domain (microsoft, gmail, yahoo, apple, other),
//! so reports can group bounces and blocks by mailbox provider. Pure: a table lookup.

/// Mailbox provider families that reports and scoring tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    Microsoft,
    Gmail,
    Yahoo,
    Apple,
    Other,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Microsoft => "microsoft",
            Provider::Gmail => "gmail",
            Provider::Yahoo => "yahoo",
            Provider::Apple => "apple",
            Provider::Other => "other",
        }
    }
}

/// First labels that name a provider whatever the country suffix (`hotmail.co.uk`, `yahoo.fr`).
const BRANDS: &[(&str, Provider)] = &[
    ("hotmail", Provider::Microsoft),
    ("outlook", Provider::Microsoft),
    ("live", Provider::Microsoft),
    ("msn", Provider::Microsoft),
    ("windowslive", Provider::Microsoft),
    ("passport", Provider::Microsoft),
    ("gmail", Provider::Gmail),
    ("googlemail", Provider::Gmail),
    ("yahoo", Provider::Yahoo),
    ("ymail", Provider::Yahoo),
    ("rocketmail", Provider::Yahoo),
    ("aol", Provider::Yahoo),
    ("aim", Provider::Yahoo),
    ("icloud", Provider::Apple),
    ("me", Provider::Apple),
    ("mac", Provider::Apple),
];

/// Whole domains hosted by a provider under another name.
const HOSTED: &[(&str, Provider)] = &[
    ("verizon.net", Provider::Yahoo),
    ("att.net", Provider::Yahoo),
    ("sbcglobal.net", Provider::Yahoo),
    ("bellsouth.net", Provider::Yahoo),
    ("frontier.com", Provider::Yahoo),
];

/// The family of `domain` (lower-case ASCII, as `EmailAddress` stores it).
pub fn provider_of_domain(domain: &str) -> Provider {
    let domain = domain.trim_end_matches('.');
    if let Some((_, p)) = HOSTED.iter().find(|(d, _)| *d == domain) {
        return *p;
    }
    let Some((first, rest)) = domain.split_once('.') else { return Provider::Other };
    // Only a public-suffix-like remainder counts: `live.com`, `yahoo.co.jp`, not `live.example.com`.
    let suffix_like = rest.split('.').all(|l| !l.is_empty() && l.len() <= 3);
    let apple_short = first == "me" || first == "mac";
    if !suffix_like || (apple_short && rest != "com") {
        return Provider::Other;
    }
    BRANDS.iter().find(|(b, _)| *b == first).map_or(Provider::Other, |(_, p)| *p)
}

/// The family of an address's domain.
pub fn provider_of_address(address: &str) -> Provider {
    address.rsplit_once('@').map_or(Provider::Other, |(_, d)| provider_of_domain(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        for (domain, expected) in [
            ("hotmail.com", Provider::Microsoft),
            ("hotmail.co.uk", Provider::Microsoft),
            ("outlook.fr", Provider::Microsoft),
            ("live.com", Provider::Microsoft),
            ("msn.com", Provider::Microsoft),
            ("gmail.com", Provider::Gmail),
            ("googlemail.com", Provider::Gmail),
            ("yahoo.co.jp", Provider::Yahoo),
            ("ymail.com", Provider::Yahoo),
            ("aol.com", Provider::Yahoo),
            ("att.net", Provider::Yahoo),
            ("icloud.com", Provider::Apple),
            ("me.com", Provider::Apple),
            ("mac.com", Provider::Apple),
            ("me.example.org", Provider::Other),
            ("live.example.com", Provider::Other),
            ("example.jp", Provider::Other),
            ("localhost", Provider::Other),
        ] {
            assert_eq!(provider_of_domain(domain), expected, "{domain}");
        }
        assert_eq!(provider_of_address("a@Gmail.com".to_lowercase().as_str()), Provider::Gmail);
    }
}
