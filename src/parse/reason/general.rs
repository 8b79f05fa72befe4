//! The general rules, for any host: a first pass of probes that weigh the status code, the
//! SMTP command and the phrases together, then a second pass on phrases alone, then the
//! status code's own meaning and a few last clues.

use super::SmtpCommand;
use super::clues::{Clues, DiagnosticKind, is_provisional};
use super::phrases::Set;
use crate::domain::Reason;

/// A test that the failure is of one reason.
type Probe = fn(&Clues<'_>) -> bool;

/// First pass, in order: the first probe that holds decides.
const PROBES: &[(Reason, Probe)] = {
    use Reason::*;
    &[
        (MailboxFull, |c| code_or_phrase(c, MailboxFull, Set::MailboxFull)),
        (MesgTooBig, mesg_too_big),
        (ExceedLimit, |c| code_or_phrase(c, ExceedLimit, Set::ExceedLimit)),
        (Suspend, |c| c.reply == Some(525) || c.has(Set::Suspend)),
        (HasMoved, |c| c.has(Set::HasMoved)),
        (NoRelaying, no_relaying),
        (AuthFailure, |c| code_or_phrase(c, AuthFailure, Set::AuthFailure)),
        (UserUnknown, user_unknown),
        (Filtered, filtered),
        (RequirePtr, |c| code_or_phrase(c, RequirePtr, Set::RequirePtr)),
        (NotCompliantRfc, |c| c.has(Set::NotCompliantRfc)),
        (BadReputation, |c| c.has(Set::BadReputation)),
        (ContentError, content_error),
        (Rejected, rejected),
        (NotAccept, |c| c.has(Set::NotAccept) && !c.has(Set::HostUnknown)),
        (HostUnknown, host_unknown),
        (SpamDetected, spam_detected),
        (Speeding, |c| c.has(Set::Speeding)),
        (TooManyConn, |c| code_or_phrase(c, TooManyConn, Set::TooManyConn)),
        (Blocked, |c| code_or_phrase(c, Blocked, Set::Blocked)),
    ]
};

/// Second pass: phrases alone, in order.
const PHRASE_ONLY: &[(Set, Reason)] = {
    use Reason::*;
    &[
        (Set::MailboxFull, MailboxFull),
        (Set::AuthFailure, AuthFailure),
        (Set::BadReputation, BadReputation),
        (Set::Speeding, Speeding),
        (Set::SpamDetected, SpamDetected),
        (Set::VirusDetected, VirusDetected),
        (Set::PolicyViolation, PolicyViolation),
        (Set::NoRelaying, NoRelaying),
        (Set::SystemError, SystemError),
        (Set::NetworkError, NetworkError),
        (Set::Suspend, Suspend),
        (Set::ContentError, ContentError),
        (Set::SystemFull, SystemFull),
        (Set::NotAccept, NotAccept),
        (Set::Expired, Expired),
        (Set::FailedStartTls, FailedStartTls),
        (Set::SecurityError, SecurityError),
        (Set::MailerError, MailerError),
    ]
};

/// The status code names the reason, or one of its phrases occurs.
fn code_or_phrase(clues: &Clues<'_>, reason: Reason, set: Set) -> bool {
    clues.status_reason() == Some(reason) || clues.has(set)
}

/// The general verdict; never fails.
pub(super) fn classify(clues: &Clues<'_>) -> Reason {
    let probed = (clues.kind != DiagnosticKind::Unix)
        .then(|| PROBES.iter().find(|(reason, probe)| clues.hint == Some(*reason) || probe(clues)))
        .flatten()
        .map(|(reason, _)| *reason);
    probed
        .or_else(|| second_look(clues))
        .or_else(|| clues.delayed.then_some(Reason::Expired))
        .unwrap_or_else(|| last_resort(clues))
}

/// Phrases alone, then the status code's meaning, then the remaining clues.
fn second_look(clues: &Clues<'_>) -> Option<Reason> {
    if let Some(hint) = clues.hint.filter(|h| !matches!(h, Reason::Undefined | Reason::OnHold)) {
        return Some(hint);
    }
    let by_status = clues.status_reason();
    let settled =
        by_status.is_some_and(|r| !is_provisional(r)) && clues.kind == DiagnosticKind::Smtp;
    if settled {
        return by_status;
    }
    PHRASE_ONLY
        .iter()
        .find(|(set, _)| clues.has(*set))
        .map(|(_, reason)| *reason)
        .or(by_status)
        .or_else(|| by_status_subject(clues))
        .or_else(|| (clues.kind == DiagnosticKind::Unix).then_some(Reason::MailerError))
        .or_else(|| is_syntax_reply(clues.reply).then_some(Reason::SyntaxError))
        .or_else(|| clues.delayed.then_some(Reason::Expired))
        .or_else(|| is_greeting(clues.command).then_some(Reason::Blocked))
}

/// Vacation text, else `onhold` when there is something to read, else `undefined`.
fn last_resort(clues: &Clues<'_>) -> Reason {
    if clues.has(Set::Vacation) {
        Reason::Vacation
    } else if clues.text.is_empty() {
        Reason::Undefined
    } else {
        Reason::OnHold
    }
}

fn by_status_subject(clues: &Clues<'_>) -> Option<Reason> {
    match clues.status.map(|s| (s.class, s.subject)) {
        Some((4 | 5, 6)) => Some(Reason::ContentError),
        Some((4 | 5, 7)) => Some(Reason::SecurityError),
        _ => None,
    }
}

fn is_syntax_reply(reply: Option<u16>) -> bool {
    reply.is_some_and(|r| (401..=407).contains(&r) || (501..=507).contains(&r))
}

fn is_greeting(command: Option<SmtpCommand>) -> bool {
    matches!(command, Some(SmtpCommand::Ehlo | SmtpCommand::Helo))
}

fn mesg_too_big(clues: &Clues<'_>) -> bool {
    match clues.status_reason() {
        Some(Reason::MesgTooBig) => true,
        Some(Reason::ExceedLimit) => false,
        _ => clues.has(Set::MesgTooBig),
    }
}

fn no_relaying(clues: &Clues<'_>) -> bool {
    use SmtpCommand::*;
    let hint_says_other =
        matches!(clues.hint, Some(Reason::SecurityError | Reason::SystemError | Reason::Undefined));
    let at_greeting = matches!(clues.command, Some(Connect | Ehlo | Helo));
    !hint_says_other && !at_greeting && clues.has(Set::NoRelaying)
}

/// A rejected recipient: a 5.1.x code not contradicted by the text, or the phrases at RCPT, or
/// a gateway's directory lookup (Exchange, Domino, IMail) at RCPT or outside any SMTP dialogue.
/// Elsewhere the same phrases mean a filter (see [`filtered`]), as in Sisimai.
fn user_unknown(clues: &Clues<'_>) -> bool {
    match clues.status_reason() {
        Some(Reason::Suspend) => false,
        Some(Reason::UserUnknown) => {
            ![Set::NoRelaying, Set::Blocked, Set::MailboxFull, Set::HasMoved, Set::NotAccept]
                .iter()
                .any(|set| clues.has(*set))
                && !rejected_phrase(clues)
        }
        _ => match clues.command {
            Some(SmtpCommand::RcptTo) => unknown_phrase(clues),
            None => clues.has(Set::Directory),
            Some(_) => false,
        },
    }
}

fn unknown_phrase(clues: &Clues<'_>) -> bool {
    clues.has(Set::UserUnknown) || clues.has(Set::Directory)
}

/// Refused after the content was seen, for recipient-side reasons (filters, preferences).
fn filtered(clues: &Clues<'_>) -> bool {
    let by_phrase = clues.has(Set::Filtered) || unknown_phrase(clues);
    match clues.status_reason() {
        Some(Reason::Suspend) => false,
        Some(Reason::Filtered) => by_phrase,
        _ => !clues.before_data() && by_phrase,
    }
}

fn content_error(clues: &Clues<'_>) -> bool {
    !spam_detected(clues)
        && (clues.status_reason() == Some(Reason::ContentError) || clues.has(Set::ContentError))
}

fn rejected_phrase(clues: &Clues<'_>) -> bool {
    clues.has(Set::Rejected) && !clues.has(Set::NotRejected)
}

/// The sender address was refused: a code that says so, or the phrases at MAIL FROM, at DATA,
/// or when the code says nothing more definite.
fn rejected(clues: &Clues<'_>) -> bool {
    use Reason::*;
    let by_status = clues.status_reason();
    if by_status == Some(Rejected) {
        return true;
    }
    let phrase_counts = match clues.command {
        Some(SmtpCommand::MailFrom) => true,
        Some(SmtpCommand::Data | SmtpCommand::EndOfData) => by_status != Some(UserUnknown),
        _ => matches!(by_status, None | Some(OnHold | Undefined | SecurityError | SystemError)),
    };
    phrase_counts && rejected_phrase(clues)
}

fn host_unknown(clues: &Clues<'_>) -> bool {
    if clues.status_reason() == Some(Reason::HostUnknown) {
        !clues.has(Set::NetworkError)
    } else {
        clues.has(Set::HostUnknown)
    }
}

fn spam_detected(clues: &Clues<'_>) -> bool {
    if clues.status.is_none() {
        return false;
    }
    clues.status_reason() == Some(Reason::SpamDetected)
        || (!clues.before_data() && clues.has(Set::SpamDetected))
}
