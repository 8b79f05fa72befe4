//! Finds SMTP evidence inside free text: enhanced status codes (`5.1.1`), reply codes (`550`)
//! and the SMTP command a failure happened at. Byte scanning, no regexes: it runs on every
//! diagnostic of every message.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::reason::SmtpCommand;

/// A well-formed enhanced status code at `text[start..end]`.
fn status_at(bytes: &[u8], start: usize) -> Option<usize> {
    let class = *bytes.get(start)?;
    if !matches!(class, b'2' | b'4' | b'5') || bytes.get(start + 1) != Some(&b'.') {
        return None;
    }
    if start > 0 && (bytes[start - 1].is_ascii_digit() || bytes[start - 1] == b'.') {
        return None;
    }
    // RFC 3463: the subject is one digit, 0-7 ("4.92.3" is an Exim version, not a code).
    let mut i = start + 2;
    if !bytes.get(i).is_some_and(|b| (b'0'..=b'7').contains(b)) || bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if follows_a_name(bytes, start) {
        return None;
    }
    i += 1;
    if bytes.get(i) != Some(&b'.') {
        return None;
    }
    i += 1;
    let detail_len = digits(bytes, i, 3)?;
    i += detail_len;
    // Not the middle of an IP address or a version number.
    let next = bytes.get(i).copied();
    let after = bytes.get(i + 1).copied();
    if next.is_some_and(|b| b.is_ascii_digit()) || (next == Some(b'.') && after.is_some_and(|b| b.is_ascii_digit())) {
        return None;
    }
    Some(i)
}

/// "Postfix 2.5.1", "Exim 4.7.3": a version number after a product name.
fn follows_a_name(bytes: &[u8], start: usize) -> bool {
    let before = &bytes[..start];
    let trimmed = before.strip_suffix(b" ").unwrap_or(before);
    if trimmed.len() == before.len() {
        return false; // not separated by a space: "#5.1.1", "(5.1.1", ";5.1.1"
    }
    let word: Vec<u8> = trimmed.iter().rev().take_while(|b| b.is_ascii_alphabetic()).copied().collect();
    let preceded_by_boundary = trimmed.len() == word.len() || !trimmed[trimmed.len() - word.len() - 1].is_ascii_alphanumeric();
    word.len() >= 3 && preceded_by_boundary && {
        let w: String = word.iter().rev().map(|&b| b.to_ascii_lowercase() as char).collect();
        matches!(w.as_str(), "postfix" | "exim" | "sendmail" | "version" | "qmail" | "courier" | "dovecot" | "mailutils" | "release")
    }
}

fn digits(bytes: &[u8], start: usize, max: usize) -> Option<usize> {
    let n = bytes[start.min(bytes.len())..].iter().take(max + 1).take_while(|b| b.is_ascii_digit()).count();
    (1..=max).contains(&n).then_some(n)
}

/// Every enhanced status code in `text`, in order.
pub fn statuses(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + 4 < bytes.len() {
            let pos = memchr::memchr3(b'2', b'4', b'5', &bytes[i..])? + i;
            if let Some(end) = status_at(bytes, pos) {
                i = end;
                return Some(&text[pos..end]);
            }
            i = pos + 1;
        }
        None
    })
}

/// The most telling enhanced status code in `text`: the first that is not a generic `x.0.0`,
/// else the first. Codes Sisimai invents (`x.0.9nn`) are not real and are skipped.
pub fn find_status(text: &str) -> Option<&str> {
    let mut first = None;
    for code in statuses(text).filter(|c| !is_made_up(c)) {
        if !is_generic(code) {
            return Some(code);
        }
        first.get_or_insert(code);
    }
    first
}

/// `5.0.0`, `4.0.0`, `2.0.0`: says only "failed".
pub fn is_generic(code: &str) -> bool {
    code.len() == 5 && code.ends_with(".0.0")
}

fn is_made_up(code: &str) -> bool {
    code.get(1..5) == Some(".0.9") && code.len() == 7
}

/// The SMTP reply code a text starts with, or the first one that follows a typical lead-in
/// ("said:", "reply:", "]: ", "<<< ").
pub fn find_reply_code(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 3 <= bytes.len() {
        let Some(pos) = memchr::memchr3(b'2', b'4', b'5', &bytes[i..]).map(|p| p + i) else { break };
        if let Some(code) = reply_code_at(bytes, pos) {
            return Some(code);
        }
        i = pos + 1;
    }
    None
}

fn reply_code_at(bytes: &[u8], pos: usize) -> Option<u16> {
    let code = bytes.get(pos..pos + 3)?;
    if !code.iter().all(u8::is_ascii_digit) || !(b'0'..=b'5').contains(&code[1]) {
        return None;
    }
    let before_ok = pos == 0 || matches!(bytes[pos - 1], b' ' | b':' | b'(' | b'"' | b'\'' | b'[' | b'<' | b'\t' | b'\n' | b'#' | b';' | b'=');
    let after_ok = matches!(bytes.get(pos + 3), None | Some(b' ' | b'-' | b'\t' | b'\r' | b'\n' | b')' | b',' | b'"' | b']'));
    // "... [192.0.2.1]: 550" is fine; "port 4500 " or a date is not (4 digits fail `after_ok`).
    if !(before_ok && after_ok) {
        return None;
    }
    let value = (code[0] - b'0') as u16 * 100 + (code[1] - b'0') as u16 * 10 + (code[2] - b'0') as u16;
    Some(value)
}

/// Lower-case markers of the SMTP command a failure happened at, most specific first.
const COMMAND_MARKERS: &[(&str, SmtpCommand)] = &[
    ("end of data", SmtpCommand::EndOfData),
    ("after data", SmtpCommand::Data),
    ("reply to data", SmtpCommand::Data),
    ("data command", SmtpCommand::Data),
    ("after the data", SmtpCommand::Data),
    ("rcpt to", SmtpCommand::RcptTo),
    ("rcpt command", SmtpCommand::RcptTo),
    ("does not like recipient", SmtpCommand::RcptTo),
    ("smtp:rcpt", SmtpCommand::RcptTo),
    ("[rcpt_to]", SmtpCommand::RcptTo),
    (">>> rcpt", SmtpCommand::RcptTo),
    ("mail from", SmtpCommand::MailFrom),
    ("mail command", SmtpCommand::MailFrom),
    ("sender was rejected", SmtpCommand::MailFrom),
    ("smtp:mail", SmtpCommand::MailFrom),
    (">>> mail", SmtpCommand::MailFrom),
    ("but my name was rejected", SmtpCommand::Helo),
    ("refused to talk to me", SmtpCommand::Helo),
    (">>> ehlo", SmtpCommand::Ehlo),
    (">>> helo", SmtpCommand::Helo),
    ("failed on data command", SmtpCommand::Data),
    ("smtp:data", SmtpCommand::Data),
    (">>> data", SmtpCommand::Data),
    ("reply to helo", SmtpCommand::Helo),
    ("after helo", SmtpCommand::Helo),
    ("reply to ehlo", SmtpCommand::Ehlo),
    ("after ehlo", SmtpCommand::Ehlo),
    ("starttls", SmtpCommand::StartTls),
    ("reply to auth", SmtpCommand::Auth),
    ("initial connection", SmtpCommand::Connect),
    ("connection greeting", SmtpCommand::Connect),
    ("smtp greeting", SmtpCommand::Connect),
];

/// The SMTP command named in a diagnostic (`lower` must be lower-case).
pub fn find_command(lower: &str) -> Option<SmtpCommand> {
    // The earliest marker of the table that occurs anywhere, as a scan per marker would find.
    static AUTOMATON: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::new(COMMAND_MARKERS.iter().map(|(marker, _)| marker))
            .unwrap_or_else(|e| unreachable!("command markers are valid literals: {e}"))
    });
    let first = AUTOMATON.find_overlapping_iter(lower).map(|m| m.pattern().as_usize()).min()?;
    Some(COMMAND_MARKERS[first].1)
}

/// Parses an SMTP command name as written in some bounces (`RCPT`, `MAIL`, `DATA`, …).
pub fn command_named(word: &str) -> Option<SmtpCommand> {
    let w = word.trim().to_ascii_uppercase();
    Some(match w.as_str() {
        "HELO" => SmtpCommand::Helo,
        "EHLO" => SmtpCommand::Ehlo,
        "MAIL" | "MAIL FROM" => SmtpCommand::MailFrom,
        "RCPT" | "RCPT TO" => SmtpCommand::RcptTo,
        "DATA" => SmtpCommand::Data,
        "STARTTLS" => SmtpCommand::StartTls,
        "AUTH" => SmtpCommand::Auth,
        "CONN" | "CONNECT" => SmtpCommand::Connect,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes() {
        for (text, expected) in [
            ("550 5.1.1 <a@example.jp>: Recipient address rejected", Some("5.1.1")),
            ("host [192.0.2.20]: 550 5.7.0 blocked", Some("5.7.0")),
            ("Remote server returned '550 5.0.0' then 5.7.606", Some("5.7.606")),
            ("Postfix 2.5.1 says nothing", None),
            ("Exim 4.92.3 said", None),
            ("Status: 5.1.1", Some("5.1.1")),
            ("ip 192.0.2.1 only", None),
            ("#5.1.10 RESOLVER.ADR.RecipientNotFound", Some("5.1.10")),
            ("smtp; 5.0.0", Some("5.0.0")),
            ("5.0.910 made up by sisimai", None),
            ("", None),
        ] {
            assert_eq!(find_status(text), expected, "{text:?}");
        }
    }

    #[test]
    fn reply_codes() {
        for (text, expected) in [
            ("550 5.1.1 user unknown", Some(550)),
            ("host mx.example.jp [192.0.2.20] said: 452 4.2.2 full", Some(452)),
            ("421-4.7.28 rate limited", Some(421)),
            ("Fri, 01 Oct 2010 19:15:23 +0900", None),
            ("port 4500 closed", None),
            ("(554)", Some(554)),
            ("599 is not real", None),
            ("smtp; 250 2.0.0 OK", Some(250)),
        ] {
            assert_eq!(find_reply_code(text), expected, "{text:?}");
        }
    }

    #[test]
    fn commands() {
        assert_eq!(find_command("(in reply to rcpt to command)"), Some(SmtpCommand::RcptTo));
        assert_eq!(find_command("(in reply to end of data command)"), Some(SmtpCommand::EndOfData));
        assert_eq!(find_command("smtp error from remote mail server after mail from:<a@b>"), Some(SmtpCommand::MailFrom));
        assert_eq!(find_command("nothing"), None);
        assert_eq!(command_named("rcpt"), Some(SmtpCommand::RcptTo));
    }
}
