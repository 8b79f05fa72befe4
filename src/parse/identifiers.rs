//! The enclosed original message's headers and the sender-placed identifiers in them (VERP
//! return path, recipient-token header, List-Unsubscribe token, CFBL-Feedback-ID), which let a
//! later step name a complainer that the report hides.

use mail_parser::{Address, HeaderValue, Message};
use regex::Regex;

use super::mime::{self, Mail};
use super::{address, text, Identifiers, Original, ParseOptions};

/// A VERP template such as `bounces+{local}={domain}@lists.example.com`, compiled.
#[derive(Debug, Clone)]
pub struct Verp {
    pub template: String,
    pattern: Regex,
}

impl Verp {
    /// Compiles a template; it must contain `{local}` and `{domain}`.
    pub fn new(template: &str) -> Option<Verp> {
        if !(template.contains("{local}") && template.contains("{domain}")) {
            return None;
        }
        let escaped = regex::escape(template)
            .replace(r"\{local\}", "(?P<local>[^@=]+?)")
            .replace(r"\{domain\}", "(?P<domain>[^@]+?)");
        let pattern = Regex::new(&format!("(?i)^{escaped}$")).ok()?;
        Some(Verp { template: template.to_owned(), pattern })
    }

    /// The recipient encoded in `return_path`, if it matches the template.
    pub fn decode(&self, return_path: &str) -> Option<String> {
        let caps = self.pattern.captures(return_path)?;
        address::normalise(&format!("{}@{}", &caps["local"], &caps["domain"]))
    }
}

/// The generic VERP form `prefix+local=domain@host`.
fn generic_verp(return_path: &str) -> Option<String> {
    let (local, _host) = return_path.rsplit_once('@')?;
    let (_, encoded) = local.split_once('+')?;
    let (user, domain) = encoded.rsplit_once('=')?;
    if user.is_empty() || !domain.contains('.') {
        return None;
    }
    address::normalise(&format!("{user}@{domain}"))
}

/// Headers of the message a report or bounce is about.
pub fn original(mail: &Mail<'_>) -> Original {
    if let Some(message) = mail.original_message()
        && !message.headers().is_empty()
    {
        return original_from(message);
    }
    let block = match &mail.original_headers {
        Some(h) => h.as_str(),
        None => match text::inline_original(&mail.body, &mail.layout) {
            Some(o) => o,
            None => return Original::default(),
        },
    };
    let headers = &block.as_bytes()[..mime::header_end(block.as_bytes())];
    match mime::PARSER.parse_headers(headers) {
        Some(message) if !message.headers().is_empty() => original_from(&message),
        _ => Original::default(),
    }
}

fn original_from(m: &Message<'_>) -> Original {
    let raw = |name: &str| -> Option<String> {
        let bytes = mime::raw_header(m, name)?;
        let value = text::normalise_space(&String::from_utf8_lossy(bytes));
        (!value.is_empty()).then_some(value)
    };
    Original {
        message_id: m.message_id().map(|id| format!("<{id}>")),
        from: first_address(m.from()),
        to: first_address(m.to()),
        subject: m.subject().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        date: m.date().filter(|d| d.is_valid()).map(|d| d.to_rfc3339()),
        list_id: match m.list_id() {
            HeaderValue::Text(t) => list_id(t),
            _ => raw("List-Id").as_deref().and_then(list_id),
        },
        list_unsubscribe: raw("List-Unsubscribe"),
        feedback_id: raw("Feedback-ID"),
        cfbl_feedback_id: raw("CFBL-Feedback-ID"),
        return_path: raw("Return-Path").map(|r| r.trim_matches(['<', '>', ' ']).to_owned()).filter(|r| !r.is_empty()),
    }
}

/// The identifier of `List-Id: Name <id>` (or the whole value when it has no brackets).
fn list_id(value: &str) -> Option<String> {
    let inner = match (value.rfind('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => &value[start + 1..end],
        _ => value.trim_matches(['<', '>']),
    };
    let inner = inner.trim();
    (!inner.is_empty()).then(|| inner.to_owned())
}

fn first_address(a: Option<&Address<'_>>) -> Option<String> {
    a.and_then(|a| a.first()).and_then(|a| a.address()).map(str::to_owned)
}

/// Identifiers the sender placed in the original (or, failing that, on the report).
pub fn identifiers(mail: &Mail<'_>, original: &Original, options: &ParseOptions) -> Identifiers {
    let header_token = original_header(mail, &options.token_header)
        .or_else(|| mail.header(&options.token_header).map(str::to_owned))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let verp_source = original.return_path.clone().or_else(|| mail.to_address());
    let verp = verp_source
        .as_deref()
        .and_then(|rp| match &options.verp {
            Some(v) => v.decode(rp),
            None => generic_verp(rp),
        })
        .filter(|a| !address::is_redacted(a));
    let unsubscribe_token = match original.list_unsubscribe.as_deref() {
        Some(lu) => unsubscribe_token(lu, options.unsubscribe_token.as_ref()),
        // A mail-to unsubscribe request (Apple's) is addressed to the List-Unsubscribe target.
        None if mail.header("X-Apple-Unsubscribe").is_some() => mail
            .to_address()
            .and_then(|to| unsubscribe_token(&format!("<mailto:{to}>"), options.unsubscribe_token.as_ref())),
        None => None,
    };
    Identifiers {
        verp,
        header_token,
        unsubscribe_token,
        cfbl_feedback_id: original.cfbl_feedback_id.clone(),
    }
}

fn original_header(mail: &Mail<'_>, name: &str) -> Option<String> {
    let block = mail.original_headers.as_deref()?;
    super::fields::first_in(&block[..mime::header_end(block.as_bytes())], name)
}

/// The token in a List-Unsubscribe value: the configured pattern's `token` group, or by
/// default the last path segment (or longest query value) of the first http(s) URL, or the
/// `+tag` / local part of a mailto address.
pub fn unsubscribe_token(value: &str, pattern: Option<&Regex>) -> Option<String> {
    if let Some(re) = pattern {
        return re.captures(value).and_then(|c| c.name("token")).map(|m| m.as_str().to_owned());
    }
    let entries: Vec<&str> = value
        .split(',')
        .map(|e| e.trim().trim_start_matches('<').trim_end_matches('>').trim())
        .collect();
    let url = entries.iter().find(|e| e.starts_with("https://") || e.starts_with("http://"));
    if let Some(url) = url {
        return token_from_url(url);
    }
    // In a mailto target only a `+tag` is per recipient; the bare local part is the list's.
    let mailto = entries.iter().find_map(|e| e.strip_prefix("mailto:"))?;
    let local = mailto.split(['@', '?']).next()?;
    let (_, token) = local.split_once('+')?;
    (token.len() >= 6).then(|| token.to_owned())
}

fn token_from_url(url: &str) -> Option<String> {
    let without_scheme = url.split_once("://")?.1;
    let (path, query) = without_scheme.split_once('?').unwrap_or((without_scheme, ""));
    let query_token = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(_, v)| v)
        .filter(|v| v.len() >= 8)
        .max_by_key(|v| v.len());
    if let Some(t) = query_token {
        return Some(t.to_owned());
    }
    let segment = path.split('/').skip(1).filter(|s| !s.is_empty()).last()?;
    (segment.len() >= 8).then(|| segment.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verp_template_and_generic() {
        let v = Verp::new("bounces+{local}={domain}@lists.example.com").unwrap();
        assert_eq!(v.decode("bounces+Jane.Doe=Example.org@lists.example.com").as_deref(), Some("jane.doe@example.org"));
        assert_eq!(v.decode("other@lists.example.com"), None);
        assert_eq!(generic_verp("bounce+kijitora=example.jp@mx.example.net").as_deref(), Some("kijitora@example.jp"));
        assert_eq!(generic_verp("plain@example.net"), None);
        assert!(Verp::new("no-placeholders@example.com").is_none());
    }

    #[test]
    fn unsubscribe_tokens() {
        assert_eq!(
            unsubscribe_token("<mailto:u@example.com>, <https://example.com/u/AbCdEf123456>", None).as_deref(),
            Some("AbCdEf123456")
        );
        assert_eq!(
            unsubscribe_token("<https://example.com/unsub?list=7&t=9f8e7d6c5b4a>", None).as_deref(),
            Some("9f8e7d6c5b4a")
        );
        assert_eq!(unsubscribe_token("<mailto:unsub+x7y8z9w0@example.com>", None).as_deref(), Some("x7y8z9w0"));
        assert_eq!(unsubscribe_token("<mailto:events@example.com?subject=unsubscribe>", None), None);
        let re = Regex::new(r"https://example\.com/u/(?P<token>[A-Za-z0-9]+)").unwrap();
        assert_eq!(unsubscribe_token("<https://example.com/u/abc>", Some(&re)).as_deref(), Some("abc"));
    }
}
