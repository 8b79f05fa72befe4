//! `listhygiene score [--dry-run] [--json]`: decides every address known to the database
//! (subscribers, event recipients, imported suppressions, engagement) with the `[policy]` rules
//! and stores the decisions that changed since the last run, each with its rule, evidence and
//! explanation. `--dry-run` stores nothing and prints what would change.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{storage, Outcome, RunContext};
use crate::domain::Verdict;
use crate::score::{self, Policy};
use crate::store::scoring::Change;
use crate::store::{Store, StoreOptions};

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// Store nothing; print the decisions that would change
    #[arg(long)]
    pub dry_run: bool,

    /// JSON: one line per change with --dry-run, then the summary as one object on the last line
    #[arg(long)]
    pub json: bool,
}

/// The summary (`--json`: one object on the last line). Field names are a public interface.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ScoreSummary {
    /// The run's id (absent with --dry-run).
    pub run: Option<i64>,
    pub dry_run: bool,
    pub addresses: u64,
    pub suppress: u64,
    pub flag: u64,
    pub keep: u64,
    /// Suppressed and flagged addresses by rule id.
    pub by_rule: BTreeMap<String, u64>,
    /// Decisions that differ from the last run's (written, or with --dry-run, that would be).
    pub changes: u64,
    pub seconds: f64,
}

/// A change as a JSON line (`--dry-run --json`).
#[derive(Serialize)]
struct ChangeLine<'a> {
    address: &'a str,
    verdict: Verdict,
    rule: Option<&'a str>,
    before_verdict: Option<Verdict>,
    before_rule: Option<&'a str>,
    explanation: &'a str,
}

pub fn run(ctx: &RunContext, args: &ScoreArgs) -> anyhow::Result<Outcome> {
    let rt = storage::runtime()?;
    let summary = rt.block_on(async {
        let store = open_for_scoring(ctx).await?;
        let mut out = storage::stdout();
        let summary = score_all(&store, &ctx.config.policy, ctx.now, args.dry_run, |change| print_change(&mut out, change, args.json)).await;
        store.close().await;
        summary
    })?;
    print_summary(&summary, args.json)?;
    Ok(Outcome::Clean)
}

/// Opens the store with a connection for each read stream and the writer.
pub async fn open_for_scoring(ctx: &RunContext) -> anyhow::Result<Store> {
    let options = StoreOptions { busy_timeout: Duration::from_millis(ctx.config.database.busy_timeout_ms), max_connections: crate::store::scoring::SCORING_CONNECTIONS };
    Ok(Store::open(&ctx.db_path, &options).await?)
}

/// Scores every address; with `dry_run` hands each change to `on_change` instead of storing it.
pub async fn score_all(store: &Store, policy: &Policy, now: i64, dry_run: bool, mut on_change: impl FnMut(&Change) -> std::io::Result<()>) -> anyhow::Result<ScoreSummary> {
    let started = Instant::now();
    let mut summary = ScoreSummary { dry_run, ..ScoreSummary::default() };
    let mut writer = if dry_run { None } else { Some(store.begin_score_run(storage::now(), now, policy).await?) };
    summary.run = writer.as_ref().map(|w| w.run_id());
    let mut reader = store.read_histories(policy).await?;
    while let Some(subject) = reader.next().await? {
        let decision = score::evaluate(&subject.history, policy, now);
        tally(&mut summary, &decision);
        let Some(change) = Change::between(&subject.history.address, subject.current.as_ref(), &decision) else { continue };
        summary.changes += 1;
        match writer.as_mut() {
            Some(w) => w.add(change).await?,
            None => on_change(&change)?,
        }
    }
    if let Some(w) = writer {
        w.finish(storage::now(), summary.addresses, summary.suppress, summary.flag).await?;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn tally(summary: &mut ScoreSummary, decision: &score::Decision) {
    summary.addresses += 1;
    match decision.verdict {
        Verdict::Suppress => summary.suppress += 1,
        Verdict::Flag => summary.flag += 1,
        Verdict::Keep => summary.keep += 1,
    }
    if let Some(rule) = decision.rule {
        *summary.by_rule.entry(rule.as_str().to_owned()).or_default() += 1;
    }
}

fn print_change(out: &mut dyn Write, change: &Change, json: bool) -> std::io::Result<()> {
    let d = &change.decision;
    let (before_verdict, before_rule) = match &change.before {
        Some((v, r)) => (Some(*v), r.as_deref()),
        None => (None, None),
    };
    if json {
        let line = ChangeLine {
            address: &change.address,
            verdict: d.verdict,
            rule: d.rule.map(|r| r.as_str()),
            before_verdict,
            before_rule,
            explanation: &d.explanation,
        };
        return writeln!(out, "{}", serde_json::to_string(&line).map_err(std::io::Error::other)?);
    }
    let was = match (before_verdict, before_rule) {
        (None, _) => "new".to_owned(),
        (Some(v), Some(r)) => format!("was {v} by {r}"),
        (Some(v), None) => format!("was {v}"),
    };
    let rule = d.rule.map_or("-", |r| r.as_str());
    writeln!(out, "{:<8} {}  {rule}  ({was}): {}", d.verdict.as_str(), change.address, d.explanation)
}

fn print_summary(s: &ScoreSummary, json: bool) -> anyhow::Result<()> {
    let mut out = storage::stdout();
    if json {
        storage::json_line(&mut out, s)?;
    } else {
        let rules: Vec<String> = s.by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let run = match s.run {
            Some(id) => format!("run {id}: {} decisions changed", s.changes),
            None => format!("dry run: {} decisions would change", s.changes),
        };
        writeln!(
            out,
            "{} addresses: {} suppress, {} flag, {} keep{}; {run} ({:.2} s)",
            s.addresses,
            s.suppress,
            s.flag,
            s.keep,
            if rules.is_empty() { String::new() } else { format!(" ({})", rules.join(", ")) },
            s.seconds
        )?;
    }
    Ok(out.flush()?)
}
