-- Fewer, smaller engagement indexes: every one of them is rebuilt or updated by each import.
-- engagement_address (address, occurred_at) did nothing engagement_natural (address, type,
-- occurred_at, …) cannot: the audit's confirmation-mail lookup asks for one address's sends in
-- a time range, which is a range of the natural key. The report's send counts only read
-- sends, so their covering index holds only the send rows (`type` stays as its last column:
-- without it some SQLite versions read the table to check `type = 'send'`).
drop index if exists engagement_address;
drop index if exists engagement_type_at;
create index if not exists engagement_sends_at on engagement (occurred_at, address, campaign, type) where type = 'send';
