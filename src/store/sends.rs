//! Writing the send log, all or nothing: a [`SendImport`] holds one write transaction; rows go
//! in by batches, and `finish` retries the open unresolved complaints against the new log before
//! committing. Dropping it (or `abort`) leaves the database as it was.

use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::event::PendingJson;
use super::ingest::insert_events;
use super::sendindex::SendIndex;
use super::{Store, StoreError};
use crate::import::sends::SendRecord;
use crate::resolve::{self, Resolver};

/// An import in progress (one transaction).
pub struct SendImport {
    store: Store,
    tx: Transaction<'static, Sqlite>,
    before: i64,
    now: i64,
}

/// What a committed import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SendImportOutcome {
    /// Rows written (new or updated).
    pub rows: u64,
    /// Sends not in the log before.
    pub new: u64,
    /// Unresolved complaints this import resolved.
    pub resolved: u64,
}

const INSERT: &str = "insert into sends (message_id, recipient, campaign, list, sent_at, unsubscribe_token, \
     feedback_id, imported_at) \
     select j.value ->> 'message_id', j.value ->> 'recipient', j.value ->> 'campaign', j.value ->> 'list', \
     j.value ->> 'sent_at', j.value ->> 'unsubscribe_token', j.value ->> 'feedback_id', ?2 \
     from jsonb_each(jsonb(?1)) as j where true \
     on conflict (message_id, recipient) do update set campaign = coalesce(excluded.campaign, campaign), \
     list = coalesce(excluded.list, list), sent_at = coalesce(excluded.sent_at, sent_at), \
     unsubscribe_token = coalesce(excluded.unsubscribe_token, unsubscribe_token), \
     feedback_id = coalesce(excluded.feedback_id, feedback_id)";

const COUNT: &str = "select count(*) from sends";

impl Store {
    /// Starts an all-or-nothing send-log import. `now` is stored as the import time.
    pub async fn begin_send_import(&self, now: i64) -> Result<SendImport, StoreError> {
        let mut tx = self.begin_write().await?;
        let before: i64 = sqlx::query_scalar(COUNT).fetch_one(&mut *tx).await.map_err(|e| self.error(e))?;
        Ok(SendImport { store: self.clone(), tx, before, now })
    }
}

impl SendImport {
    /// Adds valid rows (call with batches of a few thousand).
    pub async fn add(&mut self, rows: &[SendRecord]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let json = serde_json::to_string(rows).unwrap_or_default();
        sqlx::query(INSERT).bind(json).bind(self.now).execute(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        Ok(())
    }

    /// Resolves what the new log can resolve, then commits everything.
    pub async fn finish(mut self, rows: u64, resolver: &Resolver) -> Result<SendImportOutcome, StoreError> {
        let after: i64 = sqlx::query_scalar(COUNT).fetch_one(&mut *self.tx).await.map_err(|e| self.store.error(e))?;
        let resolved = retry_unresolved(&mut self.tx, resolver, self.now).await.map_err(|e| self.store.error(e))?;
        self.tx.commit().await.map_err(|e| self.store.error(e))?;
        Ok(SendImportOutcome { rows, new: u64::try_from(after - self.before).unwrap_or(0), resolved })
    }

    /// Rolls everything back.
    pub async fn abort(self) -> Result<(), StoreError> {
        self.tx.rollback().await.map_err(|e| self.store.error(e))
    }
}

impl Store {
    /// Tries every open unresolved complaint again (after the send log or the secret changed).
    pub async fn retry_unresolved(&self, resolver: &Resolver, now: i64) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = retry_unresolved(&mut tx, resolver, now).await.map_err(|e| self.error(e))?;
        tx.commit().await.map_err(|e| self.error(e))?;
        Ok(n)
    }
}

const OPEN: &str = "select id, message_ref, template from unresolved_complaints \
     where resolved_at is null and id > ?1 order by id limit 1000";

const MARK: &str = "update unresolved_complaints set resolved_at = ?2, resolved_by = j.value ->> 1, \
     resolved_address = j.value ->> 2, note = null \
     from json_each(?1) as j where unresolved_complaints.id = j.value ->> 0";

/// Resolves open complaints the current send log (and secret) can resolve; returns how many.
pub(crate) async fn retry_unresolved(conn: &mut SqliteConnection, resolver: &Resolver, now: i64) -> Result<u64, sqlx::Error> {
    let mut last = 0i64;
    let mut resolved = 0u64;
    loop {
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(OPEN).bind(last).fetch_all(&mut *conn).await?;
        let Some(&(id, _, _)) = rows.last() else { break };
        last = id;
        let pending: Vec<(i64, i64, super::event::Pending)> = rows
            .into_iter()
            .filter_map(|(id, m, t)| serde_json::from_str::<PendingJson>(&t).ok().map(|p| (id, m, p.into_pending())))
            .collect();
        let clues: Vec<_> = pending.iter().map(|(_, _, p)| &p.clues).collect();
        let index = SendIndex::load(conn, &clues, &[]).await?;
        let mut events = Vec::new();
        let mut marks: Vec<(i64, &str, String)> = Vec::new();
        for (id, message_ref, p) in &pending {
            if let Ok(r) = resolve::resolve(&p.clues, resolver, &index) {
                events.push((*message_ref, p.template.resolved(&r)));
                marks.push((*id, r.method.as_str(), r.address.as_str().to_owned()));
            }
        }
        insert_events(conn, &events).await?;
        if !marks.is_empty() {
            let json = serde_json::to_string(&marks).unwrap_or_default();
            sqlx::query(MARK).bind(json).bind(now).execute(&mut *conn).await?;
        }
        resolved += marks.len() as u64;
    }
    Ok(resolved)
}
