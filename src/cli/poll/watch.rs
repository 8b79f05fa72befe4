//! `poll --watch`: each account on its own thread with its own connection and database handle.
//! After each pass it waits with IDLE on the first folder (re-issued every
//! `idle_keepalive_secs`, and every `watch_interval_secs` when there are more folders to look
//! at), or sleeps `watch_interval_secs` when the server has no IDLE. A failed connection is
//! reopened after an exponential, jittered backoff (1 s … 5 min). The stop flag is looked at
//! between batches and, through the stream, at least every half second while IDLE waits.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::engine::{PassEnd, PollCounts};
use super::{AccountResult, new_poller, storage, take_lock};
use crate::cli::RunContext;
use crate::config::ImapAccount;
use crate::source::imap::backoff::Backoff;
use crate::source::imap::{Connection, IdleOutcome};

pub(super) fn run(ctx: &RunContext, accounts: &[ImapAccount], stop: &Arc<AtomicBool>) -> anyhow::Result<Vec<(String, AccountResult)>> {
    let results = std::thread::scope(|scope| {
        let handles: Vec<_> = accounts
            .iter()
            .map(|account| {
                let stop = Arc::clone(stop);
                (account.name.clone(), scope.spawn(move || watch_account(ctx, account, &stop)))
            })
            .collect();
        handles
            .into_iter()
            .map(|(name, h)| {
                let result = h.join().unwrap_or_else(|_| {
                    Ok(AccountResult::Failed {
                        counts: PollCounts::default(),
                        error: anyhow::anyhow!("account {name}: the watch thread panicked"),
                    })
                });
                (name, result)
            })
            .collect::<Vec<_>>()
    });
    results.into_iter().map(|(name, r)| r.map(|r| (name, r))).collect()
}

fn watch_account(ctx: &RunContext, account: &ImapAccount, stop: &Arc<AtomicBool>) -> anyhow::Result<AccountResult> {
    let Some(_lock) = take_lock(ctx, account)? else { return Ok(AccountResult::Locked) };
    let rt = storage::runtime()?;
    let store = rt.block_on(storage::open_store(ctx))?;
    let mut poller = new_poller(ctx, &store, account, stop)?;
    let mut counts = PollCounts::default();
    let seed = u64::from(std::process::id()) ^ (storage::now() as u64).rotate_left(17) ^ account.name.len() as u64;
    let mut backoff = Backoff::new(seed);
    let name = &account.name;
    tracing::info!("account {name}: watching");
    'connect: while !stop.load(Ordering::Relaxed) {
        let conn = match Connection::open(account, Arc::clone(stop)) {
            Ok(conn) => conn,
            Err(e) => {
                let delay = backoff.next_delay();
                tracing::error!("{e}; trying again in {:.0?}", delay);
                sleep(delay, stop);
                continue;
            }
        };
        poller.connected();
        let idle = conn.caps().idle;
        if !idle {
            tracing::info!("account {name}: the server has no IDLE; polling every {} s", account.watch_interval_secs);
        }
        // Mail that arrives between a pass and the SELECT before IDLE raises no IDLE
        // notification: compare UIDNEXT with the checkpoint once before waiting.
        let mut rechecked = false;
        loop {
            let before = counts.ingest.new;
            match poller.pass(&rt, &conn, &mut counts) {
                Ok(PassEnd::Stopped) => break 'connect,
                Ok(PassEnd::Done) => backoff.reset(),
                Err(e) => {
                    let delay = backoff.next_delay();
                    tracing::error!("{e:#}; reconnecting in {:.0?}", delay);
                    drop(conn);
                    sleep(delay, stop);
                    continue 'connect;
                }
            }
            if counts.ingest.new > before {
                tracing::info!("account {name}: {} new messages stored", counts.ingest.new - before);
            }
            if stop.load(Ordering::Relaxed) {
                break 'connect;
            }
            if !idle {
                sleep(Duration::from_secs(account.watch_interval_secs), stop);
                continue;
            }
            let keepalive = Duration::from_secs(account.idle_keepalive_secs);
            let limit = if account.folders.len() > 1 {
                keepalive.min(Duration::from_secs(account.watch_interval_secs))
            } else {
                keepalive
            };
            let first = &account.folders[0];
            let selected = match conn.select(first).wait() {
                Ok(selected) => selected,
                Err(e) => {
                    let delay = backoff.next_delay();
                    tracing::error!("{e}; reconnecting in {:.0?}", delay);
                    drop(conn);
                    sleep(delay, stop);
                    continue 'connect;
                }
            };
            if !rechecked {
                let checkpoint = rt.block_on(store.imap_checkpoint(name, first)).ok().flatten();
                let behind = match (selected.uid_next, checkpoint) {
                    (Some(next), Some(c)) if c.uid_validity == selected.uid_validity => next.saturating_sub(1) > c.last_uid,
                    (_, None) => selected.exists > 0,
                    _ => true,
                };
                if behind {
                    rechecked = true;
                    continue;
                }
            }
            rechecked = false;
            match conn.idle(limit).wait() {
                Ok(IdleOutcome::Stopped) => break 'connect,
                Ok(IdleOutcome::Changed | IdleOutcome::TimedOut) => {}
                Err(e) => {
                    let delay = backoff.next_delay();
                    tracing::error!("{e}; reconnecting in {:.0?}", delay);
                    drop(conn);
                    sleep(delay, stop);
                    continue 'connect;
                }
            }
        }
    }
    tracing::info!("account {name}: stopped");
    rt.block_on(store.close());
    Ok(AccountResult::Polled { counts, stopped: true })
}

/// Sleeps `total`, waking every 200 ms to look at the stop flag.
fn sleep(total: Duration, stop: &AtomicBool) {
    let step = Duration::from_millis(200);
    let mut left = total;
    while !left.is_zero() && !stop.load(Ordering::Relaxed) {
        let d = left.min(step);
        std::thread::sleep(d);
        left -= d;
    }
}
