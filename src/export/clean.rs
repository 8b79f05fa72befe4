//! Cleaning a campaign list: stream a CSV, find its e-mail column (by header name, else by what
//! the first rows hold), keep every column and the row order, and drop the rows whose address
//! the lookup says to drop — writing those, with a `reason` column, to a second CSV. Generic
//! over `io::Read`/`io::Write`; the caller owns files and the database.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use serde::Serialize;

use crate::domain::CheckedAddress;
use crate::import::{normalise_header, sniff_delimiter};

/// Header names of an e-mail column (compared loosely, as imports do).
const EMAIL_HEADERS: &[&str] = &[
    "email", "e-mail", "email address", "emailaddress", "mail", "e-mail address", "email_address", "recipient", "recipient email",
    "subscriber", "subscriber email", "address", "to", "contact email", "courriel", "correo", "e-mail-adresse",
];

/// Rows looked at to find an e-mail column by its content.
const SNIFF_ROWS: usize = 100;

/// What `clean` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CleanCounts {
    /// Data rows read (the header not counted).
    pub rows: u64,
    pub kept: u64,
    pub removed: u64,
    /// Removed rows by reason (rule id).
    pub by_reason: BTreeMap<String, u64>,
    /// The e-mail column used (0-based) and how it was found.
    pub email_column: usize,
    pub found_by: FoundBy,
    /// Rows whose e-mail cell was empty or not a valid address (kept, unless the database
    /// flagged that very text as an invalid address and flagged rows are dropped).
    pub unreadable: u64,
}

/// How the e-mail column was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundBy {
    #[default]
    Header,
    Content,
    /// The file has no header row; the column was found by content.
    ContentNoHeader,
}

/// Why a list cannot be cleaned.
#[derive(Debug, thiserror::Error)]
pub enum CleanError {
    #[error("no column holds e-mail addresses (looked at the header and the first {SNIFF_ROWS} rows)")]
    NoEmailColumn,
    #[error("reading the CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Copies `input` to `output` without the rows `drop_reason` names a reason for; those go to
/// `removed` (when given) with the reason as an extra last column.
pub fn clean<R: Read, W: Write, X: Write>(
    input: R,
    output: W,
    removed: Option<X>,
    drop_reason: impl Fn(&str) -> Option<String>,
) -> Result<CleanCounts, CleanError> {
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let first_line = {
        let buf = std::io::BufRead::fill_buf(&mut input)?;
        let end = memchr::memchr(b'\n', buf).unwrap_or(buf.len());
        buf[..end].to_vec()
    };
    let delimiter = sniff_delimiter(&first_line);
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(input);
    let mut records = reader.byte_records();
    let mut head: Vec<csv::ByteRecord> = Vec::new();
    for record in records.by_ref().take(SNIFF_ROWS + 1) {
        head.push(record?);
    }
    let (column, found_by) = find_email_column(&head).ok_or(CleanError::NoEmailColumn)?;
    let has_header = found_by != FoundBy::ContentNoHeader;
    let mut out = csv_writer(delimiter).from_writer(output);
    let mut gone = removed.map(|w| csv_writer(delimiter).from_writer(w));
    let mut counts = CleanCounts { email_column: column, found_by, ..CleanCounts::default() };
    let mut rows = head.into_iter().map(Ok).chain(records);
    if has_header && let Some(header) = rows.next() {
        let header = header?;
        out.write_byte_record(&header)?;
        if let Some(g) = gone.as_mut() {
            let mut with_reason = header.clone();
            with_reason.push_field(b"reason");
            g.write_byte_record(&with_reason)?;
        }
    }
    for record in rows {
        let record = record?;
        counts.rows += 1;
        let address = record.get(column).and_then(|c| std::str::from_utf8(c).ok()).and_then(CheckedAddress::check);
        if !address.as_ref().is_some_and(CheckedAddress::is_valid) {
            counts.unreadable += 1;
        }
        let reason = address.and_then(|a| drop_reason(a.as_str()));
        match reason {
            None => {
                counts.kept += 1;
                out.write_byte_record(&record)?;
            }
            Some(reason) => {
                counts.removed += 1;
                if let Some(g) = gone.as_mut() {
                    let mut with_reason = record.clone();
                    with_reason.push_field(reason.as_bytes());
                    g.write_byte_record(&with_reason)?;
                }
                *counts.by_reason.entry(reason).or_default() += 1;
            }
        }
    }
    out.flush()?;
    if let Some(mut g) = gone {
        g.flush()?;
    }
    Ok(counts)
}

fn csv_writer(delimiter: u8) -> csv::WriterBuilder {
    let mut builder = csv::WriterBuilder::new();
    builder.delimiter(delimiter).terminator(csv::Terminator::Any(b'\n')).flexible(true);
    builder
}

/// The e-mail column: a header named like one, else the column where most of the first rows
/// hold a valid address (the first row then tells whether it is a header).
pub fn find_email_column(head: &[csv::ByteRecord]) -> Option<(usize, FoundBy)> {
    let header = head.first()?;
    let names: Vec<String> = EMAIL_HEADERS.iter().map(|h| normalise_header(h)).collect();
    for name in &names {
        if let Some(i) = header.iter().position(|cell| std::str::from_utf8(cell).is_ok_and(|c| normalise_header(c) == *name)) {
            return Some((i, FoundBy::Header));
        }
    }
    let width = head.iter().map(csv::ByteRecord::len).max()?;
    let is_address = |cell: Option<&[u8]>| {
        cell.and_then(|c| std::str::from_utf8(c).ok()).is_some_and(|c| c.contains('@') && CheckedAddress::check(c).is_some_and(|a| a.is_valid()))
    };
    let (column, hits) = (0..width).map(|i| (i, head.iter().skip(1).filter(|r| is_address(r.get(i))).count())).max_by_key(|&(i, hits)| (hits, std::cmp::Reverse(i)))?;
    let header_is_data = is_address(header.get(column));
    if hits == 0 && !header_is_data {
        return None;
    }
    Some((column, if header_is_data { FoundBy::ContentNoHeader } else { FoundBy::Content }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drop_bad(address: &str) -> Option<String> {
        match address {
            "bad@example.com" => Some("hard-bounce".to_owned()),
            "spam@example.com" => Some("complaint".to_owned()),
            _ => None,
        }
    }

    fn run(input: &str) -> (String, String, CleanCounts) {
        let mut out = Vec::new();
        let mut removed = Vec::new();
        let counts = clean(input.as_bytes(), &mut out, Some(&mut removed), drop_bad).unwrap();
        (String::from_utf8(out).unwrap(), String::from_utf8(removed).unwrap(), counts)
    }

    #[test]
    fn keeps_columns_and_order_and_reports_reasons() {
        let (out, removed, c) = run("id;E-Mail;name\n1;ok@example.com;A\n2;BAD@example.com;B\n3;x;C\n4;spam@example.com;\"D;E\"\n");
        assert_eq!(out, "id;E-Mail;name\n1;ok@example.com;A\n3;x;C\n");
        assert_eq!(removed, "id;E-Mail;name;reason\n2;BAD@example.com;B;hard-bounce\n4;spam@example.com;\"D;E\";complaint\n");
        assert_eq!((c.rows, c.kept, c.removed, c.unreadable, c.email_column, c.found_by), (4, 2, 2, 1, 1, FoundBy::Header));
        assert_eq!(c.by_reason.get("hard-bounce"), Some(&1));
    }

    #[test]
    fn finds_the_column_by_content_with_or_without_a_header() {
        let (out, _, c) = run("who,contact\nA,ok@example.com\nB,bad@example.com\n");
        assert_eq!((c.email_column, c.found_by), (1, FoundBy::Content));
        assert_eq!(out, "who,contact\nA,ok@example.com\n");
        let (out, _, c) = run("A,bad@example.com\nB,ok@example.com\n");
        assert_eq!((c.email_column, c.found_by, c.rows), (1, FoundBy::ContentNoHeader, 2));
        assert_eq!(out, "B,ok@example.com\n");
        assert!(matches!(clean("a,b\n1,2\n".as_bytes(), Vec::new(), None::<Vec<u8>>, drop_bad), Err(CleanError::NoEmailColumn)));
    }
}
