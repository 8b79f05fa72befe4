//! The CSV import framework shared by `import sends|subscribers|engagement|suppressions`:
//! header auto-detection through a synonyms table (case, space, `-`, `_` and `.` insensitive),
//! `--map column=field` overrides, delimiter sniffing, time parsing, and row errors that carry
//! their line number (`FILE:LINE: message`). Pure apart from reading the CSV it is handed.

pub mod engagement;
pub mod external_sort;
pub mod sends;
pub mod subscribers;
pub mod suppressions;

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// One field an importer fills, and the column names it is recognised by.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub synonyms: &'static [&'static str],
    pub required: bool,
}

/// Which column (index) feeds which field; parallel to the `FieldSpec` slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub columns: Vec<Option<usize>>,
    /// Columns no field took, by header.
    pub unused: Vec<String>,
}

/// A header row that cannot be used; the import does not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("--map {0:?}: expected COLUMN=FIELD")]
    BadOverride(String),
    #[error("--map names field {field:?}, which is not one of: {known}")]
    UnknownField { field: String, known: String },
    #[error("--map names column {column:?}, which is not in the header ({header})")]
    UnknownColumn { column: String, header: String },
    #[error("no column for required field {field:?} (header: {header}); name one with --map COLUMN={field}")]
    Missing { field: &'static str, header: String },
}

/// A bad row: where and why. Displays as `FILE:LINE: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Header text compared loosely: `Message ID`, `message_id` and `MessageId` are one name.
pub fn normalise_header(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Parses `--map COLUMN=FIELD` values.
pub fn parse_overrides(values: &[String]) -> Result<Vec<(String, String)>, MappingError> {
    values
        .iter()
        .map(|v| {
            v.rsplit_once('=')
                .map(|(c, f)| (c.trim().to_owned(), f.trim().to_owned()))
                .filter(|(c, f)| !c.is_empty() && !f.is_empty())
                .ok_or_else(|| MappingError::BadOverride(v.clone()))
        })
        .collect()
}

/// Matches header columns to fields: overrides first, then synonyms, first match wins.
pub fn map_headers(headers: &[String], fields: &[FieldSpec], overrides: &[(String, String)]) -> Result<Mapping, MappingError> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let shown = headers.join(", ");
    let mut columns: Vec<Option<usize>> = vec![None; fields.len()];
    let mut taken = vec![false; headers.len()];
    for (column, field) in overrides {
        let f = fields.iter().position(|s| normalise_header(s.name) == normalise_header(field)).ok_or_else(|| {
            MappingError::UnknownField { field: field.clone(), known: fields.iter().map(|s| s.name).collect::<Vec<_>>().join(", ") }
        })?;
        let c = normalised
            .iter()
            .position(|h| *h == normalise_header(column))
            .ok_or_else(|| MappingError::UnknownColumn { column: column.clone(), header: shown.clone() })?;
        columns[f] = Some(c);
        taken[c] = true;
    }
    for (f, spec) in fields.iter().enumerate() {
        if columns[f].is_some() {
            continue;
        }
        let names = std::iter::once(spec.name).chain(spec.synonyms.iter().copied());
        let found = names
            .map(normalise_header)
            .find_map(|name| normalised.iter().enumerate().position(|(i, h)| !taken[i] && *h == name));
        if let Some(c) = found {
            columns[f] = Some(c);
            taken[c] = true;
        } else if spec.required {
            return Err(MappingError::Missing { field: spec.name, header: shown });
        }
    }
    let unused = headers.iter().zip(&taken).filter(|(_, t)| !**t).map(|(h, _)| h.clone()).collect();
    Ok(Mapping { columns, unused })
}

impl Mapping {
    /// The trimmed cell for field `f` of `record`, `None` when the column is absent or empty.
    pub fn get<'r>(&self, record: &'r csv::StringRecord, f: usize) -> Option<&'r str> {
        let column = (*self.columns.get(f)?)?;
        record.get(column).map(str::trim).filter(|v| !v.is_empty())
    }
}

/// The delimiter of a CSV file from its first line: the most frequent of `,` `;` and tab.
pub fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let count = |d: u8| first_line.iter().filter(|&&b| b == d).count();
    [b',', b';', b'\t'].into_iter().max_by_key(|&d| (count(d), d == b',')).unwrap_or(b',')
}

/// A time cell: unix seconds (or milliseconds), RFC 3339, RFC 2822, `YYYY-MM-DD HH:MM:SS`
/// (UTC) or `YYYY-MM-DD`.
pub fn parse_time(value: &str) -> Result<i64, String> {
    let v = value.trim();
    if let Ok(n) = v.parse::<i64>() {
        return Ok(if n.abs() >= 100_000_000_000 { n / 1000 } else { n });
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(v) {
        return Ok(d.timestamp());
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(v) {
        return Ok(d.timestamp());
    }
    // Mailgun writes RFC 2822 dates with a `UTC` zone, which RFC 2822 does not name.
    if let Some(d) = v.strip_suffix(" UTC").and_then(|t| DateTime::parse_from_rfc2822(&format!("{t} +0000")).ok()) {
        return Ok(d.timestamp());
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(v, format) {
            return Ok(d.and_utc().timestamp());
        }
    }
    if let Some(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)) {
        return Ok(d.and_utc().timestamp());
    }
    Err(format!("{v:?} is not a time (unix seconds, RFC 3339, RFC 2822 or YYYY-MM-DD HH:MM:SS)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[FieldSpec] = &[
        FieldSpec { name: "message_id", synonyms: &["msgid", "smtp_id"], required: true },
        FieldSpec { name: "recipient", synonyms: &["email", "to"], required: true },
        FieldSpec { name: "campaign", synonyms: &[], required: false },
    ];

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn synonyms_and_loose_names() {
        let m = map_headers(&h(&["\u{feff}Message-ID", "E-Mail", "Other"]), FIELDS, &[]).unwrap();
        assert_eq!(m.columns, vec![Some(0), Some(1), None]);
        assert_eq!(m.unused, vec!["Other"]);
    }

    #[test]
    fn overrides_win_and_are_checked() {
        let o = parse_overrides(&["Mail To=recipient".into()]).unwrap();
        let m = map_headers(&h(&["msgid", "email", "Mail To"]), FIELDS, &o).unwrap();
        assert_eq!(m.columns[1], Some(2));
        assert!(matches!(map_headers(&h(&["msgid"]), FIELDS, &[]), Err(MappingError::Missing { field: "recipient", .. })));
        let o = parse_overrides(&["x=nope".into()]).unwrap();
        assert!(matches!(map_headers(&h(&["msgid", "to"]), FIELDS, &o), Err(MappingError::UnknownField { .. })));
        assert!(parse_overrides(&["novalue".into()]).is_err());
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("1790812800").unwrap(), 1_790_812_800);
        assert_eq!(parse_time("1790812800000").unwrap(), 1_790_812_800);
        assert_eq!(parse_time("2026-10-01T00:00:00Z").unwrap(), 1_790_812_800);
        assert_eq!(parse_time("2026-10-01 00:00:00").unwrap(), 1_790_812_800);
        assert_eq!(parse_time("2026-10-01").unwrap(), 1_790_812_800);
        assert_eq!(parse_time("Thu, 01 Oct 2026 02:00:00 +0200").unwrap(), 1_790_812_800);
        assert_eq!(parse_time("Thu, 01 Oct 2026 00:00:00 UTC").unwrap(), 1_790_812_800);
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"a;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a,b\n"), b',');
        assert_eq!(sniff_delimiter(b"single\n"), b',');
    }
}
