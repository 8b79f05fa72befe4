//! `listhygiene explain ADDRESS [--json]`: every event about an address and the message behind
//! each, with dates and evidence (status, diagnostic, reporting MTA, how the address was found).

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Context;
use serde::Serialize;

use super::{storage, Outcome, RunContext};
use crate::domain::EmailAddress;
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
}

pub fn run(ctx: &RunContext, args: ExplainArgs) -> anyhow::Result<Outcome> {
    let address = EmailAddress::parse(&args.address).with_context(|| format!("address {:?}", args.address))?;
    let rt = storage::runtime()?;
    let (events, sends) = rt.block_on(async {
        let store = storage::open_store(ctx).await?;
        let events = store.events_of(address.as_str()).await?;
        let sends = store.sends_of(address.as_str()).await?;
        store.close().await;
        anyhow::Ok((events, sends))
    })?;
    let mut out = super::output(None)?;
    if args.json {
        storage::json_line(&mut out, &Explanation { address: address.as_str(), events: &events, sends })?;
    } else {
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
