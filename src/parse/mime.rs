//! A read-only view of one message's MIME tree: the report's own headers, its machine-readable
//! parts (delivery-status, feedback-report), the enclosed original and the human-readable text.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use std::sync::LazyLock;

use mail_parser::{HeaderName, Message, MessageParser, MessagePart, MimeHeaders, PartType};

/// Parses the headers the decoders read; every other header (Received above all, which is
/// costly to tokenise and never needed) is only located: its raw value is read through its
/// offsets when a decoder asks for it.
pub(crate) static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .with_date_headers()
        .with_address_headers()
        .with_message_ids()
        .header_text(HeaderName::Subject)
        .header_text(HeaderName::ListId)
        .default_header_ignore()
});

/// The parts of a message the decoders look at.
pub struct Mail<'a> {
    pub message: Message<'a>,
    /// Bodies of `message/delivery-status` and `message/global-delivery-status` parts.
    pub delivery_status: Vec<String>,
    /// Body of the `message/feedback-report` part.
    pub feedback_report: Option<String>,
    /// Header block of the enclosed original (`message/rfc822` or `text/rfc822-headers`).
    pub original_headers: Option<String>,
    /// Index into `message.parts` of an enclosed `message/rfc822`, if any.
    original_part: Option<usize>,
    /// Human-readable text of the report itself (not of the enclosed original).
    pub body: String,
    /// Where the error section and the returned original are in `body`.
    pub layout: super::families::Layout,
}

impl<'a> Mail<'a> {
    pub fn parse(raw: &'a [u8]) -> Option<Mail<'a>> {
        let message = PARSER.parse(raw)?;
        if message.headers().is_empty() && message.parts.len() <= 1 {
            return None;
        }
        let mut mail = Mail {
            message,
            delivery_status: Vec::new(),
            feedback_report: None,
            original_headers: None,
            original_part: None,
            body: String::new(),
            layout: Default::default(),
        };
        mail.collect_parts();
        mail.layout = super::families::Layout::of(&mail.body);
        Some(mail)
    }

    fn collect_parts(&mut self) {
        let mut body_parts = Vec::new();
        for (index, part) in self.message.parts.iter().enumerate() {
            let (ctype, subtype) = content_type(part);
            match (ctype.as_str(), subtype.as_str()) {
                ("message", "delivery-status" | "global-delivery-status")
                | ("text", "delivery-status" | "x-delivery-status") => {
                    self.delivery_status.push(part_text(part).into_owned());
                }
                ("message", "feedback-report") | ("text", "feedback-report") => {
                    self.feedback_report.get_or_insert_with(|| part_text(part).into_owned());
                }
                ("text", "rfc822-headers") | ("message", "global-headers" | "rfc822-headers") => {
                    self.original_headers.get_or_insert_with(|| part_text(part).into_owned());
                }
                ("message", "rfc822" | "global" | "partial") | ("text", "rfc822") => {
                    if self.original_headers.is_none() {
                        self.original_headers = Some(enclosed_headers(part));
                        self.original_part = Some(index);
                    }
                }
                _ => {
                    if index > 0 || !part.is_multipart() {
                        body_parts.push(index);
                    }
                }
            }
        }
        self.body = self.body_text(&body_parts);
        if self.body.trim().is_empty() && self.delivery_status.is_empty() && self.feedback_report.is_none() {
            // A broken MIME structure hides the text: read the raw body as text instead.
            let raw = self.message.raw_message();
            let start = header_end(raw);
            self.body = String::from_utf8_lossy(&raw[start..]).into_owned();
        }
    }

    /// Text of the human-readable parts, in order, up to the first enclosed message.
    fn body_text(&self, candidates: &[usize]) -> String {
        let mut body = String::new();
        let text_ids: Vec<usize> = self.message.text_body.iter().map(|&i| i as usize).collect();
        let html_ids: Vec<usize> = self.message.html_body.iter().map(|&i| i as usize).collect();
        let limit = self.original_part.unwrap_or(usize::MAX);
        for &index in candidates.iter().filter(|&&i| i < limit) {
            let part = &self.message.parts[index];
            let text = match &part.body {
                PartType::Text(t) => Some(t.clone()),
                PartType::Html(h) if !text_ids.iter().any(|t| html_ids.contains(t)) || text_ids.is_empty() => {
                    Some(Cow::Owned(mail_parser::decoders::html::html_to_text(h)))
                }
                _ => None,
            };
            if let Some(t) = text {
                if part.is_content_type("text", "html") && !body.is_empty() {
                    continue; // the plain alternative is already in
                }
                if !body.is_empty() {
                    body.push('\n');
                }
                body.push_str(&t);
            }
        }
        body
    }

    /// The enclosed original message, when attached as message/rfc822.
    pub fn original_message(&self) -> Option<&Message<'a>> {
        let part = self.message.parts.get(self.original_part?)?;
        match &part.body {
            PartType::Message(m) => Some(m),
            _ => None,
        }
    }

    /// The raw (undecoded, folded as written) value of the first top-level header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        raw_header(&self.message, name).and_then(|v| std::str::from_utf8(v).ok()).map(str::trim)
    }

    pub fn message_id(&self) -> Option<String> {
        self.message.message_id().map(|s| format!("<{s}>"))
    }

    pub fn date(&self) -> Option<DateTime<Utc>> {
        let d = self.message.date()?;
        if !d.is_valid() {
            return None;
        }
        DateTime::from_timestamp(d.to_timestamp(), 0)
    }

    pub fn from_address(&self) -> Option<String> {
        self.message.from().and_then(|a| a.first()).and_then(|a| a.address()).map(str::to_owned)
    }

    pub fn to_address(&self) -> Option<String> {
        self.message.to().and_then(|a| a.first()).and_then(|a| a.address()).map(str::to_owned)
    }

    pub fn subject(&self) -> Option<&str> {
        self.message.subject()
    }

    /// The report's top-level content type, lower-case, e.g. `multipart/report`.
    pub fn top_content_type(&self) -> (String, String) {
        self.message.parts.first().map(content_type).unwrap_or_default()
    }

    /// The `report-type` parameter of a multipart/report.
    pub fn report_type(&self) -> Option<String> {
        let ct = self.message.parts.first()?.content_type()?;
        ct.attribute("report-type").map(|s| s.to_ascii_lowercase())
    }

    /// Sender, subject or headers that only automatic bounces carry.
    pub fn looks_like_bounce(&self) -> bool {
        let from = self.from_address().unwrap_or_default().to_ascii_lowercase();
        let subject = self.subject().unwrap_or_default().to_ascii_lowercase();
        from.starts_with("mailer-daemon")
            || from.starts_with("postmaster")
            || self.header("X-Failed-Recipients").is_some()
            || BOUNCE_SUBJECTS.iter().any(|s| subject.contains(s))
    }
}

/// Lower-case subject fragments that only bounces carry.
const BOUNCE_SUBJECTS: &[&str] = &[
    "undeliver",
    "delivery status",
    "delivery fail",
    "returned mail",
    "failure notice",
    "delivery notification",
    "non-delivery",
    "nondeliver",
    "could not send",
    "error sending",
    "mail delivery",
    "delivery problem",
    "delivery report",
    "message not delivered",
    "メールエラー",
    "配信エラー",
    "不達",
    "unzustellbar",
    "non remis",
    "onbestelbaar",
];

fn content_type(part: &MessagePart<'_>) -> (String, String) {
    match part.content_type() {
        Some(ct) => (
            ct.ctype().to_ascii_lowercase(),
            ct.subtype().unwrap_or_default().to_ascii_lowercase(),
        ),
        None => ("text".to_owned(), "plain".to_owned()),
    }
}

/// Any part's content as text (lossy UTF-8 for binary parts).
fn part_text<'p>(part: &'p MessagePart<'_>) -> Cow<'p, str> {
    match &part.body {
        PartType::Text(t) | PartType::Html(t) => Cow::Borrowed(t.as_ref()),
        PartType::Binary(b) | PartType::InlineBinary(b) => String::from_utf8_lossy(b),
        PartType::Message(m) => String::from_utf8_lossy(message_bytes(m)),
        PartType::Multipart(_) => Cow::Borrowed(""),
    }
}

/// The bytes of an enclosed message, and of its header block. mail-parser gives a nested
/// message the slice of its own bytes but keeps its parts' offsets relative to the *outer*
/// message when the part was not transfer-encoded; the root part's offsets tell which.
fn message_bytes<'m>(m: &'m Message<'_>) -> &'m [u8] {
    nested_range(m, |root| root.offset_end)
}

fn message_header_bytes<'m>(m: &'m Message<'_>) -> &'m [u8] {
    nested_range(m, |root| root.offset_body)
}

fn nested_range<'m>(m: &'m Message<'_>, end_of: impl Fn(&MessagePart<'_>) -> u32) -> &'m [u8] {
    let raw = m.raw_message();
    let Some(root) = m.parts.first() else { return raw };
    let base = if root.offset_end as usize > raw.len() { root.offset_header as usize } else { 0 };
    let start = (root.offset_header as usize).saturating_sub(base).min(raw.len());
    let end = (end_of(root) as usize).saturating_sub(base).clamp(start, raw.len());
    &raw[start..end]
}

/// The raw bytes of header `name` of a message, top-level or enclosed (see [`nested_range`]
/// for why enclosed offsets need a base).
pub fn raw_header<'m>(m: &'m Message<'_>, name: &str) -> Option<&'m [u8]> {
    let header = m.headers().iter().find(|h| h.name().eq_ignore_ascii_case(name))?;
    let raw = m.raw_message();
    let base = match m.parts.first() {
        Some(root) if root.offset_end as usize > raw.len() => root.offset_header as usize,
        _ => 0,
    };
    let start = (header.offset_start() as usize).checked_sub(base)?;
    let end = (header.offset_end() as usize).checked_sub(base)?;
    raw.get(start..end)
}

/// The header block of an enclosed message part.
fn enclosed_headers(part: &MessagePart<'_>) -> String {
    let raw: Cow<'_, [u8]> = match &part.body {
        PartType::Message(m) => Cow::Borrowed(message_header_bytes(m)),
        PartType::Text(t) | PartType::Html(t) => Cow::Borrowed(t.as_bytes()),
        PartType::Binary(b) | PartType::InlineBinary(b) => Cow::Borrowed(b.as_ref()),
        PartType::Multipart(_) => Cow::Borrowed(&[][..]),
    };
    let end = header_end(&raw);
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

/// Where a header block ends (the first blank line), or the whole input.
pub fn header_end(raw: &[u8]) -> usize {
    let mut i = 0;
    while let Some(pos) = memchr::memchr(b'\n', &raw[i..]) {
        let line_end = i + pos;
        let next = line_end + 1;
        match raw.get(next) {
            Some(b'\n') => return next,
            Some(b'\r') if raw.get(next + 1) == Some(&b'\n') => return next,
            _ => i = next,
        }
    }
    raw.len()
}
