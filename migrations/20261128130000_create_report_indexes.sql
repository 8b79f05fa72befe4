-- The report counts sends in a time window (per day, recipient domain and campaign) from the send
-- log and from engagement sends; these covering indexes turn those counts into range scans on
-- millions of rows. The audit's confirmation-mail lookup uses sends_recipient and
-- engagement_address, which exist already.
create index if not exists sends_sent_at on sends (sent_at, recipient, campaign);
create index if not exists engagement_type_at on engagement (type, occurred_at, address, campaign);
