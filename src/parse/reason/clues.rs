//! The evidence made ready for the rules: one lower-cased copy of the diagnostic text, the
//! status and reply codes (taken from the text when the fields lack them), the phrase hits.

use super::matcher::{self, Hits};
use super::phrases::Set;
use super::status::Status;
use super::{Evidence, SmtpCommand};
use crate::domain::Reason;

/// Everything the rules look at, computed once per decision.
#[derive(Debug)]
pub(super) struct Clues<'a> {
    /// The diagnostic, lower-cased, whitespace runs collapsed, continuation prefixes removed.
    pub(super) text: Vec<u8>,
    pub(super) hits: Hits,
    pub(super) status: Option<Status>,
    /// What the status code alone means, looked up once.
    by_status: Option<Reason>,
    pub(super) reply: Option<u16>,
    pub(super) command: Option<SmtpCommand>,
    pub(super) delayed: bool,
    pub(super) kind: DiagnosticKind,
    /// Remote host name, without a `dns;` prefix, comments or a trailing dot (any case).
    pub(super) host: Option<&'a str>,
    /// Host name of the MTA that wrote the bounce, cleaned the same way.
    pub(super) reporter: Option<&'a str>,
    /// Domain part of the failed recipient's address.
    pub(super) domain: Option<&'a str>,
    /// A family decoder's reason that still deserves a second look (see [`is_provisional`]).
    pub(super) hint: Option<Reason>,
}

/// What the Diagnostic-Code type says about the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DiagnosticKind {
    /// `SMTP`, or no type at all: a remote server's answer.
    Smtp,
    /// `X-Unix`: a local program (pipe, procmail …) failed.
    Unix,
    /// Any other `X-…` type.
    Other,
}

impl<'a> Clues<'a> {
    pub(super) fn gather(evidence: &Evidence<'a>) -> Clues<'a> {
        let mut text = normalise(evidence.diagnostic);
        restore_command_tail(&mut text, evidence.command);
        let hits = matcher::scan(&text);
        let reply =
            evidence.reply_code.filter(|c| (200..600).contains(c)).or_else(|| reply_in(&text));
        let given = evidence.status.and_then(Status::parse);
        let status = prefer(given, status_in(&text), reply);
        Clues {
            text,
            hits,
            status,
            by_status: status.and_then(Status::reason),
            reply,
            command: evidence.command,
            delayed: evidence.action.is_some_and(|a| {
                a.eq_ignore_ascii_case("delayed") || a.eq_ignore_ascii_case("expired")
            }),
            kind: DiagnosticKind::of(evidence.diagnostic_type),
            host: evidence.remote_mta.and_then(host_name),
            reporter: evidence.reporting_mta.and_then(host_name),
            domain: evidence.recipient.and_then(domain_of),
            hint: evidence.preset.filter(|r| is_provisional(*r)),
        }
    }

    pub(super) fn has(&self, set: Set) -> bool {
        self.hits.has(set)
    }

    pub(super) fn contains(&self, needle: &str) -> bool {
        memchr::memmem::find(&self.text, needle.as_bytes()).is_some()
    }

    pub(super) fn status_reason(&self) -> Option<Reason> {
        self.by_status
    }

    pub(super) fn status_is(&self, class: u8, subject: u16, detail: u16) -> bool {
        self.status.is_some_and(|s| s.is(class, subject, detail))
    }

    /// True when the command was sent before DATA, so the message content was never seen.
    pub(super) fn before_data(&self) -> bool {
        use SmtpCommand::*;
        matches!(self.command, Some(Connect | Helo | Ehlo | MailFrom | RcptTo))
    }
}

/// Reasons a family decoder may preset that the general rules are allowed to refine.
pub(super) fn is_provisional(reason: Reason) -> bool {
    use Reason::*;
    matches!(
        reason,
        Undefined
            | OnHold
            | SystemError
            | SecurityError
            | Expired
            | NetworkError
            | HostUnknown
            | UserUnknown
    )
}

/// The host name in a Remote-MTA or Reporting-MTA value: `dns; mx.example.jp. (192.0.2.1)`
/// gives `mx.example.jp`.
fn host_name(value: &str) -> Option<&str> {
    let value = value.trim();
    let value = match value.split_once(';') {
        Some((kind, rest)) if kind.trim().eq_ignore_ascii_case("dns") => rest.trim_start(),
        _ => value,
    };
    let end = value
        .find(|c: char| c.is_ascii_whitespace() || matches!(c, '(' | '[' | ';' | ','))
        .unwrap_or(value.len());
    let host = value[..end].trim_end_matches('.');
    host.contains('.').then_some(host)
}

/// The domain of an address such as `<user@example.jp>`.
fn domain_of(address: &str) -> Option<&str> {
    let (_, domain) = address.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches(['>', '.', ' ']);
    domain.contains('.').then_some(domain)
}

impl DiagnosticKind {
    fn of(kind: Option<&str>) -> DiagnosticKind {
        match kind.map(str::trim) {
            None | Some("") => DiagnosticKind::Smtp,
            Some(k) if k.eq_ignore_ascii_case("smtp") => DiagnosticKind::Smtp,
            Some(k) if k.as_bytes().get(..6).is_some_and(|p| p.eq_ignore_ascii_case(b"x-unix")) => {
                DiagnosticKind::Unix
            }
            Some(_) => DiagnosticKind::Other,
        }
    }
}

/// Room reserved for the longest tail [`restore_command_tail`] adds, so that it never
/// reallocates.
const TAIL_ROOM: usize = " (in reply to end of data command)".len();

/// Puts back the `(in reply to RCPT TO command)` tail that Postfix writes and decoders move into
/// the command field: the phrase tables are written against diagnostics that carry it
/// (`access denied (in reply to mail from command)`, `transaction failed ` with the space
/// that the tail provides).
fn restore_command_tail(text: &mut Vec<u8>, command: Option<SmtpCommand>) {
    use SmtpCommand::*;
    let name: &[u8] = match command {
        None | Some(Connect) => return,
        Some(Helo) => b"helo",
        Some(Ehlo) => b"ehlo",
        Some(StartTls) => b"starttls",
        Some(Auth) => b"auth",
        Some(MailFrom) => b"mail from",
        Some(RcptTo) => b"rcpt to",
        Some(Data) => b"data",
        Some(EndOfData) => b"end of data",
    };
    if text.is_empty() || memchr::memmem::find(text, b"(in reply to ").is_some() {
        return;
    }
    for part in [b" (in reply to ".as_slice(), name, b" command)"] {
        text.extend_from_slice(part);
    }
}

/// Lower-cases ASCII, turns every whitespace run into one space, and drops the reply-code
/// prefixes that start the continuation lines of a multi-line SMTP answer ("550-5.7.1 "),
/// also where a decoder already joined those lines into one.
fn normalise(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() + TAIL_ROOM);
    let lead = multiline_reply_code(bytes.trim_ascii_start());
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = line.trim_ascii_start();
        let mut rest = if index == 0 { line } else { &line[continuation_prefix(line)..] };
        loop {
            rest = rest.trim_ascii_start();
            if rest.is_empty() {
                break;
            }
            if !out.is_empty() && lead.is_some_and(|code| rest.starts_with(code)) {
                let prefix = continuation_prefix(rest);
                if prefix > 0 {
                    rest = &rest[prefix..];
                    continue;
                }
            }
            let end = rest.iter().position(u8::is_ascii_whitespace).unwrap_or(rest.len());
            if !out.is_empty() {
                out.push(b' ');
            }
            out.extend_from_slice(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out.make_ascii_lowercase();
    out
}

/// The reply code of a text that starts as a multi-line SMTP answer (`550-5.2.1 The user`).
fn multiline_reply_code(text: &[u8]) -> Option<&[u8]> {
    let code = text.get(..3)?;
    let is_code = matches!(code[0], b'2' | b'4' | b'5') && code[1..].iter().all(u8::is_ascii_digit);
    (is_code && text.get(3) == Some(&b'-')).then_some(code)
}

/// Length of a leading `550-`, `550 ` or `550-5.7.1 ` on a continuation line, else 0.
fn continuation_prefix(line: &[u8]) -> usize {
    let is_reply = line.len() >= 4
        && matches!(line[0], b'2' | b'4' | b'5')
        && line[1..3].iter().all(u8::is_ascii_digit)
        && matches!(line[3], b'-' | b' ');
    if !is_reply {
        return 0;
    }
    let rest = &line[4..];
    match status_at(rest) {
        Some(len) if rest.get(len).is_none_or(|b| *b == b' ') => {
            4 + len + usize::from(rest.len() > len)
        }
        _ => 4,
    }
}

/// Length of an enhanced status code at the start of `bytes`.
fn status_at(bytes: &[u8]) -> Option<usize> {
    if !matches!(bytes.first(), Some(b'2' | b'4' | b'5')) || bytes.get(1) != Some(&b'.') {
        return None;
    }
    let subject = digits(&bytes[2..]);
    if subject == 0 || bytes.get(2 + subject) != Some(&b'.') {
        return None;
    }
    let detail = digits(&bytes[3 + subject..]);
    (detail > 0).then_some(3 + subject + detail)
}

/// Number of leading ASCII digits, capped at four so that longer numbers are rejected later.
fn digits(bytes: &[u8]) -> usize {
    bytes.iter().take(4).take_while(|b| b.is_ascii_digit()).count()
}

/// The enhanced status code of the text: the first one that follows a reply code (`550 5.7.1`,
/// `550-'5.7.1`), which is the remote server's own answer, else the first one at all (a relay
/// may put its own code before the answer it quotes).
fn status_in(text: &[u8]) -> Option<Status> {
    let mut codes = memchr::memchr_iter(b'.', text).filter_map(|dot| {
        let at = dot.checked_sub(1)?;
        let before_ok = at == 0 || !matches!(text[at - 1], b'0'..=b'9' | b'.');
        let len = status_at(&text[at..]).filter(|_| before_ok)?;
        let after_ok = text
            .get(at + len)
            .is_none_or(|b| !b.is_ascii_digit() && *b != b'.' || is_last_dot(text, at + len));
        if !after_ok {
            return None;
        }
        let status = Status::parse(std::str::from_utf8(&text[at..at + len]).ok()?)?;
        Some((status, follows_reply_code(&text[..at])))
    });
    let (first, answer) = codes.next()?;
    if answer {
        return Some(first);
    }
    Some(codes.find(|(_, answer)| *answer).map_or(first, |(status, _)| status))
}

/// True when `before` ends with a reply code and its separator: `550 `, `550-`, `550-'`.
fn follows_reply_code(before: &[u8]) -> bool {
    let before = before.strip_suffix(b"'").or_else(|| before.strip_suffix(b"\"")).unwrap_or(before);
    let Some((separator, rest)) = before.split_last() else { return false };
    let Some(code) = rest.len().checked_sub(3).map(|at| &rest[at..]) else { return false };
    matches!(separator, b' ' | b'-')
        && matches!(code[0], b'2' | b'4' | b'5')
        && code[1..].iter().all(u8::is_ascii_digit)
        && rest.len().checked_sub(4).is_none_or(|at| !rest[at].is_ascii_alphanumeric())
}

/// A dot that ends a sentence rather than continuing a number.
fn is_last_dot(text: &[u8], at: usize) -> bool {
    text[at] == b'.' && text.get(at + 1).is_none_or(|b| !b.is_ascii_digit())
}

/// The first three-digit SMTP reply code standing on its own in the text.
fn reply_in(text: &[u8]) -> Option<u16> {
    memchr::memchr3_iter(b'2', b'4', b'5', text).find_map(|at| {
        let code = text.get(at..at + 3)?;
        let before_ok =
            at == 0 || matches!(text[at - 1], b' ' | b'(' | b'[' | b'#' | b'\'' | b'"' | b':');
        let after_ok = text.get(at + 3).is_none_or(|b| matches!(b, b' ' | b'-' | b')' | b']'));
        let digits = code[1..].iter().all(u8::is_ascii_digit);
        (before_ok && after_ok && digits)
            .then(|| code.iter().fold(0, |n, b| n * 10 + u16::from(b - b'0')))
    })
}

/// Chooses between the status a decoder reported and the one written in the text, the way
/// receivers usually mean it: the more specific code wins, and the class follows the reply.
fn prefer(given: Option<Status>, in_text: Option<Status>, reply: Option<u16>) -> Option<Status> {
    let (given, in_text) = match (given, in_text) {
        (None, other) | (other, None) => return other,
        (Some(g), Some(t)) => (g, t),
    };
    if given == in_text {
        return Some(given);
    }
    if let Some(class) = reply.and_then(|r| u8::try_from(r / 100).ok()) {
        if given.class != in_text.class && class == in_text.class {
            return Some(in_text);
        }
        if given.class != in_text.class && class == given.class {
            return Some(given);
        }
    }
    let vague = |s: Status| s.subject == 0 || s.detail == 0;
    let ambiguous = given.is(4, 4, 7)
        || given.is(4, 7, 0)
        || given.subject == 3 && given.class == 5
        || given.subject == 5 && matches!(given.detail, 1 | 2 | 4 | 5);
    if !vague(in_text) && (vague(given) || ambiguous) {
        return Some(in_text);
    }
    if given.is(5, 1, 1) && !vague(in_text) && !(in_text.class == 5 && in_text.subject == 5) {
        return Some(in_text);
    }
    if given.is(5, 1, 3) && in_text.class == 5 && in_text.subject == 7 {
        return Some(in_text);
    }
    Some(given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_space_and_continuation_lines() {
        let rows: &[(&str, &str)] = &[
            ("  User  UNKNOWN\t", "user unknown"),
            (
                "550-5.7.1 Our system has\n550-5.7.1 detected that\n550 5.7.1 this",
                "550-5.7.1 our system has detected that this",
            ),
            (
                "553-SPF domain\n553-fail. Refer\n553 information",
                "553-spf domain fail. refer information",
            ),
            ("Ünïcödé stays\r\nintact", "Ünïcödé stays intact"),
            ("", ""),
            ("\n\n", ""),
            ("line\n5", "line 5"),
            (
                "550-5.2.1 The user is receiving mail at a rate that 550-5.2.1 prevents \
                 additional messages. 550 5.2.1 https://support.google.com/",
                "550-5.2.1 the user is receiving mail at a rate that prevents additional \
                 messages. https://support.google.com/",
            ),
            (
                "553-SPF domain 553-fail. Refer 553 information",
                "553-spf domain fail. refer information",
            ),
            ("host said: 550 5.1.1 no 550 5.1.1 stays", "host said: 550 5.1.1 no 550 5.1.1 stays"),
        ];
        for (input, expected) in rows {
            assert_eq!(String::from_utf8(normalise(input)).unwrap(), *expected, "{input:?}");
        }
    }

    #[test]
    fn finds_codes_in_text() {
        type Row = (&'static str, Option<(u8, u16, u16)>, Option<u16>);
        let rows: &[Row] = &[
            ("550 5.1.1 <a@b>: user unknown", Some((5, 1, 1)), Some(550)),
            ("host said: 451 4.7.650 the mail server", Some((4, 7, 650)), Some(451)),
            ("ip 192.0.2.1 refused", None, None),
            ("version 1.2.3.4 here 554 ok", None, Some(554)),
            ("#5.1.1 bad address", Some((5, 1, 1)), None),
            ("error (#5.7.1).", Some((5, 7, 1)), None),
            ("5.0.911 pseudo", None, None),
            // The remote server's answer wins over a relay's own code before it.
            (
                "5.1.0 - unknown address error 550-'5.7.1 <a@b>... access denied'",
                Some((5, 7, 1)),
                Some(550),
            ),
            ("#4.4.1 then host said: 550 5.1.1 unknown", Some((5, 1, 1)), Some(550)),
            ("5.2.2 over quota; see rfc 3463 5.2.2", Some((5, 2, 2)), None),
            ("x550 5.7.1 is not a reply code", Some((5, 7, 1)), None),
        ];
        for (text, status, reply) in rows {
            let found = status_in(text.as_bytes()).map(|s| (s.class, s.subject, s.detail));
            assert_eq!(found, *status, "status in {text:?}");
            assert_eq!(reply_in(text.as_bytes()), *reply, "reply in {text:?}");
        }
    }

    #[test]
    fn prefers_the_more_specific_status() {
        let s = |t: &str| Status::parse(t);
        /// Given status, status in the text, reply code, preferred status.
        type Row = (Option<Status>, Option<Status>, Option<u16>, Option<Status>);
        let rows: &[Row] = &[
            (s("5.0.0"), s("5.7.26"), Some(550), s("5.7.26")),
            (s("5.1.1"), s("5.1.1"), None, s("5.1.1")),
            (None, s("4.7.650"), None, s("4.7.650")),
            (s("5.2.2"), None, None, s("5.2.2")),
            (s("5.7.1"), s("4.7.1"), Some(451), s("4.7.1")),
            (s("5.2.2"), s("5.7.1"), Some(550), s("5.2.2")),
            // A vague code in the text never replaces a more specific field.
            (s("5.3.0"), s("5.0.0"), Some(550), s("5.3.0")),
            (s("5.5.1"), s("5.0.0"), Some(550), s("5.5.1")),
        ];
        for (given, text, reply, expected) in rows {
            assert_eq!(prefer(*given, *text, *reply), *expected);
        }
    }
}
