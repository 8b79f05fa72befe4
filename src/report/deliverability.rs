//! The deliverability report's model: complaint rates per receiving provider and per campaign
//! against the target and limit, bounces by class and reason per provider, sender-side
//! incidents (blocks, throttling, listings, authentication) grouped by provider, sending IP and
//! code with what they mean and what to do, unresolved complaints by likely cause, and daily
//! trends. `build_report` is pure: store rows and settings in, a serialisable model out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::codes::{self, IncidentKind};
use super::failon::FailOnResult;
use super::{day_string, ratio, rfc3339, RateStatus, DAY};

/// Sends counted by provider, campaign and day; events counted by provider, class,
/// reason, campaign and day; sender-side refusals grouped by their evidence; open unresolved
/// complaints. Everything is already restricted to the window.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub sends: Vec<SendCount>,
    pub events: Vec<EventCount>,
    pub refusals: Vec<RefusalGroup>,
    pub unresolved: Vec<UnresolvedRow>,
}

/// Sends to one provider family in one campaign (empty: none) on one day (unix time / 86400).
#[derive(Debug, Clone)]
pub struct SendCount {
    pub provider: String,
    pub campaign: String,
    pub day: i64,
    pub count: u64,
}

/// Events of one provider, class, reason, campaign and day.
#[derive(Debug, Clone)]
pub struct EventCount {
    pub provider: String,
    pub class: String,
    pub reason: String,
    pub campaign: Option<String>,
    pub day: i64,
    pub count: u64,
}

/// Sender-class events sharing the same evidence.
#[derive(Debug, Clone, Default)]
pub struct RefusalGroup {
    pub provider: String,
    pub reason: String,
    pub status: Option<String>,
    pub reply_code: Option<String>,
    pub diagnostic: Option<String>,
    pub reporting_mta: Option<String>,
    pub remote_mta: Option<String>,
    pub source_ip: Option<String>,
    pub count: u64,
    pub first_at: i64,
    pub last_at: i64,
}

/// One complaint still without a recipient.
#[derive(Debug, Clone, Default)]
pub struct UnresolvedRow {
    pub occurred_at: i64,
    pub original_message_id: bool,
    /// Recipients the send log has for the original Message-ID.
    pub send_log_recipients: u64,
    pub header_token: bool,
    /// List-Unsubscribe token, CFBL id or VERP present.
    pub other_identifiers: bool,
    pub note: Option<String>,
}

/// Thresholds and the window.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    pub since: i64,
    pub until: i64,
    /// Fractions (0.001 = 0.1 %).
    pub complaint_target: f64,
    pub complaint_limit: f64,
    pub hard_bounce_limit: f64,
    pub min_sends: u64,
    pub max_campaigns: usize,
}

/// The whole report. Field names are stable (docs/report.md).
#[derive(Debug, Clone, Serialize)]
pub struct ReportModel {
    pub generated_at: String,
    pub window: Window,
    pub thresholds: Thresholds,
    /// The most important statements, worst first, in plain words.
    pub findings: Vec<Finding>,
    pub totals: Totals,
    pub providers: Vec<ProviderRow>,
    pub campaigns: Vec<CampaignRow>,
    /// Campaigns not listed (beyond `max_campaigns`).
    pub campaigns_omitted: usize,
    pub bounces: Vec<BounceRow>,
    pub incidents: Vec<Incident>,
    pub unresolved: Unresolved,
    pub daily: Vec<Day>,
    /// `--fail-on` rules and whether each was crossed (empty without `--fail-on`).
    pub fail_on: Vec<FailOnResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub since: String,
    /// The end of the window (exclusive).
    pub until: String,
    /// The last day inside the window.
    pub last_day: String,
    pub days: i64,
}

/// Thresholds as fractions (0.001 = 0.1 %).
#[derive(Debug, Clone, Serialize)]
pub struct Thresholds {
    pub complaint_target: f64,
    pub complaint_limit: f64,
    pub hard_bounce_limit: f64,
    pub min_sends: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// `critical` (a block, listing, authentication failure or a rate over its limit),
    /// `warning` (throttling, over target, unresolved complaints) or `ok`.
    pub severity: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub sends: u64,
    pub complaints: u64,
    pub complaint_rate: Option<f64>,
    pub complaint_status: Option<RateStatus>,
    pub hard_bounces: u64,
    pub hard_bounce_rate: Option<f64>,
    pub soft_bounces: u64,
    pub sender_refusals: u64,
    pub unsubscribes: u64,
    pub incidents: usize,
    pub unresolved_complaints: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProviderRow {
    /// `microsoft`, `gmail`, `yahoo`, `apple`, `other`.
    pub provider: &'static str,
    pub label: &'static str,
    pub sends: u64,
    pub complaints: u64,
    pub complaint_rate: Option<f64>,
    pub status: RateStatus,
    pub hard_bounces: u64,
    pub hard_bounce_rate: Option<f64>,
    pub soft_bounces: u64,
    pub sender_refusals: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CampaignRow {
    /// The campaign name; empty for mail without one.
    pub campaign: String,
    pub sends: u64,
    pub complaints: u64,
    pub complaint_rate: Option<f64>,
    pub status: RateStatus,
    pub hard_bounces: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BounceRow {
    pub provider: &'static str,
    /// `hard`, `soft` or `sender`.
    pub class: String,
    pub reason: String,
    pub count: u64,
}

/// Sender-side refusals by one provider for one sending IP and code.
#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    pub provider: &'static str,
    pub provider_label: &'static str,
    /// The sending IP the refusals name, if any.
    pub sending_ip: Option<String>,
    /// The provider's code: `SC-001`, `RP-001`, `5.7.515`, `Spamhaus` …
    pub code: String,
    pub kind: IncidentKind,
    pub headline: String,
    pub meaning: String,
    /// The remedies in one phrase.
    pub todo: String,
    pub actions: Vec<String>,
    pub refusals: u64,
    pub first_at: String,
    pub last_at: String,
    pub statuses: Vec<String>,
    pub reporting_mtas: Vec<String>,
    pub remote_mtas: Vec<String>,
    pub sample_diagnostic: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Unresolved {
    pub total: u64,
    pub causes: Vec<UnresolvedCause>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnresolvedCause {
    /// `no-identifier`, `token-secret-missing`, `token-invalid`, `not-in-send-log`,
    /// `ambiguous-message-id`, `other`.
    pub cause: &'static str,
    pub description: &'static str,
    pub advice: &'static str,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Day {
    pub date: String,
    pub sends: u64,
    pub complaints: u64,
    pub complaint_rate: Option<f64>,
    pub hard_bounces: u64,
    pub soft_bounces: u64,
    pub sender_refusals: u64,
}

/// Provider families in report order, with labels a marketer knows.
pub const PROVIDERS: [(&str, &str); 5] = [
    ("microsoft", "Outlook.com / Hotmail"),
    ("gmail", "Gmail"),
    ("yahoo", "Yahoo / AOL"),
    ("apple", "Apple iCloud"),
    ("other", "Other providers"),
];

fn provider_key(name: &str) -> (&'static str, &'static str) {
    PROVIDERS.iter().copied().find(|(p, _)| *p == name).unwrap_or(PROVIDERS[4])
}

#[derive(Default, Clone, Copy)]
struct Counts {
    sends: u64,
    complaints: u64,
    hard: u64,
    soft: u64,
    sender: u64,
    unsubscribes: u64,
}

impl Counts {
    fn add_event(&mut self, class: &str, n: u64) {
        match class {
            "complaint" => self.complaints += n,
            "hard" => self.hard += n,
            "soft" => self.soft += n,
            "sender" => self.sender += n,
            "unsubscribe" => self.unsubscribes += n,
            _ => {}
        }
    }
}

/// Builds the report. `now` is when it is generated (passed in, never read here).
pub fn build_report(input: &ReportInput, s: &ReportSettings, now: i64) -> ReportModel {
    let mut providers: HashMap<&'static str, Counts> = HashMap::new();
    let mut campaigns: BTreeMap<String, Counts> = BTreeMap::new();
    let mut days: BTreeMap<i64, Counts> = BTreeMap::new();
    for send in &input.sends {
        providers.entry(provider_key(&send.provider).0).or_default().sends += send.count;
        campaigns.entry(send.campaign.clone()).or_default().sends += send.count;
        days.entry(send.day).or_default().sends += send.count;
    }
    let mut bounces: BTreeMap<(usize, usize, String), u64> = BTreeMap::new();
    for e in &input.events {
        let (provider, _) = provider_key(&e.provider);
        providers.entry(provider).or_default().add_event(&e.class, e.count);
        days.entry(e.day).or_default().add_event(&e.class, e.count);
        if matches!(e.class.as_str(), "complaint" | "hard") {
            campaigns.entry(e.campaign.clone().unwrap_or_default()).or_default().add_event(&e.class, e.count);
        }
        if let Some(class_rank) = ["hard", "soft", "sender"].iter().position(|c| *c == e.class) {
            let rank = PROVIDERS.iter().position(|(p, _)| *p == provider).unwrap_or(4);
            *bounces.entry((rank, class_rank, e.reason.clone())).or_default() += e.count;
        }
    }

    let total = providers.values().fold(Counts::default(), |mut t, c| {
        t.sends += c.sends;
        t.complaints += c.complaints;
        t.hard += c.hard;
        t.soft += c.soft;
        t.sender += c.sender;
        t.unsubscribes += c.unsubscribes;
        t
    });
    let status = |part: u64, whole: u64| RateStatus::of(ratio(part, whole), s.complaint_target, s.complaint_limit);

    let provider_rows: Vec<ProviderRow> = PROVIDERS
        .iter()
        .map(|&(provider, label)| {
            let c = providers.get(provider).copied().unwrap_or_default();
            ProviderRow {
                provider,
                label,
                sends: c.sends,
                complaints: c.complaints,
                complaint_rate: ratio(c.complaints, c.sends),
                status: status(c.complaints, c.sends),
                hard_bounces: c.hard,
                hard_bounce_rate: ratio(c.hard, c.sends),
                soft_bounces: c.soft,
                sender_refusals: c.sender,
            }
        })
        .collect();

    let mut campaign_rows: Vec<CampaignRow> = campaigns
        .into_iter()
        .map(|(campaign, c)| CampaignRow {
            campaign,
            sends: c.sends,
            complaints: c.complaints,
            complaint_rate: ratio(c.complaints, c.sends),
            status: status(c.complaints, c.sends),
            hard_bounces: c.hard,
        })
        .collect();
    // Campaigns with enough sends to judge first, worst rate first; then by volume.
    campaign_rows.sort_by(|a, b| {
        let judged = |r: &CampaignRow| r.sends >= s.min_sends;
        judged(b)
            .cmp(&judged(a))
            .then(b.complaint_rate.unwrap_or(0.0).total_cmp(&a.complaint_rate.unwrap_or(0.0)))
            .then(b.sends.cmp(&a.sends))
            .then(a.campaign.cmp(&b.campaign))
    });
    let campaigns_omitted = campaign_rows.len().saturating_sub(s.max_campaigns);
    campaign_rows.truncate(s.max_campaigns);

    let bounce_rows = bounces
        .into_iter()
        .map(|((rank, class_rank, reason), count)| BounceRow {
            provider: PROVIDERS[rank].0,
            class: ["hard", "soft", "sender"][class_rank].to_owned(),
            reason,
            count,
        })
        .collect();

    let incidents = incidents(&input.refusals);
    let unresolved = unresolved(&input.unresolved);
    let daily = daily(&days, s);

    let totals = Totals {
        sends: total.sends,
        complaints: total.complaints,
        complaint_rate: ratio(total.complaints, total.sends),
        complaint_status: Some(status(total.complaints, total.sends)),
        hard_bounces: total.hard,
        hard_bounce_rate: ratio(total.hard, total.sends),
        soft_bounces: total.soft,
        sender_refusals: total.sender,
        unsubscribes: total.unsubscribes,
        incidents: incidents.len(),
        unresolved_complaints: unresolved.total,
    };
    let findings = findings(&incidents, &provider_rows, &totals, &unresolved, s);
    ReportModel {
        generated_at: rfc3339(now),
        window: Window { since: rfc3339(s.since), until: rfc3339(s.until), last_day: day_string(s.until - 1), days: (s.until - s.since + DAY - 1).div_euclid(DAY) },
        thresholds: Thresholds {
            complaint_target: s.complaint_target,
            complaint_limit: s.complaint_limit,
            hard_bounce_limit: s.hard_bounce_limit,
            min_sends: s.min_sends,
        },
        findings,
        totals,
        providers: provider_rows,
        campaigns: campaign_rows,
        campaigns_omitted,
        bounces: bounce_rows,
        incidents,
        unresolved,
        daily,
        fail_on: Vec::new(),
    }
}

#[derive(Default)]
struct IncidentAcc {
    kind: Option<IncidentKind>,
    knowledge: Option<&'static codes::Knowledge>,
    refusals: u64,
    first_at: i64,
    last_at: i64,
    statuses: BTreeSet<String>,
    reporting: BTreeMap<String, u64>,
    remote: BTreeMap<String, u64>,
    sample: Option<(u64, String)>,
}

fn incidents(groups: &[RefusalGroup]) -> Vec<Incident> {
    let mut acc: BTreeMap<(&'static str, String, String), IncidentAcc> = BTreeMap::new();
    for g in groups {
        let diagnostic = g.diagnostic.as_deref().unwrap_or("");
        let (provider, _) = provider_key(&g.provider);
        let id = codes::identify(diagnostic, g.status.as_deref(), &g.reason, provider);
        let ip = codes::sending_ip(diagnostic, g.remote_mta.as_deref())
            .or_else(|| g.source_ip.clone().filter(|s| !s.is_empty()))
            .unwrap_or_default();
        let a = acc.entry((provider, ip, id.code)).or_default();
        if a.refusals == 0 {
            a.first_at = g.first_at;
            a.last_at = g.last_at;
        }
        a.kind = Some(id.knowledge.kind);
        a.knowledge = Some(id.knowledge);
        a.refusals += g.count;
        a.first_at = a.first_at.min(g.first_at);
        a.last_at = a.last_at.max(g.last_at);
        let status = match (&g.reply_code, &g.status) {
            (Some(r), Some(s)) => format!("{r} {s}"),
            (Some(x), None) | (None, Some(x)) => x.clone(),
            (None, None) => String::new(),
        };
        if !status.is_empty() {
            a.statuses.insert(status);
        }
        if let Some(m) = g.reporting_mta.as_ref().filter(|m| !m.is_empty()) {
            *a.reporting.entry(m.clone()).or_default() += g.count;
        }
        if let Some(m) = g.remote_mta.as_ref().filter(|m| !m.is_empty()) {
            *a.remote.entry(m.clone()).or_default() += g.count;
        }
        if !diagnostic.is_empty() && a.sample.as_ref().is_none_or(|(n, _)| g.count > *n) {
            a.sample = Some((g.count, diagnostic.chars().take(400).collect()));
        }
    }
    let top = |m: &BTreeMap<String, u64>| {
        let mut v: Vec<(&String, &u64)> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        v.into_iter().take(5).map(|(k, _)| k.clone()).collect::<Vec<_>>()
    };
    let mut out: Vec<Incident> = acc
        .into_iter()
        .filter_map(|((provider, ip, code), a)| {
            let k = a.knowledge?;
            let (_, label) = provider_key(provider);
            let reporting = top(&a.reporting);
            let ip_text = if ip.is_empty() {
                match reporting.first() {
                    Some(mta) => format!("an IP the refusals do not name (sent by {mta})"),
                    None => "an IP the refusals do not name".to_owned(),
                }
            } else {
                ip.clone()
            };
            Some(Incident {
                provider,
                provider_label: label,
                sending_ip: (!ip.is_empty()).then_some(ip),
                code,
                kind: k.kind,
                headline: codes::fill(k.headline, &ip_text, label),
                meaning: codes::fill(k.meaning, &ip_text, label),
                todo: if k.todo.is_empty() {
                    k.actions.first().map(|a| codes::fill(a, &ip_text, label)).unwrap_or_default()
                } else {
                    codes::fill(k.todo, &ip_text, label)
                },
                actions: k.actions.iter().map(|t| codes::fill(t, &ip_text, label)).collect(),
                refusals: a.refusals,
                first_at: rfc3339(a.first_at),
                last_at: rfc3339(a.last_at),
                statuses: a.statuses.into_iter().collect(),
                reporting_mtas: reporting,
                remote_mtas: top(&a.remote),
                sample_diagnostic: a.sample.map(|(_, d)| d),
            })
        })
        .collect();
    out.sort_by(|a, b| a.kind.cmp(&b.kind).then(b.refusals.cmp(&a.refusals)).then(a.code.cmp(&b.code)));
    out
}

const CAUSES: &[(&str, &str, &str)] = &[
    (
        "no-identifier",
        "the report carries no identifier of the recipient",
        "Put a signed recipient token ([resolve] token_header, `listhygiene token mint`) in every mail and keep Message-ID, List-Unsubscribe and CFBL-Feedback-ID headers.",
    ),
    (
        "token-secret-missing",
        "a recipient token is present but no token secret is configured",
        "Set [resolve] token_secret_env or token_secret_file to the secret the sending system uses, then run `listhygiene reparse`.",
    ),
    (
        "token-invalid",
        "the recipient token does not verify (another secret, altered or forged)",
        "Check that the sending system and listhygiene use the same token secret; a forged report must not suppress anyone.",
    ),
    (
        "not-in-send-log",
        "the original Message-ID (or unsubscribe token, CFBL id) is not in the send log",
        "Import the send log of that mailing with `listhygiene import sends`; the complaints are resolved during the import.",
    ),
    (
        "ambiguous-message-id",
        "the original Message-ID went to several recipients",
        "Give every recipient its own Message-ID or a recipient token.",
    ),
    ("other", "none of the identifiers resolved", "See `listhygiene unresolved` for each complaint's identifiers and notes."),
];

fn cause_of(u: &UnresolvedRow) -> &'static str {
    let note = u.note.as_deref().unwrap_or("");
    if !u.original_message_id && !u.header_token && !u.other_identifiers {
        "no-identifier"
    } else if u.header_token && note.contains("no token secret") {
        "token-secret-missing"
    } else if u.header_token && note.contains("header_token") {
        "token-invalid"
    } else if u.original_message_id && u.send_log_recipients > 1 {
        "ambiguous-message-id"
    } else if (u.original_message_id && u.send_log_recipients == 0) || u.other_identifiers {
        "not-in-send-log"
    } else {
        "other"
    }
}

fn unresolved(rows: &[UnresolvedRow]) -> Unresolved {
    let mut counts: HashMap<&'static str, u64> = HashMap::new();
    for u in rows {
        *counts.entry(cause_of(u)).or_default() += 1;
    }
    let mut causes: Vec<UnresolvedCause> = CAUSES
        .iter()
        .filter_map(|&(cause, description, advice)| {
            counts.get(cause).map(|&count| UnresolvedCause { cause, description, advice, count })
        })
        .collect();
    causes.sort_by_key(|c| std::cmp::Reverse(c.count));
    Unresolved { total: rows.len() as u64, causes }
}

fn daily(days: &BTreeMap<i64, Counts>, s: &ReportSettings) -> Vec<Day> {
    let (Some(first), Some(last)) = (days.keys().next(), days.keys().next_back()) else { return Vec::new() };
    let (start, end) = (s.since.div_euclid(DAY), (s.until - 1).div_euclid(DAY));
    // The whole window when it is at most a year; a longer one only where there is data.
    let (from, to) = if end - start < 366 { (start, end) } else { ((*first).max(start), (*last).min(end)) };
    (from..=to)
        .map(|d| {
            let c = days.get(&d).copied().unwrap_or_default();
            Day {
                date: day_string(d * DAY),
                sends: c.sends,
                complaints: c.complaints,
                complaint_rate: ratio(c.complaints, c.sends),
                hard_bounces: c.hard,
                soft_bounces: c.soft,
                sender_refusals: c.sender,
            }
        })
        .collect()
}

fn findings(
    incidents: &[Incident],
    providers: &[ProviderRow],
    totals: &Totals,
    unresolved: &Unresolved,
    s: &ReportSettings,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let pct = |r: f64| super::percent(Some(r));
    for i in incidents {
        let severity = match i.kind {
            IncidentKind::Block | IncidentKind::Listing | IncidentKind::Authentication => "critical",
            _ => "warning",
        };
        let todo = i.todo.trim_end_matches('.');
        let mut todo_chars = todo.chars();
        let todo = match todo_chars.next() {
            Some(c) => format!("{}{}", c.to_uppercase(), todo_chars.as_str()),
            None => String::new(),
        };
        out.push(Finding {
            severity,
            text: format!(
                "{} ({} {}: {} refusal{}, {} – {}). {todo}.",
                i.headline,
                i.provider_label,
                i.code,
                i.refusals,
                if i.refusals == 1 { "" } else { "s" },
                &i.first_at[..10.min(i.first_at.len())],
                &i.last_at[..10.min(i.last_at.len())],
            ),
        });
    }
    // Microsoft blocks: the plain sentence a marketer needs, with the three remedies.
    for p in providers {
        let rate = p.complaint_rate.unwrap_or(0.0);
        let judged = p.sends >= s.min_sends;
        match p.status {
            RateStatus::OverLimit => out.push(Finding {
                severity: if judged { "critical" } else { "warning" },
                text: format!(
                    "{}: complaint rate {} is at or above the {} limit ({} complaints / {} sends){}.",
                    p.label,
                    pct(rate),
                    pct(s.complaint_limit),
                    p.complaints,
                    p.sends,
                    if judged { "" } else { "; few sends, treat with care" }
                ),
            }),
            RateStatus::OverTarget => out.push(Finding {
                severity: "warning",
                text: format!(
                    "{}: complaint rate {} is above the {} target (limit {}; {} complaints / {} sends).",
                    p.label,
                    pct(rate),
                    pct(s.complaint_target),
                    pct(s.complaint_limit),
                    p.complaints,
                    p.sends
                ),
            }),
            _ => {}
        }
        if p.sends == 0 && p.complaints > 0 {
            out.push(Finding {
                severity: "warning",
                text: format!(
                    "{}: {} complaints but no sends in the window: import the send log (or engagement sends) so the rate can be computed.",
                    p.label, p.complaints
                ),
            });
        }
    }
    if let Some(r) = totals.hard_bounce_rate.filter(|r| *r >= s.hard_bounce_limit) {
        out.push(Finding {
            severity: "critical",
            text: format!(
                "Hard-bounce rate {} is at or above {} ({} hard bounces / {} sends): the list needs cleaning.",
                pct(r),
                pct(s.hard_bounce_limit),
                totals.hard_bounces,
                totals.sends
            ),
        });
    }
    if unresolved.total > 0 {
        let cause = unresolved.causes.first().map_or("", |c| c.description);
        out.push(Finding {
            severity: "warning",
            text: format!(
                "{} complaint{} could not be matched to a subscriber (mostly: {cause}).",
                unresolved.total,
                if unresolved.total == 1 { "" } else { "s" }
            ),
        });
    }
    if out.is_empty() {
        out.push(Finding {
            severity: "ok",
            text: format!(
                "No sender-side incidents; complaint rates are below the {} target.",
                pct(s.complaint_target)
            ),
        });
    }
    out.sort_by_key(|f| match f.severity {
        "critical" => 0,
        "warning" => 1,
        _ => 2,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ReportSettings {
        ReportSettings {
            since: 1_793_491_200,
            until: 1_793_491_200 + 30 * DAY,
            complaint_target: 0.001,
            complaint_limit: 0.003,
            hard_bounce_limit: 0.02,
            min_sends: 100,
            max_campaigns: 10,
        }
    }

    fn ev(provider: &str, class: &str, reason: &str, campaign: Option<&str>, day_offset: i64, count: u64) -> EventCount {
        EventCount {
            provider: provider.into(),
            class: class.into(),
            reason: reason.into(),
            campaign: campaign.map(Into::into),
            day: 1_793_491_200 / DAY + day_offset,
            count,
        }
    }

    #[test]
    fn rates_per_provider_and_campaign_with_the_hotmail_block_first() {
        let input = ReportInput {
            sends: [("microsoft", "weekly-45", 0, 1500), ("microsoft", "promo", 2, 500), ("gmail", "weekly-45", 0, 1500), ("gmail", "weekly-45", 2, 1000), ("gmail", "promo", 2, 500), ("yahoo", "weekly-45", 2, 0), ("yahoo", "promo", 2, 1000)]
                .into_iter()
                .map(|(p, c, d, n)| SendCount { provider: p.into(), campaign: c.into(), day: 1_793_491_200 / DAY + d, count: n })
                .collect(),
            events: vec![
                ev("microsoft", "complaint", "feedback", Some("promo"), 0, 4),
                ev("yahoo", "complaint", "feedback", Some("promo"), 2, 4),
                ev("gmail", "hard", "userunknown", Some("weekly-45"), 0, 12),
                ev("microsoft", "sender", "badreputation", None, 2, 30),
            ],
            refusals: vec![RefusalGroup {
                provider: "microsoft".into(),
                reason: "badreputation".into(),
                status: Some("5.0.0".into()),
                reply_code: Some("550".into()),
                diagnostic: Some("550 SC-001 (DB5EUR03FT019) Unfortunately, messages from 203.0.113.28 weren't sent.".into()),
                reporting_mta: Some("pmta1.lists.example.com".into()),
                remote_mta: Some("outlook-com.olc.protection.outlook.com".into()),
                source_ip: None,
                count: 30,
                first_at: 1_793_491_200 + 2 * DAY,
                last_at: 1_793_491_200 + 2 * DAY + 600,
            }],
            unresolved: vec![UnresolvedRow { occurred_at: 1_793_491_200, original_message_id: true, ..UnresolvedRow::default() }],
        };
        let m = build_report(&input, &settings(), 1_793_491_200 + 30 * DAY);
        let ms = &m.providers[0];
        assert_eq!((ms.provider, ms.sends, ms.complaints), ("microsoft", 2000, 4));
        assert_eq!(ms.status, RateStatus::OverTarget);
        let yahoo = m.providers.iter().find(|p| p.provider == "yahoo").unwrap();
        assert_eq!(yahoo.status, RateStatus::OverLimit);
        assert_eq!(m.campaigns[0].campaign, "promo");
        assert_eq!(m.campaigns[0].complaints, 8);
        assert_eq!(m.incidents.len(), 1);
        let i = &m.incidents[0];
        assert_eq!((i.code.as_str(), i.sending_ip.as_deref(), i.refusals), ("SC-001", Some("203.0.113.28"), 30));
        assert!(i.headline.starts_with("Outlook.com is blocking part of your sending network: 203.0.113.28"), "{}", i.headline);
        assert!(m.findings[0].text.contains("SC-001") && m.findings[0].severity == "critical", "{:?}", m.findings);
        assert_eq!(m.unresolved.causes[0].cause, "not-in-send-log");
        assert_eq!(m.daily.len(), 30);
        assert_eq!(m.daily[1].sends, 0);
        assert_eq!(m.daily[2].sends, 3000);
        assert_eq!(m.totals.sends, 6000);
        assert_eq!(m.bounces.iter().map(|b| b.count).sum::<u64>(), 42);
    }

    #[test]
    fn empty_input_says_so() {
        let m = build_report(&ReportInput::default(), &settings(), 0);
        assert_eq!(m.findings.len(), 1);
        assert_eq!(m.findings[0].severity, "ok");
        assert!(m.daily.is_empty());
        assert_eq!(m.window.last_day, "2026-11-30");
        assert_eq!(m.providers.len(), 5);
        assert!(m.providers.iter().all(|p| p.status == RateStatus::NoData));
    }

    #[test]
    fn unresolved_causes() {
        let rows = [
            UnresolvedRow::default(),
            UnresolvedRow { header_token: true, note: Some("header_token: a recipient token is present but no token secret is configured".into()), ..UnresolvedRow::default() },
            UnresolvedRow { header_token: true, note: Some("header_token: signature does not verify".into()), ..UnresolvedRow::default() },
            UnresolvedRow { original_message_id: true, send_log_recipients: 2, ..UnresolvedRow::default() },
            UnresolvedRow { original_message_id: true, ..UnresolvedRow::default() },
        ];
        let got: Vec<&str> = rows.iter().map(cause_of).collect();
        assert_eq!(got, ["no-identifier", "token-secret-missing", "token-invalid", "ambiguous-message-id", "not-in-send-log"]);
    }
}
