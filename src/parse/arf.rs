//! Complaint reports: RFC 5965 ARF (every feedback type, RFC 6591 auth-failure included),
//! legacy Microsoft JMRP (`X-HmXmrOriginalRecipient`, no feedback-report part), the 2026
//! header-only JMRP (no recipient at all), and Apple's `X-Apple-Unsubscribe` opt-out mail.

use super::fields::{self, Field};
use super::mime::Mail;
use super::{address, Decoded, Recipient, ResolvedBy};
use crate::domain::{feedback_class, Class, Kind, Reason};

/// Decodes a complaint; `None` when the message is not one.
pub fn decode(mail: &Mail<'_>) -> Option<Decoded> {
    if let Some(report) = &mail.feedback_report {
        return Some(decode_arf(mail, report));
    }
    if let Some(address) = hmxmr_recipient(mail) {
        return Some(legacy_jmrp(address));
    }
    if mail.header("X-Apple-Unsubscribe").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return apple_unsubscribe(mail);
    }
    None
}

fn decode_arf(mail: &Mail<'_>, report: &str) -> Decoded {
    let fields = fields::all(report);
    let feedback_type = fields::first(&fields, "Feedback-Type")
        .map(|v| v.split_whitespace().next().unwrap_or(v).to_ascii_lowercase())
        .unwrap_or_else(|| "abuse".to_owned());
    let kind = if feedback_type == "auth-failure" { Kind::AuthFailure } else { Kind::Complaint };
    let class = feedback_class(&feedback_type);
    let diagnostic = summary(&mail.body);
    let recipients = arf_recipients(mail, &fields)
        .into_iter()
        .map(|(address, resolved_by)| complaint_recipient(address, class, diagnostic.clone(), resolved_by))
        .collect();
    Decoded {
        kind: Some(kind),
        decoded_by: "arf",
        reporting_mta: fields::first(&fields, "Reporting-MTA").map(|v| fields::strip_type(v).to_owned()),
        feedback_type: Some(feedback_type),
        user_agent: fields::first(&fields, "User-Agent").map(str::to_owned),
        source_ip: fields::first(&fields, "Source-IP").map(|v| v.trim_matches(['[', ']']).to_owned()),
        recipients,
        ..Decoded::default()
    }
}

/// Who complained, most explicit source first. A redacted or hidden address is nobody: the
/// complaint stays without recipient and is resolved later through identifiers.
fn arf_recipients(mail: &Mail<'_>, fields: &[Field<'_>]) -> Vec<(String, ResolvedBy)> {
    let mut found: Vec<(String, ResolvedBy)> = Vec::new();
    for value in fields::every(fields, "Original-Rcpt-To").chain(fields::every(fields, "Removal-Recipient")) {
        push_addresses(&mut found, value, ResolvedBy::Arf);
    }
    if found.is_empty()
        && let Some(a) = hmxmr_recipient(mail)
    {
        push_addresses(&mut found, &a, ResolvedBy::XHmxmr);
    }
    let redacted = fields::first(fields, "Redacted-Address").is_some();
    if found.is_empty()
        && !redacted
        && let Some(to) = original_to(mail)
    {
        push_addresses(&mut found, &to, ResolvedBy::OriginalTo);
    }
    found
}

fn push_addresses(found: &mut Vec<(String, ResolvedBy)>, raw: &str, by: ResolvedBy) {
    for candidate in address::find_all(raw) {
        if let Some(a) = address::normalise(candidate).filter(|a| !address::is_redacted(a))
            && !found.iter().any(|(f, _)| *f == a)
        {
            found.push((a, by));
        }
    }
}

fn original_to(mail: &Mail<'_>) -> Option<String> {
    let headers = mail.original_headers.as_deref()?;
    fields::first_in(&headers[..super::mime::header_end(headers.as_bytes())], "To")
}

/// `X-HmXmrOriginalRecipient`, on the report or on the enclosed original.
fn hmxmr_recipient(mail: &Mail<'_>) -> Option<String> {
    let value = mail.header("X-HmXmrOriginalRecipient").map(str::to_owned).or_else(|| {
        let headers = mail.original_headers.as_deref()?;
        if !headers.contains("HmXmr") && !headers.to_ascii_lowercase().contains("x-hmxmr") {
            return None;
        }
        fields::first_in(&headers[..super::mime::header_end(headers.as_bytes())], "X-HmXmrOriginalRecipient")
    })?;
    address::find_first(&value).and_then(address::normalise)
}

fn legacy_jmrp(address: String) -> Decoded {
    Decoded {
        kind: Some(Kind::Complaint),
        decoded_by: "jmrp",
        feedback_type: Some("abuse".to_owned()),
        recipients: vec![complaint_recipient(address, Class::Complaint, None, ResolvedBy::XHmxmr)],
        ..Decoded::default()
    }
}

/// iCloud Mail's unsubscribe request: the subscriber is the sender of this mail.
fn apple_unsubscribe(mail: &Mail<'_>) -> Option<Decoded> {
    let address = mail.from_address().and_then(|a| address::normalise(&a))?;
    Some(Decoded {
        kind: Some(Kind::Complaint),
        decoded_by: "apple-unsubscribe",
        feedback_type: Some("opt-out".to_owned()),
        user_agent: Some("Apple Mail".to_owned()),
        recipients: vec![complaint_recipient(address, Class::Unsubscribe, summary(&mail.body), ResolvedBy::Header)],
        ..Decoded::default()
    })
}

/// A recipient of a complaint (or an auth-failure report, class `info`).
pub fn complaint_recipient(address: String, class: Class, diagnostic: Option<String>, resolved_by: ResolvedBy) -> Recipient {
    Recipient {
        address,
        original_address: None,
        action: None,
        status: None,
        reply_code: None,
        reason: Reason::Feedback,
        class,
        hard: false,
        remote_mta: None,
        diagnostic,
        resolved_by,
    }
}

/// The first non-empty line of the human-readable part, as the event's diagnostic.
fn summary(body: &str) -> Option<String> {
    let line = body.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut s: String = line.chars().take(300).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    Some(s)
}
