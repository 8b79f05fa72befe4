//! Data tables for the non-standard bounce families: how to recognise each MTA or provider,
//! where its error text starts and where the returned original begins. The decoding logic in
//! [`super::text`] is generic; what differs between families lives here as data.

use crate::domain::Reason;

/// How one family of bounces looks.
#[derive(Debug)]
pub struct Family {
    /// Name reported as `decoded_by`.
    pub name: &'static str,
    /// Lower-case fragments of the From header (address or display name).
    pub from: &'static [&'static str],
    /// Lower-case fragments of the Subject.
    pub subject: &'static [&'static str],
    /// Header names whose presence identifies the family.
    pub headers: &'static [&'static str],
    /// Lower-case fragments of the body text that identify the family.
    pub body: &'static [&'static str],
    /// The reason every recipient of this family gets, when its messages mean one thing.
    pub preset: Option<Reason>,
    /// X-Failed-Recipients names the recipients better than the text (which greets the
    /// sender by address).
    pub recipients_from_header: bool,
}

impl Family {
    const fn new(name: &'static str) -> Family {
        Family { name, from: &[], subject: &[], headers: &[], body: &[], preset: None, recipients_from_header: false }
    }
}

/// Families in the order they are tried: the most specific first.
pub static FAMILIES: &[Family] = &[
    // A post to a Google Group refused: the "recipient" is the group, the sender may not post.
    Family {
        body: &["groups.google.com/support", "google groups"],
        preset: Some(Reason::Rejected),
        recipients_from_header: true,
        ..Family::new("googlegroups")
    },
    Family { headers: &["X-SES-Outgoing", "X-SES-Receipt"], from: &["amazonses.com"], ..Family::new("amazonses") },
    Family { from: &["mailer-daemon@amazonses.com"], ..Family::new("amazonses") },
    Family { from: &["@gmx.", "@web.de"], ..Family::new("gmx") },
    Family { from: &["mailer-daemon@googlemail.com", "mailer-daemon@google.com", "@gmail.com"], body: &["delivery to the following recipient failed", "google tried to deliver your message", "the response from the remote server was:"], ..Family::new("gmail") },
    Family { body: &["this is the mail delivery agent at messagelabs.com"], ..Family::new("messagelabs") },
    Family { from: &["@yahoo", "yahoo.com"], body: &["sorry, we were unable to deliver your message to the following address"], ..Family::new("yahoo") },
    Family { from: &["@aol.com"], body: &["---- the following addresses had delivery problems ----"], ..Family::new("aol") },
    Family { from: &["@mail.ru", "@corp.mail.ru"], body: &["this message was created automatically by mail delivery software"], ..Family::new("mailru") },
    Family { from: &["@yandex"], ..Family::new("yandex") },
    Family { body: &["this is the qmail-send program", "this is the qmail-send", "qmail-send program"], ..Family::new("qmail") },
    Family { body: &["this is the mail system at host", "this is the postfix program at host"], ..Family::new("postfix") },
    Family { body: &["this message was created automatically by mail delivery software", "a message that you sent could not be delivered to one or more of its"], headers: &["X-Failed-Recipients"], ..Family::new("exim") },
    Family { body: &["this is the mail delivery agent at"], ..Family::new("messagelabs") },
    Family { body: &["dragonfly mail agent", "this is the dragonfly mail agent"], from: &["mailer-daemon"], subject: &["mail delivery failed"], ..Family::new("dragonfly") },
    Family { body: &["your message did not reach some or all of the intended recipients", "the following recipient(s) cannot be reached", "delivery has failed to these recipients or groups", "delivery has failed to these recipients or distribution lists"], ..Family::new("exchange") },
    Family { body: &["your message couldn't be delivered", "your message to", "office 365"], from: &["microsoftexchange", "postmaster@outlook.com", "@outlook.com", "@hotmail.com"], ..Family::new("office365") },
    Family { body: &["   ----- transcript of session follows -----", "----- the following addresses had permanent fatal errors -----", "----- transcript of session follows -----"], ..Family::new("sendmail") },
    Family { body: &["this is a permanent error. the following address(es) failed"], ..Family::new("exim") },
    Family { body: &["courier mail server at", "this is a delivery status notification from courier"], ..Family::new("courier") },
    Family { body: &["your message was not delivered to", "lotus domino"], subject: &["delivery failure", "delivery report (failure)"], ..Family::new("domino") },
    Family { body: &["opensmtpd", "your mail could not be delivered to the following"], ..Family::new("opensmtpd") },
    Family { body: &["-- the following addresses had permanent delivery errors --", "-- the following addresses had transient delivery errors --"], ..Family::new("mfilter") },
    Family { from: &["@ezweb.ne.jp", "@au.com"], body: &["the user(s) account is disabled", "the following recipients did not receive this message"], ..Family::new("ezweb") },
    Family { from: &["@docomo.ne.jp"], ..Family::new("nttdocomo") },
    Family { from: &["@kddi.com", "@kddi.ne.jp"], body: &["your mail sent on:", "could not be delivered to:"], ..Family::new("kddi") },
    Family { body: &["mimecast"], ..Family::new("mimecast") },
    Family { body: &["sendgrid"], headers: &["X-SG-EID"], ..Family::new("sendgrid") },
    Family { headers: &["X-Mailgun-Sid"], ..Family::new("mailgun") },
    Family { body: &["error message below:"], ..Family::new("apachejames") },
    Family { subject: &["undeliverable"], ..Family::new("exchange") },
    Family { subject: &["undelivered mail returned to sender"], ..Family::new("postfix") },
    Family { subject: &["failure notice"], ..Family::new("qmail") },
    Family { subject: &["returned mail", "warning: could not send message"], ..Family::new("sendmail") },
    Family { subject: &["mail delivery failed", "delivery status notification"], ..Family::new("generic") },
];

/// Lower-case markers after which the returned original message follows. The text before
/// the first of them is the error section.
pub static ORIGINAL_MARKERS: &[&str] = &[
    "------ this is a copy of the message, including all the headers. ------",
    "------ this is a copy of the message's headers. ------",
    "--- below this line is a copy of the message.",
    "--- below this line is a copy of the message",
    "----- original message -----",
    "-----original message-----",
    "------ original message ------",
    "----- unsent message follows -----",
    "----- message header follows -----",
    "------ the header of the original message is following. ------",
    "----- the header of the original message is following. -----",
    "---- the header of the original message is following. ----",
    "----- original message follows -----",
    "original message follows.",
    "----- original message headers -----",
    "------- original message header -------",
    "------ original message header ------",
    "original message headers:",
    "original message header:",
    "--- original message ---",
    "content-type: message/rfc822",
    "content-type: text/rfc822-headers",
    "------ this is a copy of your message, including all the headers. ------",
    "----- this is a copy of the message, including all the headers. -----",
    "   ----- original message follows -----",
    "------- returned message --------",
    "   ----- unsent message follows -----",
    "--- the header of the original message is following. ---",
    "the original message was:",
    "the original message headers were:",
    "your message reads (in part):",
    "-----  original message headers  -----",
    "------ failed message ------",
    "---- original message ----",
    "included is a copy of the message header",
    "original message:",
    "message headers follow.",
    // A returned header block with no marker line before it.
    "\nreturn-path: <",
    "\nreceived: from ",
];

/// Lower-case markers that open the error section in bodies that begin with unrelated prose.
pub static START_MARKERS: &[&str] = &[
    "address(es) failed:",
    "following address failed:",
    "following addresses failed:",
    "the following addresses had permanent fatal errors",
    "the following recipient(s) cannot be reached",
    "delivery to the following recipient failed permanently",
    "delivery to the following recipient has been delayed",
    "i'm afraid i wasn't able to deliver your message to the following addresses",
    "your message did not reach some or all of the intended recipients",
    "could not be delivered to one or more of its recipients",
    "sorry, we were unable to deliver your message",
];

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// What a marker found in a body means.
#[derive(Debug, Default, Clone)]
struct Role {
    original: bool,
    start: bool,
    families: Vec<usize>,
}

/// One automaton over every marker table, searched once per message over the lower-cased
/// body. A contiguous NFA: it builds in a fraction of a millisecond, where a DFA's build
/// costs more than a short `parse` run of a few files spends searching.
static MARKERS: LazyLock<(AhoCorasick, Vec<Role>)> = LazyLock::new(|| {
    let mut patterns: Vec<&str> = Vec::new();
    let mut roles: Vec<Role> = Vec::new();
    let mut role_of = |pattern: &'static str| -> usize {
        match patterns.iter().position(|p| *p == pattern) {
            Some(i) => i,
            None => {
                patterns.push(pattern);
                roles.push(Role::default());
                patterns.len() - 1
            }
        }
    };
    let mut marks: Vec<(usize, u8, usize)> = Vec::new();
    for m in ORIGINAL_MARKERS {
        marks.push((role_of(m), 0, 0));
    }
    for m in START_MARKERS {
        marks.push((role_of(m), 1, 0));
    }
    for (index, family) in FAMILIES.iter().enumerate() {
        for m in family.body {
            marks.push((role_of(m), 2, index));
        }
    }
    for (i, what, family) in marks {
        match what {
            0 => roles[i].original = true,
            1 => roles[i].start = true,
            _ => roles[i].families.push(family),
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .unwrap_or_else(|e| unreachable!("marker tables are valid literals: {e}"));
    (automaton, roles)
});

/// Where the parts of a bounce's text are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// Byte offset of the first recipient-list opener, or 0.
    pub error_start: usize,
    /// Byte offset of the marker before the returned original, or the text's length.
    pub error_end: usize,
    /// For each entry of [`FAMILIES`], whether one of its body markers occurs.
    pub family_body: Vec<bool>,
}

/// Markers are looked for in this much of the text: they sit near the top, and a forwarded
/// original of megabytes must not be lower-cased and scanned for nothing.
const MARKER_WINDOW: usize = 32 * 1024;

impl Layout {
    pub fn of(body: &str) -> Layout {
        let window = &body[..floor_char_boundary(body, MARKER_WINDOW)];
        let lower = window.to_ascii_lowercase();
        let (automaton, roles) = &*MARKERS;
        let mut error_end = body.len();
        let mut starts = Vec::new();
        let mut family_body = vec![false; FAMILIES.len()];
        for m in automaton.find_overlapping_iter(&lower) {
            let role = &roles[m.pattern().as_usize()];
            if role.original {
                error_end = error_end.min(m.start());
            }
            if role.start {
                starts.push(m.start());
            }
            for &family in &role.families {
                family_body[family] = true;
            }
        }
        let error_start = starts.into_iter().filter(|&s| s < error_end).min().unwrap_or(0);
        Layout { error_start, error_end, family_body }
    }
}

/// The largest char boundary of `s` at or below `index`.
pub fn floor_char_boundary(s: &str, index: usize) -> usize {
    if index >= s.len() {
        return s.len();
    }
    (0..=index).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}
