//! The built-in role-account and disposable-domain lists of the audit, extended by `[audit]`
//! `role_accounts` and `disposable_domains`. Small on purpose: well-known names only; anything
//! local belongs in the config. Pure.

use std::collections::HashSet;

/// Local parts that name a function, not a person (RFC 2142 and common practice).
pub const ROLE_ACCOUNTS: &[&str] = &[
    "abuse", "accounting", "accounts", "admin", "administrator", "billing", "careers", "contact",
    "customerservice", "enquiries", "help", "helpdesk", "hostmaster", "hr", "info", "inquiries",
    "jobs", "legal", "mail", "mailer-daemon", "marketing", "media", "news", "newsletter",
    "no-reply", "noc", "noreply", "office", "orders", "postmaster", "press", "privacy", "root",
    "sales", "security", "service", "support", "team", "webmaster",
];

/// Domains of well-known throwaway mailbox services.
pub const DISPOSABLE_DOMAINS: &[&str] = &[
    "10minutemail.com", "discard.email", "dispostable.com", "emailondeck.com", "fakeinbox.com",
    "getnada.com", "grr.la", "guerrillamail.biz", "guerrillamail.com", "guerrillamail.de",
    "guerrillamail.net", "guerrillamail.org", "guerrillamailblock.com", "mailcatch.com",
    "maildrop.cc", "mailinator.com", "mailnesia.com", "mintemail.com", "mohmal.com",
    "sharklasers.com", "spam4.me", "spamgourmet.com", "temp-mail.org", "tempail.com",
    "tempmail.com", "throwawaymail.com", "trashmail.com", "trashmail.de", "yopmail.com",
    "yopmail.fr", "yopmail.net",
];

/// Role local parts and disposable domains, built-in plus configured, lower-case.
#[derive(Debug, Clone)]
pub struct AddressLists {
    roles: HashSet<String>,
    disposable: HashSet<String>,
}

impl AddressLists {
    pub fn new(extra_roles: &[String], extra_disposable: &[String]) -> AddressLists {
        let norm = |s: &str| s.trim().trim_end_matches('.').to_ascii_lowercase();
        AddressLists {
            roles: ROLE_ACCOUNTS.iter().map(|s| norm(s)).chain(extra_roles.iter().map(|s| norm(s))).collect(),
            disposable: DISPOSABLE_DOMAINS
                .iter()
                .map(|s| norm(s))
                .chain(extra_disposable.iter().map(|s| norm(s).trim_start_matches('@').to_owned()))
                .collect(),
        }
    }

    /// The role name when `local` (any `+tag` ignored) is a role account.
    pub fn role(&self, local: &str) -> Option<&str> {
        let base = local.split_once('+').map_or(local, |(l, _)| l).to_ascii_lowercase();
        self.roles.get(base.as_str()).map(String::as_str)
    }

    /// The listed domain when `domain` or one of its parents is disposable.
    pub fn disposable(&self, domain: &str) -> Option<&str> {
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        let mut d = domain.as_str();
        loop {
            if let Some(hit) = self.disposable.get(d) {
                return Some(hit.as_str());
            }
            match d.split_once('.') {
                Some((_, rest)) if rest.contains('.') => d = rest,
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_and_configured() {
        let l = AddressLists::new(&["Events".into()], &["@Throwaway.example".into()]);
        assert_eq!(l.role("info"), Some("info"));
        assert_eq!(l.role("Sales+promo"), Some("sales"));
        assert_eq!(l.role("events"), Some("events"));
        assert_eq!(l.role("j.doe"), None);
        assert_eq!(l.disposable("mailinator.com"), Some("mailinator.com"));
        assert_eq!(l.disposable("eu.mailinator.com"), Some("mailinator.com"));
        assert_eq!(l.disposable("throwaway.example"), Some("throwaway.example"));
        assert_eq!(l.disposable("example.com"), None);
        assert_eq!(l.disposable("com"), None);
    }
}
