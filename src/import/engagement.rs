//! The engagement CSV: one row per send, open, click, reply or unsubscribe (`email`, `type`,
//! `time`, `campaign`, optional `ip` and `user_agent`), as ESP event exports write them. Event
//! types that are not engagement (bounces, deferrals, drops, `processed`) are skipped and
//! counted, never silently; an unknown type is a row error.

use serde::Serialize;

use super::{FieldSpec, Mapping, parse_time};
use crate::domain::CheckedAddress;

/// The fields of an engagement row and the headers they are recognised by.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "email",
        synonyms: &["email_address", "e_mail", "recipient", "subscriber", "subscriber_email", "rcpt", "to", "address"],
        required: true,
    },
    FieldSpec { name: "type", synonyms: &["event", "event_type", "action", "activity", "kind"], required: true },
    FieldSpec {
        name: "time",
        synonyms: &["occurred_at", "timestamp", "date", "datetime", "event_time", "time_stamp", "created_at", "created", "at"],
        required: true,
    },
    FieldSpec { name: "campaign", synonyms: &["campaign_id", "campaign_name", "mailing", "mailing_id", "newsletter", "message_id"], required: false },
    FieldSpec { name: "ip", synonyms: &["ip_address", "client_ip", "remote_ip", "source_ip"], required: false },
    FieldSpec { name: "user_agent", synonyms: &["useragent", "ua", "agent", "client", "browser"], required: false },
];

const EMAIL: usize = 0;
const TYPE: usize = 1;
const TIME: usize = 2;
const CAMPAIGN: usize = 3;
const IP: usize = 4;
const USER_AGENT: usize = 5;

/// The engagement types the `engagement` table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngagementType {
    Send,
    Open,
    Click,
    Reply,
    Unsubscribe,
}

impl EngagementType {
    pub fn as_str(self) -> &'static str {
        match self {
            EngagementType::Send => "send",
            EngagementType::Open => "open",
            EngagementType::Click => "click",
            EngagementType::Reply => "reply",
            EngagementType::Unsubscribe => "unsubscribe",
        }
    }
}

/// What a type cell means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeCell {
    Engagement(EngagementType),
    /// A known event that is not engagement (bounce, deferral, …): skipped and counted.
    NotEngagement,
}

/// Reads a type cell; `None` when it is not a known event name. `delivered` counts as the send
/// (ESP logs have `processed`/`accepted` and then `delivered` for one message).
pub fn type_of(cell: &str) -> Option<TypeCell> {
    use EngagementType::*;
    let t = cell.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    Some(match t.as_str() {
        "send" | "sent" | "delivered" | "delivery" => TypeCell::Engagement(Send),
        "open" | "opened" | "opens" | "view" | "viewed" => TypeCell::Engagement(Open),
        "click" | "clicked" | "clicks" => TypeCell::Engagement(Click),
        "reply" | "replied" | "replies" => TypeCell::Engagement(Reply),
        "unsubscribe" | "unsubscribed" | "unsub" | "group_unsubscribe" | "opt_out" | "optout" => TypeCell::Engagement(Unsubscribe),
        "processed" | "accepted" | "queued" | "bounce" | "bounced" | "hard_bounce" | "soft_bounce" | "deferred" | "delayed"
        | "dropped" | "failed" | "rejected" | "spamreport" | "spam_report" | "complained" | "complaint" | "blocked"
        | "group_resubscribe" | "resubscribe" | "subscribe" | "subscribed" | "stored" => TypeCell::NotEngagement,
        _ => return None,
    })
}

/// One valid engagement row. Serialised as a JSON array (the store's batch format).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngagementRecord {
    pub address: String,
    /// False for an address kept although it is not valid.
    pub valid: bool,
    pub kind: EngagementType,
    pub occurred_at: i64,
    pub campaign: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// What one good row is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngagementRow {
    Engagement(EngagementRecord),
    /// A known event that is not engagement, by its lower-cased type.
    Skipped(String),
}

/// Reads one row; `Err` says what is wrong with it (without file and line).
pub fn record(mapping: &Mapping, row: &csv::StringRecord) -> Result<EngagementRow, String> {
    let raw_type = mapping.get(row, TYPE).ok_or("empty type")?;
    let kind = match type_of(raw_type) {
        Some(TypeCell::Engagement(kind)) => kind,
        Some(TypeCell::NotEngagement) => return Ok(EngagementRow::Skipped(raw_type.to_ascii_lowercase())),
        None => return Err(format!("type {raw_type:?} is not send, open, click, reply or unsubscribe")),
    };
    let raw = mapping.get(row, EMAIL).ok_or("empty email")?;
    let address = CheckedAddress::check(raw).ok_or("empty email")?;
    let occurred_at = parse_time(mapping.get(row, TIME).ok_or("empty time")?).map_err(|e| format!("time: {e}"))?;
    let record = EngagementRecord {
        valid: address.is_valid(),
        address: address.into_string(),
        kind,
        occurred_at,
        campaign: mapping.get(row, CAMPAIGN).map(str::to_owned),
        ip: mapping.get(row, IP).map(str::to_owned),
        user_agent: mapping.get(row, USER_AGENT).map(str::to_owned),
    };
    Ok(EngagementRow::Engagement(record))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::map_headers;

    #[test]
    fn rows_and_types() {
        let h: Vec<String> = ["Email", "Event", "Timestamp", "Campaign", "IP", "User-Agent"].map(str::to_owned).to_vec();
        let m = map_headers(&h, FIELDS, &[]).unwrap();
        let row = csv::StringRecord::from(vec!["A@Example.com", "opened", "1790812800", "c1", "17.58.1.1", "Mozilla/5.0"]);
        let EngagementRow::Engagement(r) = record(&m, &row).unwrap() else { panic!("not engagement") };
        assert_eq!((r.address.as_str(), r.kind, r.occurred_at), ("a@example.com", EngagementType::Open, 1_790_812_800));
        let cells = (r.campaign.as_deref(), r.ip.as_deref(), r.user_agent.as_deref());
        assert_eq!(cells, (Some("c1"), Some("17.58.1.1"), Some("Mozilla/5.0")));
        let skipped = csv::StringRecord::from(vec!["a@example.com", "deferred", "1790812800", "", "", ""]);
        assert_eq!(record(&m, &skipped).unwrap(), EngagementRow::Skipped("deferred".into()));
        let bad = csv::StringRecord::from(vec!["a@example.com", "teleported", "1790812800", "", "", ""]);
        assert!(record(&m, &bad).unwrap_err().contains("teleported"));
        let bad = csv::StringRecord::from(vec!["a@example.com", "click", "later", "", "", ""]);
        assert!(record(&m, &bad).unwrap_err().starts_with("time"));
    }
}
