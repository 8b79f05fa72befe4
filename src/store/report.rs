//! Read-only queries behind `report` and `audit`. Everything large is aggregated in SQL (sends
//! counted per domain, campaign and day; events per provider, class, reason, campaign and day;
//! sender-side refusals grouped by their evidence); subscribers are read in keyset pages so a
//! million of them never sit in one result set. Rows come back as the plain structs of
//! `report::deliverability` and `report::audit`.

use std::collections::HashSet;

use super::{Store, StoreError};
use crate::report::audit::SubscriberRow;
use crate::report::deliverability::{EventCount, RefusalGroup, ReportInput, SendCount, UnresolvedRow};

/// The provider family of a domain `dom` split into `first` label and `rest`, as a SQL `case`
/// (one text for [`SENDS`] and [`PROVIDER_OF_DOMAIN_SQL`], so the test of the latter holds both).
macro_rules! provider_case {
    () => {
        "select case \
       when dom in ('verizon.net', 'att.net', 'sbcglobal.net', 'bellsouth.net', 'frontier.com') then 'yahoo' \
       when instr(dom, '.') = 0 or rest = '' or rest glob '*[^.][^.][^.][^.]*' or rest like '%..%' \
         or rest like '.%' or rest like '%.' then 'other' \
       when first in ('hotmail', 'outlook', 'live', 'msn', 'windowslive', 'passport') then 'microsoft' \
       when first in ('gmail', 'googlemail') then 'gmail' \
       when first in ('yahoo', 'ymail', 'rocketmail', 'aol', 'aim') then 'yahoo' \
       when first = 'icloud' or (first in ('me', 'mac') and rest = 'com') then 'apple' \
       else 'other' end"
    };
}

/// The sends of the window, counted per provider family, campaign and day in one pass: the send
/// log, plus engagement sends of the campaigns the send log does not have in the window (so
/// importing both never counts a campaign twice). The `case` mirrors
/// `provider::provider_of_domain`; a test holds the two together through
/// [`PROVIDER_OF_DOMAIN_SQL`], which shares it.
const SENDS: &str = concat!(
    "with s as ( \
     select recipient as address, coalesce(campaign, '') as campaign, sent_at as at from sends \
       where sent_at >= ?1 and sent_at < ?2 \
     union all \
     select address, campaign, occurred_at from engagement_sends \
       where occurred_at >= ?1 and occurred_at < ?2 \
       and campaign not in (select coalesce(campaign, '') from sends where sent_at >= ?1 and sent_at < ?2)), \
     d as (select lower(rtrim(substr(address, instr(address, '@') + 1), '.')) as dom, campaign, at / 86400 as day, \
       count(*) as n from s group by 1, 2, 3), \
     p as (select dom, substr(dom, 1, instr(dom, '.') - 1) as first, substr(dom, instr(dom, '.') + 1) as rest, campaign, day, n from d) ",
    provider_case!(),
    " as provider, campaign, day, sum(n) \
     from p group by 1, 2, 3"
);

/// The provider `case` of [`SENDS`] alone, for the test that compares it with Rust's table.
pub const PROVIDER_OF_DOMAIN_SQL: &str = concat!(
    "with p as (select ?1 as dom, substr(?1, 1, instr(?1, '.') - 1) as first, \
     substr(?1, instr(?1, '.') + 1) as rest) ",
    provider_case!(),
    " from p"
);

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

/// One page of subscribers after id ?1, packed into one JSON array of rows (a row
/// per subscriber through sqlx costs a channel hand-off each; a million of them dominated the
/// audit), each with the last send between signup and confirmation (the confirmation mail).
/// The lookups are pinned to the per-recipient indexes: the planner would otherwise pick the time
/// index and scan a range of the send log per subscriber. A subscriber whose signup/confirmation
/// window lies wholly outside the time span of the send log (or of the engagement sends) cannot
/// have a confirmation mail there, so that lookup is skipped: the span is read once, from the
/// time indexes.
const SUBSCRIBERS_PAGE: &str = "with span as (select \
       (select min(sent_at) from sends) as sends_from, (select max(sent_at) from sends) as sends_to, \
       (select min(occurred_at) from engagement_sends) as engagement_from, \
       (select max(occurred_at) from engagement_sends) as engagement_to) \
     select json_group_array(json_array(s.id, s.address, s.list, s.source, s.status, s.signup_at, s.signup_ip, \
       s.confirm_at, s.confirm_ip, \
       case when s.confirm_at is null then null else nullif(max( \
         case when s.confirm_at >= span.sends_from and coalesce(s.signup_at, 0) <= span.sends_to then \
           coalesce((select max(x.sent_at) from sends as x indexed by sends_recipient where x.recipient = s.address \
                     and x.sent_at <= s.confirm_at and x.sent_at >= coalesce(s.signup_at, 0)), -1) else -1 end, \
         case when s.confirm_at >= span.engagement_from and coalesce(s.signup_at, 0) <= span.engagement_to then \
           coalesce((select max(g.occurred_at) from engagement as g indexed by engagement_natural \
                     where g.address = s.address and g.type = 'send' \
                     and g.occurred_at <= s.confirm_at and g.occurred_at >= coalesce(s.signup_at, 0)), -1) else -1 end), -1) end)) \
     from (select id, address, list, source, status, signup_at, signup_ip, confirm_at, confirm_ip from subscribers \
           where id > ?1 order by id limit ?2) as s, span";

/// The addresses (lower-cased by SQLite) with a complaint or a hard bounce, packed into one JSON
/// array of `[class, address]` pairs.
const MARKED: &str = "select json_group_array(json_array(class, address)) from \
     (select distinct class, lower(address) as address from events where class in ('complaint', 'hard'))";

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
        let sends: Vec<(String, String, i64, i64)> = sqlx::query_as(SENDS).bind(since).bind(until).fetch_all(pool).await.map_err(err)?;
        let events: Vec<(String, String, String, Option<String>, i64, i64)> =
            sqlx::query_as(EVENT_COUNTS).bind(since).bind(until).fetch_all(pool).await.map_err(err)?;
        let refusals: Vec<RefusalTuple> = sqlx::query_as(REFUSALS).bind(since).bind(until).fetch_all(pool).await.map_err(err)?;
        let unresolved: Vec<(i64, bool, i64, bool, bool, Option<String>)> =
            sqlx::query_as(UNRESOLVED).bind(since).bind(until).fetch_all(pool).await.map_err(err)?;
        Ok(ReportInput {
            sends: sends.into_iter().map(|(provider, campaign, day, n)| SendCount { provider, campaign, day, count: count(n) }).collect(),
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

    /// Addresses (lower-case) with a complaint event, and with a hard-bounce event.
    pub async fn complained_and_hard_bounced(&self) -> Result<(HashSet<String>, HashSet<String>), StoreError> {
        let json: Option<String> = sqlx::query_scalar(MARKED).fetch_one(self.pool()).await.map_err(|e| self.error(e))?;
        let rows: Vec<(String, String)> = self.unpack(json, "complained and hard-bounced addresses")?;
        let mut complained = HashSet::new();
        let mut hard = HashSet::new();
        for (class, address) in rows {
            if class == "complaint" { complained.insert(address) } else { hard.insert(address) };
        }
        Ok((complained, hard))
    }

    /// Up to `limit` subscribers with an id above `after`, in id order, and the last id read.
    pub async fn subscriber_page(&self, after: i64, limit: i64) -> Result<(Vec<SubscriberRow>, Option<i64>), StoreError> {
        let json: Option<String> =
            sqlx::query_scalar(SUBSCRIBERS_PAGE).bind(after).bind(limit).fetch_one(self.pool()).await.map_err(|e| self.error(e))?;
        let mut rows: Vec<SubscriberTuple> = self.unpack(json, "subscribers")?;
        // The aggregate sees the page in id order; sorting (a no-op then) keeps the order and
        // the keyset right even if a future SQLite aggregated in another order. An `order by`
        // inside the aggregate would cost a temporary b-tree per page.
        rows.sort_unstable_by_key(|r| r.0);
        let last = rows.last().map(|r| r.0);
        Ok((rows.into_iter().map(subscriber_row).collect(), last))
    }

    /// The rows of a query that packs its result into one JSON array (SQL null: no rows).
    fn unpack<T: serde::de::DeserializeOwned>(&self, json: Option<String>, what: &str) -> Result<Vec<T>, StoreError> {
        serde_json::from_str(json.as_deref().unwrap_or("[]"))
            .map_err(|e| StoreError::Other { path: self.path().to_owned(), message: format!("{what}: {e}") })
    }
}

fn subscriber_row(r: SubscriberTuple) -> SubscriberRow {
    SubscriberRow {
        address: r.1,
        list: r.2,
        source: r.3.filter(|s| !s.is_empty()),
        status: r.4,
        signup_at: r.5,
        signup_ip: r.6.filter(|s| !s.is_empty()),
        confirm_at: r.7,
        confirm_ip: r.8.filter(|s| !s.is_empty()),
        confirmation_sent_at: r.9,
        complained: false,
        hard_bounced: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::engagement::{EngagementRecord, EngagementType};
    use crate::store::lists::ListKind;

    const DAY: i64 = 86_400;
    const T0: i64 = 20_000 * DAY;

    fn send(address: &str, at: i64, campaign: Option<&str>) -> EngagementRecord {
        EngagementRecord { address: address.into(), valid: true, kind: EngagementType::Send, occurred_at: at, campaign: campaign.map(Into::into), ip: None, user_agent: None }
    }

    async fn import_engagement(store: &Store, mut rows: Vec<EngagementRecord>) {
        rows.sort_by(crate::import::external_sort::natural_order);
        let mut import = store.begin_list_import(ListKind::Engagement, T0).await.unwrap();
        import.add_engagement(rows).await.unwrap();
        import.finish().await.unwrap();
    }

    #[tokio::test]
    async fn engagement_sends_count_per_day_in_the_window_unless_the_send_log_has_the_campaign() {
        let store = Store::open_in_memory().await.unwrap();
        // Two imports: the second one's sends come after the table already has rows.
        import_engagement(&store, vec![send("a@gmail.com", T0 + 10, Some("c1")), send("b@outlook.com", T0 + 20, Some("c1")), send("c@gmail.com", T0 - 5, Some("c1"))]).await;
        let open = EngagementRecord { kind: EngagementType::Open, ..send("a@gmail.com", T0 + 30, Some("c1")) };
        import_engagement(&store, vec![send("d@gmail.com", T0 + DAY + 1, None), open, send("e@gmail.com", T0 + 40, Some("logged"))]).await;
        sqlx::query("insert into sends (message_id, recipient, campaign, sent_at, imported_at) values ('<m@x>', 'f@gmail.com', 'logged', ?1, 0)")
            .bind(T0 + 50)
            .execute(store.pool())
            .await
            .unwrap();
        let input = store.report_input(T0, T0 + 2 * DAY).await.unwrap();
        let mut sends: Vec<(String, String, i64, u64)> = input.sends.into_iter().map(|s| (s.provider, s.campaign, s.day, s.count)).collect();
        sends.sort();
        let day = T0 / DAY;
        // c@ is before the window, the open is not a send, e@'s campaign comes from the send log.
        assert_eq!(
            sends,
            [
                ("gmail".to_owned(), String::new(), day + 1, 1),
                ("gmail".to_owned(), "c1".to_owned(), day, 1),
                ("gmail".to_owned(), "logged".to_owned(), day, 1),
                ("microsoft".to_owned(), "c1".to_owned(), day, 1),
            ]
        );
    }

    #[tokio::test]
    async fn the_confirmation_mail_is_found_among_engagement_sends() {
        let store = Store::open_in_memory().await.unwrap();
        import_engagement(&store, vec![send("a@example.com", T0 + 60, None), send("a@example.com", T0 + 5000, None)]).await;
        sqlx::query("insert into subscribers (address, list, status, signup_at, confirm_at, imported_at) values ('a@example.com', '', 'subscribed', ?1, ?2, 0)")
            .bind(T0)
            .bind(T0 + 65)
            .execute(store.pool())
            .await
            .unwrap();
        let (rows, last) = store.subscriber_page(0, 10).await.unwrap();
        assert_eq!(last, Some(1));
        assert_eq!(rows[0].confirmation_sent_at, Some(T0 + 60), "the last send between signup and confirmation");
    }
}
