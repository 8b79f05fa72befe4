//! The two-thread ingest pipeline: a preparing thread reads, digests, skips what the database
//! already has, parses and compresses; the caller's task writes the chunks it hands over,
//! several to a transaction. A bounded channel between them keeps memory to a few chunks,
//! whatever the size of the input.

use std::collections::HashSet;
use std::thread;

use tokio::sync::mpsc;

use super::ingest::{digest, Digest, DigestLookup, IngestCounts, IngestTransaction, Prepared, PrepareOptions, Preparer};
use super::{BatchOutcome, Store, StoreError};
use crate::resolve::Resolver;
use crate::source::{RawMessage, SourceError};

/// Knobs of one run.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    pub prepare: PrepareOptions,
    pub resolver: Resolver,
    /// Messages per transaction, at most (the writer also commits whenever it would wait).
    pub batch_messages: usize,
    /// Raw bytes the preparing thread hands over at a time, at most (one larger message still
    /// makes a chunk of its own).
    pub chunk_bytes: usize,
    /// Unix seconds stored as the received time of every message of this run.
    pub received_at: i64,
    /// Threads that parse a batch side by side (the writer runs beside them).
    pub prepare_threads: usize,
}

/// Messages per transaction unless told otherwise. The random keys of the digest and address
/// indexes dirty a page per message once those indexes outgrow the cache, and every commit
/// writes each dirty page to the WAL (and the checkpoint once more), so the fewer commits the
/// less is written: 2,000,000 messages took 184 s in transactions of 5,000 (docs/benchmarks.md).
/// Memory does not grow with it: the writer gets [`CHUNK_MESSAGES`] at a time.
pub const BATCH_MESSAGES: usize = 50_000;

/// Messages the preparing thread parses and hands to the writer at a time: what bounds the
/// memory of the pipeline (two chunks wait in the channel).
pub const CHUNK_MESSAGES: usize = 5000;

impl PipelineOptions {
    pub fn new(prepare: PrepareOptions, resolver: Resolver, received_at: i64) -> PipelineOptions {
        let prepare_threads = thread::available_parallelism().map_or(1, usize::from).min(4);
        PipelineOptions { prepare, resolver, batch_messages: BATCH_MESSAGES, chunk_bytes: 32 * 1024 * 1024, received_at, prepare_threads }
    }
}

/// What the preparing thread hands the writer: one batch worth of input.
struct Chunk {
    prepared: Vec<Prepared>,
    /// Messages skipped because their digest was already stored.
    known: u64,
    errors: Vec<SourceError>,
}

/// Something the writer reports after each batch (progress bars, logs).
pub trait Observer {
    fn batch(&mut self, prepared: &[Prepared], outcome: &BatchOutcome, known: u64);
    fn read_error(&mut self, error: &SourceError);
}

/// Totals of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunTotals {
    pub counts: IngestCounts,
    /// Inputs that could not be read.
    pub errors: u64,
}

/// Runs what `feed` pushes through the pipeline into `store`. `feed` runs on the preparing
/// thread (so its iterators need not be `Send`) and should stop when [`Feeder::push`] returns
/// false. Stops at the first store error (what was committed stays); read errors are counted
/// and reported through `observer`.
pub async fn run<F>(
    store: &Store,
    feed: F,
    options: PipelineOptions,
    observer: &mut dyn Observer,
) -> Result<RunTotals, StoreError>
where
    F: FnOnce(&mut Feeder) + Send + 'static,
{
    let (tx, mut rx) = mpsc::channel::<Chunk>(2);
    let lookup = store.digest_lookup().await.inspect_err(|e| tracing::debug!("no digest look-ups, parsing everything: {e}")).ok();
    let mut feeder = Feeder::new(lookup, &options, tx);
    let handle = thread::Builder::new()
        .name("listhygiene-prepare".into())
        .spawn(move || {
            feed(&mut feeder);
            feeder.flush();
        })
        .map_err(|e| StoreError::Other { path: store.path().to_owned(), message: format!("cannot start a thread: {e}") })?;
    let mut totals = RunTotals::default();
    let result = write_chunks(store, &mut rx, &options, observer, &mut totals).await;
    drop(rx); // a feeder still pushing sees the writer gone and stops
    let _ = handle.join();
    result.map(|()| totals)
}

/// The writing side: writes each chunk into the open transaction, and commits when it holds
/// [`PipelineOptions::batch_messages`] messages, when no chunk is ready (rather than hold the
/// write lock while waiting for input) and at the end. On an error the open transaction rolls
/// back; what was committed stays.
async fn write_chunks(
    store: &Store,
    rx: &mut mpsc::Receiver<Chunk>,
    options: &PipelineOptions,
    observer: &mut dyn Observer,
    totals: &mut RunTotals,
) -> Result<(), StoreError> {
    let mut open: Option<IngestTransaction> = None;
    loop {
        let chunk = match rx.try_recv() {
            Ok(chunk) => chunk,
            Err(mpsc::error::TryRecvError::Empty) => {
                if let Some(transaction) = open.take() {
                    transaction.commit().await?;
                }
                match rx.recv().await {
                    Some(chunk) => chunk,
                    None => break,
                }
            }
            Err(mpsc::error::TryRecvError::Disconnected) => break,
        };
        for error in &chunk.errors {
            observer.read_error(error);
        }
        totals.errors += chunk.errors.len() as u64;
        let transaction = match &mut open {
            Some(transaction) => transaction,
            None => open.insert(store.begin_ingest().await?),
        };
        let t = std::time::Instant::now();
        let outcome = transaction.write(&chunk.prepared, &options.resolver).await?;
        tracing::debug!("batch of {} written in {:?}", chunk.prepared.len(), t.elapsed());
        totals.counts += outcome.counts;
        totals.counts.messages += chunk.known;
        totals.counts.duplicates += chunk.known;
        observer.batch(&chunk.prepared, &outcome, chunk.known);
        if transaction.messages() >= options.batch_messages
            && let Some(full) = open.take()
        {
            full.commit().await?;
        }
    }
    match open {
        Some(transaction) => transaction.commit().await,
        None => Ok(()),
    }
}

/// The preparing side: collects a batch, skips digests already stored, prepares the rest and
/// hands the batch to the writer.
pub struct Feeder {
    /// Digests already stored, looked up on a connection of the preparing thread's own.
    lookup: Option<DigestLookup>,
    rt: Option<tokio::runtime::Runtime>,
    /// One per preparing thread (each holds a compression context).
    preparers: Vec<Preparer>,
    tx: mpsc::Sender<Chunk>,
    raw: Vec<RawMessage>,
    errors: Vec<SourceError>,
    bytes: usize,
    chunk_messages: usize,
    chunk_bytes: usize,
    received_at: i64,
    stopped: bool,
}

impl Feeder {
    fn new(lookup: Option<DigestLookup>, options: &PipelineOptions, tx: mpsc::Sender<Chunk>) -> Feeder {
        let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => Some(rt),
            Err(e) => {
                tracing::debug!("no runtime for digest look-ups, parsing everything: {e}");
                None
            }
        };
        Feeder {
            lookup,
            rt,
            preparers: (0..options.prepare_threads.max(1)).map(|_| Preparer::new(options.prepare.clone())).collect(),
            tx,
            raw: Vec::new(),
            errors: Vec::new(),
            bytes: 0,
            chunk_messages: options.batch_messages.clamp(1, CHUNK_MESSAGES),
            chunk_bytes: options.chunk_bytes,
            received_at: options.received_at,
            stopped: false,
        }
    }

    /// Adds one input item; false once the writer has stopped (stop feeding then).
    pub fn push(&mut self, item: Result<RawMessage, SourceError>) -> bool {
        match item {
            Ok(m) => {
                self.bytes += m.bytes.len();
                self.raw.push(m);
            }
            Err(e) => self.errors.push(e),
        }
        if self.raw.len() + self.errors.len() >= self.chunk_messages || self.bytes >= self.chunk_bytes {
            self.flush();
        }
        !self.stopped
    }

    fn flush(&mut self) {
        if self.stopped || (self.raw.is_empty() && self.errors.is_empty()) {
            return;
        }
        let raw = std::mem::take(&mut self.raw);
        let errors = std::mem::take(&mut self.errors);
        self.bytes = 0;
        let digests: Vec<Digest> = raw.iter().map(|m| digest(&m.bytes)).collect();
        let known = self.known(&digests);
        let before = raw.len();
        let fresh: Vec<(RawMessage, Digest)> = raw.into_iter().zip(digests).filter(|(_, d)| !known.contains(d)).collect();
        let known = (before - fresh.len()) as u64;
        let prepared = prepare_all(&mut self.preparers, fresh, self.received_at);
        let chunk = Chunk { prepared, known, errors };
        if self.tx.blocking_send(chunk).is_err() {
            self.stopped = true;
        }
    }
}

impl Feeder {
    /// Which of `digests` the database already has; none when it cannot tell (the writer still
    /// counts those as duplicates, after parsing them).
    fn known(&mut self, digests: &[Digest]) -> HashSet<Digest> {
        match (&self.rt, &mut self.lookup) {
            (Some(rt), Some(lookup)) => rt.block_on(lookup.known(digests)).unwrap_or_default(),
            _ => HashSet::new(),
        }
    }
}

/// Prepares `fresh` on as many threads as there are preparers, keeping the input order.
fn prepare_all(preparers: &mut [Preparer], fresh: Vec<(RawMessage, Digest)>, received_at: i64) -> Vec<Prepared> {
    if preparers.len() <= 1 || fresh.len() < 64 {
        let Some(p) = preparers.first_mut() else { return Vec::new() };
        return fresh.into_iter().map(|(m, d)| p.prepare_digested(m, d, received_at)).collect();
    }
    let per_thread = fresh.len().div_ceil(preparers.len());
    let mut parts: Vec<Vec<(RawMessage, Digest)>> = Vec::new();
    let mut rest = fresh;
    while rest.len() > per_thread {
        let tail = rest.split_off(per_thread);
        parts.push(rest);
        rest = tail;
    }
    parts.push(rest);
    thread::scope(|scope| {
        let handles: Vec<_> = preparers
            .iter_mut()
            .zip(parts)
            .map(|(p, part)| scope.spawn(move || part.into_iter().map(|(m, d)| p.prepare_digested(m, d, received_at)).collect::<Vec<_>>()))
            .collect();
        let mut all = Vec::new();
        for handle in handles {
            // The parser never panics; if it ever did, losing messages silently would be worse.
            all.extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        all
    })
}
