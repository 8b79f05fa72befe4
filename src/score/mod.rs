//! Scoring: `(history, policy, now) → Decision`. Pure: no I/O, no clock (`now` is an argument),
//! so every decision can be replayed. Rules are tried in a fixed order — the suppressing ones
//! (complaint, unsubscribe, hard-bounce, imported-suppression, soft-bounce-repeated), then the
//! flagging ones (invalid-address, role-account, never-engaged, inactive) — and the first that
//! applies decides, with its evidence and a one-line explanation. Sender-class events (the
//! receiver refusing the *sender*) never count against an address.

pub mod category;
pub mod history;
pub mod policy;
mod rules;

use serde::{Deserialize, Serialize};

use crate::domain::Verdict;
pub use category::Category;
pub use history::{EventFact, Engagement, History, ImportedSuppression, SendLog, Subscription, Timing};
pub use policy::{Policy, RuleId};

/// The rows a decision rests on, by table. Serialised as the `decisions.evidence` JSON object
/// (empty lists left out): `{"events":[12,40],"suppressions":[3]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscribers: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engagement: Vec<i64>,
}

impl Evidence {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.suppressions.is_empty() && self.subscribers.is_empty() && self.engagement.is_empty()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// What scoring decided for one address, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub verdict: Verdict,
    /// The rule that decided; `None` for keep.
    pub rule: Option<RuleId>,
    pub category: Option<Category>,
    pub evidence: Evidence,
    /// When the deciding evidence happened (first complaint, hard bounce, …), if known.
    pub evidence_at: Option<i64>,
    /// The Sisimai reason (or the imported reason text) behind it, if any.
    pub reason: Option<String>,
    /// One line a marketer can read.
    pub explanation: String,
}

impl Decision {
    fn keep(explanation: String) -> Decision {
        Decision {
            verdict: Verdict::Keep,
            rule: None,
            category: None,
            evidence: Evidence::default(),
            evidence_at: None,
            reason: None,
            explanation,
        }
    }
}

/// Decides one address.
pub fn evaluate(history: &History, policy: &Policy, now: i64) -> Decision {
    RuleId::ALL
        .into_iter()
        .filter(|rule| policy.enabled(*rule))
        .find_map(|rule| rules::apply(rule, history, policy, now))
        .unwrap_or_else(|| Decision::keep(rules::why_kept(history, policy)))
}

/// `2026-11-20`: the day of a unix time, for explanations.
pub fn day(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0).map_or_else(|| at.to_string(), |d| d.format("%Y-%m-%d").to_string())
}
