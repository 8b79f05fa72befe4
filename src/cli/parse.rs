//! `listhygiene parse PATH...`: one JSON line per message, straight from the parser.

use std::io::Write;
use std::time::Instant;

use serde::Serialize;

use super::{parallel, Outcome, RunContext};
use crate::parse::{self, Parsed};
use crate::source::{self, RawMessage};

#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Message files, directories (walked), Maildirs, mbox files, or - for standard input
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Indented JSON for reading, one object after another
    #[arg(long)]
    pub pretty: bool,

    /// Measure throughput instead of printing: read everything, then parse it N times on one
    /// thread and print messages per second
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "5")]
    pub bench: Option<u32>,

    /// Parsing threads (default: one per core); output order is the input order either way
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// One output line: where the message was, then what the parser found.
#[derive(Serialize)]
struct Line<'a> {
    file: &'a str,
    index: usize,
    #[serde(flatten)]
    parsed: &'a Parsed,
}

pub fn run(ctx: &RunContext, args: ParseArgs) -> anyhow::Result<Outcome> {
    let options = ctx.config.parse_options();
    if let Some(rounds) = args.bench {
        return bench(&args.paths, &options, rounds);
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let mut out = super::output(None)?;
    let mut failures = 0u64;
    let mut write = |item: ParsedInput| -> anyhow::Result<()> {
        if item.failed {
            failures += 1;
        }
        let line = Line { file: &item.file, index: item.index, parsed: &item.parsed };
        let written = if args.pretty {
            serde_json::to_writer_pretty(&mut out, &line)
        } else {
            serde_json::to_writer(&mut out, &line)
        };
        // An I/O failure inside serde_json (a closed pipe) must stay an io::Error.
        written.map_err(std::io::Error::from)?;
        Ok(out.write_all(b"\n")?)
    };
    let inputs = source::read_inputs(&args.paths);
    if threads == 1 {
        for item in inputs {
            write(parse_one(item, &options))?;
        }
    } else {
        parallel::in_order(inputs, threads, |item| parse_one(item, &options), &mut write)?;
    }
    out.flush()?;
    Ok(Outcome::from_failures(failures))
}

/// One parsed input, ready to print.
struct ParsedInput {
    file: String,
    index: usize,
    parsed: Parsed,
    failed: bool,
}

fn parse_one(item: Result<RawMessage, source::SourceError>, options: &parse::ParseOptions) -> ParsedInput {
    match item {
        Ok(RawMessage { file, index, bytes, .. }) => {
            ParsedInput { file, index, parsed: parse::classify(&bytes, options), failed: false }
        }
        Err(e) => {
            tracing::error!("{e}");
            ParsedInput { file: e.path().to_owned(), index: 0, parsed: Parsed::unreadable(&e.to_string()), failed: true }
        }
    }
}

/// Parses everything `rounds` times on this thread; prints the rate on stdout.
fn bench(paths: &[String], options: &parse::ParseOptions, rounds: u32) -> anyhow::Result<Outcome> {
    let mut messages = Vec::new();
    for item in source::read_inputs(paths) {
        messages.push(item?.bytes);
    }
    anyhow::ensure!(!messages.is_empty(), "no messages to measure");
    let bytes: usize = messages.iter().map(Vec::len).sum();
    let mut recipients = 0usize;
    let mut best = f64::MAX;
    for _ in 0..rounds.max(1) {
        let start = Instant::now();
        for m in &messages {
            let parsed = parse::classify(m, options);
            recipients += std::hint::black_box(&parsed).recipients.len();
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    let rate = messages.len() as f64 / best;
    println!(
        "{{\"messages\":{},\"bytes\":{},\"rounds\":{},\"best_seconds\":{:.4},\"messages_per_second\":{:.0},\"mib_per_second\":{:.1},\"recipients_seen\":{}}}",
        messages.len(),
        bytes,
        rounds.max(1),
        best,
        rate,
        bytes as f64 / best / (1024.0 * 1024.0),
        recipients
    );
    Ok(Outcome::Clean)
}
