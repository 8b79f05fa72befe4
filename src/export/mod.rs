//! Suppression exports: one writer per format, generic over `io::Write`, fed rows in address
//! order. The layouts are the ones the ESPs import (docs/exports.md says which API or screen
//! takes each); CSV cells that a spreadsheet would run as a formula get a leading `'`.

pub mod clean;
mod csv_safe;
mod writers;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::Verdict;
use crate::score::Category;
pub use csv_safe::spreadsheet_safe;
pub use writers::{write, ExportWriter, Written};

/// An export format (`--format`, `[[export]] format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// One address per line.
    Plain,
    /// `address,verdict,rule,reason,decided_at,explanation` with a header.
    Csv,
    /// JSON Lines, one decision per line.
    Json,
    /// Amazon SES suppression-list import (CreateImportJob, CSV): `address,BOUNCE|COMPLAINT`, no header.
    SesCsv,
    /// Amazon SES suppression-list import (CreateImportJob, JSON): `{"emailAddress":…,"reason":…}` lines.
    SesJson,
    /// Mailgun bounces import: `address,code,error,created_at`.
    MailgunBounces,
    /// Mailgun complaints import: `address,created_at`.
    MailgunComplaints,
    /// Mailgun unsubscribes import: `address,tags,created_at`.
    MailgunUnsubscribes,
    /// SendGrid global unsubscribes request body: `{"recipient_emails":[…]}`.
    SendgridUnsubscribes,
    /// Postmark suppressions request body: `{"Suppressions":[{"EmailAddress":…}]}`.
    Postmark,
    /// listmonk subscriber import in blocklist mode: `email,name`.
    Listmonk,
    /// Lower-case hex MD5 of the normalised address, one per line.
    Md5,
    /// Lower-case hex SHA-256 of the normalised address, one per line.
    Sha256,
}

impl Format {
    pub const ALL: [Format; 13] = [
        Format::Plain,
        Format::Csv,
        Format::Json,
        Format::SesCsv,
        Format::SesJson,
        Format::MailgunBounces,
        Format::MailgunComplaints,
        Format::MailgunUnsubscribes,
        Format::SendgridUnsubscribes,
        Format::Postmark,
        Format::Listmonk,
        Format::Md5,
        Format::Sha256,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::SesCsv => "ses-csv",
            Format::SesJson => "ses-json",
            Format::MailgunBounces => "mailgun-bounces",
            Format::MailgunComplaints => "mailgun-complaints",
            Format::MailgunUnsubscribes => "mailgun-unsubscribes",
            Format::SendgridUnsubscribes => "sendgrid-unsubscribes",
            Format::Postmark => "postmark",
            Format::Listmonk => "listmonk",
            Format::Md5 => "md5",
            Format::Sha256 => "sha256",
        }
    }

    /// Whether a decision belongs in this format's file. Mailgun keeps three lists: bounces
    /// (bounce, invalid), complaints, and unsubscribes (everything else: unsubscribe, manual,
    /// and flagged addresses when they are included); every other format takes every row.
    pub fn accepts(self, row: &ExportRow) -> bool {
        let category = row.category.unwrap_or(Category::Manual);
        match self {
            Format::MailgunBounces => matches!(category, Category::Bounce | Category::Invalid),
            Format::MailgunComplaints => category == Category::Complaint,
            Format::MailgunUnsubscribes => !matches!(category, Category::Bounce | Category::Invalid | Category::Complaint),
            _ => true,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One address's current decision, as exports see it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExportRow {
    pub address: String,
    pub verdict: Verdict,
    pub rule: Option<String>,
    pub category: Option<Category>,
    pub reason: Option<String>,
    pub explanation: String,
    pub decided_at: i64,
    pub evidence_at: Option<i64>,
    pub decision_id: i64,
    /// SMTP reply code of the deciding event (bounces), when it has one.
    pub reply_code: Option<String>,
    /// Enhanced status code of the deciding event.
    pub status: Option<String>,
    /// Diagnostic text of the deciding event.
    pub diagnostic: Option<String>,
    /// The `decisions.evidence` JSON object.
    pub evidence: String,
}
