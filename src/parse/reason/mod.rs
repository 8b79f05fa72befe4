//! Decides a recipient's [`Reason`] from the evidence a decoder gathered: the enhanced status
//! code, the SMTP reply code, the diagnostic text, the failing SMTP command and the remote host.
//!
//! The order follows Sisimai 5: a family decoder's definite reason stands; otherwise a local
//! delivery agent's message, a provider code that names a sender refusal ([`codes`]), the
//! remote provider's own table ([`providers`]) and finally the general rules ([`general`]).
//! A verdict that blames the recipient is overturned when the text refuses the sender
//! ([`guard`]).
//! All phrase tables are matched in one pass ([`matcher`]) over one lower-cased copy of the
//! diagnostic ([`clues`]).

mod clues;
mod codes;
mod general;
mod guard;
mod labels;
mod local;
mod matcher;
mod phrases;
mod providers;
mod status;
#[cfg(test)]
mod tests;

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
    /// Host name of the MTA that wrote the bounce (it words errors of its own, e.g. Google's
    /// DNS failures), lower-case.
    pub reporting_mta: Option<&'a str>,
    /// The failed recipient's address, whose domain names the receiving provider.
    pub recipient: Option<&'a str>,
    /// A reason the family decoder already determined from its own message table.
    pub preset: Option<Reason>,
}

/// Decides the reason. Always returns one; `undefined` or `onhold` when nothing is known.
///
/// A preset reason stands, unless it is one of the vague ones Sisimai re-examines
/// (userunknown, hostunknown, systemerror, securityerror, expired, networkerror, onhold,
/// undefined): those only count as a hint for the rules.
pub fn decide(evidence: &Evidence<'_>) -> Reason {
    if let Some(reason) = evidence.preset.filter(|r| !clues::is_provisional(*r)) {
        return reason;
    }
    let clues = clues::Clues::gather(evidence);
    if clues.status.is_some_and(|s| s.class == 2) {
        return Reason::Delivered;
    }
    let verdict = local::by_local_agent(&clues)
        .or_else(|| codes::sender_code(&clues))
        .or_else(|| providers::by_provider(&clues))
        .filter(|reason| !matches!(reason, Reason::OnHold | Reason::Undefined))
        .unwrap_or_else(|| general::classify(&clues));
    guard::keep_sender_refusals_off_recipients(verdict, &clues)
}

