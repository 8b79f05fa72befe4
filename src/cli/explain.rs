//! `listhygiene explain ADDRESS [--json]`: every event about an address and the message behind
//! each, with dates and evidence (status, diagnostic, reporting MTA, how the address was found),
//! the decision the last `score` stored for it, and what the rules decide now.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Context;
use serde::Serialize;

use super::{storage, Outcome, RunContext};
use crate::domain::EmailAddress;
use crate::score::{self, Decision};
use crate::store::decisions::StoredDecision;
use crate::store::query::{EventEvidence, SendSummary};

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The address to explain
    pub address: String,

    /// Print one JSON object: {"address":…,"events":[…],"sends":{…}}
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Explanation<'a> {
    address: &'a str,
    events: &'a [EventEvidence],
    sends: SendSummary,
    /// The decision the last `score` stored (null before the first run).
    decision: Option<&'a StoredDecision>,
    /// What the rules decide now, with the current data and policy.
    evaluation: &'a Decision,
}

pub fn run(ctx: &RunContext, args: ExplainArgs) -> anyhow::Result<Outcome> {
    let address = EmailAddress::parse(&args.address).with_context(|| format!("address {:?}", args.address))?;
    let rt = storage::runtime()?;
    let (events, sends, decision, history) = rt.block_on(async {
        let store = storage::open_store(ctx).await?;
        let events = store.events_of(address.as_str()).await?;
        let sends = store.sends_of(address.as_str()).await?;
        let decision = store.current_decision(address.as_str()).await?;
        let subject = store.history_of(address.as_str(), &ctx.config.policy).await?;
        store.close().await;
        anyhow::Ok((events, sends, decision, subject.history))
    })?;
    let evaluation = score::evaluate(&history, &ctx.config.policy, ctx.now);
    let mut out = super::output(None)?;
    if args.json {
        let explanation = Explanation { address: address.as_str(), events: &events, sends, decision: decision.as_ref(), evaluation: &evaluation };
        storage::json_line(&mut out, &explanation)?;
    } else {
        print_decision(&mut out, address.as_str(), decision.as_ref(), &evaluation)?;
        print_text(&mut out, address.as_str(), &events, sends)?;
    }
    out.flush()?;
    Ok(Outcome::Clean)
}

/// `2026-11-20 10:00:00 UTC`, or the raw number if out of range.
pub fn date(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0).map_or_else(|| at.to_string(), |d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
}

fn print_text(out: &mut dyn Write, address: &str, events: &[EventEvidence], sends: SendSummary) -> std::io::Result<()> {
    let mut by_class: BTreeMap<&str, usize> = BTreeMap::new();
    for e in events {
        *by_class.entry(e.class.as_str()).or_default() += 1;
    }
    let classes: Vec<String> = by_class.iter().map(|(c, n)| format!("{n} {c}")).collect();
    writeln!(out, "{address}: {} events{}", events.len(), if classes.is_empty() { String::new() } else { format!(" ({})", classes.join(", ")) })?;
    if sends.sends > 0 {
        writeln!(
            out,
            "send log: {} sends, {} to {}",
            sends.sends,
            sends.first_sent_at.map_or_else(|| "?".into(), date),
            sends.last_sent_at.map_or_else(|| "?".into(), date)
        )?;
    }
    for e in events {
        writeln!(out)?;
        print_event(out, e)?;
    }
    Ok(())
}

fn print_event(out: &mut dyn Write, e: &EventEvidence) -> std::io::Result<()> {
    let codes: Vec<&str> = [e.status.as_deref(), e.reply_code.as_deref(), e.feedback_type.as_deref()].into_iter().flatten().collect();
    writeln!(out, "{}  {} {} ({}) {}", date(e.occurred_at), e.kind, e.class, e.reason, codes.join(" "))?;
    if let Some(d) = &e.diagnostic {
        writeln!(out, "    diagnostic: {d}")?;
    }
    let mut evidence = vec![format!("address from {}", e.resolved_by), format!("provider {}", e.provider)];
    evidence.extend(e.reporting_mta.as_deref().map(|m| format!("reported by {m}")));
    evidence.extend(e.remote_mta.as_deref().map(|m| format!("remote mta {m}")));
    evidence.extend(e.source_ip.as_deref().map(|ip| format!("source ip {ip}")));
    evidence.extend(e.campaign.as_deref().map(|c| format!("campaign {c}")));
    writeln!(out, "    {}", evidence.join(", "))?;
    if let Some(id) = &e.original_message_id {
        writeln!(out, "    about message {id}")?;
    }
    writeln!(
        out,
        "    message #{} {} from {} \"{}\"",
        e.message_ref,
        e.message_id.as_deref().unwrap_or("(no message-id)"),
        e.message_from.as_deref().unwrap_or("?"),
        e.message_subject.as_deref().unwrap_or("")
    )?;
    writeln!(
        out,
        "    {} {} {}, received {}, sha256 {}",
        e.message_source,
        e.message_file.as_deref().unwrap_or(""),
        e.message_key.as_deref().unwrap_or(""),
        date(e.received_at),
        e.digest
    )
}

/// The stored decision and, when it differs, what the rules decide now.
fn print_decision(out: &mut dyn Write, address: &str, stored: Option<&StoredDecision>, now: &Decision) -> std::io::Result<()> {
    let rule_of = |r: Option<&str>| r.map_or_else(String::new, |r| format!(" by {r}"));
    match stored {
        Some(d) => {
            writeln!(out, "{address}: {}{} (score run {}, {})", d.verdict, rule_of(d.rule_id.as_deref()), d.run_id, date(d.decided_at))?;
            writeln!(out, "    why: {}", d.explanation.as_deref().unwrap_or(""))?;
            if let Some(evidence) = d.evidence.as_deref().filter(|e| *e != "{}") {
                writeln!(out, "    evidence: {evidence}")?;
            }
        }
        None => writeln!(out, "{address}: no decision stored yet (run `listhygiene score`)")?,
    }
    let same = stored.is_some_and(|d| d.verdict == now.verdict.as_str() && d.rule_id.as_deref() == now.rule.map(|r| r.as_str()));
    if !same {
        writeln!(out, "    the rules now decide: {}{}: {}", now.verdict, rule_of(now.rule.map(|r| r.as_str())), now.explanation)?;
    } else if now.explanation != stored.and_then(|d| d.explanation.clone()).unwrap_or_default() {
        writeln!(out, "    now: {}", now.explanation)?;
    }
    writeln!(out)
}
