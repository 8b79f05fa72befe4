//! `listhygiene dev …` (hidden): tools for developers. `dev generate` writes N realistic bounce
//! and complaint messages as an mbox or a Maildir, deterministic by seed, for benchmarks and
//! scale tests, and optionally the send log that goes with them; `dev generate-dataset` writes
//! the subscriber, engagement and campaign-list CSVs (and reports about those subscribers) of the
//! scoring benchmark.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{storage, Outcome, RunContext};
use crate::dataset::{self, DatasetSpec};
use crate::generate::{self, Generated, Generator};

#[derive(Debug, clap::Args)]
pub struct DevArgs {
    #[command(subcommand)]
    pub command: DevCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum DevCommand {
    /// Write N generated bounces, complaints and auto-replies
    ///
    /// Header-only JMRP complaints carry a signed recipient token when a token secret is
    /// configured ([resolve] token_secret_env / token_secret_file), so ingest can resolve them.
    Generate(GenerateArgs),
    /// Write a list data set for the scoring benchmark into a directory
    ///
    /// subscribers.csv (Mailchimp audience columns), engagement.csv (or engagement-N.csv with
    /// --engagement-files; campaign by campaign, as ESPs export it), events.mbox (bounces,
    /// complaints and auto-replies about subscribers) and campaign.csv (a list for `clean`).
    /// Deterministic by seed and --now.
    GenerateDataset(DatasetArgs),
}

#[derive(Debug, clap::Args)]
pub struct DatasetArgs {
    /// The directory to write into (created)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 1_000_000)]
    pub subscribers: u64,
    /// Engagement rows in total
    #[arg(long, default_value_t = 10_000_000)]
    pub engagement: u64,
    /// Split the engagement log into this many files
    #[arg(long, default_value_t = 1)]
    pub engagement_files: usize,
    /// Report and bounce messages (about subscribers) in events.mbox
    #[arg(long, default_value_t = 200_000)]
    pub events: u64,
    /// Rows of campaign.csv (default: one per subscriber)
    #[arg(long)]
    pub campaign_rows: Option<u64>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Mbox,
    Maildir,
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// How many messages
    #[arg(long, default_value_t = 1000)]
    pub count: u64,
    /// Output layout
    #[arg(long, value_enum, default_value_t = Format::Mbox)]
    pub format: Format,
    /// The mbox file or Maildir directory to write
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Seed: the same seed gives the same messages
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also write the send log of the originals as CSV (for `import sends`)
    #[arg(long, value_name = "FILE")]
    pub sends: Option<PathBuf>,
}

pub fn run(ctx: &RunContext, args: DevArgs) -> anyhow::Result<Outcome> {
    match args.command {
        DevCommand::Generate(args) => generate(ctx, &args),
        DevCommand::GenerateDataset(args) => generate_dataset(ctx, &args),
    }
}

fn generate(ctx: &RunContext, args: &GenerateArgs) -> anyhow::Result<Outcome> {
    let key = storage::token_key(&ctx.config.resolve)?;
    let mut generator = Generator::new(args.seed, key);
    let mut sink: Box<dyn Sink> = match args.format {
        Format::Mbox => Box::new(Mbox::create(&args.out)?),
        Format::Maildir => Box::new(Maildir::create(&args.out, args.seed)?),
    };
    let mut sends = args.sends.as_deref().map(SendsCsv::create).transpose()?;
    for _ in 0..args.count {
        let message = generator.next_message();
        sink.write(&message)?;
        if let Some(csv) = sends.as_mut() {
            csv.write(&message)?;
        }
    }
    sink.finish()?;
    if let Some(csv) = sends {
        csv.finish()?;
    }
    tracing::info!("wrote {} messages to {}", args.count, args.out.display());
    Ok(Outcome::Clean)
}

fn generate_dataset(ctx: &RunContext, args: &DatasetArgs) -> anyhow::Result<Outcome> {
    let spec = DatasetSpec { subscribers: args.subscribers, engagement: args.engagement, seed: args.seed, now: ctx.now };
    fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let create = |name: String| -> anyhow::Result<BufWriter<File>> {
        let path = args.out.join(name);
        Ok(BufWriter::with_capacity(1 << 20, File::create(&path).with_context(|| format!("cannot create {}", path.display()))?))
    };
    dataset::write_subscribers(&spec, create("subscribers.csv".into())?)?;
    let parts: Vec<BufWriter<File>> = if args.engagement_files <= 1 {
        vec![create("engagement.csv".into())?]
    } else {
        (1..=args.engagement_files).map(|n| create(format!("engagement-{n:02}.csv"))).collect::<anyhow::Result<_>>()?
    };
    let rows = dataset::write_engagement(&spec, parts)?;
    dataset::write_campaign_list(&spec, args.campaign_rows.unwrap_or(args.subscribers), create("campaign.csv".into())?)?;
    let mut generator = Generator::new(args.seed, storage::token_key(&ctx.config.resolve)?);
    let mut mbox = Mbox::create(&args.out.join("events.mbox"))?;
    for k in 0..args.events {
        let recipient = dataset_recipient(&spec, k);
        mbox.write(&generator.next_message_to(&recipient))?;
    }
    Box::new(mbox).finish()?;
    tracing::info!("wrote {} subscribers, {rows} engagement rows, {} messages to {}", args.subscribers, args.events, args.out.display());
    Ok(Outcome::Clean)
}

/// The subscriber the `k`-th generated report is about (a usable address).
fn dataset_recipient(spec: &DatasetSpec, k: u64) -> String {
    let n = spec.subscribers.max(1);
    let mut i = k.wrapping_mul(2_654_435_761) % n;
    for _ in 0..n {
        if spec.behaviour(i) != dataset::Behaviour::Invalid {
            break;
        }
        i = (i + 1) % n;
    }
    spec.address(i)
}

trait Sink {
    fn write(&mut self, message: &Generated) -> anyhow::Result<()>;
    fn finish(self: Box<Self>) -> anyhow::Result<()>;
}

struct Mbox {
    path: PathBuf,
    out: BufWriter<File>,
}

impl Mbox {
    fn create(path: &Path) -> anyhow::Result<Mbox> {
        let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Mbox { path: path.to_owned(), out: BufWriter::with_capacity(1 << 20, file) })
    }
}

impl Sink for Mbox {
    fn write(&mut self, message: &Generated) -> anyhow::Result<()> {
        self.out.write_all(&generate::mbox_entry(message)).with_context(|| format!("writing {}", self.path.display()))
    }

    fn finish(mut self: Box<Self>) -> anyhow::Result<()> {
        self.out.flush().with_context(|| format!("writing {}", self.path.display()))
    }
}

struct Maildir {
    new: PathBuf,
    seed: u64,
    n: u64,
}

impl Maildir {
    fn create(root: &Path, seed: u64) -> anyhow::Result<Maildir> {
        for sub in ["cur", "new", "tmp"] {
            let dir = root.join(sub);
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        Ok(Maildir { new: root.join("new"), seed, n: 0 })
    }
}

impl Sink for Maildir {
    fn write(&mut self, message: &Generated) -> anyhow::Result<()> {
        let name = format!("{}.M{:06}P{}.listhygiene-generate", message.date, self.n, self.seed);
        self.n += 1;
        let path = self.new.join(name);
        fs::write(&path, &message.bytes).with_context(|| format!("cannot write {}", path.display()))
    }

    fn finish(self: Box<Self>) -> anyhow::Result<()> {
        Ok(())
    }
}

struct SendsCsv {
    path: PathBuf,
    out: csv::Writer<BufWriter<File>>,
}

impl SendsCsv {
    fn create(path: &Path) -> anyhow::Result<SendsCsv> {
        let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut out = csv::Writer::from_writer(BufWriter::new(file));
        out.write_record(["message_id", "recipient", "campaign", "sent_at", "list_unsubscribe", "feedback_id"])?;
        Ok(SendsCsv { path: path.to_owned(), out })
    }

    fn write(&mut self, m: &Generated) -> anyhow::Result<()> {
        let s = &m.send;
        self.out
            .write_record([&s.message_id, &s.recipient, &s.campaign, &s.sent_at.to_string(), &s.list_unsubscribe, &s.feedback_id])
            .with_context(|| format!("writing {}", self.path.display()))
    }

    fn finish(mut self) -> anyhow::Result<()> {
        self.out.flush().with_context(|| format!("writing {}", self.path.display()))
    }
}
