//! Table tests: one table per rule family, evidence in, reason out.

use super::*;
use Reason::*;
use SmtpCommand::*;

/// Evidence with only a diagnostic text; the builder methods below add the rest.
fn text(diagnostic: &'static str) -> Evidence<'static> {
    Evidence { diagnostic, ..Evidence::default() }
}

trait Build {
    fn status(self, status: &'static str) -> Self;
    fn reply(self, code: u16) -> Self;
    fn at(self, command: SmtpCommand) -> Self;
    fn host(self, host: &'static str) -> Self;
    fn reporter(self, host: &'static str) -> Self;
    fn to(self, recipient: &'static str) -> Self;
    fn kind(self, kind: &'static str) -> Self;
    fn action(self, action: &'static str) -> Self;
    fn preset(self, reason: Reason) -> Self;
}

impl Build for Evidence<'static> {
    fn status(self, status: &'static str) -> Self {
        Evidence { status: Some(status), ..self }
    }
    fn reply(self, code: u16) -> Self {
        Evidence { reply_code: Some(code), ..self }
    }
    fn at(self, command: SmtpCommand) -> Self {
        Evidence { command: Some(command), ..self }
    }
    fn host(self, host: &'static str) -> Self {
        Evidence { remote_mta: Some(host), ..self }
    }
    fn reporter(self, host: &'static str) -> Self {
        Evidence { reporting_mta: Some(host), ..self }
    }
    fn to(self, recipient: &'static str) -> Self {
        Evidence { recipient: Some(recipient), ..self }
    }
    fn kind(self, kind: &'static str) -> Self {
        Evidence { diagnostic_type: Some(kind), ..self }
    }
    fn action(self, action: &'static str) -> Self {
        Evidence { action: Some(action), ..self }
    }
    fn preset(self, reason: Reason) -> Self {
        Evidence { preset: Some(reason), ..self }
    }
}

fn check(rows: &[(Evidence<'static>, Reason)]) {
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|(evidence, want)| {
            let got = decide(evidence);
            (got != *want).then(|| format!("want {want}, got {got}: {evidence:?}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows wrong:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn status_codes_alone() {
    check(&[
        (text("").status("2.0.0"), Delivered),
        (text("").status("5.1.1"), UserUnknown),
        (text("").status("5.1.2"), HostUnknown),
        (text("").status("5.2.2"), MailboxFull),
        (text("").status("5.3.4"), MesgTooBig),
        (text("").status("5.2.3"), ExceedLimit),
        (text("").status("5.7.26"), AuthFailure),
        (text("").status("5.7.25"), RequirePtr),
        (text("").status("5.1.6"), HasMoved),
        (text("").status("4.7.1"), Blocked),
        (text("").status("5.1.8"), Rejected),
        (text("").status("5.5.3"), TooManyConn),
        (text("").status("5.6.1"), ContentError),
        (text("").status("5.7.1"), SecurityError),
        (text("").status("5.7.30"), FailedStartTls),
        (text("delivery failed").status("5.0.911"), OnHold),
        (text("").status("5.0.911"), Undefined),
    ]);
}

#[test]
fn first_pass_weighs_codes_commands_and_phrases() {
    check(&[
        (text("550 5.2.2 <a@example.jp>... Mailbox Full"), MailboxFull),
        (text("552 5.3.4 Error: message file too big"), MesgTooBig),
        (text("552 message too large").status("5.2.3"), ExceedLimit),
        (text("550 5.2.1 This mailbox is disabled"), Suspend),
        (text("550 5.1.6 kijitora has been replaced by neko"), HasMoved),
        (text("554 5.7.1 <a@example.jp>: Relay access denied").at(RcptTo), NoRelaying),
        (text("550 Relaying denied").at(Ehlo), NoRelaying),
        (text("550 5.7.1 SPF check: fail"), AuthFailure),
        (text("550 5.1.1 <a@example.jp>: Recipient address rejected: User unknown"), UserUnknown),
        (text("550 Unknown user a@example.jp").at(RcptTo), UserUnknown),
        (text("550 Unknown user a@example.jp").at(Data).reply(550), Filtered),
        (text("550 : User unknown").status("5.2.0"), Filtered),
        // Without an SMTP command the phrases mean a filter, as in Sisimai, unless a gateway's
        // directory lookup says so.
        (text("Unknown Recipient"), Filtered),
        (text("[User unknown]"), Filtered),
        (text("This user doesn't have a example.co.jp account (a@example.co.jp) [-9]"), Filtered),
        (text("because: User a (a@example.jp) not listed in Domino Directory"), UserUnknown),
        (
            text(
                "The recipient name is not recognized MSEXCH:IMS:NEKO 0 (000C05A6) Unknown Recipient",
            ),
            UserUnknown,
        ),
        (text("Unknown user: a@example.com"), UserUnknown),
        (
            text(
                "Message could not be delivered to mobile. Error: No valid recipients for this MM",
            ),
            UserUnknown,
        ),
        (text("550 not listed in Domino Directory").at(RcptTo), UserUnknown),
        (text("554 not listed in Domino Directory").at(Data), Filtered),
        (text("550 5.7.1 Client host rejected: cannot find your hostname"), RequirePtr),
        (text("550 5.7.1 This message is not RFC 5322 compliant").status("5.7.1"), NotCompliantRfc),
        (text("421 the sending MTA's poor reputation"), BadReputation),
        (text("554 5.6.0 Duplicate header"), NotCompliantRfc),
        (text("554 Message header size exceeds limit").status("5.6.0"), ExceedLimit),
        (text("553 sender verify failed").at(MailFrom), Rejected),
        (text("554 sender verify failed").at(EndOfData), Rejected),
        (text("550 Sender rejected").reply(550), Rejected),
        (text("550 5.1.0 Address rejected").at(RcptTo).status("5.1.0"), UserUnknown),
        (text("554 Host does not accept mail"), NotAccept),
        (text("550 Host unknown (Name server: .: host not found)").status("5.1.2"), HostUnknown),
        (text("No MX or A records for example.org"), HostUnknown),
        (
            text("There was an error. DNS lookup failure: host mx.example.org not found"),
            HostUnknown,
        ),
        (text("Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)"), NotAccept),
        (text("550 5.7.1 Message detected as spam").at(Data), SpamDetected),
        (text("550 Message detected as spam").at(RcptTo).status("5.7.1"), SpamDetected),
        (text("550 Message detected as spam"), SpamDetected),
        (text("451 4.7.1 Client host rejected: Please try again slower"), Speeding),
        (text("421 Too many connections from your host.").status("4.0.0"), TooManyConn),
        (text("554 Service unavailable; blocked using zen.spamhaus.org"), Blocked),
    ]);
}

#[test]
fn text_as_the_tables_expect_it() {
    check(&[
        // Postfix's "(in reply to … command)" tail, moved into the command by a decoder.
        (text("550 5.7.1 Access denied").status("5.7.1").at(MailFrom), Rejected),
        (text("550 5.7.1 Access denied").status("5.7.1").at(RcptTo), SecurityError),
        (text("550 <a@ne.example.jp>: Recipient address rejected.").status("5.0.0").at(RcptTo), UserUnknown),
        (text("554 Transaction failed").status("5.0.0").at(MailFrom), SystemError),
        (text("554 Transaction failed (in reply to end of DATA command)").status("5.0.0").at(EndOfData), SystemError),
        (text("").status("5.0.0").at(RcptTo), Undefined),
        // A multi-line answer whose lines a decoder joined.
        (
            text("550-5.2.1 The user you are trying to contact is receiving mail at a rate that 550-5.2.1 \
                  prevents additional messages from being delivered. 550 5.2.1 https://support.google.com/mail")
                .status("5.2.1").reply(550).at(RcptTo).host("alt1.gmail-smtp-in.l.google.com"),
            Speeding,
        ),
        // A relay's own code before the answer it quotes.
        (
            text("5.1.0 - Unknown address error 550-'5.7.1 <a@bounces.example.com>... Access denied'")
                .status("5.1.0").reply(550),
            SecurityError,
        ),
    ]);
}

#[test]
fn second_pass_reads_phrases_alone() {
    check(&[
        (text("554 Virus detected in attachment").status("5.0.0"), VirusDetected),
        (text("550 Message not accepted for policy reasons").status("5.0.0"), PolicyViolation),
        (text("451 Local configuration error").status("4.3.0"), SystemError),
        (text("Host is unreachable").status("4.4.0"), NetworkError),
        (text("452 Mail system full").status("4.3.0"), SystemFull),
        (text("Message expired after sitting in queue for 5 days"), Expired),
        (text("530 STARTTLS is required to send mail"), FailedStartTls),
        (text("500 Remote server does not support TLS (state 6).").reply(500), FailedStartTls),
        (text("535 Authentication credentials invalid").status("5.0.0"), SecurityError),
        (text("Command died with status 1: procmail-wrapper").kind("X-Unix"), MailerError),
        (
            text("77 (reason: Insufficient permission) 550 5.0.0 <a@example.jp>... Insufficient permission")
                .status("5.3.0")
                .kind("X-UNIX"),
            SystemError,
        ),
    ]);
}

#[test]
fn queue_and_connection_failures_the_sending_mta_words_itself() {
    check(&[
        (
            text(
                "The recipient server did not accept our requests to connect. [mx.example.jp: socket error]",
            ),
            Expired,
        ),
        (text("Envelope expired"), Expired),
        (text("Error, ERROR_CODE :421, Host not reachable.").reply(421), Expired),
        (text("Message will be retried for 2 more day(s)"), Expired),
        (text("Your message was not delivered within 0 days and 1 hours."), Expired),
        (text("Delivery failed 20 attempts: a@example.com"), Expired),
        (text("550 5.4.312 Message expired, DNS query failed").status("5.4.312"), NetworkError),
        (text("550 5.4.316 Message expired, connection refused").status("5.4.316"), Expired),
        (
            text("Message will be retried for 2 more day(s): 452 4.2.2 mailbox full")
                .status("4.2.2"),
            MailboxFull,
        ),
        (text("Delivery failed: user unknown after 3 attempts").at(RcptTo), UserUnknown),
    ]);
}

#[test]
fn last_clues_when_nothing_matched() {
    check(&[
        (text("554 media refused").status("5.6.0"), ContentError),
        (text("554 Refused").status("5.7.0"), SecurityError),
        (text("exit 75").kind("X-UNIX"), MailerError),
        (text("503 Bad sequence").reply(503), SyntaxError),
        (text("Still trying").status("4.0.0").action("delayed"), Expired),
        (text("554 Go away, not today").at(Helo).status("5.0.0"), Blocked),
        (text("I am out of the office until Monday"), Vacation),
        (text("Something odd happened"), OnHold),
        (text(""), Undefined),
    ]);
}

#[test]
fn presets_from_family_decoders() {
    check(&[
        (text("550 5.1.1 User unknown").preset(MailboxFull), MailboxFull),
        (text("").preset(Vacation), Vacation),
        (text("550 Mailbox full").preset(UserUnknown), MailboxFull),
        (text("550 no such user").preset(UserUnknown), UserUnknown),
        (text("whatever").preset(OnHold), OnHold),
        (text("").preset(SystemError), SystemError),
    ]);
}

#[test]
fn local_delivery_agents() {
    check(&[
        (text("procmail: Quota exceeded while writing \"/var/mail/a\""), MailboxFull),
        (text("procmail: Couldn't create \"/var/mail/a\""), MailerError),
        (text("mail.local: unknown user: kijitora"), UserUnknown),
        (text("maildrop: maildir over quota."), MailboxFull),
        (text("vdelivermail: account is locked email bounced"), Suspend),
        (
            text("Your message to <a@example.jp> was automatically rejected: Quota exceeded"),
            MailboxFull,
        ),
        (text("procmail: Quota exceeded while writing").at(RcptTo), MailboxFull),
        (text("procmail: Couldn't create \"/var/mail/a\"").at(EndOfData), MailerError),
        (text("procmail: Couldn't create \"/var/mail/a\"").at(RcptTo), MailerError),
    ]);
}

#[test]
fn outlook_and_microsoft_codes_anywhere() {
    check(&[
        (
            text("550 SC-001 (BAY0-MC1-F21) Unfortunately, messages from 192.0.2.1 weren't sent."),
            Blocked,
        ),
        (text("550 SC-002 (COL0-MC5-F28) Unfortunately, messages weren't sent."), Blocked),
        (
            text("550 SC-004 (COL0-MC1-F1) Unfortunately, messages from 192.0.2.1 weren't sent."),
            BadReputation,
        ),
        (
            text(
                "421 RP-001 (BAY0-MC1-F4) Unfortunately, some messages from 192.0.2.1 weren't sent.",
            ),
            Speeding,
        ),
        (
            text("421 RP-002 (COL0-MC1-F7) Unfortunately, some messages weren't sent."),
            Speeding,
        ),
        (
            text("421 RP-003 (BAY0-MC4-F23) Unfortunately, some messages weren't sent."),
            Speeding,
        ),
        (
            text("550 DY-001 (SNT0-MC2-F8) Unfortunately, messages from 192.0.2.1 weren't sent."),
            Blocked,
        ),
        (text("550 OU-001 (SNT0-MC4-F12) Unfortunately, messages weren't sent."), Blocked),
        (text("550 OU-002 (COL0-MC2-F5) Unfortunately, messages weren't sent."), Blocked),
        (text("550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. (S3150)"), Blocked),
        (
            text("451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (S3140)"),
            Blocked,
        ),
        (text("550 5.7.1 Service unavailable, Client host blocked (S775)"), Blocked),
        (
            text(
                "451 4.7.650 The mail server has been temporarily rate limited due to IP reputation. (S775)",
            ),
            BadReputation,
        ),
        (text("451 4.7.651 The mail server has been temporarily rate limited"), BadReputation),
        (
            text(
                "550 5.7.515 Access denied, sending domain EXAMPLE.JP doesn't meet the required authentication level.",
            ),
            AuthFailure,
        ),
        (text("550 5.7.606 Access denied, banned sending IP [192.0.2.1]."), Blocked),
        (text("550 5.7.649 Access denied, banned sending IP [192.0.2.1]."), Blocked),
        (
            text(
                "550 5.7.509 Access denied, sending domain [EXAMPLE.JP] does not pass DMARC verification",
            ),
            AuthFailure,
        ),
        (
            text(
                "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
            ),
            UserUnknown,
        ),
        (
            text("550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found").status("5.1.10"),
            UserUnknown,
        ),
    ]);
}

#[test]
fn gmail_and_yahoo_codes_anywhere() {
    check(&[
        (
            text("550-5.7.26 This mail has been blocked because the sender is unauthenticated."),
            AuthFailure,
        ),
        (
            text("550-5.7.25 The IP address sending this message does not have a PTR record setup"),
            RequirePtr,
        ),
        (
            text(
                "421-4.7.28 Our system has detected an unusual rate of 421-4.7.28 unsolicited \
                 mail originating from your IP address.",
            ),
            Blocked,
        ),
        (
            text("421-4.7.28 Gmail has detected an unusual rate of mail originating from your IP"),
            Speeding,
        ),
        (
            text(
                "421-4.7.28 this message exceeded its quota for sending messages with the same Message-ID:",
            ),
            PolicyViolation,
        ),
        (
            text("550-5.7.1 Our system has detected that this message is likely unsolicited mail."),
            SpamDetected,
        ),
        (
            text("550-5.7.1 There is an unusual rate of unsolicited mail originating from your IP"),
            Blocked,
        ),
        (
            text(
                "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints",
            ),
            BadReputation,
        ),
        (
            text("553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred"),
            Blocked,
        ),
        (text("421 4.7.0 [TS01] Messages from 192.0.2.1 temporarily deferred"), Speeding),
        (
            text(
                "421 4.7.0 [TS02] Messages from 192.0.2.1 temporarily deferred due to user complaints",
            ),
            BadReputation,
        ),
        (
            text("421 4.7.0 [TS03] All messages from 192.0.2.1 will be permanently deferred"),
            Blocked,
        ),
    ]);
}

#[test]
fn providers_by_host() {
    check(&[
        (text("452 4.2.2 The recipient's inbox is out of storage space.").reply(452).host("gmail-smtp-in.l.google.com"), MailboxFull),
        (text("550 5.7.1 Messages missing a valid Message-ID: header are not accepted.").reply(550).host("aspmx.l.google.com"), NotCompliantRfc),
        (text("550 5.1.6 recipient no longer on server: a@icloud.com").host("mx01.mail.icloud.com"), HasMoved),
        (text("554 5.7.1 [CS01] Message rejected due to local policy").host("mx01.mail.icloud.com"), PolicyViolation),
        (text("Host or domain name not found. Name service error").host("omr-m04.mx.aol.com"), HostUnknown),
        (text("550 5.4.1 Recipient address rejected: Access denied").status("5.4.1").host("a.mail.protection.outlook.com"), UserUnknown),
        (text("550 5.7.506 Access denied, bad HELO").host("a.mail.protection.outlook.com"), Blocked),
        (text("554 email rejected due to security policies").reply(554).host("service.mimecast.com"), VirusDetected),
        (text("554 Host network not allowed").reply(554).host("us-smtp-inbound-1.mimecast.com"), PolicyViolation),
        (text("554 Message not allowed - [PH01] Email not accepted for policy reasons").host("mta5.am0.yahoodns.net"), PolicyViolation),
        (text("554 delivery error: dd This user doesn't have a yahoo.com account").host("mta5.am0.yahoodns.net"), UserUnknown),
        (text("550 Ip frequency limited").host("mx3.qq.com"), TooManyConn),
        (text("550 DMARC check failed.").host("mx3.qq.com"), AuthFailure),
        (text("421 4.3.0 Upstream error").host("route3.mx.cloudflare.net"), SystemError),
        (text("554 5.7.7 Email policy violation detected").host("smtpin.zoho.com"), PolicyViolation),
        (text("550 : User unknown").host("lsean.ezweb.ne.jp"), Filtered),
        (text("554 The mail could not be delivered to the recipient because the domain is not reachable").host("blu004-omc3s23.hotmail.com"), HostUnknown),
        (text("550 Too many invalid recipients").host("cxr.mx.a.cloudfilter.net.cox.net"), Blocked),
        (text("553 Sorry, your envelope sender is in my badmailfrom list.").host("server-1.bemta-2.messagelabs.com"), Rejected),
        (text("Upstream error").host("MX.Example.ünïcödé"), OnHold),
    ]);
}

#[test]
fn providers_by_domain_host_comment_and_reporter() {
    let unknown_user = "550 <a@ezweb.ne.jp>: User unknown";
    let dns_error = "DNS Error: 1 DNS type 'mx' lookup of example.jp responded with code NXDOMAIN \
                     Domain name not found: example.jp";
    check(&[
        // Remote-MTA values with comments and a trailing dot still name the host.
        (text(unknown_user).status("5.0.0").reply(550).host("lsean.ezweb.ne.jp. (192.0.2.1, the server)"), UserUnknown),
        (text(unknown_user).status("5.0.0").reply(550).host("dns; lsean.ezweb.ne.jp (tcp|192.0.2.1|25)"), UserUnknown),
        // The recipient's domain is the provider's own: its MX is the provider's.
        (text(unknown_user).status("5.0.0").reply(550).to("a@ezweb.ne.jp"), UserUnknown),
        (text("550 Requested action not taken: mailbox unavailable").status("5.5.0").to("a@hotmail.com"), UserUnknown),
        // A domain that only shares the last labels is not the provider's.
        (text(unknown_user).status("5.0.0").reply(550).to("a@web.ne.jp"), Filtered),
        (text(unknown_user).status("5.0.0").reply(550).to("a@notezweb.ne.jp"), Filtered),
        // Without a remote host, the MTA that wrote the bounce words its own errors.
        (text(dns_error).status("4.0.0").reporter("googlemail.com"), NetworkError),
        (text(dns_error).status("5.0.0").reply(550).reporter("googlemail.com"), HostUnknown),
        (text("550 Requested action not taken: mailbox unavailable").status("5.5.0").reporter("BAY004-MC1.hotmail.com"), UserUnknown),
        (text("550 5.4.312 Message expired, DNS query failed").status("5.4.312").reporter("A.mail.protection.outlook.com"), NetworkError),
        (
            text("550 5.1.351 Remote server returned unknown recipient or mailbox unavailable -> 550 Unknown user")
                .status("5.1.351").host("mx.example.ne.jp").reporter("a.mail.protection.outlook.com"),
            UserUnknown,
        ),
        // The same texts from an unknown writer say less.
        (text(dns_error).status("4.0.0"), OnHold),
        (text("550 Requested action not taken: mailbox unavailable").status("5.5.0").reporter("mx.example.net"), Filtered),
    ]);
}

#[test]
fn provider_labels() {
    check(&[
        (
            text(
                "550 5.1.0 sender rejected. See https://www.cox.com/residential/support/email-error-codes.html AUP#CXBL",
            ),
            Blocked,
        ),
        (text("550 5.1.0 sender rejected. AUP#CXDNS").host("mx.cox.net"), RequirePtr),
        (
            text(
                "550 sender rejected. https://www.spectrum.net/support/internet/understanding-email-error-codes AUP#In-1310",
            ),
            TooManyConn,
        ),
        (text("550 sender rejected. AUP#O-1000").host("mx.charter.net"), Blocked),
        (
            text(
                "550 5.1.1 RCP-P1 http://postmaster.facebook.com/response_codes Recipient does not exist",
            ),
            UserUnknown,
        ),
        (text("550 5.1.1 RCP-P2 http://postmaster.facebook.com/response_codes Refused"), Filtered),
        (
            text(
                "550 a@b - 192.0.2.1 has sent to too many recipients this hour. IB607 <http://x.co/rlbounce>",
            ),
            Speeding,
        ),
        (
            text("554 This IP has been temporarily blocked. IB110").host("smtp.secureserver.net"),
            Blocked,
        ),
        (
            text("550 5.5.0 Invalid recipient. LPN007_416 421 lpn-prd-vrin012 too many errors")
                .host("smtpz4.laposte.net"),
            UserUnknown,
        ),
        (
            text("550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]").host("smtp.wanadoo.fr"),
            SpamDetected,
        ),
        (text("550 Mailbox is frozen. See http://mail.i.ua/err/3/"), Suspend),
        (
            text("550 Unknown user a@docomo.ne.jp")
                .status("5.0.0")
                .at(Data)
                .host("mfsmax.docomo.ne.jp"),
            Rejected,
        ),
        (
            text("550 Unknown user a@docomo.ne.jp")
                .status("5.0.0")
                .at(RcptTo)
                .host("mfsmax.docomo.ne.jp"),
            UserUnknown,
        ),
        (
            text("552 Too many recipients").status("5.0.0").at(RcptTo).host("mfsmax.docomo.ne.jp"),
            TooManyConn,
        ),
        (
            text("DNS type 'mx' lookup of example.jp responded with code NXDOMAIN")
                .status("4.0.0")
                .host("googlemail.com"),
            NetworkError,
        ),
    ]);
}

#[test]
fn sender_refusals_never_blame_the_recipient() {
    check(&[
        (text("550 5.1.1 Recipient rejected: your IP has a poor reputation"), BadReputation),
        (text("550 5.1.1 <a@example.jp>: rejected, listed at zen.spamhaus.org"), Blocked),
        (
            text("550 5.1.1 user unknown; the mail server could not verify SPF for your domain"),
            Blocked,
        ),
        (text("550 5.1.0 sender rejected").at(RcptTo), Rejected),
        (text("553 5.1.2 Host unknown, Mail from 192.0.2.1 refused: listed in dnsbl"), Blocked),
        (
            text("The account or domain may not exist, they may be blacklisted").status("5.1.2"),
            HostUnknown,
        ),
    ]);
}

#[test]
fn sender_side_codes_map_to_sender_side_reasons() {
    let rows = [
        "550 SC-001 refused",
        "550 SC-002 refused",
        "550 SC-004 refused",
        "421 RP-001 refused",
        "421 RP-002 refused",
        "421 RP-003 refused",
        "550 DY-001 refused",
        "550 OU-001 refused",
        "550 OU-002 refused",
        "550 5.7.1 refused (S3150)",
        "451 refused (S3140)",
        "550 refused (S775)",
        "451 4.7.650 refused",
        "451 4.7.651 refused",
        "550 5.7.515 refused",
        "550 5.7.606 refused",
        "550 5.7.627 refused",
        "550 5.7.649 refused",
        "550 5.7.509 refused",
        "550 5.7.26 refused",
        "550 5.7.25 refused",
        "421 4.7.28 refused",
        "421 4.7.0 [TSS04] refused",
        "553 5.7.2 [TSS09] refused",
        "421 [TS01] refused",
        "421 [TS02] refused",
        "421 [TS03] refused",
    ];
    for diagnostic in rows {
        for command in [None, Some(RcptTo), Some(Data), Some(MailFrom)] {
            for status in [None, Some("5.1.1"), Some("5.0.0")] {
                let evidence = Evidence { diagnostic, command, status, ..Evidence::default() };
                let reason = decide(&evidence);
                assert!(reason.is_sender_side(), "{reason} for {evidence:?}");
            }
        }
    }
}

#[test]
fn every_phrase_is_lower_case_and_nonempty() {
    let mut all: Vec<&str> = phrases::SETS.iter().flat_map(|(_, p)| p.iter().copied()).collect();
    all.extend(codes::PHRASE_CODES.iter().map(|c| c.phrase).filter(|p| !p.is_empty()));
    all.extend(providers::PROVIDERS.iter().flat_map(|p| p.markers.iter().copied()));
    all.extend(providers::PROVIDERS.iter().flat_map(|p| p.rules.iter().map(|r| r.phrase)));
    all.extend(local::AGENTS.iter().flat_map(|a| a.markers.iter().copied()));
    all.extend(
        local::AGENTS.iter().flat_map(|a| a.rules.iter().flat_map(|(_, p)| p.iter().copied())),
    );
    for phrase in all {
        assert!(!phrase.trim().is_empty(), "empty phrase");
        assert_eq!(phrase, phrase.to_lowercase(), "phrase not lower-case");
    }
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn on_any_evidence(
            diagnostic in "\\PC{0,300}",
            status in proptest::option::of("[0-9.]{0,9}|\\PC{0,6}"),
            reply in proptest::option::of(any::<u16>()),
            host in proptest::option::of("\\PC{0,40}"),
            reporter in proptest::option::of("\\PC{0,40}"),
            recipient in proptest::option::of("\\PC{0,40}"),
            kind in proptest::option::of("\\PC{0,10}"),
            command in proptest::option::of(0usize..9),
        ) {
            let commands = [Connect, Helo, Ehlo, StartTls, Auth, MailFrom, RcptTo, Data, EndOfData];
            let evidence = Evidence {
                status: status.as_deref(),
                reply_code: reply,
                diagnostic: &diagnostic,
                diagnostic_type: kind.as_deref(),
                command: command.map(|i| commands[i]),
                action: None,
                remote_mta: host.as_deref(),
                reporting_mta: reporter.as_deref(),
                recipient: recipient.as_deref(),
                preset: None,
            };
            let _ = decide(&evidence);
        }

        #[test]
        fn on_phrase_soup(words in proptest::collection::vec(
            "(user|unknown|mailbox|full|5\\.1\\.1|550|550-5\\.7\\.1|aup#|lpn007_|ib|\\.i\\.ua/err/|rcp-p|…|\n| |<|>|\\(|spamhaus|sc-00|ü)",
            0..40,
        )) {
            let diagnostic = words.concat();
            let _ = decide(&text_owned(&diagnostic));
        }
    }

    fn text_owned(diagnostic: &str) -> Evidence<'_> {
        Evidence { diagnostic, ..Evidence::default() }
    }
}
