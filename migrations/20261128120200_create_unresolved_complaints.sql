-- Complaints whose recipient the report hides (2026 JMRP, redacted Yahoo/AOL) and that no
-- identifier resolved when they arrived. Kept, listed by `unresolved`, and retried when a send
-- log is imported; resolved_at is set once an event has been written for them.
create table if not exists unresolved_complaints (
    id integer primary key,
    message_ref integer not null unique references messages (id) on delete cascade,
    original_message_id text,
    header_token text,
    unsubscribe_token text,
    cfbl_feedback_id text,
    verp text,
    feedback_type text,
    occurred_at integer not null,
    created_at integer not null,
    note text,                            -- why nothing resolved it
    template text not null,               -- JSON of the event to write once an address is known
    resolved_at integer,
    resolved_by text,
    resolved_address text collate nocase
);

create index if not exists unresolved_open on unresolved_complaints (resolved_at);
create index if not exists unresolved_original_message_id on unresolved_complaints (original_message_id);
