//! `listhygiene ingest PATH...`: parse messages and store them, idempotently, in batched
//! transactions; a progress bar on a TTY, a summary at the end (`--json`: one object).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::storage::{self, now};
use super::{Outcome, RunContext};
use crate::domain::Kind;
use crate::source::{self, SourceError};
use crate::store::ingest::{IngestCounts, PrepareOptions, Prepared};
use crate::store::pipeline::{self, Observer, PipelineOptions, RunTotals};
use crate::store::{BatchOutcome, ItemOutcome};

#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Message files, directories (walked), Maildirs, mbox files, or - for standard input
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Print the summary as one JSON object on the last line
    #[arg(long)]
    pub json: bool,

    /// Messages per transaction
    #[arg(long, default_value_t = crate::store::pipeline::BATCH_MESSAGES, value_name = "N", hide = true)]
    pub batch_size: usize,
}

/// The `--json` summary. Field names are a public interface.
#[derive(Debug, Serialize)]
struct Summary {
    #[serde(flatten)]
    counts: IngestCounts,
    /// Inputs that could not be read.
    errors: u64,
    seconds: f64,
}

pub fn run(ctx: &RunContext, args: IngestArgs, quiet: bool) -> anyhow::Result<Outcome> {
    let rt = storage::runtime()?;
    let resolver = storage::resolver(&ctx.config.resolve)?;
    let started = Instant::now();
    let totals = rt.block_on(async {
        let store = storage::open_store(ctx).await?;
        let prepare = PrepareOptions { parse: ctx.config.parse_options(), keep_raw: ctx.config.database.keep_raw };
        let mut options = PipelineOptions::new(prepare, resolver, now());
        options.batch_messages = args.batch_size;
        let mut observer = Reporter::new(quiet);
        let paths = args.paths.clone();
        let feed = move |feeder: &mut pipeline::Feeder| {
            for item in source::read_inputs(&paths) {
                if !feeder.push(item) {
                    break;
                }
            }
        };
        let totals = pipeline::run(&store, feed, options, &mut observer).await;
        observer.finish();
        store.close().await;
        anyhow::Ok(totals?)
    })?;
    let summary = Summary { counts: totals.counts, errors: totals.errors, seconds: started.elapsed().as_secs_f64() };
    print_summary(&summary, args.json)?;
    warn_unparsed(&totals);
    Ok(Outcome::from_failures(totals.errors + totals.counts.unparsed))
}

/// The human summary of an ingest (also `poll`'s first line).
pub(crate) fn summary_line(c: &IngestCounts, errors: u64, seconds: f64) -> String {
    format!(
        "{} messages: {} new, {} duplicates, {} unparsed, {} unreadable; {} events, {} complaints resolved by identifiers, {} unresolved ({:.2} s, {:.0} messages/s)",
        c.messages,
        c.new,
        c.duplicates,
        c.unparsed,
        errors,
        c.events,
        c.resolved,
        c.unresolved,
        seconds,
        c.messages as f64 / seconds.max(1e-9)
    )
}

fn print_summary(s: &Summary, json: bool) -> anyhow::Result<()> {
    let mut out = storage::stdout();
    if json {
        storage::json_line(&mut out, s)?;
    } else {
        writeln!(out, "{}", summary_line(&s.counts, s.errors, s.seconds))?;
    }
    Ok(out.flush()?)
}

fn warn_unparsed(totals: &RunTotals) {
    if totals.counts.unparsed > 0 {
        tracing::warn!(
            "{} new messages could not be classified; they are stored, and `listhygiene reparse` retries them with a newer parser",
            totals.counts.unparsed
        );
    }
}

/// How many unparsed messages are named at warn level before the rest go to info.
const NAMED_UNPARSED: u64 = 10;

/// Progress on a TTY, and the per-message failures on stderr.
struct Reporter {
    bar: Option<ProgressBar>,
    unparsed: u64,
}

impl Reporter {
    fn new(quiet: bool) -> Reporter {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} messages ingested ({per_sec}, {elapsed}) {msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Reporter { bar, unparsed: 0 }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn note_unparsed(&mut self, item: &Prepared) {
        self.unparsed += 1;
        let note = item.parsed.note.as_deref().unwrap_or("not recognised");
        let message = format!("{}#{} ({}): unparsed: {note}", item.file, item.index, item.locator);
        if self.unparsed <= NAMED_UNPARSED {
            self.log(|| tracing::warn!("{message}"));
        } else {
            tracing::info!("{message}");
        }
    }

    fn log(&self, f: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }
}

impl Observer for Reporter {
    fn batch(&mut self, prepared: &[Prepared], outcome: &BatchOutcome, known: u64) {
        for (item, result) in prepared.iter().zip(&outcome.items) {
            if let ItemOutcome::New { kind: Kind::Other, .. } = result {
                self.note_unparsed(item);
            }
        }
        if let Some(bar) = &self.bar {
            bar.inc(outcome.counts.messages + known);
        }
    }

    fn read_error(&mut self, error: &SourceError) {
        self.log(|| tracing::error!("{error}"));
    }
}
