//! Writing subscribers, engagement and imported ESP suppressions, all or nothing: a
//! [`ListImport`] holds one write transaction. Subscriber and engagement rows arrive sorted by
//! the table's unique key, one row per key (the caller's external sort folds repeats), and go
//! straight in, so the tables stay clustered by address (scoring reads them in that order) and
//! the unique index is written front to back. An engagement import ends by copying its send rows
//! into `engagement_sends`, the time-ordered copy the report and the audit read, in that table's
//! order. Dropping the import (or `abort`) leaves the database as it was.
//! Rows travel to SQLite as one JSON array per batch, which SQLite unpacks faster than sqlx binds
//! one parameter per cell; the two big tables' rows go as arrays of cells in SQLite's binary JSON
//! (module `jsonb`), so the writer thread has no JSON text to parse.

use serde::Serialize;
use sqlx::{Sqlite, Transaction};

use super::jsonb::JsonbRows;
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
    /// The table's largest id before the import: the rows it adds get the ids after it, one by
    /// one (an upsert that updates, or an insert that is skipped, takes no id), so the largest id
    /// at the end tells how many rows are new without counting the table.
    before: i64,
    now: i64,
}

/// What a committed import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ListImportOutcome {
    /// Rows the table gained.
    pub new: u64,
}

/// Subscriber rows as JSONB arrays in column order (see [`encode_subscribers`]), one row per
/// address and list, merged into the table: positional `->>` costs SQLite far less than looking up
/// object keys or binding twelve parameters a row. Empty cells keep what the table had; a row that
/// changes nothing is not touched (a re-import leaves `imported_at`).
const MERGE_SUBSCRIBERS: &str = "insert into subscribers (address, list, source, status, signup_at, signup_ip, \
     confirm_at, confirm_ip, rating, tags, last_changed_at, extra, imported_at) \
     select j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, \
     j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11, ?2 \
     from jsonb_each(?1) as j where true \
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

/// Engagement rows as one JSONB array of arrays `[address, type, time, campaign, ip, user_agent]`
/// per batch (see [`encode_engagement`]): for this narrow table SQLite's JSON functions cost less
/// than binding seven parameters a row (measured: docs/benchmarks.md). The natural key makes a
/// second import of the same rows a no-op.
const INSERT_ENGAGEMENT: &str = "insert into engagement (address, type, occurred_at, campaign, ip, user_agent, imported_at) \
     select j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, ?2 \
     from jsonb_each(?1) as j where true on conflict do nothing";

/// A batch of subscriber or engagement rows encoded for its table's statement (see
/// [`encode_subscribers`], [`encode_engagement`]). Encoding is apart from writing so that a
/// caller can encode the next batch while SQLite writes this one.
pub struct EncodedRows {
    kind: ListKind,
    /// The statement that writes them (`?1` the rows, `?2` the import time).
    sql: &'static str,
    /// The JSONB array of rows; `None` for no rows.
    rows: Option<Vec<u8>>,
}

impl EncodedRows {
    fn new(kind: ListKind, sql: &'static str, rows: JsonbRows) -> Self {
        EncodedRows { kind, sql, rows: (!rows.is_empty()).then(|| rows.finish()) }
    }
}

/// Subscriber rows as [`MERGE_SUBSCRIBERS`]'s JSONB arrays. A rating that is not finite goes as
/// null (JSON has none), so it keeps what the table had.
pub fn encode_subscribers(rows: &[SubscriberRecord]) -> EncodedRows {
    let mut batch = JsonbRows::default();
    for r in rows {
        batch.cell(&r.address).cell(&r.list).cell(r.source.as_ref()).cell(&r.status).cell(r.signup_at).cell(r.signup_ip.as_ref());
        batch.cell(r.confirm_at).cell(r.confirm_ip.as_ref()).cell(r.rating).cell(r.tags.as_ref()).cell(r.last_changed_at).cell(r.extra.as_ref());
        batch.end_row();
    }
    EncodedRows::new(ListKind::Subscribers, MERGE_SUBSCRIBERS, batch)
}

/// Engagement rows as [`INSERT_ENGAGEMENT`]'s JSONB arrays.
pub fn encode_engagement(rows: &[EngagementRecord]) -> EncodedRows {
    let mut batch = JsonbRows::default();
    for r in rows {
        batch.cell(&r.address).cell(r.kind.as_str()).cell(r.occurred_at).cell(r.campaign.as_ref()).cell(r.ip.as_ref()).cell(r.user_agent.as_ref());
        batch.end_row();
    }
    EncodedRows::new(ListKind::Engagement, INSERT_ENGAGEMENT, batch)
}

/// The send rows an engagement import added (ids above the largest before it), copied into
/// `engagement_sends` in that table's key order: SQLite sorts them (on its helper threads, see
/// [`SORTING`]) and appends them to the B-tree front to back, so extending it costs the size of
/// the import, not of the table. An index of `engagement` keyed by time got its entries in the
/// order rows arrive (address order) and cost a page read and write per row once it outgrew the
/// cache (docs/benchmarks.md, "Imports into a large table").
const COPY_NEW_SENDS: &str = "insert into engagement_sends (occurred_at, address, campaign) \
     select occurred_at, address, coalesce(campaign, '') from engagement where id > ?1 and type = 'send' \
     order by 1, 2, 3";

const LAST_ENGAGEMENT_ID: &str = "select coalesce(max(id), 0) from engagement";
const LAST_SUBSCRIBER_ID: &str = "select coalesce(max(id), 0) from subscribers";
const LAST_SUPPRESSION_ID: &str = "select coalesce(max(id), 0) from suppressions";

const INSERT_SUPPRESSIONS: &str = "insert into suppressions (address, source_format, reason, suppressed_at, imported_at) \
     select j.value ->> 'address', ?2, j.value ->> 'reason', j.value ->> 'suppressed_at', ?3 \
     from jsonb_each(jsonb(?1)) as j where true \
     on conflict do update set suppressed_at = coalesce(min(suppressed_at, excluded.suppressed_at), suppressed_at, excluded.suppressed_at)";

/// While rows go in: 256 MiB of page cache for the tables and their unique indexes.
const WRITING: &[&str] = &["pragma cache_size = -262144"];

/// While [`COPY_NEW_SENDS`] sorts: two helper threads for SQLite's sorter, each holding lists
/// of up to the cache size, so the cache goes down to 64 MiB (with 256 MiB and helpers a 10M-row
/// engagement import went over 1 GB of RSS). Measured in docs/benchmarks.md: sorting with
/// helpers takes half the time.
const SORTING: &[&str] = &["pragma cache_size = -65536", "pragma threads = 2"];

/// Runs constant statements in order.
async fn run_all(tx: &mut Transaction<'static, Sqlite>, statements: &[&'static str]) -> Result<(), sqlx::Error> {
    for statement in statements {
        sqlx::query(*statement).execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// Starts an all-or-nothing import into the table of `kind`. `now` is stored as the import time.
    pub async fn begin_list_import(&self, kind: ListKind, now: i64) -> Result<ListImport, StoreError> {
        let mut tx = self.begin_write().await?;
        run_all(&mut tx, WRITING).await.map_err(|e| self.error(e))?;
        let before = last_id(&mut tx, kind).await.map_err(|e| self.error(e))?;
        Ok(ListImport { store: self.clone(), tx, kind, before, now })
    }
}

/// The largest id of `kind`'s table (0 when empty): read from the end of the rowid B-tree, where
/// `count(*)` would read a whole index (half a gigabyte at 10 million subscribers).
async fn last_id(tx: &mut Transaction<'static, Sqlite>, kind: ListKind) -> Result<i64, sqlx::Error> {
    let sql = match kind {
        ListKind::Subscribers => LAST_SUBSCRIBER_ID,
        ListKind::Engagement => LAST_ENGAGEMENT_ID,
        ListKind::Suppressions(_) => LAST_SUPPRESSION_ID,
    };
    sqlx::query_scalar(sql).fetch_one(&mut **tx).await
}

impl ListImport {
    /// Adds valid suppression rows (call with batches of a few thousand) as one JSON array of
    /// objects.
    pub async fn add<T: Serialize>(&mut self, rows: &[T]) -> Result<(), StoreError> {
        let ListKind::Suppressions(format) = self.kind else { return Err(self.wrong_kind("suppression")) };
        self.write_suppressions(format, rows).await
    }

    /// Merges subscriber rows into the table: one row per address and list (folded by the
    /// caller, see `import::external_sort`), in that order.
    pub async fn add_subscribers(&mut self, rows: Vec<SubscriberRecord>) -> Result<(), StoreError> {
        self.add_encoded(encode_subscribers(&rows)).await
    }

    /// Inserts engagement rows (in the table's natural order, see the module doc); rows already
    /// present are left alone.
    pub async fn add_engagement(&mut self, rows: Vec<EngagementRecord>) -> Result<(), StoreError> {
        self.add_encoded(encode_engagement(&rows)).await
    }

    /// Writes a batch encoded by [`encode_subscribers`] or [`encode_engagement`], as
    /// [`ListImport::add_subscribers`] or [`ListImport::add_engagement`] would.
    pub async fn add_encoded(&mut self, batch: EncodedRows) -> Result<(), StoreError> {
        if batch.kind != self.kind {
            return Err(self.wrong_kind(batch.kind.table()));
        }
        self.write_jsonb(batch.sql, batch.rows).await
    }

    /// Writes one batch of suppressions of `format`, as a JSON array of objects.
    async fn write_suppressions<T: Serialize>(&mut self, format: &'static str, rows: &[T]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let json = serde_json::to_string(rows).map_err(|e| StoreError::Other { path: self.store.path().to_owned(), message: e.to_string() })?;
        let query = sqlx::query(INSERT_SUPPRESSIONS).bind(json).bind(format).bind(self.now);
        query.execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        Ok(())
    }

    /// Writes one JSONB array of rows with `sql` (`?1` the rows, `?2` the import time).
    async fn write_jsonb(&mut self, sql: &'static str, rows: Option<Vec<u8>>) -> Result<(), StoreError> {
        let Some(rows) = rows else { return Ok(()) };
        sqlx::query(sql).bind(rows).bind(self.now).execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        Ok(())
    }

    /// An error for rows of one kind sent to an import of another (a programming error).
    fn wrong_kind(&self, rows: &str) -> StoreError {
        StoreError::Other { path: self.store.path().to_owned(), message: format!("{rows} rows sent to the {} import", self.kind.table()) }
    }

    /// Copies the send rows of an engagement import into `engagement_sends` and commits (the
    /// pool puts the connection's settings back when it returns).
    pub async fn finish(mut self) -> Result<ListImportOutcome, StoreError> {
        let started = std::time::Instant::now();
        if self.kind == ListKind::Engagement {
            self.copy_new_sends().await.map_err(|e| self.store.error(e))?;
            tracing::debug!("engagement: sends copied in time order in {:.2} s", started.elapsed().as_secs_f64());
        }
        let after = last_id(&mut self.tx, self.kind).await.map_err(|e| self.store.error(e))?;
        let new = u64::try_from(after - self.before).unwrap_or(0);
        self.tx.commit().await.map_err(|e| self.store.error(e))?;
        tracing::debug!("{}: {new} new rows, finished in {:.2} s", self.kind.table(), started.elapsed().as_secs_f64());
        Ok(ListImportOutcome { new })
    }

    async fn copy_new_sends(&mut self) -> Result<(), sqlx::Error> {
        run_all(&mut self.tx, SORTING).await?;
        sqlx::query(COPY_NEW_SENDS).bind(self.before).execute(&mut *self.tx).await?;
        Ok(())
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
    async fn each_import_copies_its_new_send_rows_in_time_order() {
        let store = Store::open_in_memory().await.unwrap();
        let import = |rows: Vec<EngagementRecord>| {
            let store = store.clone();
            async move {
                let mut import = store.begin_list_import(ListKind::Engagement, 7).await.unwrap();
                import.add_engagement(rows).await.unwrap();
                import.finish().await.unwrap().new
            }
        };
        let send = |i: usize| EngagementRecord { kind: EngagementType::Send, ..engagement(i) };
        // Sends of 0..20 and opens of 20..30, then the sends of 10..40 (those of 10..20 are there).
        assert_eq!(import((0..20).map(send).chain((20..30).map(engagement)).collect()).await, 30);
        assert_eq!(import((10..40).map(send).collect()).await, 20);
        let copied: Vec<(i64, String, String)> =
            sqlx::query_as("select occurred_at, address, campaign from engagement_sends").fetch_all(store.pool()).await.unwrap();
        let expected: Vec<(i64, String, String)> =
            (0..40).map(send).map(|r| (r.occurred_at, r.address, r.campaign.unwrap_or_default())).collect();
        assert_eq!(copied, expected, "every send once, in time order, no campaign as ''");
    }

    #[tokio::test]
    async fn subscriber_rows_merge_later_rows_winning() {
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
        // Into a table that has rows: the updates of 260..266 take no id, 266..280 are new.
        let mut import = store.begin_list_import(ListKind::Subscribers, 8).await.unwrap();
        import.add_subscribers((260..280).map(|i| subscriber(i, "pending", None)).collect()).await.unwrap();
        assert_eq!(import.finish().await.unwrap().new, 14);
        assert_eq!(row("s0262@example.com").await.unwrap().0, "pending");
    }

    #[tokio::test]
    async fn suppression_imports_count_only_new_rows() {
        let store = Store::open_in_memory().await.unwrap();
        let rows = |range: std::ops::Range<usize>| -> Vec<serde_json::Value> {
            range.map(|i| serde_json::json!({ "address": format!("x{i}@example.com"), "reason": "bounce", "suppressed_at": 5 })).collect()
        };
        for (range, new) in [(0..10, 10), (5..12, 2), (0..12, 0)] {
            let mut import = store.begin_list_import(ListKind::Suppressions("ses"), 7).await.unwrap();
            import.add(&rows(range)).await.unwrap();
            assert_eq!(import.finish().await.unwrap().new, new);
        }
    }
}
