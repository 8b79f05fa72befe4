//! RFC 3464 delivery-status notifications (and RFC 6533's global variant): one recipient per
//! per-recipient field group, with the text part filling in what the fields leave out.

use super::fields::{self, Field};
use super::mime::Mail;
use super::status;
use super::text::{self, build_recipient, normalise_space, Finding};
use super::{address, Decoded, Recipient, ResolvedBy};
use crate::domain::{Kind, Reason};

/// Decodes the delivery-status part(s); `None` when there is none or it names nobody.
pub fn decode(mail: &Mail<'_>) -> Option<Decoded> {
    if mail.delivery_status.is_empty() {
        return None;
    }
    let scan = text::scan(mail);
    let mut reporting_mta = None;
    let mut blocks = Vec::new();
    for part in &mail.delivery_status {
        let (per_message, per_recipient) = split_groups(part);
        if reporting_mta.is_none() {
            reporting_mta = fields::first(&per_message, "Reporting-MTA").map(|v| fields::strip_type(v).to_owned());
        }
        blocks.extend(per_recipient);
    }
    let recipients: Vec<Recipient> = blocks
        .iter()
        .filter_map(|block| recipient(block, &scan.findings, blocks.len()))
        .collect();
    if recipients.is_empty() {
        return None;
    }
    let kind = if recipients.iter().all(|r| r.reason == Reason::Delivered) {
        Kind::DeliveryReport
    } else {
        Kind::Bounce
    };
    Some(Decoded {
        kind: Some(kind),
        decoded_by: scan.family.map_or("rfc3464", |f| f.name),
        reporting_mta,
        recipients,
        ..Decoded::default()
    })
}

/// The per-message fields and the per-recipient groups. Tolerates DSNs that leave out the
/// blank lines: a new recipient starts at each Final-Recipient (or an Original-Recipient that
/// is not followed by one in the same group).
fn split_groups(text: &str) -> (Vec<Field<'_>>, Vec<Vec<Field<'_>>>) {
    let mut per_message = Vec::new();
    let mut per_recipient: Vec<Vec<Field<'_>>> = Vec::new();
    for group in fields::groups(text) {
        let mut current: Vec<Field<'_>> = Vec::new();
        for field in group {
            let starts_recipient = field.is("Final-Recipient")
                || (field.is("Original-Recipient") && !current.iter().any(|f| f.is("Final-Recipient")));
            let current_has_recipient = current.iter().any(|f| f.is("Final-Recipient"));
            if starts_recipient && current_has_recipient {
                per_recipient.push(std::mem::take(&mut current));
            }
            if starts_recipient && !current_has_recipient && !current.is_empty() && !has_recipient_field(&current) {
                // Fields before the first recipient field belong to the message.
                per_message.append(&mut current);
            }
            current.push(field);
        }
        if has_recipient_field(&current) {
            per_recipient.push(current);
        } else {
            per_message.extend(current);
        }
    }
    (per_message, per_recipient)
}

fn has_recipient_field(fields: &[Field<'_>]) -> bool {
    fields.iter().any(|f| f.is("Final-Recipient") || f.is("Original-Recipient"))
}

fn recipient(block: &[Field<'_>], findings: &[Finding], blocks: usize) -> Option<Recipient> {
    let final_raw = fields::first(block, "Final-Recipient").map(fields::strip_type);
    let original_raw = fields::first(block, "Original-Recipient")
        .or_else(|| fields::first(block, "X-Original-Recipient"))
        .map(fields::strip_type);
    let address = final_raw
        .and_then(|v| address::find_first(v).and_then(address::normalise))
        .or_else(|| original_raw.and_then(|v| address::find_first(v).and_then(address::normalise)))?;
    let original_address = original_raw
        .and_then(|v| address::find_first(v).and_then(address::normalise))
        .filter(|o| *o != address);

    let action = fields::first(block, "Action").map(normalise_action);
    let diagnostic_field = fields::first(block, "Diagnostic-Code").unwrap_or("");
    let diagnostic_type = fields::type_of(diagnostic_field);
    let mut diagnostic = normalise_space(fields::strip_type(diagnostic_field));
    let from_text = findings.iter().find(|f| f.address == address).map(|f| f.diagnostic.as_str());
    if is_uninformative(&diagnostic)
        && let Some(text) = from_text.filter(|t| !t.is_empty())
    {
        let text = normalise_space(text);
        diagnostic = if diagnostic.is_empty() { text } else { format!("{diagnostic} {text}") };
    }

    let status_field = fields::first(block, "Status").and_then(status::find_status);
    let status_code = choose_status(status_field, &diagnostic, action.as_deref());
    let reply_code = status::find_reply_code(&diagnostic)
        .or_else(|| fields::first(block, "X-Remote-Reply-Code").and_then(status::find_reply_code));
    let remote_mta = fields::first(block, "Remote-MTA")
        .map(|v| fields::strip_type(v).trim_matches(['[', ']']).to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .or_else(|| text::remote_host(&diagnostic));
    let lower = diagnostic.to_ascii_lowercase();
    let command = status::find_command(&lower);
    let _ = blocks;
    Some(build_recipient(
        address,
        original_address,
        action,
        status_code,
        reply_code,
        diagnostic,
        diagnostic_type,
        command,
        remote_mta,
        None,
        ResolvedBy::Dsn,
    ))
}

/// `failure`, `Failed`, `expanded (to …)` → the RFC 3464 action word.
fn normalise_action(value: &str) -> String {
    let word = value.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
    match word.as_str() {
        "failure" | "fail" => "failed".to_owned(),
        "delay" => "delayed".to_owned(),
        "deliverable" | "delivery" => "delivered".to_owned(),
        _ => word,
    }
}

/// Too little to decide a reason from: empty, or only codes.
fn is_uninformative(diagnostic: &str) -> bool {
    diagnostic.chars().filter(|c| c.is_alphabetic()).count() < 8
}

/// The Status field unless it is generic and the diagnostic has a more specific code of the
/// same class.
fn choose_status(field: Option<&str>, diagnostic: &str, action: Option<&str>) -> Option<String> {
    let from_text = status::find_status(diagnostic);
    let chosen = match (field, from_text) {
        (Some(f), Some(t)) if status::is_generic(f) && !status::is_generic(t) && f.as_bytes()[0] == t.as_bytes()[0] => t,
        (Some(f), _) => f,
        (None, Some(t)) => t,
        (None, None) => return action.and_then(default_status).map(str::to_owned),
    };
    Some(chosen.to_owned())
}

fn default_status(action: &str) -> Option<&'static str> {
    match action {
        "delivered" | "relayed" | "expanded" => Some("2.0.0"),
        _ => None,
    }
}
