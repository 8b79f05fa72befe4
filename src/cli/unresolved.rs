//! `listhygiene unresolved [--all] [--json]`: complaints kept without a recipient, with the
//! identifiers they carry and why none resolved them.

use std::io::Write;

use serde::Serialize;

use super::explain::date;
use super::{storage, Outcome, RunContext};
use crate::store::query::UnresolvedComplaint;

#[derive(Debug, clap::Args)]
pub struct UnresolvedArgs {
    /// Also list complaints a later send-log import resolved
    #[arg(long)]
    pub all: bool,

    /// Print one JSON object: {"unresolved":N,"resolved":N,"complaints":[…]}
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Listing<'a> {
    unresolved: usize,
    resolved: usize,
    complaints: &'a [UnresolvedComplaint],
}

pub fn run(ctx: &RunContext, args: UnresolvedArgs) -> anyhow::Result<Outcome> {
    let rt = storage::runtime()?;
    let complaints = rt.block_on(async {
        let store = storage::open_store(ctx).await?;
        let list = store.unresolved(args.all).await?;
        store.close().await;
        anyhow::Ok(list)
    })?;
    let resolved = complaints.iter().filter(|c| c.resolved_at.is_some()).count();
    let listing = Listing { unresolved: complaints.len() - resolved, resolved, complaints: &complaints };
    let mut out = super::output(None)?;
    if args.json {
        storage::json_line(&mut out, &listing)?;
    } else {
        for c in &complaints {
            print_complaint(&mut out, c)?;
        }
        writeln!(out, "{} unresolved complaints{}", listing.unresolved, if args.all { format!(", {resolved} resolved later") } else { String::new() })?;
    }
    out.flush()?;
    Ok(Outcome::Clean)
}

fn print_complaint(out: &mut dyn Write, c: &UnresolvedComplaint) -> std::io::Result<()> {
    writeln!(
        out,
        "{}  {} complaint #{} from {}{}",
        date(c.occurred_at),
        c.feedback_type.as_deref().unwrap_or("abuse"),
        c.message_ref,
        c.message_from.as_deref().unwrap_or("?"),
        c.user_agent.as_deref().map(|u| format!(" ({u})")).unwrap_or_default()
    )?;
    let fields = [
        ("source", c.message_file.as_deref().map(|f| format!("{f} {}", c.message_key.as_deref().unwrap_or("")))),
        ("original message-id", c.original_message_id.clone()),
        ("recipient token", c.header_token.clone()),
        ("unsubscribe", c.unsubscribe_token.clone()),
        ("cfbl feedback id", c.cfbl_feedback_id.clone()),
        ("verp", c.verp.clone()),
        ("why unresolved", c.note.clone()),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            writeln!(out, "    {name}: {value}")?;
        }
    }
    if let (Some(at), Some(address)) = (c.resolved_at, &c.resolved_address) {
        writeln!(out, "    resolved {} to {address} by {}", date(at), c.resolved_by.as_deref().unwrap_or("?"))?;
    }
    Ok(())
}
