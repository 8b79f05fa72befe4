//! `listhygiene import sends|subscribers|engagement FILE [--map COLUMN=FIELD]...` and
//! `import suppressions --from FORMAT FILE`: load a file into the database, all or nothing.
//! Every bad row is reported as `FILE:LINE: message` and, if there is any, nothing of the file
//! is applied (exit status 1). After a send-log import, open unresolved complaints are retried
//! in the same transaction.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use std::collections::BTreeMap;

use serde::Serialize;

use super::{storage, Outcome, RunContext};
use crate::import::engagement::EngagementRow;
use crate::import::suppressions::{self, Positions, SourceFormat, SuppressionRow, Table};
use crate::import::external_sort::{self, ExternalSort, SortedRow};
use crate::import::{self, engagement, sends, subscribers, RowError};
use crate::store::lists::{self, EncodedRows, ListImport, ListKind};
use crate::store::Store;

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
    /// Load subscribers (generic CSV, Mailchimp audience export, listmonk export)
    ///
    /// Fields: email (required), list, source, status, signup_at, signup_ip, confirm_at,
    /// confirm_ip, rating, tags, last_changed_at; Mailchimp's OPTIN_TIME, OPTIN_IP, CONFIRM_TIME,
    /// CONFIRM_IP, MEMBER_RATING, LAST_CHANGED, TAGS, UNSUB_TIME and CLEAN_TIME are recognised.
    /// Other columns are kept as JSON. An address that is not valid is kept (scoring flags it
    /// with rule invalid-address), not dropped. Rows already present (same address and list)
    /// are updated. Several files are imported as one: one transaction, later rows winning.
    Subscribers(SubscriberArgs),
    /// Load engagement: sends, opens, clicks, replies, unsubscribes (email, type, time, campaign, ip, user_agent)
    ///
    /// Types are read loosely (sent/delivered, opened, clicked, …); events that are not
    /// engagement (bounce, deferred, dropped, processed …) are skipped and counted. Importing
    /// the same rows twice adds nothing. Several files are imported as one, in one transaction:
    /// a backfill of many exports goes faster that way than file by file into a large table.
    Engagement(ListCsvArgs),
    /// Merge an ESP's suppression list (CSV, JSON as the ESP's API returns it, or a plain list)
    ///
    /// ses: CSV `address,BOUNCE|COMPLAINT` (header optional), JSON Lines
    /// {"emailAddress","reason"} or ListSuppressedDestinations JSON. sendgrid: CSV or JSON
    /// [{email, created, reason, status}]. mailgun: bounces (address,code,error,created_at),
    /// complaints (address,created_at) or unsubscribes (address,tags,created_at), CSV or JSON.
    /// postmark: suppression dump JSON or CSV. brevo: blockedContacts JSON or CSV.
    /// mailchimp-cleaned / mailchimp-unsubscribed: the audience export files. listmonk: a
    /// subscriber export (only blocklisted rows count). plain: one address per line.
    Suppressions(SuppressionArgs),
}

#[derive(Debug, clap::Args)]
pub struct SubscriberArgs {
    #[command(flatten)]
    pub csv: ListCsvArgs,

    /// The list of rows that name none (a Mailchimp export is one audience)
    #[arg(long, value_name = "NAME")]
    pub list: Option<String>,

    /// The status of rows that give none (default subscribed; UNSUB_TIME / CLEAN_TIME columns
    /// imply unsubscribed / cleaned)
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct SuppressionArgs {
    /// Whose export the file is
    #[arg(long = "from", value_enum, value_name = "FORMAT")]
    pub format: SourceFormat,

    #[command(flatten)]
    pub csv: CsvArgs,

    /// The reason to record for every row (e.g. spam_report for SendGrid's spam reports, which
    /// carry none)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CsvArgs {
    /// The CSV file (comma, semicolon or tab separated, with a header row), or - for stdin
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    #[command(flatten)]
    pub options: CsvOptions,
}

/// What every CSV import takes besides its files.
#[derive(Debug, clap::Args)]
pub struct CsvOptions {
    /// Use COLUMN of the file (of each file) for FIELD (repeatable)
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,

    /// Print the summary as one JSON object on the last line
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &RunContext, args: ImportArgs) -> anyhow::Result<Outcome> {
    match args.what {
        ImportWhat::Sends(args) => import_sends(ctx, &args),
        ImportWhat::Subscribers(args) => import_subscribers(ctx, &args),
        ImportWhat::Engagement(args) => import_engagement(ctx, &args),
        ImportWhat::Suppressions(args) => import_suppressions(ctx, &args),
    }
}

/// The files of a subscriber or engagement import: one or more, imported together.
#[derive(Debug, clap::Args)]
pub struct ListCsvArgs {
    /// The CSV files (comma, semicolon or tab separated, each with its header row), or - for stdin
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub options: CsvOptions,
}

impl ListCsvArgs {
    /// The files, once it is known that standard input is among them at most once (a second
    /// `-` would find it already read and fail on its missing header).
    fn checked_files(&self) -> anyhow::Result<&[PathBuf]> {
        if self.files.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
            anyhow::bail!("- (standard input) can be given only once");
        }
        Ok(&self.files)
    }
}

/// Rows parsed and written per step.
const BATCH: usize = 2000;

fn import_sends(ctx: &RunContext, args: &CsvArgs) -> anyhow::Result<Outcome> {
    let name = args.file.display().to_string();
    let mut reader = open_csv(&args.file)?;
    let (_, mapping) = mapped(&mut reader, &name, sends::FIELDS, &args.options.map)?;
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
        let mut out = storage::stdout();
        if args.options.json {
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
fn open_csv(path: &Path) -> anyhow::Result<csv::Reader<Box<dyn Read + Send>>> {
    let input: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(path).with_context(|| format!("cannot open {}", path.display()))?)
    };
    let mut buffered = BufReader::with_capacity(64 * 1024, input);
    let first = buffered.fill_buf().with_context(|| format!("cannot read {}", path.display()))?;
    let line_end = memchr::memchr(b'\n', first).unwrap_or(first.len());
    let delimiter = import::sniff_delimiter(&first[..line_end]);
    Ok(csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(Box::new(buffered) as Box<dyn Read + Send>))
}

/// The summary of a subscriber, engagement or suppression import (`--json`: one object on the
/// last line). Field names are a public interface.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ListSummary {
    /// Data rows read.
    pub rows: u64,
    /// Rows written (new or updated).
    pub imported: u64,
    /// Rows the table gained.
    pub new: u64,
    /// Addresses kept although they are not valid (scoring flags them: invalid-address).
    pub invalid: u64,
    /// Rows that are not for this table (non-engagement events, listmonk rows not blocklisted).
    pub skipped: u64,
    /// `skipped` by event type or status.
    pub skipped_by: BTreeMap<String, u64>,
    pub seconds: f64,
}

impl ListSummary {
    /// Adds the counts of another file of the same import.
    fn add(&mut self, other: ListSummary) {
        self.rows += other.rows;
        self.imported += other.imported;
        self.new += other.new;
        self.invalid += other.invalid;
        self.skipped += other.skipped;
        for (name, n) in other.skipped_by {
            *self.skipped_by.entry(name).or_default() += n;
        }
    }
}

/// How importing one file (or the files of one import) went.
#[derive(Debug, Clone)]
pub enum FileOutcome {
    Imported(ListSummary),
    /// Bad rows (already reported on stderr); nothing of the file was applied.
    Rejected { bad: usize, rows: u64 },
}

/// A bad row and where it is: `FILE:LINE: message`, or `FILE:item N: message` in a JSON array.
struct BadRow {
    file: String,
    at: String,
    message: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.at, self.message)
    }
}

impl From<RowError> for BadRow {
    fn from(e: RowError) -> BadRow {
        BadRow { file: e.file, at: e.line.to_string(), message: e.message }
    }
}

/// What a parser made of one row.
enum Parsed<T> {
    Import { record: T, valid: bool },
    /// Not for this table; counted under this name.
    Skip(String),
}

/// Rows numbered by line (CSV) or by item (JSON array).
type Numbered = Result<(u64, csv::StringRecord), RowError>;

/// A numbered row and what the parser made of it, or why it could not be read.
type ParsedRow<T> = Result<(u64, Result<Parsed<T>, String>), RowError>;

/// The records of a CSV reader with their line numbers.
fn csv_rows(reader: csv::Reader<Box<dyn Read + Send>>, file: String) -> impl Iterator<Item = Numbered> + Send {
    reader.into_records().map(move |r| match r {
        Ok(record) => Ok((record.position().map_or(0, csv::Position::line), record)),
        Err(e) => Err(row_error(&file, 0, &e)),
    })
}

/// Where valid rows go: an open all-or-nothing import.
trait Sink<T> {
    async fn add(&mut self, rows: Vec<T>) -> Result<(), crate::store::StoreError>;
}

impl Sink<suppressions::SuppressionRecord> for ListImport {
    async fn add(&mut self, rows: Vec<suppressions::SuppressionRecord>) -> Result<(), crate::store::StoreError> {
        ListImport::add(self, &rows).await
    }
}

/// Rows of a table filled through the external sort, encoded for SQLite by the thread that
/// merges them, so the next batch is encoded while SQLite writes the previous one.
trait ListRows: SortedRow {
    fn encode_batch(rows: &[Self]) -> EncodedRows;
}

impl ListRows for subscribers::SubscriberRecord {
    fn encode_batch(rows: &[Self]) -> EncodedRows {
        lists::encode_subscribers(rows)
    }
}

impl ListRows for engagement::EngagementRecord {
    fn encode_batch(rows: &[Self]) -> EncodedRows {
        lists::encode_engagement(rows)
    }
}

impl Sink<sends::SendRecord> for crate::store::sends::SendImport {
    async fn add(&mut self, rows: Vec<sends::SendRecord>) -> Result<(), crate::store::StoreError> {
        crate::store::sends::SendImport::add(self, &rows).await
    }
}

/// Reads `rows` to the end. Valid rows go to the sink in batches while no row has failed;
/// after the first bad row the rest is only checked, so every bad row is reported. The next
/// batch is parsed while the sink writes the previous one (SQLite works on its own thread).
async fn load<T>(
    sink: &mut impl Sink<T>,
    rows: impl Iterator<Item = Numbered>,
    file: &str,
    positions: Positions,
    parse: impl FnMut(&csv::StringRecord) -> Result<Parsed<T>, String>,
) -> anyhow::Result<(ListSummary, Vec<BadRow>)> {
    let mut reading = Reading { rows, parse, tally: Tally::new(file, positions) };
    let mut batch = reading.next_batch();
    while !batch.is_empty() {
        if !reading.tally.bad.is_empty() {
            batch = reading.next_batch(); // only checking from now on
            continue;
        }
        let (written, next) = tokio::join!(sink.add(batch), async { reading.next_batch() });
        written?;
        batch = next;
    }
    Ok((reading.tally.summary, reading.tally.bad))
}

/// Rows handed to a parsing thread at a time by [`collect_rows`].
const PARSE_CHUNK: usize = 1000;

/// Where [`collect_rows`] parses rows. A subscriber row (thirteen fields: times, IP addresses,
/// the unmapped columns as JSON) costs more to parse than to hand to another thread, and
/// parsing 1,000,000 of them on two threads cut reading from 2.0–2.2 s to 1.7–1.8 s; an
/// engagement row (six short fields) does not, and reading 2,000,000 took 1.5 s on this thread
/// against 1.6–2.0 s on two (docs/benchmarks.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ParseOn {
    ThisThread,
    /// One thread per core (at most four) while one more reads the CSV.
    Threads,
}

/// Like [`load`] for a sink that only collects (the external sort), which then gets every
/// valid row in file order, so rows of one key still fold in file order; bad rows are reported
/// by line. After the first bad row valid rows are no longer handed on.
fn collect_rows<T: Send>(
    sink: &mut impl FnMut(T) -> std::io::Result<()>,
    rows: impl Iterator<Item = Numbered> + Send,
    file: &str,
    parse_on: ParseOn,
    parse: impl Fn(&csv::StringRecord) -> Result<Parsed<T>, String> + Sync,
) -> anyhow::Result<(ListSummary, Vec<BadRow>)> {
    let mut tally = Tally::new(file, Positions::Lines);
    let mut rows = rows;
    let chunks = std::iter::from_fn(move || {
        let chunk: Vec<Numbered> = rows.by_ref().take(PARSE_CHUNK).collect();
        (!chunk.is_empty()).then_some(chunk)
    });
    let parse_chunk = |chunk: Vec<Numbered>| -> Vec<ParsedRow<T>> {
        chunk.into_iter().map(|row| row.map(|(n, record)| (n, parse(&record)))).collect()
    };
    let mut take_chunk = |parsed: Vec<ParsedRow<T>>| -> std::io::Result<()> {
        for row in parsed {
            if let Some(record) = tally.count(row)
                && tally.bad.is_empty()
            {
                sink(record)?;
            }
        }
        Ok(())
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(4);
    if parse_on == ParseOn::ThisThread || threads == 1 {
        chunks.map(parse_chunk).try_for_each(&mut take_chunk).context("sorting rows")?;
    } else {
        super::parallel::in_order(chunks, threads, parse_chunk, &mut take_chunk).context("sorting rows")?;
    }
    Ok((tally.summary, tally.bad))
}

/// The rows being read and parsed on this thread, and what was found so far.
struct Reading<'f, I, P> {
    rows: I,
    parse: P,
    tally: Tally<'f>,
}

impl<T, I: Iterator<Item = Numbered>, P: FnMut(&csv::StringRecord) -> Result<Parsed<T>, String>> Reading<'_, I, P> {
    /// Up to [`BATCH`] valid rows (fewer only at the end of the input).
    fn next_batch(&mut self) -> Vec<T> {
        let mut batch = Vec::with_capacity(BATCH);
        while batch.len() < BATCH {
            let Some(row) = self.rows.next() else { break };
            let parsed = row.map(|(n, record)| (n, (self.parse)(&record)));
            if let Some(record) = self.tally.count(parsed) {
                batch.push(record);
            }
        }
        batch
    }
}

/// What the rows of a file came to so far: the summary's counts and the bad rows.
struct Tally<'f> {
    file: &'f str,
    positions: Positions,
    summary: ListSummary,
    bad: Vec<BadRow>,
}

impl<'f> Tally<'f> {
    fn new(file: &'f str, positions: Positions) -> Self {
        Tally { file, positions, summary: ListSummary::default(), bad: Vec::new() }
    }

    /// Counts one row (its number and what the parser made of it, or why it could not be
    /// read); returns the record to import, if it is one.
    fn count<T>(&mut self, row: ParsedRow<T>) -> Option<T> {
        self.summary.rows += 1;
        let (n, parsed) = match row {
            Ok(r) => r,
            Err(e) => {
                self.bad.push(BadRow::from(e));
                return None;
            }
        };
        match parsed {
            Ok(Parsed::Import { record, valid }) => {
                self.summary.imported += 1;
                self.summary.invalid += u64::from(!valid);
                Some(record)
            }
            Ok(Parsed::Skip(name)) => {
                self.summary.skipped += 1;
                *self.summary.skipped_by.entry(name).or_default() += 1;
                None
            }
            Err(message) => {
                let at = match self.positions {
                    Positions::Lines => n.to_string(),
                    Positions::Items => format!("item {n}"),
                };
                self.bad.push(BadRow { file: self.file.to_owned(), at, message });
                None
            }
        }
    }
}

/// Prints every bad row and the count on stderr.
fn report_bad(file: &str, bad: &[BadRow], rows: u64) {
    for e in bad {
        eprintln!("{e}");
    }
    eprintln!("{file}: {} bad rows of {rows}; nothing imported", bad.len());
}

/// Runs one list import in its own transaction: commits, or (with any bad row) rolls back.
async fn list_import<T>(
    store: &Store,
    kind: ListKind,
    file: &str,
    now: i64,
    rows: impl Iterator<Item = Numbered>,
    positions: Positions,
    parse: impl FnMut(&csv::StringRecord) -> Result<Parsed<T>, String>,
) -> anyhow::Result<FileOutcome>
where
    ListImport: Sink<T>,
{
    let started = std::time::Instant::now();
    let mut import = store.begin_list_import(kind, now).await?;
    let (mut summary, bad) = load(&mut import, rows, file, positions, parse).await?;
    if !bad.is_empty() {
        import.abort().await?;
        report_bad(file, &bad, summary.rows);
        return Ok(FileOutcome::Rejected { bad: bad.len(), rows: summary.rows });
    }
    summary.new = import.finish().await?.new;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(FileOutcome::Imported(summary))
}

/// Runs an import command: opens the store, imports, prints the summary.
fn run_import<F>(ctx: &RunContext, file: &str, json: bool, import: F) -> anyhow::Result<Outcome>
where
    F: AsyncFnOnce(&Store) -> anyhow::Result<FileOutcome>,
{
    let rt = storage::runtime()?;
    let outcome = rt.block_on(async {
        let store = storage::open_store(ctx).await?;
        let outcome = import(&store).await;
        store.close().await;
        outcome
    })?;
    match outcome {
        FileOutcome::Imported(summary) => {
            // The import is committed by now; say so if only its summary cannot be printed.
            print_list_summary(file, &summary, json).context("imported, but printing the summary failed")?;
            Ok(Outcome::Clean)
        }
        FileOutcome::Rejected { .. } => Ok(Outcome::SomeFailed),
    }
}

fn print_list_summary(file: &str, s: &ListSummary, json: bool) -> anyhow::Result<()> {
    let mut out = storage::stdout();
    if json {
        storage::json_line(&mut out, s)?;
    } else {
        writeln!(out, "{file}: {}", describe(s))?;
    }
    Ok(out.flush()?)
}

/// `N rows, N imported, N new; …` for summaries.
pub fn describe(s: &ListSummary) -> String {
    let mut line = format!("{} rows, {} imported, {} new", s.rows, s.imported, s.new);
    if s.invalid > 0 {
        line.push_str(&format!("; {} invalid addresses kept (flagged by rule invalid-address)", s.invalid));
    }
    if s.skipped > 0 {
        let by: Vec<String> = s.skipped_by.iter().map(|(k, n)| format!("{k} {n}")).collect();
        line.push_str(&format!("; {} skipped ({})", s.skipped, by.join(", ")));
    }
    line.push_str(&format!(" ({:.2} s, {:.0} rows/s)", s.seconds, s.rows as f64 / s.seconds.max(1e-9)));
    line
}

/// The header row and the column mapping of a CSV for `fields`.
fn mapped(reader: &mut csv::Reader<Box<dyn Read + Send>>, name: &str, fields: &[import::FieldSpec], map: &[String]) -> anyhow::Result<(Vec<String>, import::Mapping)> {
    let headers: Vec<String> = reader.headers().with_context(|| format!("{name}: cannot read the header row"))?.iter().map(str::to_owned).collect();
    let mapping = mapping_for(&headers, name, fields, map)?;
    Ok((headers, mapping))
}

fn mapping_for(headers: &[String], name: &str, fields: &[import::FieldSpec], map: &[String]) -> anyhow::Result<import::Mapping> {
    let overrides = import::parse_overrides(map)?;
    let mapping = import::map_headers(headers, fields, &overrides).with_context(|| name.to_owned())?;
    if !mapping.unused.is_empty() {
        tracing::info!("{name}: columns kept as extra data or ignored: {}", mapping.unused.join(", "));
    }
    Ok(mapping)
}

fn import_subscribers(ctx: &RunContext, args: &SubscriberArgs) -> anyhow::Result<Outcome> {
    let defaults = subscribers::Defaults { list: args.list.clone(), status: args.status.clone() };
    let files = args.csv.checked_files()?;
    run_import(ctx, &files_label(files), args.csv.options.json, async |store: &Store| {
        subscribers_into(store, files, &args.csv.options.map, &defaults, ctx.now).await
    })
}

fn import_engagement(ctx: &RunContext, args: &ListCsvArgs) -> anyhow::Result<Outcome> {
    let files = args.checked_files()?;
    run_import(ctx, &files_label(files), args.options.json, async |store: &Store| {
        engagement_into(store, files, &args.options.map, ctx.now).await
    })
}

fn import_suppressions(ctx: &RunContext, args: &SuppressionArgs) -> anyhow::Result<Outcome> {
    run_import(ctx, &args.csv.file.display().to_string(), args.csv.options.json, async |store: &Store| {
        suppressions_into(store, &args.csv.file, args.format, &args.csv.options.map, args.reason.as_deref(), ctx.now).await
    })
}

/// Imports subscriber CSVs into `store` (one transaction), sorted and folded by address and list
/// first (see [`sorted_list_import`]): rows of one address and list fold in file order, then row
/// order, later cells winning.
pub async fn subscribers_into(store: &Store, paths: &[PathBuf], map: &[String], defaults: &subscribers::Defaults, now: i64) -> anyhow::Result<FileOutcome> {
    sorted_list_import(store, ListKind::Subscribers, paths, now, ParseOn::Threads, |reader, name| {
        let (headers, mapping) = mapped(reader, name, subscribers::FIELDS, map)?;
        Ok(move |row: &csv::StringRecord| {
            let record = subscribers::record(&mapping, &headers, row, defaults)?;
            Ok(Parsed::Import { valid: record.valid, record })
        })
    })
    .await
}

/// Imports engagement CSVs into `store` (one transaction), sorted into the table's order first
/// (see [`sorted_list_import`]).
pub async fn engagement_into(store: &Store, paths: &[PathBuf], map: &[String], now: i64) -> anyhow::Result<FileOutcome> {
    sorted_list_import(store, ListKind::Engagement, paths, now, ParseOn::ThisThread, |reader, name| {
        let (_, mapping) = mapped(reader, name, engagement::FIELDS, map)?;
        Ok(move |row: &csv::StringRecord| {
            Ok(match engagement::record(&mapping, row)? {
                EngagementRow::Engagement(record) => Parsed::Import { valid: record.valid, record },
                EngagementRow::Skipped(kind) => Parsed::Skip(kind),
            })
        })
    })
    .await
}

/// How the files of an import are named in its summary: the file, or the first and how many more.
fn files_label(paths: &[PathBuf]) -> String {
    match paths {
        [] => String::new(),
        [one] => one.display().to_string(),
        [first, rest @ ..] => format!("{} and {} more files", first.display(), rest.len()),
    }
}

/// Runs one list import of one or more files whose rows are sorted into the table's key order
/// first (spilling to temporary files, rows of one key folded in file order, then row order),
/// then written front to back in one transaction while the next batch is merged. `parser_for`
/// reads a file's header row and gives the parser of its rows. With any bad row in any file
/// nothing is written; every bad row of every file is reported.
async fn sorted_list_import<R: ListRows, P>(
    store: &Store,
    kind: ListKind,
    paths: &[PathBuf],
    now: i64,
    parse_on: ParseOn,
    parser_for: impl Fn(&mut csv::Reader<Box<dyn Read + Send>>, &str) -> anyhow::Result<P>,
) -> anyhow::Result<FileOutcome>
where
    P: Fn(&csv::StringRecord) -> Result<Parsed<R>, String> + Sync,
{
    let started = std::time::Instant::now();
    let file = files_label(paths);
    let mut sort = ExternalSort::default();
    let mut summary = ListSummary::default();
    let mut bad = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let mut reader = open_csv(path)?;
        let parse = parser_for(&mut reader, &name)?;
        // After a bad row the remaining files are only checked, so that every bad row is reported.
        let checking_only = !bad.is_empty();
        let mut sink = |row| if checking_only { Ok(()) } else { sort.push(row) };
        let (file_summary, file_bad) = collect_rows(&mut sink, csv_rows(reader, name.clone()), &name, parse_on, parse)?;
        summary.add(file_summary);
        bad.extend(file_bad);
    }
    if !bad.is_empty() {
        report_bad(&file, &bad, summary.rows);
        return Ok(FileOutcome::Rejected { bad: bad.len(), rows: summary.rows });
    }
    let sorted = sort.finish().with_context(|| format!("{file}: sorting"))?;
    tracing::debug!("{file}: read and sorted in {:.2} s", started.elapsed().as_secs_f64());
    let mut import = store.begin_list_import(kind, now).await?;
    let mut batches = sorted_batches(sorted).map(|batch| batch.map(|rows| R::encode_batch(&rows)));
    let mut next = batches.next().transpose()?;
    while let Some(batch) = next {
        // SQLite writes this batch on its thread while this one merges and encodes the next.
        let (written, prepared) = tokio::join!(import.add_encoded(batch), async { batches.next().transpose() });
        written?;
        next = prepared?;
    }
    // The sort's spill files (as large as the rows) go before the commit's checkpoint needs room.
    drop(batches);
    tracing::debug!("{file}: rows written after {:.2} s", started.elapsed().as_secs_f64());
    summary.new = import.finish().await?.new;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(FileOutcome::Imported(summary))
}

/// Sorted rows in batches of [`BATCH`] rows.
fn sorted_batches<R: SortedRow>(mut sorted: external_sort::Sorted<R>) -> impl Iterator<Item = anyhow::Result<Vec<R>>> {
    std::iter::from_fn(move || {
        let mut batch = Vec::with_capacity(BATCH);
        for row in sorted.by_ref().take(BATCH) {
            match row {
                Ok(r) => batch.push(r),
                Err(e) => return Some(Err(anyhow::Error::new(e).context("reading back sorted rows"))),
            }
        }
        (!batch.is_empty()).then_some(Ok(batch))
    })
}

/// Imports an ESP suppression file into `store` (one transaction).
pub async fn suppressions_into(store: &Store, path: &Path, format: SourceFormat, map: &[String], reason: Option<&str>, now: i64) -> anyhow::Result<FileOutcome> {
    let name = path.display().to_string();
    let table = suppression_table(path, format)?;
    let mapping = mapping_for(&table.headers, &name, suppressions::FIELDS, map)?;
    let rows = table.rows.into_iter().map(Ok);
    list_import(store, ListKind::Suppressions(format.as_str()), &name, now, rows, table.positions, |row| {
        Ok(match suppressions::record(format, &mapping, row, reason)? {
            SuppressionRow::Suppression(record) => Parsed::Import { valid: record.valid, record },
            SuppressionRow::Skipped(status) => Parsed::Skip(status),
        })
    })
    .await
}

/// Imports a send log into `store` (one transaction; retries unresolved complaints), for `sync`.
pub async fn sends_into(ctx: &RunContext, store: &Store, path: &Path, map: &[String]) -> anyhow::Result<FileOutcome> {
    let started = std::time::Instant::now();
    let name = path.display().to_string();
    let mut reader = open_csv(path)?;
    let (_, mapping) = mapped(&mut reader, &name, sends::FIELDS, map)?;
    let resolver = storage::resolver(&ctx.config.resolve)?;
    let pattern = ctx.config.parse_options().unsubscribe_token;
    let mut import = store.begin_send_import(ctx.now).await?;
    let rows = csv_rows(reader, name.clone());
    let (mut summary, bad) = load(&mut import, rows, &name, Positions::Lines, |row| {
        let record = sends::record(&mapping, row, pattern.as_ref())?;
        Ok(Parsed::Import { record, valid: true })
    })
    .await?;
    if !bad.is_empty() {
        import.abort().await?;
        report_bad(&name, &bad, summary.rows);
        return Ok(FileOutcome::Rejected { bad: bad.len(), rows: summary.rows });
    }
    let outcome = import.finish(summary.rows, &resolver).await?;
    summary.new = outcome.new;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(FileOutcome::Imported(summary))
}

/// A suppression file as a table: plain list, JSON (array, object holding one, JSON Lines) or
/// CSV (with a header, or SES's header-less `address,REASON`).
fn suppression_table(path: &Path, format: SourceFormat) -> anyhow::Result<Table> {
    let name = path.display().to_string();
    let mut text = String::new();
    let mut input: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(path).with_context(|| format!("cannot open {name}"))?)
    };
    input.read_to_string(&mut text).with_context(|| format!("cannot read {name} (is it UTF-8 text?)"))?;
    if format == SourceFormat::Plain {
        return Ok(suppressions::plain_table(&text));
    }
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('{') || body.starts_with('[') {
        return suppressions::json_table(body).map_err(|e| anyhow::anyhow!("{name}: {e}"));
    }
    let first_line = body.lines().next().unwrap_or_default();
    let delimiter = import::sniff_delimiter(first_line.as_bytes());
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut headers: Option<Vec<String>> = None;
    for record in reader.records() {
        let record = record.map_err(|e| anyhow::anyhow!("{}", BadRow::from(row_error(&name, 0, &e))))?;
        let line = record.position().map_or(0, csv::Position::line);
        if headers.is_none() {
            let cells: Vec<String> = record.iter().map(|c| c.trim_start_matches('\u{feff}').to_owned()).collect();
            if suppressions::first_row_is_data(&cells) {
                headers = Some(suppressions::headerless_names(cells.len()));
            } else {
                headers = Some(cells);
                continue;
            }
        }
        rows.push((line, record));
    }
    Ok(Table { headers: headers.unwrap_or_else(|| vec!["email".to_owned()]), rows, positions: Positions::Lines })
}
