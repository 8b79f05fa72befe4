//! What sender-side refusals mean and what to do about them: the knowledge table behind the
//! report's incidents. `identify` reads a refusal's status, reply code and diagnostic text and
//! returns the provider's code (`SC-001`, `RP-001`, `S3150`, `5.7.515`, `4.7.650`, `5.7.26`,
//! `TSS04`, a Spamhaus or Barracuda listing …) with its entry: a plain headline, the meaning and
//! the remedies (SNDS and JMRP enrolment, delisting requests, SPF/DKIM/DMARC/PTR, separate IPs per
//! mail stream). Also the sending IP named in the text. Pure.

use std::net::Ipv4Addr;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// What kind of trouble an incident is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    /// The receiver refuses mail from the IP or network (5xx).
    Block,
    /// A public block list names the IP.
    Listing,
    /// The receiver rejects mail that fails SPF/DKIM/DMARC/PTR requirements.
    Authentication,
    /// The receiver defers or rate-limits (4xx); mail is retried but late.
    Throttle,
    /// The receiver rejects the content as spam or against policy.
    Content,
    /// Anything else on the sender's side (TLS, relaying, sender address).
    Other,
}

impl IncidentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::Block => "block",
            IncidentKind::Listing => "listing",
            IncidentKind::Authentication => "authentication",
            IncidentKind::Throttle => "throttle",
            IncidentKind::Content => "content",
            IncidentKind::Other => "other",
        }
    }
}

/// One entry of the table. `{ip}` and `{provider}` in the texts are filled per incident.
#[derive(Debug)]
pub struct Knowledge {
    pub code: &'static str,
    pub kind: IncidentKind,
    pub headline: &'static str,
    pub meaning: &'static str,
    /// The remedies in one phrase, for the report's headline findings; empty: the first action.
    pub todo: &'static str,
    pub actions: &'static [&'static str],
}

const NOT_RECIPIENTS: &str = "These refusals are about your sending, not the recipients: listhygiene never counts them against the addresses.";
const SNDS: &str = "Check the IP's status and spam-trap hits in SNDS (Smart Network Data Services) and register every sending IP there.";
const JMRP: &str = "Enrol the IP in JMRP (Junk Mail Reporting Program) so Outlook.com complaints reach you, and suppress the complainers.";
const SPLIT: &str = "Send marketing and transactional mail from separate IPs (and sending domains), so one stream's reputation cannot sink the other.";
const SLOW: &str = "Lower the sending rate to this provider and warm the IP up again; send first to the most engaged subscribers.";
const HYGIENE: &str = "Stop mailing never-engaged and old addresses (listhygiene score) and make sure complainers and hard bounces are suppressed before each send.";
const AUTH: &str = "Publish SPF covering every sending IP, sign with DKIM using the From domain (aligned), and publish a DMARC record (at least p=none).";

static TABLE: &[Knowledge] = &[
    Knowledge {
        code: "SC-001",
        kind: IncidentKind::Block,
        headline: "Outlook.com is blocking part of your sending network: {ip}",
        meaning: "Microsoft's consumer mail service (outlook.com, hotmail.com, live.com, msn.com) refuses mail from this IP because the IP or its network is on Microsoft's block list, for reputation or policy reasons.",
        todo: "request delisting via the Outlook.com sender support form, check SNDS, enrol in JMRP, and hold mail to Microsoft domains on this IP until it is delisted",
        actions: &[
            "Request delisting of {ip} through the Outlook.com sender support form (olcsupport.office.com), quoting this SC-001 refusal.",
            SNDS,
            JMRP,
            "Hold mail to Microsoft consumer domains on this IP until it is delisted; retrying in bulk makes the block last longer.",
            SPLIT,
            NOT_RECIPIENTS,
        ],
    },
    Knowledge {
        code: "SC-002",
        kind: IncidentKind::Block,
        headline: "Outlook.com is blocking {ip} for spam-like traffic",
        meaning: "Microsoft's consumer mail service refuses mail from this IP because of what it has recently sent (complaints, spam traps, sudden volume).",
        todo: "fix the cause, request delisting via the Outlook.com sender support form, check SNDS, enrol in JMRP",
        actions: &[
            "Request delisting of {ip} through the Outlook.com sender support form (olcsupport.office.com) once the cause is fixed.",
            SNDS,
            JMRP,
            HYGIENE,
            NOT_RECIPIENTS,
        ],
    },
    Knowledge {
        code: "SC-00x",
        kind: IncidentKind::Block,
        headline: "Outlook.com is blocking {ip}",
        meaning: "Microsoft's consumer mail service refuses mail from this IP (an SC network or reputation block).",
        todo: "request delisting via the Outlook.com sender support form, check SNDS, enrol in JMRP",
        actions: &[
            "Request delisting of {ip} through the Outlook.com sender support form (olcsupport.office.com).",
            SNDS,
            JMRP,
            NOT_RECIPIENTS,
        ],
    },
    Knowledge {
        code: "RP-00x",
        kind: IncidentKind::Throttle,
        headline: "Outlook.com is throttling {ip}: more mail than its reputation allows",
        meaning: "Microsoft's consumer mail service limits how many messages and connections it accepts from this IP per hour and day; the limits depend on the IP's reputation. The mail is retried, but late.",
        todo: "slow down to Microsoft domains, check SNDS, enrol in JMRP, split IPs by mail stream",
        actions: &[SLOW, SNDS, JMRP, SPLIT, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "DY-00x",
        kind: IncidentKind::Block,
        headline: "Outlook.com refuses {ip} as dynamic or residential address space",
        meaning: "Microsoft treats the IP as one that should not send mail directly (dynamic, residential or unexpected network).",
        todo: "",
        actions: &[
            "Send only from static IPs with matching forward and reverse DNS (PTR) of your own domain.",
            "Ask the IP's owner to mark the range as mail-sending, then request delisting through the Outlook.com sender support form (olcsupport.office.com).",
            NOT_RECIPIENTS,
        ],
    },
    Knowledge {
        code: "OU-00x",
        kind: IncidentKind::Block,
        headline: "Outlook.com refuses mail from {ip} by policy",
        meaning: "Microsoft's consumer mail service refuses the IP for policy reasons (typically its reputation or the network it is in).",
        todo: "",
        actions: &[
            "Request delisting of {ip} through the Outlook.com sender support form (olcsupport.office.com).",
            SNDS,
            JMRP,
            NOT_RECIPIENTS,
        ],
    },
    Knowledge {
        code: "4.7.650",
        kind: IncidentKind::Throttle,
        headline: "Outlook.com is rate-limiting {ip} because of the IP's reputation",
        meaning: "Microsoft accepts only part of the mail from this IP (4.7.650/4.7.651, S775/S3114) until its reputation improves. The mail is retried, but late, and bulk retries keep the limit on.",
        todo: "slow down to Microsoft domains, check SNDS, enrol in JMRP",
        actions: &[SLOW, SNDS, JMRP, HYGIENE, SPLIT, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "S3150",
        kind: IncidentKind::Block,
        headline: "Outlook.com has {ip} on its block list",
        meaning: "Microsoft refuses mail from this IP because it is on Microsoft's own block list (S3150 and related S codes).",
        todo: "request delisting via the Outlook.com sender support form, check SNDS, enrol in JMRP",
        actions: &[
            "Request delisting of {ip} through the Outlook.com sender support form (olcsupport.office.com), quoting the S code.",
            SNDS,
            JMRP,
            NOT_RECIPIENTS,
        ],
    },
    Knowledge {
        code: "5.7.515",
        kind: IncidentKind::Authentication,
        headline: "Outlook.com rejects your mail: the sending domain does not meet its authentication requirement",
        meaning: "Since May 2025 Outlook.com rejects mail from senders of more than 5,000 messages a day whose From domain does not pass SPF and DKIM with an aligned DMARC record.",
        todo: "fix SPF, DKIM and DMARC alignment for the From domain",
        actions: &[AUTH, "Check the DMARC aggregate reports for the IPs and services that send as your domain.", NOT_RECIPIENTS],
    },
    Knowledge {
        code: "5.7.606",
        kind: IncidentKind::Block,
        headline: "Microsoft 365 has banned sending IP {ip}",
        meaning: "Exchange Online Protection (business mailboxes hosted by Microsoft 365) refuses mail from this IP (5.7.606–5.7.649: the IP is on Microsoft's banned list).",
        todo: "",
        actions: &[
            "Request removal through the Microsoft 365 delist portal (sender.office.com) with the IP and the refused address.",
            HYGIENE,
            NOT_RECIPIENTS,
        ],
    },
    Knowledge {
        code: "5.7.26",
        kind: IncidentKind::Authentication,
        headline: "Gmail rejects unauthenticated mail from your domain",
        meaning: "The message failed DMARC, or passed neither SPF nor DKIM; Gmail requires both SPF and DKIM and an aligned DMARC record of bulk senders since February 2024.",
        todo: "fix SPF, DKIM and DMARC alignment for the From domain",
        actions: &[AUTH, "Check Google Postmaster Tools' authentication dashboard for the domain.", NOT_RECIPIENTS],
    },
    Knowledge {
        code: "5.7.27",
        kind: IncidentKind::Authentication,
        headline: "Gmail rejects mail from {ip}: SPF does not pass",
        meaning: "Gmail requires SPF to pass for bulk mail; the sending IP is not in the envelope domain's SPF record.",
        todo: "",
        actions: &[AUTH, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "5.7.30",
        kind: IncidentKind::Authentication,
        headline: "Gmail rejects mail without a valid DKIM signature",
        meaning: "Gmail requires DKIM for bulk mail; the messages carried no valid signature.",
        todo: "",
        actions: &[AUTH, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "4.7.32",
        kind: IncidentKind::Authentication,
        headline: "Gmail limits mail whose From domain is not aligned with SPF or DKIM",
        meaning: "The From domain matches neither the SPF (envelope) domain nor the DKIM d= domain, so DMARC alignment fails.",
        todo: "",
        actions: &[AUTH, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "5.7.25",
        kind: IncidentKind::Authentication,
        headline: "{provider} requires valid reverse DNS (PTR) for {ip}",
        meaning: "The sending IP has no PTR record, or its name does not resolve back to the IP.",
        todo: "",
        actions: &["Give every sending IP a PTR record naming a host of your domain whose A/AAAA record points back to the IP.", NOT_RECIPIENTS],
    },
    Knowledge {
        code: "4.7.28",
        kind: IncidentKind::Throttle,
        headline: "Gmail is rate-limiting {ip}: an unusual rate of unsolicited mail",
        meaning: "Gmail sees a suspicious rate of mail (or spam reports) from this IP and accepts only part of it. Gmail's spam rate must stay below 0.1 % and never reach 0.3 %.",
        todo: "",
        actions: &[SLOW, "Check the spam rate and IP reputation in Google Postmaster Tools.", HYGIENE, SPLIT, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "5.7.1-gmail",
        kind: IncidentKind::Content,
        headline: "Gmail refuses mail from {ip} as likely unsolicited",
        meaning: "Gmail's filters judge the messages as spam (domain or IP reputation, content, complaints).",
        todo: "",
        actions: &["Check domain and IP reputation and the spam rate in Google Postmaster Tools.", HYGIENE, "Make the one-click unsubscribe (RFC 8058) prominent and honour it within 2 days.", NOT_RECIPIENTS],
    },
    Knowledge {
        code: "TSS04",
        kind: IncidentKind::Throttle,
        headline: "Yahoo is deferring mail from {ip}: unexpected volume or user complaints",
        meaning: "Yahoo/AOL temporarily defers mail from this IP because of its volume or the complaints it draws. Yahoo requires a complaint rate below 0.3 %.",
        todo: "slow down to Yahoo/AOL, enrol in the Yahoo CFL, suppress complainers",
        actions: &[SLOW, "Enrol your DKIM domain in the Yahoo Complaint Feedback Loop (Sender Hub) and suppress complainers.", HYGIENE, SPLIT, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "TS0x",
        kind: IncidentKind::Throttle,
        headline: "Yahoo is deferring mail from {ip}",
        meaning: "Yahoo/AOL temporarily defers mail from this IP (TS01–TS03: reputation or volume).",
        todo: "",
        actions: &[SLOW, "Enrol your DKIM domain in the Yahoo Complaint Feedback Loop (Sender Hub).", HYGIENE, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "Spamhaus",
        kind: IncidentKind::Listing,
        headline: "{ip} is listed by Spamhaus, and {provider} refuses it",
        meaning: "The sending IP (or the domain) is on a Spamhaus block list (ZEN/SBL/XBL/PBL/CSS/DBL), which many receivers consult.",
        todo: "look the IP up at Spamhaus, fix the cause, request removal",
        actions: &[
            "Look the IP up at Spamhaus, fix what the listing names (compromised host, spam traps, purchased addresses) and request removal.",
            "Pause campaigns from this IP until it is delisted; send from a clean IP only once the cause is fixed.",
            HYGIENE,
            NOT_RECIPIENTS,
        ],
    },
    Knowledge {
        code: "Barracuda",
        kind: IncidentKind::Listing,
        headline: "{ip} is on the Barracuda Reputation Block List",
        meaning: "Receivers using Barracuda appliances refuse the IP because Barracuda's reputation list names it.",
        todo: "",
        actions: &["Look the IP up at Barracuda Central and request removal once the cause is fixed.", HYGIENE, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "DNSBL",
        kind: IncidentKind::Listing,
        headline: "{ip} is on a public block list, and {provider} refuses it",
        meaning: "The receiver consults a DNS block list (SpamCop, SORBS, UCEPROTECT, …) that names the sending IP.",
        todo: "",
        actions: &["Look the IP up on the list the refusal names and follow its removal procedure.", HYGIENE, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "authfailure",
        kind: IncidentKind::Authentication,
        headline: "{provider} rejects mail that fails authentication (SPF/DKIM/DMARC)",
        meaning: "The receiver requires SPF, DKIM and DMARC to pass and align with the From domain.",
        todo: "",
        actions: &[AUTH, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "requireptr",
        kind: IncidentKind::Authentication,
        headline: "{provider} requires valid reverse DNS (PTR) for {ip}",
        meaning: "The sending IP has no PTR record, or it does not match the host name.",
        todo: "",
        actions: &["Give every sending IP a PTR record naming a host of your domain whose A/AAAA record points back to the IP.", NOT_RECIPIENTS],
    },
    Knowledge {
        code: "throttled",
        kind: IncidentKind::Throttle,
        headline: "{provider} is throttling {ip}",
        meaning: "The receiver defers or limits mail from this IP (rate, connections or reputation). The mail is retried, but late.",
        todo: "",
        actions: &[SLOW, SPLIT, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "blocked",
        kind: IncidentKind::Block,
        headline: "{provider} is blocking {ip}",
        meaning: "The receiver refuses mail from this IP or network (reputation or policy).",
        todo: "",
        actions: &["Ask the receiver's postmaster for the reason and a delisting, quoting the refusal.", HYGIENE, SPLIT, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "badreputation",
        kind: IncidentKind::Block,
        headline: "{provider} refuses {ip} for poor reputation",
        meaning: "The receiver judges the IP's or domain's reputation too low to accept the mail.",
        todo: "",
        actions: &[SLOW, HYGIENE, SPLIT, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "content",
        kind: IncidentKind::Content,
        headline: "{provider} rejects the content as spam or against policy",
        meaning: "The receiver's filter refused the message itself (content, links, attachments, policy).",
        todo: "",
        actions: &["Check the links' domains against block lists, remove URL shorteners and look at what changed in the template.", HYGIENE, NOT_RECIPIENTS],
    },
    Knowledge {
        code: "tls",
        kind: IncidentKind::Other,
        headline: "{provider} requires TLS that the sending MTA did not provide",
        meaning: "The receiver refused the session for TLS reasons (no STARTTLS, old protocol or certificate problem).",
        todo: "",
        actions: &["Enable STARTTLS with a current TLS version and a valid certificate on every sending MTA.", NOT_RECIPIENTS],
    },
    Knowledge {
        code: "sender",
        kind: IncidentKind::Other,
        headline: "{provider} refuses mail from your side",
        meaning: "The receiver refused the mail for a reason that is about the sender (address, relaying, policy), not the recipient.",
        todo: "",
        actions: &["Read the refusal text for the exact cause and ask the receiver's postmaster if it is unclear.", NOT_RECIPIENTS],
    },
];

fn entry(code: &str) -> &'static Knowledge {
    TABLE.iter().find(|k| k.code == code).unwrap_or(&TABLE[TABLE.len() - 1])
}

/// Every entry, for documentation and tests.
pub fn table() -> &'static [Knowledge] {
    TABLE
}

/// A refusal recognised: the code as the provider writes it and the table entry.
#[derive(Debug, Clone)]
pub struct Identified {
    pub code: String,
    pub knowledge: &'static Knowledge,
}

struct Pattern {
    re: Regex,
    entry: &'static str,
}

/// Provider codes written in the diagnostic text, most specific first. The first capture group
/// (when there is one) is the code shown; otherwise the entry's code.
static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    [
        (r"\b(sc-001)\b", "SC-001"),
        (r"\b(sc-002)\b", "SC-002"),
        (r"\b(sc-00\d)\b", "SC-00x"),
        (r"\b(rp-00\d)\b", "RP-00x"),
        (r"\b(dy-00\d)\b", "DY-00x"),
        (r"\b(ou-00\d)\b", "OU-00x"),
        (r"\b(4\.7\.65[01])\b", "4.7.650"),
        (r"\b(s775|s3114)\b", "4.7.650"),
        (r"\b(5\.7\.515)\b", "5.7.515"),
        (r"\b(5\.7\.6[0-4]\d)\b", "5.7.606"),
        (r"\b(s3150|s3140|s\d{3,4})\)", "S3150"),
        (r"\b(tss0\d)\b", "TSS04"),
        (r"\[(ts0\d)\]", "TS0x"),
        (r"\b([45]\.7\.26)\b", "5.7.26"),
        (r"\b([45]\.7\.27)\b", "5.7.27"),
        (r"\b([45]\.7\.30)\b", "5.7.30"),
        (r"\b([45]\.7\.32)\b", "4.7.32"),
        (r"\b([45]\.7\.2[35])\b", "5.7.25"),
        (r"\b([45]\.7\.28)\b", "4.7.28"),
        (r"(spamhaus)", "Spamhaus"),
        (r"(barracuda)", "Barracuda"),
        (r"\b(spamcop|sorbs|uceprotect|dnsbl|rbl|block ?list|blacklist)\b", "DNSBL"),
    ]
    .into_iter()
    .map(|(re, entry)| Pattern { re: Regex::new(re).expect("static pattern"), entry })
    .collect()
});

/// Recognises a sender-side refusal. `reason` is the event's Sisimai reason; `provider` the
/// receiving provider family (`microsoft`, `gmail`, …).
pub fn identify(diagnostic: &str, status: Option<&str>, reason: &str, provider: &str) -> Identified {
    let text = diagnostic.to_ascii_lowercase();
    let status = status.unwrap_or("").trim();
    let probe = format!("{status} {text}");
    for p in PATTERNS.iter() {
        if let Some(c) = p.re.captures(&probe) {
            let code = match p.entry {
                "Spamhaus" | "Barracuda" => p.entry.to_owned(),
                "DNSBL" => c.get(1).map_or("DNSBL".to_owned(), |m| listing_name(m.as_str())),
                _ => c.get(1).map_or(p.entry.to_owned(), |m| m.as_str().to_ascii_uppercase()),
            };
            // Yahoo's BL21/BL23 name Spamhaus in their text; keep Yahoo's own code visible.
            let code = match YAHOO_BL.captures(&text) {
                Some(bl) if p.entry == "Spamhaus" => format!("{} ({})", bl[1].to_ascii_uppercase(), code),
                _ => code,
            };
            return Identified { code, knowledge: entry(p.entry) };
        }
    }
    if provider == "gmail" && (text.contains("unsolicited") || text.contains("spam")) {
        return Identified { code: if status.is_empty() { "5.7.1".to_owned() } else { status.to_owned() }, knowledge: entry("5.7.1-gmail") };
    }
    let fallback = match reason {
        "authfailure" => "authfailure",
        "requireptr" => "requireptr",
        "speeding" | "toomanyconn" => "throttled",
        "blocked" => "blocked",
        "badreputation" if status.starts_with('4') => "throttled",
        "badreputation" => "badreputation",
        "spamdetected" | "contenterror" | "virusdetected" | "policyviolation" | "notcompliantrfc" | "filtered" => "content",
        "failedstarttls" | "securityerror" => "tls",
        _ => "sender",
    };
    let code = if status.is_empty() { reason.to_owned() } else { status.to_owned() };
    Identified { code, knowledge: entry(fallback) }
}

fn listing_name(m: &str) -> String {
    match m {
        "spamcop" => "SpamCop".to_owned(),
        "sorbs" => "SORBS".to_owned(),
        "uceprotect" => "UCEPROTECT".to_owned(),
        _ => "DNSBL".to_owned(),
    }
}

static IPV4: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9.])((?:\d{1,3}\.){3}\d{1,3})(?:[^0-9.]|$)").expect("static pattern"));
static YAHOO_BL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[(bl\d\d)\]").expect("static pattern"));

/// The sending IP a refusal names: the first IPv4 address in the text that is not the
/// receiving host's own (given in `remote_mta`, e.g. `mx.example.org (198.51.100.7)`) and not a
/// private, loopback or unspecified address.
pub fn sending_ip(diagnostic: &str, remote_mta: Option<&str>) -> Option<String> {
    let remote = remote_mta.unwrap_or("");
    IPV4.captures_iter(diagnostic)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .filter_map(|s| s.parse::<Ipv4Addr>().ok())
        .find(|ip| !(ip.is_private() || ip.is_loopback() || ip.is_unspecified() || remote.contains(&ip.to_string())))
        .map(|ip| ip.to_string())
}

/// `template` with `{ip}` and `{provider}` filled in.
pub fn fill(template: &str, ip: &str, provider: &str) -> String {
    template.replace("{ip}", ip).replace("{provider}", provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(diag: &str, status: Option<&str>, reason: &str, provider: &str) -> (String, &'static str) {
        let i = identify(diag, status, reason, provider);
        (i.code, i.knowledge.code)
    }

    #[test]
    fn provider_codes() {
        let sc = "550 SC-001 (DB5EUR03FT019) Unfortunately, messages from 203.0.113.28 weren't sent. Please contact your Internet service provider since part of their network is on our block list.";
        assert_eq!(code(sc, Some("5.0.0"), "badreputation", "microsoft"), ("SC-001".into(), "SC-001"));
        assert_eq!(sending_ip(sc, Some("outlook-com.olc.protection.outlook.com")).as_deref(), Some("203.0.113.28"));
        assert_eq!(code("421 RP-001 (COL004) some messages from 203.0.113.27", None, "badreputation", "microsoft").1, "RP-00x");
        assert_eq!(code("451 4.7.650 The mail server [203.0.113.27] has been temporarily rate limited due to IP reputation. (S775)", Some("4.7.650"), "badreputation", "microsoft").1, "4.7.650");
        assert_eq!(code("550 5.7.1 Unfortunately, messages from [203.0.113.27] weren't sent. ... block list (S3150)", Some("5.7.1"), "blocked", "microsoft"), ("S3150".into(), "S3150"));
        assert_eq!(code("550 5.7.515 Access denied, sending domain [SHOP.EXAMPLE.COM] does not meet the required authentication level", Some("5.7.515"), "authfailure", "microsoft").1, "5.7.515");
        assert_eq!(code("550 5.7.606 Access denied, banned sending IP [203.0.113.27]", Some("5.7.606"), "blocked", "other").1, "5.7.606");
        assert_eq!(code("550-5.7.26 Unauthenticated email from shop.example.com is not accepted", Some("5.7.26"), "authfailure", "gmail").1, "5.7.26");
        assert_eq!(code("421-4.7.28 [203.0.113.27 15] Our system has detected an unusual rate of unsolicited mail", Some("4.7.28"), "speeding", "gmail").1, "4.7.28");
        assert_eq!(code("550-5.7.1 [203.0.113.27 12] this message is likely unsolicited mail", Some("5.7.1"), "spamdetected", "gmail").1, "5.7.1-gmail");
        let tss = "421 4.7.0 [TSS04] Messages from 203.0.113.27 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1";
        assert_eq!(code(tss, Some("4.7.0"), "badreputation", "yahoo"), ("TSS04".into(), "TSS04"));
        assert_eq!(sending_ip(tss, None).as_deref(), Some("203.0.113.27"));
        let bl = "553 5.7.1 [BL21] Connections will not be accepted from 203.0.113.29, because the ip is in Spamhaus's list";
        assert_eq!(code(bl, Some("5.7.1"), "blocked", "yahoo"), ("BL21 (Spamhaus)".into(), "Spamhaus"));
        assert_eq!(code("554 Service unavailable; Client host [203.0.113.25] blocked using Barracuda Reputation", None, "blocked", "other").1, "Barracuda");
        assert_eq!(code("554 rejected, listed at bl.spamcop.net", None, "blocked", "other"), ("SpamCop".into(), "DNSBL"));
    }

    #[test]
    fn fallbacks_by_reason() {
        assert_eq!(code("421 too many connections", Some("4.7.0"), "toomanyconn", "other").1, "throttled");
        assert_eq!(code("550 PTR record required", Some("5.7.1"), "requireptr", "other").1, "requireptr");
        assert_eq!(code("", None, "norelaying", "other"), ("norelaying".into(), "sender"));
        assert_eq!(code("", None, "whatever", "other").1, "sender");
    }

    #[test]
    fn sending_ip_skips_the_receiver_and_private_addresses() {
        assert_eq!(sending_ip("host mx.example.org[198.51.100.7] said: 554 blocked 203.0.113.30", Some("mx.example.org (198.51.100.7)")).as_deref(), Some("203.0.113.30"));
        assert_eq!(sending_ip("from 10.0.0.1 via 192.168.1.1", None), None);
        assert_eq!(sending_ip("version 1.2.3.4.5 only", None), None);
    }

    #[test]
    fn every_entry_has_text_and_actions() {
        for k in table() {
            assert!(!k.headline.is_empty() && !k.meaning.is_empty() && !k.actions.is_empty(), "{}", k.code);
        }
    }
}
