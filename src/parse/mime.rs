//! A read-only view of one message's MIME tree: envelope headers, report parts, body text.
use chrono::{DateTime, Utc};
use mail_parser::{Message, MessageParser};
pub struct Mail<'a> { pub message: Message<'a> }
impl<'a> Mail<'a> {
    pub fn parse(raw: &'a [u8]) -> Option<Mail<'a>> { MessageParser::default().parse(raw).map(|message| Mail { message }) }
    pub fn message_id(&self) -> Option<String> { self.message.message_id().map(|s| format!("<{s}>")) }
    pub fn date(&self) -> Option<DateTime<Utc>> { self.message.date().and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0)) }
    pub fn from_address(&self) -> Option<String> { self.message.from().and_then(|a| a.first()).and_then(|a| a.address()).map(str::to_owned) }
    pub fn subject(&self) -> Option<&str> { self.message.subject() }
    pub fn looks_like_bounce(&self) -> bool { false }
}
