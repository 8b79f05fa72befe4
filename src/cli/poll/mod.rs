//! `listhygiene poll [--account NAME] [--watch] [--json]`: reads new messages from the IMAP
//! accounts of the configuration, stores them through the same path as `ingest`, and only after
//! the database has committed them applies `after` (and `other_to`) on the server.
//!
//! One poller per account at a time: a second one finds the account's lock taken, says
//! "another poll of account X is running" and leaves that account alone (exit 0), which is
//! what overlapping cron runs need. SIGINT/SIGTERM finish the batch in hand, then stop (exit 0);
//! a second signal ends the process at once.

mod engine;
mod marks;
mod watch;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::{Context, anyhow};
use serde::Serialize;

use super::storage;
use super::{Outcome, RunContext};
use crate::config::ImapAccount;
use crate::source::imap::{Connection, lock};
use crate::store::ingest::PrepareOptions;
use crate::store::{IngestCounts, Store};
pub(crate) use engine::PollCounts;
use engine::Poller;

#[derive(Debug, clap::Args)]
pub struct PollArgs {
    /// Poll only this account (the `name` of an [[imap]] table)
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,

    /// Keep running: IDLE where the server has it (else poll every watch_interval_secs),
    /// reconnect with backoff; SIGINT/SIGTERM stop after the batch in hand
    #[arg(long)]
    pub watch: bool,

    /// Print the summary as one JSON object on the last line
    #[arg(long)]
    pub json: bool,
}

/// The `--json` summary: the `ingest` fields, then what is particular to polling.
#[derive(Debug, Serialize)]
struct Summary {
    #[serde(flatten)]
    counts: IngestCounts,
    /// Messages the server would not deliver, folders it would not open, and accounts that
    /// could not be polled.
    errors: u64,
    seconds: f64,
    /// Batches whose after-actions the server refused (tried again next time).
    actions_failed: u64,
    /// Messages whose after-actions were re-applied after an interrupted poll.
    reapplied: u64,
    accounts: Vec<AccountSummary>,
}

#[derive(Debug, Serialize)]
struct AccountSummary {
    name: String,
    /// `ok`, `locked` (another poll holds it), `failed` or `stopped`.
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    messages: u64,
    new: u64,
    duplicates: u64,
}

/// What happened to one account.
pub(crate) enum AccountResult {
    Polled { counts: PollCounts, stopped: bool },
    Locked,
    Failed { counts: PollCounts, error: anyhow::Error },
}

pub fn run(ctx: &RunContext, args: PollArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let accounts = select_accounts(ctx, args.account.as_deref())?;
    let stop = install_signal_handlers()?;
    let results: Vec<(String, AccountResult)> = if args.watch {
        watch::run(ctx, &accounts, &stop)?
    } else {
        let rt = storage::runtime()?;
        // Opened once the first lock is held: a poll that steps aside never touches the
        // database (two first runs at once would otherwise both migrate a new file).
        let mut store: Option<Store> = None;
        let mut results = Vec::new();
        for account in &accounts {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            let Some(_lock) = take_lock(ctx, account)? else {
                results.push((account.name.clone(), AccountResult::Locked));
                continue;
            };
            let store = match &store {
                Some(s) => s,
                None => store.insert(rt.block_on(storage::open_store(ctx))?),
            };
            results.push((account.name.clone(), poll_once(ctx, &rt, store, account, &stop)?));
        }
        if let Some(store) = store {
            rt.block_on(store.close());
        }
        results
    };
    finish(results, started, args.json)
}

/// The accounts to poll: all, or the one `--account` names.
fn select_accounts(ctx: &RunContext, name: Option<&str>) -> anyhow::Result<Vec<ImapAccount>> {
    let all = &ctx.config.imap;
    if all.is_empty() {
        return Err(anyhow!("no [[imap]] account in the configuration (give one with --config)"));
    }
    match name {
        None => Ok(all.clone()),
        Some(n) => all.iter().find(|a| a.name == n).map(|a| vec![a.clone()]).ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|a| a.name.as_str()).collect();
            anyhow!("no [[imap]] account named {n:?} (configured: {})", names.join(", "))
        }),
    }
}

/// SIGINT/SIGTERM raise the returned flag; a second one while it is raised exits at once.
pub(crate) fn install_signal_handlers() -> anyhow::Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Order matters: the conditional exit sees the flag as it was before this signal.
        signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop))
            .context("cannot install the signal handler")?;
        signal_hook::flag::register(signal, Arc::clone(&stop)).context("cannot install the signal handler")?;
    }
    Ok(stop)
}

pub(crate) fn new_poller(ctx: &RunContext, store: &Store, account: &ImapAccount, stop: &Arc<AtomicBool>) -> anyhow::Result<Poller> {
    let resolver = storage::resolver(&ctx.config.resolve)?;
    let prepare = PrepareOptions { parse: ctx.config.parse_options(), keep_raw: ctx.config.database.keep_raw };
    Ok(Poller::new(account.clone(), store.clone(), resolver, prepare, Arc::clone(stop)))
}

/// Takes the account's lock, or says another poll has it.
pub(crate) fn take_lock(ctx: &RunContext, account: &ImapAccount) -> anyhow::Result<Option<lock::PollLock>> {
    let held = lock::try_lock(&ctx.db_path, &account.name)
        .with_context(|| format!("account {}: cannot create the lock file next to {}", account.name, ctx.db_path.display()))?;
    if held.is_none() {
        tracing::warn!("another poll of account {} is running; leaving it to that one", account.name);
    }
    Ok(held)
}

/// Polls one account once; the caller holds its lock.
pub(crate) fn poll_once(
    ctx: &RunContext,
    rt: &tokio::runtime::Runtime,
    store: &Store,
    account: &ImapAccount,
    stop: &Arc<AtomicBool>,
) -> anyhow::Result<AccountResult> {
    let mut poller = new_poller(ctx, store, account, stop)?;
    let mut counts = PollCounts::default();
    let conn = match Connection::open(account, Arc::clone(stop)) {
        Ok(conn) => conn,
        Err(e) => return Ok(AccountResult::Failed { counts, error: e.into() }),
    };
    poller.connected();
    let result = poller.pass(rt, &conn, &mut counts);
    drop(conn);
    Ok(match result {
        Ok(end) => AccountResult::Polled { counts, stopped: end == engine::PassEnd::Stopped },
        Err(error) => AccountResult::Failed { counts, error },
    })
}

fn finish(results: Vec<(String, AccountResult)>, started: Instant, json: bool) -> anyhow::Result<Outcome> {
    let mut totals = PollCounts::default();
    let mut accounts = Vec::new();
    let mut failed = Vec::new();
    for (name, result) in results {
        let (status, counts, error) = match result {
            AccountResult::Polled { counts, stopped } => (if stopped { "stopped" } else { "ok" }, counts, None),
            AccountResult::Locked => ("locked", PollCounts::default(), None),
            AccountResult::Failed { counts, error } => {
                let text = format!("{error:#}");
                failed.push(error);
                ("failed", counts, Some(text))
            }
        };
        totals += counts;
        accounts.push(AccountSummary {
            name,
            status,
            error,
            messages: counts.ingest.messages,
            new: counts.ingest.new,
            duplicates: counts.ingest.duplicates,
        });
    }
    // Every account failed: nothing ran, which is exit status 2 with the (first) error.
    if !failed.is_empty() && failed.len() == accounts.len() && totals.ingest.messages == 0 {
        if failed.len() > 1 {
            for e in &failed[1..] {
                tracing::error!("{e:#}");
            }
        }
        return Err(failed.swap_remove(0));
    }
    for e in &failed {
        tracing::error!("{e:#}");
    }
    let summary = Summary {
        counts: totals.ingest,
        errors: totals.fetch_failed + totals.folders_failed + failed.len() as u64,
        seconds: started.elapsed().as_secs_f64(),
        actions_failed: totals.actions_failed,
        reapplied: totals.reapplied,
        accounts,
    };
    print_summary(&summary, json)?;
    Ok(Outcome::from_failures(summary.errors + summary.actions_failed))
}

fn print_summary(s: &Summary, json: bool) -> anyhow::Result<()> {
    let mut out = storage::stdout();
    if json {
        storage::json_line(&mut out, s)?;
    } else {
        writeln!(out, "{}", super::ingest::summary_line(&s.counts, s.errors, s.seconds))?;
        for a in &s.accounts {
            match (&a.error, a.status) {
                (Some(e), _) => writeln!(out, "account {}: failed: {e}", a.name)?,
                (None, "locked") => writeln!(out, "account {}: skipped, another poll is running", a.name)?,
                (None, status) => {
                    writeln!(out, "account {}: {status}, {} messages, {} new, {} duplicates", a.name, a.messages, a.new, a.duplicates)?
                }
            }
        }
    }
    out.flush().context("writing to stdout")
}
