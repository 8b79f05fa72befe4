-- The report counts sends per day in a time window and the audit reads the span of the sends:
-- both want the engagement send rows in time order. As an index of `engagement`
-- (engagement_sends_at) that order cost every import dearly once the table was large: an index
-- takes its entries in the order the rows arrive (address order), a page read and write a row
-- once it outgrows the cache, and dropping and rebuilding it reads the whole table. As a table
-- of its own, each import appends its new send rows sorted by time (they land at the end, or in
-- one range): the cost follows the import, not the table.
create table if not exists engagement_sends (
    occurred_at integer not null,
    address text not null collate nocase,
    campaign text not null,               -- '' when the row has none
    primary key (occurred_at, address, campaign)
) without rowid;

insert into engagement_sends (occurred_at, address, campaign)
    select occurred_at, address, coalesce(campaign, '') from engagement where type = 'send' order by 1, 2, 3;

drop index if exists engagement_sends_at;
