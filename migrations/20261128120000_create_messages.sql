-- Every raw message ingested, once. The SHA-256 digest of the raw bytes (CRLF normalised to LF)
-- makes a second ingest of the same message a no-op, from whichever source it comes; IMAP
-- messages are also keyed by account/folder/UIDVALIDITY/UID. Raw bytes live in raw_messages so
-- that scans of this table stay small.
create table if not exists messages (
    id integer primary key,
    digest blob not null,
    source text not null,                 -- file | mbox | stdin | imap
    source_file text,                     -- the path as given, or the IMAP account/folder
    source_key text,                      -- exact place: mbox@OFFSET, imap:acct/folder;UIDVALIDITY=..;UID=..
    imap_account text,
    imap_folder text,
    imap_uid_validity integer,
    imap_uid integer,
    kind text not null,                   -- bounce | complaint | auth_failure | auto_reply | delivery_report | other
    parser_version integer not null,
    message_id text,                      -- Message-ID of the report or bounce itself
    original_message_id text,             -- Message-ID of the mail it is about
    from_address text,
    subject text,
    date_at integer,                      -- the message's Date header
    received_at integer not null,         -- when listhygiene received it (ingest time or IMAP INTERNALDATE)
    size integer not null,
    reporting_mta text,
    decoded_by text,
    feedback_type text,
    user_agent text,
    source_ip text,
    note text
);

create unique index if not exists messages_digest on messages (digest);
create unique index if not exists messages_imap_uid
    on messages (imap_account, imap_folder, imap_uid_validity, imap_uid)
    where imap_uid is not null;
create index if not exists messages_message_id on messages (message_id);
create index if not exists messages_original_message_id on messages (original_message_id);
create index if not exists messages_kind on messages (kind);

-- zstd-compressed (or plain) raw bytes for reparse and explain; absent when keep_raw = false.
create table if not exists raw_messages (
    message_ref integer primary key references messages (id) on delete cascade,
    encoding text not null,               -- zstd | identity
    raw blob not null
);
