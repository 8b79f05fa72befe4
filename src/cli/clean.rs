//! `listhygiene clean INPUT.csv -o OUTPUT.csv [--removed REMOVED.csv] [--drop flagged]`: a
//! campaign list without the addresses scoring suppressed (and, with `--drop flagged`, those it
//! flagged). Every column and the row order are kept; the e-mail column is found by header or
//! content; removed rows go to REMOVED.csv with a `reason` column (the rule id); counts per
//! reason are printed. Outputs are written to temporary files and renamed into place.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use serde::Serialize;

use super::{storage, Outcome, RunContext};
use crate::export::clean::{self, CleanCounts};

#[derive(Debug, clap::Args)]
pub struct CleanArgs {
    /// The list to clean (CSV with any columns; comma, semicolon or tab separated)
    #[arg(value_name = "INPUT.csv")]
    pub input: PathBuf,

    /// Where to write the cleaned list
    #[arg(short, long, value_name = "OUTPUT.csv")]
    pub output: PathBuf,

    /// Where to write the removed rows, with a reason column
    #[arg(long, value_name = "REMOVED.csv")]
    pub removed: Option<PathBuf>,

    /// Also drop flagged addresses (never engaged, inactive, role accounts, invalid)
    #[arg(long, value_enum, value_name = "WHAT")]
    pub drop: Vec<Drop>,

    /// Print the summary as one JSON object on the last line
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Drop {
    Flagged,
}

#[derive(Serialize)]
struct Summary {
    #[serde(flatten)]
    counts: CleanCounts,
    seconds: f64,
}

pub fn run(ctx: &RunContext, args: &CleanArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    for out in std::iter::once(&args.output).chain(&args.removed) {
        if same_file(&args.input, out) {
            bail!("{} would overwrite the input; name another output", out.display());
        }
    }
    let include_flags = args.drop.contains(&Drop::Flagged);
    let rt = storage::runtime()?;
    let decided = rt.block_on(async {
        let store = storage::open_store(ctx).await?;
        let map = store.decided_addresses(include_flags).await;
        store.close().await;
        anyhow::Ok(map?)
    })?;
    tracing::info!("{} addresses to drop", decided.len());
    let input = File::open(&args.input).with_context(|| format!("cannot open {}", args.input.display()))?;
    let output = Staged::create(&args.output)?;
    let removed = args.removed.as_deref().map(Staged::create).transpose()?;
    // `clean` hands over the address already normalised (the form the database holds).
    let lookup = |address: &str| decided.get(address).map(|rule| rule.as_str().to_owned());
    let counts = clean::clean(input, output.writer(), removed.as_ref().map(Staged::writer), lookup)
        .with_context(|| format!("cleaning {}", args.input.display()))?;
    output.commit()?;
    if let Some(r) = removed {
        r.commit()?;
    }
    print_summary(&args.input, &Summary { counts, seconds: started.elapsed().as_secs_f64() }, args.json)?;
    Ok(Outcome::Clean)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// An output written under a temporary name beside its final path, renamed on commit.
struct Staged {
    path: PathBuf,
    file: tempfile::NamedTempFile,
}

impl Staged {
    fn create(path: &Path) -> anyhow::Result<Staged> {
        Ok(Staged { path: path.to_owned(), file: super::export::temp_beside(path)? })
    }

    fn writer(&self) -> BufWriter<&File> {
        BufWriter::with_capacity(1 << 16, self.file.as_file())
    }

    fn commit(self) -> anyhow::Result<()> {
        self.file.as_file().sync_all().with_context(|| format!("writing {}", self.path.display()))?;
        self.file.persist(&self.path).with_context(|| format!("cannot move {} into place", self.path.display()))?;
        Ok(())
    }
}

fn print_summary(input: &Path, s: &Summary, json: bool) -> anyhow::Result<()> {
    let mut out = storage::stdout();
    if json {
        storage::json_line(&mut out, s)?;
    } else {
        let c = &s.counts;
        let reasons: Vec<String> = c.by_reason.iter().map(|(r, n)| format!("{r} {n}")).collect();
        writeln!(
            out,
            "{}: {} rows, {} kept, {} removed{} ({:.2} s)",
            input.display(),
            c.rows,
            c.kept,
            c.removed,
            if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join(", ")) },
            s.seconds
        )?;
        if c.unreadable > 0 {
            writeln!(out, "{} rows had no readable address in column {} and were kept", c.unreadable, c.email_column + 1)?;
        }
    }
    Ok(out.flush()?)
}
