//! `listhygiene sync [--json]`: the cron job. Under a lock (a second sync steps aside), it
//! imports the configured local `[[sources]]` — send logs, subscribers, engagement and ESP
//! suppressions, then reports and bounces from files, Maildirs and mbox files — polls the
//! `[[imap]]` accounts, scores, and writes every `[[export]]`. One summary line; exit status 1
//! when any step failed (the others still ran), 2 when it could not run at all.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;

use super::export::{export, summary_line, ExportJob, ExportReport};
use super::poll::{self, AccountResult, PollCounts};
use super::import::{engagement_into, sends_into, subscribers_into, suppressions_into, FileOutcome};
use super::score::{open_for_scoring, score_all, ScoreSummary};
use super::{storage, Outcome, RunContext};
use crate::config::{Include, SourceConfig, SourceKind};
use crate::import::subscribers::Defaults;
use crate::source::{self, SourceError};
use crate::store::ingest::{IngestCounts, PrepareOptions, Prepared};
use crate::store::pipeline::{self, Observer, PipelineOptions};
use crate::store::{BatchOutcome, Store};

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// Print the summary as one JSON object on the last line
    #[arg(long)]
    pub json: bool,
}

/// The `--json` summary. Field names are a public interface.
#[derive(Debug, Default, Serialize)]
struct SyncSummary {
    /// `ok`, `failed` (some step failed) or `skipped` (another sync holds the lock).
    status: &'static str,
    /// CSV and JSON sources imported (send logs, subscribers, engagement, suppressions).
    imports: Vec<ImportLine>,
    /// Reports and bounces read from the message sources.
    messages: IngestCounts,
    /// Message sources or IMAP accounts that could not be read.
    read_errors: u64,
    score: Option<ScoreSummary>,
    exports: Vec<ExportReport>,
    /// What failed, one line each.
    failures: Vec<String>,
    seconds: f64,
}

#[derive(Debug, Serialize)]
struct ImportLine {
    kind: &'static str,
    path: String,
    /// Rows read, and new rows (absent when the file was rejected).
    rows: u64,
    new: Option<u64>,
}

pub fn run(ctx: &RunContext, args: &SyncArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let Some(_lock) = take_lock(&ctx.db_path)? else {
        let summary = SyncSummary { status: "skipped", ..SyncSummary::default() };
        print_summary(&summary, args.json, &lock_path(&ctx.db_path))?;
        return Ok(Outcome::Clean);
    };
    let rt = storage::runtime()?;
    let store = rt.block_on(open_for_scoring(ctx))?;
    let summary = sync(ctx, &rt, &store);
    rt.block_on(store.close());
    let mut summary = summary?;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.status = if summary.failures.is_empty() { "ok" } else { "failed" };
    for failure in &summary.failures {
        tracing::error!("{failure}");
    }
    print_summary(&summary, args.json, &lock_path(&ctx.db_path))?;
    Ok(Outcome::from_failures(summary.failures.len() as u64))
}

/// Local sources, then the IMAP accounts (the poller drives the runtime itself), then scoring
/// and exports.
fn sync(ctx: &RunContext, rt: &tokio::runtime::Runtime, store: &Store) -> anyhow::Result<SyncSummary> {
    let mut summary = rt.block_on(read_local_sources(ctx, store))?;
    poll_accounts(ctx, rt, store, &mut summary)?;
    rt.block_on(score_and_export(ctx, store, &mut summary))?;
    Ok(summary)
}

async fn read_local_sources(ctx: &RunContext, store: &Store) -> anyhow::Result<SyncSummary> {
    let mut summary = SyncSummary::default();
    let mut sources: Vec<&SourceConfig> = ctx.config.sources.iter().collect();
    sources.sort_by_key(|s| s.kind); // send logs first, so complaints resolve as they are ingested
    for source in sources.iter().filter(|s| s.kind != SourceKind::Messages) {
        import_source(ctx, store, source, &mut summary).await?;
    }
    let paths: Vec<String> = sources.iter().filter(|s| s.kind == SourceKind::Messages).map(|s| s.path.display().to_string()).collect();
    if !paths.is_empty() {
        ingest_messages(ctx, store, paths, &mut summary).await?;
    }
    Ok(summary)
}

/// Polls every `[[imap]]` account once, as `poll` does; an account another poll holds is left
/// to it, and one that fails is a failure of the sync while the others still run.
fn poll_accounts(ctx: &RunContext, rt: &tokio::runtime::Runtime, store: &Store, summary: &mut SyncSummary) -> anyhow::Result<()> {
    if ctx.config.imap.is_empty() {
        return Ok(());
    }
    let stop = poll::install_signal_handlers()?;
    for account in &ctx.config.imap {
        let Some(_lock) = poll::take_lock(ctx, account)? else { continue };
        match poll::poll_once(ctx, rt, store, account, &stop)? {
            AccountResult::Polled { counts, .. } => add_polled(summary, counts, &account.name),
            AccountResult::Locked => {}
            AccountResult::Failed { counts, error } => {
                add_polled(summary, counts, &account.name);
                summary.read_errors += 1;
                summary.failures.push(format!("[[imap]] {}: {error:#}", account.name));
            }
        }
    }
    Ok(())
}

fn add_polled(summary: &mut SyncSummary, counts: PollCounts, account: &str) {
    summary.messages += counts.ingest;
    let refused = counts.fetch_failed + counts.folders_failed;
    summary.read_errors += refused;
    if refused > 0 {
        summary.failures.push(format!("[[imap]] {account}: {refused} messages or folders the server would not deliver"));
    }
    if counts.actions_failed > 0 {
        summary.failures.push(format!(
            "[[imap]] {account}: the server refused the after-actions of {} batches (tried again next time)",
            counts.actions_failed
        ));
    }
}

async fn score_and_export(ctx: &RunContext, store: &Store, summary: &mut SyncSummary) -> anyhow::Result<()> {
    summary.score = Some(score_all(store, &ctx.config.policy, ctx.now, false, |_| Ok(())).await?);
    for target in &ctx.config.export {
        let job = ExportJob {
            format: target.format,
            output: Some(target.path.clone()),
            since_last: target.since_last.then(|| target.name.clone()),
            include_flags: target.include.contains(&Include::Flags),
        };
        match export(store, &job, ctx.now).await {
            Ok(report) => summary.exports.push(report),
            Err(e) => summary.failures.push(format!("[[export]] {}: {e:#}", target.name)),
        }
    }
    Ok(())
}

/// Imports one CSV/JSON source; a rejected file or one that cannot be read is a failure, and
/// the sync goes on.
async fn import_source(ctx: &RunContext, store: &Store, source: &SourceConfig, summary: &mut SyncSummary) -> anyhow::Result<()> {
    let path = &source.path;
    let result = match (source.kind, source.from) {
        (SourceKind::Sends, _) => sends_into(ctx, store, path, &source.map).await,
        (SourceKind::Subscribers, _) => {
            let defaults = Defaults { list: source.list.clone(), status: source.status.clone() };
            subscribers_into(store, std::slice::from_ref(path), &source.map, &defaults, ctx.now).await
        }
        (SourceKind::Engagement, _) => engagement_into(store, std::slice::from_ref(path), &source.map, ctx.now).await,
        (SourceKind::Suppressions, Some(format)) => suppressions_into(store, path, format, &source.map, source.reason.as_deref(), ctx.now).await,
        (SourceKind::Suppressions, None) | (SourceKind::Messages, _) => return Ok(()), // refused by the config check / ingested later
    };
    let kind = kind_name(source.kind);
    match result {
        Ok(FileOutcome::Imported(s)) => summary.imports.push(ImportLine { kind, path: path.display().to_string(), rows: s.rows, new: Some(s.new) }),
        Ok(FileOutcome::Rejected { bad, rows }) => {
            summary.imports.push(ImportLine { kind, path: path.display().to_string(), rows, new: None });
            summary.failures.push(format!("[[sources]] {}: {bad} bad rows, nothing imported", path.display()));
        }
        Err(e) if is_store_error(&e) => return Err(e),
        Err(e) => summary.failures.push(format!("[[sources]] {}: {e:#}", path.display())),
    }
    Ok(())
}

/// Errors of the database itself end the sync; errors of one input do not.
fn is_store_error(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.is::<crate::store::StoreError>())
}

fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Sends => "sends",
        SourceKind::Subscribers => "subscribers",
        SourceKind::Engagement => "engagement",
        SourceKind::Suppressions => "suppressions",
        SourceKind::Messages => "messages",
    }
}

/// Reads every message source through the ingest pipeline (idempotent: known messages are
/// skipped by digest).
async fn ingest_messages(ctx: &RunContext, store: &Store, paths: Vec<String>, summary: &mut SyncSummary) -> anyhow::Result<()> {
    let prepare = PrepareOptions { parse: ctx.config.parse_options(), keep_raw: ctx.config.database.keep_raw };
    let options = PipelineOptions::new(prepare, storage::resolver(&ctx.config.resolve)?, ctx.now);
    let mut observer = Quiet::default();
    let feed = move |feeder: &mut pipeline::Feeder| {
        for item in source::read_inputs(&paths) {
            if !feeder.push(item) {
                break;
            }
        }
    };
    let totals = pipeline::run(store, feed, options, &mut observer).await?;
    summary.messages += totals.counts;
    summary.read_errors += totals.errors;
    summary.failures.extend(observer.errors);
    if totals.counts.unparsed > 0 {
        tracing::info!("{} new messages are not reports or bounces; stored for `reparse`", totals.counts.unparsed);
    }
    Ok(())
}

/// Collects read errors for the summary; progress is not shown (cron).
#[derive(Default)]
struct Quiet {
    errors: Vec<String>,
}

impl Observer for Quiet {
    fn batch(&mut self, _prepared: &[Prepared], _outcome: &BatchOutcome, _known: u64) {}

    fn read_error(&mut self, error: &SourceError) {
        self.errors.push(format!("[[sources]] {error}"));
    }
}

/// `<db>.sync.lock`, next to the database.
fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "listhygiene.db".into());
    name.push(".sync.lock");
    db.with_file_name(name)
}

/// Takes the sync lock without waiting; `None` when another sync holds it. The operating system
/// releases it when the process ends, however it ends.
fn take_lock(db: &Path) -> anyhow::Result<Option<File>> {
    let path = lock_path(db);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut file = OpenOptions::new().create(true).truncate(false).read(true).write(true).open(&path).with_context(|| format!("cannot open the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.set_len(0);
            let _ = writeln!(file, "{}", std::process::id());
            Ok(Some(file))
        }
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e).with_context(|| format!("cannot lock {}", path.display())),
    }
}

fn print_summary(s: &SyncSummary, json: bool, lock: &Path) -> anyhow::Result<()> {
    let mut out = storage::stdout();
    if json {
        storage::json_line(&mut out, s)?;
    } else {
        writeln!(out, "{}", summary_text(s, lock))?;
    }
    Ok(out.flush()?)
}

/// The one summary line.
fn summary_text(s: &SyncSummary, lock: &Path) -> String {
    if s.status == "skipped" {
        return format!("sync: skipped, another sync is running (lock {})", lock.display());
    }
    let mut parts = Vec::new();
    if !s.imports.is_empty() {
        let imports: Vec<String> = s
            .imports
            .iter()
            .map(|i| match i.new {
                Some(new) => format!("{} {} rows ({new} new)", i.kind, i.rows),
                None => format!("{} rejected", i.kind),
            })
            .collect();
        parts.push(format!("imported {}", imports.join(", ")));
    }
    let m = &s.messages;
    parts.push(format!("{} messages ({} new, {} events, {} not reports)", m.messages, m.new, m.events, m.unparsed));
    if let Some(score) = &s.score {
        parts.push(format!("scored {} addresses: {} suppress, {} flag, {} changed", score.addresses, score.suppress, score.flag, score.changes));
    }
    if !s.exports.is_empty() {
        let exports: Vec<String> = s.exports.iter().map(summary_line).collect();
        parts.push(format!("exported {}", exports.join(", ")));
    }
    let status = if s.failures.is_empty() { "ok".to_owned() } else { format!("{} FAILED", s.failures.len()) };
    format!("sync {status}: {} ({:.2} s)", parts.join("; "), s.seconds)
}
