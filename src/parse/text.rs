//! Non-standard bounces: messages without a delivery-status part, decoded from their text.
//!
//! The body is cut where the returned original begins ([`families::ORIGINAL_MARKERS`]); the
//! error section before it is read line by line. A line that *is* an address, starts with one,
//! labels one (`Recipient: …`) or names one in a delivery-failure sentence opens a recipient;
//! the lines after it (and transcript lines that mention it) are its diagnostic.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::address;
use super::families::{Family, Layout, FAMILIES};
use super::mime::Mail;
use super::reason::{self, Evidence, SmtpCommand};
use super::status;
use super::{Decoded, Recipient, ResolvedBy};
use crate::domain::{Kind, Reason};

/// What the text of one recipient's failure says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Finding {
    /// Normalised address.
    pub address: String,
    pub diagnostic: String,
    pub remote_mta: Option<String>,
}

/// Everything found in a bounce's text.
#[derive(Debug, Default)]
pub struct Scan<'t> {
    pub family: Option<&'static Family>,
    pub findings: Vec<Finding>,
    /// The text before the returned original.
    pub error_section: &'t str,
    /// The part of it from the first recipient-list opener on.
    pub recipient_section: &'t str,
    /// `delayed` when the text says delivery will be retried, else `failed`.
    pub action: Option<&'static str>,
}

/// Decodes a non-standard bounce; `None` when the message is not one.
pub fn decode(mail: &Mail<'_>) -> Option<Decoded> {
    let scan = scan(mail);
    let is_bounce = scan.family.is_some() || mail.looks_like_bounce();
    if !is_bounce {
        return None;
    }
    // The text names the recipients with their diagnostics; X-Failed-Recipients is the
    // fallback when the text names nobody.
    let failed_header = failed_recipients_header(mail, &scan);
    let header_first = scan.family.is_some_and(|f| f.recipients_from_header) && !failed_header.is_empty();
    let mut findings = if header_first { Vec::new() } else { scan.findings.clone() };
    if !failed_header.is_empty() {
        // The bounce's own addressee is the sender, unless the header names it too.
        let addressee = mail.to_address().and_then(|a| address::normalise(&a));
        findings.retain(|f| Some(&f.address) != addressee.as_ref() || failed_header.iter().any(|h| h.address == f.address));
    }
    let mut resolved_by = ResolvedBy::Text;
    if findings.is_empty() && !failed_header.is_empty() {
        findings = failed_header;
        resolved_by = ResolvedBy::Header;
    }
    if findings.is_empty() {
        findings = original_to(mail, &scan)?;
        resolved_by = ResolvedBy::OriginalTo;
    }
    let preset = scan.family.and_then(|f| f.preset);
    let recipients = findings
        .iter()
        .map(|f| recipient_from_finding(f, &scan, findings.len(), resolved_by, preset))
        .collect();
    Some(Decoded {
        kind: Some(Kind::Bounce),
        decoded_by: scan.family.map_or("text", |f| f.name),
        reporting_mta: None,
        recipients,
        ..Decoded::default()
    })
}

/// Reads the body of a mail into findings. Also used by the DSN decoder to fill in
/// diagnostics that the delivery-status part leaves out.
pub fn scan<'m>(mail: &'m Mail<'_>) -> Scan<'m> {
    let body = mail.body.as_str();
    let layout = &mail.layout;
    let family = identify(mail);
    let error_section = &body[..layout.error_end];
    let excluded = excluded_addresses(mail);
    let recipient_section = &body[layout.error_start..layout.error_end];
    let findings = read_lines(recipient_section, &excluded);
    let action = Some(if says_delayed(error_section) { "delayed" } else { "failed" });
    Scan { family, findings, error_section, recipient_section, action }
}

/// Lower-case phrases of warnings about mail still being retried.
const DELAYED_MARKERS: &[&str] = &[
    "has been delayed",
    "will be retried",
    "will continue to be attempted",
    "delivery attempts will continue",
    "this is a temporary error",
    "temporary failure",
    "will try again",
    "still trying",
    "no action is required on your part",
];

fn says_delayed(section: &str) -> bool {
    static MARKERS: LazyLock<AhoCorasick> = LazyLock::new(|| any_case(DELAYED_MARKERS));
    let head = &section[..super::families::floor_char_boundary(section, 4096)];
    MARKERS.is_match(head)
}

/// An automaton finding any of `phrases` in any ASCII case.
fn any_case(phrases: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(phrases)
        .unwrap_or_else(|e| unreachable!("phrase tables are valid literals: {e}"))
}

/// The family whose markers this message carries.
fn identify(mail: &Mail<'_>) -> Option<&'static Family> {
    let from = mail.header("From").unwrap_or_default().to_ascii_lowercase();
    let subject = mail.subject().unwrap_or_default().to_ascii_lowercase();
    FAMILIES.iter().enumerate().find(|&(index, f)| {
        f.headers.iter().any(|h| mail.header(h).is_some())
            || mail.layout.family_body[index]
            || (!f.from.is_empty() && f.from.iter().any(|m| from.contains(m)) && (f.subject.is_empty() || f.subject.iter().any(|s| subject.contains(s))))
            || (f.from.is_empty() && !f.subject.is_empty() && f.subject.iter().any(|s| subject.contains(s)))
    })
    .map(|(_, f)| f)
}

/// The returned original inside a text body, after its marker line.
pub fn inline_original<'b>(body: &'b str, layout: &Layout) -> Option<&'b str> {
    let start = layout.error_end;
    if start >= body.len() {
        return None;
    }
    let rest = &body[start..];
    let after_marker = rest.find('\n').map_or("", |i| &rest[i + 1..]);
    let trimmed = after_marker.trim_start_matches(['\r', '\n']);
    Some(trimmed)
}

/// Addresses that are never the failed recipient: the bounce's own sender and addressee
/// (the original sender) and mail-system mailboxes.
fn excluded_addresses(mail: &Mail<'_>) -> Vec<String> {
    [mail.to_address(), mail.from_address()]
        .into_iter()
        .flatten()
        .filter_map(|a| address::normalise(&a))
        .collect()
}

/// Labels that introduce a recipient address on the same line (lower-case, without colon).
const LABELS: &[&str] = &[
    "final-recipient",
    "original-recipient",
    "x-original-recipient",
    "recipient",
    "recipient address",
    "recipients",
    "failed recipient",
    "failed address",
    "rcpt to",
    "address",
    "e-mail address",
    "email address",
    "bad address",
    "invalid recipient",
    "unknown recipient",
    "destinataire",
    "empfänger",
    "adresse",
    "user",
];

/// Lower-case phrases after which a delivery-failure sentence names the recipient.
const SENTENCE_LEADS: &[&str] = &[
    "could not be delivered to",
    "delivering your mail to",
    "delivering your message to",
    "error delivering",
    "couldn't be delivered to",
    "delivery to",
    "your message to",
    "message to",
    "unable to deliver your message to",
    "unable to deliver to",
    "undeliverable to",
    "was not delivered to",
    "failed to deliver to",
    "delivery failed for",
    "delivery failure for",
    "the following recipient",
    "could not deliver mail to",
    "could not deliver to",
    "unknown user",
    "user unknown",
    "no such user",
    "rcpt to:",
    "the user",
    "the recipient",
    "recipient address rejected",
    "rejected recipient",
    "recipient",
    "mailbox",
    "sent to",
    "addressed to",
];

/// Lower-case fragments of lines whose addresses are contacts or senders, not recipients.
const NOT_RECIPIENT_CONTEXT: &[&str] = &[
    "mail from",
    "from:<",
    "mailto:",
    "http://",
    "https://",
    "contact",
    "envelope-from",
    "return-path",
    "sender",
    "helo",
    "ehlo",
    "message-id",
    "message id",
];

struct Open {
    index: usize,
    /// Lines of diagnostic collected so far.
    lines: Vec<String>,
}

/// A sendmail session transcript ("While talking to mx.example.jp.:" then `>>>` commands and
/// `<<<` replies). It explains the recipient lines that follow it for that host.
#[derive(Default)]
struct Transcript {
    host: Option<String>,
    lines: Vec<String>,
}

impl Transcript {
    fn start(line: &str, lower: &str) -> Option<Transcript> {
        static OPENING: LazyLock<memchr::memmem::Finder<'static>> =
            LazyLock::new(|| memchr::memmem::Finder::new("while talking to "));
        let at = OPENING.find(lower.as_bytes())?;
        let host = line[at + "while talking to ".len()..]
            .split([':', ' '])
            .next()
            .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
            .filter(|h| h.contains('.'));
        Some(Transcript { host, lines: vec![line.to_owned()] })
    }

    /// Whether this transcript is about `address`: it names it, or it talked to a host of
    /// the address's domain.
    fn concerns(&self, address: &str) -> bool {
        let domain = address.rsplit_once('@').map_or("", |(_, d)| d);
        let by_host = self.host.as_deref().is_some_and(|h| h == domain || h.ends_with(&format!(".{domain}")));
        by_host || self.lines.iter().any(|l| l.to_ascii_lowercase().contains(address))
    }
}

/// Transcript lines kept for the recipients that follow (a real one has a handful).
const MAX_TRANSCRIPT_LINES: usize = 32;

/// `421 example.edu (smtp)... Deferred: …`: sendmail's verdict on a host, not a recipient.
fn is_host_verdict(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.len() > 4 && bytes[..3].iter().all(u8::is_ascii_digit) && bytes[3] == b' ' && line.contains("... ")
}

/// Reads the error section line by line into findings.
fn read_lines(section: &str, excluded: &[String]) -> Vec<Finding> {
    let mut reader = LineReader::default();
    for raw_line in section.lines() {
        reader.line(raw_line.trim_end_matches('\r').trim(), excluded);
    }
    reader.finish()
}

#[derive(Default)]
struct LineReader {
    findings: Vec<Finding>,
    /// Address → index in `findings`: a bounce may list thousands of recipients.
    index_of: std::collections::HashMap<String, usize>,
    open: Option<Open>,
    transcript: Transcript,
}

impl LineReader {
    fn line(&mut self, trimmed: &str, excluded: &[String]) {
        if trimmed.is_empty() {
            // A blank line ends a recipient's diagnostic, unless none has come yet (Gmail
            // and others put it in the next paragraph).
            if self.open.as_ref().is_some_and(|o| !o.lines.is_empty()) {
                self.close();
            }
            return;
        }
        let lower = trimmed.to_ascii_lowercase();
        if let Some(transcript) = Transcript::start(trimmed, &lower) {
            self.close();
            self.transcript = transcript;
            return;
        }
        if trimmed.starts_with(">>>") || trimmed.starts_with("<<<") {
            self.close();
            // Kept short: every recipient of the host copies it.
            if self.transcript.lines.len() < MAX_TRANSCRIPT_LINES {
                self.transcript.lines.push(trimmed.to_owned());
            }
            self.append_to_mentioned(trimmed);
            return;
        }
        if is_host_verdict(trimmed) && !trimmed.contains('@') {
            self.close();
            return;
        }
        match recipient_on_line(trimmed, &lower, excluded) {
            // The open recipient named again ("SMTP error … after RCPT TO:<addr>:"): more
            // diagnostic, not a new recipient.
            Some((address, _)) if self.is_open(&address) => self.push_open(trimmed),
            Some((address, rest)) => self.open_recipient(address, rest),
            None if is_rule(trimmed) => {}
            None if self.open.is_some() => self.push_open(trimmed),
            None => self.append_to_mentioned(trimmed),
        }
    }

    fn is_open(&self, address: &str) -> bool {
        self.open.as_ref().is_some_and(|o| self.findings[o.index].address == address)
    }

    fn push_open(&mut self, line: &str) {
        if let Some(o) = self.open.as_mut() {
            o.lines.push(line.to_owned());
        }
    }

    fn open_recipient(&mut self, address: String, rest: String) {
        self.close();
        let mut lines = Vec::new();
        if self.transcript.concerns(&address) {
            lines.extend(self.transcript.lines.iter().cloned());
        }
        let findings = &mut self.findings;
        let index = *self.index_of.entry(address.clone()).or_insert_with(|| {
            findings.push(Finding { address, ..Finding::default() });
            findings.len() - 1
        });
        if !rest.is_empty() {
            lines.push(rest);
        }
        self.open = Some(Open { index, lines });
    }

    fn append_to_mentioned(&mut self, line: &str) {
        if let Some(i) = mentioned_recipient(&self.index_of, line) {
            append(&mut self.findings[i], line);
        }
    }

    fn close(&mut self) {
        if let Some(o) = self.open.take() {
            for line in o.lines {
                append(&mut self.findings[o.index], &line);
            }
        }
    }

    fn finish(mut self) -> Vec<Finding> {
        self.close();
        self.findings
    }
}

fn append(finding: &mut Finding, line: &str) {
    if finding.diagnostic.len() > 2000 {
        return;
    }
    if !finding.diagnostic.is_empty() {
        finding.diagnostic.push(' ');
    }
    finding.diagnostic.push_str(line);
}

/// The index of an already found recipient that this transcript line mentions.
fn mentioned_recipient(index_of: &std::collections::HashMap<String, usize>, line: &str) -> Option<usize> {
    if !line.contains('@') {
        return None;
    }
    address::find_all(line)
        .into_iter()
        .filter_map(address::normalise)
        .find_map(|a| index_of.get(&a).copied())
}

/// Where `part`, a slice of `text` (as [`address::find_all`] returns), starts in it.
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize).min(text.len())
}

/// Words that make a `label: address` line a failure report about that address.
const FAILURE_WORDS: &[&str] = &[
    "fail", "invalid", "unknown", "undeliver", "reject", "not found", "no such", "bounce", "error",
    "could not", "couldn't", "unable", "refused", "denied", "disabled", "expired", "full",
];

/// When a line opens a recipient: its normalised address and the rest of the line.
fn recipient_on_line(line: &str, lower: &str, excluded: &[String]) -> Option<(String, String)> {
    let candidates = address::find_all(line);
    let first = *candidates.first()?;
    let start = offset_in(line, first);
    let lower_before = lower[..start.min(lower.len())].trim_end();
    static CONTEXT: LazyLock<AhoCorasick> = LazyLock::new(|| any_case(NOT_RECIPIENT_CONTEXT));
    if CONTEXT.is_match(lower_before) {
        return None;
    }
    // "name@example.com <real@example.net>: …" names the bracketed address.
    let after_first = &line[start + first.len()..];
    let chosen = match candidates.get(1) {
        Some(second) if after_first.trim_start().starts_with(&format!("<{second}>")) => *second,
        _ => first,
    };
    let normalised = address::normalise(chosen)?;
    if address::is_mailer_daemon(&normalised) {
        return None;
    }
    let chosen_end = offset_in(line, chosen) + chosen.len();
    let before = line[..start].trim().trim_end_matches(['<', '"', '\'', '(', '[']).trim();
    let after = line[chosen_end..].trim_start_matches(['>', '"', '\'', ')', ']']);
    let rest = after.trim_start_matches([':', '.', ',', ';']).trim().to_owned();

    // The address alone, or leading the line.
    if before.is_empty() || is_list_bullet(before) {
        return Some((normalised, rest));
    }
    // A transcript reply about it: "554 <addr>... Remote protocol error".
    if is_reply_prefix(before) {
        return Some((normalised, line.to_owned()));
    }
    // Labelled: "Recipient: addr"; a label that states the failure ("Invalid final delivery
    // userid: addr") is part of the diagnostic.
    if before.ends_with(':') {
        let label = before.trim_end_matches(':').trim().to_ascii_lowercase();
        if LABELS.contains(&label.as_str()) {
            return Some((normalised, rest));
        }
        if label.len() <= 80 && FAILURE_WORDS.iter().any(|w| label.contains(w)) {
            return Some((normalised, line.to_owned()));
        }
    }
    // A delivery-failure sentence naming it (but not the bounce's own addressee, which such
    // prose also names: "your message to … from you@…").
    if !excluded.contains(&normalised)
        && !address::is_system_mailbox(&normalised)
        && SENTENCE_LEADS.iter().any(|lead| lower_before.contains(lead))
    {
        return Some((normalised, line.to_owned()));
    }
    None
}

/// `550`, `550-5.1.1`, `554 5.7.1`: an SMTP reply code (and status) before an address.
fn is_reply_prefix(s: &str) -> bool {
    let (Some(code), Some(rest)) = (s.get(..3), s.get(3..)) else { return false };
    code.bytes().all(|b| b.is_ascii_digit())
        && matches!(code.as_bytes()[0], b'4' | b'5')
        && (rest.is_empty() || (rest.starts_with([' ', '-']) && status::find_status(rest).is_some() && rest.len() <= 12))
}

/// `-`, `--`, `*`, `•`, `1.`, `2)`: list markers before an address.
fn is_list_bullet(s: &str) -> bool {
    let dashes = s.chars().all(|c| matches!(c, '-' | '*' | '•' | '·' | '>' | '+'));
    let numbered = s.len() <= 4
        && s.ends_with(['.', ')'])
        && s.trim_end_matches(['.', ')']).chars().all(|c| c.is_ascii_digit());
    dashes || numbered
}

/// `X-Failed-Recipients` names the recipients authoritatively; the scan gives diagnostics.
fn failed_recipients_header(mail: &Mail<'_>, scan: &Scan<'_>) -> Vec<Finding> {
    let Some(header) = mail.header("X-Failed-Recipients") else { return Vec::new() };
    let mut findings = Vec::new();
    for raw in header.split(',') {
        let Some(address) = address::normalise(raw) else { continue };
        if findings.iter().any(|f: &Finding| f.address == address) {
            continue;
        }
        let diagnostic = scan
            .findings
            .iter()
            .find(|f| f.address == address)
            .map(|f| f.diagnostic.clone())
            .filter(|d| !d.is_empty())
            .unwrap_or_default();
        findings.push(Finding { address, diagnostic, remote_mta: None });
    }
    findings
}

/// Last resort for an obvious bounce that names nobody: the To of the returned original.
fn original_to(mail: &Mail<'_>, scan: &Scan<'_>) -> Option<Vec<Finding>> {
    let headers = match &mail.original_headers {
        Some(h) => h.as_str(),
        None => inline_original(&mail.body, &mail.layout)?,
    };
    let fields = super::fields::all(&headers[..super::mime::header_end(headers.as_bytes())]);
    let to = super::fields::first(&fields, "To")?;
    let address = address::normalise(address::find_first(to)?)?;
    let diagnostic = summary_line(scan.recipient_section);
    Some(vec![Finding { address, diagnostic, remote_mta: None }])
}

/// The error section as one diagnostic, for a bounce whose recipient has no text of its own.
fn summary_line(section: &str) -> String {
    // Lines of undecodable bytes (a mislabelled charset) say nothing and would crowd out the
    // lines that do.
    let readable: Vec<&str> = section.lines().filter(|l| !is_mojibake(l)).collect();
    let mut out = normalise_space(&readable.join("\n"));
    if out.len() > 1000 {
        out.truncate(super::families::floor_char_boundary(&out, 1000));
    }
    out
}

/// A separator line: only dashes, equals signs, underscores or asterisks.
fn is_rule(line: &str) -> bool {
    line.len() >= 3 && line.chars().all(|c| matches!(c, '-' | '=' | '_' | '*' | '#' | '~'))
}

/// Mostly U+FFFD: bytes that no charset decoded.
fn is_mojibake(line: &str) -> bool {
    let replacement = line.chars().filter(|&c| c == char::REPLACEMENT_CHARACTER).count();
    replacement > 0 && replacement * 3 >= line.chars().count()
}

/// The remote host named in a diagnostic: `host mx.example.jp[192.0.2.1] said:` and alike.
pub fn remote_host(diagnostic: &str) -> Option<String> {
    let lower = diagnostic.to_ascii_lowercase();
    for lead in ["host ", "remote server ", "server ", "by "] {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(lead) {
            let start = from + pos + lead.len();
            from = start;
            let token: String = lower[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            let token = token.trim_end_matches('.');
            if token.contains('.') && token.chars().any(|c| c.is_ascii_alphabetic()) && !token.contains("..") {
                return Some(token.to_owned());
            }
        }
    }
    None
}

fn recipient_from_finding(
    f: &Finding,
    scan: &Scan<'_>,
    count: usize,
    resolved_by: ResolvedBy,
    preset: Option<Reason>,
) -> Recipient {
    let diagnostic = if f.diagnostic.is_empty() && count == 1 {
        summary_line(scan.recipient_section)
    } else {
        normalise_space(&f.diagnostic)
    };
    let status = status::find_status(&diagnostic)
        .or_else(|| if count == 1 { status::find_status(scan.error_section) } else { None })
        .map(str::to_owned);
    let reply = status::find_reply_code(&diagnostic);
    let lower = diagnostic.to_ascii_lowercase();
    let command = status::find_command(&lower).or_else(|| echoed_at_rcpt(&lower, &f.address));
    let remote = f.remote_mta.clone().or_else(|| remote_host(&diagnostic));
    Facts {
        status,
        reply_code: reply,
        command,
        remote_mta: remote,
        action: scan.action.map(str::to_owned),
        preset,
        ..Facts::new(f.address.clone(), diagnostic, resolved_by)
    }
    .into_recipient()
}

/// `550 a@example.org... User unknown`: sendmail echoes the address it was given, as it does
/// when it answers `RCPT TO`.
fn echoed_at_rcpt(lower: &str, address: &str) -> Option<SmtpCommand> {
    let address = address.to_ascii_lowercase();
    let echoed = [format!(" {address}... "), format!("<{address}>... ")].iter().any(|echo| {
        lower.match_indices(echo.as_str()).any(|(at, _)| reply_before(&lower[..at]))
    });
    echoed.then_some(SmtpCommand::RcptTo)
}

/// Whether the text just before an echoed address is an SMTP reply (`550 ` or `550 5.1.1 `).
fn reply_before(prefix: &str) -> bool {
    let mut words = prefix.split_whitespace().rev();
    let last = words.next().unwrap_or("");
    let is_code = |w: &str| w.len() == 3 && w.bytes().all(|b| b.is_ascii_digit()) && w.starts_with(['4', '5']);
    let is_status = |w: &str| w.split('.').count() == 3 && w.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    is_code(last) || (is_status(last) && words.next().is_some_and(is_code))
}

/// Collapses runs of white space into one space.
pub fn normalise_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Everything a decoder learnt about one failed recipient, before the reason is decided.
#[derive(Debug, Clone)]
pub struct Facts {
    pub address: String,
    pub original_address: Option<String>,
    pub action: Option<String>,
    pub status: Option<String>,
    pub reply_code: Option<u16>,
    pub diagnostic: String,
    pub diagnostic_type: Option<String>,
    pub command: Option<SmtpCommand>,
    pub remote_mta: Option<String>,
    /// The MTA that wrote the bounce (it words some of its own errors).
    pub reporting_mta: Option<String>,
    pub preset: Option<Reason>,
    pub resolved_by: ResolvedBy,
}

impl Facts {
    pub fn new(address: String, diagnostic: String, resolved_by: ResolvedBy) -> Facts {
        Facts {
            address,
            original_address: None,
            action: None,
            status: None,
            reply_code: None,
            diagnostic,
            diagnostic_type: None,
            command: None,
            remote_mta: None,
            reporting_mta: None,
            preset: None,
            resolved_by,
        }
    }

    /// Decides reason and class.
    pub fn into_recipient(self) -> Recipient {
        let evidence = Evidence {
            status: self.status.as_deref(),
            reply_code: self.reply_code,
            diagnostic: &self.diagnostic,
            diagnostic_type: self.diagnostic_type.as_deref(),
            command: self.command,
            action: self.action.as_deref(),
            remote_mta: self.remote_mta.as_deref(),
            reporting_mta: self.reporting_mta.as_deref(),
            recipient: Some(&self.address),
            preset: self.preset,
        };
        let reason = reason::decide(&evidence);
        let permanent = is_permanent(self.status.as_deref(), self.reply_code, self.action.as_deref());
        let class = reason.bounce_class(permanent);
        Recipient {
            address: self.address,
            original_address: self.original_address,
            action: self.action,
            status: self.status,
            reply_code: self.reply_code.map(|c| c.to_string()),
            reason,
            class,
            hard: class == crate::domain::Class::Hard,
            remote_mta: self.remote_mta,
            diagnostic: (!self.diagnostic.is_empty()).then_some(self.diagnostic),
            resolved_by: self.resolved_by,
        }
    }
}

/// A failure is permanent unless a 4xx code or a `delayed` action says otherwise.
pub fn is_permanent(status: Option<&str>, reply_code: Option<u16>, action: Option<&str>) -> bool {
    if action.is_some_and(|a| a.eq_ignore_ascii_case("delayed")) {
        return false;
    }
    match (status.and_then(|s| s.bytes().next()), reply_code) {
        (Some(b'4'), _) => false,
        (Some(b'5'), _) => true,
        (_, Some(c)) => c >= 500,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sendmail_echo_of_the_recipient_means_rcpt() {
        for (text, expected) in [
            ("550 a@example.org... user unknown", Some(SmtpCommand::RcptTo)),
            ("550 5.1.1 <a@example.org>... user unknown", Some(SmtpCommand::RcptTo)),
            ("transcript: 550 a@example.org... no such user", Some(SmtpCommand::RcptTo)),
            ("a@example.org... user unknown", None),
            ("550 b@example.org... user unknown", None),
            ("250 a@example.org... recipient ok", None),
        ] {
            assert_eq!(echoed_at_rcpt(text, "A@example.org"), expected, "{text:?}");
        }
    }
}
