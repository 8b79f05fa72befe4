//! Read-only queries behind `report` and `audit`. Everything large is aggregated in SQL (sends
//! counted per domain, campaign and day; events per provider, class, reason, campaign and day;
//! sender-side refusals grouped by their evidence); subscribers are read in keyset pages so a
//! million of them never sit in one result set. Rows come back as the plain structs of
//! `report::deliverability` and `report::audit`.

use super::{Store, StoreError};
use crate::report::audit::SubscriberRow;
use crate::report::deliverability::{EventCount, RefusalGroup, ReportInput, UnresolvedRow};

/// The sends of the window: the send log, plus engagement sends of the campaigns the send log
/// does not have in the window (so importing both never counts a campaign twice).
const SENDS_BY_DOMAIN: &str = "with s as ( \
     select recipient as address from sends where sent_at >= ?1 and sent_at < ?2 \
     union all \
     select address from engagement where type = 'send' and occurred_at >= ?1 and occurred_at < ?2 \
       and coalesce(campaign, '') not in (select coalesce(campaign, '') from sends where sent_at >= ?1 and sent_at < ?2)) \
     select lower(substr(address, instr(address, '@') + 1)) as domain, count(*) from s group by domain";

const SENDS_BY_CAMPAIGN: &str = "with s as ( \
     select coalesce(campaign, '') as campaign from sends where sent_at >= ?1 and sent_at < ?2 \
     union all \
     select coalesce(campaign, '') from engagement where type = 'send' and occurred_at >= ?1 and occurred_at < ?2 \
       and coalesce(campaign, '') not in (select coalesce(campaign, '') from sends where sent_at >= ?1 and sent_at < ?2)) \
     select campaign, count(*) from s group by campaign";

const SENDS_BY_DAY: &str = "with s as ( \
     select sent_at as at from sends where sent_at >= ?1 and sent_at < ?2 \
     union all \
     select occurred_at from engagement where type = 'send' and occurred_at >= ?1 and occurred_at < ?2 \
       and coalesce(campaign, '') not in (select coalesce(campaign, '') from sends where sent_at >= ?1 and sent_at < ?2)) \
     select at / 86400 as day, count(*) from s group by day";

/// Complaints and hard bounces without a campaign take it from the send log by the original
/// Message-ID.
const EVENT_COUNTS: &str = "select e.provider, e.class, e.reason, \
     case when e.class in ('complaint', 'hard') then coalesce(e.campaign, \
       (select s.campaign from sends as s where s.message_id = e.original_message_id and s.campaign is not null limit 1)) end as campaign, \
     e.occurred_at / 86400 as day, count(*) \
     from events as e \
     where e.class in ('complaint', 'hard', 'soft', 'sender', 'unsubscribe') and e.occurred_at >= ?1 and e.occurred_at < ?2 \
     group by 1, 2, 3, 4, 5";

const REFUSALS: &str = "select provider, reason, status, reply_code, diagnostic, reporting_mta, remote_mta, source_ip, \
     count(*), min(occurred_at), max(occurred_at) \
     from events where class = 'sender' and occurred_at >= ?1 and occurred_at < ?2 \
     group by provider, reason, status, reply_code, diagnostic, reporting_mta, remote_mta, source_ip";

const UNRESOLVED: &str = "select u.occurred_at, u.original_message_id is not null, \
     (select count(distinct s.recipient) from sends as s where s.message_id = u.original_message_id), \
     u.header_token is not null, \
     (u.unsubscribe_token is not null or u.cfbl_feedback_id is not null or u.verp is not null), u.note \
     from unresolved_complaints as u \
     where u.resolved_at is null and u.occurred_at >= ?1 and u.occurred_at < ?2";

/// One page of subscribers after id ?1, with the last send between signup and confirmation
/// (the confirmation mail) and whether the address complained or hard-bounced.
const SUBSCRIBERS_PAGE: &str = "select s.id, s.address, s.list, s.source, s.status, s.signup_at, s.signup_ip, \
     s.confirm_at, s.confirm_ip, \
     case when s.confirm_at is null then null else nullif(max( \
       coalesce((select max(x.sent_at) from sends as x where x.recipient = s.address \
                 and x.sent_at <= s.confirm_at and x.sent_at >= coalesce(s.signup_at, 0)), -1), \
       coalesce((select max(g.occurred_at) from engagement as g where g.address = s.address and g.type = 'send' \
                 and g.occurred_at <= s.confirm_at and g.occurred_at >= coalesce(s.signup_at, 0)), -1)), -1) end, \
     s.address in (select address from events where class = 'complaint'), \
     s.address in (select address from events where class = 'hard') \
     from subscribers as s where s.id > ?1 order by s.id limit ?2";

/// Subscribers read per page.
pub const SUBSCRIBER_PAGE: i64 = 20_000;

type SubscriberTuple = (
    i64,
    String,
    String,
    Option<String>,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    bool,
    bool,
);

type RefusalTuple =
    (String, String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, i64, i64, i64);

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// Everything the deliverability report needs for `[since, until)`.
    pub async fn report_input(&self, since: i64, until: i64) -> Result<ReportInput, StoreError> {
        let pool = self.pool();
        let err = |e| self.error(e);
        let by_domain: Vec<(String, i64)> =
            sqlx::query_as(SENDS_BY_DOMAIN).bind(since).bind(until).fetch_all(pool).await.map_err(err)?;
        let by_campaign: Vec<(String, i64)> =
            sqlx::query_as(SENDS_BY_CAMPAIGN).bind(since).bind(until).fetch_all(pool).await.map_err(err)?;
        let by_day: Vec<(i64, i64)> = sqlx::query_as(SENDS_BY_DAY).bind(since).bind(until).fetch_all(pool).await.map_err(err)?;
        let events: Vec<(String, String, String, Option<String>, i64, i64)> =
            sqlx::query_as(EVENT_COUNTS).bind(since).bind(until).fetch_all(pool).await.map_err(err)?;
        let refusals: Vec<RefusalTuple> = sqlx::query_as(REFUSALS).bind(since).bind(until).fetch_all(pool).await.map_err(err)?;
        let unresolved: Vec<(i64, bool, i64, bool, bool, Option<String>)> =
            sqlx::query_as(UNRESOLVED).bind(since).bind(until).fetch_all(pool).await.map_err(err)?;
        Ok(ReportInput {
            sends_by_domain: by_domain.into_iter().map(|(d, n)| (d, count(n))).collect(),
            sends_by_campaign: by_campaign.into_iter().map(|(c, n)| (c, count(n))).collect(),
            sends_by_day: by_day.into_iter().map(|(d, n)| (d, count(n))).collect(),
            events: events
                .into_iter()
                .map(|(provider, class, reason, campaign, day, n)| EventCount { provider, class, reason, campaign, day, count: count(n) })
                .collect(),
            refusals: refusals
                .into_iter()
                .map(|r| RefusalGroup {
                    provider: r.0,
                    reason: r.1,
                    status: r.2,
                    reply_code: r.3,
                    diagnostic: r.4,
                    reporting_mta: r.5,
                    remote_mta: r.6,
                    source_ip: r.7,
                    count: count(r.8),
                    first_at: r.9,
                    last_at: r.10,
                })
                .collect(),
            unresolved: unresolved
                .into_iter()
                .map(|u| UnresolvedRow {
                    occurred_at: u.0,
                    original_message_id: u.1,
                    send_log_recipients: count(u.2),
                    header_token: u.3,
                    other_identifiers: u.4,
                    note: u.5,
                })
                .collect(),
        })
    }

    /// Up to `limit` subscribers with an id above `after`, in id order, and the last id read.
    pub async fn subscriber_page(&self, after: i64, limit: i64) -> Result<(Vec<SubscriberRow>, Option<i64>), StoreError> {
        let rows: Vec<SubscriberTuple> =
            sqlx::query_as(SUBSCRIBERS_PAGE).bind(after).bind(limit).fetch_all(self.pool()).await.map_err(|e| self.error(e))?;
        let last = rows.last().map(|r| r.0);
        Ok((
            rows.into_iter()
                .map(|r| SubscriberRow {
                    address: r.1,
                    list: r.2,
                    source: r.3.filter(|s| !s.is_empty()),
                    status: r.4,
                    signup_at: r.5,
                    signup_ip: r.6.filter(|s| !s.is_empty()),
                    confirm_at: r.7,
                    confirm_ip: r.8.filter(|s| !s.is_empty()),
                    confirmation_sent_at: r.9,
                    complained: r.10,
                    hard_bounced: r.11,
                })
                .collect(),
            last,
        ))
    }
}
