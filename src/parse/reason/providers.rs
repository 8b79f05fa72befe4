//! Mailbox providers whose refusals carry their own vocabulary. A provider is recognised by
//! the recipient's domain (one of its own), the remote host name (a suffix), a marker in the
//! text (its postmaster URL, its error label) or the MTA that wrote the bounce; then its labels
//! and its rules decide before the general rules do.

use super::clues::Clues;
use super::codes::Codes;
use super::labels;
use super::matcher::catalog;
use crate::domain::Reason;

/// One provider's table.
pub(super) struct Provider {
    /// Suffixes of the remote host name.
    pub(super) hosts: &'static [&'static str],
    /// Lower-case phrases that only this provider writes.
    pub(super) markers: &'static [&'static str],
    /// Reads the provider's own error label (such as Cox's `AUP#CXBL`), when it has one.
    pub(super) label: Option<fn(&Clues<'_>) -> Option<Reason>>,
    /// Phrase rules, first match wins.
    pub(super) rules: &'static [Rule],
}

/// A phrase that means `reason` when the codes fit too.
#[derive(Debug)]
pub(super) struct Rule {
    pub(super) when: When,
    pub(super) phrase: &'static str,
    pub(super) reason: Reason,
}

/// The codes a rule also needs.
#[derive(Debug, Clone, Copy)]
pub(super) enum When {
    Always,
    Status(Codes),
    Reply(u16),
    /// Reply code and status compared without their class digit, as Gmail documents them
    /// (`21` for 421/521, `(7, 0)` for 4.7.0/5.7.0).
    Classless {
        reply: u16,
        subject: u16,
        detail: u16,
    },
}

impl When {
    fn holds(self, clues: &Clues<'_>) -> bool {
        match self {
            When::Always => true,
            When::Status(codes) => codes.covers(clues),
            When::Reply(code) => clues.reply == Some(code),
            When::Classless { reply, subject, detail } => {
                clues.reply.is_some_and(|r| r % 100 == reply)
                    && clues.status.is_some_and(|s| s.subject == subject && s.detail == detail)
            }
        }
    }
}

const fn any(phrase: &'static str, reason: Reason) -> Rule {
    Rule { when: When::Always, phrase, reason }
}

const fn status(codes: Codes, phrase: &'static str, reason: Reason) -> Rule {
    Rule { when: When::Status(codes), phrase, reason }
}

const fn reply(code: u16, phrase: &'static str, reason: Reason) -> Rule {
    Rule { when: When::Reply(code), phrase, reason }
}

const fn gmail(reply: u16, code: (u16, u16), phrase: &'static str, reason: Reason) -> Rule {
    Rule {
        when: When::Classless { reply: reply % 100, subject: code.0, detail: code.1 },
        phrase,
        reason,
    }
}

const fn one(class: u8, subject: u16, detail: u16) -> Codes {
    Codes::one(class, subject, detail)
}

/// The provider that sent this refusal, if any, and its verdict.
///
/// Looked for in this order, as Sisimai does: the recipient's domain (a provider's own
/// domain, whose MX is the provider), the remote host, a marker in the text, and last the
/// MTA that wrote the bounce (a provider words its own DNS and queue errors).
pub(super) fn by_provider(clues: &Clues<'_>) -> Option<Reason> {
    let offsets = &catalog().offsets.providers;
    let find = |test: &dyn Fn(&Provider, u16) -> bool| {
        PROVIDERS.iter().zip(offsets).find(|(p, id)| test(p, **id)).map(|(p, id)| (p, *id))
    };
    let (provider, first) = clues
        .domain
        .and_then(|domain| find(&|p, _| p.serves(domain)))
        .or_else(|| clues.host.and_then(|host| find(&|p, _| p.runs(host))))
        .or_else(|| find(&|_, id| clues.hits.has_id(id)))
        .or_else(|| clues.reporter.and_then(|host| find(&|p, _| p.runs(host))))?;
    provider.label.and_then(|read| read(clues)).or_else(|| provider.apply_rules(clues, first))
}

impl Provider {
    /// True when the host name ends with one of the provider's suffixes.
    fn runs(&self, host: &str) -> bool {
        let host = host.as_bytes();
        self.hosts.iter().any(|suffix| {
            host.len() >= suffix.len()
                && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
        })
    }

    /// True when a mail domain is the provider's own: one of its host suffixes is the domain
    /// or ends with `.domain` (`hotmail.com` for `.hotmail.com`, `au.com` for `msmx.au.com`).
    fn serves(&self, domain: &str) -> bool {
        let domain = domain.as_bytes();
        self.hosts.iter().any(|suffix| {
            let suffix = suffix.as_bytes();
            suffix.len() >= domain.len()
                && suffix[suffix.len() - domain.len()..].eq_ignore_ascii_case(domain)
                && (suffix.len() == domain.len() || suffix[suffix.len() - domain.len() - 1] == b'.')
        })
    }

    fn apply_rules(&self, clues: &Clues<'_>, marker_id: u16) -> Option<Reason> {
        self.rules
            .iter()
            .zip(marker_id + 1..)
            .find(|(rule, id)| clues.hits.has_id(*id) && rule.when.holds(clues))
            .map(|(rule, _)| rule.reason)
    }
}

/// All providers. A host matches at most one suffix list; markers are specific enough that
/// the order rarely matters, but earlier providers win.
pub(super) const PROVIDERS: &[Provider] = &[
    // aol
    Provider { hosts: &[".mail.aol.com", ".mx.aol.com"], markers: &[], label: None, rules: AOL },
    // apple
    Provider {
        hosts: &[".mail.icloud.com", ".apple.com", ".me.com"],
        markers: &["support.apple.com/en-us/ht204137"],
        label: None,
        rules: APPLE,
    },
    // cloudflare
    Provider {
        hosts: &[".mx.cloudflare.net"],
        markers: &["developers.cloudflare.com/email-routing"],
        label: None,
        rules: CLOUDFLARE,
    },
    // cox
    Provider {
        hosts: &["cox.net"],
        markers: &["www.cox.com/residential/support/email-error-codes"],
        label: Some(labels::cox),
        rules: COX,
    },
    // facebook
    Provider {
        hosts: &[".facebook.com"],
        markers: &["postmaster.facebook.com"],
        label: Some(labels::facebook),
        rules: &[],
    },
    // franceptt
    Provider {
        hosts: &[".laposte.net", ".orange.fr", ".wanadoo.fr"],
        markers: &[],
        label: Some(labels::france_ptt),
        rules: FRANCE_PTT,
    },
    // godaddy
    Provider {
        hosts: &["smtp.secureserver.net", "mailstore1.secureserver.net"],
        markers: &["x.co/rlbounce", "x.co/irbounce"],
        label: Some(labels::godaddy),
        rules: GODADDY,
    },
    // google
    Provider {
        hosts: &["aspmx.l.google.com", "gmail-smtp-in.l.google.com"],
        markers: &[],
        label: None,
        rules: GOOGLE,
    },
    // gsuite
    Provider { hosts: &["googlemail.com"], markers: &[], label: Some(labels::gsuite), rules: &[] },
    // iua
    Provider {
        hosts: &[".email.ua"],
        markers: &[".i.ua/err/"],
        label: Some(labels::iua),
        rules: &[],
    },
    // kddi
    Provider { hosts: &[".ezweb.ne.jp", "msmx.au.com"], markers: &[], label: None, rules: KDDI },
    // messagelabs
    Provider {
        hosts: &[".messagelabs.com"],
        markers: &["symanteccloud.com/troubleshooting"],
        label: None,
        rules: MESSAGE_LABS,
    },
    // microsoft
    Provider {
        hosts: &[
            ".prod.outlook.com",
            ".protection.outlook.com",
            ".onmicrosoft.com",
            ".exchangelabs.com",
        ],
        markers: &[],
        label: None,
        rules: MICROSOFT,
    },
    // mimecast
    Provider { hosts: &[".mimecast.com"], markers: &[], label: None, rules: MIMECAST },
    // nttdocomo
    Provider {
        hosts: &["mfsmax.docomo.ne.jp"],
        markers: &[],
        label: Some(labels::nttdocomo),
        rules: &[],
    },
    // outlook
    Provider { hosts: &[".hotmail.com"], markers: &[], label: None, rules: OUTLOOK },
    // spectrum
    Provider {
        hosts: &["charter.net"],
        markers: &["www.spectrum.net/support/internet/understanding-email-error-codes"],
        label: Some(labels::spectrum),
        rules: &[],
    },
    // tencent
    Provider { hosts: &[".qq.com"], markers: &[], label: None, rules: TENCENT },
    // yahoo
    Provider {
        hosts: &[".yahoodns.net"],
        markers: &["postmaster.yahooinc.com", "senders.yahooinc.com"],
        label: None,
        rules: YAHOO,
    },
    // zoho
    Provider {
        hosts: &[".zoho.com", ".zoho.eu", ".zohomail.com"],
        markers: &[],
        label: None,
        rules: ZOHO,
    },
];

const AOL: &[Rule] = &[
    any("host or domain name not found", Reason::HostUnknown),
    any("type=mx: malformed or unexpected name server reply", Reason::NotAccept),
];

const APPLE: &[Rule] = {
    use Reason::*;
    &[
        any("s dmarc policy", AuthFailure),
        any("blocked for failing both spf and dkim aut", AuthFailure),
        any("rejected due to having a domain present in the spamhaus", Blocked),
        any("rejected due to listing in spamhaus", Blocked),
        any("blocked - see https://support.proofpoint.com/dnsbl-lookup", Blocked),
        any("not accepting connections", Blocked),
        any("recipient no longer on server", HasMoved),
        any("user is over quota", MailboxFull),
        any("relay access denied", NoRelaying),
        any("host/domain does not accept mail", NotAccept),
        any("due to local policy", PolicyViolation),
        any("sender address rejected", Rejected),
        any("due to excessive volume", Speeding),
        any("inactive email address", UserUnknown),
        any("user does not exist", UserUnknown),
        any("unknown or illegal alias", UserUnknown),
    ]
};

const CLOUDFLARE: &[Rule] = &[
    any("found on one or more dnsbls", Reason::Blocked),
    any("upstream error", Reason::SystemError),
];

const COX: &[Rule] = {
    use Reason::*;
    &[
        any("cox too many bad commands from", Blocked),
        any("too many invalid recipients", Blocked),
        any("dns check failure - try again later", RequirePtr),
        any("rejected - no rdns", RequirePtr),
        any("esmtp no data before greeting", PolicyViolation),
        any("attachment extension is forbidden", PolicyViolation),
        any("sender rejected", Rejected),
        any("esmtp server temporarily not available", SystemError),
        any("too many sessions from", TooManyConn),
        any("requested action aborted: try again later", TooManyConn),
        any("message threshold exceeded", TooManyConn),
        any("recipient rejected", UserUnknown),
    ]
};

const FRANCE_PTT: &[Rule] = &[any("spf/dns de votre nom de domaine", Reason::AuthFailure)];

const GODADDY: &[Rule] = {
    use Reason::*;
    &[
        any("rbl reject", Blocked),
        any("www.spamhaus.org/query/bl?ip=", Blocked),
        any("has been in the queue too long", Expired),
        any("delivery timeout", Expired),
        any("account storage limit", MailboxFull),
        any("message rejected for spam or virus content", SpamDetected),
        any("account disabled", Suspend),
        any("message is looping", SystemError),
        any("recipient not found", UserUnknown),
        any("account does not exist", UserUnknown),
    ]
};

const GOOGLE: &[Rule] = {
    use Reason::*;
    &[
        gmail(451, (7, 24), "the spf record of the sending domain", AuthFailure),
        gmail(421, (7, 26), "senders to authenticate with either spf or dkim", AuthFailure),
        gmail(
            550,
            (7, 26),
            "fails to pass spf checks for an spf record with a hard fail",
            AuthFailure,
        ),
        gmail(550, (7, 26), "has an spf record with a hard fail policy", AuthFailure),
        gmail(550, (7, 26), "is not accepted due to domain's dmarc policy", AuthFailure),
        gmail(550, (7, 1), "fails to pass authentication checks", AuthFailure),
        gmail(550, (7, 26), "fails to pass authentication checks", AuthFailure),
        gmail(421, (7, 27), "senders to authenticate with spf", AuthFailure),
        gmail(421, (7, 27), "senders to authenticate their email with spf", AuthFailure),
        gmail(421, (7, 30), "senders to authenticate their email with dkim", AuthFailure),
        gmail(550, (7, 30), "senders to authenticate with dkim", AuthFailure),
        gmail(421, (7, 32), "aligned with either the authenticated spf or dkim", AuthFailure),
        gmail(421, (7, 40), "to add a dmarc record to ", AuthFailure),
        gmail(421, (7, 0), "very low reputation of the sending ip address", BadReputation),
        gmail(421, (7, 0), "very low reputation of the sending domain", BadReputation),
        gmail(
            550,
            (7, 1),
            "due to the very low reputation of the sending ip address",
            BadReputation,
        ),
        gmail(550, (7, 1), "due to the very low reputation of the sending domain", BadReputation),
        gmail(421, (7, 0), "ip not in whitelist for rcpt domain", Blocked),
        gmail(421, (7, 0), "try again later, closing connection.", Blocked),
        gmail(501, (5, 4), "empty helo/ehlo argument not allowed", Blocked),
        gmail(501, (5, 4), "helo/ehlo argument is invalid", Blocked),
        gmail(421, (7, 0), "an unusual rate of unsolicited mail", Blocked),
        gmail(421, (7, 28), "an unusual rate of mail", Blocked),
        gmail(550, (7, 1), "an unusual rate of unsolicited mail", Blocked),
        gmail(550, (7, 28), "an unusual rate of unsolicited mail", Blocked),
        gmail(552, (2, 3), "exceeded google's message size limits", ExceedLimit),
        gmail(552, (3, 4), "exceeds google's limit of limit attachments.", ExceedLimit),
        gmail(
            552,
            (3, 4),
            "your message exceeded google's message header size limits",
            ExceedLimit,
        ),
        gmail(552, (3, 4), "bytes per individual header size", ExceedLimit),
        gmail(552, (3, 4), "exceeds google's header name limit of", ExceedLimit),
        gmail(552, (3, 4), "exceeds google's message header size limit", ExceedLimit),
        gmail(421, (7, 0), "connection expired", Expired),
        gmail(451, (4, 2), "timeout - closing connection", Expired),
        gmail(530, (7, 0), "must issue a starttls command first", FailedStartTls),
        gmail(454, (5, 1), "starttls may not be repeated", FailedStartTls),
        gmail(421, (7, 0), "tls required for rcpt domain", FailedStartTls),
        gmail(421, (7, 29), "senders to use tls/ssl for smtp", FailedStartTls),
        gmail(452, (2, 2), "inbox is out of storage space", MailboxFull),
        gmail(452, (2, 2), "is over quota", MailboxFull),
        gmail(550, (7, 1), "email quota exceeded", MailboxFull),
        gmail(552, (3, 4), "exceeded google's message size limits", MesgTooBig),
        gmail(552, (3, 4), "exceeds google's message size limit of", MesgTooBig),
        gmail(554, (4, 6), "message exceeded 50 hops", NetworkError),
        gmail(554, (6, 0), "message exceeded 50 hops", NetworkError),
        gmail(550, (7, 0), "mail relay denied", NoRelaying),
        gmail(550, (7, 1), "invalid credentials for relay", NoRelaying),
        gmail(550, (7, 1), "is not authorized to send email directly to our servers", NoRelaying),
        gmail(550, (7, 1), "missing a valid address in the from: header", NotCompliantRfc),
        gmail(550, (7, 1), "multiple addresses in from: header are not accepted", NotCompliantRfc),
        gmail(550, (7, 1), "is not rfc 5322 compliant", NotCompliantRfc),
        gmail(550, (7, 1), "missing a valid message-id: header", NotCompliantRfc),
        gmail(550, (7, 1), "contains a unicode character in a disallowed header", NotCompliantRfc),
        gmail(550, (7, 1), "encoded-word syntax is not permitted", NotCompliantRfc),
        gmail(553, (1, 7), "is not a valid rfc 5321 address", NotCompliantRfc),
        gmail(554, (6, 0), "mail message is malformed", NotCompliantRfc),
        gmail(552, (7, 0), "illegal attachment on your message", PolicyViolation),
        gmail(
            552,
            (7, 0),
            "blocked because its content presents a potential security issue",
            PolicyViolation,
        ),
        gmail(
            550,
            (7, 1),
            "you are sending to (or from) has a policy that prohibited",
            PolicyViolation,
        ),
        gmail(421, (7, 28), "sending messages with the same message-id:", PolicyViolation),
        gmail(550, (7, 0), "mail sending denied", Rejected),
        gmail(550, (7, 1), "unauthenticated email is not accepted", Rejected),
        gmail(421, (7, 0), "does not have a ptr record", RequirePtr),
        gmail(421, (7, 23), " have a ptr record, or the ptr record", RequirePtr),
        gmail(
            550,
            (7, 1),
            "does not meet ipv6 sending guidelines regarding ptr records and authentication",
            RequirePtr,
        ),
        gmail(550, (7, 25), "does not have a ptr record", RequirePtr),
        gmail(550, (7, 25), "does not match the ip address of the hostname", RequirePtr),
        gmail(454, (7, 0), "too many login attempts", SecurityError),
        gmail(501, (5, 2), "cannot decode response", SecurityError),
        gmail(503, (7, 0), "no identity changes permitted", SecurityError),
        gmail(530, (5, 1), "authentication required.", SecurityError),
        gmail(530, (7, 0), "authentication required.", SecurityError),
        gmail(535, (7, 1), "application-specific password required", SecurityError),
        gmail(535, (7, 9), "application-specific password required", SecurityError),
        gmail(535, (7, 1), "please log in with your web browser", SecurityError),
        gmail(534, (7, 9), "please log in with your web browser", SecurityError),
        gmail(534, (7, 14), "please log in through your web browser", SecurityError),
        gmail(535, (7, 1), "username and password not accepted", SecurityError),
        gmail(535, (7, 8), "username and password not accepted", SecurityError),
        gmail(421, (7, 0), "due to the nature of the content or the links within", SpamDetected),
        gmail(550, (7, 1), "likely unsolicited mail", SpamDetected),
        gmail(450, (2, 1), "is receiving mail too quickly", Speeding),
        gmail(450, (2, 1), "peak smtp relay limit exceeded for customer", Speeding),
        gmail(450, (2, 1), "rate that prevents additional messages from being delivered", Speeding),
        gmail(550, (4, 5), "daily sending quota exceeded", Speeding),
        gmail(550, (4, 5), "daily user sending limit exceeded", Speeding),
        gmail(550, (4, 5), "daily smtp relay limit exceeded for", Speeding),
        gmail(550, (7, 1), "daily smtp relay limit exceeded for", Speeding),
        gmail(550, (7, 1), "daily smtp relay sending limit exceeded for", Speeding),
        gmail(550, (7, 1), "this mail has been rate limited", Speeding),
        gmail(550, (2, 1), "account that you tried to reach is disabled", Suspend),
        gmail(550, (2, 1), "account that you tried to reach is inactive", Suspend),
        gmail(451, (5, 0), "smtp protocol violation", SyntaxError),
        gmail(525, (7, 10), "smtp protocol violation", SyntaxError),
        gmail(535, (5, 4), "optional argument not permitted", SyntaxError),
        gmail(501, (7, 11), "syntax error", SyntaxError),
        gmail(501, (5, 2), "syntax error", SyntaxError),
        gmail(502, (5, 1), "too many unrecognized commands, goodbye", SyntaxError),
        gmail(502, (5, 1), "unimplemented command", SyntaxError),
        gmail(502, (5, 1), "unrecognized command", SyntaxError),
        gmail(503, (5, 1), "bad sequence of commands", SyntaxError),
        gmail(503, (5, 1), "ehlo/helo first", SyntaxError),
        gmail(503, (5, 1), "mail first", SyntaxError),
        gmail(503, (5, 1), "rcpt first", SyntaxError),
        gmail(503, (5, 1), "no data after bdat", SyntaxError),
        gmail(504, (7, 4), "unrecognized authentication type", SyntaxError),
        gmail(504, (7, 4), "xoauth is no longer supported", SyntaxError),
        gmail(554, (7, 0), "too many unauthenticated commands", SyntaxError),
        gmail(421, (3, 0), "temporary system problem", SystemError),
        gmail(421, (7, 0), "temporary system problem", SystemError),
        gmail(421, (4, 5), "server busy", SystemError),
        gmail(
            451,
            (3, 0),
            "multiple destination domains per transaction is unsupported",
            SystemError,
        ),
        gmail(451, (3, 0), "mail server has temporarily rejected this message", SystemError),
        gmail(451, (3, 0), "mail server temporarily rejected message", SystemError),
        gmail(452, (5, 3), "domain policy size per transaction exceeded", SystemError),
        gmail(454, (7, 0), "cannot authenticate due to temporary system problem", SystemError),
        gmail(452, (5, 3), "your message has too many recipients", TooManyConn),
        gmail(550, (5, 3), "too many recipients for this sender", TooManyConn),
        gmail(550, (1, 1), "the email account that you tried to reach does not exist", UserUnknown),
        gmail(553, (1, 2), "we weren't able to find the recipient domain", UserUnknown),
        gmail(553, (1, 3), "is not a valid rfc 5321 address", UserUnknown),
    ]
};

const KDDI: &[Rule] =
    &[any("550 : user unknown", Reason::Filtered), any(">: user unknown", Reason::UserUnknown)];

const MESSAGE_LABS: &[Rule] = {
    use Reason::*;
    &[
        any("domain authentication fail", AuthFailure),
        any("connection rejected by policy", BadReputation),
        any("mail rejected because your ip is in the pbl", Blocked),
        any("your ip address has been ", Blocked),
        any("stray linefeeds in message", ContentError),
        any("tls/sslv3 connection required", FailedStartTls),
        any(" as a relay, ", NoRelaying),
        any("550 requested action aborted [4]", NotCompliantRfc),
        any("has detected that this message is not rfc 5322", NotCompliantRfc),
        any("sender envelope domain not allowed for sender ip address", Rejected),
        any("your domain has been blocked", Rejected),
        any("your email address has been blocked", Rejected),
        any("your envelope sender is in my badmailfrom list", Rejected),
        any("your email address has been blacklisted", Rejected),
        any("your domain has been blacklisted", Rejected),
        any("please turn on smtp authentication in your mail client", SecurityError),
        any("message filtered", SpamDetected),
        any("filtered by outbound scanning", SpamDetected),
        any("too many recipients received this hour", TooManyConn),
        any("too many messages", TooManyConn),
        any("no such user", UserUnknown),
        any("invalid recipient", UserUnknown),
        any("mailbox is not allowed", UserUnknown),
    ]
};

const MICROSOFT: &[Rule] = {
    use Reason::*;
    let span = Codes::span;
    &[
        status(
            one(4, 7, 26),
            "must pass either spf or dkim validation, this message is not signed",
            AuthFailure,
        ),
        status(
            one(5, 7, 23),
            "the message was rejected because of sender policy framework violation",
            AuthFailure,
        ),
        status(one(5, 7, 509), "does not pass dmarc verification", AuthFailure),
        status(one(5, 7, 515), "doesn't meet the required authentication level", AuthFailure),
        status(
            one(4, 7, 650),
            "has been temporarily rate limited due to ip reputation",
            BadReputation,
        ),
        status(one(4, 4, 2), "connection dropped", Blocked),
        status(span(4, 7, 850, 899), "access denied, please try again later", Blocked),
        status(one(5, 7, 25), "must have a reverse dns record", Blocked),
        status(one(5, 7, 506), "access denied, bad helo", Blocked),
        status(one(5, 7, 507), "access denied, rejected by recipient", Blocked),
        status(one(5, 7, 510), "does not accept email over ipv6", Blocked),
        status(one(5, 7, 511), "access denied, banned sender", Blocked),
        status(one(5, 7, 513), "using customer block list", Blocked),
        status(span(5, 7, 606, 649), "access denied, banned sending ip ", Blocked),
        status(span(4, 7, 500, 699), "access denied, please try again later", Blocked),
        status(one(5, 5, 4), "invalid domain name", Blocked),
        status(one(5, 7, 1), "part of their network is on our block list (s3150)", Blocked),
        status(one(5, 3, 0), "too many related errors", ContentError),
        status(one(5, 6, 11), "invalid characters", ContentError),
        status(one(5, 4, 11), "agent generated message depth exceeded", ContentError),
        status(one(5, 5, 6), "invalid message content", ContentError),
        status(
            one(5, 2, 3),
            "resolver.rst.recipsizelimit; message too large for this recipient",
            ExceedLimit,
        ),
        status(one(5, 3, 4), "message size exceeds fixed maximum message size", MesgTooBig),
        status(one(5, 3, 4), "message too big for system", MesgTooBig),
        status(one(4, 4, 1), "connection timed out", Expired),
        status(one(4, 4, 7), "message delayed", Expired),
        status(one(4, 4, 7), "queue expired; message expired", Expired),
        status(one(4, 4, 7), "message expired", Expired),
        status(one(5, 4, 300), "message expired", Expired),
        status(one(5, 4, 316), "message expired", Expired),
        status(one(4, 4, 8), " failed mta-sts validation", FailedStartTls),
        status(one(5, 4, 8), " failed mta-sts validation", FailedStartTls),
        status(one(4, 4, 317), "starttls is required to send mail", FailedStartTls),
        status(one(5, 4, 317), "starttls is required to send mail", FailedStartTls),
        status(one(4, 7, 5), "remote certificate failed mta-sts validation", FailedStartTls),
        status(one(5, 7, 5), "remote certificate failed mta-sts validation", FailedStartTls),
        status(
            one(5, 7, 51),
            "restrictdomainstoipaddresses or restrictdomainstocertificate",
            FailedStartTls,
        ),
        status(one(4, 7, 321), "starttls-not-supported:", FailedStartTls),
        status(one(5, 7, 321), "starttls-not-supported:", FailedStartTls),
        status(one(5, 7, 322), "certificate-expired:", FailedStartTls),
        status(span(4, 7, 323, 323), "tlsa-invalid:", FailedStartTls),
        status(one(5, 7, 323), "tlsa-invalid:", FailedStartTls),
        status(one(4, 7, 324), "dnssec-invalid:", FailedStartTls),
        status(one(5, 7, 324), "dnssec-invalid:", FailedStartTls),
        status(one(4, 7, 325), "certificate-host-mismatch:", FailedStartTls),
        status(one(5, 7, 325), "certificate-host-mismatch:", FailedStartTls),
        status(one(5, 2, 2), "mailbox full", MailboxFull),
        status(one(5, 4, 4), "smtpsend.dns.nonexistentdomain; nonexistent domain", NetworkError),
        status(one(5, 4, 6), "hop count exceeded - possible mail loop", NetworkError),
        status(one(4, 4, 312), "dns query failed", NetworkError),
        status(one(5, 4, 312), "dns query failed", NetworkError),
        status(one(4, 4, 316), "connection refused", NetworkError),
        status(one(5, 4, 316), "connection refused", NetworkError),
        status(one(5, 4, 4), "invalid arguments", NetworkError),
        status(one(5, 4, 6), "routing loop detected", NetworkError),
        status(one(5, 4, 14), "routing loop detected", NetworkError),
        status(one(5, 7, 1), "unable to relay", NoRelaying),
        status(one(5, 7, 1), "client was not authenticated", NoRelaying),
        status(one(5, 4, 1), "relay access denied", NoRelaying),
        status(one(5, 7, 64), "tenantattribution; relay access denied", NoRelaying),
        status(one(5, 4, 310), "does not exist", NoRelaying),
        status(one(4, 3, 2), "system not accepting network messages", NotAccept),
        status(one(4, 4, 4), "hosted tenant which has no mail-enabled subscriptions", NotAccept),
        status(
            one(5, 3, 2),
            "storedrv.deliver: missing or bad storedriver mdb properties",
            NotAccept,
        ),
        status(one(5, 0, 350), "x-dg-ref header is too long", PolicyViolation),
        status(
            one(5, 0, 350),
            "requested action not taken: policy violation detected (as345)",
            PolicyViolation,
        ),
        status(span(5, 7, 900, 999), "delivery not authorized, message refused", PolicyViolation),
        status(one(5, 1, 7), "invalid address", Rejected),
        status(one(5, 1, 7), "unknown sender address", Rejected),
        status(one(5, 1, 0), "sender denied", Rejected),
        status(one(5, 1, 8), "access denied, bad outbound sender", Rejected),
        status(one(5, 7, 1), "delivery not authorized", Rejected),
        status(one(5, 7, 12), "sender was not authenticated by organization", Rejected),
        status(one(5, 7, 124), "sender not in allowed-senders list", Rejected),
        status(one(5, 7, 133), "sender not authenticated for group", Rejected),
        status(one(5, 7, 134), "sender was not authenticated for mailbox", Rejected),
        status(one(5, 7, 13), "sender was not authenticated for public folder", Rejected),
        status(one(5, 7, 135), "sender was not authenticated for public folder", Rejected),
        status(one(5, 7, 136), "sender was not authenticated", Rejected),
        status(span(5, 7, 501, 503), "access denied, spam abuse detected", Rejected),
        status(
            one(5, 7, 512),
            "access denied, message must be rfc 5322 section 3.6.2 compliant",
            Rejected,
        ),
        status(
            one(5, 7, 750),
            "service unavailable. client blocked from sending from unregistered domains",
            Rejected,
        ),
        status(span(5, 7, 501, 503), "access denied, banned sender", Rejected),
        status(one(5, 7, 3), "cannot achieve exchange server authentication", SecurityError),
        status(one(5, 7, 3), "not authorized", SecurityError),
        status(
            one(5, 7, 57),
            "client was not authenticated to send anonymous mail during mail from",
            SecurityError,
        ),
        status(one(5, 2, 1), "content filter agent quarantined this message", SpamDetected),
        status(one(5, 5, 3), "too many recipients", TooManyConn),
        status(one(4, 3, 2), "storedrv.deliver; recipient thread limit exceeded", Speeding),
        status(one(4, 5, 3), "too many recipients", TooManyConn),
        status(one(4, 7, 652), "has exceeded the maximum number of connections", TooManyConn),
        status(one(5, 1, 90), "reached your daily limit for message recipients", Speeding),
        status(one(5, 2, 2), "submission quota exceeded", Speeding),
        status(one(5, 2, 121), "recipient's per hour message receive limit", Speeding),
        status(one(5, 2, 122), "recipient's per hour message receive limit", Speeding),
        status(one(5, 2, 122), "the recipient has exceeded their limit for", Speeding),
        status(one(5, 7, 508), "has exceeded permitted limits within", Speeding),
        status(span(5, 7, 700, 749), "tenant has exceeded threshold", Speeding),
        status(span(5, 7, 700, 749), "traffic not accepted from this ip", Speeding),
        status(one(5, 7, 504), "recipient address rejected: access denied", Suspend),
        status(one(5, 7, 505), "access denied, banned recipient", Suspend),
        status(one(5, 2, 1), "mailbox cannot be accessed", Suspend),
        status(one(5, 3, 3), "unrecognized command", SyntaxError),
        status(one(5, 5, 2), "send hello first", SyntaxError),
        status(one(4, 3, 2), "service not available", SystemError),
        status(one(4, 3, 2), "service not active", SystemError),
        status(one(5, 3, 5), "system incorrectly configured", SystemError),
        status(one(5, 3, 190), "when journaling archive is disabled", SystemError),
        status(one(5, 0, 0), "helo / ehlo requires domain address", SystemError),
        status(one(5, 1, 4), "destination mailbox address ambiguous", SystemError),
        status(one(5, 2, 4), "mailing list expansion problem", SystemError),
        status(one(5, 2, 14), "misconfigured forwarding address", SystemError),
        status(span(4, 4, 22, 28), "message failed to be replicated:", SystemError),
        status(one(4, 4, 3), "temporary server error. please try again later attr18", SystemError),
        status(
            one(4, 7, 0),
            "temporary server error. please try again later. prx4 nexthop:",
            SystemError,
        ),
        status(one(4, 4, 318), "(suspiciousremoteservererror)", SystemError),
        status(one(5, 4, 318), "(suspiciousremoteservererror)", SystemError),
        status(one(4, 7, 500), "server busy. please try again later from ", SystemError),
        status(one(4, 7, 700), "pfa agent busy, please try again.", SystemError),
        status(one(4, 3, 1), "insufficient system resources", SystemFull),
        status(one(5, 1, 1), "resolver.adr.exrecipnotfound; not found", UserUnknown),
        status(one(5, 1, 1), "user unknown", UserUnknown),
        status(one(5, 1, 3), "storedrv.submit; invalid recipient address", UserUnknown),
        status(span(5, 1, 4, 5), "recipient address reserved by rfc 2606", UserUnknown),
        status(
            one(5, 1, 6),
            "recipient addresses in single label domains not accepted",
            UserUnknown,
        ),
        status(one(5, 1, 1), "bad destination mailbox address", UserUnknown),
        status(one(5, 1, 10), "recipient not found", UserUnknown),
        status(one(5, 4, 1), "recipient address rejected: access denied", UserUnknown),
        status(one(5, 5, 0), "requested action not taken: mailbox unavailable", UserUnknown),
        status(one(5, 1, 2), "invalid x.400 address", UserUnknown),
        status(
            one(5, 1, 351),
            "remote server returned unknown recipient or mailbox unavailable",
            UserUnknown,
        ),
    ]
};

const MIMECAST: &[Rule] = {
    use Reason::*;
    &[
        reply(550, "spf sender invalid - envelope rejected", AuthFailure),
        reply(550, "dkim sender invalid - envelope rejected", AuthFailure),
        reply(550, "dmarc sender invalid - envelope rejected", AuthFailure),
        reply(451, "internal resources are temporarily unavailable", BadReputation),
        reply(550, "local ct ip reputation - (reject)", BadReputation),
        reply(421, "sender address blocked", Blocked),
        reply(451, "recipient temporarily unavailable", Blocked),
        reply(451, "ip temporarily blacklisted", Blocked),
        reply(550, "journal messages past the expiration", Expired),
        reply(553, "this route requires encryption (tls)", FailedStartTls),
        reply(553, "this route requires tls version 1.2 or greater", FailedStartTls),
        reply(553, "this route requires high-strength ciphers", FailedStartTls),
        reply(554, "configuration is invalid for this certificate", FailedStartTls),
        reply(554, "maximum email size exceeded", MesgTooBig),
        reply(451, "the incorrect hostname used for inbounds", NetworkError),
        reply(550, "the incorrect hostname used for inbounds", NetworkError),
        reply(554, "mail loop detected", NetworkError),
        reply(451, "open relay not allowed", NoRelaying),
        reply(451, "open relay is not allowed", NoRelaying),
        reply(451, "account inbounds disabled", NotAccept),
        reply(550, "anti-spoofing policy - inbound not allowed", PolicyViolation),
        reply(550, "rejected by header-based anti-spoofing policy", PolicyViolation),
        reply(550, "message bounced due to content examination policy", PolicyViolation),
        reply(554, "host network not allowed", PolicyViolation),
        reply(554, "host network, not allowed", PolicyViolation),
        reply(550, "administrative prohibition envelope blocked", Rejected),
        reply(550, "envelope blocked - user entry", Rejected),
        reply(550, "envelope blocked - user domain entry", Rejected),
        reply(
            550,
            "rejected by header-based manually blocked senders - block for manual block",
            Rejected,
        ),
        reply(
            550,
            "rejected by header-based blocked senders - block policy for header from",
            Rejected,
        ),
        reply(550, "envelope rejected - block policy for envelope from address", Rejected),
        reply(535, "incorrect authentication data", SecurityError),
        reply(550, "submitter failed to disabled", SecurityError),
        reply(550, "submitter failed to authenticate", SecurityError),
        reply(451, "unable to process connection at this time", SystemError),
        reply(451, "message ended early", SystemError),
        reply(451, "unable to process command", SystemError),
        reply(451, "unable to process an email at this time", SystemError),
        reply(451, "account service is temporarily unavailable", TooManyConn),
        reply(452, "too many recipients", TooManyConn),
        reply(550, "exceeding outbound thread limit", TooManyConn),
        reply(501, "invalid address", UserUnknown),
        reply(503, "user unknown", UserUnknown),
        reply(550, "invalid recipient", UserUnknown),
        reply(554, "email rejected due to security policies", VirusDetected),
    ]
};

const OUTLOOK: &[Rule] = &[
    any(
        "the mail could not be delivered to the recipient because the domain is not reachable",
        Reason::HostUnknown,
    ),
    any("requested action not taken: mailbox unavailable", Reason::UserUnknown),
];

const TENCENT: &[Rule] = {
    use Reason::*;
    &[
        any("spf check failed", AuthFailure),
        any("dmarc check failed", AuthFailure),
        any("suspected bounce attacks", Blocked),
        any("suspected spam ip", Blocked),
        any("connection denied", Blocked),
        any("message too large", MesgTooBig),
        any("spam is embedded in the email", SpamDetected),
        any("mail content denied", SpamDetected),
        any("suspected spam", Rejected),
        any("mail is rejected by recipients", Rejected),
        any("mailbox unavailable or access denined", Speeding),
        any("frequency of receiving messages is limited", Speeding),
        any("is a deactivated mailbox", Suspend),
        any("bad address syntax", SyntaxError),
        any("ip frequency limited", TooManyConn),
        any("domain frequency limited", TooManyConn),
        any("sender frequency limited", TooManyConn),
        any("connection frequency limited", TooManyConn),
        any("mailbox not found", UserUnknown),
    ]
};

const YAHOO: &[Rule] = {
    use Reason::*;
    &[
        any("yahoo requires all senders to authenticate with either spf or dkim", AuthFailure),
        any(" because the ip is in spamhaus's list;", Blocked),
        any("not accepted from ip addresses on spamhaus xbl", Blocked),
        any("relaying denied for ", NoRelaying),
        any("headers are not rfc compliant", NotCompliantRfc),
        any("not accepted for policy reasons", PolicyViolation),
        any("temporarily deferred due to unexpected volume or user complaints", BadReputation),
        any("due to unresolvable rfc.5321 domain", Rejected),
        any(" will be permanently deferred", Blocked),
        any("user is receiving mail too quickly", Speeding),
        any(" is no longer valid.", Suspend),
        any("this mailbox is disabled", Suspend),
        any("syntax error in parameters or arguments", SyntaxError),
        any("max message per connection reached", TooManyConn),
        any("dd this user doesn't have a ", UserUnknown),
        any("mailbox not found", UserUnknown),
    ]
};

const ZOHO: &[Rule] = {
    use Reason::*;
    &[
        any("email rejected per dmarc policy", AuthFailure),
        any("greylisted, try again after some time", Blocked),
        any("email cannot be delivered. reason: email flagged as spam", Rejected),
        any("mail rejected by destination domain", Rejected),
        any("email policy violation detected", PolicyViolation),
        any("mailbox delivery restricted by policy error", PolicyViolation),
        any("temporary system error", SystemError),
        any("user does not exist", UserUnknown),
        any(" detected by zoho mail", VirusDetected),
    ]
};
