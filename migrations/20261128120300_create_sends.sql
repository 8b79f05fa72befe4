-- The send log: which Message-ID went to whom in which campaign. Resolves complaints that hide
-- the recipient (by Message-ID, List-Unsubscribe token or CFBL-Feedback-ID) and counts sends
-- for never-engaged scoring.
create table if not exists sends (
    id integer primary key,
    message_id text not null,             -- with angle brackets, <…>
    recipient text not null collate nocase,
    campaign text,
    list text,
    sent_at integer,
    unsubscribe_token text,
    feedback_id text,
    imported_at integer not null,
    unique (message_id, recipient)
);

create index if not exists sends_recipient on sends (recipient, sent_at);
create index if not exists sends_unsubscribe_token on sends (unsubscribe_token) where unsubscribe_token is not null;
create index if not exists sends_feedback_id on sends (feedback_id) where feedback_id is not null;
create index if not exists sends_campaign on sends (campaign);
