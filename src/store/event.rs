//! Turning a parsed message into event rows (pure): one row per recipient with a usable
//! address, or — for a complaint that hides its recipient — a template waiting for resolution.

use serde::{Deserialize, Serialize};

use crate::domain::{feedback_class, EmailAddress, Reason};
use crate::parse::{Parsed, Recipient};
use crate::provider::provider_of_address;
use crate::resolve::{self, Clues, Resolution};

/// One `events` row without its message reference. Field names are the column names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    pub seq: u32,
    pub address: String,
    pub original_address: Option<String>,
    pub kind: String,
    pub reason: String,
    pub class: String,
    pub hard: bool,
    pub action: Option<String>,
    pub status: Option<String>,
    pub reply_code: Option<String>,
    pub diagnostic: Option<String>,
    pub feedback_type: Option<String>,
    pub occurred_at: i64,
    pub provider: String,
    pub reporting_mta: Option<String>,
    pub remote_mta: Option<String>,
    pub source_ip: Option<String>,
    pub campaign: Option<String>,
    pub list_id: Option<String>,
    pub original_message_id: Option<String>,
    pub resolved_by: String,
}

/// A complaint waiting for its recipient: the event to write once one is found, and the
/// identifiers to find it by.
#[derive(Debug, Clone)]
pub struct Pending {
    pub template: EventRow,
    pub clues: Clues,
}

/// What one message gives.
#[derive(Debug, Clone, Default)]
pub struct Built {
    pub events: Vec<EventRow>,
    pub pending: Option<Pending>,
    /// Recipients dropped because their address is not usable.
    pub dropped: usize,
}

/// When the message happened: its Date header, else when it was received.
pub fn occurred_at(parsed: &Parsed, received_at: i64) -> i64 {
    parsed.date.map_or(received_at, |d| d.timestamp())
}

/// The rows for one parsed message.
pub fn build(parsed: &Parsed, received_at: i64) -> Built {
    let mut built = Built::default();
    if resolve::needs_resolution(parsed) {
        built.dropped = parsed.recipients.len();
        built.pending = Some(Pending { template: complaint_template(parsed, received_at), clues: Clues::from_parsed(parsed) });
        return built;
    }
    for (seq, recipient) in parsed.recipients.iter().enumerate() {
        match EmailAddress::parse(&recipient.address) {
            Ok(address) => built.events.push(row(parsed, recipient, &address, seq, received_at)),
            Err(_) => built.dropped += 1,
        }
    }
    built
}

fn base(parsed: &Parsed, received_at: i64) -> EventRow {
    EventRow {
        seq: 0,
        address: String::new(),
        original_address: None,
        kind: parsed.kind.as_str().to_owned(),
        reason: String::new(),
        class: String::new(),
        hard: false,
        action: None,
        status: None,
        reply_code: None,
        diagnostic: None,
        feedback_type: parsed.feedback_type.clone(),
        occurred_at: occurred_at(parsed, received_at),
        provider: String::new(),
        reporting_mta: parsed.reporting_mta.clone(),
        remote_mta: None,
        source_ip: parsed.source_ip.clone(),
        campaign: None,
        list_id: parsed.original.list_id.clone(),
        original_message_id: parsed.original.message_id.as_deref().and_then(resolve::normalise_message_id),
        resolved_by: String::new(),
    }
}

fn row(parsed: &Parsed, r: &Recipient, address: &EmailAddress, seq: usize, received_at: i64) -> EventRow {
    EventRow {
        seq: u32::try_from(seq).unwrap_or(u32::MAX),
        address: address.as_str().to_owned(),
        original_address: r.original_address.clone(),
        reason: r.reason.as_str().to_owned(),
        class: r.class.as_str().to_owned(),
        hard: r.hard,
        action: r.action.clone(),
        status: r.status.clone(),
        reply_code: r.reply_code.clone(),
        diagnostic: r.diagnostic.clone(),
        provider: provider_of_address(address.as_str()).as_str().to_owned(),
        remote_mta: r.remote_mta.clone(),
        resolved_by: r.resolved_by.as_str().to_owned(),
        ..base(parsed, received_at)
    }
}

fn complaint_template(parsed: &Parsed, received_at: i64) -> EventRow {
    let class = feedback_class(parsed.feedback_type.as_deref().unwrap_or(""));
    EventRow { reason: Reason::Feedback.as_str().to_owned(), class: class.as_str().to_owned(), ..base(parsed, received_at) }
}

impl EventRow {
    /// The template filled in with a resolved recipient.
    pub fn resolved(&self, resolution: &Resolution) -> EventRow {
        EventRow {
            address: resolution.address.as_str().to_owned(),
            provider: provider_of_address(resolution.address.as_str()).as_str().to_owned(),
            resolved_by: resolution.method.as_str().to_owned(),
            campaign: self.campaign.clone().or_else(|| resolution.campaign.clone()),
            list_id: self.list_id.clone().or_else(|| resolution.list.clone()),
            ..self.clone()
        }
    }
}

/// What is stored with an unresolved complaint, so a later send-log import can finish it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingJson {
    pub event: EventRow,
    pub original_message_id: Option<String>,
    pub header_token: Option<String>,
    pub unsubscribe_tokens: Vec<String>,
    pub feedback_ids: Vec<String>,
    pub verp: Option<String>,
}

impl From<&Pending> for PendingJson {
    fn from(p: &Pending) -> Self {
        PendingJson {
            event: p.template.clone(),
            original_message_id: p.clues.original_message_id.clone(),
            header_token: p.clues.header_token.clone(),
            unsubscribe_tokens: p.clues.unsubscribe_tokens.clone(),
            feedback_ids: p.clues.feedback_ids.clone(),
            verp: p.clues.verp.clone(),
        }
    }
}

impl PendingJson {
    pub fn into_pending(self) -> Pending {
        Pending {
            template: self.event,
            clues: Clues {
                original_message_id: self.original_message_id,
                header_token: self.header_token,
                unsubscribe_tokens: self.unsubscribe_tokens,
                feedback_ids: self.feedback_ids,
                verp: self.verp,
            },
        }
    }
}
