#!/usr/bin/env python3
"""Fills a listhygiene database (already migrated: run any listhygiene command on it first) with
the `audit`/`report` benchmark set: N subscribers with double-opt-in evidence (bursts, scanner
confirmations, +tag variants, role and disposable addresses, a purchased source without
evidence), 2 sends per subscriber in the last 30 days, and E events (complaints, hard and soft
bounces, sender-side refusals with real Outlook/Gmail/Yahoo diagnostics). Deterministic.

usage: bench-report-data.py DB SUBSCRIBERS EVENTS NOW
"""
import random
import sqlite3
import sys

db, n_subs, n_events, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
R = random.Random(7)
DOMAINS = ["gmail.com"] * 35 + ["hotmail.com", "outlook.com", "live.com"] * 10 + ["yahoo.com", "aol.com"] * 7 + \
    ["icloud.com"] * 5 + [f"corp{i}.example" for i in range(16)]
SOURCES = ["website", "checkout", "giveaway", "partner-import", "webinar"]
con = sqlite3.connect(db)
con.execute("pragma journal_mode = wal")
con.execute("pragma synchronous = off")


def subscriber(i):
    dom = DOMAINS[i % len(DOMAINS)]
    local = f"user{i}"
    roll = i % 100
    if roll == 1:
        local = f"user{i - 1}+promo"
        dom = DOMAINS[(i - 1) % len(DOMAINS)]
    elif roll == 2:
        local = "info" if i % 3 else "sales"
        dom = f"company{i}.example"
    elif roll == 3:
        dom = "mailinator.com"
    source = SOURCES[i % len(SOURCES)]
    signup = now - 400 * 86400 + (i * 37) % (380 * 86400)
    ip = f"100.{64 + i % 60}.{(i // 60) % 250}.{1 + i % 250}"
    if source == "giveaway" and i % 10 == 0:
        ip = f"198.51.100.{i % 250}"
        signup = now - 50 * 86400 + (i % 1000) * 3
    confirm, cip = signup + 60 + i % 86400, ip
    if source == "giveaway" and i % 4 == 0:
        confirm, cip = signup + 3, f"192.0.2.{i % 250}"
    if source == "partner-import":
        return (f"{local}@{dom}", "news", source, "subscribed", None, None, None, None, now)
    return (f"{local}@{dom}", "news", source, "subscribed", signup, ip, confirm, cip, now)


subs = [subscriber(i) for i in range(n_subs)]
con.executemany("insert or ignore into subscribers (address, list, source, status, signup_at, signup_ip, confirm_at, confirm_ip, imported_at) values (?,?,?,?,?,?,?,?,?)", subs)
camp = [("bench-week-1", now - 25 * 86400), ("bench-week-3", now - 11 * 86400)]
sends = ((f"<{c}.{i}@news.example.com>", s[0], c, "news", t + i // 50, now) for c, t in camp for i, s in enumerate(subs))
con.executemany("insert or ignore into sends (message_id, recipient, campaign, list, sent_at, imported_at) values (?,?,?,?,?,?)", sends)
DIAG = [
    ("sender", "badreputation", "microsoft", "5.0.0", "550", "550 SC-001 (DB5EUR03FT019) Unfortunately, messages from 203.0.113.28 weren't sent. Please contact your Internet service provider since part of their network is on our block list."),
    ("sender", "badreputation", "microsoft", "4.0.0", "421", "421 RP-001 (COL004-MC1F39) Unfortunately, some messages from 203.0.113.27 weren't sent. Please try again."),
    ("sender", "speeding", "gmail", "4.7.28", "421", "421-4.7.28 [203.0.113.27 15] Our system has detected an unusual rate of unsolicited mail originating from your IP address."),
    ("sender", "badreputation", "yahoo", "4.7.0", "421", "421 4.7.0 [TSS04] Messages from 203.0.113.27 temporarily deferred due to unexpected volume or user complaints"),
    ("hard", "userunknown", None, "5.1.1", "550", "550 5.1.1 User unknown"),
    ("soft", "mailboxfull", None, "5.2.2", "552", "552 5.2.2 Mailbox full"),
    ("complaint", "feedback", None, None, None, None),
]
WEIGHTS = [8, 4, 2, 2, 50, 20, 14]
con.execute("delete from events where message_ref in (select id from messages where source = 'bench')")
con.execute("delete from messages where source = 'bench'")
msgs, events = [], []
base = (con.execute("select coalesce(max(id), 0) from messages").fetchone()[0]) + 1
for k in range(n_events):
    mid = base + k
    cls, reason, prov, status, reply, diag = R.choices(DIAG, WEIGHTS)[0]
    s = subs[R.randrange(n_subs)]
    address = s[0]
    d = address.split("@")[1]
    provider = prov or ("microsoft" if d in ("hotmail.com", "outlook.com", "live.com") else "gmail" if d == "gmail.com" else "yahoo" if d in ("yahoo.com", "aol.com") else "apple" if d == "icloud.com" else "other")
    at = now - R.randrange(0, 30 * 86400)
    msgs.append((mid, k.to_bytes(8, "big") + b"bench" + bytes(19), "bench", "bounce" if cls != "complaint" else "complaint", 1, at, 1000))
    events.append((mid, address, "bounce" if cls != "complaint" else "complaint", reason, cls, status, reply, diag, at, provider, "pmta1.lists.example.com", f"<{camp[k % 2][0]}.{k % n_subs}@news.example.com>", "dsn"))
con.executemany("insert into messages (id, digest, source, kind, parser_version, received_at, size) values (?,?,?,?,?,?,?)", msgs)
con.executemany("insert into events (message_ref, seq, address, kind, reason, class, status, reply_code, diagnostic, occurred_at, provider, reporting_mta, original_message_id, resolved_by) values (?,0,?,?,?,?,?,?,?,?,?,?,?,?)", events)
con.commit()
con.execute("pragma wal_checkpoint(truncate)")
print(f"{len(subs)} subscribers, {2 * len(subs)} sends, {n_events} events")
