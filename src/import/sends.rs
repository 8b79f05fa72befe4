//! The send-log CSV: `message_id`, `recipient`, `campaign`, `sent_at`, `list`, and the
//! List-Unsubscribe token / CFBL feedback id when present. Turns rows into [`SendRecord`]s or
//! row errors; the store writes them.

use regex::Regex;

use super::{FieldSpec, Mapping, parse_time};
use crate::domain::EmailAddress;
use crate::resolve::{normalise_message_id, unsubscribe_uris};

/// The fields of a send-log row and the headers they are recognised by.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec { name: "message_id", synonyms: &["messageid", "msgid", "msg_id", "smtp_id", "message"], required: true },
    FieldSpec {
        name: "recipient",
        synonyms: &["email", "email_address", "address", "to", "rcpt", "rcpt_to", "recipient_email", "subscriber"],
        required: true,
    },
    FieldSpec { name: "campaign", synonyms: &["campaign_id", "campaign_name", "mailing", "mailing_id", "newsletter"], required: false },
    FieldSpec {
        name: "sent_at",
        synonyms: &["sent", "send_time", "sent_time", "date", "timestamp", "time", "sent_date", "created_at"],
        required: false,
    },
    FieldSpec { name: "list", synonyms: &["list_id", "list_name", "audience", "segment"], required: false },
    FieldSpec {
        name: "unsubscribe_token",
        synonyms: &["list_unsubscribe", "unsub_token", "unsubscribe_url", "unsubscribe", "unsubscribe_link"],
        required: false,
    },
    FieldSpec { name: "feedback_id", synonyms: &["cfbl_feedback_id", "cfbl", "feedbackid"], required: false },
];

const MESSAGE_ID: usize = 0;
const RECIPIENT: usize = 1;
const CAMPAIGN: usize = 2;
const SENT_AT: usize = 3;
const LIST: usize = 4;
const UNSUBSCRIBE: usize = 5;
const FEEDBACK: usize = 6;

/// One valid send-log row, normalised.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SendRecord {
    /// `<…>`
    pub message_id: String,
    pub recipient: String,
    pub campaign: Option<String>,
    pub list: Option<String>,
    pub sent_at: Option<i64>,
    pub unsubscribe_token: Option<String>,
    pub feedback_id: Option<String>,
}

/// Reads one row; `Err` says what is wrong with it (without file and line).
pub fn record(mapping: &Mapping, row: &csv::StringRecord, unsubscribe: Option<&Regex>) -> Result<SendRecord, String> {
    let raw_id = mapping.get(row, MESSAGE_ID).ok_or("empty message_id")?;
    let message_id = normalise_message_id(raw_id).ok_or_else(|| format!("message_id {raw_id:?} is not a Message-ID"))?;
    let raw_rcpt = mapping.get(row, RECIPIENT).ok_or("empty recipient")?;
    let recipient = EmailAddress::parse(raw_rcpt).map_err(|e| format!("recipient: {e}"))?;
    let sent_at = mapping.get(row, SENT_AT).map(parse_time).transpose().map_err(|e| format!("sent_at: {e}"))?;
    Ok(SendRecord {
        message_id,
        recipient: recipient.as_str().to_owned(),
        campaign: mapping.get(row, CAMPAIGN).map(str::to_owned),
        list: mapping.get(row, LIST).map(str::to_owned),
        sent_at,
        unsubscribe_token: mapping.get(row, UNSUBSCRIBE).map(|v| unsubscribe_key(v, unsubscribe)),
        feedback_id: mapping.get(row, FEEDBACK).map(str::to_owned),
    })
}

/// What a List-Unsubscribe cell is looked up by: the configured token when the pattern finds
/// one, else the first URI (a bare token stays as it is).
pub fn unsubscribe_key(cell: &str, pattern: Option<&Regex>) -> String {
    if let Some(token) = pattern.and_then(|re| re.captures(cell)).and_then(|c| c.name("token")) {
        return token.as_str().to_owned();
    }
    unsubscribe_uris(cell).into_iter().next().unwrap_or_else(|| cell.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::map_headers;

    #[test]
    fn rows_are_normalised_or_refused() {
        let header: Vec<String> = ["Message-ID", "Email", "Campaign", "Sent", "List-Unsubscribe"].map(str::to_owned).to_vec();
        let mapping = map_headers(&header, FIELDS, &[]).unwrap();
        let row = csv::StringRecord::from(vec!["abc@x", "Neko@Example.JP", "c1", "2026-10-01", "<https://e.x/u/T1>, <mailto:u@e.x>"]);
        let r = record(&mapping, &row, None).unwrap();
        assert_eq!(r.message_id, "<abc@x>");
        assert_eq!(r.recipient, "neko@example.jp");
        assert_eq!(r.unsubscribe_token.as_deref(), Some("https://e.x/u/T1"));
        let re = Regex::new(r"/u/(?P<token>\w+)").unwrap();
        assert_eq!(record(&mapping, &row, Some(&re)).unwrap().unsubscribe_token.as_deref(), Some("T1"));
        let bad = csv::StringRecord::from(vec!["abc@x", "not-an-address", "", "", ""]);
        assert!(record(&mapping, &bad, None).unwrap_err().contains("recipient"));
        let bad = csv::StringRecord::from(vec!["abc@x", "a@example.com", "", "someday", ""]);
        assert!(record(&mapping, &bad, None).unwrap_err().contains("sent_at"));
    }
}
