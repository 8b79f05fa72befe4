//! RFC 822-style `Name: value` blocks with folding, as found in message/delivery-status,
//! message/feedback-report and text/rfc822-headers parts. Pure; input is already text.

/// One field: the name as written and the unfolded value, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<'a> {
    pub name: &'a str,
    pub value: String,
}

impl Field<'_> {
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// Splits a field block into groups separated by blank lines (a DSN's per-message group and
/// its per-recipient groups). Lines that are neither fields nor continuations are skipped.
pub fn groups(text: &str) -> Vec<Vec<Field<'_>>> {
    let mut groups = Vec::new();
    let mut current: Vec<Field<'_>> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            if !current.is_empty() {
                groups.push(std::mem::take(&mut current));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = current.last_mut() {
                if !last.value.is_empty() {
                    last.value.push(' ');
                }
                last.value.push_str(line.trim());
            }
            continue;
        }
        if let Some(field) = split_field(line) {
            current.push(field);
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

/// All fields of a block, ignoring group boundaries.
pub fn all(text: &str) -> Vec<Field<'_>> {
    groups(text).into_iter().flatten().collect()
}

fn split_field(line: &str) -> Option<Field<'_>> {
    let name = field_name(line)?;
    Some(Field { name, value: line[name.len() + 1..].trim().to_owned() })
}

/// The name of a `Name: value` line, if it is one.
fn field_name(line: &str) -> Option<&str> {
    let colon = line.find(':')?;
    let name = &line[..colon];
    let valid = !name.is_empty()
        && name.len() <= 76
        && name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
    valid.then_some(name)
}

/// The first value of `name` in `fields`.
pub fn first<'f>(fields: &'f [Field<'_>], name: &str) -> Option<&'f str> {
    fields.iter().find(|f| f.is(name)).map(|f| f.value.as_str()).filter(|v| !v.is_empty())
}

/// The first value of `name` in a field block: `first(&all(text), name)` without building
/// every other field (a returned message's headers can be many).
pub fn first_in(text: &str, name: &str) -> Option<String> {
    let mut found: Option<String> = None;
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            if found.is_some() {
                break;
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(value) = found.as_mut() {
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(line.trim());
            }
            continue;
        }
        match field_name(line) {
            Some(_) if found.is_some() => break,
            Some(field) if field.eq_ignore_ascii_case(name) => found = Some(line[field.len() + 1..].trim().to_owned()),
            _ => {}
        }
    }
    found.filter(|v| !v.is_empty())
}

/// Every non-empty value of `name` in `fields`.
pub fn every<'f>(fields: &'f [Field<'_>], name: &'f str) -> impl Iterator<Item = &'f str> + 'f {
    fields.iter().filter(move |f| f.is(name)).map(|f| f.value.as_str()).filter(|v| !v.is_empty())
}

/// The part after a `type;` prefix such as `rfc822;` or `dns;` or `smtp;`.
pub fn strip_type(value: &str) -> &str {
    match value.split_once(';') {
        Some((kind, rest)) if !kind.contains([' ', '<', '@']) && kind.len() < 20 => rest.trim(),
        _ => value.trim(),
    }
}

/// The `type` of a `type; value` field, upper-cased (`SMTP`, `X-POSTFIX`, `X-UNIX`).
pub fn type_of(value: &str) -> Option<String> {
    match value.split_once(';') {
        Some((kind, _)) if !kind.is_empty() && !kind.contains([' ', '<', '@']) && kind.len() < 20 => {
            Some(kind.trim().to_ascii_uppercase())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_in_agrees_with_first_of_all() {
        let block = "Return-Path: <b@x.example>\r\nX-Token:\r\n  abc\r\n\tdef\r\nnot a field\r\n  ghi\r\n\r\nX-Token: second\r\nX-Empty:\r\nSubject: s\r\n";
        for name in ["x-token", "Return-Path", "X-Empty", "Subject", "Missing"] {
            assert_eq!(first_in(block, name).as_deref(), first(&all(block), name), "{name}");
        }
    }

    #[test]
    fn groups_and_folding() {
        let text = "Reporting-MTA: dns; mx.example.net\r\nArrival-Date: Mon, 1 Jan 2026\r\n\r\nFinal-Recipient: rfc822; a@example.jp\r\nDiagnostic-Code: smtp; 550 5.1.1\r\n  user unknown\r\n\r\n\r\nFinal-Recipient: rfc822; b@example.jp\r\n";
        let g = groups(text);
        assert_eq!(g.len(), 3);
        assert_eq!(first(&g[1], "diagnostic-code"), Some("smtp; 550 5.1.1 user unknown"));
        assert_eq!(strip_type(first(&g[2], "Final-Recipient").unwrap()), "b@example.jp");
        assert_eq!(type_of("smtp; 550"), Some("SMTP".to_owned()));
        assert_eq!(type_of("550 5.1.1 <a@b>; x"), None);
    }

    #[test]
    fn junk_lines_are_skipped() {
        let g = groups("not a field\nName: v\n: empty name\n");
        assert_eq!(g, vec![vec![Field { name: "Name", value: "v".into() }]]);
    }
}
