//! Local delivery agents (dovecot, mail.local, procmail, maildrop, vpopmail, vmailmgr): their
//! messages name the agent, and an agent failure without a known message is a mailer error.

use super::SmtpCommand;
use super::clues::Clues;
use super::matcher::catalog;
use crate::domain::Reason;

/// One local delivery agent: the phrases that name it and what its messages mean.
pub(super) struct Agent {
    pub(super) markers: &'static [&'static str],
    pub(super) rules: &'static [(Reason, &'static [&'static str])],
}

pub(super) const AGENTS: &[Agent] = {
    use Reason::*;
    &[
        Agent {
            markers: &["your message to <…> was automatically rejected:"],
            rules: &[
                (MailboxFull, &["not enough disk space", "quota exceeded"]),
                (UserUnknown, &["mailbox doesn't exist: "]),
            ],
        },
        Agent {
            markers: &["mail.local: "],
            rules: &[
                (MailboxFull, &["disc quota exceeded", "mailbox full or quota exceeded"]),
                (SystemError, &["temporary file write error"]),
                (
                    UserUnknown,
                    &[
                        ": invalid mailbox path",
                        ": unknown user:",
                        ": user missing home directory",
                        ": user unknown",
                    ],
                ),
            ],
        },
        Agent {
            markers: &["procmail: ", "/procmail "],
            rules: &[
                (MailboxFull, &["quota exceeded while writing", "user over quota"]),
                (SystemError, &["service unavailable"]),
                (SystemFull, &["no space left to finish writing"]),
            ],
        },
        Agent {
            markers: &["maildrop: "],
            rules: &[
                (MailboxFull, &["maildir over quota."]),
                (UserUnknown, &["cannot find system user", "invalid user specified."]),
            ],
        },
        Agent {
            markers: &["vdelivermail: "],
            rules: &[
                (Filtered, &["user does not exist, but will deliver to "]),
                (MailboxFull, &["domain is over quota", "user is over quota"]),
                (Suspend, &["account is locked email bounced"]),
                (UserUnknown, &["sorry, no mailbox here by that name."]),
            ],
        },
        Agent {
            markers: &["vdeliver: "],
            rules: &[
                (MailboxFull, &["delivery failed due to system quota violation"]),
                (
                    UserUnknown,
                    &[
                        "invalid or unknown base user or domain",
                        "invalid or unknown virtual user",
                        "user name does not refer to a virtual user",
                    ],
                ),
            ],
        },
    ]
};

/// The verdict for a failure reported by a local delivery agent.
pub(super) fn by_local_agent(clues: &Clues<'_>) -> Option<Reason> {
    let after_data =
        matches!(clues.command, None | Some(SmtpCommand::Data | SmtpCommand::EndOfData));
    if clues.text.is_empty() || !after_data {
        return None;
    }
    let offsets = &catalog().offsets.agents;
    let (agent, marker) =
        AGENTS.iter().zip(offsets).find(|(_, marker)| clues.hits.has_id(**marker))?;
    let known = agent.rules.iter().zip(marker + 1..).find(|(_, id)| clues.hits.has_id(*id));
    Some(known.map_or(Reason::MailerError, |((reason, _), _)| *reason))
}
