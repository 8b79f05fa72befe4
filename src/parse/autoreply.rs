//! RFC 3834 auto-replies and vacation messages: the mailbox that answered is alive.

use super::mime::Mail;
use super::{address, Decoded, Recipient, ResolvedBy};
use crate::domain::{Class, Kind, Reason};

/// Lower-case subject fragments of automatic answers, in the languages seen in practice.
const SUBJECT_MARKERS: &[&str] = &[
    "auto:",
    "automatic reply",
    "autoreply",
    "auto-reply",
    "auto reply",
    "auto response",
    "auto-response",
    "autoresponse",
    "out of office",
    "out of the office",
    "vacation",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "reponse automatique",
    "respuesta automática",
    "respuesta automatica",
    "risposta automatica",
    "resposta automática",
    "automatisch antwoord",
    "afwezigheidsmelding",
    "自動応答",
    "自動返信",
    "不在",
];

/// Lower-case body phrases of vacation notices.
const BODY_MARKERS: &[&str] = &[
    "i am away",
    "i'm away",
    "i am out of the office",
    "i'm out of the office",
    "i will be out of the office",
    "i am currently out of the office",
    "currently out of the office",
    "i am on vacation",
    "i'm on vacation",
    "i am on leave",
    "i will be away",
    "i will be on vacation",
    "limited access to email",
    "away from the office",
    "out of office",
];

/// Decodes an automatic reply; `None` when the message is not one.
pub fn decode(mail: &Mail<'_>) -> Option<Decoded> {
    if !is_auto_reply(mail) {
        return None;
    }
    let address = mail
        .from_address()
        .or_else(|| mail.header("Sender").map(str::to_owned))
        .and_then(|a| address::find_first(&a).and_then(address::normalise))?;
    let diagnostic = mail.subject().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Some(Decoded {
        kind: Some(Kind::AutoReply),
        decoded_by: "rfc3834",
        recipients: vec![Recipient {
            address,
            original_address: None,
            action: None,
            status: None,
            reply_code: None,
            reason: Reason::Vacation,
            class: Class::AutoReply,
            hard: false,
            remote_mta: None,
            diagnostic,
            resolved_by: ResolvedBy::Header,
        }],
        ..Decoded::default()
    })
}

fn is_auto_reply(mail: &Mail<'_>) -> bool {
    let header = |name: &str| mail.header(name).map(|v| v.to_ascii_lowercase());
    if header("Auto-Submitted").is_some_and(|v| v.starts_with("auto-replied")) {
        return true;
    }
    if header("X-Autoreply").is_some_and(|v| v.starts_with("yes") || v.starts_with("true"))
        || header("X-Autorespond").is_some()
        || header("X-Auto-Reply").is_some()
        || header("Precedence").is_some_and(|v| v.contains("auto_reply"))
        || header("X-Autoreply-From").is_some()
        || header("X-Mail-Autoreply").is_some()
    {
        return true;
    }
    let subject = mail.subject().unwrap_or_default().to_lowercase();
    if SUBJECT_MARKERS.iter().any(|m| subject.contains(m)) {
        return true;
    }
    let auto_generated = header("Auto-Submitted").is_some_and(|v| v.starts_with("auto-generated"));
    let body = mail.body.get(..mail.body.len().min(2000)).unwrap_or(&mail.body).to_lowercase();
    auto_generated && BODY_MARKERS.iter().any(|m| body.contains(m))
}
