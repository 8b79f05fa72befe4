//! RFC 3464 delivery-status notifications (and RFC 6533's global variant): one recipient per
//! per-recipient field group, with the text part filling in what the fields leave out.

use super::fields::{self, Field};
use super::mime::Mail;
use super::status;
use std::collections::HashMap;

use super::text::{self, normalise_space, Facts};
use super::{address, Decoded, Recipient, ResolvedBy};
use crate::domain::{Kind, Reason};

/// Decodes the delivery-status part(s); `None` when there is none or it names nobody.
pub fn decode(mail: &Mail<'_>) -> Option<Decoded> {
    let embedded;
    let parts: &[String] = if mail.delivery_status.is_empty() {
        // A forwarded or MIME-broken DSN: its fields sit in the text.
        embedded = [embedded_fields(&mail.body)?];
        &embedded
    } else {
        &mail.delivery_status
    };
    let scan = text::scan(mail);
    let mut reporting_mta = None;
    let mut blocks = Vec::new();
    for part in parts {
        let (per_message, per_recipient) = split_groups(part);
        if reporting_mta.is_none() {
            reporting_mta = fields::first(&per_message, "Reporting-MTA").map(|v| fields::strip_type(v).to_owned());
        }
        blocks.extend(per_recipient);
    }
    let text_diagnostics: HashMap<&str, &str> =
        scan.findings.iter().map(|f| (f.address.as_str(), f.diagnostic.as_str())).collect();
    let recipients: Vec<Recipient> = blocks
        .iter()
        .filter_map(|block| recipient(block, &text_diagnostics, reporting_mta.as_deref()))
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

/// The delivery-status fields written into a text body, quoting (`> `) removed.
fn embedded_fields(body: &str) -> Option<String> {
    let mut out = String::new();
    let mut inside = false;
    for line in body.lines() {
        let unquoted = line.trim_start_matches(['>', ' ']).trim_end_matches('\r');
        let lower = unquoted.to_ascii_lowercase();
        if !inside && (lower.starts_with("reporting-mta:") || lower.starts_with("final-recipient:")) {
            inside = true;
        }
        if inside {
            if lower.starts_with("return-path:") || lower.starts_with("received:") || lower.starts_with("--") {
                break;
            }
            let keep = if line.starts_with(['\t', ' ']) { line.trim_end_matches('\r') } else { unquoted };
            out.push_str(keep);
            out.push('\n');
        }
    }
    out.to_ascii_lowercase().contains("final-recipient:").then_some(out)
}

/// Fields that describe the whole message, wherever a sloppy DSN puts them.
const PER_MESSAGE_FIELDS: &[&str] = &[
    "Reporting-MTA",
    "Arrival-Date",
    "Received-From-MTA",
    "Original-Envelope-Id",
    "DSN-Gateway",
    "X-Postfix-Queue-ID",
    "X-Postfix-Sender",
];

/// The per-message fields and the per-recipient groups. Tolerates DSNs that leave out the
/// blank lines or order fields oddly (Exim writes `Action` before `Final-Recipient`): a new
/// recipient starts at each Final-Recipient (or an Original-Recipient not yet paired with
/// one), and fields before the first recipient field of a group belong to that recipient.
fn split_groups(text: &str) -> (Vec<Field<'_>>, Vec<Vec<Field<'_>>>) {
    let mut per_message = Vec::new();
    let mut per_recipient: Vec<Vec<Field<'_>>> = Vec::new();
    for group in fields::groups(text) {
        if !has_recipient_field(&group) {
            per_message.extend(group);
            continue;
        }
        let mut current: Vec<Field<'_>> = Vec::new();
        for field in group {
            if PER_MESSAGE_FIELDS.iter().any(|n| field.is(n)) {
                per_message.push(field);
                continue;
            }
            let has_final = current.iter().any(|f| f.is("Final-Recipient"));
            let has_original = current.iter().any(|f| f.is("Original-Recipient"));
            let starts_new = (field.is("Final-Recipient") && has_final)
                || (field.is("Original-Recipient") && has_original);
            if starts_new {
                per_recipient.push(std::mem::take(&mut current));
            }
            current.push(field);
        }
        if has_recipient_field(&current) {
            per_recipient.push(current);
        } else if let Some(last) = per_recipient.last_mut() {
            last.extend(current);
        }
    }
    (per_message, per_recipient)
}

fn has_recipient_field(fields: &[Field<'_>]) -> bool {
    fields.iter().any(|f| f.is("Final-Recipient") || f.is("Original-Recipient"))
}

fn recipient(block: &[Field<'_>], text_diagnostics: &HashMap<&str, &str>, reporting_mta: Option<&str>) -> Option<Recipient> {
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
    let from_text = text_diagnostics.get(address.as_str()).copied();
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
    // The SMTP command is often only in the human-readable part ("(in reply to RCPT TO
    // command)" after Postfix's "host … said:").
    let command = status::find_command(&diagnostic.to_ascii_lowercase())
        .or_else(|| from_text.and_then(|t| status::find_command(&t.to_ascii_lowercase())));
    let remote_mta = remote_mta.or_else(|| from_text.and_then(text::remote_host));
    Some(
        Facts {
            original_address,
            action,
            status: status_code,
            reply_code,
            diagnostic_type,
            command,
            remote_mta,
            reporting_mta: reporting_mta.map(str::to_owned),
            ..Facts::new(address, diagnostic, ResolvedBy::Dsn)
        }
        .into_recipient(),
    )
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
