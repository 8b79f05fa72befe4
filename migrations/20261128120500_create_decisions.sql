-- Score runs and their per-address decisions (verdict, rule, evidence), so every suppression is
-- explained and replayable; export watermarks say what each export already wrote.
create table if not exists score_runs (
    id integer primary key,
    started_at integer not null,
    finished_at integer,
    now_at integer not null,              -- the "now" the rules were evaluated at
    dry_run integer not null default 0,
    parser_version integer,
    policy text,                          -- JSON of the policy used
    addresses integer not null default 0,
    suppressed integer not null default 0,
    flagged integer not null default 0
);

create table if not exists decisions (
    id integer primary key,
    run_id integer not null references score_runs (id) on delete cascade,
    address text not null collate nocase,
    verdict text not null check (verdict in ('suppress', 'flag', 'keep')),
    rule_id text,
    evidence text,                        -- JSON array of event ids (events.id)
    explanation text,
    decided_at integer not null
);

create index if not exists decisions_address on decisions (address, decided_at);
create index if not exists decisions_run on decisions (run_id, verdict);

create table if not exists export_watermarks (
    name text primary key,
    last_run_id integer,
    last_decision_id integer,
    exported_at integer not null
);
