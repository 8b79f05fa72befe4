//! Readers for the error labels some providers print (Cox `AUP#CXBL`, GoDaddy `IB401`,
//! Orange `OFR_506`, Spectrum `AUP#O-1000`, i.ua `/err/3/`, Facebook `RCP-P1`), each with its
//! label table, plus the two providers whose verdict depends on the codes (Google Workspace
//! and NTT docomo).

use memchr::memmem;

use super::SmtpCommand;
use super::clues::Clues;
use crate::domain::Reason;

/// Cox: `AUP#` followed by a label.
pub(super) fn cox(clues: &Clues<'_>) -> Option<Reason> {
    let label = word_after(&clues.text, b"aup#")?;
    lookup(COX_LABELS, label)
}

/// Spectrum: `AUP#` followed by letters and a four-digit number.
pub(super) fn spectrum(clues: &Clues<'_>) -> Option<Reason> {
    let after = after(&clues.text, b"aup#")?;
    let number = first_digits(after, 4)?;
    SPECTRUM_RANGES
        .iter()
        .find(|(low, high, _)| (*low..=*high).contains(&number))
        .map(|(_, _, reason)| *reason)
}

/// GoDaddy: ` IB` and three digits.
pub(super) fn godaddy(clues: &Clues<'_>) -> Option<Reason> {
    let at = memmem::find_iter(&clues.text, b" ib")
        .find(|at| first_digits_exact(&clues.text[at + 3..], 3))?;
    let label = clues.text.get(at + 1..at + 6)?;
    lookup(GODADDY_LABELS, label)
}

/// Orange and La Poste: a `LPN…`, `OFR…` or `OUK…` label ending in a three-digit code. The
/// last label with a known code counts (host names such as `lpn-prd-vrin012` carry none).
pub(super) fn france_ptt(clues: &Clues<'_>) -> Option<Reason> {
    let text = &clues.text;
    let mut found: Option<(usize, Option<Reason>)> = None;
    for prefix in [b"lpn".as_slice(), b"ofr", b"ouk"] {
        for at in memmem::find_iter(text, prefix) {
            let known = trailing_code(&text[at + prefix.len()..])
                .and_then(|code| FRANCE_PTT_CODES.iter().find(|(c, _)| *c == code));
            if let Some((_, reason)) = known
                && found.is_none_or(|(last, _)| at > last)
            {
                found = Some((at, *reason));
            }
        }
    }
    found.and_then(|(_, reason)| reason)
}

/// i.ua: a link to `mail.i.ua/err/N/`.
pub(super) fn iua(clues: &Clues<'_>) -> Option<Reason> {
    let after = after(&clues.text, b".i.ua/err/")?;
    let end = after.iter().position(|b| *b == b'/')?;
    let code: u16 = std::str::from_utf8(&after[..end]).ok()?.parse().ok()?;
    IUA_CODES.iter().find(|(c, _)| *c == code).map(|(_, reason)| *reason)
}

/// Facebook: a `XXX-YN` response code such as `RCP-P1`.
pub(super) fn facebook(clues: &Clues<'_>) -> Option<Reason> {
    let text = &clues.text;
    memchr::memchr_iter(b'-', text).find_map(|at| {
        let label = text.get(at.checked_sub(3)?..at + 3)?;
        FACEBOOK_LABELS.iter().find(|(l, _)| l.as_bytes() == label).map(|(_, reason)| *reason)
    })
}

/// Google Workspace: DNS answers mean a missing host only when the failure is permanent.
pub(super) fn gsuite(clues: &Clues<'_>) -> Option<Reason> {
    let status_permanent = clues.status.is_some_and(|s| s.class == 5);
    let reply_permanent = clues.reply.is_some_and(|r| r >= 500);
    let dns_failed =
        clues.contains(" responded with code nxdomain") || clues.contains("domain name not found");
    if dns_failed && status_permanent && reply_permanent {
        return Some(Reason::HostUnknown);
    }
    let no_answer = dns_failed || clues.contains(" had no relevant answers.");
    if no_answer && !status_permanent && !reply_permanent {
        return Some(Reason::NetworkError);
    }
    if clues.contains("null mx") {
        return Some(Reason::NotAccept);
    }
    clues
        .contains("because the address couldn't be found. check for typos or unnecessary spaces and try again.")
        .then_some(Reason::UserUnknown)
}

/// NTT docomo: the status code, a few exact answers, then the command. "550 Unknown user"
/// at DATA with status 5.0.0 is the recipient's reception filter refusing the sender.
pub(super) fn nttdocomo(clues: &Clues<'_>) -> Option<Reason> {
    if clues.status_is(5, 1, 1) {
        return Some(Reason::UserUnknown);
    }
    if clues.status_is(5, 2, 0) {
        return Some(Reason::Filtered);
    }
    let by_text =
        DOCOMO_PHRASES.iter().find(|(phrase, _)| clues.contains(phrase)).map(|(_, reason)| *reason);
    by_text.or(match clues.command {
        _ if !clues.status_is(5, 0, 0) => None,
        Some(SmtpCommand::RcptTo) => Some(Reason::UserUnknown),
        Some(SmtpCommand::Data | SmtpCommand::EndOfData) => Some(Reason::Rejected),
        _ => None,
    })
}

fn lookup(table: &[(&str, Reason)], label: &[u8]) -> Option<Reason> {
    table.iter().find(|(l, _)| l.as_bytes() == label).map(|(_, reason)| *reason)
}

/// The bytes after the first `marker`.
fn after<'t>(text: &'t [u8], marker: &[u8]) -> Option<&'t [u8]> {
    memmem::find(text, marker).map(|at| &text[at + marker.len()..])
}

/// The word (up to a space) after the first `marker`.
fn word_after<'t>(text: &'t [u8], marker: &[u8]) -> Option<&'t [u8]> {
    let rest = after(text, marker)?;
    let end = rest.iter().position(|b| b.is_ascii_whitespace()).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The first run of exactly `count` digits (a longer run is cut to its first `count`).
fn first_digits(text: &[u8], count: usize) -> Option<u16> {
    let start = text.iter().position(u8::is_ascii_digit)?;
    let run = &text[start..];
    let len = run.iter().take_while(|b| b.is_ascii_digit()).count();
    (len >= count).then(|| run[..count].iter().fold(0, |n, b| n * 10 + u16::from(b - b'0')))
}

/// True when `text` starts with exactly `count` digits.
fn first_digits_exact(text: &[u8], count: usize) -> bool {
    text.len() >= count
        && text[..count].iter().all(u8::is_ascii_digit)
        && text.get(count).is_none_or(|b| !b.is_ascii_digit())
}

/// The last three digits of a label such as `007_416` or `_506`.
fn trailing_code(label: &[u8]) -> Option<u16> {
    let end = label
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-'))
        .unwrap_or(label.len());
    let label = &label[..end];
    let digits = label.get(label.len().checked_sub(3)?..)?;
    digits
        .iter()
        .all(u8::is_ascii_digit)
        .then(|| digits.iter().fold(0, |n, b| n * 10 + u16::from(b - b'0')))
}

const COX_LABELS: &[(&str, Reason)] = {
    use Reason::*;
    &[
        ("cxbl", Blocked),
        ("cxdns", RequirePtr),
        ("cxsndr", AuthFailure),
        ("cxsmtp", Rejected),
        ("cxcnct", TooManyConn),
        ("cxmxrt", TooManyConn),
        ("cdrbl", Blocked),
        ("cxthrt", SecurityError),
        ("cxmj", SecurityError),
        ("ipbl0001", Blocked),
        ("ipbl0010", Blocked),
        ("ipbl0100", Blocked),
        ("ipbl0011", Blocked),
        ("ipbl0101", Blocked),
        ("ipbl0110", Blocked),
        ("ipbl0111", Blocked),
        ("ipbl1000", Blocked),
        ("ipbl1001", Blocked),
        ("ipbl1010", Blocked),
        ("ipbl1011", Blocked),
        ("ipbl1100", Blocked),
        ("ipbl1101", Blocked),
        ("ipbl1110", Blocked),
        ("ipbl1111", Blocked),
        ("ipbl00001", Blocked),
        ("urlbl011", SpamDetected),
        ("urlbl101", SpamDetected),
        ("urlbl110", SpamDetected),
        ("urlbl1001", SpamDetected),
    ]
};

const SPECTRUM_RANGES: &[(u16, u16, Reason)] = {
    use Reason::*;
    &[
        (1000, 1000, Blocked),
        (1010, 1010, Rejected),
        (1020, 1080, Rejected),
        (1090, 1090, SystemError),
        (1100, 1150, RequirePtr),
        (1160, 1190, PolicyViolation),
        (1200, 1210, Blocked),
        (1220, 1250, Blocked),
        (1260, 1260, NetworkError),
        (1300, 1340, TooManyConn),
        (1350, 1490, Speeding),
        (1500, 1500, Rejected),
        (1520, 1520, Rejected),
        (1530, 1530, MesgTooBig),
        (1540, 1540, Speeding),
        (1550, 1550, Speeding),
        (1560, 1560, PolicyViolation),
        (1580, 1580, Speeding),
    ]
};

const GODADDY_LABELS: &[(&str, Reason)] = {
    use Reason::*;
    &[
        ("ib401", SecurityError),
        ("ib501", NotCompliantRfc),
        ("ib502", NotCompliantRfc),
        ("ib506", Rejected),
        ("ib508", AuthFailure),
        ("ib108", RequirePtr),
        ("ib212", SpamDetected),
        ("ib705", VirusDetected),
        ("ib605", TooManyConn),
        ("ib007", TooManyConn),
        ("ib101", Speeding),
        ("ib110", Blocked),
        ("ib111", Blocked),
        ("ib112", Blocked),
        ("ib113", Blocked),
        ("ib504", Speeding),
        ("ib510", Speeding),
        ("ib607", Speeding),
        ("ib103", BadReputation),
        ("ib104", Blocked),
        ("ib105", Blocked),
        ("ib106", Blocked),
    ]
};

/// Orange / La Poste codes; `None` marks codes that say nothing definite ("try later").
const FRANCE_PTT_CODES: &[(u16, Option<Reason>)] = {
    use Reason::*;
    &[
        (101, Some(Blocked)),
        (102, Some(Blocked)),
        (103, Some(Blocked)),
        (104, Some(TooManyConn)),
        (105, None),
        (107, None),
        (108, None),
        (109, None),
        (201, None),
        (305, Some(SecurityError)),
        (401, Some(AuthFailure)),
        (402, Some(SecurityError)),
        (403, Some(Rejected)),
        (405, Some(Rejected)),
        (415, Some(Rejected)),
        (416, Some(UserUnknown)),
        (417, Some(MailboxFull)),
        (420, Some(Suspend)),
        (421, Some(Rejected)),
        (423, None),
        (424, None),
        (426, Some(Suspend)),
        (505, Some(SystemError)),
        (506, Some(SpamDetected)),
        (510, Some(Blocked)),
        (513, None),
        (514, Some(MesgTooBig)),
        (517, Some(AuthFailure)),
        (630, Some(PolicyViolation)),
        (999, Some(Blocked)),
    ]
};

const IUA_CODES: &[(u16, Reason)] = {
    use Reason::*;
    &[
        (1, NoRelaying),
        (2, UserUnknown),
        (3, Suspend),
        (4, MailboxFull),
        (5, TooManyConn),
        (6, NoRelaying),
        (7, Blocked),
        (8, Rejected),
        (9, Blocked),
        (10, Filtered),
    ]
};

const FACEBOOK_LABELS: &[(&str, Reason)] = {
    use Reason::*;
    &[
        ("pol-p7", AuthFailure),
        ("pol-p1", Blocked),
        ("pol-p2", Blocked),
        ("pol-p3", Blocked),
        ("pol-p4", Blocked),
        ("pol-t1", Blocked),
        ("pol-t2", Blocked),
        ("pol-t3", Blocked),
        ("msg-p2", ContentError),
        ("rcp-p2", Filtered),
        ("rcp-p3", Filtered),
        ("msg-p1", MesgTooBig),
        ("int-p2", MesgTooBig),
        ("msg-p3", NotCompliantRfc),
        ("dns-p1", Rejected),
        ("dns-p2", Rejected),
        ("dns-t1", Rejected),
        ("dns-p3", RequirePtr),
        ("dns-t2", RequirePtr),
        ("pol-p6", SpamDetected),
        ("rcp-t4", Suspend),
        ("rcp-t1", SystemError),
        ("con-t1", TooManyConn),
        ("con-t2", TooManyConn),
        ("con-t3", TooManyConn),
        ("con-t4", TooManyConn),
        ("msg-t1", TooManyConn),
        ("rcp-p1", UserUnknown),
        ("int-p1", UserUnknown),
        ("int-p3", UserUnknown),
        ("int-p4", UserUnknown),
        ("pol-p5", VirusDetected),
    ]
};

const DOCOMO_PHRASES: &[(&str, Reason)] = &[
    ("552 too much mail data", Reason::MailboxFull),
    ("503 bad sequence of commands", Reason::SyntaxError),
    ("504 command parameter not implemented", Reason::SyntaxError),
    ("552 too many recipients", Reason::TooManyConn),
];
