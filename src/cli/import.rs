//! `listhygiene import sends FILE [--map COLUMN=FIELD]...`: load a CSV into the database, all
//! or nothing. Every bad row is reported as `FILE:LINE: message` and, if there is any, nothing
//! of the file is applied (exit status 1). After a send-log import, open unresolved complaints
//! are retried in the same transaction.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{storage, Outcome, RunContext};
use crate::import::{self, sends, RowError};

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub what: ImportWhat,
}

#[derive(Debug, clap::Subcommand)]
pub enum ImportWhat {
    /// Load a send log (message_id, recipient, campaign, sent_at, list, list_unsubscribe, feedback_id)
    ///
    /// Headers are recognised by name (case, spaces, - and _ do not matter; common synonyms such
    /// as email, msgid, timestamp work); --map names a column explicitly. Rows already imported
    /// are updated, so importing a file twice is harmless. Unresolved complaints the new log can
    /// resolve are resolved in the same transaction.
    Sends(CsvArgs),
}

#[derive(Debug, clap::Args)]
pub struct CsvArgs {
    /// The CSV file (comma, semicolon or tab separated, with a header row), or - for stdin
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Use COLUMN of the file for FIELD (repeatable)
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,

    /// Print the summary as one JSON object on the last line
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &RunContext, args: ImportArgs) -> anyhow::Result<Outcome> {
    match args.what {
        ImportWhat::Sends(args) => import_sends(ctx, &args),
    }
}

/// Rows written per statement.
const BATCH: usize = 2000;

fn import_sends(ctx: &RunContext, args: &CsvArgs) -> anyhow::Result<Outcome> {
    let name = args.file.display().to_string();
    let mut reader = open_csv(&args.file)?;
    let headers: Vec<String> = reader.headers().with_context(|| format!("{name}: cannot read the header row"))?.iter().map(str::to_owned).collect();
    let overrides = import::parse_overrides(&args.map)?;
    let mapping = import::map_headers(&headers, sends::FIELDS, &overrides).with_context(|| name.clone())?;
    if !mapping.unused.is_empty() {
        tracing::info!("{name}: ignoring columns {}", mapping.unused.join(", "));
    }
    let resolver = storage::resolver(&ctx.config.resolve)?;
    let pattern = ctx.config.parse_options().unsubscribe_token;
    let rt = storage::runtime()?;
    rt.block_on(async {
        let store = storage::open_store(ctx).await?;
        let mut import = store.begin_send_import(storage::now()).await?;
        let mut batch = Vec::with_capacity(BATCH);
        let mut bad: Vec<RowError> = Vec::new();
        let mut rows = 0u64;
        let mut record = csv::StringRecord::new();
        loop {
            let line = reader.position().line() + 1;
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map_or(line, |p| p.line());
                    match sends::record(&mapping, &record, pattern.as_ref()) {
                        Ok(r) => batch.push(r),
                        Err(message) => bad.push(RowError { file: name.clone(), line, message }),
                    }
                }
                Err(e) => bad.push(row_error(&name, line, &e)),
            }
            rows += 1;
            if batch.len() >= BATCH && bad.is_empty() {
                import.add(&batch).await?;
                batch.clear();
            }
        }
        if !bad.is_empty() {
            import.abort().await?;
            store.close().await;
            for e in &bad {
                eprintln!("{e}");
            }
            eprintln!("{name}: {} bad rows of {rows}; nothing imported", bad.len());
            return Ok(Outcome::SomeFailed);
        }
        import.add(&batch).await?;
        let outcome = import.finish(rows, &resolver).await?;
        store.close().await;
        let mut out = std::io::stdout().lock();
        if args.json {
            storage::json_line(&mut out, &outcome)?;
        } else {
            writeln!(
                out,
                "{name}: {} rows, {} new sends; {} unresolved complaints resolved",
                outcome.rows, outcome.new, outcome.resolved
            )?;
        }
        out.flush()?;
        Ok(Outcome::Clean)
    })
}

fn row_error(file: &str, line: u64, e: &csv::Error) -> RowError {
    let line = e.position().map_or(line, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        _ => e.to_string(),
    };
    RowError { file: file.to_owned(), line, message }
}

/// A CSV reader with the delimiter sniffed from the first line.
fn open_csv(path: &Path) -> anyhow::Result<csv::Reader<Box<dyn Read>>> {
    let input: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(path).with_context(|| format!("cannot open {}", path.display()))?)
    };
    let mut buffered = BufReader::with_capacity(64 * 1024, input);
    let first = buffered.fill_buf().with_context(|| format!("cannot read {}", path.display()))?;
    let line_end = memchr::memchr(b'\n', first).unwrap_or(first.len());
    let delimiter = import::sniff_delimiter(&first[..line_end]);
    Ok(csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(Box::new(buffered) as Box<dyn Read>))
}
