//! Reading decisions back: an address's current decision (`explain`), the current decisions an
//! export writes (suppressed, optionally flagged, optionally only those newer than an export's
//! watermark), streamed in address order from one read snapshot, and the watermarks
//! themselves, moved only once the export is safely written.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};

use super::{Store, StoreError};
use crate::export::ExportRow;
use crate::score::RuleId;

/// A stored decision, as `explain` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct StoredDecision {
    pub id: i64,
    pub run_id: i64,
    pub address: String,
    pub verdict: String,
    pub rule_id: Option<String>,
    pub category: Option<String>,
    pub reason: Option<String>,
    pub evidence: Option<String>,
    pub evidence_at: Option<i64>,
    pub explanation: Option<String>,
    pub decided_at: i64,
}

const CURRENT_DECISION: &str = "select d.id, d.run_id, d.address, d.verdict, d.rule_id, d.category, d.reason, d.evidence, \
     d.evidence_at, d.explanation, d.decided_at from current_decisions c join decisions d on d.id = c.decision_id \
     where c.address = ?1";

/// Rows after ?1 (address order), at most ?4: suppressed ones, flagged ones too when ?2, only
/// decisions newer than ?3. The deciding event (the first of the evidence) gives bounce codes.
/// The unary `+` keep the planner on the primary key (address order): with the verdict index it
/// would sort every chunk, and an export would take quadratic time.
const EXPORT_CHUNK: &str = "select json_group_array(json_object('address', address, 'verdict', verdict, 'rule', rule_id, \
     'category', category, 'reason', reason, 'explanation', coalesce(explanation, ''), 'decided_at', decided_at, \
     'evidence_at', evidence_at, 'decision_id', decision_id, 'reply_code', reply_code, 'status', status, \
     'diagnostic', diagnostic, 'evidence', coalesce(evidence, '{}'))) from (\
     select c.address, d.verdict, d.rule_id, d.category, d.reason, d.explanation, d.decided_at, d.evidence_at, \
     d.id as decision_id, e.reply_code, e.status, e.diagnostic, d.evidence \
     from current_decisions c join decisions d on d.id = c.decision_id \
     left join events e on e.id = (d.evidence ->> '$.events[0]') \
     where c.address > ?1 and (+c.verdict = 'suppress' or (?2 and +c.verdict = 'flag')) and +c.decision_id > ?3 \
     order by c.address limit ?4)";

/// Addresses after ?1 whose current decision is suppress (or flag, when ?2), at most ?3 (in
/// primary-key order; see EXPORT_CHUNK).
const DECIDED_CHUNK: &str = "select json_group_array(json_array(address, rule_id)) from (select address, rule_id \
     from current_decisions where address > ?1 and (+verdict = 'suppress' or (?2 and +verdict = 'flag')) \
     order by address limit ?3)";

const MAX_DECISION: &str = "select coalesce(max(id), 0) from decisions";
const MAX_RUN: &str = "select coalesce(max(id), 0) from score_runs";
const WATERMARK: &str = "select last_decision_id from export_watermarks where name = ?1";
const MOVE_WATERMARK: &str = "insert into export_watermarks (name, last_run_id, last_decision_id, exported_at) values (?1, ?2, ?3, ?4) \
     on conflict (name) do update set last_run_id = excluded.last_run_id, last_decision_id = excluded.last_decision_id, \
     exported_at = excluded.exported_at";

/// Rows per chunk.
const CHUNK: i64 = 5000;

/// What an export reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportQuery {
    pub include_flags: bool,
    /// The watermark's name for an incremental export.
    pub since_last: Option<String>,
}

/// An export being read from one snapshot.
pub struct ExportReader {
    store: Store,
    tx: Transaction<'static, Sqlite>,
    include_flags: bool,
    after_decision: i64,
    last: String,
    done: bool,
    /// The newest decision and run in the snapshot: where the watermark moves to.
    pub upto: Watermark,
}

/// Where an export stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Watermark {
    pub decision_id: i64,
    pub run_id: i64,
}

impl Store {
    /// The address's current decision, if it has one.
    pub async fn current_decision(&self, address: &str) -> Result<Option<StoredDecision>, StoreError> {
        sqlx::query_as(CURRENT_DECISION).bind(address).fetch_optional(self.pool()).await.map_err(|e| self.error(e))
    }

    /// Every suppressed (and, with `include_flags`, flagged) address with the rule that decided
    /// it (`clean`).
    pub async fn decided_addresses(&self, include_flags: bool) -> Result<HashMap<Box<str>, RuleId>, StoreError> {
        let mut map = HashMap::new();
        let mut conn = self.pool().acquire().await.map_err(|e| self.error(e))?;
        let mut last = String::new();
        loop {
            let json: Option<String> =
                sqlx::query_scalar(DECIDED_CHUNK).bind(&last).bind(include_flags).bind(CHUNK).fetch_one(&mut *conn).await.map_err(|e| self.error(e))?;
            let rows: Vec<(String, Option<String>)> = serde_json::from_str(json.as_deref().unwrap_or("[]"))
                .map_err(|e| StoreError::Other { path: self.path().to_owned(), message: format!("decided addresses: {e}") })?;
            let Some((address, _)) = rows.last() else { break };
            last.clone_from(address);
            for (address, rule) in rows {
                if let Some(rule) = rule.as_deref().and_then(RuleId::parse) {
                    map.insert(address.to_lowercase().into_boxed_str(), rule);
                }
            }
        }
        Ok(map)
    }

    /// Starts reading the rows of an export; with `since_last`, only decisions newer than that
    /// watermark.
    pub async fn read_export(&self, query: &ExportQuery) -> Result<ExportReader, StoreError> {
        let mut tx = self.pool().begin().await.map_err(|e| self.error(e))?;
        let after_decision = match &query.since_last {
            Some(name) => sqlx::query_scalar::<_, Option<i64>>(WATERMARK)
                .bind(name)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.error(e))?
                .flatten()
                .unwrap_or(0),
            None => 0,
        };
        let decision_id: i64 = sqlx::query_scalar(MAX_DECISION).fetch_one(&mut *tx).await.map_err(|e| self.error(e))?;
        let run_id: i64 = sqlx::query_scalar(MAX_RUN).fetch_one(&mut *tx).await.map_err(|e| self.error(e))?;
        Ok(ExportReader {
            store: self.clone(),
            tx,
            include_flags: query.include_flags,
            after_decision,
            last: String::new(),
            done: false,
            upto: Watermark { decision_id, run_id },
        })
    }

    /// Moves export `name`'s watermark to `upto` (call once the file is in place).
    pub async fn move_watermark(&self, name: &str, upto: Watermark, now: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(MOVE_WATERMARK)
            .bind(name)
            .bind(upto.run_id)
            .bind(upto.decision_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
        tx.commit().await.map_err(|e| self.error(e))
    }
}

impl ExportReader {
    /// The next rows in address order; empty at the end.
    pub async fn next_chunk(&mut self) -> Result<Vec<ExportRow>, StoreError> {
        if self.done {
            return Ok(Vec::new());
        }
        let json: Option<String> = sqlx::query_scalar(EXPORT_CHUNK)
            .bind(&self.last)
            .bind(self.include_flags)
            .bind(self.after_decision)
            .bind(CHUNK)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| self.store.error(e))?;
        let rows: Vec<ExportRow> = serde_json::from_str(json.as_deref().unwrap_or("[]"))
            .map_err(|e| StoreError::Other { path: self.store.path().to_owned(), message: format!("export rows: {e}") })?;
        match rows.last() {
            Some(r) => self.last = r.address.clone(),
            None => self.done = true,
        }
        Ok(rows)
    }

    /// Ends the read snapshot.
    pub async fn close(self) -> Result<(), StoreError> {
        self.tx.rollback().await.map_err(|e| self.store.error(e))
    }
}
