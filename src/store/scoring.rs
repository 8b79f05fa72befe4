//! What `score` reads and writes. Reading: six grouped queries — subscribers, recipient events,
//! the engagement summary (opens with a machine's User-Agent or IP told apart in SQL), the
//! send-log summary, imported suppressions and current decisions — each streamed in address
//! order as JSON chunks of a few thousand addresses (one row per chunk: per-row driver overhead
//! would dominate otherwise), each on its own connection so SQLite works on them side by side,
//! and merged into one [`History`] per address, where the opens and clicks that came right after
//! a send are told apart ([`Timing`]). Writing: the decisions that changed, in batched
//! transactions, with `current_decisions` pointing at each address's latest one.

use std::cmp::Ordering;
use std::collections::VecDeque;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use tokio::sync::mpsc;

use super::{Store, StoreError};
use crate::domain::{Class, Verdict};
use crate::score::policy::MAX_MPP_IP_PREFIXES;
use crate::score::{Decision, Engagement, EventFact, History, ImportedSuppression, Policy, SendLog, Subscription, Timing};

/// Addresses per chunk.
const CHUNK: i64 = 4000;

/// Connections a scoring run needs: five streams, up to four engagement partitions, a writer.
pub const SCORING_CONNECTIONS: u32 = 10;

macro_rules! subscribers_sql {
    ($cond:literal) => {
        concat!(
            "select json_group_array(json_array(address, json(items))) from (",
            "select address, json_group_array(json_array(id, list, status, signup_at, confirm_at)) as items ",
            "from subscribers where ", $cond, " group by address order by address limit ?2)"
        )
    };
}

macro_rules! events_sql {
    ($cond:literal) => {
        concat!(
            "select json_group_array(json_array(address, json(items))) from (",
            "select address, json_group_array(json_array(id, class, reason, occurred_at, status, feedback_type, provider)) as items ",
            "from events where ", $cond, " and class <> 'info' group by address order by address limit ?2)"
        )
    };
}

/// Per engagement row a code: 0 send, 1 open, 2 click, 3 reply, 4 unsubscribe, 5 machine open.
/// An open is a machine's when its User-Agent is one of ?3 (JSON list) or its IP starts with one
/// of ?4…?19 (the used ones first, then NULLs, nested so the first NULL ends the test). The
/// other opens and the clicks come out as lists of times, with the address's send times when
/// ?20 (the machine-open window) is not 0: [`Timing`] tells which came within the window after a
/// send, a comparison per open in Rust instead of an index seek per open in SQL. The inner query
/// is a co-routine (`limit -1` keeps it from being flattened), so each row's code is computed
/// once and the outer grouping reads it in index order. ?21/?22 split the addresses into
/// partitions (the address length modulo ?21 equal to ?22) that run on separate connections side
/// by side; each partition is still in address order.
macro_rules! engagement_sql {
    ($cond:literal) => {
        concat!(
            "select json_group_array(json_array(address, sends, first_send, last_send, last_reply, machine_opens, ",
            "open_times, click_times, send_times, unsubscribes, first_unsub_at, first_unsub_id)) from (",
            "select address, count(*) filter (where code = 0) as sends, min(occurred_at) filter (where code = 0) as first_send, ",
            "max(occurred_at) filter (where code = 0) as last_send, max(occurred_at) filter (where code = 3) as last_reply, ",
            "count(*) filter (where code = 5) as machine_opens, group_concat(occurred_at) filter (where code = 1) as open_times, ",
            "group_concat(occurred_at) filter (where code = 2) as click_times, ",
            "case when ?20 > 0 and count(*) filter (where code in (1, 2)) > 0 then group_concat(occurred_at) filter (where code = 0) end as send_times, ",
            "count(*) filter (where code = 4) as unsubscribes, min(occurred_at) filter (where code = 4) as first_unsub_at, ",
            "min(id) filter (where code = 4) as first_unsub_id from (",
            "select e.address, e.occurred_at, e.id, case e.type when 'send' then 0 when 'reply' then 3 when 'unsubscribe' then 4 ",
            "when 'open' then 1 + 4 * coalesce(e.user_agent in (select value from json_each(?3)) ",
            "or (?4 is not null and (substr(e.ip, 1, length(?4)) = ?4 or (?5 is not null and (substr(e.ip, 1, length(?5)) ",
            "= ?5 or (?6 is not null and (substr(e.ip, 1, length(?6)) = ?6 or (?7 is not null and (substr(e.ip, 1, ",
            "length(?7)) = ?7 or (?8 is not null and (substr(e.ip, 1, length(?8)) = ?8 or (?9 is not null and ",
            "(substr(e.ip, 1, length(?9)) = ?9 or (?10 is not null and (substr(e.ip, 1, length(?10)) = ?10 or (?11 is not ",
            "null and (substr(e.ip, 1, length(?11)) = ?11 or (?12 is not null and (substr(e.ip, 1, length(?12)) = ?12 or ",
            "(?13 is not null and (substr(e.ip, 1, length(?13)) = ?13 or (?14 is not null and (substr(e.ip, 1, ",
            "length(?14)) = ?14 or (?15 is not null and (substr(e.ip, 1, length(?15)) = ?15 or (?16 is not null and ",
            "(substr(e.ip, 1, length(?16)) = ?16 or (?17 is not null and (substr(e.ip, 1, length(?17)) = ?17 or (?18 is ",
            "not null and (substr(e.ip, 1, length(?18)) = ?18 or (?19 is not null and substr(e.ip, 1, length(?19)) = ",
            "?19))))))))))))))))))))))))))))))), 0) ",
            "else 2 end as code from engagement e indexed by engagement_natural where ", $cond, " ",
            "and length(e.address) % ?21 = ?22 order by e.address limit -1) ",
            "group by address order by address limit ?2)"
        )
    };
}

macro_rules! send_log_sql {
    ($cond:literal) => {
        concat!(
            "select json_group_array(json_array(recipient, n, first_at, last_at, times)) from (",
            "select recipient, count(*) as n, min(sent_at) as first_at, max(sent_at) as last_at, ",
            "case when ?3 > 0 then group_concat(sent_at) end as times ",
            "from sends where ", $cond, " group by recipient order by recipient limit ?2)"
        )
    };
}

macro_rules! suppressions_sql {
    ($cond:literal) => {
        concat!(
            "select json_group_array(json_array(address, json(items))) from (",
            "select address, json_group_array(json_array(id, source_format, reason, suppressed_at)) as items ",
            "from suppressions where ", $cond, " group by address order by address limit ?2)"
        )
    };
}

macro_rules! current_sql {
    ($cond:literal) => {
        concat!(
            "select json_group_array(json_array(address, decision_id, verdict, rule_id)) from (",
            "select address, decision_id, verdict, rule_id from current_decisions where ", $cond, " order by address limit ?2)"
        )
    };
}

const SUBSCRIBERS_AFTER: &str = subscribers_sql!("address > ?1");
const SUBSCRIBERS_OF: &str = subscribers_sql!("address = ?1");
const EVENTS_AFTER: &str = events_sql!("address > ?1");
const EVENTS_OF: &str = events_sql!("address = ?1");
const ENGAGEMENT_AFTER: &str = engagement_sql!("e.address > ?1");
const ENGAGEMENT_OF: &str = engagement_sql!("e.address = ?1");
const SEND_LOG_AFTER: &str = send_log_sql!("recipient > ?1");
const SEND_LOG_OF: &str = send_log_sql!("recipient = ?1");
const SUPPRESSIONS_AFTER: &str = suppressions_sql!("address > ?1");
const SUPPRESSIONS_OF: &str = suppressions_sql!("address = ?1");
const CURRENT_AFTER: &str = current_sql!("address > ?1");
const CURRENT_OF: &str = current_sql!("address = ?1");

type SubscriberItem = (String, Vec<(i64, String, String, Option<i64>, Option<i64>)>);
type EventItem = (String, Vec<(i64, Class, String, i64, Option<String>, Option<String>, String)>);
type EngagementItem = (String, u32, Option<i64>, Option<i64>, Option<i64>, u32, Option<String>, Option<String>, Option<String>, u32, Option<i64>, Option<i64>);
type SendLogItem = (String, u32, Option<i64>, Option<i64>, Option<String>);
type SuppressionItem = (String, Vec<(i64, String, Option<String>, Option<i64>)>);

/// An address's current decision (its latest).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Current {
    pub address: String,
    pub decision_id: i64,
    pub verdict: Verdict,
    pub rule_id: Option<String>,
}

/// One address to decide: its history and its current decision, if any.
#[derive(Debug, Clone)]
pub struct Subject {
    pub history: History,
    pub current: Option<Current>,
}

/// Which of the six streams a query feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Subscribers,
    Events,
    Engagement,
    SendLog,
    Suppressions,
    Current,
}

impl Stream {
    const ALL: [Stream; 6] = [Stream::Subscribers, Stream::Events, Stream::Engagement, Stream::SendLog, Stream::Suppressions, Stream::Current];

    fn sql(self, one: bool) -> &'static str {
        match (self, one) {
            (Stream::Subscribers, false) => SUBSCRIBERS_AFTER,
            (Stream::Subscribers, true) => SUBSCRIBERS_OF,
            (Stream::Events, false) => EVENTS_AFTER,
            (Stream::Events, true) => EVENTS_OF,
            (Stream::Engagement, false) => ENGAGEMENT_AFTER,
            (Stream::Engagement, true) => ENGAGEMENT_OF,
            (Stream::SendLog, false) => SEND_LOG_AFTER,
            (Stream::SendLog, true) => SEND_LOG_OF,
            (Stream::Suppressions, false) => SUPPRESSIONS_AFTER,
            (Stream::Suppressions, true) => SUPPRESSIONS_OF,
            (Stream::Current, false) => CURRENT_AFTER,
            (Stream::Current, true) => CURRENT_OF,
        }
    }
}

/// A chunk of one stream, parsed: one item per address.
#[derive(Debug)]
enum Item {
    Subscribers(String, Vec<Subscription>),
    Events(String, Vec<EventFact>),
    /// The summary without the opens and clicks whose timing decides, and those.
    Engagement(String, Engagement, Timing),
    /// The summary and the send times (when the policy's window needs them).
    SendLog(String, SendLog, Vec<i64>),
    Suppressions(String, Vec<ImportedSuppression>),
    Current(Current),
}

impl Item {
    fn address(&self) -> &str {
        match self {
            Item::Subscribers(a, _) | Item::Events(a, _) | Item::Engagement(a, ..) | Item::SendLog(a, ..) | Item::Suppressions(a, _) => a,
            Item::Current(c) => &c.address,
        }
    }
}

/// One address's items being gathered from the streams.
struct Gathered {
    history: History,
    current: Option<Current>,
    timing: Timing,
}

impl Gathered {
    fn new(address: String) -> Gathered {
        Gathered { history: History { address, ..History::default() }, current: None, timing: Timing::default() }
    }

    fn add(&mut self, item: Item) {
        let h = &mut self.history;
        match item {
            Item::Subscribers(_, s) => h.subscriptions.extend(s),
            Item::Events(_, e) => h.events.extend(e),
            Item::Engagement(_, e, timing) => {
                h.engagement = e;
                self.timing.opens = timing.opens;
                self.timing.clicks = timing.clicks;
                self.timing.sends.extend(timing.sends);
            }
            Item::SendLog(_, s, times) => {
                h.send_log = s;
                self.timing.sends.extend(times);
            }
            Item::Suppressions(_, s) => h.suppressions.extend(s),
            Item::Current(c) => self.current = Some(c),
        }
    }

    /// The subject, its opens and clicks told apart with the machine-open window.
    fn finish(self, window_secs: i64) -> Subject {
        let mut history = self.history;
        self.timing.count_into(&mut history.engagement, window_secs);
        Subject { history, current: self.current }
    }
}

/// The policy's values the engagement query binds.
#[derive(Debug, Clone)]
struct MachineParams {
    user_agents: String,
    ip_prefixes: Vec<Option<String>>,
    window: i64,
}

impl MachineParams {
    fn of(policy: &Policy) -> MachineParams {
        let mut ip_prefixes: Vec<Option<String>> = policy.mpp_ip_prefixes.iter().map(|p| Some(p.trim().to_owned())).collect();
        ip_prefixes.resize(MAX_MPP_IP_PREFIXES, None);
        MachineParams {
            user_agents: serde_json::to_string(&policy.mpp_user_agents).unwrap_or_else(|_| "[]".to_owned()),
            ip_prefixes,
            window: i64::from(policy.machine_open_window_secs),
        }
    }
}

/// One of `of` hash partitions of the addresses (engagement only; the other streams are one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Partition {
    index: i64,
    of: i64,
}

const WHOLE: Partition = Partition { index: 0, of: 1 };

/// How many partitions the engagement summary runs in: one per core, up to four.
fn engagement_partitions() -> i64 {
    std::thread::available_parallelism().map_or(1, |n| i64::try_from(n.get()).unwrap_or(1)).clamp(1, 4)
}

/// Runs one chunk query of `stream` for addresses after (or, with `one`, equal to) `key`.
async fn fetch_chunk(conn: &mut sqlx::SqliteConnection, stream: Stream, key: &str, one: bool, machine: &MachineParams, part: Partition) -> Result<Vec<Item>, sqlx::Error> {
    let mut query = sqlx::query_scalar::<_, Option<String>>(stream.sql(one)).bind(key).bind(CHUNK);
    if stream == Stream::Engagement {
        query = query.bind(machine.user_agents.clone());
        for prefix in &machine.ip_prefixes {
            query = query.bind(prefix.clone());
        }
        query = query.bind(machine.window).bind(part.of).bind(part.index);
    } else if stream == Stream::SendLog {
        query = query.bind(machine.window);
    }
    let json = query.fetch_one(&mut *conn).await?.unwrap_or_else(|| "[]".to_owned());
    parse_chunk(stream, &json).map_err(|e| sqlx::Error::Decode(format!("scoring chunk of {stream:?}: {e}").into()))
}

fn items<T: DeserializeOwned>(json: &str) -> Result<Vec<T>, serde_json::Error> {
    serde_json::from_str(json)
}

fn parse_chunk(stream: Stream, json: &str) -> Result<Vec<Item>, serde_json::Error> {
    Ok(match stream {
        Stream::Subscribers => items::<SubscriberItem>(json)?
            .into_iter()
            .map(|(a, rows)| {
                let subs = rows.into_iter().map(|(id, list, status, signup_at, confirm_at)| Subscription { id, list, status, signup_at, confirm_at }).collect();
                Item::Subscribers(a, subs)
            })
            .collect(),
        Stream::Events => items::<EventItem>(json)?
            .into_iter()
            .map(|(a, rows)| {
                let mut events: Vec<EventFact> = rows
                    .into_iter()
                    .map(|(id, class, reason, occurred_at, status, feedback_type, provider)| EventFact { id, class, reason, occurred_at, status, feedback_type, provider })
                    .collect();
                events.sort_by_key(|e| (e.occurred_at, e.id));
                Item::Events(a, events)
            })
            .collect(),
        Stream::Engagement => items::<EngagementItem>(json)?.into_iter().map(engagement_of).collect::<Result<_, _>>()?,
        Stream::SendLog => items::<SendLogItem>(json)?
            .into_iter()
            .map(|(a, sends, first_sent_at, last_sent_at, times)| Ok(Item::SendLog(a, SendLog { sends, first_sent_at, last_sent_at }, times_of(times.as_deref())?)))
            .collect::<Result<_, serde_json::Error>>()?,
        Stream::Suppressions => items::<SuppressionItem>(json)?
            .into_iter()
            .map(|(a, rows)| {
                let s = rows.into_iter().map(|(id, source_format, reason, suppressed_at)| ImportedSuppression { id, source_format, reason, suppressed_at }).collect();
                Item::Suppressions(a, s)
            })
            .collect(),
        Stream::Current => items::<Current>(json)?.into_iter().map(Item::Current).collect(),
    })
}

fn engagement_of(t: EngagementItem) -> Result<Item, serde_json::Error> {
    let (address, sends, first_send_at, last_send_at, last_reply_at, machine_opens, opens, clicks, send_times, unsubscribes, first_unsubscribe_at, first_unsubscribe_id) = t;
    let engagement = Engagement {
        sends,
        first_send_at,
        last_send_at,
        last_reply_at,
        machine_opens,
        unsubscribes,
        first_unsubscribe_at,
        first_unsubscribe_id,
        ..Engagement::default()
    };
    let timing = Timing { opens: times_of(opens.as_deref())?, clicks: times_of(clicks.as_deref())?, sends: times_of(send_times.as_deref())? };
    Ok(Item::Engagement(address, engagement, timing))
}

/// The times of a `group_concat` list (`1790812800,1790812805`; NULL when there are none).
fn times_of(list: Option<&str>) -> Result<Vec<i64>, serde_json::Error> {
    list.map_or(Ok(Vec::new()), |list| {
        list.split(',').map(|t| t.parse().map_err(|_| serde::de::Error::custom(format!("not a time: {t:?}")))).collect()
    })
}

/// Compares addresses as SQLite's NOCASE collation does (ASCII letters folded), the order of
/// every stream.
pub fn nocase_cmp(a: &str, b: &str) -> Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// One stream being read: its buffered chunk and the channel the next ones come through.
struct Source {
    buffer: VecDeque<Item>,
    rx: mpsc::Receiver<Result<Vec<Item>, StoreError>>,
    done: bool,
}

impl Source {
    /// Makes sure the buffer holds an item unless the stream has ended.
    async fn fill(&mut self) -> Result<(), StoreError> {
        while self.buffer.is_empty() && !self.done {
            match self.rx.recv().await {
                Some(Ok(chunk)) => self.buffer.extend(chunk),
                Some(Err(e)) => return Err(e),
                None => self.done = true,
            }
        }
        Ok(())
    }
}

/// Every address of the database with its history, in address order.
pub struct HistoryReader {
    sources: Vec<Source>,
    window_secs: i64,
}

impl Store {
    /// Starts reading every address's history, each stream (and each engagement partition) on
    /// its own connection and read transaction. The store should allow [`SCORING_CONNECTIONS`].
    pub async fn read_histories(&self, policy: &Policy) -> Result<HistoryReader, StoreError> {
        let machine = MachineParams::of(policy);
        let parts = engagement_partitions();
        let sources = Stream::ALL
            .into_iter()
            .flat_map(|stream| {
                let of = if stream == Stream::Engagement { parts } else { 1 };
                (0..of).map(move |index| (stream, Partition { index, of }))
            })
            .map(|(stream, part)| {
                let (tx, rx) = mpsc::channel(2);
                tokio::spawn(produce(self.clone(), stream, part, machine.clone(), tx));
                Source { buffer: VecDeque::new(), rx, done: false }
            })
            .collect();
        Ok(HistoryReader { sources, window_secs: machine.window })
    }

    /// One address's history and current decision, through the same queries as a full run.
    pub async fn history_of(&self, address: &str, policy: &Policy) -> Result<Subject, StoreError> {
        let machine = MachineParams::of(policy);
        let mut conn = self.pool().acquire().await.map_err(|e| self.error(e))?;
        let mut gathered = Gathered::new(address.to_owned());
        for stream in Stream::ALL {
            for item in fetch_chunk(&mut conn, stream, address, true, &machine, WHOLE).await.map_err(|e| self.error(e))? {
                gathered.add(item);
            }
        }
        Ok(gathered.finish(machine.window))
    }
}

/// Feeds one stream's chunks into `tx` until the stream ends or the reader goes away.
async fn produce(store: Store, stream: Stream, part: Partition, machine: MachineParams, tx: mpsc::Sender<Result<Vec<Item>, StoreError>>) {
    let result = async {
        let mut read = store.pool().begin().await?;
        let mut last = String::new();
        loop {
            let chunk = fetch_chunk(&mut read, stream, &last, false, &machine, part).await?;
            let Some(item) = chunk.last() else { break };
            last = item.address().to_owned();
            if tx.send(Ok(chunk)).await.is_err() {
                break;
            }
        }
        read.rollback().await
    }
    .await;
    if let Err(e) = result {
        let _ = tx.send(Err(store.error(e))).await;
    }
}

impl HistoryReader {
    /// The next address in order, with everything every stream has on it; `None` at the end.
    pub async fn next(&mut self) -> Result<Option<Subject>, StoreError> {
        for source in &mut self.sources {
            source.fill().await?;
        }
        let Some(address) = self
            .sources
            .iter()
            .filter_map(|s| s.buffer.front().map(Item::address))
            .min_by(|a, b| nocase_cmp(a, b))
            .map(str::to_owned)
        else {
            return Ok(None);
        };
        let mut gathered = Gathered::new(address.clone());
        for source in &mut self.sources {
            while source.buffer.front().is_some_and(|i| nocase_cmp(i.address(), &address) == Ordering::Equal) {
                if let Some(item) = source.buffer.pop_front() {
                    gathered.add(item);
                }
                source.fill().await?;
            }
        }
        Ok(Some(gathered.finish(self.window_secs)))
    }
}

/// A decision that differs from the address's current one.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub address: String,
    pub decision: Decision,
    /// The verdict and rule before, if the address had a decision.
    pub before: Option<(Verdict, Option<String>)>,
}

impl Change {
    /// The change `decision` makes to `current`, if any: a new or different verdict or rule.
    /// An address without a decision that is kept needs none.
    pub fn between(address: &str, current: Option<&Current>, decision: &Decision) -> Option<Change> {
        let rule = decision.rule.map(|r| r.as_str().to_owned());
        let before = current.map(|c| (c.verdict, c.rule_id.clone()));
        let unchanged = match &before {
            None => decision.verdict == Verdict::Keep,
            Some((verdict, old_rule)) => *verdict == decision.verdict && *old_rule == rule,
        };
        (!unchanged).then(|| Change { address: address.to_owned(), decision: decision.clone(), before })
    }
}

/// A row of a decisions batch, as the insert reads it.
#[derive(Serialize)]
struct DecisionRow<'a>(&'a str, &'a str, Option<&'a str>, String, &'a str, Option<&'a str>, Option<&'a str>, Option<i64>);

const INSERT_RUN: &str = "insert into score_runs (started_at, now_at, dry_run, policy) values (?1, ?2, 0, ?3)";
const MAX_DECISION: &str = "select coalesce(max(id), 0) from decisions";
const INSERT_DECISIONS: &str = "insert into decisions (run_id, address, verdict, rule_id, evidence, explanation, decided_at, category, reason, evidence_at) \
     select ?2, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, ?3, j.value ->> 5, j.value ->> 6, j.value ->> 7 \
     from json_each(?1) as j";
const POINT_CURRENT: &str = "insert into current_decisions (address, decision_id, verdict, rule_id) \
     select address, id, verdict, rule_id from decisions where id > ?1 order by id \
     on conflict (address) do update set decision_id = excluded.decision_id, verdict = excluded.verdict, rule_id = excluded.rule_id";
const FINISH_RUN: &str = "update score_runs set finished_at = ?2, addresses = ?3, suppressed = ?4, flagged = ?5 where id = ?1";

/// Writes one run's changed decisions in batched transactions.
pub struct DecisionWriter {
    store: Store,
    pool: SqlitePool,
    run_id: i64,
    now: i64,
    pending: Vec<Change>,
    /// Decisions written so far.
    pub written: u64,
}

/// Changes per transaction.
const WRITE_BATCH: usize = 5000;

impl Store {
    /// Records a new scoring run evaluated at `now` (started at `started`) with `policy`.
    pub async fn begin_score_run(&self, started: i64, now: i64, policy: &Policy) -> Result<DecisionWriter, StoreError> {
        let policy_json = serde_json::to_string(policy).unwrap_or_default();
        let done = sqlx::query(INSERT_RUN).bind(started).bind(now).bind(policy_json).execute(self.pool()).await.map_err(|e| self.error(e))?;
        Ok(DecisionWriter { store: self.clone(), pool: self.pool().clone(), run_id: done.last_insert_rowid(), now, pending: Vec::new(), written: 0 })
    }
}

impl DecisionWriter {
    pub fn run_id(&self) -> i64 {
        self.run_id
    }

    /// Queues a change; writes a batch when enough are queued.
    pub async fn add(&mut self, change: Change) -> Result<(), StoreError> {
        self.pending.push(change);
        if self.pending.len() >= WRITE_BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows: Vec<DecisionRow<'_>> = self
            .pending
            .iter()
            .map(|c| {
                let d = &c.decision;
                DecisionRow(
                    &c.address,
                    d.verdict.as_str(),
                    d.rule.map(|r| r.as_str()),
                    d.evidence.to_json(),
                    &d.explanation,
                    d.category.map(|c| c.as_str()),
                    d.reason.as_deref(),
                    d.evidence_at,
                )
            })
            .collect();
        let json = serde_json::to_string(&rows).unwrap_or_else(|_| "[]".to_owned());
        let mut tx = self.pool.begin_with("begin immediate").await.map_err(|e| self.store.error(e))?;
        let before: i64 = sqlx::query_scalar(MAX_DECISION).fetch_one(&mut *tx).await.map_err(|e| self.store.error(e))?;
        sqlx::query(INSERT_DECISIONS).bind(json).bind(self.run_id).bind(self.now).execute(&mut *tx).await.map_err(|e| self.store.error(e))?;
        sqlx::query(POINT_CURRENT).bind(before).execute(&mut *tx).await.map_err(|e| self.store.error(e))?;
        tx.commit().await.map_err(|e| self.store.error(e))?;
        self.written += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }

    /// Writes what is queued and closes the run with its counts.
    pub async fn finish(mut self, finished: i64, addresses: u64, suppressed: u64, flagged: u64) -> Result<u64, StoreError> {
        self.flush().await?;
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        sqlx::query(FINISH_RUN)
            .bind(self.run_id)
            .bind(finished)
            .bind(n(addresses))
            .bind(n(suppressed))
            .bind(n(flagged))
            .execute(&self.pool)
            .await
            .map_err(|e| self.store.error(e))?;
        Ok(self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nocase_order_matches_sqlite() {
        assert_eq!(nocase_cmp("A@x", "a@x"), Ordering::Equal);
        assert_eq!(nocase_cmp("a_b@x", "aab@x"), Ordering::Less); // '_' (0x5f) < 'a', folded 'A' would be 0x41
        assert_eq!(nocase_cmp("Z@x", "a@x"), Ordering::Greater);
    }
}
