//! Amazon SES notifications delivered by e-mail (SNS e-mail subscriptions): a JSON document
//! of type Bounce, Complaint or Delivery in the body.

use serde_json::Value;

use super::arf::complaint_recipient;
use super::mime::Mail;
use super::text::{normalise_space, Facts};
use super::{address, status, Decoded, Original, Recipient, ResolvedBy};
use crate::domain::{feedback_class, Kind, Reason};

/// Decodes an SES notification; `None` when the body holds none.
pub fn decode(mail: &Mail<'_>) -> Option<Decoded> {
    let document = notification(&mail.body)?;
    let kind = document.get("notificationType").or_else(|| document.get("eventType"))?.as_str()?;
    let mut decoded = match kind {
        "Bounce" => bounce(document.get("bounce")?),
        "Complaint" => complaint(document.get("complaint")?),
        "Delivery" => delivery(document.get("delivery")?),
        _ => return None,
    }?;
    decoded.original = document.get("mail").map(original);
    Some(decoded)
}

/// The first JSON object in the body that looks like an SES notification.
fn notification(body: &str) -> Option<Value> {
    if !(body.contains("\"notificationType\"") || body.contains("\"eventType\"")) {
        return None;
    }
    let start = body.find('{')?;
    let text = &body[start..];
    let value = first_value(text).or_else(|| {
        // Sendmail folds lines longer than 990 bytes as "!\n ".
        let unfolded = text.replace("!\r\n ", "").replace("!\n ", "");
        first_value(&unfolded)
    })?;
    // An SNS envelope carries the notification as a JSON string in "Message".
    match value.get("Message").and_then(Value::as_str) {
        Some(inner) => first_value(inner),
        None => Some(value),
    }
}

fn first_value(text: &str) -> Option<Value> {
    serde_json::Deserializer::from_str(text).into_iter::<Value>().next()?.ok()
}

fn str_field<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)?.as_str()
}

fn bounce(b: &Value) -> Option<Decoded> {
    let preset = match str_field(b, "bounceSubType").unwrap_or("") {
        "Suppressed" | "OnAccountSuppressionList" => Some(Reason::Suppressed),
        "MailboxFull" => Some(Reason::MailboxFull),
        "MessageTooLarge" => Some(Reason::MesgTooBig),
        "NoEmail" => Some(Reason::UserUnknown),
        _ => None,
    };
    let transient = str_field(b, "bounceType") == Some("Transient");
    let recipients: Vec<Recipient> = b
        .get("bouncedRecipients")?
        .as_array()?
        .iter()
        .filter_map(|r| {
            let address = address::normalise(str_field(r, "emailAddress")?)?;
            let diagnostic_field = str_field(r, "diagnosticCode").unwrap_or("");
            let diagnostic = normalise_space(super::fields::strip_type(diagnostic_field));
            let status_code = str_field(r, "status")
                .and_then(status::find_status)
                .or_else(|| status::find_status(&diagnostic))
                .map(str::to_owned);
            let action = str_field(r, "action").map(str::to_owned).or_else(|| Some(if transient { "delayed" } else { "failed" }.to_owned()));
            let lower = diagnostic.to_ascii_lowercase();
            Some(
                Facts {
                    action,
                    status: status_code,
                    reply_code: status::find_reply_code(&diagnostic),
                    diagnostic_type: super::fields::type_of(diagnostic_field),
                    command: status::find_command(&lower),
                    preset,
                    ..Facts::new(address, diagnostic, ResolvedBy::Dsn)
                }
                .into_recipient(),
            )
        })
        .collect();
    (!recipients.is_empty()).then(|| Decoded {
        kind: Some(Kind::Bounce),
        decoded_by: "amazonses",
        reporting_mta: str_field(b, "reportingMTA").map(|m| super::fields::strip_type(m).to_owned()),
        recipients,
        ..Decoded::default()
    })
}

fn complaint(c: &Value) -> Option<Decoded> {
    let feedback_type = str_field(c, "complaintFeedbackType").unwrap_or("abuse").to_ascii_lowercase();
    let class = feedback_class(&feedback_type);
    let recipients: Vec<Recipient> = c
        .get("complainedRecipients")?
        .as_array()?
        .iter()
        .filter_map(|r| address::normalise(str_field(r, "emailAddress")?))
        .map(|a| complaint_recipient(a, class, None, ResolvedBy::Arf))
        .collect();
    Some(Decoded {
        kind: Some(Kind::Complaint),
        decoded_by: "amazonses",
        feedback_type: Some(feedback_type),
        user_agent: str_field(c, "userAgent").map(str::to_owned),
        recipients,
        ..Decoded::default()
    })
}

fn delivery(d: &Value) -> Option<Decoded> {
    let response = str_field(d, "smtpResponse").unwrap_or("").to_owned();
    let status_code = status::find_status(&response).map(str::to_owned).or(Some("2.0.0".to_owned()));
    let recipients: Vec<Recipient> = d
        .get("recipients")?
        .as_array()?
        .iter()
        .filter_map(|r| address::normalise(r.as_str()?))
        .map(|a| {
            Facts {
                action: Some("delivered".to_owned()),
                status: status_code.clone(),
                reply_code: status::find_reply_code(&response),
                diagnostic_type: Some("SMTP".to_owned()),
                preset: Some(Reason::Delivered),
                ..Facts::new(a, response.clone(), ResolvedBy::Dsn)
            }
            .into_recipient()
        })
        .collect();
    (!recipients.is_empty()).then(|| Decoded {
        kind: Some(Kind::DeliveryReport),
        decoded_by: "amazonses",
        reporting_mta: str_field(d, "reportingMTA").map(str::to_owned),
        recipients,
        ..Decoded::default()
    })
}

/// The sent message as SES describes it.
fn original(mail: &Value) -> Original {
    let header = |name: &str| -> Option<String> {
        mail.get("headers")?
            .as_array()?
            .iter()
            .find(|h| str_field(h, "name").is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .and_then(|h| str_field(h, "value"))
            .map(str::to_owned)
    };
    let common = mail.get("commonHeaders");
    let common_first = |key: &str| -> Option<String> {
        let v = common?.get(key)?;
        v.as_str().map(str::to_owned).or_else(|| v.as_array()?.first()?.as_str().map(str::to_owned))
    };
    Original {
        message_id: header("Message-ID").or_else(|| common_first("messageId")),
        from: common_first("from").and_then(|f| address::find_first(&f).map(str::to_owned)),
        to: common_first("to").and_then(|t| address::find_first(&t).map(str::to_owned)),
        subject: common_first("subject"),
        date: common_first("date"),
        list_id: header("List-Id"),
        list_unsubscribe: header("List-Unsubscribe"),
        feedback_id: header("Feedback-ID"),
        cfbl_feedback_id: header("CFBL-Feedback-ID"),
        return_path: str_field(mail, "source").map(str::to_owned),
    }
}
