//! What kind of suppression a decision is (for exports that file addresses by reason: SES
//! BOUNCE/COMPLAINT, Mailgun bounces/complaints/unsubscribes), and what an imported ESP
//! suppression's reason text means — including SendGrid-style blocks, which refuse the sender
//! and never count against the recipient.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{Class, Reason};
use crate::parse::reason::{self, Evidence};
use crate::parse::status;

/// The kind of a decision's evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Bounce,
    Complaint,
    Unsubscribe,
    /// Suppressed by hand at an ESP (Postmark ManualSuppression, listmonk blocklist, …).
    Manual,
    /// Never engaged or inactive.
    Sunset,
    Role,
    Invalid,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Bounce => "bounce",
            Category::Complaint => "complaint",
            Category::Unsubscribe => "unsubscribe",
            Category::Manual => "manual",
            Category::Sunset => "sunset",
            Category::Role => "role",
            Category::Invalid => "invalid",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        [
            Category::Bounce,
            Category::Complaint,
            Category::Unsubscribe,
            Category::Manual,
            Category::Sunset,
            Category::Role,
            Category::Invalid,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an imported suppression row means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    Suppression(Category),
    /// The ESP recorded a refusal of the sender (a block); not the recipient's doing.
    SenderBlock(Reason),
}

/// Reads an imported suppression: an SMTP diagnostic is classified as a bounce would be (so a
/// SendGrid block listing a Spamhaus refusal is a sender block), other texts by keyword, and
/// the file's origin gives the default.
pub fn imported(source_format: &str, reason: Option<&str>) -> Imported {
    let text = reason.unwrap_or_default();
    let lower = text.to_ascii_lowercase();
    if let Some(diagnosed) = smtp_diagnostic(text) {
        return diagnosed;
    }
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["complain", "spam", "abuse", "fbl", "fraud"]) {
        return Imported::Suppression(Category::Complaint);
    }
    if has(&["unsub", "opt-out", "optout", "opted out", "opted_out"]) {
        return Imported::Suppression(Category::Unsubscribe);
    }
    if has(&["block"]) && !has(&["blocklist", "blacklist", "adminblock", "admin_block"]) {
        return Imported::SenderBlock(Reason::Blocked);
    }
    match source_format {
        "mailchimp-cleaned" => return Imported::Suppression(Category::Bounce),
        "mailchimp-unsubscribed" => return Imported::Suppression(Category::Unsubscribe),
        _ => {}
    }
    if has(&["bounce", "cleaned", "hard", "invalid", "undeliverable", "unknown", "soft"]) {
        return Imported::Suppression(Category::Bounce);
    }
    Imported::Suppression(Category::Manual)
}

/// A reason that carries an SMTP reply code or an enhanced status: decided like a bounce.
fn smtp_diagnostic(text: &str) -> Option<Imported> {
    let status = status::find_status(text);
    let reply_code = status::find_reply_code(text);
    if status.is_none() && reply_code.is_none() {
        return None;
    }
    let decided = reason::decide(&Evidence { status, reply_code, diagnostic: text, ..Evidence::default() });
    let permanent = reply_code.is_some_and(|c| c >= 500) || status.is_some_and(|s| s.starts_with('5'));
    Some(match decided.bounce_class(permanent) {
        Class::Sender => Imported::SenderBlock(decided),
        Class::Complaint => Imported::Suppression(Category::Complaint),
        _ => Imported::Suppression(Category::Bounce),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esp_reasons() {
        let c = |f: &str, r: &str| imported(f, Some(r));
        assert_eq!(c("ses", "BOUNCE"), Imported::Suppression(Category::Bounce));
        assert_eq!(c("ses", "COMPLAINT"), Imported::Suppression(Category::Complaint));
        assert_eq!(c("postmark", "HardBounce"), Imported::Suppression(Category::Bounce));
        assert_eq!(c("postmark", "SpamComplaint"), Imported::Suppression(Category::Complaint));
        assert_eq!(c("postmark", "ManualSuppression"), Imported::Suppression(Category::Manual));
        assert_eq!(c("brevo", "contactFlaggedAsSpam"), Imported::Suppression(Category::Complaint));
        assert_eq!(c("brevo", "unsubscribedViaEmail"), Imported::Suppression(Category::Unsubscribe));
        assert_eq!(c("brevo", "adminBlocked"), Imported::Suppression(Category::Manual));
        assert_eq!(c("mailchimp-cleaned", "cleaned"), Imported::Suppression(Category::Bounce));
        assert_eq!(c("mailchimp-unsubscribed", "No longer interested"), Imported::Suppression(Category::Unsubscribe));
        assert_eq!(c("listmonk", "blocklisted"), Imported::Suppression(Category::Manual));
        assert_eq!(c("sendgrid", "550 5.1.1 The email account that you tried to reach does not exist"), Imported::Suppression(Category::Bounce));
        assert_eq!(c("mailgun", "550 No such mailbox"), Imported::Suppression(Category::Bounce));
    }

    #[test]
    fn sender_blocks_are_not_suppressions() {
        let spamhaus = imported("sendgrid", Some("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"));
        assert!(matches!(spamhaus, Imported::SenderBlock(_)), "{spamhaus:?}");
        assert!(matches!(imported("sendgrid", Some("blocks")), Imported::SenderBlock(_)));
    }
}
