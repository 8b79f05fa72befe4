#!/usr/bin/env python3
"""Writes samples/report/: the invented world of samples/README.md as the data behind
`listhygiene audit` and `listhygiene report` (subscribers with their double-opt-in evidence, the
November 2026 send log, and the bounces and complaints those sends drew, as one mbox).

Deterministic (fixed seed); rerun it only to change the sample set, then commit its output.
Only reserved names and documentation addresses are used, plus real provider mailbox domains.
"""
import csv
import datetime as dt
import os
import random

OUT = os.path.join(os.path.dirname(__file__), "..", "samples", "report")
R = random.Random(20261128)
UTC = dt.timezone.utc


def ts(y, m, d, hh=0, mm=0, ss=0):
    return int(dt.datetime(y, m, d, hh, mm, ss, tzinfo=UTC).timestamp())


def rfc2822(t):
    return dt.datetime.fromtimestamp(t, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def iso(t):
    return dt.datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


FIRST = ["anna", "ben", "clara", "david", "elena", "felix", "greta", "hugo", "ines", "jonas", "karin", "lukas",
         "maria", "nils", "olga", "paul", "rosa", "simon", "tara", "uwe", "vera", "wim", "yara", "zoe", "emma",
         "noah", "lea", "finn", "mia", "leon", "sofia", "elias", "lina", "tim", "ida", "max", "nora", "jan"]
LAST = ["berg", "fischer", "schulz", "novak", "horvat", "meyer", "wagner", "kral", "ito", "okafor", "marin",
        "kaplan", "bianchi", "schmidt", "dubois", "silva", "jensen", "costa", "weber", "lund", "roth", "vogel"]
PROVIDER_DOMAINS = [
    (30, ["hotmail.com", "outlook.com", "live.com", "hotmail.co.uk", "msn.com", "outlook.de"]),
    (35, ["gmail.com", "googlemail.com"]),
    (15, ["yahoo.com", "aol.com", "ymail.com", "yahoo.de"]),
    (5, ["icloud.com", "me.com"]),
    (15, ["example.org", "example.net", "mail.example", "post.example", "web.example"]),
]


def domain():
    roll = R.randrange(100)
    for weight, domains in PROVIDER_DOMAINS:
        if roll < weight:
            return R.choice(domains)
        roll -= weight
    return "example.org"


used = set()


def address(dom=None):
    while True:
        local = f"{R.choice(FIRST)}.{R.choice(LAST)}{R.randrange(10, 99) if R.random() < 0.5 else ''}"
        a = f"{local}@{dom or domain()}"
        if a not in used:
            used.add(a)
            return a


def residential_ip():
    # Shared address space (RFC 6598) stands in for residential ISPs: no real subscriber is named.
    return f"100.{R.randrange(64, 127)}.{R.randrange(0, 255)}.{R.randrange(1, 254)}"


subs = []  # dicts
conf_sends = []  # (recipient, sent_at)


def add(addr, source, signup_at, signup_ip, confirm_at, confirm_ip, status="subscribed", tags="", list_="news",
        confirmation_sent=None):
    subs.append(dict(email=addr, list=list_, source=source, status=status,
                     signup_at=iso(signup_at) if signup_at else "", signup_ip=signup_ip or "",
                     confirm_at=iso(confirm_at) if confirm_at else "", confirm_ip=confirm_ip or "", tags=tags))
    if confirmation_sent:
        conf_sends.append((addr, confirmation_sent))


# website: 380 good signups over 2025-2026, a few role accounts
for n in range(380):
    s = ts(2025, 1, 1) + R.randrange(0, 640) * 86400 + R.randrange(0, 86400)
    ip = residential_ip()
    dom = domain()
    addr = address(dom) if n % 120 else f"{['info', 'office', 'sales', 'team'][n // 120]}@{R.choice(['shop.example', 'bakery.example', 'studio.example'])}"
    used.add(addr)
    add(addr, "website", s, ip, s + R.randrange(90, 2 * 86400), ip, tags="newsletter")
# checkout: 160 good, confirm within minutes
for n in range(160):
    s = ts(2025, 6, 1) + R.randrange(0, 480) * 86400 + R.randrange(0, 86400)
    ip = residential_ip()
    add(address(), "checkout", s, ip, s + R.randrange(60, 1800), ip, tags="customer")
# giveaway-2026: a contest form hit by bots and link scanners in October 2026
gbase = ts(2026, 10, 14, 2, 10)
for n in range(170):
    if n < 60:  # subscription bombing: one /24, a few minutes
        s = gbase + n * 7
        ip = f"198.51.100.{R.randrange(2, 250)}"
    else:
        s = ts(2026, 10, 1) + R.randrange(0, 28) * 86400 + R.randrange(0, 86400)
        ip = residential_ip()
    if 60 <= n < 75:  # +tag and dot variants of a few Gmail mailboxes
        base = ["lena.vogel", "tom.berg", "ada.kral"][n % 3]
        local = base if n < 63 else (base.replace(".", "") + f"+win{n}" if n % 2 else base + f"+g{n}")
        addr = f"{local}@gmail.com"
        used.add(addr)
    elif 75 <= n < 85:
        addr = address(R.choice(["mailinator.com", "yopmail.com", "guerrillamail.com", "sharklasers.com"]))
    else:
        addr = address()
    sent = s + 2
    if n < 100:  # confirmed by link scanners: seconds after the confirmation mail, from a scanner range
        confirm, cip = sent + R.randrange(1, 6), f"192.0.2.{R.randrange(10, 90)}"
    else:
        confirm, cip = sent + R.randrange(300, 86400), ip
    add(addr, "giveaway-2026", s, ip, confirm, cip, tags="contest", confirmation_sent=sent)
# partner-import: a purchased list with no evidence at all
for n in range(90):
    add(address(), "partner-import", None, None, None, None, tags="import")
# a second list: deals, small and clean
for n in range(40):
    s = ts(2026, 3, 1) + R.randrange(0, 200) * 86400
    ip = residential_ip()
    add(address(), "website", s, ip, s + R.randrange(120, 7200), ip, list_="deals")

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "subscribers.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["email", "list", "source", "status", "signup_at", "signup_ip", "confirm_at", "confirm_ip", "tags"])
    w.writeheader()
    w.writerows(subs)

# The send log: four November campaigns to the news list, plus the giveaway confirmation mails.
CAMPAIGNS = [("weekly-2026-45", ts(2026, 11, 5, 9, 30)), ("weekly-2026-46", ts(2026, 11, 12, 9, 30)),
             ("black-friday-teaser", ts(2026, 11, 19, 9, 30)), ("black-friday", ts(2026, 11, 26, 9, 30))]
news = [s for s in subs if s["list"] == "news"]
sends = []  # (message_id, recipient, campaign, sent_at, list)
for cname, t0 in CAMPAIGNS:
    for i, s in enumerate(news):
        at = t0 + i // 4
        sends.append((f"<{cname}.{i:04d}@news.example.com>", s["email"], cname, at, "news"))
for i, (rcpt, at) in enumerate(conf_sends):
    sends.append((f"<doi.{i:04d}@news.example.com>", rcpt, "doi-confirmation", at, "news"))
with open(os.path.join(OUT, "sends.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["message_id", "recipient", "campaign", "sent_at", "list"])
    for row in sends:
        w.writerow([row[0], row[1], row[2], iso(row[3]), row[4]])

by_campaign = {}
for row in sends:
    by_campaign.setdefault(row[2], []).append(row)


def provider(addr):
    d = addr.split("@")[1]
    for _, domains in PROVIDER_DOMAINS[:-1]:
        if d in domains:
            return domains[0]
    return "other"


messages = []
n_msg = [0]


def dsn(send, mta, ip, remote, status, diagnostic, delay=40, action="failed"):
    mid, rcpt, campaign, sent_at, _ = send
    n_msg[0] += 1
    t = sent_at + delay
    local, dom = rcpt.split("@")
    b = f"=_dsn_{n_msg[0]:04d}"
    messages.append((t, f"""Return-Path: <>
Date: {rfc2822(t)}
From: postmaster@{mta}
Subject: Delivery report
To: bounces+{local}={dom}@lists.example.com
Message-ID: <dsn{n_msg[0]:04d}.{t}@{mta}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{b}"

--{b}
Content-Type: text/plain; charset=us-ascii

  <{rcpt}>  delivery {'failed; will not continue trying' if action == 'failed' else 'delayed; will keep trying'}

--{b}
Content-Type: message/delivery-status

Reporting-MTA: dns;{mta}
Arrival-Date: {rfc2822(sent_at)}

Final-Recipient: rfc822;{rcpt}
Action: {action}
Status: {status}
Remote-MTA: dns;{remote}
Diagnostic-Code: smtp;{diagnostic}

--{b}
Content-Type: text/rfc822-headers

From: Example Outfitters <news@news.example.com>
To: {rcpt}
Subject: Example Outfitters: {campaign}
Date: {rfc2822(sent_at)}
Message-ID: {mid}
List-Id: Example Outfitters News <news.lists.example.com>

--{b}--
"""))


# Hotmail: SC-001 network block of pmta1 (203.0.113.28) on the two Black Friday sends.
for cname in ["black-friday-teaser", "black-friday"]:
    ms = [s for s in by_campaign[cname] if provider(s[1]) == "hotmail.com"]
    for s in R.sample(ms, 30):
        dsn(s, "pmta1.lists.example.com", "203.0.113.28", "hotmail-com.olc.protection.outlook.com", "5.0.0",
            f"550 SC-001 (DB5EUR03FT{R.randrange(10, 99):03d}) Unfortunately, messages from 203.0.113.28 weren't sent. "
            "Please contact your Internet service provider since part of their network is on our block list. "
            "You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.", delay=R.randrange(20, 900))
# Outlook.com throttling mta3 (203.0.113.27) on weekly-46.
for s in R.sample([s for s in by_campaign["weekly-2026-46"] if provider(s[1]) == "hotmail.com"], 12):
    dsn(s, "mta3.lists.example.com", "203.0.113.27", "outlook-com.olc.protection.outlook.com", "4.0.0",
        "421 RP-001 (COL004-MC1F39) Unfortunately, some messages from 203.0.113.27 weren't sent. Please try again. "
        "We have limits for how many messages can be sent per hour and per day.", action="delayed", delay=R.randrange(60, 3600))
# Yahoo deferrals of mta3 after the teaser.
for s in R.sample([s for s in by_campaign["black-friday-teaser"] if provider(s[1]) == "yahoo.com"], 6):
    dsn(s, "mta3.lists.example.com", "203.0.113.27", "mta7.am0.yahoodns.net", "4.7.0",
        "421 4.7.0 [TSS04] Messages from 203.0.113.27 temporarily deferred due to unexpected volume or user complaints",
        action="delayed", delay=R.randrange(60, 3600))
# Hard bounces: most of them from the purchased list, some disposable giveaway addresses.
partner = {s["email"] for s in subs if s["source"] == "partner-import"}
first = by_campaign["weekly-2026-45"]
hard = [s for s in first if s[1] in partner][:22] + [s for s in first if s[1].endswith(("mailinator.com", "yopmail.com"))][:3] \
    + R.sample([s for s in first if s[1] not in partner], 5)
for s in hard:
    if provider(s[1]) == "gmail.com":
        dsn(s, "mta2.lists.example.com", "203.0.113.26", "gmail-smtp-in.l.google.com", "5.1.1",
            "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. - gsmtp")
    else:
        dom = s[1].split("@")[1]
        dsn(s, "mta2.lists.example.com", "203.0.113.26", f"mx.{dom}", "5.1.1", f"550 5.1.1 <{s[1]}>: Recipient address rejected: User unknown in virtual mailbox table")
for s in R.sample(by_campaign["weekly-2026-46"], 8):
    dom = s[1].split("@")[1]
    dsn(s, "mta2.lists.example.com", "203.0.113.26", f"mx.{dom}", "5.2.2", f"552 5.2.2 <{s[1]}>: Mailbox full: user is over quota")


def jmrp(send, delay, with_id=True):
    mid, rcpt, campaign, sent_at, _ = send
    n_msg[0] += 1
    t = sent_at + delay
    b = f"=_jmrp_{n_msg[0]:04d}"
    messages.append((t, f"""Date: {rfc2822(t)}
From: staff@hotmail.com
To: fbl@example.com
Subject: complaint about message from 203.0.113.26
Message-ID: <jmrp{n_msg[0]:04d}.{t}@hotmail.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="{b}"

--{b}
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: JMRP/1.0
Version: 1

--{b}
Content-Type: text/rfc822-headers

From: Example Outfitters <news@news.example.com>
To: redacted@outlook.com
Subject: Example Outfitters: {campaign}
Date: {rfc2822(sent_at)}
{'Message-ID: ' + mid if with_id else 'X-Mailer: Example'}

--{b}--
"""))


def arf(send, delay, reporter, ua):
    mid, rcpt, campaign, sent_at, _ = send
    n_msg[0] += 1
    t = sent_at + delay
    b = f"=_arf_{n_msg[0]:04d}"
    local, dom = rcpt.split("@")
    messages.append((t, f"""Date: {rfc2822(t)}
From: {reporter}
To: fbl@example.com
Subject: FW: Example Outfitters: {campaign}
Message-ID: <arf{n_msg[0]:04d}.{t}@feedback.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="{b}"

--{b}
Content-Type: text/plain; charset=us-ascii

This is an email abuse report for an email message received from IP 203.0.113.26.

--{b}
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: {ua}
Version: 1
Original-Mail-From: <bounces+{local}={dom}@lists.example.com>
Original-Rcpt-To: {rcpt}
Source-IP: 203.0.113.26
Reported-Domain: news.example.com

--{b}
Content-Type: text/rfc822-headers

From: Example Outfitters <news@news.example.com>
To: {rcpt}
Subject: Example Outfitters: {campaign}
Date: {rfc2822(sent_at)}
Message-ID: {mid}

--{b}--
"""))


giveaway = {s["email"] for s in subs if s["source"] == "giveaway-2026"}
website = {s["email"] for s in subs if s["source"] == "website"}


def pick(campaign, prov, pool):
    cands = [s for s in by_campaign[campaign] if provider(s[1]) == prov and s[1] in pool and s[1] not in picked]
    s = R.choice(cands)
    picked.add(s[1])
    return s


picked = set()
# Outlook.com: 2 JMRP complaints resolved through the send log (over the 0.1 % target).
jmrp(pick("black-friday-teaser", "hotmail.com", giveaway), 3600)
jmrp(pick("weekly-2026-46", "hotmail.com", website), 7200)
# One JMRP without any identifier, one whose Message-ID no send log has.
jmrp(pick("black-friday", "hotmail.com", giveaway), 5400, with_id=False)
s = pick("weekly-2026-45", "hotmail.com", website)
jmrp((s[0].replace("weekly-2026-45", "weekly-2026-44"),) + s[1:], 4000)
# Yahoo CFL: 3 complaints (over the 0.3 % limit).
for c, pool in [("black-friday-teaser", giveaway), ("black-friday", giveaway), ("weekly-2026-46", partner)]:
    arf(pick(c, "yahoo.com", pool), 5000, "Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>", "Yahoo!-Mail-Feedback/2.0")
# uFBL from another provider.
arf(pick("black-friday", "other", partner), 8000, "Universal FBL <ufbl@fbl.example.net>", "Validity-uFBL/1.0")

messages.sort(key=lambda m: m[0])
with open(os.path.join(OUT, "feedback.mbox"), "w", newline="\n") as f:
    for t, text in messages:
        f.write(f"From MAILER-DAEMON {dt.datetime.fromtimestamp(t, UTC).strftime('%a %b %d %H:%M:%S %Y')}\n")
        for line in text.split("\n"):
            f.write((">" + line if line.startswith("From ") else line) + "\n")
print(f"{len(subs)} subscribers, {len(sends)} sends, {len(messages)} messages")
