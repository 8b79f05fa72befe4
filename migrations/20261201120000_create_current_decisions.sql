-- `score` writes a decision only when an address's verdict or rule changes, so an address's
-- current decision is its latest one. current_decisions points at it (one row per address ever
-- decided), so exports, `explain` and the next run read one indexed table instead of searching
-- the history. Exports file suppressions by kind (SES BOUNCE/COMPLAINT, Mailgun's three lists)
-- and date them by their evidence: decisions gain category, reason and evidence_at.
alter table decisions add column category text;       -- bounce | complaint | unsubscribe | manual | sunset | role | invalid
alter table decisions add column reason text;         -- Sisimai reason or imported reason behind the rule
alter table decisions add column evidence_at integer; -- when the deciding evidence happened

create table if not exists current_decisions (
    address text primary key collate nocase,
    decision_id integer not null references decisions (id) on delete cascade,
    verdict text not null,
    rule_id text
) without rowid;

create index if not exists current_decisions_verdict on current_decisions (verdict, decision_id);
