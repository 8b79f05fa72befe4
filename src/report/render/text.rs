//! Plain-text forms of the report and the audit: what a terminal or a cron mail shows. The most
//! important first (findings, totals), then the tables.

use std::io::{self, Write};

use crate::report::audit::AuditModel;
use crate::report::deliverability::ReportModel;
use crate::report::percent;

/// Writes the deliverability report.
pub fn report<W: Write>(out: &mut W, m: &ReportModel) -> io::Result<()> {
    writeln!(out, "Deliverability report {} – {} ({} days)", &m.window.since[..10.min(m.window.since.len())], &m.window.last_day, m.window.days)?;
    writeln!(
        out,
        "Complaint-rate target {} and limit {}; hard-bounce limit {}.",
        percent(Some(m.thresholds.complaint_target)),
        percent(Some(m.thresholds.complaint_limit)),
        percent(Some(m.thresholds.hard_bounce_limit))
    )?;
    writeln!(out)?;
    writeln!(out, "What needs attention")?;
    for f in &m.findings {
        let mark = match f.severity {
            "critical" => "!!",
            "warning" => " !",
            _ => "  ",
        };
        writeln!(out, "{mark} {}", f.text)?;
    }
    let t = &m.totals;
    writeln!(out)?;
    writeln!(
        out,
        "Totals: {} sends, {} complaints ({}), {} hard bounces ({}), {} soft bounces, {} sender-side refusals, {} unsubscribes, {} unresolved complaints",
        t.sends,
        t.complaints,
        percent(t.complaint_rate),
        t.hard_bounces,
        percent(t.hard_bounce_rate),
        t.soft_bounces,
        t.sender_refusals,
        t.unsubscribes,
        t.unresolved_complaints
    )?;

    writeln!(out)?;
    writeln!(out, "Complaint rate per provider")?;
    writeln!(out, "  {:<22} {:>9} {:>10} {:>9}  {:<11} {:>6} {:>8} {:>6} {:>8}", "provider", "sends", "complaints", "rate", "status", "hard", "rate", "soft", "refused")?;
    for p in &m.providers {
        writeln!(
            out,
            "  {:<22} {:>9} {:>10} {:>9}  {:<11} {:>6} {:>8} {:>6} {:>8}",
            p.label,
            p.sends,
            p.complaints,
            percent(p.complaint_rate),
            p.status.as_str(),
            p.hard_bounces,
            percent(p.hard_bounce_rate),
            p.soft_bounces,
            p.sender_refusals
        )?;
    }

    writeln!(out)?;
    writeln!(out, "Complaint rate per campaign")?;
    if m.campaigns.is_empty() {
        writeln!(out, "  no campaigns in the window")?;
    }
    for c in &m.campaigns {
        writeln!(
            out,
            "  {:<32} {:>9} sends {:>6} complaints {:>9}  {:<11} {:>6} hard",
            if c.campaign.is_empty() { "(no campaign)" } else { &c.campaign },
            c.sends,
            c.complaints,
            percent(c.complaint_rate),
            c.status.as_str(),
            c.hard_bounces
        )?;
    }
    if m.campaigns_omitted > 0 {
        writeln!(out, "  … and {} more campaigns (see --format json)", m.campaigns_omitted)?;
    }

    writeln!(out)?;
    writeln!(out, "Sender-side incidents (blocks, throttling, listings, authentication)")?;
    if m.incidents.is_empty() {
        writeln!(out, "  none")?;
    }
    for i in &m.incidents {
        writeln!(out, "  * {}", i.headline)?;
        writeln!(
            out,
            "    {} · {} · {} · {} refusal(s) · {} – {}",
            i.provider_label,
            i.code,
            i.sending_ip.as_deref().unwrap_or("IP not named"),
            i.refusals,
            i.first_at,
            i.last_at
        )?;
        writeln!(out, "    What it means: {}", i.meaning)?;
        writeln!(out, "    What to do:")?;
        for a in &i.actions {
            writeln!(out, "      - {a}")?;
        }
        if !i.reporting_mtas.is_empty() {
            writeln!(out, "    Sent by: {}", i.reporting_mtas.join(", "))?;
        }
        if let Some(d) = &i.sample_diagnostic {
            writeln!(out, "    Refusal: {d}")?;
        }
    }

    writeln!(out)?;
    writeln!(out, "Bounces by class and reason per provider")?;
    if m.bounces.is_empty() {
        writeln!(out, "  none")?;
    }
    for b in &m.bounces {
        writeln!(out, "  {:<10} {:<7} {:<16} {:>8}", b.provider, b.class, b.reason, b.count)?;
    }

    writeln!(out)?;
    writeln!(out, "Unresolved complaints: {}", m.unresolved.total)?;
    for c in &m.unresolved.causes {
        writeln!(out, "  {:>6}  {} ({}): {}", c.count, c.description, c.cause, c.advice)?;
    }

    writeln!(out)?;
    writeln!(out, "Daily")?;
    writeln!(out, "  {:<10} {:>9} {:>10} {:>9} {:>6} {:>6} {:>8}", "date", "sends", "complaints", "rate", "hard", "soft", "refused")?;
    for d in &m.daily {
        writeln!(
            out,
            "  {:<10} {:>9} {:>10} {:>9} {:>6} {:>6} {:>8}",
            d.date,
            d.sends,
            d.complaints,
            percent(d.complaint_rate),
            d.hard_bounces,
            d.soft_bounces,
            d.sender_refusals
        )?;
    }
    fail_on(out, &m.fail_on)
}

fn fail_on<W: Write>(out: &mut W, results: &[crate::report::failon::FailOnResult]) -> io::Result<()> {
    if results.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "--fail-on")?;
    for r in results {
        writeln!(out, "  {} {}: {}", if r.crossed { "CROSSED" } else { "ok     " }, r.rule, r.detail)?;
    }
    Ok(())
}

/// Writes the audit: totals first, then the sources, then at most `limit` flagged rows.
pub fn audit<W: Write>(out: &mut W, m: &AuditModel, limit: usize) -> io::Result<()> {
    let t = &m.totals;
    writeln!(out, "Double-opt-in audit")?;
    writeln!(
        out,
        "{} subscribers, {} confirmed, {} flagged ({}); {} of {} sources stand out",
        t.subscribers,
        t.confirmed,
        t.flagged,
        percent(crate::report::ratio(t.flagged, t.subscribers)),
        t.sources_standing_out,
        t.sources
    )?;
    writeln!(out)?;
    writeln!(out, "Flagged by rule")?;
    for r in &t.by_rule {
        writeln!(out, "  {:<22} {:>9}  {}", r.rule, r.count, r.description)?;
    }
    writeln!(out)?;
    writeln!(out, "Sources (list / source)")?;
    writeln!(out, "  {:<36} {:>9} {:>9} {:>9} {:>8} {:>10} {:>10}", "source", "subs", "confirmed", "flagged", "share", "complaint", "hard")?;
    for s in &m.sources {
        writeln!(
            out,
            "{} {:<36} {:>9} {:>9} {:>9} {:>8} {:>10} {:>10}",
            if s.stands_out { "!" } else { " " },
            s.name(),
            s.subscribers,
            s.confirmed,
            s.flagged,
            percent(s.flagged_share),
            percent(s.complaint_rate),
            percent(s.hard_bounce_rate)
        )?;
        for why in &s.why {
            writeln!(out, "    stands out: {why}")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "Flagged subscribers")?;
    for r in m.rows.iter().take(limit) {
        writeln!(out, "  {} [{}] {}: {}", r.address, if r.list.is_empty() { "-" } else { &r.list }, r.rules.join(", "), r.details.join("; "))?;
    }
    if m.rows.len() > limit {
        writeln!(out, "  … and {} more (all of them with --format csv or json)", m.rows.len() - limit)?;
    }
    fail_on(out, &m.fail_on)
}
