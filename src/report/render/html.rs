//! The HTML forms of the report and the audit: one self-contained page each, readable on a
//! phone. Inline CSS and inline SVG charts only: no scripts, no web fonts, no images, no links
//! to anything outside the page. Every value from the data is escaped.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape;
use super::svg::{self, Bar, DayPoint, Marker, Stack};
use crate::report::audit::AuditModel;
use crate::report::deliverability::ReportModel;
use crate::report::failon::FailOnResult;
use crate::report::{percent, ratio, RateStatus};

const CSS: &str = r#"
:root{--ink:#1b1f24;--muted:#5b6470;--line:#d8dde3;--bg:#f5f7f9;--card:#fff;--ok:#2e7d32;--warn:#c77700;--bad:#c62828;--info:#1565c0;--soft:#8e6bbf;--grey:#9aa3ad}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;-webkit-text-size-adjust:100%}
main{max-width:920px;margin:0 auto;padding:12px}
h1{font-size:1.45rem;margin:.2rem 0}
h2{font-size:1.15rem;margin:0 0 .5rem}
h3{font-size:1rem;margin:.2rem 0 .4rem}
p{margin:.3rem 0}
.meta{color:var(--muted);font-size:.85rem}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px;margin:12px 0}
.findings{list-style:none;padding:0;margin:0}
.findings li{padding:8px 10px;border-left:5px solid var(--grey);background:#fafbfc;margin:6px 0;border-radius:4px}
.findings li.critical{border-color:var(--bad);background:#fdf0f0}
.findings li.warning{border-color:var(--warn);background:#fff7e6}
.findings li.ok{border-color:var(--ok);background:#eef7ef}
.tiles{display:grid;grid-template-columns:repeat(2,1fr);gap:8px}
@media(min-width:640px){.tiles{grid-template-columns:repeat(4,1fr)}}
.tile{border:1px solid var(--line);border-radius:8px;padding:8px}
.tile b{display:block;font-size:1.3rem}
.tile span{color:var(--muted);font-size:.8rem}
.tile.bad b{color:var(--bad)}.tile.warn b{color:var(--warn)}.tile.ok b{color:var(--ok)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin-top:6px}
th,td{text-align:left;padding:5px 6px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;white-space:nowrap}
td.n,th.n{text-align:right;white-space:nowrap}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:.75rem;font-weight:600;color:#fff;background:var(--grey);white-space:nowrap}
.badge.over_limit,.badge.block,.badge.listing,.badge.authentication{background:var(--bad)}
.badge.over_target,.badge.throttle{background:var(--warn)}
.badge.ok{background:var(--ok)}.badge.content,.badge.other{background:var(--info)}
.incident{border:1px solid var(--line);border-left:5px solid var(--bad);border-radius:6px;padding:8px 10px;margin:10px 0}
.incident.throttle{border-left-color:var(--warn)}.incident.content,.incident.other{border-left-color:var(--info)}
.incident ul{margin:.3rem 0 .3rem 1.1rem;padding:0}
.kv{color:var(--muted);font-size:.82rem}
td code{white-space:nowrap}
table.wide{min-width:600px}
code,.diag{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.78rem;word-break:break-word}
.diag{background:#f3f4f6;border-radius:4px;padding:6px;margin-top:4px;white-space:pre-wrap}
.chart{display:block;max-width:640px;margin:6px 0}
.chart text{font-size:9px;fill:var(--ink)}
.chart .blabel{font-weight:600}.chart .bvalue,.chart .tick{fill:var(--muted)}.chart .mlabel{font-size:8px;font-weight:600}
.chart .bar{fill:var(--grey)}.chart .bar.ok{fill:var(--ok)}.chart .bar.over_target{fill:var(--warn)}.chart .bar.over_limit{fill:var(--bad)}
.chart .bar.hard{fill:var(--bad)}.chart .bar.soft{fill:var(--soft)}.chart .bar.sender{fill:var(--warn)}.chart .bar.flagged{fill:var(--info)}
.chart .marker{stroke-width:1.2;stroke-dasharray:3 2}.chart .marker.target{stroke:var(--warn)}.chart .marker.limit{stroke:var(--bad)}
.chart .mlabel.target{fill:var(--warn)}.chart .mlabel.limit{fill:var(--bad)}
.chart .axis{stroke:var(--line)}.chart .rate{fill:none;stroke:var(--ink);stroke-width:1.5}.chart .dot{fill:var(--ink)}
tr.out td{background:#fdf0f0}
.why{color:var(--bad);font-size:.8rem}
footer{color:var(--muted);font-size:.8rem;margin:16px 4px}
"#;

fn head(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light\"><title>{}</title><style>{CSS}</style></head><body><main>",
        escape(title)
    );
}

fn status_class(s: RateStatus) -> &'static str {
    match s {
        RateStatus::Ok => "ok",
        RateStatus::OverTarget => "over_target",
        RateStatus::OverLimit => "over_limit",
        RateStatus::NoData => "nodata",
    }
}

fn badge(class: &str, text: &str) -> String {
    format!("<span class=\"badge {class}\">{}</span>", escape(text))
}

fn tile(out: &mut String, value: &str, label: &str, class: &str) {
    let _ = write!(out, "<div class=\"tile {class}\"><b>{}</b><span>{}</span></div>", escape(value), escape(label));
}

fn rate_markers(target: f64, limit: f64) -> Vec<Marker> {
    vec![
        Marker { value: target, label: format!("target {}", percent(Some(target))), class: "target" },
        Marker { value: limit, label: format!("limit {}", percent(Some(limit))), class: "limit" },
    ]
}

fn fail_on(out: &mut String, results: &[FailOnResult]) {
    if results.is_empty() {
        return;
    }
    out.push_str("<section id=\"fail-on\"><h2>Circuit breaker (--fail-on)</h2><ul class=\"findings\">");
    for r in results {
        let _ = write!(
            out,
            "<li class=\"{}\"><b>{}</b> {}: {}</li>",
            if r.crossed { "critical" } else { "ok" },
            if r.crossed { "CROSSED" } else { "ok" },
            escape(&r.rule),
            escape(&r.detail)
        );
    }
    out.push_str("</ul></section>");
}

/// Writes the deliverability report as one HTML page.
pub fn report<W: Write>(out: &mut W, m: &ReportModel) -> io::Result<()> {
    let mut h = String::with_capacity(64 * 1024);
    let (since, until) = (&m.window.since[..10.min(m.window.since.len())], &m.window.last_day);
    head(&mut h, &format!("Deliverability report {since} – {until}"));
    let (target, limit) = (m.thresholds.complaint_target, m.thresholds.complaint_limit);
    let _ = write!(
        h,
        "<header><h1>Deliverability report</h1><p class=\"meta\">{} – {} ({} days) · complaint-rate target {} and limit {} · generated {}</p></header>",
        escape(since),
        escape(until),
        m.window.days,
        escape(&percent(Some(target))),
        escape(&percent(Some(limit))),
        escape(&m.generated_at)
    );

    h.push_str("<section id=\"findings\"><h2>What needs attention</h2><ul class=\"findings\">");
    for f in &m.findings {
        let _ = write!(h, "<li class=\"{}\">{}</li>", f.severity, escape(&f.text));
    }
    h.push_str("</ul></section>");

    let t = &m.totals;
    h.push_str("<section id=\"totals\"><div class=\"tiles\">");
    tile(&mut h, &t.sends.to_string(), "sends", "");
    let cclass = t.complaint_status.map_or("", status_tile);
    tile(&mut h, &percent(t.complaint_rate), &format!("complaint rate ({} complaints)", t.complaints), cclass);
    let hclass = if t.hard_bounce_rate.is_some_and(|r| r >= m.thresholds.hard_bounce_limit) { "bad" } else { "" };
    tile(&mut h, &percent(t.hard_bounce_rate), &format!("hard-bounce rate ({} hard bounces)", t.hard_bounces), hclass);
    tile(&mut h, &t.sender_refusals.to_string(), &format!("sender-side refusals in {} incidents", t.incidents), if t.incidents > 0 { "bad" } else { "ok" });
    h.push_str("</div></section>");

    // Complaint rate per provider.
    h.push_str("<section id=\"providers\"><h2>Complaint rate per provider</h2>");
    let _ = write!(
        h,
        "<p class=\"meta\">Complaints ÷ sends to each provider in the window. Gmail asks for less than {} and never {} or more; Yahoo requires less than {}.</p>",
        escape(&percent(Some(target))),
        escape(&percent(Some(limit))),
        escape(&percent(Some(limit)))
    );
    let bars: Vec<Bar> = m
        .providers
        .iter()
        .map(|p| Bar {
            label: format!("{} ({} sends)", p.label, p.sends),
            value: p.complaint_rate.unwrap_or(0.0),
            class: status_class(p.status),
            text: if p.complaint_rate.is_some() { format!("{} · {}", percent(p.complaint_rate), p.status.as_str()) } else { "no sends".to_owned() },
        })
        .collect();
    h.push_str(&svg::bars("Complaint rate per provider against the target and the limit", &bars, &rate_markers(target, limit)));
    h.push_str("<div class=\"scroll\"><table><thead><tr><th>provider</th><th class=\"n\">sends</th><th class=\"n\">complaints</th><th class=\"n\">complaint rate</th><th>status</th><th class=\"n\">hard</th><th class=\"n\">hard rate</th><th class=\"n\">soft</th><th class=\"n\">refused</th></tr></thead><tbody>");
    for p in &m.providers {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(p.label),
            p.sends,
            p.complaints,
            escape(&percent(p.complaint_rate)),
            badge(status_class(p.status), p.status.as_str()),
            p.hard_bounces,
            escape(&percent(p.hard_bounce_rate)),
            p.soft_bounces,
            p.sender_refusals
        );
    }
    h.push_str("</tbody></table></div></section>");

    // Incidents.
    h.push_str("<section id=\"incidents\"><h2>Sender-side incidents</h2><p class=\"meta\">Refusals of <em>your sending</em> (IP, domain, authentication, rate), not of the recipients. They are never counted against the addresses.</p>");
    if m.incidents.is_empty() {
        h.push_str("<p>None in the window.</p>");
    }
    for i in &m.incidents {
        let kind = i.kind.as_str();
        let _ = write!(
            h,
            "<div class=\"incident {kind}\"><h3>{}</h3><p>{} {} {} <span class=\"kv\">{} refusal(s) · {} – {}</span></p><p>{}</p><p><b>What to do</b></p><ul>",
            escape(&i.headline),
            badge(kind, kind),
            badge("other", &format!("{} {}", i.provider_label, i.code)),
            i.sending_ip.as_deref().map(|ip| badge("other", ip)).unwrap_or_default(),
            i.refusals,
            escape(&i.first_at),
            escape(&i.last_at),
            escape(&i.meaning)
        );
        for a in &i.actions {
            let _ = write!(h, "<li>{}</li>", escape(a));
        }
        h.push_str("</ul>");
        let mut facts = Vec::new();
        if !i.statuses.is_empty() {
            facts.push(format!("codes {}", i.statuses.join(", ")));
        }
        if !i.reporting_mtas.is_empty() {
            facts.push(format!("sent by {}", i.reporting_mtas.join(", ")));
        }
        if !i.remote_mtas.is_empty() {
            facts.push(format!("refused by {}", i.remote_mtas.join(", ")));
        }
        if !facts.is_empty() {
            let _ = write!(h, "<p class=\"kv\">{}</p>", escape(&facts.join(" · ")));
        }
        if let Some(d) = &i.sample_diagnostic {
            let _ = write!(h, "<div class=\"diag\">{}</div>", escape(d));
        }
        h.push_str("</div>");
    }
    h.push_str("</section>");

    // Campaigns.
    h.push_str("<section id=\"campaigns\"><h2>Complaint rate per campaign</h2>");
    if m.campaigns.is_empty() {
        h.push_str("<p>No campaigns in the window.</p>");
    } else {
        let bars: Vec<Bar> = m
            .campaigns
            .iter()
            .take(12)
            .map(|c| Bar {
                label: format!("{} ({} sends)", if c.campaign.is_empty() { "(no campaign)" } else { &c.campaign }, c.sends),
                value: c.complaint_rate.unwrap_or(0.0),
                class: status_class(c.status),
                text: if c.complaint_rate.is_some() { percent(c.complaint_rate) } else { format!("{} complaints, no sends", c.complaints) },
            })
            .collect();
        h.push_str(&svg::bars("Complaint rate per campaign against the target and the limit", &bars, &rate_markers(target, limit)));
        h.push_str("<div class=\"scroll\"><table><thead><tr><th>campaign</th><th class=\"n\">sends</th><th class=\"n\">complaints</th><th class=\"n\">rate</th><th>status</th><th class=\"n\">hard</th></tr></thead><tbody>");
        for c in &m.campaigns {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                escape(if c.campaign.is_empty() { "(no campaign)" } else { &c.campaign }),
                c.sends,
                c.complaints,
                escape(&percent(c.complaint_rate)),
                badge(status_class(c.status), c.status.as_str()),
                c.hard_bounces
            );
        }
        h.push_str("</tbody></table></div>");
        if m.campaigns_omitted > 0 {
            let _ = write!(h, "<p class=\"meta\">… and {} more campaigns (see the JSON form).</p>", m.campaigns_omitted);
        }
    }
    h.push_str("</section>");

    // Bounces by class per provider.
    h.push_str("<section id=\"bounces\"><h2>Bounces and refusals per provider</h2>");
    let stacks: Vec<Stack> = m
        .providers
        .iter()
        .map(|p| Stack {
            label: p.label.to_owned(),
            segments: vec![(p.hard_bounces as f64, "hard"), (p.soft_bounces as f64, "soft"), (p.sender_refusals as f64, "sender")],
            text: (p.hard_bounces + p.soft_bounces + p.sender_refusals).to_string(),
        })
        .collect();
    h.push_str(&svg::stacked("Bounces per provider: hard, soft and sender-side", &stacks, &[("hard", "hard"), ("soft", "soft"), ("sender", "sender-side")]));
    if !m.bounces.is_empty() {
        h.push_str("<div class=\"scroll\"><table><thead><tr><th>provider</th><th>class</th><th>reason</th><th class=\"n\">events</th></tr></thead><tbody>");
        for b in &m.bounces {
            let _ = write!(h, "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>", escape(b.provider), escape(&b.class), escape(&b.reason), b.count);
        }
        h.push_str("</tbody></table></div>");
    }
    h.push_str("</section>");

    // Daily.
    h.push_str("<section id=\"daily\"><h2>Daily trend</h2>");
    if m.daily.is_empty() {
        h.push_str("<p>No activity in the window.</p>");
    } else {
        let points: Vec<DayPoint> = m
            .daily
            .iter()
            .map(|d| DayPoint {
                label: d.date.clone(),
                columns: vec![(d.hard_bounces as f64, "hard"), (d.soft_bounces as f64, "soft"), (d.sender_refusals as f64, "sender")],
                rate: d.complaint_rate,
            })
            .collect();
        h.push_str(&svg::daily(
            "Daily bounces and refusals (columns) and complaint rate (line)",
            &points,
            &rate_markers(target, limit),
            &[("hard", "hard"), ("soft", "soft"), ("sender", "sender-side")],
        ));
        h.push_str("<p class=\"meta\">Columns: bounces and refusals per day. Line: complaint rate per day, against the dashed target and limit.</p>");
        h.push_str("<div class=\"scroll\"><table><thead><tr><th>date</th><th class=\"n\">sends</th><th class=\"n\">complaints</th><th class=\"n\">rate</th><th class=\"n\">hard</th><th class=\"n\">soft</th><th class=\"n\">refused</th></tr></thead><tbody>");
        for d in &m.daily {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&d.date),
                d.sends,
                d.complaints,
                escape(&percent(d.complaint_rate)),
                d.hard_bounces,
                d.soft_bounces,
                d.sender_refusals
            );
        }
        h.push_str("</tbody></table></div>");
    }
    h.push_str("</section>");

    // Unresolved.
    let _ = write!(h, "<section id=\"unresolved\"><h2>Unresolved complaints: {}</h2>", m.unresolved.total);
    if m.unresolved.causes.is_empty() {
        h.push_str("<p>Every complaint was matched to a subscriber.</p>");
    } else {
        h.push_str("<div class=\"scroll\"><table><thead><tr><th class=\"n\">complaints</th><th>likely cause</th><th>what to do</th></tr></thead><tbody>");
        for c in &m.unresolved.causes {
            let _ = write!(h, "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>", c.count, escape(c.description), escape(c.advice));
        }
        h.push_str("</tbody></table></div>");
    }
    h.push_str("</section>");
    fail_on(&mut h, &m.fail_on);
    h.push_str("<footer>listhygiene report · self-contained page: no scripts, fonts or remote content.</footer></main></body></html>\n");
    out.write_all(h.as_bytes())
}

fn status_tile(s: RateStatus) -> &'static str {
    match s {
        RateStatus::OverLimit => "bad",
        RateStatus::OverTarget => "warn",
        RateStatus::Ok => "ok",
        RateStatus::NoData => "",
    }
}

/// Writes the audit as one HTML page, with at most `limit` flagged rows.
pub fn audit<W: Write>(out: &mut W, m: &AuditModel, limit: usize) -> io::Result<()> {
    let mut h = String::with_capacity(64 * 1024);
    head(&mut h, "Double-opt-in audit");
    let t = &m.totals;
    let _ = write!(
        h,
        "<header><h1>Double-opt-in audit</h1><p class=\"meta\">Would the list's opt-in evidence stand up? Generated {} · confirmations within {} s count as scanners · bursts: {} signups in {} min</p></header>",
        escape(&m.generated_at),
        m.settings.confirm_min_seconds,
        m.settings.burst_signups,
        m.settings.burst_minutes
    );
    h.push_str("<section id=\"totals\"><div class=\"tiles\">");
    tile(&mut h, &t.subscribers.to_string(), "subscribers", "");
    tile(&mut h, &t.confirmed.to_string(), "confirmed", "");
    tile(&mut h, &format!("{} ({})", t.flagged, percent(ratio(t.flagged, t.subscribers))), "flagged", if t.flagged > 0 { "warn" } else { "ok" });
    tile(&mut h, &format!("{} of {}", t.sources_standing_out, t.sources), "sources stand out", if t.sources_standing_out > 0 { "bad" } else { "ok" });
    h.push_str("</div></section>");

    h.push_str("<section id=\"rules\"><h2>Flagged by rule</h2>");
    let bars: Vec<Bar> = t
        .by_rule
        .iter()
        .map(|r| Bar { label: r.rule.to_owned(), value: r.count as f64, class: if r.count > 0 { "flagged" } else { "ok" }, text: r.count.to_string() })
        .collect();
    h.push_str(&svg::bars("Subscribers flagged per rule", &bars, &[]));
    h.push_str("<div class=\"scroll\"><table><thead><tr><th>rule</th><th class=\"n\">subscribers</th><th>what it flags</th></tr></thead><tbody>");
    for r in &t.by_rule {
        let _ = write!(h, "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td>{}</td></tr>", escape(r.rule), r.count, escape(r.description));
    }
    h.push_str("</tbody></table></div></section>");

    h.push_str("<section id=\"sources\"><h2>Sources</h2><p class=\"meta\">Per list and signup source: the share of flagged subscribers, and how many of the <em>confirmed</em> ones complained or hard-bounced. A bad data source stands out.</p>");
    let standing: Vec<_> = m.sources.iter().filter(|s| s.stands_out).collect();
    if standing.is_empty() {
        h.push_str("<ul class=\"findings\"><li class=\"ok\">No source stands out.</li></ul>");
    } else {
        h.push_str("<ul class=\"findings\">");
        for s in &standing {
            let _ = write!(h, "<li class=\"critical\"><b>Flagged source: {}</b> — {}</li>", escape(&s.name()), escape(&s.why.join("; ")));
        }
        h.push_str("</ul>");
    }
    let bars: Vec<Bar> = m
        .sources
        .iter()
        .take(15)
        .map(|s| Bar {
            label: format!("{} ({} subscribers)", s.name(), s.subscribers),
            value: s.flagged_share.unwrap_or(0.0),
            class: if s.stands_out { "over_limit" } else { "flagged" },
            text: format!("{} flagged", percent(s.flagged_share)),
        })
        .collect();
    h.push_str(&svg::bars("Share of flagged subscribers per source", &bars, &[]));
    let bars: Vec<Bar> = m
        .sources
        .iter()
        .take(15)
        .map(|s| {
            let status = RateStatus::of(s.complaint_rate, m.source_limits.complaint_rate, m.source_limits.complaint_rate);
            Bar {
                label: format!("{} ({} confirmed)", s.name(), s.confirmed),
                value: s.complaint_rate.unwrap_or(0.0),
                class: status_class(status),
                text: format!("{} complained", percent(s.complaint_rate)),
            }
        })
        .collect();
    h.push_str(&svg::bars("Complaint rate of confirmed subscribers per source", &bars, &[Marker { value: m.source_limits.complaint_rate, label: format!("limit {}", percent(Some(m.source_limits.complaint_rate))), class: "limit" }]));
    h.push_str("<div class=\"scroll\"><table class=\"wide\"><thead><tr><th>source</th><th class=\"n\">subscribers</th><th class=\"n\">confirmed</th><th class=\"n\">flagged</th><th class=\"n\">complained</th><th class=\"n\">hard-bounced</th><th>rules</th></tr></thead><tbody>");
    for s in &m.sources {
        let rules: Vec<String> = s.by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let _ = write!(
            h,
            "<tr{}><td>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} ({})</td><td class=\"n\">{} ({})</td><td class=\"n\">{} ({})</td><td>{}</td></tr>",
            if s.stands_out { " class=\"out\"" } else { "" },
            escape(&s.name()),
            if s.stands_out { format!("<div class=\"why\">{}</div>", escape(&s.why.join("; "))) } else { String::new() },
            s.subscribers,
            s.confirmed,
            s.flagged,
            escape(&percent(s.flagged_share)),
            s.confirmed_complaints,
            escape(&percent(s.complaint_rate)),
            s.confirmed_hard_bounces,
            escape(&percent(s.hard_bounce_rate)),
            escape(&rules.join(", "))
        );
    }
    h.push_str("</tbody></table></div></section>");

    let _ = write!(h, "<section id=\"rows\"><h2>Flagged subscribers ({})</h2>", m.rows.len());
    if m.rows.is_empty() {
        h.push_str("<p>None.</p>");
    } else {
        h.push_str("<div class=\"scroll\"><table class=\"wide\"><thead><tr><th>address</th><th>source</th><th>rules</th><th>why</th></tr></thead><tbody>");
        for r in m.rows.iter().take(limit) {
            let source = if r.list.is_empty() { r.source.clone() } else { format!("{} / {}", r.list, r.source) };
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&r.address),
                escape(&source),
                escape(&r.rules.join(", ")),
                escape(&r.details.join("; "))
            );
        }
        h.push_str("</tbody></table></div>");
        if m.rows.len() > limit {
            let _ = write!(h, "<p class=\"meta\">… and {} more: all of them with <code>--format csv</code>.</p>", m.rows.len() - limit);
        }
    }
    h.push_str("</section>");
    fail_on(&mut h, &m.fail_on);
    h.push_str("<footer>listhygiene audit · self-contained page: no scripts, fonts or remote content.</footer></main></body></html>\n");
    out.write_all(h.as_bytes())
}
