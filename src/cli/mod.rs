//! The command line: global flags, one module per subcommand, and the exit-status contract
//! (0 all good, 1 ran but some input failed, 2 could not run). The only layer that reads the
//! clock, the environment and flags.

mod audit;
mod clean;
mod dev;
mod explain;
pub(crate) mod export;
pub(crate) mod import;
mod ingest;
mod parallel;
mod parse;
mod poll;
mod reparse;
pub(crate) mod score;
mod report;
mod storage;
mod sync;
mod token;
mod unresolved;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Config;

/// Keeps mailing lists clean: bounces and complaints in, suppression lists out
#[derive(Debug, Parser)]
#[command(name = "listhygiene", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// SQLite database file
    #[arg(long, global = true, env = "LISTHYGIENE_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Configuration file (TOML)
    #[arg(long, global = true, env = "LISTHYGIENE_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// More log output on stderr (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only errors on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// The time to act at, RFC 3339 (reproducible tests and replays); default: the clock
    #[arg(long, global = true, hide = true, value_name = "TIME", value_parser = parse_now)]
    pub now: Option<i64>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print one JSON line per message: kind, recipients, reasons (no database)
    Parse(parse::ParseArgs),
    /// Parse messages and store them in the database (idempotent: a second run adds nothing)
    Ingest(ingest::IngestArgs),
    /// Read new messages from the configured IMAP accounts into the database
    Poll(poll::PollArgs),
    /// Load a CSV into the database (all or nothing)
    Import(import::ImportArgs),
    /// Signed recipient tokens for complaints that hide the recipient
    Token(token::TokenArgs),
    /// List complaints kept without a recipient, and why nothing resolved them
    Unresolved(unresolved::UnresolvedArgs),
    /// Re-run the current parser over stored messages and replace their events
    Reparse(reparse::ReparseArgs),
    /// Decide every address (suppress, flag, keep) with the [policy] rules; store what changed
    Score(score::ScoreArgs),
    /// Write the suppression list in an ESP's import format (stable order, incremental with --since-last)
    Export(export::ExportArgs),
    /// Drop suppressed (and with --drop flagged, flagged) addresses from a campaign CSV
    Clean(clean::CleanArgs),
    /// The cron job: import configured sources, poll, score, write every configured export
    Sync(sync::SyncArgs),
    /// Every event and message behind an address, with dates and evidence
    Explain(explain::ExplainArgs),
    /// Double-opt-in evidence per subscriber and per source: what would not stand up
    Audit(audit::AuditArgs),
    /// Deliverability: complaint rates per provider and campaign, bounces, blocks, trends
    Report(report::ReportArgs),
    /// Developer tools (fixture generator)
    #[command(hide = true)]
    Dev(dev::DevArgs),
}

/// How a command that ran went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything given was handled.
    Clean,
    /// It ran to the end, but some input failed (counted and reported).
    SomeFailed,
    /// It ran, and a `--fail-on` limit was crossed.
    LimitCrossed,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::SomeFailed | Outcome::LimitCrossed => ExitCode::from(1),
        }
    }

    pub fn from_failures(failures: u64) -> Outcome {
        if failures == 0 { Outcome::Clean } else { Outcome::SomeFailed }
    }
}

/// `LimitCrossed` (each crossed `--fail-on` rule named on stderr) or `Clean`.
pub fn crossed(results: &[crate::report::failon::FailOnResult]) -> Outcome {
    let mut crossed = false;
    for r in results.iter().filter(|r| r.crossed) {
        eprintln!("listhygiene: --fail-on {} crossed: {}", r.rule, r.detail);
        crossed = true;
    }
    if crossed { Outcome::LimitCrossed } else { Outcome::Clean }
}

/// Everything a command needs from the outside world, resolved once.
pub struct RunContext {
    pub config: Config,
    pub db_path: PathBuf,
    /// "Now" in unix seconds: `--now`, else the clock, read once.
    pub now: i64,
}

/// Runs the chosen command.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let ctx = resolve(&cli)?;
    match cli.command {
        Command::Parse(args) => parse::run(&ctx, args),
        Command::Ingest(args) => ingest::run(&ctx, args, cli.quiet),
        Command::Poll(args) => poll::run(&ctx, args),
        Command::Import(args) => import::run(&ctx, args),
        Command::Token(args) => token::run(&ctx, args),
        Command::Unresolved(args) => unresolved::run(&ctx, args),
        Command::Reparse(args) => reparse::run(&ctx, args, cli.quiet),
        Command::Score(args) => score::run(&ctx, &args),
        Command::Export(args) => export::run(&ctx, args, cli.quiet),
        Command::Clean(args) => clean::run(&ctx, &args),
        Command::Sync(args) => sync::run(&ctx, &args),
        Command::Explain(args) => explain::run(&ctx, args),
        Command::Audit(args) => audit::run(&ctx, args),
        Command::Report(args) => report::run(&ctx, args),
        Command::Dev(args) => dev::run(&ctx, args),
    }
}

fn resolve(cli: &Cli) -> anyhow::Result<RunContext> {
    let config = match &cli.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let db_path = cli.db.clone().unwrap_or_else(|| config.database.path.clone());
    let now = cli.now.unwrap_or_else(storage::now);
    Ok(RunContext { config, db_path, now })
}

fn parse_now(value: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(value).map(|d| d.timestamp()).map_err(|e| format!("{value:?} is not an RFC 3339 time: {e}"))
}

/// Logs go to stderr; `LISTHYGIENE_LOG` overrides the level chosen by -v/-q.
pub fn init_logging(cli: &Cli) {
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("LISTHYGIENE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// True when the error is a closed stdout (`listhygiene parse … | head`).
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Opens `-o FILE` or stdout for results.
pub fn output(path: Option<&std::path::Path>) -> anyhow::Result<Box<dyn std::io::Write>> {
    Ok(match path {
        None => Box::new(std::io::BufWriter::new(storage::stdout())),
        Some(p) if p.as_os_str() == "-" => Box::new(std::io::BufWriter::new(storage::stdout())),
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
    })
}
