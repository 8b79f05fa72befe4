//! Batched, idempotent ingest. [`Preparer`] does the CPU work for one message (digest, parse,
//! compress) wherever the caller likes — `ingest` runs it on its own thread — and
//! [`Store::ingest`] writes a batch in one transaction (an [`IngestTransaction`] several):
//! messages keyed by digest (and IMAP UID) with `on conflict do nothing`, their raw bytes, their
//! events, and the complaints no identifier resolved. A crash loses at most the uncommitted
//! transaction and counts nothing twice.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use sha2::{Digest as _, Sha256};
use sqlx::SqliteConnection;

use super::event::{self, Built, EventRow, PendingJson};
use super::sendindex::SendIndex;
use super::{hex, ImapCheckpoint, Store, StoreError};
use crate::domain::Kind;
use crate::parse::{self, ParseOptions, Parsed, PARSER_VERSION};
use crate::resolve::{self, Resolver};
use crate::source::{Locator, RawMessage};

/// SHA-256 of a raw message with CRLF line ends read as LF.
pub type Digest = [u8; 32];

/// The idempotency key: the same message from an mbox (LF) and from IMAP (CRLF) matches.
pub fn digest(raw: &[u8]) -> Digest {
    let mut hasher = Sha256::new();
    let mut last = 0;
    for pos in memchr::memmem::find_iter(raw, b"\r\n") {
        hasher.update(&raw[last..pos]);
        hasher.update(b"\n");
        last = pos + 2;
    }
    hasher.update(&raw[last..]);
    hasher.finalize().into()
}

/// The stored form of the raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBlob {
    /// `zstd` or `identity`.
    pub encoding: &'static str,
    pub bytes: Vec<u8>,
}

impl RawBlob {
    /// The original bytes back.
    pub fn decode(encoding: &str, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        match encoding {
            "zstd" => zstd::stream::decode_all(bytes),
            "identity" => Ok(bytes.to_vec()),
            other => Err(std::io::Error::other(format!("unknown raw encoding {other:?}"))),
        }
    }
}

/// One message ready to be written.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub digest: Digest,
    /// Path as given (or account/folder for IMAP).
    pub file: String,
    pub index: usize,
    pub locator: Locator,
    pub size: usize,
    /// Unix seconds: when it was received (ingest time, or the IMAP INTERNALDATE).
    pub received_at: i64,
    pub parsed: Parsed,
    /// `None` when `[database] keep_raw = false`.
    pub raw: Option<RawBlob>,
}

/// What preparing needs.
#[derive(Debug, Clone, Default)]
pub struct PrepareOptions {
    pub parse: ParseOptions,
    /// Keep the raw bytes (zstd-compressed) for reparse and explain.
    pub keep_raw: bool,
}

/// Digests, parses and compresses messages; holds a reusable compression context.
pub struct Preparer {
    options: PrepareOptions,
    compressor: Option<zstd::bulk::Compressor<'static>>,
}

/// zstd level 1: as small as level 3 for single messages (measured: within 2%) at a quarter less CPU.
const ZSTD_LEVEL: i32 = 1;

impl Preparer {
    pub fn new(options: PrepareOptions) -> Preparer {
        let compressor = options.keep_raw.then(|| zstd::bulk::Compressor::new(ZSTD_LEVEL).ok()).flatten();
        Preparer { options, compressor }
    }

    /// Digest, parse and (if kept) compress one message.
    pub fn prepare(&mut self, message: RawMessage, received_at: i64) -> Prepared {
        let digest = digest(&message.bytes);
        self.prepare_digested(message, digest, received_at)
    }

    /// As [`Preparer::prepare`], with the digest already computed.
    pub fn prepare_digested(&mut self, message: RawMessage, digest: Digest, received_at: i64) -> Prepared {
        let parsed = parse::classify(&message.bytes, &self.options.parse);
        let raw = self.options.keep_raw.then(|| self.compress(message.bytes.as_slice()));
        Prepared {
            digest,
            file: message.file,
            index: message.index,
            locator: message.locator,
            size: message.bytes.len(),
            received_at,
            parsed,
            raw,
        }
    }

    fn compress(&mut self, bytes: &[u8]) -> RawBlob {
        match self.compressor.as_mut().map(|c| c.compress(bytes)) {
            Some(Ok(compressed)) if compressed.len() < bytes.len() => RawBlob { encoding: "zstd", bytes: compressed },
            _ => RawBlob { encoding: "identity", bytes: bytes.to_vec() },
        }
    }
}

/// Counts of one batch or a whole run. The field names are the `--json` summary's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct IngestCounts {
    /// Messages given.
    pub messages: u64,
    /// Messages not seen before, now stored.
    pub new: u64,
    /// Messages already stored (same digest or same IMAP UID); nothing added for them.
    pub duplicates: u64,
    /// New messages the parser could not classify (`kind: other`); stored for a later reparse.
    pub unparsed: u64,
    /// Events written.
    pub events: u64,
    /// Complaints whose recipient nothing resolved; kept in `unresolved_complaints`.
    pub unresolved: u64,
    /// Complaints without a recipient that an identifier resolved.
    pub resolved: u64,
}

impl std::ops::AddAssign for IngestCounts {
    fn add_assign(&mut self, o: IngestCounts) {
        self.messages += o.messages;
        self.new += o.new;
        self.duplicates += o.duplicates;
        self.unparsed += o.unparsed;
        self.events += o.events;
        self.unresolved += o.unresolved;
        self.resolved += o.resolved;
    }
}

/// What happened to one message of a batch, in batch order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOutcome {
    New { message_ref: i64, kind: Kind, events: usize, unresolved: bool },
    Duplicate,
}

/// The result of writing one batch.
#[derive(Debug, Clone, Default)]
pub struct BatchOutcome {
    pub counts: IngestCounts,
    pub items: Vec<ItemOutcome>,
}

impl Store {
    /// Writes a batch in one transaction. Messages already stored are counted as duplicates and
    /// add nothing.
    pub async fn ingest(&self, items: &[Prepared], resolver: &Resolver) -> Result<BatchOutcome, StoreError> {
        self.ingest_with_checkpoint(items, resolver, None).await
    }

    /// As [`Store::ingest`], and records an IMAP checkpoint in the same transaction, so the
    /// checkpoint never runs ahead of what is stored.
    pub async fn ingest_with_checkpoint(
        &self,
        items: &[Prepared],
        resolver: &Resolver,
        checkpoint: Option<&ImapCheckpoint>,
    ) -> Result<BatchOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let outcome = write_batch(&mut tx, items, resolver).await.map_err(|e| self.error(e))?;
        if let Some(checkpoint) = checkpoint {
            super::imap::save_checkpoint(&mut tx, checkpoint).await.map_err(|e| self.error(e))?;
        }
        tx.commit().await.map_err(|e| self.error(e))?;
        Ok(outcome)
    }

    /// Starts a transaction that takes several batches ([`IngestTransaction::write`]) and
    /// commits them together, with a larger page cache while it is open (see [`INGEST_CACHE`])
    /// and its statement journals in memory (see [`BEGIN_INGEST`]).
    pub async fn begin_ingest(&self) -> Result<IngestTransaction, StoreError> {
        let mut tx = self.pool.begin_with(BEGIN_INGEST).await.map_err(|e| self.error(e))?;
        sqlx::query(INGEST_CACHE).execute(&mut *tx).await.map_err(|e| self.error(e))?;
        Ok(IngestTransaction { store: self.clone(), tx, messages: 0 })
    }

    /// Which of `digests` are already stored (committed), on a pooled connection.
    pub async fn known_digests(&self, digests: &[Digest]) -> Result<HashSet<Digest>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(|e| self.error(e))?;
        known_digests_on(&mut conn, digests).await.map_err(|e| self.error(e))
    }

    /// A connection of its own for [`DigestLookup::known`], outside the pool: the preparing
    /// thread looks digests up while the writer holds a pooled connection, and with a second
    /// pooled connection taking turns as the writer each would grow the ingest's page cache.
    pub async fn digest_lookup(&self) -> Result<DigestLookup, StoreError> {
        use sqlx::ConnectOptions;
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&self.path)
            .busy_timeout(self.busy_timeout)
            .log_slow_statements(log::LevelFilter::Debug, super::SLOW_STATEMENT);
        let conn = options.connect().await.map_err(|e| self.error(e))?;
        Ok(DigestLookup { store: self.clone(), conn })
    }
}

/// Looks up which digests are already stored (committed), so a caller can skip parsing them.
pub struct DigestLookup {
    store: Store,
    conn: SqliteConnection,
}

impl DigestLookup {
    /// Which of `digests` are already stored (committed).
    pub async fn known(&mut self, digests: &[Digest]) -> Result<HashSet<Digest>, StoreError> {
        known_digests_on(&mut self.conn, digests).await.map_err(|e| self.store.error(e))
    }
}

async fn known_digests_on(conn: &mut SqliteConnection, digests: &[Digest]) -> Result<HashSet<Digest>, sqlx::Error> {
    let mut known = HashSet::new();
    for chunk in digests.chunks(1000) {
        let json = serde_json::to_string(&chunk.iter().map(|d| hex(d)).collect::<Vec<_>>()).unwrap_or_default();
        let rows: Vec<(String,)> = sqlx::query_as(KNOWN_DIGESTS).bind(json).fetch_all(&mut *conn).await?;
        known.extend(rows.iter().filter_map(|(h,)| super::digest_from_hex(h)));
    }
    Ok(known)
}

const KNOWN_DIGESTS: &str =
    "select hex(digest) from messages where digest in (select unhex(value) from json_each(?1))";

/// The page cache of an [`IngestTransaction`]: 256 MiB. The digest and address indexes take
/// their keys in random order, so a batch dirties a page of each per message once they outgrow
/// the cache; a transaction of several batches writes each such page to the WAL once, if the
/// cache holds them until the commit (docs/benchmarks.md, "Ingest as the database grows").
const INGEST_CACHE: &str = "pragma cache_size = -262144";

/// How an [`IngestTransaction`] begins: as [`Store::begin_write`] does, with the connection's
/// statement journals in memory. Inside a transaction each insert statement of a batch first
/// saves every page it is about to change that existed before it (SQLite's undo log for a
/// statement that fails half-way); in a temporary file those writes grew with the random-keyed
/// indexes, a page per message: 11 of the 162 CPU seconds of a 2,000,000-message ingest
/// (docs/benchmarks.md). One statement's journal holds at most the pages one batch touches.
/// SQLite reads `temp_store` when the write transaction begins, so it is set before `begin`;
/// the pool puts it back when the connection returns. (List imports keep theirs in files: in
/// memory they took a SCALE 10 engagement import to 882 MiB of RSS for no clear gain.)
const BEGIN_INGEST: &str = "pragma temp_store = memory; begin immediate";

/// Batches written in one transaction; nothing is visible to others, or kept after a crash,
/// until [`IngestTransaction::commit`]. Dropped without a commit, it rolls back.
pub struct IngestTransaction {
    store: Store,
    pub(super) tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    messages: usize,
}

impl IngestTransaction {
    /// Writes a batch, as [`Store::ingest`] does, into this transaction.
    pub async fn write(&mut self, items: &[Prepared], resolver: &Resolver) -> Result<BatchOutcome, StoreError> {
        let outcome = write_batch(&mut self.tx, items, resolver).await.map_err(|e| self.store.error(e))?;
        self.messages += items.len();
        Ok(outcome)
    }

    /// Messages written so far.
    pub fn messages(&self) -> usize {
        self.messages
    }

    /// Commits (the pool puts the connection's cache back when it returns).
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(|e| self.store.error(e))
    }
}

async fn write_batch(conn: &mut SqliteConnection, items: &[Prepared], resolver: &Resolver) -> Result<BatchOutcome, sqlx::Error> {
    let ids = insert_messages(conn, items).await?;
    // The first occurrence of each new digest owns the row; repeats inside the batch are duplicates.
    let mut owner: HashMap<usize, i64> = HashMap::new();
    let mut taken = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(&id) = ids.get(&item.digest)
            && taken.insert(id)
        {
            owner.insert(i, id);
        }
    }
    let mut fresh: Vec<(usize, i64)> = owner.iter().map(|(&i, &id)| (i, id)).collect();
    fresh.sort_unstable();
    insert_raw(conn, items, &fresh).await?;
    let to_write: Vec<ToWrite<'_>> = fresh
        .iter()
        .map(|&(i, id)| ToWrite { message_ref: id, parsed: &items[i].parsed, received_at: items[i].received_at })
        .collect();
    let written = write_events(conn, &to_write, resolver).await?;
    let mut outcome = BatchOutcome::default();
    let mut by_item: HashMap<usize, Written> = fresh.iter().map(|&(i, _)| i).zip(written).collect();
    for (i, item) in items.iter().enumerate() {
        outcome.counts.messages += 1;
        let Some((id, w)) = owner.get(&i).zip(by_item.remove(&i)) else {
            outcome.counts.duplicates += 1;
            outcome.items.push(ItemOutcome::Duplicate);
            continue;
        };
        outcome.counts.new += 1;
        outcome.counts.unparsed += u64::from(item.parsed.kind == Kind::Other);
        outcome.counts.events += w.events as u64;
        outcome.counts.unresolved += u64::from(w.unresolved);
        outcome.counts.resolved += u64::from(w.resolved);
        outcome.items.push(ItemOutcome::New { message_ref: *id, kind: item.parsed.kind, events: w.events, unresolved: w.unresolved });
    }
    Ok(outcome)
}

/// Serialises the given values as one JSON array, in order: the insert reads them by position.
macro_rules! serialize_positional {
    ($serializer:expr, $($value:expr),+ $(,)?) => {{
        use serde::ser::SerializeTuple;
        let mut tuple = $serializer.serialize_tuple([$(stringify!($value)),+].len())?;
        $(tuple.serialize_element(&$value)?;)+
        tuple.end()
    }};
}

/// One `messages` row as a JSON array for `jsonb_each`, its fields in [`INSERT_MESSAGES`]'s
/// column order (SQLite reads an array by position much faster than an object by key).
struct MessageJson<'a> {
    d: String,
    source: &'static str,
    file: &'a str,
    key: String,
    account: Option<&'a str>,
    folder: Option<&'a str>,
    uid_validity: Option<u32>,
    uid: Option<u32>,
    kind: &'static str,
    parser_version: u32,
    message_id: Option<&'a str>,
    original_message_id: Option<String>,
    from: Option<&'a str>,
    subject: Option<&'a str>,
    date: Option<i64>,
    received: i64,
    size: usize,
    reporting_mta: Option<&'a str>,
    decoded_by: Option<&'a str>,
    feedback_type: Option<&'a str>,
    user_agent: Option<&'a str>,
    source_ip: Option<&'a str>,
    note: Option<&'a str>,
}

impl Serialize for MessageJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_positional!(s, self.d, self.source, self.file, self.key, self.account, self.folder, self.uid_validity, self.uid, self.kind, self.parser_version, self.message_id, self.original_message_id, self.from, self.subject, self.date, self.received, self.size, self.reporting_mta, self.decoded_by, self.feedback_type, self.user_agent, self.source_ip, self.note)
    }
}

impl<'a> MessageJson<'a> {
    fn new(item: &'a Prepared) -> MessageJson<'a> {
        let p = &item.parsed;
        let (account, folder, uid_validity, uid) = match &item.locator {
            Locator::Imap { account, folder, uid_validity, uid } => {
                (Some(account.as_str()), Some(folder.as_str()), Some(*uid_validity), Some(*uid))
            }
            _ => (None, None, None, None),
        };
        MessageJson {
            d: hex(&item.digest),
            source: item.locator.source_name(),
            file: &item.file,
            key: item.locator.to_string(),
            account,
            folder,
            uid_validity,
            uid,
            kind: p.kind.as_str(),
            parser_version: PARSER_VERSION,
            message_id: p.message_id.as_deref(),
            original_message_id: p.original.message_id.as_deref().and_then(resolve::normalise_message_id),
            from: p.from.as_deref(),
            subject: p.subject.as_deref(),
            date: p.date.map(|d| d.timestamp()),
            received: item.received_at,
            size: item.size,
            reporting_mta: p.reporting_mta.as_deref(),
            decoded_by: p.decoded_by.as_deref(),
            feedback_type: p.feedback_type.as_deref(),
            user_agent: p.user_agent.as_deref(),
            source_ip: p.source_ip.as_deref(),
            note: p.note.as_deref(),
        }
    }
}

const INSERT_MESSAGES: &str = "insert into messages (digest, source, source_file, source_key, imap_account, \
     imap_folder, imap_uid_validity, imap_uid, kind, parser_version, message_id, original_message_id, \
     from_address, subject, date_at, received_at, size, reporting_mta, decoded_by, feedback_type, \
     user_agent, source_ip, note) \
     select unhex(j.value ->> 0), j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, \
     j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, \
     j.value ->> 11, j.value ->> 12, j.value ->> 13, j.value ->> 14, j.value ->> 15, \
     j.value ->> 16, j.value ->> 17, j.value ->> 18, j.value ->> 19, j.value ->> 20, \
     j.value ->> 21, j.value ->> 22 \
     from jsonb_each(jsonb(?1)) as j where true \
     on conflict do nothing \
     returning id, hex(digest)";

/// Inserts the batch's messages; returns the ids of those that were new, by digest.
async fn insert_messages(conn: &mut SqliteConnection, items: &[Prepared]) -> Result<HashMap<Digest, i64>, sqlx::Error> {
    if items.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<MessageJson<'_>> = items.iter().map(MessageJson::new).collect();
    let json = serde_json::to_string(&rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let inserted: Vec<(i64, String)> = sqlx::query_as(INSERT_MESSAGES).bind(json).fetch_all(&mut *conn).await?;
    Ok(inserted.into_iter().filter_map(|(id, h)| super::digest_from_hex(&h).map(|d| (d, id))).collect())
}

const INSERT_RAW: &str = "insert into raw_messages (message_ref, encoding, raw) \
     select j.value ->> 0, j.value ->> 1, substr(?2, (j.value ->> 2) + 1, j.value ->> 3) \
     from jsonb_each(jsonb(?1)) as j where true on conflict do nothing";

/// Raw bytes of the new messages: one blob parameter holding them all, cut with `substr`.
async fn insert_raw(conn: &mut SqliteConnection, items: &[Prepared], fresh: &[(usize, i64)]) -> Result<(), sqlx::Error> {
    let mut all = Vec::new();
    let mut index: Vec<(i64, &str, usize, usize)> = Vec::new();
    for &(i, id) in fresh {
        if let Some(raw) = &items[i].raw {
            index.push((id, raw.encoding, all.len(), raw.bytes.len()));
            all.extend_from_slice(&raw.bytes);
        }
    }
    if index.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(&index).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(INSERT_RAW).bind(json).bind(all).execute(&mut *conn).await?;
    Ok(())
}

/// A stored message whose events are to be written.
pub(crate) struct ToWrite<'a> {
    pub message_ref: i64,
    pub parsed: &'a Parsed,
    pub received_at: i64,
}

/// What was written for one message.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Written {
    pub events: usize,
    pub unresolved: bool,
    pub resolved: bool,
}

/// One `events` row as a JSON array, in [`INSERT_EVENTS`]'s column order.
struct EventJson<'a> {
    m: i64,
    e: &'a EventRow,
}

impl Serialize for EventJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_positional!(s, self.m, self.e.seq, self.e.address, self.e.original_address, self.e.kind, self.e.reason, self.e.class, self.e.hard, self.e.action, self.e.status, self.e.reply_code, self.e.diagnostic, self.e.feedback_type, self.e.occurred_at, self.e.provider, self.e.reporting_mta, self.e.remote_mta, self.e.source_ip, self.e.campaign, self.e.list_id, self.e.original_message_id, self.e.resolved_by)
    }
}

#[derive(Serialize)]
struct UnresolvedJson {
    m: i64,
    original_message_id: Option<String>,
    header_token: Option<String>,
    unsubscribe_token: Option<String>,
    cfbl_feedback_id: Option<String>,
    verp: Option<String>,
    feedback_type: Option<String>,
    occurred_at: i64,
    created_at: i64,
    note: String,
    template: String,
}

/// Builds, resolves and inserts the events (and unresolved complaints) of stored messages.
pub(crate) async fn write_events(
    conn: &mut SqliteConnection,
    list: &[ToWrite<'_>],
    resolver: &Resolver,
) -> Result<Vec<Written>, sqlx::Error> {
    let built: Vec<Built> = list.iter().map(|w| event::build(w.parsed, w.received_at)).collect();
    let clues: Vec<_> = built.iter().filter_map(|b| b.pending.as_ref().map(|p| &p.clues)).collect();
    let pairs: Vec<(&str, &str)> = built
        .iter()
        .flat_map(|b| b.events.iter())
        .filter_map(|e| e.original_message_id.as_deref().map(|m| (m, e.address.as_str())))
        .collect();
    let index = SendIndex::load(conn, &clues, &pairs).await?;
    let mut events: Vec<(i64, EventRow)> = Vec::new();
    let mut unresolved = Vec::new();
    let mut written = Vec::with_capacity(list.len());
    for (w, b) in list.iter().zip(built) {
        let mut out = Written::default();
        let mut rows = b.events;
        if let Some(pending) = b.pending {
            match resolve::resolve(&pending.clues, resolver, &index) {
                Ok(resolution) => {
                    rows.push(pending.template.resolved(&resolution));
                    out.resolved = true;
                }
                Err(notes) => {
                    unresolved.push(unresolved_json(w.message_ref, &PendingJson::from(&pending), notes.join("; "), w.received_at));
                    out.unresolved = true;
                }
            }
        }
        for row in &mut rows {
            label_campaign(row, &index);
        }
        out.events = rows.len();
        events.extend(rows.into_iter().map(|r| (w.message_ref, r)));
        written.push(out);
    }
    insert_events(conn, &events).await?;
    insert_unresolved(conn, &unresolved).await?;
    Ok(written)
}

fn label_campaign(row: &mut EventRow, index: &SendIndex) {
    if row.campaign.is_some() {
        return;
    }
    if let Some((campaign, list)) = row.original_message_id.as_deref().and_then(|m| index.campaign_of(m, &row.address)) {
        row.campaign = campaign.clone();
        if row.list_id.is_none() {
            row.list_id = list.clone();
        }
    }
}

fn unresolved_json(message_ref: i64, pending: &PendingJson, note: String, created_at: i64) -> UnresolvedJson {
    UnresolvedJson {
        m: message_ref,
        original_message_id: pending.original_message_id.clone(),
        header_token: pending.header_token.clone(),
        unsubscribe_token: pending.unsubscribe_tokens.first().cloned(),
        cfbl_feedback_id: pending.feedback_ids.first().cloned(),
        verp: pending.verp.clone(),
        feedback_type: pending.event.feedback_type.clone(),
        occurred_at: pending.event.occurred_at,
        created_at,
        note,
        template: serde_json::to_string(pending).unwrap_or_default(),
    }
}

const INSERT_EVENTS: &str = "insert into events (message_ref, seq, address, original_address, kind, reason, \
     class, hard, action, status, reply_code, diagnostic, feedback_type, occurred_at, provider, \
     reporting_mta, remote_mta, source_ip, campaign, list_id, original_message_id, resolved_by) \
     select j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, \
     j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, \
     j.value ->> 11, j.value ->> 12, j.value ->> 13, j.value ->> 14, j.value ->> 15, \
     j.value ->> 16, j.value ->> 17, j.value ->> 18, j.value ->> 19, j.value ->> 20, j.value ->> 21 \
     from jsonb_each(jsonb(?1)) as j where true on conflict do nothing";

pub(crate) async fn insert_events(conn: &mut SqliteConnection, events: &[(i64, EventRow)]) -> Result<(), sqlx::Error> {
    if events.is_empty() {
        return Ok(());
    }
    let rows: Vec<EventJson<'_>> = events.iter().map(|(m, e)| EventJson { m: *m, e }).collect();
    let json = serde_json::to_string(&rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(INSERT_EVENTS).bind(json).execute(&mut *conn).await?;
    Ok(())
}

const INSERT_UNRESOLVED: &str = "insert into unresolved_complaints (message_ref, original_message_id, \
     header_token, unsubscribe_token, cfbl_feedback_id, verp, feedback_type, occurred_at, created_at, \
     note, template) \
     select j.value ->> 'm', j.value ->> 'original_message_id', j.value ->> 'header_token', \
     j.value ->> 'unsubscribe_token', j.value ->> 'cfbl_feedback_id', j.value ->> 'verp', \
     j.value ->> 'feedback_type', j.value ->> 'occurred_at', j.value ->> 'created_at', \
     j.value ->> 'note', j.value ->> 'template' \
     from jsonb_each(jsonb(?1)) as j where true on conflict do nothing";

async fn insert_unresolved(conn: &mut SqliteConnection, rows: &[UnresolvedJson]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(INSERT_UNRESOLVED).bind(json).execute(&mut *conn).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_lf_have_the_same_digest() {
        assert_eq!(digest(b"A: 1\r\n\r\nbody\r\n"), digest(b"A: 1\n\nbody\n"));
        assert_ne!(digest(b"A: 1\n\nbody\n"), digest(b"A: 2\n\nbody\n"));
        assert_eq!(digest(b"x\r"), digest(b"x\r"));
    }

    fn prepared(preparer: &mut Preparer, range: std::ops::Range<usize>) -> Vec<Prepared> {
        range
            .map(|i| {
                let bytes = format!("From: MAILER-DAEMON@example.net\nTo: sender@example.com\nSubject: Undelivered Mail {i}\n\nno such user\n");
                let message = RawMessage { file: "test.mbox".into(), index: i, locator: Locator::File, bytes: bytes.into_bytes() };
                preparer.prepare(message, 1_790_000_000)
            })
            .collect()
    }

    #[tokio::test]
    async fn the_batches_of_one_transaction_are_committed_together_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db"), &super::super::StoreOptions::default()).await.unwrap();
        let mut preparer = Preparer::new(PrepareOptions { parse: ParseOptions::default(), keep_raw: false });
        let (first, second) = (prepared(&mut preparer, 0..3), prepared(&mut preparer, 3..7));
        let digests: Vec<Digest> = first.iter().chain(&second).map(|p| p.digest).collect();
        let resolver = Resolver::default();
        let mut lookup = store.digest_lookup().await.unwrap();

        let mut transaction = store.begin_ingest().await.unwrap();
        transaction.write(&first, &resolver).await.unwrap();
        transaction.write(&second, &resolver).await.unwrap();
        assert_eq!(transaction.messages(), 7);
        assert!(lookup.known(&digests).await.unwrap().is_empty(), "nothing is visible before the commit");
        drop(transaction); // no commit: both batches roll back
        let mut transaction = store.begin_ingest().await.unwrap();
        assert!(lookup.known(&digests).await.unwrap().is_empty());
        let outcome = transaction.write(&first, &resolver).await.unwrap();
        assert_eq!(outcome.counts.new, 3, "the rolled-back rows are not there");
        transaction.write(&second, &resolver).await.unwrap();
        transaction.commit().await.unwrap();
        assert_eq!(lookup.known(&digests).await.unwrap().len(), 7);
        assert_eq!(store.known_digests(&digests).await.unwrap().len(), 7);
    }
}
