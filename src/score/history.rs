//! What scoring knows about one address: its subscriptions, recipient events, engagement
//! summary, send-log summary and imported suppressions. Plain values, filled by the store.

use serde::{Deserialize, Serialize};

use crate::domain::Class;

/// Everything the rules look at for one address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// The address as stored (normalised, or kept as imported when it is not valid).
    pub address: String,
    pub subscriptions: Vec<Subscription>,
    /// Recipient events, oldest first (`info` events are left out).
    pub events: Vec<EventFact>,
    pub engagement: Engagement,
    pub send_log: SendLog,
    pub suppressions: Vec<ImportedSuppression>,
}

/// One `subscribers` row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: i64,
    pub list: String,
    pub status: String,
    pub signup_at: Option<i64>,
    pub confirm_at: Option<i64>,
}

/// One `events` row, as much as the rules need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFact {
    pub id: i64,
    pub class: Class,
    /// Sisimai reason (`userunknown`, `mailboxfull`, `feedback` …).
    pub reason: String,
    pub occurred_at: i64,
    pub status: Option<String>,
    pub feedback_type: Option<String>,
    /// Receiving provider family of the address (microsoft, gmail, yahoo, apple, other).
    pub provider: String,
}

/// The `engagement` rows of an address, summarised. Opens and clicks from a machine (Apple MPP
/// proxy, or within the policy's window after a send) are counted apart and are not engagement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Engagement {
    pub sends: u32,
    pub first_send_at: Option<i64>,
    pub last_send_at: Option<i64>,
    pub last_reply_at: Option<i64>,
    pub human_opens: u32,
    pub last_human_open_at: Option<i64>,
    pub human_clicks: u32,
    pub last_human_click_at: Option<i64>,
    pub machine_opens: u32,
    pub machine_clicks: u32,
    pub unsubscribes: u32,
    pub first_unsubscribe_at: Option<i64>,
    /// `engagement.id` of the first unsubscribe row.
    pub first_unsubscribe_id: Option<i64>,
}

impl Engagement {
    /// The latest click, reply or human open.
    pub fn last_engaged_at(&self) -> Option<i64> {
        [self.last_human_click_at, self.last_reply_at, self.last_human_open_at].into_iter().flatten().max()
    }
}

/// The `sends` rows (send log) of an address, summarised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendLog {
    pub sends: u32,
    pub first_sent_at: Option<i64>,
    pub last_sent_at: Option<i64>,
}

/// One imported ESP suppression row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedSuppression {
    pub id: i64,
    pub source_format: String,
    pub reason: Option<String>,
    pub suppressed_at: Option<i64>,
}

impl History {
    /// Sends known for the address: the engagement log's and the send log's are usually the
    /// same mail seen twice, so the larger count is taken, not the sum.
    pub fn sends(&self) -> u32 {
        self.engagement.sends.max(self.send_log.sends)
    }

    pub fn first_send_at(&self) -> Option<i64> {
        [self.engagement.first_send_at, self.send_log.first_sent_at].into_iter().flatten().min()
    }

    pub fn last_send_at(&self) -> Option<i64> {
        [self.engagement.last_send_at, self.send_log.last_sent_at].into_iter().flatten().max()
    }

    /// When the address joined: the earliest signup, else confirmation, else first send.
    pub fn joined_at(&self) -> Option<i64> {
        let signup = self.subscriptions.iter().filter_map(|s| s.signup_at.or(s.confirm_at)).min();
        signup.or_else(|| self.first_send_at())
    }

    pub fn events_of(&self, class: Class) -> impl Iterator<Item = &EventFact> {
        self.events.iter().filter(move |e| e.class == class)
    }
}
