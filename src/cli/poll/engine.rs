//! One pass over an account's folders on an open connection: list what is new since the
//! checkpoint, fetch it in batches (the next batch is on the wire while this one is parsed and
//! stored), store each batch with its checkpoint in one transaction, and only then apply the
//! after-actions on the server. The after-action mark trails the checkpoint; a gap left by an
//! interrupted run is closed first.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::Context;

use super::marks::{self, Mark};
use crate::cli::storage::now;
use crate::config::{After, ImapAccount};
use crate::domain::Kind;
use crate::parse;
use crate::resolve::Resolver;
use crate::source::imap::worker::Ticket;
use crate::source::imap::{self, Actions, Connection, FetchedBatch, Selected, uidset};
use crate::source::{Locator, RawMessage};
use crate::store::ingest::PrepareOptions;
use crate::store::{ImapCheckpoint, IngestCounts, Prepared, Preparer, Store};

/// What polling counted, beyond the ingest counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PollCounts {
    pub ingest: IngestCounts,
    /// Messages the server would not deliver (left on the server untouched).
    pub fetch_failed: u64,
    /// Batches whose after-actions the server refused (retried on the next poll).
    pub actions_failed: u64,
    /// Messages whose after-actions were re-applied after an interrupted run.
    pub reapplied: u64,
    /// Folders the server would not open (the other folders are still polled).
    pub folders_failed: u64,
}

impl std::ops::AddAssign for PollCounts {
    fn add_assign(&mut self, o: PollCounts) {
        self.ingest += o.ingest;
        self.fetch_failed += o.fetch_failed;
        self.actions_failed += o.actions_failed;
        self.reapplied += o.reapplied;
        self.folders_failed += o.folders_failed;
    }
}

/// How a pass ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassEnd {
    Done,
    /// The stop flag was raised; the batch in hand was finished.
    Stopped,
}

/// Polls one account; lives as long as the account is polled (across reconnects in `--watch`).
pub struct Poller {
    pub account: ImapAccount,
    store: Store,
    resolver: Resolver,
    prepare_options: PrepareOptions,
    stop: std::sync::Arc<AtomicBool>,
    /// Folders made sure to exist on the current connection.
    targets_ready: HashSet<String>,
}

impl Poller {
    pub fn new(
        account: ImapAccount,
        store: Store,
        resolver: Resolver,
        prepare_options: PrepareOptions,
        stop: std::sync::Arc<AtomicBool>,
    ) -> Poller {
        Poller { account, store, resolver, prepare_options, stop, targets_ready: HashSet::new() }
    }

    /// Call for every new connection: folder checks are per connection.
    pub fn connected(&mut self) {
        self.targets_ready.clear();
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Polls every folder once.
    pub fn pass(&mut self, rt: &tokio::runtime::Runtime, conn: &Connection, totals: &mut PollCounts) -> anyhow::Result<PassEnd> {
        let folders = self.account.folders.clone();
        for folder in &folders {
            if self.stopping() {
                return Ok(PassEnd::Stopped);
            }
            match self.folder(rt, conn, folder, totals) {
                Ok(PassEnd::Stopped) => return Ok(PassEnd::Stopped),
                Ok(PassEnd::Done) => {}
                // A folder the server refuses (missing, no rights) does not stop the others.
                Err(e) if e.downcast_ref::<imap::ImapError>().is_some_and(|i| i.stage == imap::Stage::Select && !i.connection_broken) => {
                    tracing::error!("{e:#}");
                    totals.folders_failed += 1;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(PassEnd::Done)
    }

    fn folder(
        &mut self,
        rt: &tokio::runtime::Runtime,
        conn: &Connection,
        folder: &str,
        totals: &mut PollCounts,
    ) -> anyhow::Result<PassEnd> {
        let name = self.account.name.clone();
        let selected = conn.select(folder).wait()?;
        let checkpoint = rt
            .block_on(self.store.imap_checkpoint(&name, folder))
            .with_context(|| format!("account {name}, folder {folder}: reading the checkpoint"))?;
        let start = match &checkpoint {
            Some(c) if c.uid_validity == selected.uid_validity => c.last_uid,
            Some(c) => {
                tracing::warn!(
                    "account {name}, folder {folder}: UIDVALIDITY changed ({} -> {}); reading the whole folder again \
                     (messages already stored count as duplicates)",
                    c.uid_validity,
                    selected.uid_validity
                );
                0
            }
            None => 0,
        };
        self.ensure_targets(conn)?;

        let mark = rt.block_on(marks::load(&self.store, &name, folder))?;
        match mark {
            Some(m) if m.uid_validity == selected.uid_validity && m.acted_uid < start => {
                self.reapply(rt, conn, &selected, m.acted_uid, start, totals)?;
            }
            Some(m) if m.uid_validity == selected.uid_validity && m.acted_uid == start => {}
            _ => {
                let mark = Mark { uid_validity: selected.uid_validity, acted_uid: start };
                rt.block_on(marks::save(&self.store, &name, folder, mark, now()))?;
            }
        }

        let listed = conn.list(&selected, start).wait()?;
        if listed.is_empty() {
            tracing::debug!("account {name}, folder {folder}: nothing new");
            return Ok(PassEnd::Done);
        }
        tracing::info!("account {name}, folder {folder}: {} new messages", listed.len());
        let batches = uidset::batches(&listed, self.account.batch_size, imap::MAX_BATCH_BYTES);
        let meta = BatchMeta { account: name.clone(), folder: folder.to_owned(), uid_validity: selected.uid_validity };
        // Three stages at once: the connection thread fetches batch i+2, the preparing thread
        // digests, parses and compresses batch i+1, this thread writes batch i.
        std::thread::scope(|scope| -> anyhow::Result<PassEnd> {
            let (jobs, job_rx) = mpsc::channel::<Ticket<FetchedBatch>>();
            let (done_tx, done) = mpsc::sync_channel::<Result<PreparedBatch, imap::ImapError>>(1);
            let options = self.prepare_options.clone();
            let prep_meta = meta.clone();
            scope.spawn(move || {
                let mut preparers = [Preparer::new(options.clone()), Preparer::new(options)];
                for ticket in job_rx {
                    let t0 = Instant::now();
                    let fetched = ticket.wait();
                    let t1 = Instant::now();
                    let result = fetched.map(|fetched| prepare(&mut preparers, &prep_meta, fetched));
                    tracing::trace!("prepare: waited {:.1?} for the fetch, prepared in {:.1?}", t1 - t0, t1.elapsed());
                    if done_tx.send(result).is_err() {
                        break;
                    }
                }
            });
            let mut queued = 0;
            while queued < batches.len().min(2) {
                let _ = jobs.send(conn.fetch(folder, batches[queued].clone()));
                queued += 1;
            }
            let mut acting = Acting::new(selected.uid_validity);
            for (i, uids) in batches.iter().enumerate() {
                let t0 = Instant::now();
                let batch = done
                    .recv()
                    .map_err(|_| anyhow::anyhow!("account {name}, folder {folder}: the preparing thread ended"))??;
                let waited = t0.elapsed();
                let stopping = self.stopping();
                if !stopping && queued < batches.len() {
                    let _ = jobs.send(conn.fetch(folder, batches[queued].clone()));
                    queued += 1;
                }
                let last_uid = uids.iter().copied().max().unwrap_or(start);
                let t1 = Instant::now();
                let kinds = self.store_batch(rt, &meta, batch, last_uid, totals)?;
                let stored = t1.elapsed();
                let t2 = Instant::now();
                acting.settle(self, rt, folder, totals, false)?;
                tracing::debug!(
                    "account {name}, folder {folder}: batch {} of {}: waited {waited:.1?} for it, stored in {stored:.1?}, \
                     previous actions {:.1?}",
                    i + 1,
                    batches.len(),
                    t2.elapsed()
                );
                let actions = Actions::plan(&self.account.after, self.account.other_to.as_deref(), kinds);
                acting.push((!actions.is_empty()).then(|| conn.apply(folder, actions)), last_uid);
                if stopping && i + 1 < batches.len() {
                    tracing::info!("account {name}, folder {folder}: stopping after the batch in hand");
                    acting.settle(self, rt, folder, totals, true)?;
                    return Ok(PassEnd::Stopped);
                }
            }
            acting.settle(self, rt, folder, totals, true)?;
            Ok(PassEnd::Done)
        })
    }

    /// Stores one prepared batch with its checkpoint; returns (UID, is a report) per message
    /// for the after-actions.
    fn store_batch(
        &mut self,
        rt: &tokio::runtime::Runtime,
        meta: &BatchMeta,
        batch: PreparedBatch,
        last_uid: u32,
        totals: &mut PollCounts,
    ) -> anyhow::Result<Vec<(u32, bool)>> {
        let BatchMeta { account: name, folder, uid_validity } = meta;
        if batch.panicked {
            anyhow::bail!("account {name}, folder {folder}: preparing a batch failed (a bug: please report it)");
        }
        for (uid, why) in &batch.failed {
            tracing::error!(
                "account {name}, folder {folder}: UID {uid}: the server would not deliver the message ({why}); \
                 it is left on the server untouched"
            );
        }
        totals.fetch_failed += batch.failed.len() as u64;
        let checkpoint = ImapCheckpoint {
            account: name.clone(),
            folder: folder.clone(),
            uid_validity: *uid_validity,
            last_uid,
            updated_at: now(),
        };
        let outcome = rt
            .block_on(self.store.ingest_with_checkpoint(&batch.prepared, &self.resolver, Some(&checkpoint)))
            .with_context(|| format!("account {name}, folder {folder}: storing a batch"))?;
        totals.ingest += outcome.counts;
        Ok(batch.prepared.iter().map(|p| (uid_of(p), p.parsed.kind != Kind::Other)).collect())
    }

    /// Makes sure the `move:` and `other_to` folders exist, once per connection.
    fn ensure_targets(&mut self, conn: &Connection) -> anyhow::Result<()> {
        let mut targets: Vec<String> = self.account.other_to.iter().cloned().collect();
        if let After::Move(target) = &self.account.after {
            targets.push(target.clone());
        }
        for target in targets {
            if !self.targets_ready.contains(&target) {
                conn.ensure_folder(&target).wait()?;
                self.targets_ready.insert(target);
            }
        }
        Ok(())
    }

    /// Re-applies the after-actions for UIDs in `(acted, upto]`: stored by a run that stopped
    /// before it could act on them. Only parses (they are stored already).
    fn reapply(
        &mut self,
        rt: &tokio::runtime::Runtime,
        conn: &Connection,
        selected: &Selected,
        acted: u32,
        upto: u32,
        totals: &mut PollCounts,
    ) -> anyhow::Result<()> {
        let name = self.account.name.clone();
        let folder = selected.folder.clone();
        let has_actions = self.account.after != After::Leave || self.account.other_to.is_some();
        if has_actions {
            let listed = conn.list_range(selected, acted, upto).wait()?;
            if !listed.is_empty() {
                tracing::warn!(
                    "account {name}, folder {folder}: applying after-actions to {} messages stored by an interrupted poll",
                    listed.len()
                );
            }
            for uids in uidset::batches(&listed, self.account.batch_size, imap::MAX_BATCH_BYTES) {
                let fetched = conn.fetch(&folder, uids).wait()?;
                let kinds: Vec<(u32, bool)> = fetched
                    .messages
                    .iter()
                    .map(|m| (m.uid, parse::classify(&m.bytes, &self.prepare_options.parse).kind != Kind::Other))
                    .collect();
                totals.reapplied += kinds.len() as u64;
                let actions = Actions::plan(&self.account.after, self.account.other_to.as_deref(), kinds);
                if !actions.is_empty() {
                    conn.apply(&folder, actions).wait()?;
                }
            }
        }
        let mark = Mark { uid_validity: selected.uid_validity, acted_uid: upto };
        rt.block_on(marks::save(&self.store, &name, &folder, mark, now()))?;
        Ok(())
    }
}

/// Which folder a batch comes from.
#[derive(Debug, Clone)]
struct BatchMeta {
    account: String,
    folder: String,
    uid_validity: u32,
}

/// A fetched batch, digested, parsed and compressed.
struct PreparedBatch {
    prepared: Vec<Prepared>,
    failed: Vec<(u32, String)>,
    /// A preparing thread panicked: nothing of this batch may be stored.
    panicked: bool,
}

/// Digests, parses and compresses a fetched batch, in two halves on two threads (parsing is
/// the CPU-heavy part of a poll); the order of the messages is kept.
fn prepare(preparers: &mut [Preparer; 2], meta: &BatchMeta, fetched: FetchedBatch) -> PreparedBatch {
    let received = now();
    let mut messages = fetched.messages;
    let second_half = messages.split_off(messages.len() / 2);
    let [first, second] = preparers;
    let (mut prepared, rest) = std::thread::scope(|scope| {
        let other = scope.spawn(|| prepare_all(second, meta, second_half, received));
        let mine = prepare_all(first, meta, messages, received);
        (mine, other.join())
    });
    match rest {
        Ok(rest) => prepared.extend(rest),
        // Cannot happen short of a bug in the parser; the checkpoint must not pass messages
        // that were not stored, so this batch fails as a whole.
        Err(_) => return PreparedBatch { prepared: Vec::new(), failed: Vec::new(), panicked: true },
    }
    PreparedBatch { prepared, failed: fetched.failed, panicked: false }
}

fn prepare_all(preparer: &mut Preparer, meta: &BatchMeta, messages: Vec<imap::Fetched>, received: i64) -> Vec<Prepared> {
    let file = format!("{}/{}", meta.account, meta.folder);
    messages
        .into_iter()
        .map(|m| {
            let message = RawMessage {
                file: file.clone(),
                index: m.uid as usize,
                locator: Locator::Imap {
                    account: meta.account.clone(),
                    folder: meta.folder.clone(),
                    uid_validity: meta.uid_validity,
                    uid: m.uid,
                },
                bytes: m.bytes,
            };
            preparer.prepare(message, m.internal_date.unwrap_or(received))
        })
        .collect()
}

fn uid_of(p: &Prepared) -> u32 {
    match p.locator {
        Locator::Imap { uid, .. } => uid,
        _ => 0,
    }
}

/// The after-actions in flight for one folder, in batch order. They are looked at without
/// waiting while batches go on (an action queued behind a prefetch must not hold up the
/// writer) and waited for at the end. The mark advances only over batches whose actions are
/// done; after a refused batch it stays put for this run.
struct Acting {
    uid_validity: u32,
    in_flight: std::collections::VecDeque<(Option<Ticket<()>>, u32)>,
    blocked: bool,
}

impl Acting {
    fn new(uid_validity: u32) -> Acting {
        Acting { uid_validity, in_flight: std::collections::VecDeque::new(), blocked: false }
    }

    fn push(&mut self, ticket: Option<Ticket<()>>, last_uid: u32) {
        self.in_flight.push_back((ticket, last_uid));
    }

    /// Takes in the actions that are done (all of them when `wait`) and moves the mark.
    fn settle(
        &mut self,
        poller: &Poller,
        rt: &tokio::runtime::Runtime,
        folder: &str,
        totals: &mut PollCounts,
        wait: bool,
    ) -> anyhow::Result<()> {
        let mut done_through = None;
        while let Some((ticket, last_uid)) = self.in_flight.pop_front() {
            let result = match ticket {
                None => Ok(()),
                Some(ticket) if wait => ticket.wait(),
                Some(ticket) => match ticket.try_wait() {
                    Ok(result) => result,
                    Err(ticket) => {
                        self.in_flight.push_front((Some(ticket), last_uid));
                        break;
                    }
                },
            };
            match result {
                Ok(()) => {}
                Err(e) if e.connection_broken => return Err(e.into()),
                Err(e) => {
                    tracing::error!("{e}; the next poll tries again");
                    totals.actions_failed += 1;
                    self.blocked = true;
                }
            }
            if !self.blocked {
                done_through = Some(last_uid);
            }
        }
        if let Some(acted_uid) = done_through {
            let mark = Mark { uid_validity: self.uid_validity, acted_uid };
            rt.block_on(marks::save(&poller.store, &poller.account.name, folder, mark, now()))?;
        }
        Ok(())
    }
}
