//! Writing subscribers, engagement and imported ESP suppressions, all or nothing: a
//! [`ListImport`] holds one write transaction. Subscriber and engagement rows go first into a
//! temporary staging table and are merged in address order at the end, so the tables stay
//! clustered by address (scoring reads them in that order) and the indexes are written once,
//! front to back, however the file was sorted. Dropping the import (or `abort`) leaves the
//! database as it was.

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
    /// Rows in the table before (not counted for engagement: the merge says how many it added).
    before: i64,
    now: i64,
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
     from json_each(?1) as j";

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

const CREATE_ENGAGEMENT_STAGE: &str = "create temp table engagement_stage (address text, type text, \
     occurred_at integer, campaign text, ip text, user_agent text)";

const STAGE_ENGAGEMENT: &str = "insert into temp.engagement_stage \
     select j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5 \
     from json_each(?1) as j";

/// The natural key makes a second import of the same rows a no-op.
const MERGE_ENGAGEMENT: &str = "insert into engagement (address, type, occurred_at, campaign, ip, user_agent, imported_at) \
     select address, type, occurred_at, campaign, ip, user_agent, ?1 from temp.engagement_stage where true \
     order by address, type, occurred_at, coalesce(campaign, '') on conflict do nothing";

const DROP_ENGAGEMENT_STAGE: &str = "drop table temp.engagement_stage";

const INSERT_SUPPRESSIONS: &str = "insert into suppressions (address, source_format, reason, suppressed_at, imported_at) \
     select j.value ->> 'address', ?2, j.value ->> 'reason', j.value ->> 'suppressed_at', ?3 \
     from json_each(?1) as j where true \
     on conflict do update set suppressed_at = coalesce(min(suppressed_at, excluded.suppressed_at), suppressed_at, excluded.suppressed_at)";

const COUNT_SUBSCRIBERS: &str = "select count(*) from subscribers";
const COUNT_SUPPRESSIONS: &str = "select count(*) from suppressions";

impl Store {
    /// Starts an all-or-nothing import into the table of `kind`. `now` is stored as the import time.
    pub async fn begin_list_import(&self, kind: ListKind, now: i64) -> Result<ListImport, StoreError> {
        let mut tx = self.begin_write().await?;
        // A large merge sorts in memory as far as it can: 256 MiB for this connection's cache.
        sqlx::query("pragma cache_size = -262144").execute(&mut *tx).await.map_err(|e| self.error(e))?;
        let create = match kind {
            ListKind::Subscribers => Some(CREATE_SUBSCRIBER_STAGE),
            ListKind::Engagement => Some(CREATE_ENGAGEMENT_STAGE),
            ListKind::Suppressions(_) => None,
        };
        if let Some(sql) = create {
            sqlx::query(sql).execute(&mut *tx).await.map_err(|e| self.error(e))?;
        }
        let before = count(&mut tx, kind).await.map_err(|e| self.error(e))?;
        Ok(ListImport { store: self.clone(), tx, kind, before, now })
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
        let query = match self.kind {
            ListKind::Subscribers => sqlx::query(STAGE_SUBSCRIBERS).bind(json),
            ListKind::Engagement => sqlx::query(STAGE_ENGAGEMENT).bind(json),
            ListKind::Suppressions(format) => sqlx::query(INSERT_SUPPRESSIONS).bind(json).bind(format).bind(self.now),
        };
        query.execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        Ok(())
    }

    /// Merges the staged rows in address order and commits everything.
    pub async fn finish(mut self) -> Result<ListImportOutcome, StoreError> {
        let steps: &[&'static str] = match self.kind {
            ListKind::Subscribers => &[MERGE_SUBSCRIBERS, DROP_SUBSCRIBER_STAGE],
            ListKind::Engagement => &[MERGE_ENGAGEMENT, DROP_ENGAGEMENT_STAGE],
            ListKind::Suppressions(_) => &[],
        };
        let mut merged = 0;
        for (i, sql) in steps.iter().enumerate() {
            let query = sqlx::query(*sql);
            let query = if i == 0 { query.bind(self.now) } else { query };
            let done = query.execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
            if i == 0 {
                merged = done.rows_affected();
            }
        }
        let new = match self.kind {
            ListKind::Engagement => merged,
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
