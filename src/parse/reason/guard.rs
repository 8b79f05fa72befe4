//! The last check: a verdict that blames the recipient address (userunknown, hostunknown,
//! hasmoved, notaccept) is overturned when the text plainly refuses the *sender* — a block
//! list, an authentication failure, a reputation or rate limit. A sender incident must never
//! count against a subscriber.

use super::clues::Clues;
use super::phrases::Set;
use crate::domain::Reason;

/// Sender-side sets, strongest meaning first.
const SENDER_SIDE: &[(Set, Reason)] = &[
    (Set::AuthFailure, Reason::AuthFailure),
    (Set::RequirePtr, Reason::RequirePtr),
    (Set::BadReputation, Reason::BadReputation),
    (Set::Speeding, Reason::Speeding),
    (Set::SenderAddress, Reason::Rejected),
    (Set::SenderMarker, Reason::Blocked),
];

/// `verdict`, unless it blames the recipient while the text blames the sender.
pub(super) fn keep_sender_refusals_off_recipients(verdict: Reason, clues: &Clues<'_>) -> Reason {
    if !blames_recipient(verdict) {
        return verdict;
    }
    SENDER_SIDE.iter().find(|(set, _)| clues.has(*set)).map_or(verdict, |(_, reason)| *reason)
}

fn blames_recipient(reason: Reason) -> bool {
    matches!(
        reason,
        Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved | Reason::NotAccept
    )
}
