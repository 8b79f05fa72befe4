//! The scoring policy: the `[policy]` table of the configuration, with every rule's id and
//! threshold. Deserialised and validated once; pure values afterwards.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A scoring rule. The ids are stable: they are stored with every decision, printed by
/// `explain` and exports, and named by `[policy] disabled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleId {
    Complaint,
    Unsubscribe,
    HardBounce,
    ImportedSuppression,
    SoftBounceRepeated,
    InvalidAddress,
    RoleAccount,
    NeverEngaged,
    Inactive,
}

impl RuleId {
    /// Every rule, in the order they are tried: suppressing rules first, then flagging ones.
    pub const ALL: [RuleId; 9] = [
        RuleId::Complaint,
        RuleId::Unsubscribe,
        RuleId::HardBounce,
        RuleId::ImportedSuppression,
        RuleId::SoftBounceRepeated,
        RuleId::InvalidAddress,
        RuleId::RoleAccount,
        RuleId::NeverEngaged,
        RuleId::Inactive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::Complaint => "complaint",
            RuleId::Unsubscribe => "unsubscribe",
            RuleId::HardBounce => "hard-bounce",
            RuleId::ImportedSuppression => "imported-suppression",
            RuleId::SoftBounceRepeated => "soft-bounce-repeated",
            RuleId::InvalidAddress => "invalid-address",
            RuleId::RoleAccount => "role-account",
            RuleId::NeverEngaged => "never-engaged",
            RuleId::Inactive => "inactive",
        }
    }

    pub fn parse(s: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many IP prefixes `mpp_ip_prefixes` may list (each is a bound parameter of the scoring
/// query).
pub const MAX_MPP_IP_PREFIXES: usize = 16;

/// The `[policy]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// soft-bounce-repeated: soft bounces needed, counted once per UTC day.
    pub soft_bounce_count: u32,
    /// soft-bounce-repeated: days between the first and the last counted soft bounce, at least.
    pub soft_bounce_span_days: u32,
    /// never-engaged: days since signup (or the first send), at least.
    pub never_engaged_days: u32,
    /// never-engaged: sends, at least.
    pub never_engaged_min_sends: u32,
    /// inactive: days without a click, reply or human open, at least.
    pub inactive_days: u32,
    /// Rules that never decide anything.
    pub disabled: Vec<RuleId>,
    /// An open or click this many seconds or less after a send to the address is a machine's
    /// (image prefetch, link scanner), not engagement.
    pub machine_open_window_secs: u32,
    /// Opens from an IP starting with one of these are Apple Mail Privacy Protection proxy
    /// fetches (Apple's proxies use 17.0.0.0/8). Textual prefixes, as the IP is written.
    pub mpp_ip_prefixes: Vec<String>,
    /// Opens with exactly this User-Agent are MPP proxy fetches (Apple's proxy sends a bare
    /// `Mozilla/5.0`).
    pub mpp_user_agents: Vec<String>,
    /// Local parts that name a role rather than a person (role-account).
    pub role_accounts: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            soft_bounce_count: 3,
            soft_bounce_span_days: 14,
            never_engaged_days: 90,
            never_engaged_min_sends: 5,
            inactive_days: 180,
            disabled: Vec::new(),
            machine_open_window_secs: 60,
            mpp_ip_prefixes: vec!["17.".to_owned()],
            mpp_user_agents: vec!["Mozilla/5.0".to_owned()],
            role_accounts: DEFAULT_ROLE_ACCOUNTS.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

/// Role local parts flagged by default: mailbox and network operators (RFC 2142), automated
/// senders, and shared department boxes that lists commonly refuse.
pub const DEFAULT_ROLE_ACCOUNTS: &[&str] = &[
    "abuse", "admin", "administrator", "billing", "compliance", "devnull", "dns", "do-not-reply", "donotreply", "ftp",
    "hostmaster", "info", "mailer-daemon", "marketing", "no-reply", "noc", "noreply", "null", "office", "postmaster",
    "privacy", "root", "sales", "security", "spam", "support", "sysadmin", "team", "webmaster", "www",
];

impl Policy {
    /// Checks values serde cannot: thresholds of at least one, a bounded prefix list.
    pub fn validate(&self) -> Result<(), String> {
        for (name, value) in [
            ("soft_bounce_count", self.soft_bounce_count),
            ("never_engaged_min_sends", self.never_engaged_min_sends),
        ] {
            if value == 0 {
                return Err(format!("policy.{name} must be at least 1"));
            }
        }
        if self.mpp_ip_prefixes.len() > MAX_MPP_IP_PREFIXES {
            return Err(format!("policy.mpp_ip_prefixes lists {} prefixes; at most {MAX_MPP_IP_PREFIXES}", self.mpp_ip_prefixes.len()));
        }
        if let Some(p) = self.mpp_ip_prefixes.iter().find(|p| p.trim().is_empty()) {
            return Err(format!("policy.mpp_ip_prefixes: {p:?} is empty and would match every IP"));
        }
        Ok(())
    }

    pub fn enabled(&self, rule: RuleId) -> bool {
        !self.disabled.contains(&rule)
    }

    /// True when `local` (lower-case) is a role account's local part, `+tag` ignored.
    pub fn is_role(&self, local: &str) -> bool {
        let base = local.split_once('+').map_or(local, |(l, _)| l);
        self.role_accounts.iter().any(|r| r.eq_ignore_ascii_case(base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_round_trip_and_unknown_ids_are_refused() {
        for r in RuleId::ALL {
            assert_eq!(RuleId::parse(r.as_str()), Some(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        let p: Result<Policy, _> = toml::from_str("disabled = [\"inactive\", \"role-account\"]");
        assert_eq!(p.unwrap().disabled, vec![RuleId::Inactive, RuleId::RoleAccount]);
        assert!(toml::from_str::<Policy>("disabled = [\"nope\"]").is_err());
        assert!(toml::from_str::<Policy>("soft_bounce_cnt = 3").is_err());
    }

    #[test]
    fn validation_and_roles() {
        assert!(Policy::default().validate().is_ok());
        assert!(Policy { soft_bounce_count: 0, ..Policy::default() }.validate().is_err());
        assert!(Policy { mpp_ip_prefixes: vec![String::new()], ..Policy::default() }.validate().is_err());
        let p = Policy::default();
        assert!(p.is_role("postmaster") && p.is_role("noreply+x") && !p.is_role("neko"));
    }
}
