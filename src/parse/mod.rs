//! The pure parser: one raw message in, one [`Parsed`] out. No I/O, no clock.
//!
//! The flow: cap the input, let mail-parser split the MIME tree ([`mime`]), then try the
//! structured formats first — ARF complaints and JMRP/SES/Apple variants ([`arf`]),
//! RFC 3464 delivery-status parts ([`dsn`]) — then the non-standard bounce families
//! ([`text`], driven by the tables in [`families`]) and auto-replies ([`autoreply`]).
//! Every recipient gets a reason from [`reason`], and complaints get the identifiers that
//! let a later step find a redacted complainer ([`identifiers`]).

pub mod address;
pub mod arf;
pub mod autoreply;
pub mod dsn;
pub mod families;
pub mod fields;
pub mod identifiers;
pub mod mime;
pub mod reason;
pub mod ses;
pub mod status;
pub mod text;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Class, Kind, Reason};

/// The parser's version, stored with every ingested message so `reparse` knows what is stale.
pub const PARSER_VERSION: u32 = 1;

/// Messages larger than this are cut before parsing (and `note` says so).
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// Knobs the parser takes from configuration. All optional; the defaults parse everything.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Bytes read from one message at most; the rest is ignored and noted.
    pub max_bytes: usize,
    /// Header carrying a recipient token the sender put in every message.
    pub token_header: String,
    /// VERP template such as `bounces+{local}={domain}@lists.example.com`; without one, a
    /// generic `prefix+local=domain@host` form is recognised.
    pub verp: Option<identifiers::Verp>,
    /// Regular expression with a `token` group to cut a token out of a List-Unsubscribe URL.
    pub unsubscribe_token: Option<regex::Regex>,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            token_header: "X-Listhygiene-Rid".to_owned(),
            verp: None,
            unsubscribe_token: None,
        }
    }
}

/// Everything the parser learnt from one message; the `parse` command's JSON line without
/// `file` and `index`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    pub kind: Kind,
    pub message_id: Option<String>,
    pub date: Option<DateTime<Utc>>,
    pub from: Option<String>,
    pub subject: Option<String>,
    pub reporting_mta: Option<String>,
    pub decoded_by: Option<String>,
    pub feedback_type: Option<String>,
    pub user_agent: Option<String>,
    pub source_ip: Option<String>,
    pub original: Original,
    pub identifiers: Identifiers,
    pub recipients: Vec<Recipient>,
    pub note: Option<String>,
}

/// Headers of the message the report or bounce is about (not of the report itself).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Original {
    pub message_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    pub date: Option<String>,
    pub list_id: Option<String>,
    pub list_unsubscribe: Option<String>,
    pub feedback_id: Option<String>,
    pub cfbl_feedback_id: Option<String>,
    pub return_path: Option<String>,
}

/// Sender-placed identifiers that can name a recipient the report itself hides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifiers {
    /// The recipient decoded from a VERP return path.
    pub verp: Option<String>,
    /// The value of the configured recipient-token header.
    pub header_token: Option<String>,
    /// The token cut out of List-Unsubscribe.
    pub unsubscribe_token: Option<String>,
    pub cfbl_feedback_id: Option<String>,
}

impl Identifiers {
    pub fn is_empty(&self) -> bool {
        self.verp.is_none()
            && self.header_token.is_none()
            && self.unsubscribe_token.is_none()
            && self.cfbl_feedback_id.is_none()
    }
}

/// Where a recipient's address came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolvedBy {
    Dsn,
    Arf,
    #[serde(rename = "x-hmxmr")]
    XHmxmr,
    #[serde(rename = "original-to")]
    OriginalTo,
    Header,
    Text,
    Verp,
    HeaderToken,
    UnsubscribeToken,
    CfblFeedbackId,
    SendLog,
}

impl ResolvedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ResolvedBy::Dsn => "dsn",
            ResolvedBy::Arf => "arf",
            ResolvedBy::XHmxmr => "x-hmxmr",
            ResolvedBy::OriginalTo => "original-to",
            ResolvedBy::Header => "header",
            ResolvedBy::Text => "text",
            ResolvedBy::Verp => "verp",
            ResolvedBy::HeaderToken => "header_token",
            ResolvedBy::UnsubscribeToken => "unsubscribe_token",
            ResolvedBy::CfblFeedbackId => "cfbl_feedback_id",
            ResolvedBy::SendLog => "send_log",
        }
    }
}

/// One affected recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub address: String,
    pub original_address: Option<String>,
    pub action: Option<String>,
    pub status: Option<String>,
    pub reply_code: Option<String>,
    pub reason: Reason,
    pub class: Class,
    pub hard: bool,
    pub remote_mta: Option<String>,
    pub diagnostic: Option<String>,
    pub resolved_by: ResolvedBy,
}

/// Parses one raw message. Never panics; a message it cannot read comes back as
/// `kind: other` with a `note`, and so does one that trips a parser bug.
pub fn classify(raw: &[u8], options: &ParseOptions) -> Parsed {
    let (raw, truncated) = cap(raw, options.max_bytes);
    // A panic here is a parser bug; it must cost one message, not the batch.
    let guarded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match mime::Mail::parse(raw) {
        Some(mail) => classify_mail(&mail, options),
        None => Parsed::unreadable("not a parseable e-mail message"),
    }));
    let mut parsed = guarded.unwrap_or_else(|_| Parsed::unreadable("internal parser error on this message (a bug: please report it)"));
    if truncated {
        let note = format!("message cut to its first {} bytes", options.max_bytes);
        parsed.note = Some(match parsed.note.take() {
            Some(n) => format!("{n}; {note}"),
            None => note,
        });
    }
    parsed
}

fn cap(raw: &[u8], max: usize) -> (&[u8], bool) {
    if raw.len() > max { (&raw[..max], true) } else { (raw, false) }
}

fn classify_mail(mail: &mime::Mail<'_>, options: &ParseOptions) -> Parsed {
    let mut parsed = Parsed::from_envelope(mail);
    parsed.original = identifiers::original(mail);
    let decoded = arf::decode(mail)
        .or_else(|| ses::decode(mail))
        .or_else(|| dsn::decode(mail))
        .or_else(|| text::decode(mail))
        .or_else(|| autoreply::decode(mail));
    match decoded {
        Some(d) => d.apply_to(&mut parsed),
        None => {
            parsed.kind = Kind::Other;
            parsed.note = Some(other_note(mail));
        }
    }
    parsed.identifiers = identifiers::identifiers(mail, &parsed.original, options);
    parsed
}

fn other_note(mail: &mime::Mail<'_>) -> String {
    if mail.looks_like_bounce() {
        "looks like a bounce but no recipient could be found".to_owned()
    } else {
        "not a bounce, complaint, auto-reply or report".to_owned()
    }
}

/// What a decoder found, before it is merged into the envelope fields.
#[derive(Debug, Default)]
pub struct Decoded {
    pub kind: Option<Kind>,
    pub decoded_by: &'static str,
    pub reporting_mta: Option<String>,
    pub feedback_type: Option<String>,
    pub user_agent: Option<String>,
    pub source_ip: Option<String>,
    pub recipients: Vec<Recipient>,
    pub note: Option<String>,
    /// The original as the decoder saw it, when the MIME tree does not carry it.
    pub original: Option<Original>,
}

impl Decoded {
    fn apply_to(self, parsed: &mut Parsed) {
        parsed.kind = self.kind.unwrap_or(Kind::Other);
        parsed.decoded_by = Some(self.decoded_by.to_owned());
        parsed.reporting_mta = self.reporting_mta;
        parsed.feedback_type = self.feedback_type;
        parsed.user_agent = self.user_agent;
        parsed.source_ip = self.source_ip;
        parsed.recipients = self.recipients;
        parsed.note = self.note;
        if let Some(original) = self.original {
            parsed.original = original;
        }
    }
}

impl Parsed {
    pub fn unreadable(note: &str) -> Parsed {
        Parsed {
            kind: Kind::Other,
            message_id: None,
            date: None,
            from: None,
            subject: None,
            reporting_mta: None,
            decoded_by: None,
            feedback_type: None,
            user_agent: None,
            source_ip: None,
            original: Original::default(),
            identifiers: Identifiers::default(),
            recipients: Vec::new(),
            note: Some(note.to_owned()),
        }
    }

    fn from_envelope(mail: &mime::Mail<'_>) -> Parsed {
        let mut p = Parsed::unreadable("");
        p.note = None;
        p.message_id = mail.message_id();
        p.date = mail.date();
        p.from = mail.from_address();
        p.subject = mail.subject().map(str::to_owned);
        p
    }
}
