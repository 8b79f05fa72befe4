//! Existing ESP suppression data: SES, SendGrid, Mailgun, Postmark, Brevo, Mailchimp cleaned and
//! unsubscribed exports, listmonk exports and plain address lists. CSV (with a header, or SES's
//! header-less `address,REASON`), JSON as the ESP APIs return it (an array, an object holding
//! one, or JSON Lines) and plain lists all become the same table of cells, so one header mapping
//! reads them all. Pure apart from the text it is handed.

use serde::Serialize;
use serde_json::Value;

use super::{FieldSpec, Mapping, normalise_header, parse_time};
use crate::domain::CheckedAddress;

/// Where a suppression file comes from (`--from`); stored as `suppressions.source_format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    Ses,
    Sendgrid,
    Mailgun,
    Postmark,
    Brevo,
    MailchimpCleaned,
    MailchimpUnsubscribed,
    Listmonk,
    Plain,
}

impl SourceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Ses => "ses",
            SourceFormat::Sendgrid => "sendgrid",
            SourceFormat::Mailgun => "mailgun",
            SourceFormat::Postmark => "postmark",
            SourceFormat::Brevo => "brevo",
            SourceFormat::MailchimpCleaned => "mailchimp-cleaned",
            SourceFormat::MailchimpUnsubscribed => "mailchimp-unsubscribed",
            SourceFormat::Listmonk => "listmonk",
            SourceFormat::Plain => "plain",
        }
    }

    /// The reason recorded for a row that gives none.
    fn default_reason(self, has_column: impl Fn(usize) -> bool) -> &'static str {
        match self {
            SourceFormat::MailchimpCleaned => "cleaned",
            SourceFormat::MailchimpUnsubscribed => "unsubscribed",
            SourceFormat::Listmonk => "blocklisted",
            // Mailgun's three lists differ by their columns: bounces have code/error,
            // unsubscribes have tags, complaints have neither.
            SourceFormat::Mailgun if has_column(CODE) || has_column(REASON) => "bounce",
            SourceFormat::Mailgun if has_column(TAGS) => "unsubscribe",
            SourceFormat::Mailgun => "complaint",
            _ => "manual",
        }
    }
}

/// The fields of a suppression row (CSV header or JSON key) and the names they are known by.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "email",
        synonyms: &["email_address", "recipient", "recipient_email", "e_mail", "mail", "contact", "subscriber", "address"],
        required: true,
    },
    FieldSpec {
        name: "reason",
        synonyms: &["suppression_reason", "reason.code", "reason_code", "unsub_reason", "error", "category", "type"],
        required: false,
    },
    FieldSpec { name: "code", synonyms: &["smtp_code", "status_code", "reply_code", "bounce_code"], required: false },
    FieldSpec {
        name: "suppressed_at",
        synonyms: &[
            "created_at", "created", "blocked_at", "last_update_time", "clean_time", "unsub_time", "suppressed", "timestamp", "date",
            "time",
        ],
        required: false,
    },
    FieldSpec { name: "status", synonyms: &[], required: false },
    FieldSpec { name: "tags", synonyms: &["tag"], required: false },
];

const EMAIL: usize = 0;
const REASON: usize = 1;
const CODE: usize = 2;
const SUPPRESSED_AT: usize = 3;
const STATUS: usize = 4;
const TAGS: usize = 5;

/// One valid suppression row. Field names are the column names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuppressionRecord {
    pub address: String,
    #[serde(skip)]
    pub valid: bool,
    pub reason: Option<String>,
    pub suppressed_at: Option<i64>,
}

/// What one good row is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuppressionRow {
    Suppression(SuppressionRecord),
    /// A row that is not a suppression (a listmonk subscriber who is not blocklisted), by status.
    Skipped(String),
}

/// Reads one row; `Err` says what is wrong with it (without file and line).
pub fn record(format: SourceFormat, mapping: &Mapping, row: &csv::StringRecord, reason: Option<&str>) -> Result<SuppressionRow, String> {
    let status = mapping.get(row, STATUS);
    if format == SourceFormat::Listmonk
        && let Some(s) = status.filter(|s| !s.eq_ignore_ascii_case("blocklisted"))
    {
        return Ok(SuppressionRow::Skipped(s.to_ascii_lowercase()));
    }
    let raw = mapping.get(row, EMAIL).ok_or("empty email")?;
    let address = CheckedAddress::check(raw).ok_or("empty email")?;
    // SendGrid bounces put the enhanced code in `status`.
    let code = mapping.get(row, CODE).or(status.filter(|_| format != SourceFormat::Listmonk));
    let text = reason.or(mapping.get(row, REASON));
    let reason = match (code, text) {
        (Some(c), Some(t)) if !t.contains(c) => format!("{c} {t}"),
        (_, Some(t)) => t.to_owned(),
        (Some(c), None) => c.to_owned(),
        (None, None) => format.default_reason(|f| mapping.columns.get(f).is_some_and(Option::is_some)).to_owned(),
    };
    let suppressed_at = mapping.get(row, SUPPRESSED_AT).map(parse_time).transpose().map_err(|e| format!("suppressed_at: {e}"))?;
    Ok(SuppressionRow::Suppression(SuppressionRecord {
        valid: address.is_valid(),
        address: address.into_string(),
        reason: Some(reason),
        suppressed_at,
    }))
}

/// A file's rows as a header and cells, with where each row starts (1-based line, or item
/// number for a JSON array).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, csv::StringRecord)>,
    pub positions: Positions,
}

/// What the numbers of [`Table::rows`] count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Positions {
    Lines,
    Items,
}

/// Reads JSON as the ESP APIs return it: an array of objects, an object with such an array
/// (SES `SuppressedDestinationSummaries`, Postmark `Suppressions`, Mailgun `items`, Brevo
/// `contacts`), or JSON Lines. Nested objects are flattened with `.` (`reason.code`).
pub fn json_table(text: &str) -> Result<Table, String> {
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    loop {
        let offset = stream.byte_offset();
        match stream.next() {
            None => break,
            Some(Ok(v)) => values.push((line_at(text, offset), v)),
            Some(Err(e)) => return Err(format!("not valid JSON: {e}")),
        }
    }
    let (objects, positions): (Vec<(u64, serde_json::Map<String, Value>)>, Positions) = match values.as_slice() {
        [(_, Value::Array(items))] => (numbered(items)?, Positions::Items),
        [(_, Value::Object(o))] => match records_array(o) {
            Some(items) => (numbered(items)?, Positions::Items),
            None => (vec![(1, o.clone())], Positions::Lines),
        },
        _ => (
            values
                .into_iter()
                .map(|(line, v)| match v {
                    Value::Object(o) => Ok((line, o)),
                    _ => Err(format!("line {line}: a JSON Lines file holds one object per line")),
                })
                .collect::<Result<_, _>>()?,
            Positions::Lines,
        ),
    };
    let flat: Vec<(u64, Vec<(String, String)>)> = objects.into_iter().map(|(n, o)| (n, flatten(&o))).collect();
    let mut headers: Vec<String> = Vec::new();
    for (_, cells) in &flat {
        for (key, _) in cells {
            if !headers.contains(key) {
                headers.push(key.clone());
            }
        }
    }
    let rows = flat
        .into_iter()
        .map(|(n, cells)| {
            let record: csv::StringRecord = headers
                .iter()
                .map(|h| cells.iter().find(|(k, _)| k == h).map_or("", |(_, v)| v.as_str()))
                .collect();
            (n, record)
        })
        .collect();
    Ok(Table { headers, rows, positions })
}

/// A plain list: one address per line; blank lines and `#` comments are skipped, and a first
/// line that names a column (`email`) is a header.
pub fn plain_table(text: &str) -> Table {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let cell = line.trim().trim_start_matches('\u{feff}');
        if cell.is_empty() || cell.starts_with('#') || (rows.is_empty() && i == 0 && is_header_word(cell)) {
            continue;
        }
        rows.push((i as u64 + 1, csv::StringRecord::from(vec![cell])));
    }
    Table { headers: vec!["email".to_owned()], rows, positions: Positions::Lines }
}

fn is_header_word(cell: &str) -> bool {
    matches!(normalise_header(cell).as_str(), "email" | "emailaddress" | "address" | "recipient")
}

/// True when a CSV file's first row is data, not a header: SES's `address,REASON` files.
pub fn first_row_is_data(first_row: &[String]) -> bool {
    first_row.first().is_some_and(|c| c.contains('@') && CheckedAddress::check(c).is_some_and(|a| a.is_valid()))
}

/// Column names for a header-less CSV: `email,reason,suppressed_at,…`.
pub fn headerless_names(width: usize) -> Vec<String> {
    ["email", "reason", "suppressed_at"].iter().map(|s| (*s).to_owned()).chain((3..width).map(|i| format!("column{}", i + 1))).take(width.max(1)).collect()
}

fn records_array(o: &serde_json::Map<String, Value>) -> Option<&Vec<Value>> {
    o.values().find_map(|v| match v {
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => Some(items),
        _ => None,
    })
}

fn numbered(items: &[Value]) -> Result<Vec<(u64, serde_json::Map<String, Value>)>, String> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Object(o) => Ok((i as u64 + 1, o.clone())),
            _ => Err(format!("item {}: expected an object", i + 1)),
        })
        .collect()
}

fn flatten(o: &serde_json::Map<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    flatten_into("", o, &mut out);
    out
}

fn flatten_into(prefix: &str, o: &serde_json::Map<String, Value>, out: &mut Vec<(String, String)>) {
    for (key, value) in o {
        let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            Value::Object(inner) => flatten_into(&name, inner, out),
            Value::Null => {}
            Value::String(s) => out.push((name, s.clone())),
            Value::Array(items) => {
                let parts: Vec<String> = items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect();
                out.push((name, parts.join(",")));
            }
            other => out.push((name, other.to_string())),
        }
    }
}

fn line_at(text: &str, offset: usize) -> u64 {
    let start = text.as_bytes()[offset.min(text.len())..].iter().take_while(|b| b.is_ascii_whitespace()).count() + offset;
    memchr::memchr_iter(b'\n', &text.as_bytes()[..start.min(text.len())]).count() as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::map_headers;

    fn rows(format: SourceFormat, table: &Table) -> Vec<SuppressionRow> {
        let m = map_headers(&table.headers, FIELDS, &[]).unwrap();
        table.rows.iter().map(|(_, r)| record(format, &m, r, None).unwrap()).collect()
    }

    fn reasons(rows: &[SuppressionRow]) -> Vec<(String, Option<String>, Option<i64>)> {
        rows.iter()
            .filter_map(|r| match r {
                SuppressionRow::Suppression(s) => Some((s.address.clone(), s.reason.clone(), s.suppressed_at)),
                SuppressionRow::Skipped(_) => None,
            })
            .collect()
    }

    #[test]
    fn ses_list_suppressed_destinations_and_json_lines() {
        let t = json_table(r#"{"SuppressedDestinationSummaries":[{"EmailAddress":"A@x.example","Reason":"COMPLAINT","LastUpdateTime":"2026-10-01T00:00:00Z"}],"NextToken":null}"#).unwrap();
        assert_eq!(reasons(&rows(SourceFormat::Ses, &t)), vec![("a@x.example".into(), Some("COMPLAINT".into()), Some(1_790_812_800))]);
        let t = json_table("{\"emailAddress\":\"b@x.example\",\"reason\":\"BOUNCE\"}\n\n{\"emailAddress\":\"c@x.example\",\"reason\":\"COMPLAINT\"}\n").unwrap();
        assert_eq!(t.rows.iter().map(|(n, _)| *n).collect::<Vec<_>>(), vec![1, 3]);
        assert_eq!(reasons(&rows(SourceFormat::Ses, &t)).len(), 2);
    }

    #[test]
    fn sendgrid_brevo_postmark_mailgun_json() {
        let t = json_table(r#"[{"created":1790812800,"email":"d@x.example","reason":"550 5.1.1 unknown user","status":"5.1.1"}]"#).unwrap();
        assert_eq!(reasons(&rows(SourceFormat::Sendgrid, &t))[0].1.as_deref(), Some("550 5.1.1 unknown user"));
        let t = json_table(r#"{"contacts":[{"email":"e@x.example","senderEmail":"s@y","reason":{"code":"hardBounce","message":"x"},"blockedAt":"2026-10-01T00:00:00Z"}],"count":1}"#).unwrap();
        assert_eq!(reasons(&rows(SourceFormat::Brevo, &t))[0].1.as_deref(), Some("hardBounce"));
        let t = json_table(r#"{"Suppressions":[{"EmailAddress":"f@x.example","SuppressionReason":"SpamComplaint","Origin":"Recipient","CreatedAt":"2019-12-17T08:58:33-05:00"}]}"#).unwrap();
        assert_eq!(reasons(&rows(SourceFormat::Postmark, &t))[0].1.as_deref(), Some("SpamComplaint"));
        let t = json_table(r#"{"items":[{"address":"g@x.example","code":"550","error":"No such mailbox","created_at":"Thu, 01 Oct 2026 00:00:00 UTC"}]}"#).unwrap();
        assert_eq!(reasons(&rows(SourceFormat::Mailgun, &t))[0].1.as_deref(), Some("550 No such mailbox"));
    }

    #[test]
    fn mailgun_lists_tell_themselves_apart() {
        let reason_of = |header: &[&str], cells: &[&str]| {
            let h: Vec<String> = header.iter().map(|s| (*s).to_owned()).collect();
            let m = map_headers(&h, FIELDS, &[]).unwrap();
            match record(SourceFormat::Mailgun, &m, &csv::StringRecord::from(cells.to_vec()), None).unwrap() {
                SuppressionRow::Suppression(s) => s.reason.unwrap(),
                SuppressionRow::Skipped(s) => s,
            }
        };
        assert_eq!(reason_of(&["address", "tags", "created_at"], &["a@x.example", "*", ""]), "unsubscribe");
        assert_eq!(reason_of(&["address", "created_at"], &["a@x.example", ""]), "complaint");
        assert_eq!(reason_of(&["address", "code", "error", "created_at"], &["a@x.example", "", "", ""]), "bounce");
    }

    #[test]
    fn listmonk_keeps_only_blocklisted() {
        let h: Vec<String> = ["uuid", "email", "name", "attributes", "status"].map(str::to_owned).to_vec();
        let m = map_headers(&h, FIELDS, &[]).unwrap();
        let blocked = record(SourceFormat::Listmonk, &m, &csv::StringRecord::from(vec!["u", "a@x.example", "A", "{}", "blocklisted"]), None).unwrap();
        assert!(matches!(blocked, SuppressionRow::Suppression(ref s) if s.reason.as_deref() == Some("blocklisted")));
        let enabled = record(SourceFormat::Listmonk, &m, &csv::StringRecord::from(vec!["u", "b@x.example", "B", "{}", "enabled"]), None).unwrap();
        assert_eq!(enabled, SuppressionRow::Skipped("enabled".into()));
    }

    #[test]
    fn plain_lists_and_headerless_csv() {
        let t = plain_table("email\n# comment\n\nA@x.example\n not-an-address \n");
        let r = rows(SourceFormat::Plain, &t);
        assert_eq!(t.rows.iter().map(|(n, _)| *n).collect::<Vec<_>>(), vec![4, 5]);
        assert!(matches!(&r[1], SuppressionRow::Suppression(s) if !s.valid && s.address == "not-an-address"));
        assert!(first_row_is_data(&["a@x.example".into(), "BOUNCE".into()]));
        assert!(!first_row_is_data(&["email".into(), "reason".into()]));
        assert_eq!(headerless_names(2), vec!["email", "reason"]);
    }
}
