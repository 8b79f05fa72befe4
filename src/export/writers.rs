//! The writers: [`ExportWriter`] takes rows one at a time (exports stream from the database)
//! and closes the document at the end; [`write`] does it all for a slice. Output is UTF-8 with
//! LF line ends and no byte-order mark.

use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat};
use md5::Md5;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{spreadsheet_safe, ExportRow, Format};
use crate::score::Category;

/// What a finished export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Written {
    /// Rows written (addresses).
    pub rows: u64,
    /// Rows offered that this format does not take (Mailgun's other lists).
    pub skipped: u64,
}

enum Sink<W: Write> {
    Csv(csv::Writer<W>),
    Raw(W),
}

/// A format's writer over `W`.
pub struct ExportWriter<W: Write> {
    format: Format,
    sink: Sink<W>,
    written: Written,
}

impl<W: Write> ExportWriter<W> {
    /// Starts the document: the CSV header or the JSON opening, if the format has one.
    pub fn new(format: Format, out: W) -> io::Result<ExportWriter<W>> {
        let header: Option<&[&str]> = match format {
            Format::Csv => Some(&["address", "verdict", "rule", "reason", "decided_at", "explanation"]),
            Format::MailgunBounces => Some(&["address", "code", "error", "created_at"]),
            Format::MailgunComplaints => Some(&["address", "created_at"]),
            Format::MailgunUnsubscribes => Some(&["address", "tags", "created_at"]),
            Format::Listmonk => Some(&["email", "name"]),
            Format::SesCsv => Some(&[]),
            _ => None,
        };
        let sink = match header {
            Some(columns) => {
                let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(out);
                if !columns.is_empty() {
                    w.write_record(columns).map_err(io::Error::other)?;
                }
                Sink::Csv(w)
            }
            None => {
                let mut out = out;
                match format {
                    Format::SendgridUnsubscribes => out.write_all(b"{\"recipient_emails\":[")?,
                    Format::Postmark => out.write_all(b"{\"Suppressions\":[")?,
                    _ => {}
                }
                Sink::Raw(out)
            }
        };
        Ok(ExportWriter { format, sink, written: Written::default() })
    }

    /// Writes `row` if the format takes it.
    pub fn row(&mut self, row: &ExportRow) -> io::Result<()> {
        if !self.format.accepts(row) {
            self.written.skipped += 1;
            return Ok(());
        }
        let first = self.written.rows == 0;
        self.written.rows += 1;
        match &mut self.sink {
            Sink::Csv(w) => w.write_record(csv_cells(self.format, row).iter().map(|c| spreadsheet_safe(c).into_owned())).map_err(io::Error::other),
            Sink::Raw(out) => raw_row(self.format, row, first, out),
        }
    }

    /// Closes the document and flushes; returns the output and the counts.
    pub fn finish(self) -> io::Result<(W, Written)> {
        let out = match self.sink {
            Sink::Csv(w) => w.into_inner().map_err(|e| io::Error::other(e.to_string()))?,
            Sink::Raw(mut out) => {
                if matches!(self.format, Format::SendgridUnsubscribes | Format::Postmark) {
                    out.write_all(b"]}\n")?;
                }
                out
            }
        };
        let mut out = out;
        out.flush()?;
        Ok((out, self.written))
    }
}

/// Writes every row of `rows` in `format` to `out`.
pub fn write<'a, W: Write>(format: Format, rows: impl IntoIterator<Item = &'a ExportRow>, out: W) -> io::Result<Written> {
    let mut writer = ExportWriter::new(format, out)?;
    for row in rows {
        writer.row(row)?;
    }
    Ok(writer.finish()?.1)
}

fn csv_cells(format: Format, row: &ExportRow) -> Vec<String> {
    let created = rfc2822(row.evidence_at.unwrap_or(row.decided_at));
    match format {
        Format::Csv => vec![
            row.address.clone(),
            row.verdict.as_str().to_owned(),
            row.rule.clone().unwrap_or_default(),
            row.reason.clone().or_else(|| row.category.map(|c| c.as_str().to_owned())).unwrap_or_default(),
            rfc3339(row.decided_at),
            row.explanation.clone(),
        ],
        Format::SesCsv => vec![row.address.clone(), ses_reason(row).to_owned()],
        Format::MailgunBounces => vec![row.address.clone(), smtp_code(row), row.diagnostic.clone().unwrap_or_else(|| row.explanation.clone()), created],
        Format::MailgunComplaints => vec![row.address.clone(), created],
        Format::MailgunUnsubscribes => vec![row.address.clone(), "*".to_owned(), created],
        Format::Listmonk => vec![row.address.clone(), row.address.rsplit_once('@').map_or_else(|| row.address.clone(), |(l, _)| l.to_owned())],
        _ => Vec::new(),
    }
}

/// A decision as a JSON line (`--format json`); field order is fixed.
#[derive(Serialize)]
struct JsonRow<'a> {
    address: &'a str,
    verdict: &'a str,
    rule: Option<&'a str>,
    category: Option<&'a str>,
    reason: Option<&'a str>,
    decided_at: String,
    evidence_at: Option<String>,
    explanation: &'a str,
    evidence: serde_json::Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SesJsonRow<'a> {
    email_address: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PostmarkRow<'a> {
    email_address: &'a str,
}

fn raw_row<W: Write>(format: Format, row: &ExportRow, first: bool, out: &mut W) -> io::Result<()> {
    match format {
        Format::Plain => writeln!(out, "{}", row.address),
        Format::Md5 => writeln!(out, "{}", hex(&Md5::digest(row.address.as_bytes()))),
        Format::Sha256 => writeln!(out, "{}", hex(&Sha256::digest(row.address.as_bytes()))),
        Format::SesJson => writeln!(out, "{}", json(&SesJsonRow { email_address: &row.address, reason: ses_reason(row) })?),
        Format::Json => {
            let line = JsonRow {
                address: &row.address,
                verdict: row.verdict.as_str(),
                rule: row.rule.as_deref(),
                category: row.category.map(Category::as_str),
                reason: row.reason.as_deref(),
                decided_at: rfc3339(row.decided_at),
                evidence_at: row.evidence_at.map(rfc3339),
                explanation: &row.explanation,
                evidence: serde_json::from_str(&row.evidence).unwrap_or(serde_json::Value::Object(serde_json::Map::new())),
            };
            writeln!(out, "{}", json(&line)?)
        }
        Format::SendgridUnsubscribes => write!(out, "{}{}", if first { "" } else { "," }, json(row.address.as_str())?),
        Format::Postmark => write!(out, "{}{}", if first { "" } else { "," }, json(&PostmarkRow { email_address: &row.address })?),
        _ => Ok(()),
    }
}

/// A value as one line of JSON, with serialisation errors as I/O errors.
fn json<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    serde_json::to_string(value).map_err(io::Error::other)
}

/// SES knows two reasons: complaints are COMPLAINT, everything else is filed as BOUNCE.
fn ses_reason(row: &ExportRow) -> &'static str {
    if row.category == Some(Category::Complaint) { "COMPLAINT" } else { "BOUNCE" }
}

/// The SMTP reply code for Mailgun's `code` column: the event's own, else the class of its
/// enhanced status (5.x.x → 550, 4.x.x → 450), else 550.
fn smtp_code(row: &ExportRow) -> String {
    if let Some(code) = row.reply_code.as_deref().filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit())) {
        return code.to_owned();
    }
    match row.status.as_deref().and_then(|s| s.chars().next()) {
        Some('4') => "450".to_owned(),
        _ => "550".to_owned(),
    }
}

fn rfc3339(at: i64) -> String {
    DateTime::from_timestamp(at, 0).map_or_else(|| at.to_string(), |d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// `Tue, 01 Dec 2026 00:00:00 +0000`
fn rfc2822(at: i64) -> String {
    DateTime::from_timestamp(at, 0).map_or_else(|| at.to_string(), |d| d.format("%a, %d %b %Y %H:%M:%S +0000").to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
