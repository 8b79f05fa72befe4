//! Writing subscribers, engagement and imported ESP suppressions, all or nothing: a
//! [`ListImport`] holds one write transaction. Rows should arrive in address order — subscriber
//! rows go into a temporary staging table and are merged in that order at the end; engagement
//! rows come sorted by the caller (an external sort) and go straight in — so the tables stay
//! clustered by address (scoring reads them in that order) and the unique index is written
//! front to back. A large engagement import drops the table's other indexes for its duration
//! and rebuilds them at the end, which is several times faster than updating them row by row.
//! Dropping the import (or `abort`) leaves the database as it was, indexes included.

use serde::Serialize;
use sqlx::{Sqlite, Transaction};

use super::{Store, StoreError};

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
    /// Engagement rows inserted so far.
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

const STAGE_SUBSCRIBERS: &str = "insert into temp.subscriber_stage \
     select j.value ->> 'address', j.value ->> 'list', j.value ->> 'source', j.value ->> 'status', \
     j.value ->> 'signup_at', j.value ->> 'signup_ip', j.value ->> 'confirm_at', j.value ->> 'confirm_ip', \
     j.value ->> 'rating', j.value ->> 'tags', j.value ->> 'last_changed_at', j.value ->> 'extra' \
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

/// Rows as JSON arrays `[address, type, time, campaign, ip, user_agent]`; the natural key
/// makes a second import of the same rows a no-op.
const INSERT_ENGAGEMENT: &str = "insert into engagement (address, type, occurred_at, campaign, ip, user_agent, imported_at) \
     select j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, ?2 \
     from jsonb_each(jsonb(?1)) as j where true on conflict do nothing";

/// The engagement indexes an import may drop and rebuild: all but the unique one it relies on.
const ENGAGEMENT_SECONDARY_INDEXES: &str = "select name, sql from sqlite_master where type = 'index' \
     and tbl_name = 'engagement' and sql is not null and name <> 'engagement_natural' order by name";

const LAST_ENGAGEMENT_ID: &str = "select coalesce(max(id), 0) from engagement";

const INSERT_SUPPRESSIONS: &str = "insert into suppressions (address, source_format, reason, suppressed_at, imported_at) \
     select j.value ->> 'address', ?2, j.value ->> 'reason', j.value ->> 'suppressed_at', ?3 \
     from jsonb_each(jsonb(?1)) as j where true \
     on conflict do update set suppressed_at = coalesce(min(suppressed_at, excluded.suppressed_at), suppressed_at, excluded.suppressed_at)";

const COUNT_SUBSCRIBERS: &str = "select count(*) from subscribers";
const COUNT_SUPPRESSIONS: &str = "select count(*) from suppressions";

impl Store {
    /// Starts an all-or-nothing import into the table of `kind`. `now` is stored as the import time.
    pub async fn begin_list_import(&self, kind: ListKind, now: i64) -> Result<ListImport, StoreError> {
        let mut tx = self.begin_write().await?;
        // A large merge sorts in memory as far as it can: 256 MiB for this connection's cache.
        sqlx::query("pragma cache_size = -262144").execute(&mut *tx).await.map_err(|e| self.error(e))?;
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
    /// Adds valid rows (call with batches of a few thousand). Rows serialise as the importer's
    /// record types do: objects for subscribers and suppressions, arrays for engagement.
    pub async fn add<T: Serialize>(&mut self, rows: &[T]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let json = serde_json::to_string(rows).map_err(|e| StoreError::Other { path: self.store.path().to_owned(), message: e.to_string() })?;
        self.add_json(json).await
    }

    /// Adds rows already serialised as a JSON array (lets the caller prepare the next batch
    /// while SQLite writes this one).
    pub async fn add_json(&mut self, json: String) -> Result<(), StoreError> {
        let query = match self.kind {
            ListKind::Subscribers => sqlx::query(STAGE_SUBSCRIBERS).bind(json),
            ListKind::Engagement => sqlx::query(INSERT_ENGAGEMENT).bind(json).bind(self.now),
            ListKind::Suppressions(format) => sqlx::query(INSERT_SUPPRESSIONS).bind(json).bind(format).bind(self.now),
        };
        let done = query.execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        self.inserted += done.rows_affected();
        Ok(())
    }

    /// For an engagement import of `rows` rows: when that is at least as many as the table
    /// holds, drops its secondary indexes until [`ListImport::finish`] rebuilds them. Returns
    /// how many it dropped.
    pub async fn defer_indexes_for(&mut self, rows: u64) -> Result<usize, StoreError> {
        if self.kind != ListKind::Engagement || !self.deferred.is_empty() {
            return Ok(0);
        }
        let existing: i64 = sqlx::query_scalar(LAST_ENGAGEMENT_ID).fetch_one(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        if i64::try_from(rows).unwrap_or(i64::MAX) < existing {
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
        if self.kind == ListKind::Subscribers {
            sqlx::query(MERGE_SUBSCRIBERS).bind(self.now).execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
            sqlx::query(DROP_SUBSCRIBER_STAGE).execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        }
        for (_, sql) in std::mem::take(&mut self.deferred) {
            // The index's own definition, read from sqlite_master before it was dropped.
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        }
        let new = match self.kind {
            ListKind::Engagement => self.inserted,
            kind => {
                let after = count(&mut self.tx, kind).await.map_err(|e| self.store.error(e))?;
                u64::try_from(after - self.before).unwrap_or(0)
            }
        };
        self.tx.commit().await.map_err(|e| self.store.error(e))?;
        tracing::debug!("{}: {new} new rows", self.kind.table());
        Ok(ListImportOutcome { new })
    }

    /// Rolls everything back.
    pub async fn abort(self) -> Result<(), StoreError> {
        self.tx.rollback().await.map_err(|e| self.store.error(e))
    }
}
