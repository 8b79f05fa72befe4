-- Subscribers, engagement and imported ESP suppressions: the inputs of scoring, filled by
-- `import subscribers|engagement|suppressions`. Designed now so later issues only add rows.
create table if not exists subscribers (
    id integer primary key,
    address text not null collate nocase,
    list text not null default '',
    source text,
    status text not null default 'subscribed', -- subscribed | pending | unsubscribed | cleaned | …
    signup_at integer,
    signup_ip text,
    confirm_at integer,
    confirm_ip text,
    rating real,
    tags text,                            -- comma-separated, as imported
    last_changed_at integer,
    extra text,                           -- JSON object of the columns not mapped to a field
    imported_at integer not null,
    unique (address, list)
);

create table if not exists engagement (
    id integer primary key,
    address text not null collate nocase,
    type text not null check (type in ('send', 'open', 'click', 'reply', 'unsubscribe')),
    occurred_at integer not null,
    campaign text,
    ip text,
    user_agent text,
    imported_at integer not null
);

create unique index if not exists engagement_natural
    on engagement (address, type, occurred_at, coalesce(campaign, ''));
create index if not exists engagement_address on engagement (address, occurred_at);

create table if not exists suppressions (
    id integer primary key,
    address text not null collate nocase,
    source_format text not null,          -- ses | sendgrid | mailchimp | postmark | …
    reason text,
    suppressed_at integer,
    imported_at integer not null
);

create unique index if not exists suppressions_natural
    on suppressions (address, source_format, coalesce(reason, ''));
