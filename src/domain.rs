//! Pure domain types shared by every layer: addresses, message kinds, reasons and classes.
//! No I/O and no clock here; everything is a value.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a whole message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Bounce,
    Complaint,
    AuthFailure,
    AutoReply,
    DeliveryReport,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Bounce,
        Kind::Complaint,
        Kind::AuthFailure,
        Kind::AutoReply,
        Kind::DeliveryReport,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bounce => "bounce",
            Kind::Complaint => "complaint",
            Kind::AuthFailure => "auth_failure",
            Kind::AutoReply => "auto_reply",
            Kind::DeliveryReport => "delivery_report",
            Kind::Other => "other",
        }
    }
}

impl FromStr for Kind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownName::new("kind", s))
    }
}

macro_rules! reasons {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        /// Why a recipient event happened, in Sisimai's vocabulary (lower-case names).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Reason {
            $(#[serde(rename = $name)] $variant,)+
        }

        impl Reason {
            pub const ALL: &'static [Reason] = &[$(Reason::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $(Reason::$variant => $name,)+ }
            }
        }
    };
}

reasons! {
    UserUnknown => "userunknown",
    HostUnknown => "hostunknown",
    HasMoved => "hasmoved",
    NotAccept => "notaccept",
    MailboxFull => "mailboxfull",
    ExceedLimit => "exceedlimit",
    MesgTooBig => "mesgtoobig",
    Suspend => "suspend",
    SystemError => "systemerror",
    SystemFull => "systemfull",
    NetworkError => "networkerror",
    Expired => "expired",
    TooManyConn => "toomanyconn",
    SyntaxError => "syntaxerror",
    MailerError => "mailererror",
    Blocked => "blocked",
    BadReputation => "badreputation",
    Speeding => "speeding",
    AuthFailure => "authfailure",
    RequirePtr => "requireptr",
    NotCompliantRfc => "notcompliantrfc",
    SpamDetected => "spamdetected",
    PolicyViolation => "policyviolation",
    ContentError => "contenterror",
    SecurityError => "securityerror",
    VirusDetected => "virusdetected",
    NoRelaying => "norelaying",
    Rejected => "rejected",
    FailedStartTls => "failedstarttls",
    Filtered => "filtered",
    Suppressed => "suppressed",
    OnHold => "onhold",
    Undefined => "undefined",
    Delivered => "delivered",
    Vacation => "vacation",
    Feedback => "feedback",
}

impl FromStr for Reason {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reason::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownName::new("reason", s))
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Reason {
    /// True for reasons that describe a refusal of the *sender* (IP, domain, authentication,
    /// rate, content, policy). These never count against a recipient.
    pub fn is_sender_side(self) -> bool {
        matches!(
            self,
            Reason::Blocked
                | Reason::BadReputation
                | Reason::Speeding
                | Reason::AuthFailure
                | Reason::RequirePtr
                | Reason::NotCompliantRfc
                | Reason::SpamDetected
                | Reason::PolicyViolation
                | Reason::ContentError
                | Reason::SecurityError
                | Reason::VirusDetected
                | Reason::NoRelaying
                | Reason::Rejected
                | Reason::FailedStartTls
                | Reason::SyntaxError
        )
    }

    /// The class of a failure (bounce) with this reason. `permanent` is true when the failure
    /// was final (a 5xx reply or a 5.x.x status); it decides whether `notaccept` is hard.
    /// Feedback, vacation and delivered have their own classes and are handled by the caller.
    pub fn bounce_class(self, permanent: bool) -> Class {
        match self {
            Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved => Class::Hard,
            Reason::NotAccept if permanent => Class::Hard,
            Reason::NotAccept
            | Reason::MailboxFull
            | Reason::ExceedLimit
            | Reason::MesgTooBig
            | Reason::Suspend
            | Reason::SystemError
            | Reason::SystemFull
            | Reason::NetworkError
            | Reason::Expired
            | Reason::TooManyConn
            | Reason::MailerError
            | Reason::Filtered => Class::Soft,
            Reason::Delivered => Class::Delivered,
            Reason::Vacation => Class::AutoReply,
            Reason::Feedback => Class::Complaint,
            Reason::Suppressed | Reason::OnHold | Reason::Undefined => Class::Info,
            r if r.is_sender_side() => Class::Sender,
            _ => Class::Info,
        }
    }
}

/// What scoring acts on; see DESIGN.md's class table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Hard,
    Soft,
    Sender,
    Complaint,
    Unsubscribe,
    AutoReply,
    Delivered,
    Info,
}

impl Class {
    pub const ALL: [Class; 8] = [
        Class::Hard,
        Class::Soft,
        Class::Sender,
        Class::Complaint,
        Class::Unsubscribe,
        Class::AutoReply,
        Class::Delivered,
        Class::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Hard => "hard",
            Class::Soft => "soft",
            Class::Sender => "sender",
            Class::Complaint => "complaint",
            Class::Unsubscribe => "unsubscribe",
            Class::AutoReply => "auto_reply",
            Class::Delivered => "delivered",
            Class::Info => "info",
        }
    }

    /// True when one event of this class is enough to suppress the recipient.
    pub fn suppresses_at_once(self) -> bool {
        matches!(self, Class::Hard | Class::Complaint | Class::Unsubscribe)
    }
}

impl FromStr for Class {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Class::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownName::new("class", s))
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What scoring decides for an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Never send again (complaint, unsubscribe, hard bounce, …).
    Suppress,
    /// Worth a look or a re-engagement campaign (never engaged, inactive, role account, …).
    Flag,
    Keep,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Suppress, Verdict::Flag, Verdict::Keep];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Suppress => "suppress",
            Verdict::Flag => "flag",
            Verdict::Keep => "keep",
        }
    }
}

impl FromStr for Verdict {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| UnknownName::new("verdict", s))
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The class a complaint's feedback type gives.
pub fn feedback_class(feedback_type: &str) -> Class {
    match feedback_type.trim().to_ascii_lowercase().as_str() {
        "abuse" | "fraud" | "virus" | "other" | "" => Class::Complaint,
        "opt-out" | "unsubscribe" | "optout" => Class::Unsubscribe,
        _ => Class::Info, // auth-failure, not-spam, dmarc and unknown extensions
    }
}

/// A name that is not part of a closed vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {name:?}")]
pub struct UnknownName {
    pub what: &'static str,
    pub name: String,
}

impl UnknownName {
    fn new(what: &'static str, name: &str) -> Self {
        UnknownName { what, name: name.to_owned() }
    }
}

/// An e-mail address normalised once: trimmed, without `rfc822;`, angle brackets or quotes
/// around the whole, lower-cased, with an IDN domain in punycode.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

/// Why a string is not an acceptable e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("empty address")]
    Empty,
    #[error("{0:?} has no @")]
    NoAt(String),
    #[error("{0:?} has an empty local part")]
    EmptyLocal(String),
    #[error("{0:?} has an invalid domain")]
    BadDomain(String),
    #[error("{0:?} contains characters not allowed in an address")]
    BadCharacter(String),
    #[error("{0:?} is longer than 254 characters")]
    TooLong(String),
}

impl EmailAddress {
    /// Normalises and checks `input`. Accepts `rfc822; <a@b>`, `"<a@b>"`, `mailto:a@b` and
    /// surrounding white space.
    pub fn parse(input: &str) -> Result<EmailAddress, AddressError> {
        let bare = strip_decoration(input);
        if bare.is_empty() {
            return Err(AddressError::Empty);
        }
        let (local, domain) = bare.rsplit_once('@').ok_or_else(|| AddressError::NoAt(bare.into()))?;
        let local = local.trim_matches('"');
        if local.is_empty() {
            return Err(AddressError::EmptyLocal(bare.into()));
        }
        let forbidden = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '(' | ')' | '[' | ']' | '\\');
        if local.chars().any(forbidden) {
            return Err(AddressError::BadCharacter(bare.into()));
        }
        let domain = normalise_domain(domain).ok_or_else(|| AddressError::BadDomain(bare.into()))?;
        let mut address = String::with_capacity(local.len() + 1 + domain.len());
        if local.is_ascii() {
            address.push_str(local);
            address.make_ascii_lowercase();
        } else {
            address.push_str(&local.to_lowercase());
        }
        address.push('@');
        address.push_str(&domain);
        if address.len() > 254 {
            return Err(AddressError::TooLong(bare.into()));
        }
        Ok(EmailAddress(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(l, _)| l)
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }

    /// The mailbox that provider-aware variants collapse to: `+tag` removed everywhere, and
    /// dots removed for Gmail. Used to find duplicates only, never as the stored address.
    pub fn canonical_mailbox(&self) -> String {
        let local = self.local_part();
        let local = local.split_once('+').map_or(local, |(l, _)| l);
        let domain = match self.domain() {
            "googlemail.com" => "gmail.com",
            d => d,
        };
        if domain == "gmail.com" {
            format!("{}@{}", local.replace('.', ""), domain)
        } else {
            format!("{local}@{domain}")
        }
    }
}

/// An address as an import keeps it: normalised when it is valid, else kept in a predictable
/// form (decoration stripped, trimmed, lower-cased) so that it can be flagged by scoring rather
/// than dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckedAddress {
    Valid(EmailAddress),
    Invalid { kept: String, error: AddressError },
}

impl CheckedAddress {
    /// Checks `input`; `None` when nothing is left once decoration and white space are gone.
    pub fn check(input: &str) -> Option<CheckedAddress> {
        match EmailAddress::parse(input) {
            Ok(address) => Some(CheckedAddress::Valid(address)),
            Err(AddressError::Empty) => None,
            Err(error) => Some(CheckedAddress::Invalid { kept: strip_decoration(input).to_lowercase(), error }),
        }
    }

    /// The text stored for this address.
    pub fn as_str(&self) -> &str {
        match self {
            CheckedAddress::Valid(a) => a.as_str(),
            CheckedAddress::Invalid { kept, .. } => kept,
        }
    }

    pub fn is_valid(&self) -> bool {
        matches!(self, CheckedAddress::Valid(_))
    }

    pub fn into_string(self) -> String {
        match self {
            CheckedAddress::Valid(a) => a.0,
            CheckedAddress::Invalid { kept, .. } => kept,
        }
    }
}

fn strip_decoration(input: &str) -> &str {
    let mut s = input.trim();
    for prefix in ["rfc822;", "RFC822;", "mailto:", "MAILTO:"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim();
        }
    }
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') && s[1..s.len() - 1].contains('@') {
        s = s[1..s.len() - 1].trim();
    }
    s = s.trim_start_matches('<').trim_end_matches('>').trim();
    s.trim_end_matches(['.', ',', ';', ':'])
}

fn normalise_domain(domain: &str) -> Option<String> {
    let domain = domain.trim().trim_end_matches('.');
    if domain.is_empty() || domain.len() > 253 {
        return None;
    }
    if domain.starts_with('[') && domain.ends_with(']') {
        return Some(domain.to_owned()); // address literal
    }
    let ascii = if domain.is_ascii() {
        domain.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(domain).ok()?
    };
    let labels_ok = ascii.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    (labels_ok && ascii.contains('.')).then_some(ascii)
}

impl FromStr for EmailAddress {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EmailAddress::parse(s)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = AddressError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        EmailAddress::parse(&s)
    }
}

impl From<EmailAddress> for String {
    fn from(a: EmailAddress) -> String {
        a.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_decorated_addresses() {
        for (input, expected) in [
            ("rfc822; <Kijitora@Example.JP>", "kijitora@example.jp"),
            ("  neko@EXAMPLE.org. ", "neko@example.org"),
            ("\"<a.b@example.com>\"", "a.b@example.com"),
            ("mailto:x@example.com", "x@example.com"),
            ("user@bücher.example", "user@xn--bcher-kva.example"),
        ] {
            assert_eq!(EmailAddress::parse(input).unwrap().as_str(), expected, "{input}");
        }
    }

    #[test]
    fn rejects_non_addresses() {
        for input in ["", "no-at-sign", "@example.com", "a@", "a@-bad-.com", "a b@example.com", "x@localhost"] {
            assert!(EmailAddress::parse(input).is_err(), "{input:?} was accepted");
        }
    }

    #[test]
    fn canonical_mailbox_collapses_provider_variants() {
        let a = EmailAddress::parse("J.Doe+news@googlemail.com").unwrap();
        assert_eq!(a.canonical_mailbox(), "jdoe@gmail.com");
        let b = EmailAddress::parse("j.doe+x@example.com").unwrap();
        assert_eq!(b.canonical_mailbox(), "j.doe@example.com");
    }

    #[test]
    fn checked_addresses_keep_invalid_input() {
        assert_eq!(CheckedAddress::check(" <Neko@Example.JP> ").unwrap(), CheckedAddress::Valid(EmailAddress::parse("neko@example.jp").unwrap()));
        let kept = CheckedAddress::check("  Not An@Address ").unwrap();
        assert!(!kept.is_valid());
        assert_eq!(kept.as_str(), "not an@address");
        assert!(CheckedAddress::check(" <> ").is_none());
    }

    #[test]
    fn sender_side_reasons_are_never_hard() {
        for r in Reason::ALL.iter().copied().filter(|r| r.is_sender_side()) {
            assert_eq!(r.bounce_class(true), Class::Sender, "{r}");
        }
    }

    #[test]
    fn reason_names_round_trip() {
        for r in Reason::ALL {
            assert_eq!(r.as_str().parse::<Reason>().unwrap(), *r);
        }
    }
}
