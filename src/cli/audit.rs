//! `listhygiene audit [--format text|json|csv|html] [-o FILE] [--fail-on RULE]... [--limit N]`:
//! the double-opt-in audit of every subscriber, per source and list; with `--fail-on` exit
//! status 1 when a rule flags anyone (or a source stands out).

use std::io::Write;
use std::path::PathBuf;

use super::{storage, Outcome, RunContext};
use crate::report::audit::{AuditBuilder, AuditSettings};
use crate::report::failon::AuditRule;
use crate::report::render;
use crate::store::report::SUBSCRIBER_PAGE;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    Text,
    Json,
    Csv,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Output format (csv: the flagged subscribers only)
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,

    /// Write to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with status 1 when RULE flags any subscriber (repeatable)
    ///
    /// RULE is a rule id (missing-signup, missing-confirmation, confirm-before-signup,
    /// confirm-too-fast, scanner-ip, signup-burst, mailbox-variant, role-account,
    /// disposable-domain), flagged-source (a source stands out) or any.
    #[arg(long = "fail-on", value_name = "RULE")]
    pub fail_on: Vec<String>,

    /// Flagged subscribers listed in text and HTML at most (json and csv list all)
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub limit: usize,
}

pub fn run(ctx: &RunContext, args: AuditArgs) -> anyhow::Result<Outcome> {
    let rules: Vec<AuditRule> = args.fail_on.iter().map(|r| AuditRule::parse(r)).collect::<Result<_, _>>()?;
    let now = storage::now();
    let mut builder = AuditBuilder::new(AuditSettings::from_config(&ctx.config.audit));
    let rt = storage::runtime()?;
    let started = std::time::Instant::now();
    rt.block_on(async {
        let store = storage::open_store(ctx).await?;
        let (complained, hard) = store.complained_and_hard_bounced().await?;
        let mut after = i64::MIN;
        loop {
            let (rows, last) = store.subscriber_page(after, SUBSCRIBER_PAGE).await?;
            for mut row in rows {
                // Only confirmed subscribers' complaints and hard bounces count (a source's rates).
                if row.confirm_at.is_some() {
                    let key = row.address.to_lowercase();
                    row.complained = complained.contains(&key);
                    row.hard_bounced = hard.contains(&key);
                }
                builder.push(row);
            }
            match last {
                Some(id) => after = id,
                None => break,
            }
        }
        store.close().await;
        anyhow::Ok(())
    })?;
    tracing::info!("audit read the subscribers in {:.2} s", started.elapsed().as_secs_f64());
    let mut model = builder.finish(now);
    model.fail_on = rules.iter().map(|r| r.evaluate(&model)).collect();

    let mut out = super::output(args.output.as_deref())?;
    match args.format {
        AuditFormat::Text => render::text::audit(&mut out, &model, args.limit)?,
        AuditFormat::Json => render::json(&mut out, &model)?,
        AuditFormat::Csv => render::csv::audit(&mut out, &model)?,
        AuditFormat::Html => render::html::audit(&mut out, &model, args.limit)?,
    }
    out.flush()?;
    if let Some(path) = &args.output {
        tracing::info!("wrote {}", path.display());
    }
    Ok(super::crossed(&model.fail_on))
}
