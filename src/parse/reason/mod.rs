//! Decides a recipient's [`Reason`] from the evidence a decoder gathered: the enhanced status
//! code, the SMTP reply code, the diagnostic text, the failing SMTP command and the remote host.

use crate::domain::Reason;

/// The SMTP command a failure happened at, when the bounce says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpCommand {
    Connect,
    Helo,
    Ehlo,
    StartTls,
    Auth,
    MailFrom,
    RcptTo,
    Data,
    /// After the final dot of DATA.
    EndOfData,
}

/// What a decoder knows about one recipient's failure.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// Enhanced status code such as `5.1.1`.
    pub status: Option<&'a str>,
    /// SMTP reply code such as `550`.
    pub reply_code: Option<u16>,
    /// Diagnostic text as the bounce gives it (any case).
    pub diagnostic: &'a str,
    /// `SMTP`, `X-Unix`, `X-Postfix` … from a Diagnostic-Code field, upper-cased.
    pub diagnostic_type: Option<&'a str>,
    pub command: Option<SmtpCommand>,
    /// DSN action: `failed`, `delayed`, `delivered`, `relayed`, `expanded`.
    pub action: Option<&'a str>,
    /// Host name of the remote MTA that refused, lower-case.
    pub remote_mta: Option<&'a str>,
    /// A reason the family decoder already determined from its own message table.
    pub preset: Option<Reason>,
}

/// Decides the reason. Always returns one; `undefined` or `onhold` when nothing is known.
pub fn decide(evidence: &Evidence<'_>) -> Reason {
    if let Some(r) = evidence.preset {
        return r;
    }
    match evidence.status.map(|s| s.as_bytes()) {
        Some([b'2', ..]) => Reason::Delivered,
        Some(s) if s.starts_with(b"5.1.1") => Reason::UserUnknown,
        _ if !evidence.diagnostic.is_empty() => Reason::OnHold,
        _ => Reason::Undefined,
    }
}
