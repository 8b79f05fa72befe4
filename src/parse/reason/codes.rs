//! Provider codes that name a refusal of the *sender* wherever they appear, whichever host
//! relayed them: Outlook.com's SC/RP/DY/OU and S-numbers, Microsoft's extended 5.7.5xx/6xx
//! codes, Yahoo's TS/TSS codes, Gmail's 4.7.28. They are checked before any host table.

use super::clues::Clues;
use super::matcher::catalog;
use crate::domain::Reason;

/// A range of enhanced status codes `class.subject.low ..= class.subject.high`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Codes {
    pub(super) class: u8,
    pub(super) subject: u16,
    pub(super) low: u16,
    pub(super) high: u16,
}

impl Codes {
    pub(super) const fn one(class: u8, subject: u16, detail: u16) -> Codes {
        Codes { class, subject, low: detail, high: detail }
    }

    pub(super) const fn span(class: u8, subject: u16, low: u16, high: u16) -> Codes {
        Codes { class, subject, low, high }
    }

    pub(super) fn covers(self, clues: &Clues<'_>) -> bool {
        clues.status.is_some_and(|s| {
            s.class == self.class
                && s.subject == self.subject
                && (self.low..=self.high).contains(&s.detail)
        })
    }
}

/// A sender-side code: a status range, a phrase, or both; the first rule that holds decides.
#[derive(Debug)]
pub(super) struct CodeRule {
    pub(super) status: Option<Codes>,
    /// Lower-case phrase (fragments separated by `…`); empty when the status alone decides.
    pub(super) phrase: &'static str,
    pub(super) reason: Reason,
}

const fn by_status(codes: Codes, reason: Reason) -> CodeRule {
    CodeRule { status: Some(codes), phrase: "", reason }
}

const fn by_phrase(phrase: &'static str, reason: Reason) -> CodeRule {
    CodeRule { status: None, phrase, reason }
}

const fn by_both(codes: Codes, phrase: &'static str, reason: Reason) -> CodeRule {
    CodeRule { status: Some(codes), phrase, reason }
}

/// In priority order: status-and-phrase, then status, then the bare provider labels.
pub(super) const PHRASE_CODES: &[CodeRule] = {
    use Reason::*;
    &[
        // Gmail.
        by_both(Codes::one(4, 7, 28), "same message-id", PolicyViolation),
        by_both(Codes::one(4, 7, 28), "unusual rate of unsolicited mail", Blocked),
        by_status(Codes::one(4, 7, 28), Speeding),
        by_both(Codes::one(5, 7, 1), "unusual rate of unsolicited mail", Blocked),
        by_both(Codes::one(5, 7, 28), "unusual rate of unsolicited mail", Blocked),
        by_both(Codes::one(5, 7, 1), "very low reputation of the sending", BadReputation),
        by_both(Codes::one(5, 7, 1), "likely unsolicited mail", SpamDetected),
        // Microsoft 365 / Outlook.com extended codes.
        by_status(Codes::span(4, 7, 650, 651), BadReputation),
        by_status(Codes::one(4, 7, 652), TooManyConn),
        by_status(Codes::one(5, 7, 509), AuthFailure),
        by_status(Codes::one(5, 7, 515), AuthFailure),
        by_status(Codes::span(5, 7, 606, 649), Blocked),
        by_status(Codes::one(5, 7, 508), Speeding),
        by_both(Codes::one(5, 1, 10), "resolver.adr.recipientnotfound", UserUnknown),
        by_both(Codes::span(5, 7, 501, 503), "access denied", Rejected),
        by_both(Codes::one(5, 7, 506), "bad helo", Blocked),
        by_both(Codes::one(5, 7, 510), "does not accept email over ipv6", Blocked),
        by_both(Codes::one(5, 7, 511), "banned sender", Blocked),
        by_both(Codes::one(5, 7, 513), "customer block list", Blocked),
        by_both(Codes::span(4, 7, 500, 899), "access denied, please try again later", Blocked),
        // Outlook.com postmaster labels. SC-001: part of the sender's network is on the block
        // list; SC-002/003: mining or relaying behaviour; SC-004: complaints (reputation);
        // RP-001..003: rate and connection limits driven by reputation; DY-001/002: dynamic or
        // compromised sending IPs; OU-001/002: policy and content.
        by_phrase("sc-001", Blocked),
        by_phrase("sc-002", Blocked),
        by_phrase("sc-003", Blocked),
        by_phrase("sc-004", BadReputation),
        by_phrase("rp-001", Speeding),
        by_phrase("rp-002", Speeding),
        by_phrase("rp-003", Speeding),
        by_phrase("dy-001", Blocked),
        by_phrase("dy-002", Blocked),
        by_phrase("ou-001", Blocked),
        by_phrase("ou-002", Blocked),
        by_phrase("(s3150)", Blocked),
        by_phrase("(s3140)", Blocked),
        by_phrase("(s775)", Blocked),
        // Yahoo postmaster labels.
        by_phrase("[tss04]", BadReputation),
        by_phrase("[tss09]", Blocked),
        by_phrase("[tss11]", Blocked),
        by_phrase("[ts01]", Speeding),
        by_phrase("[ts02]", BadReputation),
        by_phrase("[ts03]", Blocked),
    ]
};

/// The reason of the first sender code that applies.
pub(super) fn sender_code(clues: &Clues<'_>) -> Option<Reason> {
    let first = catalog().offsets.codes;
    PHRASE_CODES.iter().zip(first..).find_map(|(rule, id)| {
        let status_ok = rule.status.is_none_or(|codes| codes.covers(clues));
        let phrase_ok = rule.phrase.is_empty() || clues.hits.has_id(id);
        (status_ok && phrase_ok).then_some(rule.reason)
    })
}
