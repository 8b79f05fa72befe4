//! Re-running the current parser over stored raw messages: each message's events and
//! unresolved complaint are replaced in one transaction per chunk, so a rerun (or a crash and a
//! rerun) gives the same rows.

use serde::Serialize;

use super::ingest::{write_events, RawBlob, ToWrite};
use super::{Store, StoreError};
use crate::domain::Kind;
use crate::parse::{self, ParseOptions, Parsed, PARSER_VERSION};
use crate::resolve::{self, Resolver};

/// What a reparse did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReparseCounts {
    /// Messages looked at.
    pub messages: u64,
    /// Messages parsed again and rewritten.
    pub reparsed: u64,
    /// Messages without stored raw bytes (`keep_raw = false`), left as they were.
    pub skipped: u64,
    /// Messages whose kind changed.
    pub changed: u64,
    /// Messages still of kind other.
    pub unparsed: u64,
    /// Events after the reparse (of the reparsed messages).
    pub events: u64,
    /// Complaints left unresolved.
    pub unresolved: u64,
}

/// Messages per transaction.
const CHUNK: i64 = 500;

const SELECT: &str = "select m.id, m.kind, m.received_at, r.encoding, r.raw from messages as m \
     left join raw_messages as r on r.message_ref = m.id \
     where m.id > ?1 and (not ?2 or m.parser_version < ?3) order by m.id limit ?4";

const DELETE_EVENTS: &str = "delete from events where message_ref in (select value from json_each(?1))";
const DELETE_UNRESOLVED: &str = "delete from unresolved_complaints where message_ref in (select value from json_each(?1))";
const UPDATE: &str = "update messages set kind = j.value ->> 'kind', parser_version = j.value ->> 'parser_version', \
     message_id = j.value ->> 'message_id', original_message_id = j.value ->> 'original_message_id', \
     from_address = j.value ->> 'from', subject = j.value ->> 'subject', date_at = j.value ->> 'date', \
     reporting_mta = j.value ->> 'reporting_mta', decoded_by = j.value ->> 'decoded_by', \
     feedback_type = j.value ->> 'feedback_type', user_agent = j.value ->> 'user_agent', \
     source_ip = j.value ->> 'source_ip', note = j.value ->> 'note' \
     from jsonb_each(jsonb(?1)) as j where messages.id = j.value ->> 'id'";

#[derive(Serialize)]
struct Update<'a> {
    id: i64,
    kind: &'static str,
    parser_version: u32,
    message_id: Option<&'a str>,
    original_message_id: Option<String>,
    from: Option<&'a str>,
    subject: Option<&'a str>,
    date: Option<i64>,
    reporting_mta: Option<&'a str>,
    decoded_by: Option<&'a str>,
    feedback_type: Option<&'a str>,
    user_agent: Option<&'a str>,
    source_ip: Option<&'a str>,
    note: Option<&'a str>,
}

impl<'a> Update<'a> {
    fn new(id: i64, p: &'a Parsed) -> Update<'a> {
        Update {
            id,
            kind: p.kind.as_str(),
            parser_version: PARSER_VERSION,
            message_id: p.message_id.as_deref(),
            original_message_id: p.original.message_id.as_deref().and_then(resolve::normalise_message_id),
            from: p.from.as_deref(),
            subject: p.subject.as_deref(),
            date: p.date.map(|d| d.timestamp()),
            reporting_mta: p.reporting_mta.as_deref(),
            decoded_by: p.decoded_by.as_deref(),
            feedback_type: p.feedback_type.as_deref(),
            user_agent: p.user_agent.as_deref(),
            source_ip: p.source_ip.as_deref(),
            note: p.note.as_deref(),
        }
    }
}

type Row = (i64, String, i64, Option<String>, Option<Vec<u8>>);

impl Store {
    /// Reparses every stored message (or, with `only_stale`, those parsed by an older parser).
    /// `progress` is called with the number of messages done after each chunk.
    pub async fn reparse(
        &self,
        options: &ParseOptions,
        resolver: &Resolver,
        only_stale: bool,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ReparseCounts, StoreError> {
        let mut counts = ReparseCounts::default();
        let mut last = 0i64;
        loop {
            let rows: Vec<Row> = sqlx::query_as(SELECT)
                .bind(last)
                .bind(only_stale)
                .bind(i64::from(PARSER_VERSION))
                .bind(CHUNK)
                .fetch_all(self.pool())
                .await
                .map_err(|e| self.error(e))?;
            let Some(&(id, ..)) = rows.last() else { break };
            last = id;
            self.reparse_chunk(rows, options, resolver, &mut counts).await?;
            progress(counts.messages);
        }
        Ok(counts)
    }

    async fn reparse_chunk(
        &self,
        rows: Vec<Row>,
        options: &ParseOptions,
        resolver: &Resolver,
        counts: &mut ReparseCounts,
    ) -> Result<(), StoreError> {
        let mut parsed: Vec<(i64, i64, Parsed)> = Vec::with_capacity(rows.len());
        for (id, kind, received_at, encoding, raw) in rows {
            counts.messages += 1;
            let (Some(encoding), Some(raw)) = (encoding, raw) else {
                counts.skipped += 1;
                continue;
            };
            let p = match RawBlob::decode(&encoding, &raw) {
                Ok(bytes) => parse::classify(&bytes, options),
                Err(e) => Parsed::unreadable(&format!("stored raw message cannot be decoded: {e}")),
            };
            counts.changed += u64::from(p.kind.as_str() != kind);
            counts.unparsed += u64::from(p.kind == Kind::Other);
            parsed.push((id, received_at, p));
        }
        if parsed.is_empty() {
            return Ok(());
        }
        let ids = serde_json::to_string(&parsed.iter().map(|(id, ..)| *id).collect::<Vec<_>>()).unwrap_or_default();
        let updates: Vec<Update<'_>> = parsed.iter().map(|(id, _, p)| Update::new(*id, p)).collect();
        let updates = serde_json::to_string(&updates).unwrap_or_default();
        let to_write: Vec<ToWrite<'_>> =
            parsed.iter().map(|(id, received_at, p)| ToWrite { message_ref: *id, parsed: p, received_at: *received_at }).collect();
        let mut tx = self.begin_write().await?;
        let result = async {
            sqlx::query(DELETE_EVENTS).bind(&ids).execute(&mut *tx).await?;
            sqlx::query(DELETE_UNRESOLVED).bind(&ids).execute(&mut *tx).await?;
            sqlx::query(UPDATE).bind(&updates).execute(&mut *tx).await?;
            write_events(&mut tx, &to_write, resolver).await
        }
        .await
        .map_err(|e| self.error(e))?;
        tx.commit().await.map_err(|e| self.error(e))?;
        counts.reparsed += parsed.len() as u64;
        for w in result {
            counts.events += w.events as u64;
            counts.unresolved += u64::from(w.unresolved);
        }
        Ok(())
    }
}
