//! Finds e-mail addresses inside free text and normalises them into [`EmailAddress`] strings.

use crate::domain::EmailAddress;

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c)
}

fn is_domain_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '.' || c == '_'
}

/// Every address-looking token in `text`, in order, as written (not normalised).
pub fn find_all(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut search_from = 0;
    while let Some(rel) = text[search_from..].find('@') {
        let at = search_from + rel;
        search_from = at + 1;
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_local_char(c))
            .last()
            .map_or(at, |(i, _)| i);
        let end = text[at + 1..]
            .char_indices()
            .take_while(|&(_, c)| is_domain_char(c))
            .last()
            .map_or(at + 1, |(i, c)| at + 1 + i + c.len_utf8());
        let candidate = text[start..end].trim_start_matches('.').trim_end_matches(['.', '-']);
        if let Some((local, domain)) = candidate.split_once('@')
            && !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
        {
            found.push(candidate);
            search_from = end.max(search_from);
        }
    }
    found
}

/// The first address in `text`.
pub fn find_first(text: &str) -> Option<&str> {
    find_all(text).into_iter().next()
}

/// Normalises a raw address for output; `None` when it is not a usable address.
pub fn normalise(raw: &str) -> Option<String> {
    let address = EmailAddress::parse(raw).ok()?;
    let local = address.local_part();
    if local.is_empty() || local.starts_with('.') || local.ends_with('.') && !raw.contains('"') {
        return None;
    }
    Some(address.into())
}

/// Local parts that providers put in place of a real address in redacted reports.
pub fn is_redacted(address: &str) -> bool {
    let local = address.split('@').next().unwrap_or("");
    let lower = local.to_ascii_lowercase();
    lower.contains("redacted")
        || lower.starts_with("undisclosed")
        || lower == "anonymous"
        || (local.len() >= 3 && local.chars().all(|c| matches!(c, 'x' | 'X' | '*' | '#' | '.')))
}

/// The bounce-writing daemon itself: never a failed recipient.
pub fn is_mailer_daemon(address: &str) -> bool {
    let local = address.split('@').next().unwrap_or("").to_ascii_lowercase();
    matches!(local.as_str(), "mailer-daemon" | "mail-daemon" | "maildaemon" | "mailerdaemon")
}

/// True for addresses of mail systems rather than people: named in prose ("contact
/// postmaster@…"), they are not the failed recipient.
pub fn is_system_mailbox(address: &str) -> bool {
    let local = address.split('@').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        local.as_str(),
        "mailer-daemon" | "postmaster" | "mail-daemon" | "maildaemon" | "mailerdaemon"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_addresses_in_text() {
        assert_eq!(
            find_all("<kijitora@example.jp>: host mx.example.jp said: 550 <neko@example.org>... ok."),
            vec!["kijitora@example.jp", "neko@example.org"]
        );
        assert_eq!(find_all("to: a.b+tag@sub.example.com."), vec!["a.b+tag@sub.example.com"]);
        assert!(find_all("no at here, or @ alone, or x@localhost").is_empty());
        assert_eq!(find_all("RCPT TO:<user@example.net>"), vec!["user@example.net"]);
        assert_eq!(find_all("ユーザー@例え.jp"), vec!["ユーザー@例え.jp"]);
    }

    #[test]
    fn normalises() {
        assert_eq!(normalise("<Neko@Example.JP>").as_deref(), Some("neko@example.jp"));
        assert_eq!(normalise("bad address@example.jp"), None);
    }
}
