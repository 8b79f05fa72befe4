//! `listhygiene reparse [--stale] [--json]`: run the current parser over the stored raw
//! messages and replace their events; running it again changes nothing.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressStyle};

use super::{storage, Outcome, RunContext};

#[derive(Debug, clap::Args)]
pub struct ReparseArgs {
    /// Only messages stored by an older parser version
    #[arg(long)]
    pub stale: bool,

    /// Print the summary as one JSON object on the last line
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &RunContext, args: ReparseArgs, quiet: bool) -> anyhow::Result<Outcome> {
    let rt = storage::runtime()?;
    let resolver = storage::resolver(&ctx.config.resolve)?;
    let options = ctx.config.parse_options();
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} messages reparsed ({per_sec}, {elapsed})") {
            bar.set_style(style);
        }
        bar
    });
    let counts = rt.block_on(async {
        let store = storage::open_store(ctx).await?;
        let counts = store
            .reparse(&options, &resolver, args.stale, &mut |done| {
                if let Some(bar) = &bar {
                    bar.set_position(done);
                }
            })
            .await;
        store.close().await;
        anyhow::Ok(counts?)
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut out = storage::stdout();
    if args.json {
        storage::json_line(&mut out, &counts)?;
    } else {
        writeln!(
            out,
            "{} messages: {} reparsed ({} changed kind, {} unparsed), {} without stored raw bytes; {} events, {} unresolved complaints",
            counts.messages, counts.reparsed, counts.changed, counts.unparsed, counts.skipped, counts.events, counts.unresolved
        )?;
    }
    out.flush()?;
    if counts.skipped > 0 {
        tracing::warn!("{} messages were stored without raw bytes (keep_raw = false) and kept their events", counts.skipped);
    }
    Ok(Outcome::Clean)
}
