-- One row per recipient event found in a message: what happened to whom, why, and the evidence.
-- Scoring reads this table; reparse deletes and rewrites a message's rows.
create table if not exists events (
    id integer primary key,
    message_ref integer not null references messages (id) on delete cascade,
    seq integer not null,                 -- position of the recipient in the message
    address text not null collate nocase, -- normalised (EmailAddress)
    original_address text,
    kind text not null,                   -- the message's kind
    reason text not null,                 -- Sisimai vocabulary
    class text not null,                  -- hard | soft | sender | complaint | unsubscribe | auto_reply | delivered | info
    hard integer not null default 0,
    action text,
    status text,                          -- enhanced status code, 5.1.1
    reply_code text,                      -- SMTP reply code, 550
    diagnostic text,
    feedback_type text,
    occurred_at integer not null,         -- message date, else received time
    provider text not null,               -- receiving provider family: microsoft | gmail | yahoo | apple | other
    reporting_mta text,
    remote_mta text,
    source_ip text,
    campaign text,
    list_id text,
    original_message_id text,
    resolved_by text not null,            -- dsn | arf | text | verp | header_token | send_log | …
    unique (message_ref, seq)
);

create index if not exists events_address on events (address, occurred_at);
create index if not exists events_class on events (class, occurred_at);
create index if not exists events_original_message_id on events (original_message_id);
