//! Read-only queries behind `explain` and `unresolved`.

use serde::Serialize;

use super::{Store, StoreError};

/// One event with the message behind it (`explain`).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EventEvidence {
    pub event_id: i64,
    pub address: String,
    pub occurred_at: i64,
    pub kind: String,
    pub reason: String,
    pub class: String,
    pub action: Option<String>,
    pub status: Option<String>,
    pub reply_code: Option<String>,
    pub diagnostic: Option<String>,
    pub feedback_type: Option<String>,
    pub provider: String,
    pub reporting_mta: Option<String>,
    pub remote_mta: Option<String>,
    pub source_ip: Option<String>,
    pub campaign: Option<String>,
    pub list_id: Option<String>,
    pub original_message_id: Option<String>,
    pub resolved_by: String,
    pub message_ref: i64,
    pub message_source: String,
    pub message_file: Option<String>,
    pub message_key: Option<String>,
    pub message_id: Option<String>,
    pub message_from: Option<String>,
    pub message_subject: Option<String>,
    pub message_date_at: Option<i64>,
    pub received_at: i64,
    pub digest: String,
    pub decoded_by: Option<String>,
    pub parser_version: i64,
}

const EVENTS_OF: &str = "select e.id as event_id, e.address, e.occurred_at, e.kind, e.reason, e.class, e.action, \
     e.status, e.reply_code, e.diagnostic, e.feedback_type, e.provider, e.reporting_mta, e.remote_mta, \
     e.source_ip, e.campaign, e.list_id, e.original_message_id, e.resolved_by, \
     m.id as message_ref, m.source as message_source, m.source_file as message_file, \
     m.source_key as message_key, m.message_id, m.from_address as message_from, \
     m.subject as message_subject, m.date_at as message_date_at, m.received_at, \
     lower(hex(m.digest)) as digest, m.decoded_by, m.parser_version \
     from events as e join messages as m on m.id = e.message_ref \
     where e.address = ?1 order by e.occurred_at, e.id";

/// What the send log says about an address.
#[derive(Debug, Clone, Copy, Default, Serialize, sqlx::FromRow)]
pub struct SendSummary {
    pub sends: i64,
    pub first_sent_at: Option<i64>,
    pub last_sent_at: Option<i64>,
}

const SENDS_OF: &str = "select count(*) as sends, min(sent_at) as first_sent_at, max(sent_at) as last_sent_at \
     from sends where recipient = ?1";

/// A complaint kept without a recipient (`unresolved`).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UnresolvedComplaint {
    pub id: i64,
    pub message_ref: i64,
    pub occurred_at: i64,
    pub created_at: i64,
    pub feedback_type: Option<String>,
    pub user_agent: Option<String>,
    pub message_id: Option<String>,
    pub message_from: Option<String>,
    pub message_file: Option<String>,
    pub message_key: Option<String>,
    pub original_message_id: Option<String>,
    pub header_token: Option<String>,
    pub unsubscribe_token: Option<String>,
    pub cfbl_feedback_id: Option<String>,
    pub verp: Option<String>,
    pub note: Option<String>,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<String>,
    pub resolved_address: Option<String>,
}

const UNRESOLVED: &str = "select u.id, u.message_ref, u.occurred_at, u.created_at, u.feedback_type, \
     m.user_agent, m.message_id, m.from_address as message_from, m.source_file as message_file, \
     m.source_key as message_key, u.original_message_id, u.header_token, u.unsubscribe_token, \
     u.cfbl_feedback_id, u.verp, u.note, u.resolved_at, u.resolved_by, u.resolved_address \
     from unresolved_complaints as u join messages as m on m.id = u.message_ref \
     where ?1 or u.resolved_at is null order by u.occurred_at, u.id";

/// Raw bytes of one stored message.
const RAW_OF: &str = "select encoding, raw from raw_messages where message_ref = ?1";

impl Store {
    /// Every event about `address` (normalised; matched case-insensitively), oldest first.
    pub async fn events_of(&self, address: &str) -> Result<Vec<EventEvidence>, StoreError> {
        sqlx::query_as(EVENTS_OF).bind(address).fetch_all(self.pool()).await.map_err(|e| self.error(e))
    }

    /// The send log's count and dates for `address`.
    pub async fn sends_of(&self, address: &str) -> Result<SendSummary, StoreError> {
        sqlx::query_as(SENDS_OF).bind(address).fetch_one(self.pool()).await.map_err(|e| self.error(e))
    }

    /// Complaints without a recipient; with `all`, also those resolved later.
    pub async fn unresolved(&self, all: bool) -> Result<Vec<UnresolvedComplaint>, StoreError> {
        sqlx::query_as(UNRESOLVED).bind(all).fetch_all(self.pool()).await.map_err(|e| self.error(e))
    }

    /// The original bytes of stored message `message_ref`, if kept.
    pub async fn raw_message(&self, message_ref: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let row: Option<(String, Vec<u8>)> =
            sqlx::query_as(RAW_OF).bind(message_ref).fetch_optional(self.pool()).await.map_err(|e| self.error(e))?;
        row.map(|(encoding, bytes)| super::RawBlob::decode(&encoding, &bytes))
            .transpose()
            .map_err(|e| StoreError::Other { path: self.path().to_owned(), message: format!("raw message {message_ref}: {e}") })
    }
}
