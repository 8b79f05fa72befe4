//! `listhygiene export --format FORMAT [-o FILE] [--since-last NAME] [--include flags]`: the
//! current suppressions (and flags) in an ESP's import format, in address order. A file is
//! written to a temporary name in its directory and renamed into place when complete; only
//! then does `--since-last` move the export's watermark, so a crash never skips a decision.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use super::{storage, Outcome, RunContext};
use crate::config::Include;
use crate::export::{ExportWriter, Format, Written};
use crate::store::decisions::ExportQuery;
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The layout to write
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Format,

    /// The file to write (- or absent: standard output)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Only decisions newer than export NAME's last run; moves NAME's watermark afterwards
    #[arg(long, value_name = "NAME")]
    pub since_last: Option<String>,

    /// Also export flagged addresses (never engaged, inactive, role accounts, invalid)
    #[arg(long, value_enum, value_name = "WHAT")]
    pub include: Vec<Include>,
}

/// One export to make.
#[derive(Debug, Clone)]
pub struct ExportJob {
    pub format: Format,
    /// `None` or `-`: standard output.
    pub output: Option<PathBuf>,
    pub since_last: Option<String>,
    pub include_flags: bool,
}

/// What an export did.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub format: Format,
    pub path: Option<String>,
    #[serde(flatten)]
    pub written: Written,
    /// The decision id the watermark moved to (with since-last).
    pub watermark: Option<i64>,
}

pub fn run(ctx: &RunContext, args: ExportArgs, quiet: bool) -> anyhow::Result<Outcome> {
    let job = ExportJob {
        format: args.format,
        output: args.output.filter(|p| p.as_os_str() != "-"),
        since_last: args.since_last,
        include_flags: args.include.contains(&Include::Flags),
    };
    let rt = storage::runtime()?;
    let report = rt.block_on(async {
        let store = storage::open_store(ctx).await?;
        let report = export(&store, &job, ctx.now).await;
        store.close().await;
        report
    })?;
    let line = summary_line(&report);
    if report.path.is_some() {
        let mut out = storage::stdout();
        writeln!(out, "{line}")?;
        out.flush()?;
    } else if !quiet {
        eprintln!("{line}");
    }
    Ok(Outcome::Clean)
}

pub fn summary_line(r: &ExportReport) -> String {
    let skipped = if r.written.skipped > 0 { format!(" ({} in the format's other lists)", r.written.skipped) } else { String::new() };
    format!("{}: {} addresses as {}{skipped}", r.path.as_deref().unwrap_or("stdout"), r.written.rows, r.format)
}

/// Makes one export: reads the rows from one snapshot, writes them, and moves the watermark
/// once the output is complete.
pub async fn export(store: &Store, job: &ExportJob, now: i64) -> anyhow::Result<ExportReport> {
    let query = ExportQuery { include_flags: job.include_flags, since_last: job.since_last.clone() };
    let mut reader = store.read_export(&query).await?;
    let written = match &job.output {
        Some(path) => {
            let (file, written) = write_rows(&mut reader, job.format, temp_beside(path)?).await?;
            file.as_file().sync_all().with_context(|| format!("writing {}", path.display()))?;
            file.persist(path).with_context(|| format!("cannot move the export into place at {}", path.display()))?;
            written
        }
        None => write_rows(&mut reader, job.format, storage::stdout()).await?.1,
    };
    let upto = reader.upto;
    reader.close().await?;
    let watermark = match &job.since_last {
        Some(name) => {
            store.move_watermark(name, upto, now).await?;
            Some(upto.decision_id)
        }
        None => None,
    };
    Ok(ExportReport { format: job.format, path: job.output.as_ref().map(|p| p.display().to_string()), written, watermark })
}

/// A temporary file beside `path` (same file system, so the rename is atomic), created with
/// the permissions an ordinary file gets (0666 less the umask), not a temporary file's 0600.
pub fn temp_beside(path: &Path) -> anyhow::Result<tempfile::NamedTempFile> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create directory {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".listhygiene-");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir).with_context(|| format!("cannot create a file in {}", dir.display()))
}

async fn write_rows<W: Write>(reader: &mut crate::store::decisions::ExportReader, format: Format, out: W) -> anyhow::Result<(W, Written)> {
    let mut writer = ExportWriter::new(format, BufWriter::with_capacity(1 << 16, out))?;
    loop {
        let rows = reader.next_chunk().await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            writer.row(row)?;
        }
    }
    let (buffered, written) = writer.finish()?;
    let out = buffered.into_inner().map_err(|e| e.into_error()).context("writing the export")?;
    Ok((out, written))
}
