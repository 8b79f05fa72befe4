//! Realistic bounce and complaint messages for benchmarks and scale tests, deterministic by seed:
//! RFC 3464 DSNs (user unknown, mailbox full, Outlook SC-001/RP-001 blocks, Gmail texts),
//! non-standard Exim and qmail bounces, ARF complaints with a recipient, header-only 2026 JMRP
//! complaints that carry only identifiers (signed token, Message-ID, List-Unsubscribe, CFBL),
//! and auto-replies. Every message is about its own original send, with a unique Message-ID and
//! recipient. Pure: the caller writes the bytes.

use crate::domain::EmailAddress;
use crate::token::{self, TokenKey};

/// The sending domain of the generated originals.
pub const SENDER_DOMAIN: &str = "news.example.com";
/// Start of the generated timeline: 2026-10-01T00:00:00Z.
const EPOCH: i64 = 1_790_812_800;

/// SplitMix64: tiny, fast and good enough for fixtures.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
}

/// The kinds of message generated, with their share of the mix (per thousand).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    PostfixUserUnknown,
    PostfixMailboxFull,
    GmailUserUnknown,
    GmailOverQuota,
    OutlookSc001,
    OutlookRp001,
    Exim,
    Qmail,
    ArfComplaint,
    JmrpHeaderOnly,
    AutoReply,
}

const MIX: &[(Template, u64)] = &[
    (Template::PostfixUserUnknown, 200),
    (Template::PostfixMailboxFull, 80),
    (Template::GmailUserUnknown, 100),
    (Template::GmailOverQuota, 50),
    (Template::OutlookSc001, 50),
    (Template::OutlookRp001, 30),
    (Template::Exim, 100),
    (Template::Qmail, 70),
    (Template::ArfComplaint, 120),
    (Template::JmrpHeaderOnly, 100),
    (Template::AutoReply, 100),
];

/// One row of the send log that goes with the generated messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendRow {
    pub message_id: String,
    pub recipient: String,
    pub campaign: String,
    pub sent_at: i64,
    pub list_unsubscribe: String,
    pub feedback_id: String,
}

/// One generated message and the send it is about.
#[derive(Debug, Clone)]
pub struct Generated {
    pub template: Template,
    pub bytes: Vec<u8>,
    pub send: SendRow,
    /// Unix seconds of the report's Date.
    pub date: i64,
}

/// Produces messages one after another.
pub struct Generator {
    rng: Rng,
    seed: u64,
    n: u64,
    key: Option<TokenKey>,
}

const FIRST: &[&str] = &["kijitora", "neko", "mike", "shiro", "kuro", "tama", "sora", "hana", "yuki", "momo", "ann", "bob", "carol", "dave", "erin", "frank"];
const DOMAINS: &[&str] = &[
    "gmail.com", "gmail.com", "hotmail.com", "outlook.com", "live.com", "yahoo.com", "aol.com", "icloud.com",
    "example.jp", "example.org", "example.net", "mail.example.de", "example.fr", "googlemail.com", "me.com",
];
const CAMPAIGNS: &[&str] = &["weekly-2026-40", "weekly-2026-41", "launch-autumn", "digest-october", "promo-black-friday"];
const IPS: &[&str] = &["203.0.113.7", "203.0.113.25", "198.51.100.14", "192.0.2.33"];

/// What every template needs to know about the original send.
struct Ctx {
    n: u64,
    seed: u64,
    recipient: String,
    local: String,
    domain: String,
    original_id: String,
    campaign: String,
    sent: i64,
    date: i64,
    ip: &'static str,
    unsubscribe: String,
    feedback_id: String,
    token: Option<String>,
}

impl Generator {
    /// `key` signs the recipient-token header of the originals; without it they carry none.
    pub fn new(seed: u64, key: Option<TokenKey>) -> Generator {
        Generator { rng: Rng(seed ^ 0x005E_ED0F_1157), seed, n: 0, key }
    }

    pub fn next_message(&mut self) -> Generated {
        let ctx = self.context();
        self.finish(ctx)
    }

    /// Like [`Generator::next_message`], about a send to `recipient` (data sets whose reports
    /// must concern a known list).
    pub fn next_message_to(&mut self, recipient: &str) -> Generated {
        let mut ctx = self.context();
        if let Some((local, domain)) = recipient.rsplit_once('@') {
            ctx.recipient = recipient.to_owned();
            ctx.local = local.to_owned();
            ctx.domain = domain.to_owned();
            ctx.token = self.key.as_ref().and_then(|k| {
                let address = EmailAddress::parse(recipient).ok()?;
                token::mint(k, &address, Some(&ctx.campaign)).ok()
            });
        }
        self.finish(ctx)
    }

    fn finish(&mut self, ctx: Ctx) -> Generated {
        let template = self.template();
        let bytes = self.render(template, &ctx);
        let send = SendRow {
            message_id: ctx.original_id.clone(),
            recipient: ctx.recipient.clone(),
            campaign: ctx.campaign.clone(),
            sent_at: ctx.sent,
            list_unsubscribe: format!("https://{SENDER_DOMAIN}/u/{}", ctx.unsubscribe),
            feedback_id: ctx.feedback_id.clone(),
        };
        self.n += 1;
        Generated { template, bytes: bytes.into_bytes(), send, date: ctx.date }
    }

    fn template(&mut self) -> Template {
        let total: u64 = MIX.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.below(total);
        for &(t, w) in MIX {
            if roll < w {
                return t;
            }
            roll -= w;
        }
        Template::PostfixUserUnknown
    }

    fn context(&mut self) -> Ctx {
        let n = self.n;
        let local = format!("{}.{}{}", self.rng.pick(FIRST), self.rng.pick(FIRST), n);
        let domain = self.rng.pick(DOMAINS).to_owned();
        let recipient = format!("{local}@{domain}");
        let campaign = self.rng.pick(CAMPAIGNS).to_owned();
        let sent = EPOCH + i64::try_from(n).unwrap_or(0) * 7 + i64::try_from(self.rng.below(5)).unwrap_or(0);
        let date = sent + 30 + i64::try_from(self.rng.below(3600)).unwrap_or(0);
        let token = self.key.as_ref().and_then(|k| {
            let address = EmailAddress::parse(&recipient).ok()?;
            token::mint(k, &address, Some(&campaign)).ok()
        });
        Ctx {
            n,
            seed: self.seed,
            original_id: format!("<{n}.{:08x}.{campaign}@{SENDER_DOMAIN}>", self.seed & 0xffff_ffff),
            unsubscribe: format!("u{:x}{:06x}", self.seed & 0xffff, n),
            feedback_id: format!("{n}:{campaign}:newsletter:exampleesp"),
            ip: self.rng.pick(IPS),
            recipient,
            local,
            domain,
            campaign,
            sent,
            date,
            token,
        }
    }

    fn render(&mut self, template: Template, c: &Ctx) -> String {
        match template {
            Template::PostfixUserUnknown => dsn(
                c,
                "mail.example.net",
                &format!("mx.{}", c.domain),
                "5.1.1",
                &format!("550 5.1.1 <{}>: Recipient address rejected: User unknown in virtual mailbox table", c.recipient),
            ),
            Template::PostfixMailboxFull => dsn(
                c,
                "mail.example.net",
                &format!("mx.{}", c.domain),
                "5.2.2",
                &format!("552 5.2.2 <{}>: Mailbox full: user is over quota", c.recipient),
            ),
            Template::GmailUserUnknown => dsn(
                c,
                "mail.example.net",
                "gmail-smtp-in.l.google.com",
                "5.1.1",
                "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser 41be03b00d2f7-5b9f2c1a7d5si12345a.1 - gsmtp",
            ),
            Template::GmailOverQuota => dsn(
                c,
                "mail.example.net",
                "gmail-smtp-in.l.google.com",
                "4.2.2",
                "452-4.2.2 The recipient's inbox is out of storage space and inactive. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm 5b1f17b1804b1-43cd3a4b2e1si77823f.2 - gsmtp",
            ),
            Template::OutlookSc001 => dsn(
                c,
                "mail.example.net",
                "hotmail-com.olc.protection.outlook.com",
                "5.7.1",
                &format!("550 5.7.1 SC-001 (BAY004-MC6F27) Unfortunately, messages from {} weren't sent. Please contact your Internet service provider since part of their network is on our block list. You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.", c.ip),
            ),
            Template::OutlookRp001 => dsn(
                c,
                "mail.example.net",
                "outlook-com.olc.protection.outlook.com",
                "4.7.0",
                &format!("421 RP-001 (COL004-MC1F39) Unfortunately, some messages from {} weren't sent. Please try again. We have limits for how many messages can be sent per hour and per day. You can also refer to http://mail.live.com/mail/troubleshooting.aspx#errors.", c.ip),
            ),
            Template::Exim => exim(c),
            Template::Qmail => qmail(c),
            Template::ArfComplaint => arf(c),
            Template::JmrpHeaderOnly => jmrp(c),
            Template::AutoReply => auto_reply(c),
        }
    }
}

fn rfc2822(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(String::new, |d| d.format("%a, %d %b %Y %H:%M:%S +0000").to_string())
}

fn boundary(c: &Ctx) -> String {
    format!("=_{:x}_{:x}", c.seed & 0xffff_ffff, c.n)
}

/// Headers of the original newsletter (what reports enclose), ending with a blank line.
fn original_headers(c: &Ctx, to: &str) -> String {
    let mut h = format!(
        "Return-Path: <bounces+{local}={domain}@{SENDER_DOMAIN}>\n\
         Received: from mail.example.net (mail.example.net [{ip}])\n\tby mx.{domain} with ESMTPS id {n:x}\n\tfor <{to}>; {date}\n\
         Message-ID: {id}\n\
         Date: {date}\n\
         From: \"Example News\" <news@{SENDER_DOMAIN}>\n\
         To: <{to}>\n\
         Subject: Your {campaign} newsletter\n\
         MIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\n\
         List-Id: <weekly.{SENDER_DOMAIN}>\n\
         List-Unsubscribe: <https://{SENDER_DOMAIN}/u/{unsub}>, <mailto:unsubscribe@{SENDER_DOMAIN}?subject={unsub}>\n\
         List-Unsubscribe-Post: List-Unsubscribe=One-Click\n\
         CFBL-Address: fbl@{SENDER_DOMAIN}; report=arf\n\
         CFBL-Feedback-ID: {fid}\n",
        local = c.local,
        domain = c.domain,
        ip = c.ip,
        n = c.n,
        to = to,
        date = rfc2822(c.sent),
        id = c.original_id,
        campaign = c.campaign,
        unsub = c.unsubscribe,
        fid = c.feedback_id,
    );
    if let Some(token) = &c.token {
        h.push_str(&format!("X-Listhygiene-Rid: {token}\n"));
    }
    h.push('\n');
    h
}

fn original_body(c: &Ctx) -> String {
    format!(
        "Hello,\n\nHere is what happened this week at Example News ({campaign}).\n\
         Read the full issue at https://{SENDER_DOMAIN}/issues/{n}\n\n\
         You receive this because you subscribed at https://{SENDER_DOMAIN}/.\n\
         Unsubscribe: https://{SENDER_DOMAIN}/u/{unsub}\n",
        campaign = c.campaign,
        n = c.n,
        unsub = c.unsubscribe
    )
}

fn dsn(c: &Ctx, mta: &str, remote: &str, status: &str, diagnostic: &str) -> String {
    let b = boundary(c);
    let action = if status.starts_with('4') { "delayed" } else { "failed" };
    format!(
        "Return-Path: <>\n\
         Received: by {mta} (Postfix) id {n:X}; {date}\n\
         Date: {date}\n\
         From: MAILER-DAEMON@{mta} (Mail Delivery System)\n\
         Subject: Undelivered Mail Returned to Sender\n\
         To: bounces+{local}={domain}@{SENDER_DOMAIN}\n\
         Auto-Submitted: auto-replied\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"{b}\"\n\
         Message-ID: <{n}.{seed:x}.dsn@{mta}>\n\
         \n\
         This is a MIME-encapsulated message.\n\
         \n\
         --{b}\n\
         Content-Description: Notification\n\
         Content-Type: text/plain; charset=us-ascii\n\
         \n\
         This is the mail system at host {mta}.\n\
         \n\
         I'm sorry to have to inform you that your message could not\n\
         be delivered to one or more recipients. It's attached below.\n\
         \n\
         <{rcpt}>: host {remote}[{ip}] said: {diagnostic} (in reply to RCPT TO command)\n\
         \n\
         --{b}\n\
         Content-Description: Delivery report\n\
         Content-Type: message/delivery-status\n\
         \n\
         Reporting-MTA: dns; {mta}\n\
         X-Postfix-Queue-ID: {n:X}\n\
         X-Postfix-Sender: rfc822; bounces+{local}={domain}@{SENDER_DOMAIN}\n\
         Arrival-Date: {sent}\n\
         \n\
         Final-Recipient: rfc822; {rcpt}\n\
         Original-Recipient: rfc822;{rcpt}\n\
         Action: {action}\n\
         Status: {status}\n\
         Remote-MTA: dns; {remote}\n\
         Diagnostic-Code: smtp; {diagnostic}\n\
         \n\
         --{b}\n\
         Content-Description: Undelivered Message Headers\n\
         Content-Type: text/rfc822-headers\n\
         \n\
         {headers}\
         --{b}--\n",
        n = c.n,
        seed = c.seed,
        date = rfc2822(c.date),
        sent = rfc2822(c.sent),
        local = c.local,
        domain = c.domain,
        rcpt = c.recipient,
        ip = c.ip,
        headers = original_headers(c, &c.recipient),
    )
}

fn exim(c: &Ctx) -> String {
    format!(
        "Return-path: <>\n\
         Received: from Debian-exim by mail.example.org with local (Exim 4.97)\n\tid 1t{n:x}-000{n:X}-Ab; {date}\n\
         X-Failed-Recipients: {rcpt}\n\
         Auto-Submitted: auto-replied\n\
         From: Mail Delivery System <Mailer-Daemon@mail.example.org>\n\
         To: bounces+{local}={domain}@{SENDER_DOMAIN}\n\
         Subject: Mail delivery failed: returning message to sender\n\
         Message-Id: <E1t{n:x}.{seed:x}@mail.example.org>\n\
         Date: {date}\n\
         \n\
         This message was created automatically by mail delivery software.\n\
         \n\
         A message that you sent could not be delivered to one or more of its\n\
         recipients. This is a permanent error. The following address(es) failed:\n\
         \n\
         \x20\x20{rcpt}\n\
         \x20\x20\x20\x20host mx.{domain} [{ip}]\n\
         \x20\x20\x20\x20SMTP error from remote mail server after RCPT TO:<{rcpt}>:\n\
         \x20\x20\x20\x20550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown\n\
         \n\
         ------ This is a copy of the message, including all the headers. ------\n\
         \n\
         {headers}{body}",
        n = c.n,
        seed = c.seed,
        date = rfc2822(c.date),
        rcpt = c.recipient,
        local = c.local,
        domain = c.domain,
        ip = c.ip,
        headers = original_headers(c, &c.recipient),
        body = original_body(c),
    )
}

fn qmail(c: &Ctx) -> String {
    format!(
        "Return-Path: <>\n\
         Date: {date}\n\
         From: MAILER-DAEMON@mail.example.net\n\
         To: bounces+{local}={domain}@{SENDER_DOMAIN}\n\
         Subject: failure notice\n\
         Message-ID: <{n}.{seed:x}.qmail@mail.example.net>\n\
         \n\
         Hi. This is the qmail-send program at mail.example.net.\n\
         I'm afraid I wasn't able to deliver your message to the following addresses.\n\
         This is a permanent error; I've given up. Sorry it didn't work out.\n\
         \n\
         <{rcpt}>:\n\
         {ip} does not like recipient.\n\
         Remote host said: 550 5.1.1 <{rcpt}>... User unknown\n\
         Giving up on {ip}.\n\
         \n\
         --- Below this line is a copy of the message.\n\
         \n\
         {headers}{body}",
        n = c.n,
        seed = c.seed,
        date = rfc2822(c.date),
        rcpt = c.recipient,
        local = c.local,
        domain = c.domain,
        ip = c.ip,
        headers = original_headers(c, &c.recipient),
        body = original_body(c),
    )
}

fn arf(c: &Ctx) -> String {
    let b = boundary(c);
    format!(
        "Return-Path: <>\n\
         Date: {date}\n\
         From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>\n\
         To: fbl@{SENDER_DOMAIN}\n\
         Subject: FW: Your {campaign} newsletter\n\
         Message-ID: <{n}.{seed:x}.arf@arf.mail.yahoo.com>\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=feedback-report;\n\tboundary=\"{b}\"\n\
         \n\
         --{b}\n\
         Content-Type: text/plain; charset=\"US-ASCII\"\n\
         \n\
         This is an email abuse report for an email message received from IP {ip} on {date}.\n\
         \n\
         --{b}\n\
         Content-Type: message/feedback-report\n\
         \n\
         Feedback-Type: abuse\n\
         User-Agent: Yahoo!-Mail-Feedback/2.0\n\
         Version: 1\n\
         Original-Mail-From: <bounces+{local}={domain}@{SENDER_DOMAIN}>\n\
         Original-Rcpt-To: {rcpt}\n\
         Received-Date: {sent}\n\
         Source-IP: {ip}\n\
         Reported-Domain: {SENDER_DOMAIN}\n\
         Authentication-Results: mta1010.mail.example.yahoo.com  from={SENDER_DOMAIN}; domainkeys=neutral (no sig);  from={SENDER_DOMAIN}; dkim=pass (ok)\n\
         \n\
         --{b}\n\
         Content-Type: message/rfc822\n\
         \n\
         {headers}{body}\n\
         --{b}--\n",
        n = c.n,
        seed = c.seed,
        date = rfc2822(c.date),
        sent = rfc2822(c.sent),
        campaign = c.campaign,
        rcpt = c.recipient,
        local = c.local,
        domain = c.domain,
        ip = c.ip,
        headers = original_headers(c, &c.recipient),
        body = original_body(c),
    )
}

/// The 2026 JMRP: no recipient, no body, only the original headers with `To` redacted.
fn jmrp(c: &Ctx) -> String {
    let b = boundary(c);
    let redacted = format!("{}@{}", "x".repeat(c.local.len().clamp(3, 12)), c.domain);
    format!(
        "Date: {date}\n\
         From: staff@hotmail.com\n\
         To: fbl@{SENDER_DOMAIN}\n\
         Subject: complaint about message from {ip}\n\
         Message-ID: <{n}.{seed:x}.jmrp@hotmail.com>\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=feedback-report;\n\tboundary=\"{b}\"\n\
         \n\
         --{b}\n\
         Content-Type: message/feedback-report\n\
         \n\
         Feedback-Type: abuse\n\
         User-Agent: JMRP/1.0\n\
         Version: 1\n\
         \n\
         --{b}\n\
         Content-Type: text/rfc822-headers\n\
         \n\
         {headers}\
         --{b}--\n",
        n = c.n,
        seed = c.seed,
        date = rfc2822(c.date),
        ip = c.ip,
        headers = original_headers(c, &redacted),
    )
}

fn auto_reply(c: &Ctx) -> String {
    format!(
        "Return-Path: <{rcpt}>\n\
         Date: {date}\n\
         From: {rcpt}\n\
         To: bounces+{local}={domain}@{SENDER_DOMAIN}\n\
         Subject: Out of Office: Your {campaign} newsletter\n\
         Message-ID: <{n}.{seed:x}.ooo@{domain}>\n\
         In-Reply-To: {id}\n\
         References: {id}\n\
         Auto-Submitted: auto-replied\n\
         X-Autoreply: yes\n\
         Precedence: auto_reply\n\
         MIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\n\
         \n\
         I am out of the office until {back} with limited access to e-mail.\n\
         For urgent matters please contact office@{domain}.\n",
        n = c.n,
        seed = c.seed,
        date = rfc2822(c.date),
        back = rfc2822(c.date + 7 * 86_400),
        rcpt = c.recipient,
        local = c.local,
        domain = c.domain,
        campaign = c.campaign,
        id = c.original_id,
    )
}

/// The mbox `From ` line and body of one message (mboxrd quoting).
pub fn mbox_entry(g: &Generated) -> Vec<u8> {
    let mut out = Vec::with_capacity(g.bytes.len() + 80);
    let when = chrono::DateTime::from_timestamp(g.date, 0).map_or_else(String::new, |d| d.format("%a %b %e %H:%M:%S %Y").to_string());
    out.extend_from_slice(format!("From MAILER-DAEMON {when}\n").as_bytes());
    for line in g.bytes.split_inclusive(|&b| b == b'\n') {
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if line[quotes..].starts_with(b"From ") {
            out.push(b'>');
        }
        out.extend_from_slice(line);
    }
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_unique() {
        let a: Vec<Generated> = {
            let mut g = Generator::new(7, None);
            (0..200).map(|_| g.next_message()).collect()
        };
        let mut g = Generator::new(7, None);
        let b: Vec<Generated> = (0..200).map(|_| g.next_message()).collect();
        assert!(a.iter().zip(&b).all(|(x, y)| x.bytes == y.bytes));
        let mut ids: Vec<&str> = a.iter().map(|m| m.send.message_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 200);
        let kinds: std::collections::HashSet<_> = a.iter().map(|m| format!("{:?}", m.template)).collect();
        assert!(kinds.len() >= 9, "{kinds:?}");
        assert!(Generator::new(8, None).next_message().bytes != a[0].bytes);
    }
}
