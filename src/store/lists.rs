//! Writing subscribers, engagement and imported ESP suppressions, all or nothing: a
//! [`ListImport`] holds one write transaction. Rows should arrive in address order — subscriber
//! rows go into a temporary staging table and are merged in that order at the end; engagement
//! rows come sorted by the caller (an external sort) and go straight in — so the tables stay
//! clustered by address (scoring reads them in that order) and the unique index is written
//! front to back. A large engagement import drops the table's other indexes for its duration
//! and rebuilds them at the end, which is several times faster than updating them row by row.
//! Dropping the import (or `abort`) leaves the database as it was, indexes included.
//! Rows travel to SQLite as one JSON array per batch (arrays of columns for the two big
//! tables), which SQLite unpacks faster than sqlx binds one parameter per cell.

use serde::Serialize;
use sqlx::{Sqlite, Transaction};

use super::{Store, StoreError};
use crate::import::engagement::EngagementRecord;
use crate::import::subscribers::SubscriberRecord;

/// Which table an import fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Subscribers,
    Engagement,
    /// Suppressions of one source format (`ses`, `mailgun`, …).
    Suppressions(&'static str),
}

impl ListKind {
    fn table(self) -> &'static str {
        match self {
            ListKind::Subscribers => "subscribers",
            ListKind::Engagement => "engagement",
            ListKind::Suppressions(_) => "suppressions",
        }
    }
}

/// An import in progress (one transaction).
pub struct ListImport {
    store: Store,
    tx: Transaction<'static, Sqlite>,
    kind: ListKind,
    /// Rows in the table before (not counted for engagement: the inserts say how many they added).
    before: i64,
    now: i64,
    /// Rows the batch statements changed (the outcome of an engagement import; the others count
    /// the table).
    inserted: u64,
    /// Indexes dropped for the import, to rebuild before commit: (name, SQL).
    deferred: Vec<(String, String)>,
}

/// What a committed import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ListImportOutcome {
    /// Rows the table gained.
    pub new: u64,
}

const CREATE_SUBSCRIBER_STAGE: &str = "create temp table subscriber_stage (address text, list text, source text, \
     status text, signup_at integer, signup_ip text, confirm_at integer, confirm_ip text, rating real, tags text, \
     last_changed_at integer, extra text)";

/// Rows as JSON arrays in the stage's column order (see [`StagedSubscriber`]); positional
/// `->>` costs SQLite far less than looking up object keys or binding twelve parameters a row.
const STAGE_SUBSCRIBERS: &str = "insert into temp.subscriber_stage \
     select j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, \
     j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11 \
     from jsonb_each(jsonb(?1)) as j";

/// Later rows of the file win over earlier ones (rowid breaks ties); empty cells keep what the
/// table had; a row that changes nothing is not touched (a re-import leaves `imported_at`).
const MERGE_SUBSCRIBERS: &str = "insert into subscribers (address, list, source, status, signup_at, signup_ip, \
     confirm_at, confirm_ip, rating, tags, last_changed_at, extra, imported_at) \
     select address, list, source, status, signup_at, signup_ip, confirm_at, confirm_ip, rating, tags, \
     last_changed_at, extra, ?1 from temp.subscriber_stage where true order by address, list, rowid \
     on conflict (address, list) do update set source = coalesce(excluded.source, source), status = excluded.status, \
     signup_at = coalesce(excluded.signup_at, signup_at), signup_ip = coalesce(excluded.signup_ip, signup_ip), \
     confirm_at = coalesce(excluded.confirm_at, confirm_at), confirm_ip = coalesce(excluded.confirm_ip, confirm_ip), \
     rating = coalesce(excluded.rating, rating), tags = coalesce(excluded.tags, tags), \
     last_changed_at = coalesce(excluded.last_changed_at, last_changed_at), extra = coalesce(excluded.extra, extra), \
     imported_at = excluded.imported_at \
     where (excluded.status, coalesce(excluded.source, source), coalesce(excluded.signup_at, signup_at), \
     coalesce(excluded.signup_ip, signup_ip), coalesce(excluded.confirm_at, confirm_at), coalesce(excluded.confirm_ip, confirm_ip), \
     coalesce(excluded.rating, rating), coalesce(excluded.tags, tags), coalesce(excluded.last_changed_at, last_changed_at), \
     coalesce(excluded.extra, extra)) is not (status, source, signup_at, signup_ip, confirm_at, confirm_ip, rating, tags, \
     last_changed_at, extra)";

const DROP_SUBSCRIBER_STAGE: &str = "drop table temp.subscriber_stage";

/// Engagement rows as one JSON array of arrays `[address, type, time, campaign, ip, user_agent]`
/// per batch: for this narrow table SQLite's JSON functions cost less than binding seven
/// parameters a row (measured: docs/benchmarks.md). The natural key makes a second import of
/// the same rows a no-op.
const INSERT_ENGAGEMENT: &str = "insert into engagement (address, type, occurred_at, campaign, ip, user_agent, imported_at) \
     select j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, ?2 \
     from jsonb_each(jsonb(?1)) as j where true on conflict do nothing";

/// A subscriber row as the stage's JSON array. A rating that is not finite goes as null (JSON
/// has none), so it keeps what the table had.
struct StagedSubscriber<'r>(&'r SubscriberRecord);

impl Serialize for StagedSubscriber<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let rating = r.rating.filter(|v| v.is_finite());
        (&r.address, &r.list, &r.source, &r.status, r.signup_at, &r.signup_ip, r.confirm_at, &r.confirm_ip, rating, &r.tags, r.last_changed_at, &r.extra)
            .serialize(s)
    }
}

/// The engagement indexes an import may drop and rebuild: all but the unique one it relies on.
const ENGAGEMENT_SECONDARY_INDEXES: &str = "select name, sql from sqlite_master where type = 'index' \
     and tbl_name = 'engagement' and sql is not null and name <> 'engagement_natural' order by name";

/// An engagement import of at least 1/N of the table's rows rebuilds the secondary index instead
/// of updating it row by row. Updating costs ~5.6 µs a row once the index outgrows the cache
/// (its keys are times; the rows arrive in address order) and more as it grows, rebuilding
/// ~0.9 µs per row of the whole table (docs/benchmarks.md, "Imports into a large table"): the
/// break-even is near 1/6 at 6M rows and near 1/16 at 90M.
const DEFER_WHEN_ONE_IN: i64 = 8;

const LAST_ENGAGEMENT_ID: &str = "select coalesce(max(id), 0) from engagement";

const INSERT_SUPPRESSIONS: &str = "insert into suppressions (address, source_format, reason, suppressed_at, imported_at) \
     select j.value ->> 'address', ?2, j.value ->> 'reason', j.value ->> 'suppressed_at', ?3 \
     from jsonb_each(jsonb(?1)) as j where true \
     on conflict do update set suppressed_at = coalesce(min(suppressed_at, excluded.suppressed_at), suppressed_at, excluded.suppressed_at)";

/// While rows go in: 256 MiB of page cache for the tables and their unique indexes, and as
/// much for the subscriber stage (a temporary table has its own cache).
const WRITING: &[&str] = &["pragma cache_size = -262144", "pragma temp.cache_size = -262144"];

/// While the subscriber merge and the index rebuilds sort: two helper threads for SQLite's
/// sorter, each holding lists of up to the cache size, so the cache goes down to 64 MiB (with
/// 256 MiB and helpers a 10M-row engagement import went over 1 GB of RSS). Measured in
/// docs/benchmarks.md: the index rebuild of that import takes half the time.
const SORTING: &[&str] = &["pragma cache_size = -65536", "pragma threads = 2"];

/// Back to the connection's usual settings (the pool reuses it).
const AFTER_SORTING: &[&str] = &["pragma threads = 0", "pragma temp.cache_size = -2000", super::CACHE_SIZE_PRAGMA];

/// Runs constant statements in order.
async fn run_all(tx: &mut Transaction<'static, Sqlite>, statements: &[&'static str]) -> Result<(), sqlx::Error> {
    for statement in statements {
        sqlx::query(*statement).execute(&mut **tx).await?;
    }
    Ok(())
}

const COUNT_SUBSCRIBERS: &str = "select count(*) from subscribers";
const COUNT_SUPPRESSIONS: &str = "select count(*) from suppressions";

impl Store {
    /// Starts an all-or-nothing import into the table of `kind`. `now` is stored as the import time.
    pub async fn begin_list_import(&self, kind: ListKind, now: i64) -> Result<ListImport, StoreError> {
        let mut tx = self.begin_write().await?;
        run_all(&mut tx, WRITING).await.map_err(|e| self.error(e))?;
        if kind == ListKind::Subscribers {
            sqlx::query(CREATE_SUBSCRIBER_STAGE).execute(&mut *tx).await.map_err(|e| self.error(e))?;
        }
        let before = count(&mut tx, kind).await.map_err(|e| self.error(e))?;
        Ok(ListImport { store: self.clone(), tx, kind, before, now, inserted: 0, deferred: Vec::new() })
    }
}

async fn count(tx: &mut Transaction<'static, Sqlite>, kind: ListKind) -> Result<i64, sqlx::Error> {
    let sql = match kind {
        ListKind::Subscribers => COUNT_SUBSCRIBERS,
        ListKind::Engagement => return Ok(0),
        ListKind::Suppressions(_) => COUNT_SUPPRESSIONS,
    };
    sqlx::query_scalar(sql).fetch_one(&mut **tx).await
}

impl ListImport {
    /// Adds valid suppression rows (call with batches of a few thousand) as one JSON array of
    /// objects.
    pub async fn add<T: Serialize>(&mut self, rows: &[T]) -> Result<(), StoreError> {
        self.expect_kind(matches!(self.kind, ListKind::Suppressions(_)), "suppression")?;
        self.write_batch(rows).await
    }

    /// Stages subscriber rows (merged into the table in address order by [`ListImport::finish`]).
    pub async fn add_subscribers(&mut self, rows: Vec<SubscriberRecord>) -> Result<(), StoreError> {
        self.expect_kind(self.kind == ListKind::Subscribers, "subscriber")?;
        let staged: Vec<StagedSubscriber> = rows.iter().map(StagedSubscriber).collect();
        self.write_batch(&staged).await
    }

    /// Inserts engagement rows (in the table's natural order, see the module doc); rows already
    /// present are left alone.
    pub async fn add_engagement(&mut self, rows: Vec<EngagementRecord>) -> Result<(), StoreError> {
        self.expect_kind(self.kind == ListKind::Engagement, "engagement")?;
        self.write_batch(&rows).await
    }

    /// Writes one batch, as a JSON array, with the statement of this import's table.
    async fn write_batch<T: Serialize>(&mut self, rows: &[T]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let json = serde_json::to_string(rows).map_err(|e| StoreError::Other { path: self.store.path().to_owned(), message: e.to_string() })?;
        let query = match self.kind {
            ListKind::Subscribers => sqlx::query(STAGE_SUBSCRIBERS).bind(json),
            ListKind::Engagement => sqlx::query(INSERT_ENGAGEMENT).bind(json).bind(self.now),
            ListKind::Suppressions(format) => sqlx::query(INSERT_SUPPRESSIONS).bind(json).bind(format).bind(self.now),
        };
        let done = query.execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        self.inserted += done.rows_affected();
        Ok(())
    }

    /// An error for rows of one kind sent to an import of another (a programming error).
    fn expect_kind(&self, matches: bool, rows: &str) -> Result<(), StoreError> {
        if matches {
            return Ok(());
        }
        Err(StoreError::Other { path: self.store.path().to_owned(), message: format!("{rows} rows sent to the {} import", self.kind.table()) })
    }

    /// For an engagement import of `rows` rows: when that is at least one [`DEFER_WHEN_ONE_IN`]th
    /// of what the table holds, drops its secondary indexes until [`ListImport::finish`]
    /// rebuilds them. Returns how many it dropped.
    pub async fn defer_indexes_for(&mut self, rows: u64) -> Result<usize, StoreError> {
        if self.kind != ListKind::Engagement || !self.deferred.is_empty() {
            return Ok(0);
        }
        let existing: i64 = sqlx::query_scalar(LAST_ENGAGEMENT_ID).fetch_one(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        if i64::try_from(rows).unwrap_or(i64::MAX).saturating_mul(DEFER_WHEN_ONE_IN) < existing {
            return Ok(0);
        }
        let indexes: Vec<(String, String)> = sqlx::query_as(ENGAGEMENT_SECONDARY_INDEXES).fetch_all(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        for (name, _) in &indexes {
            // The name comes from sqlite_master, not from input; quoted as an identifier.
            let sql = format!("drop index \"{}\"", name.replace('"', "\"\""));
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        }
        tracing::debug!("engagement import: rebuilding {} indexes at the end", indexes.len());
        self.deferred = indexes;
        Ok(self.deferred.len())
    }

    /// Merges staged subscribers in address order, rebuilds deferred indexes, commits.
    pub async fn finish(mut self) -> Result<ListImportOutcome, StoreError> {
        let started = std::time::Instant::now();
        if self.kind == ListKind::Subscribers {
            sqlx::query(MERGE_SUBSCRIBERS).bind(self.now).execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
            sqlx::query(DROP_SUBSCRIBER_STAGE).execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        }
        run_all(&mut self.tx, SORTING).await.map_err(|e| self.store.error(e))?;
        for (_, sql) in std::mem::take(&mut self.deferred) {
            // The index's own definition, read from sqlite_master before it was dropped.
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        }
        run_all(&mut self.tx, AFTER_SORTING).await.map_err(|e| self.store.error(e))?;
        tracing::debug!("{}: merged and indexed in {:.2} s", self.kind.table(), started.elapsed().as_secs_f64());
        let new = match self.kind {
            ListKind::Engagement => self.inserted,
            kind => {
                let after = count(&mut self.tx, kind).await.map_err(|e| self.store.error(e))?;
                u64::try_from(after - self.before).unwrap_or(0)
            }
        };
        self.tx.commit().await.map_err(|e| self.store.error(e))?;
        tracing::debug!("{}: {new} new rows, finished in {:.2} s", self.kind.table(), started.elapsed().as_secs_f64());
        Ok(ListImportOutcome { new })
    }

    /// Rolls everything back.
    pub async fn abort(self) -> Result<(), StoreError> {
        self.tx.rollback().await.map_err(|e| self.store.error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::engagement::EngagementType;

    /// id, address, occurred_at, campaign, ip, imported_at
    type StoredEngagement = (i64, String, i64, Option<String>, Option<String>, i64);

    fn engagement(i: usize) -> EngagementRecord {
        EngagementRecord {
            address: format!("u{i:04}@example.com"),
            valid: true,
            kind: EngagementType::Open,
            occurred_at: 1_790_812_800 + i as i64,
            campaign: i.is_multiple_of(2).then(|| "c1".to_owned()),
            ip: None,
            user_agent: Some("ua".to_owned()),
        }
    }

    fn subscriber(i: usize, status: &str, rating: Option<f64>) -> SubscriberRecord {
        SubscriberRecord {
            address: format!("s{i:04}@example.com"),
            valid: true,
            list: "news".to_owned(),
            source: None,
            status: status.to_owned(),
            signup_at: Some(1_790_000_000),
            signup_ip: None,
            confirm_at: None,
            confirm_ip: None,
            rating,
            tags: None,
            last_changed_at: None,
            extra: Some(r#"{"First Name":"A"}"#.to_owned()),
        }
    }

    #[tokio::test]
    async fn engagement_rows_go_in_order_and_twice_is_once() {
        let store = Store::open_in_memory().await.unwrap();
        let rows: Vec<EngagementRecord> = (0..300).map(engagement).collect();
        let mut import = store.begin_list_import(ListKind::Engagement, 7).await.unwrap();
        import.add_engagement(rows.clone()).await.unwrap();
        import.add_engagement(rows[..3].to_vec()).await.unwrap(); // already there: nothing
        assert_eq!(import.finish().await.unwrap().new, 300);
        let stored: Vec<StoredEngagement> =
            sqlx::query_as("select id, address, occurred_at, campaign, ip, imported_at from engagement order by id").fetch_all(store.pool()).await.unwrap();
        assert_eq!(stored.len(), 300);
        for (i, (id, address, at, campaign, ip, imported_at)) in stored.into_iter().enumerate() {
            assert_eq!((id, address.as_str(), at, campaign, ip, imported_at), (i as i64 + 1, rows[i].address.as_str(), rows[i].occurred_at, rows[i].campaign.clone(), None, 7));
        }
    }

    #[tokio::test]
    async fn only_an_import_of_an_eighth_of_the_table_or_more_rebuilds_the_secondary_index() {
        let store = Store::open_in_memory().await.unwrap();
        let index_exists = || sqlx::query_scalar::<_, i64>("select count(*) from sqlite_master where name = 'engagement_sends_at'").fetch_one(store.pool());
        let import = |rows: std::ops::Range<usize>| {
            let store = store.clone();
            async move {
                let mut import = store.begin_list_import(ListKind::Engagement, 7).await.unwrap();
                let dropped = import.defer_indexes_for(rows.len() as u64).await.unwrap();
                let sends = rows.map(|i| EngagementRecord { kind: EngagementType::Send, ..engagement(i) }).collect();
                import.add_engagement(sends).await.unwrap();
                import.finish().await.unwrap();
                dropped
            }
        };
        assert_eq!(import(0..80).await, 1, "into an empty table");
        assert_eq!(import(80..89).await, 0, "9 rows into 80: updated in place");
        assert_eq!(import(89..101).await, 1, "12 rows into 89: rebuilt");
        assert_eq!(index_exists().await.unwrap(), 1);
        let rows: i64 = sqlx::query_scalar("select count(*) from engagement indexed by engagement_sends_at where type = 'send'").fetch_one(store.pool()).await.unwrap();
        assert_eq!(rows, 101, "the rebuilt index holds every send row");
    }

    #[tokio::test]
    async fn staged_subscribers_merge_later_rows_winning() {
        let store = Store::open_in_memory().await.unwrap();
        let mut rows: Vec<SubscriberRecord> = (0..266).map(|i| subscriber(i, "subscribed", Some(2.0))).collect();
        rows.push(subscriber(5, "unsubscribed", Some(f64::NAN)));
        rows.push(subscriber(6, "cleaned", Some(f64::INFINITY)));
        let mut import = store.begin_list_import(ListKind::Subscribers, 7).await.unwrap();
        import.add_subscribers(rows).await.unwrap();
        assert_eq!(import.finish().await.unwrap().new, 266);
        let row = |address: &'static str| {
            sqlx::query_as::<_, (String, Option<f64>, Option<String>)>("select status, rating, extra from subscribers where address = ?1").bind(address).fetch_one(store.pool())
        };
        // A rating that is not a finite number keeps what the table had, as JSON's null did.
        assert_eq!(row("s0005@example.com").await.unwrap(), ("unsubscribed".to_owned(), Some(2.0), Some(r#"{"First Name":"A"}"#.to_owned())));
        assert_eq!(row("s0006@example.com").await.unwrap().0, "cleaned");
        assert_eq!(row("s0006@example.com").await.unwrap().1, Some(2.0));
        assert_eq!(row("s0265@example.com").await.unwrap().0, "subscribed");
    }
}
