//! Who a complaint is about when the report hides the recipient (2026 JMRP, redacted Yahoo/AOL):
//! the configured methods are tried in order — signed header token, original Message-ID in the
//! send log, List-Unsubscribe token, CFBL-Feedback-ID, VERP — and the first that names exactly
//! one recipient wins. Pure: the send-log rows come in through [`SendLookup`], which the store
//! fills from the database before calling.

use std::fmt;
use std::str::FromStr;

use crate::domain::{EmailAddress, Kind, UnknownName};
use crate::parse::{Identifiers, Original, Parsed, ResolvedBy};
use crate::token::{self, TokenKey};

/// One way of finding a hidden recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    HeaderToken,
    SendLog,
    UnsubscribeToken,
    CfblFeedbackId,
    Verp,
}

impl Method {
    pub const ALL: [Method; 5] =
        [Method::HeaderToken, Method::SendLog, Method::UnsubscribeToken, Method::CfblFeedbackId, Method::Verp];

    pub fn as_str(self) -> &'static str {
        self.resolved_by().as_str()
    }

    /// The `resolved_by` an event found this way carries.
    pub fn resolved_by(self) -> ResolvedBy {
        match self {
            Method::HeaderToken => ResolvedBy::HeaderToken,
            Method::SendLog => ResolvedBy::SendLog,
            Method::UnsubscribeToken => ResolvedBy::UnsubscribeToken,
            Method::CfblFeedbackId => ResolvedBy::CfblFeedbackId,
            Method::Verp => ResolvedBy::Verp,
        }
    }
}

impl FromStr for Method {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::ALL.into_iter().find(|m| m.as_str() == s).ok_or_else(|| UnknownName {
            what: "resolution method (expected header_token, send_log, unsubscribe_token, cfbl_feedback_id or verp)",
            name: s.to_owned(),
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads `[resolve] order`. Duplicates are dropped; unknown names are errors.
pub fn parse_order(names: &[String]) -> Result<Vec<Method>, UnknownName> {
    let mut order = Vec::new();
    for name in names {
        let method: Method = name.trim().parse()?;
        if !order.contains(&method) {
            order.push(method);
        }
    }
    Ok(order)
}

/// What the resolver needs besides the message: the order and, if configured, the token secret.
#[derive(Debug, Clone)]
pub struct Resolver {
    pub order: Vec<Method>,
    pub key: Option<TokenKey>,
}

impl Default for Resolver {
    fn default() -> Self {
        Resolver { order: Method::ALL.to_vec(), key: None }
    }
}

/// One row of the send log, as far as resolution cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendHit {
    /// Normalised recipient address.
    pub recipient: String,
    pub campaign: Option<String>,
    pub list: Option<String>,
}

/// The send log, looked up by the identifiers a complaint carries. Implemented by the store over
/// rows it fetched for a whole batch, and by tests over plain vectors.
pub trait SendLookup {
    fn by_message_id(&self, message_id: &str) -> Vec<SendHit>;
    fn by_unsubscribe_token(&self, token: &str) -> Vec<SendHit>;
    fn by_feedback_id(&self, feedback_id: &str) -> Vec<SendHit>;
}

/// A send log with nothing in it.
pub struct NoSends;

impl SendLookup for NoSends {
    fn by_message_id(&self, _: &str) -> Vec<SendHit> {
        Vec::new()
    }
    fn by_unsubscribe_token(&self, _: &str) -> Vec<SendHit> {
        Vec::new()
    }
    fn by_feedback_id(&self, _: &str) -> Vec<SendHit> {
        Vec::new()
    }
}

/// The identifiers of one complaint that resolution may use (stored with unresolved complaints).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clues {
    /// Message-ID of the original message, `<…>`.
    pub original_message_id: Option<String>,
    pub header_token: Option<String>,
    /// Tokens or URIs from List-Unsubscribe, most specific first.
    pub unsubscribe_tokens: Vec<String>,
    /// CFBL-Feedback-ID first, then Feedback-ID.
    pub feedback_ids: Vec<String>,
    pub verp: Option<String>,
}

impl Clues {
    pub fn from_parsed(parsed: &Parsed) -> Clues {
        clues(&parsed.original, &parsed.identifiers)
    }
}

fn clues(original: &Original, ids: &Identifiers) -> Clues {
    let mut unsubscribe_tokens: Vec<String> = ids.unsubscribe_token.iter().cloned().collect();
    unsubscribe_tokens.extend(original.list_unsubscribe.as_deref().map(unsubscribe_uris).unwrap_or_default());
    let mut feedback_ids: Vec<String> = Vec::new();
    for id in [&ids.cfbl_feedback_id, &original.cfbl_feedback_id, &original.feedback_id].into_iter().flatten() {
        let id = id.trim();
        if !id.is_empty() && !feedback_ids.iter().any(|f| f == id) {
            feedback_ids.push(id.to_owned());
        }
    }
    Clues {
        original_message_id: original.message_id.as_deref().and_then(normalise_message_id),
        header_token: ids.header_token.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned),
        unsubscribe_tokens: dedup(unsubscribe_tokens),
        feedback_ids,
        verp: ids.verp.clone(),
    }
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.clone()));
    v
}

/// The URIs of a List-Unsubscribe header value: `<https://…>, <mailto:…>`.
pub fn unsubscribe_uris(header: &str) -> Vec<String> {
    header
        .split(',')
        .map(|part| part.trim().trim_start_matches('<').trim_end_matches('>').trim())
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `<id@host>` whatever the input had around it; `None` for an empty id.
pub fn normalise_message_id(id: &str) -> Option<String> {
    let bare = id.trim().trim_start_matches('<').trim_end_matches('>').trim();
    (!bare.is_empty() && !bare.contains(char::is_whitespace)).then(|| format!("<{bare}>"))
}

/// A hidden recipient found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub address: EmailAddress,
    pub method: Method,
    pub campaign: Option<String>,
    pub list: Option<String>,
}

/// True for a complaint none of whose recipients is a usable address.
pub fn needs_resolution(parsed: &Parsed) -> bool {
    parsed.kind == Kind::Complaint && !parsed.recipients.iter().any(|r| EmailAddress::parse(&r.address).is_ok())
}

/// Tries the methods in order. `Err` carries one note per method saying why it did not resolve.
pub fn resolve(clues: &Clues, resolver: &Resolver, sends: &dyn SendLookup) -> Result<Resolution, Vec<String>> {
    let mut notes = Vec::new();
    for &method in &resolver.order {
        match try_method(method, clues, resolver.key.as_ref(), sends) {
            Ok(resolution) => return Ok(resolution),
            Err(Some(note)) => notes.push(format!("{method}: {note}")),
            Err(None) => {}
        }
    }
    if notes.is_empty() {
        notes.push("no identifier to resolve the recipient by".to_owned());
    }
    Err(notes)
}

/// `Err(None)` when the complaint has nothing for this method, `Err(Some(why))` when it had
/// something that did not resolve.
fn try_method(
    method: Method,
    clues: &Clues,
    key: Option<&TokenKey>,
    sends: &dyn SendLookup,
) -> Result<Resolution, Option<String>> {
    match method {
        Method::HeaderToken => by_token(clues.header_token.as_deref().ok_or(None)?, key),
        Method::SendLog => {
            let id = clues.original_message_id.as_deref().ok_or(None)?;
            unique(method, sends.by_message_id(id)).map_err(|n| Some(format!("{id} {n}")))
        }
        Method::UnsubscribeToken => first_unique(method, &clues.unsubscribe_tokens, |t| sends.by_unsubscribe_token(t)),
        Method::CfblFeedbackId => first_unique(method, &clues.feedback_ids, |f| sends.by_feedback_id(f)),
        Method::Verp => {
            let verp = clues.verp.as_deref().ok_or(None)?;
            let address = EmailAddress::parse(verp).map_err(|e| Some(format!("{e}")))?;
            Ok(Resolution { address, method, campaign: None, list: None })
        }
    }
}

fn by_token(token: &str, key: Option<&TokenKey>) -> Result<Resolution, Option<String>> {
    let key = key.ok_or_else(|| Some("a recipient token is present but no token secret is configured".to_owned()))?;
    let claims = token::verify(key, token).map_err(|e| Some(e.to_string()))?;
    Ok(Resolution { address: claims.address, method: Method::HeaderToken, campaign: claims.campaign, list: None })
}

fn first_unique(
    method: Method,
    keys: &[String],
    lookup: impl Fn(&str) -> Vec<SendHit>,
) -> Result<Resolution, Option<String>> {
    let mut why = None;
    for key in keys {
        match unique(method, lookup(key)) {
            Ok(r) => return Ok(r),
            Err(n) => why = why.or(Some(n)),
        }
    }
    Err(why)
}

/// Exactly one distinct recipient resolves; none or several do not.
fn unique(method: Method, hits: Vec<SendHit>) -> Result<Resolution, String> {
    let mut recipients: Vec<&str> = hits.iter().map(|h| h.recipient.as_str()).collect();
    recipients.sort_unstable();
    recipients.dedup();
    match recipients.as_slice() {
        [] => Err("not in the send log".to_owned()),
        [one] => {
            let address = EmailAddress::parse(one).map_err(|e| format!("send log address: {e}"))?;
            let hit = hits.iter().find(|h| h.recipient == *one);
            Ok(Resolution {
                address,
                method,
                campaign: hit.and_then(|h| h.campaign.clone()),
                list: hit.and_then(|h| h.list.clone()),
            })
        }
        many => Err(format!("matches {} recipients in the send log", many.len())),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[derive(Default)]
    struct Log {
        by_id: HashMap<String, Vec<SendHit>>,
        by_unsub: HashMap<String, Vec<SendHit>>,
        by_fid: HashMap<String, Vec<SendHit>>,
    }

    impl SendLookup for Log {
        fn by_message_id(&self, id: &str) -> Vec<SendHit> {
            self.by_id.get(id).cloned().unwrap_or_default()
        }
        fn by_unsubscribe_token(&self, t: &str) -> Vec<SendHit> {
            self.by_unsub.get(t).cloned().unwrap_or_default()
        }
        fn by_feedback_id(&self, f: &str) -> Vec<SendHit> {
            self.by_fid.get(f).cloned().unwrap_or_default()
        }
    }

    fn hit(a: &str) -> SendHit {
        SendHit { recipient: a.to_owned(), campaign: Some("c".into()), list: None }
    }

    fn key() -> TokenKey {
        TokenKey::new(b"0123456789abcdef0123").unwrap()
    }

    #[test]
    fn order_is_followed() {
        let k = key();
        let token = token::mint(&k, &EmailAddress::parse("tok@example.com").unwrap(), None).unwrap();
        let clues = Clues {
            original_message_id: Some("<m1@x>".into()),
            header_token: Some(token),
            verp: Some("verp@example.com".into()),
            ..Clues::default()
        };
        let mut log = Log::default();
        log.by_id.insert("<m1@x>".into(), vec![hit("log@example.com")]);
        let mut r = Resolver { order: Method::ALL.to_vec(), key: Some(k) };
        assert_eq!(resolve(&clues, &r, &log).unwrap().address.as_str(), "tok@example.com");
        r.order = vec![Method::SendLog, Method::HeaderToken];
        let got = resolve(&clues, &r, &log).unwrap();
        assert_eq!((got.address.as_str(), got.method), ("log@example.com", Method::SendLog));
        r.order = vec![Method::Verp];
        assert_eq!(resolve(&clues, &r, &log).unwrap().method, Method::Verp);
    }

    #[test]
    fn forged_token_resolves_nobody() {
        let forged = token::mint(&TokenKey::new(b"not-the-real-secret!").unwrap(), &EmailAddress::parse("victim@example.com").unwrap(), None).unwrap();
        let clues = Clues { header_token: Some(forged), ..Clues::default() };
        let r = Resolver { order: Method::ALL.to_vec(), key: Some(key()) };
        let notes = resolve(&clues, &r, &NoSends).unwrap_err();
        assert!(notes[0].contains("signature does not verify"), "{notes:?}");
    }

    #[test]
    fn ambiguous_send_log_does_not_resolve() {
        let clues = Clues { original_message_id: Some("<m@x>".into()), feedback_ids: vec!["f1".into()], ..Clues::default() };
        let mut log = Log::default();
        log.by_id.insert("<m@x>".into(), vec![hit("a@example.com"), hit("b@example.com")]);
        log.by_fid.insert("f1".into(), vec![hit("b@example.com"), hit("B@example.com".to_lowercase().as_str())]);
        let r = Resolver::default();
        let got = resolve(&clues, &r, &log).unwrap();
        assert_eq!((got.address.as_str(), got.method), ("b@example.com", Method::CfblFeedbackId));
        log.by_fid.clear();
        let notes = resolve(&clues, &r, &log).unwrap_err();
        assert!(notes.iter().any(|n| n.contains("2 recipients")), "{notes:?}");
    }

    #[test]
    fn order_names() {
        let order = parse_order(&["verp".into(), "send_log".into(), "verp".into()]).unwrap();
        assert_eq!(order, vec![Method::Verp, Method::SendLog]);
        assert!(parse_order(&["dns".into()]).is_err());
        assert_eq!(normalise_message_id(" abc@x "), Some("<abc@x>".into()));
        assert_eq!(unsubscribe_uris("<https://e.x/u/T1>, <mailto:u@e.x?subject=T1>"), vec!["https://e.x/u/T1", "mailto:u@e.x?subject=T1"]);
    }
}
