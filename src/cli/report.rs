//! `listhygiene report [--since 30d] [--until DATE] [--format text|json|html] [-o FILE]
//! [--fail-on EXPR]...`: the deliverability report of a window, and with `--fail-on` a circuit
//! breaker for cron (exit status 1 when a rule is crossed, each crossed rule named on stderr).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::{storage, Outcome, RunContext};
use crate::report::deliverability::{build_report, ReportSettings};
use crate::report::failon::ReportRule;
use crate::report::{parse_since, parse_until, render};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Start of the window: a duration back from --until (30d, 12h, 2w) or a date (2026-11-01)
    ///
    /// Defaults to [report] since in the config, else 30d.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// End of the window: a date (the whole day is included) or an RFC 3339 time; default now
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Write to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with status 1 when RULE is crossed (repeatable)
    ///
    /// RULE is METRIC[:SCOPE]>VALUE or >=VALUE: complaint-rate>0.3%, hard-bounce-rate>2%,
    /// sender-incidents>0, unresolved-complaints>10, complaint-rate:gmail>=0.1%. SCOPE is a
    /// provider (microsoft, gmail, yahoo, apple, other) or total; without it, rates are checked
    /// for the total and for every provider with at least [report] min_sends sends.
    #[arg(long = "fail-on", value_name = "RULE")]
    pub fail_on: Vec<String>,
}

pub fn run(ctx: &RunContext, args: ReportArgs) -> anyhow::Result<Outcome> {
    let rules: Vec<ReportRule> = args.fail_on.iter().map(|r| ReportRule::parse(r)).collect::<Result<_, _>>()?;
    let now = storage::now();
    let until = match &args.until {
        Some(text) => parse_until(text).context("--until")?,
        None => now,
    };
    let since_text = args.since.as_deref().unwrap_or(&ctx.config.report.since);
    let since = parse_since(since_text, until).context("--since")?;
    if since >= until {
        anyhow::bail!("--since {since_text} is not before --until");
    }
    let c = &ctx.config.report;
    let settings = ReportSettings {
        since,
        until,
        complaint_target: c.complaint_target_percent / 100.0,
        complaint_limit: c.complaint_limit_percent / 100.0,
        hard_bounce_limit: c.hard_bounce_limit_percent / 100.0,
        min_sends: c.min_sends,
        max_campaigns: c.max_campaigns,
    };
    let rt = storage::runtime()?;
    let started = std::time::Instant::now();
    let input = rt.block_on(async {
        let store = storage::open_store(ctx).await?;
        let input = store.report_input(since, until).await?;
        store.close().await;
        anyhow::Ok(input)
    })?;
    tracing::info!("report queries took {:.2} s", started.elapsed().as_secs_f64());
    let mut model = build_report(&input, &settings, now);
    model.fail_on = rules.iter().map(|r| r.evaluate(&model)).collect();

    let mut out = super::output(args.output.as_deref())?;
    match args.format {
        ReportFormat::Text => render::text::report(&mut out, &model)?,
        ReportFormat::Json => render::json(&mut out, &model)?,
        ReportFormat::Html => render::html::report(&mut out, &model)?,
    }
    out.flush()?;
    if let Some(path) = &args.output {
        tracing::info!("wrote {}", path.display());
    }
    Ok(super::crossed(&model.fail_on))
}
